//! A province's database for `giamngheo bench --province` (and the tests of query plans):
//! `communes` communes of `households` households each, with staff, people with a disability,
//! groups, proposals, deadlines and the audit log in proportion, written in large multi-row
//! statements inside one transaction per commune. A marker table says what was built, so a
//! later run reuses it instead of spending minutes again.

use anyhow::Context;
use chrono::{DateTime, Duration, SecondsFormat, Utc};

use crate::domain::Role;
use crate::store::communes::{self, NewCommune};
use crate::store::{Store, Tx, digests, execute, on_tx, persons};

/// Rows per INSERT statement: well under either database's limits on statement size.
const BATCH: usize = 1_000;
/// Hamlets in every commune.
pub const HAMLETS: usize = 10;
/// One of each per this many households.
const PER_RESIDENT: usize = 100;
const PER_DISABLED: usize = 50;
const PER_GROUP: usize = 200;
const PER_PROPOSAL: usize = 500;
/// Members of every group.
const MEMBERS: usize = 5;
/// Registrations are spread over the year before the build.
const SPREAD_DAYS: i64 = 365;

/// How big a province to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub communes: usize,
    pub households: usize,
}

/// What a built province holds that a measurement needs.
#[derive(Debug, Clone)]
pub struct Province {
    pub name: String,
    /// Every commune's id, in the order built.
    pub communes: Vec<i64>,
    /// Each commune's culture-social officer and first hamlet head, in the same order.
    pub officers: Vec<i64>,
    pub heads: Vec<i64>,
    /// When it was built (its data lies in the year before).
    pub built_at: DateTime<Utc>,
}

/// The province's name in `communes.province`.
pub const NAME: &str = "Tỉnh Thử Nghiệm";

/// The province of `size` in `store`: the one built before, if the marker says so, else a new
/// one (the store should then be empty of communes). Says on stderr what it does and how long
/// it took.
pub async fn build_or_reuse(store: &Store, size: Size) -> anyhow::Result<(Province, bool)> {
    let mut tx = store.begin().await?;
    execute!(
        &mut tx,
        "CREATE TABLE IF NOT EXISTS bench_province (communes BIGINT NOT NULL,
            households BIGINT NOT NULL, built_at TEXT NOT NULL, runs BIGINT NOT NULL)"
    )
    .context("creating the marker table")?;
    let marker: Option<(i64, i64, String)> = on_tx!(&mut tx, |conn| sqlx::query_as(
        "SELECT communes, households, built_at FROM bench_province"
    )
    .fetch_optional(conn)
    .await)?;
    tx.commit().await?;
    if let Some((c, h, at)) = marker {
        anyhow::ensure!(
            (c as usize, h as usize) == (size.communes, size.households),
            "this database holds a province of {c} × {h} households, not {} × {}: \
             use another database",
            size.communes,
            size.households
        );
        let built_at = DateTime::parse_from_rfc3339(&at)
            .context("the marker's time")?
            .with_timezone(&Utc);
        return Ok((read(store, size, built_at).await?, true));
    }
    let now = Utc::now();
    let start = std::time::Instant::now();
    let province = build(store, size, now).await?;
    let mut tx = store.begin().await?;
    execute!(
        &mut tx,
        "INSERT INTO bench_province (communes, households, built_at, runs)
         VALUES ($1, $2, $3, 0)",
        size.communes as i64,
        size.households as i64,
        now.to_rfc3339_opts(SecondsFormat::Micros, true)
    )?;
    tx.commit().await?;
    eprintln!(
        "built {} communes × {} households in {:.0} s",
        size.communes,
        size.households,
        start.elapsed().as_secs_f64()
    );
    Ok((province, false))
}

/// How many measurements ran on this province before (each takes phone numbers of its own),
/// counting this one.
pub async fn next_run(store: &Store) -> anyhow::Result<usize> {
    let mut tx = store.begin().await?;
    execute!(&mut tx, "UPDATE bench_province SET runs = runs + 1")?;
    let runs: i64 = on_tx!(&mut tx, |conn| sqlx::query_scalar(
        "SELECT runs FROM bench_province"
    )
    .fetch_one(conn)
    .await)?;
    tx.commit().await?;
    Ok(runs as usize)
}

/// The code of the province's commune number `i` (from 0).
pub fn code(i: usize) -> String {
    format!("tinh-thu-{:03}", i + 1)
}

