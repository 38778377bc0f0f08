//! A province's communes seen together, for the upper level: which communes lie in it, and
//! the counts its daily digest reads, each one statement for the whole province grouped by
//! commune (never one statement per commune: a province has a hundred).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::communes::Commune;
use super::{Tx, on_tx};

/// The communes of the province `province` names (as the commune files write it), real or
/// demo as `demo` says, by name.
pub async fn communes(tx: &mut Tx, province: &str, demo: bool) -> sqlx::Result<Vec<Commune>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, code, name, district, province, time_zone, rules, is_demo
         FROM communes WHERE province = $1 AND is_demo = $2 AND province <> ''
         ORDER BY name, id"
    )
    .bind(province)
    .bind(demo)
    .fetch_all(conn)
    .await)
}

/// The communes of a province, as the statements below select them ($1 the province, $2
/// whether the demo's).
macro_rules! in_province {
    () => {
        "SELECT id FROM communes WHERE province = $1 AND is_demo = $2 AND province <> ''"
    };
}

/// A count for one commune.
#[derive(Debug, Clone, Copy, FromRow, PartialEq, Eq)]
pub struct PerCommune {
    pub commune_id: i64,
    pub n: i64,
}

/// A count for one commune under a code (a group's status).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct PerCommuneCode {
    pub commune_id: i64,
    pub code: String,
    pub n: i64,
}

/// Proposals waiting for the upper level in one commune: how many, and since when the oldest.
#[derive(Debug, Clone, Copy, FromRow, PartialEq, Eq)]
pub struct Waiting {
    pub commune_id: i64,
    pub n: i64,
    pub oldest: DateTime<Utc>,
}

/// What `created_between` counts.
#[derive(Debug, Clone, Copy)]
pub enum Created {
    /// Households registered.
    Households,
    /// Groups created.
    Groups,
}

/// Households registered, or groups created, in (from, to], by commune.
pub async fn created_between(
    tx: &mut Tx,
    what: Created,
    province: &str,
    demo: bool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<PerCommune>> {
    macro_rules! count_in {
        ($table:literal) => {
            concat!(
                "SELECT commune_id, COUNT(*) AS n FROM ",
                $table,
                " WHERE commune_id IN (",
                in_province!(),
                ") AND created_at > $3 AND created_at <= $4
                 GROUP BY commune_id"
            )
        };
    }
    let sql = match what {
        Created::Households => count_in!("households"),
        Created::Groups => count_in!("groups"),
    };
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(province)
        .bind(demo)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await)
}

/// Groups by commune and status, now.
pub async fn groups_by_status(
    tx: &mut Tx,
    province: &str,
    demo: bool,
) -> sqlx::Result<Vec<PerCommuneCode>> {
    let sql = concat!(
        "SELECT commune_id, status AS code, COUNT(*) AS n FROM groups
         WHERE commune_id IN (",
        in_province!(),
        ") GROUP BY commune_id, status"
    );
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(province)
        .bind(demo)
        .fetch_all(conn)
        .await)
}

/// Proposals forwarded to the upper level and not answered yet, by commune.
pub async fn forwarded(tx: &mut Tx, province: &str, demo: bool) -> sqlx::Result<Vec<Waiting>> {
    let sql = concat!(
        "SELECT commune_id, COUNT(*) AS n, MIN(updated_at) AS oldest FROM proposals
         WHERE commune_id IN (",
        in_province!(),
        ") AND status = 'forwarded' GROUP BY commune_id"
    );
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(province)
        .bind(demo)
        .fetch_all(conn)
        .await)
}

/// Open deadlines past their day (`due_on` before `today`), by commune.
pub async fn late_deadlines(
    tx: &mut Tx,
    province: &str,
    demo: bool,
    today: NaiveDate,
) -> sqlx::Result<Vec<PerCommune>> {
    let sql = concat!(
        "SELECT commune_id, COUNT(*) AS n FROM deadlines
         WHERE commune_id IN (",
        in_province!(),
        ") AND done_at IS NULL AND due_on < $3
         GROUP BY commune_id"
    );
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(province)
        .bind(demo)
        .bind(today)
        .fetch_all(conn)
        .await)
}

/// What people did (the audit log's entries with a person) since `since`, by commune: a
/// commune missing here did nothing in the bot.
pub async fn active_since(
    tx: &mut Tx,
    province: &str,
    demo: bool,
    since: DateTime<Utc>,
) -> sqlx::Result<Vec<PerCommune>> {
    let sql = concat!(
        "SELECT commune_id, COUNT(*) AS n FROM audit_log
         WHERE commune_id IN (",
        in_province!(),
        ") AND at > $3 AND actor_id IS NOT NULL
         GROUP BY commune_id"
    );
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(province)
        .bind(demo)
        .bind(since)
        .fetch_all(conn)
        .await)
}

/// When each commune of the province was loaded: a commune loaded lately is not idle yet.
pub async fn created(
    tx: &mut Tx,
    province: &str,
    demo: bool,
) -> sqlx::Result<Vec<(i64, DateTime<Utc>)>> {
    let sql = concat!(
        "SELECT id, created_at FROM communes WHERE id IN (",
        in_province!(),
        ")"
    );
    on_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(province)
        .bind(demo)
        .fetch_all(conn)
        .await)
}
