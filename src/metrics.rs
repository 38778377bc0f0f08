//! What `GET /metrics` shows, in Prometheus' text exposition format: messages handled, how
//! long handling took, send failures, digests sent and database errors, counted in this
//! process since it started; and the outbox's depth and the age of its oldest unsent message,
//! read from the database at each scrape (so they count every process's queue).
//!
//! Written by hand rather than with a metrics crate: a handful of counters and one histogram
//! are a page of code, where a crate would add its own registry, macros and dependencies to
//! build. The counters are process-wide, like the log: whatever handles a message or sends
//! one counts it without being handed anything.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;

use crate::store::{Store, outbox};

/// Upper bounds of the handling-time buckets, in seconds: a message is a few milliseconds;
/// one that waited for the SQLite write lock or a slow disk shows in the higher ones.
const BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// What became of an inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Handled now (its replies queued).
    Handled,
    /// Seen before: nothing done.
    Duplicate,
    /// Not handled (the user was told to try again).
    Failed,
}

impl Outcome {
    const ALL: [Outcome; 3] = [Outcome::Handled, Outcome::Duplicate, Outcome::Failed];

    fn label(self) -> &'static str {
        match self {
            Outcome::Handled => "handled",
            Outcome::Duplicate => "duplicate",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Clone, Default)]
struct Histogram {
    /// Observations at or under each bound of `BUCKETS` (not yet cumulative).
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

struct Counters {
    handled: BTreeMap<(String, Outcome), u64>,
    handling: BTreeMap<String, Histogram>,
    send_failures: BTreeMap<(String, String), u64>,
    digests: u64,
    database_errors: u64,
}

static COUNTERS: Mutex<Counters> = Mutex::new(Counters {
    handled: BTreeMap::new(),
    handling: BTreeMap::new(),
    send_failures: BTreeMap::new(),
    digests: 0,
    database_errors: 0,
});

fn counters() -> std::sync::MutexGuard<'static, Counters> {
    // A panic elsewhere while counting leaves numbers that are still numbers.
    COUNTERS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Shows every outcome of `channels` from the start, at 0, so a rate over them exists
/// before the first message.
pub fn expect_channels(channels: &[&str]) {
    let mut c = counters();
    for ch in channels {
        for o in Outcome::ALL {
            c.handled.entry((ch.to_string(), o)).or_default();
        }
        c.handling.entry(ch.to_string()).or_default();
    }
}

/// One inbound message of `channel`, and how long handling it took.
pub fn handled(channel: &str, outcome: Outcome, took: Duration) {
    let mut c = counters();
    *c.handled.entry((channel.to_string(), outcome)).or_default() += 1;
    let h = c.handling.entry(channel.to_string()).or_default();
    let secs = took.as_secs_f64();
    if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
        h.buckets[i] += 1;
    }
    h.sum += secs;
    h.count += 1;
}

/// A send the platform did not take, by the platform's code (`429`, `403`…, or `timeout`,
/// `network`).
pub fn send_failed(channel: &str, code: &str) {
    *counters()
        .send_failures
        .entry((channel.to_string(), code.to_string()))
        .or_default() += 1;
}

/// Digests handed to the outbox.
pub fn digests_sent(n: usize) {
    counters().digests += n as u64;
}

/// An error of the database (a failed statement, no connection, a failed commit).
pub fn database_error() {
    counters().database_errors += 1;
}

/// Counts `e` as a database error if a database error is what caused it.
pub fn count_if_database(e: &anyhow::Error) {
    if e.chain().any(|c| c.downcast_ref::<sqlx::Error>().is_some()) {
        database_error();
    }
}