/// The people a built province's measurements act as, read back.
async fn read(store: &Store, size: Size, built_at: DateTime<Utc>) -> anyhow::Result<Province> {
    let mut tx = store.read().await?;
    let mut p = Province {
        name: NAME.into(),
        communes: vec![],
        officers: vec![],
        heads: vec![],
        built_at,
    };
    for i in 0..size.communes {
        let c = communes::by_code(&mut tx, &code(i))
            .await?
            .with_context(|| format!("commune {} of the marker is missing", code(i)))?;
        let officer = persons::with_role(&mut tx, c.id, Role::CultureOfficer).await?;
        let heads = persons::with_role(&mut tx, c.id, Role::HamletHead).await?;
        p.communes.push(c.id);
        p.officers
            .push(*officer.first().context("the commune's officer")?);
        p.heads
            .push(*heads.first().context("the commune's hamlet head")?);
    }
    tx.commit().await?;
    Ok(p)
}

/// A timestamp as a literal both databases read as what sqlx writes (text on SQLite).
fn at(t: DateTime<Utc>) -> String {
    format!("'{}'", t.to_rfc3339_opts(SecondsFormat::AutoSi, false))
}

/// Runs a multi-row INSERT: `head` then the rows, comma-separated. Every value is made here
/// from numbers and fixed words, never from input.
async fn insert(tx: &mut Tx, head: &str, rows: &[String]) -> anyhow::Result<()> {
    for chunk in rows.chunks(BATCH) {
        let sql = format!("{head} VALUES {}", chunk.join(","));
        on_tx!(tx, |conn| sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(conn)
            .await
            .map(|_| ()))
        .with_context(|| format!("{head}…"))?;
    }
    Ok(())
}

/// The largest id of a table, to number the rows inserted next.
async fn max_id(tx: &mut Tx, table: &str) -> anyhow::Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(sqlx::AssertSqlSafe(
        sql
    ))
    .fetch_one(conn)
    .await)?)
}

const CATEGORIES: [&str; 10] = [
    "poor",
    "poor",
    "poor",
    "near_poor",
    "near_poor",
    "newly_escaped",
    "other",
    "other",
    "other",
    "other",
];

/// Builds the province at `now`, one commune per transaction.
pub async fn build(store: &Store, size: Size, now: DateTime<Utc>) -> anyhow::Result<Province> {
    let mut p = Province {
        name: NAME.into(),
        communes: vec![],
        officers: vec![],
        heads: vec![],
        built_at: now,
    };
    for i in 0..size.communes {
        let mut tx = store.begin().await?;
        let (id, officer, head) = commune(&mut tx, i, size.households, now).await?;
        tx.commit().await?;
        p.communes.push(id);
        p.officers.push(officer);
        p.heads.push(head);
        if (i + 1) % 10 == 0 {
            eprintln!("  {} communes of {} built", i + 1, size.communes);
        }
    }
    // PostgreSQL plans by the tables' statistics, which its autovacuum gathers some time after
    // a load this size: gathered now. (SQLite keeps none unless asked, and the program never
    // asks: its plans stay as they are in a commune's own database.)
    let mut tx = store.begin().await?;
    if tx.is_postgres() {
        // The tables written here, in this schema (a bare ANALYZE takes every schema's).
        execute!(
            &mut tx,
            "ANALYZE communes, hamlets, persons, identities, roles, households, audit_log,
                disabled_persons, groups, group_members, proposals, proposal_events, deadlines"
        )?;
    }
    tx.commit().await?;
    Ok(p)
}

