//! Files on Zalo, both ways: a photo sent where a question asks for a file is fetched and kept
//! (and an officer on Telegram gets it), and what the bot sends Zalo users (the digest's
//! chart, the Excel report) goes as links to the listener, fetched by the stand-in as Zalo
//! would.

use common::telegram_mock::{self as tg, Mock as TgMock};

use super::*;

/// A small PNG's bytes (the signature is what the tests look for).
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(std::iter::repeat_n(7u8, 2000));
    b
}

/// A cooperative on Zalo answers a proposal up to its meeting minutes.
async fn proposal_up_to_the_minutes(coop: &mut User<'_>) -> String {
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
    let mut last = String::new();
    for a in answers {
        last = coop.say(a).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_answers_a_file_question_and_an_officer_on_telegram_gets_it() {
    for db in common::databases().await {
        let zalo = Mock::start().await;
        let telegram = TgMock::start().await;
        let mut s = settings(&zalo);
        s.telegram_token = Some(tg::TOKEN.into());
        s.telegram_api_url = Some(telegram.url.clone());
        s.telegram_limits = fast();
        let engine = engine_at(&db.db, clock()).await;
        let now = chrono::Utc::now();
        seed::grant(
            &db.db.store,
            "zalo:coop-1",
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
            "telegram:9302",
            giamngheo::domain::Role::CultureOfficer,
            now,
        )
        .await;
        let running = run::start(&s, engine).await.unwrap();

        let mut coop = User::new(&zalo, "coop-1");
        let asked = proposal_up_to_the_minutes(&mut coop).await;
        assert_eq!(asked, "Gửi ảnh hoặc tệp biên bản họp dân.", "{}", db.name);

        // A link that gives no image, and one that gives nothing: asked again, nothing lost.
        let page = zalo.photo("trang.html", "text/html", b"<html></html>".to_vec());
        let said = coop.send(|u, id| zm::image(u, id, &page)).await;
        assert_eq!(
            said,
            "Không nhận được ảnh này (lỗi tải hoặc lớn hơn 10 MB). Vui lòng gửi lại ảnh.\n\
             Gửi ảnh hoặc tệp biên bản họp dân.",
            "{}",
            db.name
        );
        let gone = format!("{}/photos/het-han.jpg", zalo.url);
        let said = coop.send(|u, id| zm::image(u, id, &gone)).await;
        assert!(said.starts_with("Không nhận được ảnh này"), "{said}");

        let minutes = zalo.photo("bien-ban.png", "image/png", png());
        let said = coop.send(|u, id| zm::image(u, id, &minutes)).await;
        assert!(!said.starts_with("Không nhận"), "{}: {said}", db.name);
        let mut contract_png = png();
        contract_png.push(1);
        let contract = zalo.photo("hop-dong.png", "image/png", contract_png.clone());
        let summary = coop.send(|u, id| zm::image(u, id, &contract)).await;
        assert!(
            summary.contains("Hợp đồng liên kết: 📎 hop-dong.png"),
            "{}: {summary}",
            db.name
        );
        let done = coop.say("1").await;
        assert!(done.starts_with("Đã gửi đề xuất #1"), "{done}");

        // Zalo's links do not last: the officer gets the photos from the bot's own store.
        zalo.state.lock().unwrap().photos.clear();
        let officer = 9302;
        let told = telegram.wait_sent(officer, 1).await;
        assert!(
            told[0]["text"]
                .as_str()
                .unwrap()
                .starts_with("Có đề xuất mới #1")
        );
        telegram.push(tg::text(officer, "/xemda 1"));
        telegram.wait_sent(officer, 2).await;
        let deadline = Instant::now() + Duration::from_secs(15);
        while telegram.delivered("sendPhoto").len() < 2 {
            assert!(
                Instant::now() < deadline,
                "{}: the photos were not sent",
                db.name
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let photos: Vec<String> = telegram
            .delivered("sendPhoto")
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert!(
            photos[0].contains("bien-ban.png") && photos[1].contains("hop-dong.png"),
            "{photos:?}"
        );
        assert!(
            photos.iter().all(|p| p.contains("PNG")),
            "uploaded with their bytes"
        );
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digest_chart_and_the_report_reach_zalo_by_link() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let s = with_public_url(settings(&mock));
        let public = s.zalo_public_url.clone().unwrap();
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        ));
        let engine = engine_at(&db.db, clock.clone()).await;
        let running = run::start(&s, engine.clone()).await.unwrap();
        common::grant(
            &db.db.store,
            "zalo:officer-1",
            giamngheo::domain::Role::CultureOfficer,
            clock.now(),
        )
        .await;
        let mut resident = User::new(&mock, "resident-9");
        registers(&mut resident, "Lò Văn Sinh", "0912555666").await;
        // Confirmed by its hamlet head: the chart counts confirmed households.
        let said = common::Account::new(&engine, "console", "truongxom2")
            .says(&["/duyet 1", "Xác nhận"])
            .await;
        assert!(said.contains("Đã xác nhận"), "{said}");
        clock.set(clock.now() + chrono::Duration::days(1));
        let app = common::app(db.db.store.clone(), clock.clone());
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 1);
        running.wake.ring();

        let sent = mock.wait_sent("officer-1", 1).await;
        assert!(
            sent[0].starts_with("📋 Bản tin ngày 27/11/2026"),
            "{}: {}",
            db.name,
            sent[0]
        );
        mock.until("the chart sent", |m| {
            !m.delivered("sendPhoto", "officer-1").is_empty()
        })
        .await;
        let photo = &mock.delivered("sendPhoto", "officer-1")[0];
        let url = photo["photo"].as_str().unwrap().to_string();
        let token = url
            .strip_prefix(&format!("{public}/files/"))
            .unwrap_or_else(|| panic!("{url} is not under {public}"));
        assert!(token.len() >= 22, "{token}");
        // Zalo fetched it from the listener, as the picture it is.
        let fetched = mock.state.lock().unwrap().fetched.clone();
        assert_eq!(fetched.len(), 1);
        assert_eq!(fetched[0].status, 200, "{}: {fetched:?}", db.name);
        assert_eq!(fetched[0].content_type, "image/png");
        assert!(fetched[0].bytes.starts_with(b"\x89PNG"));

        // A link works for its token only.
        let client = reqwest::Client::new();
        let mut wrong = token.to_string();
        wrong.replace_range(..1, if token.starts_with('A') { "B" } else { "A" });
        for bad in [wrong.as_str(), "khong-co", "../../etc/passwd"] {
            let r = client
                .get(format!("{public}/files/{bad}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{bad}");
        }

        // The Excel report cannot go as a photo: a line with its link.
        let mut officer = User::new(&mock, "officer-1");
        officer.n = 100;
        let before = mock.sent("officer-1").len();
        mock.push(zm::text("officer-1", "r1", "/baocao"));
        let sent = mock.wait_sent("officer-1", before + 2).await;
        assert!(
            sent[before].starts_with("Báo cáo Excel"),
            "{}",
            sent[before]
        );
        let line = &sent[before + 1];
        assert!(
            line.starts_with("📎 bao-cao-2026-11-27.xlsx: tải tại ")
                && line.ends_with("(trong 7 ngày)"),
            "{line}"
        );
        let link = line
            .split_whitespace()
            .find(|w| w.starts_with("http"))
            .unwrap();
        let r = client.get(link).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheet")
        );
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an xlsx file");
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_public_url_zalo_users_are_told_where_files_are() {
    for db in common::databases().await {
        let mock = Mock::start().await;
        let engine = engine_at(&db.db, clock()).await;
        common::grant(
            &db.db.store,
            "zalo:officer-2",
            giamngheo::domain::Role::CultureOfficer,
            chrono::Utc::now(),
        )
        .await;
        let running = run::start(&settings(&mock), engine).await.unwrap();
        assert!(running.addr.is_none(), "nothing to serve, no listener");
        mock.push(zm::text("officer-2", "r1", "/baocao"));
        let sent = mock.wait_sent("officer-2", 2).await;
        assert!(
            sent[0].starts_with("Báo cáo Excel"),
            "{}: {sent:?}",
            db.name
        );
        assert!(
            sent[1].starts_with("📎 bao-cao-2026-11-27.xlsx: tệp này chưa gửi qua Zalo được."),
            "{}",
            sent[1]
        );
        assert!(mock.calls("sendPhoto").is_empty());
        running.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_link_is_for_one_recipient_and_ends_after_a_week() {
    use giamngheo::channels::links::Links;
    for db in common::databases().await {
        let mock = Mock::start().await;
        let s = with_public_url(settings(&mock));
        let public = s.zalo_public_url.clone().unwrap();
        let running = start(&db.db, &s).await;
        let now = chrono::Utc::now();
        let mut tx = db.db.store.begin().await.unwrap();
        let id =
            giamngheo::store::files::put(&mut tx, "test:chart", "photo", "bd.png", &png(), now)
                .await
                .unwrap();
        tx.commit().await.unwrap();

        let links = Links::new(db.db.store.clone(), &public);
        let a = links.url(id, "zalo", "chat-a", now).await.unwrap();
        assert_eq!(links.url(id, "zalo", "chat-a", now).await.unwrap(), a);
        let b = links.url(id, "zalo", "chat-b", now).await.unwrap();
        assert_ne!(a, b, "{}: each recipient has a link of its own", db.name);
        let week_ago = now - chrono::Duration::days(8);
        let old = links.url(id, "zalo", "chat-c", week_ago).await.unwrap();
        let client = reqwest::Client::new();
        for (url, status) in [(&a, 200), (&b, 200), (&old, 404)] {
            let r = client.get(url.as_str()).send().await.unwrap();
            assert_eq!(r.status(), status, "{}: {url}", db.name);
        }
        let again = links.url(id, "zalo", "chat-c", now).await.unwrap();
        assert_ne!(again, old, "an expired link is not given again");
        running.abort();
    }
}
