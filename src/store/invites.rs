//! Invites to a role: stored by their code's SHA-256 only, taken once, revoked, and listed
//! while open. What an invite may name is `domain::invites`'; here it is only kept.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::links::hash;
use super::{Tx, execute, on_tx};
use crate::domain::{Grant, Role};

/// An invite, with its hamlet's name for reading it back.
#[derive(Debug, Clone, FromRow)]
pub struct Invite {
    pub id: i64,
    pub commune_id: i64,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub hamlet_id: Option<i64>,
    pub hamlet: Option<String>,
    pub org: Option<String>,
    /// Who made it; None: the command line.
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_by: Option<i64>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Invite {
    pub fn grant(&self) -> Grant {
        Grant {
            role: self.role,
            hamlet_id: self.hamlet_id,
            org: self.org.clone(),
        }
    }
}

macro_rules! select {
    ($where:literal) => {
        concat!(
            "SELECT i.id, i.commune_id, i.role, i.hamlet_id, h.name AS hamlet, i.org,
                i.created_by, i.created_at, i.expires_at, i.used_by, i.used_at, i.revoked_at
             FROM invites i LEFT JOIN hamlets h ON h.id = i.hamlet_id ",
            $where
        )
    };
}

/// Stores a new invite; None when a kept invite has the same code (draw another).
pub async fn insert(
    tx: &mut Tx,
    code: &str,
    commune_id: i64,
    grant: &Grant,
    created_by: Option<i64>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO invites (code_hash, commune_id, role, hamlet_id, org, created_by,
            created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code_hash) DO NOTHING
         RETURNING id"
    )
    .bind(hash(code))
    .bind(commune_id)
    .bind(grant.role.code())
    .bind(grant.hamlet_id)
    .bind(grant.org.as_deref())
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .fetch_optional(conn)
    .await)
}

/// The invite a code names, whatever became of it.
pub async fn find(tx: &mut Tx, code: &str) -> sqlx::Result<Option<Invite>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE i.code_hash = $1"))
        .bind(hash(code))
        .fetch_optional(conn)
        .await)
}

pub async fn get(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Invite>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await)
}

/// The commune's invites that can still be taken, soonest to expire first.
pub async fn open(tx: &mut Tx, commune_id: i64, now: DateTime<Utc>) -> sqlx::Result<Vec<Invite>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE i.commune_id = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL
           AND i.expires_at > $2
         ORDER BY i.expires_at, i.id"
    ))
    .bind(commune_id)
    .bind(now)
    .fetch_all(conn)
    .await)
}

/// Takes the invite for `person_id`, if it is still open: false when another message took
/// or revoked it first (two processes, the code typed twice at once).
pub async fn claim(tx: &mut Tx, id: i64, person_id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE invites SET used_by = $1, used_at = $2
         WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        person_id,
        now,
        id
    )?;
    Ok(n == 1)
}

/// Revokes an open invite of the commune; false when it was taken, revoked or expired already.
pub async fn revoke(
    tx: &mut Tx,
    id: i64,
    commune_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE invites SET revoked_at = $1
         WHERE id = $2 AND commune_id = $3 AND used_at IS NULL AND revoked_at IS NULL
           AND expires_at > $1",
        now,
        id,
        commune_id
    )?;
    Ok(n == 1)
}
