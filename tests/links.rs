//! One person on several channels, through the real engine on every backend under test: a
//! code asked for on one account and typed on another makes one person of the two; wrong,
//! expired and used codes; the wrong-try limit; links refused when unsafe; listing and
//! unlinking; notices and the digest on the channel used last, or the one chosen.

mod common;

use common::Account;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::dialogue::engine::Engine;
use giamngheo::domain::Role;
use giamngheo::seed;
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{Store, audit, links, persons};

impl Account<'_> {
    /// Asks for a code and returns it, with what was said around it.
    async fn code(&mut self) -> (String, String) {
        let said = self.say("/lienket").await;
        (code_in(&said), said)
    }
}

fn code_in(said: &str) -> String {
    let at = said.find("Mã liên kết: ").expect("a code") + "Mã liên kết: ".len();
    let code: String = said[at..].chars().take(8).collect();
    assert_eq!(
        giamngheo::domain::links::parse_code(&code).as_deref(),
        Some(code.as_str()),
        "{said}"
    );
    code
}

async fn setup(db: &TestDb) -> (Engine, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    (common::engine(db, clock.clone()), clock)
}

async fn head(store: &Store, identity: &str, hamlet: &str, now: chrono::DateTime<chrono::Utc>) {
    seed::grant(
        store,
        identity,
        Role::HamletHead,
        Some(hamlet),
        None,
        None,
        now,
    )
    .await
    .unwrap();
}

/// The audit actions written about a person, in order.
async fn audited(store: &Store, person: i64) -> Vec<String> {
    let mut tx = store.begin().await.unwrap();
    let log = audit::for_entity(&mut tx, "person", person).await.unwrap();
    tx.commit().await.unwrap();
    log.into_iter().map(|e| e.action).collect()
}

/// Registers a household from a resident's account, answer by answer.
async fn register(a: &mut Account<'_>, name: &str, phone: &str) -> String {
    for line in ["/dangky", name, "1", "Số 1", phone, "3", "1", "bỏ qua"] {
        a.say(line).await;
    }
    a.say("1").await
}

