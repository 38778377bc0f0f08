//! Wording that chat, digest and report share, so a record, a group's readiness, a
//! proposal's history or a deadline reads the same wherever it shows. Built from the domain
//! and the store's rows in the catalogue's words; it knows no conversation, digest, report
//! or channel, which all use it.

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::local_date;
use crate::domain::input::format_date;
use crate::domain::{CommuneWords, Missing, ProposalStatus};
use crate::store::proposals::Event;
use crate::text::{Arg, Lang, Texts};

/// A record as lists show it: its own number, then its name ("#12 Nguyễn Văn An"). The
/// number is what one types after a command (`/duyet 12`).
pub fn numbered(id: i64, name: &str) -> String {
    format!("#{id} {name}")
}

/// Whole days from `at` to `today`, counted in the commune's calendar; never negative.
pub fn days_since(today: NaiveDate, at: DateTime<Utc>, time_zone: &str) -> i64 {
    (today - local_date(at, time_zone)).num_days().max(0)
}

/// Each rule a group does not meet yet as one short line: "- 1/3 hộ được Hội Nông dân
/// công nhận…; cần 2".
pub fn missing_items(texts: &Texts, lang: Lang, missing: &[Missing]) -> Vec<String> {
    let n = |x: u32| Arg::from(i64::from(x));
    missing
        .iter()
        .map(|m| match *m {
            Missing::Members { have, need } => texts.get(
                lang,
                "missing-members",
                &[("have", n(have)), ("need", n(need))],
            ),
            Missing::Recognised { have, of, need } => texts.get(
                lang,
                "missing-recognised",
                &[("have", n(have)), ("of", n(of)), ("need", n(need))],
            ),
            Missing::Target { have, of, need } => texts.get(
                lang,
                "missing-target",
                &[("have", n(have)), ("of", n(of)), ("need", n(need))],
            ),
            Missing::Experienced { have, need } => texts.get(
                lang,
                "missing-experienced",
                &[("have", n(have)), ("need", n(need))],
            ),
        })
        .collect()
}

/// The level above the commune, as the commune names it ("UBND tỉnh Thái Nguyên"), else the
/// catalogue's words for it ("cấp trên"): the `upper` of every message that names it.
pub fn upper_level(words: &CommuneWords) -> Arg {
    match words.upper_level.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Arg::S(name.to_string()),
        _ => Arg::T("upper-level"),
    }
}

/// A proposal's status as the reader reads it ("đã trình UBND tỉnh Thái Nguyên, chờ trả lời").
pub fn proposal_status(status: ProposalStatus, words: &CommuneWords) -> Arg {
    Arg::M(status.message_id(), vec![("upper", upper_level(words))])
}

/// One step of a proposal's history: "27/11/2026: Trả lại – thiếu biên bản".
pub fn proposal_event(
    texts: &Texts,
    lang: Lang,
    e: &Event,
    time_zone: &str,
    words: &CommuneWords,
) -> String {
    let when = format_date(local_date(e.at, time_zone));
    let to = texts.get(
        lang,
        e.to_status.message_id(),
        &[("upper", upper_level(words))],
    );
    match &e.comment {
        Some(c) => format!("{when}: {to} – {c}"),
        None => format!("{when}: {to}"),
    }
}

/// How far a deadline is: the days left, or how many days overdue.
pub fn deadline_when(texts: &Texts, lang: Lang, due_on: NaiveDate, today: NaiveDate) -> String {
    let left = (due_on - today).num_days();
    if left < 0 {
        texts.get(lang, "deadline-overdue", &[("days", (-left).into())])
    } else {
        texts.get(lang, "deadline-left", &[("days", left.into())])
    }
}

/// A role as people read it, with its scope: "Trưởng xóm (Xóm Soi Mít)", "Đại diện tổ chức
/// (Hội Nông dân)", "Lãnh đạo UBND xã". Used by invites, the staff list and revoking.
pub fn role(
    texts: &Texts,
    lang: Lang,
    role: crate::domain::Role,
    hamlet: Option<&str>,
    org: Option<&str>,
) -> String {
    let name = texts.get(lang, "role-name", &[("role", role.code().into())]);
    match hamlet.or(org) {
        Some(scope) => format!("{name} ({scope})"),
        None => name,
    }
}

/// A moment in the commune's time zone, "10:00 04/12/2026": when an invite expires.
pub fn moment(at: DateTime<Utc>, time_zone: &str) -> String {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Asia::Ho_Chi_Minh);
    let local = at.with_timezone(&tz);
    format!(
        "{} {}",
        local.format("%H:%M"),
        format_date(local.date_naive())
    )
}

/// The link that opens the Telegram bot `bot` with `code` (Telegram sends it as
/// `/start CODE`): shown with join codes and invites.
pub fn telegram_link(bot: &str, code: &str) -> String {
    format!("https://t.me/{}?start={code}", bot.trim_start_matches('@'))
}
