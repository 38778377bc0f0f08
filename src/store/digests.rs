//! What the digest needs: who gets one and when, which days went out, the commune's dated
//! tasks, and the counts a digest reports.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};

/// A person who gets a digest: hamlet heads and the commune's officers; the upper level, whose
/// digest is the province's.
#[derive(Debug, Clone, FromRow)]
pub struct Recipient {
    pub person_id: i64,
    pub commune_id: i64,
    pub display_name: String,
    pub lang: String,
    pub digest_time: Option<String>,
    pub time_zone: Option<String>,
    pub quiet_line: Option<bool>,
    /// When the person first got a role that receives digests: no digest covers days before.
    pub since: DateTime<Utc>,
}

pub async fn recipients(tx: &mut Tx) -> sqlx::Result<Vec<Recipient>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT p.id AS person_id, p.commune_id, p.display_name, p.lang, o.digest_time,
            o.time_zone, o.quiet_line, r.since
         FROM persons p LEFT JOIN officer_prefs o ON o.person_id = p.id
         JOIN (SELECT person_id, MIN(granted_at) AS since FROM roles
            WHERE role IN ('hamlet_head', 'culture_officer', 'agri_officer', 'leader',
                'upper_level')
            GROUP BY person_id) r ON r.person_id = p.id
         ORDER BY p.id"
    )
    .fetch_all(conn)
    .await)
}

pub async fn set_prefs(
    tx: &mut Tx,
    person_id: i64,
    digest_time: &str,
    time_zone: &str,
    quiet_line: bool,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO officer_prefs (person_id, digest_time, time_zone, quiet_line)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (person_id) DO UPDATE SET digest_time = excluded.digest_time,
            time_zone = excluded.time_zone, quiet_line = excluded.quiet_line",
        person_id,
        digest_time,
        time_zone,
        quiet_line
    )?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct Sent {
    pub day: NaiveDate,
    pub covers_to: DateTime<Utc>,
}

/// The latest digest a person got.
pub async fn last_sent(tx: &mut Tx, person_id: i64) -> sqlx::Result<Option<Sent>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT day, covers_to FROM digests WHERE person_id = $1 ORDER BY day DESC LIMIT 1"
    )
    .bind(person_id)
    .fetch_optional(conn)
    .await)
}

/// Claims the digest of `day` for a person. False if it was claimed already (by this or
/// another process): the caller then sends nothing.
pub async fn claim(
    tx: &mut Tx,
    person_id: i64,
    day: NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "INSERT INTO digests (person_id, day, covers_from, covers_to) VALUES ($1, $2, $3, $4)
         ON CONFLICT (person_id, day) DO NOTHING",
        person_id,
        day,
        from,
        to
    )?;
    Ok(n == 1)
}

#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct Deadline {
    pub id: i64,
    pub title: String,
    pub due_on: NaiveDate,
}

pub async fn add_deadline(
    tx: &mut Tx,
    commune_id: i64,
    title: &str,
    due_on: NaiveDate,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO deadlines (commune_id, title, due_on, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(commune_id)
    .bind(title)
    .bind(due_on)
    .bind(created_by)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// Deadlines not done, soonest (or most overdue) first.
pub async fn open_deadlines(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Deadline>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, title, due_on FROM deadlines
         WHERE commune_id = $1 AND done_at IS NULL ORDER BY due_on, id"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

pub async fn finish_deadline(
    tx: &mut Tx,
    commune_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE deadlines SET done_at = $1 WHERE id = $2 AND commune_id = $3 AND done_at IS NULL",
        now,
        id,
        commune_id
    )?;
    Ok(n == 1)
}

/// A count under a pair of names (hamlet × category, action, status…).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Count {
    pub a: String,
    pub b: String,
    pub n: i64,
}

/// Households registered in a period, by hamlet and category.
pub async fn registered_between(
    tx: &mut Tx,
    commune_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<Count>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT m.name AS a, h.category AS b, COUNT(*) AS n
         FROM households h JOIN hamlets m ON m.id = h.hamlet_id
         WHERE h.commune_id = $1 AND h.created_at > $2 AND h.created_at <= $3
         GROUP BY m.name, m.position, h.category ORDER BY m.position, h.category"
    )
    .bind(commune_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await)
}

/// Households confirmed in a period, by hamlet.
pub async fn confirmed_between(
    tx: &mut Tx,
    commune_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<Count>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT m.name AS a, '' AS b, COUNT(*) AS n
         FROM households h JOIN hamlets m ON m.id = h.hamlet_id
         WHERE h.commune_id = $1 AND h.status = 'confirmed'
           AND h.reviewed_at > $2 AND h.reviewed_at <= $3
         GROUP BY m.name, m.position ORDER BY m.position"
    )
    .bind(commune_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await)
}

/// What happened to groups and proposals in a period, from the audit log: (entity, action).
pub async fn changes_between(
    tx: &mut Tx,
    commune_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<Count>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT a.entity AS a, a.action AS b, COUNT(*) AS n FROM audit_log a
         WHERE a.at > $2 AND a.at <= $3 AND a.entity IN ('group', 'proposal')
           AND a.commune_id = $1
         GROUP BY a.entity, a.action ORDER BY a.entity, a.action"
    )
    .bind(commune_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await)
}

/// Households of a commune (rejected ones left out), grouped by what the counts read: hamlet,
/// category, status and the day an escape was recognised (the category a household counts
/// under depends on the day of the count).
#[derive(Debug, Clone, FromRow)]
pub struct HouseholdGroup {
    pub hamlet_id: i64,
    #[sqlx(try_from = "String")]
    pub category: crate::domain::Category,
    #[sqlx(try_from = "String")]
    pub status: crate::domain::HouseholdStatus,
    pub escaped_on: Option<NaiveDate>,
    pub n: i64,
}

pub async fn household_groups(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<HouseholdGroup>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT hamlet_id, category, status, escaped_on, COUNT(*) AS n FROM households
         WHERE commune_id = $1 AND status <> 'rejected'
         GROUP BY hamlet_id, category, status, escaped_on"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// People with a disability recorded, by hamlet id: (hamlet_id, count).
pub async fn disabled_people_by_hamlet(
    tx: &mut Tx,
    commune_id: i64,
) -> sqlx::Result<Vec<(i64, i64)>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT hamlet_id, COUNT(*) FROM disabled_persons WHERE commune_id = $1
         GROUP BY hamlet_id"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// People with a disability recorded in a period.
pub async fn disabled_people_between(
    tx: &mut Tx,
    commune_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM disabled_persons
         WHERE commune_id = $1 AND created_at > $2 AND created_at <= $3"
    )
    .bind(commune_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await)
}

/// Groups and proposals by status: ("group" | "proposal", status, count). Households are
/// counted by `report::tally`, as of a day.
pub async fn totals(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Count>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT 'group' AS a, status AS b, COUNT(*) AS n FROM groups
            WHERE commune_id = $1 GROUP BY status
         UNION ALL
         SELECT 'proposal' AS a, status AS b, COUNT(*) AS n FROM proposals
            WHERE commune_id = $1 GROUP BY status
         ORDER BY a, b"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}
