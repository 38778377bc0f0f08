//! The daily digest at fixed dates, exactly once, on every backend under test; the report
//! workbook read back; the chart.

mod common;

use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use giamngheo::app::AppState;
use giamngheo::channels::console::Session;
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::dialogue::engine::Engine;
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{digests, outbox, persons};
use giamngheo::{digest, seed};

/// A moment in Vietnam (UTC+7).
fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Ho_Chi_Minh
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

struct World {
    clock: Arc<FixedClock>,
    engine: Engine,
    app: AppState,
}

/// The demo commune set up on 26/11/2026 at 10:00, with a registration waiting for
/// truongxom1 and a deadline.
async fn world(db: &TestDb) -> World {
    let clock = Arc::new(FixedClock::new(vn(2026, 11, 26, 10, 0)));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    let engine = common::engine(db, clock.clone());
    let mut s = Session::open(&engine, "ba-lan", vec![]).await.unwrap();
    for line in [
        "/dangky",
        "Nguyễn Thị Lan",
        "1",
        "Số 3",
        "0912111222",
        "3",
        "2",
        "019203004567",
        "1",
    ] {
        s.send(line).await.unwrap();
    }
    seed::deadline(
        &db.store,
        None,
        "Báo cáo số cộng đồng đăng ký",
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        clock.now(),
    )
    .await
    .unwrap();
    let app = common::app(db.store.clone(), clock.clone());
    World { clock, engine, app }
}

/// The digests queued for a console person, in order (and marks them delivered).
async fn digests_for(engine: &Engine, who: &str) -> Vec<String> {
    let mut tx = engine.store().begin().await.unwrap();
    let far = Utc::now() + chrono::Duration::days(3650);
    let rows = outbox::due(&mut tx, "console", Some(who), far, 100)
        .await
        .unwrap();
    for r in &rows {
        outbox::mark_sent(&mut tx, r.id, far).await.unwrap();
    }
    tx.commit().await.unwrap();
    rows.iter()
        .map(|r| r.reply().unwrap().text)
        .filter(|t| t.contains("Bản tin"))
        .collect()
}

#[tokio::test]
async fn one_digest_a_day_at_the_hour_across_midnight() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        // Made officers at 10:00 on the 26th: nothing for the 26th, nothing before 07:00.
        assert_eq!(digest::tick(&w.app).await.unwrap(), 0, "{}", db.name);
        w.clock.set(vn(2026, 11, 27, 6, 59));
        assert_eq!(digest::tick(&w.app).await.unwrap(), 0);
        w.clock.set(vn(2026, 11, 27, 7, 0));
        let sent = digest::tick(&w.app).await.unwrap();
        assert_eq!(
            sent,
            giamngheo::seed::DEMO_PEOPLE
                .iter()
                .filter(|p| p.1 != giamngheo::domain::Role::OrgRep
                    && p.1 != giamngheo::domain::Role::BusinessRep)
                .count()
        );
        assert_eq!(
            digest::tick(&w.app).await.unwrap(),
            0,
            "a second tick sends nothing"
        );
        let head = digests_for(&w.engine, "truongxom1").await;
        assert_eq!(head.len(), 1);
        assert!(
            head[0].starts_with("📋 Bản tin ngày 27/11/2026 – Xã Mẫu (dữ liệu mẫu)"),
            "{}",
            head[0]
        );
        assert!(
            head[0].contains("• Hộ đăng ký: 1 (Xóm Đồng Tâm: 1 hộ cận nghèo)"),
            "{}",
            head[0]
        );
        // The hamlet head calls households: the phone is whole in their digest.
        assert!(
            head[0].contains("• #1 Nguyễn Thị Lan (0912 111 222) – 1 ngày – /duyet 1"),
            "{}",
            head[0]
        );
        assert!(
            head[0].contains("• Báo cáo số cộng đồng đăng ký – 30/11/2026 – còn 3 ngày"),
            "{}",
            head[0]
        );
        // Nobody else's digest carries a phone or the CCCD.
        let officer = digests_for(&w.engine, "canbo").await;
        assert_eq!(officer.len(), 1);
        assert!(
            !officer[0].contains("0912") && !officer[0].contains("019203004567"),
            "{}",
            officer[0]
        );

        w.clock.set(vn(2026, 11, 27, 23, 59));
        assert_eq!(digest::tick(&w.app).await.unwrap(), 0);
        w.clock.set(vn(2026, 11, 28, 0, 1));
        assert_eq!(
            digest::tick(&w.app).await.unwrap(),
            0,
            "past midnight is not the hour"
        );
        w.clock.set(vn(2026, 11, 28, 7, 5));
        digest::tick(&w.app).await.unwrap();
        let next = digests_for(&w.engine, "truongxom1").await;
        assert_eq!(next.len(), 1);
        assert!(
            next[0].starts_with("📋 Bản tin ngày 28/11/2026"),
            "{}",
            next[0]
        );
        assert!(
            next[0].contains("Không có gì mới từ bản tin trước."),
            "{}",
            next[0]
        );
        assert!(
            next[0].contains("2 ngày – /duyet 1"),
            "the wait grows by a day: {}",
            next[0]
        );
    }
}