#[tokio::test]
async fn a_code_typed_on_another_account_makes_one_person_with_roles_and_the_task_kept() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let store = engine.store();
        head(store, "console:bahoa", "Xóm Đồng Tâm", clock.now()).await;
        let mut console = Account::new(&engine, "console", "bahoa");
        let mut phone = Account::new(&engine, "telegram", "7001");
        let mut resident = Account::new(&engine, "test", "dan");
        let said = register(&mut resident, "Hà Thị Dân", "0912000700").await;
        assert!(said.starts_with("Đã lưu hộ #1"), "{said}");

        // On the phone, a registration is under way before the accounts are linked.
        phone.say("/dangky").await;
        assert_eq!(
            phone.say("Lê Văn Tư").await.lines().next(),
            Some("Hộ ở xóm nào?")
        );

        let (code, said) = console.code().await;
        assert!(
            said.contains(&format!(
                "Trong 10 phút, trên tài khoản kia (Zalo, Telegram, máy tính…) gõ: /lienket {code}"
            )),
            "{}: {said}",
            db.name
        );
        assert!(
            said.ends_with("Tài khoản này chưa liên kết với tài khoản nào khác."),
            "{said}"
        );
        assert_ne!(console.person().await, phone.person().await);

        // Typed in the middle of the registration: linked, and the question comes again.
        let said = phone.say(&format!("/lienket {code}")).await;
        assert!(
            said.starts_with(
                "Đã liên kết: tài khoản này và Máy tính bahoa nay là một người (bahoa)."
            ),
            "{}: {said}",
            db.name
        );
        assert!(
            said.contains("\n\nHộ ở xóm nào?\n[1] Xóm Đồng Tâm"),
            "{said}"
        );
        assert_eq!(console.person().await, phone.person().await);
        // The account that asked for the code is told, with the way back.
        assert_eq!(
            console.inbox().await,
            "Tài khoản Telegram 7001 vừa được liên kết với bạn. Nếu không phải bạn làm, gõ /lienket để bỏ liên kết."
        );

        // The registration goes on, now as the hamlet head: their own registration waits
        // for the culture-social officer.
        for line in ["1", "Số 2", "0912000701", "3", "1", "bỏ qua"] {
            phone.say(line).await;
        }
        let said = phone.say("1").await;
        assert!(
            said.starts_with("Đã lưu hộ #2 Lê Văn Tư (Xóm Đồng Tâm). Hộ do bạn đăng ký"),
            "{}: {said}",
            db.name
        );
        // The hamlet head's role works from the phone: the resident's household is confirmed.
        let said = phone.say("/duyet").await;
        assert!(said.contains("Hà Thị Dân"), "{}: {said}", db.name);
        assert!(!said.contains("Lê Văn Tư"), "not one's own: {said}");
        assert_eq!(phone.say("Xác nhận").await, "Đã xác nhận hộ #1 Hà Thị Dân.");
        assert_eq!(resident.inbox().await, "Hộ #1 Hà Thị Dân đã được xác nhận.");
        // What was registered on the phone is the console's person's too.
        let mine = console.say("/hocuatoi").await;
        assert!(mine.contains("Lê Văn Tư"), "{}: {mine}", db.name);

        let me = console.person().await;
        let log = audited(store, me).await;
        assert_eq!(
            log.iter()
                .filter(|a| a.starts_with("link_"))
                .collect::<Vec<_>>(),
            ["link_code_issued", "link_joined"],
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn wrong_expired_and_used_codes_are_explained_and_five_wrong_tries_lock_the_hour() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let mut a = Account::new(&engine, "console", "an");
        let mut b = Account::new(&engine, "telegram", "8001");
        let mut c = Account::new(&engine, "telegram", "8002");
        b.say("/menu").await;
        let typed_by = b.person().await;

        let (first, _) = a.code().await;
        let wrong = if first == "ABCDEFGH" {
            "BCDEFGHJ"
        } else {
            "ABCDEFGH"
        };
        let said = b.say(&format!("/lienket {wrong}")).await;
        assert_eq!(
            said, "Mã không đúng. Còn 4 lần thử trong giờ này.",
            "{}",
            db.name
        );
        // Not a code at all: explained, not counted.
        let said = b.say("/lienket 12 34").await;
        assert!(said.starts_with("Mã liên kết gồm 8 chữ và số"), "{said}");

        clock.advance(Duration::minutes(11));
        let said = b.say(&format!("/lienket {first}")).await;
        assert_eq!(
            said,
            "Mã này đã hết hạn (chỉ dùng được 10 phút). Lấy mã mới bằng /lienket trên tài khoản kia. Còn 3 lần thử trong giờ này.",
            "{}",
            db.name
        );

        let (second, _) = a.code().await;
        assert!(
            c.say(&format!("/lienket {second}"))
                .await
                .starts_with("Đã liên kết")
        );
        let said = b.say(&format!("/lienket {second}")).await;
        assert_eq!(
            said,
            "Mã này đã được dùng. Lấy mã mới bằng /lienket trên tài khoản kia. Còn 2 lần thử trong giờ này.",
            "{}",
            db.name
        );
        b.say(&format!("/lienket {wrong}")).await;
        let said = b.say(&format!("/lienket {wrong}")).await;
        assert_eq!(said, "Mã không đúng. Bạn đã hết lượt thử trong giờ này.");

        // The right code now is refused too, until the first wrong try is an hour old.
        clock.advance(Duration::minutes(5));
        let (third, _) = a.code().await;
        let said = b.say(&format!("/lienket {third}")).await;
        assert_eq!(
            said, "Bạn đã gõ sai mã 5 lần trong một giờ. Vui lòng thử lại sau 44 phút.",
            "{}",
            db.name
        );
        assert_ne!(a.person().await, b.person().await);

        clock.advance(Duration::minutes(45));
        let (fourth, _) = a.code().await;
        let said = b.say(&format!("/lienket {fourth}")).await;
        assert!(said.starts_with("Đã liên kết"), "{}: {said}", db.name);
        assert_eq!(a.person().await, b.person().await);

        // Every try is in the audit log, under the person who typed it.
        let log = audited(engine.store(), typed_by).await;
        assert_eq!(
            log.iter().filter(|a| *a == "link_code_wrong").count(),
            5,
            "{}: {log:?}",
            db.name
        );
        assert_eq!(log.iter().filter(|a| *a == "link_code_blocked").count(), 1);
    }
}

