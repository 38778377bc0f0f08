//! The command line: `chat`, `init`, `communes`, `move-person`, `invite`, `staff`, `revoke`, `grant`, `check`, `run`,
//! `export`, `audit` and the rest; each command's work lives in the library, and this module
//! only reads the arguments.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use tokio::io::BufReader;

use crate::app::{self, AppState};
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::dialogue::setup;
use crate::domain::Role;
use crate::{channels, logs, seed};

#[derive(Parser)]
#[command(
    name = "giamngheo",
    version,
    about = "Trợ lý giảm nghèo bền vững cho xã (poverty-reduction chatbot for communes)"
)]
pub struct Cli {
    /// Settings file (default: giamngheo.toml in the current folder, if present).
    #[arg(long, global = true, env = "GIAMNGHEO_CONFIG")]
    pub config: Option<PathBuf>,
    /// How the log on stderr is written: text, or json (one object a line, for a server's
    /// log collector; also the setting `log_format`). `RUST_LOG` chooses what is logged.
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<logs::Format>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Chat with the bot in this terminal (one message per line; a pipe works too).
    Chat {
        /// Who is talking: a console name. The demo commune has truongxom1..3 (hamlet
        /// heads) and canbo (officer); any other name is a resident.
        #[arg(long = "as", default_value = "nguoidan")]
        who: String,
    },
    /// Load a real commune from a TOML file (code, name, province, hamlets).
    Init {
        #[arg(long)]
        commune: PathBuf,
    },
    /// The communes of the database: code, name, province, hamlets, households, people, and
    /// how a newcomer reaches each (its code; its Telegram link with `telegram_bot` set).
    Communes,
    /// Put a person who chose the wrong commune in another: `move-person telegram:123 --to
    /// tan-cuong`. Only someone with nothing yet (no household, group, proposal or role).
    MovePerson {
        /// CHANNEL:ID, a person's number, or their name.
        who: String,
        /// The code of the commune they belong to.
        #[arg(long)]
        to: String,
        /// The commune they are in now, to find them by name when several communes have one.
        #[arg(long)]
        commune: Option<String>,
    },
    /// Give a person a role: `grant console:ba-lan hamlet_head --hamlet "Xóm Đồng Tâm"`.
    Grant {
        /// CHANNEL:ID, e.g. console:ba-lan, telegram:123456789 or zalo:6ede9afa66b88fe6d6a9
        identity: String,
        /// hamlet_head, culture_officer, agri_officer, leader, org_rep, business_rep or
        /// upper_level (the province's officers: every commune of the commune's province)
        role: Role,
        #[arg(long)]
        hamlet: Option<String>,
        /// The organisation an org_rep or business_rep speaks for.
        #[arg(long)]
        org: Option<String>,
        /// The commune's code, when the database holds several.
        #[arg(long)]
        commune: Option<String>,
    },
    /// Invite someone to a role: prints a one-time code, good for 7 days, that they type as
    /// `/moi CODE` on any channel (or open as a Telegram link, with `telegram_bot` set).
    Invite {
        /// hamlet_head, culture_officer, agri_officer, leader, org_rep, business_rep or
        /// upper_level (only from here: a commune's officers do not make the province's)
        role: Role,
        #[arg(long)]
        hamlet: Option<String>,
        /// The organisation an org_rep or business_rep speaks for.
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        commune: Option<String>,
    },
    /// Who holds which role (with the person numbers `revoke` takes), and invites not taken.
    Staff {
        #[arg(long)]
        commune: Option<String>,
    },
    /// Take a role back at once: `revoke telegram:123456789 hamlet_head` or `revoke 4 leader`.
    Revoke {
        /// CHANNEL:ID as `grant` takes it, a person's number from `staff`, or their name.
        who: String,
        role: Role,
        /// The hamlet, for a person heading several.
        #[arg(long)]
        hamlet: Option<String>,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        commune: Option<String>,
    },
    /// Serve the configured channels (Telegram: set TELOXIDE_TOKEN; Zalo: ZALO_BOT_TOKEN) until
    /// SIGTERM or Ctrl-C, which finish what is being handled and sent and stop within 10 s
    /// (a second Ctrl-C stops at once).
    Run,
    /// Check the dialogue files and exit (non-zero on any error).
    Check,
    /// Forget what has served its purpose (old message records, idle conversations, expired
    /// file links); `run` does this every hour by itself.
    Prune,
    /// Copy the SQLite database to a new file, safely, while the bot runs.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// The daily digest of a day: printed with --dry-run, else sent (once per person and day).
    Digest {
        /// The day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Only this person (console name or display name).
        #[arg(long)]
        officer: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the XLSX report (phones and CCCD masked unless --unmasked).
    Export {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, conflicts_with = "province")]
        commune: Option<String>,
        /// The upper level's workbook: a summary row per commune of the province NAME (by
        /// default the only province in the database) and each commune's tally; counts only.
        #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "",
            conflicts_with = "unmasked")]
        province: Option<String>,
        #[arg(long)]
        unmasked: bool,
        /// Replace the file at --out if there is one.
        #[arg(long)]
        force: bool,
    },
    /// The audit log: who did what, when, from which channel; oldest first, one line each.
    Audit {
        /// Only entries from this day on (dd/mm/yyyy as the commune writes it, or
        /// YYYY-MM-DD; the commune's calendar).
        #[arg(long, value_parser = day)]
        since: Option<chrono::NaiveDate>,
        /// Only what this person did: a person number (12), an account
        /// (telegram:123456789) or a name.
        #[arg(long)]
        person: Option<String>,
        /// The commune's code, when the database holds several.
        #[arg(long)]
        commune: Option<String>,
    },
    /// The commune's deadlines: `deadline add "Báo cáo cho thành phố" 20/07/2025`, `deadline list`.
    Deadline {
        #[command(subcommand)]
        action: DeadlineCommand,
        #[arg(long, global = true)]
        commune: Option<String>,
    },
    /// Measure the engine against a bare durable write, and Telegram end to end against a
    /// local Bot API stand-in (a crowd at once, one quiet user), in rounds, on a fresh SQLite
    /// file and, with --postgres URL, on a fresh schema there.
    Bench {
        /// Registrations through the engine (9 messages each), and as many floor commits.
        #[arg(long, default_value_t = 200)]
        registrations: usize,
        /// Concurrent chats for the engine, and tasks for the floor.
        #[arg(long, default_value_t = 4)]
        chats: usize,
        #[arg(long)]
        postgres: Option<String>,
        /// Simulated Telegram users, each sending --messages messages at once.
        #[arg(long, default_value_t = 200)]
        users: usize,
        /// Messages per user (9 is one registration; more start another).
        #[arg(long, default_value_t = 9)]
        messages: usize,
        /// Messages of the quiet user, one after each reply.
        #[arg(long, default_value_t = 30)]
        quiet: usize,
        /// How long the quiet user reads a reply before sending the next message, in ms
        /// (under 1000, Telegram's one message a second to a chat holds the replies back).
        #[arg(long, default_value_t = 1000)]
        think_ms: u64,
        /// Officers and hamlet heads the daily digest goes to at once.
        #[arg(long, default_value_t = 500)]
        recipients: usize,
        /// Conversations left open in a separate `giamngheo run` whose memory is measured
        /// (0: skip).
        #[arg(long, default_value_t = 10_000)]
        conversations: usize,
        /// Rounds of all the measurements.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Instead: a commune in a province's database against the same commune alone, on a
        /// province of --communes × --households (built once and reused; a SQLite file in the
        /// temporary folder, or a schema at --postgres).
        #[arg(long)]
        province: bool,
        #[arg(long, default_value_t = 100, requires = "province")]
        communes: usize,
        #[arg(long, default_value_t = 10_000, requires = "province")]
        households: usize,
        /// Digests composed on each database (the median counts).
        #[arg(long, default_value_t = 9, requires = "province")]
        digests: usize,
    },
}

