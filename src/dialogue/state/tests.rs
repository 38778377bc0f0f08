//! Each transition of a chat's state, on a small dialogue built by hand.

use super::*;
use crate::dialogue::{Action, Cond, Kind, OptionSpec};
use crate::text::Localized;

fn words(s: &str) -> Localized {
    Localized {
        vi: s.to_string(),
        en: s.to_string(),
    }
}

fn step(id: &str, kind: Kind) -> Step {
    Step {
        id: id.to_string(),
        kind,
        ask: words(id),
        label: words(id),
        help: None,
        optional: false,
        when: vec![],
        options: vec![],
        source: None,
        empty: None,
        min: None,
        max: None,
        check: None,
        at_most: None,
    }
}

fn cond(key: CondKey, equal: bool, value: &str) -> Cond {
    Cond {
        key,
        equal,
        values: vec![value.to_string()],
    }
}

/// Asks a title, a kind, the herd only for livestock, the field for other kinds and only
/// of people who are not hamlet heads, then a total cost and the support requested (not
/// above the total).
fn form(confirm: bool) -> Dialogue {
    let kind_is = |equal| cond(CondKey::Step("kind".into()), equal, "livestock");
    let option = |value: &str| OptionSpec {
        value: value.to_string(),
        label: words(value),
        aliases: vec![],
        roles: vec![],
    };
    Dialogue {
        id: "form".into(),
        file: "form.toml".into(),
        title: words("Form"),
        commands: vec!["/form".into()],
        roles: vec![],
        action: Action::SubmitProposal,
        confirm,
        steps: vec![
            step("title", Kind::Text),
            Step {
                options: vec![option("livestock"), option("crops")],
                ..step("kind", Kind::Choice)
            },
            Step {
                when: vec![kind_is(true)],
                ..step("herd", Kind::Number)
            },
            Step {
                when: vec![kind_is(false), cond(CondKey::Role, false, "hamlet_head")],
                ..step("field", Kind::Text)
            },
            step("total", Kind::Money),
            Step {
                at_most: Some("total".into()),
                ..step("support", Kind::Money)
            },
        ],
    }
}

fn resident(r: Role) -> bool {
    r == Role::Resident
}

fn hamlet_head(r: Role) -> bool {
    r == Role::Resident || r == Role::HamletHead
}

fn answered(d: &Dialogue, answers: &[(&str, Value)]) -> Active {
    let mut a = Active::new(d);
    for (id, v) in answers {
        a.accept(d, id, v.clone(), None, &resident);
    }
    assert_eq!(a.advance(d, &resident), Advanced::Asking);
    a
}

fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

#[test]
fn the_next_step_skips_answered_and_inapplicable_steps() {
    let d = form(true);
    let mut a = Active::new(&d);
    assert_eq!(a.next_step(&d, &resident).as_deref(), Some("title"));
    a.accept(&d, "title", text("Bò"), None, &resident);
    assert_eq!(a.next_step(&d, &resident).as_deref(), Some("kind"));
    a.accept(&d, "kind", text("livestock"), None, &resident);
    assert_eq!(a.next_step(&d, &resident).as_deref(), Some("herd"));
    a.accept(&d, "herd", Value::from(3), None, &resident);
    // "field" is only for crops.
    assert_eq!(a.next_step(&d, &resident).as_deref(), Some("total"));
    a.accept(&d, "total", Value::from(100), None, &resident);
    a.accept(&d, "support", Value::from(50), None, &resident);
    assert_eq!(a.next_step(&d, &resident), None);
    assert_eq!(a.advance(&d, &resident), Advanced::Asking);
    assert_eq!(a.at, At::Confirm);
    assert_eq!(a.history, ["title", "kind", "herd", "total", "support"]);
}

#[test]
fn without_a_summary_the_last_answer_completes() {
    let d = form(false);
    let mut a = answered(&d, &[("title", text("Bò")), ("kind", text("crops"))]);
    assert_eq!(a.at, At::Step("field".into()));
    for (id, v) in [
        ("field", text("A")),
        ("total", 9.into()),
        ("support", 1.into()),
    ] {
        a.accept(&d, id, v, None, &resident);
    }
    assert_eq!(a.advance(&d, &resident), Advanced::Done);
}

