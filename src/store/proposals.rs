//! Project proposals, their attachments, and every change of status with who, when and why.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};
use crate::domain::{ProposalKind, ProposalStatus};

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
}

#[derive(Debug, Clone, FromRow)]
pub struct Attachment {
    pub role: String,
    pub kind: String,
    pub channel: String,
    pub file_id: String,
    pub name: String,
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
                total_cost, support, own_contribution, status, created_at, updated_at
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

/// Proposals of a commune waiting for the commune, the longest waiting first.
pub async fn open(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Proposal>> {
    on_tx!(tx, |conn| sqlx::query_as(select!(
        "WHERE commune_id = $1 AND status IN ('submitted', 'under_appraisal', 'forwarded',
            'approved', 'in_progress')
         ORDER BY updated_at, id"
    ))
    .bind(commune_id)
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

/// Replaces the attachments of a proposal (a revision brings its own set).
pub async fn set_attachments(
    tx: &mut Tx,
    proposal_id: i64,
    list: &[Attachment],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "DELETE FROM proposal_attachments WHERE proposal_id = $1",
        proposal_id
    )?;
    for a in list {
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

pub async fn attachments(tx: &mut Tx, proposal_id: i64) -> sqlx::Result<Vec<Attachment>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT role, kind, channel, file_id, name FROM proposal_attachments
         WHERE proposal_id = $1 ORDER BY id"
    )
    .bind(proposal_id)
    .fetch_all(conn)
    .await)
}
