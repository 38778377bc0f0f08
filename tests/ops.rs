//! Running `giamngheo run` as an operator does, through the real binary against the local
//! Telegram and Zalo stand-ins, on every backend under test: SIGTERM finishes what was taken
//! and exits within 10 seconds, losing and doubling nothing; `/metrics` counts what happened;
//! `--log-format json` writes JSON lines that name each message's channel, chat, update,
//! dialogue and step, and no secret.

mod common;

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::telegram_mock::{self as tg, Fault, Mock};
use common::zalo_mock::{self as zm, Mock as ZaloMock};
use serde_json::{Value, json};

/// What the operator is promised: SIGTERM to exit.
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// `giamngheo run` in a folder of its own, its stderr collected line by line; killed if the
/// test ends without stopping it.
struct Bot {
    child: Option<Child>,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Bot {
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Bot {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_giamngheo"));
        // Only what the test gives: nothing of the machine's own settings.
        for (k, _) in std::env::vars() {
            let ours = [
                "GIAMNGHEO_",
                "TELOXIDE_",
                "ZALO_",
                "DATABASE_URL",
                "RUST_LOG",
            ];
            if ours.iter().any(|p| k.starts_with(p)) {
                cmd.env_remove(k);
            }
        }
        let mut child = cmd
            .args(args)
            .arg("run")
            .current_dir(dir)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run giamngheo");
        let lines = Arc::new(Mutex::new(vec![]));
        let stderr = child.stderr.take().unwrap();
        let into = lines.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                into.lock().unwrap().push(line);
            }
        });
        Bot {
            child: Some(child),
            lines,
        }
    }

    fn stderr(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Waits for a line of stderr containing `text`; returns it.
    async fn line(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().find(|l| l.contains(text)) {
                return l.clone();
            }
            let gone = self.child.as_ref().is_none();
            assert!(
                Instant::now() < deadline && !gone,
                "no line with {text:?} in:\n{}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The HTTP listener's address, from the line saying what runs.
    async fn addr(&self) -> String {
        let line = self.line("HTTP ").await;
        let at = line.split("HTTP ").nth(1).unwrap();
        at.split_whitespace().next().unwrap().to_string()
    }

    /// Sends SIGTERM and waits for the exit (15 s at most); the status and how long it took.
    async fn term(&mut self) -> (ExitStatus, Duration) {
        let mut child = self.child.take().expect("running");
        let pid = child.id() as libc::pid_t;
        // SAFETY: a plain kill(2) of our own child, which has not been waited for yet.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let sent = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status, sent.elapsed());
            }
            if sent.elapsed() > Duration::from_secs(15) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("still running 15 s after SIGTERM:\n{}", self.stderr());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// SIGTERM, and what the operator is promised of it: exit 0 within 10 s.
    async fn stops_in_time(&mut self) -> Duration {
        let (status, took) = self.term().await;
        // The reader thread takes the last lines.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(status.success(), "{status}:\n{}", self.stderr());
        assert!(
            took < STOP_LIMIT,
            "took {took:?} to stop:\n{}",
            self.stderr()
        );
        took
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A settings file for Telegram through the stand-in, with limits the stand-in does not need
/// (the tests should not crawl), and `extra` lines.
fn settings(dir: &Path, mock: &Mock, extra: &str) {
    let text = format!(
        "telegram_token = \"{token}\"\ntelegram_api_url = \"{url}\"\n{extra}\n\
         [telegram_limits]\nper_chat_per_sec = 50\nper_chat_per_min = 1000\noverall_per_sec = 200\n",
        token = tg::TOKEN,
        url = mock.url,
    );
    std::fs::write(dir.join("giamngheo.toml"), text).unwrap();
}

/// Waits until the bot holds a poll open: it is running, and takes updates.
async fn polling(mock: &Mock, bot: &Bot) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while mock.polls_waiting() == 0 {
        assert!(Instant::now() < deadline, "never polled:\n{}", bot.stderr());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn texts(sent: &[Value]) -> Vec<String> {
    sent.iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Updates the stand-in still holds for `user` (not acknowledged: Telegram sends them again).
fn unacknowledged(mock: &Mock, user: i64) -> usize {
    let s = mock.state.lock().unwrap();
    s.queue
        .iter()
        .filter(|u| u["message"]["chat"]["id"] == json!(user))
        .count()
}

/// Thirty residents write at once and SIGTERM comes while their messages are being handled:
/// the process ends with 0 within 10 s, and every update is either answered and acknowledged,
/// or still Telegram's to deliver again. The next start answers the rest, and nobody is
/// answered twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_what_was_taken_and_loses_nothing() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let dir = tempfile::tempdir().unwrap();
        settings(dir.path(), &mock, "");
        let env = [("DATABASE_URL", db.db.url())];
        let mut bot = Bot::start(dir.path(), &[], &env);
        polling(&mock, &bot).await;

        let users: Vec<i64> = (0..30).map(|i| 9_100 + i).collect();
        for u in &users {
            mock.push(tg::text(*u, "/dangky"));
        }
        // SIGTERM as soon as the first reply is out: the others are being handled.
        let deadline = Instant::now() + Duration::from_secs(15);
        while users.iter().all(|u| mock.sent(*u).is_empty()) {
            assert!(Instant::now() < deadline, "no reply:\n{}", bot.stderr());
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        bot.stops_in_time().await;
        let err = bot.stderr();
        assert!(err.contains("SIGTERM: đang dừng"), "{}: {err}", db.name);
        assert!(err.contains("Đã dừng sau"), "{}: {err}", db.name);

        let mut answered = 0;
        for u in &users {
            let sent = mock.sent(*u).len();
            let waiting = unacknowledged(&mock, *u);
            assert_eq!(
                sent + waiting,
                1,
                "{}: user {u} answered {sent} times, {waiting} update(s) still Telegram's",
                db.name
            );
            answered += sent;
        }
        assert!(answered >= 1, "{}", db.name);

        // The next start answers what was left, once; nobody is answered twice.
        let mut bot = Bot::start(dir.path(), &[], &env);
        for u in &users {
            mock.wait_sent(*u, 1).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        for u in &users {
            assert_eq!(
                texts(&mock.sent(*u)),
                ["Họ và tên chủ hộ?"],
                "{}: user {u}",
                db.name
            );
        }
        // Stopping an idle bot drops its idle poll at once.
        let took = bot.stops_in_time().await;
        assert!(
            took < Duration::from_secs(3),
            "{}: idle stop took {took:?}",
            db.name
        );
        assert!(mock.acknowledged_all(), "{}", db.name);
    }
}

/// A reply whose send is in flight when SIGTERM comes is finished and recorded, so the next
/// start does not send it again; one that hangs past the time a stop has does not hold the
/// exit, and goes at the next start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_in_flight_are_finished_and_a_hung_one_does_not_hold_the_exit() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let dir = tempfile::tempdir().unwrap();
        settings(dir.path(), &mock, "");
        let env = [("DATABASE_URL", db.db.url())];

        // Telegram answers the send a second after SIGTERM.
        let slow = 9_201;
        let mut bot = Bot::start(dir.path(), &[], &env);
        polling(&mock, &bot).await;
        mock.fail_next("sendMessage", Some(slow), Fault::Hang);
        mock.push(tg::text(slow, "/dangky"));
        mock.wait_hanging(1).await;
        let stopping = tokio::spawn({
            let mock = mock.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                mock.release();
            }
        });
        bot.stops_in_time().await;
        stopping.await.unwrap();
        assert_eq!(
            texts(&mock.sent(slow)),
            ["Họ và tên chủ hộ?"],
            "{}",
            db.name
        );

        // Telegram never answers: the exit does not wait for it.
        let hung = 9_202;
        let mut bot = Bot::start(dir.path(), &[], &env);
        polling(&mock, &bot).await;
        mock.fail_next("sendMessage", Some(hung), Fault::Hang);
        mock.push(tg::text(hung, "/dangky"));
        mock.wait_hanging(1).await;
        bot.stops_in_time().await;
        assert!(
            bot.stderr().contains("stay queued for the next start"),
            "{}: {}",
            db.name,
            bot.stderr()
        );
        assert!(mock.sent(hung).is_empty());
        mock.release();

        // The next start: the hung reply goes now, the finished one not again.
        let mut bot = Bot::start(dir.path(), &[], &env);
        mock.wait_sent(hung, 1).await;
        mock.push(tg::text(slow, "Lê Văn Chậm"));
        mock.wait_sent(slow, 2).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            texts(&mock.sent(slow)),
            ["Họ và tên chủ hộ?", "Hộ ở xóm nào?"],
            "{}",
            db.name
        );
        assert_eq!(
            texts(&mock.sent(hung)),
            ["Họ và tên chủ hộ?"],
            "{}",
            db.name
        );
        bot.stops_in_time().await;
    }
}

/// The value of one series on a `/metrics` page (`name{labels}` as written), if shown.
fn series(page: &str, name: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(addr: &str) -> String {
    let resp = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let kind = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    resp.text().await.unwrap()
}

/// After some traffic, `/metrics` shows what happened: messages handled, a duplicate, one
/// that failed on a broken database, how long handling took, a 429, and the replies waiting
/// behind a send that hangs, with the age of the oldest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_happened() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let dir = tempfile::tempdir().unwrap();
        settings(dir.path(), &mock, "listen = \"127.0.0.1:0\"");
        let env = [("DATABASE_URL", db.db.url())];
        let mut bot = Bot::start(dir.path(), &[], &env);
        let addr = bot.addr().await;
        polling(&mock, &bot).await;

        let page = scrape(&addr).await;
        let handled = "giamngheo_messages_handled_total{channel=\"telegram\",outcome=\"handled\"}";
        assert_eq!(series(&page, handled), Some(0.0), "{page}");
        assert_eq!(series(&page, "giamngheo_digests_sent_total"), Some(0.0));
        assert_eq!(series(&page, "giamngheo_database_errors_total"), Some(0.0));
        let depth = "giamngheo_outbox_depth{channel=\"telegram\"}";
        assert_eq!(series(&page, depth), Some(0.0), "{page}");

        // Six messages handled: two answers, one each of three users, two more below; and an
        // update Telegram sends twice.
        let (a, b, c, d, e) = (9_301, 9_302, 9_303, 9_304, 9_305);
        mock.push(tg::text(a, "/dangky"));
        mock.wait_sent(a, 1).await;
        mock.push(tg::text(a, "Phạm Văn Đếm"));
        mock.wait_sent(a, 2).await;
        mock.push_twice(tg::text(b, "/dangky"));
        mock.wait_sent(b, 1).await;
        // A 429, waited out.
        mock.fail_next("sendMessage", Some(c), Fault::RetryAfter(1));
        mock.push(tg::text(c, "/dangky"));
        mock.wait_sent(c, 1).await;
        // A send that hangs, and a reply queued behind it.
        mock.fail_next("sendMessage", Some(d), Fault::Hang);
        mock.push(tg::text(d, "/dangky"));
        mock.wait_hanging(1).await;
        mock.push(tg::text(d, "Hoàng Văn Chờ"));
        // Its reply cannot go: the metrics are where it shows that it was handled.
        let deadline = Instant::now() + Duration::from_secs(15);
        while series(&scrape(&addr).await, handled) != Some(6.0) {
            assert!(Instant::now() < deadline, "{}", bot.stderr());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // A database that refuses every message: the user is asked to try again.
        common::break_db(&db.db, "inbox").await;
        mock.push(tg::text(e, "/dangky"));
        let apology = mock.wait_sent(e, 1).await;
        common::heal_db(&db.db, "inbox").await;
        assert!(
            texts(&apology)[0].contains("gửi lại"),
            "{}: {apology:?}",
            db.name
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;

        let page = scrape(&addr).await;
        let get = |name: &str| series(&page, name).unwrap_or_else(|| panic!("no {name}:\n{page}"));
        assert_eq!(get(handled), 6.0, "{}:\n{page}", db.name);
        let dup = "giamngheo_messages_handled_total{channel=\"telegram\",outcome=\"duplicate\"}";
        assert_eq!(get(dup), 1.0, "{}:\n{page}", db.name);
        let failed = "giamngheo_messages_handled_total{channel=\"telegram\",outcome=\"failed\"}";
        assert_eq!(get(failed), 1.0, "{}:\n{page}", db.name);
        assert!(get("giamngheo_database_errors_total") >= 1.0, "{page}");
        let count = "giamngheo_message_handling_seconds_count{channel=\"telegram\"}";
        assert_eq!(get(count), 8.0, "{page}");
        let all = "giamngheo_message_handling_seconds_bucket{channel=\"telegram\",le=\"+Inf\"}";
        assert_eq!(get(all), 8.0, "{page}");
        assert!(get("giamngheo_message_handling_seconds_sum{channel=\"telegram\"}") > 0.0);
        let rate = "giamngheo_send_failures_total{channel=\"telegram\",code=\"429\"}";
        assert_eq!(get(rate), 1.0, "{page}");
        // The hung reply and the one behind it wait; the oldest for over a second.
        assert_eq!(get(depth), 2.0, "{}:\n{page}", db.name);
        let age = get("giamngheo_outbox_oldest_age_seconds{channel=\"telegram\"}");
        assert!((1.0..60.0).contains(&age), "{age}:\n{page}");

        mock.release();
        mock.wait_sent(d, 2).await;
        bot.stops_in_time().await;
    }
}

/// `--log-format json` with `RUST_LOG=trace` (every library's most talkative log) through a Telegram webhook and Zalo polling:
/// every line on stderr is a JSON object; a message's lines carry its channel, chat, update,
/// dialogue and step; neither token, nor the webhook's secret, nor the database's password
/// shows anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_name_the_message_and_no_secret() {
    const HOOK_SECRET: &str = "HookS3cret-4c1b9e";
    const DB_PASSWORD: &str = "DbPassw0rd-77aa";
    for db in common::databases().await {
        let mock = Mock::start().await;
        let zalo = ZaloMock::start().await;
        let dir = tempfile::tempdir().unwrap();
        settings(
            dir.path(),
            &mock,
            &format!(
                "listen = \"127.0.0.1:0\"\n\
                 telegram_webhook_url = \"https://bot.example.vn/tg-hook\"\n\
                 telegram_webhook_secret = \"{HOOK_SECRET}\"\n\
                 zalo_token = \"{zt}\"\nzalo_api_url = \"{zu}\"",
                zt = zm::TOKEN,
                zu = zalo.url,
            ),
        );
        // A password in the URL; the test server trusts local connections and ignores it.
        let mut url = url::Url::parse(db.db.url()).unwrap();
        if url.scheme().starts_with("postgres") {
            url.set_password(Some(DB_PASSWORD)).unwrap();
        }
        let env = [("DATABASE_URL", url.as_str()), ("RUST_LOG", "trace")];
        let mut bot = Bot::start(dir.path(), &["--log-format", "json"], &env);
        let addr = bot.addr().await;

        let hook = format!("http://{addr}/tg-hook");
        let http = reqwest::Client::new();
        let mut update = tg::text(9_401, "/dangky");
        update["update_id"] = json!(777_001);
        let wrong = http
            .post(&hook)
            .header("X-Telegram-Bot-Api-Secret-Token", "not-the-secret")
            .json(&update)
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        let right = http
            .post(&hook)
            .header("X-Telegram-Bot-Api-Secret-Token", HOOK_SECRET)
            .json(&update)
            .send()
            .await
            .unwrap();
        assert_eq!(right.status(), 200);
        mock.wait_sent(9_401, 1).await;
        zalo.push(zm::text("json-1", "jm-1", "/dangky"));
        zalo.wait_sent("json-1", 1).await;
        bot.stops_in_time().await;

        let err = bot.stderr();
        let lines: Vec<Value> = err
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect();
        for l in &lines {
            assert!(l["level"].is_string() && l["timestamp"].is_string(), "{l}");
        }
        let about = |channel: &str| -> Vec<&Value> {
            lines
                .iter()
                .filter(|l| l["span"]["channel"] == channel)
                .collect()
        };
        let telegram = about("telegram");
        assert!(
            telegram.iter().any(|l| l["span"]["chat"] == "9401"
                && l["span"]["update_id"] == "u777001"
                && l["span"]["dialogue"] == "register_household"
                && l["span"]["step"] == "head_name"),
            "{}: {telegram:#?}",
            db.name
        );
        let zalo_lines = about("zalo");
        assert!(
            zalo_lines
                .iter()
                .any(|l| l["span"]["chat"] == "json-1"
                    && l["span"]["dialogue"] == "register_household"),
            "{}: {zalo_lines:#?}",
            db.name
        );
        assert!(
            lines.iter().any(|l| l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("SIGTERM"))),
            "the stop is said as a JSON line too"
        );
        for secret in [
            tg::TOKEN,
            "123456%3ATEST",
            HOOK_SECRET,
            zm::TOKEN,
            DB_PASSWORD,
        ] {
            assert!(
                !err.contains(secret),
                "{}: {secret} shows in the log",
                db.name
            );
        }
    }
}
