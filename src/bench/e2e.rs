//! End to end through the real Telegram adapter (`run::start`: teloxide's client and
//! dispatcher, long polling, the engine, the outbox and its paced sender) against the bench's
//! Bot API stand-in on 127.0.0.1. Three measurements a round: a crowd of users who each send
//! all their messages at once; then, with nothing else going on, one quiet user who sends a
//! message, reads the reply, and sends the next; then the daily digest to many recipients.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::digest::{self, Digest};
use super::script::{self, Plan};
use super::standin::{self, StandIn};
use crate::config::Settings;
use crate::dialogue::engine::Engine;
use crate::sender::Limits;
use crate::store::{Store, outbox};

/// With no new reply for this long, the rest is not coming: the sender's own send timeout.
const STALL: Duration = Duration::from_secs(30);

/// The median and the 99th percentile of some latencies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Spread {
    pub p50: Duration,
    pub p99: Duration,
}

impl Spread {
    /// Nearest rank; None for no samples.
    pub(super) fn of(mut samples: Vec<Duration>) -> Option<Spread> {
        samples.sort();
        let rank = |p: f64| {
            let i = (p * samples.len() as f64).ceil() as usize;
            samples[i.clamp(1, samples.len()) - 1]
        };
        (!samples.is_empty()).then(|| Spread {
            p50: rank(0.50),
            p99: rank(0.99),
        })
    }
}

/// Many users, each sending all their messages at once.
#[derive(Debug, Clone)]
pub(super) struct Crowd {
    pub expected: usize,
    pub replies: usize,
    /// From the first push until the last reply the stand-in recorded.
    pub elapsed: Duration,
    /// Messages a second the sender may send, all chats together.
    pub cap_per_sec: f64,
    /// From an update's handing to the bot until the send of its reply.
    pub latency: Option<Spread>,
    /// From the first push until each user's first reply: how fairly the sender shares the
    /// cap among the chats waiting.
    pub first: Option<Spread>,
}

impl Crowd {
    /// How long the overall cap alone needs for this many replies.
    pub(super) fn cap_time(&self) -> Duration {
        Duration::from_secs_f64(self.replies as f64 / self.cap_per_sec)
    }

    /// The latencies a perfect sender would show, sending in arrival order at exactly the
    /// cap, every update having come at the same moment.
    pub(super) fn cap_latency(&self) -> Option<Spread> {
        let step = 1.0 / self.cap_per_sec;
        Spread::of(
            (1..=self.replies)
                .map(|i| Duration::from_secs_f64(i as f64 * step))
                .collect(),
        )
    }
}

/// One user, one message at a time.
#[derive(Debug, Clone)]
pub(super) struct Quiet {
    pub expected: usize,
    pub replies: usize,
    /// From the update's handing to the bot until the reply's send.
    pub latency: Option<Spread>,
    /// From the user's message reaching the stand-in until the reply's send.
    pub seen: Option<Spread>,
}

/// Both measurements, on a bot started for the round and stopped after it.
pub(super) async fn run(
    engine: Arc<Engine>,
    plan: &Plan,
    round: usize,
) -> anyhow::Result<(Crowd, Quiet, Digest)> {
    let standin = StandIn::start().await?;
    let settings = Settings {
        telegram_token: Some(standin::TOKEN.into()),
        telegram_api_url: Some(standin.url().to_string()),
        telegram_limits: plan.limits.clone(),
        ..Settings::default()
    };
    let cap_per_sec = plan
        .limits
        .as_ref()
        .map_or(Limits::TELEGRAM.overall_per_sec, |l| {
            f64::from(l.overall_per_sec)
        });
    let store = engine.store().clone();
    let running = crate::run::start(&settings, engine)
        .await
        .context("starting the Telegram adapter against the stand-in")?;
    let result = async {
        idle(&standin).await?;
        let crowd = crowd(&standin, plan, round, cap_per_sec).await?;
        drained(&store).await?;
        idle(&standin).await?;
        let quiet = quiet(&standin, plan, round).await?;
        drained(&store).await?;
        let digest = digest::run(&store, &standin, &running.wake, round, cap_per_sec).await?;
        // Every row marked sent before the bot stops.
        drained(&store).await?;
        anyhow::Ok((crowd, quiet, digest))
    }
    .await;
    running.abort();
    result
}

/// Waits until the bot sits in an idle long poll.
async fn idle(standin: &StandIn) -> anyhow::Result<()> {
    let deadline = Instant::now() + STALL;
    while standin.polls_waiting() == 0 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the bot never polled the stand-in"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(())
}

