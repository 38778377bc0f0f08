//! Replies waiting to be sent. They are queued in the same transaction as the message that
//! caused them and deleted from the queue (marked sent) only once the platform took them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};
use crate::message::{FileRef, Reply};

#[derive(Debug, Clone, FromRow)]
pub struct Row {
    pub id: i64,
    pub channel: String,
    pub chat_id: String,
    pub body: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
}

impl Row {
    pub fn reply(&self) -> serde_json::Result<Reply> {
        serde_json::from_str(&self.body)
    }
}

/// Queues a reply; returns the id of its first row. A reply with files is queued as one row
/// for its text (with its buttons) and one row per file, in that order: a row is what is
/// tried again after a failure, so a file that failed goes again on its own, without the
/// text the user has already read (the console prints such rows as one reply).
pub async fn enqueue(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    reply: &Reply,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let mut first = None;
    for body in bodies(channel, reply) {
        let id = enqueue_body(tx, channel, chat_id, &body, now).await?;
        first.get_or_insert(id);
    }
    Ok(first.expect("a reply is at least one row"))
}

/// Queues one row of a reply (see `bodies`); returns its id.
pub(super) async fn enqueue_body(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO outbox (channel, chat_id, body, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id"
    )
    .bind(channel)
    .bind(chat_id)
    .bind(body)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// The bodies of the rows a reply is queued as: see `enqueue`.
pub(super) fn bodies(channel: &str, reply: &Reply) -> Vec<String> {
    parts(channel, reply)
        .iter()
        .map(|p| serde_json::to_string(p).expect("a reply serialises"))
        .collect()
}

/// The longest text one message carries on a channel: Telegram's 4,096 characters, Zalo's
/// 2,000. Each part is a row of its own, sent and retried alone: a failure on the second part
/// never sends the first again. (Zalo counts UTF-16 units and writes the numbered choices
/// under the text: a last part that grows past its limit is cut again when sent.)
fn text_max(channel: &str) -> Option<usize> {
    match channel {
        "telegram" => Some(4096),
        "zalo" => Some(2000),
        _ => None,
    }
}

/// The rows a reply is queued as: see `enqueue`.
fn parts(channel: &str, reply: &Reply) -> Vec<Reply> {
    // A long text as several messages, its buttons with the last.
    let mut texts: Vec<Reply> = match text_max(channel) {
        Some(max) if reply.text.chars().count() > max => {
            let mut pieces = crate::message::split(&reply.text, max);
            let last = pieces.pop().unwrap_or_default();
            pieces
                .into_iter()
                .map(Reply::text)
                .chain([Reply {
                    text: last,
                    files: vec![],
                    ..reply.clone()
                }])
                .collect()
        }
        _ => vec![Reply {
            files: vec![],
            ..reply.clone()
        }],
    };
    if reply.files.is_empty() {
        return texts;
    }
    let text = texts.pop().expect("at least one text row");
    let files = reply.files.iter().map(|f| Reply {
        files: vec![f.clone()],
        ..Reply::default()
    });
    // Files alone, with no text or buttons to go before them, need no text row.
    texts
        .into_iter()
        .chain((text != Reply::default()).then_some(text))
        .chain(files)
        .collect()
}

/// Unsent replies of a channel that are due, oldest first; of one chat if `chat_id` is given.
pub async fn due(
    tx: &mut Tx,
    channel: &str,
    chat_id: Option<&str>,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Row>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, channel, chat_id, body, attempts, next_attempt_at FROM outbox
         WHERE channel = $1 AND ($2 IS NULL OR chat_id = $2)
           AND sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3
         ORDER BY id LIMIT $4"
    )
    .bind(channel)
    .bind(chat_id)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await)
}

