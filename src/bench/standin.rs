//! A Bot API stand-in for the end-to-end measurement: a local HTTP server on 127.0.0.1 that
//! answers the methods the real Telegram adapter calls with Telegram's JSON, keeps updates
//! until the bot acknowledges them with a higher offset, holds an idle long poll until an
//! update comes or its timeout passes, and notes when each update was handed to the bot and
//! when each message to a chat was sent. It only ever answers: it sends nothing anywhere.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// The bot's token against the stand-in; it means nothing anywhere else.
pub(super) const TOKEN: &str = "123456:BENCH";

/// Telegram answers at most this many updates a call, and this many when not told.
const MAX_BATCH: usize = 100;

/// The next update's id, across every stand-in of the process: like Telegram's, update ids
/// only grow, and the bot's inbox takes an id it has seen for a redelivery and ignores it.
static NEXT_UPDATE: AtomicI64 = AtomicI64::new(1000);

#[derive(Default)]
struct Log {
    /// Updates not yet acknowledged, in update_id order.
    queue: Vec<Value>,
    next_message: i64,
    /// When each update was first handed to the bot in a getUpdates answer.
    handed: HashMap<i64, Instant>,
    /// When each message to a chat (text, photo, document) arrived, per chat, in order.
    sent: HashMap<i64, Vec<Instant>>,
    sends: usize,
    /// Files that came as uploads (multipart forms), not by an id of Telegram's.
    uploads: usize,
    last_send: Option<Instant>,
    /// getUpdates calls held open now (an idle long poll).
    polls_waiting: usize,
}

struct Shared {
    log: Mutex<Log>,
    /// Rung when an update is queued, so a held poll answers at once.
    bell: Notify,
}

impl Shared {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        // A panic while the lock was held leaves nothing half-written that matters here.
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(super) struct StandIn {
    url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl StandIn {
    /// Starts the stand-in on a free port of the loopback interface.
    pub(super) async fn start() -> anyhow::Result<StandIn> {
        let shared = Arc::new(Shared {
            log: Mutex::new(Log::default()),
            bell: Notify::new(),
        });
        let app = axum::Router::new()
            .route("/{bot}/{method}", post(call))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .context("binding the Bot API stand-in to 127.0.0.1")?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "the Bot API stand-in");
            }
        });
        Ok(StandIn {
            url: format!("http://{addr}/"),
            shared,
            server,
        })
    }

    /// The stand-in's address, for `Settings::telegram_api_url`.
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// Queues a private text message from each (user, text), in order, under one lock and
    /// one ring: the bot sees them as sent at the same moment. Returns their update ids.
    pub(super) fn push(&self, texts: &[(i64, String)]) -> Vec<i64> {
        let mut ids = Vec::with_capacity(texts.len());
        {
            let mut log = self.shared.log();
            let date = chrono::Utc::now().timestamp();
            for (user, text) in texts {
                let id = NEXT_UPDATE.fetch_add(1, Ordering::Relaxed);
                log.next_message += 1;
                let update = json!({"update_id": id, "message": {
                    "message_id": log.next_message, "date": date,
                    "chat": {"id": user, "type": "private", "first_name": "An"},
                    "from": {"id": user, "is_bot": false, "first_name": "An",
                        "last_name": "Nguyễn", "language_code": "vi"},
                    "text": text,
                }});
                log.queue.push(update);
                ids.push(id);
            }
        }
        self.shared.bell.notify_waiters();
        ids
    }

    /// How many messages were sent to any chat, and when the last one was.
    pub(super) fn sends(&self) -> (usize, Option<Instant>) {
        let log = self.shared.log();
        (log.sends, log.last_send)
    }

    /// How many files came as uploads.
    pub(super) fn uploads(&self) -> usize {
        self.shared.log().uploads
    }

    /// When each message to `chat` was sent, in order.
    pub(super) fn sent_to(&self, chat: i64) -> Vec<Instant> {
        self.shared
            .log()
            .sent
            .get(&chat)
            .cloned()
            .unwrap_or_default()
    }

    /// When the update was first handed to the bot, if it was.
    pub(super) fn handed(&self, update: i64) -> Option<Instant> {
        self.shared.log().handed.get(&update).copied()
    }

    /// getUpdates calls held open now: the bot is idle, waiting for updates.
    pub(super) fn polls_waiting(&self) -> usize {
        self.shared.log().polls_waiting
    }
}

