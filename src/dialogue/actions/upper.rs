//! The upper level (the province's officers) in chat: the proposals the province's communes
//! forwarded to it, and its answer to one, recorded where the commune used to record it for
//! them. Its scope is every commune of the province of the commune it holds the role in.

use std::collections::HashMap;

use super::outcome::{Notice, Outcome};
use super::proposals::{ActInput, Recorded, money, record_step};
use crate::dialogue::ctx::Ctx;
use crate::domain::{CommuneRules, ProposalStatus, ProposalStep, Role};
use crate::store::communes::Commune;
use crate::store::proposals::{self, Proposal};
use crate::store::{Tx, audit, communes, persons, province};
use crate::text::Arg;

/// The province's communes by id, as the upper level's lists name them.
async fn communes_of(ctx: &Ctx<'_>, tx: &mut Tx) -> sqlx::Result<HashMap<i64, Commune>> {
    Ok(
        province::communes(tx, &ctx.commune.province, ctx.commune.is_demo)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect(),
    )
}

/// The forwarded proposals of the province, oldest first, with their commune.
async fn waiting(ctx: &Ctx<'_>, tx: &mut Tx) -> sqlx::Result<Vec<(Proposal, Commune)>> {
    let communes = communes_of(ctx, tx).await?;
    Ok(
        proposals::forwarded_in_province(tx, &ctx.commune.province, ctx.commune.is_demo)
            .await?
            .into_iter()
            .filter_map(|p| communes.get(&p.commune_id).cloned().map(|c| (p, c)))
            .collect(),
    )
}

fn days(ctx: &Ctx<'_>, p: &Proposal, c: &Commune) -> i64 {
    crate::present::days_since(ctx.today, p.updated_at, &c.time_zone)
}

/// One forwarded proposal on a line: number, title, commune, support asked, days waiting.
fn line(ctx: &Ctx<'_>, p: &Proposal, c: &Commune) -> String {
    ctx.t(
        "upper-line",
        &[
            ("id", p.id.into()),
            ("title", p.title.clone().into()),
            ("commune", c.name.clone().into()),
            ("support", money(p.support).into()),
            ("days", days(ctx, p, c).into()),
        ],
    )
}

/// The options of `/quyetdinh`: the forwarded proposals of the province, oldest first.
pub(crate) async fn options(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
) -> sqlx::Result<Vec<(String, String, String)>> {
    if !ctx.can(crate::domain::Capability::RecordUpperDecision) {
        return Ok(vec![]);
    }
    Ok(waiting(ctx, tx)
        .await?
        .into_iter()
        .map(|(p, c)| {
            let label = format!("#{} {} – {}", p.id, p.title, c.name);
            (p.id.to_string(), label, line(ctx, &p, &c))
        })
        .collect())
}

/// `/chocaptren`: what the province's communes forwarded and wait to hear about, by commune,
/// the commune waiting longest first.
pub(super) async fn queue(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let list = waiting(ctx, tx).await?;
    if list.is_empty() {
        return Ok(Outcome::reply(ctx.t("upper-queue-empty", &[])));
    }
    // Communes in the order of their oldest proposal; each commune's proposals oldest first.
    let mut order: Vec<i64> = vec![];
    for (p, _) in &list {
        if !order.contains(&p.commune_id) {
            order.push(p.commune_id);
        }
    }
    let mut text = ctx.t(
        "upper-queue-title",
        &[("n", list.len().into()), ("communes", order.len().into())],
    );
    for id in order {
        let here: Vec<&(Proposal, Commune)> =
            list.iter().filter(|(p, _)| p.commune_id == id).collect();
        let Some((_, c)) = here.first() else { continue };
        text.push_str("\n\n");
        text.push_str(&format!("{} ({}):", c.name, here.len()));
        for (p, c) in here {
            text.push('\n');
            text.push_str(&ctx.t(
                "upper-queue-line",
                &[
                    ("id", p.id.into()),
                    ("title", p.title.clone().into()),
                    ("support", money(p.support).into()),
                    ("days", days(ctx, p, c).into()),
                ],
            ));
        }
    }
    text.push_str("\n\n");
    text.push_str(&ctx.t("upper-queue-hint", &[]));
    Ok(Outcome::reply(text))
}

