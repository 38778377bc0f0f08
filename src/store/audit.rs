//! Who changed or read what personal data, when, and from which channel: the audit log,
//! written by every action and read back by commune. The database refuses to change or delete
//! an entry (triggers of migration 0009), so nothing here does.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};

/// The channel written for what the command line does (`giamngheo grant`, `export`, …).
pub const CLI: &str = "cli";

/// Who did something, from where, in which commune: what every entry records besides what
/// was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who<'a> {
    /// The person; None for the command line and for the program itself.
    pub person: Option<i64>,
    /// The channel the person wrote on ("telegram", "zalo", "console"), `CLI` for the
    /// command line, None for the program itself.
    pub channel: Option<&'a str>,
    /// The commune the entry belongs to (whose officers read it).
    pub commune: i64,
}

impl Who<'static> {
    /// The commune's operator at the command line: no person, channel `cli`.
    pub fn cli(commune: i64) -> Who<'static> {
        Who {
            person: None,
            channel: Some(CLI),
            commune,
        }
    }

    /// The program itself (no person, no channel).
    pub fn system(commune: i64) -> Who<'static> {
        Who {
            person: None,
            channel: None,
            commune,
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub channel: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub detail: String,
}

/// Writes one entry. `detail` is a small JSON object of what the entry needs to be read
/// later (a reason, a status); never a secret, a full phone number or a CCCD.
pub async fn record(
    tx: &mut Tx,
    who: Who<'_>,
    action: &str,
    entity: &str,
    entity_id: i64,
    detail: &serde_json::Value,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO audit_log (at, actor_id, channel, commune_id, action, entity, entity_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        now,
        who.person,
        who.channel,
        who.commune,
        action,
        entity,
        entity_id,
        detail.to_string()
    )?;
    Ok(())
}

pub async fn for_entity(tx: &mut Tx, entity: &str, entity_id: i64) -> sqlx::Result<Vec<Entry>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT at, actor_id, channel, action, entity, entity_id, detail FROM audit_log
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

/// An entry as the log is read: with the actor's name as their person row has it (the row of
/// a person whose accounts were joined into another stays, so old entries keep their name).
#[derive(Debug, Clone, FromRow)]
pub struct Logged {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// The name of the person the entry is about, for entries about a person.
    pub entity_name: Option<String>,
    pub channel: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    pub detail: String,
}

/// Which entries of a commune to read.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub commune_id: i64,
    /// Only entries at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only what this person did, on any of their accounts: also as a person since joined
    /// into them.
    pub actor: Option<i64>,
    /// The newest `n` entries, newest first; None: all of them, oldest first.
    pub newest: Option<i64>,
}

macro_rules! listing {
    () => {
        "SELECT a.id, a.at, a.actor_id, p.display_name AS actor_name,
                e.display_name AS entity_name, a.channel, a.action, a.entity, a.entity_id,
                a.detail
         FROM audit_log a
         LEFT JOIN persons p ON p.id = a.actor_id
         LEFT JOIN persons e ON a.entity = 'person' AND e.id = a.entity_id
         WHERE a.commune_id = $1
           AND ($2 IS NULL OR a.at >= $2)
           AND ($3 IS NULL OR a.actor_id = $3
                OR a.actor_id IN (SELECT m.id FROM persons m WHERE m.merged_into = $3))"
    };
}

/// The commune's entries that pass the filter, in the order the filter asks.
pub async fn list(tx: &mut Tx, f: Filter) -> sqlx::Result<Vec<Logged>> {
    let (sql, limit) = match f.newest {
        Some(n) => (
            concat!(listing!(), " ORDER BY a.at DESC, a.id DESC LIMIT $4"),
            n,
        ),
        None => (
            concat!(listing!(), " ORDER BY a.at, a.id LIMIT $4"),
            i64::MAX,
        ),
    };
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(f.commune_id)
        .bind(f.since)
        .bind(f.actor)
        .bind(limit)
        .fetch_all(conn)
        .await)
}
