//! What every message's handling starts and ends with. It starts by reading at once whether
//! the message is new (the inbox), who sent it (person, commune, roles) and where their chat
//! stands (its state, locked); it ends by writing the chat's new state and queueing its
//! replies. On PostgreSQL each is one statement, since a round trip to the server costs about
//! as much as the work itself; on SQLite, where a statement is a function call, the plain
//! statements run one after another.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::persons::{self, Grant, Seen};
use super::{Tx, conversations, inbox, outbox};
use crate::message::Reply;

/// The message whose handling opens.
pub struct Key<'a> {
    pub channel: &'a str,
    pub message_id: &'a str,
    pub sender_id: &'a str,
    /// The conversation whose state is loaded and locked.
    pub conversation: &'a str,
}

// Made once per message and taken apart at once by the engine: boxing the large variant
// would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Opened {
    /// Seen before: nothing more was read.
    Duplicate,
    New {
        /// The sender, if known.
        seen: Option<Seen>,
        /// The sender's roles in their commune (none for a stranger).
        grants: Vec<Grant>,
        /// The conversation's state, if it has one.
        state: Option<String>,
    },
}

/// Records the message in the inbox and reads what its handling needs; see the module.
pub async fn open(tx: &mut Tx, key: &Key<'_>, now: DateTime<Utc>) -> sqlx::Result<Opened> {
    if tx.is_postgres() {
        return open_postgres(tx, key, now).await;
    }
    if !inbox::record(tx, key.channel, key.message_id, now).await? {
        return Ok(Opened::Duplicate);
    }
    let seen = persons::seen(tx, key.channel, key.sender_id).await?;
    let grants = match &seen {
        Some(s) => persons::grants(tx, s.person.id).await?,
        None => vec![],
    };
    let state = conversations::load_locked(tx, key.channel, key.conversation, now).await?;
    Ok(Opened::New {
        seen,
        grants,
        state,
    })
}

#[derive(FromRow)]
struct Row {
    fresh: bool,
    state: String,
    #[sqlx(flatten)]
    seen: persons::SeenColumns,
    /// The roles as a JSON array of `roles` rows, read with the person.
    roles: String,
    /// A household the person registered leads a group (none for a stranger).
    leads: Option<bool>,
}

/// The same reads and writes as the SQLite path, in one statement: data-modifying parts of a
/// `WITH` run to completion whatever the query reads of them, so the inbox row and the
/// conversation's lock are taken even when the sender is a stranger. A duplicate message
/// locked its conversation for nothing; the caller rolls back at once.
async fn open_postgres(tx: &mut Tx, key: &Key<'_>, now: DateTime<Utc>) -> sqlx::Result<Opened> {
    let Tx::Postgres(t) = tx else {
        unreachable!("called for PostgreSQL only")
    };
    let row: Row = sqlx::query_as(concat!(
        r#"WITH msg AS (
             INSERT INTO inbox (channel, message_id, received_at) VALUES ($1, $2, $5)
             ON CONFLICT (channel, message_id) DO NOTHING
             RETURNING 1
         ), conv AS (
             INSERT INTO conversations (channel, chat_id, state, updated_at)
             VALUES ($1, $4, '', $5)
             ON CONFLICT (channel, chat_id) DO UPDATE SET state = conversations.state
             RETURNING state
         )
         SELECT EXISTS (SELECT 1 FROM msg) AS fresh, (SELECT state FROM conv) AS state,
                p.id, p.commune_id, p.display_name, p.lang, i.chat_id, i.last_seen,
                EXISTS (SELECT 1 FROM identities o
                        WHERE o.person_id = i.person_id
                          AND (o.channel <> i.channel OR o.sender_id <> i.sender_id)
                          AND o.last_seen IS NOT NULL
                          AND (i.last_seen IS NULL OR o.last_seen >= i.last_seen)) AS behind,
                p.name_given,
                c.code, c.name, c.district, c.province, c.time_zone, c.rules, c.is_demo,
                COALESCE((SELECT json_agg(json_build_object(
                              'role', r.role, 'hamlet_id', r.hamlet_id, 'org', r.org)
                              ORDER BY r.id)
                          FROM roles r
                          WHERE r.person_id = p.id AND r.commune_id = p.commune_id)::text,
                         '[]') AS roles, "#,
        persons::leads_group!("p.id"),
        r#" AS leads
         FROM (SELECT 1) AS one
         LEFT JOIN identities i ON i.channel = $1 AND i.sender_id = $3
         LEFT JOIN persons p ON p.id = i.person_id
         LEFT JOIN communes c ON c.id = p.commune_id"#
    ))
    .bind(key.channel)
    .bind(key.message_id)
    .bind(key.sender_id)
    .bind(key.conversation)
    .bind(now)
    .fetch_one(&mut **t)
    .await?;
    if !row.fresh {
        return Ok(Opened::Duplicate);
    }
    let roles: Vec<persons::RoleRow> =
        serde_json::from_str(&row.roles).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Opened::New {
        seen: row.seen.into_seen(),
        grants: persons::grants_of(roles, row.leads.unwrap_or(false)),
        state: Some(row.state).filter(|s| !s.is_empty()),
    })
}

/// Saves the conversation's new state (None: unchanged) and queues `replies` to `reply_to`.
pub async fn close(
    tx: &mut Tx,
    key: &Key<'_>,
    state: Option<&str>,
    reply_to: &str,
    replies: &[Reply],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut replies = replies.iter();
    if let (Tx::Postgres(t), Some(state)) = (&mut *tx, state) {
        // The state and the first row of the first reply in one statement. The conversation's
        // row exists: `open` made it.
        let first = replies
            .next()
            .map(|r| outbox::bodies(key.channel, r))
            .unwrap_or_default();
        let mut bodies = first.into_iter();
        match bodies.next() {
            Some(body) => {
                sqlx::query(
                    "WITH saved AS (
                         UPDATE conversations SET state = $5, updated_at = $4
                         WHERE channel = $1 AND chat_id = $6
                     )
                     INSERT INTO outbox (channel, chat_id, body, created_at, next_attempt_at)
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(key.channel)
                .bind(reply_to)
                .bind(&body)
                .bind(now)
                .bind(state)
                .bind(key.conversation)
                .execute(&mut **t)
                .await?;
            }
            None => conversations::save(tx, key.channel, key.conversation, state, now).await?,
        }
        for body in bodies {
            outbox::enqueue_body(tx, key.channel, reply_to, &body, now).await?;
        }
    } else if let Some(state) = state {
        conversations::save(tx, key.channel, key.conversation, state, now).await?;
    }
    for r in replies {
        outbox::enqueue(tx, key.channel, reply_to, r, now).await?;
    }
    Ok(())
}
