//! Project proposals, their attachments, and every change of status with who, when and why.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx, persons};
use crate::domain::{ProposalKind, ProposalStatus, Role};

#[derive(Debug, Clone, FromRow)]
pub struct Proposal {
    pub id: i64,
    pub commune_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ProposalKind,
    pub group_id: Option<i64>,
    pub partners: Option<String>,
    pub submitted_by: i64,
    /// Every answer of the dialogue, as JSON: what a revision starts from.
    pub answers: String,
    pub title: String,
    pub total_cost: i64,
    pub support: i64,
    pub own_contribution: i64,
    #[sqlx(try_from = "String")]
    pub status: ProposalStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The upper level's decision approving it, and the support it grants.
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub approved_amount: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct Attachment {
    pub role: String,
    pub kind: String,
    pub channel: String,
    pub file_id: String,
    pub name: String,
}

/// A file a revision replaced, kept as an earlier version.
#[derive(Debug, Clone, FromRow)]
pub struct Earlier {
    #[sqlx(flatten)]
    pub file: Attachment,
    pub superseded_at: DateTime<Utc>,
}

/// The upper level's decision approving a proposal.
pub struct Decision<'a> {
    pub no: &'a str,
    pub date: NaiveDate,
    /// The support granted, in đồng: at most the support requested.
    pub amount: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor_id: i64,
    #[sqlx(try_from = "String")]
    pub to_status: ProposalStatus,
    pub comment: Option<String>,
}

pub struct NewProposal<'a> {
    pub commune_id: i64,
    pub kind: ProposalKind,
    pub group_id: Option<i64>,
    pub partners: Option<&'a str>,
    pub submitted_by: i64,
    pub answers: &'a str,
    pub title: &'a str,
    pub total_cost: i64,
    pub support: i64,
    pub own_contribution: i64,
}

macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, commune_id, kind, group_id, partners, submitted_by, answers, title,
                total_cost, support, own_contribution, status, created_at, updated_at,
                decision_no, decision_date, approved_amount
             FROM proposals ",
            $rest
        )
    };
}

pub async fn insert(tx: &mut Tx, p: &NewProposal<'_>, now: DateTime<Utc>) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO proposals (commune_id, kind, group_id, partners, submitted_by, answers,
            title, total_cost, support, own_contribution, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'submitted', $11, $11) RETURNING id"
    )
    .bind(p.commune_id)
    .bind(p.kind.code())
    .bind(p.group_id)
    .bind(p.partners)
    .bind(p.submitted_by)
    .bind(p.answers)
    .bind(p.title)
    .bind(p.total_cost)
    .bind(p.support)
    .bind(p.own_contribution)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// A revision replaces the content of a returned proposal and submits it again.
pub async fn revise(
    tx: &mut Tx,
    id: i64,
    p: &NewProposal<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE proposals SET kind = $1, group_id = $2, partners = $3, answers = $4, title = $5,
            total_cost = $6, support = $7, own_contribution = $8, status = 'submitted',
            updated_at = $9
         WHERE id = $10 AND status = 'returned'",
        p.kind.code(),
        p.group_id,
        p.partners,
        p.answers,
        p.title,
        p.total_cost,
        p.support,
        p.own_contribution,
        now,
        id
    )?;
    Ok(n == 1)
}

pub async fn get(tx: &mut Tx, id: i64) -> sqlx::Result<Option<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await)
}

/// Proposals of a commune waiting for the commune, the longest waiting first (those
/// forwarded wait for the upper level instead: `forwarded`).
pub async fn open(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE commune_id = $1 AND status IN ('submitted', 'under_appraisal', 'approved',
            'in_progress')
         ORDER BY updated_at, id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// Proposals of a commune waiting for the upper level's answer, the longest waiting first.
pub async fn forwarded(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE commune_id = $1 AND status = 'forwarded' ORDER BY updated_at, id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// Proposals of every commune of a province (as `province::communes` reads it) waiting for
/// the upper level's answer, the longest waiting first.
pub async fn forwarded_in_province(
    tx: &mut Tx,
    province: &str,
    demo: bool,
) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE status = 'forwarded' AND commune_id IN (SELECT id FROM communes
            WHERE province = $1 AND is_demo = $2 AND province <> '')
         ORDER BY updated_at, id"
    ))
    .bind(province)
    .bind(demo)
    .fetch_all(conn)
    .await)
}

/// Proposals of every commune of a province that went up to the upper level (forwarded, and
/// answered since), the latest moved first: what the upper level may open.
pub async fn sent_up_in_province(
    tx: &mut Tx,
    province: &str,
    demo: bool,
) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE status IN ('forwarded', 'approved', 'not_approved', 'in_progress', 'finished')
           AND commune_id IN (SELECT id FROM communes
            WHERE province = $1 AND is_demo = $2 AND province <> '')
         ORDER BY updated_at DESC, id DESC"
    ))
    .bind(province)
    .bind(demo)
    .fetch_all(conn)
    .await)
}