#[tokio::test]
async fn unsafe_links_are_refused_with_the_reason() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let store = engine.store();
        head(store, "console:h1", "Xóm Đồng Tâm", clock.now()).await;
        head(store, "telegram:9001", "Xóm Nam Sơn", clock.now()).await;
        let mut h1 = Account::new(&engine, "console", "h1");
        let mut h2 = Account::new(&engine, "telegram", "9001");

        // One's own code on the account that asked for it: not a link, not a wrong try.
        let (code, _) = h1.code().await;
        let said = h1.say(&format!("/lienket {code}")).await;
        assert!(
            said.starts_with("Đây là mã của chính tài khoản này."),
            "{}: {said}",
            db.name
        );

        // Two hamlet heads of two hamlets: refused, and the asking account is told.
        let said = h2.say(&format!("/lienket {code}")).await;
        assert_eq!(
            said,
            "Không liên kết được: cả hai tài khoản đều được xã giao vai trò, và không giống nhau. Nhờ cán bộ xã chỉ giao vai trò cho một tài khoản, rồi lấy mã mới.",
            "{}",
            db.name
        );
        assert!(
            h1.inbox()
                .await
                .starts_with("Mã liên kết của bạn vừa được gõ từ Telegram 9001, nhưng không liên kết được: cả hai tài khoản"),
        );
        assert_ne!(h1.person().await, h2.person().await);
        // The code was used up by the refusal.
        assert!(
            h2.say(&format!("/lienket {code}"))
                .await
                .starts_with("Mã này đã được dùng.")
        );
        // Neither head gained the other's hamlet.
        let h2_person = h2.person().await;
        let mut tx = store.begin().await.unwrap();
        let grants = persons::grants(&mut tx, h2_person).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(grants.len(), 1, "{grants:?}");

        // Both accounts in the middle of a registration: safe, each chat keeps its own place.
        let mut a = Account::new(&engine, "console", "tam");
        let mut b = Account::new(&engine, "telegram", "9200");
        for acc in [&mut a, &mut b] {
            acc.say("/dangky").await;
        }
        a.say("Lò Văn Tám").await;
        b.say("Lò Thị Chín").await;
        let said = a.say("/lienket").await;
        let code = code_in(&said);
        assert!(
            said.ends_with("Hộ ở xóm nào?\n[1] Xóm Đồng Tâm\n[2] Xóm Nam Sơn\n[3] Xóm Hồng Thái"),
            "{said}"
        );
        let said = b.say(&format!("/lienket {code}")).await;
        assert!(said.starts_with("Đã liên kết"), "{said}");
        for (acc, phone) in [(&mut a, "0912000801"), (&mut b, "0912000802")] {
            for line in ["1", "Số 1", phone, "3", "1", "bỏ qua"] {
                acc.say(line).await;
            }
            assert!(acc.say("1").await.starts_with("Đã lưu hộ #"), "{}", db.name);
        }
        let mine = a.say("/hocuatoi").await;
        assert!(
            mine.contains("Lò Văn Tám") && mine.contains("Lò Thị Chín"),
            "{}: {mine}",
            db.name
        );

        // An account of another commune (new people join it from now on: it is the first real one).
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("xa.toml");
        std::fs::write(
            &file,
            "code = \"khac\"\nname = \"Xã Khác\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm A\"]\n",
        )
        .unwrap();
        seed::init_commune(store, &file, clock.now()).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let other = giamngheo::store::communes::default_commune(&mut tx, Some("khac"))
            .await
            .unwrap()
            .unwrap();
        let p = persons::create(&mut tx, other.id, "Khách", "vi", clock.now())
            .await
            .unwrap();
        persons::link_identity(&mut tx, "telegram", "9100", p, "9100", None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut stranger = Account::new(&engine, "telegram", "9100");
        let (code, _) = h1.code().await;
        let said = stranger.say(&format!("/lienket {code}")).await;
        assert_eq!(
            said, "Không liên kết được: hai tài khoản thuộc hai xã khác nhau.",
            "{}",
            db.name
        );
        assert_ne!(h1.person().await, stranger.person().await);
    }
}

