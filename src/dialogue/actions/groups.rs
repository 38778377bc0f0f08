//! Community groups: creating, joining, readiness under the commune's rules, asking for
//! establishment, and the officer's decision.

use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;
use serde_json::json;

use super::outcome::{Notice, Outcome, tell_role};
use super::tries::Limit;
use crate::dialogue::ctx::Ctx;
use crate::domain::input::format_date;
use crate::domain::{FreeText, GroupStatus, MemberFacts, Missing, Role, typed_code};
use crate::present::{self, missing_items};
use crate::store::groups::{self, Group, Member, NewGroup};
use crate::store::{Tx, audit, communes};
use crate::text::Arg;

#[derive(Deserialize)]
pub(super) struct CreateInput {
    name: FreeText,
    hamlet: Option<String>,
    org: String,
    product: FreeText,
    /// "commune": households of every hamlet may join; otherwise only the group's hamlet's.
    scope: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct GroupInput {
    group: String,
}

#[derive(Deserialize)]
pub(super) struct DecideInput {
    group: String,
    decision: String,
    decision_no: Option<FreeText>,
    decision_date: Option<NaiveDate>,
    reason: Option<FreeText>,
}

/// Characters of a join code: eight of 31, so 852 billion codes, against a few wrong tries an
/// hour per person (`JOIN_LIMIT`).
pub(crate) const CODE_LEN: usize = 8;

/// Wrong join codes a person may type in an hour; the next is refused, the right one too.
pub(crate) const JOIN_LIMIT: Limit = Limit {
    wrong: "join_code_wrong",
    blocked: "join_code_blocked",
    max: 5,
    window: TimeDelta::hours(1),
};

/// A join code no group of any commune has, drawn from the operating system's CSPRNG.
pub(crate) async fn new_join_code(tx: &mut Tx) -> anyhow::Result<String> {
    loop {
        let code = typed_code::new_code(CODE_LEN)?;
        if groups::by_code(tx, &code).await?.is_none() {
            return Ok(code);
        }
    }
}

fn org_message(org: &str) -> &'static str {
    match org {
        "hoi_nong_dan" => "org-hoi-nong-dan",
        "hoi_phu_nu" => "org-hoi-phu-nu",
        "doan_thanh_nien" => "org-doan-thanh-nien",
        "hoi_cuu_chien_binh" => "org-hoi-cuu-chien-binh",
        _ => "org-none",
    }
}

pub(super) async fn create(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: CreateInput,
) -> anyhow::Result<Outcome> {
    let hamlet_id = match (&input.hamlet, ctx.head_of().first()) {
        (Some(h), _) => h.parse::<i64>()?,
        (None, Some(&h)) => h,
        (None, None) => anyhow::bail!("create_group: no hamlet"),
    };
    let hamlet = communes::hamlet(tx, hamlet_id)
        .await?
        .filter(|h| h.commune_id == ctx.commune.id)
        .ok_or_else(|| anyhow::anyhow!("hamlet {hamlet_id} is not in the commune"))?;
    let code = new_join_code(tx).await?;
    let commune_wide = input.scope.as_deref() == Some("commune");
    let id = groups::insert(
        tx,
        &NewGroup {
            commune_id: ctx.commune.id,
            hamlet_id: hamlet.id,
            name: input.name.as_str(),
            org: &input.org,
            product: input.product.as_str(),
            join_code: &code,
            commune_wide,
            created_by: ctx.person.id,
        },
        ctx.now,
    )
    .await?;
    audit::record(
        tx,
        ctx.who(),
        "create",
        "group",
        id,
        &json!({ "hamlet_id": hamlet.id }),
        ctx.now,
    )
    .await?;
    let mut text = ctx.t(
        "group-created",
        &[
            ("id", id.into()),
            ("name", input.name.as_str().into()),
            ("hamlet", place(ctx, commune_wide, &hamlet.name).into()),
            ("code", code.clone().into()),
        ],
    );
    push_link(ctx, &mut text, &code);
    Ok(Outcome::reply(text))
}

