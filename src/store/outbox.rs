//! Replies waiting to be sent. They are queued in the same transaction as the message that
//! caused them and deleted from the queue (marked sent) only once the platform took them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, on_tx};
use crate::channels::Reply;

#[derive(Debug, Clone, FromRow)]
pub struct Row {
    pub id: i64,
    pub channel: String,
    pub chat_id: String,
    pub body: String,
    pub attempts: i64,
}

impl Row {
    pub fn reply(&self) -> serde_json::Result<Reply> {
        serde_json::from_str(&self.body)
    }
}

pub async fn enqueue(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    reply: &Reply,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let body = serde_json::to_string(reply).expect("a reply serialises");
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO outbox (channel, chat_id, body, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id"
    )
    .bind(channel)
    .bind(chat_id)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// Unsent replies of a channel that are due, oldest first; of one chat if `chat_id` is given.
pub async fn due(
    tx: &mut Tx,
    channel: &str,
    chat_id: Option<&str>,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Row>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, channel, chat_id, body, attempts FROM outbox
         WHERE channel = $1 AND ($2 IS NULL OR chat_id = $2)
           AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3
         ORDER BY id LIMIT $4"
    )
    .bind(channel)
    .bind(chat_id)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await)
}

pub async fn mark_sent(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2"
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Puts a reply back in the queue until `next`, after a failure worth retrying.
pub async fn retry_at(tx: &mut Tx, id: i64, error: &str, next: DateTime<Utc>) -> sqlx::Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2
         WHERE id = $3"
    )
    .bind(error)
    .bind(next)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Gives up on a reply that can never be delivered (the user blocked the bot).
pub async fn mark_failed(
    tx: &mut Tx,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    on_tx!(tx, |conn| sqlx::query(
        "UPDATE outbox SET failed_at = $1, last_error = $2, attempts = attempts + 1 WHERE id = $3"
    )
    .bind(now)
    .bind(error)
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
