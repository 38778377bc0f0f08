//! The store on every backend under test: what each query promises, checked against a real
//! database.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use giamngheo::channels::Reply;
use giamngheo::domain::{Category, HouseholdStatus, Role};
use giamngheo::seed;
use giamngheo::store::households::{self, NewHousehold};
use giamngheo::store::{Tx, communes, conversations, inbox, outbox, persons};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0).unwrap()
}

fn household<'a>(hamlet: i64, name: &'a str, phone: &'a str, by: i64) -> NewHousehold<'a> {
    NewHousehold {
        commune_id: 1,
        hamlet_id: hamlet,
        head_name: name,
        address: "Số 1",
        phone,
        members: 4,
        category: Category::NewlyEscaped,
        escaped_on: NaiveDate::from_ymd_opt(2024, 2, 29),
        escape_decision: None,
        cccd: Some("019203004567"),
        status: HouseholdStatus::Claimed,
        registered_by: by,
    }
}

async fn resident(tx: &mut Tx, name: &str) -> i64 {
    let id = persons::create(tx, 1, name, "vi", now()).await.unwrap();
    persons::link_identity(tx, "test", name, id, name, None)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn households_round_trip_and_duplicates_are_found_by_folded_name() {
    for db in common::databases().await {
        seed::ensure_demo(&db.db.store, now()).await.unwrap();
        let mut tx = db.db.store.begin().await.unwrap();
        let by = resident(&mut tx, "an").await;
        let id = households::insert(
            &mut tx,
            &household(1, "Đỗ Văn Hùng", "+84912000111", by),
            now(),
        )
        .await
        .unwrap();
        let h = households::get(&mut tx, id).await.unwrap().unwrap();
        assert_eq!(h.hamlet_name, "Xóm Đồng Tâm", "{}", db.name);
        assert_eq!(h.escaped_on, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(h.created_at, now());
        assert_eq!(h.status, HouseholdStatus::Claimed);

        let dup = households::find_duplicate(&mut tx, 1, "do van hung", "+84912000111")
            .await
            .unwrap();
        assert_eq!(dup.map(|d| d.id), Some(id));
        assert!(
            households::find_duplicate(&mut tx, 2, "do van hung", "+84912000111")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            households::find_duplicate(&mut tx, 1, "do van hung", "+84912000112")
                .await
                .unwrap()
                .is_none()
        );
        // The unique index stops a second live row even if a caller skipped the check.
        let again = households::insert(
            &mut tx,
            &household(1, "ĐỖ VĂN HÙNG", "+84912000111", by),
            now(),
        )
        .await;
        assert!(again.is_err(), "{}", db.name);
    }
}

#[tokio::test]
async fn a_review_happens_once_and_pending_lists_oldest_first() {
    for db in common::databases().await {
        seed::ensure_demo(&db.db.store, now()).await.unwrap();
        let mut tx = db.db.store.begin().await.unwrap();
        let by = resident(&mut tx, "an").await;
        let later = households::insert(&mut tx, &household(1, "B", "+84912000002", by), now())
            .await
            .unwrap();
        let earlier = households::insert(
            &mut tx,
            &household(1, "A", "+84912000001", by),
            now() - Duration::days(2),
        )
        .await
        .unwrap();
        let other = households::insert(&mut tx, &household(2, "C", "+84912000003", by), now())
            .await
            .unwrap();

        let mine: Vec<i64> = households::pending(&mut tx, 1, Some(1))
            .await
            .unwrap()
            .iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(mine, [earlier, later], "{}", db.name);
        let all: Vec<i64> = households::pending(&mut tx, 1, None)
            .await
            .unwrap()
            .iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(all, [earlier, later, other]);

        assert!(
            households::review(
                &mut tx,
                earlier,
                HouseholdStatus::Rejected,
                Some("chuyển đi"),
                by,
                now()
            )
            .await
            .unwrap()
        );
        assert!(
            !households::review(
                &mut tx,
                earlier,
                HouseholdStatus::Confirmed,
                None,
                by,
                now()
            )
            .await
            .unwrap()
        );
        let h = households::get(&mut tx, earlier).await.unwrap().unwrap();
        assert_eq!(h.status, HouseholdStatus::Rejected);
        assert_eq!(h.reject_reason.as_deref(), Some("chuyển đi"));
        // A rejected household may be registered again.
        households::insert(&mut tx, &household(1, "A", "+84912000001", by), now())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn inbox_outbox_and_conversations() {
    for db in common::databases().await {
        seed::ensure_demo(&db.db.store, now()).await.unwrap();
        let mut tx = db.db.store.begin().await.unwrap();
        assert!(
            inbox::record(&mut tx, "telegram", "42", now())
                .await
                .unwrap()
        );
        assert!(
            !inbox::record(&mut tx, "telegram", "42", now())
                .await
                .unwrap()
        );
        assert!(inbox::record(&mut tx, "zalo", "42", now()).await.unwrap());

        assert_eq!(
            conversations::load_locked(&mut tx, "t", "1", now())
                .await
                .unwrap(),
            None
        );
        conversations::save(&mut tx, "t", "1", "{\"active\":null}", now())
            .await
            .unwrap();
        assert_eq!(
            conversations::load_locked(&mut tx, "t", "1", now())
                .await
                .unwrap()
                .as_deref(),
            Some("{\"active\":null}")
        );

        let a = outbox::enqueue(&mut tx, "t", "1", &Reply::text("một"), now())
            .await
            .unwrap();
        let b = outbox::enqueue(&mut tx, "t", "1", &Reply::text("hai"), now())
            .await
            .unwrap();
        outbox::enqueue(&mut tx, "t", "2", &Reply::text("khác"), now())
            .await
            .unwrap();
        let due = outbox::due(&mut tx, "t", Some("1"), now(), 10)
            .await
            .unwrap();
        assert_eq!(
            due.iter().map(|r| r.id).collect::<Vec<_>>(),
            [a, b],
            "{}",
            db.name
        );
        assert_eq!(due[0].reply().unwrap().text, "một");

        outbox::retry_at(&mut tx, a, "429", now() + Duration::seconds(30))
            .await
            .unwrap();
        outbox::mark_sent(&mut tx, b, now()).await.unwrap();
        assert!(
            outbox::due(&mut tx, "t", Some("1"), now(), 10)
                .await
                .unwrap()
                .is_empty()
        );
        let later = outbox::due(&mut tx, "t", Some("1"), now() + Duration::seconds(30), 10)
            .await
            .unwrap();
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].attempts, 1);
        outbox::mark_failed(&mut tx, a, "403 blocked", now())
            .await
            .unwrap();
        assert!(
            outbox::due(&mut tx, "t", None, now() + Duration::days(1), 10)
                .await
                .unwrap()
                .len()
                == 1
        );
    }
}

#[tokio::test]
async fn roles_and_communes() {
    for db in common::databases().await {
        let store = &db.db.store;
        assert!(seed::ensure_demo(store, now()).await.unwrap());
        assert!(
            !seed::ensure_demo(store, now()).await.unwrap(),
            "seeded once only"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("xa.toml");
        std::fs::write(
            &file,
            "code = \"tan-cuong\"\nname = \"Xã Tân Cương\"\ndistrict = \"Thành phố Thái Nguyên\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm Nam Đồng\", \"Xóm Hồng Thái 1\"]\n",
        )
        .unwrap();
        seed::init_commune(store, &file, now()).await.unwrap();
        assert!(
            seed::init_commune(store, &file, now()).await.is_err(),
            "same code twice"
        );

        let mut tx = store.begin().await.unwrap();
        let real = communes::default_commune(&mut tx, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            real.code, "tan-cuong",
            "a real commune comes before the demo"
        );
        tx.commit().await.unwrap();

        seed::grant(
            store,
            "telegram:777",
            Role::HamletHead,
            Some("xom nam dong"),
            None,
            None,
            now(),
        )
        .await
        .unwrap();
        seed::grant(
            store,
            "telegram:777",
            Role::HamletHead,
            Some("Xóm Nam Đồng"),
            None,
            None,
            now(),
        )
        .await
        .unwrap();
        assert!(
            seed::grant(
                store,
                "telegram:777",
                Role::HamletHead,
                None,
                None,
                None,
                now()
            )
            .await
            .is_err()
        );
        assert!(
            seed::grant(
                store,
                "telegram:777",
                Role::HamletHead,
                Some("Xóm Không Có"),
                None,
                None,
                now()
            )
            .await
            .is_err()
        );
        assert!(
            seed::grant(
                store,
                "nobody",
                Role::CultureOfficer,
                None,
                None,
                None,
                now()
            )
            .await
            .is_err()
        );

        let mut tx = store.begin().await.unwrap();
        let p = persons::by_identity(&mut tx, "telegram", "777")
            .await
            .unwrap()
            .unwrap();
        let grants = persons::grants(&mut tx, p.id).await.unwrap();
        assert_eq!(
            grants.len(),
            1,
            "granting twice keeps one role ({})",
            db.name
        );
        assert_eq!(grants[0].role, Role::HamletHead);
        let hamlet = communes::hamlet(&mut tx, grants[0].hamlet_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hamlet.name, "Xóm Nam Đồng");
        assert_eq!(
            persons::hamlet_heads(&mut tx, hamlet.id).await.unwrap(),
            [p.id]
        );
    }
}

/// A chat whose first reply waits for its retry is not due, whatever is queued behind it:
/// otherwise the sender would pick it up again and again until the retry time.
#[tokio::test]
async fn a_chat_waiting_for_a_retry_is_not_due_until_its_time() {
    for db in common::databases().await {
        let mut tx = db.db.store.begin().await.unwrap();
        let first = outbox::enqueue(&mut tx, "telegram", "7", &Reply::text("một"), now())
            .await
            .unwrap();
        outbox::enqueue(&mut tx, "telegram", "7", &Reply::text("hai"), now())
            .await
            .unwrap();
        outbox::enqueue(&mut tx, "telegram", "8", &Reply::text("ba"), now())
            .await
            .unwrap();
        let later = now() + Duration::minutes(5);
        outbox::retry_at(&mut tx, first, "500", later)
            .await
            .unwrap();
        let due = outbox::due_chats(&mut tx, "telegram", now(), 10)
            .await
            .unwrap();
        assert_eq!(due, ["8"], "{}", db.name);
        let due = outbox::due_chats(&mut tx, "telegram", later, 10)
            .await
            .unwrap();
        assert_eq!(due, ["7", "8"], "{}", db.name);
        tx.commit().await.unwrap();
    }
}

/// A commit that fails after the database dropped the transaction by itself (what SQLite does
/// at a full disk) must not leave the connection "inside" a transaction: once the cause is
/// gone, every later transaction works, without a restart.
#[tokio::test]
async fn a_failed_commit_leaves_no_connection_stuck_in_a_transaction() {
    for db in common::databases().await {
        let store = &db.db.store;
        let mut tx = store.begin().await.unwrap();
        // The database ends the transaction behind the driver's back, as SQLite does when it
        // rolls back on SQLITE_FULL; the commit then fails.
        giamngheo::store::on_tx!(&mut tx, |conn| sqlx::query("ROLLBACK")
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        // (PostgreSQL only warns at a COMMIT outside a transaction.)
        let committed = tx.commit().await;
        assert!(db.name != "sqlite" || committed.is_err());
        // Every pooled connection in turn: none may refuse to begin.
        for i in 0..24 {
            let tx = store.begin().await;
            assert!(tx.is_ok(), "{} (try {i}): {:?}", db.name, tx.err());
            tx.unwrap().commit().await.unwrap();
        }
    }
}

/// What the binary prints about its database at start and when it cannot open it: where
/// (path, host, port, database), never a password, wherever the password was written.
#[tokio::test]
async fn no_password_is_printed_at_start_or_on_a_failure() {
    let run = |url: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(["staff"])
            .current_dir(dir.path())
            .env("DATABASE_URL", url)
            .env("RUST_BACKTRACE", "0")
            .env_remove("GIAMNGHEO_CONFIG")
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("S3cret"), "{url}: {all}");
        (out.status.success(), all)
    };
    // A mistyped scheme.
    let (ok, said) = run("postgresq://bot:S3cret@127.0.0.1:5432/x");
    assert!(
        !ok && said.contains("postgresq://bot:***@127.0.0.1:5432/x"),
        "{said}"
    );
    // A SQLite file that cannot be opened names its path.
    let (ok, said) = run("sqlite:/nonexistent-dir/x.db");
    assert!(!ok && said.contains("/nonexistent-dir/x.db"), "{said}");
    for db in common::databases().await {
        if db.name != "postgres" {
            continue;
        }
        // A password in the query, at every start (trust auth ignores it).
        let (_, said) = run(&format!("{}&password=S3cret", db.db.url()));
        assert!(said.contains("password=***"), "{said}");
    }
}

/// Retention: the record of messages seen and replies sent goes once older than the period,
/// a reply still owed stays whatever its age, an idle conversation (with its unfinished
/// answers) is closed; what is recent stays. A second pass finds nothing.
#[tokio::test]
async fn what_has_served_its_purpose_is_pruned_and_nothing_else() {
    use giamngheo::store::retention::{self, Periods};
    for db in common::databases().await {
        let store = &db.db.store;
        let long_ago = now() - Duration::days(40);
        let lately = now() - Duration::days(2);
        let mut tx = store.begin().await.unwrap();
        for (id, at) in [("old", long_ago), ("new", lately)] {
            inbox::record(&mut tx, "telegram", id, at).await.unwrap();
            let r = Reply::text(format!("CCCD 019203004567 ({id})"));
            let sent = outbox::enqueue(&mut tx, "telegram", id, &r, at)
                .await
                .unwrap();
            outbox::mark_sent(&mut tx, sent, at).await.unwrap();
            conversations::save(&mut tx, "telegram", id, "{\"cccd\":\"0192\"}", at)
                .await
                .unwrap();
        }
        // Owed for a month (the platform was down): still to send.
        let owed = Reply::text("owed");
        outbox::enqueue(&mut tx, "telegram", "owed", &owed, long_ago)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let p = retention::prune_all(store, Periods::default(), now())
            .await
            .unwrap();
        assert_eq!(
            (p.inbox, p.outbox, p.conversations),
            (1, 1, 1),
            "{}",
            db.name
        );
        let mut tx = store.begin().await.unwrap();
        assert!(
            conversations::peek(&mut tx, "telegram", "old")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            conversations::peek(&mut tx, "telegram", "new")
                .await
                .unwrap()
                .is_some()
        );
        // The old message id is forgotten, the recent one still known.
        assert!(
            inbox::record(&mut tx, "telegram", "old", now())
                .await
                .unwrap()
        );
        assert!(
            !inbox::record(&mut tx, "telegram", "new", now())
                .await
                .unwrap()
        );
        let owed = outbox::due(&mut tx, "telegram", Some("owed"), now(), 10)
            .await
            .unwrap();
        assert_eq!(owed.len(), 1, "{}", db.name);
        drop(tx);
        let again = retention::prune_all(store, Periods::default(), now())
            .await
            .unwrap();
        assert_eq!(again.total(), 0, "{}", db.name);
    }
}

/// A reply longer than one message is queued as one row per message, its buttons with the
/// last: each part is sent, and retried, alone, so a failure on the second part cannot send
/// the first again.
#[tokio::test]
async fn a_long_reply_is_queued_a_message_a_row() {
    for db in common::databases().await {
        let store = &db.db.store;
        let line = "Hộ #12 Nguyễn Văn An – Xóm Đồng Tâm – chờ 3 ngày – /duyet 12\n";
        let mut reply = Reply::text(line.repeat(150));
        reply.choices = vec![giamngheo::channels::Choice {
            label: "Xong".into(),
            data: "/menu".into(),
            key: None,
        }];
        let mut tx = store.begin().await.unwrap();
        outbox::enqueue(&mut tx, "telegram", "9", &reply, now())
            .await
            .unwrap();
        let rows = outbox::due(&mut tx, "telegram", Some("9"), now(), 100)
            .await
            .unwrap();
        let parts: Vec<Reply> = rows.iter().map(|r| r.reply().unwrap()).collect();
        assert!(parts.len() >= 3, "{}: {} rows", db.name, parts.len());
        assert!(parts.iter().all(|p| p.text.chars().count() <= 4096));
        // Nothing lost: the parts are the text, cut at line breaks.
        let joined = parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>();
        assert!(
            joined.join("\n").trim_end() == reply.text.trim_end(),
            "{}",
            db.name
        );
        assert!(
            parts[..parts.len() - 1]
                .iter()
                .all(|p| p.choices.is_empty())
        );
        assert_eq!(parts.last().unwrap().choices.len(), 1);
        // The first part sent; the second failing is retried alone.
        outbox::mark_sent(&mut tx, rows[0].id, now()).await.unwrap();
        let later = now() + Duration::seconds(30);
        outbox::retry_at(&mut tx, rows[1].id, "429", later)
            .await
            .unwrap();
        let due = outbox::due(&mut tx, "telegram", Some("9"), later, 100)
            .await
            .unwrap();
        assert_eq!(due.first().map(|r| r.id), Some(rows[1].id), "{}", db.name);
        assert!(due.iter().all(|r| r.id != rows[0].id));
        tx.commit().await.unwrap();
    }
}
