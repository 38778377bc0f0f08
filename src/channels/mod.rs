//! The chat platforms. An adapter only turns a platform's update into an `Inbound` and a
//! `Reply` into the platform's calls; everything about households lives behind the engine.
//! What several platforms share lives here too: file links (`links`) and the webhook secret
//! check.

pub mod console;
pub mod links;
pub mod telegram;
pub mod zalo;

// The messages live in `message`, which neither the store nor the engine has to reach
// through a platform for; named here too, where an adapter's reader looks for them.
pub use crate::message::{Choice, Content, FileRef, Inbound, Reply, render_plain};

/// Whether a webhook request carries the secret, compared in constant time so the answer's
/// timing tells nothing about it.
pub fn secret_matches(given: &[u8], secret: &str) -> bool {
    let secret = secret.as_bytes();
    given.len() == secret.len()
        && given
            .iter()
            .zip(secret)
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
