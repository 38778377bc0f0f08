//! Files the bot makes, stored once under a key that says what they are ("the chart of commune
//! 3 on 27/11/2026 in Vietnamese"), and each platform's id for its upload of them.

use chrono::{DateTime, Utc};

use super::{Tx, execute, on_tx};

/// Stores a file under `key` unless it is there already; returns its number either way.
pub async fn put(
    tx: &mut Tx,
    key: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    execute!(
        tx,
        "INSERT INTO files (key, kind, name, bytes, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO NOTHING",
        key,
        kind,
        name,
        bytes,
        now
    )?;
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT id FROM files WHERE key = $1"
    )
    .bind(key)
    .fetch_one(conn)
    .await)
}

/// The number and name of the file stored under `key`, if it was made already.
pub async fn by_key(tx: &mut Tx, key: &str) -> sqlx::Result<Option<(i64, String)>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, name FROM files WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(conn)
    .await)
}

/// A stored file's bytes.
pub async fn bytes(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT bytes FROM files WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(conn)
    .await)
}

/// The platform's own id for its upload of the file, once it was uploaded.
pub async fn uploaded(tx: &mut Tx, id: i64, channel: &str) -> sqlx::Result<Option<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT platform_id FROM file_uploads WHERE file_id = $1 AND channel = $2"
    )
    .bind(id)
    .bind(channel)
    .fetch_optional(conn)
    .await)
}

pub async fn set_uploaded(
    tx: &mut Tx,
    id: i64,
    channel: &str,
    platform_id: &str,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO file_uploads (file_id, channel, platform_id) VALUES ($1, $2, $3)
         ON CONFLICT (file_id, channel) DO UPDATE SET platform_id = excluded.platform_id",
        id,
        channel,
        platform_id
    )?;
    Ok(())
}