/// One Bot API call: `POST /bot<token>/<method>`, JSON or (uploads) a multipart form.
async fn call(
    State(shared): State<Arc<Shared>>,
    Path((_bot, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> axum::Json<Value> {
    let at = Instant::now();
    let method = method.to_lowercase();
    let text = String::from_utf8_lossy(&body);
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let reply = match method.as_str() {
        "getupdates" => json!({"ok": true, "result": get_updates(&shared, &body).await}),
        "getme" => json!({"ok": true, "result": {
            "id": 1, "is_bot": true, "first_name": "giamngheo", "username": "giamngheo_bot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false}}),
        "sendmessage" | "sendphoto" | "senddocument" => {
            // Uploads come as forms: their chat is a form field.
            let chat = body["chat_id"].as_i64().or_else(|| form_chat(&text));
            let mut log = shared.log();
            log.sends += 1;
            // teloxide sends every file as a form; an upload is the part with a file name,
            // a file sent by Telegram's id is a plain field.
            if body.is_null() && text.contains("; filename=") {
                log.uploads += 1;
            }
            log.last_send = Some(log.last_send.map_or(at, |t| t.max(at)));
            if let Some(chat) = chat {
                log.sent.entry(chat).or_default().push(at);
            }
            log.next_message += 1;
            let content = body["text"].as_str().unwrap_or("");
            let mut sent = message(log.next_message, chat.unwrap_or(0), content);
            if method == "sendphoto" {
                // Telegram's id for the photo, which the bot sends it by from then on.
                let id = format!("photo-{}", log.next_message);
                sent["photo"] = json!([{"file_id": id, "file_unique_id": id,
                    "width": 800, "height": 480}]);
            }
            json!({"ok": true, "result": sent})
        }
        "editmessagereplymarkup" => {
            let id = body["message_id"].as_i64().unwrap_or(1);
            json!({"ok": true, "result": message(id, body["chat_id"].as_i64().unwrap_or(0), "")})
        }
        "answercallbackquery" | "setmycommands" | "deletewebhook" => {
            json!({"ok": true, "result": true})
        }
        other => json!({"ok": false, "error_code": 404,
            "description": format!("Not Found: method {other}")}),
    };
    axum::Json(reply)
}

/// A message of the bot's, as Telegram returns it for a send or an edit.
fn message(id: i64, chat: i64, text: &str) -> Value {
    json!({
        "message_id": id,
        "date": chrono::Utc::now().timestamp(),
        "chat": {"id": chat, "type": "private", "first_name": "An"},
        "from": {"id": 1, "is_bot": true, "first_name": "giamngheo", "username": "giamngheo_bot"},
        "text": text,
    })
}

/// The `chat_id` field of a multipart form.
fn form_chat(form: &str) -> Option<i64> {
    let after = &form[form.find("name=\"chat_id\"")?..];
    let value = after.split("\r\n\r\n").nth(1)?;
    value.split("\r\n").next()?.trim().parse().ok()
}

/// Counts a poll as held open while it lives, however it ends (answered, or dropped because
/// the bot gave up on it or was stopped).
struct Waiting<'a>(&'a Shared);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.log().polls_waiting -= 1;
    }
}

/// getUpdates as Telegram answers it: every update below `offset` is forgotten (the bot has
/// it), then up to `limit` updates from there, or, when there are none, the call is held
/// until one is queued or `timeout` seconds passed.
async fn get_updates(shared: &Shared, body: &Value) -> Vec<Value> {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let limit = body["limit"]
        .as_u64()
        .map_or(MAX_BATCH, |l| (l as usize).clamp(1, MAX_BATCH));
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    shared
        .log()
        .queue
        .retain(|u| u["update_id"].as_i64().is_some_and(|id| id >= offset));
    shared.log().polls_waiting += 1;
    let _waiting = Waiting(shared);
    loop {
        // Listening before looking, so an update queued in between is not missed.
        let rung = shared.bell.notified();
        tokio::pin!(rung);
        rung.as_mut().enable();
        {
            let mut log = shared.log();
            if !log.queue.is_empty() {
                let batch: Vec<Value> = log.queue.iter().take(limit).cloned().collect();
                let now = Instant::now();
                for u in &batch {
                    if let Some(id) = u["update_id"].as_i64() {
                        log.handed.entry(id).or_insert(now);
                    }
                }
                return batch;
            }
        }
        if tokio::time::timeout_at(deadline, rung).await.is_err() {
            return vec![];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_names_its_chat_in_a_form_field() {
        let form = "--x\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n5001\r\n--x\r\n\
                    Content-Disposition: form-data; name=\"document\"; filename=\"a\"\r\n\r\n\x01\r\n--x--";
        assert_eq!(form_chat(form), Some(5001));
        assert_eq!(form_chat("{}"), None);
    }
}
