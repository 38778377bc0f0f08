//! The daily digest at fixed dates, exactly once, on every backend under test; the report
//! workbook read back; the chart.

mod common;

use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
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
                    "Người khuyết tật",
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
            // Lan's registration waits for the hamlet head: not counted as near-poor yet,
            // but in its own column.
            assert_eq!(cell(&by_hamlet, 1, 2), "0");
            assert_eq!(cell(&by_hamlet, 0, 6), "Hộ chờ xác nhận");
            assert_eq!(cell(&by_hamlet, 1, 6), "1");
            assert_eq!(cell(&by_hamlet, 4, 0), "Tổng");
            assert_eq!(cell(&by_hamlet, 4, 5), "0");
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
        // Nothing confirmed yet: nothing to draw.
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let preview = digest::preview(&w.app, 4, day).await.unwrap();
        assert!(preview.files.is_empty(), "{}", db.name);
        let mut head = common::Account::new(&w.engine, "console", "truongxom1");
        let said = head.says(&["/duyet 1", "Xác nhận"]).await;
        assert!(said.contains("Đã xác nhận"), "{said}");
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

/// The report, the chart and the digest count the same households, as of their day: only
/// confirmed ones by category (a rejected one nowhere, a waiting one apart), a newly escaped
/// household as such only while its window is open, and people with a disability in people.
#[tokio::test]
async fn report_chart_and_digest_count_the_same_households_as_of_their_day() {
    use common::Account;
    use giamngheo::report::{chart::Bars, tally};
    for db in common::databases().await {
        let w = world(&db.db).await;
        // Lan (near-poor, waiting) is in the world; a newly escaped household whose window
        // closes on 01/12/2026, one to reject and one left waiting.
        let register = |name: &'static str, phone: &'static str, category: &'static str| {
            vec!["/dangky", name, "1", "Số 1", phone, "4", category]
        };
        let mut hoa = Account::new(&w.engine, "console", "ba-hoa");
        let mut lines = register("Lò Thị Hoa", "0912000111", "3");
        lines.extend(["01/12/2023", "bỏ qua", "bỏ qua", "1"]);
        let said = hoa.says(&lines).await;
        assert!(said.contains("Đã lưu hộ #2"), "{said}");
        for (who, name, phone) in [
            ("ba-minh", "Trần Văn Minh", "0912000222"),
            ("ba-tu", "Lê Văn Tư", "0912000333"),
        ] {
            let mut lines = register(name, phone, "1");
            lines.extend(["bỏ qua", "1"]);
            let said = Account::new(&w.engine, "console", who).says(&lines).await;
            assert!(said.contains("Đã lưu hộ"), "{said}");
        }
        let mut head = Account::new(&w.engine, "console", "truongxom1");
        for line in ["/duyet 1", "/duyet 2"] {
            let said = head.says(&[line, "Xác nhận"]).await;
            assert!(said.contains("Đã xác nhận"), "{said}");
        }
        let said = head.says(&["/duyet 3", "Từ chối", "Không ở xóm"]).await;
        assert!(said.contains("từ chối"), "{said}");
        // Two people with a disability: one in Lan's household, one in none registered.
        let said = head
            .says(&["/khuyettat", "1", "Trần Văn Út", "1985", "1"])
            .await;
        assert!(
            said.contains("Đã ghi người khuyết tật #1 Trần Văn Út"),
            "{said}"
        );
        let said = head
            .says(&["/khuyettat", "khong o ho nao", "Hà Thị Bé", "2001", "1"])
            .await;
        assert!(said.contains("Không ở hộ nào đã đăng ký"), "{said}");

        for (day, newly, other) in [((2026, 11, 27), 1, 0), ((2026, 12, 5), 0, 1)] {
            let day = NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap();
            w.clock.set(vn(day.year(), day.month(), day.day(), 8, 0));
            let now = w.clock.now();
            // The report.
            let bytes = giamngheo::report::export(&db.db.store, None, false, now)
                .await
                .unwrap();
            let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
            let sheet = book.worksheet_range("Theo xóm").unwrap();
            let row: Vec<String> = (0..8).map(|c| cell(&sheet, 1, c)).collect();
            let expected: Vec<String> = [
                "Xóm Đồng Tâm".to_string(),
                "0".into(),
                "1".into(),
                newly.to_string(),
                other.to_string(),
                "2".into(),
                "1".into(),
                "2".into(),
            ]
            .to_vec();
            assert_eq!(row, expected, "{} {day}", db.name);
            assert_eq!(cell(&sheet, 0, 6), "Hộ chờ xác nhận");
            assert_eq!(cell(&sheet, 4, 5), "2", "the total row");
            // The chart.
            let mut tx = db.db.store.begin().await.unwrap();
            let commune = giamngheo::store::communes::default_commune(&mut tx, None)
                .await
                .unwrap()
                .unwrap();
            let t = tally::of_commune(&mut tx, &commune, day).await.unwrap();
            tx.commit().await.unwrap();
            let texts = giamngheo::text::Texts::load().unwrap();
            let bars = Bars::of(&t, &commune.name, &texts, giamngheo::text::Lang::Vi);
            let drawn = |label: &str| {
                bars.households
                    .iter()
                    .find(|(l, _)| l == label)
                    .map(|(_, v)| v[0])
                    .unwrap()
            };
            assert_eq!(drawn("Hộ cận nghèo"), 1);
            assert_eq!(drawn("Hộ mới thoát nghèo"), newly);
            assert_eq!(drawn("Hộ khác (không thuộc diện)"), other);
            assert_eq!(bars.people.1[0], 2);
            // And both bars are drawn where one can see them.
            let png = giamngheo::report::chart::draw(&bars).unwrap();
            let img = image::load_from_memory(&png).unwrap().to_rgb8();
            let seen = |rgb: [u8; 3]| img.pixels().filter(|p| p.0 == rgb).count();
            assert!(seen([21, 101, 192]) > 500, "the people's bar");
            assert!(seen([239, 108, 0]) > 500, "the near-poor households' bar");
            // The digest.
            let preview = digest::preview(&w.app, 4, day).await.unwrap();
            assert!(
                preview
                    .text
                    .contains("Tổng: 2 hộ đã xác nhận, 1 chờ xác nhận · 2 người khuyết tật"),
                "{}: {}",
                db.name,
                preview.text
            );
        }
    }
}

