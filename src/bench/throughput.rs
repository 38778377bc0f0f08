//! The two database-bound measurements: the floor (a bare single-row upsert, each in its own
//! transaction) and the engine (household registrations through `Engine::handle`), on the
//! same pool and from the same number of concurrent tasks, so their ratio is what the
//! dialogue machinery costs on top of the one durable commit every message needs anyway.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::script;
use crate::dialogue::engine::Engine;
use crate::message::{Content, Inbound};
use crate::store::{Store, execute};

/// Creates the floor's table. It lives only in the bench's throwaway database: no migration
/// knows it.
pub(super) async fn prepare(store: &Store) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    execute!(
        &mut tx,
        "CREATE TABLE IF NOT EXISTS bench_floor (k TEXT PRIMARY KEY, v TEXT NOT NULL)"
    )
    .context("creating the floor's table")?;
    tx.commit().await?;
    Ok(())
}

/// `commits` upserts, each committed on its own, from `tasks` concurrent tasks. Keys are new
/// in every slice of every round (`slice` names it), so every one does the same work.
pub(super) async fn floor(
    store: &Store,
    commits: usize,
    tasks: usize,
    slice: &str,
) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let mut running = vec![];
    for task in 0..tasks {
        let store = store.clone();
        let mine = share(commits, tasks, task);
        let slice = slice.to_string();
        running.push(tokio::spawn(async move {
            for i in 0..mine {
                let k = format!("{slice}-t{task}-{i}");
                let mut tx = store.begin().await?;
                execute!(
                    &mut tx,
                    "INSERT INTO bench_floor (k, v) VALUES ($1, $2)
                     ON CONFLICT (k) DO UPDATE SET v = excluded.v",
                    &k,
                    &k
                )?;
                tx.commit().await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in running {
        t.await.context("a floor task panicked")??;
    }
    Ok(start.elapsed())
}

/// `registrations` registrations spread over `chats` concurrent chats, every message through
/// `Engine::handle`. Chats and phones are new in every slice of every round.
pub(super) async fn engine(
    engine: &Arc<Engine>,
    registrations: usize,
    chats: usize,
    (round, slice): (usize, usize),
) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let mut running = vec![];
    for chat in 0..chats {
        let engine = engine.clone();
        let steps = share(registrations, chats, chat) * script::SCRIPT.len();
        running.push(tokio::spawn(async move {
            let chat_id = format!("r{round}s{slice}c{chat}");
            for step in 0..steps {
                // Phone spaces 0..32 are the engine's, one per round (see `e2e`).
                let text = script::message(step, round % 32, slice * chats + chat);
                let msg = Inbound {
                    channel: "bench".into(),
                    chat_id: chat_id.clone(),
                    sender_id: chat_id.clone(),
                    sender_name: None,
                    message_id: format!("{chat_id}-{step}"),
                    lang_hint: None,
                    content: Content::Text(text),
                };
                engine
                    .handle(&msg)
                    .await
                    .with_context(|| format!("chat {chat_id}, message {step}"))?;
            }
            anyhow::Ok(())
        }));
    }
    for t in running {
        t.await.context("an engine task panicked")??;
    }
    Ok(start.elapsed())
}

/// Task `i`'s share of `total` among `n`, the first ones taking one more when it does not
/// divide.
pub(super) fn share(total: usize, n: usize, i: usize) -> usize {
    total / n + usize::from(i < total % n)
}
