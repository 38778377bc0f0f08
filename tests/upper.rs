//! The upper level (the province's officers) on every backend under test, with two communes
//! of one province and one of another: it lists, opens and answers only what its province's
//! communes forwarded, the commune's officers and the submitter are told, the audit names it;
//! a commune officer sees no other commune's forwarded proposals; its daily digest counts per
//! commune, names the late and idle communes, carries no household, and goes out once.

mod common;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::Account;
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::config::Settings;
use giamngheo::dialogue::engine::Engine;
use giamngheo::domain::{
    Category, CommuneRules, HouseholdStatus, ProposalKind, ProposalStatus, Role,
};
use giamngheo::seed::{self, CommuneFile};
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{Store, audit, communes, households, outbox, proposals};
use giamngheo::{dialogue::setup, digest};

/// A moment in Vietnam (UTC+7).
fn vn(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Ho_Chi_Minh
        .with_ymd_and_hms(2026, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn commune(code: &str, name: &str, province: &str) -> CommuneFile {
    CommuneFile {
        code: code.into(),
        name: name.into(),
        district: String::new(),
        province: province.into(),
        time_zone: "Asia/Ho_Chi_Minh".into(),
        hamlets: vec!["Xóm Một".into(), "Xóm Hai".into()],
        rules: CommuneRules::default(),
    }
}

/// Xã A and Xã B of Thái Nguyên, Xã C of Bắc Kạn, loaded on 16/11/2026; the province's
/// officer `tinh` (holding the role in Xã A), each commune's culture-social officer
/// `canbo-a`…, and a cooperative's representative `htx-a`… in each.
async fn province(db: &TestDb, clock: &Arc<FixedClock>) {
    let now = clock.now();
    for (code, name, province) in [
        ("a", "Xã A", "Thái Nguyên"),
        ("b", "Xã B", "Thái Nguyên"),
        ("c", "Xã C", "Bắc Kạn"),
    ] {
        seed::add_commune(&db.store, &commune(code, name, province), now)
            .await
            .unwrap();
        let grant = |who: String, role, org: Option<&'static str>| {
            let store = db.store.clone();
            async move {
                seed::grant(&store, &who, role, None, org, Some(code), now)
                    .await
                    .unwrap();
            }
        };
        grant(format!("console:canbo-{code}"), Role::CultureOfficer, None).await;
        grant(
            format!("console:htx-{code}"),
            Role::BusinessRep,
            Some("HTX Chè"),
        )
        .await;
    }
    seed::grant(
        &db.store,
        "console:tinh",
        Role::UpperLevel,
        None,
        None,
        Some("a"),
        now,
    )
    .await
    .unwrap();
}

async fn commune_id(store: &Store, code: &str) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let c = communes::by_code(&mut tx, code).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    c.id
}

