//! Forgetting what has served its purpose: the record of messages seen and replies sent once
//! older than the retention period, conversations left idle (their unfinished answers hold
//! names, phones and ID numbers), and expired file links. Registrations, groups, proposals and
//! the audit log are the program's records and are never pruned here.

use chrono::{DateTime, Utc};

use super::{Tx, execute};

/// How many rows of each kind one call removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub inbox: u64,
    pub outbox: u64,
    pub conversations: u64,
    pub file_links: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.inbox + self.outbox + self.conversations + self.file_links
    }
}

/// Removes at most `batch` rows of each kind: messages seen and replies sent (or given up)
/// before `kept_from`, conversations untouched since before `idle_from`, file links expired
/// by `now`. Small batches keep each transaction short on a busy server.
pub async fn prune(
    tx: &mut Tx,
    kept_from: DateTime<Utc>,
    idle_from: DateTime<Utc>,
    now: DateTime<Utc>,
    batch: i64,
) -> sqlx::Result<Pruned> {
    // A redelivered update is recognised by its inbox row; platforms stop redelivering within
    // a day, so a month-old row protects nothing.
    let inbox = execute!(
        tx,
        "DELETE FROM inbox WHERE (channel, message_id) IN (
            SELECT channel, message_id FROM inbox WHERE received_at < $1 LIMIT $2)",
        kept_from,
        batch
    )?;
    // Replies not sent yet stay, whatever their age: they are still owed.
    let outbox = execute!(
        tx,
        "DELETE FROM outbox WHERE id IN (
            SELECT id FROM outbox
            WHERE COALESCE(sent_at, failed_at) IS NOT NULL AND COALESCE(sent_at, failed_at) < $1
            LIMIT $2)",
        kept_from,
        batch
    )?;
    let conversations = execute!(
        tx,
        "DELETE FROM conversations WHERE (channel, chat_id) IN (
            SELECT channel, chat_id FROM conversations WHERE updated_at < $1 LIMIT $2)",
        idle_from,
        batch
    )?;
    let file_links = execute!(
        tx,
        "DELETE FROM file_links WHERE token IN (
            SELECT token FROM file_links WHERE expires_at < $1 LIMIT $2)",
        now,
        batch
    )?;
    Ok(Pruned {
        inbox,
        outbox,
        conversations,
        file_links,
    })
}

/// How long what is pruned is kept, in days (settings `retention_days`, `idle_days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    pub kept_days: u32,
    pub idle_days: u32,
}

impl Default for Periods {
    fn default() -> Self {
        Periods {
            kept_days: 30,
            idle_days: 30,
        }
    }
}

/// Rows removed per transaction.
const BATCH: i64 = 500;

/// Prunes everything due at `now`, a batch per transaction, and returns what went.
pub async fn prune_all(
    store: &super::Store,
    periods: Periods,
    now: DateTime<Utc>,
) -> sqlx::Result<Pruned> {
    let kept_from = now - chrono::Duration::days(periods.kept_days.into());
    let idle_from = now - chrono::Duration::days(periods.idle_days.into());
    let mut all = Pruned::default();
    loop {
        let mut tx = store.begin().await?;
        let p = prune(&mut tx, kept_from, idle_from, now, BATCH).await?;
        tx.commit().await?;
        all.inbox += p.inbox;
        all.outbox += p.outbox;
        all.conversations += p.conversations;
        all.file_links += p.file_links;
        if p.total() == 0 {
            return Ok(all);
        }
    }
}