#[tokio::test]
async fn lienket_lists_the_accounts_and_unlinks_one() {
    for db in common::databases().await {
        let (engine, _clock) = setup(&db.db).await;
        let mut lan = Account::new(&engine, "console", "lan");
        let mut phone = Account::new(&engine, "telegram", "6001");
        let said = register(&mut phone, "Vi Thị Lan", "0912000601").await;
        assert!(said.starts_with("Đã lưu hộ #1"), "{said}");
        let (code, _) = lan.code().await;
        phone.say(&format!("/lienket {code}")).await;
        lan.inbox().await;

        let said = lan.say("/lienket").await;
        assert!(
            said.ends_with(
                "Các tài khoản khác của bạn, và nơi nhận thông báo. Chọn để thay đổi, hoặc gõ /huy:
[1] Bỏ liên kết Telegram 6001
[2] Thông báo: kênh dùng gần nhất ✓
[3] Thông báo: chỉ qua Máy tính
[4] Thông báo: chỉ qua Telegram"
            ),
            "{}: {said}",
            db.name
        );
        // The household registered on the phone before the link is the person's.
        let said = lan.say("/huy").await;
        assert!(said.starts_with("Đã hủy."), "{said}");
        assert!(lan.say("/hocuatoi").await.contains("Vi Thị Lan"));

        lan.say("/lienket").await;
        let said = lan.say("1").await;
        assert_eq!(
            said,
            "Đã bỏ liên kết Telegram 6001. Tài khoản đó nay là một người riêng, không có vai trò, hộ hay nhóm nào.",
            "{}",
            db.name
        );
        assert_eq!(
            phone.inbox().await,
            "Tài khoản này đã được bỏ liên kết khỏi lan (từ Máy tính lan). Từ nay tài khoản này là một người mới."
        );
        assert_ne!(lan.person().await, phone.person().await);
        assert!(
            phone
                .say("/hocuatoi")
                .await
                .starts_with("Bạn chưa đăng ký hộ nào."),
            "{}",
            db.name
        );
        assert!(lan.say("/hocuatoi").await.contains("Vi Thị Lan"));
        // Named in words, as any task can be: the same code and list.
        let said = lan.say("lien ket tai khoan").await;
        assert!(said.starts_with("Mã liên kết: "), "{}: {said}", db.name);
        assert!(
            said.ends_with("Tài khoản này chưa liên kết với tài khoản nào khác."),
            "{said}"
        );
        let log = audited(engine.store(), lan.person().await).await;
        assert!(log.contains(&"link_unlinked".to_string()), "{log:?}");
    }
}