#[tokio::test]
async fn a_missed_day_goes_out_once_saying_which_day() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        w.clock.set(vn(2026, 11, 27, 8, 0));
        digest::tick(&w.app).await.unwrap();
        digests_for(&w.engine, "canbo").await;
        // Down from before 07:00 on the 28th until 06:00 on the 29th.
        w.clock.set(vn(2026, 11, 29, 6, 0));
        digest::tick(&w.app).await.unwrap();
        let late = digests_for(&w.engine, "canbo").await;
        assert_eq!(late.len(), 1, "{}: {late:?}", db.name);
        assert!(
            late[0].starts_with("📋 Bản tin ngày 28/11/2026"),
            "{}",
            late[0]
        );
        assert!(late[0].contains("(Bản tin của ngày 28/11/2026, gửi muộn vì hệ thống tạm dừng.)"));
        assert_eq!(digest::tick(&w.app).await.unwrap(), 0, "sent once");
        w.clock.set(vn(2026, 11, 29, 7, 0));
        digest::tick(&w.app).await.unwrap();
        assert_eq!(
            digests_for(&w.engine, "canbo").await.len(),
            1,
            "and the 29th's in its time"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_racing_send_one_digest() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        let other = common::app(db.db.another_pool().await.unwrap(), w.clock.clone());
        w.clock.set(vn(2026, 11, 27, 7, 0));
        let (a, b) = tokio::join!(digest::tick(&w.app), digest::tick(&other));
        let total = a.unwrap() + b.unwrap();
        assert_eq!(total, 5, "{}: every recipient once", db.name);
        assert_eq!(digests_for(&w.engine, "canbo").await.len(), 1);
        assert_eq!(digests_for(&w.engine, "truongxom2").await.len(), 1);
    }
}

#[tokio::test]
async fn an_officer_in_another_time_zone_gets_it_at_their_seven() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        let mut tx = w.engine.store().begin().await.unwrap();
        let canbo = persons::by_identity(&mut tx, "console", "canbo")
            .await
            .unwrap()
            .unwrap();
        digests::set_prefs(&mut tx, canbo.id, "07:00", "Europe/Berlin", true)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // 07:00 in Berlin on the 26th (13:00 in Vietnam): only the officer in Berlin.
        w.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 26, 6, 0, 0).unwrap());
        digest::tick(&w.app).await.unwrap();
        let got = digests_for(&w.engine, "canbo").await;
        assert_eq!(got.len(), 1, "{}", db.name);
        assert!(
            got[0].starts_with("📋 Bản tin ngày 26/11/2026"),
            "{}",
            got[0]
        );
        assert!(digests_for(&w.engine, "truongxom1").await.is_empty());
        // 07:00 in Vietnam on the 27th is 01:00 in Berlin.
        w.clock.set(vn(2026, 11, 27, 7, 0));
        digest::tick(&w.app).await.unwrap();
        assert!(
            digests_for(&w.engine, "canbo").await.is_empty(),
            "{}: night in Berlin",
            db.name
        );
        assert_eq!(digests_for(&w.engine, "truongxom1").await.len(), 1);
        w.clock
            .set(Utc.with_ymd_and_hms(2026, 11, 27, 6, 0, 0).unwrap());
        digest::tick(&w.app).await.unwrap();
        let got = digests_for(&w.engine, "canbo").await;
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("📋 Bản tin ngày 27/11/2026"),
            "{}",
            got[0]
        );
    }
}

