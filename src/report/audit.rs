//! The audit log as people read it: a commune's entries, filtered, one short line each, for
//! `giamngheo audit` (oldest first, with the channel) and `/nhatky` (the latest, newest
//! first). An entry reads as who did what to which record, with the few details that matter
//! (a reason, a role, masked or not); the stored detail never holds a phone or a CCCD, and
//! nothing else is looked up that could.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::{Map, Value};

use crate::domain::input::format_date;
use crate::domain::{Category, ProposalKind};
use crate::store::audit::{self, Filter, Logged};
use crate::store::communes::{self, Commune};
use crate::store::{Store, Tx, persons};
use crate::text::{Arg, Lang, Texts};

/// How many entries `/nhatky` shows.
pub const CHAT_ENTRIES: i64 = 20;

/// A free text (a reason, a comment) is cut to this many characters: a line, not a letter.
const TEXT_CHARS: usize = 60;

/// What `giamngheo audit` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The commune's code; the default commune without it.
    pub commune: Option<String>,
    /// Entries from this day on, in the commune's calendar.
    pub since: Option<NaiveDate>,
    /// Only what this person did: a person number (`12`, `#12`), an account
    /// (`telegram:123456789`) or a name.
    pub person: Option<String>,
}

/// What the reader of the log could not be given.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no commune {0:?}")]
    NoCommune(String),
    #[error("no commune yet: run `giamngheo init --commune FILE` first")]
    NoCommuneYet,
    #[error("nobody in {commune} is {who:?} (a person number, CHANNEL:ID or a name)")]
    NoPerson { who: String, commune: String },
    #[error("several people in {commune} are named {who:?}: {ids}; give the number instead")]
    SeveralPersons {
        who: String,
        commune: String,
        ids: String,
    },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AuditError {
    fn from(e: sqlx::Error) -> AuditError {
        AuditError::Other(e.into())
    }
}

/// The log of a commune for `giamngheo audit`: one line per entry, oldest first, in
/// Vietnamese (the commune's operator reads it), or a line saying there is nothing.
pub async fn cli(store: &Store, texts: &Texts, q: &Query) -> Result<String, AuditError> {
    let mut tx = store.begin().await.context("opening a transaction")?;
    let commune = match &q.commune {
        Some(code) => communes::by_code(&mut tx, code)
            .await?
            .ok_or_else(|| AuditError::NoCommune(code.clone()))?,
        None => communes::default_commune(&mut tx, None)
            .await?
            .ok_or(AuditError::NoCommuneYet)?,
    };
    let actor = match &q.person {
        Some(who) => Some(person(&mut tx, &commune, who).await?),
        None => None,
    };
    let since = q.since.map(|d| start_of(d, &commune.time_zone));
    let filter = Filter {
        commune_id: commune.id,
        since,
        actor,
        newest: None,
    };
    let entries = audit::list(&mut tx, filter).await?;
    let hamlets = hamlet_names(&mut tx, commune.id).await?;
    tx.commit().await.context("closing the transaction")?;
    if entries.is_empty() {
        return Ok(format!(
            "{}: {}",
            commune.name,
            texts.get(Lang::Vi, "audit-none", &[])
        ));
    }
    let lines: Vec<String> = entries
        .iter()
        .map(|e| cli_line(texts, &commune.time_zone, &hamlets, e))
        .collect();
    Ok(lines.join("\n"))
}

/// The commune's latest entries for the chat, newest first, one short line each in `lang`.
pub async fn latest(
    tx: &mut Tx,
    commune: &Commune,
    texts: &Texts,
    lang: Lang,
) -> sqlx::Result<String> {
    let filter = Filter {
        commune_id: commune.id,
        since: None,
        actor: None,
        newest: Some(CHAT_ENTRIES),
    };
    let entries = audit::list(tx, filter).await?;
    if entries.is_empty() {
        return Ok(texts.get(lang, "audit-none", &[]));
    }
    let hamlets = hamlet_names(tx, commune.id).await?;
    let mut text = texts.get(lang, "audit-title", &[]);
    for e in &entries {
        let when = local(e.at, &commune.time_zone).format("%d/%m %H:%M");
        let who = who(texts, lang, e, false);
        let what = what(texts, lang, &hamlets, e);
        text.push_str(&format!("\n{when} {who}: {what}"));
    }
    Ok(text)
}