#[test]
fn when_holds_on_a_role_and_on_an_earlier_answer() {
    let d = form(true);
    let (herd, field) = (d.step("herd").unwrap(), d.step("field").unwrap());
    let mut answers = Map::new();
    // Nothing answered yet: `kind == livestock` does not hold, `kind != livestock` does.
    assert!(!applies(herd, &answers, &resident));
    assert!(applies(field, &answers, &resident));
    answers.insert("kind".into(), text("livestock"));
    assert!(applies(herd, &answers, &resident));
    assert!(!applies(field, &answers, &resident));
    answers.insert("kind".into(), text("crops"));
    assert!(!applies(herd, &answers, &resident));
    assert!(applies(field, &answers, &resident));
    // `role != hamlet_head`.
    assert!(!applies(field, &answers, &hamlet_head));
    let a = answered(&d, &[("title", text("Lúa")), ("kind", text("crops"))]);
    assert_eq!(a.next_step(&d, &hamlet_head).as_deref(), Some("total"));
}

#[test]
fn a_condition_on_yes_or_no_reads_the_answer_as_yes_or_no() {
    let mut d = form(true);
    d.steps[2].when[0].values = vec!["yes".into()];
    let mut answers = Map::new();
    answers.insert("kind".into(), Value::Bool(true));
    assert!(applies(&d.steps[2], &answers, &resident));
    answers.insert("kind".into(), Value::Bool(false));
    assert!(!applies(&d.steps[2], &answers, &resident));
}

#[test]
fn back_goes_to_the_last_answer_and_forgets_it() {
    let d = form(true);
    let mut a = answered(&d, &[("title", text("Bò")), ("kind", text("livestock"))]);
    a.labels.insert("kind".into(), text("Chăn nuôi"));
    assert_eq!(a.at, At::Step("herd".into()));
    assert!(a.back());
    assert_eq!(a.at, At::Step("kind".into()));
    assert!(!a.answers.contains_key("kind") && !a.labels.contains_key("kind"));
    assert_eq!(a.history, ["title"]);
    assert!(a.back());
    assert_eq!(a.at, At::Step("title".into()));
    // At the first question there is nowhere to go.
    assert!(!a.back());
    assert_eq!(a.at, At::Step("title".into()));
}

#[test]
fn back_from_a_change_returns_to_the_summary() {
    let d = form(true);
    let all = [
        ("title", text("Bò")),
        ("kind", text("livestock")),
        ("herd", 3.into()),
        ("total", 100.into()),
        ("support", 50.into()),
    ];
    let mut a = answered(&d, &all);
    assert_eq!(a.at, At::Confirm);
    a.at = At::PickEdit;
    assert!(a.back());
    assert_eq!(a.at, At::Confirm);
    a.edit("kind".into());
    assert!(a.back());
    assert_eq!(a.at, At::Confirm);
    assert!(!a.editing);
    assert_eq!(a.answers.len(), 5, "a change given up keeps every answer");
    // From the summary itself, back reopens the last question.
    assert!(a.back());
    assert_eq!(a.at, At::Step("support".into()));
}

#[test]
fn cancelling_a_change_returns_to_the_summary() {
    let d = form(true);
    let mut a = answered(&d, &[("title", text("Bò"))]);
    assert!(!a.cancel_change(), "no change under way");
    a.edit("title".into());
    assert!(a.cancel_change());
    assert_eq!(a.at, At::Confirm);
    assert!(!a.editing);
    a.at = At::PickEdit;
    a.from_summary = false;
    assert!(a.cancel_change());
    assert_eq!(a.at, At::Confirm);
}

#[test]
fn changing_an_earlier_answer_drops_answers_made_moot() {
    let d = form(true);
    let all = [
        ("title", text("Bò")),
        ("kind", text("livestock")),
        ("herd", 3.into()),
        ("total", 100.into()),
        ("support", 50.into()),
    ];
    let mut a = answered(&d, &all);
    a.labels.insert("herd".into(), text("3 con"));
    a.edit("kind".into());
    a.accept(&d, "kind", text("crops"), None, &resident);
    assert!(!a.answers.contains_key("herd") && !a.labels.contains_key("herd"));
    assert!(!a.history.iter().any(|h| h == "herd"));
    assert_eq!(a.history, ["title", "total", "support", "kind"]);
    assert!(!a.editing);
    // The question that now applies is asked before the summary.
    assert_eq!(a.advance(&d, &resident), Advanced::Asking);
    assert_eq!(a.at, At::Step("field".into()));
}

#[test]
fn a_lower_total_drops_the_amounts_above_it() {
    let d = form(true);
    let before = [
        ("title", text("Bò")),
        ("kind", text("livestock")),
        ("herd", 3.into()),
        ("total", 100.into()),
        ("support", 50.into()),
    ];
    let mut a = answered(&d, &before);
    a.accept(&d, "total", 60.into(), None, &resident);
    assert_eq!(a.answers["support"], 50, "still within the total");
    a.accept(&d, "total", 40.into(), None, &resident);
    assert!(!a.answers.contains_key("support"));
    assert!(!a.history.iter().any(|h| h == "support"));
    assert_eq!(a.advance(&d, &resident), Advanced::Asking);
    assert_eq!(a.at, At::Step("support".into()));
}