/// The page `/metrics` answers: the counters, and the outbox of each of `channels` as the
/// database has it now (left out, and counted as a database error, if it does not answer).
pub async fn render(store: &Store, channels: &[&str]) -> String {
    let mut backlog = vec![];
    match read_backlog(store, channels).await {
        Ok(b) => backlog = b,
        Err(e) => {
            tracing::warn!(error = %e, "reading the outbox for /metrics");
            database_error();
        }
    }
    let now = Utc::now();
    let mut out = String::new();
    let c = counters();

    head(
        &mut out,
        "giamngheo_messages_handled_total",
        "counter",
        "Inbound messages by channel and outcome (handled, duplicate, failed).",
    );
    for ((channel, outcome), n) in &c.handled {
        let labels = [("channel", channel.as_str()), ("outcome", outcome.label())];
        line(
            &mut out,
            "giamngheo_messages_handled_total",
            &labels,
            *n as f64,
        );
    }

    let name = "giamngheo_message_handling_seconds";
    head(
        &mut out,
        name,
        "histogram",
        "Time to handle one inbound message (its whole transaction), by channel.",
    );
    for (channel, h) in &c.handling {
        let mut below = 0;
        for (bound, n) in BUCKETS.iter().zip(h.buckets) {
            below += n;
            let le = bound.to_string();
            let labels = [("channel", channel.as_str()), ("le", le.as_str())];
            line(&mut out, &format!("{name}_bucket"), &labels, below as f64);
        }
        let all = [("channel", channel.as_str()), ("le", "+Inf")];
        line(&mut out, &format!("{name}_bucket"), &all, h.count as f64);
        let labels = [("channel", channel.as_str())];
        line(&mut out, &format!("{name}_sum"), &labels, h.sum);
        line(&mut out, &format!("{name}_count"), &labels, h.count as f64);
    }

    head(
        &mut out,
        "giamngheo_send_failures_total",
        "counter",
        "Messages a platform did not take, by channel and code (429, 403, 5xx, timeout…).",
    );
    for ((channel, code), n) in &c.send_failures {
        let labels = [("channel", channel.as_str()), ("code", code.as_str())];
        line(
            &mut out,
            "giamngheo_send_failures_total",
            &labels,
            *n as f64,
        );
    }

    head(
        &mut out,
        "giamngheo_outbox_depth",
        "gauge",
        "Messages waiting in the outbox to be sent (retries included), by channel.",
    );
    for (channel, depth, _) in &backlog {
        let labels = [("channel", *channel)];
        line(&mut out, "giamngheo_outbox_depth", &labels, *depth as f64);
    }
    head(
        &mut out,
        "giamngheo_outbox_oldest_age_seconds",
        "gauge",
        "How long the oldest message waiting in the outbox has waited (0: none), by channel.",
    );
    for (channel, _, oldest) in &backlog {
        let age = oldest
            .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        line(
            &mut out,
            "giamngheo_outbox_oldest_age_seconds",
            &[("channel", *channel)],
            age,
        );
    }

    head(
        &mut out,
        "giamngheo_digests_sent_total",
        "counter",
        "Daily digests handed to the outbox.",
    );
    line(
        &mut out,
        "giamngheo_digests_sent_total",
        &[],
        c.digests as f64,
    );
    head(
        &mut out,
        "giamngheo_database_errors_total",
        "counter",
        "Errors of the database met while handling, sending, digesting or answering /healthz.",
    );
    line(
        &mut out,
        "giamngheo_database_errors_total",
        &[],
        c.database_errors as f64,
    );
    out
}

type Backlog<'a> = Vec<(&'a str, i64, Option<chrono::DateTime<Utc>>)>;

/// Each channel's outbox, in one transaction that only reads.
async fn read_backlog<'a>(store: &Store, channels: &[&'a str]) -> sqlx::Result<Backlog<'a>> {
    let mut tx = store.read().await?;
    let mut out = vec![];
    for ch in channels {
        let (depth, oldest) = outbox::backlog(&mut tx, ch).await?;
        out.push((*ch, depth, oldest));
    }
    tx.commit().await?;
    Ok(out)
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn line(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            let _ = write!(out, "{k}=\"{v}\"");
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_as_prometheus_writes_it() {
        let mut out = String::new();
        line(
            &mut out,
            "x_total",
            &[("channel", "tele\"gram"), ("le", "0.5")],
            3.0,
        );
        line(&mut out, "y", &[], 0.25);
        assert_eq!(
            out,
            "x_total{channel=\"tele\\\"gram\",le=\"0.5\"} 3\ny 0.25\n"
        );
    }

    #[test]
    fn buckets_rise_and_end_at_ten_seconds() {
        assert!(BUCKETS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(BUCKETS.last(), Some(&10.0));
    }
}
