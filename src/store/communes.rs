//! Communes and their hamlets.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, on_tx};
use crate::text::fold;

#[derive(Debug, Clone, FromRow)]
pub struct Commune {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub district: String,
    pub province: String,
    pub time_zone: String,
    pub rules: String,
    pub is_demo: bool,
}

#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct Hamlet {
    pub id: i64,
    pub commune_id: i64,
    pub name: String,
}

pub struct NewCommune<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    pub province: &'a str,
    pub time_zone: &'a str,
    pub rules: &'a str,
    pub is_demo: bool,
}

pub async fn create(tx: &mut Tx, c: &NewCommune<'_>, now: DateTime<Utc>) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| {
        sqlx::query_scalar(
        "INSERT INTO communes (code, name, district, province, time_zone, rules, is_demo, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
    )
    .bind(c.code)
    .bind(c.name)
    .bind(c.district)
    .bind(c.province)
    .bind(c.time_zone)
    .bind(c.rules)
    .bind(c.is_demo)
    .bind(now)
    .fetch_one(conn)
    .await
    })
}

pub async fn add_hamlet(
    tx: &mut Tx,
    commune_id: i64,
    name: &str,
    position: i64,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO hamlets (commune_id, name, name_key, position) VALUES ($1, $2, $3, $4)
         RETURNING id"
    )
    .bind(commune_id)
    .bind(name)
    .bind(crate::text::fold(name))
    .bind(position)
    .fetch_one(conn)
    .await)
}

pub async fn by_code(tx: &mut Tx, code: &str) -> sqlx::Result<Option<Commune>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, code, name, district, province, time_zone, rules, is_demo
         FROM communes WHERE code = $1"
    )
    .bind(code)
    .fetch_optional(conn)
    .await)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> sqlx::Result<Commune> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, code, name, district, province, time_zone, rules, is_demo
         FROM communes WHERE id = $1"
    )
    .bind(id)
    .fetch_one(conn)
    .await)
}

/// The commune new people join when nothing else says which: the one named in the settings,
/// else the first real (non-demo) commune, else the demo.
pub async fn default_commune(tx: &mut Tx, code: Option<&str>) -> sqlx::Result<Option<Commune>> {
    if let Some(code) = code {
        return by_code(tx, code).await;
    }
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, code, name, district, province, time_zone, rules, is_demo
         FROM communes ORDER BY is_demo, id LIMIT 1"
    )
    .fetch_optional(conn)
    .await)
}

pub async fn count(tx: &mut Tx) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM communes"
    )
    .fetch_one(conn)
    .await)
}

pub async fn hamlets(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Hamlet>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, commune_id, name FROM hamlets WHERE commune_id = $1 ORDER BY position, id"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

pub async fn hamlet(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Hamlet>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, commune_id, name FROM hamlets WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(conn)
    .await)
}

/// Finds a hamlet by name, ignoring case and diacritics.
pub async fn hamlet_by_name(
    tx: &mut Tx,
    commune_id: i64,
    name: &str,
) -> sqlx::Result<Option<Hamlet>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, commune_id, name FROM hamlets WHERE commune_id = $1 AND name_key = $2"
    )
    .bind(commune_id)
    .bind(crate::text::fold(name))
    .fetch_optional(conn)
    .await)
}

/// The real (non-demo) communes, by province and name as people read them (diacritics
/// aside: "Điện Biên" before "Thái Nguyên", whatever the database's collation): those a
/// newcomer chooses from.
pub async fn real(tx: &mut Tx) -> sqlx::Result<Vec<Commune>> {
    let mut all: Vec<Commune> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, code, name, district, province, time_zone, rules, is_demo
         FROM communes WHERE NOT is_demo ORDER BY id"
    )
    .fetch_all(conn)
    .await)?;
    all.sort_by_cached_key(|c| (fold(&c.province), fold(&c.name), c.id));
    Ok(all)
}

/// Every commune, the real ones first: for finding one by its code.
pub async fn all(tx: &mut Tx) -> sqlx::Result<Vec<Commune>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, code, name, district, province, time_zone, rules, is_demo
         FROM communes ORDER BY is_demo, province, name, id"
    )
    .fetch_all(conn)
    .await)
}

/// The provinces of the database's communes, real communes' first (the demo's only when no
/// real commune has one), by name.
pub async fn provinces(tx: &mut Tx) -> sqlx::Result<Vec<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT DISTINCT province FROM communes
         WHERE NOT is_demo OR NOT EXISTS (SELECT 1 FROM communes c WHERE NOT c.is_demo)
         ORDER BY province"
    )
    .fetch_all(conn)
    .await)
}

/// A commune and how much it holds, for `giamngheo communes`.
#[derive(Debug, Clone, FromRow)]
pub struct Summary {
    pub code: String,
    pub name: String,
    pub province: String,
    pub is_demo: bool,
    pub hamlets: i64,
    /// Households not rejected.
    pub households: i64,
    /// People (accounts joined into another person count once).
    pub people: i64,
}

pub async fn summaries(tx: &mut Tx) -> sqlx::Result<Vec<Summary>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT c.code, c.name, c.province, c.is_demo,
                (SELECT COUNT(*) FROM hamlets h WHERE h.commune_id = c.id) AS hamlets,
                (SELECT COUNT(*) FROM households x
                 WHERE x.commune_id = c.id AND x.status <> 'rejected') AS households,
                (SELECT COUNT(*) FROM persons p
                 WHERE p.commune_id = c.id AND p.merged_into IS NULL) AS people
         FROM communes c ORDER BY c.id"
    )
    .fetch_all(conn)
    .await)
    .map(|mut all: Vec<Summary>| {
        all.sort_by_cached_key(|c| (c.is_demo, fold(&c.province), fold(&c.name)));
        all
    })
}
