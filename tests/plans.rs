//! A commune's queries cost the same in a province's database as alone: every statement the
//! digest, the officers' queues, the reports and the engine's messages run for one commune
//! reads the households and the audit log through an index, never the whole table.
//!
//! The statements are the ones the program really runs (caught from sqlx's own log while a
//! commune's officer, hamlet head and a resident use the bot on a many-commune database), and
//! each is then explained: SQLite's `EXPLAIN QUERY PLAN` must not `SCAN` those tables, and
//! PostgreSQL's generic plan, with sequential scans priced out, must use an index condition
//! on them. A plan, not a time: timings are the bench's (`giamngheo bench --province`).

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::TimeZone;
use giamngheo::bench::province::{self, Size};
use giamngheo::clock::FixedClock;
use giamngheo::store::Store;
use tracing_subscriber::layer::SubscriberExt;

/// Every statement sqlx ran since the last `take`, in this test binary.
fn statements() -> &'static Mutex<Vec<String>> {
    static SEEN: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SEEN.get_or_init(|| {
        let layer = Catch;
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        Mutex::new(vec![])
    })
}

struct Catch;

#[derive(Default)]
struct Fields {
    summary: String,
    statement: String,
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "db.statement" => self.statement = value.to_string(),
            "summary" => self.summary = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        let text = text.trim_matches('"').to_string();
        match field.name() {
            "db.statement" if self.statement.is_empty() => self.statement = text,
            "summary" if self.summary.is_empty() => self.summary = text,
            _ => {}
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Catch {
    fn enabled(
        &self,
        metadata: &tracing::Metadata<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        metadata.target() == "sqlx::query"
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        let sql = if f.statement.trim().is_empty() {
            f.summary
        } else {
            f.statement
        };
        statements().lock().unwrap().push(sql.trim().to_string());
    }
}

fn take() -> Vec<String> {
    std::mem::take(&mut *statements().lock().unwrap())
}

/// The statements that read households or the audit log (an INSERT of one row reads nothing).
fn reading(all: Vec<String>) -> BTreeSet<String> {
    all.into_iter()
        .filter(|s| {
            let l = s.to_lowercase();
            (l.contains("households") || l.contains("audit_log"))
                && (!l.starts_with("insert") || l.contains("select"))
                && !l.starts_with("explain")
                && !l.starts_with("prepare")
        })
        .collect()
}

/// How many `$n` placeholders a statement has.
fn params(sql: &str) -> usize {
    let mut max = 0;
    let b = sql.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'$' {
            let digits: String = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<usize>() {
                max = max.max(n);
            }
        }
    }
    max
}

/// The aliases a statement gives the households and the audit log (and the names themselves).
fn aliases(sql: &str) -> Vec<String> {
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let keyword = |w: &str| {
        [
            "where", "join", "left", "on", "set", "group", "order", "limit", "values", "as",
            "inner", "union", "select", "and",
        ]
        .contains(&w)
    };
    let mut out = vec!["households".to_string(), "audit_log".to_string()];
    for (i, w) in words.iter().enumerate() {
        if w == "households" || w == "audit_log" {
            let mut next = words.get(i + 1).map(String::as_str);
            if next == Some("as") {
                next = words.get(i + 2).map(String::as_str);
            }
            if let Some(a) = next.filter(|a| !keyword(a)) {
                out.push(a.to_string());
            }
        }
    }
    out
}

/// What is wrong with the statement's plan, if anything.
async fn full_scan(store: &Store, sql: &str) -> Option<String> {
    let n = params(sql);
    match store {
        Store::Sqlite(pool) => {
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
                "EXPLAIN QUERY PLAN {sql}"
            )));
            for _ in 0..n {
                q = q.bind(None::<i64>);
            }
            let plan = q.fetch_all(pool).await.expect("explain");
            let names = aliases(sql);
            plan.iter()
                .map(|r| r.3.clone())
                .find(|d| {
                    let mut w = d.split_whitespace();
                    let (how, table) = (w.next(), w.next());
                    let ours = table.is_some_and(|t| names.contains(&t.to_lowercase()));
                    // A range of row numbers (`rowid>?`) reads every later row, of every
                    // commune: as much a scan as SCAN.
                    ours && (how == Some("SCAN") || d.contains("rowid>") || d.contains("rowid<"))
                })
                .map(|d| format!("sqlite: {d}"))
        }
        Store::Postgres(pool) => {
            let mut conn = pool.acquire().await.expect("connection");
            let nulls = vec!["NULL"; n].join(", ");
            let execute = match n {
                0 => "EXPLAIN (FORMAT JSON) EXECUTE plan_check".to_string(),
                _ => format!("EXPLAIN (FORMAT JSON) EXECUTE plan_check({nulls})"),
            };
            prepare(&mut conn, sql, n).await;
            let plan: serde_json::Value = sqlx::query_scalar(sqlx::AssertSqlSafe(execute))
                .fetch_one(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("explaining {sql}: {e}"));
            sqlx::raw_sql("DEALLOCATE plan_check; RESET enable_seqscan; RESET plan_cache_mode")
                .execute(&mut *conn)
                .await
                .expect("deallocate");
            let mut bad = None;
            walk(&plan[0]["Plan"], &mut bad);
            bad.map(|b| format!("postgres: {b}"))
        }
    }
}

