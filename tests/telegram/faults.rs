//! Faults on Telegram's side, as a user would notice them: a 429 for one chat, calls that
//! hang, a 500, a failed upload, a busy chat, an idle long poll, an update delivered twice.
//! Each fault lasts as long as the test lets it; what matters is what arrives while it lasts
//! and that what it held up arrives once after.

use std::time::{Duration, Instant};

use giamngheo::store::outbox;
use tg::Fault;

use super::*;

/// Waits until `done` says yes; `what` names it in the failure.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "waited for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until nothing queued for `chat` is left to send (sent, or given up): from then on
/// nothing more can arrive there, so what arrived can be counted.
async fn drained(db: &TestDb, chat: i64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut tx = db.store.begin().await.unwrap();
        let left = outbox::unsent_for_chat(&mut tx, "telegram", &chat.to_string(), 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "{chat} still has {left:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every sendMessage with when it came, refused ones included.
fn send_calls(mock: &Mock) -> Vec<(Value, Instant)> {
    mock.calls("sendMessage")
        .into_iter()
        .zip(mock.call_times("sendMessage"))
        .collect()
}

const FIRST_QUESTION: &str = "Họ và tên chủ hộ?";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_for_one_chat_holds_up_no_other_chat() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let (held, other) = (7101, 7102);

        // Telegram tells the bot to wait 3 s before writing to `held` again.
        mock.fail_next("sendMessage", Some(held), Fault::RetryAfter(3));
        mock.push(tg::text(held, "/dangky"));
        until("the 429", || {
            send_calls(&mock).iter().any(|(b, _)| b["chat_id"] == held)
        })
        .await;
        let refused_at = send_calls(&mock)[0].1;
        let hold_ends = refused_at + Duration::from_secs(3);

        mock.push(tg::text(other, "/dangky"));
        mock.wait_sent(other, 1).await;
        let calls = send_calls(&mock);
        let (_, answered_at) = calls.iter().find(|(b, _)| b["chat_id"] == other).unwrap();
        assert!(
            *answered_at < hold_ends,
            "{}: the other chat waited for the held one ({:?} after the 429)",
            db.name,
            *answered_at - refused_at
        );

        // The held reply comes once the wait is over (the stand-in refuses it before), once.
        mock.wait_sent(held, 1).await;
        drained(&db.db, held).await;
        assert_eq!(texts(&mock.sent(held)), [FIRST_QUESTION], "{}", db.name);
        let refused = send_calls(&mock)
            .into_iter()
            .filter(|(b, _)| b["chat_id"] == held && b["__refused"] == 429)
            .count();
        assert_eq!(refused, 1, "{}: the bot knocked before its time", db.name);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_hangs_holds_up_no_other_chat() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let (stuck, other) = (7201, 7202);

        mock.fail_next("sendMessage", Some(stuck), Fault::Hang);
        mock.push(tg::text(stuck, "/dangky"));
        mock.wait_hanging(1).await;

        mock.push(tg::text(other, "/dangky"));
        let sent = mock.wait_sent(other, 1).await;
        assert_eq!(texts(&sent), [FIRST_QUESTION], "{}", db.name);
        assert_eq!(
            mock.hanging(),
            1,
            "{}: it arrived while the call hung",
            db.name
        );
        assert!(mock.sent(stuck).is_empty());

        // Telegram answers at last: the reply it took is not sent again.
        mock.release();
        mock.wait_sent(stuck, 1).await;
        drained(&db.db, stuck).await;
        assert_eq!(texts(&mock.sent(stuck)), [FIRST_QUESTION], "{}", db.name);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_press_is_handled_while_its_acknowledgement_hangs() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let (presser, other) = (7301, 7302);

        mock.fail_next("answerCallbackQuery", None, Fault::Hang);
        mock.push(tg::press(presser, 2, "/dangky"));
        mock.wait_hanging(1).await;
        let sent = mock.wait_sent(presser, 1).await;
        assert_eq!(texts(&sent), [FIRST_QUESTION], "{}", db.name);

        mock.push(tg::text(other, "/dangky"));
        let sent = mock.wait_sent(other, 1).await;
        assert_eq!(texts(&sent), [FIRST_QUESTION], "{}", db.name);
        assert_eq!(mock.hanging(), 1, "{}: all while the ack hung", db.name);

        // Once Telegram answers, the spinner stops and the old keyboard goes after all.
        mock.release();
        until("the acknowledgement and the keyboard edit", || {
            mock.delivered("answerCallbackQuery").len() == 1
                && mock.delivered("editMessageReplyMarkup").len() == 1
        })
        .await;
        drained(&db.db, presser).await;
        assert_eq!(texts(&mock.sent(presser)), [FIRST_QUESTION], "{}", db.name);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_from_telegram_delays_the_reply_but_loses_it_not() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let user = 7401;

        mock.fail_next("sendMessage", Some(user), Fault::ServerError);
        mock.push(tg::text(user, "/dangky"));
        mock.wait_sent_within(user, 1, Duration::from_secs(30))
            .await;
        drained(&db.db, user).await;
        assert_eq!(texts(&mock.sent(user)), [FIRST_QUESTION], "{}", db.name);
        let attempts = mock.calls("sendMessage");
        assert_eq!(attempts[0]["__refused"], 500, "{}: {attempts:?}", db.name);

        // The user saw the question, so the answer fits.
        mock.push(tg::text(user, "Nguyễn Văn An"));
        let sent = mock.wait_sent(user, 2).await;
        assert_eq!(sent[1]["text"], "Hộ ở xóm nào?", "{}", db.name);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_chart_upload_is_sent_again_and_the_text_only_once() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        ));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let engine = Arc::new(common::engine(&db.db, clock.clone()));
        let running = run::start(&settings(&mock), engine.clone()).await.unwrap();
        let officer = 7501;
        common::grant(
            &db.db.store,
            &format!("telegram:{officer}"),
            giamngheo::domain::Role::CultureOfficer,
            clock.now(),
        )
        .await;
        // A household registers and is confirmed, so the digest has a chart to draw.
        super::registers(&mock, 7502, "Lò Văn Sinh", "0912555666").await;
        let said = common::Account::new(&engine, "console", "truongxom2")
            .says(&["/duyet 1", "Xác nhận"])
            .await;
        assert!(said.contains("Đã xác nhận"), "{said}");

        mock.fail_next("sendPhoto", None, Fault::ServerError);
        clock.set(clock.now() + chrono::Duration::days(1));
        let app = common::app(db.db.store.clone(), clock.clone());
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 1);
        until("the chart, sent again", || {
            !mock.delivered("sendPhoto").is_empty()
        })
        .await;
        drained(&db.db, officer).await;

        let photos = mock.calls("sendPhoto");
        assert_eq!(photos.len(), 2, "{}: one refused, one taken", db.name);
        assert_eq!(photos[0]["__refused"], 500);
        let chart = photos[1].to_string();
        assert!(chart.contains("ho-theo-xom.png"), "{}", db.name);
        assert!(chart.contains(&officer.to_string()), "to the officer");
        let text_at = send_calls(&mock)
            .into_iter()
            .find(|(b, _)| b["chat_id"] == officer)
            .map(|(_, t)| t)
            .unwrap();
        assert!(
            text_at < mock.call_times("sendPhoto")[1],
            "the text comes first"
        );
        // The officer reads the digest once, not again with every try of its chart.
        let sent = texts(&mock.sent(officer));
        assert_eq!(sent.len(), 1, "{}: {sent:?}", db.name);
        assert!(
            sent[0].starts_with("📋 Bản tin ngày 27/11/2026"),
            "{sent:?}"
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_chat_holds_up_no_other_chat() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        // Telegram's own limits: a chat gets a burst of three, then one message a second, so
        // a dozen replies keep one chat busy for a while.
        let s = Settings {
            telegram_limits: None,
            ..settings(&mock)
        };
        let running = start(&db.db, &s).await;
        let (busy, other) = (7601, 7602);
        let many = 12;
        for _ in 0..many {
            mock.push(tg::text(busy, "/trogiup"));
        }
        // Every message handled and the first replies out: the rest wait their turn.
        until("the busy chat's messages handled", || {
            mock.acknowledged_all()
        })
        .await;
        mock.wait_sent(busy, 4).await;

        mock.push(tg::text(other, "/dangky"));
        mock.wait_sent(other, 1).await;
        mock.wait_sent_within(busy, many, Duration::from_secs(30))
            .await;
        drained(&db.db, busy).await;
        assert_eq!(mock.sent(busy).len(), many, "{}", db.name);

        let order: Vec<i64> = mock
            .delivered("sendMessage")
            .iter()
            .map(|b| b["chat_id"].as_i64().unwrap())
            .collect();
        let answered = order.iter().position(|&c| c == other).unwrap();
        let busy_done = order.iter().rposition(|&c| c == busy).unwrap();
        assert!(
            answered < busy_done,
            "{}: the other chat waited for the busy one: {order:?}",
            db.name
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_idle_while_a_message_still_gets_its_reply() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let user = 7701;

        until("a long poll held open", || mock.polls_waiting() == 1).await;
        let polls = mock.calls("getUpdates");
        assert!(
            polls
                .iter()
                .all(|p| p["timeout"].as_u64().is_some_and(|t| t > 0)),
            "long polls, each with a timeout: {polls:?}"
        );
        // The idle itself is what is tested: nobody writes for a while.
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Still the same poll: the stand-in held it as Telegram does, and the bot did not
        // give up on it.
        assert_eq!(mock.calls("getUpdates").len(), polls.len(), "{}", db.name);
        assert_eq!(mock.polls_waiting(), 1, "{}", db.name);

        mock.push(tg::text(user, "/dangky"));
        let sent = mock.wait_sent(user, 1).await;
        assert_eq!(texts(&sent), [FIRST_QUESTION], "{}", db.name);
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_delivered_twice_is_answered_once_and_stalls_nothing() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let running = start(&db.db, &settings(&mock)).await;
        let user = 7801;

        let twice = mock.push_twice(tg::text(user, "/dangky"));
        mock.wait_sent(user, 1).await;
        until("both copies acknowledged", || mock.acknowledged_all()).await;

        // The offset moved past it: the next message comes and is answered.
        mock.push(tg::text(user, "Nguyễn Văn An"));
        mock.wait_sent(user, 2).await;
        drained(&db.db, user).await;
        assert_eq!(
            texts(&mock.sent(user)),
            [FIRST_QUESTION, "Hộ ở xóm nào?"],
            "{}",
            db.name
        );
        let offsets: Vec<i64> = mock
            .calls("getUpdates")
            .iter()
            .filter_map(|p| p["offset"].as_i64())
            .collect();
        assert!(offsets.iter().any(|&o| o > twice), "{offsets:?}");
        running.abort();
    }
}

