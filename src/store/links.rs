//! Link codes, and joining two persons into one: every row that names the absorbed person is
//! moved to the surviving one in the caller's transaction; unlinking gives an account back to
//! a person of its own.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};

/// A code as stored: only its SHA-256 (a six-digit code is no secret from someone who can
/// read the database and try a million hashes, but it does not show in a dump, a log or a
/// screenshot; expiry, single use and the wrong-try limit are what protect it). Also the
/// stable name of any bytes (a file the Zalo sender keeps to link to).
pub fn hash(data: impl AsRef<[u8]>) -> String {
    Sha256::digest(data.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A link code, found by what was typed.
#[derive(Debug, Clone, FromRow)]
pub struct Code {
    /// The person who asked for it: the one who stays when it is used.
    pub person_id: i64,
    /// The account it was asked from, told when it is used.
    pub channel: String,
    pub sender_id: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Forgets codes that expired before `before`, of everyone.
pub async fn forget_expired(tx: &mut Tx, before: DateTime<Utc>) -> sqlx::Result<u64> {
    execute!(tx, "DELETE FROM link_codes WHERE expires_at < $1", before)
}

/// Drops a person's codes not used yet: a new code replaces the one before, so one code at
/// most is live per person.
pub async fn revoke_unused(tx: &mut Tx, person_id: i64) -> sqlx::Result<u64> {
    execute!(
        tx,
        "DELETE FROM link_codes WHERE person_id = $1 AND used_at IS NULL",
        person_id
    )
}

/// Stores a new code; false when a kept code has the same digits (draw another).
pub async fn insert(
    tx: &mut Tx,
    code: &str,
    person_id: i64,
    channel: &str,
    sender_id: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "INSERT INTO link_codes (code_hash, person_id, channel, sender_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code_hash) DO NOTHING",
        hash(code),
        person_id,
        channel,
        sender_id,
        now,
        expires_at
    )?;
    Ok(n == 1)
}

pub async fn find(tx: &mut Tx, code: &str) -> sqlx::Result<Option<Code>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT person_id, channel, sender_id, expires_at, used_at FROM link_codes
         WHERE code_hash = $1"
    )
    .bind(hash(code))
    .fetch_optional(conn)
    .await)
}

/// Uses the code up, if it is still unused and live: false when another message took it
/// first (two processes, the same code typed twice at once).
pub async fn claim(tx: &mut Tx, code: &str, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE link_codes SET used_at = $1
         WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1",
        now,
        hash(code)
    )?;
    Ok(n == 1)
}

/// What joining two persons does with a column that names a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnJoin {
    /// The row names the surviving person from now on.
    Move,
    /// Moved, unless the survivor has a row of its own for the same thing; then the absorbed
    /// person's row goes. The condition compares `k` (the survivor's row) with `t` (the
    /// absorbed person's).
    MoveUnlessTaken(&'static str),
    /// Deleted: it meant something only for the absorbed person.
    Delete,
    /// Left as written: the audit log tells who did what at the time; the entry of the join
    /// names both persons. (The database refuses any change to `audit_log` anyway: the
    /// triggers of migration 0009.)
    Keep,
}

/// Every column of the schema that refers to `persons(id)`, and what joining does with it.
/// A test compares it with the schema, so a table added later cannot be forgotten here.
pub const PERSON_COLUMNS: &[(&str, &str, OnJoin)] = &[
    ("identities", "person_id", OnJoin::Move),
    (
        "roles",
        "person_id",
        OnJoin::MoveUnlessTaken(
            "k.commune_id = t.commune_id AND k.role = t.role
             AND COALESCE(k.hamlet_id, 0) = COALESCE(t.hamlet_id, 0)",
        ),
    ),
    ("households", "registered_by", OnJoin::Move),
    ("households", "reviewed_by", OnJoin::Move),
    ("groups", "leader_id", OnJoin::Move),
    ("group_members", "added_by", OnJoin::Move),
    ("proposals", "submitted_by", OnJoin::Move),
    ("proposal_events", "actor_id", OnJoin::Move),
    ("deadlines", "created_by", OnJoin::Move),
    ("disabled_persons", "recorded_by", OnJoin::Move),
    // The survivor's digest time stays; a day's digest either of them got counts as sent.
    (
        "officer_prefs",
        "person_id",
        OnJoin::MoveUnlessTaken("TRUE"),
    ),
    (
        "digests",
        "person_id",
        OnJoin::MoveUnlessTaken("k.day = t.day"),
    ),
    ("link_codes", "person_id", OnJoin::Delete),
    // Who made an invite is told when it is taken; who took it is the person now.
    ("invites", "created_by", OnJoin::Move),
    ("invites", "used_by", OnJoin::Move),
    // Persons absorbed earlier into the absorbed one now point at the survivor.
    ("persons", "merged_into", OnJoin::Move),
    ("audit_log", "actor_id", OnJoin::Keep),
];

/// Moves everything of person `from` to person `into` and marks `from` as merged into it.
/// Returns how many rows moved, by "table.column", for the audit log. The caller has checked
/// that the two may be joined (`domain::links::may_join`).
pub async fn join(tx: &mut Tx, from: i64, into: i64) -> sqlx::Result<BTreeMap<String, u64>> {
    let mut moved = BTreeMap::new();
    for &(table, column, how) in PERSON_COLUMNS {
        let n = match how {
            OnJoin::Keep => continue,
            OnJoin::Delete => {
                let sql = format!("DELETE FROM {table} WHERE {column} = $1");
                execute!(tx, sqlx::AssertSqlSafe(sql), from)?
            }
            OnJoin::Move | OnJoin::MoveUnlessTaken(_) => {
                if let OnJoin::MoveUnlessTaken(same) = how {
                    let sql = format!(
                        "DELETE FROM {table} AS t WHERE t.{column} = $1
                         AND EXISTS (SELECT 1 FROM {table} k WHERE k.{column} = $2 AND {same})"
                    );
                    execute!(tx, sqlx::AssertSqlSafe(sql), from, into)?;
                }
                let sql = format!("UPDATE {table} SET {column} = $1 WHERE {column} = $2");
                execute!(tx, sqlx::AssertSqlSafe(sql), into, from)?
            }
        };
        if n > 0 {
            moved.insert(format!("{table}.{column}"), n);
        }
    }
    execute!(
        tx,
        "UPDATE persons SET merged_into = $1 WHERE id = $2",
        into,
        from
    )?;
    Ok(moved)
}

/// Gives the account (`channel`, `sender_id`) of `person_id` to `to` (a new person), and
/// forgets where its private chat stood: a dialogue begun as the old person is not finished
/// as the new one. False when the account is not the person's.
pub async fn unlink(
    tx: &mut Tx,
    person_id: i64,
    channel: &str,
    sender_id: &str,
    to: i64,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE identities SET person_id = $1
         WHERE channel = $2 AND sender_id = $3 AND person_id = $4",
        to,
        channel,
        sender_id,
        person_id
    )?;
    if n == 0 {
        return Ok(false);
    }
    execute!(
        tx,
        "DELETE FROM conversations WHERE channel = $1
         AND chat_id = (SELECT chat_id FROM identities WHERE channel = $1 AND sender_id = $2)",
        channel,
        sender_id
    )?;
    // A code asked for from that account would join the next typist to the old person.
    execute!(
        tx,
        "DELETE FROM link_codes WHERE person_id = $1 AND used_at IS NULL",
        person_id
    )?;
    Ok(true)
}
