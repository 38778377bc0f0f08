//! Moving a person to another commune after their first message: they opened another
//! commune's link, took an invite of another commune, or an officer (`giamngheo move-person`)
//! moves someone who chose the wrong one. Only a person with nothing in their commune moves:
//! households, groups and proposals belong to the commune they were made in (its hamlets, its
//! officers, its report), and a role is the commune's to give and take back. Such a person is
//! refused with what they have, and uses another account, or the commune takes it back first.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::store::communes::Commune;
use crate::store::persons::{self, Holdings};
use crate::store::{Tx, audit, conversations};
use crate::text::{Lang, Texts};

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