/// "Or send the link: https://t.me/<bot>?start=CODE", when the bot's name is known.
fn push_link(ctx: &Ctx<'_>, text: &mut String, code: &str) {
    if let Some(link) = ctx.start_link(code) {
        text.push('\n');
        text.push_str(&ctx.t("group-link", &[("link", link.into())]));
    }
}

/// A new join code for a forming group, by whoever leads it or its hamlet's head: the old code
/// (shared too widely, or with the wrong people) stops working at once.
pub(super) async fn renew_code(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: GroupInput,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.group.parse()?;
    let Some(g) = groups::get(tx, id).await?.filter(|g| {
        g.commune_id == ctx.commune.id
            && (ctx
                .access
                .leads_group(ctx.person.id, g.created_by, g.leader_account)
                || ctx.head_of().contains(&g.hamlet_id))
    }) else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    if g.status != GroupStatus::Forming {
        return Ok(Outcome::reply(
            ctx.t("err-group-closed", &[("name", g.name.into())]),
        ));
    }
    let code = new_join_code(tx).await?;
    groups::set_code(tx, g.id, &code).await?;
    // Never the code itself: the log is read by more people than the group's leader.
    audit::record(
        tx,
        ctx.who(),
        "renew_code",
        "group",
        g.id,
        &json!({}),
        ctx.now,
    )
    .await?;
    let mut text = ctx.t(
        "group-code-renewed",
        &[("group", g.name.into()), ("code", code.clone().into())],
    );
    push_link(ctx, &mut text, &code);
    Ok(Outcome::reply(text))
}

/// The rules' view of a group's members.
fn facts(ctx: &Ctx<'_>, members: &[Member]) -> Vec<MemberFacts> {
    let window = ctx.rules.escape_window();
    members
        .iter()
        .map(|m| MemberFacts::of(&m.record(), window, ctx.today))
        .collect()
}

/// What the group still lacks, one short line each; "ready" when nothing.
pub(super) fn readiness_text(ctx: &Ctx<'_>, missing: &[Missing]) -> String {
    if missing.is_empty() {
        return ctx.t("group-ready", &[]);
    }
    missing_lines(ctx, missing)
}

fn missing_lines(ctx: &Ctx<'_>, missing: &[Missing]) -> String {
    if missing.is_empty() {
        return ctx.t("group-meets-rules", &[]);
    }
    let mut lines = vec![ctx.t("group-not-ready", &[])];
    lines.extend(missing_items(ctx.texts, ctx.lang, missing));
    lines.join("\n")
}

pub(super) async fn missing(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    g: &Group,
) -> sqlx::Result<(Vec<Member>, Vec<Missing>)> {
    let members = groups::members(tx, g.id).await?;
    let missing = ctx.rules.groups.missing(&facts(ctx, &members));
    Ok((members, missing))
}

/// Where a group takes households from: its hamlet, or the whole commune (with the hamlet it
/// was created in).
fn place(ctx: &Ctx<'_>, commune_wide: bool, hamlet: &str) -> String {
    if commune_wide {
        ctx.t("group-commune-wide", &[("hamlet", hamlet.into())])
    } else {
        hamlet.to_string()
    }
}

