//! Settings: an optional `giamngheo.toml`, then the environment (`GIAMNGHEO_*`, and
//! `DATABASE_URL` by its usual name). Secrets are never printed: `Debug` hides them.

use std::fmt;
use std::path::PathBuf;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite:giamngheo.db";

#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite:PATH` or `postgres://…`; default `sqlite:giamngheo.db`.
    pub database_url: Option<String>,
    /// A folder of dialogue files to use instead of the shipped ones.
    pub dialogues: Option<PathBuf>,
    /// Code of the commune new people join when the database holds several.
    pub commune: Option<String>,
    /// The bot's token from @BotFather (also `TELOXIDE_TOKEN`). Without it, no Telegram.
    pub telegram_token: Option<String>,
    /// The bot's username, for the links t.me/<bot>?start=CODE shown with join codes and
    /// invites; when Telegram runs, the bot's own name is asked for and used if this is unset.
    pub telegram_bot: Option<String>,
    /// Another Bot API server (also `TELOXIDE_API_URL`), e.g. a local telegram-bot-api.
    pub telegram_api_url: Option<String>,
    /// Public HTTPS URL Telegram posts updates to; without it the bot polls.
    pub telegram_webhook_url: Option<String>,
    /// Secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token`; required with a webhook.
    pub telegram_webhook_secret: Option<String>,
    /// Address the HTTP listener (webhook, /healthz) binds; default 0.0.0.0:8080 with a
    /// webhook, none when polling unless set.
    pub listen: Option<String>,
    /// Telegram's rate limits, to lower (or, against a test server, raise) them.
    pub telegram_limits: Option<TelegramLimits>,
    /// The Zalo bot's token from Zalo Bot Creator (also `ZALO_BOT_TOKEN`). Without it, no Zalo.
    pub zalo_token: Option<String>,
    /// Another Zalo Bot API server (a local stand-in); default Zalo's own.
    pub zalo_api_url: Option<String>,
    /// Public HTTPS URL Zalo posts updates to; without it the bot polls.
    pub zalo_webhook_url: Option<String>,
    /// Secret Zalo sends in `X-Bot-Api-Secret-Token` (8–256 characters); required with a
    /// webhook.
    pub zalo_webhook_secret: Option<String>,
    /// Public base URL under which the listener's `/files/…` links reach Zalo (images and
    /// files sent to Zalo users); default the Zalo webhook URL's origin.
    pub zalo_public_url: Option<String>,
    /// Zalo's rate limits; Zalo documents none, so the defaults are cautious.
    pub zalo_limits: Option<ChannelLimits>,
    /// Days the record of messages seen and replies sent is kept (default 30).
    pub retention_days: Option<u32>,
    /// Days a conversation may sit idle before it is closed and its unfinished answers
    /// dropped (default 30).
    pub idle_days: Option<u32>,
    /// `text` (default) or `json`: one JSON object a line, for a server's log collector;
    /// `--log-format` wins.
    pub log_format: Option<crate::logs::Format>,
    /// What the communes' upper level is called in its officers' messages: "tỉnh" (the
    /// default) or "thành phố" for a city.
    pub upper_level_name: Option<String>,
}

/// Telegram's limits are set like any channel's.
pub type TelegramLimits = ChannelLimits;

/// Messages per second and minute, per chat and overall (default: the platform's own).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChannelLimits {
    pub per_chat_per_sec: u32,
    pub per_chat_per_min: u32,
    pub overall_per_sec: u32,
}

impl Settings {
    /// Days the record of messages and replies is kept (at least one).
    pub fn retention_days(&self) -> u32 {
        self.retention_days.unwrap_or(30).max(1)
    }

    /// Days a conversation may sit idle (at least one).
    pub fn idle_days(&self) -> u32 {
        self.idle_days.unwrap_or(30).max(1)
    }

