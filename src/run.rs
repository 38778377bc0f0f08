//! `giamngheo run`: serves every configured channel (Telegram and Zalo, each by polling or
//! webhook) with one engine, one outbox and one HTTP listener for the webhooks, the file links
//! Zalo fetches and `/healthz`, until stopped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use teloxide::prelude::*;

use crate::channels::links::{self, Links};
use crate::channels::telegram::{self, Telegram};
use crate::channels::zalo::{self, Zalo, api::Api};
use crate::config::{ChannelLimits, Settings};
use crate::dialogue::engine::Engine;
use crate::sender::{Limits, Wake};

/// What `start` started.
pub struct Running {
    pub telegram: Option<Telegram>,
    pub zalo: Option<Zalo>,
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
        if let Some(z) = self.zalo {
            z.abort();
        }
        if let Some(s) = self.server {
            s.abort();
        }
    }
}

/// How long a long poll waits for updates. Telegram and Zalo hold an idle poll this long, so
/// the HTTP client must wait longer (`CLIENT_TIMEOUT`), or every idle poll would be abandoned.
const POLL_TIMEOUT: Duration = Duration::from_secs(20);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(35);
/// Where the listener binds when something must be reachable and `listen` is not set.
const DEFAULT_LISTEN: &str = "0.0.0.0:8080";

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

/// Zalo's settings, checked before anything starts.
struct ZaloPlan {
    api: Api,
    /// The webhook's URL and secret; None when polling.
    webhook: Option<(url::Url, String)>,
    /// Where file links point; None: Zalo users get a line saying where files can be had.
    public: Option<String>,
    limits: Limits,
}

fn zalo_plan(settings: &Settings) -> anyhow::Result<Option<ZaloPlan>> {
    let Some(token) = settings.zalo_token.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let base = settings.zalo_api_url.as_deref();
    if let Some(b) = base {
        url::Url::parse(b).context("zalo_api_url (GIAMNGHEO_ZALO_API_URL) is not a URL")?;
    }
    let api = Api::new(token, base, CLIENT_TIMEOUT)?;
    let webhook = match &settings.zalo_webhook_url {
        Some(u) => {
            let parsed = url::Url::parse(u).context("zalo_webhook_url is not a URL")?;
            // Zalo's setWebhook takes only HTTPS: anything else would be refused at every try.
            if parsed.scheme() != "https" {
                anyhow::bail!(
                    "zalo_webhook_url (GIAMNGHEO_ZALO_WEBHOOK_URL) must be an https:// address: \
                     Zalo delivers only over HTTPS (put a TLS proxy in front of the listener)"
                );
            }
            let secret = settings.zalo_webhook_secret.clone().unwrap_or_default();
            let n = secret.chars().count();
            if !(8..=256).contains(&n) {
                anyhow::bail!(
                    "a Zalo webhook needs zalo_webhook_secret (GIAMNGHEO_ZALO_WEBHOOK_SECRET) \
                     of 8 to 256 characters"
                );
            }
            Some((parsed, secret))
        }
        None => None,
    };
    let public = match (&settings.zalo_public_url, &webhook) {
        (Some(p), _) => {
            url::Url::parse(p).context("zalo_public_url is not a URL")?;
            Some(p.trim_end_matches('/').to_string())
        }
        (None, Some((u, _))) => Some(u.origin().ascii_serialization()),
        (None, None) => None,
    };
    Ok(Some(ZaloPlan {
        api,
        webhook,
        public,
        limits: limits(settings.zalo_limits.as_ref(), zalo::LIMITS),
    }))
}

/// Configured limits over a platform's own; the burst stays the platform's.
fn limits(set: Option<&ChannelLimits>, platform: Limits) -> Limits {
    match set {
        Some(l) => Limits {
            overall_per_sec: f64::from(l.overall_per_sec),
            per_chat_per_sec: f64::from(l.per_chat_per_sec),
            per_chat_burst: platform.per_chat_burst,
            per_group_per_min: f64::from(l.per_chat_per_min),
        },
        None => platform,
    }
}

