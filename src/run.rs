//! `giamngheo run`: serves every configured channel (Telegram and Zalo, each by polling or
//! webhook) with one engine, one outbox and one HTTP listener for the webhooks, the file links
//! Zalo fetches, `/healthz` and `/metrics`, until stopped.
//!
//! Stopped (`Running::shutdown`, on SIGTERM or Ctrl-C) it takes no more updates, finishes the
//! messages being handled, sends the replies that are due, and ends within the time it is
//! given: what it accepted is handled, or the platform delivers it again to the next start.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use teloxide::prelude::*;

use crate::channels::links::{self, Links};
use crate::channels::telegram::{self, Telegram};
use crate::channels::zalo::{self, Zalo, api::Api};
use crate::config::{ChannelLimits, Settings};
use crate::dialogue::engine::Engine;
use crate::metrics;
use crate::sender::{Limits, Wake};
use crate::stop::{Phase, Stop, Tasks};
use crate::store::Store;

/// What `start` started.
pub struct Running {
    pub telegram: Option<Telegram>,
    pub zalo: Option<Zalo>,
    /// Rung after anything is queued outside a chat (the digest), to send it at once.
    pub wake: Wake,
    /// The way out: work started beside the channels (the digest) takes part in it with
    /// `Stop::take`, so the replies it queues are sent before the end.
    pub stop: Stop,
    /// Where the HTTP listener listens, if it runs.
    pub addr: Option<SocketAddr>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// How long `giamngheo run` takes to stop at most, of the 10 s it promises: the rest closes
/// the database and leaves room for a busy machine.
pub const STOP_WITHIN: Duration = Duration::from_millis(8500);

/// Of the time `shutdown` is given, what is kept for sending once handling is done, and for
/// the sends in flight once sending what is due took too long.
const SEND_ROOM: Duration = Duration::from_secs(3);
const HALT_ROOM: Duration = Duration::from_secs(1);

impl Running {
    /// Stops everything at once, as a killed process would.
    pub fn abort(self) {
        let (tasks, server) = self.parts();
        for t in tasks {
            t.abort();
        }
        if let Some(s) = server {
            s.abort();
        }
    }

    fn parts(self) -> (Vec<Tasks>, Option<tokio::task::JoinHandle<()>>) {
        let tasks = [
            self.telegram.map(Telegram::tasks),
            self.zalo.map(Zalo::tasks),
        ];
        (tasks.into_iter().flatten().collect(), self.server)
    }

    /// Stops in order within `within`: takes no more updates (polls end, webhooks answer
    /// 503), finishes what is being handled (the update in hand, a digest run), sends the
    /// replies that are due, and ends the rest. Out of time, each step gives way to the next
    /// and the senders stop between two messages: what is left stays queued, and an update
    /// not yet handled is delivered again. True if everything finished in time.
    pub async fn shutdown(self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let room = |r: Duration| tokio::time::Instant::from_std(deadline - r.min(within));
        let stop = self.stop.clone();
        stop.enter(Phase::Stopping);
        let (tasks, server) = self.parts();
        let mut all = vec![];
        let (mut intake, mut senders, mut rest) = (vec![], vec![], vec![]);
        for t in tasks {
            all.extend(t.intake.iter().map(|h| h.abort_handle()));
            all.push(t.sender.abort_handle());
            intake.extend(t.intake);
            senders.push(t.sender);
            rest.extend(t.rest);
        }
        let handled = tokio::time::timeout_at(room(SEND_ROOM), async {
            futures_util::future::join_all(intake).await;
            stop.idle().await;
        })
        .await
        .is_ok();
        if !handled {
            tracing::warn!(
                "stopping: messages still being handled were left to be delivered again"
            );
        }
        // The dispatcher (nothing left to dispatch) and a webhook's registration.
        for r in rest {
            r.abort();
        }
        stop.enter(Phase::Draining);
        let mut senders = futures_util::future::join_all(senders);
        let drained = tokio::time::timeout_at(room(HALT_ROOM), &mut senders)
            .await
            .is_ok();
        let mut ended = drained;
        if !drained {
            stop.enter(Phase::Halting);
            ended = tokio::time::timeout_at(room(Duration::ZERO), senders)
                .await
                .is_ok();
            tracing::warn!("stopping: replies not sent in time stay queued for the next start");
        }
        // The listener goes last: Zalo fetches the files it is sent by their links.
        for h in all {
            h.abort();
        }
        if let Some(s) = server {
            s.abort();
        }
        handled && ended
    }
}

/// How long a long poll waits for updates. Telegram and Zalo hold an idle poll this long, so
/// the HTTP client must wait longer (`CLIENT_TIMEOUT`), or every idle poll would be abandoned.
const POLL_TIMEOUT: Duration = Duration::from_secs(20);
/// Zalo's poll is shorter: Zalo forgets an update once it hands it over, so on the way out the
/// poll in flight is let end rather than dropped, and that must fit in the time a stop has.
const ZALO_POLL_TIMEOUT: Duration = Duration::from_secs(4);
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
    let stop = Stop::default();
    let channels: Vec<&'static str> = [
        bot.as_ref().map(|_| telegram::CHANNEL),
        zalo_plan.as_ref().map(|_| zalo::CHANNEL),
    ]
    .into_iter()
    .flatten()
    .collect();
    metrics::expect_channels(&channels);
    let mut app = axum::Router::new()
        .route("/healthz", get(health))
        .with_state(engine.clone())
        .merge(
            axum::Router::new()
                .route("/metrics", get(metrics_page))
                .with_state(Arc::new((engine.store().clone(), channels))),
        );
    // Zalo first: it asks Zalo nothing before it runs, while Telegram's start waits for
    // Telegram's answers.
    let zalo = match zalo_plan {
        Some(plan) => {
            if plan.public.is_some() {
                app = app.merge(links::router(engine.store().clone()));
            }
            let (z, route) = start_zalo(plan, &engine, &wake, &stop);
            if let Some(r) = route {
                app = app.merge(r);
            }
            Some(z)
        }
        None => None,
    };
    let telegram = match bot {
        Some(bot) => match start_telegram(settings, bot, tg_hook, &engine, &wake, &stop).await {
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
        stop,
        addr,
        server,
    })
}

