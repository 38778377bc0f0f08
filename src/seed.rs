//! Setting up a commune: the demo commune a fresh database starts with, a real commune from a
//! small file, and roles given to people.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::{CommuneRules, Role};
use crate::present;
use crate::store::communes::{self, Commune, Hamlet, NewCommune};
use crate::store::{Store, Tx, audit, persons};

/// A commune as written in `giamngheo init --commune FILE`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommuneFile {
    /// Short code, unique in the database: "tan-cuong".
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub district: String,
    pub province: String,
    #[serde(default = "default_tz")]
    pub time_zone: String,
    pub hamlets: Vec<String>,
    #[serde(default)]
    pub rules: CommuneRules,
}

fn default_tz() -> String {
    "Asia/Ho_Chi_Minh".into()
}

pub const DEMO_CODE: &str = "demo";

/// The console identities of the demo commune: name, role, hamlet (index), organisation.
pub const DEMO_PEOPLE: &[(&str, Role, Option<usize>, Option<&str>)] = &[
    ("truongxom1", Role::HamletHead, Some(0), None),
    ("truongxom2", Role::HamletHead, Some(1), None),
    ("truongxom3", Role::HamletHead, Some(2), None),
    ("canbo", Role::CultureOfficer, None, None),
    ("khuyennong", Role::AgriOfficer, None, None),
    ("hoinongdan", Role::OrgRep, None, Some("Hội Nông dân")),
    ("htx", Role::BusinessRep, None, Some("HTX Chè Xã Mẫu")),
];

