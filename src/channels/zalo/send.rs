//! Zalo's sending half: one message to one chat as Bot API calls, what Zalo's errors mean for
//! a retry, and its limits. Zalo has no buttons and takes images only by URL: choices go as
//! numbered lines, the phone question asks for the number typed, and files go as links the
//! listener serves. Pacing, order and retries are the channel-neutral sender's.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::api::{Api, ApiError};
use crate::channels::links::Links;
use crate::dialogue::engine::Engine;
use crate::message::{FileRef, Reply, render_plain, split};
use crate::sender::{Failure, Limits, Platform};
use crate::store::{files, persons};
use crate::text::Lang;

pub const CHANNEL: &str = "zalo";

/// Zalo's limit on a message's text (and a photo's caption).
const TEXT_MAX: usize = 2000;

/// Zalo documents no rate limits; these stay well under what a chat app tolerates.
pub const LIMITS: Limits = Limits {
    overall_per_sec: 20.0,
    per_chat_per_sec: 1.0,
    per_chat_burst: 3,
    per_group_per_min: 20.0,
};

/// How long a 429 without `retry_after` holds the chat.
const DEFAULT_RETRY: Duration = Duration::from_secs(5);

/// The bot as the sender sees it.
pub struct Delivery {
    pub api: Api,
    pub limits: Limits,
    /// For the store and the catalogue (the lines this adapter adds itself).
    pub engine: Arc<Engine>,
    /// Where Zalo can fetch files; None when no public URL is configured.
    pub links: Option<Links>,
}

impl Platform for Delivery {
    fn channel(&self) -> &'static str {
        CHANNEL
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    /// Replies never go to a Zalo group: the engine answers a member in their private chat.
    fn is_group(&self, _chat: &str) -> bool {
        false
    }

    async fn deliver(&self, chat: &str, reply: &Reply) -> Result<(), Failure> {
        let text_row = !reply.text.is_empty() || !reply.choices.is_empty();
        if text_row || reply.files.is_empty() {
            let mut text = render_plain(&Reply {
                files: vec![],
                ..reply.clone()
            });
            if reply.ask_contact.is_some() {
                // No contact button on Zalo: say plainly that the number is typed.
                let line = self.line(chat, "zalo-type-phone", vec![]).await;
                text = format!("{}\n{line}", text.trim_end());
            }
            self.send_text(chat, text.trim_start_matches('\n')).await?;
        }
        for f in &reply.files {
            self.send_file(chat, f).await?;
        }
        Ok(())
    }
}

impl Delivery {
    /// One text as one or more messages under Zalo's limit, in order.
    async fn send_text(&self, chat: &str, text: &str) -> Result<(), Failure> {
        for part in parts(text) {
            if part.trim().is_empty() {
                continue;
            }
            let params = json!({"chat_id": chat, "text": part});
            self.api
                .call("sendMessage", &params)
                .await
                .map_err(failure)?;
        }
        Ok(())
    }

    /// A file as Zalo can take it: an image by its link, anything else as a link in a line of
    /// text; without a public URL, or for a file another platform holds, a line saying where
    /// it can be had.
    async fn send_file(&self, chat: &str, f: &FileRef) -> Result<(), Failure> {
        let stored = match &self.links {
            Some(links) => self.stored_id(f).await?.map(|id| (links, id)),
            None => None,
        };
        let Some((links, id)) = stored else {
            let line = self
                .line(chat, "zalo-file-elsewhere", vec![("name", f.name.clone())])
                .await;
            return self.send_text(chat, &line).await;
        };
        let url = links
            .url(id, CHANNEL, chat, Utc::now())
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        if f.kind == "photo" {
            let params = json!({"chat_id": chat, "photo": url});
            self.api.call("sendPhoto", &params).await.map_err(failure)?;
            return Ok(());
        }
        let args = vec![("name", f.name.clone()), ("url", url)];
        let line = self.line(chat, "zalo-file-link", args).await;
        self.send_text(chat, &line).await
    }

    /// The store's number for a file the bot holds: a stored one, or one carried in the
    /// message (a report), kept under what it contains so a retry keeps it once. None for a
    /// file only another platform holds.
    async fn stored_id(&self, f: &FileRef) -> Result<Option<i64>, Failure> {
        if let Some(id) = f.stored_id() {
            return Ok(Some(id));
        }
        let Some(bytes) = f.bytes() else {
            return Ok(None);
        };
        // SHA-256, not std's hasher, whose output may change between Rust releases and
        // would then store the same file again.
        let key = format!("inline:{}:{}", crate::store::links::hash(&bytes), f.name);
        let store = self.engine.store();
        let kept = async {
            let mut tx = store.begin().await?;
            let id = files::put(&mut tx, &key, &f.kind, &f.name, &bytes, Utc::now()).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        };
        kept.await
            .map(Some)
            .map_err(|e| Failure::Transient(format!("storing a file to link: {e}")))
    }

