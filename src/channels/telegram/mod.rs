//! Telegram, through teloxide's dispatcher. The adapter turns updates into `Inbound`s (text,
//! button presses, shared contacts, the rest) and sends the outbox as Bot API calls; nothing
//! about households lives here.
//!
//! An update is acknowledged only once the transaction that handled it committed: updates
//! enter the dispatcher through our own listener (`Feed`), and each one resolves when its
//! handler is done. Polling asks for the next batch (advancing the offset) only after the
//! whole batch resolved; the webhook answers 200 only after its update resolved. A process
//! killed half-way gets the same updates again, and the inbox makes the handled ones no-ops.
//!
//! On the way out (`Stop`) polling stops asking (a poll waiting for updates is dropped: what
//! Telegram would have sent stays Telegram's), handles the batch in hand and acknowledges it;
//! the webhook answers 503 to new updates, which Telegram delivers again later.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use teloxide::dispatching::{Dispatcher, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::stop::{StopToken, mk_stop_token};
use teloxide::types::UpdateKind;
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use super::{Content, FileRef, Inbound};
use crate::dialogue::engine::Engine;
use crate::sender::{Limits, Sender, Wake};
use crate::stop::{Phase, Stop, Tasks};
use crate::text::Lang;

mod send;

pub use send::{CHANNEL, Delivery, set_commands};

/// Updates waiting for their handler to finish, by update id. The same update may be pushed
/// twice (a batch that repeats it, a webhook retried while the first is still handled):
/// every push waits, and the inbox makes the second do nothing.
#[derive(Default)]
struct Waiting(Mutex<HashMap<u32, Vec<oneshot::Sender<()>>>>);

impl Waiting {
    fn done(&self, id: u32) {
        let waiting = self.0.lock().expect("waiting lock").remove(&id);
        for tx in waiting.into_iter().flatten() {
            let _ = tx.send(());
        }
    }
}

/// Where updates enter the dispatcher. `push` resolves when the update was handled.
#[derive(Clone)]
pub struct Feed {
    tx: mpsc::UnboundedSender<Result<Update, Infallible>>,
    waiting: Arc<Waiting>,
}

impl Feed {
    /// Hands an update to the dispatcher and waits until its handler finished (committed, or
    /// failed and told the user to try again). False if the dispatcher is gone.
    pub async fn push(&self, update: Update) -> bool {
        let (tx, rx) = oneshot::channel();
        self.waiting
            .0
            .lock()
            .expect("waiting lock")
            .entry(update.id.0)
            .or_default()
            .push(tx);
        if self.tx.send(Ok(update)).is_err() {
            return false;
        }
        rx.await.is_ok()
    }
}

/// What the handlers share.
struct Shared {
    engine: Arc<Engine>,
    waiting: Arc<Waiting>,
    /// Wakes the outbox sender as soon as replies were queued.
    wake: Wake,
    stop: Stop,
}

type UpdateStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Update, Infallible>> + Send>>;

fn first_mut<A, B>(s: &mut (A, B)) -> &mut A {
    &mut s.0
}

fn listener(
    rx: mpsc::UnboundedReceiver<Result<Update, Infallible>>,
) -> (impl UpdateListener<Err = Infallible>, StopToken) {
    let (stop, _flag) = mk_stop_token();
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|u| (u, rx)) });
    let stream: UpdateStream = Box::pin(stream);
    let listener = StatefulListener::new(
        (stream, stop.clone()),
        first_mut::<UpdateStream, StopToken>,
        |s: &mut (_, StopToken)| s.1.clone(),
    );
    (listener, stop)
}

/// The handler tree: text and commands, shared contacts, other messages, button presses,
/// and everything else (acknowledged and dropped).
fn schema() -> UpdateHandler<Infallible> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .branch(dptree::filter(|m: Message| m.text().is_some()).endpoint(on_text))
                .branch(dptree::filter(|m: Message| m.contact().is_some()).endpoint(on_contact))
                .endpoint(on_other_message),
        )
        .branch(Update::filter_callback_query().endpoint(on_button))
        .endpoint(on_rest)
}

