//! `giamngheo bench --province`: whether a commune costs the same in a province's database as
//! alone. On a database of `communes` × `households` (built once, reused after; see
//! `province`), measured in the same run against a one-commune database of the same size and
//! an empty one:
//!
//! 1. one commune officer's digest (composed as the daily run composes each recipient's),
//!    province ÷ one commune, the two taking turns;
//! 2. the upper level's digest across the province (gathered and written);
//! 3. the province's workbook and one commune's, each written by the `giamngheo` binary
//!    itself in a process of its own: time and peak resident memory (Linux: `/proc`);
//! 4. the engine's message rate (household registrations) on the province ÷ on an empty
//!    database, in slices that take turns.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;

use super::figures::{SLICES, median, millis, thousands};
use super::province::{self, Province, Size};
use super::{script, throughput};
use crate::app::AppState;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::dialogue::setup;
use crate::store::{Store, scratch};

/// The targets.
const DIGEST_RATIO: f64 = 1.3;
const ENGINE_RATIO: f64 = 0.9;
const REPORT_SECS: f64 = 60.0;
const REPORT_MB: f64 = 150.0;

/// What `--province` measures, and how much.
#[derive(Debug, Clone)]
pub struct Plan {
    pub size: Size,
    /// Digests composed on each database (the median counts).
    pub digests: usize,
    /// Registrations through the engine on each database.
    pub registrations: usize,
    pub chats: usize,
}

/// A database of the bench, and the URL another process opens it with.
struct Db {
    store: Store,
    url: String,
}

/// A PostgreSQL schema of a fixed name (made if missing) at `url`: the province stays there
/// for the next run.
async fn postgres_schema(url: &str, schema: &str) -> anyhow::Result<Db> {
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use std::str::FromStr;
    let base = PgConnectOptions::from_str(url).context("the --postgres URL")?;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(base.clone())
        .await
        .context("connecting to PostgreSQL")?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
    )))
    .execute(&admin)
    .await?;
    admin.close().await;
    let store = Store::open_postgres(base.options([("search_path", schema)])).await?;
    let joiner = if url.contains('?') { '&' } else { '?' };
    Ok(Db {
        store,
        url: format!("{url}{joiner}options[search_path]={schema}"),
    })
}

async fn sqlite_file(path: &Path) -> anyhow::Result<Db> {
    let url = format!("sqlite:{}", path.display());
    let (store, _) = Store::open(&url).await?;
    Ok(Db { store, url })
}

/// The three databases: the province's and the one commune's (kept, reused), the empty one
/// (new every run).
async fn databases(size: Size, postgres: Option<&str>, dir: &Path) -> anyhow::Result<(Db, Db, Db)> {
    let name = |s: Size| format!("bench_province_{}x{}", s.communes, s.households);
    let one = Size {
        communes: 1,
        households: size.households,
    };
    Ok(match postgres {
        Some(url) => {
            let (empty, _) = scratch::postgres(url).await?;
            let Store::Postgres(pool) = &empty else {
                anyhow::bail!("a PostgreSQL scratch database that is not PostgreSQL");
            };
            let schema: String = sqlx::query_scalar("SELECT current_schema()")
                .fetch_one(pool)
                .await?;
            let joiner = if url.contains('?') { '&' } else { '?' };
            (
                postgres_schema(url, &name(size)).await?,
                postgres_schema(url, &name(one)).await?,
                Db {
                    store: empty,
                    url: format!("{url}{joiner}options[search_path]={schema}"),
                },
            )
        }
        None => {
            let tmp = std::env::temp_dir();
            let (empty, opts) = scratch::sqlite(dir).await?;
            (
                sqlite_file(&tmp.join(format!("giamngheo-{}.db", name(size)))).await?,
                sqlite_file(&tmp.join(format!("giamngheo-{}.db", name(one)))).await?,
                Db {
                    store: empty,
                    url: format!("sqlite:{}", opts.get_filename().display()),
                },
            )
        }
    })
}

