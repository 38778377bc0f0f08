//! Stopping in order, for `giamngheo run` on SIGTERM or Ctrl-C: first nothing new is taken
//! (no poll, a webhook answers 503 so the platform delivers it again later), then what was
//! taken is finished (the messages being handled, a digest run), then the senders send what
//! is due and stop, and last they stop between two messages whatever is left. Every part
//! holds a clone and watches the phase; work that must finish before the senders drain holds
//! a `Busy` while it runs.

use std::sync::Arc;

use tokio::sync::watch;

/// Where the process is on its way out; each phase includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Running,
    /// Take nothing new; finish what was taken.
    Stopping,
    /// Nothing is being handled any more: send what is due, then stop.
    Draining,
    /// Out of time: stop before the next message, whatever is left (it stays queued).
    Halting,
}

#[derive(Debug, Clone, Copy)]
struct State {
    phase: Phase,
    /// Pieces of work taken in that must finish before the senders drain.
    busy: usize,
}

/// The process's way out, shared by everything `giamngheo run` starts.
#[derive(Clone, Debug)]
pub struct Stop(Arc<watch::Sender<State>>);

impl Default for Stop {
    fn default() -> Stop {
        Stop(Arc::new(
            watch::channel(State {
                phase: Phase::Running,
                busy: 0,
            })
            .0,
        ))
    }
}

/// Work in progress that the way out waits for; done when dropped.
#[must_use = "the work counts as done once this is dropped"]
pub struct Busy(Stop);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.0.send_modify(|s| s.busy -= 1);
    }
}

impl Stop {
    pub fn phase(&self) -> Phase {
        self.0.borrow().phase
    }

    /// Moves on to `phase` (never back).
    pub fn enter(&self, phase: Phase) {
        self.0.send_modify(|s| s.phase = s.phase.max(phase));
    }

    /// Takes in a piece of work, unless the process is stopping: then None, and the caller
    /// refuses it (the platform delivers it again to the next process).
    pub fn take(&self) -> Option<Busy> {
        let mut taken = false;
        self.0.send_modify(|s| {
            if s.phase == Phase::Running {
                s.busy += 1;
                taken = true;
            }
        });
        taken.then(|| Busy(self.clone()))
    }

    /// Counts work that belongs to something already taken (a button's acknowledgement sent
    /// beside its message), whatever the phase.
    pub fn hold(&self) -> Busy {
        self.0.send_modify(|s| s.busy += 1);
        Busy(self.clone())
    }

    /// Resolves once the process has reached `phase`.
    pub async fn reached(&self, phase: Phase) {
        let mut rx = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = rx.wait_for(|s| s.phase >= phase).await;
    }

    /// Resolves once no work taken in is in progress.
    pub async fn idle(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|s| s.busy == 0).await;
    }
}

/// A running channel's tasks, as the way out treats them.
pub struct Tasks {
    /// Taking updates in (polling); each ends by itself once the process is stopping, after
    /// the updates in hand were handled.
    pub intake: Vec<tokio::task::JoinHandle<()>>,
    /// Sending the outbox; ends by itself once drained, or halted.
    pub sender: tokio::task::JoinHandle<()>,
    /// The rest (a dispatcher with nothing left to do, a webhook's registration): ended last.
    pub rest: Vec<tokio::task::JoinHandle<()>>,
}

impl Tasks {
    /// Ends every task at once, as a killed process would.
    pub fn abort(self) {
        for t in self.intake.iter().chain(&self.rest) {
            t.abort();
        }
        self.sender.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn nothing_is_taken_once_stopping_and_idle_waits_for_what_was() {
        let stop = Stop::default();
        let work = stop.take().expect("taken while running");
        stop.enter(Phase::Stopping);
        assert!(stop.take().is_none(), "nothing new once stopping");
        let extra = stop.hold();
        let idle = tokio::spawn({
            let stop = stop.clone();
            async move { stop.idle().await }
        });
        tokio::task::yield_now().await;
        assert!(!idle.is_finished());
        drop(work);
        drop(extra);
        idle.await.unwrap();
        stop.enter(Phase::Running);
        assert_eq!(stop.phase(), Phase::Stopping, "never back");
        stop.enter(Phase::Draining);
        stop.reached(Phase::Stopping).await;
    }
}
