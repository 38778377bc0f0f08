//! `giamngheo run`: serves every configured channel (Telegram by polling or webhook) and an
//! HTTP listener for the webhook and `/healthz`, until stopped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use teloxide::prelude::*;

use crate::channels::telegram::{self, Telegram};
use crate::config::Settings;
use crate::dialogue::engine::Engine;
use crate::sender::{Limits, Wake};

/// What `start` started.
pub struct Running {
    pub telegram: Option<Telegram>,
    /// Rung after anything is queued outside a chat (the digest), to send it at once.
    pub wake: Wake,
    /// Where the HTTP listener listens, if it runs.
    pub addr: Option<SocketAddr>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops everything at once, as a killed process would.
    pub fn abort(self) {
        if let Some(t) = self.telegram {
            t.abort();
        }
        if let Some(s) = self.server {
            s.abort();
        }
    }
}

/// How long a long poll waits for updates. Telegram holds an idle poll this long, so the
/// HTTP client must wait longer (`CLIENT_TIMEOUT`), or every idle poll would be abandoned.
const POLL_TIMEOUT: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(35);

pub fn telegram_bot(settings: &Settings) -> anyhow::Result<Option<Bot>> {
    let Some(token) = &settings.telegram_token else {
        return Ok(None);
    };
    let client = teloxide::net::default_reqwest_settings()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .context("building the HTTP client")?;
    let mut bot = Bot::with_client(token, client);
    if let Some(url) = &settings.telegram_api_url {
        bot = bot.set_api_url(url.parse().context("TELOXIDE_API_URL is not a URL")?);
    }
    Ok(Some(bot))
}

pub async fn start(settings: &Settings, engine: Arc<Engine>) -> anyhow::Result<Running> {
    let bot = telegram_bot(settings)?.context(
        "no channel to serve: set TELOXIDE_TOKEN (or telegram_token in giamngheo.toml); \
         `giamngheo chat` chats in the terminal",
    )?;
    if let Err(e) = telegram::set_commands(&bot, &engine).await {
        tracing::warn!(error = %e, "setMyCommands");
    }
    let limits = match &settings.telegram_limits {
        Some(l) => Limits {
            overall_per_sec: f64::from(l.overall_per_sec),
            per_chat_per_sec: f64::from(l.per_chat_per_sec),
            per_chat_burst: Limits::TELEGRAM.per_chat_burst,
            per_group_per_min: f64::from(l.per_chat_per_min),
        },
        None => Limits::TELEGRAM,
    };
    let wake = Wake::default();
    let mut tg = Telegram::start(bot.clone(), engine.clone(), limits, wake.clone());
    let mut app = axum::Router::new()
        .route("/healthz", get(health))
        .with_state(engine.clone());

    let listen = match &settings.telegram_webhook_url {
        Some(url) => {
            let secret = settings
                .telegram_webhook_secret
                .clone()
                .filter(|s| !s.is_empty())
                .context("a webhook needs telegram_webhook_secret")?;
            let parsed: url::Url = url.parse().context("telegram_webhook_url is not a URL")?;
            bot.set_webhook(parsed.clone())
                .secret_token(secret.clone())
                .await
                .context("setWebhook")?;
            app = app.merge(telegram::webhook_router(
                parsed.path(),
                secret,
                tg.feed.clone(),
            ));
            Some(
                settings
                    .listen
                    .clone()
                    .unwrap_or_else(|| "0.0.0.0:8080".into()),
            )
        }
        None => {
            tg.poll(bot, POLL_TIMEOUT);
            settings.listen.clone()
        }
    };
    let (addr, server) = match listen {
        Some(listen) => {
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            let addr = listener.local_addr()?;
            let server = tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "HTTP listener");
                }
            });
            (Some(addr), Some(server))
        }
        None => (None, None),
    };
    Ok(Running {
        telegram: Some(tg),
        wake,
        addr,
        server,
    })
}

/// 200 when the database answers, 503 when it does not.
async fn health(State(engine): State<Arc<Engine>>) -> (StatusCode, &'static str) {
    match engine.store().begin().await {
        Ok(tx) => match tx.commit().await {
            Ok(()) => (StatusCode::OK, "ok"),
            Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
        },
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Telegram answers an idle poll only after its timeout: a client that gives up sooner
    /// drops every idle poll as a network error (teloxide's default client waits 17 s), and
    /// the answer needs some room on a slow network.
    #[test]
    fn a_long_poll_ends_well_before_the_client_gives_up() {
        let room = CLIENT_TIMEOUT.checked_sub(POLL_TIMEOUT);
        assert!(
            room.is_some_and(|r| r >= Duration::from_secs(5)),
            "poll {POLL_TIMEOUT:?}, client {CLIENT_TIMEOUT:?}"
        );
    }
}
