//! Who sent a message: the person linked to the sender's identity on the channel, or a new
//! person in the default commune on first contact.

use chrono::{DateTime, Utc};

use crate::message::Inbound;
use crate::store::Tx;
use crate::store::communes::{self, Commune};
use crate::store::persons::{self, Person, Seen};

/// How stale a recorded "last seen" may grow before a message writes it again: it only
/// decides which channel a person is reached on, so a write per message would be waste. A
/// message on another channel than the one seen last is written at once, whatever its age:
/// that switch is exactly what decides where the next notice goes.
const SEEN_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The person behind the message (`seen`, as read when the message was opened) and their
/// commune, created on first contact in the default commune; `None` when no commune exists
/// to join.
pub(super) async fn identify(
    tx: &mut Tx,
    msg: &Inbound,
    seen: Option<Seen>,
    now: DateTime<Utc>,
    default_commune: Option<&str>,
) -> sqlx::Result<Option<(Person, Commune)>> {
    if let Some(mut seen) = seen {
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
        return Ok(Some((seen.person, seen.commune)));
    }
    let Some(commune) = communes::default_commune(tx, default_commune).await? else {
        return Ok(None);
    };
    let name = msg
        .sender_name
        .clone()
        .unwrap_or_else(|| msg.sender_id.clone());
    let lang = msg.lang_hint.unwrap_or_default();
    let id = persons::create(tx, commune.id, &name, lang.code(), now).await?;
    // A private chat's id is the person's own on the platforms we serve: notices go
    // there even when the first message came from a group.
    let (c, s) = (&msg.channel, &msg.sender_id);
    persons::link_identity(tx, c, s, id, &msg.sender_id, Some(now)).await?;
    Ok(Some((persons::by_id(tx, id).await?, commune)))
}
