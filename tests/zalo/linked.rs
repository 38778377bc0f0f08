//! One person on Telegram and Zalo, in one `giamngheo run` serving both: the account linked
//! by a code typed on Zalo, a household registered there by numbered choices, the hamlet
//! head's notice and confirmation on Zalo, and the resident told on the channel used last.

use chrono::Duration as Minutes;
use common::telegram_mock::{self as tg, Mock as TgMock};
use giamngheo::domain::{HouseholdStatus, Role};
use giamngheo::store::{households, persons};

use super::*;

/// The texts Telegram's stand-in delivered to `chat`, in order.
fn tg_texts(telegram: &TgMock, chat: i64) -> Vec<String> {
    telegram
        .sent(chat)
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Sends `t` on Telegram and waits for one more message; returns what came.
async fn tg_say(telegram: &TgMock, chat: i64, t: &str) -> String {
    let before = telegram.sent(chat).len();
    telegram.push(tg::text(chat, t));
    telegram.wait_sent(chat, before + 1).await;
    tg_texts(telegram, chat)[before..].join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_registration_confirmed_on_zalo_is_told_on_telegram_used_last() {
    for db in common::databases().await {
        let zalo = Mock::start().await;
        let telegram = TgMock::start().await;
        let mut s = settings(&zalo);
        s.telegram_token = Some(tg::TOKEN.into());
        s.telegram_api_url = Some(telegram.url.clone());
        s.telegram_limits = fast();
        // "Used last" is by the engine's clock: it moves a minute between steps, so the
        // channel chosen for a notice is never decided by a tie.
        let clock = clock();
        let engine = engine_at(&db.db, clock.clone()).await;
        seed::grant(
            &db.db.store,
            "zalo:head-nam-son",
            Role::HamletHead,
            Some("Xóm Nam Sơn"),
            None,
            None,
            clock.now(),
        )
        .await
        .unwrap();
        let running = run::start(&s, engine).await.unwrap();
        let tick = || clock.advance(Minutes::minutes(1));
        let phone = 8851;

        // On Telegram first: the resident asks for a link code.
        let menu = tg_say(&telegram, phone, "/start").await;
        assert!(menu.starts_with("Xin chào"), "{}: {menu}", db.name);
        tick();
        let said = tg_say(&telegram, phone, "/lienket").await;
        let at = said.find("Mã liên kết: ").expect("a code") + "Mã liên kết: ".len();
        let code: String = said[at..].chars().take(8).collect();
        assert!(
            giamngheo::domain::links::parse_code(&code).as_deref() == Some(code.as_str()),
            "{}: {said}",
            db.name
        );

        // Typed on Zalo: the two accounts are one person, and Telegram is told.
        tick();
        let mut lan = User::new(&zalo, "lan-zalo");
        let linked = lan.say(&format!("/lienket {code}")).await;
        assert!(
            linked.starts_with(&format!(
                "Đã liên kết: tài khoản này và Telegram {phone} nay là một người"
            )),
            "{}: {linked}",
            db.name
        );
        let notice = "Tài khoản Zalo lan-zalo vừa được liên kết với bạn. \
             Nếu không phải bạn làm, gõ /lienket để bỏ liên kết.";
        let deadline = Instant::now() + Duration::from_secs(15);
        while !tg_texts(&telegram, phone).iter().any(|t| t == notice) {
            assert!(
                Instant::now() < deadline,
                "{}: {:?}",
                db.name,
                tg_texts(&telegram, phone)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        // The registration on Zalo: numbered lines, answered by number or by words without
        // diacritics, the phone typed.
        tick();
        assert_eq!(lan.say("/dangky").await, "Họ và tên chủ hộ?");
        assert_eq!(
            lan.say("Hoàng Thị Lan").await,
            "Hộ ở xóm nào?\n[1] Xóm Đồng Tâm\n[2] Xóm Nam Sơn\n[3] Xóm Hồng Thái"
        );
        assert_eq!(
            lan.say("nam son").await,
            "Địa chỉ cụ thể (số nhà, đường, khu)?"
        );
        assert_eq!(
            lan.say("Số 9, ngõ 3").await,
            "Số điện thoại liên hệ?\nGõ số điện thoại vào ô chat, ví dụ 0912 345 678."
        );
        assert_eq!(lan.say("0912 888 111").await, "Hộ có bao nhiêu người?");
        let categories = lan.say("3").await;
        assert!(
            categories.starts_with("Hộ thuộc diện nào?\n[1] Hộ nghèo\n[2] Hộ cận nghèo"),
            "{categories}"
        );
        let cccd = lan.say("2").await;
        assert!(cccd.contains("[/boqua] Bỏ qua"), "{cccd}");
        let summary = lan.say("bo qua").await;
        assert!(summary.contains("Xóm Nam Sơn"), "{summary}");
        assert!(summary.contains("0912 888 111"), "{summary}");
        assert!(
            summary.ends_with("[1] Đúng, lưu lại\n[2] Sửa một mục\n[3] Hủy"),
            "{summary}"
        );
        let saved = lan.say("1").await;
        assert!(
            saved.starts_with("Đã lưu hộ #1 Hoàng Thị Lan (Xóm Nam Sơn)."),
            "{}: {saved}",
            db.name
        );

        // The hamlet head is told on Zalo, the only account they have.
        let head_id = "head-nam-son";
        let notice = zalo.wait_sent(head_id, 1).await;
        assert_eq!(
            notice,
            ["Hộ mới chờ xác nhận: #1 Hoàng Thị Lan (Xóm Nam Sơn). Gõ /duyet 1 để duyệt."],
            "{}",
            db.name
        );

        // Zalo was used last: a notice now would go there.
        let person = {
            let mut tx = db.db.store.begin().await.unwrap();
            let p = persons::by_identity(&mut tx, "zalo", "lan-zalo")
                .await
                .unwrap()
                .expect("a person")
                .id;
            let to = persons::notice_contact(&mut tx, p).await.unwrap().unwrap();
            assert_eq!(to.channel, "zalo", "{}", db.name);
            tx.commit().await.unwrap();
            p
        };

        // Back on Telegram after registering: from now on that is the channel used last.
        tick();
        let mine = tg_say(&telegram, phone, "/hocuatoi").await;
        assert!(mine.contains("#1 Hoàng Thị Lan"), "{}: {mine}", db.name);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let zalo_before = zalo.sent("lan-zalo").len();
        let telegram_before = telegram.sent(phone).len();

        // The hamlet head confirms on Zalo: /duyet typed, the only household waiting shown
        // at once with the question, numbered choices.
        tick();
        let mut head = User::new(&zalo, head_id);
        let pending = head.say("/duyet").await;
        assert!(
            pending.starts_with("#1 Hoàng Thị Lan – Xóm Nam Sơn\n"),
            "{}: {pending}",
            db.name
        );
        // The hamlet head of the household's hamlet sees the full number.
        assert!(
            pending.contains("Hộ cận nghèo, 3 người, ĐT 0912 888 111"),
            "{pending}"
        );
        assert!(
            pending.ends_with("Xác nhận hộ này?\n[1] Xác nhận\n[2] Từ chối"),
            "{}: {pending}",
            db.name
        );
        assert_eq!(
            head.say("1").await,
            "Đã xác nhận hộ #1 Hoàng Thị Lan.",
            "{}",
            db.name
        );

        // The resident is told on Telegram, and on Zalo is told nothing.
        let told = telegram.wait_sent(phone, telegram_before + 1).await;
        assert_eq!(
            told[telegram_before]["text"], "Hộ #1 Hoàng Thị Lan đã được xác nhận.",
            "{}",
            db.name
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            telegram.sent(phone).len(),
            telegram_before + 1,
            "{}: {:?}",
            db.name,
            tg_texts(&telegram, phone)
        );
        assert_eq!(
            zalo.sent("lan-zalo").len(),
            zalo_before,
            "{}: nothing more on Zalo: {:?}",
            db.name,
            zalo.sent("lan-zalo")
        );
        // Every Zalo message is text alone (no buttons there); the head got only the
        // notice and the dialogue's replies.
        for m in zalo.calls("sendMessage") {
            let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["chat_id", "text"], "{m}");
        }
        assert_eq!(zalo.sent(head_id).len(), 3, "{:?}", zalo.sent(head_id));

        // In the database: the household confirmed, registered by the one person who has
        // both accounts; the hamlet head is someone else.
        let mut tx = db.db.store.begin().await.unwrap();
        let h = households::get(&mut tx, 1).await.unwrap().expect("#1");
        assert_eq!(h.status, HouseholdStatus::Confirmed, "{}", db.name);
        assert_eq!(h.registered_by, person, "{}", db.name);
        assert_eq!(h.hamlet_name, "Xóm Nam Sơn");
        assert_eq!(h.phone, "+84912888111", "stored normalised");
        let on_telegram = persons::by_identity(&mut tx, "telegram", &phone.to_string())
            .await
            .unwrap()
            .expect("the Telegram account");
        assert_eq!(on_telegram.id, person, "{}: one person", db.name);
        let mut accounts: Vec<(String, String)> = persons::identities(&mut tx, person)
            .await
            .unwrap()
            .into_iter()
            .map(|i| (i.channel, i.sender_id))
            .collect();
        accounts.sort();
        assert_eq!(
            accounts,
            [
                ("telegram".to_string(), phone.to_string()),
                ("zalo".to_string(), "lan-zalo".to_string())
            ],
            "{}",
            db.name
        );
        let to = persons::notice_contact(&mut tx, person)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(to.channel, "telegram", "{}", db.name);
        let head_person = persons::by_identity(&mut tx, "zalo", head_id)
            .await
            .unwrap()
            .expect("the head")
            .id;
        assert_ne!(head_person, person);
        tx.commit().await.unwrap();
        running.abort();
    }
}
