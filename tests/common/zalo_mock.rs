//! A local stand-in of Zalo's Bot API for the Zalo tests, written from Zalo's documentation:
//! every method a POST to `/bot<TOKEN>/<method>` answered `{"ok":true,"result":…}` or
//! `{"ok":false,"error_code":n,"description":"…"}`; `getUpdates` hands over one update per
//! call and forgets it (no offset), holds an idle call, then answers error 408 (with HTTP 200
//! or 408, as set); it refuses to poll while a webhook is set; `sendPhoto` takes a URL, which
//! the stand-in fetches as Zalo would. It also serves the photos users "send"
//! (`/photos/<name>`), records every call, and plays faults on demand.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "1459232241454765289:ZaloTestSecretToken";

/// A fault played once, on the next call of a method (to one chat, if named).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// 429 "Quota exceeded", with this `retry_after` if given.
    RetryAfter(Option<u32>),
    /// HTTP 500 with Zalo's error body.
    ServerError,
    /// Never answered until `Mock::release`, then answered as usual.
    Hang,
}

/// What the stand-in got when it fetched a `sendPhoto` link.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: String,
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct MockState {
    /// Updates not yet handed over.
    queue: VecDeque<Value>,
    /// Every call: method, body (`__refused` set on refused ones), when.
    pub calls: Vec<(String, Value, Instant)>,
    /// The HTTP status of an empty poll's 408 answer: 200 or 408.
    pub empty_poll_status: u16,
    /// How long an idle poll is held at most (Zalo holds it `timeout` seconds).
    pub hold: Duration,
    /// getUpdates calls that handed over an update, and that answered 408.
    pub polls_with_update: usize,
    pub empty_polls: usize,
    /// The webhook set, if any: URL and secret.
    pub webhook: Option<(String, String)>,
    /// Chats that blocked the bot.
    pub blocked: Vec<String>,
    faults: Vec<(String, Option<String>, Fault)>,
    /// Calls that hung, and how many were released.
    hung: u64,
    released: u64,
    /// Images served at `/photos/<name>`: content type and bytes.
    pub photos: HashMap<String, (String, Vec<u8>)>,
    /// How often the bot fetched a photo.
    pub photo_gets: usize,
    pub fetched: Vec<Fetched>,
    next_message: u64,
    bell: Arc<Notify>,
}

#[derive(Clone)]
pub struct Mock {
    /// The base URL, as `zalo_api_url`.
    pub url: String,
    pub state: Arc<Mutex<MockState>>,
}

type Shared = Arc<Mutex<MockState>>;

impl Mock {
    pub async fn start() -> Mock {
        let state = Arc::new(Mutex::new(MockState {
            empty_poll_status: 200,
            hold: Duration::from_millis(500),
            ..MockState::default()
        }));
        let app = axum::Router::new()
            .route("/{bot}/{method}", post(call))
            .route("/photos/{name}", get(photo))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock {
            url: format!("http://{addr}"),
            state,
        }
    }

    /// Queues an update for `getUpdates`.
    pub fn push(&self, update: Value) {
        let mut s = self.state.lock().unwrap();
        s.queue.push_back(update);
        s.bell.notify_waiters();
    }

    /// Serves an image at `/photos/<name>`; returns its URL.
    pub fn photo(&self, name: &str, content_type: &str, bytes: Vec<u8>) -> String {
        let mut s = self.state.lock().unwrap();
        s.photos
            .insert(name.to_string(), (content_type.to_string(), bytes));
        format!("{}/photos/{name}", self.url)
    }

    pub fn fail_next(&self, method: &str, chat: Option<&str>, fault: Fault) {
        self.state.lock().unwrap().faults.push((
            method.to_string(),
            chat.map(str::to_string),
            fault,
        ));
    }

    pub fn release(&self) {
        let mut s = self.state.lock().unwrap();
        s.released = s.hung;
        s.bell.notify_waiters();
    }

    pub fn hanging(&self) -> u64 {
        let s = self.state.lock().unwrap();
        s.hung - s.released
    }

