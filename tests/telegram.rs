//! Telegram end to end: the real teloxide dispatcher and Bot API client against a local mock
//! Bot API server, on every backend under test.

mod common;
#[path = "telegram/faults.rs"]
mod faults;

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use common::telegram_mock::{self as tg, Mock};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::config::{Settings, TelegramLimits};
use giamngheo::dialogue::engine::Engine;
use giamngheo::run::{self, Running};
use giamngheo::seed;
use giamngheo::store::scratch::TestDb;
use serde_json::{Value, json};

fn settings(mock: &Mock) -> Settings {
    Settings {
        telegram_token: Some(tg::TOKEN.into()),
        telegram_api_url: Some(mock.url.clone()),
        // Generous limits: the mock is not Telegram, and the tests should not crawl.
        telegram_limits: Some(TelegramLimits {
            per_chat_per_sec: 50,
            per_chat_per_min: 1000,
            overall_per_sec: 100,
        }),
        ..Settings::default()
    }
}

async fn engine(db: &TestDb) -> Arc<Engine> {
    let clock = Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    Arc::new(common::engine(db, clock))
}

fn texts(sent: &[Value]) -> Vec<String> {
    sent.iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The inline buttons of a sent message, as (label, callback data).
fn buttons(m: &Value) -> Vec<(String, String)> {
    m["reply_markup"]["inline_keyboard"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|r| r.as_array().unwrap().iter())
                .map(|b| {
                    (
                        b["text"].as_str().unwrap().to_string(),
                        b["callback_data"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn start(db: &TestDb, s: &Settings) -> Running {
    run::start(s, engine(db).await).await.expect("run starts")
}

/// A resident registers a poor household in Xóm Nam Sơn on Telegram, answer by answer, each
/// after the bot's reply (so the digest has something to say).
async fn registers(mock: &Mock, user: i64, name: &str, phone: &str) {
    let answers = ["/dangky", name, "2", "Số 1", phone, "2", "1", "bỏ qua", "1"];
    for (i, a) in answers.iter().enumerate() {
        mock.push(tg::text(user, a));
        mock.wait_sent(user, i + 1).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_registers_with_buttons_and_a_shared_contact() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let user = 5001;

        // Opened through a deep link t.me/<bot>?start=ma-moi, as Telegram delivers it.
        mock.push(tg::text(user, "/start ma-moi"));
        let sent = mock.wait_sent(user, 1).await;
        assert!(
            sent[0]["text"]
                .as_str()
                .unwrap()
                .starts_with("Xin chào An Nguyễn!")
        );
        let menu = buttons(&sent[0]);
        assert!(
            menu.contains(&("Đăng ký hộ".into(), "/dangky".into())),
            "{menu:?}"
        );

        // Commands arrive as buttons too.
        mock.push(tg::press(user, 2, "/dangky"));
        let sent = mock.wait_sent(user, 2).await;
        assert_eq!(sent[1]["text"], "Họ và tên chủ hộ?");

        mock.push(tg::text(user, "Nguyễn Văn An"));
        let sent = mock.wait_sent(user, 3).await;
        let hamlets = buttons(&sent[2]);
        assert_eq!(hamlets[1].0, "Xóm Nam Sơn");
        mock.push(tg::press(user, 4, &hamlets[1].1));
        mock.wait_sent(user, 4).await;
        mock.push(tg::text(user, "Số 5, ngõ 2"));
        let sent = mock.wait_sent(user, 5).await;
        assert_eq!(sent[4]["text"], "Số điện thoại liên hệ?");
        let keyboard = &sent[4]["reply_markup"]["keyboard"][0][0];
        assert_eq!(keyboard["request_contact"], true, "{:#}", sent[4]);

        // Someone else's card is refused; one's own is the answer.
        mock.push(tg::contact(user, 999, "+84987654321"));
        let sent = mock.wait_sent(user, 6).await;
        assert!(
            sent[5]["text"]
                .as_str()
                .unwrap()
                .starts_with("Chỉ nhận số điện thoại của chính bạn.")
        );
        mock.push(tg::location(user));
        let sent = mock.wait_sent(user, 7).await;
        assert!(
            sent[6]["text"]
                .as_str()
                .unwrap()
                .starts_with("Bot chỉ đọc được chữ.")
        );
        mock.push(tg::contact(user, user, "84912345678"));
        let sent = mock.wait_sent(user, 8).await;
        assert_eq!(sent[7]["text"], "Hộ có bao nhiêu người?");
        assert!(
            sent[7]["reply_markup"]["remove_keyboard"] == true,
            "the contact keyboard goes"
        );

        mock.push(tg::text(user, "4"));
        let sent = mock.wait_sent(user, 9).await;
        let categories = buttons(&sent[8]);
        assert_eq!(categories[0].0, "Hộ nghèo");
        assert!(
            categories[0].1.ends_with("|category=poor"),
            "{categories:?}"
        );
        assert!(categories.iter().all(|(_, d)| d.len() <= 64));
        mock.push(tg::press(user, 10, &categories[0].1));
        let sent = mock.wait_sent(user, 10).await;
        let skip = buttons(&sent[9]);
        assert_eq!(skip.len(), 1);
        assert_eq!(skip[0].0, "Bỏ qua");
        assert!(skip[0].1.ends_with("|cccd=-"), "{skip:?}");
        mock.push(tg::press(user, 11, &skip[0].1));
        let sent = mock.wait_sent(user, 11).await;
        let summary = sent[10]["text"].as_str().unwrap();
        assert!(summary.contains("4. Điện thoại: 0912 345 678"), "{summary}");
        let yes = buttons(&sent[10])[0].1.clone();
        mock.push(tg::press(user, 12, &yes));
        let sent = mock.wait_sent(user, 12).await;
        assert!(
            sent[11]["text"]
                .as_str()
                .unwrap()
                .starts_with("Đã lưu hộ #1 Nguyễn Văn An (Xóm Nam Sơn)."),
            "{}: {:?}",
            db.name,
            texts(&sent)
        );

        // Every press was acknowledged and its keyboard taken away.
        assert_eq!(mock.calls("answerCallbackQuery").len(), 5);
        let edits = mock.calls("editMessageReplyMarkup");
        assert_eq!(edits.len(), 5);
        assert!(edits.iter().all(|e| {
            e["reply_markup"].is_null()
                || e["reply_markup"]["inline_keyboard"]
                    .as_array()
                    .is_some_and(|a| a.is_empty())
        }));
        // The command menu was registered in both languages.
        let menus = mock.calls("setMyCommands");
        assert_eq!(menus.len(), 2);
        assert!(menus[0]["commands"].to_string().contains("dangky"));
        assert_eq!(menus[1]["language_code"], "en");
        assert!(menus[1]["commands"].to_string().contains("register"));
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_takes_only_requests_with_the_secret() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let mut s = settings(&mock);
        s.telegram_webhook_url = Some("https://bot.example.vn/telegram/hook".into());
        s.telegram_webhook_secret = Some("bi-mat-123".into());
        s.listen = Some("127.0.0.1:0".into());
        let running = start(&db.db, &s).await;
        let addr = running.addr.expect("listening");
        let set = mock.calls("setWebhook");
        let form = set[0].as_str().unwrap_or_default();
        assert!(
            form.contains("https://bot.example.vn/telegram/hook"),
            "{form}"
        );
        assert!(form.contains("bi-mat-123"), "{form}");

        let client = reqwest::Client::new();
        let url = format!("http://{addr}/telegram/hook");
        let mut update = tg::text(6001, "/dangky");
        update["update_id"] = json!(77);
        for secret in [None, Some("sai-roi")] {
            let mut req = client.post(&url).json(&update);
            if let Some(s) = secret {
                req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
            }
            assert_eq!(req.send().await.unwrap().status(), 401, "{}", db.name);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            mock.sent(6001).is_empty(),
            "a refused request changes nothing"
        );

        // Answered 200 only once handled; sent twice, handled once.
        for _ in 0..2 {
            let r = client
                .post(&url)
                .header("X-Telegram-Bot-Api-Secret-Token", "bi-mat-123")
                .json(&update)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        let sent = mock.wait_sent(6001, 1).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            texts(&mock.sent(6001)),
            ["Họ và tên chủ hộ?"],
            "{}",
            db.name
        );
        let _ = sent;

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
async fn a_429_is_waited_out_and_a_blocked_user_holds_up_nobody() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        mock.state.lock().unwrap().retry_after_next = Some(1);
        mock.state.lock().unwrap().blocked.push(7002);
        let running = start(&db.db, &settings(&mock)).await;

        mock.push(tg::text(7001, "/dangky"));
        let sent = mock.wait_sent(7001, 1).await;
        assert_eq!(sent[0]["text"], "Họ và tên chủ hộ?");
        let attempts = mock.calls("sendMessage");
        let times = mock.call_times("sendMessage");
        assert_eq!(attempts[0]["__refused"], 429, "{}", db.name);
        assert!(attempts[1]["__refused"].is_null());
        let waited = times[1] - times[0];
        assert!(
            waited >= Duration::from_millis(950),
            "waited only {waited:?} ({})",
            db.name
        );

        // A user who blocked the bot: tried once, given up, and the other chat goes on.
        mock.push(tg::text(7002, "/start"));
        mock.push(tg::text(7001, "Lê Thị Bình"));
        mock.wait_sent(7001, 2).await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !mock
            .calls("sendMessage")
            .iter()
            .any(|c| c["chat_id"] == 7002)
        {
            assert!(std::time::Instant::now() < deadline, "7002 never tried");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        mock.push(tg::text(7001, "2"));
        mock.wait_sent(7001, 3).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let to_blocked: Vec<_> = mock
            .calls("sendMessage")
            .into_iter()
            .filter(|c| c["chat_id"] == 7002)
            .collect();
        assert_eq!(to_blocked.len(), 1, "{}: {to_blocked:?}", db.name);
        assert_eq!(to_blocked[0]["__refused"], 403);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_mid_dialogue_loses_and_doubles_nothing() {
    for mut db in common::databases().await {
        let mock = Mock::start().await;
        let s = settings(&mock);
        let running = start(&db.db, &s).await;
        let user = 8001;
        mock.push(tg::text(user, "/dangky"));
        mock.wait_sent(user, 1).await;
        mock.push(tg::text(user, "Trần Văn Cường"));
        mock.wait_sent(user, 2).await;

        // The next answer is handled and committed, but the process dies before it asks
        // Telegram for more: Telegram still holds the update and will deliver it again.
        mock.state.lock().unwrap().hold = true;
        mock.push(tg::text(user, "3"));
        mock.wait_sent(user, 3).await;
        running.abort();
        db.db.reopen().await.unwrap();
        mock.state.lock().unwrap().hold = false;

        let running = start(&db.db, &s).await;
        mock.push(tg::text(user, "Số 9"));
        let sent = mock.wait_sent(user, 4).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            texts(&mock.sent(user)),
            [
                "Họ và tên chủ hộ?",
                "Hộ ở xóm nào?",
                "Địa chỉ cụ thể (số nhà, đường, khu)?",
                "Số điện thoại liên hệ?",
            ],
            "{}",
            db.name
        );
        let _ = sent;
        assert!(mock.acknowledged_all());
        running.abort();
    }
}

/// Telegram's command menu offers each person what they may do: residents' commands for
/// everyone, and an officer's own list in the officer's chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_menus_follow_who_may_do_what() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        seed::ensure_demo(&db.db.store, chrono::Utc::now())
            .await
            .unwrap();
        common::grant(
            &db.db.store,
            "telegram:9100",
            giamngheo::domain::Role::CultureOfficer,
            chrono::Utc::now(),
        )
        .await;
        let running = start(&db.db, &settings(&mock)).await;
        let menus = mock.calls("setMyCommands");
        let everyone: Vec<String> = menus
            .iter()
            .filter(|m| m["scope"].is_null())
            .map(|m| m["commands"].to_string())
            .collect();
        assert_eq!(everyone.len(), 2, "{}: {menus:?}", db.name);
        for m in &everyone {
            assert!(m.contains("dangky") || m.contains("register"), "{m}");
            for staff_only in ["baocao", "report", "duyet", "review", "xulyda", "hanchot"] {
                assert!(!m.contains(staff_only), "{staff_only} offered to all: {m}");
            }
        }
        let officer: Vec<&serde_json::Value> = menus
            .iter()
            .filter(|m| m["scope"]["chat_id"] == 9100)
            .collect();
        assert_eq!(officer.len(), 1, "{}: {menus:?}", db.name);
        assert_eq!(officer[0]["scope"]["type"], "chat");
        let list = officer[0]["commands"].to_string();
        assert!(list.contains("baocao") && list.contains("duyet"), "{list}");
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cooperative_sends_its_contract_and_the_officer_gets_the_files() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let now = chrono::Utc::now();
        seed::grant(
            &db.db.store,
            "telegram:9001",
            giamngheo::domain::Role::BusinessRep,
            None,
            Some("HTX Chè"),
            None,
            now,
        )
        .await
        .unwrap();
        common::grant(
            &db.db.store,
            "telegram:9002",
            giamngheo::domain::Role::CultureOfficer,
            now,
        )
        .await;
        let coop = 9001;
        let answers = [
            "/dexuat",
            "3",
            "Nhóm chè xóm Đồng Tâm",
            "Chuỗi chè sạch",
            "Chè, Đồng Tâm",
            "10",
            "12",
            "500 triệu",
            "300tr",
            "200tr",
            "10",
            "25 triệu/hộ/năm",
            "bỏ qua",
            "bỏ qua",
        ];
        for (i, a) in answers.iter().enumerate() {
            mock.push(tg::text(coop, a));
            mock.wait_sent(coop, i + 1).await;
        }
        let sent = mock.sent(coop);
        assert_eq!(
            sent.last().unwrap()["text"],
            "Gửi ảnh hoặc tệp biên bản họp dân.",
            "{}",
            db.name
        );
        mock.push(tg::text(coop, "đây"));
        let sent = mock.wait_sent(coop, answers.len() + 1).await;
        assert!(
            sent.last().unwrap()["text"]
                .as_str()
                .unwrap()
                .starts_with("Vui lòng gửi ảnh hoặc tệp")
        );
        mock.push(tg::document(coop, "DOC-MINUTES", "bien-ban.pdf"));
        mock.wait_sent(coop, answers.len() + 2).await;
        mock.push(tg::document(coop, "DOC-CONTRACT", "hop-dong.pdf"));
        let sent = mock.wait_sent(coop, answers.len() + 3).await;
        let summary = sent.last().unwrap()["text"].as_str().unwrap().to_string();
        assert!(
            summary.contains("Hợp đồng liên kết: 📎 hop-dong.pdf"),
            "{summary}"
        );
        mock.push(tg::press(coop, 99, "confirm=yes"));
        let sent = mock.wait_sent(coop, answers.len() + 4).await;
        assert!(
            sent.last().unwrap()["text"]
                .as_str()
                .unwrap()
                .starts_with("Đã gửi đề xuất #1")
        );

        // The officer opens it: the files come back by Telegram's own ids.
        let officer = 9002;
        let told = mock.wait_sent(officer, 1).await;
        assert!(
            told[0]["text"]
                .as_str()
                .unwrap()
                .starts_with("Có đề xuất mới #1")
        );
        mock.push(tg::text(officer, "/xemda 1"));
        mock.wait_sent(officer, 2).await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while mock.calls("sendDocument").len() < 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "the files were not sent"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let docs = mock.calls("sendDocument");
        let bodies: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
        assert!(
            bodies[0].contains("DOC-MINUTES") && bodies[1].contains("DOC-CONTRACT"),
            "{bodies:?}"
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_digest_reaches_an_officer_on_telegram_with_its_chart() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        ));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let engine = Arc::new(common::engine(&db.db, clock.clone()));
        let running = run::start(&settings(&mock), engine.clone()).await.unwrap();
        common::grant(
            &db.db.store,
            "telegram:9101",
            giamngheo::domain::Role::CultureOfficer,
            clock.now(),
        )
        .await;
        // A household registers on Telegram, so the digest has something to say.
        registers(&mock, 9102, "Lò Văn Sinh", "0912555666").await;
        // Its hamlet head confirms it, so the chart (of confirmed households) has a bar.
        let said = common::Account::new(&engine, "console", "truongxom2")
            .says(&["/duyet 1", "Xác nhận"])
            .await;
        assert!(said.contains("Đã xác nhận"), "{said}");
        clock.set(clock.now() + chrono::Duration::days(1));
        let app = common::app(db.db.store.clone(), clock.clone());
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 1);
        let sent = mock.wait_sent(9101, 1).await;
        let text = sent[0]["text"].as_str().unwrap();
        assert!(
            text.starts_with("📋 Bản tin ngày 27/11/2026"),
            "{}: {text}",
            db.name
        );
        assert!(
            text.contains("• Hộ đăng ký: 1 (Xóm Nam Sơn: 1 hộ nghèo)"),
            "{text}"
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while mock.calls("sendPhoto").is_empty() {
            assert!(std::time::Instant::now() < deadline, "no chart was sent");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let photo = mock.calls("sendPhoto")[0].to_string();
        assert!(
            photo.contains("ho-theo-xom.png") && photo.contains("PNG"),
            "uploaded as a file"
        );

        // The next day two officers get the digest: the chart is drawn and uploaded once,
        // then sent by Telegram's id for it; no outbox row carries the picture itself.
        common::grant(
            &db.db.store,
            "telegram:9103",
            giamngheo::domain::Role::AgriOfficer,
            clock.now(),
        )
        .await;
        clock.set(clock.now() + chrono::Duration::hours(1));
        registers(&mock, 9104, "Lò Thị Hoa", "0912555777").await;
        clock.set(clock.now() + chrono::Duration::hours(23));
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 2);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while mock.calls("sendPhoto").len() < 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "charts not sent: {:?} {:?} {}",
                texts(&mock.sent(9101)),
                texts(&mock.sent(9103)),
                mock.calls("sendPhoto").len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let photos = mock.calls("sendPhoto");
        let uploads = photos[1..]
            .iter()
            .filter(|p| p.to_string().contains("PNG"))
            .count();
        assert_eq!(uploads, 1, "{}: the chart went up once", db.name);
        assert!(
            photos[1..]
                .iter()
                .any(|p| p.to_string().contains("tg-file-")),
            "{}: the second goes by Telegram's id",
            db.name
        );
        let mut tx = db.db.store.begin().await.unwrap();
        let far = chrono::Utc::now() + chrono::Duration::days(3650);
        for chat in ["9101", "9103"] {
            let rows = giamngheo::store::outbox::due(&mut tx, "telegram", Some(chat), far, 100)
                .await
                .unwrap();
            assert!(
                rows.iter().all(|r| !r.body.contains("iVBOR")),
                "{}",
                db.name
            );
        }
        tx.commit().await.unwrap();

        // Asked for in chat, the digest's chart is drawn as it is sent, after the message's
        // transaction: the officer gets the picture, and the queued reply only says what to
        // draw.
        let before = mock.sent(9101).len();
        mock.push(tg::text(9101, "/bantin"));
        let sent = mock.wait_sent(9101, before + 1).await;
        assert!(
            texts(&sent[before..]).iter().any(|t| t.contains("Bản tin")),
            "{}: {:?}",
            db.name,
            texts(&sent[before..])
        );
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while mock.calls("sendPhoto").len() < photos.len() + 1 {
            assert!(std::time::Instant::now() < deadline, "no chart for /bantin");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let drawn = mock.calls("sendPhoto")[photos.len()].to_string();
        assert!(drawn.contains("PNG"), "{}: the chart is uploaded", db.name);
        assert_eq!(
            queued_for(&db.db.store, "telegram", "9101", "%iVBOR%").await,
            0,
            "{}: no queued reply carries the picture",
            db.name
        );
        running.abort();
    }
}

/// How many replies were ever queued for a chat, sent or not, whose body is `like` a pattern.
async fn queued_for(store: &giamngheo::store::Store, channel: &str, chat: &str, like: &str) -> i64 {
    use giamngheo::store::Store;
    let sql = "SELECT COUNT(*) FROM outbox WHERE channel = $1 AND chat_id = $2 AND body LIKE $3";
    match store {
        Store::Sqlite(p) => {
            sqlx::query_scalar(sql)
                .bind(channel)
                .bind(chat)
                .bind(like)
                .fetch_one(p)
                .await
        }
        Store::Postgres(p) => {
            sqlx::query_scalar(sql)
                .bind(channel)
                .bind(chat)
                .bind(like)
                .fetch_one(p)
                .await
        }
    }
    .unwrap()
}

/// A hamlet head on the console links their Telegram account with a code, acts as hamlet
/// head from Telegram, and is told of new households wherever they chatted last.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hamlet_head_links_telegram_to_the_console_and_notices_follow_them() {
    use giamngheo::channels::console::{self, Session};
    for db in common::databases().await {
        let mock = Mock::start().await;
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        ));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let engine = Arc::new(common::engine(&db.db, clock.clone()));
        let running = run::start(&settings(&mock), engine.clone()).await.unwrap();
        let head = giamngheo::domain::Role::HamletHead;
        let hamlet = Some("Xóm Nam Sơn");
        seed::grant(
            &db.db.store,
            "console:bahoa",
            head,
            hamlet,
            None,
            None,
            clock.now(),
        )
        .await
        .unwrap();
        let mut terminal = Session::open(&engine, "bahoa", Vec::new()).await.unwrap();
        fn printed(s: &mut Session<'_, Vec<u8>>) -> String {
            String::from_utf8(std::mem::take(&mut s.output)).unwrap()
        }
        printed(&mut terminal);
        terminal.send("/lienket").await.unwrap();
        let said = printed(&mut terminal);
        let at = said.find("Mã liên kết: ").expect("a code") + "Mã liên kết: ".len();
        let code = &said[at..at + 8];

        clock.advance(chrono::Duration::minutes(1));
        let phone = 7101;
        mock.push(tg::text(phone, &format!("/lienket {code}")));
        let sent = mock.wait_sent(phone, 1).await;
        assert!(
            sent[0]["text"].as_str().unwrap().starts_with(
                "Đã liên kết: tài khoản này và Máy tính bahoa nay là một người (bahoa)."
            ),
            "{}: {:?}",
            db.name,
            texts(&sent)
        );
        console::deliver(&engine, "bahoa", &mut terminal.output, None)
            .await
            .unwrap();
        assert_eq!(
            printed(&mut terminal).trim_end(),
            "Tài khoản Telegram 7101 vừa được liên kết với bạn. Nếu không phải bạn làm, gõ /lienket để bỏ liên kết."
        );

        // Telegram was used last: a new household of the hamlet is told there.
        clock.advance(chrono::Duration::minutes(1));
        registers(&mock, 7102, "Lò Văn Sinh", "0912555001").await;
        let sent = mock.wait_sent(phone, 2).await;
        assert_eq!(
            sent[1]["text"],
            "Hộ mới chờ xác nhận: #1 Lò Văn Sinh (Xóm Nam Sơn). Gõ /duyet 1 để duyệt.",
            "{}",
            db.name
        );

        // Back at the console: the next one is printed there, and Telegram gets nothing.
        clock.advance(chrono::Duration::minutes(2));
        terminal.send("/menu").await.unwrap();
        printed(&mut terminal);
        clock.advance(chrono::Duration::minutes(1));
        registers(&mock, 7103, "Lò Thị Hoa", "0912555002").await;
        console::deliver(&engine, "bahoa", &mut terminal.output, None)
            .await
            .unwrap();
        assert_eq!(
            printed(&mut terminal).trim_end(),
            "Hộ mới chờ xác nhận: #2 Lò Thị Hoa (Xóm Nam Sơn). Gõ /duyet 2 để duyệt.",
            "{}",
            db.name
        );
        assert_eq!(queued_for(&db.db.store, "telegram", "7101", "%").await, 2);

        // The hamlet head's role works from Telegram, and the resident is told there.
        mock.push(tg::text(phone, "/duyet 2"));
        let sent = mock.wait_sent(phone, 3).await;
        assert!(
            sent[2]["text"].as_str().unwrap().contains("Lò Thị Hoa"),
            "{}: {:?}",
            db.name,
            texts(&sent)
        );
        mock.push(tg::text(phone, "Xác nhận"));
        let sent = mock.wait_sent(phone, 4).await;
        assert_eq!(sent[3]["text"], "Đã xác nhận hộ #2 Lò Thị Hoa.");
        let told = mock.wait_sent(7103, 10).await;
        assert_eq!(told[9]["text"], "Hộ #2 Lò Thị Hoa đã được xác nhận.");
        running.abort();
    }
}
