//! Sending the outbox, for every channel alike: each chat's messages in order, chats side by
//! side up to the platform's limits, a fault in one chat holding up no other.

pub mod pace;
