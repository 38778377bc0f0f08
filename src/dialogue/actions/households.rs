//! Households: registration, review by the hamlet head, a resident's own list.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::outcome::{Notice, Outcome, tell_leaders};
use crate::dialogue::ctx::Ctx;
use crate::domain::input::format_date;
use crate::domain::{
    Category, Cccd, FreeText, HouseholdStatus, MemberCount, PersonName, Phone, Role,
};
use crate::message::Reply;
use crate::store::households::{self, Household, NewHousehold};
use crate::store::{Tx, audit, communes, groups, persons};
use crate::text::Arg;

#[derive(Deserialize)]
pub(super) struct RegisterInput {
    head_name: PersonName,
    hamlet: Option<String>,
    address: FreeText,
    phone: Phone,
    members: MemberCount,
    category: Category,
    escaped_on: Option<NaiveDate>,
    escape_decision: Option<FreeText>,
    cccd: Option<Cccd>,
}

pub(super) async fn register(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: RegisterInput,
) -> anyhow::Result<Outcome> {
    // A hamlet head of one hamlet registers there and is not asked; a head of several, and a
    // resident, choose.
    let head_hamlet = ctx.head_of().first().copied();
    let hamlet_id = match (&input.hamlet, head_hamlet) {
        (Some(h), _) => h.parse::<i64>()?,
        (None, Some(h)) => h,
        (None, None) => anyhow::bail!("register_household: no hamlet answered"),
    };
    let hamlet = communes::hamlet(tx, hamlet_id)
        .await?
        .filter(|h| h.commune_id == ctx.commune.id)
        .ok_or_else(|| anyhow::anyhow!("hamlet {hamlet_id} is not in the commune"))?;

    if let Some(existing) = households::find_duplicate(
        tx,
        hamlet.id,
        input.head_name.as_str(),
        input.phone.as_str(),
    )
    .await?
    {
        // The record's number and status are for those who review the hamlet; anyone else
        // learns only that it exists, and its reviewers are asked to look.
        let args = [
            ("id", Arg::from(existing.id)),
            ("name", existing.head_name.clone().into()),
            ("hamlet", hamlet.name.clone().into()),
            ("status", Arg::T(existing.status.message_id())),
        ];
        if ctx.access.reviews_hamlet(hamlet.id) || ctx.is_officer() {
            return Ok(Outcome::reply(ctx.t("household-duplicate", &args)));
        }
        let mut out = Outcome::reply(ctx.t("household-duplicate-checked", &args));
        for head in persons::hamlet_heads(tx, hamlet.id).await? {
            out.notices.push(Notice {
                person_id: head,
                message: "notice-duplicate-household",
                args: args.to_vec(),
            });
        }
        return Ok(out);
    }

    // Only claimed until someone who knows the household, and did not register it, confirms
    // it: a hamlet head's own registration waits for the culture-social officer.
    let status = HouseholdStatus::Claimed;
    let (escaped_on, escape_decision) = match input.category {
        Category::NewlyEscaped => (input.escaped_on, input.escape_decision.as_ref()),
        _ => (None, None),
    };
    let id = households::insert(
        tx,
        &NewHousehold {
            commune_id: ctx.commune.id,
            hamlet_id: hamlet.id,
            head_name: input.head_name.as_str(),
            address: input.address.as_str(),
            phone: input.phone.as_str(),
            members: input.members.get(),
            category: input.category,
            escaped_on,
            escape_decision: escape_decision.map(FreeText::as_str),
            cccd: input.cccd.as_ref().map(Cccd::as_str),
            status,
            registered_by: ctx.person.id,
        },
        ctx.now,
    )
    .await?;
    audit::record(
        tx,
        ctx.who(),
        "register",
        "household",
        id,
        &json!({ "status": status.code(), "hamlet_id": hamlet.id, "category": input.category.code() }),
        ctx.now,
    )
    .await?;

    let mut out = Outcome::default();
    let args = [
        ("id", Arg::from(id)),
        ("name", input.head_name.to_string().into()),
        ("hamlet", hamlet.name.clone().into()),
    ];
    let own_hamlet = ctx.access.heads(hamlet.id);
    let saved = if own_hamlet {
        "household-saved-own"
    } else {
        "household-saved-claimed"
    };
    out.replies.push(Reply::text(ctx.t(saved, &args)));
    let mut reviewers = persons::hamlet_heads(tx, hamlet.id).await?;
    if own_hamlet {
        reviewers.extend(persons::with_role(tx, ctx.commune.id, Role::CultureOfficer).await?);
    }
    reviewers.sort_unstable();
    reviewers.dedup();
    for person_id in reviewers.into_iter().filter(|&p| p != ctx.person.id) {
        out.notices.push(Notice {
            person_id,
            message: "notice-new-household",
            args: args.to_vec(),
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
pub(super) struct ReviewInput {
    household: String,
    decision: String,
    reason: Option<FreeText>,
}

pub(super) async fn review(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: ReviewInput,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.household.parse()?;
    let refused = |msg: String| Ok(Outcome::reply(msg));
    let Some(h) = households::get(tx, id).await? else {
        return refused(ctx.t("review-not-found", &[("id", id.into())]));
    };
    if h.registered_by == ctx.person.id {
        return refused(ctx.t("review-own", &[("id", id.into())]));
    }
    if !ctx.may_review(&h) {
        return refused(ctx.t("review-not-yours", &[("id", id.into())]));
    }
    let (status, reason) = match input.decision.as_str() {
        "confirm" => (HouseholdStatus::Confirmed, None),
        _ => (
            HouseholdStatus::Rejected,
            input.reason.as_ref().map(FreeText::as_str),
        ),
    };
    if !households::review(tx, id, status, reason, ctx.person.id, ctx.now).await? {
        return refused(ctx.t(
            "review-already",
            &[("id", id.into()), ("status", Arg::T(h.status.message_id()))],
        ));
    }
    audit::record(
        tx,
        ctx.who(),
        status.code(),
        "household",
        id,
        &json!({ "reason": reason }),
        ctx.now,
    )
    .await?;
    let args = vec![
        ("id", Arg::from(id)),
        ("name", h.head_name.clone().into()),
        ("reason", reason.unwrap_or("—").to_string().into()),
    ];
    let (mine, theirs) = match status {
        HouseholdStatus::Confirmed => ("review-confirmed", "notice-household-confirmed"),
        _ => ("review-rejected", "notice-household-rejected"),
    };
    let mut out = Outcome::default();
    out.replies.push(Reply::text(ctx.t(mine, &args)));
    if h.registered_by != ctx.person.id {
        out.notices.push(Notice {
            person_id: h.registered_by,
            message: theirs,
            args,
        });
    }
    if status == HouseholdStatus::Rejected {
        out.notices.extend(leave_forming_groups(ctx, tx, &h).await?);
    }
    Ok(out)
}

/// A rejected household is no member of anything still forming: it leaves those groups, and
/// each leader is told. (Groups asked for or established are the commune's record; an
/// officer deals with them.)
async fn leave_forming_groups(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    h: &Household,
) -> anyhow::Result<Vec<Notice>> {
    let mut notices = vec![];
    for g in groups::forming_with(tx, h.id).await? {
        groups::remove_member(tx, g.id, h.id).await?;
        let detail = json!({ "household_id": h.id, "because": "rejected" });
        audit::record(tx, ctx.who(), "leave", "group", g.id, &detail, ctx.now).await?;
        let args = [
            ("name", h.head_name.clone().into()),
            ("group", g.name.clone().into()),
        ];
        notices.extend(tell_leaders(ctx, &g, "notice-member-rejected", &args));
    }
    Ok(notices)
}

/// The phone as this person may see it.
pub fn shown_phone(ctx: &Ctx<'_>, h: &Household) -> String {
    match Phone::parse(&h.phone) {
        Ok(p) if ctx.access.sees_phones_of(h.hamlet_id) => p.local(),
        Ok(p) => p.masked(),
        Err(_) => "***".into(),
    }
}

#[derive(Deserialize)]
pub(super) struct HouseholdOnly {
    household: String,
}

/// One household's phone in full, for an officer (or its hamlet head) who must call it; every
/// look is in the audit log.
pub(super) async fn show_phone(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: HouseholdOnly,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.household.parse()?;
    let Some(h) = households::get(tx, id)
        .await?
        .filter(|h| h.commune_id == ctx.commune.id)
        .filter(|h| ctx.is_officer() || ctx.access.heads(h.hamlet_id))
    else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    audit::record(
        tx,
        ctx.who(),
        "view_phone",
        "household",
        h.id,
        &json!({}),
        ctx.now,
    )
    .await?;
    let phone = Phone::parse(&h.phone)
        .map(|p| p.local())
        .unwrap_or_else(|_| h.phone.clone());
    Ok(Outcome::reply(ctx.t(
        "household-phone",
        &[
            ("id", h.id.into()),
            ("name", h.head_name.clone().into()),
            ("hamlet", h.hamlet_name.clone().into()),
            ("phone", phone.into()),
        ],
    )))
}

pub(super) async fn my_households(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let list = households::registered_by(tx, ctx.person.id).await?;
    if list.is_empty() {
        return Ok(Outcome::reply(ctx.t("my-households-none", &[])));
    }
    let mut text = ctx.t("my-households-title", &[("count", list.len().into())]);
    for h in &list {
        text.push_str("\n\n");
        text.push_str(&describe(ctx, h, false));
        if let Some(r) = &h.reject_reason {
            text.push('\n');
            text.push_str(&ctx.t("household-reason", &[("reason", r.clone().into())]));
        }
    }
    Ok(Outcome::reply(text))
}

/// A household in a few short lines. The phone shows in full only to the hamlet head of its
/// hamlet, who calls the households (officers ask with /sodienthoai, audited); the CCCD is
/// always masked in lists.
pub fn describe(ctx: &Ctx<'_>, h: &Household, with_age: bool) -> String {
    let category = ctx.t(h.category.message_id(), &[]);
    let phone = shown_phone(ctx, h);
    let mut s = format!("#{} {} – {}", h.id, h.head_name, h.hamlet_name);
    s.push('\n');
    s.push_str(&ctx.t(
        "household-line",
        &[
            ("category", category.into()),
            ("members", h.members.into()),
            ("phone", phone.into()),
        ],
    ));
    if let Some(d) = h.escaped_on {
        s.push('\n');
        s.push_str(&ctx.t("household-escaped", &[("date", format_date(d).into())]));
    }
    if let Some(c) = h.cccd.as_deref().and_then(|c| Cccd::parse(c).ok()) {
        s.push_str(&format!("\nCCCD {}", c.masked()));
    }
    s.push('\n');
    if with_age {
        let days = crate::present::days_since(ctx.today, h.created_at, &ctx.commune.time_zone);
        s.push_str(&ctx.t("household-waiting", &[("days", days.into())]));
    } else {
        s.push_str(&ctx.t(
            "household-status",
            &[("status", Arg::T(h.status.message_id()))],
        ));
    }
    s
}
