//! Community groups and their members.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};
use crate::domain::{Category, GroupStatus, HouseholdStatus, MemberRecord};

#[derive(Debug, Clone, FromRow)]
pub struct Group {
    pub id: i64,
    pub commune_id: i64,
    pub hamlet_id: i64,
    pub hamlet_name: String,
    pub name: String,
    pub org: String,
    pub product: String,
    pub join_code: String,
    /// Takes households of every hamlet, not only its own.
    pub commune_wide: bool,
    #[sqlx(try_from = "String")]
    pub status: GroupStatus,
    /// Who created the group: a hamlet head or an organisation's representative, who keeps
    /// managing it (stored as `leader_id`, from when the creator was its leader).
    pub created_by: i64,
    /// The member household the group chose as its leader (trưởng nhóm), once chosen.
    pub leader_household_id: Option<i64>,
    /// Its head's name.
    pub leader_name: Option<String>,
    /// The account that registered it, which acts as the group's leader.
    pub leader_account: Option<i64>,
    pub requested_at: Option<DateTime<Utc>>,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub return_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Group {
    /// Whether a household of `hamlet_id` may join: a hamlet's group takes its own hamlet's
    /// households, a commune-wide group any.
    pub fn takes(&self, hamlet_id: i64) -> bool {
        self.commune_wide || self.hamlet_id == hamlet_id
    }

    /// Who is told what a group's leader is told (a household joined, left, the commune's
    /// decision): the chosen leader's account, and the creator, who keeps managing it.
    pub fn leaders(&self) -> Vec<i64> {
        let mut out: Vec<i64> = self.leader_account.into_iter().collect();
        if !out.contains(&self.created_by) {
            out.push(self.created_by);
        }
        out
    }

    /// Whether `person_id` is one of `leaders`: nobody decides on a group they lead.
    pub fn led_by(&self, person_id: i64) -> bool {
        self.leaders().contains(&person_id)
    }
}

/// A member household with what the rules need.
#[derive(Debug, Clone, FromRow)]
pub struct Member {
    pub household_id: i64,
    pub head_name: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    #[sqlx(try_from = "String")]
    pub household_status: HouseholdStatus,
    pub escaped_on: Option<NaiveDate>,
    pub registered_by: i64,
    pub recognised_level: Option<String>,
    pub recognised_year: Option<i64>,
    pub experienced: bool,
    /// False while a recognition is only the member's own word.
    pub recognition_checked: bool,
    /// A person with a disability without a stable livelihood is recorded in the household.
    pub has_disabled_person: bool,
}

impl Member {
    /// The member as the group rules read it.
    pub fn record(&self) -> MemberRecord<'_> {
        MemberRecord {
            recognised_level: self.recognised_level.as_deref(),
            recognition_checked: self.recognition_checked,
            experienced: self.experienced,
            household_status: self.household_status,
            category: self.category,
            escaped_on: self.escaped_on,
            has_disabled_person: self.has_disabled_person,
        }
    }
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT g.id, g.commune_id, g.hamlet_id, m.name AS hamlet_name, g.name, g.org,
                g.product, g.join_code, g.commune_wide, g.status, g.leader_id AS created_by,
                g.leader_household_id, lh.head_name AS leader_name,
                lh.registered_by AS leader_account, g.requested_at, g.decision_no,
                g.decision_date, g.return_reason, g.created_at
             FROM groups g JOIN hamlets m ON m.id = g.hamlet_id
             LEFT JOIN households lh ON lh.id = g.leader_household_id ",
            $rest
        )
    };
}

pub struct NewGroup<'a> {
    pub commune_id: i64,
    pub hamlet_id: i64,
    pub name: &'a str,
    pub org: &'a str,
    pub product: &'a str,
    pub join_code: &'a str,
    pub commune_wide: bool,
    pub created_by: i64,
}

pub async fn insert(tx: &mut Tx, g: &NewGroup<'_>, now: DateTime<Utc>) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO groups (commune_id, hamlet_id, name, org, product, join_code, commune_wide,
            status, leader_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'forming', $8, $9, $9) RETURNING id"
    )
    .bind(g.commune_id)
    .bind(g.hamlet_id)
    .bind(g.name)
    .bind(g.org)
    .bind(g.product)
    .bind(g.join_code)
    .bind(g.commune_wide)
    .bind(g.created_by)
    .bind(now)
    .fetch_one(conn)
    .await)
}

pub async fn get(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await)
}

pub async fn by_code(tx: &mut Tx, code: &str) -> sqlx::Result<Option<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE g.join_code = $1"))
        .bind(code)
        .fetch_optional(conn)
        .await)
}

/// Groups a person created, or whose member households they registered (its leader's among
/// them), newest first.
pub async fn of_person(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE g.leader_id = $1 OR g.id IN (
            SELECT gm.group_id FROM group_members gm JOIN households h ON h.id = gm.household_id
            WHERE h.registered_by = $1)
         ORDER BY g.id DESC"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await)
}

/// Groups of a commune in a status, oldest request first.
pub async fn with_status(
    tx: &mut Tx,
    commune_id: i64,
    status: GroupStatus,
) -> sqlx::Result<Vec<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE g.commune_id = $1 AND g.status = $2 ORDER BY g.requested_at, g.id"
    ))
    .bind(commune_id)
    .bind(status.code())
    .fetch_all(conn)
    .await)
}

