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
}

impl Settings {
    /// Reads `file` (if it exists) and the environment; the environment wins.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Settings> {
        let file = file
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("giamngheo.toml"));
        let s: Settings = Figment::new()
            .merge(Toml::file(&file))
            .merge(Env::prefixed("GIAMNGHEO_").ignore(&["config"]))
            .merge(Env::raw().only(&["database_url"]))
            .extract()
            .map_err(|e| anyhow::anyhow!("settings: {e}"))?;
        Ok(s)
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
            .finish()
    }
}

/// Hides the password in a database URL: `postgres://bot:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((auth, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
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
        let s = Settings {
            database_url: Some("postgres://a:hunter2@h/d".into()),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