pub async fn all(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE commune_id = $1 ORDER BY id"
    ))
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

pub async fn by_submitter(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE submitted_by = $1 ORDER BY id DESC"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await)
}

/// Moves a proposal on; false if it was no longer in `from`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: ProposalStatus,
    to: ProposalStatus,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE proposals SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        to.code(),
        now,
        id,
        from.code()
    )?;
    Ok(n == 1)
}

/// Records the upper level's approval of a forwarded proposal; false if it was no longer
/// forwarded.
pub async fn approve(
    tx: &mut Tx,
    id: i64,
    d: &Decision<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let n = execute!(
        tx,
        "UPDATE proposals SET status = 'approved', decision_no = $1, decision_date = $2,
            approved_amount = $3, updated_at = $4
         WHERE id = $5 AND status = 'forwarded'",
        d.no,
        d.date,
        d.amount,
        now,
        id
    )?;
    Ok(n == 1)
}

pub async fn add_event(
    tx: &mut Tx,
    proposal_id: i64,
    actor_id: i64,
    from: Option<ProposalStatus>,
    to: ProposalStatus,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO proposal_events (proposal_id, at, actor_id, from_status, to_status, comment)
         VALUES ($1, $2, $3, $4, $5, $6)",
        proposal_id,
        now,
        actor_id,
        from.map(ProposalStatus::code),
        to.code(),
        comment
    )?;
    Ok(())
}

pub async fn events(tx: &mut Tx, proposal_id: i64) -> sqlx::Result<Vec<Event>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT at, actor_id, to_status, comment FROM proposal_events
         WHERE proposal_id = $1 ORDER BY id"
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await)
}

/// Sets the current attachments of a proposal. A revision brings its own set: a file it no
/// longer carries stays as an earlier version, superseded now; one it carries again stays
/// as it was.
pub async fn set_attachments(
    tx: &mut Tx,
    proposal_id: i64,
    list: &[Attachment],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let current: Vec<(i64, String, String, String)> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, role, channel, file_id FROM proposal_attachments
         WHERE proposal_id = $1 AND superseded_at IS NULL"
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await)?;
    let kept = |a: &Attachment| {
        current
            .iter()
            .find(|(_, role, channel, file_id)| {
                *role == a.role && *channel == a.channel && *file_id == a.file_id
            })
            .map(|c| c.0)
    };
    let keep: Vec<i64> = list.iter().filter_map(kept).collect();
    for (id, ..) in current.iter().filter(|c| !keep.contains(&c.0)) {
        execute!(
            tx,
            "UPDATE proposal_attachments SET superseded_at = $1 WHERE id = $2",
            now,
            *id
        )?;
    }
    for a in list.iter().filter(|a| kept(a).is_none()) {
        execute!(
            tx,
            "INSERT INTO proposal_attachments (proposal_id, role, kind, channel, file_id, name,
                added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            proposal_id,
            &a.role,
            &a.kind,
            &a.channel,
            &a.file_id,
            &a.name,
            now
        )?;
    }
    Ok(())
}

/// The files a proposal carries now.
pub async fn attachments(tx: &mut Tx, proposal_id: i64) -> sqlx::Result<Vec<Attachment>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT role, kind, channel, file_id, name FROM proposal_attachments
         WHERE proposal_id = $1 AND superseded_at IS NULL ORDER BY id"
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await)
}

/// The files revisions replaced, oldest first.
pub async fn earlier_attachments(tx: &mut Tx, proposal_id: i64) -> sqlx::Result<Vec<Earlier>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT role, kind, channel, file_id, name, superseded_at FROM proposal_attachments
         WHERE proposal_id = $1 AND superseded_at IS NOT NULL ORDER BY superseded_at, id"
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await)
}

/// Why the proposal was last sent back (the officer's words), if it ever was.
pub async fn return_reason(tx: &mut Tx, proposal_id: i64) -> sqlx::Result<Option<String>> {
    Ok(events(tx, proposal_id)
        .await?
        .into_iter()
        .rev()
        .find(|e| e.to_status == ProposalStatus::Returned)
        .and_then(|e| e.comment))
}

/// Who leads a value chain: the organisation its submitter represents as a business, else
/// the submitter's name.
pub async fn lead_business(tx: &mut Tx, person_id: i64) -> sqlx::Result<String> {
    let org = persons::grants(tx, person_id)
        .await?
        .into_iter()
        .find(|g| g.role == Role::BusinessRep)
        .and_then(|g| g.org);
    match org {
        Some(org) => Ok(org),
        None => Ok(persons::by_id(tx, person_id).await?.display_name),
    }
}