pub async fn members(tx: &mut Tx, group_id: i64) -> sqlx::Result<Vec<Member>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT gm.household_id, h.head_name, h.category, h.status AS household_status,
            h.escaped_on, h.registered_by, gm.recognised_level, gm.recognised_year,
            gm.experienced, gm.recognition_checked,
            EXISTS (SELECT 1 FROM disabled_persons d WHERE d.household_id = h.id)
                AS has_disabled_person
         FROM group_members gm JOIN households h ON h.id = gm.household_id
         WHERE gm.group_id = $1 ORDER BY gm.joined_at, gm.household_id"
    )
    .bind(group_id)
    .fetch_all(conn)
    .await)
}

/// Adds a member, or updates the recognition of one already in the group. Returns true
/// when the household is new to the group.
#[allow(clippy::too_many_arguments)]
pub async fn add_member(
    tx: &mut Tx,
    group_id: i64,
    household_id: i64,
    recognised_level: Option<&str>,
    recognised_year: Option<i64>,
    experienced: bool,
    checked: bool,
    added_by: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    // Insert first: two people adding the same household at once cannot both insert.
    let inserted = execute!(
        tx,
        "INSERT INTO group_members (group_id, household_id, recognised_level, recognised_year,
            experienced, recognition_checked, added_by, joined_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (group_id, household_id) DO NOTHING",
        group_id,
        household_id,
        recognised_level,
        recognised_year,
        experienced,
        checked,
        added_by,
        now
    )?;
    if inserted == 1 {
        return Ok(true);
    }
    execute!(
        tx,
        "UPDATE group_members SET recognised_level = $1, recognised_year = $2,
            experienced = $3, recognition_checked = $4, added_by = $5
         WHERE group_id = $6 AND household_id = $7",
        recognised_level,
        recognised_year,
        experienced,
        checked,
        added_by,
        group_id,
        household_id
    )?;
    Ok(false)
}

/// Takes a household out of a group; the group's leader, if it was, leads it no longer.
pub async fn remove_member(tx: &mut Tx, group_id: i64, household_id: i64) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "DELETE FROM group_members WHERE group_id = $1 AND household_id = $2",
        group_id,
        household_id
    )?;
    execute!(
        tx,
        "UPDATE groups SET leader_household_id = NULL
         WHERE id = $1 AND leader_household_id = $2",
        group_id,
        household_id
    )?;
    Ok(n == 1)
}

/// Records the member household the group chose as its leader.
pub async fn set_leader(
    tx: &mut Tx,
    group_id: i64,
    household_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE groups SET leader_household_id = $1, updated_at = $2 WHERE id = $3",
        household_id,
        now,
        group_id
    )?;
    Ok(())
}

/// Moves a group from one status to another; false if it was no longer in `from`.
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: GroupStatus,
    to: GroupStatus,
    decision_no: Option<&str>,
    decision_date: Option<NaiveDate>,
    return_reason: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE groups SET status = $1, decision_no = COALESCE($2, decision_no),
            decision_date = COALESCE($3, decision_date), return_reason = $4,
            requested_at = CASE WHEN $1 = 'requested' THEN $5 ELSE requested_at END,
            updated_at = $5
         WHERE id = $6 AND status = $7",
        to.code(),
        decision_no,
        decision_date,
        return_reason,
        now,
        id,
        from.code()
    )?;
    Ok(n == 1)
}

/// Groups a person created, or leads through the household the group chose: those they may
/// lead (`Access::leads_group` says whether they still do).
pub async fn led_by(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE g.leader_id = $1 OR lh.registered_by = $1 ORDER BY g.id"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await)
}

pub async fn in_hamlet(tx: &mut Tx, hamlet_id: i64) -> sqlx::Result<Vec<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE g.hamlet_id = $1 ORDER BY g.id"
    ))
    .bind(hamlet_id)
    .fetch_all(conn)
    .await)
}

pub async fn all(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE g.commune_id = $1 ORDER BY g.id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

#[derive(Debug, Clone, FromRow)]
struct MembershipRow {
    group_id: i64,
    household_id: i64,
    head_name: String,
}

/// The person's households in forming groups: (group, (household id, head's name)).
pub async fn memberships_of(
    tx: &mut Tx,
    person_id: i64,
) -> sqlx::Result<Vec<(Group, (i64, String))>> {
    let rows: Vec<MembershipRow> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT gm.group_id, gm.household_id, h.head_name
         FROM group_members gm JOIN households h ON h.id = gm.household_id
         JOIN groups g ON g.id = gm.group_id
         WHERE h.registered_by = $1 AND g.status = 'forming'
         ORDER BY gm.group_id, gm.household_id"
    )
    .bind(person_id)
    .fetch_all(conn)
    .await)?;
    let mut out = vec![];
    for r in rows {
        if let Some(g) = get(tx, r.group_id).await? {
            out.push((g, (r.household_id, r.head_name)));
        }
    }
    Ok(out)
}

/// The forming groups a household is a member of.
pub async fn forming_with(tx: &mut Tx, household_id: i64) -> sqlx::Result<Vec<Group>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE g.status = 'forming' AND g.id IN (
            SELECT group_id FROM group_members WHERE household_id = $1)
         ORDER BY g.id"
    ))
    .bind(household_id)
    .fetch_all(conn)
    .await)
}

/// Gives the group a new join code: the old one stops working at once.
pub async fn set_code(tx: &mut Tx, id: i64, code: &str) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE groups SET join_code = $1 WHERE id = $2",
        code,
        id
    )?;
    Ok(())
}
