//! Reading an answer by the kind of its step into the form it is stored in: names, phones,
//! dates, money, numbers, yes or no, join codes, files, a choice among options. What cannot
//! be taken is refused with a reason the user can act on.

use chrono::Datelike;
use serde_json::Value;

use super::actions::groups::{CODE_LEN, JOIN_LIMIT};
use super::actions::members;
use super::actions::tries::Standing;
use super::choice::{Fetched, Input, Refusal, pick};
use super::ctx::Ctx;
use super::error::EngineError;
use super::state::Active;
use super::{Check, Dialogue, Kind, Step};
use crate::domain::input::format_date;
use crate::domain::{
    Cccd, FreeText, InputError, Money, PastDate, PersonName, Phone, parse_integer,
};
use crate::domain::{GroupStatus, typed_code};
use crate::store::{Tx, groups};
use crate::text::fold;

/// Words that skip an optional question, compared folded.
const SKIP_WORDS: &[&str] = &[
    "bo qua", "boqua", "skip", "khong", "khong co", "no", "none", "-",
];

/// Longest text answer kept; longer is refused rather than cut.
const TEXT_MAX: usize = 200;

/// An answer taken: its stored form, and for lists the label it reads back as.
pub(super) type Parsed = (Value, Option<String>);

/// Parses an answer by the step's kind into its stored form (and, for lists, the label
/// it reads back as). A skipped optional question is null; `d` and `a` are the dialogue and
/// the chat's place in it.
pub(super) async fn parse_answer(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    fetched: &mut Fetched,
    d: &Dialogue,
    a: &Active,
    step: &Step,
    input: &Input,
) -> Result<Result<Parsed, Refusal>, EngineError> {
    let typed = match input {
        Input::Typed(t) | Input::Exact(t) => t.as_str(),
        Input::File(_) => "",
    };
    if step.optional && SKIP_WORDS.contains(&fold(typed).as_str()) {
        return Ok(Ok((Value::Null, None)));
    }
    if ["-", "bo qua", "boqua", "skip"].contains(&fold(typed).as_str()) {
        return Ok(Err(Refusal("err-cannot-skip", vec![])));
    }
    if let Input::File(f) = input {
        if step.kind != Kind::Document {
            return Ok(Err(Refusal("err-unsupported", vec![])));
        }
        let v = serde_json::to_value(f).map_err(anyhow::Error::from)?;
        return Ok(Ok((v, Some(format!("📎 {}", f.name)))));
    }
    let s = |v: String| Ok((Value::String(v), None));
    Ok(match step.kind {
        Kind::Document => Err(Refusal("err-need-file", vec![])),
        Kind::Money => match Money::parse(typed) {
            Err(e) => Err(e.into()),
            Ok(m) => {
                // "Support requested" cannot be more than the total cost, nor the own
                // contribution more than what support leaves of it ("total_cost - support"):
                // said at the amount, not fifteen answers later at the summary.
                let cap = step.at_most.as_ref().and_then(|spec| {
                    let mut ids = spec.split(" - ").map(str::trim);
                    let first = ids.next()?;
                    let mut cap = a.answers.get(first)?.as_i64()?;
                    let mut label = ctx.l(&d.step(first)?.label);
                    for id in ids {
                        // Not answered (skipped): nothing to take away.
                        if let Some(v) = a.answers.get(id).and_then(Value::as_i64) {
                            cap -= v;
                            let minus = ctx.l(&d.step(id)?.label).to_lowercase();
                            label = format!("{label} − {minus}");
                        }
                    }
                    Some((cap.max(0), label))
                });
                match cap {
                    Some((cap, label)) if m.get() > cap => Err(Refusal(
                        "err-money-above",
                        vec![
                            ("what", label.into()),
                            (
                                "max",
                                Money::try_from(cap)
                                    .map(|c| c.to_string())
                                    .unwrap_or_default()
                                    .into(),
                            ),
                        ],
                    )),
                    _ => Ok((Value::from(m.get()), Some(m.to_string()))),
                }
            }
        },
        Kind::Choice => {
            let opts = fetched.options(ctx, tx, step, &a.answers).await?;
            match pick(input, &opts) {
                Ok(i) => {
                    let o = &opts[i];
                    let label = step
                        .source
                        .map(|_| o.detail.clone().unwrap_or_else(|| o.label.clone()));
                    Ok((Value::String(o.value.clone()), label))
                }
                Err(r) => Err(r),
            }
        }
        Kind::Text if step.check == Some(Check::JoinCode) => join_code(ctx, tx, typed).await?,
        Kind::Text if step.check == Some(Check::TimeOfDay) => {
            match crate::domain::parse_time(typed) {
                Some(t) => s(t.format("%H:%M").to_string()),
                None => Err(Refusal("err-time", vec![])),
            }
        }
        Kind::Text => FreeText::parse(typed, TEXT_MAX)
            .map_err(Refusal::from)
            .and_then(|t| s(t.into())),
        Kind::Name => PersonName::parse(typed)
            .map_err(Refusal::from)
            .and_then(|n| s(n.into())),
        Kind::Phone => Phone::parse(typed)
            .map_err(Refusal::from)
            .and_then(|p| s(p.into())),
        Kind::Cccd => Cccd::parse(typed)
            .map_err(Refusal::from)
            .and_then(|c| s(c.into())),
        Kind::Day => match crate::domain::input::parse_day(typed) {
            Err(e) => Err(e.into()),
            // A deadline is ahead: one already gone is a typing slip (2020 for 2026).
            Ok(d) if d < ctx.today => {
                let today = format_date(ctx.today);
                Err(Refusal("err-day-past", vec![("today", today.into())]))
            }
            Ok(d) => s(d.format("%Y-%m-%d").to_string()),
        },
        Kind::Date => match PastDate::parse(typed, ctx.today) {
            Err(e) => Err(e.into()),
            Ok(PastDate(d)) => match step.check {
                Some(Check::EscapeWindow) if !ctx.rules.escape_window().is_open(d, ctx.today) => {
                    let w = ctx.rules.escape_window();
                    Err(Refusal(
                        "err-escape-expired",
                        vec![
                            ("months", i64::from(w.months).into()),
                            (
                                "last",
                                format_date(w.ends_on(d).pred_opt().unwrap_or(d)).into(),
                            ),
                        ],
                    ))
                }
                _ => s(d.format("%Y-%m-%d").to_string()),
            },
        },
        Kind::Number => match parse_integer(typed) {
            Err(e) => Err(e.into()),
            Ok(n) => {
                let (min, max) = (step.min.unwrap_or(0), step.max.unwrap_or(i64::MAX));
                let this_year = i64::from(ctx.today.year());
                if n < min || n > max {
                    Err(InputError::Range { min, max }.into())
                } else if step.check == Some(Check::PastYear) && n > this_year {
                    Err(Refusal("err-year-future", vec![("year", this_year.into())]))
                } else {
                    Ok((Value::from(n), None))
                }
            }
        },
        Kind::YesNo => match yes_no(typed) {
            Some(b) => Ok((Value::Bool(b), None)),
            None => Err(Refusal("err-yes-no", vec![])),
        },
    })
}

