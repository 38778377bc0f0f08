//! Sending the outbox, for every channel alike: each chat's messages strictly in order, chats
//! side by side up to the platform's limits, and a fault in one chat (a 429, a hang, a long
//! queue) holding up no other. Woken when a message is queued, so a reply leaves within
//! milliseconds of its commit. A channel adapter says only how to deliver one message, what
//! its limits are, and what a failure means.
//!
//! On the way out (`stop`) a sender sends what is due once nothing is being handled any more,
//! then stops; out of time, it stops between two messages, and what is left stays queued for
//! the next start.

pub mod pace;

use std::collections::HashSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::watch;

use crate::message::Reply;
use crate::metrics;
use crate::report::made::{self, MadeError};
use crate::stop::{Phase, Stop};
use crate::store::Store;
use crate::store::outbox::{self, ChatLocks};
pub use pace::Limits;
use pace::Pacer;

/// Why a platform did not take a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Too many requests: wait this long, for this chat or (`whole_bot`) for every chat.
    RetryAfter { after: Duration, whole_bot: bool },
    /// Worth another try later: a 5xx, a timeout, a network error.
    Transient(String),
    /// Can never succeed: the user blocked the bot, no such chat, a bad request.
    Refused(String),
}

impl Failure {
    /// The failure's code, as the metrics count it: 429, the HTTP or platform code the
    /// platform's words carry (Telegram says "Forbidden: …" for 403, Zalo "Zalo error 403
    /// …"), else `timeout`, `network` or `refused`.
    pub fn code(&self) -> String {
        let why = match self {
            Failure::RetryAfter { .. } => return "429".into(),
            Failure::Transient(why) | Failure::Refused(why) => why,
        };
        const WORDS: [(&str, &str); 9] = [
            ("Bad Request", "400"),
            ("Unauthorized", "401"),
            ("Forbidden", "403"),
            ("Not Found", "404"),
            ("Conflict", "409"),
            ("Internal Server Error", "500"),
            ("Bad Gateway", "502"),
            ("Service Unavailable", "503"),
            ("Gateway Timeout", "504"),
        ];
        if let Some((_, code)) = WORDS.iter().find(|(w, _)| why.starts_with(w)) {
            return (*code).into();
        }
        // "Zalo error 403 (HTTP 200): …", "HTTP 502 without Zalo's answer".
        for mark in ["Zalo error ", "HTTP "] {
            if let Some(rest) = why.find(mark).map(|i| &why[i + mark.len()..]) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() {
                    return digits;
                }
            }
        }
        let lower = why.to_ascii_lowercase();
        if lower.contains("timed out") || lower.contains("timeout") || lower.contains("in time") {
            "timeout".into()
        } else if matches!(self, Failure::Refused(_)) {
            "refused".into()
        } else {
            "network".into()
        }
    }
}

/// What a channel adapter gives the sender.
pub trait Platform: Send + Sync + 'static {
    /// The channel's name in the outbox ("telegram", "zalo").
    fn channel(&self) -> &'static str;
    fn limits(&self) -> Limits;
    /// Group chats have a slower limit of their own.
    fn is_group(&self, chat: &str) -> bool;
    /// Delivers one message; a message whose parts all went is `Ok`.
    fn deliver(&self, chat: &str, msg: &Reply) -> impl Future<Output = Result<(), Failure>> + Send;
}

/// How many chats are served at once. Each holds no connection while it waits, so this only
/// bounds the tasks; the platform's limits bound the rate.
const MAX_CHATS: usize = 256;
/// A delivery that takes longer than this is given up and tried again later.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// Retries after a transient failure wait 2, 4, 8… seconds, at most this long.
const MAX_BACKOFF_SECS: i64 = 300;
/// Without a wake-up, the outbox is looked at this often (retries fall due, other processes
/// queue messages).
const IDLE_LOOK: Duration = Duration::from_secs(1);

/// Rung whenever a message is queued (after its transaction committed); every channel's
/// sender hears it. A ring while a sender is busy is not lost: it looks again after.
#[derive(Clone, Debug)]
pub struct Wake(Arc<watch::Sender<u64>>);

impl Default for Wake {
    fn default() -> Wake {
        Wake(Arc::new(watch::channel(0).0))
    }
}

