//! Messages already handled, so that a redelivered update does nothing the second time.

use chrono::{DateTime, Utc};

use super::{Tx, execute};

/// Records the message; false if it was recorded before (a redelivery). The row commits with
/// the rest of the message's effects, so a message whose handling failed is not marked.
pub async fn record(
    tx: &mut Tx,
    channel: &str,
    message_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = execute!(
        tx,
        "INSERT INTO inbox (channel, message_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT (channel, message_id) DO NOTHING",
        channel,
        message_id,
        now
    )?;
    Ok(done == 1)
}
