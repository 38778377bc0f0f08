//! Registered households.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};
use crate::domain::{Category, HouseholdStatus};

#[derive(Debug, Clone, FromRow)]
pub struct Household {
    pub id: i64,
    pub commune_id: i64,
    pub hamlet_id: i64,
    pub hamlet_name: String,
    pub head_name: String,
    pub address: String,
    pub phone: String,
    pub members: i64,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub escaped_on: Option<NaiveDate>,
    pub escape_decision: Option<String>,
    pub cccd: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: HouseholdStatus,
    pub reject_reason: Option<String>,
    pub registered_by: i64,
    pub created_at: DateTime<Utc>,
}

/// A household as the registration dialogue hands it over.
pub struct NewHousehold<'a> {
    pub commune_id: i64,
    pub hamlet_id: i64,
    pub head_name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub members: i64,
    pub category: Category,
    pub escaped_on: Option<NaiveDate>,
    pub escape_decision: Option<&'a str>,
    pub cccd: Option<&'a str>,
    pub status: HouseholdStatus,
    pub registered_by: i64,
}

/// The columns of `Household`, followed by the rest of the query.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT h.id, h.commune_id, h.hamlet_id, m.name AS hamlet_name, h.head_name,
                h.address, h.phone, h.members, h.category, h.escaped_on, h.escape_decision,
                h.cccd, h.status, h.reject_reason, h.registered_by, h.created_at
             FROM households h JOIN hamlets m ON m.id = h.hamlet_id ",
            $rest
        )
    };
}

/// The live (not rejected) registration with the same head and phone in the hamlet, if any.
pub async fn find_duplicate(
    tx: &mut Tx,
    hamlet_id: i64,
    head_name: &str,
    phone: &str,
) -> sqlx::Result<Option<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE h.hamlet_id = $1 AND h.name_key = $2 AND h.phone = $3 AND h.status <> 'rejected'"
    ))
    .bind(hamlet_id)
    .bind(crate::text::fold(head_name))
    .bind(phone)
    .fetch_optional(conn)
    .await)
}

pub async fn insert(tx: &mut Tx, h: &NewHousehold<'_>, now: DateTime<Utc>) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO households (commune_id, hamlet_id, head_name, name_key, address, phone,
            members, category, escaped_on, escape_decision, cccd, status, registered_by,
            reviewed_by, reviewed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
            CASE WHEN $12 = 'confirmed' THEN $13 END, CASE WHEN $12 = 'confirmed' THEN $14 END,
            $14, $14)
         RETURNING id"
    )
    .bind(h.commune_id)
    .bind(h.hamlet_id)
    .bind(h.head_name)
    .bind(crate::text::fold(h.head_name))
    .bind(h.address)
    .bind(h.phone)
    .bind(h.members)
    .bind(h.category.code())
    .bind(h.escaped_on)
    .bind(h.escape_decision)
    .bind(h.cccd)
    .bind(h.status.code())
    .bind(h.registered_by)
    .bind(now)
    .fetch_one(conn)
    .await)
}

pub async fn get(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE h.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await)
}

/// Registrations waiting for confirmation, oldest first; in one hamlet, or in the whole
/// commune when `hamlet_id` is None.
pub async fn pending(
    tx: &mut Tx,
    commune_id: i64,
    hamlet_id: Option<i64>,
) -> sqlx::Result<Vec<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE h.commune_id = $1 AND h.status = 'claimed'
           AND ($2 IS NULL OR h.hamlet_id = $2)
         ORDER BY h.created_at, h.id"
    ))
    .bind(commune_id)
    .bind(hamlet_id)
    .fetch_all(conn)
    .await)
}

/// What one person registered, newest first.
pub async fn registered_by(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE h.registered_by = $1 ORDER BY h.id DESC"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await)
}

/// Records the hamlet head's decision on a claimed registration. Returns false when it was no
/// longer waiting (somebody else decided first).
pub async fn review(
    tx: &mut Tx,
    id: i64,
    status: HouseholdStatus,
    reason: Option<&str>,
    reviewer: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = execute!(
        tx,
        "UPDATE households SET status = $1, reject_reason = $2, reviewed_by = $3,
            reviewed_at = $4, updated_at = $4
         WHERE id = $5 AND status = 'claimed'",
        status.code(),
        reason,
        reviewer,
        now,
        id
    )?;
    Ok(done == 1)
}

pub async fn count_by_status(
    tx: &mut Tx,
    commune_id: i64,
    status: HouseholdStatus,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM households WHERE commune_id = $1 AND status = $2"
    )
    .bind(commune_id)
    .bind(status.code())
    .fetch_one(conn)
    .await)
}

/// Live (not rejected) households of a hamlet, by number.
pub async fn in_hamlet(tx: &mut Tx, hamlet_id: i64) -> sqlx::Result<Vec<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE h.hamlet_id = $1 AND h.status <> 'rejected' ORDER BY h.id"
    ))
    .bind(hamlet_id)
    .fetch_all(conn)
    .await)
}

/// Live (not rejected) households of the whole commune, by number.
pub async fn in_commune(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE h.commune_id = $1 AND h.status <> 'rejected' ORDER BY h.id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// Households in a page of `page_in_commune`.
pub const PAGE: usize = 2_000;

/// A page of the commune's live (not rejected) households, by number, after `after_id`: the
/// report reads them page by page rather than all at once (a commune may hold 100,000).
/// The page's size is written into the statement: told only "LIMIT $3", PostgreSQL's generic
/// plan guesses a few rows and walks the whole table by number looking for the commune's.
pub async fn page_in_commune(
    tx: &mut Tx,
    commune_id: i64,
    after_id: i64,
) -> sqlx::Result<Vec<Household>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE h.commune_id = $1 AND h.status <> 'rejected' AND h.id > $2
         ORDER BY h.id LIMIT 2000"
    ))
    .bind(commune_id)
    .bind(after_id)
    .fetch_all(conn)
    .await)
}
