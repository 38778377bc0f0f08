//! Telegram, through teloxide's dispatcher. The adapter turns updates into `Inbound`s (text,
//! button presses, shared contacts, the rest) and sends the outbox as Bot API calls; nothing
//! about households lives here.
//!
//! An update is acknowledged only once the transaction that handled it committed: updates
//! enter the dispatcher through our own listener (`Feed`), and each one resolves when its
//! handler is done. Polling asks for the next batch (advancing the offset) only after the
//! whole batch resolved; the webhook answers 200 only after its update resolved. A process
//! killed half-way gets the same updates again, and the inbox makes the handled ones no-ops.

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

use super::{Content, FileRef, Inbound};
use crate::dialogue::engine::Engine;
use crate::sender::{Limits, Sender, Wake};
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
    tokio::spawn(async move {
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
    s.waiting.done(update.id.0);
}

/// The running Telegram channel: the dispatcher and the outbox sender.
pub struct Telegram {
    pub feed: Feed,
    stop: StopToken,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Telegram {
    /// Starts the dispatcher and the outbox sender.
    pub fn start(bot: Bot, engine: Arc<Engine>, limits: Limits, wake: Wake) -> Telegram {
        let (tx, rx) = mpsc::unbounded_channel();
        let waiting = Arc::new(Waiting::default());
        let shared = Arc::new(Shared {
            engine: engine.clone(),
            waiting: waiting.clone(),
            wake: wake.clone(),
        });
        let (listener, stop) = listener(rx);
        let dispatch_bot = bot.clone();
        let named = engine.clone();
        let dispatcher = tokio::spawn(async move {
            // The dispatcher asks Telegram who the bot is before anything else and gives up
            // for good if that fails (no network yet at boot): wait until it answers.
            let mut backoff = Duration::from_secs(1);
            loop {
                match dispatch_bot.get_me().await {
                    // Invites carry a link that opens the bot: t.me/<username>?start=CODE.
                    Ok(me) => {
                        if let Some(name) = me.user.username.as_deref() {
                            named.set_telegram_bot(name);
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
        let sending = Sender::spawn(delivery, store, wake);
        Telegram {
            feed: Feed { tx, waiting },
            stop,
            tasks: vec![dispatcher, sending],
        }
    }

    /// Long polling: asks for updates, and for the next batch only once this one is handled.
    pub fn poll(&mut self, bot: Bot, timeout: Duration) {
        let feed = self.feed.clone();
        self.tasks.push(tokio::spawn(async move {
            if let Err(e) = bot.delete_webhook().await {
                tracing::warn!(error = %e, "deleteWebhook");
            }
            let mut offset: i32 = 0;
            let mut backoff = Duration::from_millis(500);
            loop {
                let got = bot
                    .get_updates()
                    .offset(offset)
                    .timeout(timeout.as_secs() as u32)
                    .await;
                let updates = match got {
                    Ok(u) => {
                        backoff = Duration::from_millis(500);
                        u
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "getUpdates");
                        tokio::time::sleep(backoff).await;
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
            }
        }));
    }

    /// Stops the dispatcher and the sender (used by tests to "kill" a process).
    pub fn abort(self) {
        self.stop.stop();
        for t in self.tasks {
            t.abort();
        }
    }
}

/// The webhook route: checks the secret header, hands the update to the dispatcher, and
/// answers 200 once it was handled.
pub fn webhook_router(path: &str, secret: String, feed: Feed) -> axum::Router {
    let state = Arc::new((secret, feed));
    axum::Router::new()
        .route(path, post(webhook))
        .with_state(state)
}

async fn webhook(
    State(state): State<Arc<(String, Feed)>>,
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
    match tokio::time::timeout(Duration::from_secs(50), state.1.push(update)).await {
        Ok(true) => StatusCode::OK,
        // Not handled (yet): Telegram delivers it again, and the inbox stops a double.
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}
