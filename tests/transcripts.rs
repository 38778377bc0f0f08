//! Conversations written as plain text (`dialogues/transcripts/*.txt`), played through the
//! console channel against a fresh database, on every backend under test. The bot's answers
//! must match the file line for line.
//!
//! In a transcript, `> ` starts what the user types; `@` lines direct the scene:
//! `@today DD/MM/YYYY`, `@as NAME` (open the chat as NAME), `@commune CODE; NAME; PROVINCE;
//! HAMLET, HAMLET…` (add a real commune), `@restart` (close the database
//! and the engine, open them again, reopen the chat), `@break-db` / `@heal-db` (make the
//! database refuse every message). `//` lines are comments. Every other line is what the bot says.
//! Group join codes are random: the bot's `K7MXQ2PA` is written `{code#1}` (the code of group
//! #1), and `{code#1}` typed is sent as the group's real code.
//! `BLESS=1 cargo test --test transcripts` rewrites the files from what the bot said; read
//! the diff before committing it.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use giamngheo::channels::console::Session;
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::seed;
use giamngheo::store::groups;

fn transcript_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogues/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dialogues/transcripts")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// Plays a transcript and returns what the file should say.
async fn play(script: &str, db: &mut giamngheo::store::scratch::TestDb) -> String {
    let clock = Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    let mut engine = common::engine(db, clock.clone());
    let mut who = String::from("nguoidan");
    let mut actual = String::new();
    let mut session: Option<Session<Vec<u8>>> = None;
    for line in script.lines() {
        // An empty message is a lone ">" (editors strip the trailing space).
        let input = line.strip_prefix("> ").or((line == ">").then_some(""));
        if line.starts_with("//") || line.starts_with('@') || input.is_some() {
            actual.push_str(line);
            actual.push('\n');
        }
        if let Some(d) = line.strip_prefix("@today ") {
            let day = NaiveDate::parse_from_str(d.trim(), "%d/%m/%Y").expect("@today DD/MM/YYYY");
            clock.set(FixedClock::on(day).now());
        } else if let Some(name) = line.strip_prefix("@as ") {
            who = name.trim().to_string();
            session = Some(Session::open(&engine, &who, vec![]).await.unwrap());
        } else if line.trim() == "@restart" {
            drop(session.take());
            drop(engine);
            db.reopen().await.unwrap();
            engine = common::engine(db, clock.clone());
            session = Some(Session::open(&engine, &who, vec![]).await.unwrap());
        } else if let Some(c) = line.strip_prefix("@commune ") {
            // "@commune tan-cuong; Xã Tân Cương; Thái Nguyên; Xóm Nam Đồng, Xóm Soi Mít"
            let parts: Vec<&str> = c.split(';').map(str::trim).collect();
            let [code, name, province, hamlets] = parts[..] else {
                panic!("@commune CODE; NAME; PROVINCE; HAMLET, HAMLET…");
            };
            let file = seed::CommuneFile {
                code: code.into(),
                name: name.into(),
                district: String::new(),
                province: province.into(),
                time_zone: "Asia/Ho_Chi_Minh".into(),
                hamlets: hamlets.split(',').map(|h| h.trim().to_string()).collect(),
                rules: Default::default(),
            };
            seed::add_commune(&db.store, &file, clock.now())
                .await
                .unwrap();
        } else if line.trim() == "@break-db" {
            common::break_db(db, "inbox").await;
        } else if line.trim() == "@heal-db" {
            common::heal_db(db, "inbox").await;
        } else if let Some(text) = input {
            let s = session.as_mut().expect("a transcript starts with @as NAME");
            let mut text = text.to_string();
            for (id, code) in join_codes(db).await {
                text = text.replace(&format!("{{code#{id}}}"), &code);
            }
            s.send(&text).await.unwrap();
        }
        if let Some(s) = session.as_mut() {
            let mut said = String::from_utf8_lossy(&s.output).into_owned();
            for (id, code) in join_codes(db).await {
                said = said.replace(&code, &format!("{{code#{id}}}"));
            }
            actual.push_str(&said);
            s.output.clear();
        }
    }
    actual
}

/// Every group's number and join code.
async fn join_codes(db: &giamngheo::store::scratch::TestDb) -> Vec<(i64, String)> {
    let mut tx = db.store.begin().await.unwrap();
    let mut out = vec![];
    for id in 1.. {
        match groups::get(&mut tx, id).await.unwrap() {
            Some(g) => out.push((id, g.join_code)),
            None => break,
        }
    }
    tx.commit().await.unwrap();
    out
}

fn normalise(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transcripts() {
    let bless = std::env::var("BLESS").is_ok_and(|v| v == "1");
    let mut failures = vec![];
    let files = transcript_files();
    assert!(!files.is_empty());
    for file in &files {
        let script = std::fs::read_to_string(file).unwrap();
        for mut db in common::databases().await {
            let actual = play(&script, &mut db.db).await;
            let (want, got) = (normalise(&script), normalise(&actual));
            if want == got {
                continue;
            }
            if bless && db.name == "sqlite" {
                std::fs::write(file, got + "\n").unwrap();
                continue;
            }
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(want.lines().count().min(got.lines().count()));
            let show = |s: &str| {
                s.lines()
                    .skip(line.saturating_sub(2))
                    .take(6)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            failures.push(format!(
                "{} on {}: differs at line {}\n--- expected\n{}\n--- the bot said\n{}\n",
                file.file_name().unwrap().to_string_lossy(),
                db.name,
                line + 1,
                show(&want),
                show(&got)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
