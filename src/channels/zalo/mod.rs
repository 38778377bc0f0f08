//! Zalo, through its Bot API: updates in by long polling or webhook (`update`), photos fetched
//! where a question asks for a file (`photo`), replies out (`send`), over a small client
//! (`api`). Nothing about households lives here.
//!
//! Zalo's `getUpdates` hands over one update per call and forgets it at once (there is no
//! offset to acknowledge), so in polling mode a process that dies between receiving an update
//! and committing its transaction loses that one message. The webhook does better: it is
//! answered 2xx only after the transaction committed, and a failure answers 5xx so Zalo can
//! deliver it again. Either way an update seen twice (same event, chat and message id) does
//! nothing the second time: the inbox remembers it.
//!
//! On the way out (`Stop`) polling lets the poll in flight end (losing what Zalo hands over
//! in it is what dropping it would risk), handles its update and asks no more; the webhook
//! answers 503 to new updates.

pub mod api;
mod photo;
mod send;
mod update;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use serde_json::{Value, json};
use tracing::Instrument;

use self::api::{Api, ApiError};
use self::update::{Update, What};
use super::links::Links;
use super::{Content, FileRef, Inbound};
use crate::dialogue::engine::Engine;
use crate::sender::{Limits, Sender, Wake};
use crate::stop::{Phase, Stop, Tasks};

pub use send::{CHANNEL, Delivery, LIMITS};

/// The header Zalo sends the webhook's secret in.
const SECRET_HEADER: &str = "x-bot-api-secret-token";
/// How long the webhook waits for an update's handling before answering 503.
const HANDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// What handling an update needs.
struct Inbox {
    api: Api,
    engine: Arc<Engine>,
    /// Wakes the outbox senders as soon as replies were queued.
    wake: Wake,
    stop: Stop,
}

/// Handling an update failed; the user was told to try again.
#[derive(Debug)]
struct NotHandled;

impl Inbox {
    /// Runs the engine on one update. Ok once it is handled (or needs nothing), so it may be
    /// acknowledged; Err when the engine failed.
    async fn handle(&self, u: &Update) -> Result<(), NotHandled> {
        let span = crate::message::span(CHANNEL, &u.chat_id, &u.inbox_id());
        self.handle_in_span(u).instrument(span).await
    }

    async fn handle_in_span(&self, u: &Update) -> Result<(), NotHandled> {
        let (sender, name, event) = (&u.sender_id, &u.sender_name, &u.event);
        tracing::debug!(%sender, ?name, %event, "zalo update");
        let content = match &u.what {
            What::Text(t) => Content::Text(t.clone()),
            What::Image { url, .. } => self.photo(u, url).await,
            What::Other(kind) => Content::Unsupported(kind.clone()),
        };
        let msg = Inbound {
            channel: CHANNEL.into(),
            chat_id: u.chat_id.clone(),
            sender_id: u.sender_id.clone(),
            sender_name: u.sender_name.clone(),
            message_id: u.inbox_id(),
            lang_hint: None,
            content,
        };
        match self.engine.handle(&msg).await {
            Ok(_) => {
                self.wake.ring();
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "handling a Zalo update");
                // Sent directly: the database that would queue it may be what failed. To the
                // person's private chat, as every reply.
                let apology = self.engine.apology(None).text;
                let params = json!({"chat_id": u.sender_id, "text": apology});
                if let Err(e) = self.api.call("sendMessage", &params).await {
                    tracing::warn!(error = %e, "sending an apology on Zalo");
                }
                Err(NotHandled)
            }
        }
    }

    /// A photo is an answer only where a question asks for a file: then it is fetched and
    /// kept at once, and a failure asks for it again instead of losing the message.
    async fn photo(&self, u: &Update, url: &str) -> Content {
        let wanted = self
            .engine
            .awaits_file(CHANNEL, &u.chat_id, &u.sender_id)
            .await;
        match wanted {
            Ok(true) => {}
            Ok(false) => return Content::Unsupported("photo".into()),
            Err(e) => {
                tracing::warn!(error = %e, "looking whether a file is asked for");
                return Content::Unsupported("photo".into());
            }
        }
        let key = format!("zalo:{}", u.inbox_id());
        let store = self.engine.store();
        match photo::keep(self.api.http(), store, &key, url, Utc::now()).await {
            Ok((id, name)) => Content::File(FileRef::stored("photo", &name, id)),
            Err(e) => {
                tracing::warn!(error = %e, "fetching a photo from Zalo");
                Content::Unreadable(e.to_string())
            }
        }
    }
}

/// The running Zalo channel: its update handling and its outbox sender.
pub struct Zalo {
    inbox: Arc<Inbox>,
    sender: tokio::task::JoinHandle<()>,
    polling: Option<tokio::task::JoinHandle<()>>,
    registering: Option<tokio::task::JoinHandle<()>>,
}

impl Zalo {
    /// Starts the outbox sender; updates come through `poll` or `webhook_router`. Files go
    /// to Zalo as links under `links` (none: a line says where they can be had).
    pub fn start(
        api: Api,
        engine: Arc<Engine>,
        limits: Limits,
        links: Option<Links>,
        wake: Wake,
        stop: Stop,
    ) -> Zalo {
        let delivery = Delivery {
            api: api.clone(),
            limits,
            engine: engine.clone(),
            links,
        };
        let sender = Sender::spawn(delivery, engine.store().clone(), wake.clone(), stop.clone());
        Zalo {
            inbox: Arc::new(Inbox {
                api,
                engine,
                wake,
                stop,
            }),
            sender,
            polling: None,
            registering: None,
        }
    }

