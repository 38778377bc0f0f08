//! The chat platforms. An adapter only turns a platform's update into an `Inbound` and a
//! `Reply` into the platform's calls; everything about households lives behind the engine.

pub mod console;
pub mod telegram;

// The messages live in `message`, which neither the store nor the engine has to reach
// through a platform for; named here too, where an adapter's reader looks for them.
pub use crate::message::{Choice, Content, FileRef, Inbound, Reply, render_plain};
