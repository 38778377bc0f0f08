//! Members of a community group: joining with one's household, a hamlet head adding one,
//! leaving, and recording a member's recognition.

use serde::Deserialize;
use serde_json::json;

use super::groups::{missing, readiness_text};
use super::outcome::{Outcome, tell_leaders};
use crate::dialogue::ctx::Ctx;
use crate::domain::{GroupStatus, HouseholdStatus};
use crate::store::groups::{self, Group};
use crate::store::{Tx, audit, households};

#[derive(Deserialize)]
pub(super) struct MemberInput {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    group: Option<String>,
    household: String,
    recognised: String,
    year: Option<i64>,
    experienced: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct MembershipInput {
    membership: String,
}

/// Adds a household to a group, or (`checked`, the hamlet head) records the recognition of a
/// member already in it. A recognition a resident declares joining counts for the rules only
/// once the hamlet head has recorded it.
async fn add(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    g: &Group,
    household_id: i64,
    input: &MemberInput,
    checked: bool,
) -> anyhow::Result<Outcome> {
    let Some(h) = households::get(tx, household_id).await? else {
        return Ok(Outcome::reply(
            ctx.t("review-not-found", &[("id", household_id.into())]),
        ));
    };
    let level = (input.recognised != "none").then_some(input.recognised.as_str());
    let member = groups::members(tx, g.id)
        .await?
        .into_iter()
        .any(|m| m.household_id == h.id);
    if member && !checked {
        return Ok(Outcome::reply(ctx.t(
            "group-already-member",
            &[
                ("name", h.head_name.into()),
                ("group", g.name.clone().into()),
            ],
        )));
    }
    let added = groups::add_member(
        tx,
        g.id,
        h.id,
        level,
        level.and(input.year),
        // A declared recognition makes the member experienced once it is checked (the rules
        // read it so); until then only what was said of experience itself counts.
        input.experienced.unwrap_or(false),
        checked || level.is_none(),
        ctx.person.id,
        ctx.now,
    )
    .await?;
    let action = if added { "join" } else { "recognise" };
    let detail = json!({ "household_id": h.id, "recognised": level });
    audit::record(tx, ctx.who(), action, "group", g.id, &detail, ctx.now).await?;
    if !added {
        let (_, missing) = missing(ctx, tx, g).await?;
        let args = [
            ("name", h.head_name.into()),
            ("group", g.name.clone().into()),
        ];
        let text = format!(
            "{}\n{}",
            ctx.t("group-member-updated", &args),
            readiness_text(ctx, &missing)
        );
        return Ok(Outcome::reply(text));
    }
    let (members, missing) = missing(ctx, tx, g).await?;
    let mut text = ctx.t(
        "group-joined",
        &[
            ("name", h.head_name.clone().into()),
            ("group", g.name.clone().into()),
            ("count", members.len().into()),
        ],
    );
    text.push('\n');
    text.push_str(&readiness_text(ctx, &missing));
    let mut out = Outcome::reply(text);
    let args = [
        ("name", h.head_name.into()),
        ("group", g.name.clone().into()),
        ("count", members.len().into()),
    ];
    out.notices = tell_leaders(ctx, g, "notice-group-joined", &args);
    Ok(out)
}

pub(super) async fn join(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: MemberInput,
) -> anyhow::Result<Outcome> {
    let code = input.code.clone().unwrap_or_default();
    let Some(g) = groups::by_code(tx, &code)
        .await?
        .filter(|g| g.commune_id == ctx.commune.id && g.status == GroupStatus::Forming)
    else {
        // Renewed (or the group moved on) since the code was typed.
        return Ok(Outcome::reply(ctx.t("group-code-gone", &[])));
    };
    let household_id: i64 = input.household.parse()?;
    // Only one's own household joins by code; a hamlet head adds others with /themho. One
    // still waiting for the hamlet head may join: the rules count it once confirmed.
    let Some(h) = households::get(tx, household_id)
        .await?
        .filter(|h| h.registered_by == ctx.person.id && h.status != HouseholdStatus::Rejected)
    else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    if let Some(refused) = other_hamlet(ctx, &g, &h) {
        return Ok(refused);
    }
    add(ctx, tx, &g, household_id, &input, false).await
}

/// One's own households (not rejected), and those of them `g` may take: of a hamlet it takes,
/// not members yet. What the join code's answer and the household list both go by.
pub(crate) async fn joinable(
    tx: &mut Tx,
    g: &Group,
    person_id: i64,
) -> sqlx::Result<(Vec<households::Household>, Vec<households::Household>)> {
    let mine: Vec<_> = households::registered_by(tx, person_id)
        .await?
        .into_iter()
        .filter(|h| h.status != HouseholdStatus::Rejected)
        .collect();
    let members = groups::members(tx, g.id).await?;
    let takes = mine
        .iter()
        .filter(|h| g.takes(h.hamlet_id) && !members.iter().any(|m| m.household_id == h.id))
        .cloned()
        .collect();
    Ok((mine, takes))
}

/// A group takes households of its own hamlet, unless it was created for the whole commune.
fn other_hamlet(ctx: &Ctx<'_>, g: &Group, h: &households::Household) -> Option<Outcome> {
    (!g.takes(h.hamlet_id)).then(|| {
        Outcome::reply(ctx.t(
            "group-hamlet-only",
            &[
                ("group", g.name.clone().into()),
                ("hamlet", g.hamlet_name.clone().into()),
            ],
        ))
    })
}

pub(super) async fn add_member(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: MemberInput,
) -> anyhow::Result<Outcome> {
    let group_id: i64 = input.group.as_deref().unwrap_or_default().parse()?;
    let household_id: i64 = input.household.parse()?;
    let (Some(g), Some(h)) = (
        groups::get(tx, group_id).await?,
        households::get(tx, household_id).await?,
    ) else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    let heads = ctx.head_of();
    let leads = ctx
        .access
        .leads_group(ctx.person.id, g.created_by, g.leader_account);
    let manages = g.commune_id == ctx.commune.id && (leads || heads.contains(&g.hamlet_id));
    if !manages || !heads.contains(&h.hamlet_id) {
        return Ok(Outcome::reply(ctx.t("group-not-your-hamlet", &[])));
    }
    if let Some(refused) = other_hamlet(ctx, &g, &h) {
        return Ok(refused);
    }
    if g.status != GroupStatus::Forming {
        return Ok(Outcome::reply(
            ctx.t("err-group-closed", &[("name", g.name.into())]),
        ));
    }
    // Adding a member again would overwrite its recognition; /ghinhan is for that.
    let members = groups::members(tx, g.id).await?;
    if members.iter().any(|m| m.household_id == h.id) {
        let args = [("name", h.head_name.into()), ("group", g.name.into())];
        return Ok(Outcome::reply(ctx.t("group-already-member", &args)));
    }
    add(ctx, tx, &g, household_id, &input, true).await
}

pub(super) async fn leave(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: MembershipInput,
) -> anyhow::Result<Outcome> {
    let (g, h) = input
        .membership
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("membership"))?;
    let (group_id, household_id): (i64, i64) = (g.parse()?, h.parse()?);
    let (Some(g), Some(h)) = (
        groups::get(tx, group_id).await?,
        households::get(tx, household_id).await?,
    ) else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    if h.registered_by != ctx.person.id {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    }
    // Once asked for or established, membership is part of the commune's record.
    if g.status != GroupStatus::Forming {
        return Ok(Outcome::reply(
            ctx.t("err-group-closed", &[("name", g.name.into())]),
        ));
    }
    groups::remove_member(tx, g.id, h.id).await?;
    audit::record(
        tx,
        ctx.who(),
        "leave",
        "group",
        g.id,
        &json!({ "household_id": h.id }),
        ctx.now,
    )
    .await?;
    let mut out = Outcome::reply(ctx.t(
        "group-left",
        &[
            ("name", h.head_name.clone().into()),
            ("group", g.name.clone().into()),
        ],
    ));
    let args = [
        ("name", h.head_name.into()),
        ("group", g.name.clone().into()),
    ];
    out.notices = tell_leaders(ctx, &g, "notice-group-left", &args);
    Ok(out)
}

/// The group's creator, the hamlet head of its hamlet or the Farmers' Association's
/// representative records what a member declared (or corrects it), having seen the
/// certificate: from then on it counts for the rules. Not the leader the group chose, whose
/// own household is a member: a check is made by someone who answers for the program.
pub(super) async fn record(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: MemberInput,
) -> anyhow::Result<Outcome> {
    let group_id: i64 = input.group.as_deref().unwrap_or_default().parse()?;
    let household_id: i64 = input.household.parse()?;
    let Some(g) = groups::get(tx, group_id).await? else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    let manages = g.commune_id == ctx.commune.id
        && (g.created_by == ctx.person.id
            || ctx.head_of().contains(&g.hamlet_id)
            || ctx.access.speaks_for_farmers());
    let member = groups::members(tx, g.id)
        .await?
        .into_iter()
        .any(|m| m.household_id == household_id);
    if !manages || !member {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    }
    if g.status != GroupStatus::Forming {
        return Ok(Outcome::reply(
            ctx.t("err-group-closed", &[("name", g.name.into())]),
        ));
    }
    add(ctx, tx, &g, household_id, &input, true).await
}
