//! `giamngheo bench`: what the bot costs and how it holds up, measured in one run on a
//! throwaway database (a SQLite file, and with `--postgres` a new schema), in rounds that
//! take every measurement in turn so that the machine's noise falls on all of them alike:
//!
//! 1. the floor: a bare single-row upsert in its own transaction, on the store's own pool
//!    (same durability settings), from as many tasks as the engine gets;
//! 2. the engine: household registrations through `Engine::handle`, as messages a second,
//!    and its rate over the floor's (the two take turns in slices within a round);
//! 3. end to end through the real Telegram adapter against a local Bot API stand-in, under
//!    Telegram's limits: a crowd sending everything at once (how close the replies come to
//!    the 30 messages/s cap, their latency, how long a user waits for a first reply), then
//!    one quiet user's reply latency, then the daily digest to many hamlet heads.
//!
//! Each round prints as it ends; then the medians, with the targets set for them. Last, on
//! SQLite, the resident memory of a separate `giamngheo run` with many conversations open.

mod digest;
mod e2e;
mod figures;
mod memory;
pub mod province;
mod scale;
mod script;
mod standin;
mod throughput;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::app::AppState;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::dialogue::setup;
use crate::store::{Store, scratch};
use e2e::{Crowd, Quiet, Spread};
use figures::{SLICES, median, millis, thousands};
pub use scale::Plan as ProvincePlan;
pub(crate) use scale::main as province_main;
pub use script::Plan;

/// The targets the measurements are held to.
const ENGINE_OVER_FLOOR: f64 = 0.5;
const CROWD_OVER_CAP: f64 = 1.2;
const QUIET_P50: Duration = Duration::from_millis(50);
const RESIDENT_MB: f64 = 60.0;

/// One round's measurements.
struct Round {
    /// Commits (floor) and messages (engine) each made, and how long they took.
    messages: usize,
    floor: Duration,
    engine: Duration,
    crowd: Crowd,
    quiet: Quiet,
    digest: digest::Digest,
}

impl Round {
    fn floor_rate(&self) -> f64 {
        self.messages as f64 / self.floor.as_secs_f64()
    }

    fn engine_rate(&self) -> f64 {
        self.messages as f64 / self.engine.as_secs_f64()
    }

    fn over_floor(&self) -> f64 {
        self.engine_rate() / self.floor_rate()
    }

    /// None when no reply came at all.
    fn over_cap(&self) -> Option<f64> {
        let cap = self.crowd.cap_time().as_secs_f64();
        (cap > 0.0).then(|| self.crowd.elapsed.as_secs_f64() / cap)
    }
}