    /// Every call of `method`, refused ones included (marked `__refused`).
    pub fn calls(&self, method: &str) -> Vec<Value> {
        let s = self.state.lock().unwrap();
        s.calls
            .iter()
            .filter(|(m, _, _)| m == method)
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    pub fn call_times(&self, method: &str) -> Vec<Instant> {
        let s = self.state.lock().unwrap();
        s.calls
            .iter()
            .filter(|(m, _, _)| m == method)
            .map(|(_, _, t)| *t)
            .collect()
    }

    /// Successful calls of `method` to `chat`, in order.
    pub fn delivered(&self, method: &str, chat: &str) -> Vec<Value> {
        self.calls(method)
            .into_iter()
            .filter(|b| b["chat_id"] == chat && b["__refused"].is_null())
            .collect()
    }

    /// Texts delivered to `chat`, in order.
    pub fn sent(&self, chat: &str) -> Vec<String> {
        self.delivered("sendMessage", chat)
            .iter()
            .map(|b| b["text"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Waits until `chat` got at least `n` texts; returns them all.
    pub async fn wait_sent(&self, chat: &str, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let sent = self.sent(chat);
            if sent.len() >= n {
                return sent;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {n} messages to {chat}, got {sent:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `done` holds; `what` names it in the failure.
    pub async fn until(&self, what: &str, mut done: impl FnMut(&Mock) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(self) {
            assert!(Instant::now() < deadline, "waited for {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn queue_len(&self) -> usize {
        self.state.lock().unwrap().queue.len()
    }
}

/// Zalo's answers.
fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: u16, code: u16, description: &str) -> Response {
    let body = json!({"ok": false, "error_code": code, "description": description});
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

async fn call(
    State(state): State<Shared>,
    Path((bot, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return error(401, 401, "Unauthorized");
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
    if method == "getUpdates" {
        return get_updates(&state, body).await;
    }
    let chat = body["chat_id"].as_str().map(str::to_string);
    let fault = {
        let mut s = state.lock().unwrap();
        let i = s
            .faults
            .iter()
            .position(|(m, c, _)| *m == method && (c.is_none() || *c == chat));
        i.map(|i| s.faults.remove(i).2)
    };
    match fault {
        Some(Fault::RetryAfter(after)) => {
            record(&state, &method, body, Some(429));
            let mut e = json!({"ok": false, "error_code": 429, "description": "Quota exceeded"});
            if let Some(a) = after {
                e["parameters"] = json!({"retry_after": a});
            }
            return (StatusCode::TOO_MANY_REQUESTS, axum::Json(e)).into_response();
        }
        Some(Fault::ServerError) => {
            record(&state, &method, body, Some(500));
            return error(500, 500, "Internal Server Error");
        }
        Some(Fault::Hang) => {
            let ticket = {
                let mut s = state.lock().unwrap();
                s.hung += 1;
                s.hung
            };
            wait_until(&state, None, |s| s.released >= ticket).await;
        }
        None => {}
    }
    match method.as_str() {
        "getMe" => {
            record(&state, &method, body, None);
            ok(
                json!({"id": "1459232241454765289", "account_name": "bot.giamngheo",
                "account_type": "BASIC", "can_join_groups": false}),
            )
        }
        "setWebhook" => {
            let (Some(url), Some(secret)) = (body["url"].as_str(), body["secret_token"].as_str())
            else {
                record(&state, &method, body, Some(400));
                return error(400, 400, "Bad request");
            };
            if !(8..=256).contains(&secret.chars().count()) {
                record(&state, &method, body, Some(400));
                return error(400, 400, "Bad request");
            }
            state.lock().unwrap().webhook = Some((url.to_string(), secret.to_string()));
            record(&state, &method, body.clone(), None);
            ok(json!({"url": body["url"], "updated_at": 1_749_538_250_568u64}))
        }
        "deleteWebhook" => {
            state.lock().unwrap().webhook = None;
            record(&state, &method, body, None);
            ok(json!({"url": "", "updated_at": 1_749_538_250_568u64}))
        }
        "sendMessage" | "sendPhoto" => send(&state, &method, body).await,
        _ => {
            record(&state, &method, body, Some(404));
            error(404, 404, "Not found")
        }
    }
}

async fn send(state: &Shared, method: &str, body: Value) -> Response {
    let chat = body["chat_id"].as_str().unwrap_or_default().to_string();
    if chat.is_empty() {
        record(state, method, body, Some(400));
        return error(400, 400, "Bad request");
    }
    if state.lock().unwrap().blocked.contains(&chat) {
        record(state, method, body, Some(403));
        return error(403, 403, "Forbidden: the user has blocked the bot");
    }
    if method == "sendMessage" {
        let n = body["text"]
            .as_str()
            .map(|t| t.chars().count())
            .unwrap_or(0);
        if !(1..=2000).contains(&n) {
            record(state, method, body, Some(400));
            return error(400, 400, "Bad request: text must be 1 to 2000 characters");
        }
    } else {
        let url = body["photo"].as_str().unwrap_or_default().to_string();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            record(state, method, body, Some(400));
            return error(400, 400, "Bad request: photo must be a URL");
        }
        // Zalo fetches the image itself.
        let fetched = fetch(&url).await;
        state.lock().unwrap().fetched.push(fetched);
    }
    let id = {
        let mut s = state.lock().unwrap();
        s.next_message += 1;
        s.next_message
    };
    record(state, method, body, None);
    ok(json!({"message_id": format!("bot-msg-{id}"), "date": 1_749_632_637_199u64}))
}

async fn fetch(url: &str) -> Fetched {
    match reqwest::get(url).await {
        Ok(r) => {
            let status = r.status().as_u16();
            let content_type = r
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            Fetched {
                url: url.to_string(),
                status,
                content_type,
                bytes,
            }
        }
        Err(_) => Fetched {
            url: url.to_string(),
            status: 0,
            content_type: String::new(),
            bytes: vec![],
        },
    }
}

fn record(state: &Shared, method: &str, mut body: Value, refused: Option<u16>) {
    if let (Some(code), Some(o)) = (refused, body.as_object_mut()) {
        o.insert("__refused".into(), json!(code));
    }
    let mut s = state.lock().unwrap();
    s.calls.push((method.to_string(), body, Instant::now()));
}

/// One update per call, forgotten once handed over; an idle call held, then 408.
async fn get_updates(state: &Shared, body: Value) -> Response {
    if state.lock().unwrap().webhook.is_some() {
        record(state, "getUpdates", body, Some(400));
        return error(
            400,
            400,
            "Bad request: a webhook is set; delete it to use getUpdates",
        );
    }
    let timeout = body["timeout"]
        .as_u64()
        .or_else(|| body["timeout"].as_str().and_then(|t| t.parse().ok()))
        .unwrap_or(30);
    let hold = state.lock().unwrap().hold;
    let deadline = Instant::now() + Duration::from_secs(timeout).min(hold);
    let mut got = None;
    wait_until(state, Some(deadline), |s| {
        got = s.queue.pop_front();
        got.is_some()
    })
    .await;
    let mut s = state.lock().unwrap();
    s.calls.push(("getUpdates".into(), body, Instant::now()));
    match got {
        Some(u) => {
            s.polls_with_update += 1;
            ok(u)
        }
        None => {
            s.empty_polls += 1;
            let status = s.empty_poll_status;
            drop(s);
            error(status, 408, "Request timeout")
        }
    }
}

async fn photo(State(state): State<Shared>, Path(name): Path<String>) -> Response {
    let found = {
        let mut s = state.lock().unwrap();
        s.photo_gets += 1;
        s.photos.get(&name).cloned()
    };
    match found {
        Some((ct, bytes)) => ([(header::CONTENT_TYPE, ct)], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Waits until `done` holds (checked under the lock), or `deadline`; true if it held.
async fn wait_until(
    state: &Shared,
    deadline: Option<Instant>,
    mut done: impl FnMut(&mut MockState) -> bool,
) -> bool {
    let bell = state.lock().unwrap().bell.clone();
    loop {
        let rung = bell.notified();
        tokio::pin!(rung);
        rung.as_mut().enable();
        if done(&mut state.lock().unwrap()) {
            return true;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return false;
        }
        let _ = tokio::time::timeout(Duration::from_millis(25), rung).await;
    }
}

/// A user's message in their private chat, as Zalo delivers it (`message_id` as given).
fn message(user: &str, message_id: &str, fields: Value) -> Value {
    let mut m = json!({
        "from": {"id": user, "display_name": "Chị Lan", "is_bot": false},
        "chat": {"id": user, "chat_type": "PRIVATE"},
        "message_id": message_id,
        "date": 1_750_316_131_602u64,
    });
    m.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    m
}

pub fn text(user: &str, message_id: &str, text: &str) -> Value {
    json!({"event_name": "message.text.received",
        "message": message(user, message_id, json!({"text": text}))})
}

pub fn image(user: &str, message_id: &str, url: &str) -> Value {
    json!({"event_name": "message.image.received",
        "message": message(user, message_id, json!({"photo_url": url, "caption": "ảnh"}))})
}

pub fn sticker(user: &str, message_id: &str) -> Value {
    json!({"event_name": "message.sticker.received",
        "message": message(user, message_id, json!({"sticker": "d063f44dc80821567819",
            "url": "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1"}))})
}

/// A user, with the message ids counted for them.
pub struct User<'a> {
    pub mock: &'a Mock,
    pub id: String,
    pub n: usize,
}

impl<'a> User<'a> {
    pub fn new(mock: &'a Mock, id: &str) -> User<'a> {
        User {
            mock,
            id: id.to_string(),
            n: 0,
        }
    }

    fn next_id(&mut self) -> String {
        self.n += 1;
        format!("{}-m{}", self.id, self.n)
    }

    /// Sends `t` and waits for one more reply; returns it.
    pub async fn say(&mut self, t: &str) -> String {
        let before = self.mock.sent(&self.id).len();
        let id = self.next_id();
        self.mock.push(text(&self.id, &id, t));
        let sent = self.mock.wait_sent(&self.id, before + 1).await;
        sent[before..].join("\n")
    }

    /// Sends an update made by `make` with the next message id, and waits for one reply.
    pub async fn send(&mut self, make: impl FnOnce(&str, &str) -> Value) -> String {
        let before = self.mock.sent(&self.id).len();
        let id = self.next_id();
        self.mock.push(make(&self.id, &id));
        let sent = self.mock.wait_sent(&self.id, before + 1).await;
        sent[before..].join("\n")
    }
}
