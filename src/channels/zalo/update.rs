//! Zalo's updates, read leniently: the clients and the documentation disagree on details (a
//! webhook body bare or wrapped as `{"ok":true,"result":…}`, an image as `photo_url` or
//! `photo`, a name as `display_name` or `first_name`, ids as strings or numbers), so each is
//! taken in every form it is seen in.

use serde_json::Value;

/// One message a Zalo user sent, in the parts the bot uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// `message.text.received`, `message.image.received`…
    pub event: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub chat_id: String,
    pub group: bool,
    /// Zalo's id of the message, or its time (ms) where a server leaves the id out.
    pub message_id: String,
    pub what: What,
}

/// What the message carries.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    Text(String),
    /// An image, to be fetched from `url` (Zalo's links do not last).
    Image {
        url: String,
        caption: Option<String>,
    },
    /// A sticker, a voice message, something Zalo withholds: named for the log.
    Other(String),
}

impl Update {
    /// The inbox's key for the message: the same event, chat and message id is the same
    /// message, however often Zalo delivers it.
    pub fn inbox_id(&self) -> String {
        format!("{}:{}:{}", self.event, self.chat_id, self.message_id)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    #[error("not an update with a message")]
    NoMessage,
    #[error("the message has no {0}")]
    Missing(&'static str),
}

/// Reads an update from a webhook body or a `getUpdates` result.
pub fn parse(body: &Value) -> Result<Update, ParseError> {
    // Wrapped as an API answer, or the update itself.
    let update = match body.get("result") {
        Some(r) if r.is_object() && body.get("ok").is_some() => r,
        _ => body,
    };
    let msg = update.get("message").filter(|m| m.is_object());
    let msg = msg.ok_or(ParseError::NoMessage)?;
    let sender_id = id(&msg["from"]["id"]).ok_or(ParseError::Missing("from.id"))?;
    let chat_id = id(&msg["chat"]["id"]).unwrap_or_else(|| sender_id.clone());
    let message_id = id(&msg["message_id"])
        .or_else(|| id(&msg["msg_id"]))
        .or_else(|| id(&msg["date"]).map(|d| format!("d{d}")))
        .ok_or(ParseError::Missing("message_id"))?;
    let sender_name = ["display_name", "first_name", "name"]
        .iter()
        .find_map(|k| text(&msg["from"][k]));
    let group = msg["chat"]["chat_type"]
        .as_str()
        .or_else(|| msg["chat"]["type"].as_str())
        .is_some_and(|t| t.eq_ignore_ascii_case("group"));
    let event = text(&update["event_name"]).unwrap_or_else(|| guess_event(msg).to_string());
    let what = what(&event, msg);
    Ok(Update {
        event,
        sender_id,
        sender_name,
        chat_id,
        group,
        message_id,
        what,
    })
}

fn what(event: &str, msg: &Value) -> What {
    match event {
        "message.text.received" => match msg["text"].as_str() {
            Some(t) => What::Text(t.to_string()),
            None => What::Other("text without text".into()),
        },
        "message.image.received" => match image_url(msg) {
            Some(url) => What::Image {
                url,
                caption: text(&msg["caption"]),
            },
            None => What::Other("image without a link".into()),
        },
        "message.sticker.received" => What::Other("sticker".into()),
        "message.unsupported.received" => What::Other("unsupported".into()),
        other => What::Other(other.to_string()),
    }
}

/// The event a message is, for servers that leave `event_name` out.
fn guess_event(msg: &Value) -> &'static str {
    if msg["text"].is_string() {
        "message.text.received"
    } else if image_url(msg).is_some() {
        "message.image.received"
    } else if !msg["sticker"].is_null() {
        "message.sticker.received"
    } else {
        "message.unsupported.received"
    }
}

/// The image's link: `photo_url`, or `photo` as a link or an object with one.
fn image_url(msg: &Value) -> Option<String> {
    [&msg["photo_url"], &msg["photo"], &msg["photo"]["url"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
}

/// An id, given as a string or a number.
fn id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text_update() -> Value {
        json!({
            "event_name": "message.text.received",
            "message": {
                "from": {"id": "6ede9afa66b88fe6d6a9", "display_name": "Ted", "is_bot": false},
                "chat": {"id": "6ede9afa66b88fe6d6a9", "chat_type": "PRIVATE"},
                "text": "Xin chào",
                "message_id": "2d758cb5e222177a4e35",
                "date": 1750316131602u64
            }
        })
    }

    #[test]
    fn a_text_reads_bare_or_wrapped() {
        let bare = parse(&text_update()).unwrap();
        let wrapped = parse(&json!({"ok": true, "result": text_update()})).unwrap();
        assert_eq!(bare, wrapped);
        assert_eq!(bare.what, What::Text("Xin chào".into()));
        assert_eq!(bare.sender_name.as_deref(), Some("Ted"));
        assert!(!bare.group);
        assert_eq!(
            bare.inbox_id(),
            "message.text.received:6ede9afa66b88fe6d6a9:2d758cb5e222177a4e35"
        );
    }

    #[test]
    fn an_image_reads_in_every_form() {
        for photo in [
            json!({"photo_url": "https://f.zdn.vn/a.jpg"}),
            json!({"photo": "https://f.zdn.vn/a.jpg"}),
            json!({"photo": {"url": "https://f.zdn.vn/a.jpg"}}),
        ] {
            let mut u = text_update();
            u["event_name"] = json!("message.image.received");
            let m = u["message"].as_object_mut().unwrap();
            m.remove("text");
            m.extend(photo.as_object().unwrap().clone());
            m.insert("caption".into(), json!("biên bản"));
            let got = parse(&u).unwrap();
            assert_eq!(
                got.what,
                What::Image {
                    url: "https://f.zdn.vn/a.jpg".into(),
                    caption: Some("biên bản".into())
                }
            );
        }
    }

    #[test]
    fn what_the_bot_cannot_read_is_named_and_no_message_is_refused() {
        let mut u = text_update();
        u["event_name"] = json!("message.sticker.received");
        assert_eq!(parse(&u).unwrap().what, What::Other("sticker".into()));
        // Without an event name, the message says what it is.
        let mut u = text_update();
        u.as_object_mut().unwrap().remove("event_name");
        assert_eq!(parse(&u).unwrap().event, "message.text.received");
        assert_eq!(parse(&json!({"ok": true})), Err(ParseError::NoMessage));
        assert_eq!(
            parse(&json!({"message": {"text": "x"}})),
            Err(ParseError::Missing("from.id"))
        );
        let mut u = text_update();
        u["message"]["chat"]["chat_type"] = json!("GROUP");
        assert!(parse(&u).unwrap().group);
    }
}
