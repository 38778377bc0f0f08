//! Messages in the program's own terms, whatever the platform: what a user sent (`Inbound`)
//! and what the bot says (`Reply`, with its buttons and files). The engine and the digest
//! write them, the outbox stores them, and each channel renders them its own way; so this
//! module knows no platform and no database.

use serde::{Deserialize, Serialize};

use crate::text::Lang;

/// One message from a user, in the engine's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// "console", "telegram", "zalo"
    pub channel: String,
    /// Where replies go.
    pub chat_id: String,
    /// Who wrote: the identity the person is known by on this channel.
    pub sender_id: String,
    pub sender_name: Option<String>,
    /// Unique per channel; a message seen twice is handled once.
    pub message_id: String,
    /// The platform's idea of the user's language, used for new users only.
    pub lang_hint: Option<Lang>,
    pub content: Content,
}

impl Inbound {
    /// The message without control characters in anything a person or platform named: a
    /// file's name and id, the sender's name, a button's data (a NUL cannot even be stored by
    /// PostgreSQL, and nothing a person reads needs the others). Typed text is left to the
    /// dialogue, which drops them too but tells a blank line from a line of them.
    pub fn printable(&self) -> Inbound {
        let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_control()).collect() };
        let mut m = self.clone();
        m.sender_name = m.sender_name.as_deref().map(clean);
        m.content = match m.content {
            Content::Choice(d) => Content::Choice(clean(&d)),
            Content::File(mut f) => {
                f.name = clean(&f.name);
                // Platforms' ids never hold one; the console's id is the typed name.
                f.file_id = clean(&f.file_id);
                Content::File(f)
            }
            other => other,
        };
        m
    }
}

/// The log's span for one inbound message, which every line logged while it is handled
/// carries: its channel, chat and update (the platform's id of the message), and the dialogue
/// and step it answered, which the engine records once it knows them. At ERROR level so that
/// it is on whenever anything is logged at all: the default filter's warnings carry it too.
pub fn span(channel: &str, chat: &str, update_id: &str) -> tracing::Span {
    tracing::error_span!(
        "message",
        channel,
        chat,
        update_id,
        dialogue = tracing::field::Empty,
        step = tracing::field::Empty,
    )
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text(String),
    /// A pressed button's data.
    Choice(String),
    /// A shared phone contact; `own` when it is the sender's own number.
    Contact {
        phone: String,
        own: bool,
    },
    /// A photo or a document, by the platform's file id.
    File(FileRef),
    /// Something the bot cannot read (sticker, voice, location…), named for the log.
    Unsupported(String),
    /// A file the user sent that the channel could not receive (too large, not an image, its
    /// link failed), named for the log: the user is asked to send it again.
    Unreadable(String),
}

/// The `channel` of a file kept in the bot's own store.
const STORED: &str = "stored";
/// The `channel` of a file the bot makes when it sends it (`report::made`).
const MAKE: &str = "make";

/// A file a user sent, as the platform knows it; sent back by the same platform's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// "photo" or "document"
    pub kind: String,
    pub channel: String,
    pub file_id: String,
    pub name: String,
    /// A file the bot made itself (a chart, a report), base64, sent as an upload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl FileRef {
    /// A file the bot made, carried in the message itself.
    pub fn inline(kind: &str, name: &str, bytes: &[u8]) -> FileRef {
        use base64::Engine as _;
        FileRef {
            kind: kind.into(),
            channel: "inline".into(),
            file_id: String::new(),
            name: name.into(),
            data: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
        }
    }

    /// A file the bot made and stored (`store::files`): the message carries only its number,
    /// and each channel sends it by its own upload of it.
    pub fn stored(kind: &str, name: &str, id: i64) -> FileRef {
        FileRef {
            kind: kind.into(),
            channel: STORED.into(),
            file_id: id.to_string(),
            name: name.into(),
            data: None,
        }
    }

    /// A file the bot makes only when it sends it, after the transaction that asked for it
    /// (a chart, a workbook): the message carries what to make (`recipe`).
    pub fn to_make(kind: &str, name: &str, recipe: String) -> FileRef {
        FileRef {
            kind: kind.into(),
            channel: MAKE.into(),
            file_id: recipe,
            name: name.into(),
            data: None,
        }
    }

    /// What to make, for a file made when it is sent.
    pub fn recipe(&self) -> Option<&str> {
        (self.channel == MAKE).then_some(self.file_id.as_str())
    }

    /// The number of a stored file.
    pub fn stored_id(&self) -> Option<i64> {
        (self.channel == STORED).then(|| self.file_id.parse().ok())?
    }

    /// The bytes of an inline file.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine as _;
        let data = self.data.as_ref()?;
        base64::engine::general_purpose::STANDARD.decode(data).ok()
    }
}

