//! Zalo end to end: the real adapter (polling and webhook, sender, file links) against a local
//! stand-in of Zalo's Bot API, on every backend under test; with Telegram's stand-in too where
//! both channels serve one bot.

mod common;
#[path = "zalo/files.rs"]
mod files;
#[path = "zalo/linked.rs"]
mod linked;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::zalo_mock::{self as zm, Fault, Mock, User};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::config::{ChannelLimits, Settings};
use giamngheo::dialogue::engine::Engine;
use giamngheo::run::{self, Running};
use giamngheo::seed;
use giamngheo::store::scratch::TestDb;
use serde_json::json;

/// Generous limits: the stand-in is not Zalo, and the tests should not crawl.
fn fast() -> Option<ChannelLimits> {
    Some(ChannelLimits {
        per_chat_per_sec: 50,
        per_chat_per_min: 1000,
        overall_per_sec: 100,
    })
}

fn settings(mock: &Mock) -> Settings {
    Settings {
        zalo_token: Some(zm::TOKEN.into()),
        zalo_api_url: Some(mock.url.clone()),
        zalo_limits: fast(),
        ..Settings::default()
    }
}

/// `settings` with the listener on a free local port that is also the public URL.
fn with_public_url(mut s: Settings) -> Settings {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    s.listen = Some(format!("127.0.0.1:{port}"));
    s.zalo_public_url = Some(format!("http://127.0.0.1:{port}"));
    s
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ))
}

async fn engine_at(db: &TestDb, clock: Arc<FixedClock>) -> Arc<Engine> {
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    Arc::new(common::engine(db, clock))
}

async fn start(db: &TestDb, s: &Settings) -> Running {
    run::start(s, engine_at(db, clock()).await)
        .await
        .expect("run starts")
}

/// Whether the inbox holds message `id` of Zalo (looked at in a transaction that is rolled
/// back).
async fn in_inbox(db: &TestDb, id: &str) -> bool {
    let mut tx = db.store.begin().await.unwrap();
    let new = giamngheo::store::inbox::record(&mut tx, "zalo", id, chrono::Utc::now())
        .await
        .unwrap();
    !new
}

