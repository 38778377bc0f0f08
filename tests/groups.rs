//! Getting into a group: join codes nobody can compute or guess, who a group takes, what
//! members see of each other, a join link opened in the middle of another task; and the
//! names and hamlets the bot knows people by. On every backend under test.

mod common;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use common::Chat;
use giamngheo::channels::{Content, Inbound};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::dialogue::engine::Engine;
use giamngheo::domain::Role;
use giamngheo::seed;
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{Store, groups};

async fn setup(db: &TestDb) -> (Engine, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    (common::engine(db, clock.clone()), clock)
}

fn chat<'a>(engine: &'a Engine, who: &'a str) -> Chat<'a> {
    Chat { engine, who, n: 0 }
}

/// `test:<who>` becomes the head of `hamlet`.
async fn head_of(engine: &Engine, who: &str, hamlet: &str) {
    let now = engine.clock().now();
    let id = format!("test:{who}");
    seed::grant(
        engine.store(),
        &id,
        Role::HamletHead,
        Some(hamlet),
        None,
        None,
        now,
    )
    .await
    .unwrap();
}

/// What a reply offers to choose, as "[key] label" lines under its text.
async fn offered(chat: &mut Chat<'_>, line: &str) -> String {
    let replies = chat.send(Content::Text(line.into())).await;
    let r = replies.last().expect("a reply");
    let mut out = r.text.clone();
    for c in &r.choices {
        out.push_str(&format!(
            "\n[{}] {}",
            c.key.as_deref().unwrap_or(&c.data),
            c.label
        ));
    }
    out
}

/// Says each line; returns the last reply.
async fn says(chat: &mut Chat<'_>, lines: &[&str]) -> String {
    let mut last = String::new();
    for l in lines {
        last = chat.say(l).await;
    }
    last
}

/// A hamlet head of one hamlet creates a group; `scope` 1 = the hamlet's households, 2 = the
/// commune's. Returns the reply and the group's code as stored.
async fn create_group(head: &mut Chat<'_>, name: &str, scope: &str) -> (String, String) {
    let created = says(head, &["/taonhom", name, "1", "chè", scope, "1"]).await;
    let mut tx = head.engine.store().begin().await.unwrap();
    let id: i64 = created
        .split("nhóm #")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no group number in {created}"));
    let code = groups::get(&mut tx, id).await.unwrap().unwrap().join_code;
    tx.commit().await.unwrap();
    (created, code)
}

/// A resident registers a household in the hamlet numbered `hamlet` in the list.
async fn registers(chat: &mut Chat<'_>, name: &str, hamlet: &str, phone: &str, category: &str) {
    let saved = says(
        chat,
        &[
            "/dangky", name, hamlet, "Số 1", phone, "3", category, "bỏ qua", "1",
        ],
    )
    .await;
    assert!(saved.starts_with("Đã lưu hộ"), "{saved}");
}

/// Joins the group of `code` with one's only household (taken without asking), declaring no
/// recognition and no experience; returns the last reply.
async fn joins(chat: &mut Chat<'_>, code: &str) -> String {
    let join = format!("/thamgia {code}");
    says(chat, &[&join, "1", "khong", "1"]).await
}

/// The code the old program gave group `group` of commune `commune`: a hash anyone can
/// compute (FNV-1a of "commune:group:0" over 32 letters and digits).
fn computed_code(commune: i64, group: i64) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{commune}:{group}:0").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|_| {
            let c = CHARS[(h % 32) as usize] as char;
            h /= 32;
            c
        })
        .collect()
}

#[tokio::test]
async fn two_fresh_databases_give_their_first_groups_different_codes() {
    let mut codes = vec![];
    for round in 0..2 {
        for db in common::databases().await {
            let (engine, _) = setup(&db.db).await;
            head_of(&engine, "head", "Xóm Đồng Tâm").await;
            let mut head = chat(&engine, "head");
            let (created, code) = create_group(&mut head, "Tổ chè", "1").await;
            assert!(
                created.contains(&format!("Mã tham gia: {code}")),
                "{}: {created}",
                db.name
            );
            assert_eq!(code.len(), 8, "{code}");
            assert!(
                !code.contains(['0', 'O', '1', 'I', 'L']),
                "no look-alikes: {code}"
            );
            assert_ne!(code, computed_code(1, 1), "round {round}");
            codes.push(code);
        }
    }
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len(), "{codes:?}");
}

