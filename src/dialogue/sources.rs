//! Options that come from the database: hamlets, households, groups, proposals, one's linked
//! accounts, each list cut to what the person asking may see and act on.

use super::Source;
use super::ctx::Ctx;
use crate::dialogue::actions;
use crate::domain::{Capability, GroupStatus, HouseholdStatus, ProposalStatus, ProposalStep, Role};
use crate::present;
use crate::store::{Tx, communes, groups, households, persons, proposals};

/// An option as offered right now, in the user's language: made here from the database,
/// or by the engine from the options a dialogue file writes.
#[derive(Clone)]
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub key: String,
    pub aliases: Vec<String>,
    /// Longer description shown in the message body (households to review).
    pub detail: Option<String>,
}

/// An option; its key (the number to type) is its position, set by the engine.
fn opt(value: impl ToString, label: String, detail: Option<String>) -> Opt {
    Opt {
        value: value.to_string(),
        label,
        key: String::new(),
        aliases: vec![],
        detail,
    }
}

pub(crate) async fn options(
    source: Source,
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    answers: &serde_json::Map<String, serde_json::Value>,
) -> sqlx::Result<Vec<Opt>> {
    let me = ctx.person.id;
    Ok(match source {
        Source::StaffRoles => actions::invites::options(ctx, tx)
            .await?
            .into_iter()
            .map(|(value, label)| opt(value, label, None))
            .collect(),
        Source::Newcomers => persons::newcomers(tx, ctx.commune.id)
            .await?
            .into_iter()
            .filter(|p| p.id != me)
            .map(|p| opt(p.id, present::numbered(p.id, &p.display_name), None))
            .collect(),
        Source::OtherCommunes => communes::real(tx)
            .await?
            .into_iter()
            .filter(|c| c.id != ctx.commune.id)
            .map(|c| opt(c.id, format!("{} ({})", c.name, c.province), None))
            .collect(),
        Source::HamletHomes => actions::disabled::homes(ctx, tx, answers)
            .await?
            .into_iter()
            .map(|(value, label)| opt(value, label, None))
            .collect(),
        Source::ForwardedToUpper => actions::upper::options(ctx, tx)
            .await?
            .into_iter()
            .map(|(value, label, detail)| opt(value, label, Some(detail)))
            .collect(),
        Source::LinkedAccounts => actions::links::options(ctx, tx)
            .await?
            .into_iter()
            .map(|(value, label)| opt(value, label, None))
            .collect(),
        Source::GroupMembers => {
            let id = answers
                .get("group")
                .and_then(|v| v.as_str())
                .and_then(|v| v.parse().ok());
            match id {
                Some(id) => groups::members(tx, id)
                    .await?
                    .into_iter()
                    .map(|m| {
                        opt(
                            m.household_id,
                            present::numbered(m.household_id, &m.head_name),
                            None,
                        )
                    })
                    .collect(),
                None => vec![],
            }
        }
        Source::ProposalSteps => {
            // Only what the chosen proposal's status allows.
            let id = answers
                .get("proposal")
                .and_then(|v| v.as_str())
                .and_then(|v| v.parse().ok());
            let status = match id {
                Some(id) => proposals::get(tx, id).await?.map(|p| p.status),
                None => None,
            };
            status
                .map(|from| {
                    ProposalStep::ALL
                        .into_iter()
                        .filter(|s| from.after(*s).is_some())
                        .map(|s| {
                            // "Trình UBND tỉnh Thái Nguyên": the commune's own upper level.
                            let upper = present::upper_level(&ctx.rules.words);
                            let mut o =
                                opt(s.code(), ctx.t(s.message_id(), &[("upper", upper)]), None);
                            // Words officers say for the steps, besides the labels.
                            o.aliases = match s {
                                ProposalStep::Reject => vec!["tu choi".into(), "reject".into()],
                                ProposalStep::Approve => {
                                    vec!["duyet".into(), "phe duyet".into(), "approve".into()]
                                }
                                ProposalStep::Decline => vec![
                                    "khong duyet".into(),
                                    "khong phe duyet".into(),
                                    "decline".into(),
                                ],
                                ProposalStep::Forward => vec!["trinh".into(), "forward".into()],
                                ProposalStep::Finish => vec!["xong".into(), "finish".into()],
                                _ => vec![],
                            };
                            o
                        })
                        .collect()
                })
                .unwrap_or_default()
        }
        Source::OpenDeadlines => crate::store::digests::open_deadlines(tx, ctx.commune.id)
            .await?
            .into_iter()
            .map(|d| {
                let label = format!(
                    "#{} {} – {}",
                    d.id,
                    d.title,
                    crate::domain::input::format_date(d.due_on)
                );
                opt(d.id, label, None)
            })
            .collect(),
        Source::Hamlets | Source::WorkHamlets => {
            let heads = ctx.head_of();
            communes::hamlets(tx, ctx.commune.id)
                .await?
                .into_iter()
                .filter(|h| source == Source::Hamlets || heads.is_empty() || heads.contains(&h.id))
                .map(|h| opt(h.id, h.name, None))
                .collect()
        }
        Source::PendingHouseholds => {
            let mut list = vec![];
            if ctx.has_role(Role::CultureOfficer) {
                list = households::pending(tx, ctx.commune.id, None).await?;
            } else {
                for h in ctx.head_of() {
                    list.extend(households::pending(tx, ctx.commune.id, Some(h)).await?);
                }
            }
            list.into_iter()
                .filter(|h| ctx.may_review(h))
                .map(|h| {
                    let d = actions::households::describe(ctx, &h, true);
                    opt(h.id, present::numbered(h.id, &h.head_name), Some(d))
                })
                .collect()
        }
        Source::MyHouseholds => {
            // Joining a group: the households it takes.
            let group = match answers.get("code").and_then(|v| v.as_str()) {
                Some(code) => groups::by_code(tx, code).await?,
                None => None,
            };
            let list = match &group {
                Some(g) => actions::members::joinable(tx, g, me).await?.1,
                None => households::registered_by(tx, me)
                    .await?
                    .into_iter()
                    .filter(|h| h.status != HouseholdStatus::Rejected)
                    .collect(),
            };
            list.into_iter()
                .map(|h| {
                    opt(
                        h.id,
                        format!("#{} {} – {}", h.id, h.head_name, h.hamlet_name),
                        None,
                    )
                })
                .collect()
        }
        Source::CommuneHouseholds if ctx.is_officer() => households::in_commune(tx, ctx.commune.id)
            .await?
            .into_iter()
            .map(|h| {
                let label = format!("#{} {} – {}", h.id, h.head_name, h.hamlet_name);
                opt(h.id, label, None)
            })
            .collect(),
        Source::HamletHouseholds | Source::CommuneHouseholds => {
            // Adding to a group: the households that group takes (its hamlet's, unless it
            // takes the whole commune's).
            let group = match answers.get("group").and_then(|v| v.as_str()) {
                Some(id) => groups::get(tx, id.parse().unwrap_or_default()).await?,
                None => None,
            };
            let mut out = vec![];
            for hamlet in ctx.head_of() {
                if group.as_ref().is_some_and(|g| !g.takes(hamlet)) {
                    continue;
                }
                for h in households::in_hamlet(tx, hamlet).await? {
                    out.push(opt(h.id, present::numbered(h.id, &h.head_name), None));
                }
            }
            out
        }
        Source::RecognisableGroups if ctx.access.speaks_for_farmers() => {
            groups::with_status(tx, ctx.commune.id, GroupStatus::Forming)
                .await?
                .into_iter()
                .map(|g| opt(g.id, present::numbered(g.id, &g.name), None))
                .collect()
        }
        Source::ManagedFormingGroups
        | Source::RecognisableGroups
        | Source::MyFormingGroups
        | Source::MyEstablishedGroups => {
            let wanted = match source {
                Source::MyEstablishedGroups => GroupStatus::Established,
                _ => GroupStatus::Forming,
            };
            let heads = ctx.head_of();
            let mut list = groups::led_by(tx, me).await?;
            if matches!(
                source,
                Source::ManagedFormingGroups | Source::RecognisableGroups
            ) {
                for &hamlet in &heads {
                    for g in groups::in_hamlet(tx, hamlet).await? {
                        if !list.iter().any(|x| x.id == g.id) {
                            list.push(g);
                        }
                    }
                }
            }
            let of_hamlet = |g: &groups::Group| {
                source != Source::MyFormingGroups
                    && source != Source::MyEstablishedGroups
                    && heads.contains(&g.hamlet_id)
            };
            list.into_iter()
                .filter(|g| g.status == wanted)
                .filter(|g| match source {
                    // A certificate is checked by those who answer for the program: the
                    // group's creator, its hamlet's head (not the leader the group chose).
                    Source::RecognisableGroups => g.created_by == me || of_hamlet(g),
                    _ => ctx.access.leads_group(me, g.created_by, g.leader_account) || of_hamlet(g),
                })
                .map(|g| opt(g.id, present::numbered(g.id, &g.name), None))
                .collect()
        }
        Source::ManagedGroups => {
            // Whatever their status: a group may change its leader once established too.
            let mut list = groups::led_by(tx, me).await?;
            for hamlet in ctx.head_of() {
                for g in groups::in_hamlet(tx, hamlet).await? {
                    if !list.iter().any(|x| x.id == g.id) {
                        list.push(g);
                    }
                }
            }
            list.sort_by_key(|g| g.id);
            list.into_iter()
                .filter(|g| ctx.access.chooses_leader(me, g.created_by, g.hamlet_id))
                .map(|g| opt(g.id, present::numbered(g.id, &g.name), None))
                .collect()
        }
        Source::LeaderCandidates => {
            let group = match answers.get("group").and_then(|v| v.as_str()) {
                Some(id) => groups::get(tx, id.parse().unwrap_or_default()).await?,
                None => None,
            };
            let Some(g) = group else {
                return Ok(vec![]);
            };
            // A household still waiting may yet be rejected, and leave the group.
            groups::members(tx, g.id)
                .await?
                .into_iter()
                .filter(|m| m.household_status == HouseholdStatus::Confirmed)
                .map(|m| {
                    let mut label = present::numbered(m.household_id, &m.head_name);
                    if g.leader_household_id == Some(m.household_id) {
                        label.push(' ');
                        label.push_str(&ctx.t("leader-current", &[]));
                    }
                    opt(m.household_id, label, None)
                })
                .collect()
        }
        Source::VisibleGroups => {
            let list = if ctx.is_officer() {
                groups::all(tx, ctx.commune.id).await?
            } else {
                groups::of_person(tx, me).await?
            };
            list.into_iter()
                .map(|g| opt(g.id, present::numbered(g.id, &g.name), None))
                .collect()
        }
        Source::RequestedGroups => {
            if !ctx.is_officer() {
                return Ok(vec![]);
            }
            let list = groups::with_status(tx, ctx.commune.id, GroupStatus::Requested).await?;
            let mut out = vec![];
            // A group one leads or created is decided by someone else.
            for g in list.into_iter().filter(|g| !g.led_by(me)) {
                let d = actions::groups::describe(ctx, tx, &g).await?;
                out.push(opt(g.id, present::numbered(g.id, &g.name), Some(d)));
            }
            out
        }
        Source::MyMemberships => groups::memberships_of(tx, me)
            .await?
            .into_iter()
            .map(|(g, h)| {
                let value = format!("{}:{}", g.id, h.0);
                opt(value, format!("{} – {}", g.name, h.1), None)
            })
            .collect(),
        Source::OpenProposals | Source::VisibleProposals | Source::ReturnedProposals => {
            let list = match source {
                // The commune's queue, then those waiting for the upper level's answer,
                // which an officer records here too.
                Source::OpenProposals if ctx.is_officer() => {
                    let mut list = proposals::open(tx, ctx.commune.id).await?;
                    list.extend(proposals::forwarded(tx, ctx.commune.id).await?);
                    list
                }
                Source::OpenProposals => vec![],
                Source::VisibleProposals if ctx.is_officer() => {
                    proposals::all(tx, ctx.commune.id).await?
                }
                // The upper level: one's own (none, as a rule), and what the province's
                // communes sent up to it.
                Source::VisibleProposals if ctx.can(Capability::SeeForwarded) => {
                    let mut list = proposals::by_submitter(tx, me).await?;
                    let (province, demo) = (&ctx.commune.province, ctx.commune.is_demo);
                    for p in proposals::sent_up_in_province(tx, province, demo).await? {
                        if !list.iter().any(|q| q.id == p.id) {
                            list.push(p);
                        }
                    }
                    list
                }
                _ => proposals::by_submitter(tx, me).await?,
            };
            list.into_iter()
                .filter(|p| {
                    source != Source::ReturnedProposals || p.status == ProposalStatus::Returned
                })
                // What one submitted is moved on by another officer.
                .filter(|p| source != Source::OpenProposals || p.submitted_by != me)
                .map(|p| {
                    let d = (source == Source::OpenProposals)
                        .then(|| actions::proposals::line(ctx, &p));
                    opt(p.id, present::numbered(p.id, &p.title), d)
                })
                .collect()
        }
    })
}
