//! A local Bot API server for the Telegram tests: it speaks Telegram's real JSON for the
//! methods the bot uses, keeps updates until the bot acknowledges them with a higher offset
//! (as Telegram does), records every call, and can answer 429 or 403 on demand.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Default)]
pub struct MockState {
    /// Updates not yet acknowledged.
    pub queue: Vec<Value>,
    next_update: i64,
    next_message: i64,
    /// Every call: method (lower-case), body, when.
    pub calls: Vec<(String, Value, Instant)>,
    /// Answer the next sendMessage with 429 and this retry_after.
    pub retry_after_next: Option<u32>,
    /// Chats whose user blocked the bot (sendMessage answers 403).
    pub blocked: Vec<i64>,
    /// While set, a getUpdates that would acknowledge updates is never answered nor applied:
    /// the bot looks as if it died between committing updates and asking for more.
    pub hold: bool,
}

#[derive(Clone)]
pub struct Mock {
    pub url: String,
    pub state: Arc<Mutex<MockState>>,
}

pub const TOKEN: &str = "123456:TEST";

impl Mock {
    pub async fn start() -> Mock {
        let state = Arc::new(Mutex::new(MockState {
            next_update: 1000,
            next_message: 1,
            ..MockState::default()
        }));
        let app = axum::Router::new()
            .route("/{bot}/{method}", post(call))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock {
            url: format!("http://{addr}/"),
            state,
        }
    }

    /// Queues an update built from `kind` (e.g. {"message": …}); returns its update_id.
    pub fn push(&self, mut kind: Value) -> i64 {
        let mut s = self.state.lock().unwrap();
        s.next_update += 1;
        let id = s.next_update;
        kind["update_id"] = json!(id);
        s.queue.push(kind);
        id
    }

