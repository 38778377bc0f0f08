//! Random messages through the engine: the demo commune's people (residents, hamlet heads,
//! officers, an association, a cooperative) send random commands, answers, record numbers,
//! button data, files, broken text (invalid UTF-8 as a channel decodes it, NUL and control
//! characters, 100 KB lines). Every message gets a reply, nothing panics or fails, two
//! `/huy` always free a person, and the database keeps its constraints.
//! `FUZZ_CASES=1000000 cargo test --release --test fuzz` for a long run; `FUZZ_SEED=N`
//! repeats a run.

mod common;

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use giamngheo::channels::{Content, Inbound, Reply};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::dialogue::engine::{BUILTIN_COMMANDS, Engine, Handled};
use giamngheo::message::FileRef;
use giamngheo::seed;
use giamngheo::store::Store;

/// A tiny seeded random source (xorshift64*): a failing run is repeated from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Prints the seed when the test fails, however it fails.
struct Seed(u64);

impl Drop for Seed {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("fuzz failed with FUZZ_SEED={}", self.0);
        }
    }
}

/// Who talks: the demo's console people with their roles, and residents who are new, on the
/// console and on Telegram.
const PERSONAS: &[(&str, &str)] = &[
    ("console", "truongxom1"),
    ("console", "truongxom2"),
    ("console", "truongxom3"),
    ("console", "canbo"),
    ("console", "khuyennong"),
    ("console", "hoinongdan"),
    ("console", "htx"),
    ("console", "dan1"),
    ("console", "dan2"),
    ("telegram", "8001"),
    ("telegram", "8002"),
    ("zalo", "z-8003"),
];

/// Every command of every dialogue file, and the built-ins.
fn commands() -> Vec<String> {
    let mut out: Vec<String> = BUILTIN_COMMANDS.iter().map(|c| c.to_string()).collect();
    for f in std::fs::read_dir("dialogues").unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let v: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for c in v["commands"].as_array().unwrap() {
                out.push(c.as_str().unwrap().to_string());
            }
        }
    }
    out
}

/// Words the dialogues use (options, labels), taken from the files' Vietnamese texts.
fn words() -> Vec<String> {
    let mut out = vec![];
    for f in std::fs::read_dir("dialogues").unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("vi = \"").skip(1) {
                if let Some(w) = part.split('"').next()
                    && w.chars().count() <= 30
                {
                    out.push(w.to_string());
                }
            }
        }
    }
    out
}

const ANSWERS: &[&str] = &[
    "1",
    "2",
    "3",
    "4",
    "5",
    "9",
    "0",
    "-1",
    "12",
    "99999999999999999999",
    "có",
    "không",
    "Có",
    "KHÔNG",
    "bỏ qua",
    "-",
    "Lưu",
    "Hủy",
    "Sửa một mục",
    "ok",
    "yes",
    "no",
    "Nguyễn Văn An",
    "Lò Thị Mai",
    "a",
    "Số 5, ngõ 2",
    "0912 345 678",
    "+84 912 345 678",
    "84987654321",
    "0123",
    "001099012345",
    "01/12/2026",
    "31/02/2026",
    "27/11/2026",
    "2026-12-01",
    "1/1/1900",
    "1990",
    "07:30",
    "25:99",
    "5 triệu",
    "2.500.000 đ",
    "1,5 tỷ",
    "-3 triệu",
    "#1",
    "#2",
    "#3",
    "#999999999999",
    "# ",
    "/duyet 1",
    "/duyet 2",
    "/xemda 1",
    "/thamgia ABCD23",
    "/start ABCD23",
    "/start",
    "/menu",
    "/moi K7Q2-MX9P",
    "/lang en",
    "/lang vi",
    "/huy",
    "/quaylai",
    "/boqua",
    "  ",
    "",
    "🙂🙂🙂",
    "\u{202E}ngược",
    "'; DROP TABLE households; --",
    "%s%n{0}{$name}",
];

