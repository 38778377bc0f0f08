//! Drawing what the bot says: a question with its buttons, the summary, the answers to pick
//! one to change, the menu, help, and a platform's command menu. Drawing changes nothing:
//! the options come already fetched and the question already numbered.

use chrono::NaiveDate;
use serde_json::Value;

use super::choice::{Opt, buttons, confirm_options, edit_options};
use super::ctx::Ctx;
use super::offer::{allowed, command_for, may_start};
use super::state::{Active, At};
use super::{Dialogue, Dialogues, Kind, Step};
use crate::domain::input::format_date;
use crate::domain::{Access, Phone};
use crate::message::{Choice, Reply};
use crate::text::{Lang, Texts};

/// The question the chat `a` stands at, numbered `seq`, with its buttons; `opts` are the
/// options of a choice, fetched already.
pub(super) fn prompt(ctx: &Ctx<'_>, d: &Dialogue, a: &Active, seq: u32, opts: &[Opt]) -> Reply {
    match &a.at {
        At::Confirm => {
            let mut text = ctx.t("summary-title", &[]);
            for (i, (label, value)) in summary(ctx, d, a).into_iter().enumerate() {
                text.push_str(&format!("\n{}. {label}: {value}", i + 1));
            }
            text.push('\n');
            text.push_str(&ctx.t("summary-ask", &[]));
            let choices = buttons(seq, "confirm", &confirm_options(ctx));
            Reply {
                text,
                choices,
                ask_contact: None,
                files: vec![],
                short: None,
            }
        }
        At::PickEdit => Reply {
            text: ctx.t("pick-edit", &[]),
            choices: buttons(seq, "edit", &edit_options(ctx, d, a)),
            ask_contact: None,
            files: vec![],
            short: None,
        },
        At::Step(id) => {
            let step = d.step(id).expect("current step exists");
            let mut text = fill(&ctx.l(&step.ask), |name| {
                let s = d.step(name)?;
                Some(display(ctx, s, a.answers.get(name)?, a.labels.get(name)))
            });
            for o in opts {
                if let Some(detail) = &o.detail {
                    text.push_str("\n\n");
                    text.push_str(detail);
                }
            }
            if a.editing
                && let Some(v) = a.answers.get(id)
            {
                let shown = display(ctx, step, v, a.labels.get(id));
                text.push('\n');
                text.push_str(&ctx.t("current-answer", &[("value", shown.into())]));
            }
            let mut choices = buttons(seq, id, opts);
            if step.optional {
                // A button like the others (it carries the question's number); typed,
                // it is the command.
                choices.push(Choice {
                    label: ctx.t("skip", &[]),
                    data: format!("{seq}|{id}=-"),
                    key: Some(match ctx.lang {
                        Lang::Vi => "/boqua".into(),
                        Lang::En => "/skip".into(),
                    }),
                });
            }
            Reply {
                text,
                choices,
                ask_contact: (step.kind == Kind::Phone).then(|| ctx.t("share-contact", &[])),
                files: vec![],
                short: None,
            }
        }
    }
}

/// What a list with nothing in it says (the dialogue ends there): the file's `empty` text.
pub(super) fn empty_list(ctx: &Ctx<'_>, step: &Step) -> Reply {
    let empty = step.empty.as_ref().map(|e| ctx.l(e));
    Reply::text(empty.unwrap_or_default())
}

/// The answered questions in order, as (label, value) for the summary. A record chosen from
/// a list reads as its first line ("#3 Tổ chè – Xóm Đồng Tâm"): the rest of its card was
/// shown when it was chosen.
fn summary(ctx: &Ctx<'_>, d: &Dialogue, a: &Active) -> Vec<(String, String)> {
    d.steps
        .iter()
        .filter_map(|s| {
            let v = a.answers.get(&s.id)?;
            let shown = display(ctx, s, v, a.labels.get(&s.id));
            let first = shown.lines().next().unwrap_or_default().to_string();
            Some((ctx.l(&s.label), first))
        })
        .collect()
}