#[tokio::test]
async fn notices_go_to_the_channel_used_last_or_to_the_one_chosen() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let store = engine.store();
        head(store, "console:truong", "Xóm Đồng Tâm", clock.now()).await;
        let mut console = Account::new(&engine, "console", "truong");
        let mut phone = Account::new(&engine, "telegram", "6101");
        let (code, _) = console.code().await;
        clock.advance(Duration::minutes(1));
        phone.say(&format!("/lienket {code}")).await;
        console.inbox().await;

        // The phone was used last: the notice of a new household goes there only.
        clock.advance(Duration::minutes(1));
        let mut r1 = Account::new(&engine, "test", "r1");
        register(&mut r1, "Nông Văn Một", "0912000901").await;
        assert!(
            phone.inbox().await.starts_with("Hộ mới chờ xác nhận: #1"),
            "{}",
            db.name
        );
        assert_eq!(console.inbox().await, "");

        // Back on the console two minutes later: the switch counts at once.
        clock.advance(Duration::minutes(2));
        console.say("/menu").await;
        clock.advance(Duration::minutes(1));
        let mut r2 = Account::new(&engine, "test", "r2");
        register(&mut r2, "Nông Văn Hai", "0912000902").await;
        assert!(
            console.inbox().await.starts_with("Hộ mới chờ xác nhận: #2"),
            "{}",
            db.name
        );
        assert_eq!(phone.inbox().await, "");

        // Chosen from the phone: the console, whatever is used last.
        clock.advance(Duration::minutes(1));
        let said = phone.say("/lienket").await;
        assert!(said.contains("[3] Thông báo: chỉ qua Máy tính"), "{said}");
        assert_eq!(
            phone.say("3").await,
            "Thông báo và bản tin sẽ gửi qua Máy tính."
        );
        clock.advance(Duration::minutes(1));
        let mut r3 = Account::new(&engine, "test", "r3");
        register(&mut r3, "Nông Văn Ba", "0912000903").await;
        assert!(
            console.inbox().await.starts_with("Hộ mới chờ xác nhận: #3"),
            "{}",
            db.name
        );
        assert_eq!(phone.inbox().await, "");

        // The daily digest follows the same choice.
        clock.advance(Duration::days(1));
        let app = common::app(store.clone(), clock.clone());
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 1);
        assert!(
            console
                .inbox()
                .await
                .starts_with("📋 Bản tin ngày 28/11/2026"),
            "{}",
            db.name
        );
        assert_eq!(phone.inbox().await, "");

        // Back to "the channel used last", which is the phone: the next digest goes there.
        phone.say("/lienket").await;
        assert_eq!(
            phone.say("2").await,
            "Thông báo và bản tin sẽ gửi tới kênh bạn dùng gần nhất."
        );
        clock.advance(Duration::days(1));
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 1);
        assert!(
            phone
                .inbox()
                .await
                .starts_with("📋 Bản tin ngày 29/11/2026"),
            "{}",
            db.name
        );
        assert_eq!(console.inbox().await, "");
    }
}

/// Every column that names a person is known to the join, so a table added later (by another
/// feature's migration) cannot keep pointing at an absorbed person unnoticed.
#[tokio::test]
async fn the_join_knows_every_column_that_names_a_person() {
    for db in common::databases().await {
        let sql = match db.db.store.backend() {
            "sqlite" => {
                "SELECT m.name || '.' || f.\"from\" FROM sqlite_master m,
                    pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND f.\"table\" = 'persons' ORDER BY 1"
            }
            _ => {
                "SELECT c.conrelid::regclass::text || '.' || a.attname FROM pg_constraint c
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
                 WHERE c.contype = 'f' AND c.confrelid = 'persons'::regclass ORDER BY 1"
            }
        };
        let columns: Vec<String> = match &db.db.store {
            Store::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
            Store::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        };
        let mut known: Vec<String> = links::PERSON_COLUMNS
            .iter()
            .map(|(t, c, _)| format!("{t}.{c}"))
            .collect();
        known.sort();
        assert_eq!(columns, known, "{}", db.name);
    }
}

