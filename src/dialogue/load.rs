//! Reading and checking dialogue files. Every problem names the file and line, and the
//! program refuses to start with any of them: a hamlet head must never meet a broken question.

use std::collections::HashSet;
use std::path::Path;

use super::check::{FileDialogue, check_dialogue};
use super::{Dialogue, Dialogues};

/// A problem in a dialogue file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LoadError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The dialogues shipped with the program, compiled in so the binary works from any folder.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "register_household.toml",
        include_str!("../../dialogues/register_household.toml"),
    ),
    (
        "my_households.toml",
        include_str!("../../dialogues/my_households.toml"),
    ),
    (
        "review_household.toml",
        include_str!("../../dialogues/review_household.toml"),
    ),
    (
        "create_group.toml",
        include_str!("../../dialogues/create_group.toml"),
    ),
    (
        "renew_join_code.toml",
        include_str!("../../dialogues/renew_join_code.toml"),
    ),
    (
        "join_group.toml",
        include_str!("../../dialogues/join_group.toml"),
    ),
    (
        "add_member.toml",
        include_str!("../../dialogues/add_member.toml"),
    ),
    (
        "record_recognition.toml",
        include_str!("../../dialogues/record_recognition.toml"),
    ),
    (
        "choose_leader.toml",
        include_str!("../../dialogues/choose_leader.toml"),
    ),
    (
        "show_group.toml",
        include_str!("../../dialogues/show_group.toml"),
    ),
    (
        "leave_group.toml",
        include_str!("../../dialogues/leave_group.toml"),
    ),
    (
        "request_establishment.toml",
        include_str!("../../dialogues/request_establishment.toml"),
    ),
    (
        "decide_group.toml",
        include_str!("../../dialogues/decide_group.toml"),
    ),
    (
        "submit_proposal.toml",
        include_str!("../../dialogues/submit_proposal.toml"),
    ),
    (
        "revise_proposal.toml",
        include_str!("../../dialogues/revise_proposal.toml"),
    ),
    (
        "act_on_proposal.toml",
        include_str!("../../dialogues/act_on_proposal.toml"),
    ),
    (
        "show_proposal.toml",
        include_str!("../../dialogues/show_proposal.toml"),
    ),
    (
        "officer_queue.toml",
        include_str!("../../dialogues/officer_queue.toml"),
    ),
    (
        "digest_now.toml",
        include_str!("../../dialogues/digest_now.toml"),
    ),
    (
        "digest_time.toml",
        include_str!("../../dialogues/digest_time.toml"),
    ),
    (
        "add_deadline.toml",
        include_str!("../../dialogues/add_deadline.toml"),
    ),
    (
        "list_deadlines.toml",
        include_str!("../../dialogues/list_deadlines.toml"),
    ),
    (
        "finish_deadline.toml",
        include_str!("../../dialogues/finish_deadline.toml"),
    ),
    ("report.toml", include_str!("../../dialogues/report.toml")),
    (
        "show_phone.toml",
        include_str!("../../dialogues/show_phone.toml"),
    ),
    (
        "link_accounts.toml",
        include_str!("../../dialogues/link_accounts.toml"),
    ),
    (
        "set_name.toml",
        include_str!("../../dialogues/set_name.toml"),
    ),
    (
        "audit_log.toml",
        include_str!("../../dialogues/audit_log.toml"),
    ),
    ("invite.toml", include_str!("../../dialogues/invite.toml")),
    ("staff.toml", include_str!("../../dialogues/staff.toml")),
    (
        "revoke_role.toml",
        include_str!("../../dialogues/revoke_role.toml"),
    ),
    (
        "move_person.toml",
        include_str!("../../dialogues/move_person.toml"),
    ),
    (
        "add_disabled_person.toml",
        include_str!("../../dialogues/add_disabled_person.toml"),
    ),
    (
        "upper_queue.toml",
        include_str!("../../dialogues/upper_queue.toml"),
    ),
    (
        "upper_decide.toml",
        include_str!("../../dialogues/upper_decide.toml"),
    ),
    (
        "province_report.toml",
        include_str!("../../dialogues/province_report.toml"),
    ),
];

pub fn load_embedded() -> Result<Dialogues, Vec<LoadError>> {
    load_sources(SHIPPED.iter().map(|(f, s)| (f.to_string(), s.to_string())))
}

/// Loads every `*.toml` in `dir`.
pub fn load_dir(dir: &Path) -> Result<Dialogues, Vec<LoadError>> {
    let mut files = vec![];
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![LoadError {
            file: dir.display().to_string(),
            line: 0,
            message: format!("cannot read the folder: {e}"),
        }]
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(src) => files.push((name, src)),
                Err(e) => {
                    return Err(vec![LoadError {
                        file: name,
                        line: 0,
                        message: e.to_string(),
                    }]);
                }
            }
        }
    }
    files.sort();
    load_sources(files.into_iter())
}