/// A household registered under the old fifth category ("Người khuyết tật…") becomes an other
/// household with its head recorded as the person, so nobody counted before is lost.
#[tokio::test]
async fn the_migration_turns_the_old_category_into_a_person() {
    for mut db in common::databases().await {
        let w = world(&db.db).await;
        drop(w);
        db.db
            .execute(
                "UPDATE households SET category = 'disabled' WHERE id = 1;
                 DROP TABLE disabled_persons;
                 DELETE FROM _sqlx_migrations WHERE version = 13;",
            )
            .await
            .unwrap();
        db.db.reopen().await.unwrap();
        let mut tx = db.db.store.begin().await.unwrap();
        let h = giamngheo::store::households::get(&mut tx, 1)
            .await
            .unwrap()
            .unwrap();
        let people = giamngheo::store::disabled::in_household(&mut tx, 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            h.category,
            giamngheo::domain::Category::Other,
            "{}",
            db.name
        );
        assert_eq!(people.len(), 1, "{}", db.name);
        assert_eq!(people[0].full_name, "Nguyễn Thị Lan");
        assert_eq!(people[0].birth_year, None);
    }
}

/// A commune whose hamlets are "bản" reads "bản" everywhere: questions, labels, notices, the
/// role's name, the report's sheet and headers.
#[tokio::test]
async fn a_commune_of_ban_reads_ban_not_xom() {
    use common::Account;
    use giamngheo::domain::Role;
    for db in common::databases().await {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("xa.toml");
        std::fs::write(
            &file,
            "code = \"muong-phang\"\nname = \"Xã Mường Phăng\"\nprovince = \"Điện Biên\"\n\
             hamlets = [\"Bản Nà Mòn\", \"Bản Pá Khoang\"]\n\n[rules.words]\nhamlet = \"bản\"\n",
        )
        .unwrap();
        let clock = Arc::new(FixedClock::new(vn(2026, 11, 26, 10, 0)));
        let now = clock.now();
        seed::init_commune(&db.db.store, &file, now).await.unwrap();
        let engine = common::engine(&db.db, clock.clone());
        let code = Some("muong-phang");
        let (head, nam) = (Role::HamletHead, Some("Bản Nà Mòn"));
        seed::grant(engine.store(), "test:head", head, nam, None, code, now)
            .await
            .unwrap();
        let mut resident = Account::new(&engine, "test", "lo-van-a");
        let asked = resident.says(&["/dangky", "Lò Văn A"]).await;
        assert!(asked.contains("Hộ ở bản nào?"), "{}: {asked}", db.name);
        let summary = resident
            .says(&["1", "Số 1", "0912000444", "4", "1", "bỏ qua"])
            .await;
        assert!(summary.contains("2. Bản: Bản Nà Mòn"), "{summary}");
        let saved = resident.say("1").await;
        assert!(saved.contains("Trưởng bản sẽ xác nhận"), "{saved}");
        let mut head = Account::new(&engine, "test", "head");
        let notice = head.inbox().await;
        assert!(notice.contains("Lò Văn A"), "{notice}");
        let said = head.says(&["/duyet 1", "Xác nhận"]).await;
        assert!(said.contains("Đã xác nhận"), "{said}");
        let mine = resident.say("/hocuatoi").await;
        assert!(!mine.to_lowercase().contains("xóm"), "{mine}");

        let bytes = giamngheo::report::export(&db.db.store, code, false, now)
            .await
            .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names()[0], "Theo bản", "{}", db.name);
        let sheet = book.worksheet_range("Theo bản").unwrap();
        assert_eq!(cell(&sheet, 0, 0), "Bản");
        assert_eq!(cell(&sheet, 1, 0), "Bản Nà Mòn");
        let list = book.worksheet_range("Danh sách hộ").unwrap();
        assert_eq!(cell(&list, 0, 2), "Bản");
    }
}