/// `giamngheo bench --province`.
pub(crate) async fn main(plan: Plan, postgres: Option<String>) -> anyhow::Result<()> {
    anyhow::ensure!(
        plan.size.communes >= 1 && plan.size.households >= PER_MIN,
        "--communes must be at least 1 and --households at least {PER_MIN}"
    );
    anyhow::ensure!(
        plan.chats > 0 && plan.chats * SLICES <= 100,
        "--chats must be 1 to 25"
    );
    let dir = std::env::temp_dir().join(format!("giamngheo-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let measured = async {
        let (big, one, empty) = databases(plan.size, postgres.as_deref(), &dir).await?;
        let db = big.store.backend();
        let (p, reused) = province::build_or_reuse(&big.store, plan.size).await?;
        let (single, _) = province::build_or_reuse(
            &one.store,
            Size {
                communes: 1,
                households: plan.size.households,
            },
        )
        .await?;
        println!(
            "{db}: province of {} communes × {} households ({}), one-commune database of {}",
            plan.size.communes,
            thousands(plan.size.households as f64),
            if reused { "reused" } else { "built now" },
            thousands(plan.size.households as f64),
        );
        measure(&plan, &p, &single, (&big, &one, &empty), &dir).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    measured
}

/// The smallest commune: a group needs 200 households, a proposal 500.
const PER_MIN: usize = 500;

async fn measure(
    plan: &Plan,
    p: &Province,
    single: &Province,
    (big, one, empty): (&Db, &Db, &Db),
    dir: &Path,
) -> anyhow::Result<()> {
    let db = big.store.backend();
    // 1. One officer's digest: the last commune's (the engine registers in the first).
    let officer = *p.officers.last().context("the province's officers")?;
    let lone = single.officers[0];
    let app_big = AppState::new(big.store.clone(), Arc::new(SystemClock))?;
    let app_one = AppState::new(one.store.clone(), Arc::new(SystemClock))?;
    let (mut on_big, mut on_one) = (vec![], vec![]);
    // One of each first, unmeasured: caches warm alike.
    compose(&app_big, officer).await?;
    compose(&app_one, lone).await?;
    for _ in 0..plan.digests {
        on_big.push(Some(compose(&app_big, officer).await?.as_secs_f64()));
        on_one.push(Some(compose(&app_one, lone).await?.as_secs_f64()));
    }
    let (d_big, d_one) = (median(on_big), median(on_one));
    let ratio = d_big.zip(d_one).map(|(a, b)| a / b);
    println!(
        "{db}: one commune officer's digest: {} in the province, {} alone: {:.2}× \
         (target ≤ {DIGEST_RATIO}: {})",
        secs(d_big),
        secs(d_one),
        ratio.unwrap_or(f64::NAN),
        verdict(ratio.is_some_and(|r| r <= DIGEST_RATIO)),
    );

    // 2. The upper level's digest: the province's side, gathered and written as the daily
    // run does once per province and period.
    let mut upper = vec![];
    for _ in 0..plan.digests {
        upper.push(Some(upper_level(&app_big, &p.name).await?.as_secs_f64()));
    }
    println!(
        "{db}: the upper level's digest across {} communes: {}",
        p.communes.len(),
        secs(median(upper)),
    );

    // 3. The workbooks, each by the binary in a process of its own.
    let out = dir.join("tinh.xlsx");
    let r = export(&big.url, &["--province", &p.name], &out, dir).await?;
    println!(
        "{db}: province workbook ({} communes, {} households): {:.1} s, peak {:.1} MB, \
         {:.1} MB on disk (target < {REPORT_SECS} s and < {REPORT_MB} MB: {})",
        p.communes.len(),
        thousands((p.communes.len() * plan_households(plan)) as f64),
        r.elapsed.as_secs_f64(),
        mb(r.peak),
        mb(r.bytes),
        verdict(r.elapsed.as_secs_f64() < REPORT_SECS && mb(r.peak) < REPORT_MB),
    );
    let out = dir.join("xa.xlsx");
    let code = province::code(p.communes.len() - 1);
    let r = export(&big.url, &["--commune", &code], &out, dir).await?;
    println!(
        "{db}: one commune's workbook ({} households listed): {:.1} s, peak {:.1} MB, \
         {:.1} MB on disk",
        thousands(plan_households(plan) as f64),
        r.elapsed.as_secs_f64(),
        mb(r.peak),
        mb(r.bytes),
    );

    // 4. The engine, on the province and on an empty database, taking turns.
    crate::seed::ensure_demo(&empty.store, Utc::now()).await?;
    // Newcomers join the first commune, as a province's bot set to one commune (`commune` in
    // the settings) does: otherwise each would first be asked which of the hundred is theirs.
    let settings = Settings {
        commune: Some(province::code(0)),
        ..Settings::default()
    };
    let engine_big = Arc::new(setup::engine(&app_big, &settings)?);
    let app_empty = AppState::new(empty.store.clone(), Arc::new(SystemClock))?;
    let engine_empty = Arc::new(setup::engine(&app_empty, &Settings::default())?);
    // Each run on a reused province registers with phones and chats of its own.
    let run = province::next_run(&big.store).await?;
    let (mut t_big, mut t_empty) = (Duration::ZERO, Duration::ZERO);
    for slice in 0..SLICES {
        let n = throughput::share(plan.registrations, SLICES, slice);
        let tag = (run, slice);
        t_big += throughput::engine(&engine_big, n, plan.chats, tag).await?;
        t_empty += throughput::engine(&engine_empty, n, plan.chats, (0, slice)).await?;
    }
    let messages = (plan.registrations * script::SCRIPT.len()) as f64;
    let (r_big, r_empty) = (
        messages / t_big.as_secs_f64(),
        messages / t_empty.as_secs_f64(),
    );
    println!(
        "{db}: engine {} msg/s on the province, {} msg/s on an empty database: {:.2}× \
         (target ≥ {ENGINE_RATIO}: {})",
        thousands(r_big),
        thousands(r_empty),
        r_big / r_empty,
        verdict(r_big / r_empty >= ENGINE_RATIO),
    );
    empty.store.close().await;
    Ok(())
}

/// How long composing a person's digest of the last 24 hours takes, as the daily run does it
/// for each recipient: their commune's side of it (counted afresh, not from a cache), then
/// their own part, in one read. Not counted: reading the list of recipients and drawing the
/// commune's chart, each done once a run (a commune) for everyone.
async fn compose(app: &AppState, person: i64) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let mut tx = app.store.read().await?;
    let who = crate::store::persons::by_id(&mut tx, person).await?;
    let commune = crate::store::communes::by_id(&mut tx, who.commune_id).await?;
    let now = Utc::now();
    let period = crate::digest::Period {
        day: now.date_naive(),
        today: now.date_naive(),
        from: now - chrono::Duration::days(1),
        to: now,
    };
    let mut cache = crate::digest::Cache::default();
    let lang = crate::text::Lang::Vi;
    let reply = crate::digest::build(
        &app.texts, &mut tx, &mut cache, &commune, person, period, lang,
    )
    .await?;
    tx.commit().await?;
    anyhow::ensure!(reply.is_some(), "the officer's digest has nothing to say");
    Ok(start.elapsed())
}

/// How long the upper level's digest of the last 24 hours takes to gather and write.
async fn upper_level(app: &AppState, province: &str) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let now = Utc::now();
    let today = now.date_naive();
    let mut tx = app.store.read().await?;
    let from = now - chrono::Duration::days(1);
    let day =
        crate::digest::province::ProvinceDay::gather(&mut tx, province, false, today, from, now)
            .await?;
    tx.commit().await?;
    let text =
        crate::digest::province::render(&day, today, today, &app.texts, crate::text::Lang::Vi);
    anyhow::ensure!(
        text.is_some(),
        "the upper level's digest has nothing to say"
    );
    Ok(start.elapsed())
}