    pub fn calls(&self, method: &str) -> Vec<Value> {
        let s = self.state.lock().unwrap();
        s.calls
            .iter()
            .filter(|(m, _, _)| m == &method.to_lowercase())
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    pub fn call_times(&self, method: &str) -> Vec<Instant> {
        let s = self.state.lock().unwrap();
        s.calls
            .iter()
            .filter(|(m, _, _)| m == &method.to_lowercase())
            .map(|(_, _, t)| *t)
            .collect()
    }

    /// Texts the bot sent to `chat`, in order (429-refused attempts left out).
    pub fn sent(&self, chat: i64) -> Vec<Value> {
        let s = self.state.lock().unwrap();
        s.calls
            .iter()
            .filter(|(m, b, _)| {
                m == "sendmessage" && b["chat_id"] == json!(chat) && b["__refused"].is_null()
            })
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    /// Waits until the bot sent `chat` at least `n` messages; returns them.
    pub async fn wait_sent(&self, chat: i64, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let sent = self.sent(chat);
            if sent.len() >= n {
                return sent;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {n} messages, got {sent:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn acknowledged_all(&self) -> bool {
        self.state.lock().unwrap().queue.is_empty()
    }
}

fn message(id: i64, chat: &Value, text: &str) -> Value {
    json!({
        "message_id": id,
        "date": 1_795_000_000,
        "chat": {"id": chat, "type": "private", "first_name": "Test"},
        "from": {"id": 1, "is_bot": true, "first_name": "giamngheo", "username": "giamngheo_bot"},
        "text": text,
    })
}

async fn call(
    State(state): State<Arc<Mutex<MockState>>>,
    Path((bot, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> axum::Json<Value> {
    // Uploads come as multipart forms with binary parts: keep what reads as text.
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(bot, format!("bot{TOKEN}"), "the bot uses its token");
    let method = method.to_lowercase();
    // Most methods come as JSON; some (setWebhook) as a multipart form, kept as text.
    let mut body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    if method == "getupdates" {
        loop {
            {
                let mut s = state.lock().unwrap();
                let offset = body["offset"].as_i64().unwrap_or(0);
                let acks = s
                    .queue
                    .iter()
                    .any(|u| u["update_id"].as_i64().unwrap() < offset);
                if !(s.hold && acks) {
                    s.calls.push((method.clone(), body.clone(), Instant::now()));
                    // Telegram forgets every update below the offset the bot asks from.
                    s.queue
                        .retain(|u| u["update_id"].as_i64().unwrap() >= offset);
                    if !s.queue.is_empty() {
                        return axum::Json(json!({"ok": true, "result": s.queue.clone()}));
                    }
                }
            }
            // A short long-poll: answer empty after a moment, as Telegram does after its
            // timeout. A held acknowledgement never gets an answer.
            tokio::time::sleep(Duration::from_millis(30)).await;
            let s = state.lock().unwrap();
            if !s.hold && s.queue.is_empty() {
                return axum::Json(json!({"ok": true, "result": []}));
            }
        }
    }
    let mut s = state.lock().unwrap();
    let reply = match method.as_str() {
        "getme" => json!({"ok": true, "result": {
            "id": 1, "is_bot": true, "first_name": "giamngheo", "username": "giamngheo_bot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false}}),
        "sendmessage" => {
            let chat = body["chat_id"].clone();
            if let Some(after) = s.retry_after_next.take() {
                body["__refused"] = json!(429);
                s.calls.push((method.clone(), body, Instant::now()));
                return axum::Json(json!({"ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {after}"),
                    "parameters": {"retry_after": after}}));
            }
            if chat.as_i64().is_some_and(|c| s.blocked.contains(&c)) {
                body["__refused"] = json!(403);
                s.calls.push((method.clone(), body, Instant::now()));
                return axum::Json(json!({"ok": false, "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user"}));
            }
            s.next_message += 1;
            let m = message(s.next_message, &chat, body["text"].as_str().unwrap_or(""));
            json!({"ok": true, "result": m})
        }
        "editmessagereplymarkup" => {
            let m = message(
                body["message_id"].as_i64().unwrap_or(1),
                &body["chat_id"],
                "",
            );
            json!({"ok": true, "result": m})
        }
        "senddocument" | "sendphoto" => {
            s.next_message += 1;
            let m = message(s.next_message, &json!(0), "");
            json!({"ok": true, "result": m})
        }
        "answercallbackquery" | "setmycommands" | "setwebhook" | "deletewebhook" => {
            json!({"ok": true, "result": true})
        }
        other => {
            json!({"ok": false, "error_code": 404, "description": format!("Not Found: method {other}")})
        }
    };
    s.calls.push((method, body, Instant::now()));
    axum::Json(reply)
}

/// A user's private-chat text message.
pub fn text(user: i64, text: &str) -> Value {
    json!({"message": {
        "message_id": 1, "date": 1_795_000_000,
        "chat": {"id": user, "type": "private", "first_name": "An"},
        "from": {"id": user, "is_bot": false, "first_name": "An", "last_name": "Nguyễn", "language_code": "vi"},
        "text": text,
    }})
}

/// A press on a button of the bot's message `message_id`.
pub fn press(user: i64, message_id: i64, data: &str) -> Value {
    json!({"callback_query": {
        "id": format!("cb-{message_id}-{data}"),
        "from": {"id": user, "is_bot": false, "first_name": "An", "language_code": "vi"},
        "chat_instance": "ci",
        "data": data,
        "message": message(message_id, &json!(user), "?"),
    }})
}

/// A shared contact; `owner` is whose number it is.
pub fn contact(user: i64, owner: i64, phone: &str) -> Value {
    json!({"message": {
        "message_id": 2, "date": 1_795_000_000,
        "chat": {"id": user, "type": "private", "first_name": "An"},
        "from": {"id": user, "is_bot": false, "first_name": "An", "language_code": "vi"},
        "contact": {"phone_number": phone, "first_name": "An", "user_id": owner},
    }})
}

/// A location, which no question takes.
pub fn location(user: i64) -> Value {
    json!({"message": {
        "message_id": 3, "date": 1_795_000_000,
        "chat": {"id": user, "type": "private", "first_name": "An"},
        "from": {"id": user, "is_bot": false, "first_name": "An", "language_code": "vi"},
        "location": {"latitude": 21.59, "longitude": 105.8},
    }})
}

/// A document the user sends.
pub fn document(user: i64, file_id: &str, name: &str) -> Value {
    json!({"message": {
        "message_id": 4, "date": 1_795_000_000,
        "chat": {"id": user, "type": "private", "first_name": "An"},
        "from": {"id": user, "is_bot": false, "first_name": "An", "language_code": "vi"},
        "document": {"file_id": file_id, "file_unique_id": format!("u-{file_id}"), "file_name": name, "file_size": 1234},
    }})
}
