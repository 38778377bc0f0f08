//! Telegram's sending half: one message to one chat as Bot API calls, what Telegram's
//! errors mean for a retry, its limits, and the command menus. Pacing, order and retries are
//! the channel-neutral sender's.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, ButtonRequest, FileId, InlineKeyboardButton, InlineKeyboardMarkup,
    InputFile, KeyboardButton, KeyboardMarkup, KeyboardRemove, Recipient, ReplyMarkup,
};
use teloxide::{ApiError, RequestError};

use crate::channels::Reply;
use crate::dialogue::engine::Engine;
use crate::domain::Access;
use crate::message::split;
use crate::sender::{Failure, Limits, Platform};
use crate::store::{Store, files, persons};
use crate::text::Lang;

pub const CHANNEL: &str = "telegram";

/// How long a chat waits for another chat's upload of the same file before uploading it too.
const UPLOAD_WAIT: Duration = Duration::from_secs(2);

/// Telegram's limit on a message's text.
const TEXT_MAX: usize = 4096;

/// The bot as the sender sees it.
pub struct Delivery {
    pub bot: Bot,
    pub limits: Limits,
    /// Where files the bot made are kept, with Telegram's ids for them once uploaded.
    pub store: Store,
    /// One lock per stored file, held while it is uploaded and its id recorded, so that two
    /// chats sent at once do not both upload it.
    pub uploading: std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl Platform for Delivery {
    fn channel(&self) -> &'static str {
        CHANNEL
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    /// Telegram's group and channel chats have negative ids.
    fn is_group(&self, chat: &str) -> bool {
        chat.starts_with('-')
    }

    async fn deliver(&self, chat: &str, reply: &Reply) -> Result<(), Failure> {
        let chat = ChatId(
            chat.parse()
                .map_err(|_| Failure::Refused(format!("not a Telegram chat: {chat}")))?,
        );
        send(self, chat, reply).await
    }
}

/// One reply as one or more messages (split at line breaks under 4096 characters, the
/// buttons with the last part), then its files: those Telegram holds by their id, those the
/// bot made as uploads (files from another channel were named in the text).
async fn send(d: &Delivery, chat: ChatId, reply: &Reply) -> Result<(), Failure> {
    let (bot, store) = (&d.bot, &d.store);
    if !reply.text.is_empty() || reply.files.is_empty() {
        let parts = split(&reply.text, TEXT_MAX);
        let last = parts.len() - 1;
        for (i, part) in parts.into_iter().enumerate() {
            let mut req = bot.send_message(chat, part);
            if i == last {
                req = req.reply_markup(markup(reply));
            }
            req.await.map_err(failure)?;
        }
    }
    for f in &reply.files {
        // Held until this file went up and its id was recorded.
        let mut _uploading = None;
        let (input, stored) = match (f.stored_id(), f.bytes()) {
            (Some(id), _) => match uploaded(store, id).await? {
                Some(platform_id) => (InputFile::file_id(FileId(platform_id)), None),
                None => {
                    // Not uploaded yet: wait a moment for another chat's upload of it, but no
                    // longer, so a hanging upload elsewhere does not hold this chat up; then
                    // look again, since that upload may have finished.
                    let lock = d
                        .uploading
                        .lock()
                        .expect("upload locks")
                        .entry(id)
                        .or_default()
                        .clone();
                    _uploading = tokio::time::timeout(UPLOAD_WAIT, lock.lock_owned())
                        .await
                        .ok();
                    match stored_file(store, id).await? {
                        Stored::Uploaded(platform_id) => {
                            (InputFile::file_id(FileId(platform_id)), None)
                        }
                        Stored::Bytes(bytes) => {
                            (InputFile::memory(bytes).file_name(f.name.clone()), Some(id))
                        }
                    }
                }
            },
            (None, Some(bytes)) => (InputFile::memory(bytes).file_name(f.name.clone()), None),
            (None, None) if f.channel == CHANNEL => {
                (InputFile::file_id(FileId(f.file_id.clone())), None)
            }
            (None, None) => continue,
        };
        let sent = if f.kind == "photo" {
            bot.send_photo(chat, input).await.map_err(failure)?
        } else {
            bot.send_document(chat, input).await.map_err(failure)?
        };
        // A file the bot made goes up once; every later recipient gets Telegram's copy.
        let platform_id = sent
            .photo()
            .and_then(|sizes| sizes.last())
            .map(|p| p.file.id.to_string())
            .or_else(|| sent.document().map(|d| d.file.id.to_string()));
        if let (Some(id), Some(platform_id)) = (stored, platform_id) {
            let remembered = async {
                let mut tx = store.begin().await?;
                files::set_uploaded(&mut tx, id, CHANNEL, &platform_id).await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(())
            };
            if let Err(e) = remembered.await {
                tracing::warn!(error = %e, "remembering an upload");
            }
        }
    }
    Ok(())
}

enum Stored {
    Uploaded(String),
    Bytes(Vec<u8>),
}

/// Telegram's id for a stored file, once uploaded.
async fn uploaded(store: &Store, id: i64) -> Result<Option<String>, Failure> {
    let read = async {
        let mut tx = store.begin().await?;
        let found = files::uploaded(&mut tx, id, CHANNEL).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(found)
    };
    read.await
        .map_err(|e| Failure::Transient(format!("reading stored file {id}: {e}")))
}

/// A stored file as Telegram can take it: its id there, or the bytes to upload.
async fn stored_file(store: &Store, id: i64) -> Result<Stored, Failure> {
    let read = async {
        let mut tx = store.begin().await?;
        let found = match files::uploaded(&mut tx, id, CHANNEL).await? {
            Some(p) => Some(Stored::Uploaded(p)),
            None => files::bytes(&mut tx, id).await?.map(Stored::Bytes),
        };
        tx.commit().await?;
        Ok::<_, sqlx::Error>(found)
    };
    match read.await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(Failure::Refused(format!("no stored file {id}"))),
        Err(e) => Err(Failure::Transient(format!("reading stored file {id}: {e}"))),
    }
}

/// What a failed call means. Telegram says "Bad Request" or "Forbidden" for what can never
/// succeed (blocked, no such chat, a keyboard too long); anything else (a 5xx, a timeout, a
/// reply that is not JSON) may pass.
fn failure(e: RequestError) -> Failure {
    match e {
        RequestError::RetryAfter(after) => Failure::RetryAfter {
            after: after.duration().max(Duration::from_millis(100)),
            // Telegram's 429 names no scope; it follows a burst to one chat far more often
            // than the overall limit, which the pacer already keeps.
            whole_bot: false,
        },
        RequestError::Api(ApiError::Unknown(why)) => {
            if why.starts_with("Bad Request") || why.starts_with("Forbidden") {
                Failure::Refused(why)
            } else {
                Failure::Transient(why)
            }
        }
        RequestError::Api(e) => Failure::Refused(e.to_string()),
        RequestError::MigrateToChatId(_) => Failure::Refused("the group moved".into()),
        other => Failure::Transient(other.to_string()),
    }
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
