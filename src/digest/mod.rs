//! The officers' daily digest. `tick` looks at the clock and sends every digest that is due,
//! each exactly once: the digest's row (person, day) is claimed in the same transaction that
//! queues it, so a second process, a restart or a retry finds it claimed and sends nothing.
//! A process that was down at the hour sends the missed digest when it comes back, once,
//! naming the day it covers.

pub mod compose;
pub mod province;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::app::AppState;
use crate::domain::{Access, Capability, CommuneRules, parse_time};
use crate::message::{FileRef, Reply};
use crate::store::digests::{self, Recipient};
use crate::store::{Tx, communes, files, outbox, persons};
use crate::text::{Lang, Texts};

/// 07:00, when the letter's officers start work.
pub const DEFAULT_TIME: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(t) => t,
    None => panic!("07:00 is a time"),
};

/// Where a person's digest stands at `now`.
struct Schedule {
    tz: Tz,
    time: NaiveTime,
    quiet_line: bool,
}

impl Schedule {
    fn of(r: &Recipient, commune_tz: &str) -> Schedule {
        let tz = r
            .time_zone
            .as_deref()
            .unwrap_or(commune_tz)
            .parse()
            .unwrap_or(chrono_tz::Asia::Ho_Chi_Minh);
        let time = r
            .digest_time
            .as_deref()
            .and_then(parse_time)
            .unwrap_or(DEFAULT_TIME);
        Schedule {
            tz,
            time,
            quiet_line: r.quiet_line.unwrap_or(true),
        }
    }

    /// The latest day whose digest time has passed at `now`.
    fn due_day(&self, now: DateTime<Utc>) -> NaiveDate {
        let local = now.with_timezone(&self.tz);
        let today = local.date_naive();
        if local.time() >= self.time {
            today
        } else {
            today - Duration::days(1)
        }
    }

    /// The instant of the digest of `day`.
    fn at(&self, day: NaiveDate) -> DateTime<Utc> {
        self.tz
            .from_local_datetime(&day.and_time(self.time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(self.time)))
    }
}

/// Sends every digest due at the application's clock; returns how many went out.
pub async fn tick(app: &AppState) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let mut tx = app.store.read().await?;
    let people = digests::recipients(&mut tx).await?;
    tx.commit().await?;
    let mut sent = 0;
    let mut cache = Cache::default();
    for r in people {
        // One person's failure (a broken chart, say) must not cost everyone after them.
        match send(app, &mut cache, &r, None, now).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(e) => {
                crate::metrics::count_if_database(&e);
                tracing::error!(error = %e, person = r.person_id, "digest");
            }
        }
    }
    Ok(sent)
}

/// Sends one person's digest of `day` (None: the day due at `now`), unless it went out
/// already. A forced day (the command line) is sent even if quiet.
async fn send(
    app: &AppState,
    cache: &mut Cache,
    r: &Recipient,
    day: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    // Whether a digest is due is read without the write lock: most checks find none.
    let mut tx = app.store.read().await?;
    let commune = cache.commune(&mut tx, r.commune_id).await?;
    let schedule = Schedule::of(r, &commune.time_zone);
    let last = digests::last_sent(&mut tx, r.person_id).await?;
    tx.commit().await?;
    let forced = day.is_some();
    let day = match day {
        Some(d) => d,
        None => {
            let due = schedule.due_day(now);
            // A person made an officer today gets a first digest tomorrow, not yesterday's.
            if last.as_ref().is_some_and(|l| l.day >= due) || schedule.at(due) < r.since {
                return Ok(false);
            }
            due
        }
    };
    // Since the previous digest; the first one covers the day before its hour.
    let from = last
        .map(|l| l.covers_to)
        .unwrap_or_else(|| schedule.at(day) - Duration::days(1));
    let lang = Lang::parse(&r.lang).unwrap_or_default();
    let today = now.with_timezone(&schedule.tz).date_naive();
    let period = Period {
        day,
        today,
        from,
        to: now,
    };
    // Composed from a read, and the chart drawn, before the write that claims the day: the
    // write lock is held only to claim it and queue the message. What a second process
    // composed meanwhile is thrown away when it finds the day claimed.
    let mut tx = app.store.read().await?;
    let reply = build(
        &app.texts,
        &mut tx,
        cache,
        &commune,
        r.person_id,
        period,
        lang,
    )
    .await?;
    let contact = persons::notice_contact(&mut tx, r.person_id).await?;
    tx.commit().await?;
    let reply = match reply {
        Some((mut reply, with_chart)) => {
            if with_chart && let Some(chart) = cache.chart(app, &commune, period, lang).await? {
                reply.files.push(chart);
            }
            Some(reply)
        }
        None if schedule.quiet_line || forced => Some(quiet(&app.texts, lang, day)),
        None => None,
    };
    // The claim is what makes it once: a second process finds the row and sends nothing.
    let mut tx = app.store.begin().await?;
    if !digests::claim(&mut tx, r.person_id, day, from, now).await? {
        return Ok(false);
    }
    if let (Some(reply), Some(c)) = (reply, contact) {
        outbox::enqueue(&mut tx, &c.channel, &c.chat_id, &reply, now).await?;
    }
    tx.commit().await?;
    Ok(true)
}