#[tokio::test]
async fn groups_and_proposals_follow_the_account_that_joins() {
    use giamngheo::domain::ProposalKind;
    use giamngheo::store::groups::{self, NewGroup};
    use giamngheo::store::proposals::{self, NewProposal};
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let store = engine.store();
        let farmers = Some("Hội Nông dân");
        seed::grant(
            store,
            "telegram:5100",
            Role::OrgRep,
            None,
            farmers,
            None,
            clock.now(),
        )
        .await
        .unwrap();
        let mut org = Account::new(&engine, "telegram", "5100");
        let leader = org.person().await;
        let mut tx = store.begin().await.unwrap();
        let group = NewGroup {
            commune_id: 1,
            hamlet_id: 1,
            name: "Tổ chè Đồi Chín",
            org: "hoi_nong_dan",
            product: "chè",
            join_code: "CHNDC234",
            commune_wide: false,
            created_by: leader,
        };
        groups::insert(&mut tx, &group, clock.now()).await.unwrap();
        let proposal = NewProposal {
            commune_id: 1,
            kind: ProposalKind::P2Chain,
            group_id: None,
            partners: Some("HTX Đồi Chín"),
            submitted_by: leader,
            answers: "{}",
            title: "Chè an toàn Đồi Chín",
            total_cost: 100_000_000,
            support: 60_000_000,
            own_contribution: 40_000_000,
        };
        proposals::insert(&mut tx, &proposal, clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // A new console account asks for the code; the representative's phone types it.
        let mut desk = Account::new(&engine, "console", "ong-tam");
        assert!(!desk.say("/trogiup").await.contains("/taonhom"));
        let (code, _) = desk.code().await;
        clock.advance(Duration::minutes(1));
        let said = org.say(&format!("/lienket {code}")).await;
        assert!(said.starts_with("Đã liên kết"), "{}: {said}", db.name);

        // From the console now: the group led, the proposal submitted, the role held.
        let said = desk.say("/nhom").await;
        assert!(said.contains("Tổ chè Đồi Chín"), "{}: {said}", db.name);
        desk.say("/huy").await;
        let said = desk.say("/xemda").await;
        assert!(said.contains("Chè an toàn Đồi Chín"), "{}: {said}", db.name);
        desk.say("/huy").await;
        assert!(desk.say("/taonhom").await.starts_with("Tên nhóm?"));
    }
}

/// The commune gave the same role to both accounts: one role, one digest a day, at the time
/// the account that asked for the code chose.
#[tokio::test]
async fn the_same_roles_on_both_accounts_become_one_role_and_one_digest() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let store = engine.store();
        head(store, "console:xuan", "Xóm Hồng Thái", clock.now()).await;
        head(store, "telegram:5200", "Xóm Hồng Thái", clock.now()).await;
        let mut desk = Account::new(&engine, "console", "xuan");
        let mut phone = Account::new(&engine, "telegram", "5200");

        clock.advance(Duration::days(1));
        let app = common::app(store.clone(), clock.clone());
        assert!(giamngheo::digest::tick(&app).await.unwrap() >= 2);
        // A quiet day: one line each.
        let quiet = "Bản tin 28/11/2026: không có gì mới.";
        assert_eq!(desk.inbox().await, quiet, "{}", db.name);
        assert_eq!(phone.inbox().await, quiet, "{}", db.name);
        for (acc, time) in [(&mut desk, "6:30"), (&mut phone, "9:00")] {
            acc.say("/giobantin").await;
            acc.say(time).await;
            acc.say("co").await;
        }

        let (code, _) = desk.code().await;
        clock.advance(Duration::minutes(1));
        let said = phone.say(&format!("/lienket {code}")).await;
        assert!(said.starts_with("Đã liên kết"), "{}: {said}", db.name);
        assert!(
            desk.inbox()
                .await
                .starts_with("Tài khoản Telegram 5200 vừa được liên kết")
        );
        let me = desk.person().await;
        let mut tx = store.begin().await.unwrap();
        assert_eq!(persons::grants(&mut tx, me).await.unwrap().len(), 1);
        tx.commit().await.unwrap();

        // 06:45 the next morning: the console account's 6:30 holds, not the phone's 9:00, and
        // the digest goes once, to the phone, used last.
        let morning = NaiveDate::from_ymd_opt(2026, 11, 28)
            .unwrap()
            .and_hms_opt(23, 45, 0)
            .unwrap()
            .and_utc();
        clock.set(morning);
        assert_eq!(
            giamngheo::digest::tick(&app).await.unwrap(),
            1,
            "{}",
            db.name
        );
        assert_eq!(
            phone.inbox().await,
            "Bản tin 29/11/2026: không có gì mới.",
            "{}",
            db.name
        );
        assert_eq!(desk.inbox().await, "");
        assert_eq!(giamngheo::digest::tick(&app).await.unwrap(), 0);
    }
}