    /// Reads `file` (if it exists) and the environment; the environment wins.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Settings> {
        // A file named on the command line must exist; the default one may not.
        if let Some(f) = file
            && !f.exists()
        {
            anyhow::bail!("settings file {} does not exist", f.display());
        }
        let file = file
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("giamngheo.toml"));
        let s: Settings = Figment::new()
            .merge(Toml::file(&file))
            .merge(Env::prefixed("GIAMNGHEO_").ignore(&["config"]))
            .merge(Env::raw().only(&["database_url"]))
            .merge(
                Env::raw()
                    .only(&["teloxide_token"])
                    .map(|_| "telegram_token".into()),
            )
            .merge(
                Env::raw()
                    .only(&["teloxide_api_url"])
                    .map(|_| "telegram_api_url".into()),
            )
            .merge(
                Env::raw()
                    .only(&["zalo_bot_token"])
                    .map(|_| "zalo_token".into()),
            )
            .extract()
            .map_err(|e| anyhow::anyhow!("settings: {e}"))?;
        Ok(s)
    }

    /// The upper level's name ("tỉnh" unless set).
    pub fn upper_level_name(&self) -> &str {
        self.upper_level_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(crate::text::UPPER_LEVEL)
    }

    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(self.database_url()))
            .field("dialogues", &self.dialogues)
            .field("commune", &self.commune)
            .field(
                "telegram_token",
                &self.telegram_token.as_ref().map(|_| "***"),
            )
            .field("telegram_bot", &self.telegram_bot)
            .field("telegram_api_url", &self.telegram_api_url)
            .field("telegram_bot", &self.telegram_bot)
            .field("telegram_webhook_url", &self.telegram_webhook_url)
            .field(
                "telegram_webhook_secret",
                &self.telegram_webhook_secret.as_ref().map(|_| "***"),
            )
            .field("listen", &self.listen)
            .field("zalo_token", &self.zalo_token.as_ref().map(|_| "***"))
            .field("zalo_api_url", &self.zalo_api_url)
            .field("zalo_webhook_url", &self.zalo_webhook_url)
            .field(
                "zalo_webhook_secret",
                &self.zalo_webhook_secret.as_ref().map(|_| "***"),
            )
            .field("zalo_public_url", &self.zalo_public_url)
            .field("retention_days", &self.retention_days)
            .field("idle_days", &self.idle_days)
            .field("log_format", &self.log_format)
            .field("upper_level_name", &self.upper_level_name)
            .finish()
    }
}

/// Hides the password in a database URL: `postgres://bot:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let (url, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((auth, host)) => match auth.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => format!("{scheme}://{auth}@{host}"),
            },
            None => format!("{scheme}://{rest}"),
        },
        None => url.to_string(),
    };
    // A password can also ride in the query (`?password=…`, `sslpassword=…`).
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k.to_ascii_lowercase().contains("password") => format!("{k}=***"),
                _ => p.to_string(),
            })
            .collect();
        out = format!("{out}?{}", params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://bot:s3cret@db:5432/x"),
            "postgres://bot:***@db:5432/x"
        );
        assert_eq!(redact_url("sqlite:giamngheo.db"), "sqlite:giamngheo.db");
        assert_eq!(
            redact_url("postgres://bot@db/x?sslmode=require&password=s3cret"),
            "postgres://bot@db/x?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("postgresq://bot:s3cret@db/x"),
            "postgresq://bot:***@db/x"
        );
        let s = Settings {
            database_url: Some("postgres://a:hunter2@h/d".into()),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        let s = Settings {
            telegram_token: Some("123:ABC".into()),
            telegram_webhook_secret: Some("s3cr3t".into()),
            zalo_token: Some("999:ZALOSECRET".into()),
            zalo_webhook_secret: Some("zalo-hook-secret".into()),
            ..Settings::default()
        };
        let shown = format!("{s:?}");
        for secret in ["123:ABC", "s3cr3t", "ZALOSECRET", "zalo-hook-secret"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