/// Prepares `sql` as `plan_check`, with sequential scans priced out and a generic plan (one
/// that holds whatever the values). A placeholder PostgreSQL cannot type by itself (one only
/// compared with NULL, say) gets the first type that makes the statement valid.
async fn prepare(conn: &mut sqlx::PgConnection, sql: &str, n: usize) {
    const TYPES: [&str; 4] = ["bigint", "timestamptz", "text", "date"];
    let mut types = vec!["unknown"; n];
    let mut tried = vec![0usize; n];
    let mut last = None;
    for _ in 0..=4 * n {
        let declared = match n {
            0 => String::new(),
            _ => format!("({})", types.join(", ")),
        };
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan;
             PREPARE plan_check{declared} AS {sql}"
        )))
        .execute(&mut *conn)
        .await;
        let Err(e) = done else { return };
        let text = e.to_string();
        let k = match text
            .split("could not determine data type of parameter $")
            .nth(1)
        {
            Some(rest) => {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
                    .parse::<usize>()
                    .expect("a parameter number")
                    - 1
            }
            None => last.unwrap_or_else(|| panic!("preparing {sql}: {text}")),
        };
        assert!(tried[k] < TYPES.len(), "preparing {sql}: {text}");
        types[k] = TYPES[tried[k]];
        tried[k] += 1;
        last = Some(k);
    }
    panic!("preparing {sql}: no types fit");
}

/// The first node that reads households or the audit log other than by an equality on a
/// key that picks a few rows (a commune, a hamlet, a record, a person): an index condition on
/// `status` alone, say, is still a walk through the whole index.
fn walk(node: &serde_json::Value, bad: &mut Option<String>) {
    let relation = node["Relation Name"].as_str().unwrap_or_default();
    if bad.is_none() && (relation == "households" || relation == "audit_log") {
        let kind = node["Node Type"].as_str().unwrap_or_default();
        let cond = node["Index Cond"]
            .as_str()
            .or(node["Recheck Cond"].as_str())
            .unwrap_or_default();
        let picks = [
            "commune_id",
            "id",
            "hamlet_id",
            "registered_by",
            "entity_id",
        ]
        .iter()
        .any(|key| {
            [" ", "(", "."]
                .iter()
                .any(|before| cond.contains(&format!("{before}{key} = ")))
        });
        if !picks {
            *bad = Some(format!("{kind} on {relation} ({cond})"));
        }
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        walk(child, bad);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_communes_queries_use_indexes_in_a_province() {
    statements();
    let now = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap();
    for db in common::databases().await {
        let store = db.db.store.clone();
        let size = Size {
            communes: 30,
            households: 500,
        };
        let p = province::build(&store, size, now).await.expect("province");
        let clock = Arc::new(FixedClock::new(now));
        let engine = common::engine(&db.db, clock.clone());
        let k = 3;
        let code = province::code(k);
        take();

        // The officer's digest and queue, a hamlet head's digest and queue.
        let app = common::app(store.clone(), clock.clone());
        let day = now.date_naive();
        giamngheo::digest::preview(&app, p.officers[k], day)
            .await
            .expect("officer's digest");
        giamngheo::digest::preview(&app, p.heads[k], day)
            .await
            .expect("hamlet head's digest");
        let mut officer = common::Account::new(&engine, "console", leak(format!("{code}-canbo")));
        officer.say("/choxuly").await;
        officer.say("/huy").await;
        officer.say("/nhatky").await;
        let mut head = common::Account::new(&engine, "console", leak(format!("{code}-truongxom1")));
        head.say("/duyet").await;
        head.say("/huy").await;
        // A resident's registration, every message of it.
        let mut resident = common::Account::new(&engine, "console", "nguoidan-plans");
        resident
            .says(&[
                "/dangky",
                "Nguyễn Văn An",
                "2",
                "Số 5",
                "0912345678",
                "4",
                "ho ngheo",
                "bo qua",
                "1",
            ])
            .await;
        // The reports: the commune's and the province's.
        giamngheo::report::export(&store, Some(&code), false, now)
            .await
            .expect("commune report");
        giamngheo::report::export_province(&store, None, now)
            .await
            .expect("province report");

        let checked = reading(take());
        assert!(
            checked.len() >= 10,
            "{}: too few statements caught ({}): {checked:#?}",
            db.name,
            checked.len()
        );
        if std::env::var("PLANS_SHOW").is_ok() {
            eprintln!("{checked:#?}");
        }
        let mut scans = vec![];
        for sql in &checked {
            if let Some(why) = full_scan(&store, sql).await {
                scans.push(format!("{why}\n    {sql}"));
            }
        }
        assert!(
            scans.is_empty(),
            "{}: whole-table reads of households or the audit log:\n{}",
            db.name,
            scans.join("\n")
        );
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}