/// A value-chain proposal of `by`'s commune, moved straight to `status` now.
async fn proposal(
    engine: &Engine,
    code: &str,
    by: &Account<'_>,
    title: &str,
    status: ProposalStatus,
) -> i64 {
    let commune_id = commune_id(engine.store(), code).await;
    let by = by.person().await;
    let now = engine.clock().now();
    let mut tx = engine.store().begin().await.unwrap();
    let id = proposals::insert(
        &mut tx,
        &proposals::NewProposal {
            commune_id,
            kind: ProposalKind::P2Chain,
            group_id: None,
            partners: Some("Tổ hợp tác chè"),
            submitted_by: by,
            answers: "{}",
            title,
            total_cost: 1_200_000_000,
            support: 500_000_000,
            own_contribution: 400_000_000,
        },
        now,
    )
    .await
    .unwrap();
    assert!(
        proposals::set_status(&mut tx, id, ProposalStatus::Submitted, status, now)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    id
}

async fn get(store: &Store, id: i64) -> proposals::Proposal {
    let mut tx = store.begin().await.unwrap();
    let p = proposals::get(&mut tx, id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    p
}

#[tokio::test]
async fn the_upper_level_answers_only_what_its_provinces_communes_forwarded() {
    for db in common::databases().await {
        let name = db.name;
        let clock = Arc::new(FixedClock::new(vn(11, 16, 10)));
        province(&db.db, &clock).await;
        let engine = common::engine(&db.db, clock.clone());
        let mut tinh = Account::new(&engine, "console", "tinh");
        let mut canbo_a = Account::new(&engine, "console", "canbo-a");
        let canbo_b = Account::new(&engine, "console", "canbo-b");
        let mut canbo_c = Account::new(&engine, "console", "canbo-c");
        let htx_a = Account::new(&engine, "console", "htx-a");
        let htx_b = Account::new(&engine, "console", "htx-b");
        let htx_c = Account::new(&engine, "console", "htx-c");
        let pa = proposal(
            &engine,
            "a",
            &htx_a,
            "Chè sạch A",
            ProposalStatus::Forwarded,
        )
        .await;
        let pb = proposal(&engine, "b", &htx_b, "Mật ong B", ProposalStatus::Forwarded).await;
        let pc = proposal(
            &engine,
            "c",
            &htx_c,
            "Miến dong C",
            ProposalStatus::Forwarded,
        )
        .await;
        let open = "Nấm A";
        let pa2 = proposal(&engine, "a", &htx_a, open, ProposalStatus::UnderAppraisal).await;
        clock.set(vn(11, 20, 9));

        // The queue: both communes of the province, by commune, nothing of Bắc Kạn's and
        // nothing the commune has not forwarded.
        let said = tinh.say("/chocaptren").await;
        assert!(
            said.starts_with("Chờ cấp tỉnh trả lời: 2 đề xuất của 2 xã (cũ nhất trước)."),
            "{name}: {said}"
        );
        assert!(
            said.contains(&format!(
                "Xã A (1):\n#{pa} Chè sạch A – xin 500.000.000 đ – chờ 4 ngày"
            )),
            "{name}: {said}"
        );
        assert!(said.contains(&format!("#{pb} Mật ong B")), "{name}: {said}");
        assert!(
            !said.contains("Miến dong") && !said.contains(open),
            "{name}: {said}"
        );

        // Opening one: whose it is, its kind and amounts.
        let said = tinh.say(&format!("/xemda {pb}")).await;
        assert!(
            said.starts_with(&format!("#{pb} Mật ong B\nTừ Xã B\n")),
            "{name}: {said}"
        );
        assert!(said.contains("500.000.000"), "{name}: {said}");
        // Another province's, or one not forwarded, is not there to open.
        for other in [pc, pa2] {
            let said = tinh.say(&format!("/xemda {other}")).await;
            assert!(
                !said.contains("Miến dong") && !said.contains(open),
                "{name}: {said}"
            );
        }
        let said = tinh.say(&format!("/quyetdinh {pc}")).await;
        assert!(!said.contains("Miến dong"), "{name}: {said}");
        tinh.say("/huy").await;
        assert_eq!(
            get(engine.store(), pc).await.status,
            ProposalStatus::Forwarded
        );

        // Approved, with the checks a commune officer's recording passes.
        let said = tinh
            .says(&[
                &format!("/quyetdinh {pb}"),
                "phe duyet",
                "45/QĐ-UBND",
                "18/11/2026",
                "600 triệu",
            ])
            .await;
        assert!(
            said.contains("lớn hơn số đề nghị hỗ trợ (500.000.000 đ)"),
            "{name}: {said}"
        );
        let said = tinh.say("300 triệu").await;
        assert!(
            said.contains(&format!(
                "Đã ghi: đề xuất #{pb} \"Mật ong B\" đã được phê duyệt theo Quyết định số 45/QĐ-UBND ngày 18/11/2026"
            )),
            "{name}: {said}"
        );
        let p = get(engine.store(), pb).await;
        assert_eq!(p.status, ProposalStatus::Approved, "{name}");
        assert_eq!(p.approved_amount, Some(300_000_000), "{name}");
        let told = htx_b.inbox().await;
        assert!(
            told.contains(&format!(
                "Đề xuất #{pb} \"Mật ong B\" của bạn đã được phê duyệt"
            )),
            "{name}: {told}"
        );
        let told = canbo_b.inbox().await;
        assert!(
            told.contains(&format!(
                "Cấp tỉnh đã phê duyệt đề xuất #{pb} \"Mật ong B\" của Xã B: Quyết định số 45/QĐ-UBND"
            )),
            "{name}: {told}"
        );
        assert!(canbo_c.inbox().await.is_empty(), "{name}");
        // The commune's audit log, with the upper level's officer as who did it.
        let mut tx = engine.store().begin().await.unwrap();
        let entries = audit::for_entity(&mut tx, "proposal", pb).await.unwrap();
        tx.commit().await.unwrap();
        let last = entries.last().unwrap();
        assert_eq!(last.action, "approve", "{name}");
        assert_eq!(last.actor_id, Some(tinh.person().await), "{name}");

        // Not approved, with its reason; the commune's queue shows it no more.
        tinh.says(&[
            &format!("/quyetdinh {pa}"),
            "khong duyet",
            "Thiếu vốn đối ứng",
        ])
        .await;
        assert_eq!(
            get(engine.store(), pa).await.status,
            ProposalStatus::NotApproved,
            "{name}"
        );
        let told = canbo_a.inbox().await;
        assert!(
            told.contains("không phê duyệt đề xuất") && told.contains("Thiếu vốn đối ứng"),
            "{name}: {told}"
        );
        let said = tinh.say("/chocaptren").await;
        assert_eq!(said, "Không có đề xuất nào chờ cấp tỉnh trả lời.", "{name}");

        // A commune officer sees only the commune's own, and records its answer still.
        let said = canbo_a.say("/choxuly").await;
        assert!(!said.contains("Miến dong"), "{name}: {said}");
        for command in ["/xulyda", "/xemda"] {
            let said = canbo_a.say(&format!("{command} {pc}")).await;
            assert!(!said.contains("Miến dong"), "{name} {command}: {said}");
            canbo_a.say("/huy").await;
        }
        let said = canbo_c
            .says(&[&format!("/xulyda {pc}"), "khong phe duyet", "Hết vốn"])
            .await;
        assert!(said.contains("Miến dong C"), "{name}: {said}");
        assert_eq!(
            get(engine.store(), pc).await.status,
            ProposalStatus::NotApproved,
            "{name}"
        );
    }
}

#[tokio::test]
async fn residents_hamlet_heads_and_commune_officers_have_no_upper_level_commands() {
    for db in common::databases().await {
        let name = db.name;
        let clock = Arc::new(FixedClock::new(vn(11, 16, 10)));
        province(&db.db, &clock).await;
        seed::grant(
            &db.db.store,
            "console:truongxom",
            Role::HamletHead,
            Some("Xóm Một"),
            None,
            Some("a"),
            clock.now(),
        )
        .await
        .unwrap();
        let engine = common::engine(&db.db, clock.clone());
        let htx_b = Account::new(&engine, "console", "htx-b");
        let pb = proposal(&engine, "b", &htx_b, "Mật ong B", ProposalStatus::Forwarded).await;
        for who in ["nguoidan", "truongxom", "canbo-b"] {
            let mut a = Account::new(&engine, "console", who);
            a.say("/start").await;
            for command in ["/chocaptren".to_string(), format!("/quyetdinh {pb}")] {
                let said = a.say(&command).await;
                assert!(
                    !said.contains("Mật ong B") && !said.contains("Chờ cấp tỉnh"),
                    "{name} {who} {command}: {said}"
                );
                a.say("/huy").await;
            }
            let help = a.say("/trogiup").await;
            assert!(
                !help.contains("/chocaptren") && !help.contains("/quyetdinh"),
                "{name} {who}: {help}"
            );
        }
        assert_eq!(
            get(engine.store(), pb).await.status,
            ProposalStatus::Forwarded
        );
        // Xã A's culture-social officer takes back the commune's roles, not the province's
        // officer's, which holds its role in Xã A.
        let mut canbo_a = Account::new(&engine, "console", "canbo-a");
        let said = canbo_a.say("/thuhoi").await;
        assert!(
            said.contains("htx-a") && !said.contains("Cán bộ cấp tỉnh"),
            "{name}: {said}"
        );
        canbo_a.say("/huy").await;
        // The upper level's own menu offers them.
        let mut tinh = Account::new(&engine, "console", "tinh");
        let help = tinh.say("/trogiup").await;
        assert!(
            help.contains("/chocaptren – Đề xuất chờ cấp tỉnh")
                && help.contains("/quyetdinh – Ghi kết quả của cấp tỉnh"),
            "{name}: {help}"
        );
        assert!(!help.contains("/xulyda"), "{name}: {help}");
    }
}

/// The digests queued for a console person (marked delivered as they are read).
async fn digests_for(store: &Store, who: &str) -> Vec<String> {
    let mut tx = store.begin().await.unwrap();
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
async fn the_upper_levels_digest_counts_per_commune_names_late_and_idle_and_goes_once() {
    for db in common::databases().await {
        let name = db.name;
        let clock = Arc::new(FixedClock::new(vn(11, 16, 10)));
        province(&db.db, &clock).await;
        let engine = common::engine(&db.db, clock.clone());
        let htx_b = Account::new(&engine, "console", "htx-b");
        // Xã B forwards a proposal on the 16th and does nothing after; Xã C (Bắc Kạn) too.
        proposal(&engine, "b", &htx_b, "Mật ong B", ProposalStatus::Forwarded).await;
        let htx_c = Account::new(&engine, "console", "htx-c");
        proposal(
            &engine,
            "c",
            &htx_c,
            "Miến dong C",
            ProposalStatus::Forwarded,
        )
        .await;
        // Xã A has a deadline on the 18th that it misses, works in the bot on the 20th, and
        // registers two households on the 23rd.
        seed::deadline(
            &db.db.store,
            Some("a"),
            "Báo cáo số hộ",
            NaiveDate::from_ymd_opt(2026, 11, 18).unwrap(),
            clock.now(),
        )
        .await
        .unwrap();
        clock.set(vn(11, 20, 9));
        let mut canbo_a = Account::new(&engine, "console", "canbo-a");
        canbo_a.says(&["/giobantin", "7:00", "co"]).await;
        clock.set(vn(11, 23, 10));
        let a = commune_id(engine.store(), "a").await;
        let by = canbo_a.person().await;
        let mut tx = engine.store().begin().await.unwrap();
        let hamlet = communes::hamlets(&mut tx, a).await.unwrap()[0].id;
        for (head, phone) in [("Lò Văn Một", "0912000111"), ("Lò Thị Hai", "0912000222")] {
            households::insert(
                &mut tx,
                &households::NewHousehold {
                    commune_id: a,
                    hamlet_id: hamlet,
                    head_name: head,
                    address: "Số 1",
                    phone,
                    members: 4,
                    category: Category::Poor,
                    escaped_on: None,
                    escape_decision: None,
                    cccd: None,
                    status: HouseholdStatus::Claimed,
                    registered_by: by,
                },
                clock.now(),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        // At 07:05 on the 24th, two processes tick at once, and again.
        clock.set(vn(11, 24, 7) + chrono::Duration::minutes(5));
        let one = common::app(db.db.store.clone(), clock.clone());
        let two = common::app(db.db.store.clone(), clock.clone());
        let (x, y) = tokio::join!(digest::tick(&one), digest::tick(&two));
        x.unwrap();
        y.unwrap();
        digest::tick(&one).await.unwrap();
        let got = digests_for(&db.db.store, "tinh").await;
        assert_eq!(got.len(), 1, "{name}: {got:?}");
        let text = &got[0];
        for line in [
            "📋 Bản tin cấp tỉnh ngày 24/11/2026 – Thái Nguyên (2 xã)",
            "Mới từ bản tin trước: 2 hộ đăng ký · 0 nhóm mới",
            "⏳ Chờ cấp tỉnh trả lời: 1 đề xuất của 1 xã, lâu nhất 8 ngày (Xã B) – /chocaptren",
            "⚠️ Trễ hạn (1 xã): Xã A",
            "💤 Không hoạt động 7 ngày (1 xã): Xã B",
            "• Xã B: 1 đề xuất chờ (8 ngày)",
            "• Xã A: 2 hộ mới · trễ 1 hạn",
        ] {
            assert!(text.lines().any(|l| l == line), "{name}: {line}\n{text}");
        }
        // Another province's commune, households' names and phones are not in it.
        for absent in ["Xã C", "Miến dong", "Lò Văn Một", "0912", "Mật ong"] {
            assert!(!text.contains(absent), "{name}: {absent}\n{text}");
        }
        // The commune's officer gets the commune's digest, not the province's.
        let theirs = digests_for(&db.db.store, "canbo-a").await;
        assert_eq!(theirs.len(), 1, "{name}: {theirs:?}");
        assert!(!theirs[0].contains("cấp tỉnh"), "{name}: {}", theirs[0]);

        // The level's name is a setting: a city's officers read "cấp thành phố".
        let settings = Settings {
            upper_level_name: Some("thành phố".into()),
            ..Settings::default()
        };
        let city = common::app(db.db.store.clone(), clock.clone()).configured(&settings);
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let preview = digest::preview(&city, tinh_id(&db.db.store).await, day)
            .await
            .unwrap();
        assert!(
            preview
                .text
                .starts_with("📋 Bản tin cấp thành phố ngày 24/11/2026"),
            "{name}: {}",
            preview.text
        );
        let engine = setup::engine(&city, &settings).unwrap();
        let said = Account::new(&engine, "console", "tinh")
            .say("/chocaptren")
            .await;
        assert!(
            said.starts_with("Chờ cấp thành phố trả lời"),
            "{name}: {said}"
        );
    }
}

async fn tinh_id(store: &Store) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let p = giamngheo::store::persons::by_identity(&mut tx, "console", "tinh")
        .await
        .unwrap()
        .unwrap()
        .id;
    tx.commit().await.unwrap();
    p
}

/// The upper level asks for the province's workbook in chat: it is made as the reply goes
/// out and holds a row for each commune of its province and none of another; each commune's
/// audit log records the export; nobody else gets it.
#[tokio::test]
async fn the_upper_level_gets_its_provinces_workbook_in_chat() {
    use calamine::Reader;
    for db in common::databases().await {
        let name = db.name;
        let clock = Arc::new(FixedClock::new(vn(11, 16, 10)));
        province(&db.db, &clock).await;
        let engine = common::engine(&db.db, clock.clone());
        let mut tinh = Account::new(&engine, "console", "tinh");
        tinh.say("/start").await;
        let sent = ask(&mut tinh, "/baocaotinh").await;
        let file = sent
            .iter()
            .flat_map(|r| r.files.iter())
            .next()
            .unwrap_or_else(|| panic!("{name}: no file in {sent:?}"))
            .clone();
        assert!(file.recipe().is_some(), "{name}: made when sent");
        let reply = giamngheo::message::Reply {
            files: vec![file],
            ..Default::default()
        };
        let made = giamngheo::report::made::resolve(engine.store(), reply)
            .await
            .unwrap();
        let bytes = made.files[0].bytes().expect("an inline workbook");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let first = book.sheet_names()[0].clone();
        let summary = format!("{:?}", book.worksheet_range(&first).unwrap());
        assert!(
            summary.contains("Xã A") && summary.contains("Xã B") && !summary.contains("Xã C"),
            "{name}: {summary}"
        );
        for code in ["a", "b"] {
            let id = commune_id(engine.store(), code).await;
            let mut tx = engine.store().read().await.unwrap();
            let log = audit::for_entity(&mut tx, "province", id).await.unwrap();
            tx.commit().await.unwrap();
            assert!(
                log.iter().any(|e| e.action == "export"),
                "{name}: {code}: {log:?}"
            );
        }
        let mut canbo = Account::new(&engine, "console", "canbo-a");
        canbo.say("/start").await;
        let sent = ask(&mut canbo, "/baocaotinh").await;
        assert!(
            sent.iter().all(|r| r.files.is_empty()),
            "{name}: a commune officer gets no province workbook"
        );
    }
}

/// Sends a line and returns the replies as queued (files included).
async fn ask(a: &mut Account<'_>, text: &str) -> Vec<giamngheo::message::Reply> {
    use giamngheo::message::{Content, Inbound};
    a.n += 1;
    let msg = Inbound {
        channel: a.channel.into(),
        chat_id: a.who.into(),
        sender_id: a.who.into(),
        sender_name: Some(a.who.into()),
        message_id: format!("{}-{}-ask-{}", a.channel, a.who, a.n),
        lang_hint: None,
        content: Content::Text(text.into()),
    };
    a.engine.handle(&msg).await.unwrap();
    common::replies_on(a.engine.store(), a.channel, a.who).await
}
