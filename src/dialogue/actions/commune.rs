//! Moving a person to another commune after their first message: they opened another
//! commune's link, took an invite of another commune, or an officer (`/chuyenxa`, or the
//! operator's `giamngheo move-person`) moves someone who chose the wrong one. Only a person with nothing in their commune moves:
//! households, groups and proposals belong to the commune they were made in (its hamlets, its
//! officers, its report), and a role is the commune's to give and take back. Such a person is
//! refused with what they have, and uses another account, or the commune takes it back first.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::outcome::{Notice, Outcome};
use crate::dialogue::ctx::Ctx;
use crate::present;
use crate::store::communes::{self, Commune};
use crate::store::persons::{self, Holdings};
use crate::store::{Tx, audit, conversations};
use crate::text::{Arg, Lang, Texts};

/// The audit action, written in both communes.
pub const MOVED: &str = "moved_commune";

/// What became of a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    /// The person is in that commune already.
    Same,
    Done,
    /// Refused: what the person has where they are.
    Held(Holdings),
}

/// Moves `person_id` to `to`, if they have nothing where they are; `by` is who did it (the
/// person themselves, an officer, the command line), whose `commune` is replaced by each
/// commune's own in the two audit entries.
pub async fn move_person(
    tx: &mut Tx,
    person_id: i64,
    to: &Commune,
    by: audit::Who<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Moved> {
    let p = persons::by_id(tx, person_id).await?;
    if p.commune_id == to.id {
        return Ok(Moved::Same);
    }
    let held = persons::holdings(tx, person_id).await?;
    if !held.is_empty() {
        return Ok(Moved::Held(held));
    }
    persons::move_to(tx, person_id, to.id).await?;
    // A task under way asked about the old commune (its hamlets, its groups).
    conversations::forget_person(tx, person_id).await?;
    let detail = json!({ "from": p.commune_id, "to": to.id });
    for commune in [p.commune_id, to.id] {
        let who = audit::Who { commune, ..by };
        audit::record(tx, who, MOVED, "person", person_id, &detail, now).await?;
    }
    Ok(Moved::Done)
}

/// What a person has, in words: "2 hộ đã đăng ký, 1 vai trò".
pub fn holdings(texts: &Texts, lang: Lang, h: &Holdings) -> String {
    [
        ("holds-households", h.households),
        ("holds-groups", h.groups),
        ("holds-proposals", h.proposals),
        ("holds-roles", h.roles),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(id, n)| texts.get(lang, id, &[("n", n.into())]))
    .collect::<Vec<_>>()
    .join(", ")
}

#[derive(Deserialize)]
pub(super) struct MoveInput {
    person: String,
    to: String,
    sure: bool,
}

/// `/chuyenxa`: the officer moves someone of their commune who chose wrong; the person is
/// told in their own language.
pub(super) async fn chat_move(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: MoveInput,
) -> anyhow::Result<Outcome> {
    if !input.sure {
        return Ok(Outcome::reply(ctx.t("cancelled", &[])));
    }
    let person = persons::by_id(tx, input.person.parse()?).await?;
    let to = communes::by_id(tx, input.to.parse()?).await?;
    // Options are the officer's commune's people and the other real communes; a list out of
    // date (the person moved meanwhile) is said, not acted on.
    let name = present::numbered(person.id, &person.display_name);
    if person.commune_id != ctx.commune.id || to.is_demo {
        return Ok(Outcome::reply(ctx.t("move-gone", &[("name", name.into())])));
    }
    let args = |what: String| {
        vec![
            ("name", Arg::from(name.clone())),
            ("commune", to.name.clone().into()),
            ("what", what.into()),
        ]
    };
    match move_person(tx, person.id, &to, ctx.who(), ctx.now).await? {
        Moved::Same => Ok(Outcome::reply(ctx.t("move-gone", &args(String::new())))),
        Moved::Held(h) => {
            let what = holdings(ctx.texts, ctx.lang, &h);
            Ok(Outcome::reply(ctx.t("move-held", &args(what))))
        }
        Moved::Done => {
            let mut out = Outcome::reply(ctx.t("move-done", &args(String::new())));
            out.notices.push(Notice {
                person_id: person.id,
                message: "commune-moved-notice",
                args: vec![
                    ("commune", to.name.clone().into()),
                    ("province", to.province.clone().into()),
                ],
            });
            Ok(out)
        }
    }
}
