//! A local Bot API server for the Telegram tests: it speaks Telegram's real JSON for the
//! methods the bot uses, keeps updates until the bot acknowledges them with a higher offset
//! (as Telegram does), holds an idle long poll until an update comes or its timeout passes,
//! records every call, and plays faults on demand: a 429 for one chat, a 403, a 500, a call
//! never answered until the test releases it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// A fault the stand-in plays once, on the next call of a method (to one chat, if named).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// 429 "Too Many Requests" with this retry_after; like Telegram, the stand-in then
    /// refuses that chat until the time has passed.
    RetryAfter(u32),
    /// The call is never answered until `Mock::release`, then answered as usual.
    Hang,
    /// HTTP 500 with Telegram's JSON error body.
    ServerError,
    /// HTTP 400 "Bad Request: …": refused for good (a file id Telegram does not know).
    BadRequest,
}

#[derive(Debug)]
struct Planned {
    method: String,
    chat: Option<i64>,
    fault: Fault,
}

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
    /// Faults still to be played, in the order planned.
    faults: Vec<Planned>,
    /// Chats refused with 429 until then (a `Fault::RetryAfter`).
    held_chats: HashMap<i64, Instant>,
    /// Calls that hung, and how many of them were released.
    hung: u64,
    released: u64,
    /// getUpdates calls being held open now (an idle long poll).
    polls_waiting: usize,
    /// Rung when something a waiting call may be waiting for happened (an update, a release).
    bell: Arc<Notify>,
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
    pub fn push(&self, kind: Value) -> i64 {
        self.push_copies(kind, 1)
    }

    /// Queues one update twice under the same update_id, in one batch: Telegram may repeat
    /// an update, and the bot must neither handle it twice nor stall on it.
    pub fn push_twice(&self, kind: Value) -> i64 {
        self.push_copies(kind, 2)
    }

    fn push_copies(&self, mut kind: Value, copies: usize) -> i64 {
        let mut s = self.state.lock().unwrap();
        s.next_update += 1;
        let id = s.next_update;
        kind["update_id"] = json!(id);
        for _ in 0..copies {
            s.queue.push(kind.clone());
        }
        s.bell.notify_waiters();
        id
    }

    /// Plays `fault` on the next call of `method` (to `chat`, if given; uploads come as forms
    /// and match only without a chat).
    pub fn fail_next(&self, method: &str, chat: Option<i64>, fault: Fault) {
        self.state.lock().unwrap().faults.push(Planned {
            method: method.to_lowercase(),
            chat,
            fault,
        });
    }

    /// How many calls hung and were not released yet.
    pub fn hanging(&self) -> u64 {
        let s = self.state.lock().unwrap();
        s.hung - s.released
    }

    /// Waits until `n` calls hang.
    pub async fn wait_hanging(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.hanging() < n {
            assert!(Instant::now() < deadline, "no call hung");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Lets every hanging call go on; each is then answered as usual.
    pub fn release(&self) {
        let mut s = self.state.lock().unwrap();
        s.released = s.hung;
        s.bell.notify_waiters();
    }

    /// getUpdates calls the stand-in holds open now (idle long polls).
    pub fn polls_waiting(&self) -> usize {
        self.state.lock().unwrap().polls_waiting
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

    /// Calls of `method` that were answered with success, in order.
    pub fn delivered(&self, method: &str) -> Vec<Value> {
        self.calls(method)
            .into_iter()
            .filter(|b| b["__refused"].is_null())
            .collect()
    }

    /// Texts the bot sent to `chat`, in order (refused attempts left out).
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
        self.wait_sent_within(chat, n, Duration::from_secs(15))
            .await
    }

    /// `wait_sent`, with more patience: teloxide waits 10 s after any 5xx before it even
    /// reports the error.
    pub async fn wait_sent_within(&self, chat: i64, n: usize, limit: Duration) -> Vec<Value> {
        let deadline = Instant::now() + limit;
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

type Shared = Arc<Mutex<MockState>>;

async fn call(
    State(state): State<Shared>,
    Path((bot, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    // Uploads come as multipart forms with binary parts: keep what reads as text.
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(bot, format!("bot{TOKEN}"), "the bot uses its token");
    let method = method.to_lowercase();
    // Most methods come as JSON; some (setWebhook, uploads) as a multipart form, kept as text.
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    if method == "getupdates" {
        return axum::Json(get_updates(&state, &body).await).into_response();
    }
    let chat = body["chat_id"].as_i64();
    let fault = {
        let mut s = state.lock().unwrap();
        let planned = s
            .faults
            .iter()
            .position(|f| f.method == method && (f.chat.is_none() || f.chat == chat));
        planned.map(|i| s.faults.remove(i).fault)
    };
    match fault {
        Some(Fault::Hang) => {
            let ticket = {
                let mut s = state.lock().unwrap();
                s.hung += 1;
                s.hung
            };
            wait_until(&state, None, |s| s.released >= ticket).await;
        }
        Some(Fault::ServerError) => {
            refuse(&state, &method, body, 500);
            let error = json!({"ok": false, "error_code": 500,
                "description": "Internal Server Error"});
            return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(error)).into_response();
        }
        Some(Fault::BadRequest) => {
            refuse(&state, &method, body, 400);
            let error = json!({"ok": false, "error_code": 400,
                "description": "Bad Request: wrong file identifier/HTTP URL specified"});
            return (StatusCode::BAD_REQUEST, axum::Json(error)).into_response();
        }
        Some(Fault::RetryAfter(after)) => {
            if let Some(chat) = chat {
                let until = Instant::now() + Duration::from_secs(after.into());
                state.lock().unwrap().held_chats.insert(chat, until);
            }
        }
        None => {}
    }
    let mut s = state.lock().unwrap();
    let reply = match method.as_str() {
        "getme" => json!({"ok": true, "result": {
            "id": 1, "is_bot": true, "first_name": "giamngheo", "username": "giamngheo_bot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "can_connect_to_business": false,
            "has_main_web_app": false}}),
        "sendmessage" => {
            let held = chat
                .and_then(|c| s.held_chats.get(&c).copied())
                .map(|until| until.saturating_duration_since(Instant::now()))
                .filter(|left| !left.is_zero());
            let after = s.retry_after_next.take().or_else(|| {
                // Telegram says whole seconds, rounded up.
                held.map(|left| left.as_secs_f64().ceil() as u32)
            });
            if let Some(after) = after {
                drop(s);
                refuse(&state, &method, body, 429);
                return axum::Json(json!({"ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {after}"),
                    "parameters": {"retry_after": after}}))
                .into_response();
            }
            if chat.is_some_and(|c| s.blocked.contains(&c)) {
                drop(s);
                refuse(&state, &method, body, 403);
                return axum::Json(json!({"ok": false, "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user"}))
                .into_response();
            }
            s.next_message += 1;
            let m = message(
                s.next_message,
                &body["chat_id"],
                body["text"].as_str().unwrap_or(""),
            );
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
            let mut m = message(s.next_message, &json!(0), "");
            m.as_object_mut().unwrap().remove("text");
            // Telegram answers with the file as it keeps it: later sends may use its id.
            let file = json!({"file_id": format!("tg-file-{}", s.next_message),
                "file_unique_id": format!("u{}", s.next_message), "file_size": 1});
            if method == "sendphoto" {
                let mut size = file.clone();
                size["width"] = json!(800);
                size["height"] = json!(500);
                m["photo"] = json!([size]);
            } else {
                m["document"] = file;
            }
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
    axum::Json(reply).into_response()
}

/// Records a call the stand-in refused with `code`; `sent` and `delivered` leave it out.
fn refuse(state: &Shared, method: &str, body: Value, code: u16) {
    let body = match body {
        Value::Object(mut o) => {
            o.insert("__refused".into(), json!(code));
            Value::Object(o)
        }
        form => json!({"form": form, "__refused": code}),
    };
    let mut s = state.lock().unwrap();
    s.calls.push((method.to_string(), body, Instant::now()));
}

/// Waits until `done` holds (checked under the lock), or `deadline`; true if it held.
async fn wait_until(
    state: &Shared,
    deadline: Option<Instant>,
    mut done: impl FnMut(&mut MockState) -> bool,
) -> bool {
    let bell = state.lock().unwrap().bell.clone();
    loop {
        // Listening before looking, so a ring in between is not missed: a push answers a
        // waiting poll at once.
        let rung = bell.notified();
        tokio::pin!(rung);
        rung.as_mut().enable();
        if done(&mut state.lock().unwrap()) {
            return true;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return false;
        }
        // The tick catches what a test changed in the state directly (`hold`).
        let tick = Duration::from_millis(25);
        let _ = tokio::time::timeout(tick, rung).await;
    }
}

/// Counts a poll as held open while it lives, however it ends (answered, or dropped because
/// the bot gave up on it).
struct Waiting<'a>(&'a Shared);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.lock().unwrap().polls_waiting -= 1;
    }
}

/// getUpdates as Telegram answers it: updates from `offset` on, or, when there are none,
/// an idle poll held until one is pushed or `timeout` seconds passed.
async fn get_updates(state: &Shared, body: &Value) -> Value {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let deadline = Instant::now() + timeout;
    // A held acknowledgement is neither recorded nor applied until `hold` is lifted.
    wait_until(state, None, |s| {
        let acks = s
            .queue
            .iter()
            .any(|u| u["update_id"].as_i64().unwrap() < offset);
        !(s.hold && acks)
    })
    .await;
    {
        let mut s = state.lock().unwrap();
        s.calls
            .push(("getupdates".into(), body.clone(), Instant::now()));
        // Telegram forgets every update below the offset the bot asks from.
        s.queue
            .retain(|u| u["update_id"].as_i64().unwrap() >= offset);
        s.polls_waiting += 1;
    }
    let _waiting = Waiting(state);
    let mut found = vec![];
    wait_until(state, Some(deadline), |s| {
        found = s.queue.clone();
        !found.is_empty()
    })
    .await;
    json!({"ok": true, "result": found})
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