impl Wake {
    pub fn ring(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn listen(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}

pub struct Sender<P> {
    platform: P,
    store: Store,
    wake: Wake,
    stop: Stop,
    pacer: Mutex<Pacer>,
    /// Chats with a task of this process working on them.
    busy: Mutex<HashSet<String>>,
    locks: ChatLocks,
}

impl<P: Platform> Sender<P> {
    /// Starts sending in the background; `wake` rings whenever a message is queued. Sending
    /// runs on the real clock (limits and retry waits are about time really passing), not
    /// the program's clock that says what day it is for the rules. The task ends on the way
    /// out (`stop`), once what was due is sent or time is up.
    pub fn spawn(platform: P, store: Store, wake: Wake, stop: Stop) -> tokio::task::JoinHandle<()> {
        let limits = platform.limits();
        let sender = Arc::new(Sender {
            platform,
            locks: ChatLocks::new(&store),
            store,
            wake,
            stop,
            pacer: Mutex::new(Pacer::new(limits, Instant::now())),
            busy: Mutex::new(HashSet::new()),
        });
        tokio::spawn(sender.run())
    }

    async fn run(self: Arc<Self>) {
        let mut rings = self.wake.listen();
        let mut checked = Instant::now();
        loop {
            rings.mark_unchanged();
            if checked.elapsed() >= IDLE_LOOK {
                self.locks.check().await;
                checked = Instant::now();
            }
            let draining = self.stop.phase() >= Phase::Draining;
            match self.clone().start_due().await {
                Ok(due) => {
                    // Nothing due and nothing being sent: done, on the way out.
                    if draining && due == 0 && self.busy.lock().expect("busy set").is_empty() {
                        return;
                    }
                }
                Err(e) => {
                    metrics::count_if_database(&e);
                    tracing::error!(error = %e, channel = self.platform.channel(), "outbox");
                }
            }
            if self.stop.phase() >= Phase::Halting {
                // Each chat's task stops before its next message; wait for those in flight.
                while !self.busy.lock().expect("busy set").is_empty() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                return;
            }
            tokio::select! {
                _ = rings.changed() => {}
                _ = tokio::time::sleep(IDLE_LOOK) => {}
                _ = self.stop.reached(Phase::Draining), if !draining => {}
                _ = self.stop.reached(Phase::Halting) => {}
            }
        }
    }

    /// Starts a task for every chat with a message due that no task works on yet; says how
    /// many chats have a message due (being sent already or not).
    async fn start_due(self: Arc<Self>) -> anyhow::Result<usize> {
        let now = Utc::now();
        let mut tx = self.store.begin().await?;
        let chats =
            outbox::due_chats(&mut tx, self.platform.channel(), now, MAX_CHATS as i64).await?;
        tx.commit().await?;
        if self.stop.phase() >= Phase::Halting {
            return Ok(0);
        }
        let due = chats.len();
        for chat in chats {
            {
                let mut busy = self.busy.lock().expect("busy set");
                if busy.len() >= MAX_CHATS || !busy.insert(chat.clone()) {
                    continue;
                }
            }
            let me = self.clone();
            tokio::spawn(async move {
                let progressed = match me.serve(&chat).await {
                    Ok(p) => p,
                    Err(e) => {
                        metrics::count_if_database(&e);
                        tracing::error!(error = %e, chat, channel = me.platform.channel(), "sending");
                        false
                    }
                };
                me.busy.lock().expect("busy set").remove(&chat);
                // Messages may have been queued for this chat while it was busy. A chat that
                // waits (a retry, another process's lock) is looked at again by the timer;
                // on the way out at once, to see whether anything is left.
                if progressed || me.stop.phase() >= Phase::Draining {
                    me.wake.ring();
                }
            });
        }
        Ok(due)
    }

    /// Sends one chat's due messages in order, until none is due or one must wait; says
    /// whether any message was dealt with.
    async fn serve(&self, chat: &str) -> anyhow::Result<bool> {
        let channel = self.platform.channel();
        let key = format!("outbox:{channel}:{chat}");
        let Some(lock) = self.locks.try_take(&key).await? else {
            // Another process is sending to this chat.
            return Ok(false);
        };
        let result = self.serve_locked(chat, &lock).await;
        self.locks.release(&key).await?;
        result
    }

    async fn serve_locked(&self, chat: &str, lock: &outbox::Held) -> anyhow::Result<bool> {
        let channel = self.platform.channel();
        let group = self.platform.is_group(chat);
        let mut progressed = false;
        loop {
            let mut tx = self.store.begin().await?;
            let rows = outbox::unsent_for_chat(&mut tx, channel, chat, 20).await?;
            tx.commit().await?;
            if rows.is_empty() {
                return Ok(progressed);
            }
            for row in rows {
                if row.attempts > 0 && row.next_attempt_at > Utc::now() {
                    // An earlier message waits for its retry; later ones wait behind it.
                    return Ok(progressed);
                }
                if self.stop.phase() >= Phase::Halting {
                    // Out of time: the rest goes at the next start.
                    return Ok(progressed);
                }
                if !self.locks.still_held(lock) {
                    // The session holding the lock was lost: another process may have the
                    // chat now, so stop rather than interleave with it.
                    return Ok(progressed);
                }
                progressed = true;
                let reply = match row.reply() {
                    Ok(r) => r,
                    Err(e) => {
                        let mut tx = self.store.begin().await?;
                        let why = format!("unreadable: {e}");
                        outbox::mark_failed(&mut tx, row.id, &why, Utc::now()).await?;
                        tx.commit().await?;
                        continue;
                    }
                };
                let names: Vec<String> = reply.files.iter().map(|f| f.name.clone()).collect();
                let files: Vec<String> = reply.files.iter().map(outbox::file_key).collect();
                // A chart or a workbook is made now, outside the transaction that asked for it.
                let made = match made::resolve(&self.store, reply).await {
                    Ok(r) => Ok(r),
                    Err(MadeError::Unknown(what)) => Err(Failure::Refused(what)),
                    Err(MadeError::Failed(e)) => Err(Failure::Transient(format!("{e:#}"))),
                };
                let result = match made {
                    Err(f) => Err(f),
                    // A chart with nothing left to count by the time it is sent: nothing to say.
                    Ok(made) if made.text.is_empty() && made.files.is_empty() => Ok(()),
                    Ok(made) => {
                        if !self.pace(chat, group).await {
                            return Ok(progressed);
                        }
                        let send = self.platform.deliver(chat, &made);
                        match tokio::time::timeout(SEND_TIMEOUT, send).await {
                            Ok(r) => r,
                            Err(_) => Err(Failure::Transient("timed out".into())),
                        }
                    }
                };
                let now = Utc::now();
                if let Err(f) = &result {
                    metrics::send_failed(channel, &f.code());
                }
                let mut tx = self.store.begin().await?;
                let wait = match result {
                    Ok(()) => {
                        outbox::mark_sent(&mut tx, row.id, now).await?;
                        if !files.is_empty() {
                            outbox::files_arrived(&mut tx, channel, chat, &files).await?;
                        }
                        false
                    }
                    Err(Failure::Refused(why)) => {
                        // Sending it again cannot help, and it must not hold up the chat.
                        tracing::warn!(chat, channel, why, "a message was refused");
                        outbox::mark_failed(&mut tx, row.id, &why, now).await?;
                        if !names.is_empty() {
                            // A file that cannot go (a proposal's minutes, say) is said in
                            // the chat it was for, so nobody misses it without knowing.
                            tracing::error!(chat, channel, why, ?names, "a file was not sent");
                            // And where the file is listed (a proposal's card), until it goes.
                            outbox::files_refused(&mut tx, channel, chat, &files, &why, now)
                                .await?;
                            let notice = file_not_sent(&names.join(", "), &why);
                            outbox::enqueue(&mut tx, channel, chat, &notice, now).await?;
                        }
                        false
                    }
                    Err(Failure::RetryAfter { after, whole_bot }) => {
                        let until = Instant::now() + after;
                        let scope = (!whole_bot).then_some(chat);
                        self.pacer.lock().expect("pacer").hold(scope, until);
                        let next = now + chrono::Duration::from_std(after)?;
                        outbox::retry_at(&mut tx, row.id, "429 retry after", next).await?;
                        true
                    }
                    Err(Failure::Transient(why)) => {
                        // Never given up: the chat still takes messages once the fault passes.
                        let secs = 2i64.saturating_pow(row.attempts.clamp(0, 9) as u32 + 1);
                        let next = now + chrono::Duration::seconds(secs.min(MAX_BACKOFF_SECS));
                        outbox::retry_at(&mut tx, row.id, &why, next).await?;
                        true
                    }
                };
                tx.commit().await?;
                if wait {
                    return Ok(progressed);
                }
            }
        }
    }

    /// Waits until the platform's limits allow one more message to `chat`; false if time ran
    /// out on the way out first.
    async fn pace(&self, chat: &str, group: bool) -> bool {
        loop {
            let at = match self
                .pacer
                .lock()
                .expect("pacer")
                .reserve(chat, group, Instant::now())
            {
                Ok(()) => return true,
                Err(at) => at,
            };
            tokio::select! {
                _ = tokio::time::sleep_until(at.into()) => {}
                _ = self.stop.reached(Phase::Halting) => return false,
            }
        }
    }
}

/// What a person reads when a file meant for them could not be sent. The sender knows no
/// reader's language: Vietnamese, which every user reads.
fn file_not_sent(names: &str, why: &str) -> Reply {
    let args = [("names", names.into()), ("why", why.into())];
    let text = match crate::text::Texts::shared() {
        Some(t) => t.get(crate::text::Lang::Vi, "file-not-sent", &args),
        None => format!("Không gửi được tệp {names}."),
    };
    Reply::text(text)
}