/// A group in a few lines: who, where, what, its code and where it stands.
pub async fn describe(ctx: &Ctx<'_>, tx: &mut Tx, g: &Group) -> sqlx::Result<String> {
    let (members, missing) = missing(ctx, tx, g).await?;
    let status = g.status;
    let mut s = format!(
        "#{} {} – {}\n",
        g.id,
        g.name,
        place(ctx, g.commune_wide, &g.hamlet_name)
    );
    // A group no organisation represents says nothing of it ("Đại diện: không có").
    let line = match g.org.as_str() {
        "none" => "group-line-no-org",
        _ => "group-line",
    };
    s.push_str(&ctx.t(
        line,
        &[
            ("org", Arg::T(org_message(&g.org))),
            ("product", g.product.clone().into()),
            ("members", members.len().into()),
        ],
    ));
    s.push('\n');
    s.push_str(&match (g.leader_household_id, &g.leader_name) {
        (Some(id), Some(name)) => ctx.t(
            "group-leader-line",
            &[("name", present::numbered(id, name).into())],
        ),
        _ => ctx.t("group-leader-none", &[]),
    });
    s.push('\n');
    s.push_str(&ctx.t(
        "group-status-line",
        &[
            ("status", Arg::T(status.message_id())),
            ("code", g.join_code.clone().into()),
        ],
    ));
    if let (Some(no), Some(date)) = (&g.decision_no, g.decision_date) {
        s.push('\n');
        s.push_str(&ctx.t(
            "group-decision",
            &[
                ("no", no.clone().into()),
                ("date", format_date(date).into()),
            ],
        ));
    }
    if status == GroupStatus::Requested
        && let Some(at) = g.requested_at
    {
        let days = present::days_since(ctx.today, at, &ctx.commune.time_zone);
        s.push('\n');
        s.push_str(&ctx.t("household-waiting", &[("days", days.into())]));
    }
    match status {
        GroupStatus::Forming => {
            s.push('\n');
            s.push_str(&readiness_text(ctx, &missing));
        }
        // The officer deciding sees whether the rules are still met, without the hint
        // addressed to the leader.
        GroupStatus::Requested => {
            s.push('\n');
            s.push_str(&missing_lines(ctx, &missing));
        }
        GroupStatus::Established => {}
    }
    Ok(s)
}

pub(super) fn level_message(level: &str) -> &'static str {
    match level {
        "commune" => "level-commune",
        "district" => "level-district",
        "province" => "level-province",
        "central" => "level-central",
        _ => "level-none",
    }
}

/// A group a person may look at: officers see all, others the groups they created, lead or
/// belong to, and hamlet heads those of their hamlets.
async fn visible(ctx: &Ctx<'_>, tx: &mut Tx, id: i64) -> sqlx::Result<Option<Group>> {
    let Some(g) = groups::get(tx, id)
        .await?
        .filter(|g| g.commune_id == ctx.commune.id)
    else {
        return Ok(None);
    };
    if ctx.is_officer() || g.led_by(ctx.person.id) || ctx.head_of().contains(&g.hamlet_id) {
        return Ok(Some(g));
    }
    let mine = groups::of_person(tx, ctx.person.id).await?;
    Ok(mine.into_iter().find(|x| x.id == id))
}

pub(super) async fn show(ctx: &Ctx<'_>, tx: &mut Tx, input: GroupInput) -> anyhow::Result<Outcome> {
    let id: i64 = input.group.parse()?;
    let Some(g) = visible(ctx, tx, id).await? else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    let mut text = describe(ctx, tx, &g).await?;
    let members = groups::members(tx, g.id).await?;
    if !members.is_empty() {
        text.push('\n');
        text.push_str(&ctx.t("group-members", &[]));
    }
    // Members see each other's names; whether a household is poor or near-poor is for the
    // group's leader and creator, its hamlet's head and officers.
    let sees_status =
        ctx.access
            .manages_group(ctx.person.id, g.created_by, g.leader_account, g.hamlet_id);
    for (m, f) in members.iter().zip(facts(ctx, &members)) {
        let mut recognised = match (&m.recognised_level, m.recognised_year) {
            (Some(l), Some(y)) if l != "none" => format!("{} {y}", ctx.t(level_message(l), &[])),
            (Some(l), None) if l != "none" => ctx.t(level_message(l), &[]),
            _ if m.experienced => ctx.t("member-experienced", &[]),
            _ => "–".into(),
        };
        if !m.recognition_checked {
            recognised.push_str(&ctx.t("member-unchecked", &[]));
        }
        let target = if f.target && sees_status {
            ctx.t("member-target", &[])
        } else {
            String::new()
        };
        text.push_str(&format!(
            "\n• #{} {}: {recognised}{target}",
            m.household_id, m.head_name
        ));
    }
    Ok(Outcome::reply(text))
}