    /// Registers the webhook with Zalo (its URL, and the secret Zalo sends back with every
    /// update), in the background, trying again until Zalo takes it.
    pub fn register_webhook(&mut self, url: String, secret: String) {
        let api = self.inbox.api.clone();
        self.registering = Some(tokio::spawn(async move {
            let params = json!({"url": url, "secret_token": secret});
            let mut backoff = Duration::from_secs(1);
            let set = loop {
                match api.call("setWebhook", &params).await {
                    Ok(set) => break set,
                    Err(e) => warn_refused(&e, "Zalo setWebhook; retrying"),
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            };
            // Zalo tries the address when it is set and says how that went.
            let check = &set["verification"];
            if check["ok"] == Value::Bool(false) {
                let (outcome, hint) = (&check["outcome"], &check["hint"]);
                tracing::warn!(%outcome, %hint, "Zalo could not reach the webhook");
            } else {
                tracing::info!("Zalo webhook set");
            }
        }));
    }

    /// Long polling: one update per call, each handled before the next call. `timeout` is
    /// what Zalo may hold an idle call; the HTTP client waits longer. On the way out the call
    /// in flight is let end (Zalo forgets what it hands over), and no other is made.
    pub fn poll(&mut self, timeout: Duration) {
        let inbox = self.inbox.clone();
        self.polling = Some(tokio::spawn(async move {
            let params = json!({"timeout": timeout.as_secs()});
            let wait = timeout + Duration::from_secs(15);
            let mut backoff = Duration::from_millis(500);
            let stop = inbox.stop.clone();
            // Waits `backoff` unless the process is stopping; false if it is.
            let pause = |backoff: Duration| {
                let stop = stop.clone();
                async move {
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => true,
                        _ = stop.reached(Phase::Stopping) => false,
                    }
                }
            };
            // Polling does not work while a webhook is set: it goes first, however long
            // Zalo takes to answer.
            let mut webhook_gone = false;
            loop {
                if stop.phase() >= Phase::Stopping {
                    break;
                }
                if !webhook_gone {
                    let none = json!({});
                    let gone = tokio::select! {
                        gone = inbox.api.call("deleteWebhook", &none) => gone,
                        _ = stop.reached(Phase::Stopping) => break,
                    };
                    match gone {
                        Ok(_) => webhook_gone = true,
                        Err(e) => {
                            warn_refused(&e, "Zalo deleteWebhook");
                            if !pause(backoff).await {
                                break;
                            }
                            backoff = (backoff * 2).min(Duration::from_secs(30));
                            continue;
                        }
                    }
                }
                match inbox
                    .api
                    .call_within("getUpdates", &params, Some(wait))
                    .await
                {
                    Ok(result) => {
                        backoff = Duration::from_millis(500);
                        for u in updates(result) {
                            // The update is Zalo's no more: nothing to acknowledge.
                            let _ = inbox.handle(&u).await;
                        }
                    }
                    // Nothing arrived within the timeout: ask again at once.
                    Err(e) if e.code() == Some(408) => {}
                    Err(ApiError::Timeout) => {}
                    Err(e) => {
                        warn_refused(&e, "Zalo getUpdates");
                        if !pause(backoff).await {
                            break;
                        }
                        backoff = (backoff * 2).min(Duration::from_secs(30));
                    }
                }
            }
        }));
    }

    /// The webhook route at `path`: checks the secret header, handles the update, and answers
    /// 200 once its transaction committed.
    pub fn webhook_router(&self, path: &str, secret: String) -> axum::Router {
        let state = Arc::new((secret, self.inbox.clone()));
        axum::Router::new()
            .route(path, post(webhook))
            .with_state(state)
    }

    /// The tasks, for the way out.
    pub fn tasks(self) -> Tasks {
        Tasks {
            intake: self.polling.into_iter().collect(),
            sender: self.sender,
            rest: self.registering.into_iter().collect(),
        }
    }

    /// Stops polling and sending (used by tests to "kill" a process).
    pub fn abort(self) {
        self.tasks().abort();
    }
}

/// Logs a failed call, which is tried again. A refused token (401) is said plainly, since
/// trying again cannot help until the operator fixes it: otherwise it would look like an
/// outage.
fn warn_refused(e: &ApiError, what: &str) {
    if e.code() == Some(401) {
        tracing::error!(error = %e, "{what}: Zalo refuses the bot token; check ZALO_BOT_TOKEN");
    } else {
        tracing::warn!(error = %e, "{what}");
    }
}

/// The updates in a `getUpdates` result: one object (Zalo's way), or a list.
fn updates(result: Value) -> Vec<Update> {
    let all = match result {
        Value::Array(a) => a,
        Value::Null => vec![],
        one => vec![one],
    };
    all.iter()
        .filter_map(|v| match update::parse(v) {
            Ok(u) => Some(u),
            Err(e) => {
                tracing::debug!(error = %e, "Zalo update without a message");
                None
            }
        })
        .collect()
}

async fn webhook(
    State(state): State<Arc<(String, Arc<Inbox>)>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let (secret, inbox) = (&state.0, &state.1);
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !super::secret_matches(given, secret) {
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let u = match update::parse(&body) {
        Ok(u) => u,
        Err(e) => {
            // Not a message (another kind of event): nothing to do, and nothing to retry.
            tracing::debug!(error = %e, "Zalo webhook without a message");
            return StatusCode::OK;
        }
    };
    // On the way out: Zalo may deliver it again, to the next process.
    let Some(_busy) = inbox.stop.take() else {
        return StatusCode::SERVICE_UNAVAILABLE;
    };
    match tokio::time::timeout(HANDLE_TIMEOUT, inbox.handle(&u)).await {
        Ok(Ok(())) => StatusCode::OK,
        // Not handled (yet): Zalo may deliver it again, and the inbox stops a double.
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}