    /// A line of the catalogue in the recipient's language.
    async fn line(&self, chat: &str, id: &str, args: Vec<(&str, String)>) -> String {
        let lang = self.lang(chat).await;
        let args: Vec<(&str, crate::text::Arg)> =
            args.into_iter().map(|(k, v)| (k, v.into())).collect();
        self.engine.texts().get(lang, id, &args)
    }

    /// The recipient's language; a private chat's id is its user's on Zalo.
    async fn lang(&self, chat: &str) -> Lang {
        let found = async {
            let mut tx = self.engine.store().begin().await?;
            let p = persons::by_identity(&mut tx, CHANNEL, chat).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(p)
        };
        match found.await {
            Ok(Some(p)) => Lang::parse(&p.lang).unwrap_or_default(),
            _ => Lang::default(),
        }
    }
}

/// A text as messages Zalo takes: at most 2,000 characters, counted as Zalo's clients may
/// count them (UTF-16 units, where an emoji is two), split where `split` splits.
fn parts(text: &str) -> Vec<String> {
    let mut max = TEXT_MAX;
    loop {
        let parts = split(text, max);
        let fits = parts.iter().all(|p| p.encode_utf16().count() <= TEXT_MAX);
        if fits || max <= 100 {
            return parts;
        }
        max -= 100;
    }
}

/// What a failed call means. Zalo's error table names 429 "quota exceeded", and 403 also
/// "internal server error", so a 403 is given up only when it does not say so; a token it
/// refuses (401) is tried again, since the operator can fix it without losing the message.
fn failure(e: ApiError) -> Failure {
    let why = e.to_string();
    match e {
        ApiError::Zalo {
            code: 429,
            retry_after,
            ..
        }
        | ApiError::Zalo {
            status: 429,
            retry_after,
            ..
        } => Failure::RetryAfter {
            after: retry_after
                .map(Duration::from_secs)
                .unwrap_or(DEFAULT_RETRY)
                .max(Duration::from_millis(500)),
            whole_bot: false,
        },
        ApiError::Status { status: 429 } => Failure::RetryAfter {
            after: DEFAULT_RETRY,
            whole_bot: false,
        },
        ApiError::Zalo {
            status,
            code,
            description,
            ..
        } => {
            let internal = description.to_ascii_lowercase().contains("internal");
            if status >= 500 || code >= 500 || matches!(code, 401 | 408) || internal {
                if code == 401 {
                    tracing::error!("Zalo refused the bot's token: check ZALO_BOT_TOKEN");
                }
                Failure::Transient(why)
            } else {
                Failure::Refused(why)
            }
        }
        ApiError::Status { .. }
        | ApiError::NotJson { .. }
        | ApiError::Timeout
        | ApiError::Network(_) => Failure::Transient(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zalo(status: u16, code: i64, description: &str) -> ApiError {
        ApiError::Zalo {
            status,
            code,
            description: description.into(),
            retry_after: None,
        }
    }

    #[test]
    fn errors_mean_what_zalo_says() {
        let wait = failure(ApiError::Zalo {
            status: 200,
            code: 429,
            description: "Quota exceeded".into(),
            retry_after: Some(3),
        });
        assert_eq!(
            wait,
            Failure::RetryAfter {
                after: Duration::from_secs(3),
                whole_bot: false
            }
        );
        assert!(matches!(
            failure(zalo(429, 429, "Too Many Requests")),
            Failure::RetryAfter { .. }
        ));
        for transient in [
            zalo(500, 500, "Internal Server Error"),
            zalo(200, 403, "Internal server error"),
            zalo(200, 408, "Request timeout"),
            zalo(401, 401, "Unauthorized"),
            ApiError::Status { status: 502 },
            ApiError::NotJson { status: 200 },
            ApiError::Timeout,
            ApiError::Network("connection reset".into()),
        ] {
            assert!(
                matches!(failure(transient.clone()), Failure::Transient(_)),
                "{transient:?}"
            );
        }
        for refused in [
            zalo(400, 400, "Bad request"),
            zalo(403, 403, "Forbidden: the user blocked the bot"),
            zalo(404, 404, "Not found"),
        ] {
            assert!(
                matches!(failure(refused.clone()), Failure::Refused(_)),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn long_texts_fit_zalo_even_counted_in_utf16() {
        let text = (0..200)
            .map(|i| format!("📋 [{i}] một dòng có dấu và biểu tượng 🙂"))
            .collect::<Vec<_>>()
            .join("\n");
        let got = parts(&text);
        assert!(got.len() > 1);
        assert!(got.iter().all(|p| p.encode_utf16().count() <= TEXT_MAX));
        assert_eq!(got.join("\n"), text);
    }
}
