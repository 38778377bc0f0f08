//! Invites, the staff list and revoking, through the real engine on every backend under test:
//! an officer's `/moi` gives a code that gives its role once, on the console or through a
//! Telegram link (`/start CODE`) on the real Telegram setup; used, expired and revoked codes
//! and the wrong-try limit; `/nhanvien`; `/thuhoi` takes a role back at once, ending what its
//! holder had under way; and `giamngheo invite`, `staff`, `revoke` through the binary.

mod common;

use common::Account;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use common::telegram_mock::{self as tg, Mock};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::config::{Settings, TelegramLimits};
use giamngheo::dialogue::engine::Engine;
use giamngheo::seed;
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{Store, audit};
use serde_json::Value;

impl Account<'_> {
    /// `/moi`, then the answers; returns the code as shown ("ABCD-EFGH") and the reply.
    async fn invite(&mut self, answers: &[&str]) -> (String, String) {
        let said = self.say("/moi").await;
        assert!(said.starts_with("Mời người nhận vai trò nào?"), "{said}");
        let mut said = String::new();
        for a in answers {
            said = self.say(a).await;
        }
        (code_in(&said), said)
    }
}

/// The code in "Mã mời …: ABCD-EFGH".
fn code_in(said: &str) -> String {
    let line = said
        .lines()
        .find(|l| l.starts_with("Mã mời"))
        .unwrap_or_else(|| panic!("no code in {said}"));
    let code = line.rsplit(' ').next().unwrap().to_string();
    assert_eq!(code.len(), 9, "{said}");
    assert!(
        code.chars()
            .all(|c| c == '-' || "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(c)),
        "{said}"
    );
    code
}

/// The number in front of the option that contains `label`: "[3] … label …" gives "3".
fn option(said: &str, label: &str) -> String {
    let line = said
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no option {label:?} in {said}"));
    line.trim_start_matches('[')
        .split(']')
        .next()
        .unwrap()
        .to_string()
}

async fn setup(db: &TestDb) -> (Engine, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    (common::engine(db, clock.clone()), clock)
}

/// Registers a household as a resident in the hamlet numbered `hamlet` of the list.
async fn register(a: &mut Account<'_>, name: &str, hamlet: &str, phone: &str) -> String {
    for line in ["/dangky", name, hamlet, "Số 1", phone, "3", "1", "bỏ qua"] {
        a.say(line).await;
    }
    a.say("1").await
}

/// Every audit entry's action and detail, in order.
async fn audit_log(store: &Store) -> Vec<(String, String)> {
    let sql = "SELECT action, detail FROM audit_log ORDER BY id";
    match store {
        Store::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Store::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

#[tokio::test]
async fn an_invite_made_on_the_console_and_taken_there_gives_the_role_once() {
    for db in common::databases().await {
        let (engine, _clock) = setup(&db.db).await;
        let store = engine.store();
        let mut officer = Account::new(&engine, "console", "canbo");
        let mut resident = Account::new(&engine, "console", "dan");
        let mut hoa = Account::new(&engine, "console", "ba-hoa");
        let mut lan = Account::new(&engine, "console", "lan");
        let said = register(&mut resident, "Hà Thị Dân", "2", "0912000800").await;
        assert!(said.starts_with("Đã lưu hộ #1"), "{said}");

        // Role, then hamlet: the code, its week, how to take it. The console has no bot
        // name, so no Telegram link.
        let (code, said) = officer.invite(&["1", "2"]).await;
        assert!(
            said.starts_with(&format!("Mã mời Trưởng xóm (Xóm Nam Sơn): {code}\nDùng một lần, đến 10:00 04/12/2026. Người được mời gõ /moi {code} trên Zalo, Telegram hoặc máy tính.")),
            "{}: {said}",
            db.name
        );
        assert!(!said.contains("t.me"), "{said}");

        // A resident who may not invite learns what a code looks like.
        let said = hoa.say("/moi 12").await;
        assert!(said.starts_with("Mã mời gồm 8 chữ và số"), "{said}");
        assert!(!hoa.say("/menu").await.contains("/duyet"));

        // Typed loosely: lower case, no dash. The role holds from this message on.
        let loose = code.replace('-', " ").to_lowercase();
        let said = hoa.say(&format!("/moi {loose}")).await;
        assert!(
            said.starts_with("Bạn đã nhận vai trò Trưởng xóm (Xóm Nam Sơn). Từ nay bạn làm được các việc dưới đây."),
            "{}: {said}",
            db.name
        );
        assert!(said.contains("/duyet – Duyệt hộ đăng ký"), "{said}");
        // The officer who made it is told who took it.
        assert_eq!(
            officer.inbox().await,
            "ba-hoa (Máy tính ba-hoa) đã nhận lời mời: Trưởng xóm (Xóm Nam Sơn)."
        );
        // The new hamlet head confirms the household of their hamlet.
        // The only household waiting: shown at once with the question.
        let said = hoa.say("/duyet").await;
        assert!(said.contains("Hà Thị Dân"), "{}: {said}", db.name);
        assert_eq!(hoa.say("Xác nhận").await, "Đã xác nhận hộ #1 Hà Thị Dân.");

        // A second use is refused and counted; the one who took it is told they have it.
        let said = lan.say(&format!("/moi {code}")).await;
        assert_eq!(
            said,
            "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; xin cán bộ xã mã mới. Còn 4 lần thử trong giờ này.",
            "{}",
            db.name
        );
        let said = hoa.say(&format!("/moi {code}")).await;
        assert_eq!(said, "Bạn đã có vai trò Trưởng xóm (Xóm Nam Sơn) rồi.");
        // The officer's own code is not theirs to take.
        let (own, _) = officer.invite(&["3"]).await;
        let said = officer.say(&format!("/moi {own}")).await;
        assert_eq!(
            said,
            "Đây là mã mời bạn tạo. Hãy gửi mã cho người được mời."
        );

        // The audit log has the invite and its taking, and never a code.
        let log = audit_log(store).await;
        let actions: Vec<&str> = log.iter().map(|(a, _)| a.as_str()).collect();
        assert!(actions.contains(&"invite_issued"), "{actions:?}");
        assert!(actions.contains(&"invite_taken"), "{actions:?}");
        let taken = &log.iter().find(|(a, _)| a == "invite_taken").unwrap().1;
        let taken: Value = serde_json::from_str(taken).unwrap();
        assert_eq!(taken["role"], "hamlet_head");
        for (_, detail) in &log {
            for c in [&code, &own] {
                assert!(!detail.contains(&c.replace('-', "")), "{detail}");
            }
        }
    }
}

#[tokio::test]
async fn expired_revoked_and_wrong_codes_are_refused_and_five_wrong_lock_the_hour() {
    for db in common::databases().await {
        let (engine, clock) = setup(&db.db).await;
        let mut officer = Account::new(&engine, "console", "canbo");
        let mut tu = Account::new(&engine, "zalo", "z-tu");

        let (old, _) = officer.invite(&["1", "1"]).await;
        clock.advance(Duration::days(7) + Duration::minutes(1));
        let said = tu.say(&format!("/moi {old}")).await;
        assert_eq!(
            said,
            "Mã mời này đã hết hạn (chỉ dùng được 7 ngày). Xin cán bộ xã mã mới. Còn 4 lần thử trong giờ này.",
            "{}",
            db.name
        );

        // A representative's invite: the organisation is asked, then listed as pending (the
        // code never shows), revoked with /thuhoi, and refused.
        let (code, said) = officer.invite(&["5", "Hội Phụ nữ"]).await;
        assert!(
            said.starts_with("Mã mời Đại diện tổ chức (Hội Phụ nữ):"),
            "{said}"
        );
        let staff = officer.say("/nhanvien").await;
        assert!(
            staff.contains(
                "Lời mời chưa dùng:\n- Đại diện tổ chức (Hội Phụ nữ), hết hạn 10:01 11/12/2026"
            ),
            "{}: {staff}",
            db.name
        );
        assert!(!staff.contains(&code), "{staff}");
        let said = officer.say("/thuhoi").await;
        let n = option(&said, "Lời mời Đại diện tổ chức (Hội Phụ nữ)");
        let said = officer.say(&n).await;
        assert!(
            said.starts_with(
                "Lời mời Đại diện tổ chức (Hội Phụ nữ) (hết hạn 10:01 11/12/2026)\nThu hồi ngay?"
            ),
            "{said}"
        );
        assert_eq!(
            officer.say("có").await,
            "Đã thu hồi lời mời Đại diện tổ chức (Hội Phụ nữ). Mã đó không dùng được nữa."
        );
        assert!(!officer.say("/nhanvien").await.contains("Lời mời chưa dùng"));
        let said = tu.say(&format!("/moi {code}")).await;
        assert_eq!(
            said, "Mã mời này đã bị thu hồi. Hỏi cán bộ xã nếu cần. Còn 3 lần thử trong giờ này.",
            "{}",
            db.name
        );

        // Unknown codes; the fifth wrong try spends the hour.
        for left in [2, 1] {
            let said = tu.say("/moi AAAA-AAAA").await;
            assert_eq!(
                said,
                format!("Mã mời không đúng. Còn {left} lần thử trong giờ này.")
            );
        }
        let said = tu.say("/moi AAAA-AAAA").await;
        assert_eq!(
            said,
            "Mã mời không đúng. Bạn đã hết lượt thử trong giờ này."
        );
        // Even the right code now waits until the first wrong try is an hour old.
        clock.advance(Duration::minutes(10));
        let (good, _) = officer.invite(&["3"]).await;
        let said = tu.say(&format!("/moi {good}")).await;
        assert_eq!(
            said, "Bạn đã gõ sai mã mời 5 lần trong một giờ. Vui lòng thử lại sau 50 phút.",
            "{}",
            db.name
        );
        clock.advance(Duration::minutes(51));
        let said = tu.say(&format!("/moi {good}")).await;
        assert!(
            said.starts_with("Bạn đã nhận vai trò Viên chức Khuyến nông."),
            "{}: {said}",
            db.name
        );
        assert!(said.contains("/choxuly"), "{said}");
        let tu_id = tu.person().await;
        let log: Vec<String> = {
            let mut tx = engine.store().begin().await.unwrap();
            let e = audit::for_entity(&mut tx, "person", tu_id).await.unwrap();
            tx.commit().await.unwrap();
            e.into_iter().map(|e| e.action).collect()
        };
        assert_eq!(
            log.iter().filter(|a| *a == "invite_code_wrong").count(),
            5,
            "{log:?}"
        );
        assert_eq!(
            log.iter().filter(|a| *a == "invite_code_blocked").count(),
            1
        );
    }
}

#[tokio::test]
async fn a_revoked_hamlet_head_stops_at_once_and_only_managers_revoke() {
    for db in common::databases().await {
        let (engine, _clock) = setup(&db.db).await;
        let mut officer = Account::new(&engine, "console", "canbo");
        let mut agri = Account::new(&engine, "console", "khuyennong");
        let mut head = Account::new(&engine, "console", "truongxom1");
        let mut resident = Account::new(&engine, "console", "dan");
        register(&mut resident, "Hà Thị Dân", "1", "0912000900").await;

        // The hamlet head is in the middle of reviewing when the role is taken back.
        let said = head.say("/duyet").await;
        assert!(said.contains("Hà Thị Dân"), "{said}");

        // The agricultural officer sees the staff list but may not revoke.
        let staff = agri.say("/nhanvien").await;
        assert!(
            staff.contains("#1 truongxom1: Trưởng xóm (Xóm Đồng Tâm), từ 27/11/2026 (Máy tính)"),
            "{}: {staff}",
            db.name
        );
        assert!(
            staff.contains("canbo: Công chức Văn hóa – Xã hội"),
            "{staff}"
        );
        assert!(
            agri.say("/thuhoi")
                .await
                .starts_with("Bạn không có quyền làm việc này.")
        );
        assert!(
            resident
                .say("/nhanvien")
                .await
                .starts_with("Bạn không có quyền làm việc này.")
        );

        // One's own roles are not offered.
        let said = officer.say("/thuhoi").await;
        assert!(
            said.starts_with("Thu hồi vai trò hoặc lời mời nào?"),
            "{said}"
        );
        assert!(!said.contains("canbo:"), "{said}");
        let n = option(&said, "truongxom1: Trưởng xóm (Xóm Đồng Tâm)");
        let said = officer.say(&n).await;
        assert!(said.ends_with("Thu hồi ngay? (có/không)"), "{said}");
        assert_eq!(
            officer.say("có").await,
            "Đã thu hồi vai trò Trưởng xóm (Xóm Đồng Tâm) của truongxom1. Có hiệu lực ngay.",
            "{}",
            db.name
        );

        // The head's next message ends the review with the reason, and nothing is confirmed.
        let said = head.say("1").await;
        assert!(
            said.starts_with("Xã đã thu hồi vai trò Trưởng xóm (Xóm Đồng Tâm) của bạn.\nBạn không còn quyền làm việc này. Việc đang làm đã dừng.\nXin chào truongxom1!"),
            "{}: {said}",
            db.name
        );
        assert!(!said.contains("/duyet"), "{said}");
        assert!(
            head.say("/duyet")
                .await
                .starts_with("Bạn không có quyền làm việc này.")
        );
        let mine = resident.say("/hocuatoi").await;
        assert!(
            mine.contains("chờ trưởng xóm xác nhận"),
            "{}: {mine}",
            db.name
        );
        assert!(
            !officer
                .say("/nhanvien")
                .await
                .contains("truongxom1: Trưởng xóm")
        );

        // Answering no revokes nothing.
        let said = officer.say("/thuhoi").await;
        let n = option(&said, "truongxom2: Trưởng xóm (Xóm Nam Sơn)");
        officer.say(&n).await;
        assert_eq!(officer.say("không").await, "Không thu hồi gì.");
        assert!(
            officer
                .say("/nhanvien")
                .await
                .contains("truongxom2: Trưởng xóm (Xóm Nam Sơn)")
        );

        let (head_id, officer_id) = (head.person().await, officer.person().await);
        let mut tx = engine.store().begin().await.unwrap();
        let log = audit::for_entity(&mut tx, "person", head_id).await.unwrap();
        tx.commit().await.unwrap();
        let revoked = log.iter().find(|e| e.action == "role_revoked").unwrap();
        assert_eq!(revoked.actor_id, Some(officer_id));
        assert!(revoked.detail.contains("hamlet_head"), "{}", revoked.detail);
    }
}

fn telegram_settings(mock: &Mock) -> Settings {
    Settings {
        telegram_token: Some(tg::TOKEN.into()),
        telegram_api_url: Some(mock.url.clone()),
        telegram_limits: Some(TelegramLimits {
            per_chat_per_sec: 50,
            per_chat_per_min: 1000,
            overall_per_sec: 100,
        }),
        ..Settings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_telegram_link_to_an_invite_gives_the_role() {
    for db in common::databases().await {
        let (engine, _clock) = setup(&db.db).await;
        let engine = Arc::new(engine);
        let mock = Mock::start().await;
        let running = giamngheo::run::start(&telegram_settings(&mock), engine.clone())
            .await
            .expect("run starts");
        let user = 6101;
        // Once the bot answers, it has asked Telegram its name: invites carry the link.
        mock.push(tg::text(user, "/start"));
        mock.wait_sent(user, 1).await;

        let mut officer = Account::new(&engine, "console", "canbo");
        let (code, said) = officer.invite(&["3"]).await;
        let bare = code.replace('-', "");
        assert!(
            said.contains(&format!(
                "\nHoặc mở trên Telegram: https://t.me/giamngheo_bot?start={bare}"
            )),
            "{}: {said}",
            db.name
        );

        // Opening the link sends `/start CODE`.
        mock.push(tg::text(user, &format!("/start {bare}")));
        let sent = mock.wait_sent(user, 2).await;
        let text = sent[1]["text"].as_str().unwrap();
        assert!(
            text.starts_with(
                "Bạn đã nhận vai trò Viên chức Khuyến nông. Từ nay bạn làm được các việc dưới đây."
            ),
            "{}: {text}",
            db.name
        );
        let menu: Vec<&str> = sent[1]["reply_markup"]["inline_keyboard"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().iter())
            .filter_map(|b| b["callback_data"].as_str())
            .collect();
        assert!(menu.contains(&"/choxuly"), "{menu:?}");
        assert!(
            officer
                .inbox()
                .await
                .ends_with("(Telegram 6101) đã nhận lời mời: Viên chức Khuyến nông."),
            "{}",
            db.name
        );

        // The same link again: used.
        mock.push(tg::text(6102, &format!("/start {bare}")));
        let sent = mock.wait_sent(6102, 1).await;
        assert!(
            sent[0]["text"]
                .as_str()
                .unwrap()
                .starts_with("Mã mời này đã được dùng."),
            "{:?}",
            sent[0]
        );
        // A group's join code in a link still opens the menu as before.
        mock.push(tg::text(6103, "/start ma-moi"));
        let sent = mock.wait_sent(6103, 1).await;
        assert!(sent[0]["text"].as_str().unwrap().starts_with("Xin chào"));
        running.abort();
    }
}

#[tokio::test]
async fn an_invite_typed_in_the_middle_of_a_task_asks_its_question_again() {
    for db in common::databases().await {
        let (engine, _clock) = setup(&db.db).await;
        let mut officer = Account::new(&engine, "console", "canbo");
        let mut lan = Account::new(&engine, "zalo", "z-lan");
        let (code, _) = officer.invite(&["1", "3"]).await;
        lan.say("/dangky").await;
        let said = lan.say("Lê Thị Lan").await;
        assert!(said.starts_with("Hộ ở xóm nào?"), "{said}");
        let said = lan.say(&format!("/moi {code}")).await;
        assert!(
            said.starts_with("Bạn đã nhận vai trò Trưởng xóm (Xóm Hồng Thái). Từ nay bạn làm được các việc dưới đây.\n\n"),
            "{}: {said}",
            db.name
        );
        // A hamlet head registers in their own hamlet: the question moves on to the address.
        assert!(
            said.contains("Hộ ở xóm nào?") || said.contains("Địa chỉ"),
            "{said}"
        );
    }
}

// ---- The command line ----

fn giamngheo(dir: &Path, db: &str, args: &[&str], input: &str, env: &[(&str, &str)]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", db)
        .env_remove("GIAMNGHEO_COMMUNE")
        .env_remove("GIAMNGHEO_DIALOGUES")
        .env_remove("GIAMNGHEO_TELEGRAM_BOT")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run giamngheo");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "giamngheo {args:?} failed: {stderr}");
    stdout
}

/// A database URL for the binary on every backend under test: a SQLite file, and a new
/// schema on the PostgreSQL server at `TEST_POSTGRES_URL`.
async fn database_urls(dir: &Path) -> Vec<String> {
    let mut out = vec![format!("sqlite:{}", dir.join("giamngheo.db").display())];
    if let Ok(url) = std::env::var("TEST_POSTGRES_URL")
        && !url.is_empty()
    {
        let schema = format!(
            "t_{}_{}_cli",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        );
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let sep = if url.contains('?') { '&' } else { '?' };
        out.push(format!("{url}{sep}options=-c%20search_path%3D{schema}"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_staff_and_revoke_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xa.toml"),
        "code = \"tan-cuong\"\nname = \"Xã Tân Cương\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm Nam Đồng\", \"Xóm Soi Mít\"]\n",
    )
    .unwrap();
    for db in database_urls(dir.path()).await {
        let run = |args: &[&str], input: &str| giamngheo(dir.path(), &db, args, input, &[]);
        let out = run(&["init", "--commune", "xa.toml"], "");
        assert!(out.contains("Xã Tân Cương: 2 xóm"), "{out}");

        // The first officer's invite, with no bot name: the code and how to type it.
        let out = run(&["invite", "culture_officer"], "");
        assert!(out.starts_with("Mã mời (invite code): "), "{out}");
        assert!(
            out.contains("\nCông chức Văn hóa – Xã hội, Xã Tân Cương\n"),
            "{out}"
        );
        assert!(!out.contains("t.me"), "{out}");
        let code = out.lines().next().unwrap().rsplit(' ').next().unwrap();
        assert!(out.contains(&format!("/moi {code}")), "{out}");
        let out = run(&["chat", "--as", "chi-mai"], &format!("/moi {code}\n"));
        assert!(
            out.contains("Bạn đã nhận vai trò Công chức Văn hóa – Xã hội."),
            "{out}"
        );

        // The officer invites the hamlet head in chat; the hamlet head takes it.
        let out = run(&["chat", "--as", "chi-mai"], "/moi\n1\nsoi mit\n");
        let code = code_in(&out[out.find("Mã mời Trưởng xóm").expect(&out)..]);
        let out = run(&["chat", "--as", "ba-hoa"], &format!("/moi {code}\n"));
        assert!(
            out.contains("Bạn đã nhận vai trò Trưởng xóm (Xóm Soi Mít)."),
            "{out}"
        );

        // With the bot's name in the settings, the link too; an invite not taken is listed
        // without its code.
        let out = giamngheo(
            dir.path(),
            &db,
            &["invite", "org_rep", "--org", "Hội Nông dân"],
            "",
            &[("GIAMNGHEO_TELEGRAM_BOT", "xa_tancuong_bot")],
        );
        let pending = out.lines().next().unwrap().rsplit(' ').next().unwrap();
        assert!(
            out.contains(&format!(
                "Telegram: https://t.me/xa_tancuong_bot?start={}",
                pending.replace('-', "")
            )),
            "{out}"
        );
        let out = run(&["staff"], "");
        assert!(
            out.starts_with("Người có vai trò ở Xã Tân Cương:\n#"),
            "{out}"
        );
        assert!(
            out.contains(" chi-mai: Công chức Văn hóa – Xã hội, từ "),
            "{out}"
        );
        assert!(
            out.contains(" ba-hoa: Trưởng xóm (Xóm Soi Mít), từ "),
            "{out}"
        );
        assert!(out.contains("(console)"), "{out}");
        assert!(
            out.contains("Lời mời chưa dùng:\n- Đại diện tổ chức (Hội Nông dân), hết hạn "),
            "{out}"
        );
        assert!(!out.contains(pending), "{out}");

        // Revoked by account; the person's number from `staff` works too.
        let out = run(&["revoke", "console:ba-hoa", "hamlet_head"], "");
        assert!(
            out.ends_with(" ba-hoa: đã thu hồi (revoked) Trưởng xóm (Xóm Soi Mít)\n"),
            "{out}"
        );
        let out = run(&["chat", "--as", "ba-hoa"], "/duyet\n");
        assert!(out.contains("Bạn không có quyền làm việc này."), "{out}");
        let staff = run(&["staff"], "");
        assert!(!staff.contains("ba-hoa"), "{staff}");
        let number = staff
            .lines()
            .find(|l| l.contains("chi-mai"))
            .and_then(|l| l.split(' ').next())
            .unwrap()
            .to_string();
        let out = run(&["revoke", &number, "culture_officer"], "");
        assert!(out.contains("chi-mai: đã thu hồi (revoked)"), "{out}");
        assert!(run(&["staff"], "").contains("Chưa có ai."));

        // Each of it in the audit log, by whom and from where, and never a code.
        let log = run(&["audit"], "");
        for (who, what) in [
            ("cli  cli", "tạo lời mời #1 – công chức Văn hóa – Xã hội"),
            ("chi-mai #", "nhận lời mời – công chức Văn hóa – Xã hội"),
            ("chi-mai #", "tạo lời mời #2 – trưởng xóm, Xóm Soi Mít"),
            ("ba-hoa #", "nhận lời mời – trưởng xóm, Xóm Soi Mít"),
            ("cli  cli", "thu hồi vai trò của ba-hoa"),
            ("cli  cli", "thu hồi vai trò của chi-mai"),
        ] {
            let line = log
                .lines()
                .find(|l| l.contains(what))
                .unwrap_or_else(|| panic!("no {what:?} in\n{log}"));
            assert!(line.contains(who), "{line}");
        }
        assert!(!log.contains(&code) && !log.contains(pending), "{log}");
    }
}