/// "2026-11-27 10:00  canbo #4  console  xác nhận hộ #12 – lý do: …"
fn cli_line(texts: &Texts, tz: &str, hamlets: &HashMap<i64, String>, e: &Logged) -> String {
    let when = local(e.at, tz).format("%Y-%m-%d %H:%M");
    let who = who(texts, Lang::Vi, e, true);
    let channel = e.channel.as_deref().unwrap_or("-");
    let what = what(texts, Lang::Vi, hamlets, e);
    format!("{when}  {who}  {channel}  {what}")
}

/// The actor: "Tên #4"; the command line or the program when there is none.
fn who(texts: &Texts, lang: Lang, e: &Logged, cli: bool) -> String {
    match (e.actor_id, &e.actor_name, e.channel.as_deref()) {
        (Some(id), Some(name), _) => format!("{name} #{id}"),
        (Some(id), None, _) => format!("#{id}"),
        (None, _, Some(audit::CLI)) if cli => audit::CLI.to_string(),
        (None, _, Some(audit::CLI)) => texts.get(lang, "audit-cli", &[]),
        (None, _, _) => texts.get(lang, "audit-system", &[]),
    }
}

/// What was done, to which record, with its details: "từ chối hộ #12 – lý do: không ở xóm".
fn what(texts: &Texts, lang: Lang, hamlets: &HashMap<i64, String>, e: &Logged) -> String {
    let id = format!("audit-{}-{}", e.entity, e.action);
    let name = e.entity_name.clone().unwrap_or_default();
    let args = [
        ("id", Arg::from(e.entity_id)),
        ("name", Arg::from(name)),
        ("action", Arg::from(e.action.as_str())),
        ("entity", Arg::from(e.entity.as_str())),
    ];
    // An action written by a newer version, or one nobody worded yet, still reads.
    let head = if texts.has(&id) {
        texts.get(lang, &id, &args)
    } else {
        texts.get(lang, "audit-other", &args)
    };
    let detail: Map<String, Value> = serde_json::from_str(&e.detail).unwrap_or_default();
    let details = details(texts, lang, hamlets, &detail);
    if details.is_empty() {
        head
    } else {
        format!("{head} – {}", details.join(", "))
    }
}

/// The details worth a reader's attention, in a fixed order; the rest (ids of accounts,
/// expiry times, counts) stays in the database for whoever needs it.
fn details(
    texts: &Texts,
    lang: Lang,
    hamlets: &HashMap<i64, String>,
    d: &Map<String, Value>,
) -> Vec<String> {
    let t = |id: &str, args: &[(&str, Arg)]| texts.get(lang, id, args);
    let text = |k: &str| d.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let number = |k: &str| d.get(k).and_then(Value::as_i64);
    let mut out = vec![];
    if let Some(c) = text("category").and_then(Category::from_code) {
        out.push(t(c.message_id(), &[]));
    }
    if let Some(k) = text("kind").and_then(ProposalKind::from_code) {
        out.push(t(k.message_id(), &[]));
    }
    if let Some(r) = text("role") {
        out.push(t("audit-role", &[("role", r.into())]));
    }
    if let Some(name) = number("hamlet_id").and_then(|h| hamlets.get(&h)) {
        out.push(name.clone());
    }
    if let Some(org) = text("org") {
        out.push(org.to_string());
    }
    if let Some(h) = number("household_id") {
        out.push(t("audit-household", &[("id", h.into())]));
    }
    if let Some(level) = text("recognised") {
        let id = format!("level-{level}");
        if texts.has(&id) {
            out.push(t(&id, &[]));
        }
    }
    for key in ["with", "into", "absorbed"] {
        if let Some(p) = number(key) {
            out.push(t("audit-person", &[("id", p.into())]));
        }
    }
    if let Some(no) = text("decision_no") {
        out.push(t("audit-decision", &[("text", short(no).into())]));
    }
    if let Some(title) = text("title") {
        out.push(format!("“{}”", short(title)));
    }
    if let Some(day) = text("due_on").and_then(|s| s.parse::<NaiveDate>().ok()) {
        out.push(format_date(day));
    }
    if let Some(time) = text("time") {
        out.push(t("audit-at-time", &[("text", time.into())]));
    }
    if let Some(unmasked) = d.get("unmasked").and_then(Value::as_bool) {
        out.push(t(
            if unmasked {
                "audit-unmasked"
            } else {
                "audit-masked"
            },
            &[],
        ));
    }
    if let Some(r) = text("reason") {
        out.push(t("audit-reason", &[("text", short(r).into())]));
    }
    if let Some(c) = text("comment") {
        out.push(t("audit-comment", &[("text", short(c).into())]));
    }
    out
}

