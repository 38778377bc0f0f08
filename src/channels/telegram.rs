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
use teloxide::RequestError;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{Dispatcher, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::stop::{StopToken, mk_stop_token};
use teloxide::types::{
    BotCommand, BotCommandScope, ButtonRequest, FileId, InlineKeyboardButton, InlineKeyboardMarkup,
    InputFile, KeyboardButton, KeyboardMarkup, KeyboardRemove, Recipient, ReplyMarkup, UpdateKind,
};
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tokio::sync::{Notify, mpsc, oneshot};

use super::{Content, FileRef, Inbound, Reply};
use crate::dialogue::engine::Engine;
use crate::domain::Access;
use crate::store::{outbox, persons};
use crate::text::Lang;

pub const CHANNEL: &str = "telegram";

/// Telegram's limit on a message's text.
const TEXT_MAX: usize = 4096;

/// Network failures are retried with backoff this many times (about a day), then given up.
const MAX_ATTEMPTS: i64 = 12;

/// Updates waiting for their handler to finish, by update id.
#[derive(Default)]
struct Waiting(Mutex<HashMap<u32, oneshot::Sender<()>>>);

impl Waiting {
    fn done(&self, id: u32) {
        if let Some(tx) = self.0.lock().expect("waiting lock").remove(&id) {
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
            .insert(update.id.0, tx);
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
    wake: Arc<Notify>,
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
    // Stop the spinner on the user's button first; the reply follows from the outbox.
    if let Err(e) = bot.answer_callback_query(q.id.clone()).await {
        tracing::warn!(error = %e, "answerCallbackQuery");
    }
    let msg = q.message.as_ref();
    let chat_id = msg.map(|m| m.chat().id);
    if let (Some(chat), Some(m)) = (chat_id, msg) {
        // The keyboard goes, so an old question's buttons cannot be pressed again.
        if let Err(e) = bot.edit_message_reply_markup(chat, m.id()).await {
            tracing::warn!(error = %e, "editMessageReplyMarkup");
        }
    }
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
            Ok(_) => s.wake.notify_one(),
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
    pub fn start(bot: Bot, engine: Arc<Engine>, limits: Limits) -> Telegram {
        let (tx, rx) = mpsc::unbounded_channel();
        let waiting = Arc::new(Waiting::default());
        let wake = Arc::new(Notify::new());
        let shared = Arc::new(Shared {
            engine: engine.clone(),
            waiting: waiting.clone(),
            wake: wake.clone(),
        });
        let (listener, stop) = listener(rx);
        let dispatch_bot = bot.clone();
        let dispatcher = tokio::spawn(async move {
            // The dispatcher asks Telegram who the bot is before anything else and gives up
            // for good if that fails (no network yet at boot): wait until it answers.
            let mut backoff = Duration::from_secs(1);
            while let Err(e) = dispatch_bot.get_me().await {
                tracing::warn!(error = %e, "getMe; retrying");
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
        let sender = Sender {
            bot: bot.throttle(limits),
            engine,
            wake,
        };
        let sending = tokio::spawn(async move { sender.run().await });
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
    if !constant_time_eq(given, state.0.as_bytes()) {
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

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Registers the command menus, drawn from the capability table like the chat menu: the
/// residents' commands for everyone (Vietnamese, and English for English-speaking users),
/// and each staff member's own list in their private chat.
pub async fn set_commands(bot: &Bot, engine: &Engine) -> Result<(), RequestError> {
    let commands = |lang: Lang, access: &Access| -> Vec<BotCommand> {
        engine
            .command_menu(lang, access)
            .into_iter()
            .map(|(c, d)| BotCommand::new(c.trim_start_matches('/'), d))
            .collect()
    };
    let resident = Access::default();
    bot.set_my_commands(commands(Lang::Vi, &resident)).await?;
    bot.set_my_commands(commands(Lang::En, &resident))
        .language_code("en")
        .await?;
    let staff = match staff_chats(engine).await {
        Ok(staff) => staff,
        Err(e) => {
            tracing::warn!(error = %e, "reading staff for their command menus");
            return Ok(());
        }
    };
    for (chat, lang, access) in staff {
        let Ok(id) = chat.parse::<i64>() else {
            continue;
        };
        let scope = BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(id)),
        };
        bot.set_my_commands(commands(lang, &access))
            .scope(scope)
            .await?;
    }
    Ok(())
}

/// Private Telegram chats of the people holding a role, with their language and grants.
async fn staff_chats(engine: &Engine) -> anyhow::Result<Vec<(String, Lang, Access)>> {
    let mut tx = engine.store().begin().await?;
    let mut out = vec![];
    for (person_id, chat, lang) in persons::staff_chats(&mut tx, CHANNEL).await? {
        let grants = persons::grants(&mut tx, person_id).await?;
        out.push((
            chat,
            Lang::parse(&lang).unwrap_or_default(),
            Access::new(grants),
        ));
    }
    tx.commit().await?;
    Ok(out)
}

/// Sends the outbox: one task per chat at a time (a `ChatLock`, so two processes never
/// interleave one chat's replies), through teloxide's throttle for Telegram's limits.
struct Sender {
    bot: Throttle<Bot>,
    engine: Arc<Engine>,
    wake: Arc<Notify>,
}

impl Sender {
    async fn run(self) {
        let this = Arc::new(self);
        loop {
            if let Err(e) = this.clone().round().await {
                tracing::error!(error = %e, "Telegram outbox");
            }
            tokio::select! {
                _ = this.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
    }

    async fn round(self: Arc<Self>) -> anyhow::Result<()> {
        let now = self.engine.clock().now();
        let mut tx = self.engine.store().begin().await?;
        let chats = outbox::due_chats(&mut tx, CHANNEL, now, 100).await?;
        tx.commit().await?;
        // Each chat's sender holds a connection for its lock and uses another for its
        // writes: a few chats at a time leave the pool to the incoming messages.
        let slots = Arc::new(tokio::sync::Semaphore::new(4));
        let mut tasks = vec![];
        for chat in chats {
            let me = self.clone();
            let slots = slots.clone();
            tasks.push(tokio::spawn(async move {
                let _slot = slots.acquire_owned().await;
                if let Err(e) = me.send_chat(&chat).await {
                    tracing::error!(error = %e, chat, "sending to a Telegram chat");
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
        Ok(())
    }

    async fn send_chat(&self, chat: &str) -> anyhow::Result<()> {
        let store = self.engine.store();
        let clock = self.engine.clock();
        let Some(lock) = outbox::ChatLock::try_take(store, CHANNEL, chat).await? else {
            return Ok(());
        };
        let mut tx = store.begin().await?;
        let rows = outbox::unsent_for_chat(&mut tx, CHANNEL, chat, 1000).await?;
        tx.commit().await?;
        let chat_id = ChatId(chat.parse()?);
        for row in rows {
            let now = clock.now();
            if row.next_attempt_at > now {
                // An earlier reply waits for its retry; later ones wait behind it.
                break;
            }
            let result = match row.reply() {
                Ok(reply) => self.send(chat_id, &reply).await,
                Err(e) => {
                    let mut tx = store.begin().await?;
                    outbox::mark_failed(&mut tx, row.id, &format!("unreadable: {e}"), now).await?;
                    tx.commit().await?;
                    continue;
                }
            };
            let now = clock.now();
            let mut tx = store.begin().await?;
            let stop = match result {
                Ok(()) => {
                    outbox::mark_sent(&mut tx, row.id, now).await?;
                    false
                }
                Err(RequestError::RetryAfter(after)) => {
                    let next = now + chrono::Duration::from_std(after.duration())?;
                    outbox::retry_at(&mut tx, row.id, "429 retry after", next).await?;
                    true
                }
                Err(RequestError::Api(e)) => {
                    // Telegram refused this message (blocked, no such chat, a keyboard too
                    // long): sending it again cannot help, and it must not hold up the chat.
                    tracing::warn!(error = %e, chat, "Telegram refused a reply");
                    outbox::mark_failed(&mut tx, row.id, &e.to_string(), now).await?;
                    false
                }
                Err(e) if row.attempts >= MAX_ATTEMPTS => {
                    outbox::mark_failed(&mut tx, row.id, &e.to_string(), now).await?;
                    false
                }
                Err(e) => {
                    let wait = 2i64
                        .saturating_pow(row.attempts.clamp(0, 8) as u32)
                        .min(300);
                    let next = now + chrono::Duration::seconds(wait);
                    outbox::retry_at(&mut tx, row.id, &e.to_string(), next).await?;
                    true
                }
            };
            tx.commit().await?;
            if stop {
                break;
            }
        }
        lock.release().await?;
        Ok(())
    }

    /// One reply as one or more messages (split at line breaks under 4096 characters); the
    /// buttons go with the last part.
    async fn send(&self, chat: ChatId, reply: &Reply) -> Result<(), RequestError> {
        let parts = split(&reply.text, TEXT_MAX);
        let last = parts.len() - 1;
        for (i, part) in parts.into_iter().enumerate() {
            let mut req = self.bot.send_message(chat, part);
            if i == last {
                req = req.reply_markup(markup(reply));
            }
            req.await?;
        }
        // Files Telegram holds go again by their id, files the bot made as uploads; others
        // (from another channel) were named in the text.
        for f in &reply.files {
            let input = match f.bytes() {
                Some(bytes) => InputFile::memory(bytes).file_name(f.name.clone()),
                None if f.channel == CHANNEL => InputFile::file_id(FileId(f.file_id.clone())),
                None => continue,
            };
            // The text went already: a file that fails is reported, not a reason to send
            // the whole reply again.
            let sent = if f.kind == "photo" {
                self.bot.send_photo(chat, input).await.map(drop)
            } else {
                self.bot.send_document(chat, input).await.map(drop)
            };
            if let Err(e) = sent {
                tracing::warn!(error = %e, file = f.name, "sending a file");
            }
        }
        Ok(())
    }
}

fn markup(reply: &Reply) -> ReplyMarkup {
    if !reply.choices.is_empty() {
        let rows = reply.choices.iter().map(|c| {
            vec![InlineKeyboardButton::callback(
                c.label.clone(),
                c.data.clone(),
            )]
        });
        ReplyMarkup::InlineKeyboard(InlineKeyboardMarkup::new(rows))
    } else if let Some(label) = &reply.ask_contact {
        let button = KeyboardButton::new(label.clone()).request(ButtonRequest::Contact);
        ReplyMarkup::Keyboard(
            KeyboardMarkup::new(vec![vec![button]])
                .resize_keyboard()
                .one_time_keyboard(),
        )
    } else {
        ReplyMarkup::KeyboardRemove(KeyboardRemove::new())
    }
}

/// Splits text into parts of at most `max` characters, at line breaks where possible.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut parts = vec![];
    let mut cur = String::new();
    for line in text.split('\n') {
        let mut line = line.to_string();
        // A single line longer than a message is cut at character boundaries.
        while line.chars().count() > max {
            let cut: String = line.chars().take(max).collect();
            line = line.chars().skip(max).collect();
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            parts.push(cut);
        }
        let extra = usize::from(!cur.is_empty());
        if cur.chars().count() + extra + line.chars().count() > max {
            parts.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&line);
    }
    if !cur.is_empty() || parts.is_empty() {
        parts.push(cur);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_replies_split_at_line_breaks() {
        let text = (0..300)
            .map(|i| format!("dòng số {i:03} ..........."))
            .collect::<Vec<_>>()
            .join("\n");
        let parts = split(&text, 4096);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= 4096));
        assert_eq!(parts.join("\n"), text, "nothing lost, no line cut");
        assert!(parts[0].ends_with("..........."));
        assert_eq!(split("ngắn", 4096), ["ngắn"]);
        let one = "x".repeat(5000);
        let parts = split(&one, 4096);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts.concat(), one);
    }
}
