//! giamngheo: a chatbot backend for the National Target Program for Sustainable Poverty
//! Reduction, run by a commune.
//!
//! Hamlet heads and residents chat with the bot to register households; the bot keeps it all
//! in a database and tells the right people. The parts:
//!
//! - [`channels`]: the chat platforms (console, Telegram). They only translate messages.
//! - [`run`]: serving the channels and the HTTP listener (webhook, `/healthz`).
//! - [`dialogue`]: conversations as data files, checked at start, and the engine that steps a
//!   chat through them in one database transaction per message.
//! - [`domain`]: the program's types and rules (phones, CCCD, dates, the 36-month window).
//! - [`store`]: SQLite or PostgreSQL through sqlx, one module per table group.
//! - [`text`]: the message catalogue in Vietnamese and English, and diacritic-blind matching.
//! - [`seed`], [`config`], [`clock`], [`cli`]: setting up, settings, time, the command line.
//! - [`digest`]: the officers' daily digest, sent exactly once; [`report`]: XLSX and chart.
//! - [`bench`]: the throughput benchmark behind `giamngheo bench`.

pub mod app;
mod bench;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod config;
pub mod dialogue;
pub mod digest;
pub mod domain;
pub mod message;
pub mod present;
pub mod report;
pub mod run;
pub mod seed;
pub mod store;
pub mod text;
