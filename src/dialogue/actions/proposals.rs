//! Project proposals: submitting (by an established group, or a business for a value chain),
//! revising one sent back, the officers' steps, and the officers' queue.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::outcome::{Notice, Outcome, Then, tell_role};
use crate::dialogue::ctx::Ctx;
use crate::domain::input::format_date;
use crate::domain::{
    CommuneRules, CommuneWords, FreeText, GroupStatus, Money, ProposalKind, ProposalStatus,
    ProposalStep, Role,
};
use crate::message::{FileRef, Reply};
use crate::present;
use crate::store::proposals::{self, Attachment, Decision, NewProposal, Proposal};
use crate::store::{Tx, audit, communes, groups, outbox};
use crate::text::Arg;

/// The dialogue a revision goes back to (its file's `id`).
const SUBMIT_DIALOGUE: &str = "submit_proposal";

#[derive(Deserialize)]
pub(super) struct SubmitInput {
    kind: ProposalKind,
    group: Option<String>,
    partners: Option<FreeText>,
    title: FreeText,
    #[allow(dead_code)]
    product_place: FreeText,
    #[allow(dead_code)]
    households: i64,
    #[allow(dead_code)]
    duration: i64,
    total_cost: Money,
    support: Money,
    own_contribution: Money,
    #[allow(dead_code)]
    jobs: i64,
    #[allow(dead_code)]
    income: FreeText,
    minutes: FileRef,
    contract: Option<FileRef>,
    /// Set when the answers come from a proposal sent back for revision.
    revises: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct ProposalInput {
    proposal: String,
}

#[derive(Deserialize)]
pub(super) struct ActInput {
    pub(super) proposal: String,
    pub(super) step: ProposalStep,
    comment: Option<FreeText>,
    /// The upper level's approving decision, when the step is its approval.
    decision_no: Option<FreeText>,
    decision_date: Option<NaiveDate>,
    amount: Option<Money>,
}

pub(super) async fn submit(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    answers: &Map<String, Value>,
    input: SubmitInput,
) -> anyhow::Result<Outcome> {
    // Who may propose what, from the letter: value chains by a lead business or
    // cooperative, the other two by an established community group through its leader.
    let group_id = match input.kind {
        ProposalKind::P2Chain => {
            if !ctx.has_role(Role::BusinessRep) {
                return Ok(Outcome::retry(ctx.t("proposal-chain-business-only", &[])));
            }
            if input.contract.is_none() {
                return Ok(Outcome::retry(ctx.t("proposal-needs-contract", &[])));
            }
            None
        }
        _ => {
            let id: i64 = input
                .group
                .as_deref()
                .unwrap_or_default()
                .parse()
                .unwrap_or(0);
            let g = groups::get(tx, id).await?;
            match g {
                Some(g)
                    if g.status == GroupStatus::Established
                        && ctx.access.leads_group(
                            ctx.person.id,
                            g.created_by,
                            g.leader_account,
                        ) =>
                {
                    Some(g.id)
                }
                _ => return Ok(Outcome::retry(ctx.t("proposal-group-not-established", &[]))),
            }
        }
    };
    // The amounts agree with each other, whatever was changed on the summary.
    let (total, support, own) = (input.total_cost, input.support, input.own_contribution);
    if support.get() + own.get() > total.get() {
        return Ok(Outcome::retry(ctx.t(
            "proposal-money-over",
            &[
                ("sum", money(support.get() + own.get()).into()),
                ("total", total.to_string().into()),
            ],
        )));
    }
    let stored = serde_json::to_string(answers)?;
    let new = NewProposal {
        commune_id: ctx.commune.id,
        kind: input.kind,
        group_id,
        partners: input.partners.as_ref().map(FreeText::as_str),
        submitted_by: ctx.person.id,
        answers: &stored,
        title: input.title.as_str(),
        total_cost: input.total_cost.get(),
        support: input.support.get(),
        own_contribution: input.own_contribution.get(),
    };
    let (id, from) = match input.revises {
        Some(id) => {
            let mine = proposals::get(tx, id)
                .await?
                .is_some_and(|p| p.submitted_by == ctx.person.id);
            if !mine || !proposals::revise(tx, id, &new, ctx.now).await? {
                return Ok(Outcome::reply(
                    ctx.t("proposal-not-returned", &[("id", id.into())]),
                ));
            }
            (id, Some(ProposalStatus::Returned))
        }
        None => (proposals::insert(tx, &new, ctx.now).await?, None),
    };
    let mut files = vec![attachment("minutes", &input.minutes)];
    if let Some(c) = &input.contract {
        files.push(attachment("contract", c));
    }
    proposals::set_attachments(tx, id, &files, ctx.now).await?;
    proposals::add_event(
        tx,
        id,
        ctx.person.id,
        from,
        ProposalStatus::Submitted,
        None,
        ctx.now,
    )
    .await?;
    audit::record(
        tx,
        ctx.who(),
        if from.is_some() { "resubmit" } else { "submit" },
        "proposal",
        id,
        &json!({ "kind": input.kind.code() }),
        ctx.now,
    )
    .await?;

    let args = [
        ("id", Arg::from(id)),
        ("title", input.title.as_str().into()),
    ];
    let mut out = Outcome::reply(ctx.t(
        if from.is_some() {
            "proposal-resubmitted"
        } else {
            "proposal-submitted"
        },
        &args,
    ));
    for role in [Role::CultureOfficer, Role::AgriOfficer] {
        for n in tell_role(ctx, tx, role, "notice-proposal-submitted", &args).await? {
            if !out.notices.iter().any(|x| x.person_id == n.person_id) {
                out.notices.push(n);
            }
        }
    }
    Ok(out)
}

fn attachment(role: &str, f: &FileRef) -> Attachment {
    Attachment {
        role: role.into(),
        kind: f.kind.clone(),
        channel: f.channel.clone(),
        file_id: f.file_id.clone(),
        name: f.name.clone(),
    }
}

/// Starts the submission dialogue again from a proposal sent back, on its summary, so the
/// submitter changes what was asked and sends it without retyping the rest.
pub(super) async fn revise(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: ProposalInput,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.proposal.parse()?;
    let Some(p) = proposals::get(tx, id)
        .await?
        .filter(|p| p.submitted_by == ctx.person.id)
    else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    if p.status != ProposalStatus::Returned {
        return Ok(Outcome::reply(
            ctx.t("proposal-not-returned", &[("id", id.into())]),
        ));
    }
    let mut answers: Map<String, Value> = serde_json::from_str(&p.answers)?;
    answers.insert("revises".into(), json!(id));
    // How the answers read back on the summary, as they did when first typed.
    let mut labels = Map::new();
    for key in ["total_cost", "support", "own_contribution"] {
        if let Some(m) = answers
            .get(key)
            .and_then(Value::as_i64)
            .and_then(|n| Money::try_from(n).ok())
        {
            labels.insert(key.into(), json!(m.to_string()));
        }
    }
    for key in ["minutes", "contract"] {
        if let Some(name) = answers
            .get(key)
            .and_then(|f| f.get("name"))
            .and_then(Value::as_str)
        {
            labels.insert(key.into(), json!(format!("📎 {name}")));
        }
    }
    if let Some(g) = p.group_id
        && let Some(g) = groups::get(tx, g).await?
    {
        labels.insert("group".into(), json!(present::numbered(g.id, &g.name)));
    }
    // The officer's reason comes first: it is what the revision is for.
    let mut out = Outcome::reply(match proposals::return_reason(tx, id).await? {
        Some(reason) => ctx.t(
            "proposal-revise-reason",
            &[("id", id.into()), ("reason", reason.into())],
        ),
        None => ctx.t("proposal-revise-start", &[("id", id.into())]),
    });
    out.then = Some(Then {
        dialogue: SUBMIT_DIALOGUE.into(),
        answers,
        labels,
    });
    Ok(out)
}

pub(super) async fn act(ctx: &Ctx<'_>, tx: &mut Tx, input: ActInput) -> anyhow::Result<Outcome> {
    let id: i64 = input.proposal.parse()?;
    let Some(p) = proposals::get(tx, id)
        .await?
        .filter(|p| p.commune_id == ctx.commune.id)
    else {
        return Ok(Outcome::reply(
            ctx.t("review-not-found", &[("id", id.into())]),
        ));
    };
    let words = ctx.rules.words.clone();
    Ok(
        match record_step(ctx, tx, &p, &input, &words, ctx.who()).await? {
            Err(out) => out,
            Ok(done) => {
                let mut out = Outcome::reply(ctx.t(done.reply, &done.args));
                out.notices.push(Notice {
                    person_id: p.submitted_by,
                    message: done.notice,
                    args: done.args,
                });
                out
            }
        },
    )
}

/// A step recorded on a proposal: what the one who recorded it is told, and what its
/// submitter is told, with the arguments of both.
pub(super) struct Recorded {
    pub reply: &'static str,
    pub notice: &'static str,
    pub args: Vec<(&'static str, Arg)>,
    /// The upper level's approving decision, when the step recorded one.
    pub approved: bool,
}

/// Records `input`'s step on `p` (of the commune whose `words` name its upper level), as
/// `who`: the checks every recorder passes (not one's own proposal, a step its status allows,
/// a reason, a decision granting at most what was asked), the move, its history and the audit
/// entry. Err is what to answer instead when a check fails.
pub(super) async fn record_step(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    p: &Proposal,
    input: &ActInput,
    words: &CommuneWords,
    who: audit::Who<'_>,
) -> anyhow::Result<Result<Recorded, Outcome>> {
    let id = p.id;
    // Nobody appraises, forwards or approves what they submitted.
    if p.submitted_by == ctx.person.id {
        return Ok(Err(Outcome::reply(
            ctx.t("proposal-own", &[("id", id.into())]),
        )));
    }
    let from = p.status;
    let Some(to) = from.after(input.step) else {
        let allowed: Vec<String> = ProposalStep::ALL
            .into_iter()
            .filter(|s| from.after(*s).is_some())
            .map(|s| ctx.t(s.message_id(), &[("upper", present::upper_level(words))]))
            .collect();
        return Ok(Err(Outcome {
            retry_from: Some("step"),
            ..Outcome::retry(ctx.t(
                "proposal-bad-step",
                &[
                    ("id", id.into()),
                    ("status", present::proposal_status(from, words)),
                    ("allowed", allowed.join(", ").into()),
                ],
            ))
        }));
    };
    let comment = input.comment.as_ref().map(FreeText::as_str);
    if input.step.needs_comment() && comment.is_none() {
        return Ok(Err(Outcome::reply(ctx.t("proposal-needs-comment", &[]))));
    }
    let decision = match (&input.decision_no, input.decision_date, input.amount) {
        (Some(no), Some(date), Some(amount)) if input.step.needs_decision() => {
            // The upper level grants at most what was asked for.
            if amount.get() > p.support {
                return Ok(Err(Outcome {
                    retry_from: Some("amount"),
                    ..Outcome::retry(ctx.t(
                        "proposal-amount-over",
                        &[
                            ("amount", amount.to_string().into()),
                            ("support", money(p.support).into()),
                        ],
                    ))
                }));
            }
            Some(Decision {
                no: no.as_str(),
                date,
                amount: amount.get(),
            })
        }
        _ if input.step.needs_decision() => {
            return Ok(Err(Outcome::reply(ctx.t("proposal-needs-decision", &[]))));
        }
        _ => None,
    };
    let moved = match &decision {
        Some(d) => proposals::approve(tx, id, d, ctx.now).await?,
        None => proposals::set_status(tx, id, from, to, ctx.now).await?,
    };
    if !moved {
        // Another officer moved it a moment ago: show it afresh.
        return Ok(Err(Outcome::reply(
            ctx.t("proposal-changed", &[("id", id.into())]),
        )));
    }
    proposals::add_event(tx, id, ctx.person.id, Some(from), to, comment, ctx.now).await?;
    audit::record(
        tx,
        who,
        input.step.code(),
        "proposal",
        id,
        &json!({
            "from": from.code(),
            "to": to.code(),
            "comment": comment,
            "decision_no": decision.as_ref().map(|d| d.no),
            "decision_date": decision.as_ref().map(|d| d.date),
            "amount": decision.as_ref().map(|d| d.amount),
        }),
        ctx.now,
    )
    .await?;
    let mut args = vec![
        ("id", Arg::from(id)),
        ("title", p.title.clone().into()),
        ("status", present::proposal_status(to, words)),
        ("comment", comment.unwrap_or("—").to_string().into()),
    ];
    let (reply, notice) = match &decision {
        Some(d) => {
            args.extend(decision_args(d.no, d.date, d.amount));
            ("proposal-approved", "notice-proposal-approved")
        }
        None if to == ProposalStatus::Returned => ("proposal-moved", "notice-proposal-returned"),
        // A note only when the officer wrote one: "Ghi chú: —" says nothing.
        None if comment.is_some() => ("proposal-moved", "notice-proposal-moved-note"),
        None => ("proposal-moved", "notice-proposal-moved"),
    };
    Ok(Ok(Recorded {
        reply,
        notice,
        args,
        approved: decision.is_some(),
    }))
}

/// The decision as messages name it: number, date, the support granted.
pub(super) fn decision_args(no: &str, date: NaiveDate, amount: i64) -> [(&'static str, Arg); 3] {
    [
        ("no", no.to_string().into()),
        ("date", format_date(date).into()),
        ("amount", money(amount).into()),
    ]
}

pub(super) fn money(n: i64) -> String {
    Money::try_from(n)
        .map(|m| m.to_string())
        .unwrap_or_else(|_| n.to_string())
}

fn days_since(ctx: &Ctx<'_>, at: chrono::DateTime<chrono::Utc>) -> i64 {
    present::days_since(ctx.today, at, &ctx.commune.time_zone)
}

/// One line for lists: number, title, status, days waiting.
pub fn line(ctx: &Ctx<'_>, p: &Proposal) -> String {
    ctx.t(
        "proposal-line",
        &[
            ("id", p.id.into()),
            ("title", p.title.clone().into()),
            (
                "status",
                present::proposal_status(p.status, &ctx.rules.words),
            ),
            ("days", days_since(ctx, p.updated_at).into()),
        ],
    )
}

pub(super) async fn show(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: ProposalInput,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.proposal.parse()?;
    let not_found = || Outcome::reply(ctx.t("review-not-found", &[("id", id.into())]));
    let Some(p) = proposals::get(tx, id).await? else {
        return Ok(not_found());
    };
    let own_commune = p.commune_id == ctx.commune.id;
    let commune = match own_commune {
        true => ctx.commune.clone(),
        false => communes::by_id(tx, p.commune_id).await?,
    };
    // The commune's officers and the submitter; the upper level, what a commune of its
    // province sent up to it.
    let as_commune = own_commune && (ctx.is_officer() || p.submitted_by == ctx.person.id);
    let as_upper = !as_commune
        && p.status.went_up()
        && ctx.access.sees_forwarded_of(
            (&ctx.commune.province, ctx.commune.is_demo),
            (&commune.province, commune.is_demo),
        );
    if !as_commune && !as_upper {
        return Ok(match own_commune {
            true => Outcome::reply(ctx.t("err-not-allowed", &[])),
            false => not_found(),
        });
    }
    let words = CommuneRules::from_json(&commune.rules).words;
    let a: Map<String, Value> = serde_json::from_str(&p.answers).unwrap_or_default();
    let text_of = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("—").to_string();
    let num_of = |k: &str| a.get(k).and_then(Value::as_i64).unwrap_or(0);
    let kind = ctx.t(p.kind.message_id(), &[]);
    let who = match p.group_id {
        Some(g) => match groups::get(tx, g).await? {
            Some(g) => ctx.t(
                "proposal-by-group",
                &[("group", present::numbered(g.id, &g.name).into())],
            ),
            None => String::new(),
        },
        // A value chain is led by the business or cooperative that submitted it.
        None => {
            let lead = proposals::lead_business(tx, p.submitted_by).await?;
            let partners = p.partners.clone().unwrap_or_default();
            ctx.t(
                "proposal-partners",
                &[("lead", lead.into()), ("partners", partners.into())],
            )
        }
    };
    let mut text = format!("#{} {}\n", p.id, p.title);
    // The upper level reads a hundred communes' proposals: whose this is comes first.
    if as_upper {
        text.push_str(&ctx.t(
            "proposal-of-commune",
            &[
                ("commune", commune.name.clone().into()),
                ("district", commune.district.clone().into()),
            ],
        ));
        text.push('\n');
    }
    text.push_str(&format!("{kind}\n{who}\n"));
    text.push_str(&ctx.t(
        "proposal-detail",
        &[
            ("place", text_of("product_place").into()),
            ("households", num_of("households").into()),
            ("months", num_of("duration").into()),
            ("total", money(p.total_cost).into()),
            ("support", money(p.support).into()),
            ("own", money(p.own_contribution).into()),
            ("jobs", num_of("jobs").into()),
            ("income", text_of("income").into()),
            ("rotation", text_of("rotation").into()),
            ("training", text_of("training").into()),
            ("status", present::proposal_status(p.status, &words)),
        ],
    ));
    if let (Some(no), Some(date), Some(amount)) =
        (&p.decision_no, p.decision_date, p.approved_amount)
    {
        text.push('\n');
        text.push_str(&ctx.t("proposal-decision", &decision_args(no, date, amount)));
    }
    text.push('\n');
    text.push_str(&ctx.t("proposal-history", &[]));
    let tz = &commune.time_zone;
    for e in proposals::events(tx, p.id).await? {
        text.push('\n');
        text.push_str(&present::proposal_event(
            ctx.texts, ctx.lang, &e, tz, &words,
        ));
    }
    let file = |a: Attachment| FileRef {
        kind: a.kind,
        channel: a.channel,
        file_id: a.file_id,
        name: a.name,
        data: None,
    };
    let mut files: Vec<FileRef> = proposals::attachments(tx, p.id)
        .await?
        .into_iter()
        .map(file)
        .collect();
    // What revisions replaced stays with the proposal for the officers who appraise it.
    let earlier = match as_commune && ctx.is_officer() {
        true => proposals::earlier_attachments(tx, p.id).await?,
        false => vec![],
    };
    if !earlier.is_empty() {
        text.push('\n');
        text.push_str(&ctx.t("proposal-earlier-files", &[]));
    }
    for e in earlier {
        let when = format_date(crate::clock::local_date(e.superseded_at, tz));
        text.push('\n');
        text.push_str(&ctx.t(
            "proposal-earlier-file",
            &[("name", e.file.name.clone().into()), ("date", when.into())],
        ));
        files.push(file(e.file));
    }
    // A file the platform refused to bring this person before is said here, where they look
    // for it, as well as in the notice they got then.
    for f in &files {
        if let Some(why) = outbox::refused_to(tx, ctx.person.id, f).await? {
            text.push('\n');
            let args = [("name", f.name.clone().into()), ("why", why.into())];
            text.push_str(&ctx.t("proposal-file-refused", &args));
        }
    }
    Ok(Outcome {
        replies: vec![Reply {
            text,
            files,
            ..Reply::default()
        }],
        ..Outcome::default()
    })
}

/// What waits for the officers, oldest first: groups asking to be established, proposals;
/// then, apart, the proposals waiting for the upper level's answer, for the officer to record.
pub(super) async fn queue(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    // What one leads or submitted oneself waits for another officer, not for oneself.
    let me = ctx.person.id;
    let mut requested = groups::with_status(tx, ctx.commune.id, GroupStatus::Requested).await?;
    requested.retain(|g| !g.led_by(me));
    let mut open = proposals::open(tx, ctx.commune.id).await?;
    open.retain(|p| p.submitted_by != me);
    let mut forwarded = proposals::forwarded(tx, ctx.commune.id).await?;
    forwarded.retain(|p| p.submitted_by != me);
    if requested.is_empty() && open.is_empty() && forwarded.is_empty() {
        return Ok(Outcome::reply(ctx.t("queue-empty", &[])));
    }
    let mut text = ctx.t("queue-title", &[]);
    if !requested.is_empty() {
        text.push_str("\n\n");
        text.push_str(&ctx.t("queue-groups", &[]));
        for g in &requested {
            let days = g.requested_at.map(|at| days_since(ctx, at)).unwrap_or(0);
            text.push('\n');
            text.push_str(&ctx.t(
                "queue-group-line",
                &[
                    ("id", g.id.into()),
                    ("group", g.name.clone().into()),
                    ("days", days.into()),
                ],
            ));
        }
    }
    if !open.is_empty() {
        text.push_str("\n\n");
        text.push_str(&ctx.t("queue-proposals", &[]));
        for p in &open {
            text.push('\n');
            text.push_str(&line(ctx, p));
        }
    }
    if !forwarded.is_empty() {
        text.push_str("\n\n");
        let upper = present::upper_level(&ctx.rules.words);
        text.push_str(&ctx.t("queue-forwarded", &[("upper", upper)]));
        for p in &forwarded {
            let on = crate::clock::local_date(p.updated_at, &ctx.commune.time_zone);
            text.push('\n');
            text.push_str(&ctx.t(
                "queue-forwarded-line",
                &[
                    ("id", p.id.into()),
                    ("title", p.title.clone().into()),
                    ("date", format_date(on).into()),
                ],
            ));
        }
    }
    Ok(Outcome::reply(text))
}
