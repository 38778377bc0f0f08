//! Replies waiting to be sent. They are queued in the same transaction as the message that
//! caused them and deleted from the queue (marked sent) only once the platform took them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Tx, execute, on_tx};
use crate::message::Reply;

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
    for part in parts(reply) {
        let body = serde_json::to_string(&part).expect("a reply serialises");
        let id = on_tx!(tx, |conn| sqlx::query_scalar(
            "INSERT INTO outbox (channel, chat_id, body, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id"
        )
        .bind(channel)
        .bind(chat_id)
        .bind(body)
        .bind(now)
        .fetch_one(conn)
        .await)?;
        first.get_or_insert(id);
    }
    Ok(first.expect("a reply is at least one row"))
}

/// The rows a reply is queued as: see `enqueue`.
fn parts(reply: &Reply) -> Vec<Reply> {
    if reply.files.is_empty() {
        return vec![reply.clone()];
    }
    let text = Reply {
        files: vec![],
        ..reply.clone()
    };
    let files = reply.files.iter().map(|f| Reply {
        files: vec![f.clone()],
        ..Reply::default()
    });
    // Files alone, with no text or buttons to go before them, need no text row.
    (text != Reply::default())
        .then_some(text)
        .into_iter()
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

pub async fn mark_sent(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2",
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

/// Chats of a channel with replies due, the longest waiting first. A reply never tried is
/// due at once, whatever clock queued it; a retry when its time (real time) has come.
pub async fn due_chats(
    tx: &mut Tx,
    channel: &str,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT chat_id FROM outbox
         WHERE channel = $1 AND sent_at IS NULL AND failed_at IS NULL
           AND (attempts = 0 OR next_attempt_at <= $2)
         GROUP BY chat_id ORDER BY MIN(id) LIMIT $3"
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

/// The right to send one chat's replies, so two processes never interleave a chat. On
/// PostgreSQL it is a session advisory lock on a connection of its own: if the process dies,
/// the connection closes and the lock goes with it. SQLite serves one process, whose sender
/// never works on one chat twice at a time, so there is nothing to lock.
pub struct ChatLock {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
    key: String,
}

impl ChatLock {
    /// Takes the chat's lock, or None if another process holds it.
    pub async fn try_take(
        store: &super::Store,
        channel: &str,
        chat_id: &str,
    ) -> sqlx::Result<Option<ChatLock>> {
        let key = format!("outbox:{channel}:{chat_id}");
        let super::Store::Postgres(pool) = store else {
            return Ok(Some(ChatLock { conn: None, key }));
        };
        let mut conn = pool.acquire().await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
            .bind(&key)
            .fetch_one(&mut *conn)
            .await?;
        Ok(got.then_some(ChatLock {
            conn: Some(conn),
            key,
        }))
    }

    pub async fn release(mut self) -> sqlx::Result<()> {
        if let Some(mut conn) = self.conn.take() {
            let unlocked = sqlx::query("SELECT pg_advisory_unlock(hashtextextended($1, 0))")
                .bind(&self.key)
                .execute(&mut *conn)
                .await;
            if let Err(e) = unlocked {
                // Never hand a session that may still hold the lock back to the pool.
                drop(conn.detach());
                return Err(e);
            }
        }
        Ok(())
    }
}

impl Drop for ChatLock {
    fn drop(&mut self) {
        // Not released (the task was cancelled): close the connection rather than hand a
        // locked session back to the pool.
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

/// The right to send chats' replies, so two processes never interleave a chat. On PostgreSQL
/// these are session advisory locks, all held on one connection of their own: if the process
/// dies, the connection closes and its locks go with it. SQLite serves one process, whose
/// sender never works on one chat twice at a time, so there is nothing to lock.
pub struct ChatLocks {
    pool: Option<sqlx::PgPool>,
    conn: tokio::sync::Mutex<Option<sqlx::PgConnection>>,
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
        }
    }

    /// Takes `key`'s lock, or false if another process holds it.
    pub async fn try_take(&self, key: &str) -> sqlx::Result<bool> {
        self.run("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key)
            .await
            .map(|got| got.unwrap_or(true))
    }

    pub async fn release(&self, key: &str) -> sqlx::Result<()> {
        self.run("SELECT pg_advisory_unlock(hashtextextended($1, 0))", key)
            .await
            .map(drop)
    }

    async fn run(&self, sql: &'static str, key: &str) -> sqlx::Result<Option<bool>> {
        let Some(pool) = &self.pool else {
            return Ok(None);
        };
        let mut conn = self.conn.lock().await;
        if conn.is_none() {
            // A connection of its own, never returned to the pool: a session holding locks
            // must not serve anyone else.
            *conn = Some(pool.acquire().await?.detach());
        }
        let c = conn.as_mut().expect("just connected");
        match sqlx::query_scalar(sql).bind(key).fetch_one(c).await {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                // The session is gone or broken, and its locks with it: start afresh.
                *conn = None;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Choice, FileRef};

    fn file(name: &str) -> FileRef {
        FileRef::inline("document", name, b"x")
    }

    #[test]
    fn a_reply_with_files_is_a_row_for_its_text_and_one_per_file() {
        let reply = Reply {
            text: "Đề xuất #1".into(),
            choices: vec![Choice {
                label: "Duyệt".into(),
                data: "ok".into(),
                key: None,
            }],
            files: vec![file("a.pdf"), file("b.pdf")],
            ..Reply::default()
        };
        let rows = parts(&reply);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].text, reply.text);
        assert_eq!(
            rows[0].choices, reply.choices,
            "the buttons stay with the text"
        );
        assert!(rows[0].files.is_empty());
        for (row, f) in rows[1..].iter().zip(&reply.files) {
            assert_eq!(
                row,
                &Reply {
                    files: vec![f.clone()],
                    ..Reply::default()
                }
            );
        }
        // Files alone need no empty text before them; a plain text is one row as ever.
        let alone = Reply {
            files: vec![file("a.pdf")],
            ..Reply::default()
        };
        assert_eq!(parts(&alone), vec![alone.clone()]);
        assert_eq!(parts(&Reply::text("chào")), [Reply::text("chào")]);
    }
}
