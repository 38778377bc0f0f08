//! The daily digest end to end: `Plan::recipients` hamlet heads, each sent the digest of a day
//! (their text, then the commune's chart) through the real Telegram adapter against the
//! stand-in, timed from the start of the digest run until the last message reached the
//! stand-in, against the time the 30/s cap allows for that many messages.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::script::Plan;
use super::standin::StandIn;
use crate::app::AppState;
use crate::clock::Clock;
use crate::domain::{Category, HouseholdStatus, Role};
use crate::sender::Wake;
use crate::store::households::{self, NewHousehold};
use crate::store::{Store, communes, digests, on_tx, persons};

/// With no new message for this long, the rest is not coming.
const STALL: Duration = Duration::from_secs(30);

/// Telegram ids of the recipients: apart from every user the other measurements invent.
fn recipient(i: usize) -> i64 {
    (900_000_000 + i) as i64
}

/// One digest run.
#[derive(Debug, Clone)]
pub(super) struct Digest {
    pub recipients: usize,
    /// Messages the digest queued (text and chart per recipient) and how many arrived.
    pub expected: usize,
    pub sent: usize,
    /// Charts that went up as files (the rest went by Telegram's id for the upload).
    pub uploads: usize,
    pub elapsed: Duration,
    pub cap_per_sec: f64,
}

impl Digest {
    pub(super) fn cap_time(&self) -> Duration {
        Duration::from_secs_f64(self.sent as f64 / self.cap_per_sec)
    }

    /// None when nothing was sent.
    pub(super) fn over_cap(&self) -> Option<f64> {
        let cap = self.cap_time().as_secs_f64();
        (cap > 0.0).then(|| self.elapsed.as_secs_f64() / cap)
    }
}

/// Makes the recipients, each reached on Telegram: hamlet heads of a hamlet where the bench's
/// residents do not register (the script answers "2"), so that no registration notifies
/// them and no other measurement sends them anything. A deadline of the commune gives every
/// digest something to say (a digest with nothing to say is not sent), and a confirmed
/// household of that hamlet something to draw (the chart counts confirmed households).
pub(super) async fn prepare(store: &Store, plan: &Plan) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut tx = store.begin().await?;
    let commune = communes::default_commune(&mut tx, None)
        .await?
        .context("the bench's commune")?;
    let hamlets = communes::hamlets(&mut tx, commune.id).await?;
    let hamlet = hamlets.get(2).context("the demo commune's third hamlet")?;
    // Within the digest's 30-day horizon at first, overdue (and so still shown) later.
    let due = now.date_naive() + chrono::Days::new(20);
    digests::add_deadline(&mut tx, commune.id, "Báo cáo quý", due, None, now).await?;
    let mut first_head = None;
    for i in 0..plan.recipients {
        let chat = recipient(i).to_string();
        let name = format!("Trưởng xóm {i}");
        let id = persons::create(&mut tx, commune.id, &name, "vi", now).await?;
        persons::link_identity(&mut tx, "telegram", &chat, id, &chat, Some(now)).await?;
        let head = Role::HamletHead;
        persons::grant(&mut tx, id, commune.id, head, Some(hamlet.id), None, now).await?;
        first_head.get_or_insert(id);
    }
    if let Some(head) = first_head {
        let household = NewHousehold {
            commune_id: commune.id,
            hamlet_id: hamlet.id,
            head_name: "Hộ Mẫu",
            address: "Số 1",
            phone: "0912000000",
            members: 4,
            category: Category::Poor,
            escaped_on: None,
            escape_decision: None,
            cccd: None,
            status: HouseholdStatus::Confirmed,
            registered_by: head,
        };
        households::insert(&mut tx, &household, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The real clock, `ahead` later: each round's digest is for a day of its own (a person gets
/// one digest a day), and always covers the registrations made just before.
struct Ahead(chrono::TimeDelta);

impl Clock for Ahead {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.0
    }
}

/// The last outbox row's number, or (after > 0) how many Telegram rows came after row
/// `after`, sent already or not.
async fn queued(store: &Store, after: i64) -> anyhow::Result<i64> {
    let mut tx = store.begin().await?;
    let n: i64 = match after {
        0 => on_tx!(&mut tx, |conn| sqlx::query_scalar(
            "SELECT COALESCE(MAX(id), 0) FROM outbox"
        )
        .fetch_one(conn)
        .await)?,
        _ => on_tx!(&mut tx, |conn| sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE id > $1 AND channel = 'telegram'"
        )
        .bind(after)
        .fetch_one(conn)
        .await)?,
    };
    tx.commit().await?;
    Ok(n)
}

/// Sends round `round`'s digest to every recipient, as the bot's daily tick does, and waits
/// until every message it queued reached the stand-in.
pub(super) async fn run(
    store: &Store,
    standin: &StandIn,
    wake: &Wake,
    round: usize,
    cap_per_sec: f64,
) -> anyhow::Result<Digest> {
    let ahead = chrono::TimeDelta::days(round as i64 + 1);
    let app = AppState::new(store.clone(), Arc::new(Ahead(ahead)))?;
    let (before, _) = standin.sends();
    let uploads_before = standin.uploads();
    let queued_before = queued(store, 0).await?;
    let start = Instant::now();
    let recipients = crate::digest::tick(&app).await.context("the digest")?;
    wake.ring();
    let expected = usize::try_from(queued(store, queued_before).await?)?;
    let (sent, last) = loop {
        let (n, last) = standin.sends();
        let quiet_since = last.unwrap_or(start).max(start);
        if n - before >= expected || quiet_since.elapsed() > STALL {
            break (n - before, last);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    Ok(Digest {
        recipients,
        expected,
        sent,
        uploads: standin.uploads() - uploads_before,
        elapsed: last.map_or(Duration::ZERO, |t| t.saturating_duration_since(start)),
        cap_per_sec,
    })
}
