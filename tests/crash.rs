//! Kill -9 under load: the real `giamngheo run` against the local Bot API stand-in while
//! simulated Telegram users register households, killed with SIGKILL at random moments and
//! started again. At the end no registration is lost or doubled and every chat answers.
//! `KILL_CYCLES=100 cargo test --test crash` for a long run (a few cycles by default).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use common::telegram_mock::{self as tg, Mock};
use giamngheo::store::Store;

/// Users registering at the same time.
const CONCURRENT: usize = 20;

/// A tiny seeded random source: the run can be repeated from the seed it prints.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

/// Starts `giamngheo run` on `url`, polling the stand-in.
fn start(dir: &Path, url: &str, mock: &Mock) -> Child {
    let config = dir.join("giamngheo.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = {url:?}\ntelegram_token = {token:?}\ntelegram_api_url = {api:?}\n\
             [telegram_limits]\nper_chat_per_sec = 50\nper_chat_per_min = 1000\n\
             overall_per_sec = 200\n",
            token = tg::TOKEN,
            api = mock.url,
        ),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_giamngheo"));
    cmd.arg("--config").arg(&config).arg("run").current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("GIAMNGHEO_")
            || k.starts_with("TELOXIDE_")
            || k == "DATABASE_URL"
            || k == "ZALO_BOT_TOKEN"
        {
            cmd.env_remove(k);
        }
    }
    cmd.env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start giamngheo run")
}