/// Waits until the outbox holds nothing more to send to Telegram, so the next measurement
/// starts on a quiet bot.
async fn drained(store: &Store) -> anyhow::Result<()> {
    let deadline = Instant::now() + STALL;
    loop {
        let mut tx = store.begin().await?;
        let left = outbox::due(&mut tx, "telegram", None, chrono::Utc::now(), 1).await?;
        tx.commit().await?;
        if left.is_empty() {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "the outbox never emptied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Telegram user ids of a round's crowd, and of its quiet user.
fn crowd_user(round: usize, user: usize) -> i64 {
    (1_000_000 * (round + 1) + user) as i64
}

fn quiet_user(round: usize) -> i64 {
    (1_000_000 * (round + 1) + 999_999) as i64
}

/// Pushes every message of every user at once (the first message of every user, then the
/// second of every user, and so on, as a crowd typing together would arrive), then waits
/// for every reply.
async fn crowd(
    standin: &StandIn,
    plan: &Plan,
    round: usize,
    cap_per_sec: f64,
) -> anyhow::Result<Crowd> {
    let mut texts = vec![];
    for step in 0..plan.messages {
        for user in 0..plan.users {
            // Phone spaces 32..64 are the crowd's, one per round.
            let text = script::message(step, 32 + round % 32, user);
            texts.push((crowd_user(round, user), text));
        }
    }
    // Each message is answered with one reply.
    let expected = texts.len();
    let start = Instant::now();
    let ids = standin.push(&texts);
    let (replies, last) = loop {
        let (n, last) = standin.sends();
        let quiet_since = last.unwrap_or(start);
        if n >= expected || quiet_since.elapsed() > STALL {
            break (n, last);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    // A user's k-th reply answers their k-th message: each chat's messages are handled, and
    // its replies sent, in order.
    let (mut latencies, mut first) = (vec![], vec![]);
    for user in 0..plan.users {
        let chat = crowd_user(round, user);
        let sent = standin.sent_to(chat);
        if let Some(at) = sent.first() {
            first.push(at.saturating_duration_since(start));
        }
        let mine = ids
            .iter()
            .zip(&texts)
            .filter(|(_, (c, _))| *c == chat)
            .map(|(id, _)| *id);
        for (id, at) in mine.zip(sent) {
            if let Some(handed) = standin.handed(id) {
                latencies.push(at.saturating_duration_since(handed));
            }
        }
    }
    Ok(Crowd {
        expected,
        replies,
        elapsed: last.map_or(Duration::ZERO, |t| t.saturating_duration_since(start)),
        cap_per_sec,
        latency: Spread::of(latencies),
        first: Spread::of(first),
    })
}

/// One user sends a message, waits for the reply, reads it for `plan.think`, and sends the
/// next; nobody else says anything.
async fn quiet(standin: &StandIn, plan: &Plan, round: usize) -> anyhow::Result<Quiet> {
    let chat = quiet_user(round);
    let (mut latency, mut seen) = (vec![], vec![]);
    for step in 0..plan.quiet {
        // Phone spaces 64..96 are the quiet users', one per round.
        let text = script::message(step, 64 + round % 32, 0);
        let pushed = Instant::now();
        let id = standin.push(&[(chat, text)])[0];
        let deadline = pushed + STALL;
        let sent = loop {
            if let Some(&at) = standin.sent_to(chat).get(step) {
                break Some(at);
            }
            if Instant::now() > deadline {
                break None;
            }
            // Short, so the wait adds little to the next message's timing.
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        let Some(at) = sent else {
            break;
        };
        seen.push(at.saturating_duration_since(pushed));
        if let Some(handed) = standin.handed(id) {
            latency.push(at.saturating_duration_since(handed));
        }
        tokio::time::sleep(plan.think).await;
    }
    Ok(Quiet {
        expected: plan.quiet,
        replies: standin.sent_to(chat).len(),
        latency: Spread::of(latency),
        seen: Spread::of(seen),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let ms = |v: &[u64]| v.iter().map(|&m| Duration::from_millis(m)).collect();
        let s = Spread::of(ms(&[5, 1, 4, 2, 3])).unwrap();
        assert_eq!(s.p50, Duration::from_millis(3));
        assert_eq!(s.p99, Duration::from_millis(5));
        let hundred: Vec<u64> = (1..=100).collect();
        let s = Spread::of(ms(&hundred)).unwrap();
        assert_eq!(
            (s.p50, s.p99),
            (Duration::from_millis(50), Duration::from_millis(99))
        );
        assert_eq!(Spread::of(vec![]), None);
    }
}