#[tokio::test]
async fn a_computed_or_guessed_code_is_refused_and_the_tries_run_out() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;

        let mut stranger = chat(&engine, "stranger");
        registers(&mut stranger, "Lạ Văn Khách", "1", "0912000009", "1").await;
        // The code the old program would have given: not a code at all any more.
        let said = stranger
            .say(&format!("/thamgia {}", computed_code(1, 1)))
            .await;
        assert!(
            said.starts_with("Mã nhóm gồm 8 chữ và số"),
            "{}: {said}",
            db.name
        );
        // Guesses of the right shape: each costs a try.
        let guesses = ["ABCDEFGH", "BCDEFGHJ", "CDEFGHJK", "DEFGHJKM", "EFGHJKMN"];
        for (i, g) in guesses.iter().enumerate() {
            let said = stranger.say(g).await;
            assert!(
                said.starts_with("Không có nhóm nào có mã này."),
                "{}: {said}",
                db.name
            );
            let left = 4 - i;
            let expect = if left == 0 {
                "Bạn đã hết lượt thử trong giờ này.".to_string()
            } else {
                format!("Còn {left} lần thử trong giờ này.")
            };
            assert!(said.contains(&expect), "{}: {said}", db.name);
            assert!(
                said.ends_with("\nMã nhóm? (8 chữ và số, trưởng nhóm cho bạn)"),
                "the question again: {said}"
            );
        }
        // Out of tries: the right code is refused too, for the hour.
        let said = stranger.say(&code).await;
        assert!(
            said.starts_with("Bạn đã gõ sai mã nhóm 5 lần trong một giờ."),
            "{}: {said}",
            db.name
        );
        clock.advance(Duration::minutes(61));
        let said = stranger.say(&code.to_lowercase()).await;
        assert!(
            said.starts_with("Hộ: #1 Lạ Văn Khách – Xóm Đồng Tâm\nChủ hộ có được"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_hamlet_group_takes_only_its_hamlets_households_and_a_commune_group_any() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, hamlet_code) = create_group(&mut head, "Tổ chè", "1").await;
        let (_, commune_code) = create_group(&mut head, "Tổ ong", "2").await;

        // A household of Xóm Nam Sơn, still waiting for its hamlet head.
        let mut far = chat(&engine, "far");
        registers(&mut far, "Xa Văn Xóm", "2", "0912000010", "1").await;
        // Told at once, and asked for another code.
        let said = far.say(&format!("/thamgia {hamlet_code}")).await;
        assert_eq!(
            said,
            "Nhóm \"Tổ chè\" chỉ nhận hộ ở Xóm Đồng Tâm.\nMã nhóm? (8 chữ và số, trưởng nhóm cho bạn)",
            "{}",
            db.name
        );
        let said = joins(&mut far, &commune_code).await;
        assert!(
            said.starts_with("Đã thêm hộ Xa Văn Xóm vào nhóm \"Tổ ong\""),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn members_see_each_others_names_but_not_who_is_a_target_household() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        // Two households join: a poor one (confirmed by the hamlet head) and another.
        let mut poor = chat(&engine, "poor");
        registers(&mut poor, "Nghèo Văn Một", "1", "0912000011", "1").await;
        let mut other = chat(&engine, "other");
        registers(&mut other, "Khá Văn Hai", "1", "0912000012", "4").await;
        let said = says(&mut head, &["/duyet 1", "Xác nhận"]).await;
        assert_eq!(said, "Đã xác nhận hộ #1 Nghèo Văn Một.", "{}", db.name);
        for m in [&mut poor, &mut other] {
            let said = joins(m, &code).await;
            assert!(said.starts_with("Đã thêm hộ"), "{}: {said}", db.name);
        }
        let seen = other.say("/nhom 1").await;
        assert!(seen.contains("Nghèo Văn Một"), "{}: {seen}", db.name);
        assert!(!seen.contains("thuộc diện"), "{}: {seen}", db.name);
        let seen = head.say("/nhom 1").await;
        assert!(
            seen.contains("Nghèo Văn Một: – (hộ thuộc diện)"),
            "{}: {seen}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_new_code_stops_the_old_one() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        engine.set_telegram_bot("giamngheo_bot");
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (created, old) = create_group(&mut head, "Tổ chè", "1").await;
        assert!(
            created.ends_with(&format!(
                "Hoặc gửi đường dẫn: https://t.me/giamngheo_bot?start={old}"
            )),
            "{}: {created}",
            db.name
        );
        let said = says(&mut head, &["/doima", "1"]).await;
        let mut tx = engine.store().begin().await.unwrap();
        let new = groups::get(&mut tx, 1).await.unwrap().unwrap().join_code;
        tx.commit().await.unwrap();
        assert_ne!(new, old);
        assert!(
            said.starts_with(&format!(
                "Mã mới của nhóm \"Tổ chè\": {new}. Mã cũ không dùng được nữa."
            )),
            "{}: {said}",
            db.name
        );
        assert!(said.contains(&format!("start={new}")), "{said}");

        let mut r = chat(&engine, "resident");
        registers(&mut r, "Lê Văn Ba", "1", "0912000013", "1").await;
        let said = r.say(&format!("/thamgia {old}")).await;
        assert!(
            said.starts_with("Không có nhóm nào có mã này."),
            "{}: {said}",
            db.name
        );
        let said = r.say(&new).await;
        assert!(
            said.starts_with("Hộ: #1 Lê Văn Ba – Xóm Đồng Tâm\nChủ hộ có được"),
            "{}: {said}",
            db.name
        );
        // A resident cannot renew a code.
        r.say("/huy").await;
        let said = r.say("/doima").await;
        assert!(
            said.starts_with("Bạn không có quyền làm việc này."),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_join_link_opened_mid_task_asks_before_leaving_it() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        let mut r = chat(&engine, "resident");
        registers(&mut r, "Lê Văn Ba", "1", "0912000013", "1").await;

        // Halfway through another registration, the link arrives.
        assert_eq!(r.say("/dangky").await, "Họ và tên chủ hộ?");
        let asked = r.say(&format!("/start {code}")).await;
        assert!(
            asked.starts_with("Bạn đang làm dở \"Đăng ký hộ\". Bỏ việc đó"),
            "{}: {asked}",
            db.name
        );
        // Not now: the registration goes on where it was.
        let said = r.say("không").await;
        assert_eq!(
            said, "Tiếp tục việc đang làm.\nHọ và tên chủ hộ?",
            "{}",
            db.name
        );
        // Asked again, something else is not an answer, nor is a bare /start (a console
        // reopened, Telegram's start button): the question stays; then yes.
        r.say(&format!("/start {code}")).await;
        let said = r.say("Lê Văn Bốn").await;
        assert!(said.contains("Bỏ việc đó"), "{}: {said}", db.name);
        let said = r.say("/start").await;
        assert!(said.starts_with("Bạn đang làm dở"), "{}: {said}", db.name);
        let said = r.say("có").await;
        assert!(said.starts_with("Hộ: #1 Lê Văn Ba"), "{}: {said}", db.name);
        // The same with the code typed.
        r.say("/huy").await;
        assert_eq!(r.say("/dangky").await, "Họ và tên chủ hộ?");
        let said = r.say(&format!("/thamgia {code}")).await;
        assert!(said.contains("Bỏ việc đó"), "{}: {said}", db.name);
        let said = r.say("1").await;
        assert!(said.starts_with("Hộ: #1 Lê Văn Ba"), "{}: {said}", db.name);
    }
}

#[tokio::test]
async fn names_follow_the_platform_until_people_give_their_own() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        // Given a role before their first message: known only by the number.
        head_of(&engine, "6001", "Xóm Đồng Tâm").await;
        let mut n = 0;
        let mut send = |name: &str, text: &str| {
            n += 1;
            Inbound {
                channel: "test".into(),
                chat_id: "6001".into(),
                sender_id: "6001".into(),
                sender_name: Some(name.into()),
                message_id: format!("m{n}"),
                lang_hint: None,
                content: Content::Text(text.into()),
            }
        };
        let greet =
            |r: Vec<giamngheo::channels::Reply>| r[0].text.lines().next().unwrap().to_string();
        engine.handle(&send("Chị Hoa", "/menu")).await.unwrap();
        let said = greet(common::replies(engine.store(), "6001").await);
        assert!(said.starts_with("Xin chào Chị Hoa!"), "{}: {said}", db.name);
        engine.handle(&send("Hoa Nguyễn", "/menu")).await.unwrap();
        let said = greet(common::replies(engine.store(), "6001").await);
        assert!(
            said.starts_with("Xin chào Hoa Nguyễn!"),
            "{}: {said}",
            db.name
        );
        // Her own name stays, whatever the platform sends.
        engine.handle(&send("Hoa Nguyễn", "/ten")).await.unwrap();
        common::replies(engine.store(), "6001").await;
        engine
            .handle(&send("Hoa Nguyễn", "Nguyễn Thị Hoa"))
            .await
            .unwrap();
        let said = greet(common::replies(engine.store(), "6001").await);
        assert_eq!(said, "Đã lưu tên của bạn: Nguyễn Thị Hoa.", "{}", db.name);
        engine.handle(&send("hoa.ng", "/menu")).await.unwrap();
        let said = greet(common::replies(engine.store(), "6001").await);
        assert!(
            said.starts_with("Xin chào Nguyễn Thị Hoa!"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_head_of_two_hamlets_chooses_the_hamlet_and_a_head_of_one_is_told_it() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "one", "Xóm Đồng Tâm").await;
        head_of(&engine, "two", "Xóm Đồng Tâm").await;
        head_of(&engine, "two", "Xóm Hồng Thái").await;

        // The head of one hamlet is not asked which: it is said, and on the summary.
        let mut one = chat(&engine, "one");
        one.say("/dangky").await;
        assert_eq!(
            one.say("Lò Văn Một").await,
            "Xóm: Xóm Đồng Tâm\nĐịa chỉ cụ thể (số nhà, đường, khu)?",
            "{}",
            db.name
        );
        let summary = says(&mut one, &["Số 1", "0912000021", "3", "1", "bỏ qua"]).await;
        assert!(
            summary.contains("\n2. Xóm: Xóm Đồng Tâm\n"),
            "{}: {summary}",
            db.name
        );
        // Changed from the summary, the hamlet is asked, with its one option.
        let asked = offered(&mut one, "Sửa một mục").await;
        assert!(asked.contains("\n[2] Xóm"), "{}: {asked}", db.name);
        let asked = offered(&mut one, "Xóm").await;
        assert_eq!(
            asked, "Hộ ở xóm nào?\n(Hiện tại: Xóm Đồng Tâm)\n[1] Xóm Đồng Tâm",
            "{}",
            db.name
        );
        let summary = one.say("1").await;
        assert!(
            summary.starts_with(
                "Kiểm tra lại thông tin:\n1. Chủ hộ: Lò Văn Một\n2. Xóm: Xóm Đồng Tâm\n"
            ),
            "{}: {summary}",
            db.name
        );
        // Back from the next question goes to the name, past the hamlet taken for them.
        let back = says(&mut one, &["/huy", "/dangky", "Lò Văn Một", "/quaylai"]).await;
        assert_eq!(back, "Họ và tên chủ hộ?", "{}", db.name);

        let mut two = chat(&engine, "two");
        two.say("/dangky").await;
        let asked = offered(&mut two, "Lò Văn Hai").await;
        assert_eq!(
            asked, "Hộ ở xóm nào?\n[1] Xóm Đồng Tâm\n[2] Xóm Hồng Thái",
            "{}",
            db.name
        );
        let saved = says(
            &mut two,
            &["hong thai", "Số 2", "0912000020", "3", "1", "bỏ qua", "1"],
        )
        .await;
        assert!(
            saved.starts_with("Đã lưu hộ #1 Lò Văn Hai (Xóm Hồng Thái)."),
            "{}: {saved}",
            db.name
        );
        // Registered by a head of its hamlet: their own, so the culture-social officer
        // confirms it (not the hamlet head, as for a stranger's).
        assert!(
            saved.contains("công chức Văn hóa – Xã hội sẽ xác nhận"),
            "{}: {saved}",
            db.name
        );

        two.say("/taonhom").await;
        let asked = offered(&mut two, "Tổ gà").await;
        assert_eq!(
            asked, "Nhóm ở xóm nào?\n[1] Xóm Đồng Tâm\n[2] Xóm Hồng Thái",
            "{}",
            db.name
        );
        let created = says(&mut two, &["2", "1", "gà", "1", "1"]).await;
        assert!(
            created.starts_with("Đã tạo nhóm #1 \"Tổ gà\" (Xóm Hồng Thái)."),
            "{}: {created}",
            db.name
        );
    }
}

#[tokio::test]
async fn the_migration_gives_existing_groups_new_random_codes() {
    for mut db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        {
            let mut head = chat(&engine, "head");
            create_group(&mut head, "Tổ chè", "1").await;
            create_group(&mut head, "Tổ ong", "1").await;
        }
        drop(engine);
        // The database as the program before it left it: computed codes, and migration 10
        // (with its columns) not applied yet.
        db.db
            .execute(&format!(
                "UPDATE groups SET join_code = CASE id WHEN 1 THEN '{}' ELSE '{}' END;
                 ALTER TABLE groups DROP COLUMN commune_wide;
                 ALTER TABLE persons DROP COLUMN name_given;
                 DELETE FROM _sqlx_migrations WHERE version = 10;",
                computed_code(1, 1),
                computed_code(1, 2)
            ))
            .await
            .unwrap();
        db.db.reopen().await.unwrap();
        let mut tx = db.db.store.begin().await.unwrap();
        let a = groups::get(&mut tx, 1).await.unwrap().unwrap();
        let b = groups::get(&mut tx, 2).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        for (g, old) in [(&a, computed_code(1, 1)), (&b, computed_code(1, 2))] {
            assert_ne!(g.join_code, old, "{}", db.name);
            assert_eq!(
                giamngheo::domain::typed_code::parse_code(&g.join_code, 8).as_deref(),
                Some(g.join_code.as_str()),
                "{}",
                db.name
            );
            assert!(!g.commune_wide, "{}", db.name);
        }
        assert_ne!(a.join_code, b.join_code, "{}", db.name);
    }
}

