//! Throwaway databases: a SQLite file in a folder of its own, or a new schema on a
//! PostgreSQL server, empty and used by nobody else. `giamngheo bench` measures on them;
//! with the `test-util` feature, `TestDb` hands them to the test suites.

use std::path::Path;
use std::str::FromStr;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;

use super::Store;

/// A new SQLite database in `dir`, and where it is.
pub(crate) async fn sqlite(dir: &Path) -> anyhow::Result<(Store, SqliteConnectOptions)> {
    let opts = SqliteConnectOptions::new().filename(dir.join("test.db"));
    Ok((Store::open_sqlite(opts.clone()).await?, opts))
}

/// A new schema, named uniquely, on the PostgreSQL server at `url`, and the options that
/// use it.
pub(crate) async fn postgres(url: &str) -> anyhow::Result<(Store, PgConnectOptions)> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let schema = format!(
        "t_{}_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let base = PgConnectOptions::from_str(url).context("TEST_POSTGRES_URL")?;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(base.clone())
        .await
        .context("connecting to TEST_POSTGRES_URL")?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .execute(&admin)
        .await?;
    admin.close().await;
    let opts = base.options([("search_path", schema.as_str())]);
    Ok((Store::open_postgres(opts.clone()).await?, opts))
}

/// A fresh, empty database for one test: a SQLite file in a folder of its own, or a new
/// schema on the PostgreSQL server at `TEST_POSTGRES_URL`. It can be closed and opened again,
/// as a restarted process would.
#[cfg(feature = "test-util")]
pub struct TestDb {
    pub store: Store,
    target: Target,
    url: String,
}

#[cfg(feature = "test-util")]
enum Target {
    Sqlite(Box<SqliteConnectOptions>),
    Postgres(Box<PgConnectOptions>),
}

#[cfg(feature = "test-util")]
impl TestDb {
    pub async fn sqlite(dir: &Path) -> anyhow::Result<TestDb> {
        let (store, opts) = sqlite(dir).await?;
        let url = format!("sqlite:{}", opts.get_filename().display());
        Ok(TestDb {
            store,
            target: Target::Sqlite(Box::new(opts)),
            url,
        })
    }

    pub async fn postgres(url: &str) -> anyhow::Result<TestDb> {
        let (store, opts) = postgres(url).await?;
        let Store::Postgres(pool) = &store else {
            unreachable!("postgres() opens PostgreSQL");
        };
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(pool)
            .await?;
        let joiner = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{joiner}options[search_path]={schema}");
        Ok(TestDb {
            store,
            target: Target::Postgres(Box::new(opts)),
            url,
        })
    }

    /// The URL another process (the `giamngheo` binary) opens this same database with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Closes every connection and opens the same database again.
    pub async fn reopen(&mut self) -> anyhow::Result<()> {
        self.store.close().await;
        self.store = self.another_pool().await?;
        Ok(())
    }

    /// A second, independent pool on the same database, as a second process would have.
    pub async fn another_pool(&self) -> anyhow::Result<Store> {
        match &self.target {
            Target::Sqlite(o) => Store::open_sqlite((**o).clone()).await,
            Target::Postgres(o) => Store::open_postgres((**o).clone()).await,
        }
    }

    /// Runs one statement outside any dialogue, to set a test's scene (or break it).
    pub async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match &self.store {
            Store::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ())?,
            Store::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ())?,
        }
        Ok(())
    }
}