fn inbound(update: &Update, msg: &Message, content: Content) -> Option<Inbound> {
    let from = msg.from.as_ref()?;
    Some(Inbound {
        channel: CHANNEL.into(),
        chat_id: msg.chat.id.0.to_string(),
        sender_id: from.id.0.to_string(),
        sender_name: Some(from.full_name()),
        message_id: format!("u{}", update.id.0),
        lang_hint: from.language_code.as_deref().and_then(Lang::parse),
        content,
    })
}

async fn on_text(s: Arc<Shared>, bot: Bot, update: Update, msg: Message) -> Result<(), Infallible> {
    let text = msg.text().unwrap_or_default().to_string();
    handle(
        &s,
        &bot,
        &update,
        inbound(&update, &msg, Content::Text(text)),
    )
    .await;
    Ok(())
}

async fn on_contact(
    s: Arc<Shared>,
    bot: Bot,
    update: Update,
    msg: Message,
) -> Result<(), Infallible> {
    let contact = msg.contact().expect("filtered on contact");
    // A forwarded card carries someone else's user id (or none): only one's own counts.
    let own = match (&msg.from, contact.user_id) {
        (Some(from), Some(uid)) => from.id == uid,
        _ => false,
    };
    let content = Content::Contact {
        phone: contact.phone_number.clone(),
        own,
    };
    handle(&s, &bot, &update, inbound(&update, &msg, content)).await;
    Ok(())
}

async fn on_other_message(
    s: Arc<Shared>,
    bot: Bot,
    update: Update,
    msg: Message,
) -> Result<(), Infallible> {
    // Photos and documents answer the questions that ask for a file (meeting minutes, a
    // linkage contract); the largest size of a photo is the one worth keeping.
    let file = if let Some(doc) = msg.document() {
        Some(FileRef {
            kind: "document".into(),
            channel: CHANNEL.into(),
            file_id: doc.file.id.to_string(),
            name: doc.file_name.clone().unwrap_or_else(|| "tep".into()),
            data: None,
        })
    } else {
        msg.photo().and_then(|sizes| sizes.last()).map(|p| FileRef {
            kind: "photo".into(),
            channel: CHANNEL.into(),
            file_id: p.file.id.to_string(),
            name: format!("anh-{}.jpg", msg.id.0),
            data: None,
        })
    };
    if let Some(file) = file {
        handle(
            &s,
            &bot,
            &update,
            inbound(&update, &msg, Content::File(file)),
        )
        .await;
        return Ok(());
    }
    let kind = if msg.sticker().is_some() {
        "sticker"
    } else if msg.voice().is_some() {
        "voice"
    } else if msg.location().is_some() {
        "location"
    } else {
        "other"
    };
    let content = Content::Unsupported(kind.into());
    handle(&s, &bot, &update, inbound(&update, &msg, content)).await;
    Ok(())
}

async fn on_button(
    s: Arc<Shared>,
    bot: Bot,
    update: Update,
    q: CallbackQuery,
) -> Result<(), Infallible> {
    // Stop the spinner on the user's button and take the keyboard away (so an old question's
    // buttons cannot be pressed again), beside the handling: a slow answer from Telegram
    // must hold up neither this press nor anyone else's message.
    let msg = q.message.as_ref();
    let chat_id = msg.map(|m| m.chat().id);
    let (ack_bot, query, shown) = (bot.clone(), q.id.clone(), chat_id.zip(msg.map(|m| m.id())));
    // Calls in flight that the way out lets finish.
    let busy = s.stop.hold();
    tokio::spawn(async move {
        let _busy = busy;
        let limit = Duration::from_secs(30);
        let ack = tokio::time::timeout(limit, ack_bot.answer_callback_query(query)).await;
        if !matches!(ack, Ok(Ok(_))) {
            tracing::warn!("answerCallbackQuery failed or timed out");
        }
        if let Some((chat, id)) = shown {
            let edit = ack_bot.edit_message_reply_markup(chat, id);
            if !matches!(tokio::time::timeout(limit, edit).await, Ok(Ok(_))) {
                tracing::warn!("editMessageReplyMarkup failed or timed out");
            }
        }
    });
    let inbound = chat_id.zip(q.data.clone()).map(|(chat, data)| Inbound {
        channel: CHANNEL.into(),
        chat_id: chat.0.to_string(),
        sender_id: q.from.id.0.to_string(),
        sender_name: Some(q.from.full_name()),
        message_id: format!("u{}", update.id.0),
        lang_hint: q.from.language_code.as_deref().and_then(Lang::parse),
        content: Content::Choice(data),
    });
    handle(&s, &bot, &update, inbound).await;
    Ok(())
}

