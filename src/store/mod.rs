//! Storage on SQLite (embedded, the default) or PostgreSQL (for many communes and processes).
//!
//! Each query is written once: SQLite understands PostgreSQL's `$1` placeholders, and the two
//! schemas (in `migrations/sqlite` and `migrations/postgres`) use types that decode to the same
//! Rust types. `on_tx!` expands a query once per backend, so every store function is plain
//! sqlx taking a transaction, with no trait objects and no second copy of the SQL; `execute!`
//! is `on_tx!` for a statement whose only result is how many rows it changed. Where the
//! dialects differ (row locks), the function picks its text by `Tx::is_postgres`.

pub mod audit;
pub mod communes;
pub mod conversations;
pub mod digests;
pub mod disabled;
pub mod file_links;
pub mod files;
pub mod groups;
pub mod handling;
pub mod households;
pub mod inbox;
pub mod invites;
pub mod links;
pub mod outbox;
pub mod persons;
pub mod proposals;
pub mod province;
pub mod retention;
pub mod scratch;
pub mod staff;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// Runs `$body` with `$conn` bound to the transaction's connection, whatever the backend.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::store::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}
pub use on_tx;

/// Runs a statement with its values bound, in the transaction, whatever the backend, and
/// gives the number of rows it changed. Each backend has a result type of its own and the
/// count is all any caller wants of it, so it is taken in this one place.
macro_rules! execute {
    ($tx:expr, $sql:expr $(, $value:expr)* $(,)?) => {
        $crate::store::on_tx!($tx, |conn| sqlx::query($sql)
            $(.bind($value))*
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))
    };
}
pub(crate) use execute;

/// A pool of connections to one of the two databases.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// What `Store::open` did, for the one line printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    CreatedSqlite(String),
    Sqlite(String),
    Postgres,
}

impl Store {
    /// Opens `url` (`sqlite:PATH` or `postgres://…`), creating a SQLite file if needed, and
    /// brings the schema up to date.
    pub async fn open(url: &str) -> anyhow::Result<(Store, Opened)> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // Errors name where (host, port, database), never the URL: it may hold a password.
            let opts = PgConnectOptions::from_str(url).map_err(|e| {
                anyhow::anyhow!(
                    "parsing the PostgreSQL URL {}: {}",
                    crate::config::redact_url(url),
                    e.to_string().replace(url, "…")
                )
            })?;
            let at = format!(
                "{}:{}/{}",
                opts.get_host(),
                opts.get_port(),
                opts.get_database().unwrap_or_default()
            );
            let store = Store::open_postgres(opts)
                .await
                .with_context(|| format!("PostgreSQL at {at}"))?;
            Ok((store, Opened::Postgres))
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            let existed = path == ":memory:" || std::path::Path::new(path).exists();
            let opts = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("parsing the SQLite URL {url}"))?;
            let store = Store::open_sqlite(opts)
                .await
                .with_context(|| format!("SQLite database {path}"))?;
            let opened = if existed {
                Opened::Sqlite(path.to_string())
            } else {
                Opened::CreatedSqlite(path.to_string())
            };
            Ok((store, opened))
        } else {
            anyhow::bail!(
                "DATABASE_URL must start with sqlite: or postgres://, got {:?}",
                crate::config::redact_url(url)
            )
        }
    }

    pub async fn open_sqlite(opts: SqliteConnectOptions) -> anyhow::Result<Store> {
        let opts = opts
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a registration the user was told is saved survives a power cut too.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        // A connection still "inside" a transaction is closed rather than handed out: when
        // a commit fails after SQLite rolled back by itself (a full disk), the driver's
        // rollback fails too and the connection would refuse every later BEGIN until a
        // restart. A new connection costs an open(); the same guard stands for PostgreSQL.
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(15))
            .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(opts)
            .await
            .context("opening the SQLite database")?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .context("migrating the SQLite database")?;
        Ok(Store::Sqlite(pool))
    }

    pub async fn open_postgres(opts: PgConnectOptions) -> anyhow::Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(Duration::from_secs(15))
            .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(opts)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .context("migrating the PostgreSQL database")?;
        Ok(Store::Postgres(pool))
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that later writes can fail with SQLITE_BUSY instead of waiting.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Store::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Store::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Starts a transaction that only reads. On SQLite it takes no write lock (a deferred
    /// `BEGIN`: in WAL mode readers never wait for the writer), so health checks, the
    /// digest's half-minute checks and lists never queue behind a registration. A write in it
    /// may fail at once with SQLITE_BUSY: write with `begin`.
    pub async fn read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Store::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN").await?),
            Store::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Writes a consistent copy of a SQLite database to `path` while the bot keeps running
    /// (`VACUUM INTO`). PostgreSQL has its own tools (pg_dump) and is refused here.
    pub async fn backup(&self, path: &std::path::Path) -> anyhow::Result<()> {
        let Store::Sqlite(pool) = self else {
            anyhow::bail!("for PostgreSQL use pg_dump; `backup` copies the SQLite file");
        };
        if path.exists() {
            anyhow::bail!("{} exists already; choose a new name", path.display());
        }
        let target = path
            .to_str()
            .context("the backup path is not text")?
            .to_string();
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(p) => p.close().await,
            Store::Postgres(p) => p.close().await,
        }
    }
}