pub(super) async fn request(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: GroupInput,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.group.parse()?;
    let Some(g) = groups::get(tx, id).await?.filter(|g| {
        g.commune_id == ctx.commune.id
            && ctx
                .access
                .leads_group(ctx.person.id, g.created_by, g.leader_account)
    }) else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    let (_, missing) = missing(ctx, tx, &g).await?;
    if !missing.is_empty() {
        let text = format!(
            "{}\n{}",
            ctx.t("group-cannot-request", &[("group", g.name.clone().into())]),
            readiness_text(ctx, &missing)
        );
        return Ok(Outcome::reply(text));
    }
    if !groups::set_status(
        tx,
        g.id,
        GroupStatus::Forming,
        GroupStatus::Requested,
        None,
        None,
        None,
        ctx.now,
    )
    .await?
    {
        return Ok(Outcome::reply(
            ctx.t("err-group-closed", &[("name", g.name.into())]),
        ));
    }
    audit::record(tx, ctx.who(), "request", "group", g.id, &json!({}), ctx.now).await?;
    let args = [("id", Arg::from(g.id)), ("group", g.name.clone().into())];
    let mut out = Outcome::reply(ctx.t("group-requested-ok", &args));
    out.notices = tell_role(ctx, tx, Role::CultureOfficer, "notice-group-request", &args).await?;
    Ok(out)
}

pub(super) async fn decide(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: DecideInput,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.group.parse()?;
    let Some(g) = groups::get(tx, id)
        .await?
        .filter(|g| g.commune_id == ctx.commune.id)
    else {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    };
    // Nobody establishes a group they lead or created.
    if g.led_by(ctx.person.id) {
        return Ok(Outcome::reply(
            ctx.t("group-own-decide", &[("id", g.id.into())]),
        ));
    }
    let establish = input.decision == "establish";
    let (to, no, date, reason) = if establish {
        (
            GroupStatus::Established,
            input.decision_no.as_ref().map(FreeText::as_str),
            input.decision_date,
            None,
        )
    } else {
        (
            GroupStatus::Forming,
            None,
            None,
            input.reason.as_ref().map(FreeText::as_str),
        )
    };
    if !groups::set_status(
        tx,
        g.id,
        GroupStatus::Requested,
        to,
        no,
        date,
        reason,
        ctx.now,
    )
    .await?
    {
        return Ok(Outcome::reply(
            ctx.t("err-group-closed", &[("name", g.name.into())]),
        ));
    }
    audit::record(
        tx,
        ctx.who(),
        if establish { "establish" } else { "return" },
        "group",
        g.id,
        &json!({ "decision_no": no, "reason": reason }),
        ctx.now,
    )
    .await?;
    let args = vec![
        ("id", Arg::from(g.id)),
        ("group", g.name.clone().into()),
        ("no", no.unwrap_or("—").to_string().into()),
        ("date", date.map(format_date).unwrap_or_default().into()),
        ("reason", reason.unwrap_or("—").to_string().into()),
    ];
    let (mine, theirs) = if establish {
        ("group-established-ok", "notice-group-established")
    } else {
        ("group-returned-ok", "notice-group-returned")
    };
    let mut out = Outcome::reply(ctx.t(mine, &args));
    let mut told = g.leaders();
    for m in groups::members(tx, g.id).await? {
        if !told.contains(&m.registered_by) {
            told.push(m.registered_by);
        }
    }
    for person_id in told.into_iter().filter(|&p| p != ctx.person.id) {
        out.notices.push(Notice {
            person_id,
            message: theirs,
            args: args.clone(),
        });
    }
    Ok(out)
}