/// The digest's half-minute check only reads: while another connection holds SQLite's write
/// lock (a registration being saved, an export), the check still answers "nothing due"
/// instead of waiting for the lock and failing.
#[tokio::test]
async fn the_digest_check_reads_without_the_write_lock() {
    for db in common::databases().await {
        let w = world(&db.db).await;
        let held = db.db.store.begin().await.unwrap();
        let sent = digest::tick(&w.app).await;
        assert_eq!(sent.ok(), Some(0), "{}", db.name);
        held.commit().await.unwrap();
    }
}

/// A province of `communes` × `households` built at `at` (see `bench::province`).
async fn province(
    db: &TestDb,
    communes: usize,
    households: usize,
    at: DateTime<Utc>,
) -> giamngheo::bench::province::Province {
    let size = giamngheo::bench::province::Size {
        communes,
        households,
    };
    giamngheo::bench::province::build(&db.store, size, at)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_racing_in_a_province_send_each_digest_once() {
    for db in common::databases().await {
        let clock = Arc::new(FixedClock::new(vn(2026, 11, 26, 10, 0)));
        let p = province(&db.db, 3, 500, clock.now()).await;
        let one = common::app(db.db.store.clone(), clock.clone());
        let other = common::app(db.db.another_pool().await.unwrap(), clock.clone());
        clock.set(vn(2026, 11, 27, 7, 0));
        let (a, b) = tokio::join!(digest::tick(&one), digest::tick(&other));
        // Ten hamlet heads and two officers in each commune.
        assert_eq!(
            a.unwrap() + b.unwrap(),
            36,
            "{}: every recipient once",
            db.name
        );
        let engine = common::engine(&db.db, clock.clone());
        for i in 0..3 {
            let code = giamngheo::bench::province::code(i);
            for who in ["canbo", "khuyennong", "truongxom1", "truongxom10"] {
                let who = format!("{code}-{who}");
                assert_eq!(
                    digests_for(&engine, &who).await.len(),
                    1,
                    "{}: {who}",
                    db.name
                );
            }
        }
        // Each officer's digest is their own commune's: the queue names its households.
        let mut tx = db.db.store.begin().await.unwrap();
        let sent = digests::last_sent(&mut tx, p.officers[1]).await.unwrap();
        tx.commit().await.unwrap();
        assert!(sent.is_some(), "{}", db.name);
    }
}

#[tokio::test]
async fn the_households_list_reads_page_after_page_and_only_its_commune() {
    for db in common::databases().await {
        let now = vn(2026, 11, 26, 10, 0);
        // 2,500 a commune, 1 in 20 rejected: 2,375 listed, more than one page.
        province(&db.db, 2, 2500, now).await;
        let code = giamngheo::bench::province::code(1);
        let bytes = giamngheo::report::export(&db.db.store, Some(&code), false, now)
            .await
            .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let list = book.worksheet_range("Danh sách hộ").unwrap();
        let ids: Vec<f64> = (1..list.height() as u32)
            .map(|r| cell(&list, r, 0).parse().unwrap())
            .collect();
        assert_eq!(ids.len(), 2375, "{}", db.name);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{}: in order", db.name);
        // The second commune's households were registered after all the first's.
        assert!(ids[0] > 2500.0, "{}: {}", db.name, ids[0]);
        assert_eq!(cell(&list, 1, 4), "0301 *** 000", "{}: masked", db.name);
    }
}

#[tokio::test]
async fn the_province_workbook_sums_each_communes_own_report() {
    for db in common::databases().await {
        let now = vn(2026, 11, 26, 10, 0);
        let p = province(&db.db, 3, 1000, now).await;
        let bytes = giamngheo::report::export_province(&db.db.store, None, now)
            .await
            .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["Tổng hợp", "Xã Thử 1", "Xã Thử 2", "Xã Thử 3"],
            "{}",
            db.name
        );
        let summary = book.worksheet_range("Tổng hợp").unwrap();
        assert_eq!(cell(&summary, 0, 0), "Xã");
        assert_eq!(cell(&summary, 0, 2), "Hộ nghèo (đã xác nhận)");
        assert_eq!(cell(&summary, 0, 7), "Hộ chờ xác nhận");
        assert_eq!(cell(&summary, 0, 9), "Nhóm: đang thành lập");
        assert_eq!(
            cell(&summary, 0, 16),
            "Đề xuất: đã trình cấp trên, chờ trả lời"
        );
        assert_eq!(cell(&summary, 0, 21), "Hạn chót quá hạn");
        let mut sums = [0.0; 20];
        for i in 0..3 {
            let code = giamngheo::bench::province::code(i);
            let own = giamngheo::report::export(&db.db.store, Some(&code), false, now)
                .await
                .unwrap();
            let mut own: Xlsx<_> = Xlsx::new(std::io::Cursor::new(own)).unwrap();
            let by_hamlet = own.worksheet_range("Theo xóm").unwrap();
            let row = i as u32 + 1;
            assert_eq!(cell(&summary, row, 0), format!("Xã Thử {}", i + 1));
            // Households by category, confirmed, waiting, people: the commune's own total.
            for k in 0..7 {
                assert_eq!(
                    cell(&summary, row, k + 2),
                    cell(&by_hamlet, 11, k + 1),
                    "{}: commune {i}, column {k}",
                    db.name
                );
            }
            // Its sheet is its "Theo xóm", cell for cell.
            let sheet = book.worksheet_range(&format!("Xã Thử {}", i + 1)).unwrap();
            for r in 0..12 {
                for c in 0..8 {
                    assert_eq!(cell(&sheet, r, c), cell(&by_hamlet, r, c), "{}", db.name);
                }
            }
            // 5 groups: forming, requested, established in turn; 2 proposals; one deadline
            // three days late.
            let counts: Vec<String> = (9..22).map(|c| cell(&summary, row, c)).collect();
            assert_eq!(counts[0..3], ["2", "2", "1"], "{}: groups", db.name);
            assert_eq!(counts[12], "1", "{}: late deadlines", db.name);
            let proposals: f64 = counts[3..12]
                .iter()
                .map(|n| n.parse::<f64>().unwrap())
                .sum();
            assert_eq!(proposals, 2.0, "{}", db.name);
            for (k, s) in sums.iter_mut().enumerate() {
                *s += cell(&summary, row, k as u32 + 2).parse::<f64>().unwrap();
            }
        }
        assert_eq!(cell(&summary, 4, 0), "Tổng");
        for (k, s) in sums.iter().enumerate() {
            assert_eq!(
                cell(&summary, 4, k as u32 + 2),
                s.to_string(),
                "{}",
                db.name
            );
        }
        // Each commune's log says the province's report read its counts.
        let mut tx = db.db.store.begin().await.unwrap();
        for id in &p.communes {
            let log = giamngheo::store::audit::for_entity(&mut tx, "province", *id)
                .await
                .unwrap();
            assert_eq!(log.len(), 1, "{}", db.name);
        }
        // A province not in the database is said, not an empty workbook.
        let none = giamngheo::report::export_province(&db.db.store, Some("Tỉnh Khác"), now).await;
        assert!(none.unwrap_err().to_string().contains("Tỉnh Khác"));
        tx.commit().await.unwrap();
    }
}
