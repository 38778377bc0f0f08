//! What a person is offered: the dialogues they may start (the capability table decides, a
//! dialogue's `roles` only narrows it), the command that starts each, and a task named in
//! words.

use super::ctx::Ctx;
use super::{Dialogue, Dialogues};
use crate::domain::Access;
use crate::text::{Lang, fold};

/// The task whose title the words begin, when they fit one task only.
pub(super) fn task_named<'d>(
    ctx: &Ctx<'_>,
    dialogues: &'d Dialogues,
    text: &str,
) -> Option<&'d Dialogue> {
    let f = fold(text);
    let f = f.trim_end_matches(['.', '!', '?']);
    let matches: Vec<&Dialogue> = dialogues
        .list
        .iter()
        .filter(|d| allowed(ctx, d))
        .filter(|d| {
            let words = |t: &str| fold(&ctx.texts.words(t));
            let (vi, en) = (words(&d.title.vi), words(&d.title.en));
            f.chars().count() >= 4 && (vi.starts_with(f) || en.starts_with(f))
        })
        .collect();
    match matches[..] {
        [d] => Some(d),
        _ => None,
    }
}

/// Whether this person may start the dialogue.
pub(super) fn allowed(ctx: &Ctx<'_>, d: &Dialogue) -> bool {
    may_start(&ctx.access, d)
}

/// The capability table decides; a dialogue's `roles` can only narrow it.
pub(super) fn may_start(access: &Access, d: &Dialogue) -> bool {
    access.can(d.action.capability())
        && (d.roles.is_empty() || d.roles.iter().any(|&r| access.has_role(r)))
}

/// The dialogue's command in the user's language: the first is Vietnamese, the second English.
pub(super) fn command_for(d: &Dialogue, lang: Lang) -> String {
    match lang {
        Lang::En if d.commands.len() > 1 => d.commands[1].clone(),
        _ => d.commands[0].clone(),
    }
}
