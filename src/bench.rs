//! `giamngheo bench`: how many chat messages a second the engine handles, end to end (inbox,
//! state, dialogue, action, outbox, commit), against a baseline measured in the same run on
//! the same database: the bare durable write every message needs anyway (one inbox row in
//! its own transaction). The ratio says what the dialogue machinery costs on top.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::AppState;
use crate::clock::SystemClock;
use crate::config::Settings;
use crate::dialogue::setup;
use crate::message::{Content, Inbound};
use crate::store::{Store, inbox, scratch};

/// One household registration, as a resident types it.
const SCRIPT: &[&str] = &[
    "/dangky",
    "Nguyễn Văn An",
    "2",
    "Số 5",
    "PHONE",
    "4",
    "ho ngheo",
    "bo qua",
    "1",
];

struct Report {
    backend: &'static str,
    messages: usize,
    baseline: Duration,
    engine: Duration,
}

impl Report {
    fn line(&self) -> String {
        let per_s = |d: Duration| self.messages as f64 / d.as_secs_f64();
        format!(
            "{:<8} {:>6} msgs  baseline {:>8.0} msg/s  engine {:>8.0} msg/s  engine/baseline time ×{:.2}",
            self.backend,
            self.messages,
            per_s(self.baseline),
            per_s(self.engine),
            self.engine.as_secs_f64() / self.baseline.as_secs_f64()
        )
    }
}

/// `giamngheo bench`: prints a line for SQLite (a file in a temporary folder) and one for
/// PostgreSQL (a new schema at `postgres`) if given, each database made for the run.
pub(crate) async fn main(
    registrations: usize,
    chats: usize,
    postgres: Option<String>,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("giamngheo-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (store, _) = scratch::sqlite(&dir).await?;
    println!("{}", run(&store, registrations, chats).await?.line());
    store.close().await;
    std::fs::remove_dir_all(&dir)?;
    if let Some(url) = postgres {
        let (store, _) = scratch::postgres(&url).await?;
        println!("{}", run(&store, registrations, chats).await?.line());
    }
    Ok(())
}

/// Runs `registrations` registrations spread over `chats` concurrent chats.
async fn run(store: &Store, registrations: usize, chats: usize) -> anyhow::Result<Report> {
    crate::seed::ensure_demo(store, chrono::Utc::now()).await?;
    let messages = registrations * SCRIPT.len();

    let start = Instant::now();
    for i in 0..messages {
        let mut tx = store.begin().await?;
        inbox::record(&mut tx, "baseline", &i.to_string(), chrono::Utc::now()).await?;
        tx.commit().await?;
    }
    let baseline = start.elapsed();

    let app = AppState::new(store.clone(), Arc::new(SystemClock))?;
    let engine = Arc::new(setup::engine(&app, &Settings::default())?);
    let start = Instant::now();
    let mut tasks = vec![];
    for chat in 0..chats {
        let engine = engine.clone();
        let mine = registrations / chats + usize::from(chat < registrations % chats);
        tasks.push(tokio::spawn(async move {
            for r in 0..mine {
                for (step, text) in SCRIPT.iter().enumerate() {
                    // A distinct phone per registration, so none is a duplicate.
                    let text = text.replace("PHONE", &format!("09{chat:02}{r:06}"));
                    let msg = Inbound {
                        channel: "bench".into(),
                        chat_id: format!("c{chat}"),
                        sender_id: format!("c{chat}"),
                        sender_name: None,
                        message_id: format!("{chat}-{r}-{step}"),
                        lang_hint: None,
                        content: Content::Text(text),
                    };
                    engine.handle(&msg).await?;
                }
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let engine_time = start.elapsed();
    Ok(Report {
        backend: store.backend(),
        messages,
        baseline,
        engine: engine_time,
    })
}
