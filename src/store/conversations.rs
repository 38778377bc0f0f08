//! Where each chat stands in its dialogue, as a serde value. The row is locked for the length
//! of the message's transaction, so two messages of one chat are handled one after the other
//! even by two processes.

use chrono::{DateTime, Utc};

use super::{Tx, execute, on_tx};

/// Loads the chat's state, locking its row until the transaction ends.
pub async fn load_locked(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    // The insert gives PostgreSQL a row to lock even on a chat's first message; SQLite's
    // `BEGIN IMMEDIATE` already holds the database's write lock.
    execute!(
        tx,
        "INSERT INTO conversations (channel, chat_id, state, updated_at)
         VALUES ($1, $2, '', $3) ON CONFLICT (channel, chat_id) DO NOTHING",
        channel,
        chat_id,
        now
    )?;
    let sql = if tx.is_postgres() {
        "SELECT state FROM conversations WHERE channel = $1 AND chat_id = $2 FOR UPDATE"
    } else {
        "SELECT state FROM conversations WHERE channel = $1 AND chat_id = $2"
    };
    let state: Option<String> = on_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(channel)
        .bind(chat_id)
        .fetch_optional(conn)
        .await)?;
    Ok(state.filter(|s| !s.is_empty()))
}

pub async fn save(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    state: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE conversations SET state = $1, updated_at = $2 WHERE channel = $3 AND chat_id = $4",
        state,
        now,
        channel,
        chat_id
    )?;
    Ok(())
}