pub async fn start(settings: &Settings, engine: Arc<Engine>) -> anyhow::Result<Running> {
    // Everything is checked, and the listener bound, before any channel starts.
    let bot = telegram_bot(settings)?;
    let zalo_plan = zalo_plan(settings)?;
    if bot.is_none() && zalo_plan.is_none() {
        anyhow::bail!(
            "no channel to serve: set TELOXIDE_TOKEN (or telegram_token in giamngheo.toml) for \
             Telegram, ZALO_BOT_TOKEN (or zalo_token) for Zalo; `giamngheo chat` chats in the \
             terminal"
        );
    }
    let tg_hook = match &bot {
        Some(_) => telegram_webhook(settings)?,
        None => None,
    };
    let zalo_hook = zalo_plan.as_ref().and_then(|p| p.webhook.as_ref());
    check_paths(tg_hook.as_ref().map(|h| &h.0), zalo_hook.map(|h| &h.0))?;
    // Something must be reachable from outside: a webhook, or files for Zalo to fetch.
    let reachable = tg_hook.is_some()
        || zalo_plan
            .as_ref()
            .is_some_and(|p| p.webhook.is_some() || p.public.is_some());
    let listen = settings
        .listen
        .clone()
        .or_else(|| reachable.then(|| DEFAULT_LISTEN.to_string()));
    let listener = match listen {
        Some(listen) => Some(
            tokio::net::TcpListener::bind(&listen)
                .await
                .with_context(|| format!("listening on {listen}"))?,
        ),
        None => None,
    };

    let wake = Wake::default();
    let mut app = axum::Router::new()
        .route("/healthz", get(health))
        .with_state(engine.clone());
    // Zalo first: it asks Zalo nothing before it runs, while Telegram's start waits for
    // Telegram's answers.
    let zalo = match zalo_plan {
        Some(plan) => {
            if plan.public.is_some() {
                app = app.merge(links::router(engine.store().clone()));
            }
            let (z, route) = start_zalo(plan, &engine, &wake);
            if let Some(r) = route {
                app = app.merge(r);
            }
            Some(z)
        }
        None => None,
    };
    let telegram = match bot {
        Some(bot) => match start_telegram(settings, bot, tg_hook, &engine, &wake).await {
            Ok((tg, route)) => {
                if let Some(r) = route {
                    app = app.merge(r);
                }
                Some(tg)
            }
            Err(e) => {
                if let Some(z) = zalo {
                    z.abort();
                }
                return Err(e);
            }
        },
        None => None,
    };

    let (addr, server) = match listener {
        Some(listener) => {
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
        telegram,
        zalo,
        wake,
        addr,
        server,
    })
}

/// The webhooks' paths must differ from each other and from the listener's own routes.
fn check_paths(telegram: Option<&url::Url>, zalo: Option<&url::Url>) -> anyhow::Result<()> {
    let taken = |p: &str| p == "/healthz" || p.starts_with("/files/");
    for (name, url) in [("Telegram", telegram), ("Zalo", zalo)] {
        if let Some(u) = url
            && taken(u.path())
        {
            anyhow::bail!(
                "the {name} webhook's path {} is the listener's own",
                u.path()
            );
        }
    }
    if let (Some(t), Some(z)) = (telegram, zalo)
        && t.path() == z.path()
    {
        anyhow::bail!(
            "the Telegram and Zalo webhooks need different paths, both are {}",
            t.path()
        );
    }
    Ok(())
}

/// Telegram's webhook URL and secret, if it has one.
fn telegram_webhook(settings: &Settings) -> anyhow::Result<Option<(url::Url, String)>> {
    let Some(url) = &settings.telegram_webhook_url else {
        return Ok(None);
    };
    let secret = settings
        .telegram_webhook_secret
        .clone()
        .filter(|s| !s.is_empty())
        .context("a webhook needs telegram_webhook_secret")?;
    let parsed: url::Url = url.parse().context("telegram_webhook_url is not a URL")?;
    Ok(Some((parsed, secret)))
}

/// Starts Telegram: the dispatcher and sender, the command menus, and polling or the webhook
/// (registered with Telegram before the start goes on, so a refused webhook stops it).
async fn start_telegram(
    settings: &Settings,
    bot: Bot,
    hook: Option<(url::Url, String)>,
    engine: &Arc<Engine>,
    wake: &Wake,
) -> anyhow::Result<(Telegram, Option<axum::Router>)> {
    if let Err(e) = telegram::set_commands(&bot, engine).await {
        tracing::warn!(error = %e, "setMyCommands");
    }
    let limits = limits(settings.telegram_limits.as_ref(), Limits::TELEGRAM);
    let mut tg = Telegram::start(bot.clone(), engine.clone(), limits, wake.clone());
    match hook {
        Some((url, secret)) => {
            bot.set_webhook(url.clone())
                .secret_token(secret.clone())
                .await
                .context("setWebhook")?;
            let route = telegram::webhook_router(url.path(), secret, tg.feed.clone());
            Ok((tg, Some(route)))
        }
        None => {
            tg.poll(bot, POLL_TIMEOUT);
            Ok((tg, None))
        }
    }
}

/// Starts Zalo: the sender, and polling or the webhook's route. Registering the webhook is
/// retried in the background until Zalo takes it, so Zalo being down holds up neither the
/// start nor Telegram.
fn start_zalo(plan: ZaloPlan, engine: &Arc<Engine>, wake: &Wake) -> (Zalo, Option<axum::Router>) {
    let links = plan
        .public
        .as_deref()
        .map(|base| Links::new(engine.store().clone(), base));
    let mut z = Zalo::start(plan.api, engine.clone(), plan.limits, links, wake.clone());
    match plan.webhook {
        Some((url, secret)) => {
            let route = z.webhook_router(url.path(), secret.clone());
            z.register_webhook(url.to_string(), secret);
            (z, Some(route))
        }
        None => {
            z.poll(POLL_TIMEOUT);
            (z, None)
        }
    }
}

/// 200 when the database answers, 503 when it does not.
async fn health(State(engine): State<Arc<Engine>>) -> (StatusCode, &'static str) {
    // A read: the check must not wait behind (or hold up) a registration.
    match engine.store().read().await {
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