/// How many replies of a channel wait to be sent (retries included, given-up ones not), and
/// when the oldest of them was queued. Reads only the unsent end of the `outbox_due` index and
/// one row.
pub async fn backlog(tx: &mut Tx, channel: &str) -> sqlx::Result<(i64, Option<DateTime<Utc>>)> {
    let depth: i64 = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox
         WHERE channel = $1 AND sent_at IS NULL AND failed_at IS NULL"
    )
    .bind(channel)
    .fetch_one(conn)
    .await)?;
    let oldest: Option<DateTime<Utc>> = on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT created_at FROM outbox
         WHERE channel = $1 AND sent_at IS NULL AND failed_at IS NULL
         ORDER BY id LIMIT 1"
    )
    .bind(channel)
    .fetch_optional(conn)
    .await)?;
    Ok((depth, oldest))
}

/// Marks a reply sent, and forgets what it said.
pub async fn mark_sent(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    execute!(
        tx,
        // The text goes once sent: a reply may carry a code that still works (an invite, a
        // join code) or a phone in full, and the row is kept only to know it was sent.
        "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, body = '' WHERE id = $2",
        now,
        id
    )?;
    Ok(())
}

/// Puts a reply back in the queue until `next`, after a failure worth retrying.
pub async fn retry_at(tx: &mut Tx, id: i64, error: &str, next: DateTime<Utc>) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2
         WHERE id = $3",
        error,
        next,
        id
    )?;
    Ok(())
}

/// Gives up on a reply that can never be delivered (the user blocked the bot).
pub async fn mark_failed(
    tx: &mut Tx,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE outbox SET failed_at = $1, last_error = $2, attempts = attempts + 1 WHERE id = $3",
        now,
        error,
        id
    )?;
    Ok(())
}

/// Chats of a channel whose next reply is due, the longest waiting first: a chat whose first
/// unsent reply waits for its retry is not due, whatever is queued behind it. A reply never
/// tried is due at once, whatever clock queued it; a retry when its time (real time) has come.
pub async fn due_chats(
    tx: &mut Tx,
    channel: &str,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT o.chat_id FROM outbox o
         WHERE o.channel = $1 AND o.sent_at IS NULL AND o.failed_at IS NULL
           AND (o.attempts = 0 OR o.next_attempt_at <= $2)
           AND NOT EXISTS (
               SELECT 1 FROM outbox e
               WHERE e.channel = o.channel AND e.chat_id = o.chat_id AND e.id < o.id
                 AND e.sent_at IS NULL AND e.failed_at IS NULL)
         ORDER BY o.id LIMIT $3"
    )
    .bind(channel)
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await)
}

/// The first `limit` unsent replies of one chat, in order, due or not.
pub async fn unsent_for_chat(
    tx: &mut Tx,
    channel: &str,
    chat_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<Row>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, channel, chat_id, body, attempts, next_attempt_at FROM outbox
         WHERE channel = $1 AND chat_id = $2 AND sent_at IS NULL AND failed_at IS NULL
         ORDER BY id LIMIT $3"
    )
    .bind(channel)
    .bind(chat_id)
    .bind(limit)
    .fetch_all(conn)
    .await)
}

/// The right to send chats' replies, so two processes never interleave a chat. On PostgreSQL
/// these are session advisory locks, all held on one connection of their own: if the process
/// dies, the connection closes and its locks go with it. If the connection is lost while the
/// process lives, its locks are gone too: every lock taken on it is then no longer held
/// (`still_held`), and senders stop. SQLite serves one process, whose sender never works on one
/// chat twice at a time, so there is nothing to lock.
pub struct ChatLocks {
    pool: Option<sqlx::PgPool>,
    conn: tokio::sync::Mutex<Option<sqlx::PgConnection>>,
    /// Counts the sessions: a lock is held while the session it was taken on lives.
    session: std::sync::atomic::AtomicU64,
}

/// A lock taken, on the session it was taken on.
pub struct Held {
    session: u64,
}