#[tokio::test]
async fn an_officer_sets_the_time_by_chat() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        let mut s = Session::open(&w.engine, "canbo", vec![]).await.unwrap();
        s.output.clear();
        for line in ["/giobantin", "25:00", "6h30", "không"] {
            s.send(line).await.unwrap();
        }
        let out = String::from_utf8(s.output.clone()).unwrap();
        assert!(
            out.contains("Giờ chưa đúng. Ví dụ: 7:00 hoặc 6h30."),
            "{out}"
        );
        assert!(
            out.contains("Sẽ gửi bản tin lúc 06:30 mỗi ngày; ngày không có gì mới thì không gửi."),
            "{out}"
        );
        w.clock.set(vn(2026, 11, 27, 6, 30));
        digest::tick(&w.app).await.unwrap();
        assert_eq!(
            digests_for(&w.engine, "canbo").await.len(),
            1,
            "{}",
            db.name
        );
        assert!(
            digests_for(&w.engine, "truongxom1").await.is_empty(),
            "the others wait for 07:00"
        );
    }
}

fn cell(sheet: &calamine::Range<Data>, r: u32, c: u32) -> String {
    sheet
        .get_value((r, c))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_report_workbook_reads_back_masked_unless_asked() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        let now = w.clock.now();
        for (unmasked, phone, cccd) in [
            (false, "0912 *** 222", "*********567"),
            (true, "0912 111 222", "019203004567"),
        ] {
            let bytes = giamngheo::report::export(&db.db.store, None, unmasked, now)
                .await
                .unwrap();
            let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
            assert_eq!(
                book.sheet_names(),
                [
                    "Theo xóm",
                    "Danh sách hộ",
                    "Nhóm",
                    "Đề xuất",
                    "Số cộng đồng đăng ký"
                ],
                "{}",
                db.name
            );
            let by_hamlet = book.worksheet_range("Theo xóm").unwrap();
            assert_eq!(cell(&by_hamlet, 0, 0), "Xóm");
            assert_eq!(cell(&by_hamlet, 0, 2), "Hộ cận nghèo");
            assert_eq!(cell(&by_hamlet, 1, 0), "Xóm Đồng Tâm");
            assert_eq!(cell(&by_hamlet, 1, 2), "1");
            assert_eq!(cell(&by_hamlet, 4, 0), "Tổng");
            assert_eq!(cell(&by_hamlet, 4, 6), "1");
            let list = book.worksheet_range("Danh sách hộ").unwrap();
            assert_eq!(cell(&list, 0, 4), "Điện thoại");
            assert_eq!(cell(&list, 1, 1), "Nguyễn Thị Lan");
            assert_eq!(cell(&list, 1, 4), phone);
            assert_eq!(cell(&list, 1, 8), cccd);
            let tally = book.worksheet_range("Số cộng đồng đăng ký").unwrap();
            assert_eq!(cell(&tally, 1, 0), "Tổng số tổ, nhóm cộng đồng đăng ký");
            assert_eq!(cell(&tally, 1, 1), "0");
        }
        // Who exported personal data, and whether masked, is in the audit log.
        let mut tx = db.db.store.begin().await.unwrap();
        let log = giamngheo::store::audit::for_entity(&mut tx, "commune", 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "export").count(), 2);
    }
}

#[tokio::test]
async fn the_chart_is_a_png_of_the_households() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        let preview = digest::preview(&w.app, 4, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap())
            .await
            .unwrap();
        let chart = preview
            .files
            .iter()
            .find(|f| f.name.ends_with(".png"))
            .expect("a chart");
        let png = chart.bytes().unwrap();
        assert!(png.len() > 5000, "{}: {} bytes", db.name, png.len());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (800, 500));
    }
}