/// A user's answers to `/dangky`, as tests/telegram.rs gives them: a poor household in
/// Xóm Nam Sơn, with a phone of the user's own.
fn answers(user: i64) -> Vec<String> {
    let phone = format!("09{:08}", user % 100_000_000);
    // Names take letters only: the user's number spelled in letters.
    let name: String = user
        .to_string()
        .chars()
        .map(|d| (b'a' + d.to_digit(10).unwrap() as u8) as char)
        .collect();
    [
        "/dangky",
        &format!("Người Dùng {name}"),
        "2",
        "Số 1",
        &phone,
        "2",
        "1",
        "bỏ qua",
        "1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn saved(mock: &Mock, user: i64) -> bool {
    mock.sent(user)
        .iter()
        .any(|m| m["text"].as_str().unwrap_or("").starts_with("Đã lưu hộ"))
}

/// One user registering: each answer after the bot's reply to the last one, however long
/// the bot is away. A reply sent twice only makes the user answer early; answers are
/// handled in order.
async fn user(mock: Mock, user: i64, done: Arc<AtomicBool>) {
    let answers = answers(user);
    for a in &answers {
        let before = mock.sent(user).len();
        mock.push(tg::text(user, a));
        while mock.sent(user).len() <= before {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // The last answer's reply may be an earlier one sent twice: wait for the confirmation.
    while !saved(&mock, user) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done.store(true, Ordering::Relaxed);
}

/// Households per Telegram user and how many share a phone.
async fn households(store: &Store) -> (BTreeMap<i64, i64>, i64) {
    let per_user = "SELECT i.sender_id, COUNT(h.id) FROM households h
        JOIN identities i ON i.person_id = h.registered_by AND i.channel = 'telegram'
        GROUP BY i.sender_id";
    let doubled = "SELECT COUNT(*) FROM (SELECT phone FROM households
        GROUP BY phone HAVING COUNT(*) > 1) d";
    let (rows, doubled): (Vec<(String, i64)>, i64) = match store {
        Store::Sqlite(p) => (
            sqlx::query_as(per_user).fetch_all(p).await.unwrap(),
            sqlx::query_scalar(doubled).fetch_one(p).await.unwrap(),
        ),
        Store::Postgres(p) => (
            sqlx::query_as(per_user).fetch_all(p).await.unwrap(),
            sqlx::query_scalar(doubled).fetch_one(p).await.unwrap(),
        ),
    };
    let rows = rows
        .into_iter()
        .map(|(u, n)| (u.parse().unwrap(), n))
        .collect();
    (rows, doubled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_nothing_is_lost_doubled_or_stuck() {
    let cycles: usize = std::env::var("KILL_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let seed = seed();
    eprintln!("crash test seed {seed} (CRASH_SEED={seed} repeats it), {cycles} cycles");
    for mut db in common::databases().await {
        let mut rng = Rng(seed);
        let dir = tempfile::tempdir().unwrap();
        let mock = Mock::start().await;
        // The test's own pool stays out of the way while the bot runs.
        db.db.store.close().await;
        let next_user = Arc::new(AtomicI64::new(7_000_001));
        let mut users: Vec<(i64, Arc<AtomicBool>, tokio::task::JoinHandle<()>)> = vec![];
        let spawn = |users: &mut Vec<_>| {
            let id = next_user.fetch_add(1, Ordering::Relaxed);
            let done = Arc::new(AtomicBool::new(false));
            let task = tokio::spawn(user(mock.clone(), id, done.clone()));
            users.push((id, done, task));
        };
        for _ in 0..CONCURRENT {
            spawn(&mut users);
        }
        let started = Instant::now();
        for cycle in 0..cycles {
            let mut bot = start(dir.path(), db.db.url(), &mock);
            // Killed anywhere: while starting, while handling, while sending.
            let alive = Duration::from_millis(100 + rng.below(1400));
            let until = Instant::now() + alive;
            while Instant::now() < until {
                // Whoever finished makes room for a new user.
                let finished = users
                    .iter()
                    .filter(|(_, d, _)| d.load(Ordering::Relaxed))
                    .count();
                let running = users.len() - finished;
                for _ in running..CONCURRENT {
                    spawn(&mut users);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            bot.kill().expect("SIGKILL");
            bot.wait().unwrap();
            if cycle % 10 == 9 {
                eprintln!("{}: {} cycles, {} users", db.name, cycle + 1, users.len());
            }
        }
        // A last run drains everything: every user gets to the end of their answers.
        let mut bot = start(dir.path(), db.db.url(), &mock);
        let patience = Duration::from_secs(60);
        let deadline = Instant::now() + patience;
        while users.iter().any(|(_, d, _)| !d.load(Ordering::Relaxed)) {
            let stuck: Vec<_> = users
                .iter()
                .filter(|(_, d, _)| !d.load(Ordering::Relaxed))
                .map(|(u, _, _)| (*u, mock.sent(*u).last().map(|m| m["text"].clone())))
                .collect();
            assert!(
                Instant::now() < deadline,
                "{} (seed {seed}): users not done after {patience:?}: {stuck:?}",
                db.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for (_, _, task) in std::mem::take(&mut users) {
            task.await.unwrap();
        }
        let all: Vec<i64> = (7_000_001..next_user.load(Ordering::Relaxed)).collect();

        // Every conversation answers after the last restart: /start shows the menu.
        for &u in &all {
            let before = mock.sent(u).len();
            mock.push(tg::text(u, "/start"));
            let sent = mock.wait_sent(u, before + 1).await;
            let menu = sent.last().unwrap()["text"].as_str().unwrap().to_string();
            assert!(
                menu.starts_with("Xin chào")
                    || sent[before..]
                        .iter()
                        .any(|m| m["text"].as_str().unwrap_or("").starts_with("Xin chào")),
                "{} (seed {seed}): user {u} after /start: {menu}",
                db.name
            );
        }
        bot.kill().unwrap();
        bot.wait().unwrap();

        db.db.reopen().await.unwrap();
        let (per_user, doubled) = households(&db.db.store).await;
        let lost: Vec<_> = all
            .iter()
            .filter(|u| per_user.get(u).copied().unwrap_or(0) == 0)
            .collect();
        let twice: Vec<_> = per_user.iter().filter(|(_, n)| **n > 1).collect();
        eprintln!(
            "{}: {cycles} kill cycles, {} registrations, {} lost, {} doubled, {:?}",
            db.name,
            all.len(),
            lost.len(),
            twice.len() as i64 + doubled,
            started.elapsed()
        );
        assert!(lost.is_empty(), "{} (seed {seed}): lost {lost:?}", db.name);
        assert!(
            twice.is_empty(),
            "{} (seed {seed}): doubled {twice:?}",
            db.name
        );
        assert_eq!(doubled, 0, "{} (seed {seed}): a phone twice", db.name);
        assert_eq!(
            per_user.len(),
            all.len(),
            "{}: households of others",
            db.name
        );
    }
}