async fn on_rest(s: Arc<Shared>, update: Update) -> Result<(), Infallible> {
    tracing::debug!(id = update.id.0, "update ignored");
    s.waiting.done(update.id.0);
    Ok(())
}

/// Runs the engine on one inbound message and marks the update done either way.
async fn handle(s: &Shared, bot: &Bot, update: &Update, msg: Option<Inbound>) {
    if let Some(msg) = msg {
        let span = crate::message::span(CHANNEL, &msg.chat_id, &msg.message_id);
        async {
            match s.engine.handle(&msg).await {
                Ok(_) => s.wake.ring(),
                Err(e) => {
                    tracing::error!(error = %e, "handling a Telegram update");
                    // Sent directly: the database that would queue it may be what failed.
                    if let Ok(chat) = msg.chat_id.parse::<i64>() {
                        let apology = s.engine.apology(msg.lang_hint);
                        let _ = bot.send_message(ChatId(chat), apology.text).await;
                    }
                }
            }
        }
        .instrument(span)
        .await;
    }
    s.waiting.done(update.id.0);
}

/// The running Telegram channel: the dispatcher and the outbox sender.
pub struct Telegram {
    pub feed: Feed,
    listening: StopToken,
    stop: Stop,
    dispatcher: tokio::task::JoinHandle<()>,
    sender: tokio::task::JoinHandle<()>,
    polling: Option<tokio::task::JoinHandle<()>>,
}

impl Telegram {
    /// Starts the dispatcher and the outbox sender.
    pub fn start(
        bot: Bot,
        engine: Arc<Engine>,
        limits: Limits,
        wake: Wake,
        stop: Stop,
    ) -> Telegram {
        let (tx, rx) = mpsc::unbounded_channel();
        let waiting = Arc::new(Waiting::default());
        let shared = Arc::new(Shared {
            engine: engine.clone(),
            waiting: waiting.clone(),
            wake: wake.clone(),
            stop: stop.clone(),
        });
        let (listener, listening) = listener(rx);
        let dispatch_bot = bot.clone();
        let shared_engine = engine.clone();
        let dispatcher = tokio::spawn(async move {
            // The dispatcher asks Telegram who the bot is before anything else and gives up
            // for good if that fails (no network yet at boot): wait until it answers.
            let mut backoff = Duration::from_secs(1);
            loop {
                match dispatch_bot.get_me().await {
                    Ok(me) => {
                        // Links t.me/<bot>?start=CODE shown with codes name this bot.
                        if let Some(name) = &me.username {
                            shared_engine.set_telegram_bot(name);
                        }
                        break;
                    }
                    Err(e) => tracing::warn!(error = %e, "getMe; retrying"),
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
            Dispatcher::builder(dispatch_bot, schema())
                .dependencies(dptree::deps![shared])
                .build()
                .dispatch_with_listener(
                    listener,
                    LoggingErrorHandler::with_custom_text("Telegram update listener"),
                )
                .await;
        });
        let store = engine.store().clone();
        let delivery = Delivery {
            bot,
            limits,
            store: store.clone(),
            uploading: Default::default(),
        };
        let sender = Sender::spawn(delivery, store, wake, stop.clone());
        Telegram {
            feed: Feed { tx, waiting },
            listening,
            stop,
            dispatcher,
            sender,
            polling: None,
        }
    }

    /// Long polling: asks for updates, and for the next batch only once this one is handled.
    /// On the way out it stops asking, and acknowledges what it handled.
    pub fn poll(&mut self, bot: Bot, timeout: Duration) {
        let feed = self.feed.clone();
        let stop = self.stop.clone();
        self.polling = Some(tokio::spawn(async move {
            let stopping = stop.reached(Phase::Stopping);
            tokio::pin!(stopping);
            tokio::select! {
                gone = bot.delete_webhook() => if let Err(e) = gone {
                    tracing::warn!(error = %e, "deleteWebhook");
                },
                _ = &mut stopping => return,
            }
            let mut offset: i32 = 0;
            // The offset Telegram last answered a poll for: updates below it are its no more.
            let mut told: i32 = 0;
            let mut backoff = Duration::from_millis(500);
            loop {
                let got = tokio::select! {
                    got = bot
                        .get_updates()
                        .offset(offset)
                        .timeout(timeout.as_secs() as u32) => got,
                    // Nothing is lost by dropping the poll: Telegram keeps every update until
                    // a later poll's offset acknowledges it.
                    _ = &mut stopping => break,
                };
                let updates = match got {
                    Ok(u) => {
                        told = offset;
                        backoff = Duration::from_millis(500);
                        u
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "getUpdates");
                        tokio::select! {
                            _ = tokio::time::sleep(backoff) => {}
                            _ = &mut stopping => break,
                        }
                        backoff = (backoff * 2).min(Duration::from_secs(30));
                        continue;
                    }
                };
                // The offset moves past an update only once it was handled. One that
                // teloxide cannot read is passed over; one whose handler never finishes (a
                // bug) is given up after a while rather than stopping every chat.
                let ids: Vec<i32> = updates.iter().map(|u| u.id.0 as i32).collect();
                let pending = updates.into_iter().map(|u| {
                    let feed = feed.clone();
                    async move {
                        if matches!(u.kind, UpdateKind::Error(_)) {
                            return true;
                        }
                        let id = u.id.0;
                        match tokio::time::timeout(Duration::from_secs(120), feed.push(u)).await {
                            Ok(handled) => handled,
                            Err(_) => {
                                tracing::error!(id, "an update was not handled in 120 s");
                                true
                            }
                        }
                    }
                });
                let results = futures_util::future::join_all(pending).await;
                for (id, handled) in ids.into_iter().zip(results) {
                    if !handled {
                        // The dispatcher is gone: ask again later from here.
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                    offset = offset.max(id + 1);
                }
                if stop.phase() >= Phase::Stopping {
                    break;
                }
            }
            // Acknowledges the batch just handled, so the next start does not get it again
            // (it would do nothing, the inbox remembers it, but it would wait for it). A
            // short poll for at most one update, which stays Telegram's.
            if offset > told {
                let ack = bot.get_updates().offset(offset).timeout(0).limit(1);
                match tokio::time::timeout(Duration::from_secs(2), ack).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "acknowledging the last updates"),
                    Err(_) => tracing::warn!("acknowledging the last updates: no answer in time"),
                }
            }
        }));
    }

