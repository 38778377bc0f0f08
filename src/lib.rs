//! giamngheo: a chatbot backend for the National Target Program for Sustainable Poverty
//! Reduction, run by a commune.
//!
//! Hamlet heads and residents chat with the bot to register households; the bot keeps it all
//! in a database and tells the right people. The parts, each of which imports only those
//! listed before it (no two modules import each other):
//!
//! - [`text`]: the message catalogue in Vietnamese and English, and diacritic-blind matching.
//! - [`domain`]: the program's types and rules (phones, CCCD, dates, times of day, the
//!   36-month window, group readiness, the proposals' path, when two accounts may become one
//!   person), and who may do what: the one capability table (`domain::access`) every action
//!   checks; its statuses and kinds are enums declared with their stored codes by one macro
//!   (`domain::codes`).
//! - [`message`]: what a user sent and what the bot says, in no platform's terms.
//! - [`store`]: SQLite or PostgreSQL through sqlx, one module per table group; rows carry the
//!   domain's enums.
//! - [`config`], [`clock`]: settings; time, injected. [`logs`]: the log on stderr, as text
//!   or JSON lines; [`stop`]: the way out of `giamngheo run` that every part takes in order.
//! - [`metrics`]: what `/metrics` shows: counters every part adds to, and the outbox as the
//!   database has it.
//! - [`app`]: the application state (store, catalogue, clock) the digest, reports and command
//!   line work from, and opening the database.
//! - [`present`]: wording that chat, digest and report share (record numbers, a group's
//!   readiness, a proposal's history, deadlines).
//! - [`report`]: the XLSX workbook, the chart, and the audit log as people read it
//!   (`giamngheo audit`, `/nhatky`); [`digest`]: the officers' daily digest,
//!   sent exactly once.
//! - [`dialogue`]: conversations as data files, checked at start, and the engine that steps a
//!   chat through them in one database transaction per message; `dialogue::setup` builds it.
//! - [`sender`]: sending the outbox for every channel: per-chat order, chats side by side
//!   within the platform's limits, woken when a reply is queued.
//! - [`channels`]: the chat platforms (console, Telegram, Zalo). They only translate messages;
//!   file links for platforms that fetch files by URL live there too.
//! - [`run`]: serving the channels and the HTTP listener (webhooks, file links, `/healthz`,
//!   `/metrics`), and stopping them in order.
//! - [`seed`], [`roster`], `bench`, [`cli`]: setting up a commune; its staff from the command
//!   line (invites, the list, revoking); the benchmark behind `giamngheo bench`
//!   (the engine against a bare durable write, and Telegram end to end against a local Bot
//!   API stand-in; private: only the command line runs it); the command line.
//!
//! Where a change goes: a rule of the program in `domain`; who may do what in
//! `domain::access`; a question or a command in the
//! files of `dialogues/` (and its action in `dialogue::actions`); a query in `store`; how a
//! record reads in more than one place in `present`; a platform in `channels`.
//!
//! The `test-util` feature adds what tests need and the program does not:
//! `store::scratch::TestDb` and `clock::FixedClock`.

pub mod app;
pub mod bench;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dialogue;
pub mod digest;
pub mod domain;
pub mod logs;
pub mod message;
pub mod metrics;
pub mod present;
pub mod report;
pub mod roster;
pub mod run;
pub mod seed;
pub mod sender;
pub mod stop;
pub mod store;
pub mod text;
