//! The commune's staff: who holds which role since when, and taking a role back. A role
//! taken back is deleted; the audit log keeps who held it and who took it back.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};
use crate::domain::Role;

/// One role one person holds, with the names that read it back.
#[derive(Debug, Clone, FromRow)]
pub struct Held {
    /// The row of `roles`: what `/thuhoi` and `giamngheo revoke` name.
    pub id: i64,
    pub person_id: i64,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub hamlet_id: Option<i64>,
    pub hamlet: Option<String>,
    pub org: Option<String>,
    pub granted_at: DateTime<Utc>,
}

macro_rules! select {
    ($where:literal) => {
        concat!(
            "SELECT r.id, r.person_id, p.display_name, r.role, r.hamlet_id, h.name AS hamlet,
                r.org, r.granted_at
             FROM roles r JOIN persons p ON p.id = r.person_id AND p.commune_id = r.commune_id
             LEFT JOIN hamlets h ON h.id = r.hamlet_id ",
            $where
        )
    };
}

/// Every role held in the commune, by person (in the order they joined), then role.
pub async fn of_commune(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Held>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE r.commune_id = $1 ORDER BY r.person_id, r.id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

pub async fn get(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Held>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await)
}

/// Takes a role back at once: the next message of its holder is judged without it. False
/// when someone else took it back first.
pub async fn remove(tx: &mut Tx, id: i64) -> sqlx::Result<bool> {
    Ok(execute!(tx, "DELETE FROM roles WHERE id = $1", id)? == 1)
}

/// The channels a person chats on, for the staff list: "console, telegram".
pub async fn channels(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT DISTINCT channel FROM identities WHERE person_id = $1 ORDER BY channel"
    )
    .bind(person_id)
    .fetch_all(conn)
    .await)
}