/// A resident registers a poor household in Xóm Nam Sơn, typing every answer; returns what
/// the bot said last.
async fn registers(u: &mut User<'_>, name: &str, phone: &str) -> String {
    let mut last = String::new();
    for a in ["/dangky", name, "2", "Số 1", phone, "4", "1", "bỏ qua", "1"] {
        last = u.say(a).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_hands_over_one_update_per_call_and_an_empty_poll_is_nothing() {
    for db in common::databases().await {
        // Zalo's empty poll is error 408, with HTTP 200 by some accounts and 408 by others.
        for status in [200, 408] {
            let mock = Mock::start().await;
            mock.state.lock().unwrap().empty_poll_status = status;
            let running = start(&db.db, &settings(&mock)).await;
            mock.until("two empty polls", |m| {
                m.state.lock().unwrap().empty_polls >= 2
            })
            .await;
            // Polling does not work while a webhook is set: it was deleted first.
            let order: Vec<String> = {
                let s = mock.state.lock().unwrap();
                s.calls.iter().map(|(m, _, _)| m.clone()).collect()
            };
            assert_eq!(order[0], "deleteWebhook", "{order:?}");
            assert!(
                mock.calls("getUpdates")
                    .iter()
                    .all(|c| c["__refused"].is_null()),
                "{}",
                db.name
            );

            // Three messages waiting at once come one per call, and are answered in order.
            let user = format!("poll-{status}");
            for (i, t) in ["/dangky", "Nguyễn Văn An", "2"].iter().enumerate() {
                mock.push(zm::text(&user, &format!("m{i}"), t));
            }
            let sent = mock.wait_sent(&user, 3).await;
            assert_eq!(sent[0], "Họ và tên chủ hộ?", "{}", db.name);
            assert!(sent[1].starts_with("Hộ ở xóm nào?\n[1] Xóm Đồng Tâm\n[2] Xóm Nam Sơn"));
            assert_eq!(sent[2], "Địa chỉ cụ thể (số nhà, đường, khu)?");
            assert_eq!(mock.state.lock().unwrap().polls_with_update, 3);
            running.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_update_delivered_twice_is_handled_once() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let user = "twice-1";
        let update = zm::text(user, "same-id", "/dangky");
        mock.push(update.clone());
        mock.wait_sent(user, 1).await;
        mock.push(update);
        mock.push(zm::text(user, "next-id", "Nguyễn Văn An"));
        let sent = mock.wait_sent(user, 2).await;
        mock.until("the queue drained", |m| m.queue_len() == 0)
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(sent[0], "Họ và tên chủ hộ?");
        assert!(
            sent[1].starts_with("Hộ ở xóm nào?"),
            "{}: {sent:?}",
            db.name
        );
        assert_eq!(
            mock.sent(user).len(),
            2,
            "{}: {:?}",
            db.name,
            mock.sent(user)
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_takes_only_requests_with_the_secret_in_either_shape() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let mut s = settings(&mock);
        s.zalo_webhook_url = Some("https://bot.example.vn/zalo/hook".into());
        s.zalo_webhook_secret = Some("bi-mat-zalo-123".into());
        s.listen = Some("127.0.0.1:0".into());
        let running = start(&db.db, &s).await;
        let addr = running.addr.expect("listening");
        mock.until("setWebhook", |m| !m.calls("setWebhook").is_empty())
            .await;
        let set = &mock.calls("setWebhook")[0];
        assert_eq!(set["url"], "https://bot.example.vn/zalo/hook");
        assert_eq!(set["secret_token"], "bi-mat-zalo-123");

        let client = reqwest::Client::new();
        let url = format!("http://{addr}/zalo/hook");
        let user = "hook-1";
        let first = zm::text(user, "w1", "/dangky");
        for secret in [None, Some("sai-roi"), Some("bi-mat-zalo-12")] {
            let mut req = client.post(&url).json(&first);
            if let Some(s) = secret {
                req = req.header("X-Bot-Api-Secret-Token", s);
            }
            let status = req.send().await.unwrap().status();
            assert!(
                [401, 403].contains(&status.as_u16()),
                "{}: {status}",
                db.name
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            mock.sent(user).is_empty(),
            "a refused request changes nothing"
        );
        assert!(
            !in_inbox(&db.db, "message.text.received:hook-1:w1").await,
            "{}: nothing stored",
            db.name
        );

        // The bare update, twice: answered 200 each time (after the commit), handled once.
        for _ in 0..2 {
            let r = client
                .post(&url)
                .header("X-Bot-Api-Secret-Token", "bi-mat-zalo-123")
                .json(&first)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{}", db.name);
            // Answered only once committed: the reply is queued already.
            assert!(in_inbox(&db.db, "message.text.received:hook-1:w1").await);
        }
        // The same shape getUpdates answers with.
        let wrapped = json!({"ok": true, "result": zm::text(user, "w2", "Nguyễn Văn An")});
        let r = client
            .post(&url)
            .header("X-Bot-Api-Secret-Token", "bi-mat-zalo-123")
            .json(&wrapped)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let sent = mock.wait_sent(user, 2).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(sent[0], "Họ và tên chủ hộ?");
        assert!(sent[1].starts_with("Hộ ở xóm nào?"), "{sent:?}");
        assert_eq!(mock.sent(user).len(), 2, "{}", db.name);
        assert!(
            mock.calls("getUpdates").is_empty(),
            "no polling with a webhook"
        );

        let health = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_registers_by_numbered_choices_on_zalo() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let mut u = User::new(&mock, "resident-1");

        let menu = u.say("xin chào").await;
        assert!(menu.starts_with("Xin chào Chị Lan!"), "{}: {menu}", db.name);
        assert!(menu.contains("\n/dangky – Đăng ký hộ"), "{menu}");
        assert_eq!(u.say("/dangky").await, "Họ và tên chủ hộ?");
        assert_eq!(
            u.say("Nguyễn Văn An").await,
            "Hộ ở xóm nào?\n[1] Xóm Đồng Tâm\n[2] Xóm Nam Sơn\n[3] Xóm Hồng Thái"
        );
        // Answered by the words, without diacritics.
        u.say("nam son").await;
        // No contact button on Zalo: the number is typed, and the question says so.
        assert_eq!(
            u.say("Số 5, ngõ 2").await,
            "Số điện thoại liên hệ?\nGõ số điện thoại vào ô chat, ví dụ 0912 345 678."
        );
        assert_eq!(u.say("0912 345 678").await, "Hộ có bao nhiêu người?");
        let categories = u.say("4").await;
        assert!(
            categories.starts_with("Hộ thuộc diện nào?\n[1] Hộ nghèo\n[2] Hộ cận nghèo"),
            "{categories}"
        );
        let cccd = u.say("1").await;
        assert!(cccd.contains("[/boqua] Bỏ qua"), "{cccd}");
        let summary = u.say("bo qua").await;
        assert!(summary.contains("4. Điện thoại: 0912 345 678"), "{summary}");
        assert!(summary.ends_with("[1] Đúng, lưu lại\n[2] Sửa một mục\n[3] Hủy"));
        let saved = u.say("1").await;
        assert!(
            saved.starts_with("Đã lưu hộ #1 Nguyễn Văn An (Xóm Nam Sơn)."),
            "{}: {saved}",
            db.name
        );
        let mine = u.say("/hocuatoi").await;
        assert!(mine.contains("#1 Nguyễn Văn An – Xóm Nam Sơn"), "{mine}");
        // No message went out longer than Zalo takes, and no button was ever sent.
        for m in mock.calls("sendMessage") {
            let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["chat_id", "text"], "{m}");
        }
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_joins_a_group_by_typed_code() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let now = chrono::Utc::now();
        let engine = engine_at(&db.db, clock()).await;
        seed::grant(
            &db.db.store,
            "zalo:head-1",
            giamngheo::domain::Role::HamletHead,
            Some("Xóm Nam Sơn"),
            None,
            None,
            now,
        )
        .await
        .unwrap();
        let running = run::start(&settings(&mock), engine).await.unwrap();

        // The hamlet head creates the group on Zalo and is given its code.
        let mut head = User::new(&mock, "head-1");
        assert!(head.say("/taonhom").await.starts_with("Tên nhóm?"));
        let orgs = head.say("Tổ trồng chè Nam Sơn").await;
        assert!(orgs.contains("[1] Hội Nông dân"), "{orgs}");
        head.say("1").await;
        head.say("chè").await;
        // Households of the hamlet only.
        head.say("1").await;
        let created = head.say("1").await;
        let code = created
            .split("Mã tham gia: ")
            .nth(1)
            .and_then(|rest| rest.get(..8))
            .unwrap_or_else(|| panic!("{}: no code in {created}", db.name))
            .to_string();

        // A resident with a registered household joins by typing it.
        let mut u = User::new(&mock, "resident-2");
        registers(&mut u, "Lò Văn Sinh", "0912555666").await;
        // Their only household is taken, said in a line.
        let recognised = u.say(&format!("/thamgia {code}")).await;
        assert!(
            recognised.starts_with("Hộ: #1 Lò Văn Sinh – Xóm Nam Sơn\n"),
            "{}: {recognised}",
            db.name
        );
        assert!(
            recognised.contains("[1] Chưa được công nhận"),
            "{recognised}"
        );
        let experienced = u.say("chua duoc cong nhan").await;
        assert!(experienced.contains("kinh nghiệm"), "{experienced}");
        let summary = u.say("không").await;
        assert!(summary.contains("Thông tin đã đúng chưa?"), "{summary}");
        let joined = u.say("1").await;
        assert!(
            joined.starts_with("Đã thêm hộ Lò Văn Sinh vào nhóm \"Tổ trồng chè Nam Sơn\""),
            "{}: {joined}",
            db.name
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sticker_gets_an_explanation_and_the_question_again() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let mut u = User::new(&mock, "sticker-1");
        u.say("/dangky").await;
        let said = u.send(zm::sticker).await;
        assert_eq!(
            said, "Bot chỉ đọc được chữ. Vui lòng gõ câu trả lời.\nHọ và tên chủ hộ?",
            "{}",
            db.name
        );
        // A photo where no file is asked for is not fetched either.
        let url = mock.photo("x.jpg", "image/jpeg", vec![0xff, 0xd8, 0xff]);
        let said = u.send(|user, id| zm::image(user, id, &url)).await;
        assert!(said.starts_with("Bot chỉ đọc được chữ."), "{said}");
        assert_eq!(mock.state.lock().unwrap().photo_gets, 0, "{}", db.name);
        assert_eq!(
            u.say("Nguyễn Văn An").await.lines().next(),
            Some("Hộ ở xóm nào?")
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_reply_is_split_at_line_breaks_in_order() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let lines: Vec<String> = (1..=70)
            .map(|i| format!("[{i}] #{i} Nguyễn Văn Một – Xóm Nam Sơn, hộ nghèo"))
            .collect();
        let text = lines.join("\n");
        assert!(text.chars().count() >= 2500, "{}", text.chars().count());
        let mut tx = db.db.store.begin().await.unwrap();
        let reply = giamngheo::message::Reply::text(text.clone());
        giamngheo::store::outbox::enqueue(&mut tx, "zalo", "long-1", &reply, chrono::Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        running.wake.ring();
        let sent = mock.wait_sent("long-1", 2).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sent_now = mock.sent("long-1");
        assert_eq!(sent_now.len(), 2, "{}: {sent_now:?}", db.name);
        assert!(sent.iter().all(|p| p.chars().count() <= 2000));
        assert_eq!(sent.join("\n"), text, "in order, nothing lost");
        for part in &sent {
            assert!(
                part.lines().all(|l| lines.contains(&l.to_string())),
                "no numbered line is cut"
            );
        }
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_and_a_500_on_send_message_delay_the_reply_but_lose_it_not() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let user = "busy-1";
        mock.fail_next("sendMessage", Some(user), Fault::RetryAfter(Some(1)));
        mock.fail_next("sendMessage", Some(user), Fault::ServerError);
        mock.push(zm::text(user, "b1", "/dangky"));
        mock.until("the reply after its faults", |m| m.sent(user).len() == 1)
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(mock.sent(user), ["Họ và tên chủ hộ?"], "{}", db.name);
        let tries: Vec<_> = mock
            .calls("sendMessage")
            .into_iter()
            .zip(mock.call_times("sendMessage"))
            .filter(|(c, _)| c["chat_id"] == user)
            .collect();
        let codes: Vec<_> = tries.iter().map(|(c, _)| c["__refused"].clone()).collect();
        assert_eq!(codes, [json!(429), json!(500), json!(null)], "{}", db.name);
        let waited = tries[1].1 - tries[0].1;
        assert!(
            waited >= Duration::from_millis(950),
            "{}: the 429 was not waited out ({waited:?})",
            db.name
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_that_refuses_holds_up_no_other() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        mock.state.lock().unwrap().blocked.push("blocked-1".into());
        let running = start(&db.db, &settings(&mock)).await;
        mock.push(zm::text("blocked-1", "x1", "/dangky"));
        mock.until("the blocked chat tried", |m| {
            m.calls("sendMessage")
                .iter()
                .any(|c| c["chat_id"] == "blocked-1")
        })
        .await;
        mock.push(zm::text("blocked-1", "x2", "Nguyễn Văn An"));
        let mut other = User::new(&mock, "open-1");
        assert_eq!(other.say("/dangky").await, "Họ và tên chủ hộ?");
        assert!(other.say("Lê Thị Bình").await.starts_with("Hộ ở xóm nào?"));
        mock.until("the blocked chat's second reply tried", |m| {
            m.calls("sendMessage")
                .iter()
                .filter(|c| c["chat_id"] == "blocked-1")
                .count()
                == 2
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let to_blocked: Vec<_> = mock
            .calls("sendMessage")
            .into_iter()
            .filter(|c| c["chat_id"] == "blocked-1")
            .collect();
        // Each reply tried once and given up: nothing is retried at a chat that refuses.
        assert_eq!(to_blocked.len(), 2, "{}: {to_blocked:?}", db.name);
        assert!(to_blocked.iter().all(|c| c["__refused"] == 403));
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_zalo_does_not_delay_telegram() {
    use common::telegram_mock::{self as tg, Mock as TgMock};
    for db in common::databases().await {
        let zalo = Mock::start().await;
        let telegram = TgMock::start().await;
        let mut s = settings(&zalo);
        s.telegram_token = Some(tg::TOKEN.into());
        s.telegram_api_url = Some(telegram.url.clone());
        s.telegram_limits = fast();
        let running = start(&db.db, &s).await;

        // Zalo takes the reply and never answers.
        zalo.fail_next("sendMessage", Some("stuck-1"), Fault::Hang);
        zalo.push(zm::text("stuck-1", "s1", "/dangky"));
        zalo.until("the hanging call", |m| m.hanging() == 1).await;

        let asked = Instant::now();
        telegram.push(tg::text(8801, "/dangky"));
        let sent = telegram.wait_sent(8801, 1).await;
        assert_eq!(sent[0]["text"], "Họ và tên chủ hộ?", "{}", db.name);
        assert!(
            asked.elapsed() < Duration::from_secs(3),
            "{:?}",
            asked.elapsed()
        );
        assert_eq!(zalo.hanging(), 1, "{}: all while Zalo hung", db.name);

        // Zalo answers at last: its reply went once.
        zalo.release();
        zalo.wait_sent("stuck-1", 1).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(zalo.sent("stuck-1"), ["Họ và tên chủ hộ?"]);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zalo_down_at_start_holds_up_neither_the_start_nor_telegram() {
    use common::telegram_mock::{self as tg, Mock as TgMock};
    for db in common::databases().await {
        let telegram = TgMock::start().await;
        // Nothing listens where Zalo should be.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let nowhere = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let s = Settings {
            zalo_token: Some(zm::TOKEN.into()),
            zalo_api_url: Some(nowhere),
            zalo_webhook_url: Some("https://bot.example.vn/zalo".into()),
            zalo_webhook_secret: Some("bi-mat-zalo-123".into()),
            listen: Some("127.0.0.1:0".into()),
            telegram_token: Some(tg::TOKEN.into()),
            telegram_api_url: Some(telegram.url.clone()),
            telegram_limits: fast(),
            ..Settings::default()
        };
        let started = Instant::now();
        let running = start(&db.db, &s).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        telegram.push(tg::text(8802, "/dangky"));
        let sent = telegram.wait_sent(8802, 1).await;
        assert_eq!(sent[0]["text"], "Họ và tên chủ hộ?", "{}", db.name);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_are_checked_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite(dir.path()).await.unwrap();
    let engine = engine_at(&db, clock()).await;
    let none = run::start(&Settings::default(), engine.clone()).await;
    let why = none.err().expect("no channel").to_string();
    assert!(
        why.contains("TELOXIDE_TOKEN") && why.contains("ZALO_BOT_TOKEN"),
        "{why}"
    );
    for secret in [None, Some("ngan"), Some(&*"x".repeat(257))] {
        let s = Settings {
            zalo_token: Some(zm::TOKEN.into()),
            zalo_webhook_url: Some("https://bot.example.vn/zalo".into()),
            zalo_webhook_secret: secret.map(str::to_string),
            ..Settings::default()
        };
        let why = run::start(&s, engine.clone())
            .await
            .err()
            .expect("a webhook without a fit secret")
            .to_string();
        assert!(why.contains("zalo_webhook_secret"), "{why}");
        assert!(!why.contains(zm::TOKEN), "the token never shows");
    }
    // Zalo's setWebhook takes only HTTPS: a plain address is refused before anything starts.
    let s = Settings {
        zalo_token: Some(zm::TOKEN.into()),
        zalo_webhook_url: Some("http://bot.example.vn/zalo".into()),
        zalo_webhook_secret: Some("bi-mat-zalo-123".into()),
        ..Settings::default()
    };
    let why = run::start(&s, engine.clone())
        .await
        .err()
        .expect("a webhook that is not HTTPS")
        .to_string();
    assert!(why.contains("https://"), "{why}");
    let s = Settings {
        zalo_token: Some(zm::TOKEN.into()),
        zalo_webhook_url: Some("https://bot.example.vn/healthz".into()),
        zalo_webhook_secret: Some("bi-mat-zalo-123".into()),
        listen: Some("127.0.0.1:0".into()),
        ..Settings::default()
    };
    let why = run::start(&s, engine.clone())
        .await
        .err()
        .expect("a taken path");
    assert!(why.to_string().contains("listener's own"), "{why}");
}

/// Stops the program when the test ends, however it ends.
struct Killed(Option<std::process::Child>);

impl Drop for Killed {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The program itself, set up from the environment alone as the README says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn giamngheo_run_serves_zalo_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let mock = Mock::start().await;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .arg("run")
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("GIAMNGHEO_TELEGRAM_TOKEN")
        .env("ZALO_BOT_TOKEN", zm::TOKEN)
        .env("GIAMNGHEO_ZALO_API_URL", &mock.url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run giamngheo");
    let mut running = Killed(Some(child));
    mock.push(zm::text("bin-1", "b1", "/dangky"));
    let sent = mock.wait_sent("bin-1", 1).await;
    let mut child = running.0.take().unwrap();
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(sent, ["Họ và tên chủ hộ?"]);
    assert!(err.contains("Zalo: đang chạy (long polling)"), "{err}");
    assert!(
        !err.contains("ZaloTestSecretToken"),
        "the token never shows: {err}"
    );
}