fn quiet(texts: &Texts, lang: Lang, day: NaiveDate) -> Reply {
    let day = crate::domain::input::format_date(day);
    Reply::text(texts.get(lang, "digest-quiet", &[("day", day.into())]))
}

/// What a digest covers: the day it is for, the day it is seen on, and (from, to].
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub day: NaiveDate,
    pub today: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// What one round of digests computes once and shares: each commune, the commune's side of
/// each period, and each commune's chart of the day (made once, stored, and sent by
/// reference).
#[derive(Default)]
pub struct Cache {
    /// For a preview, which records nothing: charts travel inside the message.
    inline: bool,
    communes: HashMap<i64, communes::Commune>,
    days: HashMap<(i64, DateTime<Utc>, DateTime<Utc>), compose::CommuneDay>,
    /// The upper level's side, once per province (its name, whether the demo's) and period.
    provinces: HashMap<(String, bool, DateTime<Utc>, DateTime<Utc>), province::ProvinceDay>,
    charts: HashMap<(i64, NaiveDate, Lang), Option<FileRef>>,
}

impl Cache {
    async fn commune(&mut self, tx: &mut Tx, id: i64) -> sqlx::Result<communes::Commune> {
        if let Some(c) = self.communes.get(&id) {
            return Ok(c.clone());
        }
        let c = communes::by_id(tx, id).await?;
        self.communes.insert(id, c.clone());
        Ok(c)
    }

    /// The commune's chart of the period's day, drawn from the counts the digest made and
    /// stored once (a write of its own, outside any digest's claim), so every recipient
    /// and every process sends the same file by reference. A preview carries it inline.
    async fn chart(
        &mut self,
        app: &AppState,
        commune: &communes::Commune,
        p: Period,
        lang: Lang,
    ) -> anyhow::Result<Option<FileRef>> {
        let key = (commune.id, p.day, lang);
        if let Some(c) = self.charts.get(&key) {
            return Ok(c.clone());
        }
        // Stored under what it is, so another process or a later round finds it made.
        let stored = format!("chart:{}:{}:{}", commune.id, p.day, lang.code());
        let made = match self.inline {
            true => None,
            false => {
                let mut tx = app.store.read().await?;
                let made = files::by_key(&mut tx, &stored).await?;
                tx.commit().await?;
                made
            }
        };
        let chart = match made {
            Some((id, name)) => Some(FileRef::stored("photo", &name, id)),
            None => {
                let Some(day) = self.days.get(&(commune.id, p.from, p.to)) else {
                    anyhow::bail!("the chart of a day whose digest was not composed");
                };
                let words = CommuneRules::from_json(&commune.rules).words;
                let texts = app.texts.for_commune(&words.hamlet);
                match crate::report::chart::of_tally(&day.tally, &commune.name, &texts, lang)? {
                    Some(png) if !self.inline => {
                        let bytes = png.bytes().unwrap_or_default();
                        let mut tx = app.store.begin().await?;
                        let id =
                            files::put(&mut tx, &stored, "photo", &png.name, &bytes, p.to).await?;
                        tx.commit().await?;
                        Some(FileRef::stored("photo", &png.name, id))
                    }
                    inline => inline,
                }
            }
        };
        self.charts.insert(key, chart.clone());
        Ok(chart)
    }
}

/// The text of the digest of a period for a person, or None on a day with nothing at all to
/// say: the commune's for hamlet heads and officers, the province's for the upper level (one
/// message with both for someone who is both). True when the commune's part is in it: the
/// caller adds the commune's chart.
pub async fn build(
    texts: &Texts,
    tx: &mut Tx,
    cache: &mut Cache,
    commune: &communes::Commune,
    person_id: i64,
    p: Period,
    lang: Lang,
) -> anyhow::Result<Option<(Reply, bool)>> {
    let grants = persons::grants(tx, person_id).await?;
    let access = Access::new(grants.clone());
    let mut reply = match access.gets_commune_digest() {
        true => build_commune(texts, tx, cache, commune, person_id, &grants, p, lang).await?,
        false => None,
    };
    let with_chart = reply.is_some();
    if access.can(Capability::ReceiveUpperDigest) {
        let key = (commune.province.clone(), commune.is_demo, p.from, p.to);
        if let Entry::Vacant(e) = cache.provinces.entry(key.clone()) {
            let (name, demo) = (&commune.province, commune.is_demo);
            e.insert(province::ProvinceDay::gather(tx, name, demo, p.today, p.from, p.to).await?);
        }
        if let Some(text) = province::render(&cache.provinces[&key], p.day, p.today, texts, lang) {
            reply = Some(match reply {
                Some(mut r) => {
                    r.text = format!("{}\n\n{text}", r.text);
                    r
                }
                None => Reply::text(text),
            });
        }
    }
    Ok(reply.map(|r| (r, with_chart)))
}

