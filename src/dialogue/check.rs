//! Checking one dialogue file as written: every field, step, condition and option against
//! what the engine and the action can take, with the place of each problem. `load` reads the
//! files and gathers what this finds.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::{Action, Check, Cond, CondKey, Dialogue, Kind, OptionSpec, Source, Step};
use crate::domain::Role;
use crate::text::{Localized, fold};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDialogue {
    id: Spanned<String>,
    title: Spanned<Localized>,
    commands: Spanned<Vec<String>>,
    roles: Option<Spanned<Vec<String>>>,
    action: Spanned<String>,
    #[serde(default = "yes")]
    confirm: bool,
    #[serde(default)]
    steps: Vec<Spanned<FileStep>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStep {
    id: Spanned<String>,
    kind: Spanned<String>,
    ask: Spanned<Localized>,
    label: Option<Localized>,
    help: Option<Localized>,
    #[serde(default)]
    optional: bool,
    when: Option<Spanned<String>>,
    #[serde(default)]
    options: Vec<Spanned<FileOption>>,
    source: Option<Spanned<String>>,
    empty: Option<Localized>,
    min: Option<i64>,
    max: Option<i64>,
    check: Option<Spanned<String>>,
    at_most: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOption {
    value: String,
    vi: String,
    en: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// Offered only to holders of one of these roles (the action still decides).
    #[serde(default)]
    roles: Vec<String>,
}

fn check_localized(l: &Localized, what: &str, at: usize, err: &mut impl FnMut(usize, String)) {
    if l.vi.trim().is_empty() {
        err(at, format!("{what}: the Vietnamese text is missing"));
    }
    if l.en.trim().is_empty() {
        err(at, format!("{what}: the English translation is missing"));
    }
}

pub(super) fn check_dialogue(
    f: FileDialogue,
    err: &mut impl FnMut(usize, String),
    commands_seen: &mut HashSet<String>,
    earlier: &[Dialogue],
    file: &str,
) -> Option<Dialogue> {
    let before = std::cell::Cell::new(0usize);
    let mut err = |at: usize, m: String| {
        before.set(before.get() + 1);
        err(at, m)
    };
    let id = f.id.get_ref().clone();
    if earlier.iter().any(|d| d.id == id) {
        err(
            f.id.span().start,
            format!("dialogue id `{id}` is used twice"),
        );
    }
    check_localized(f.title.get_ref(), "title", f.title.span().start, &mut err);

    let mut commands = vec![];
    for c in f.commands.get_ref() {
        let folded = fold(c);
        if !folded.starts_with('/') || folded.len() < 2 || folded.contains(' ') {
            err(
                f.commands.span().start,
                format!("command `{c}` must be one word starting with /"),
            );
        } else if super::BUILTIN_COMMANDS.contains(&folded.as_str()) {
            err(
                f.commands.span().start,
                format!("command `{c}` is built in"),
            );
        } else if !commands_seen.insert(folded.clone()) {
            err(
                f.commands.span().start,
                format!("command `{c}` is used by another dialogue"),
            );
        } else {
            commands.push(folded);
        }
    }
    if commands.is_empty() {
        err(
            f.commands.span().start,
            "a dialogue needs at least one command".into(),
        );
    }

    let action = Action::parse(f.action.get_ref());
    if action.is_none() {
        err(
            f.action.span().start,
            format!("unknown action `{}`", f.action.get_ref()),
        );
    }

    // Who may start it: written out in every file, and never more than the action's
    // capability allows (the table in `domain::access` decides; a file can only narrow it).
    let mut roles = vec![];
    let allowed = |a: Action| -> String {
        let roles: Vec<&str> = a.capability().roles().iter().map(|r| r.code()).collect();
        roles.join(", ")
    };
    match &f.roles {
        None => {
            if let Some(a) = action {
                err(
                    f.action.span().start,
                    format!(
                        "`roles` is missing: name who may start this dialogue (action `{}` allows at most: {})",
                        f.action.get_ref(),
                        allowed(a)
                    ),
                );
            }
        }
        Some(rs) if rs.get_ref().is_empty() => {
            err(rs.span().start, "`roles` names nobody".into());
        }
        Some(rs) => {
            for r in rs.get_ref() {
                match Role::from_code(r) {
                    Some(role) if action.is_some_and(|a| !a.capability().allows(role)) => err(
                        rs.span().start,
                        format!(
                            "role `{r}` may not do what action `{}` does (at most: {})",
                            f.action.get_ref(),
                            action.map(allowed).unwrap_or_default()
                        ),
                    ),
                    Some(role) => roles.push(role),
                    None => err(rs.span().start, format!("unknown role `{r}`")),
                }
            }
        }
    }

    let mut steps: Vec<Step> = vec![];
    for s in &f.steps {
        let at = s.span().start;
        let s = s.get_ref();
        let sid = s.id.get_ref().clone();
        if sid.is_empty()
            || !sid
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        {
            err(
                s.id.span().start,
                format!("step id `{sid}` must be lower-case letters, digits and _"),
            );
        }
        if steps.iter().any(|x| x.id == sid) {
            err(s.id.span().start, format!("step id `{sid}` is used twice"));
        }
        let kind = Kind::parse(s.kind.get_ref());
        if kind.is_none() {
            err(
                s.kind.span().start,
                format!("unknown kind `{}`", s.kind.get_ref()),
            );
        }
        let kind = kind.unwrap_or(Kind::Text);
        check_localized(
            s.ask.get_ref(),
            &format!("step `{sid}`: ask"),
            s.ask.span().start,
            &mut err,
        );
        for name in placeholders(&s.ask.get_ref().vi).chain(placeholders(&s.ask.get_ref().en)) {
            // `{xom}`, `{Xom}`: the commune's word for a hamlet; `{level}`, `{Level}`: the
            // upper level's name (`Texts::words`).
            let word = matches!(name.as_str(), "xom" | "Xom" | "level" | "Level");
            if !word && !steps.iter().any(|x| x.id == name) {
                err(
                    s.ask.span().start,
                    format!("step `{sid}`: `{{{name}}}` is not an earlier step"),
                );
            }
        }
        if f.confirm && s.label.is_none() {
            err(
                at,
                format!("step `{sid}`: a label for the summary is missing"),
            );
        }
        if let Some(l) = &s.label {
            check_localized(l, &format!("step `{sid}`: label"), at, &mut err);
        }
        if let Some(h) = &s.help {
            check_localized(h, &format!("step `{sid}`: help"), at, &mut err);
        }

        let mut options = vec![];
        for o in &s.options {
            let o_at = o.span().start;
            let o = o.get_ref();
            let label = Localized {
                vi: o.vi.clone(),
                en: o.en.clone(),
            };
            check_localized(
                &label,
                &format!("step `{sid}`: option `{}`", o.value),
                o_at,
                &mut err,
            );
            // Button data is "seq|step=value" and must fit Telegram's 64 bytes.
            if sid.len() + 1 + o.value.len() > 56 || o.value.is_empty() {
                err(
                    o_at,
                    format!(
                        "step `{sid}`: option value `{}` is empty or too long",
                        o.value
                    ),
                );
            }
            let mut roles = vec![];
            for r in &o.roles {
                match crate::domain::Role::from_code(r) {
                    Some(role) => roles.push(role),
                    None => err(
                        o_at,
                        format!("step `{sid}`: option `{}`: unknown role `{r}`", o.value),
                    ),
                }
            }
            options.push(OptionSpec {
                value: o.value.clone(),
                label,
                aliases: o.aliases.iter().map(|a| fold(a)).collect(),
                roles,
            });
        }
        let source = match &s.source {
            Some(src) => {
                let parsed = Source::parse(src.get_ref());
                if parsed.is_none() {
                    err(
                        src.span().start,
                        format!("unknown source `{}`", src.get_ref()),
                    );
                }
                parsed
            }
            None => None,
        };
        if kind == Kind::Choice && options.is_empty() == source.is_none() {
            err(
                at,
                format!("step `{sid}`: a choice needs either options or a source"),
            );
        }
        if kind != Kind::Choice && (!options.is_empty() || source.is_some()) {
            err(
                at,
                format!("step `{sid}`: only a choice has options or a source"),
            );
        }
        if source.is_some() {
            match &s.empty {
                Some(e) => check_localized(e, &format!("step `{sid}`: empty"), at, &mut err),
                None => err(
                    at,
                    format!(
                        "step `{sid}`: `empty` (what to say with nothing to choose) is missing"
                    ),
                ),
            }
        }
        if (s.min.is_some() || s.max.is_some()) && kind != Kind::Number {
            err(at, format!("step `{sid}`: min and max are for numbers"));
        }
        let check = match &s.check {
            Some(c) => match Check::parse(c.get_ref()) {
                Some(ch) if ch.kind() == kind => Some(ch),
                Some(_) => {
                    err(
                        c.span().start,
                        format!(
                            "step `{sid}`: check `{}` does not apply to this kind",
                            c.get_ref()
                        ),
                    );
                    None
                }
                None => {
                    err(c.span().start, format!("unknown check `{}`", c.get_ref()));
                    None
                }
            },
            None => None,
        };
        let at_most = match &s.at_most {
            // `total_cost`, or `total_cost - support`: earlier money steps.
            Some(a) => {
                let money = |id: &str| {
                    steps
                        .iter()
                        .find(|x| x.id == id.trim())
                        .is_some_and(|x| x.kind == Kind::Money)
                };
                if kind != Kind::Money || !a.get_ref().split(" - ").all(money) {
                    err(
                        a.span().start,
                        format!("step `{sid}`: at_most names earlier money steps (`a` or `a - b`)"),
                    );
                }
                Some(a.get_ref().clone())
            }
            None => None,
        };
        let when = match &s.when {
            Some(w) => match parse_when(w.get_ref(), &steps) {
                Ok(c) => c,
                Err(m) => {
                    err(w.span().start, format!("step `{sid}`: when: {m}"));
                    vec![]
                }
            },
            None => vec![],
        };
        steps.push(Step {
            id: sid,
            kind,
            ask: s.ask.get_ref().clone(),
            label: s.label.clone().unwrap_or_else(|| s.ask.get_ref().clone()),
            help: s.help.clone(),
            optional: s.optional,
            when,
            options,
            source,
            empty: s.empty.clone(),
            min: s.min,
            max: s.max,
            check,
            at_most,
        });
    }

    // The action must be able to take every answer, and get every answer it needs.
    if let Some(action) = action {
        let fields = action.fields();
        for (i, s) in steps.iter().enumerate() {
            let at = f.steps[i].span().start;
            match fields.iter().find(|fl| fl.name == s.id) {
                None => err(
                    at,
                    format!(
                        "step `{}`: action `{}` takes no such answer",
                        s.id,
                        f.action.get_ref()
                    ),
                ),
                Some(fl) => {
                    if fl.kind != s.kind {
                        err(
                            at,
                            format!(
                                "step `{}`: action `{}` needs kind {:?} here",
                                s.id,
                                f.action.get_ref(),
                                fl.kind
                            ),
                        );
                    }
                    if fl.required && (s.optional || !s.when.is_empty()) {
                        err(
                            at,
                            format!(
                                "step `{}`: action `{}` needs this answer always; it cannot be optional or conditional",
                                s.id,
                                f.action.get_ref()
                            ),
                        );
                    }
                    if let Some(values) = fl.values {
                        for o in &s.options {
                            if !values.contains(&o.value.as_str()) {
                                err(
                                    at,
                                    format!(
                                        "step `{}`: action `{}` does not know option `{}` (one of: {})",
                                        s.id,
                                        f.action.get_ref(),
                                        o.value,
                                        values.join(", ")
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
        for fl in fields.iter().filter(|fl| fl.required) {
            if !steps.iter().any(|s| s.id == fl.name) {
                err(
                    0,
                    format!("action `{}` needs a step `{}`", f.action.get_ref(), fl.name),
                );
            }
        }
    }

    if before.get() > 0 {
        let _ = file;
        return None;
    }
    Some(Dialogue {
        id,
        file: file.to_string(),
        title: f.title.into_inner(),
        commands,
        roles,
        action: action?,
        confirm: f.confirm,
        steps,
    })
}

/// Names inside `{…}` in a question.
fn placeholders(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
}

/// Parses `category == newly_escaped and role != hamlet_head`; `step == return|reject` holds
/// for either value.
fn parse_when(s: &str, earlier: &[Step]) -> Result<Vec<Cond>, String> {
    let mut conds = vec![];
    for part in s.split(" and ") {
        let (key, equal, value) = if let Some((k, v)) = part.split_once("!=") {
            (k.trim(), false, v.trim())
        } else if let Some((k, v)) = part.split_once("==") {
            (k.trim(), true, v.trim())
        } else {
            return Err(format!("`{part}` is not `key == value` or `key != value`"));
        };
        let key = if key == "role" {
            if let Some(bad) = value
                .split('|')
                .find(|v| Role::from_code(v.trim()).is_none())
            {
                return Err(format!("unknown role `{bad}`"));
            }
            CondKey::Role
        } else if key == "hamlets" {
            if let Some(bad) = value
                .split('|')
                .find(|v| !["none", "one", "several"].contains(&v.trim()))
            {
                return Err(format!("hamlets: `{bad}` is not none, one or several"));
            }
            CondKey::Hamlets
        } else {
            let Some(step) = earlier.iter().find(|st| st.id == key) else {
                return Err(format!("`{key}` is not an earlier step"));
            };
            for value in value.split('|').map(str::trim) {
                match step.kind {
                    Kind::Choice if step.source.is_none() => {
                        if !step.options.iter().any(|o| o.value == value) {
                            return Err(format!("step `{key}` has no option `{value}`"));
                        }
                    }
                    Kind::YesNo => {
                        if value != "yes" && value != "no" {
                            return Err(format!("step `{key}` is yes or no, not `{value}`"));
                        }
                    }
                    Kind::Choice => match step.source.and_then(|s| s.fixed_values()) {
                        Some(values) if values.contains(&value) => {}
                        Some(_) => return Err(format!("step `{key}` has no option `{value}`")),
                        None => {
                            return Err(format!("step `{key}` is not a choice with fixed options"));
                        }
                    },
                    _ => return Err(format!("step `{key}` is not a choice with fixed options")),
                }
            }
            CondKey::Step(key.to_string())
        };
        let values = value.split('|').map(|v| v.trim().to_string()).collect();
        conds.push(Cond { key, equal, values });
    }
    Ok(conds)
}