/// Creates the demo commune if the database has no commune at all. Returns whether it did.
pub async fn ensure_demo(store: &Store, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = store.begin().await?;
    if communes::count(&mut tx).await? > 0 {
        return Ok(false);
    }
    let file = CommuneFile {
        code: DEMO_CODE.into(),
        name: "Xã Mẫu (dữ liệu mẫu)".into(),
        district: "Huyện Mẫu".into(),
        province: "Tỉnh Mẫu".into(),
        time_zone: default_tz(),
        hamlets: vec![
            "Xóm Đồng Tâm".into(),
            "Xóm Nam Sơn".into(),
            "Xóm Hồng Thái".into(),
        ],
        rules: CommuneRules::default(),
    };
    let (commune_id, hamlets) = create_commune(&mut tx, &file, true, now).await?;
    for (name, role, hamlet, org) in DEMO_PEOPLE {
        let person = persons::create(&mut tx, commune_id, name, "vi", now).await?;
        persons::link_identity(&mut tx, "console", name, person, name, None).await?;
        persons::grant(
            &mut tx,
            person,
            commune_id,
            *role,
            hamlet.map(|i| hamlets[i]),
            *org,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn create_commune(
    tx: &mut Tx,
    c: &CommuneFile,
    is_demo: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, Vec<i64>)> {
    let rules = serde_json::to_string(&c.rules)?;
    let id = communes::create(
        tx,
        &NewCommune {
            code: &c.code,
            name: &c.name,
            district: &c.district,
            province: &c.province,
            time_zone: &c.time_zone,
            rules: &rules,
            is_demo,
        },
        now,
    )
    .await?;
    let mut hamlets = vec![];
    for (i, h) in c.hamlets.iter().enumerate() {
        hamlets.push(communes::add_hamlet(tx, id, h.trim(), i as i64).await?);
    }
    Ok((id, hamlets))
}

/// Loads a real commune from its file.
pub async fn init_commune(
    store: &Store,
    path: &std::path::Path,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let file = read_commune(path)?;
    add_commune(store, &file, now).await
}

/// Reads and checks a commune file without touching any database, so that a file with a
/// mistake leaves nothing behind (not even an empty database file).
pub fn read_commune(path: &std::path::Path) -> anyhow::Result<CommuneFile> {
    let src =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: CommuneFile =
        toml::from_str(&src).with_context(|| format!("reading {}", path.display()))?;
    let where_ = path.display();
    for (field, value) in [
        ("code", &file.code),
        ("name", &file.name),
        ("province", &file.province),
    ] {
        if value.trim().is_empty() {
            anyhow::bail!("{where_}: `{field}` is empty");
        }
    }
    if let Some(why) = crate::domain::communes::code_problem(file.code.trim()) {
        anyhow::bail!("{where_}: code {:?}: {why}", file.code);
    }
    if file.hamlets.is_empty() {
        anyhow::bail!("{where_}: a commune needs at least one hamlet");
    }
    let mut seen = std::collections::HashSet::new();
    for h in &file.hamlets {
        if h.trim().is_empty() {
            anyhow::bail!("{where_}: a hamlet has no name");
        }
        if !seen.insert(crate::text::fold(h)) {
            anyhow::bail!("{where_}: hamlet {h:?} is listed twice");
        }
    }
    if file.rules.escape_window_months == Some(0) {
        anyhow::bail!("{where_}: escape_window_months must be at least 1 (the letter: 36)");
    }
    if file.time_zone.parse::<chrono_tz::Tz>().is_err() {
        anyhow::bail!("{}: unknown time zone {:?}", path.display(), file.time_zone);
    }
    Ok(file)
}

/// Adds the commune a checked file describes.
pub async fn add_commune(
    store: &Store,
    file: &CommuneFile,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    if communes::by_code(&mut tx, &file.code).await?.is_some() {
        anyhow::bail!("commune {:?} already exists", file.code);
    }
    let (id, _) = create_commune(&mut tx, file, false, now).await?;
    let detail = serde_json::json!({ "code": file.code, "hamlets": file.hamlets.len() });
    audit::record(
        &mut tx,
        audit::Who::cli(id),
        "create",
        "commune",
        id,
        &detail,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(format!(
        "{}: {} {} (hamlets)",
        file.name,
        file.hamlets.len(),
        file.rules.words.hamlet
    ))
}

/// `giamngheo communes`: every commune of the database with its code, province and size,
/// and how a newcomer reaches it (the Telegram link when the bot's name is known).
pub async fn list_communes(
    store: &Store,
    telegram_bot: Option<&str>,
    default_commune: Option<&str>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let all = communes::summaries(&mut tx).await?;
    tx.commit().await?;
    if all.is_empty() {
        return Ok("Chưa có xã nào (no commune yet): giamngheo init --commune FILE".into());
    }
    let mut out = vec![];
    for c in &all {
        let demo = if c.is_demo { " (demo)" } else { "" };
        out.push(format!(
            "{}  {}{demo}, {}: {} thôn/xóm (hamlets), {} hộ (households), {} người (people)",
            c.code, c.name, c.province, c.hamlets, c.households, c.people
        ));
        if !c.is_demo {
            let mut reach = vec![format!("Zalo, console: {}", c.code)];
            if let Some(bot) = telegram_bot {
                reach.insert(
                    0,
                    format!("Telegram: {}", present::telegram_link(bot, &c.code)),
                );
            }
            out.push(format!("    {}", reach.join("; ")));
        }
    }
    let real = all.iter().filter(|c| !c.is_demo).count();
    match default_commune {
        Some(code) => out.push(format!("Người mới vào xã {code} (the setting `commune`).")),
        None if real > 1 => out.push(
            "Người mới chọn xã của mình, hoặc vào thẳng bằng mã xã hay đường link \
             (newcomers choose their commune, or come in by its code or link)."
                .into(),
        ),
        None => {}
    }
    Ok(out.join("\n"))
}

/// The commune the command line names with `--commune CODE`, or the default one; an error
/// an operator can act on when there is none.
pub(crate) async fn commune(tx: &mut Tx, code: Option<&str>) -> anyhow::Result<Commune> {
    communes::default_commune(tx, code)
        .await?
        .with_context(|| match code {
            Some(c) => format!("no commune {c:?}"),
            None => "no commune yet: run `giamngheo init --commune FILE` first".into(),
        })
}

/// A hamlet of the commune named on the command line (case and diacritics aside).
pub(crate) async fn hamlet_named(
    tx: &mut Tx,
    commune: &Commune,
    name: &str,
) -> anyhow::Result<Hamlet> {
    communes::hamlet_by_name(tx, commune.id, name)
        .await?
        .with_context(|| format!("no hamlet {name:?} in {}", commune.name))
}

/// Gives `identity` ("console:NAME", "telegram:12345", "zalo:6ede9afa…") a role in a commune,
/// creating the person if the bot has not met them yet.
#[allow(clippy::too_many_arguments)]
pub async fn grant(
    store: &Store,
    identity: &str,
    role: Role,
    hamlet: Option<&str>,
    org: Option<&str>,
    commune_code: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (channel, sender) = identity
        .split_once(':')
        .filter(|(c, s)| !c.is_empty() && !s.is_empty())
        .context("the identity is CHANNEL:ID, e.g. console:ba-lan or telegram:123456789")?;
    // Telegram knows people by a number (they can ask @userinfobot), never by @username,
    // which they can change.
    if channel == "telegram" && sender.parse::<i64>().is_err() {
        anyhow::bail!("a Telegram identity is the user's numeric id, not {sender:?}");
    }
    if !channel.chars().all(|c| c.is_ascii_lowercase()) {
        anyhow::bail!("{channel:?} is not a channel name (console, telegram, zalo)");
    }
    let mut tx = store.begin().await?;
    let commune = commune(&mut tx, commune_code).await?;
    let hamlet_id = match (role, hamlet) {
        (Role::GroupLeader, _) => {
            anyhow::bail!("a group chooses its leader (/truongnhom); nobody is granted it")
        }
        (Role::HamletHead, None) => anyhow::bail!("a hamlet head needs --hamlet NAME"),
        (Role::HamletHead, Some(name)) => Some(hamlet_named(&mut tx, &commune, name).await?.id),
        (_, Some(_)) => anyhow::bail!("--hamlet is only for hamlet heads"),
        (Role::Resident, None) => anyhow::bail!("everyone is a resident already"),
        (_, None) => None,
    };
    let org = match (role, org.map(str::trim).filter(|o| !o.is_empty())) {
        (Role::OrgRep | Role::BusinessRep, None) => {
            anyhow::bail!(
                "a representative needs --org NAME (e.g. \"Hội Nông dân\", a cooperative)"
            )
        }
        (Role::OrgRep | Role::BusinessRep, Some(o)) => Some(o),
        (_, Some(_)) => anyhow::bail!("--org is only for org_rep and business_rep"),
        (_, None) => None,
    };
    let person = match persons::by_identity(&mut tx, channel, sender).await? {
        // A role is given in the commune the person belongs to, never across communes.
        Some(p) if p.commune_id != commune.id => anyhow::bail!(
            "{identity} belongs to another commune; a role is given in one's own commune"
        ),
        Some(p) => p.id,
        None => {
            let id = persons::create(&mut tx, commune.id, sender, "vi", now).await?;
            // Private chats reply to the sender's own id on every platform we serve.
            persons::link_identity(&mut tx, channel, sender, id, sender, None).await?;
            id
        }
    };
    persons::grant(&mut tx, person, commune.id, role, hamlet_id, org, now).await?;
    audit::record(
        &mut tx,
        audit::Who::cli(commune.id),
        "grant",
        "person",
        person,
        &serde_json::json!({ "role": role.code(), "hamlet_id": hamlet_id, "org": org, "commune": commune.code }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(format!("{identity}: {} in {}", role.code(), commune.name))
}

/// Adds a commune deadline from the command line.
pub async fn deadline(
    store: &Store,
    commune_code: Option<&str>,
    title: &str,
    due: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if title.trim().is_empty() {
        anyhow::bail!("the deadline needs a title");
    }
    let mut tx = store.begin().await?;
    let commune = commune(&mut tx, commune_code).await?;
    let today = crate::clock::local_date(now, &commune.time_zone);
    if due < today {
        anyhow::bail!(
            "{} is past (today is {}): a deadline is a day ahead",
            crate::domain::input::format_date(due),
            crate::domain::input::format_date(today)
        );
    }
    let id = crate::store::digests::add_deadline(&mut tx, commune.id, title.trim(), due, None, now)
        .await?;
    audit::record(
        &mut tx,
        audit::Who::cli(commune.id),
        "create",
        "deadline",
        id,
        &serde_json::json!({ "due_on": due, "title": title.trim() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(format!(
        "#{id} {} – {}",
        title.trim(),
        crate::domain::input::format_date(due)
    ))
}

/// The open deadlines with the days left, for `giamngheo deadline list`.
pub async fn deadlines(
    store: &Store,
    commune_code: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let commune = commune(&mut tx, commune_code).await?;
    let today = crate::clock::local_date(now, &commune.time_zone);
    let list = crate::store::digests::open_deadlines(&mut tx, commune.id).await?;
    tx.commit().await?;
    if list.is_empty() {
        return Ok("không có hạn chót nào (no open deadline)".into());
    }
    let texts = crate::text::Texts::load()?;
    Ok(list
        .iter()
        .map(|d| deadline_line(&texts, d, today))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// "#1 Báo cáo – 20/07/2026 – còn 3 ngày", or "… – QUÁ HẠN 2 ngày": the digest's words.
fn deadline_line(
    texts: &crate::text::Texts,
    d: &crate::store::digests::Deadline,
    today: chrono::NaiveDate,
) -> String {
    let lang = crate::text::Lang::Vi;
    format!(
        "#{} {} – {} – {}",
        d.id,
        d.title,
        crate::domain::input::format_date(d.due_on),
        crate::present::deadline_when(texts, lang, d.due_on, today)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::digests::Deadline;

    #[test]
    fn an_overdue_deadline_says_so_in_words() {
        let texts = crate::text::Texts::load().unwrap();
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let d = Deadline {
            id: 1,
            title: "Báo cáo".into(),
            due_on: day(20),
        };
        assert_eq!(
            deadline_line(&texts, &d, day(27)),
            "#1 Báo cáo – 20/11/2026 – QUÁ HẠN 7 ngày"
        );
        assert_eq!(
            deadline_line(&texts, &d, day(18)),
            "#1 Báo cáo – 20/11/2026 – còn 2 ngày"
        );
    }
}