fn plan_households(plan: &Plan) -> usize {
    plan.size.households
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn secs(x: Option<f64>) -> String {
    x.map_or("—".into(), |s| millis(Duration::from_secs_f64(s)))
}

fn mb(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

/// One `giamngheo export` run.
struct Exported {
    elapsed: Duration,
    /// Peak resident memory, and the file's size, in bytes.
    peak: u64,
    bytes: u64,
}

/// Runs `giamngheo export ARGS --out OUT` on the database at `url`, in `dir` (so no settings
/// file of the caller's is read), and measures it.
async fn export(url: &str, args: &[&str], out: &Path, dir: &Path) -> anyhow::Result<Exported> {
    let exe = std::env::current_exe().context("finding the giamngheo binary")?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("export")
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--force")
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env_remove("GIAMNGHEO_DATABASE_URL")
        .env_remove("GIAMNGHEO_CONFIG")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let start = Instant::now();
    let child = cmd.spawn().context("starting giamngheo export")?;
    let (output, peak) = tokio::task::spawn_blocking(move || watch(child))
        .await
        .context("waiting for giamngheo export")??;
    let elapsed = start.elapsed();
    anyhow::ensure!(
        output.status.success(),
        "giamngheo export {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = std::fs::metadata(out)
        .with_context(|| format!("reading {}", out.display()))?
        .len();
    Ok(Exported {
        elapsed,
        peak,
        bytes,
    })
}

/// Waits for the child, reading its peak resident memory (VmHWM, bytes) every 2 ms while it
/// runs: the peak is kept by the kernel, so a read after it happened sees it. (The kernel's
/// own count at exit, `wait4`'s `ru_maxrss`, is no good here: it starts from what the bench
/// itself holds when it spawns the child.) Linux only.
fn watch(mut child: std::process::Child) -> anyhow::Result<(std::process::Output, u64)> {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = vec![];
        if let Some(e) = stderr.as_mut() {
            let _ = std::io::Read::read_to_end(e, &mut text);
        }
        text
    });
    let exit = loop {
        if let Some(line) = std::fs::read_to_string(&status).ok().and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(String::from)
        }) {
            let kb: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or_default();
            peak = peak.max(kb * 1024);
        }
        if let Some(exit) = child.try_wait().context("waiting for giamngheo export")? {
            break exit;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stderr = reader.join().unwrap_or_default();
    Ok((
        std::process::Output {
            status: exit,
            stdout: vec![],
            stderr,
        },
        peak,
    ))
}