/// A free text cut to a line.
fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= TEXT_CHARS {
        return s.to_string();
    }
    let cut: String = s.chars().take(TEXT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

fn zone(tz: &str) -> chrono_tz::Tz {
    tz.parse().unwrap_or(chrono_tz::Asia::Ho_Chi_Minh)
}

fn local(at: DateTime<Utc>, tz: &str) -> DateTime<chrono_tz::Tz> {
    at.with_timezone(&zone(tz))
}

/// Midnight at the start of `day` in the commune's calendar.
fn start_of(day: NaiveDate, tz: &str) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    zone(tz)
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

async fn hamlet_names(tx: &mut Tx, commune_id: i64) -> sqlx::Result<HashMap<i64, String>> {
    Ok(communes::hamlets(tx, commune_id)
        .await?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect())
}

/// The person `who` names in the commune: a number, an account, or a name (without regard to
/// case or diacritics). Of several persons with the name, those whose accounts were joined
/// into another do not count: their entries come with the person they joined.
async fn person(tx: &mut Tx, commune: &Commune, who: &str) -> Result<i64, AuditError> {
    match persons::named(tx, commune.id, who).await? {
        persons::Named::One(id) => Ok(id),
        persons::Named::Nobody => Err(AuditError::NoPerson {
            who: who.trim().to_string(),
            commune: commune.name.clone(),
        }),
        persons::Named::Several(ids) => Err(AuditError::SeveralPersons {
            who: who.trim().to_string(),
            commune: commune.name.clone(),
            ids: ids
                .iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, entity: &str, detail: &str) -> Logged {
        Logged {
            id: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0).unwrap(),
            actor_id: Some(4),
            actor_name: Some("canbo".into()),
            entity_name: None,
            channel: Some("telegram".into()),
            action: action.into(),
            entity: entity.into(),
            entity_id: 12,
            detail: detail.into(),
        }
    }

    #[test]
    fn an_entry_reads_as_who_did_what_in_local_time() {
        let texts = Texts::load().unwrap();
        let e = entry("rejected", "household", r#"{"reason":"Không ở xóm"}"#);
        let line = cli_line(&texts, "Asia/Ho_Chi_Minh", &HashMap::new(), &e);
        assert_eq!(
            line,
            "2026-11-27 10:00  canbo #4  telegram  từ chối hộ #12 – lý do: Không ở xóm"
        );
        let en = what(&texts, Lang::En, &HashMap::new(), &e);
        assert_eq!(en, "rejected household #12 – reason: Không ở xóm");
    }

    #[test]
    fn an_action_nobody_worded_still_reads_and_long_words_are_cut() {
        let texts = Texts::load().unwrap();
        let e = entry("invite_created", "invite", "{}");
        assert_eq!(
            what(&texts, Lang::Vi, &HashMap::new(), &e),
            "invite_created invite #12"
        );
        let long = "x".repeat(200);
        let e = entry("return", "proposal", &format!(r#"{{"comment":"{long}"}}"#));
        let said = what(&texts, Lang::Vi, &HashMap::new(), &e);
        assert!(said.ends_with("x…"), "{said}");
        assert!(said.chars().count() < 100, "{said}");
    }

    #[test]
    fn the_command_line_and_the_program_have_no_name() {
        let texts = Texts::load().unwrap();
        let mut e = entry("export", "commune", r#"{"unmasked":true}"#);
        e.actor_id = None;
        e.actor_name = None;
        e.channel = Some(audit::CLI.into());
        assert_eq!(who(&texts, Lang::Vi, &e, true), "cli");
        e.channel = None;
        assert_eq!(who(&texts, Lang::Vi, &e, true), "hệ thống");
        assert_eq!(
            what(&texts, Lang::Vi, &HashMap::new(), &e),
            "xuất báo cáo Excel – KHÔNG che SĐT, CCCD"
        );
    }
}