/// One commune `i` with `n` households: (its id, its officer, its first hamlet head).
async fn commune(
    tx: &mut Tx,
    i: usize,
    n: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, i64, i64)> {
    let code = code(i);
    let name = format!("Xã Thử {}", i + 1);
    let id = communes::create(
        tx,
        &NewCommune {
            code: &code,
            name: &name,
            district: "Huyện Thử",
            province: NAME,
            time_zone: "Asia/Ho_Chi_Minh",
            rules: "{}",
            is_demo: false,
        },
        now,
    )
    .await?;
    let mut hamlets = vec![];
    let mut heads = vec![];
    for k in 0..HAMLETS {
        let hamlet = communes::add_hamlet(tx, id, &format!("Xóm {}", k + 1), k as i64).await?;
        let head = staff(tx, id, &format!("{code}-truongxom{}", k + 1), now).await?;
        persons::grant(tx, head, id, Role::HamletHead, Some(hamlet), None, now).await?;
        hamlets.push(hamlet);
        heads.push(head);
    }
    let officer = staff(tx, id, &format!("{code}-canbo"), now).await?;
    persons::grant(tx, officer, id, Role::CultureOfficer, None, None, now).await?;
    let agri = staff(tx, id, &format!("{code}-khuyennong"), now).await?;
    persons::grant(tx, agri, id, Role::AgriOfficer, None, None, now).await?;
    for (d, title) in [(-3, "Báo cáo tháng"), (20, "Báo cáo quý")] {
        let due = now.date_naive() + Duration::days(d);
        digests::add_deadline(tx, id, title, due, None, now).await?;
    }

    // Residents who registered the households.
    let first_person = max_id(tx, "persons").await? + 1;
    let residents = n.div_ceil(PER_RESIDENT).max(1);
    let rows: Vec<String> = (0..residents)
        .map(|r| format!("({id}, 'Người dân {r}', 'vi', {})", at(now)))
        .collect();
    insert(
        tx,
        "INSERT INTO persons (commune_id, display_name, lang, created_at)",
        &rows,
    )
    .await?;

    // Households, oldest first, and the audit entries of their registration and review.
    let first_household = max_id(tx, "households").await? + 1;
    let mut rows = Vec::with_capacity(n);
    let mut audit = Vec::with_capacity(2 * n);
    let mut statuses = Vec::with_capacity(n);
    for h in 0..n {
        let created = now - Duration::seconds(SPREAD_DAYS * 86_400 * (n - h) as i64 / n as i64);
        let hamlet = hamlets[h % HAMLETS];
        let by = first_person + (h % residents) as i64;
        let category = CATEGORIES[h % CATEGORIES.len()];
        let status = match h % 20 {
            0 | 1 => "claimed",
            2 => "rejected",
            _ => "confirmed",
        };
        // A claimed one is recent: a hamlet head reviews within days.
        let created = if status == "claimed" {
            now - Duration::hours((h % 200) as i64)
        } else {
            created
        };
        let reviewed = created + Duration::hours(20);
        let (reviewer, reviewed_at) = match status {
            "claimed" => ("NULL".to_string(), "NULL".to_string()),
            _ => (heads[h % HAMLETS].to_string(), at(reviewed)),
        };
        let escaped = match category {
            "newly_escaped" => format!("'{}'", (created - Duration::days(30)).date_naive()),
            _ => "NULL".into(),
        };
        let name = format!("Hộ {h}");
        let fold = crate::text::fold(&name);
        let phone = format!("03{:02}{:06}", i % 100, h);
        let reason = match status {
            "rejected" => "'Không ở xóm'",
            _ => "NULL",
        };
        rows.push(format!(
            "({id}, {hamlet}, '{name}', '{fold}', 'Số {h}', '{phone}', {members}, '{category}', \
             {escaped}, NULL, NULL, '{status}', {reason}, {by}, {reviewer}, {reviewed_at}, {c}, \
             {c})",
            members = 2 + h % 5,
            c = at(created),
        ));
        let hid = first_household + h as i64;
        audit.push(format!(
            "({c}, {by}, 'zalo', {id}, 'register', 'household', {hid}, '{{}}')",
            c = at(created)
        ));
        if status != "claimed" {
            let action = if status == "confirmed" {
                "confirm"
            } else {
                "reject"
            };
            audit.push(format!(
                "({r}, {reviewer}, 'zalo', {id}, '{action}', 'household', {hid}, '{{}}')",
                r = at(reviewed)
            ));
        }
        statuses.push((hid, hamlet, status == "confirmed", created));
    }
    insert(
        tx,
        "INSERT INTO households (commune_id, hamlet_id, head_name, name_key, address, phone,
            members, category, escaped_on, escape_decision, cccd, status, reject_reason,
            registered_by, reviewed_by, reviewed_at, created_at, updated_at)",
        &rows,
    )
    .await?;
    drop(rows);

    // People with a disability, in households of their hamlet.
    let rows: Vec<String> = statuses
        .iter()
        .step_by(PER_DISABLED)
        .map(|(hid, hamlet, _, created)| {
            format!(
                "({id}, {hamlet}, {hid}, 'Người khuyết tật {hid}', 1970, {officer}, {})",
                at(*created)
            )
        })
        .collect();
    insert(
        tx,
        "INSERT INTO disabled_persons (commune_id, hamlet_id, household_id, full_name,
            birth_year, recorded_by, created_at)",
        &rows,
    )
    .await?;

    // Groups of confirmed households of one hamlet, each led by its creator (the hamlet
    // head); a third forming, a third asking to be established, a third established.
    let confirmed: Vec<_> = statuses.iter().filter(|s| s.2).collect();
    let first_group = max_id(tx, "groups").await? + 1;
    let groups = n / PER_GROUP;
    let mut rows = vec![];
    let mut members = vec![];
    for g in 0..groups {
        let gid = first_group + g as i64;
        let k = g % HAMLETS;
        let mine: Vec<_> = confirmed
            .iter()
            .filter(|s| s.1 == hamlets[k])
            .skip((g / HAMLETS) * MEMBERS)
            .take(MEMBERS)
            .collect();
        let created = now - Duration::days((groups - g) as i64 % 300 + 1);
        let (status, requested, decision) = match g % 3 {
            0 => ("forming", "NULL".to_string(), "NULL, NULL".to_string()),
            1 => ("requested", at(created), "NULL, NULL".to_string()),
            _ => (
                "established",
                at(created),
                format!("'{g}/QĐ-UBND', '{}'", created.date_naive()),
            ),
        };
        rows.push(format!(
            "({id}, {hamlet}, 'Nhóm {gid}', 'Hội Nông dân', 'Nuôi bò', 'B{gid:07}', '{status}', \
             {head}, {requested}, {decision}, {c}, {c})",
            hamlet = hamlets[k],
            head = heads[k],
            c = at(created),
        ));
        for m in &mine {
            members.push(format!(
                "({gid}, {hid}, 'commune', 2024, TRUE, {head}, {c})",
                hid = m.0,
                head = heads[k],
                c = at(created)
            ));
        }
        audit.push(format!(
            "({c}, {head}, 'zalo', {id}, 'create', 'group', {gid}, '{{}}')",
            head = heads[k],
            c = at(created)
        ));
    }
    insert(
        tx,
        "INSERT INTO groups (commune_id, hamlet_id, name, org, product, join_code, status,
            leader_id, requested_at, decision_no, decision_date, created_at, updated_at)",
        &rows,
    )
    .await?;
    insert(
        tx,
        "INSERT INTO group_members (group_id, household_id, recognised_level, recognised_year,
            experienced, added_by, joined_at)",
        &members,
    )
    .await?;

    // Proposals of established groups, at every step of their path.
    const PATH: [&str; 7] = [
        "submitted",
        "under_appraisal",
        "forwarded",
        "approved",
        "in_progress",
        "returned",
        "finished",
    ];
    let first_proposal = max_id(tx, "proposals").await? + 1;
    let mut rows = vec![];
    let mut events = vec![];
    for q in 0..n / PER_PROPOSAL {
        let pid = first_proposal + q as i64;
        let group = first_group + (3 * q + 2).min(groups.saturating_sub(1)) as i64;
        let status = PATH[q % PATH.len()];
        let updated = now - Duration::days((q % 40) as i64 + 1);
        rows.push(format!(
            "({id}, 'p2_community', {group}, NULL, {officer}, '{{}}', 'Dự án {pid}', \
             300000000, 200000000, 100000000, '{status}', {c}, {u})",
            c = at(updated - Duration::days(10)),
            u = at(updated),
        ));
        events.push(format!(
            "({pid}, {u}, {officer}, 'submitted', '{status}', NULL)",
            u = at(updated)
        ));
        audit.push(format!(
            "({u}, {officer}, 'zalo', {id}, 'submit', 'proposal', {pid}, '{{}}')",
            u = at(updated)
        ));
    }
    insert(
        tx,
        "INSERT INTO proposals (commune_id, kind, group_id, partners, submitted_by, answers,
            title, total_cost, support, own_contribution, status, created_at, updated_at)",
        &rows,
    )
    .await?;
    insert(
        tx,
        "INSERT INTO proposal_events (proposal_id, at, actor_id, from_status, to_status,
            comment)",
        &events,
    )
    .await?;
    insert(
        tx,
        "INSERT INTO audit_log (at, actor_id, channel, commune_id, action, entity, entity_id,
            detail)",
        &audit,
    )
    .await?;
    Ok((id, officer, heads[0]))
}

/// A staff member reached on the console as `name`.
async fn staff(tx: &mut Tx, commune: i64, name: &str, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let id = persons::create(tx, commune, name, "vi", now).await?;
    persons::link_identity(tx, "console", name, id, name, Some(now)).await?;
    Ok(id)
}