/// The commune's digest of a period for a hamlet head or an officer.
#[allow(clippy::too_many_arguments)]
async fn build_commune(
    texts: &Texts,
    tx: &mut Tx,
    cache: &mut Cache,
    commune: &communes::Commune,
    person_id: i64,
    grants: &[crate::domain::Grant],
    p: Period,
    lang: Lang,
) -> anyhow::Result<Option<Reply>> {
    let commune_texts = texts.for_commune(&CommuneRules::from_json(&commune.rules).words.hamlet);
    let texts = &commune_texts;
    let key = (commune.id, p.from, p.to);
    if let Entry::Vacant(e) = cache.days.entry(key) {
        e.insert(compose::CommuneDay::gather(tx, commune, p.today, p.from, p.to).await?);
    }
    let shared = &cache.days[&key];
    let data = compose::for_person(
        tx, shared, commune, person_id, grants, p.day, p.today, texts, lang,
    )
    .await?;
    if data.nothing_new() && data.waiting.is_empty() && data.deadlines.is_empty() {
        return Ok(None);
    }
    Ok(Some(compose::reply(&data, texts, lang)))
}

/// The digest of `day` as it would read, for `giamngheo digest --dry-run`: the 24 hours
/// before that day's digest time, sent nowhere, recorded nowhere.
pub async fn preview(app: &AppState, person_id: i64, day: NaiveDate) -> anyhow::Result<Reply> {
    let mut tx = app.store.read().await?;
    let mut rs = digests::recipients(&mut tx).await?;
    tx.commit().await?;
    rs.retain(|r| r.person_id == person_id);
    let mut cache = Cache {
        inline: true,
        ..Cache::default()
    };
    preview_with(app, &mut cache, person_id, rs.first(), day).await
}

async fn preview_with(
    app: &AppState,
    cache: &mut Cache,
    person_id: i64,
    recipient: Option<&Recipient>,
    day: NaiveDate,
) -> anyhow::Result<Reply> {
    let mut tx = app.store.read().await?;
    let person = persons::by_id(&mut tx, person_id).await?;
    let commune = cache.commune(&mut tx, person.commune_id).await?;
    let schedule = match recipient {
        Some(r) => Schedule::of(r, &commune.time_zone),
        None => Schedule {
            tz: commune
                .time_zone
                .parse()
                .unwrap_or(chrono_tz::Asia::Ho_Chi_Minh),
            time: DEFAULT_TIME,
            quiet_line: true,
        },
    };
    let to = schedule.at(day);
    let from = to - Duration::days(1);
    let lang = Lang::parse(&person.lang).unwrap_or_default();
    let period = Period {
        day,
        today: day,
        from,
        to,
    };
    let reply = build(
        &app.texts, &mut tx, cache, &commune, person_id, period, lang,
    )
    .await?;
    tx.commit().await?;
    let Some((mut reply, with_chart)) = reply else {
        return Ok(quiet(&app.texts, lang, day));
    };
    if with_chart && let Some(chart) = cache.chart(app, &commune, period, lang).await? {
        reply.files.push(chart);
    }
    Ok(reply)
}

/// `giamngheo digest`: the digests of `day` (default today) for every recipient or one,
/// printed (dry run) or sent; returns what to print.
pub async fn cli(
    app: &AppState,
    day: Option<NaiveDate>,
    officer: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<String> {
    // No day and no dry run: send what is due now, as `giamngheo run` does (for cron).
    if day.is_none() && !dry_run && officer.is_none() {
        let sent = tick(app).await?;
        return Ok(format!("{sent} digest(s) sent\n"));
    }
    let now = app.clock.now();
    let mut tx = app.store.read().await?;
    let mut people = digests::recipients(&mut tx).await?;
    tx.commit().await?;
    if let Some(name) = officer {
        let f = crate::text::fold(name);
        people.retain(|r| crate::text::fold(&r.display_name) == f);
        if people.is_empty() {
            anyhow::bail!(
                "nobody called {name:?} gets a digest (hamlet heads, officers and the upper level do)"
            );
        }
    }
    let mut out = String::new();
    let mut cache = Cache {
        inline: dry_run,
        ..Cache::default()
    };
    for r in &people {
        let mut tx = app.store.read().await?;
        let commune = cache.commune(&mut tx, r.commune_id).await?;
        tx.commit().await?;
        let today = crate::clock::local_date(now, &commune.time_zone);
        let day = day.unwrap_or(today);
        // Sending a future day would mark it sent and silence the days before it.
        if day > today && !dry_run {
            anyhow::bail!("{day} is in the future: only --dry-run can show it");
        }
        if dry_run {
            let reply = preview_with(app, &mut cache, r.person_id, Some(r), day).await?;
            out.push_str(&format!(
                "== {} ==\n{}\n\n",
                r.display_name,
                crate::message::render_plain(&reply)
            ));
        } else {
            let sent = send(app, &mut cache, r, Some(day), now).await?;
            let what = if sent { "sent" } else { "already sent" };
            out.push_str(&format!("{}: {what}\n", r.display_name));
        }
    }
    Ok(out)
}
