//! The audit log as its readers see it, on every backend under test: real events through the
//! engine (on several channels) and through the binary, read back with `giamngheo audit`
//! (filtered by day and by person) and with `/nhatky` in chat; who may read it; and that
//! nothing can change or delete an entry once written.

mod common;

use common::Account;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::domain::{Category, HouseholdStatus, ProposalKind, Role};
use giamngheo::seed;
use giamngheo::store::Tx;
use giamngheo::store::groups;
use giamngheo::store::households::{self, NewHousehold};
use giamngheo::store::proposals::{self, NewProposal};
use giamngheo::store::scratch::TestDb;

/// Runs the real binary on the test's database and returns what it printed.
fn giamngheo(db: &TestDb, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", db.url())
        .env("RUST_LOG", "error")
        .env_remove("GIAMNGHEO_COMMUNE")
        .env_remove("GIAMNGHEO_DIALOGUES")
        .env_remove("GIAMNGHEO_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run giamngheo");
    child.stdin.take().unwrap().write_all(b"").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "giamngheo {args:?} failed: {stderr}");
    stdout
}

/// The line of `log` that says `what`, which must be there exactly once.
fn line<'a>(log: &'a str, what: &str) -> &'a str {
    let found: Vec<&str> = log.lines().filter(|l| l.contains(what)).collect();
    assert_eq!(found.len(), 1, "one line with {what:?} in:\n{log}");
    found[0]
}