fn display(ctx: &Ctx<'_>, step: &Step, v: &Value, label: Option<&Value>) -> String {
    if let Some(Value::String(l)) = label {
        return l.clone();
    }
    match (step.kind, v) {
        (_, Value::Null) => ctx.t("skipped", &[]),
        (Kind::Choice, Value::String(s)) => step
            .options
            .iter()
            .find(|o| o.value == *s)
            .map(|o| ctx.l(&o.label))
            .unwrap_or_else(|| s.clone()),
        (Kind::Date | Kind::Day, Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(format_date)
            .unwrap_or_else(|_| s.clone()),
        (Kind::Phone, Value::String(s)) => Phone::parse(s)
            .map(|p| p.local())
            .unwrap_or_else(|_| s.clone()),
        (Kind::YesNo, Value::Bool(b)) => ctx.t(if *b { "yes" } else { "no" }, &[]),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

pub(super) fn menu(ctx: &Ctx<'_>, dialogues: &Dialogues, note: Option<&str>) -> Reply {
    menu_with(ctx, dialogues, note.map(|n| ctx.t(n, &[])))
}

/// A note ("Đã hủy.") with the menu after it as a convenience, not because the person needs
/// it: where the menu takes a line per task, the note and a pointer to help are enough.
pub(super) fn menu_after(ctx: &Ctx<'_>, dialogues: &Dialogues, note: &str) -> Reply {
    let note = ctx.t(note, &[]);
    let short = format!("{note}\n{}", ctx.t("menu-short", &[]));
    Reply {
        short: Some(short),
        ..menu_with(ctx, dialogues, Some(note))
    }
}

/// The greeting and the tasks this person may start, as buttons.
pub(super) fn menu_with(ctx: &Ctx<'_>, dialogues: &Dialogues, note: Option<String>) -> Reply {
    let mut text = note.map(|n| n + "\n").unwrap_or_default();
    text.push_str(&ctx.t(
        "menu",
        &[
            ("name", ctx.person.display_name.clone().into()),
            ("commune", ctx.commune.name.clone().into()),
        ],
    ));
    let mut choices: Vec<Choice> = dialogues
        .list
        .iter()
        .filter(|d| allowed(ctx, d) && d.action.listed())
        .map(|d| Choice {
            label: ctx.l(&d.title),
            data: command_for(d, ctx.lang),
            key: None,
        })
        .collect();
    choices.push(Choice {
        label: ctx.t("help-title", &[]),
        data: match ctx.lang {
            Lang::Vi => "/trogiup".into(),
            Lang::En => "/help".into(),
        },
        key: None,
    });
    Reply {
        text,
        choices,
        ..Reply::default()
    }
}

/// Commands for a platform's command menu, in `lang`: the tasks, then the built-ins.
pub(super) fn command_menu(
    dialogues: &Dialogues,
    texts: &Texts,
    lang: Lang,
    access: &Access,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = dialogues
        .list
        .iter()
        .filter(|d| may_start(access, d) && d.action.listed())
        .map(|d| {
            (
                command_for(d, lang),
                texts.words(d.title.get(lang)).into_owned(),
            )
        })
        .collect();
    let builtins = match lang {
        Lang::Vi => [
            ("/huy", "menu-cancel"),
            ("/quaylai", "menu-back"),
            ("/trogiup", "help-title"),
            ("/lang", "menu-lang"),
        ],
        Lang::En => [
            ("/cancel", "menu-cancel"),
            ("/back", "menu-back"),
            ("/help", "help-title"),
            ("/lang", "menu-lang"),
        ],
    };
    for (c, id) in builtins {
        out.push((c.to_string(), texts.get(lang, id, &[])));
    }
    out
}

/// The tasks this person may start, with their commands.
pub(super) fn help(ctx: &Ctx<'_>, dialogues: &Dialogues) -> Reply {
    let mut text = ctx.t("help", &[]);
    for d in dialogues
        .list
        .iter()
        .filter(|d| allowed(ctx, d) && d.action.listed())
    {
        text.push_str(&format!(
            "\n{} – {}",
            command_for(d, ctx.lang),
            ctx.l(&d.title)
        ));
    }
    // Officers hand out the commune's code and link: a newcomer who types or opens it
    // comes straight into this commune, in a database that holds several.
    if ctx.is_officer() && !ctx.commune.is_demo {
        let code = ctx.commune.code.clone();
        let line = match ctx.start_link(&code) {
            Some(link) => ctx.t(
                "help-commune-link",
                &[("code", code.into()), ("link", link.into())],
            ),
            None => ctx.t("help-commune-code", &[("code", code.into())]),
        };
        text.push_str(&format!("\n\n{line}"));
        if ctx.can(crate::domain::Capability::MovePerson) {
            text.push(' ');
            text.push_str(&ctx.t("help-commune-move", &[]));
        }
    }
    Reply::text(text)
}

/// Replaces `{name}` with `value(name)`; unknown names stay as written.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