/// Runs the real binary on the test's database and returns what it printed.
fn giamngheo(db: &TestDb, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", db.url())
        .env("RUST_LOG", "error")
        .env_remove("GIAMNGHEO_COMMUNE")
        .env_remove("GIAMNGHEO_CONFIG")
        .output()
        .expect("run giamngheo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "giamngheo {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_audit_command_lists_codes_joins_and_names() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        let mut r = chat(&engine, "resident");
        registers(&mut r, "Lê Văn Ba", "1", "0912000013", "1").await;
        r.say("/thamgia ABCDEFGH").await;
        says(&mut r, &[&code, "1", "khong", "1"]).await;
        says(&mut head, &["/doima", "1"]).await;
        says(&mut r, &["/ten", "Lê Văn Ba"]).await;

        let log = giamngheo(&db.db, &["audit"]);
        for (who, what) in [
            ("head", "tạo nhóm #1"),
            // Under the name the person goes by now.
            ("Lê Văn Ba", "gõ sai mã nhóm"),
            ("Lê Văn Ba", "thêm hộ vào nhóm #1"),
            ("head", "đổi mã nhóm #1"),
            ("Lê Văn Ba", "đổi tên của mình"),
        ] {
            let line = log
                .lines()
                .find(|l| l.contains(what))
                .unwrap_or_else(|| panic!("{}: no {what:?} in\n{log}", db.name));
            assert!(line.contains(&format!("{who} #")), "{}: {line}", db.name);
            assert!(line.contains("  test  "), "{}: {line}", db.name);
        }
        // The day as the commune writes it, or as ISO.
        assert_eq!(giamngheo(&db.db, &["audit", "--since", "27/11/2026"]), log);
        assert_eq!(
            giamngheo(&db.db, &["audit", "--since", "2026-11-28"])
                .lines()
                .count(),
            1
        );
        // Never a code, never a phone.
        assert!(!log.contains(&code), "{log}");
        assert!(!log.contains("ABCDEFGH"), "{log}");
        assert!(!log.contains("0912"), "{log}");
    }
}

#[tokio::test]
async fn a_leader_whose_role_is_taken_back_no_longer_sees_who_is_poor() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        let mut poor = chat(&engine, "poor");
        registers(&mut poor, "Nghèo Văn Một", "1", "0912000011", "1").await;
        says(&mut head, &["/duyet 1", "Xác nhận"]).await;
        joins(&mut poor, &code).await;
        assert!(head.say("/nhom 1").await.contains("(hộ thuộc diện)"));

        giamngheo(&db.db, &["revoke", "test:head", "hamlet_head"]);
        let seen = head.say("/nhom 1").await;
        assert!(seen.contains("Nghèo Văn Một"), "{}: {seen}", db.name);
        assert!(!seen.contains("thuộc diện"), "{}: {seen}", db.name);
        let said = head.say("/doima").await;
        assert!(
            said.starts_with("Bạn không có quyền làm việc này."),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_declared_recognition_is_not_experience_until_it_is_checked() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        let mut r = chat(&engine, "r");
        registers(&mut r, "Lê Thị Lan", "1", "0912000014", "1").await;
        says(&mut head, &["/duyet 1", "Xác nhận"]).await;
        // Joins declaring a commune-level recognition (the experience question is not asked).
        let said = says(&mut r, &[&format!("/thamgia {code}"), "xa", "2024", "1"]).await;
        assert!(
            said.starts_with("Đã thêm hộ Lê Thị Lan"),
            "{}: {said}",
            db.name
        );
        assert!(
            said.contains("- 0 hộ có kinh nghiệm sản xuất giỏi; cần 1"),
            "{}: {said}",
            db.name
        );
        // Checked by the hamlet head: now it counts.
        let said = says(&mut head, &["/ghinhan 1", "xa", "2024", "1"]).await;
        assert!(
            said.starts_with("Đã ghi lại việc công nhận của hộ Lê Thị Lan"),
            "{}: {said}",
            db.name
        );
        assert!(
            !said.contains("có kinh nghiệm sản xuất giỏi; cần"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn what_cannot_join_is_said_at_the_code_and_nothing_under_way_is_lost() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (created, code) = create_group(&mut head, "Tổ ong", "2").await;
        assert!(
            created.starts_with("Đã tạo nhóm #1 \"Tổ ong\" (cả xã, lập ở Xóm Đồng Tâm)."),
            "{}: {created}",
            db.name
        );

        // No household yet, in the middle of registering it: the link does not cost it.
        let mut r = chat(&engine, "r");
        says(&mut r, &["/dangky", "Lê Văn Mới"]).await;
        let said = r.say(&format!("/start {code}")).await;
        assert_eq!(
            said,
            "Bạn chưa có hộ nào để vào nhóm. Đăng ký hộ xong, hãy mở lại đường dẫn hoặc gõ lại mã.\nHộ ở xóm nào?",
            "{}",
            db.name
        );
        let saved = says(
            &mut r,
            &["2", "Số 3", "0912000015", "3", "1", "bỏ qua", "1"],
        )
        .await;
        assert!(
            saved.starts_with("Đã lưu hộ #1 Lê Văn Mới"),
            "{}: {saved}",
            db.name
        );

        // In the group already: said at the code, not after every question.
        joins(&mut r, &code).await;
        let said = r.say(&format!("/thamgia {code}")).await;
        assert_eq!(
            said,
            "Hộ của bạn đã ở trong nhóm \"Tổ ong\" rồi.\nMã nhóm? (8 chữ và số, trưởng nhóm cho bạn)",
            "{}",
            db.name
        );

        // "/moi" alone from a resident: how to type the code they were given.
        r.say("/huy").await;
        let said = r.say("/moi").await;
        assert!(
            said.starts_with("Mã mời gồm 8 chữ và số"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_reply_once_sent_is_not_kept_with_its_code() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (created, code) = create_group(&mut head, "Tổ chè", "1").await;
        assert!(created.contains(&code));
        // Delivered (the test channel's replies are marked sent as they are read): the
        // database no longer holds what they said.
        let sql = "SELECT COUNT(*) FROM outbox WHERE body LIKE '%' || $1 || '%'";
        let kept: i64 = match &db.db.store {
            Store::Sqlite(p) => sqlx::query_scalar(sql).bind(&code).fetch_one(p).await,
            Store::Postgres(p) => sqlx::query_scalar(sql).bind(&code).fetch_one(p).await,
        }
        .unwrap();
        assert_eq!(kept, 0, "{}", db.name);
    }
}

#[tokio::test]
async fn a_future_year_is_refused_and_adding_a_member_again_changes_nothing() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        let mut r = chat(&engine, "r");
        registers(&mut r, "Lê Thị Lan", "1", "0912000014", "1").await;
        says(&mut r, &[&format!("/thamgia {code}"), "xa"]).await;
        let said = r.say("2031").await;
        assert_eq!(
            said, "Năm này chưa tới. Gõ một năm từ 2026 trở về trước.\nĐược công nhận năm nào?",
            "{}",
            db.name
        );
        let said = says(&mut r, &["2024", "1"]).await;
        assert!(
            said.starts_with("Đã thêm hộ Lê Thị Lan"),
            "{}: {said}",
            db.name
        );

        // The hamlet head adds her again, as not recognised: refused, her declaration kept.
        // Her group and household are the only ones: taken, not asked.
        let said = says(&mut head, &["/themho", "1", "khong", "1"]).await;
        assert_eq!(
            said, "Hộ Lê Thị Lan đã ở trong nhóm \"Tổ chè\".",
            "{}",
            db.name
        );
        let seen = head.say("/nhom 1").await;
        assert!(
            seen.contains("Lê Thị Lan: Hội Nông dân cấp xã 2024 (tự khai"),
            "{}: {seen}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_rejected_household_leaves_its_forming_group_and_only_confirmed_ones_count() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let now = engine.clock().now();
        seed::grant(
            engine.store(),
            "test:cult",
            Role::CultureOfficer,
            None,
            None,
            None,
            now,
        )
        .await
        .unwrap();
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        for (who, name, phone) in [
            ("a", "Lò Văn Một", "0912000021"),
            ("b", "Lò Văn Hai", "0912000022"),
            ("c", "Lò Văn Ba", "0912000023"),
        ] {
            let mut m = chat(&engine, who);
            registers(&mut m, name, "1", phone, "1").await;
            joins(&mut m, &code).await;
        }
        // Three members, none confirmed yet: none counts.
        let seen = head.say("/nhom 1").await;
        assert!(seen.contains("3 hộ"), "{}: {seen}", db.name);
        assert!(
            seen.contains("- mới có 0 hộ đã xác nhận; cần ít nhất 3 hộ"),
            "{}: {seen}",
            db.name
        );
        says(&mut head, &["/duyet 1", "Xác nhận"]).await;
        says(&mut head, &["/duyet 2", "Xác nhận"]).await;
        // The culture-social officer rejects the third: it leaves the group, the leader is told.
        let mut cult = chat(&engine, "cult");
        let said = says(&mut cult, &["/duyet 3", "Từ chối", "Không ở xóm"]).await;
        assert!(said.contains("Lò Văn Ba"), "{}: {said}", db.name);
        let told = common::replies(engine.store(), "head").await;
        assert!(
            told.iter().any(|r| r.text
                == "Đăng ký của hộ Lò Văn Ba bị từ chối, nên hộ đã ra khỏi nhóm \"Tổ chè\"."),
            "{}: {told:?}",
            db.name
        );
        let seen = head.say("/nhom 1").await;
        assert!(!seen.contains("Lò Văn Ba"), "{}: {seen}", db.name);
        assert!(
            seen.contains("- mới có 2 hộ đã xác nhận; cần ít nhất 3 hộ"),
            "{}: {seen}",
            db.name
        );
    }
}

#[tokio::test]
async fn a_group_no_organisation_represents_says_nothing_of_one() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut head = chat(&engine, "head");
        let created = says(&mut head, &["/taonhom", "Tổ rau", "khong", "rau", "1", "1"]).await;
        assert!(
            created.starts_with("Đã tạo nhóm #1"),
            "{}: {created}",
            db.name
        );
        let seen = head.say("/nhom 1").await;
        assert!(
            seen.contains("\nSản xuất: rau · 0 hộ\n"),
            "{}: {seen}",
            db.name
        );
        assert!(!seen.contains("Đại diện"), "{}: {seen}", db.name);
    }
}

/// The group's chosen leader, as the report names it.
async fn leader_in_report(engine: &Engine) -> String {
    use calamine::{Reader, Xlsx};
    let now = engine.clock().now();
    let bytes = giamngheo::report::export(engine.store(), None, false, now)
        .await
        .unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Nhóm").unwrap();
    assert_eq!(
        sheet.get_value((0, 11)).map(|v| v.to_string()).as_deref(),
        Some("Trưởng nhóm")
    );
    sheet
        .get_value((1, 11))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_group_chooses_its_leader_and_that_household_s_account_leads_it() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        head_of(&engine, "far", "Xóm Nam Sơn").await;
        let mut head = chat(&engine, "head");
        let (_, code) = create_group(&mut head, "Tổ chè", "1").await;
        let mut lan = chat(&engine, "lan");
        registers(&mut lan, "Lê Thị Lan", "1", "0912000031", "1").await;
        let mut ba = chat(&engine, "ba");
        registers(&mut ba, "Trần Văn Ba", "1", "0912000032", "2").await;
        says(&mut head, &["/duyet 1", "Xác nhận"]).await;
        for m in [&mut lan, &mut ba] {
            joins(m, &code).await;
        }
        assert_eq!(leader_in_report(&engine).await, "chưa chọn", "{}", db.name);

        // Neither a member, nor the head of another hamlet, records the choice.
        let said = lan.say("/truongnhom").await;
        assert!(
            said.starts_with("Bạn không có quyền làm việc này."),
            "{}: {said}",
            db.name
        );
        let mut far = chat(&engine, "far");
        assert_eq!(
            far.say("/truongnhom").await,
            "Bạn không quản lý nhóm nào. Gõ /taonhom để tạo nhóm.",
            "{}",
            db.name
        );
        // The head of its hamlet, who created it: its only group is taken, and the only member
        // confirmed (Trần Văn Ba still waits), straight to the summary.
        let asked = offered(&mut head, "/truongnhom").await;
        assert!(
            asked.starts_with(
                "Kiểm tra lại thông tin:\n1. Nhóm: #1 Tổ chè\n2. Trưởng nhóm: #1 Lê Thị Lan\n"
            ),
            "{}: {asked}",
            db.name
        );
        let said = head.say("1").await;
        assert_eq!(
            said, "Đã ghi: hộ Lê Thị Lan là trưởng nhóm \"Tổ chè\".",
            "{}",
            db.name
        );
        assert_eq!(
            lan.say("/menu").await.lines().next(),
            Some(
                "Hộ Lê Thị Lan của bạn được chọn làm trưởng nhóm \"Tổ chè\". Gõ /nhom để xem nhóm."
            ),
            "{}",
            db.name
        );
        assert_eq!(
            leader_in_report(&engine).await,
            "#1 Lê Thị Lan",
            "{}",
            db.name
        );
        let log = giamngheo(&db.db, &["audit"]);
        assert!(
            log.lines()
                .any(|l| l.contains("head #") && l.ends_with("chọn trưởng cho nhóm #1 – hộ #1")),
            "{}: {log}",
            db.name
        );

        // The leader's account acts as the group's leader: its tasks are offered, it is told
        // who joins, and it sees which members are target households.
        let menu = offered(&mut lan, "/menu").await;
        for task in ["/xinthanhlap", "/doima", "/dexuat"] {
            assert!(menu.contains(task), "{}: {menu}", db.name);
        }
        let mut tu = chat(&engine, "tu");
        registers(&mut tu, "Phạm Thị Tư", "1", "0912000033", "ho khac").await;
        joins(&mut tu, &code).await;
        let told = common::replies(engine.store(), "lan").await;
        assert!(
            told.iter()
                .any(|r| r.text.starts_with("Hộ Phạm Thị Tư đã vào nhóm \"Tổ chè\"")),
            "{}: {told:?}",
            db.name
        );
        let seen = lan.say("/nhom").await;
        assert!(
            seen.contains("\nTrưởng nhóm: #1 Lê Thị Lan\n"),
            "{}: {seen}",
            db.name
        );
        assert!(
            seen.contains("• #1 Lê Thị Lan: – (hộ thuộc diện)"),
            "{}: {seen}",
            db.name
        );
        let seen = ba.say("/nhom").await;
        assert!(
            !seen.contains("thuộc diện"),
            "a member only: {}: {seen}",
            db.name
        );

        // The leader leaves the group: the group has no leader, and its account leads no more.
        let said = says(&mut lan, &["/roinhom", "1"]).await;
        assert!(
            said.starts_with("Hộ Lê Thị Lan đã rời nhóm"),
            "{}: {said}",
            db.name
        );
        let seen = head.say("/nhom 1").await;
        assert!(
            seen.contains("\nTrưởng nhóm: chưa chọn\n"),
            "{}: {seen}",
            db.name
        );
        let menu = offered(&mut lan, "/menu").await;
        assert!(!menu.contains("/xinthanhlap"), "{}: {menu}", db.name);
        assert_eq!(leader_in_report(&engine).await, "chưa chọn", "{}", db.name);
    }
}

