//! Who changed or read what personal data, when.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};

#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub detail: String,
}

pub async fn record(
    tx: &mut Tx,
    actor_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: i64,
    detail: &serde_json::Value,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
        now,
        actor_id,
        action,
        entity,
        entity_id,
        detail.to_string()
    )?;
    Ok(())
}

pub async fn for_entity(tx: &mut Tx, entity: &str, entity_id: i64) -> sqlx::Result<Vec<Entry>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT at, actor_id, action, entity, entity_id, detail FROM audit_log
         WHERE entity = $1 AND entity_id = $2 ORDER BY id"
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(conn)
    .await)
}

/// How many times `action` was recorded on the entity since `since`, and the earliest of
/// them: how a limit on tries (wrong link codes) is kept, by the same rows that audit them.
pub async fn count_since(
    tx: &mut Tx,
    entity: &str,
    entity_id: i64,
    action: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<(i64, Option<DateTime<Utc>>)> {
    let times: Vec<DateTime<Utc>> = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT at FROM audit_log
         WHERE entity = $1 AND entity_id = $2 AND action = $3 AND at > $4 ORDER BY at"
    )
    .bind(entity)
    .bind(entity_id)
    .bind(action)
    .bind(since)
    .fetch_all(conn)
    .await)?;
    Ok((times.len() as i64, times.first().copied()))
}
