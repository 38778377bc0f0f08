//! Limits on wrong codes (link codes, join codes), per person and hour, kept by the audit rows
//! that record each wrong try: guessing a code must need more than patience.

use chrono::TimeDelta;
use serde_json::json;

use crate::dialogue::ctx::Ctx;
use crate::store::{Tx, audit};

/// Wrong tries of one kind a person may make within `window`; the next try is refused, even
/// with the right code, until the oldest of them is `window` old.
pub(crate) struct Limit {
    /// The audit action a wrong try is recorded as, and counted by.
    pub wrong: &'static str,
    /// The audit action a refused try is recorded as.
    pub blocked: &'static str,
    pub max: i64,
    pub window: TimeDelta,
}

/// Where a person stands against a limit.
pub(crate) enum Standing {
    /// Tries are left; a wrong one now leaves `left` more.
    Open { left: i64 },
    /// Spent: `tries` wrong within the window; the next try is taken in `minutes`.
    Blocked { tries: i64, minutes: i64 },
}

impl Limit {
    /// Whether the person may try now; a refused try is recorded.
    pub(crate) async fn check(&self, ctx: &Ctx<'_>, tx: &mut Tx) -> sqlx::Result<Standing> {
        let me = ctx.person.id;
        let since = ctx.now - self.window;
        let (tries, oldest) = audit::count_since(tx, "person", me, self.wrong, since).await?;
        if tries < self.max {
            return Ok(Standing::Open {
                left: (self.max - tries - 1).max(0),
            });
        }
        let lifts = oldest.unwrap_or(ctx.now) + self.window - ctx.now;
        // Whole minutes, rounded up: "in 0 minutes" would be a lie.
        let minutes = (lifts.num_seconds() + 59).div_euclid(60).max(1);
        audit::record(
            tx,
            ctx.who(),
            self.blocked,
            "person",
            me,
            &json!({}),
            ctx.now,
        )
        .await?;
        Ok(Standing::Blocked { tries, minutes })
    }

    /// Records a wrong try (never the code typed: a near miss would help the next guess).
    pub(crate) async fn wrong(&self, ctx: &Ctx<'_>, tx: &mut Tx, cause: &str) -> sqlx::Result<()> {
        let me = ctx.person.id;
        // "cause", not "reason": a reason is what a person wrote, and the log shows it.
        let detail = json!({ "cause": cause, "channel": ctx.channel });
        audit::record(tx, ctx.who(), self.wrong, "person", me, &detail, ctx.now).await
    }
}