#[test]
fn a_refused_action_goes_back_to_the_summary_when_there_is_one() {
    let d = form(true);
    let mut a = answered(&d, &[("title", text("Bò"))]);
    a.edit("title".into());
    a.retry(&d, Some("title"));
    assert_eq!(a.at, At::Confirm);
    assert!(!a.editing);
    assert_eq!(a.answers.len(), 1);
}

#[test]
fn a_refused_action_rewinds_to_the_step_it_names() {
    let d = form(false);
    let all = [
        ("title", text("Bò")),
        ("kind", text("livestock")),
        ("herd", 3.into()),
        ("total", 100.into()),
        ("support", 50.into()),
    ];
    let mut a = Active::new(&d);
    for (id, v) in all {
        a.accept(&d, id, v, None, &resident);
    }
    assert_eq!(a.advance(&d, &resident), Advanced::Done);
    a.retry(&d, Some("kind"));
    assert_eq!(a.at, At::Step("kind".into()));
    assert_eq!(a.history, ["title"]);
    let kept: Vec<&String> = a.answers.keys().collect();
    assert_eq!(kept, ["title"]);
}

#[test]
fn a_refused_action_rewinds_to_the_last_question_by_default() {
    let d = form(false);
    let mut a = Active::new(&d);
    for (id, v) in [("title", text("Bò")), ("kind", text("crops"))] {
        a.accept(&d, id, v, None, &resident);
    }
    a.retry(&d, None);
    assert_eq!(a.at, At::Step("kind".into()));
    assert_eq!(a.history, ["title"]);
    assert!(!a.answers.contains_key("kind"));
    assert!(a.answers.contains_key("title"));
}

#[test]
fn back_goes_past_a_step_taken_for_the_person() {
    let d = form(true);
    // "kind" had one option only: taken, not asked.
    let mut a = answered(&d, &[("title", text("Bò"))]);
    a.take(&d, "kind", text("livestock"), "Chăn nuôi".into(), &resident);
    assert_eq!(a.advance(&d, &resident), Advanced::Asking);
    assert_eq!(a.at, At::Step("herd".into()));
    // Back goes to the title, the last question answered; the kind is taken again when
    // reached.
    assert!(a.back());
    assert_eq!(a.at, At::Step("title".into()));
    assert!(!a.answers.contains_key("kind") && !a.answers.contains_key("title"));
    assert!(a.taken.is_empty() && a.history.is_empty());
    // Only taken steps behind: nowhere to go back to, and nothing is forgotten.
    let mut a = Active::new(&d);
    a.take(&d, "title", text("Bò"), "Bò".into(), &resident);
    a.advance(&d, &resident);
    assert!(!a.back());
    assert_eq!(a.at, At::Step("kind".into()));
    assert_eq!(a.answers.get("title"), Some(&text("Bò")));
    // Chosen again by the person (from the summary), it is an answer like the others.
    a.accept(&d, "title", text("Gà"), None, &resident);
    assert!(a.taken.is_empty());
}

#[test]
fn a_handed_over_dialogue_knows_what_was_answered() {
    let d = form(true);
    let mut answers = Map::new();
    answers.insert("total".into(), 100.into());
    answers.insert("title".into(), text("Bò"));
    let mut a = Active::handed_over(&d, answers, Map::new());
    assert_eq!(a.history, ["title", "total"], "in the dialogue's order");
    assert_eq!(a.at, At::Confirm);
    assert_eq!(a.advance(&d, &resident), Advanced::Asking);
    assert_eq!(a.at, At::Step("kind".into()));
}

#[test]
fn a_step_removed_from_the_file_is_forgotten() {
    let d = form(true);
    let mut a = answered(&d, &[("title", text("Bò"))]);
    a.history.push("gone".into());
    a.at = At::Step("gone_too".into());
    a.editing = true;
    a.follow_file(&d, &resident);
    assert_eq!(a.history, ["title"]);
    assert_eq!(a.at, At::Step("kind".into()));
    assert!(!a.editing);
}

#[test]
fn a_question_keeps_its_number_while_shown_again() {
    let d = form(true);
    let mut s = ChatState {
        active: Some(answered(&d, &[])),
        ..ChatState::default()
    };
    assert_eq!(s.number_question(), 1);
    assert_eq!(s.number_question(), 1);
    s.active.as_mut().unwrap().at = At::Step("kind".into());
    assert_eq!(s.number_question(), 2);
}
