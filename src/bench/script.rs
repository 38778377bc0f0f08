//! What the bench's simulated residents type (a household registration) and how much of it
//! each measurement sends: the plan every part of the bench works from.

use std::time::Duration;

use crate::config::TelegramLimits;

/// One household registration, as a resident types it; `PHONE` becomes a number of its own.
pub(super) const SCRIPT: &[&str] = &[
    "/dangky",
    "Nguyễn Văn An",
    "2",
    "Số 5",
    "PHONE",
    "4",
    "ho ngheo",
    "bo qua",
    "1",
];

/// How much each measurement sends.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Registrations for the engine measurement (and as many floor commits as they are
    /// messages), over `chats` concurrent chats (and as many floor tasks).
    pub registrations: usize,
    pub chats: usize,
    /// End to end: simulated Telegram users, each sending `messages` messages at once.
    pub users: usize,
    pub messages: usize,
    /// End to end: the quiet user's messages, each sent `think` after the previous reply.
    pub quiet: usize,
    pub think: Duration,
    /// The digest: hamlet heads each sent a day's digest (text and chart) at once.
    pub recipients: usize,
    /// Memory: users who each leave a registration open in a bot of its own (0: not measured).
    pub conversations: usize,
    /// Rounds of all the measurements, one after another.
    pub rounds: usize,
    /// The sender's limits; None is Telegram's own (what the command line always uses).
    pub limits: Option<TelegramLimits>,
}

/// The `step`-th message a resident types (the script over again after the last step), for
/// a phone number space `space` (< 100) and a resident number `who` (< 10,000): no two
/// registrations of one run share a phone, so none is turned away as a duplicate.
pub(super) fn message(step: usize, space: usize, who: usize) -> String {
    let registration = step / SCRIPT.len();
    let text = SCRIPT[step % SCRIPT.len()];
    if text == "PHONE" {
        format!(
            "09{:02}{:04}{:02}",
            space % 100,
            who % 10_000,
            registration % 100
        )
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::Phone;

    #[test]
    fn every_resident_has_a_phone_of_their_own_and_a_valid_one() {
        let a = message(4, 1, 7);
        assert_eq!(a, "0901000700");
        assert!(Phone::parse(&a).is_ok(), "{a}");
        assert_ne!(message(4 + SCRIPT.len(), 1, 7), a, "a second registration");
        assert_ne!(message(4, 2, 7), a, "another space");
        assert_eq!(message(9, 1, 7), "/dangky", "the script starts over");
    }
}
