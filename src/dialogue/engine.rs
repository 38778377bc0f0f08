//! Steps one chat through its dialogue, one inbound message at a time, in one transaction:
//! record the message in the inbox, load the chat's state, step it, run the action on
//! completion, save the state and queue the replies in the outbox; commit. A crash before the
//! commit leaves no trace, so the redelivered message is handled as if for the first time; a
//! message seen before does nothing.

use std::sync::{Arc, OnceLock};

use super::arrival::{Arrival, arrive};
use super::identity::{self, Newcomer};
use super::render;
use super::state::{At, ChatState};
use super::turn::Turn;
use super::{Dialogues, Kind};
use crate::clock::{Clock, local_date};
use crate::domain::{Access, CommuneRules};
use crate::message::{Content, Inbound, Reply};
use crate::metrics::{self, Outcome};
use crate::store::handling::{self, Opened};
use crate::store::{Store, conversations, outbox, persons};
use crate::text::{Lang, Texts};

pub use super::BUILTIN_COMMANDS;
pub use super::ctx::Ctx;
pub use super::error::EngineError;

/// What became of an inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Handled now; replies are in the outbox.
    Done,
    /// Seen before; nothing was done.
    Duplicate,
}

pub struct Engine {
    store: Store,
    dialogues: Arc<Dialogues>,
    texts: Arc<Texts>,
    clock: Arc<dyn Clock>,
    /// Code of the commune that new people join, when there are several.
    default_commune: Option<String>,
    /// The Telegram bot's username, for links t.me/<bot>?start=CODE: from the settings, or
    /// from Telegram itself once the channel has started.
    telegram_bot: OnceLock<String>,
}

impl Engine {
    pub fn new(
        store: Store,
        dialogues: Arc<Dialogues>,
        texts: Arc<Texts>,
        clock: Arc<dyn Clock>,
        default_commune: Option<String>,
    ) -> Engine {
        Engine {
            store,
            dialogues,
            texts,
            clock,
            default_commune,
            telegram_bot: Default::default(),
        }
    }

    /// Names the Telegram bot whose links replies show; the first name given stays.
    pub fn set_telegram_bot(&self, username: &str) {
        let name = username.trim().trim_start_matches('@');
        if !name.is_empty() {
            let _ = self.telegram_bot.set(name.to_string());
        }
    }

