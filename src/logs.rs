//! The log on stderr: filtered by `RUST_LOG` (default: warnings and errors), as text for a
//! person or as one JSON object a line for a server's log collector (`--log-format json`, or
//! `log_format = "json"`). The few lines a person reads at start and stop (which database,
//! what is served) go the same way, so a JSON log holds nothing but JSON.

use std::sync::OnceLock;

use serde::Deserialize;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Text,
    Json,
}

static FORMAT: OnceLock<Format> = OnceLock::new();

/// The target the start and stop lines name.
const STATUS: &str = "giamngheo::status";

/// Installs the log; once, before anything logs.
pub fn init(format: Format) {
    let _ = FORMAT.set(format);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        Format::Text => builder.try_init(),
        // The message's span (channel, chat, update, dialogue, step) rides on every line
        // logged while it is handled.
        Format::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

/// A line for the person who started the program: as it is in text, as a JSON log line
/// (level INFO, whatever `RUST_LOG` says) in JSON.
pub fn status(line: &str) {
    match FORMAT.get().copied().unwrap_or_default() {
        Format::Text => eprintln!("{line}"),
        Format::Json => eprintln!("{}", json_line("INFO", line)),
    }
}

/// What ends the program with an error, as the last line.
pub fn fatal(e: &anyhow::Error) {
    match FORMAT.get().copied().unwrap_or_default() {
        Format::Text => eprintln!("Error: {e:?}"),
        Format::Json => eprintln!("{}", json_line("ERROR", &format!("{e:#}"))),
    }
}

/// One line shaped as the JSON log's own.
fn json_line(level: &str, message: &str) -> String {
    serde_json::json!({
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "level": level,
        "fields": {"message": message},
        "target": STATUS,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_line_is_one_json_object() {
        let line = json_line("INFO", "Telegram: đang chạy\n\"x\"");
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["fields"]["message"], "Telegram: đang chạy\n\"x\"");
        assert_eq!(v["level"], "INFO");
    }
}