#[tokio::test]
async fn an_organisation_s_representative_records_the_leader_of_the_group_they_created() {
    for db in common::databases().await {
        let (engine, _) = setup(&db.db).await;
        let now = engine.clock().now();
        seed::grant(
            engine.store(),
            "test:org",
            Role::OrgRep,
            None,
            Some("Hội Phụ nữ"),
            None,
            now,
        )
        .await
        .unwrap();
        head_of(&engine, "head", "Xóm Đồng Tâm").await;
        let mut org = chat(&engine, "org");
        let created = says(&mut org, &["/taonhom", "Tổ may", "1", "2", "may", "2", "1"]).await;
        assert!(
            created.starts_with("Đã tạo nhóm #1"),
            "{}: {created}",
            db.name
        );
        let code = {
            let mut tx = engine.store().begin().await.unwrap();
            let g = groups::get(&mut tx, 1).await.unwrap().unwrap();
            tx.commit().await.unwrap();
            g.join_code
        };
        let mut hoa = chat(&engine, "hoa");
        registers(&mut hoa, "Hà Thị Hoa", "1", "0912000034", "1").await;
        let mut head = chat(&engine, "head");
        says(&mut head, &["/duyet 1", "Xác nhận"]).await;
        joins(&mut hoa, &code).await;
        // Its one member is taken too: the summary says who.
        let said = org.say("/truongnhom").await;
        assert!(
            said.contains(
                "Kiểm tra lại thông tin:\n1. Nhóm: #1 Tổ may\n2. Trưởng nhóm: #1 Hà Thị Hoa\n"
            ),
            "{}: {said}",
            db.name
        );
        assert_eq!(
            org.say("1").await,
            "Đã ghi: hộ Hà Thị Hoa là trưởng nhóm \"Tổ may\".",
            "{}",
            db.name
        );
        // Recorded again: nothing changes.
        let said = says(&mut org, &["/truongnhom", "1"]).await;
        assert_eq!(
            said, "Hộ Hà Thị Hoa đã là trưởng nhóm \"Tổ may\".",
            "{}",
            db.name
        );
        // The hamlet head of the group's hamlet records it too.
        let said = says(&mut head, &["/truongnhom"]).await;
        assert!(
            said.starts_with("Kiểm tra lại thông tin:"),
            "{}: {said}",
            db.name
        );
    }
}