/// A file Telegram refuses for good (here an unknown file id) is not tried forever, and not
/// lost in silence either: the chat it was for is told which file did not come.
#[tokio::test]
async fn a_file_refused_for_good_is_said_in_its_chat() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        ));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let engine = Arc::new(common::engine(&db.db, clock.clone()));
        let running = run::start(&settings(&mock), engine.clone()).await.unwrap();
        let officer = 7601;
        common::grant(
            &db.db.store,
            "telegram:7601",
            giamngheo::domain::Role::CultureOfficer,
            clock.now(),
        )
        .await;
        mock.fail_next("sendDocument", None, Fault::BadRequest);
        let mut reply = giamngheo::message::Reply::text("Đề xuất #1 – tệp kèm:");
        reply.files = vec![giamngheo::message::FileRef {
            kind: "document".into(),
            channel: "telegram".into(),
            file_id: "BQACAgUAAxkBAAI".into(),
            name: "bien-ban.pdf".into(),
            data: None,
        }];
        let mut tx = db.db.store.begin().await.unwrap();
        outbox::enqueue(
            &mut tx,
            "telegram",
            &officer.to_string(),
            &reply,
            clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        running.wake.ring();
        let sent = mock.wait_sent(officer, 2).await;
        let texts: Vec<&str> = sent.iter().filter_map(|m| m["text"].as_str()).collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("Không gửi được tệp bien-ban.pdf")),
            "{}: {texts:?}",
            db.name
        );
        // Kept for where the file is listed (the proposal's card says it did not arrive)…
        let refused = || async {
            let mut tx = db.db.store.read().await.unwrap();
            let me = giamngheo::store::persons::by_identity(&mut tx, "telegram", "7601")
                .await
                .unwrap()
                .expect("the officer");
            let why = outbox::refused_to(&mut tx, me.id, &reply.files[0])
                .await
                .unwrap();
            tx.commit().await.unwrap();
            why
        };
        assert!(refused().await.is_some(), "{}", db.name);
        // …until the same file reaches the chat.
        let mut tx = db.db.store.begin().await.unwrap();
        let again = giamngheo::message::Reply {
            files: reply.files.clone(),
            ..Default::default()
        };
        outbox::enqueue(&mut tx, "telegram", "7601", &again, clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        running.wake.ring();
        until("the file sent again", || {
            mock.calls("sendDocument").len() >= 2
        })
        .await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while refused().await.is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "{}: still refused",
                db.name
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        running.abort();
    }
}