    /// The tasks, for the way out.
    pub fn tasks(self) -> Tasks {
        self.listening.stop();
        Tasks {
            intake: self.polling.into_iter().collect(),
            sender: self.sender,
            rest: vec![self.dispatcher],
        }
    }

    /// Stops the dispatcher and the sender (used by tests to "kill" a process).
    pub fn abort(self) {
        self.tasks().abort();
    }
}

/// The webhook route: checks the secret header, hands the update to the dispatcher, and
/// answers 200 once it was handled.
pub fn webhook_router(path: &str, secret: String, feed: Feed, stop: Stop) -> axum::Router {
    let state = Arc::new((secret, feed, stop));
    axum::Router::new()
        .route(path, post(webhook))
        .with_state(state)
}

async fn webhook(
    State(state): State<Arc<(String, Feed, Stop)>>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let given = headers
        .get("x-telegram-bot-api-secret-token")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !super::secret_matches(given, &state.0) {
        return StatusCode::UNAUTHORIZED;
    }
    let update = match serde_json::from_str::<Update>(&body) {
        Ok(u) => u,
        Err(e) => {
            // Not an update we can read: acknowledge, or Telegram retries it forever.
            tracing::warn!(error = %e, "unreadable webhook update");
            return StatusCode::OK;
        }
    };
    if let UpdateKind::Error(_) = update.kind {
        return StatusCode::OK;
    }
    // On the way out: Telegram delivers it again, to the next process.
    let Some(_busy) = state.2.take() else {
        return StatusCode::SERVICE_UNAVAILABLE;
    };
    match tokio::time::timeout(Duration::from_secs(50), state.1.push(update)).await {
        Ok(true) => StatusCode::OK,
        // Not handled (yet): Telegram delivers it again, and the inbox stops a double.
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}
