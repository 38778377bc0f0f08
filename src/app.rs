//! The application's state: the database, the message catalogue and the clock, shared by
//! every part that runs outside a conversation (the digest, the reports, the command line).
//! The conversation engine is built over the same parts (`dialogue::setup`). Also opening
//! the database the settings name, as every command does first.

use std::sync::Arc;

use anyhow::Context;

use crate::clock::Clock;
use crate::config::Settings;
use crate::store::{Opened, Store};
use crate::text::Texts;

/// What the digest, the reports and the engine work from. Cheap to clone: the store is a
/// pool, the rest is shared.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub texts: Arc<Texts>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// The state over an open store, with the message catalogue built into the binary.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
        let texts = Texts::load().context("loading the message catalogue")?;
        Ok(AppState {
            store,
            texts: Arc::new(texts),
            clock,
        })
    }

    /// The state with what the settings change in its messages: the upper level's name.
    pub fn configured(mut self, settings: &Settings) -> AppState {
        self.texts = Arc::new(self.texts.with_upper_level(settings.upper_level_name()));
        self
    }
}

/// Opens the database and says in one line (on stderr, as the log is written) what it opened.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let (store, opened) = Store::open(settings.database_url()).await?;
    let line = match opened {
        Opened::CreatedSqlite(p) => {
            format!("Đã tạo cơ sở dữ liệu SQLite mới: {p} (created a new SQLite database)")
        }
        Opened::Sqlite(p) => format!("Cơ sở dữ liệu SQLite: {p}"),
        Opened::Postgres => format!(
            "Cơ sở dữ liệu PostgreSQL: {}",
            crate::config::redact_url(settings.database_url())
        ),
    };
    crate::logs::status(&line);
    Ok(store)
}
