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
use crate::store::{TestDb, inbox};

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

pub struct Report {
    pub backend: &'static str,
    pub messages: usize,
    pub baseline: Duration,
    pub engine: Duration,
}

impl Report {
    pub fn line(&self) -> String {
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

/// Runs `registrations` registrations spread over `chats` concurrent chats.
pub async fn run(db: &TestDb, registrations: usize, chats: usize) -> anyhow::Result<Report> {
    crate::seed::ensure_demo(&db.store, chrono::Utc::now()).await?;
    let messages = registrations * SCRIPT.len();

    let start = Instant::now();
    for i in 0..messages {
        let mut tx = db.store.begin().await?;
        inbox::record(&mut tx, "baseline", &i.to_string(), chrono::Utc::now()).await?;
        tx.commit().await?;
    }
    let baseline = start.elapsed();

    let app = AppState::new(db.store.clone(), Arc::new(SystemClock))?;
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
        backend: db.store.backend(),
        messages,
        baseline,
        engine: engine_time,
    })
}
