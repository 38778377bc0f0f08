//! Pacing for one platform: an overall rate, a rate per chat with a short burst, a slower
//! rate for group chats, and holds a platform asked for (a 429). Token buckets over
//! `Instant`s given by the caller, so the arithmetic is tested without waiting.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A platform's limits, as its adapter declares them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Messages per second across all chats.
    pub overall_per_sec: f64,
    /// Messages per second to one chat, after a burst of `per_chat_burst`.
    pub per_chat_per_sec: f64,
    pub per_chat_burst: u32,
    /// Messages per minute to one group chat.
    pub per_group_per_min: f64,
}

impl Limits {
    /// Telegram's: about 30 messages a second overall, one a second per chat (short bursts
    /// are tolerated), twenty a minute per group.
    pub const TELEGRAM: Limits = Limits {
        overall_per_sec: 30.0,
        per_chat_per_sec: 1.0,
        per_chat_burst: 3,
        per_group_per_min: 20.0,
    };
}

#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_sec: f64,
    at: Instant,
}

impl Bucket {
    fn new(capacity: f64, per_sec: f64, now: Instant) -> Bucket {
        Bucket {
            tokens: capacity,
            capacity,
            per_sec,
            at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + dt * self.per_sec).min(self.capacity);
        self.at = self.at.max(now);
    }

    /// How long until a token is there (zero if one is).
    fn wait(&self) -> Duration {
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / self.per_sec)
        }
    }

    fn full(&self) -> bool {
        self.tokens >= self.capacity
    }
}

/// The buckets of one platform, shared by every chat's sending task.
#[derive(Debug)]
pub struct Pacer {
    limits: Limits,
    overall: Bucket,
    chats: HashMap<String, Bucket>,
    /// A hold on everything (a 429 for the whole bot) or on one chat.
    held_all: Option<Instant>,
    held: HashMap<String, Instant>,
}

/// Idle chats whose buckets are full are forgotten past this many, to bound memory.
const KEEP_CHATS: usize = 10_000;

impl Pacer {
    pub fn new(limits: Limits, now: Instant) -> Pacer {
        // The overall bucket holds a tenth of a second's worth, so no one-second window ever
        // carries much more than the limit.
        let burst = (limits.overall_per_sec / 10.0).max(1.0);
        Pacer {
            limits,
            overall: Bucket::new(burst, limits.overall_per_sec, now),
            chats: HashMap::new(),
            held_all: None,
            held: HashMap::new(),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Takes the right to send one message to `chat` now, or says when to ask again.
    pub fn reserve(&mut self, chat: &str, group: bool, now: Instant) -> Result<(), Instant> {
        let hold = [self.held_all, self.held.get(chat).copied()]
            .into_iter()
            .flatten()
            .filter(|&until| until > now)
            .max();
        if let Some(until) = hold {
            return Err(until);
        }
        self.held.remove(chat);
        if self.chats.len() > KEEP_CHATS {
            self.chats.values_mut().for_each(|b| b.refill(now));
            self.chats.retain(|_, b| !b.full());
        }
        let limits = self.limits;
        let bucket = self.chats.entry(chat.to_string()).or_insert_with(|| {
            if group {
                let per_sec = limits.per_group_per_min / 60.0;
                Bucket::new(f64::from(limits.per_chat_burst), per_sec, now)
            } else {
                let burst = f64::from(limits.per_chat_burst.max(1));
                Bucket::new(burst, limits.per_chat_per_sec, now)
            }
        });
        bucket.refill(now);
        self.overall.refill(now);
        let wait = bucket.wait().max(self.overall.wait());
        if wait > Duration::ZERO {
            return Err(now + wait);
        }
        bucket.tokens -= 1.0;
        self.overall.tokens -= 1.0;
        Ok(())
    }

    /// The platform asked to wait (429): one chat, or the whole bot.
    pub fn hold(&mut self, chat: Option<&str>, until: Instant) {
        match chat {
            Some(c) => {
                let at = self.held.entry(c.to_string()).or_insert(until);
                *at = (*at).max(until);
            }
            None => self.held_all = Some(self.held_all.map_or(until, |h| h.max(until))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends as fast as the pacer allows to `chats` in turn, for `secs` seconds of simulated
    /// time; returns the instants of each send.
    fn run(limits: Limits, chats: &[(&str, bool)], secs: u64) -> Vec<(String, Instant)> {
        let t0 = Instant::now();
        let mut p = Pacer::new(limits, t0);
        let mut now = t0;
        let mut sent = vec![];
        let end = t0 + Duration::from_secs(secs);
        while now < end {
            let mut next = end;
            let mut any = false;
            for (c, group) in chats {
                match p.reserve(c, *group, now) {
                    Ok(()) => {
                        sent.push((c.to_string(), now));
                        any = true;
                    }
                    Err(at) => next = next.min(at),
                }
            }
            if !any {
                now = next;
            }
        }
        sent
    }

    fn most_in_any_window(times: &[Instant], window: Duration) -> usize {
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|&&t| t - times[i] < window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn many_chats_share_the_overall_rate() {
        let chats: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
        let list: Vec<(&str, bool)> = chats.iter().map(|c| (c.as_str(), false)).collect();
        let sent = run(Limits::TELEGRAM, &list, 10);
        let times: Vec<Instant> = sent.iter().map(|s| s.1).collect();
        // Ten seconds at 30 a second, plus the small burst.
        assert!((295..=305).contains(&sent.len()), "{}", sent.len());
        assert!(most_in_any_window(&times, Duration::from_secs(1)) <= 33);
    }

    #[test]
    fn one_chat_gets_a_short_burst_then_one_a_second() {
        let sent = run(Limits::TELEGRAM, &[("a", false)], 10);
        let times: Vec<Instant> = sent.iter().map(|s| s.1).collect();
        assert_eq!(times[2] - times[0], Duration::ZERO, "a burst of three");
        assert!((12..=13).contains(&sent.len()), "{}", sent.len());
    }

    #[test]
    fn a_group_gets_twenty_a_minute() {
        let sent = run(Limits::TELEGRAM, &[("-100", true)], 60);
        assert!((22..=24).contains(&sent.len()), "{}", sent.len());
    }

    #[test]
    fn a_hold_on_one_chat_leaves_the_others_alone() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Limits::TELEGRAM, t0);
        p.hold(Some("a"), t0 + Duration::from_secs(5));
        assert_eq!(p.reserve("a", false, t0), Err(t0 + Duration::from_secs(5)));
        assert_eq!(p.reserve("b", false, t0), Ok(()));
        assert_eq!(p.reserve("a", false, t0 + Duration::from_secs(5)), Ok(()));
        p.hold(None, t0 + Duration::from_secs(9));
        assert!(p.reserve("c", false, t0 + Duration::from_secs(6)).is_err());
    }
}