/// `giamngheo bench`: the rounds on SQLite (a file in a temporary folder, removed after),
/// then on PostgreSQL (a new schema at `postgres`) if given.
pub(crate) async fn main(plan: Plan, postgres: Option<String>) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=32).contains(&plan.rounds),
        "--rounds must be 1 to 32 (each round takes phone numbers of its own)"
    );
    anyhow::ensure!(
        plan.chats > 0 && plan.users > 0 && plan.users < 10_000,
        "--chats must be at least 1, --users 1 to 9,999"
    );
    let dir = std::env::temp_dir().join(format!("giamngheo-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let (store, _) = scratch::sqlite(&dir).await?;
    let measured = measure(&store, &plan).await;
    store.close().await;
    std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    print_summary("sqlite", &plan, &measured?);
    if plan.conversations > 0 {
        let m = memory::run(plan.conversations)
            .await
            .context("measuring memory")?;
        let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
        println!(
            "memory: `giamngheo run` with {} conversations open ({} answered): resident {:.1} MB, \
             peak {:.1} MB (target < {RESIDENT_MB} MB: {})",
            thousands(m.conversations as f64),
            thousands(m.replies as f64),
            mb(m.resident),
            mb(m.peak),
            if m.replies == m.conversations && mb(m.resident) < RESIDENT_MB {
                "met"
            } else {
                "MISSED"
            },
        );
    }
    if let Some(url) = postgres {
        let (store, _) = scratch::postgres(&url).await?;
        let measured = measure(&store, &plan).await;
        store.close().await;
        print_summary("postgres", &plan, &measured?);
    }
    Ok(())
}

/// Every round on one database, each printed as it ends.
async fn measure(store: &Store, plan: &Plan) -> anyhow::Result<Vec<Round>> {
    crate::seed::ensure_demo(store, chrono::Utc::now()).await?;
    throughput::prepare(store).await?;
    digest::prepare(store, plan).await?;
    let app = AppState::new(store.clone(), Arc::new(SystemClock))?;
    let engine = Arc::new(setup::engine(&app, &Settings::default())?);
    let messages = plan.registrations * script::SCRIPT.len();
    let mut rounds = vec![];
    for round in 0..plan.rounds {
        let (mut floor, mut engine_time) = (Duration::ZERO, Duration::ZERO);
        for slice in 0..SLICES {
            let registrations = throughput::share(plan.registrations, SLICES, slice);
            let commits = registrations * script::SCRIPT.len();
            let label = format!("r{round}s{slice}");
            floor += throughput::floor(store, commits, plan.chats, &label)
                .await
                .context("measuring the floor")?;
            engine_time += throughput::engine(&engine, registrations, plan.chats, (round, slice))
                .await
                .context("measuring the engine")?;
        }
        let (crowd, quiet, digest) = e2e::run(engine.clone(), plan, round)
            .await
            .context("measuring end to end")?;
        let r = Round {
            messages,
            floor,
            engine: engine_time,
            crowd,
            quiet,
            digest,
        };
        print_round(store.backend(), round + 1, plan, &r);
        rounds.push(r);
    }
    Ok(rounds)
}

fn print_round(db: &str, n: usize, plan: &Plan, r: &Round) {
    println!(
        "{db} round {n}: floor {} commits/s, engine {} msg/s: {:.2}× the floor ({} each, {} tasks)",
        thousands(r.floor_rate()),
        thousands(r.engine_rate()),
        r.over_floor(),
        thousands(r.messages as f64),
        plan.chats,
    );
    let c = &r.crowd;
    println!(
        "{db} round {n}: {} users × {} messages at once: {}/{} replies in {:.1} s = {:.1}/s, \
         {}× the {}/s cap's {:.1} s",
        plan.users,
        plan.messages,
        thousands(c.replies as f64),
        thousands(c.expected as f64),
        c.elapsed.as_secs_f64(),
        c.replies as f64 / c.elapsed.as_secs_f64().max(f64::EPSILON),
        ratio(r.over_cap()),
        c.cap_per_sec,
        c.cap_time().as_secs_f64(),
    );
    println!(
        "{db} round {n}: reply latency {} (at the cap, first come first served: {}); \
         a user's first reply {}",
        spread(c.latency),
        spread(c.cap_latency()),
        spread(c.first),
    );
    let q = &r.quiet;
    println!(
        "{db} round {n}: one quiet user, {} messages {} ms apart: {}/{} replies, latency {} \
         (from the user's send {})",
        q.expected,
        plan.think.as_millis(),
        q.replies,
        q.expected,
        spread(q.latency),
        spread(q.seen),
    );
    let d = &r.digest;
    println!(
        "{db} round {n}: digest, {} people due: {}/{} messages ({} chart upload(s)) in \
         {:.1} s, {}× the {}/s cap's {:.1} s",
        d.recipients,
        thousands(d.sent as f64),
        thousands(d.expected as f64),
        d.uploads,
        d.elapsed.as_secs_f64(),
        ratio(d.over_cap()),
        d.cap_per_sec,
        d.cap_time().as_secs_f64(),
    );
}

/// The medians of the rounds, each beside its target.
fn print_summary(db: &str, plan: &Plan, rounds: &[Round]) {
    let over_floor = median(rounds.iter().map(|r| Some(r.over_floor())).collect());
    let over_cap = median(rounds.iter().map(Round::over_cap).collect());
    let quiet_p50 = median(
        rounds
            .iter()
            .map(|r| r.quiet.latency.map(|s| s.p50.as_secs_f64()))
            .collect(),
    );
    let digest_over_cap = median(rounds.iter().map(|r| r.digest.over_cap()).collect());
    let all = rounds.iter().all(|r| {
        r.crowd.replies == r.crowd.expected
            && r.quiet.replies == r.quiet.expected
            && r.digest.sent == r.digest.expected
    });
    let verdict = |met: Option<bool>| match met {
        Some(true) => "met",
        _ => "MISSED",
    };
    println!(
        "{db} median of {} round(s): engine {}× the floor (target ≥ {ENGINE_OVER_FLOOR}: {}); \
         {} × {} at once {}× the cap's time (target ≤ {CROWD_OVER_CAP}: {}); \
         quiet p50 {} (target < {} ms: {}); digest to {} {}× the cap's time (target ≤ \
         {CROWD_OVER_CAP}: {}){}",
        rounds.len(),
        ratio(over_floor),
        verdict(over_floor.map(|x| x >= ENGINE_OVER_FLOOR)),
        plan.users,
        plan.messages,
        ratio(over_cap),
        verdict(over_cap.map(|x| all && x <= CROWD_OVER_CAP)),
        quiet_p50.map_or("none".into(), |s| millis(Duration::from_secs_f64(s))),
        QUIET_P50.as_millis(),
        verdict(quiet_p50.map(|s| s < QUIET_P50.as_secs_f64())),
        plan.recipients,
        ratio(digest_over_cap),
        verdict(digest_over_cap.map(|x| all && x <= CROWD_OVER_CAP)),
        if all { "" } else { "; SOME REPLIES MISSING" },
    );
}

fn ratio(x: Option<f64>) -> String {
    x.map_or("—".into(), |x| format!("{x:.2}"))
}

fn spread(s: Option<Spread>) -> String {
    match s {
        Some(s) => format!("p50 {}, p99 {}", millis(s.p50), millis(s.p99)),
        None => "none measured".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TelegramLimits;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(millis(Duration::from_micros(12_345)), "12.3 ms");
        assert_eq!(millis(Duration::from_millis(61_500)), "61.50 s");
        assert_eq!(median(vec![Some(3.0), Some(1.0), Some(2.0)]), Some(2.0));
        assert_eq!(median(vec![Some(4.0), Some(1.0)]), Some(2.5));
        assert_eq!(median(vec![Some(4.0), None]), None);
    }

    /// The whole bench on a small scale: the stand-in, the real adapter and every
    /// measurement, with every reply accounted for. Limits are raised so it runs in seconds.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_bench_runs_end_to_end_and_sees_every_reply() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = scratch::sqlite(dir.path()).await.unwrap();
        let plan = Plan {
            registrations: 2,
            chats: 2,
            users: 3,
            messages: 9,
            quiet: 4,
            think: Duration::ZERO,
            recipients: 3,
            // Needs the giamngheo binary: tests/cli.rs runs it.
            conversations: 0,
            // Two: a round must not trip over what the one before left (update ids, chats).
            rounds: 2,
            limits: Some(TelegramLimits {
                per_chat_per_sec: 1000,
                per_chat_per_min: 60_000,
                overall_per_sec: 1000,
            }),
        };
        let rounds = measure(&store, &plan).await.unwrap();
        store.close().await;
        assert_eq!(rounds.len(), 2);
        for r in &rounds {
            assert_eq!(r.messages, 18);
            assert!(r.floor > Duration::ZERO && r.engine > Duration::ZERO);
            assert_eq!((r.crowd.expected, r.crowd.replies), (27, 27));
            assert_eq!(r.crowd.cap_per_sec, 1000.0);
            assert!(r.crowd.latency.is_some() && r.crowd.first.is_some());
            assert!(r.over_cap().is_some());
            assert_eq!((r.quiet.expected, r.quiet.replies), (4, 4));
            assert!(r.quiet.latency.is_some() && r.quiet.seen.is_some());
            // Each of the three hamlet heads gets their text and the chart; the chart of
            // the round's day goes up once and then by Telegram's id.
            // (The demo commune's own staff have nothing waiting and are not written to.)
            assert_eq!((r.digest.expected, r.digest.sent), (6, 6));
            assert_eq!(r.digest.uploads, 1);
        }
    }
}
