//! People with a disability without a stable livelihood: recorded as people (not as a
//! household category), in a hamlet, in a registered household or in none.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, on_tx};

pub struct NewDisabledPerson<'a> {
    pub commune_id: i64,
    pub hamlet_id: i64,
    pub household_id: Option<i64>,
    pub full_name: &'a str,
    pub birth_year: i32,
    pub recorded_by: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct DisabledPerson {
    pub id: i64,
    pub hamlet_id: i64,
    pub hamlet_name: String,
    pub household_id: Option<i64>,
    pub household_head: Option<String>,
    pub full_name: String,
    pub birth_year: Option<i32>,
}

pub async fn insert(
    tx: &mut Tx,
    p: &NewDisabledPerson<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO disabled_persons (commune_id, hamlet_id, household_id, full_name,
            birth_year, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(p.commune_id)
    .bind(p.hamlet_id)
    .bind(p.household_id)
    .bind(p.full_name)
    .bind(p.birth_year)
    .bind(p.recorded_by)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// The columns of `DisabledPerson`, followed by the rest of the query.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT d.id, d.hamlet_id, m.name AS hamlet_name, d.household_id,
                h.head_name AS household_head, d.full_name, d.birth_year
             FROM disabled_persons d JOIN hamlets m ON m.id = d.hamlet_id
             LEFT JOIN households h ON h.id = d.household_id ",
            $rest
        )
    };
}

/// The people of a commune, by hamlet, then in the order they were recorded.
pub async fn in_commune(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<DisabledPerson>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE d.commune_id = $1 ORDER BY m.position, d.id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// The people recorded in a household.
pub async fn in_household(tx: &mut Tx, household_id: i64) -> sqlx::Result<Vec<DisabledPerson>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE d.household_id = $1 ORDER BY d.id"
    ))
    .bind(household_id)
    .fetch_all(conn)
    .await)
}

/// The same person recorded twice: same name (folded) and year in the same hamlet.
pub async fn find_same(
    tx: &mut Tx,
    hamlet_id: i64,
    full_name: &str,
    birth_year: i32,
) -> sqlx::Result<Vec<(i64, String)>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, full_name FROM disabled_persons WHERE hamlet_id = $1 AND birth_year = $2"
    )
    .bind(hamlet_id)
    .bind(birth_year)
    .fetch_all(conn)
    .await)
    .map(|rows: Vec<(i64, String)>| {
        let key = crate::text::fold(full_name);
        rows.into_iter()
            .filter(|(_, n)| crate::text::fold(n) == key)
            .collect()
    })
}
