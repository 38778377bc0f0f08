//! Where each chat stands in its dialogue, as a serde value. The row is locked for the length
//! of the message's transaction, so two messages of one chat are handled one after the other
//! even by two processes.

use chrono::{DateTime, Utc};

use super::{Tx, execute, on_tx};

/// Loads the chat's state, locking its row until the transaction ends: on PostgreSQL one
/// statement creates the row if needed and locks it; SQLite's `BEGIN IMMEDIATE` already holds
/// the database's write lock, so a plain read does.
pub async fn load_locked(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    let state: Option<String> = match tx {
        Tx::Postgres(t) => Some(
            sqlx::query_scalar(
                "INSERT INTO conversations (channel, chat_id, state, updated_at)
                 VALUES ($1, $2, '', $3)
                 ON CONFLICT (channel, chat_id) DO UPDATE SET state = conversations.state
                 RETURNING state",
            )
            .bind(channel)
            .bind(chat_id)
            .bind(now)
            .fetch_one(&mut **t)
            .await?,
        ),
        Tx::Sqlite(t) => {
            sqlx::query_scalar(
                "SELECT state FROM conversations WHERE channel = $1 AND chat_id = $2",
            )
            .bind(channel)
            .bind(chat_id)
            .fetch_optional(&mut **t)
            .await?
        }
    };
    Ok(state.filter(|s| !s.is_empty()))
}

/// The chat's state as it is now, without locking it: for a look ahead of the message's own
/// transaction (whether a question waits for a file).
pub async fn peek(tx: &mut Tx, channel: &str, chat_id: &str) -> sqlx::Result<Option<String>> {
    let state: Option<String> = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT state FROM conversations WHERE channel = $1 AND chat_id = $2"
    )
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
        "INSERT INTO conversations (channel, chat_id, state, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (channel, chat_id) DO UPDATE SET state = excluded.state,
            updated_at = excluded.updated_at",
        channel,
        chat_id,
        state,
        now
    )?;
    Ok(())
}

/// Forgets where the private chats of a person's accounts stand: what they had under way
/// was asked in a commune they no longer belong to (its hamlets, its groups).
pub async fn forget_person(tx: &mut Tx, person_id: i64) -> sqlx::Result<()> {
    execute!(
        tx,
        "DELETE FROM conversations WHERE (channel, chat_id) IN (
             SELECT channel, sender_id FROM identities WHERE person_id = $1)",
        person_id
    )?;
    Ok(())
}
