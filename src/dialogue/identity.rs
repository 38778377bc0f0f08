//! Who sent a message: the person linked to the sender's identity on the channel, or, on
//! first contact, a new person in the commune they belong to: the default one (the settings',
//! or the only real one), or the one they choose (`arrival`) when there are several.

use chrono::{DateTime, Utc};

use crate::message::Inbound;
use crate::store::Tx;
use crate::store::communes::{self, Commune};
use crate::store::persons::{self, Person, Seen};
use crate::text::Lang;

/// How stale a recorded "last seen" may grow before a message writes it again: it only
/// decides which channel a person is reached on, so a write per message would be waste. A
/// message on another channel than the one seen last is written at once, whatever its age:
/// that switch is exactly what decides where the next notice goes.
const SEEN_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The known sender (`seen`, as read when the message was opened) and their commune, their
/// name and private chat kept up to date.
pub(super) async fn known(
    tx: &mut Tx,
    msg: &Inbound,
    mut seen: Seen,
    now: DateTime<Utc>,
) -> sqlx::Result<(Person, Commune)> {
    // Someone given a role before their first message was named by their id; everyone's
    // name follows the one their platform sends, until they give their own (/ten).
    if let Some(name) = msg.sender_name.as_deref().map(str::trim)
        && !seen.name_given
        && !name.is_empty()
        && name != seen.person.display_name
    {
        persons::set_name(tx, seen.person.id, name, false).await?;
        seen.person.display_name = name.to_string();
    }
    // Personal notices and digests go to the private chat, never to a group where
    // the person happened to write.
    let stale = seen.last_seen.is_none_or(|t| now - t >= SEEN_EVERY) || seen.behind;
    if msg.chat_id == msg.sender_id && (seen.chat_id != msg.chat_id || stale) {
        let (c, s) = (&msg.channel, &msg.sender_id);
        persons::link_identity(tx, c, s, seen.person.id, &msg.chat_id, Some(now)).await?;
    }
    Ok((seen.person, seen.commune))
}

/// Where a newcomer goes.
pub(super) enum Newcomer {
    /// The commune named in the settings, or the only real one (else the demo).
    Joins(Commune),
    /// Several real communes and none named: the newcomer chooses among these.
    Chooses(Vec<Commune>),
    /// No commune exists to join.
    Nowhere,
}

/// Where a newcomer goes: a deployment with one commune (or a default in its settings) puts
/// everyone there, as before; a province's asks.
pub(super) async fn newcomer(tx: &mut Tx, default_commune: Option<&str>) -> sqlx::Result<Newcomer> {
    if default_commune.is_none() {
        let real = communes::real(tx).await?;
        if real.len() > 1 {
            return Ok(Newcomer::Chooses(real));
        }
    }
    Ok(
        match communes::default_commune(tx, default_commune).await? {
            Some(c) => Newcomer::Joins(c),
            None => Newcomer::Nowhere,
        },
    )
}

/// A new person for the sender, in `commune`.
pub(super) async fn create(
    tx: &mut Tx,
    msg: &Inbound,
    commune: &Commune,
    lang: Lang,
    now: DateTime<Utc>,
) -> sqlx::Result<Person> {
    let name = msg
        .sender_name
        .clone()
        .unwrap_or_else(|| msg.sender_id.clone());
    let id = persons::create(tx, commune.id, &name, lang.code(), now).await?;
    // A private chat's id is the person's own on the platforms we serve: notices go
    // there even when the first message came from a group.
    let (c, s) = (&msg.channel, &msg.sender_id);
    persons::link_identity(tx, c, s, id, &msg.sender_id, Some(now)).await?;
    persons::by_id(tx, id).await
}
