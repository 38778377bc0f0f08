//! A group's leader (trưởng nhóm): the member household the group chose, recorded, and changed
//! when the group chooses again, by the hamlet head of its hamlet or by the group's creator.
//! The household's account then acts as the group's leader (`Access::leads_group`).

use serde::Deserialize;
use serde_json::json;

use super::outcome::{Notice, Outcome};
use crate::dialogue::ctx::Ctx;
use crate::domain::HouseholdStatus;
use crate::store::{Tx, audit, groups};
use crate::text::Arg;

#[derive(Deserialize)]
pub(super) struct ChooseInput {
    group: String,
    household: String,
}

pub(super) async fn choose(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: ChooseInput,
) -> anyhow::Result<Outcome> {
    let group_id: i64 = input.group.parse()?;
    let household_id: i64 = input.household.parse()?;
    let Some(g) = groups::get(tx, group_id).await?.filter(|g| {
        g.commune_id == ctx.commune.id
            && ctx
                .access
                .chooses_leader(ctx.person.id, g.created_by, g.hamlet_id)
    }) else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    // A member confirmed by the hamlet head: one still waiting may yet be rejected, and leave.
    let members = groups::members(tx, g.id).await?;
    let Some(m) = members
        .iter()
        .find(|m| m.household_id == household_id)
        .filter(|m| m.household_status == HouseholdStatus::Confirmed)
    else {
        return Ok(Outcome::retry(
            ctx.t("leader-not-member", &[("group", g.name.clone().into())]),
        ));
    };
    let args = vec![
        ("name", Arg::from(m.head_name.clone())),
        ("group", g.name.clone().into()),
        ("before", g.leader_name.clone().unwrap_or_default().into()),
    ];
    if g.leader_household_id == Some(m.household_id) {
        return Ok(Outcome::reply(ctx.t("leader-already", &args)));
    }
    groups::set_leader(tx, g.id, m.household_id, ctx.now).await?;
    audit::record(
        tx,
        ctx.who(),
        "choose_leader",
        "group",
        g.id,
        &json!({ "household_id": m.household_id, "before": g.leader_household_id }),
        ctx.now,
    )
    .await?;
    let mine = match g.leader_household_id {
        Some(_) => "leader-changed",
        None => "leader-chosen",
    };
    let mut out = Outcome::reply(ctx.t(mine, &args));
    // The new leader's account, the one it replaces, and the creator, each once.
    let mut told = vec![ctx.person.id];
    let mut tell = |person_id: i64, message: &'static str| {
        if !told.contains(&person_id) {
            told.push(person_id);
            out.notices.push(Notice {
                person_id,
                message,
                args: args.clone(),
            });
        }
    };
    tell(m.registered_by, "notice-leader-chosen");
    if let Some(before) = g.leader_account {
        tell(before, "notice-leader-replaced");
    }
    tell(g.created_by, "notice-group-leader");
    Ok(out)
}
