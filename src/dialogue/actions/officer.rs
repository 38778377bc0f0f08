//! The officers' own tools in chat: the digest on demand and its settings, deadlines, the
//! report file, and the audit log.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use serde_json::json;

use super::outcome::Outcome;
use crate::dialogue::ctx::Ctx;
use crate::digest::compose;
use crate::digest::province::{self, ProvinceDay};
use crate::domain::input::format_date;
use crate::domain::{Capability, FreeText, parse_time};
use crate::message::Reply;
use crate::present;
use crate::store::{Tx, audit, digests};

#[derive(Deserialize)]
pub(super) struct TimeInput {
    time: FreeText,
    quiet: bool,
}

#[derive(Deserialize)]
pub(super) struct DeadlineInput {
    title: FreeText,
    due_on: NaiveDate,
}

#[derive(Deserialize)]
pub(super) struct DeadlineOnly {
    deadline: String,
}

/// Today's digest now, covering the last 24 hours; not counted as the daily one.
pub(super) async fn digest_now(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let (from, to) = (ctx.now - Duration::days(1), ctx.now);
    let mut replies = vec![];
    if ctx.access.gets_commune_digest() {
        let data = compose::gather(
            tx,
            ctx.commune,
            ctx.person.id,
            ctx.access.grants(),
            ctx.today,
            ctx.today,
            from,
            to,
            ctx.texts,
            ctx.lang,
        )
        .await?;
        let mut reply = compose::reply(&data, ctx.texts, ctx.lang);
        // Drawn when it is sent, not while this message holds the database.
        if data.now.confirmed + data.now.people > 0 {
            let chart = crate::report::made::chart_of(ctx.commune.id, ctx.today, ctx.lang);
            reply.files.push(chart);
        }
        replies.push(reply);
    }
    // The upper level: the province's communes, as its daily digest reads them.
    if ctx.can(Capability::ReceiveUpperDigest) {
        let (name, demo) = (&ctx.commune.province, ctx.commune.is_demo);
        let day = ProvinceDay::gather(tx, name, demo, ctx.today, from, to).await?;
        let text = province::render(&day, ctx.today, ctx.today, ctx.texts, ctx.lang)
            .unwrap_or_else(|| {
                let day = format_date(ctx.today);
                ctx.t("digest-quiet", &[("day", day.into())])
            });
        replies.push(Reply::text(text));
    }
    Ok(Outcome {
        replies,
        ..Outcome::default()
    })
}

pub(super) async fn set_time(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: TimeInput,
) -> anyhow::Result<Outcome> {
    let Some(time) = parse_time(input.time.as_str()) else {
        return Ok(Outcome::reply(ctx.t("err-time", &[])));
    };
    let hhmm = time.format("%H:%M").to_string();
    digests::set_prefs(
        tx,
        ctx.person.id,
        &hhmm,
        &ctx.commune.time_zone,
        input.quiet,
    )
    .await?;
    audit::record(
        tx,
        ctx.who(),
        "digest_time",
        "person",
        ctx.person.id,
        &json!({ "time": hhmm, "quiet_line": input.quiet }),
        ctx.now,
    )
    .await?;
    let key = if input.quiet {
        "digest-time-set"
    } else {
        "digest-time-set-quiet-off"
    };
    Ok(Outcome::reply(ctx.t(key, &[("time", hhmm.into())])))
}

pub(super) async fn add_deadline(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: DeadlineInput,
) -> anyhow::Result<Outcome> {
    let id = digests::add_deadline(
        tx,
        ctx.commune.id,
        input.title.as_str(),
        input.due_on,
        Some(ctx.person.id),
        ctx.now,
    )
    .await?;
    audit::record(
        tx,
        ctx.who(),
        "create",
        "deadline",
        id,
        &json!({ "due_on": input.due_on, "title": input.title.as_str() }),
        ctx.now,
    )
    .await?;
    Ok(Outcome::reply(ctx.t(
        "deadline-added",
        &[
            ("id", id.into()),
            ("title", input.title.as_str().into()),
            ("date", format_date(input.due_on).into()),
        ],
    )))
}

pub(super) async fn list_deadlines(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let list = digests::open_deadlines(tx, ctx.commune.id).await?;
    if list.is_empty() {
        return Ok(Outcome::reply(ctx.t("deadlines-none", &[])));
    }
    let mut text = ctx.t("deadlines-title", &[]);
    for d in list {
        let when = present::deadline_when(ctx.texts, ctx.lang, d.due_on, ctx.today);
        text.push_str(&format!(
            "\n#{} {} – {} – {when}",
            d.id,
            d.title,
            format_date(d.due_on)
        ));
    }
    Ok(Outcome::reply(text))
}

pub(super) async fn finish_deadline(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: DeadlineOnly,
) -> anyhow::Result<Outcome> {
    let id: i64 = input.deadline.parse()?;
    if !digests::finish_deadline(tx, ctx.commune.id, id, ctx.now).await? {
        return Ok(Outcome::reply(
            ctx.t("review-not-found", &[("id", id.into())]),
        ));
    }
    audit::record(tx, ctx.who(), "done", "deadline", id, &json!({}), ctx.now).await?;
    Ok(Outcome::reply(ctx.t("deadline-done", &[("id", id.into())])))
}

/// The report workbook, masked: personal data in full only through the command line, which
/// the commune's operator runs.
pub(super) async fn report(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    // Recorded as read now; made (read and compressed) when it is sent, after this message's
    // transaction, so a large commune's workbook holds up nobody's message.
    let detail = json!({ "unmasked": false });
    audit::record(
        tx,
        ctx.who(),
        "export",
        "commune",
        ctx.commune.id,
        &detail,
        ctx.now,
    )
    .await?;
    let reply = Reply {
        text: ctx.t("report-ready", &[]),
        files: vec![crate::report::made::report_of(ctx.commune.id, ctx.today)],
        ..Reply::default()
    };
    Ok(Outcome {
        replies: vec![reply],
        ..Outcome::default()
    })
}

/// The commune's latest audit entries, newest first: who did what, when. Names of people,
/// never their phones or CCCD.
pub(super) async fn audit_log(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let text = crate::report::audit::latest(tx, ctx.commune, ctx.texts, ctx.lang).await?;
    Ok(Outcome::reply(text))
}
