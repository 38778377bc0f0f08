//! Building the engine from the settings: the dialogues they name (or the shipped ones),
//! checked, over the application's store, catalogue and clock.

use std::sync::Arc;

use super::Dialogues;
use super::engine::Engine;
use super::load::{LoadError, load_dir, load_embedded};
use crate::app::AppState;
use crate::config::Settings;

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

/// The engine over the application's state, with the settings' dialogues and commune.
pub fn engine(app: &AppState, settings: &Settings) -> anyhow::Result<Engine> {
    Ok(engine_with(app, settings, dialogues(settings)?))
}

/// The engine with dialogues loaded already (a command that checks them before it opens the
/// database does not read them twice).
pub fn engine_with(app: &AppState, settings: &Settings, dialogues: Dialogues) -> Engine {
    let engine = Engine::new(
        app.store.clone(),
        Arc::new(dialogues),
        app.texts.clone(),
        app.clock.clone(),
        settings.commune.clone(),
    );
    if let Some(bot) = &settings.telegram_bot {
        engine.set_telegram_bot(bot);
    }
    engine
}