/// "có", "co", "1", "yes"… or "không", "2", "no"…; None for anything else.
pub(super) fn yes_no(typed: &str) -> Option<bool> {
    match fold(typed).as_str() {
        "co" | "c" | "yes" | "y" | "dong y" | "ok" | "1" => Some(true),
        "khong" | "k" | "no" | "n" | "2" => Some(false),
        _ => None,
    }
}

/// A group's join code: a forming group of the commune. Wrong codes count against the
/// person's tries (a few an hour), so that nobody finds a group by guessing; a code that
/// cannot be one (wrong length, a look-alike letter) is no guess and costs nothing.
async fn join_code(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    typed: &str,
) -> sqlx::Result<Result<Parsed, Refusal>> {
    let Some(code) = typed_code::parse_code(typed, CODE_LEN) else {
        return Ok(Err(Refusal("err-join-code-format", vec![])));
    };
    let left = match JOIN_LIMIT.check(ctx, tx).await? {
        Standing::Open { left } => left,
        Standing::Blocked { tries, minutes } => {
            let args = vec![("tries", tries.into()), ("minutes", minutes.into())];
            return Ok(Err(Refusal("err-join-blocked", args)));
        }
    };
    Ok(match groups::by_code(tx, &code).await? {
        Some(g) if g.commune_id == ctx.commune.id && g.status == GroupStatus::Forming => {
            // Said at once when none of one's households may join (a hamlet's group, a
            // household of another hamlet, or in it already), not after every other question.
            // Without any household, the household question says how to register one.
            let (mine, joinable) = members::joinable(tx, &g, ctx.person.id).await?;
            if !mine.is_empty() && joinable.is_empty() {
                return Ok(Err(if mine.iter().any(|h| g.takes(h.hamlet_id)) {
                    Refusal("group-all-in", vec![("group", g.name.into())])
                } else {
                    let args = vec![("group", g.name.into()), ("hamlet", g.hamlet_name.into())];
                    Refusal("group-hamlet-only", args)
                }));
            }
            let label = format!("{} ({})", g.name, g.join_code);
            Ok((Value::String(code), Some(label)))
        }
        Some(g) if g.commune_id == ctx.commune.id => {
            Err(Refusal("err-group-closed", vec![("name", g.name.into())]))
        }
        _ => {
            JOIN_LIMIT.wrong(ctx, tx, "unknown").await?;
            Err(Refusal("err-join-code", vec![("left", left.into())]))
        }
    })
}