    /// The Telegram bot's username, once known.
    pub fn telegram_bot(&self) -> Option<&str> {
        self.telegram_bot.get().map(String::as_str)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn texts(&self) -> &Texts {
        &self.texts
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Commands for a platform's command menu, in `lang`: the tasks, then the built-ins.
    pub fn command_menu(&self, lang: Lang, access: &Access) -> Vec<(String, String)> {
        render::command_menu(&self.dialogues, &self.texts, lang, access)
    }

    /// The reply for a message whose handling failed; it is sent directly, not queued, since
    /// the database may be what failed. The chat stays where it was.
    pub fn apology(&self, lang: Option<Lang>) -> Reply {
        Reply::text(self.texts.get(lang.unwrap_or_default(), "try-again", &[]))
    }

    /// Whether the conversation of `sender` in `chat` stands at a question that takes a file, so
    /// a channel fetches what a user sent (a photo behind a link) only where it is wanted. A
    /// look ahead, without a lock: the message's own turn decides.
    pub async fn awaits_file(
        &self,
        channel: &str,
        chat: &str,
        sender: &str,
    ) -> Result<bool, EngineError> {
        let mut tx = self.store.begin().await?;
        let raw = conversations::peek(&mut tx, channel, &conversation_key(chat, sender)).await?;
        tx.commit().await?;
        let state = raw.and_then(|r| serde_json::from_str::<ChatState>(&r).ok());
        let step = state.as_ref().and_then(|s| {
            let a = s.active.as_ref()?;
            a.current_step(self.dialogues.get(&a.dialogue)?)
        });
        Ok(step.is_some_and(|s| s.kind == Kind::Document))
    }

    /// Handles one inbound message in one transaction, and counts it for the metrics.
    pub async fn handle(&self, msg: &Inbound) -> Result<Handled, EngineError> {
        let started = std::time::Instant::now();
        let result = self.handle_in_tx(msg).await;
        let outcome = match &result {
            Ok(Handled::Done) => Outcome::Handled,
            Ok(Handled::Duplicate) => Outcome::Duplicate,
            Err(e) => {
                match e {
                    EngineError::Db(_) => metrics::database_error(),
                    EngineError::Other(e) => metrics::count_if_database(e),
                }
                Outcome::Failed
            }
        };
        let took = started.elapsed();
        metrics::handled(&msg.channel, outcome, took);
        tracing::debug!(?outcome, ms = took.as_secs_f64() * 1000.0, "message");
        result
    }

    async fn handle_in_tx(&self, msg: &Inbound) -> Result<Handled, EngineError> {
        let msg = &msg.printable();
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        // In a group chat each member has a conversation of their own, and the replies go to
        // the member's private chat: a list of households, a phone or a report is never shown
        // to a whole group. (On the platforms we serve, a private chat's id is the user's.)
        let reply_to = if msg.chat_id == msg.sender_id {
            &msg.chat_id
        } else {
            &msg.sender_id
        };
        let conversation = conversation_key(&msg.chat_id, &msg.sender_id);
        let key = handling::Key {
            channel: &msg.channel,
            message_id: &msg.message_id,
            sender_id: &msg.sender_id,
            conversation: &conversation,
        };
        let Opened::New {
            seen,
            grants,
            state: raw,
        } = handling::open(&mut tx, &key, now).await?
        else {
            return Ok(Handled::Duplicate);
        };
        let mut state: ChatState = match raw.as_deref().map(serde_json::from_str) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                // A state this build cannot read (written by another version): start afresh
                // rather than leave the chat stuck.
                tracing::error!(error = %e, chat = msg.chat_id, "unreadable chat state");
                ChatState::default()
            }
            None => ChatState::default(),
        };
        // A newcomer who has just chosen their commune: what they said first is handled now,
        // under a line saying where they are.
        let mut arrived: Option<(Content, String)> = None;
        let (person, commune) = match seen {
            Some(seen) => identity::known(&mut tx, msg, seen, now).await?,
            None => match identity::newcomer(&mut tx, self.default_commune.as_deref()).await? {
                Newcomer::Joins(c) => {
                    let lang = msg.lang_hint.unwrap_or_default();
                    (identity::create(&mut tx, msg, &c, lang, now).await?, c)
                }
                Newcomer::Nowhere => {
                    // No commune exists at all: nobody to register with. Say so, keep nothing.
                    let reply = Reply::text(self.texts.get(Lang::Vi, "no-commune", &[]));
                    outbox::enqueue(&mut tx, &msg.channel, &msg.chat_id, &reply, now).await?;
                    tx.commit().await?;
                    return Ok(Handled::Done);
                }
                Newcomer::Chooses(communes) => {
                    let pending = &mut state.arriving;
                    match arrive(&mut tx, &self.texts, msg, pending, &communes, now).await? {
                        Arrival::Asking(reply) => {
                            let json =
                                serde_json::to_string(&state).map_err(anyhow::Error::from)?;
                            let replies = [reply];
                            handling::close(&mut tx, &key, Some(&json), reply_to, &replies, now)
                                .await?;
                            tx.commit().await?;
                            return Ok(Handled::Done);
                        }
                        Arrival::In {
                            commune,
                            replay,
                            note,
                            lang,
                        } => {
                            state.arriving = None;
                            arrived = Some((replay, note));
                            let p = identity::create(&mut tx, msg, &commune, lang, now).await?;
                            (p, commune)
                        }
                    }
                }
            },
        };
        let rules = CommuneRules::from_json(&commune.rules);
        // The commune's words, in its replies and in the notices it sends.
        let texts = self.texts.for_commune(&rules.words.hamlet);
        let ctx = Ctx {
            person: &person,
            channel: &msg.channel,
            sender_id: &msg.sender_id,
            rules,
            commune: &commune,
            access: Access::new(grants),
            lang: Lang::parse(&person.lang).unwrap_or_default(),
            now,
            today: local_date(now, &commune.time_zone),
            texts: &texts,
            telegram_bot: self.telegram_bot(),
        };

        // The log's span of the message (the channel's) names the step it answered, or else
        // the one it led to.
        let answered = place(&state);
        let mut turn = Turn::new(&self.dialogues, ctx, &mut tx, state);
        let content = arrived.as_ref().map_or(&msg.content, |(c, _)| c);
        turn.step(content).await?;
        let Turn { state, mut out, .. } = turn;
        if let Some((_, note)) = arrived {
            match out.replies.first_mut() {
                Some(r) => {
                    r.text = format!("{note}\n{}", r.text);
                    if let Some(short) = r.short.as_mut() {
                        *short = format!("{note}\n{short}");
                    }
                }
                None => out.replies.push(Reply::text(note)),
            }
        }
        if let Some((dialogue, step)) = answered.or_else(|| place(&state)) {
            let span = tracing::Span::current();
            span.record("dialogue", dialogue.as_str());
            span.record("step", step.as_str());
        }

        // Written only when it changed: a menu shown again changes nothing.
        let json = serde_json::to_string(&state).map_err(anyhow::Error::from)?;
        let changed = (raw.as_deref() != Some(json.as_str())).then_some(json.as_str());
        handling::close(&mut tx, &key, changed, reply_to, &out.replies, now).await?;
        for n in &out.notices {
            let to = persons::by_id(&mut tx, n.person_id).await?;
            let lang = Lang::parse(&to.lang).unwrap_or_default();
            let reply = Reply::text(texts.get(lang, n.message, &n.args));
            // One channel, not all of them: the one the person chose, else the one they
            // used last.
            if let Some(c) = persons::notice_contact(&mut tx, n.person_id).await? {
                outbox::enqueue(&mut tx, &c.channel, &c.chat_id, &reply, now).await?;
            }
        }
        for a in &out.to_accounts {
            let to = persons::by_id(&mut tx, a.notice.person_id).await?;
            let lang = Lang::parse(&to.lang).unwrap_or_default();
            let reply = Reply::text(texts.get(lang, a.notice.message, &a.notice.args));
            outbox::enqueue(&mut tx, &a.channel, &a.chat_id, &reply, now).await?;
        }
        tx.commit().await?;
        Ok(Handled::Done)
    }
}

/// Where a chat stands: its dialogue and step (or `confirm`, `pick_edit` at the summary).
fn place(state: &ChatState) -> Option<(String, String)> {
    let a = state.active.as_ref()?;
    let step = match &a.at {
        At::Step(id) => id.clone(),
        At::Confirm => "confirm".into(),
        At::PickEdit => "pick_edit".into(),
    };
    Some((a.dialogue.clone(), step))
}

/// A chat's conversation: in a group chat each member has one of their own.
fn conversation_key(chat: &str, sender: &str) -> String {
    if chat == sender {
        chat.to_string()
    } else {
        format!("{chat}/{sender}")
    }
}
