//! Messages already handled, so that a redelivered update does nothing the second time.

use chrono::{DateTime, Utc};

use super::{Tx, on_tx};

/// Records the message; false if it was recorded before (a redelivery). The row commits with
/// the rest of the message's effects, so a message whose handling failed is not marked.
pub async fn record(
    tx: &mut Tx,
    channel: &str,
    message_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO inbox (channel, message_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT (channel, message_id) DO NOTHING"
    )
    .bind(channel)
    .bind(message_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}
