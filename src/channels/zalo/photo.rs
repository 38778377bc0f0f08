//! Photos Zalo users send where a file is asked for: fetched at once (Zalo's links do not
//! last), checked (an image, not too large) and kept in the bot's own file store, so officers
//! later receive them on whatever channel they use.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::api::{ApiError, network};
use crate::store::{Store, files};

/// The largest photo kept.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// How long fetching one photo may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("not an image: {0:?}")]
    NotImage(String),
    #[error("HTTP {0}")]
    Status(u16),
    #[error(transparent)]
    Fetch(#[from] ApiError),
    #[error("storing: {0}")]
    Store(#[from] sqlx::Error),
}

/// A photo as fetched.
struct Fetched {
    bytes: Vec<u8>,
    content_type: String,
}

/// The store's number for the photo at `url`, fetched and kept under `key` unless it was kept
/// already (the same message delivered again); its name is returned too.
pub async fn keep(
    http: &reqwest::Client,
    store: &Store,
    key: &str,
    url: &str,
    now: DateTime<Utc>,
) -> Result<(i64, String), PhotoError> {
    let mut tx = store.begin().await?;
    let known = files::by_key(&mut tx, key).await?;
    tx.commit().await?;
    if let Some(found) = known {
        return Ok(found);
    }
    // Fetched outside any transaction: a slow download must not hold the database.
    let photo = fetch(http, url).await?;
    let name = name(url, &photo.content_type, key);
    let mut tx = store.begin().await?;
    let id = files::put(&mut tx, key, "photo", &name, &photo.bytes, now).await?;
    tx.commit().await?;
    Ok((id, name))
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<Fetched, PhotoError> {
    let mut resp = http
        .get(url)
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(network)?;
    if !resp.status().is_success() {
        return Err(PhotoError::Status(resp.status().as_u16()));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !content_type.starts_with("image/") {
        return Err(PhotoError::NotImage(content_type));
    }
    if resp.content_length().is_some_and(|n| n > MAX_BYTES as u64) {
        return Err(PhotoError::TooLarge);
    }
    // Read piece by piece, so a server that lies about the length cannot fill the memory.
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(network)? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(PhotoError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        bytes,
        content_type,
    })
}

/// The photo's name: the link's own when it has one with an image's ending, else one made of
/// the message and the type.
fn name(url: &str, content_type: &str, key: &str) -> String {
    let from_url = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            [".jpg", ".jpeg", ".png", ".gif", ".webp"]
                .iter()
                .any(|e| lower.ends_with(e))
                && n.len() <= 100
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
    if let Some(n) = from_url {
        return n.to_string();
    }
    let ext = match content_type.split(';').next().unwrap_or_default().trim() {
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "jpg",
    };
    let tail: String = key
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(20)
        .collect();
    format!("anh-zalo-{tail}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_keep_their_names_or_get_one() {
        assert_eq!(
            name("https://f.zdn.vn/x/bien-ban.jpg?v=2", "image/jpeg", "k"),
            "bien-ban.jpg"
        );
        assert_eq!(
            name("https://f.zdn.vn/x/abc", "image/png", "zalo:photo:c1:2d75"),
            "anh-zalo-2d75.png"
        );
        assert_eq!(
            name("https://f.zdn.vn/x/../../a b.jpg", "image/jpeg", "z:m1"),
            "anh-zalo-m1.jpg"
        );
    }
}
