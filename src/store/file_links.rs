//! Links to stored files, for platforms that fetch a file from a URL rather than take an
//! upload: a random token per file and recipient chat, valid for a while, then deleted.

use chrono::{DateTime, Utc};

use super::{Tx, execute, on_tx};

/// A linked file, as the listener serves it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Linked {
    pub name: String,
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// A token already made for this file and recipient that is still valid at `until`.
pub async fn valid_for(
    tx: &mut Tx,
    file_id: i64,
    channel: &str,
    chat_id: &str,
    until: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT token FROM file_links
         WHERE file_id = $1 AND channel = $2 AND chat_id = $3 AND expires_at > $4
         ORDER BY expires_at DESC LIMIT 1"
    )
    .bind(file_id)
    .bind(channel)
    .bind(chat_id)
    .bind(until)
    .fetch_optional(conn)
    .await)
}

pub async fn create(
    tx: &mut Tx,
    token: &str,
    file_id: i64,
    channel: &str,
    chat_id: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO file_links (token, file_id, channel, chat_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        token,
        file_id,
        channel,
        chat_id,
        now,
        expires_at
    )?;
    Ok(())
}

/// The file behind `token`, if the link exists and has not expired at `now`.
pub async fn open(tx: &mut Tx, token: &str, now: DateTime<Utc>) -> sqlx::Result<Option<Linked>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT f.name, f.kind, f.bytes FROM file_links l JOIN files f ON f.id = l.file_id
         WHERE l.token = $1 AND l.expires_at > $2"
    )
    .bind(token)
    .bind(now)
    .fetch_optional(conn)
    .await)
}

/// Forgets links that expired before `now`; returns how many.
pub async fn purge(tx: &mut Tx, now: DateTime<Utc>) -> sqlx::Result<u64> {
    execute!(tx, "DELETE FROM file_links WHERE expires_at <= $1", now)
}