impl ChatLocks {
    pub fn new(store: &super::Store) -> ChatLocks {
        let pool = match store {
            super::Store::Postgres(pool) => Some(pool.clone()),
            super::Store::Sqlite(_) => None,
        };
        ChatLocks {
            pool,
            conn: tokio::sync::Mutex::new(None),
            session: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Takes `key`'s lock, or None if another process holds it.
    pub async fn try_take(&self, key: &str) -> sqlx::Result<Option<Held>> {
        let (got, session) = self
            .run("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key)
            .await?;
        Ok(got.unwrap_or(true).then_some(Held { session }))
    }

    pub async fn release(&self, key: &str) -> sqlx::Result<()> {
        self.run("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)
            .await
            .map(drop)
    }

    /// Asks the lock session whether it still lives; if not, every lock taken on it is lost
    /// from here on. Called every second, it bounds how long a sender can go on after its
    /// session died under it.
    pub async fn check(&self) {
        if self.pool.is_none() {
            return;
        }
        let mut conn = self.conn.lock().await;
        let Some(c) = conn.as_mut() else {
            return;
        };
        if sqlx::query("SELECT 1").execute(c).await.is_err() {
            *conn = None;
            self.session
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Whether the session `held` was taken on still lives (so the lock is still ours).
    pub fn still_held(&self, held: &Held) -> bool {
        self.session.load(std::sync::atomic::Ordering::SeqCst) == held.session
    }

    async fn run(&self, sql: &'static str, key: &str) -> sqlx::Result<(Option<bool>, u64)> {
        let session = || self.session.load(std::sync::atomic::Ordering::SeqCst);
        let Some(pool) = &self.pool else {
            return Ok((None, session()));
        };
        let mut conn = self.conn.lock().await;
        if conn.is_none() {
            // A connection of its own, never returned to the pool: a session holding locks
            // must not serve anyone else.
            *conn = Some(pool.acquire().await?.detach());
        }
        let c = conn.as_mut().expect("just connected");
        match sqlx::query_scalar(sql).bind(key).fetch_one(c).await {
            Ok(v) => Ok((Some(v), session())),
            Err(e) => {
                // The session is gone or broken, and its locks with it: every lock taken on
                // it is lost, and the next one starts a new session.
                *conn = None;
                self.session
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Err(e)
            }
        }
    }
}

/// How `files_not_sent` names a file: the platform's id of it, or the bot's own for one it
/// made or stored.
pub fn file_key(f: &FileRef) -> String {
    match f.file_id.is_empty() {
        true => format!("{}:{}", f.channel, f.name),
        false => format!("{}:{}", f.channel, f.file_id),
    }
}

/// Records that the platform refused to deliver these files (by `file_key`) to a chat.
pub async fn files_refused(
    tx: &mut Tx,
    channel: &str,
    chat: &str,
    files: &[String],
    why: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    for file in files {
        execute!(
            tx,
            "INSERT INTO files_not_sent (channel, chat_id, file, why, at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (channel, chat_id, file) DO UPDATE SET why = excluded.why, at = excluded.at",
            channel,
            chat,
            file,
            why,
            now
        )?;
    }
    Ok(())
}

/// These files (by `file_key`) reached the chat: a refusal recorded before is over.
pub async fn files_arrived(
    tx: &mut Tx,
    channel: &str,
    chat: &str,
    files: &[String],
) -> sqlx::Result<()> {
    for file in files {
        execute!(
            tx,
            "DELETE FROM files_not_sent WHERE channel = $1 AND chat_id = $2 AND file = $3",
            channel,
            chat,
            file
        )?;
    }
    Ok(())
}

/// Why the file did not reach the person the last time it was sent to one of their chats,
/// if it did not.
pub async fn refused_to(tx: &mut Tx, person_id: i64, f: &FileRef) -> sqlx::Result<Option<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT n.why FROM files_not_sent n
         JOIN identities i ON i.channel = n.channel AND i.chat_id = n.chat_id
         WHERE i.person_id = $1 AND n.file = $2
         ORDER BY n.at DESC LIMIT 1"
    )
    .bind(person_id)
    .bind(file_key(f))
    .fetch_optional(conn)
    .await)
}