#[derive(Subcommand)]
pub enum DeadlineCommand {
    /// Add a deadline: its title and its day (dd/mm/yyyy).
    Add { title: String, due: String },
    /// The deadlines not done yet.
    List,
}

pub async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref());
    let format = settings.as_ref().ok().and_then(|s| s.log_format);
    logs::init(cli.log_format.or(format).unwrap_or_default());
    let settings = settings?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Bench {
            registrations,
            chats,
            postgres,
            users,
            messages,
            quiet,
            think_ms,
            recipients,
            conversations,
            rounds,
            province,
            communes,
            households,
            digests,
        } => {
            if province {
                let plan = crate::bench::ProvincePlan {
                    size: crate::bench::province::Size {
                        communes,
                        households,
                    },
                    digests,
                    registrations,
                    chats,
                };
                return crate::bench::province_main(plan, postgres).await;
            }
            let plan = crate::bench::Plan {
                registrations,
                chats,
                users,
                messages,
                quiet,
                think: std::time::Duration::from_millis(think_ms),
                recipients,
                conversations,
                rounds,
                // Telegram's own limits: what the bot lives under.
                limits: None,
            };
            crate::bench::main(plan, postgres).await?
        }
        Command::Run => {
            // As for chat: broken dialogue files stop before any database is made.
            let dialogues = setup::dialogues(&settings)?;
            let store = app::open_store(&settings).await?;
            if seed::ensure_demo(&store, clock.now()).await? {
                logs::status("Đã tạo xã mẫu (demo). Nạp xã thật: giamngheo init --commune FILE");
            }
            let app = AppState::new(store, clock)?.configured(&settings);
            let engine = Arc::new(setup::engine_with(&app, &settings, dialogues));
            // Listening for the signals before anything starts, so none is missed.
            let mut signals = Signals::new()?;
            let running = crate::run::start(&settings, engine.clone()).await?;
            // The digest clock: every half minute, send what is due. A run in progress on the
            // way out is finished, and its digests sent, before the end.
            let (wake, stop) = (running.wake.clone(), running.stop.clone());
            tokio::spawn(async move {
                while let Some(busy) = stop.take() {
                    match crate::digest::tick(&app).await {
                        Ok(0) => {}
                        Ok(n) => {
                            crate::metrics::digests_sent(n);
                            wake.ring()
                        }
                        Err(e) => {
                            crate::metrics::count_if_database(&e);
                            tracing::error!(error = %e, "digest")
                        }
                    }
                    drop(busy);
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
                        _ = stop.reached(crate::stop::Phase::Stopping) => break,
                    }
                }
            });
            // Retention: every hour, in small batches.
            let (store, keep) = (engine.store().clone(), settings.clone());
            tokio::spawn(async move {
                loop {
                    if let Err(e) = prune_and_log(&store, &keep, chrono::Utc::now()).await {
                        tracing::error!(error = %e, "pruning");
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
            });
            let serving: Vec<&str> = [
                running.telegram.as_ref().map(|_| "Telegram"),
                running.zalo.as_ref().map(|_| "Zalo"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let serving = serving.join(", ");
            match running.addr {
                Some(a) => logs::status(&format!(
                    "{serving}: đang chạy; HTTP {a} (/healthz, /metrics)"
                )),
                None => logs::status(&format!("{serving}: đang chạy (long polling)")),
            }
            let signal = signals.next().await;
            logs::status(&format!(
                "{signal}: đang dừng, xử lý nốt tin nhắn đang nhận và gửi nốt tin trả lời \
                 (stopping: finishing what is being handled and sent)"
            ));
            let started = std::time::Instant::now();
            tokio::select! {
                done = running.shutdown(crate::run::STOP_WITHIN) => {
                    let took = started.elapsed().as_secs_f64();
                    if done {
                        logs::status(&format!("Đã dừng sau {took:.1} s (stopped)"));
                    } else {
                        logs::status(&format!(
                            "Đã dừng sau {took:.1} s; phần chưa xong sẽ được làm tiếp khi chạy \
                             lại (stopped; what was left is done at the next start)"
                        ));
                    }
                }
                signal = signals.next() => {
                    logs::status(&format!("{signal}: dừng ngay (stopped at once)"));
                }
            }
            // The pool closes once each connection is back; a task cut off may hold one.
            let _ = tokio::time::timeout(
                std::time::Duration::from_millis(300),
                engine.store().close(),
            )
            .await;
        }
        Command::Digest {
            date,
            officer,
            dry_run,
        } => {
            let store = app::open_store(&settings).await?;
            let app = AppState::new(store, clock.clone())?.configured(&settings);
            let printed = crate::digest::cli(&app, date, officer.as_deref(), dry_run).await?;
            print!("{printed}");
        }
        Command::Export {
            out,
            commune,
            province,
            unmasked,
            force,
        } => {
            // Last month's report, sent already, is not lost to a name typed again. Checked
            // before the report is made (and logged); the file is created only if still new.
            let exists = || {
                anyhow::anyhow!(
                    "{} exists already: choose another name, or add --force to replace it",
                    out.display()
                )
            };
            if out.exists() && !force {
                return Err(exists());
            }
            let store = app::open_store(&settings).await?;
            let bytes = match province {
                Some(name) => {
                    let name = Some(name.trim()).filter(|n| !n.is_empty());
                    crate::report::export_province(&store, name, clock.now()).await?
                }
                None => {
                    crate::report::export(&store, commune.as_deref(), unmasked, clock.now()).await?
                }
            };
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .create_new(!force)
                .open(&out)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => exists(),
                    _ => anyhow::Error::new(e).context(format!("writing {}", out.display())),
                })?;
            std::io::Write::write_all(&mut file, &bytes)?;
            println!("{}", out.display());
        }
        Command::Audit {
            since,
            person,
            commune,
        } => {
            let store = app::open_store(&settings).await?;
            let texts = crate::text::Texts::load()?;
            let query = crate::report::audit::Query {
                commune,
                since,
                person,
            };
            let printed = crate::report::audit::cli(&store, &texts, &query).await;
            store.close().await;
            println!("{}", printed?);
        }
        Command::Deadline { action, commune } => {
            let store = app::open_store(&settings).await?;
            let out = match action {
                DeadlineCommand::Add { title, due } => {
                    let due = crate::domain::input::parse_day(&due)
                        .map_err(|e| anyhow::anyhow!("{due:?}: {e} (dd/mm/yyyy)"))?;
                    seed::deadline(&store, commune.as_deref(), &title, due, clock.now()).await?
                }
                DeadlineCommand::List => {
                    seed::deadlines(&store, commune.as_deref(), clock.now()).await?
                }
            };
            println!("{out}");
        }
        Command::Prune => {
            let store = app::open_store(&settings).await?;
            let p = prune_and_log(&store, &settings, clock.now()).await?;
            println!(
                "pruned: {} inbox, {} outbox, {} conversations, {} file links",
                p.inbox, p.outbox, p.conversations, p.file_links
            );
        }
        Command::Backup { out } => {
            let store = app::open_store(&settings).await?;
            store.backup(&out).await?;
            println!("{}", out.display());
        }
        Command::Check => {
            let d = setup::dialogues(&settings)?;
            println!("{} dialogues OK", d.list.len());
        }
        Command::Init { commune } => {
            // The file first: a mistake in it leaves no database behind.
            let file = seed::read_commune(&commune)?;
            let store = app::open_store(&settings).await?;
            let done = seed::add_commune(&store, &file, clock.now()).await?;
            println!("{done}");
        }
        Command::Communes => {
            let store = app::open_store(&settings).await?;
            let bot = settings.telegram_bot.as_deref();
            let out = seed::list_communes(&store, bot, settings.commune.as_deref()).await?;
            store.close().await;
            println!("{out}");
        }
        Command::MovePerson { who, to, commune } => {
            let app = AppState::new(app::open_store(&settings).await?, clock)?;
            let done = crate::roster::move_person(
                &app.store,
                &app.texts,
                &who,
                &to,
                commune.as_deref(),
                app.clock.now(),
            )
            .await?;
            println!("{done}");
        }
        Command::Grant {
            identity,
            role,
            hamlet,
            org,
            commune,
        } => {
            let store = app::open_store(&settings).await?;
            let done = seed::grant(
                &store,
                &identity,
                role,
                hamlet.as_deref(),
                org.as_deref(),
                commune.as_deref(),
                clock.now(),
            )
            .await?;
            println!("{done}");
        }
        Command::Invite {
            role,
            hamlet,
            org,
            commune,
        } => {
            let app =
                AppState::new(app::open_store(&settings).await?, clock)?.configured(&settings);
            let done = crate::roster::invite(
                &app.store,
                &app.texts,
                role,
                hamlet.as_deref(),
                org.as_deref(),
                commune.as_deref(),
                settings.telegram_bot.as_deref(),
                app.clock.now(),
            )
            .await?;
            println!("{done}");
        }
        Command::Staff { commune } => {
            let app =
                AppState::new(app::open_store(&settings).await?, clock)?.configured(&settings);
            let list =
                crate::roster::list(&app.store, &app.texts, commune.as_deref(), app.clock.now())
                    .await?;
            println!("{list}");
        }
        Command::Revoke {
            who,
            role,
            hamlet,
            org,
            commune,
        } => {
            let app =
                AppState::new(app::open_store(&settings).await?, clock)?.configured(&settings);
            let done = crate::roster::revoke(
                &app.store,
                &app.texts,
                &who,
                role,
                hamlet.as_deref(),
                org.as_deref(),
                commune.as_deref(),
                app.clock.now(),
            )
            .await?;
            println!("{done}");
        }
        Command::Chat { who } => {
            // The dialogues first: broken files stop the chat before any database is made.
            let dialogues = setup::dialogues(&settings)?;
            let store = app::open_store(&settings).await?;
            if seed::ensure_demo(&store, clock.now()).await? {
                eprintln!(
                    "Đã tạo xã mẫu (demo): trưởng xóm truongxom1..3, cán bộ canbo. Dùng --as để đổi người."
                );
            }
            let engine = setup::engine_with(
                &AppState::new(store, clock)?.configured(&settings),
                &settings,
                dialogues,
            );
            use std::io::IsTerminal;
            let interactive = std::io::stdin().is_terminal();
            let stdin = BufReader::new(tokio::io::stdin());
            // Files the bot makes (a report) land in the current folder.
            let here = std::env::current_dir().ok();
            channels::console::run(&engine, &who, stdin, tokio::io::stdout(), interactive, here)
                .await?;
            engine.store().close().await;
        }
    }
    Ok(())
}

/// Prunes what is due and logs what went.
async fn prune_and_log(
    store: &crate::store::Store,
    settings: &Settings,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<crate::store::retention::Pruned> {
    let (kept, idle) = (settings.retention_days(), settings.idle_days());
    let p = crate::store::retention::prune_all(store, kept, idle, now).await?;
    if p.total() > 0 {
        tracing::info!(?p, "pruned");
    }
    Ok(p)
}

/// SIGTERM (systemd, docker, kill) and SIGINT (Ctrl-C), which both stop `giamngheo run`.
/// Once listened for, neither ends the process by itself any more.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// The next signal, by its name.
    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => "SIGINT",
                _ = self.term.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// A day on the command line: dd/mm/yyyy, as a commune writes it, or YYYY-MM-DD.
fn day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .or_else(|_| crate::domain::input::parse_day(s).map_err(|e| e.to_string()))
        .map_err(|e| format!("{s:?}: {e} (dd/mm/yyyy)"))
}