/// The webhooks' paths must differ from each other and from the listener's own routes.
fn check_paths(telegram: Option<&url::Url>, zalo: Option<&url::Url>) -> anyhow::Result<()> {
    let taken = |p: &str| p == "/healthz" || p == "/metrics" || p.starts_with("/files/");
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
    stop: &Stop,
) -> anyhow::Result<(Telegram, Option<axum::Router>)> {
    if let Err(e) = telegram::set_commands(&bot, engine).await {
        tracing::warn!(error = %e, "setMyCommands");
    }
    let limits = limits(settings.telegram_limits.as_ref(), Limits::TELEGRAM);
    let mut tg = Telegram::start(
        bot.clone(),
        engine.clone(),
        limits,
        wake.clone(),
        stop.clone(),
    );
    match hook {
        Some((url, secret)) => {
            bot.set_webhook(url.clone())
                .secret_token(secret.clone())
                .await
                .context("setWebhook")?;
            let route = telegram::webhook_router(url.path(), secret, tg.feed.clone(), stop.clone());
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
fn start_zalo(
    plan: ZaloPlan,
    engine: &Arc<Engine>,
    wake: &Wake,
    stop: &Stop,
) -> (Zalo, Option<axum::Router>) {
    let links = plan
        .public
        .as_deref()
        .map(|base| Links::new(engine.store().clone(), base));
    let mut z = Zalo::start(
        plan.api,
        engine.clone(),
        plan.limits,
        links,
        wake.clone(),
        stop.clone(),
    );
    match plan.webhook {
        Some((url, secret)) => {
            let route = z.webhook_router(url.path(), secret.clone());
            z.register_webhook(url.to_string(), secret);
            (z, Some(route))
        }
        None => {
            z.poll(ZALO_POLL_TIMEOUT);
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
            Err(_) => {
                metrics::database_error();
                (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
            }
        },
        Err(_) => {
            metrics::database_error();
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// The metrics, in Prometheus' text format.
async fn metrics_page(State(state): State<Arc<(Store, Vec<&'static str>)>>) -> impl IntoResponse {
    let page = metrics::render(&state.0, &state.1).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        page,
    )
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

    /// On the way out Zalo's poll in flight is let end, and its update handled, before the
    /// replies are sent: all of it within the handling part of a stop's 10 seconds.
    #[test]
    fn a_zalo_poll_ends_within_a_stop() {
        assert!(ZALO_POLL_TIMEOUT + SEND_ROOM + Duration::from_secs(1) <= STOP_WITHIN);
    }
}