/// 10:00 in Vietnam on a day of November 2026, before the binary's own clock (the day the
/// suite was written or later), so entries made by the binary come last.
fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// A group of the hamlet led by `leader`, with three confirmed poor households recognised by
/// the commune's Farmers' Association (checked): ready to ask for establishment.
async fn ready_members(tx: &mut Tx, group: i64, leader: i64, now: chrono::DateTime<chrono::Utc>) {
    for (i, name) in ["Lò Văn Một", "Vi Thị Hai", "Mạc Văn Ba"]
        .iter()
        .enumerate()
    {
        let h = households::insert(
            tx,
            &NewHousehold {
                commune_id: 1,
                hamlet_id: 1,
                head_name: name,
                address: "Số 1",
                phone: &format!("+8491200070{i}"),
                members: 4,
                category: Category::Poor,
                escaped_on: None,
                escape_decision: None,
                cccd: None,
                status: HouseholdStatus::Confirmed,
                registered_by: leader,
            },
            now,
        )
        .await
        .unwrap();
        groups::add_member(
            tx,
            group,
            h,
            Some("commune"),
            Some(2024),
            true,
            true,
            leader,
            now,
        )
        .await
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_in_the_log_with_who_and_channel() {
    for db in common::databases().await {
        let name = db.name;
        let clock = Arc::new(FixedClock::on(day(20)));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        // The commune's operator makes a Telegram user the culture-social officer.
        let out = giamngheo(&db.db, &["grant", "telegram:7001", "culture_officer"]);
        assert!(out.contains("culture_officer"), "{name}: {out}");
        seed::grant(
            &db.db.store,
            "zalo:head1",
            Role::HamletHead,
            Some("Xóm Đồng Tâm"),
            None,
            None,
            clock.now(),
        )
        .await
        .unwrap();
        let engine = common::engine(&db.db, clock.clone());
        let mut resident = Account::new(&engine, "console", "an");
        let mut head = Account::new(&engine, "zalo", "head1");
        let mut officer = Account::new(&engine, "telegram", "7001");

        // 20/11: two registrations on the console; the hamlet head confirms one on Zalo and
        // rejects the other.
        for (who, phone) in [("Lê Văn An", "0912000111"), ("Lê Văn Bình", "0912000222")] {
            let said = resident
                .says(&["/dangky", who, "1", "Số 2", phone, "4", "1", "bỏ qua", "1"])
                .await;
            assert!(said.contains("Đã lưu hộ"), "{name}: {said}");
        }
        let said = head.says(&["/duyet 1", "Xác nhận"]).await;
        assert!(said.contains("Đã xác nhận hộ #1"), "{name}: {said}");
        let said = head.says(&["/duyet 2", "Từ chối", "Không ở xóm"]).await;
        assert!(said.contains("Đã từ chối"), "{name}: {said}");

        // 22/11: a group is created, asks, and is established; a proposal is appraised; the
        // officer looks at a phone and downloads the masked report on Telegram.
        clock.set(clock.now() + Duration::days(2));
        let said = head
            .says(&["/taonhom", "Tổ chè Đồng Tâm", "1", "chè", "1", "1"])
            .await;
        assert!(said.contains("Tổ chè Đồng Tâm"), "{name}: {said}");
        let leader = head.person().await;
        let officer_id = officer.person().await;
        let mut tx = db.db.store.begin().await.unwrap();
        let group = groups::all(&mut tx, 1).await.unwrap()[0].id;
        ready_members(&mut tx, group, leader, clock.now()).await;
        tx.commit().await.unwrap();
        let said = head.say(&format!("/xinthanhlap {group}")).await;
        assert!(said.contains("Tổ chè Đồng Tâm"), "{name}: {said}");
        let said = officer
            .says(&[
                &format!("/thanhlap {group}"),
                "1",
                "9/QĐ-UBND",
                "21/11/2026",
                "1",
            ])
            .await;
        assert!(said.contains("9/QĐ-UBND"), "{name}: {said}");
        let mut tx = db.db.store.begin().await.unwrap();
        let proposal = proposals::insert(
            &mut tx,
            &NewProposal {
                commune_id: 1,
                kind: ProposalKind::P2Community,
                group_id: Some(group),
                partners: None,
                submitted_by: leader,
                answers: "{}",
                title: "Trồng chè an toàn",
                total_cost: 500_000_000,
                support: 300_000_000,
                own_contribution: 200_000_000,
            },
            clock.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let said = officer.says(&[&format!("/xulyda {proposal}"), "1"]).await;
        assert!(said.contains(&format!("#{proposal}")), "{name}: {said}");
        let said = officer.say("/sodienthoai 1").await;
        assert!(said.contains("0912 000 111"), "{name}: {said}");
        officer.say("/baocao").await;

        // And the operator exports the report in full from the command line.
        let out = giamngheo(&db.db, &["export", "--out", "bao-cao.xlsx", "--unmasked"]);
        assert!(out.contains("bao-cao.xlsx"), "{name}: {out}");

        let resident_id = resident.person().await;
        let log = giamngheo(&db.db, &["audit"]);
        let who_an = format!("an #{resident_id}  console");
        let who_head = format!("head1 #{leader}  zalo");
        let who_officer = format!("7001 #{officer_id}  telegram");
        let created = format!("tạo nhóm #{group} – Xóm Đồng Tâm");
        let requested = format!("đề nghị thành lập nhóm #{group}");
        let established = format!("thành lập nhóm #{group} – QĐ số 9/QĐ-UBND");
        let appraised = format!("thẩm định đề xuất #{proposal}");
        let expected: [(&str, &str); 13] = [
            (
                "cli  cli  giao vai trò cho head1",
                "trưởng xóm, Xóm Đồng Tâm",
            ),
            (&who_an, "đăng ký hộ #1 – Hộ nghèo"),
            (&who_an, "đăng ký hộ #2 – Hộ nghèo"),
            (&who_head, "xác nhận hộ #1"),
            (&who_head, "từ chối hộ #2 – lý do: Không ở xóm"),
            (&who_head, &created),
            (&who_head, &requested),
            (&who_officer, &established),
            (&who_officer, &appraised),
            (&who_officer, "xem số điện thoại hộ #1"),
            (&who_officer, "xuất báo cáo Excel – đã che SĐT, CCCD"),
            // The binary runs on the real clock, after the chats' days.
            (
                "cli  cli  giao vai trò cho 7001",
                "công chức Văn hóa – Xã hội",
            ),
            ("cli  cli  xuất báo cáo Excel", "KHÔNG che SĐT, CCCD"),
        ];
        let mut at = 0;
        for (who, what) in expected {
            let l = line(&log, what);
            assert!(l.contains(who), "{name}: {who:?} did {what:?}:\n{log}");
            // Oldest first.
            let here = log.find(l).unwrap();
            assert!(here >= at, "{name}: {what:?} out of order:\n{log}");
            at = here;
        }
        // The local time in the commune: 10:00 in Vietnam on the days the chats happened.
        assert!(
            line(&log, "xác nhận hộ #1").starts_with("2026-11-20 10:00  "),
            "{name}:\n{log}"
        );
        assert!(
            line(&log, "xem số điện thoại").starts_with("2026-11-22 10:00  "),
            "{name}:\n{log}"
        );
        // No phone number, in full or not, ever shows in the log.
        assert!(!log.contains("0912"), "{name}:\n{log}");
        assert!(!log.contains("000 111"), "{name}:\n{log}");

        // --since: from 22/11 on, the registrations and reviews are gone.
        let since = giamngheo(&db.db, &["audit", "--since", "2026-11-22"]);
        assert!(!since.contains("đăng ký hộ"), "{name}:\n{since}");
        assert!(!since.contains("xác nhận hộ #1"), "{name}:\n{since}");
        assert!(
            since.contains("xem số điện thoại hộ #1"),
            "{name}:\n{since}"
        );
        assert!(since.contains("KHÔNG che SĐT"), "{name}:\n{since}");

        // --person, by account, by name (any case) and by number: only what they did.
        let by_number = format!("#{leader}");
        for who in ["zalo:head1", "HEAD1", by_number.as_str()] {
            let theirs = giamngheo(&db.db, &["audit", "--person", who]);
            assert!(theirs.contains("xác nhận hộ #1"), "{name} {who}:\n{theirs}");
            assert!(theirs.contains("từ chối hộ #2"), "{name} {who}:\n{theirs}");
            assert!(theirs.contains("tạo nhóm"), "{name} {who}:\n{theirs}");
            assert!(!theirs.contains("đăng ký hộ"), "{name} {who}:\n{theirs}");
            assert!(!theirs.contains("xuất báo cáo"), "{name} {who}:\n{theirs}");
            assert!(
                theirs.lines().all(|l| l.contains(&who_head)),
                "{name} {who}:\n{theirs}"
            );
        }
        let both = giamngheo(
            &db.db,
            &[
                "audit",
                "--person",
                "telegram:7001",
                "--since",
                "2026-11-22",
            ],
        );
        assert_eq!(both.lines().count(), 4, "{name}:\n{both}");

        // The culture-social officer reads the latest in chat, newest first, with names.
        let said = officer.say("/nhatky").await;
        assert!(
            said.starts_with("Nhật ký thao tác (mới nhất trước):"),
            "{name}: {said}"
        );
        let report = said.find("xuất báo cáo Excel – KHÔNG che").expect(&said);
        let phone = said.find("xem số điện thoại hộ #1").expect(&said);
        let confirmed = said.find("head1 #").expect(&said);
        assert!(report < phone && phone < confirmed, "{name}: {said}");
        assert!(said.contains("22/11 10:00 7001 #"), "{name}: {said}");
        assert!(!said.contains("0912"), "{name}: {said}");
        assert!(said.lines().count() <= 21, "{name}: {said}");

        // In English for an officer who reads English.
        officer.say("/lang en").await;
        let said = officer.say("/auditlog").await;
        assert!(
            said.starts_with("Audit log (newest first):"),
            "{name}: {said}"
        );
        assert!(
            said.contains("viewed the phone of household #1"),
            "{name}: {said}"
        );

        // Refused to a resident and to a hamlet head, with nothing of the log.
        for who in [&mut resident, &mut head] {
            let said = who.say("/nhatky").await;
            assert!(
                said.contains("Bạn không có quyền làm việc này."),
                "{name}: {said}"
            );
            assert!(!said.contains("(mới nhất trước)"), "{name}: {said}");
            assert!(!said.contains("xem số điện thoại"), "{name}: {said}");
        }
    }
}

/// Entries written before two accounts were joined still name the account that wrote them,
/// and belong to the joined person when the log is read by person.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_of_a_joined_account_stay_as_written() {
    for db in common::databases().await {
        let name = db.name;
        let clock = Arc::new(FixedClock::on(day(20)));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let engine = common::engine(&db.db, clock.clone());
        let mut desk = Account::new(&engine, "console", "ba-hoa");
        let mut phone = Account::new(&engine, "telegram", "5001");
        let said = phone
            .says(&[
                "/dangky",
                "Hà Thị Hoa",
                "1",
                "Số 5",
                "0912000555",
                "3",
                "2",
                "bỏ qua",
                "1",
            ])
            .await;
        assert!(said.contains("Đã lưu hộ"), "{name}: {said}");
        let absorbed = phone.person().await;
        let said = desk.say("/lienket").await;
        let at = said.find("Mã liên kết: ").expect(&said) + "Mã liên kết: ".len();
        let code: String = said[at..].chars().take(8).collect();
        let said = phone.say(&format!("/lienket {code}")).await;
        assert!(said.contains("Đã liên kết"), "{name}: {said}");
        let kept = desk.person().await;
        assert_ne!(kept, absorbed);

        let log = giamngheo(&db.db, &["audit", "--person", "console:ba-hoa"]);
        let registered = line(&log, "đăng ký hộ #1");
        assert!(
            registered.contains(&format!("5001 #{absorbed}  telegram")),
            "{name}: the registration names the account that made it:\n{log}"
        );
        assert!(
            line(&log, "lấy mã liên kết").contains(&format!("ba-hoa #{kept}  console")),
            "{name}:\n{log}"
        );
        assert!(
            line(&log, "liên kết tài khoản vào ba-hoa").contains(&format!("#{absorbed}")),
            "{name}:\n{log}"
        );
    }
}

/// Neither an update nor a delete of an entry gets through, whatever runs it; the entry stays
/// as it was written.
#[tokio::test]
async fn the_log_is_append_only() {
    for db in common::databases().await {
        let name = db.name;
        let clock = FixedClock::on(day(20));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        seed::grant(
            &db.db.store,
            "telegram:7001",
            Role::Leader,
            None,
            None,
            None,
            clock.now(),
        )
        .await
        .unwrap();
        let statements = [
            "UPDATE audit_log SET action = 'nothing', actor_id = NULL",
            "DELETE FROM audit_log",
        ];
        for sql in statements {
            let mut tx = db.db.store.begin().await.unwrap();
            let r = giamngheo::on_tx!(&mut tx, |conn| sqlx::query(sql)
                .execute(conn)
                .await
                .map(|_| ()));
            let err = r.expect_err(sql).to_string();
            assert!(err.contains("append-only"), "{name}: {sql}: {err}");
            drop(tx);
            // Outside any transaction of the program, too.
            let err = db.db.execute(sql).await.expect_err(sql).to_string();
            assert!(err.contains("append-only"), "{name}: {sql}: {err}");
        }
        let log = giamngheo(&db.db, &["audit"]);
        assert_eq!(log.lines().count(), 1, "{name}:\n{log}");
        assert!(
            line(&log, "giao vai trò cho 7001").contains("lãnh đạo xã"),
            "{name}:\n{log}"
        );
    }
}