/// A message from the bot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Reply {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Offer the platform's "share my phone number" button, with this label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_contact: Option<String>,
    /// Files to send with the message (a proposal's attachments, to an officer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRef>,
    /// The menu of tasks follows a short note ("Đã hủy.") only as a convenience: this is the
    /// note with a pointer to help, which a channel that prints each choice as a line (the
    /// console) says instead of the whole list. Buttons cost no lines: the others ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }
}

/// A button, or a numbered line where there are no buttons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    /// What a button press sends back (kept under Telegram's 64 bytes).
    pub data: String,
    /// What to type instead of pressing: "2", or a record's number. None for commands, where
    /// the data itself ("/dangky") is what one types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Splits text into parts of at most `max` characters for platforms with a length limit:
/// at line breaks, so a numbered option or a record's line stays whole, and in order. A line
/// longer than `max` is cut between words; only a word longer than `max` is cut inside.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut parts = vec![];
    let mut cur = String::new();
    for line in text.split('\n') {
        for piece in cut_line(line, max) {
            let extra = usize::from(!cur.is_empty());
            if !cur.is_empty() && cur.chars().count() + extra + piece.chars().count() > max {
                parts.push(std::mem::take(&mut cur));
            } else if extra == 1 {
                cur.push('\n');
            }
            cur.push_str(&piece);
        }
    }
    if !cur.is_empty() || parts.is_empty() {
        parts.push(cur);
    }
    parts
}

/// One line as pieces of at most `max` characters, cut at spaces where it is too long.
fn cut_line(line: &str, max: usize) -> Vec<String> {
    let mut pieces = vec![];
    let mut rest: Vec<char> = line.chars().collect();
    while rest.len() > max {
        // The last space that leaves a piece within the limit; a word longer than a whole
        // message has no such space and is cut where the limit falls.
        let cut = rest[..=max]
            .iter()
            .rposition(|c| *c == ' ')
            .filter(|&i| i > 0);
        let (piece, skip) = match cut {
            Some(i) => (i, i + 1),
            None => (max, max),
        };
        pieces.push(rest[..piece].iter().collect());
        rest.drain(..skip);
    }
    pieces.push(rest.into_iter().collect());
    pieces
}

/// Renders a reply as plain lines, for channels without buttons (console, Zalo) and for
/// printing (`giamngheo digest --dry-run`): numbered choices as "\[2\] Hộ cận nghèo", commands
/// as "/dangky – Đăng ký hộ".
pub fn render_plain(reply: &Reply) -> String {
    let mut out = reply.text.clone();
    for f in &reply.files {
        out.push_str(&format!("\n📎 {}", f.name));
    }
    for c in &reply.choices {
        out.push('\n');
        match &c.key {
            Some(k) => out.push_str(&format!("[{k}] {}", c.label)),
            None => out.push_str(&format!("{} – {}", c.data, c.label)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_split_at_line_breaks_in_order() {
        let text = (0..300)
            .map(|i| format!("[{i}] dòng số {i:03} ..........."))
            .collect::<Vec<_>>()
            .join("\n");
        for max in [2000, 4096] {
            let parts = split(&text, max);
            assert!(parts.len() > 1);
            assert!(parts.iter().all(|p| p.chars().count() <= max));
            assert_eq!(
                parts.join("\n"),
                text,
                "nothing lost, no line cut, in order"
            );
        }
        assert_eq!(split("ngắn", 2000), ["ngắn"]);
        assert_eq!(split("", 2000), [""]);
    }

    #[test]
    fn a_long_line_is_cut_between_words() {
        let line = "chữ ".repeat(700);
        let parts = split(line.trim_end(), 2000);
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.chars().count() <= 2000));
        assert!(
            parts
                .iter()
                .all(|p| !p.starts_with(' ') && !p.ends_with(' '))
        );
        assert!(
            parts.iter().all(|p| p.split(' ').all(|w| w == "chữ")),
            "no word cut"
        );
        let one = "x".repeat(5000);
        let parts = split(&one, 4096);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts.concat(), one);
    }
}