/// Loads and checks a set of files given as (name, text); all problems are reported at once.
pub fn load_sources(
    files: impl Iterator<Item = (String, String)>,
) -> Result<Dialogues, Vec<LoadError>> {
    let mut errors = vec![];
    let mut list: Vec<Dialogue> = vec![];
    let mut commands_seen: HashSet<String> = HashSet::new();
    for (file, src) in files {
        let line_of = |offset: usize| src[..offset.min(src.len())].matches('\n').count() + 1;
        let mut err = |offset: usize, message: String| {
            errors.push(LoadError {
                file: file.clone(),
                line: line_of(offset),
                message,
            })
        };
        let parsed: FileDialogue = match toml::from_str(&src) {
            Ok(p) => p,
            Err(e) => {
                let offset = e.span().map(|s| s.start).unwrap_or(0);
                err(offset, e.message().to_string());
                continue;
            }
        };
        let Some(d) = check_dialogue(parsed, &mut err, &mut commands_seen, &list, &file) else {
            continue;
        };
        list.push(d);
    }
    if errors.is_empty() {
        Ok(Dialogues::new(list))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_one(src: &str) -> Result<Dialogues, Vec<LoadError>> {
        load_sources(std::iter::once(("t.toml".to_string(), src.to_string())))
    }

    #[test]
    fn every_shipped_dialogue_loads() {
        let d = load_embedded().unwrap_or_else(|e| panic!("{e:#?}"));
        assert!(d.by_command("/dangky").is_some());
    }

    #[test]
    fn the_files_on_disk_are_the_ones_compiled_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogues");
        let on_disk = load_dir(&dir).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(on_disk.list.len(), SHIPPED.len());
    }

    const GOOD: &str = r#"
id = "x"
title = { vi = "X", en = "X" }
commands = ["/x"]
roles = ["resident"]
action = "my_households"
confirm = false
"#;

    #[test]
    fn a_minimal_dialogue_loads() {
        load_one(GOOD).unwrap();
    }

    #[test]
    fn problems_name_the_line() {
        let src = format!(
            "{GOOD}\n[[steps]]\nid = \"a\"\nkind = \"colour\"\nask = {{ vi = \"?\", en = \"?\" }}\n"
        );
        let errs = load_one(&src).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.line == 11 && e.message.contains("unknown kind `colour`")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.message.contains("takes no such answer")),
            "{errs:?}"
        );
    }

    #[test]
    fn roles_are_required_and_never_wider_than_the_action() {
        let errs = load_one(&GOOD.replace("roles = [\"resident\"]\n", "")).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.line == 5 && e.message.contains("`roles` is missing")),
            "{errs:?}"
        );
        let report = SHIPPED.iter().find(|(n, _)| *n == "report.toml").unwrap().1;
        let wider = report.replace("roles = [\"", "roles = [\"resident\", \"");
        let errs = load_one(&wider).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.contains("role `resident` may not")),
            "{errs:?}"
        );
        let narrower = report.replace("\"agri_officer\", ", "");
        assert_ne!(narrower, report);
        load_one(&narrower).unwrap();
    }

    #[test]
    fn a_missing_translation_is_refused() {
        let src = GOOD.replace("en = \"X\"", "en = \"\"");
        let errs = load_one(&src).unwrap_err();
        assert_eq!(errs[0].line, 3);
        assert!(
            errs[0].message.contains("English translation is missing"),
            "{errs:?}"
        );
    }

    #[test]
    fn unknown_actions_fields_and_syntax_are_refused() {
        let errs = load_one(&GOOD.replace("my_households", "fly")).unwrap_err();
        assert!(errs[0].message.contains("unknown action `fly`"), "{errs:?}");
        let errs = load_one(&format!("{GOOD}\ncolour = 1\n")).unwrap_err();
        assert!(errs[0].message.contains("unknown field"), "{errs:?}");
        let errs = load_one("id = ").unwrap_err();
        assert_eq!(errs[0].line, 1);
    }

    #[test]
    fn a_condition_must_name_an_earlier_choice_and_a_real_option() {
        let shipped = SHIPPED[0].1;
        let broken = shipped.replace("category == newly_escaped", "category == rich");
        let errs = load_one(&broken).unwrap_err();
        assert!(
            errs.iter().any(|e| e.message.contains("no option `rich`")),
            "{errs:?}"
        );
        let line = broken
            .lines()
            .position(|l| l.contains("category == rich"))
            .unwrap()
            + 1;
        assert!(errs.iter().any(|e| e.line == line), "{errs:?}");
    }

    #[test]
    fn an_answer_the_action_cannot_take_is_refused() {
        let shipped = SHIPPED[0].1;
        let broken = shipped.replace("value = \"near_poor\"", "value = \"rich\"");
        let errs = load_one(&broken).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.contains("does not know option `rich`")),
            "{errs:?}"
        );
        let broken = shipped.replacen("kind = \"phone\"", "kind = \"text\"", 1);
        let errs = load_one(&broken).unwrap_err();
        assert!(
            errs.iter().any(|e| e.message.contains("needs kind Phone")),
            "{errs:?}"
        );
    }
}