/// `/quyetdinh`: the upper level's answer to a forwarded proposal of its province, approved
/// (its decision) or not (its reason), with the checks a commune officer's recording passes.
/// The submitter and the commune's officers are told; the audit entry is the commune's, with
/// the upper-level officer as who did it.
pub(super) async fn decide(ctx: &Ctx<'_>, tx: &mut Tx, input: ActInput) -> anyhow::Result<Outcome> {
    let id: i64 = input.proposal.parse()?;
    let not_found = || Outcome::reply(ctx.t("upper-not-found", &[("id", id.into())]));
    let Some(p) = proposals::get(tx, id).await? else {
        return Ok(not_found());
    };
    let commune = communes::by_id(tx, p.commune_id).await?;
    let own = (ctx.commune.province.as_str(), ctx.commune.is_demo);
    if !ctx
        .access
        .decides_forwarded_of(own, (&commune.province, commune.is_demo))
    {
        return Ok(not_found());
    }
    // Its answer, and nothing of the commune's own steps (appraising, starting…).
    if !matches!(input.step, ProposalStep::Approve | ProposalStep::Decline)
        || p.status != ProposalStatus::Forwarded
    {
        return Ok(Outcome::reply(ctx.t(
            "upper-not-waiting",
            &[
                ("id", id.into()),
                (
                    "status",
                    crate::present::proposal_status(
                        p.status,
                        &CommuneRules::from_json(&commune.rules).words,
                    ),
                ),
            ],
        )));
    }
    let words = CommuneRules::from_json(&commune.rules).words;
    let who = audit::Who {
        person: Some(ctx.person.id),
        channel: Some(ctx.channel),
        commune: commune.id,
    };
    let done: Recorded = match record_step(ctx, tx, &p, &input, &words, who).await? {
        Ok(done) => done,
        Err(out) => return Ok(out),
    };
    let mut out = Outcome::reply(ctx.t(done.reply, &done.args));
    out.notices.push(Notice {
        person_id: p.submitted_by,
        message: done.notice,
        args: done.args.clone(),
    });
    // The commune's officers hear it from the bot, not only from the paper decision.
    let mut args = done.args;
    args.push(("commune", Arg::from(commune.name.clone())));
    let message = match done.approved {
        true => "notice-upper-approved",
        false => "notice-upper-declined",
    };
    for role in [Role::CultureOfficer, Role::AgriOfficer, Role::Leader] {
        for person_id in persons::with_role(tx, commune.id, role).await? {
            let told = out.notices.iter().any(|n| n.person_id == person_id);
            if person_id != ctx.person.id && !told {
                out.notices.push(Notice {
                    person_id,
                    message,
                    args: args.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// `/baocaotinh`: the province's workbook (a summary row per commune, then each commune's
/// counts by hamlet; counts only). Recorded in each commune's audit log now, made when the
/// reply is sent.
pub(super) async fn report(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let all: Vec<Commune> = communes_of(ctx, tx).await?.into_values().collect();
    let province = &ctx.commune.province;
    let reader = |commune: i64| audit::Who {
        commune,
        ..ctx.who()
    };
    crate::report::province::record_export(tx, province, &all, reader, ctx.now).await?;
    let reply = crate::message::Reply {
        text: ctx.t(
            "province-report-ready",
            &[("province", province.clone().into())],
        ),
        files: vec![crate::report::made::province_of(ctx.commune.id, ctx.today)],
        ..Default::default()
    };
    Ok(Outcome {
        replies: vec![reply],
        ..Outcome::default()
    })
}
