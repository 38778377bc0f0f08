//! Files sent by link, for platforms that fetch a file from a URL instead of taking an upload
//! (Zalo): an unguessable token per stored file and recipient chat, valid seven days, served
//! by the HTTP listener at `GET /files/<token>` and forgotten after.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::store::{Store, file_links};

/// How long a link works.
pub const VALID: Duration = Duration::from_secs(7 * 24 * 3600);
/// A link with at least this long left is given again instead of a new one (a retried send, a
/// second digest to the same person the same week).
const REUSE_LEFT: Duration = Duration::from_secs(6 * 24 * 3600);
/// Random bytes in a token: 128 bits, more than anyone can guess.
const TOKEN_BYTES: usize = 16;

/// Makes and serves links under one public base URL.
#[derive(Clone, Debug)]
pub struct Links {
    store: Store,
    /// Where the listener is reached from outside, without a trailing slash.
    base: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("storing a file link: {0}")]
    Store(#[from] sqlx::Error),
    #[error("no randomness for a file link: {0}")]
    Random(String),
}

impl Links {
    pub fn new(store: Store, base: &str) -> Links {
        Links {
            store,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// The URL at which `chat` on `channel` can fetch stored file `file_id` for a week.
    pub async fn url(
        &self,
        file_id: i64,
        channel: &str,
        chat: &str,
        now: DateTime<Utc>,
    ) -> Result<String, LinkError> {
        let left = chrono::Duration::from_std(REUSE_LEFT).expect("a week fits");
        let valid = chrono::Duration::from_std(VALID).expect("a week fits");
        let mut tx = self.store.begin().await?;
        let token = match file_links::valid_for(&mut tx, file_id, channel, chat, now + left).await?
        {
            Some(t) => t,
            None => {
                file_links::purge(&mut tx, now).await?;
                let t = token()?;
                file_links::create(&mut tx, &t, file_id, channel, chat, now, now + valid).await?;
                t
            }
        };
        tx.commit().await?;
        Ok(format!("{}/files/{token}", self.base))
    }
}

/// A fresh token: random bytes from the operating system, URL-safe.
fn token() -> Result<String, LinkError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| LinkError::Random(e.to_string()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `s` could be a token at all, so noise never reaches the database.
fn looks_like_token(s: &str) -> bool {
    s.len() == 22
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The listener's route for links.
pub fn router(store: Store) -> axum::Router {
    axum::Router::new()
        .route("/files/{token}", get(serve))
        .with_state(store)
}

async fn serve(State(store): State<Store>, Path(token): Path<String>) -> Response {
    if !looks_like_token(&token) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let found = async {
        let mut tx = store.begin().await?;
        let f = file_links::open(&mut tx, &token, Utc::now()).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(f)
    };
    match found.await {
        Ok(Some(f)) => {
            let disposition = format!(
                "{}; filename=\"{}\"",
                if f.kind == "photo" {
                    "inline"
                } else {
                    "attachment"
                },
                ascii_name(&f.name)
            );
            let headers = [
                (header::CONTENT_TYPE, content_type(&f.name).to_string()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            ];
            (headers, f.bytes).into_response()
        }
        // Unknown and expired look alike: a link tells nothing once it is gone.
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "serving a file link");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The type a file's name says it is; the bot names every file it keeps.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A file name safe inside a header: what is not plain ASCII becomes `_`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || ".-_ ".contains(c) => c,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = token().unwrap();
        let b = token().unwrap();
        assert_ne!(a, b);
        assert!(looks_like_token(&a), "{a}");
        assert!(!looks_like_token("../../etc/passwd"));
        assert!(!looks_like_token(""));
    }

    #[test]
    fn names_say_what_is_served() {
        assert_eq!(content_type("ho-theo-xom.png"), "image/png");
        assert_eq!(content_type("anh.JPG"), "image/jpeg");
        assert!(content_type("bao-cao.xlsx").contains("spreadsheet"));
        assert_eq!(ascii_name("biên bản.pdf"), "bi_n b_n.pdf");
    }
}