fn weird_text(rng: &mut Rng) -> String {
    match rng.below(6) {
        // Bytes a channel decoded lossily.
        0 => {
            let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 => "\u{FFFD}\u{FFFD}".into(),
        // NUL and control characters around an answer.
        2 => format!(
            "{}\u{0}{}\u{7}\r\n\t\u{1b}[31m{}\u{7f}",
            rng.below(5),
            rng.pick(ANSWERS),
            rng.below(5)
        ),
        // A 100 KB line, now and then of many lines.
        3 => {
            let unit = if rng.chance(2) {
                "Xóm Nam Sơn "
            } else {
                "1\n"
            };
            unit.repeat(100_000 / unit.len())
        }
        4 => (0..rng.below(200))
            .map(|_| char::from_u32(rng.below(0x40) as u32).unwrap_or('x'))
            .collect(),
        _ => "\u{0}".repeat(1 + rng.below(10)),
    }
}

struct Persona {
    channel: &'static str,
    who: &'static str,
    n: u64,
    /// The buttons of what it was sent last.
    /// label, data, what to type instead.
    choices: Vec<(String, String, Option<String>)>,
    /// What it was asked last, lower-cased.
    asked: String,
}

/// A fitting answer to the question `p` was asked last, so dialogues get to their end.
fn fitting(rng: &mut Rng, p: &Persona) -> Content {
    if !p.choices.is_empty() {
        // The first choice is mostly the one that goes on ("Lưu", the first record).
        let (label, data, key) = if rng.chance(2) {
            p.choices[0].clone()
        } else {
            rng.pick(&p.choices).clone()
        };
        return match rng.below(4) {
            0 => Content::Text(key.unwrap_or(label)),
            _ => Content::Choice(data),
        };
    }
    let q = &p.asked;
    let has = |w: &[&str]| w.iter().any(|w| q.contains(w));
    let letters = |rng: &mut Rng| -> String {
        (0..4)
            .map(|_| (b'a' + rng.below(26) as u8) as char)
            .collect()
    };
    let text = if has(&["gửi ảnh", "tệp"]) {
        return match rng.below(4) {
            0 => Content::Text("xong".into()),
            1 => Content::Text("bỏ qua".into()),
            _ => Content::File(file(rng, p.channel)),
        };
    } else if has(&["ngày"]) {
        rng.pick(&["27/11/2026", "01/12/2026", "15/1/2027", "20/11/2026"])
            .to_string()
    } else if has(&["mấy giờ"]) {
        rng.pick(&["7:00", "6h30", "18:15"]).to_string()
    } else if has(&["tiền", "vốn", "ngân sách"]) {
        rng.pick(&["150 triệu", "50 triệu", "2.500.000"])
            .to_string()
    } else if has(&["điện thoại"]) {
        format!("09{:08}", rng.below(100_000_000))
    } else if has(&["họ và tên", "họ tên", "tên của bạn", "tên người"]) {
        format!("Lò Văn {}", letters(rng))
    } else if has(&["cccd", "căn cước"]) {
        "bỏ qua".into()
    } else if has(&["năm"]) {
        rng.pick(&["1990", "2024", "2026"]).to_string()
    } else if has(&["bao nhiêu", "tháng"]) {
        (1 + rng.below(12)).to_string()
    } else if has(&["mã"]) {
        letters(rng).to_uppercase()
    } else {
        format!("Tổ hợp tác trồng chè {}", letters(rng))
    };
    Content::Text(text)
}

fn file(rng: &mut Rng, channel: &str) -> FileRef {
    let names = [
        "bien-ban.pdf",
        "a\u{0}b.pdf",
        "ảnh\u{7}\u{1b}.jpg",
        "",
        "../../etc/passwd",
        "x.exe",
    ];
    FileRef {
        kind: if rng.chance(2) { "photo" } else { "document" }.into(),
        channel: channel.into(),
        file_id: format!("f-{}\u{0}", rng.below(1000)),
        name: rng.pick(&names).to_string(),
        data: None,
    }
}

/// One random message for `p`.
fn content(rng: &mut Rng, p: &Persona, commands: &[String], words: &[String]) -> Content {
    if rng.chance(2) {
        return fitting(rng, p);
    }
    match rng.below(20) {
        0..=3 => {
            let c = rng.pick(commands).clone();
            match rng.below(4) {
                0 => Content::Text(format!("{c} {}", rng.pick(ANSWERS))),
                1 => Content::Text(format!("{c} {}", rng.below(5))),
                _ => Content::Text(c),
            }
        }
        // Going on with the dialogue: a button pressed, its label or number typed.
        4..=8 if !p.choices.is_empty() => {
            let (label, data, key) = rng.pick(&p.choices).clone();
            match rng.below(5) {
                0 => Content::Text(label),
                1 => Content::Text(key.unwrap_or(data)),
                2 => Content::Text((1 + rng.below(p.choices.len())).to_string()),
                _ => Content::Choice(data),
            }
        }
        4..=10 => Content::Text(rng.pick(ANSWERS).to_string()),
        11..=12 => Content::Text(rng.pick(words).clone()),
        13 => Content::Text(weird_text(rng)),
        14 => Content::Choice(match rng.below(3) {
            0 => format!("{}|x=1", rng.below(1000)),
            1 => weird_text(rng),
            _ => rng.pick(commands).clone(),
        }),
        15 => Content::File(file(rng, p.channel)),
        16 => Content::Contact {
            phone: rng
                .pick(&["0912345678", "+84987654321", "", "abc\u{0}"])
                .to_string(),
            own: rng.chance(2),
        },
        17 => Content::Unsupported("sticker".into()),
        18 => Content::Unreadable("voice\u{0}".into()),
        _ => Content::Text(rng.pick(ANSWERS).to_string()),
    }
}

/// Sends `content` as `p`, checks that it was handled and answered, and returns the replies.
async fn send(engine: &Engine, p: &mut Persona, content: Content, seed: u64) -> Vec<Reply> {
    p.n += 1;
    let msg = Inbound {
        channel: p.channel.into(),
        chat_id: p.who.into(),
        sender_id: p.who.into(),
        sender_name: Some(format!("{}\u{0}\u{7}", p.who)),
        message_id: format!("{}-{}", p.who, p.n),
        lang_hint: None,
        content,
    };
    let handled = engine.handle(&msg).await;
    assert!(
        matches!(handled, Ok(Handled::Done)),
        "seed {seed}: {:?} gave {handled:?}",
        short(&msg)
    );
    let replies = common::replies_on(engine.store(), p.channel, p.who).await;
    // An empty line on the console (an Enter) is the one message answered by nothing.
    let enter =
        p.channel == "console" && matches!(&msg.content, Content::Text(t) if t.trim().is_empty());
    assert!(
        enter || replies.iter().any(|r| !r.text.trim().is_empty()),
        "seed {seed}: no reply to {:?}: {replies:?}",
        short(&msg)
    );
    if let Some(last) = replies.last() {
        p.asked = last.text.to_lowercase();
        p.choices = last
            .choices
            .iter()
            .map(|c| (c.label.clone(), c.data.clone(), c.key.clone()))
            .collect();
    }
    replies
}

/// The message as a failure shows it: a 100 KB line cut short.
fn short(m: &Inbound) -> String {
    let s = format!("{}:{} {:?}", m.channel, m.sender_id, m.content);
    s.chars().take(300).collect()
}

/// Two `/huy` leave anyone free: the menu then shows, not a question.
async fn two_cancels_free(engine: &Engine, p: &mut Persona, seed: u64) {
    for _ in 0..2 {
        send(engine, p, Content::Text("/huy".into()), seed).await;
    }
    let r = send(engine, p, Content::Text("/menu".into()), seed).await;
    let text = &r.last().unwrap().text;
    assert!(
        text.contains("Bạn muốn làm gì?") || text.contains("What would you like to do?"),
        "seed {seed}: {}:{} still held after two /huy: {text}",
        p.channel,
        p.who
    );
}

/// Rows that point at nothing, and (on SQLite) the file's own checks.
async fn constraints_hold(store: &Store) {
    let orphans = [
        "SELECT COUNT(*) FROM households h WHERE NOT EXISTS
            (SELECT 1 FROM persons p WHERE p.id = h.registered_by)",
        "SELECT COUNT(*) FROM households h WHERE NOT EXISTS
            (SELECT 1 FROM hamlets x WHERE x.id = h.hamlet_id)",
        "SELECT COUNT(*) FROM identities i WHERE NOT EXISTS
            (SELECT 1 FROM persons p WHERE p.id = i.person_id)",
        "SELECT COUNT(*) FROM roles r WHERE NOT EXISTS
            (SELECT 1 FROM persons p WHERE p.id = r.person_id)",
    ];
    for q in orphans {
        let n: i64 = match store {
            Store::Sqlite(p) => sqlx::query_scalar(q).fetch_one(p).await.unwrap(),
            Store::Postgres(p) => sqlx::query_scalar(q).fetch_one(p).await.unwrap(),
        };
        assert_eq!(n, 0, "{q}");
    }
    // How far the fuzz got: what it made.
    let mut made = vec![];
    for t in [
        "households",
        "groups",
        "group_members",
        "proposals",
        "proposal_attachments",
        "deadlines",
        "invites",
        "disabled_persons",
        "roles",
    ] {
        let q = format!("SELECT COUNT(*) FROM {t}");
        let q = sqlx::AssertSqlSafe(q);
        let n: i64 = match store {
            Store::Sqlite(p) => sqlx::query_scalar(q).fetch_one(p).await.unwrap(),
            Store::Postgres(p) => sqlx::query_scalar(q).fetch_one(p).await.unwrap(),
        };
        made.push(format!("{t} {n}"));
    }
    eprintln!("made: {}", made.join(", "));
    if let Store::Sqlite(p) = store {
        let broken: Vec<(String, i64)> =
            sqlx::query_as("SELECT \"table\", COALESCE(rowid, 0) FROM pragma_foreign_key_check")
                .fetch_all(p)
                .await
                .unwrap();
        assert!(broken.is_empty(), "foreign keys broken: {broken:?}");
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(p)
            .await
            .unwrap();
        assert_eq!(ok, "ok");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_messages_are_all_answered_and_break_nothing() {
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1;
    let _seed = Seed(seed);
    eprintln!("fuzz seed {seed} (FUZZ_SEED={seed} repeats it), {cases} cases");
    let (commands, words) = (commands(), words());
    for db in common::databases().await {
        let started = Instant::now();
        let mut rng = Rng(seed);
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        ));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let engine = common::engine(&db.db, clock.clone());
        let mut people: Vec<Persona> = PERSONAS
            .iter()
            .map(|(channel, who)| Persona {
                channel,
                who,
                n: 0,
                choices: vec![],
                asked: String::new(),
            })
            .collect();
        // Something to act on: a household registered and waiting for its hamlet head.
        for line in [
            "/dangky",
            "Lò Văn Sáu",
            "2",
            "Số 3",
            "0912468024",
            "4",
            "1",
            "bỏ qua",
            "1",
        ] {
            send(&engine, &mut people[7], Content::Text(line.into()), seed).await;
        }
        for case in 0..cases {
            let i = rng.below(people.len());
            let c = content(&mut rng, &people[i], &commands, &words);
            send(&engine, &mut people[i], c, seed).await;
            // Now and then a day passes: deadlines, digests and codes age.
            if rng.chance(500) {
                clock.advance(chrono::Duration::hours(1 + rng.below(48) as i64));
            }
            if rng.chance(20) {
                two_cancels_free(&engine, &mut people[i], seed).await;
            }
            if case % 10_000 == 9_999 {
                eprintln!("{}: {} cases, {:?}", db.name, case + 1, started.elapsed());
            }
        }
        for p in &mut people {
            two_cancels_free(&engine, p, seed).await;
        }
        constraints_hold(&db.db.store).await;
        eprintln!("{}: {cases} cases in {:?}", db.name, started.elapsed());
    }
}
