//! Putting the parts together from the settings: open the database, load and check the
//! dialogues and texts, build the engine.

use std::sync::Arc;

use anyhow::Context;

use crate::clock::Clock;
use crate::config::Settings;
use crate::dialogue::engine::Engine;
use crate::dialogue::{Dialogues, LoadError, load_dir, load_embedded};
use crate::store::{Opened, Store};
use crate::text::Texts;

/// Loads the dialogues named by the settings (or the shipped ones). Every problem is listed,
/// each with its file and line.
pub fn dialogues(settings: &Settings) -> anyhow::Result<Dialogues> {
    let loaded = match &settings.dialogues {
        Some(dir) => load_dir(dir),
        None => load_embedded(),
    };
    loaded.map_err(|errors| {
        let list: Vec<String> = errors.iter().map(LoadError::to_string).collect();
        anyhow::anyhow!("the dialogue files have errors:\n{}", list.join("\n"))
    })
}

/// Builds the engine over an open store.
pub fn engine(store: Store, settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Engine> {
    let dialogues = dialogues(settings)?;
    let texts = Texts::load().context("loading the message catalogue")?;
    Ok(Engine::new(
        store,
        Arc::new(dialogues),
        Arc::new(texts),
        clock,
        settings.commune.clone(),
    ))
}

/// Opens the database and says in one line (on stderr) what it opened.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let (store, opened) = Store::open(settings.database_url()).await?;
    match opened {
        Opened::CreatedSqlite(p) => {
            eprintln!("Đã tạo cơ sở dữ liệu SQLite mới: {p} (created a new SQLite database)")
        }
        Opened::Sqlite(p) => eprintln!("Cơ sở dữ liệu SQLite: {p}"),
        Opened::Postgres => eprintln!(
            "Cơ sở dữ liệu PostgreSQL: {}",
            crate::config::redact_url(settings.database_url())
        ),
    }
    Ok(store)
}
