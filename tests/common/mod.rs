//! Shared by the test suites: one fresh database per test on every backend under test, and
//! an engine built exactly as the program builds it.
#![allow(dead_code)]

use std::sync::Arc;

use giamngheo::app::AppState;
use giamngheo::channels::{Content, Inbound, Reply};
use giamngheo::clock::Clock;
use giamngheo::config::Settings;
use giamngheo::dialogue::engine::{Engine, Handled};
use giamngheo::dialogue::setup;
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{Store, outbox};

/// A database for one test, with what keeps it alive.
pub mod telegram_mock;
pub mod zalo_mock;

pub struct Db {
    pub name: &'static str,
    pub db: TestDb,
    _dir: Option<tempfile::TempDir>,
}

/// SQLite always; PostgreSQL too when `TEST_POSTGRES_URL` is set.
pub async fn databases() -> Vec<Db> {
    let mut out = vec![];
    let dir = tempfile::tempdir().expect("temp dir");
    out.push(Db {
        name: "sqlite",
        db: TestDb::sqlite(dir.path()).await.expect("sqlite"),
        _dir: Some(dir),
    });
    if let Ok(url) = std::env::var("TEST_POSTGRES_URL")
        && !url.is_empty()
    {
        out.push(Db {
            name: "postgres",
            db: TestDb::postgres(&url)
                .await
                .expect("postgres at TEST_POSTGRES_URL"),
            _dir: None,
        });
    }
    out
}

/// The application's state over a store, as the program builds it.
pub fn app(store: Store, clock: Arc<dyn Clock>) -> AppState {
    AppState::new(store, clock).expect("application state")
}

pub fn engine(db: &TestDb, clock: Arc<dyn Clock>) -> Engine {
    setup::engine(&app(db.store.clone(), clock), &Settings::default()).expect("engine")
}

/// Makes every insert into `table` fail as a broken disk would, until `heal_db`.
pub async fn break_db(db: &TestDb, table: &str) {
    let sql = match db.store.backend() {
        "sqlite" => format!(
            "CREATE TRIGGER fail_insert BEFORE INSERT ON {table}
             BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;"
        ),
        _ => format!(
            "CREATE FUNCTION fail_insert() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'disk trouble'; END $$ LANGUAGE plpgsql;
             CREATE TRIGGER fail_insert BEFORE INSERT ON {table}
             FOR EACH ROW EXECUTE FUNCTION fail_insert();"
        ),
    };
    db.execute(&sql).await.expect("break the database");
}

pub async fn heal_db(db: &TestDb, table: &str) {
    let sql = match db.store.backend() {
        "sqlite" => "DROP TRIGGER fail_insert;".to_string(),
        _ => format!("DROP TRIGGER fail_insert ON {table}; DROP FUNCTION fail_insert();"),
    };
    db.execute(&sql).await.expect("heal the database");
}

/// One person chatting with the engine on the test channel, reading what they are sent.
pub struct Chat<'a> {
    pub engine: &'a Engine,
    pub who: &'a str,
    pub n: u32,
}

impl Chat<'_> {
    pub fn msg(&mut self, content: Content) -> Inbound {
        self.n += 1;
        Inbound {
            channel: "test".into(),
            chat_id: self.who.into(),
            sender_id: self.who.into(),
            sender_name: Some(self.who.into()),
            message_id: format!("{}-{}", self.who, self.n),
            lang_hint: None,
            content,
        }
    }

    /// Sends and returns the replies the chat received.
    pub async fn send(&mut self, content: Content) -> Vec<Reply> {
        let m = self.msg(content);
        assert_eq!(self.engine.handle(&m).await.unwrap(), Handled::Done);
        replies(self.engine.store(), &m.chat_id).await
    }

    pub async fn say(&mut self, text: &str) -> String {
        let r = self.send(Content::Text(text.into())).await;
        r.iter()
            .map(|r| r.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

pub async fn replies(store: &Store, chat: &str) -> Vec<Reply> {
    replies_on(store, "test", chat).await
}

/// What was queued for a chat of any channel, marked sent as it is read.
pub async fn replies_on(store: &Store, channel: &str, chat: &str) -> Vec<Reply> {
    let mut tx = store.begin().await.unwrap();
    let far = chrono::Utc::now() + chrono::Duration::days(3650);
    let rows = outbox::due(&mut tx, channel, Some(chat), far, 100)
        .await
        .unwrap();
    for r in &rows {
        outbox::mark_sent(&mut tx, r.id, far).await.unwrap();
    }
    tx.commit().await.unwrap();
    rows.iter().map(|r| r.reply().unwrap()).collect()
}

/// Gives the person behind `identity` ("telegram:9101") a role without a hamlet or an
/// organisation, from `now` on.
pub async fn grant(
    store: &Store,
    identity: &str,
    role: giamngheo::domain::Role,
    now: chrono::DateTime<chrono::Utc>,
) {
    giamngheo::seed::grant(store, identity, role, None, None, None, now)
        .await
        .expect("grant");
}

/// One account: a private chat on a channel, read as the console shows it.
pub struct Account<'a> {
    pub engine: &'a Engine,
    pub channel: &'static str,
    pub who: &'static str,
    pub n: u32,
}

impl<'a> Account<'a> {
    pub fn new(engine: &'a Engine, channel: &'static str, who: &'static str) -> Account<'a> {
        Account {
            engine,
            channel,
            who,
            n: 0,
        }
    }

    /// Sends a line and returns everything the account was sent since it last looked, as the
    /// console shows it (numbered choices included).
    pub async fn say(&mut self, text: &str) -> String {
        self.n += 1;
        let msg = Inbound {
            channel: self.channel.into(),
            chat_id: self.who.into(),
            sender_id: self.who.into(),
            sender_name: Some(self.who.into()),
            message_id: format!("{}-{}-{}", self.channel, self.who, self.n),
            lang_hint: None,
            content: Content::Text(text.into()),
        };
        assert_eq!(self.engine.handle(&msg).await.unwrap(), Handled::Done);
        self.inbox().await
    }

    /// Says each line; returns what the last one brought.
    pub async fn says(&mut self, lines: &[&str]) -> String {
        let mut last = String::new();
        for line in lines {
            last = self.say(line).await;
        }
        last
    }

    /// What the account was sent without saying anything (notices).
    pub async fn inbox(&self) -> String {
        replies_on(self.engine.store(), self.channel, self.who)
            .await
            .iter()
            .map(giamngheo::channels::render_plain)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The person behind the account.
    pub async fn person(&self) -> i64 {
        let mut tx = self.engine.store().begin().await.unwrap();
        let p = giamngheo::store::persons::by_identity(&mut tx, self.channel, self.who)
            .await
            .unwrap()
            .expect("a person")
            .id;
        tx.commit().await.unwrap();
        p
    }
}
