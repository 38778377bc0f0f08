//! What a digest says: gathered from the store for one person and period, then rendered
//! short and scannable for a phone. Rendering is a pure function of the gathered data.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::input::format_date;
use crate::domain::{Access, Capability, Category, Grant, GroupStatus, Phone, Role};
use crate::message::Reply;
use crate::present;
use crate::report::tally::{self, Tally};
use crate::store::digests::{self, Count, Deadline};
use crate::store::{Tx, communes::Commune, groups, households, persons, proposals};
use crate::text::{Arg, Lang, Texts};

/// One thing waiting for the reader, with the command that acts on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub label: String,
    pub days: i64,
    pub command: String,
}

/// Everything a digest shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub day: NaiveDate,
    pub today: NaiveDate,
    pub commune: String,
    pub registered: Vec<Count>,
    pub confirmed: Vec<Count>,
    pub changes: Vec<Count>,
    pub waiting: Vec<Waiting>,
    pub deadlines: Vec<Deadline>,
    pub totals: Vec<Count>,
    /// People with a disability recorded in the period.
    pub people_recorded: i64,
    /// Households and people now, counted as the report and the chart count them.
    pub now: Counted,
}

/// The commune's households and people now, as `report::tally` counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counted {
    pub confirmed: i64,
    pub waiting: i64,
    pub people: i64,
}

impl Counted {
    pub fn of(t: &Tally) -> Counted {
        Counted {
            confirmed: t.confirmed_total(),
            waiting: t.waiting_total(),
            people: t.people_total(),
        }
    }
}

impl Data {
    pub fn nothing_new(&self) -> bool {
        self.registered.is_empty()
            && self.confirmed.is_empty()
            && self.changes.is_empty()
            && self.people_recorded == 0
    }
}

/// Deadlines within this many days are shown (overdue ones always).
const DEADLINE_HORIZON_DAYS: i64 = 30;

/// What a commune's digest says to all its recipients for one period: computed once per
/// commune and period, then each recipient's own part is added (`for_person`).
pub struct CommuneDay {
    registered: Vec<Count>,
    confirmed: Vec<Count>,
    changes: Vec<Count>,
    totals: Vec<Count>,
    people_recorded: i64,
    /// As the report counts them: the digest's totals and its chart.
    pub tally: Tally,
    deadlines: Vec<Deadline>,
    requested: Vec<groups::Group>,
    open: Vec<proposals::Proposal>,
}

impl CommuneDay {
    /// The commune's side of the digest covering (from, to], seen on `today`.
    pub async fn gather(
        tx: &mut Tx,
        commune: &Commune,
        today: NaiveDate,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> sqlx::Result<CommuneDay> {
        let deadlines = digests::open_deadlines(tx, commune.id)
            .await?
            .into_iter()
            .filter(|d| (d.due_on - today).num_days() <= DEADLINE_HORIZON_DAYS)
            .collect();
        Ok(CommuneDay {
            registered: digests::registered_between(tx, commune.id, from, to).await?,
            confirmed: digests::confirmed_between(tx, commune.id, from, to).await?,
            changes: digests::changes_between(tx, commune.id, from, to).await?,
            totals: digests::totals(tx, commune.id).await?,
            people_recorded: digests::disabled_people_between(tx, commune.id, from, to).await?,
            tally: tally::of_commune(tx, commune, today).await?,
            deadlines,
            requested: groups::with_status(tx, commune.id, GroupStatus::Requested).await?,
            open: proposals::open(tx, commune.id).await?,
        })
    }
}

/// The digest of `day` for a person with `grants`: the commune's side, and what waits for
/// this person.
#[allow(clippy::too_many_arguments)]
pub async fn for_person(
    tx: &mut Tx,
    shared: &CommuneDay,
    commune: &Commune,
    person_id: i64,
    grants: &[Grant],
    day: NaiveDate,
    today: NaiveDate,
    texts: &Texts,
    lang: Lang,
) -> sqlx::Result<Data> {
    // What each part shows follows the capability table, as the commands do.
    let access = Access::new(grants.to_vec());
    let age = |at: DateTime<Utc>| present::days_since(today, at, &commune.time_zone);
    let mut waiting = vec![];
    // Hamlet heads: registrations to confirm. They call the households, so the phone shows
    // in full; nobody else's digest carries a whole number.
    for hamlet in access.head_of() {
        // What one registered, decided or submitted oneself waits for someone else.
        let pending = households::pending(tx, commune.id, Some(hamlet)).await?;
        for h in pending.into_iter().filter(|h| h.registered_by != person_id) {
            let phone = Phone::parse(&h.phone)
                .map(|p| p.local())
                .unwrap_or_default();
            waiting.push(Waiting {
                label: format!("{} ({phone})", present::numbered(h.id, &h.head_name)),
                days: age(h.created_at),
                command: format!("/duyet {}", h.id),
            });
        }
    }
    // The culture-social officer: registrations a hamlet head made in their own hamlet, which
    // only the officer (or another head of the hamlet) may confirm. Phones masked.
    if access.has_role(Role::CultureOfficer) {
        // The heads of each hamlet, read once per hamlet rather than once per household.
        let mut heads: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for h in households::pending(tx, commune.id, None).await? {
            if let std::collections::hash_map::Entry::Vacant(e) = heads.entry(h.hamlet_id) {
                e.insert(persons::hamlet_heads(tx, h.hamlet_id).await?);
            }
            if h.registered_by == person_id || !heads[&h.hamlet_id].contains(&h.registered_by) {
                continue;
            }
            let phone = Phone::parse(&h.phone)
                .map(|p| p.masked())
                .unwrap_or_default();
            waiting.push(Waiting {
                label: format!("{} ({phone})", present::numbered(h.id, &h.head_name)),
                days: age(h.created_at),
                command: format!("/duyet {}", h.id),
            });
        }
    }
    if access.can(Capability::DecideGroup) {
        for g in shared.requested.iter().filter(|g| !g.led_by(person_id)) {
            waiting.push(Waiting {
                label: present::numbered(g.id, &g.name),
                days: g.requested_at.map(age).unwrap_or(0),
                command: format!("/thanhlap {}", g.id),
            });
        }
    }
    if access.can(Capability::ActOnProposal) {
        for p in shared.open.iter().filter(|p| p.submitted_by != person_id) {
            waiting.push(Waiting {
                label: format!(
                    "{} – {}",
                    present::numbered(p.id, &p.title),
                    texts.get(lang, p.status.message_id(), &[])
                ),
                days: age(p.updated_at),
                command: format!("/xulyda {}", p.id),
            });
        }
    }
    waiting.sort_by_key(|w| std::cmp::Reverse(w.days));
    Ok(Data {
        day,
        today,
        commune: commune.name.clone(),
        registered: shared.registered.clone(),
        confirmed: shared.confirmed.clone(),
        changes: shared.changes.clone(),
        waiting,
        deadlines: shared.deadlines.clone(),
        totals: shared.totals.clone(),
        people_recorded: shared.people_recorded,
        now: Counted::of(&shared.tally),
    })
}

/// Gathers the digest of `day` for one person, covering (from, to].
#[allow(clippy::too_many_arguments)]
pub async fn gather(
    tx: &mut Tx,
    commune: &Commune,
    person_id: i64,
    grants: &[Grant],
    day: NaiveDate,
    today: NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    texts: &Texts,
    lang: Lang,
) -> sqlx::Result<Data> {
    let shared = CommuneDay::gather(tx, commune, today, from, to).await?;
    for_person(
        tx, &shared, commune, person_id, grants, day, today, texts, lang,
    )
    .await
}

fn category_name(texts: &Texts, lang: Lang, code: &str) -> String {
    Category::from_code(code)
        .map(|c| texts.get(lang, c.message_id(), &[]))
        .unwrap_or_else(|| code.to_string())
}

fn sum(counts: &[Count]) -> i64 {
    counts.iter().map(|c| c.n).sum()
}

fn count_of(counts: &[Count], a: &str, b: &str) -> i64 {
    counts
        .iter()
        .filter(|c| c.a == a && c.b == b)
        .map(|c| c.n)
        .sum()
}

/// The digest as text. A day with nothing new is one line, unless things wait.
pub fn render(d: &Data, texts: &Texts, lang: Lang) -> String {
    let t = |id: &str, args: &[(&str, Arg)]| texts.get(lang, id, args);
    let day = format_date(d.day);
    if d.nothing_new() && d.waiting.is_empty() && d.deadlines.is_empty() {
        return t("digest-quiet", &[("day", day.into())]);
    }
    let mut out = vec![t(
        "digest-title",
        &[("day", day.into()), ("commune", d.commune.clone().into())],
    )];
    if d.day != d.today {
        out.push(t("digest-late", &[("day", format_date(d.day).into())]));
    }
    if d.nothing_new() {
        out.push(t("digest-nothing-new", &[]));
    } else {
        out.push(t("digest-new", &[]));
        if !d.registered.is_empty() {
            let mut by_hamlet: Vec<String> = vec![];
            let mut hamlets: Vec<&str> = d.registered.iter().map(|c| c.a.as_str()).collect();
            hamlets.dedup();
            for h in hamlets {
                // In the program's order: poor first, "other" last.
                let mut here: Vec<&Count> = d.registered.iter().filter(|c| c.a == h).collect();
                here.sort_by_key(|c| Category::ALL.iter().position(|k| k.code() == c.b));
                let parts: Vec<String> = here
                    .into_iter()
                    .map(|c| {
                        format!(
                            "{} {}",
                            c.n,
                            category_name(texts, lang, &c.b).to_lowercase()
                        )
                    })
                    .collect();
                by_hamlet.push(format!("{h}: {}", parts.join(", ")));
            }
            out.push(t(
                "digest-registered",
                &[
                    ("n", sum(&d.registered).into()),
                    ("detail", by_hamlet.join("; ").into()),
                ],
            ));
        }
        if !d.confirmed.is_empty() {
            out.push(t("digest-confirmed", &[("n", sum(&d.confirmed).into())]));
        }
        if d.people_recorded > 0 {
            out.push(t("digest-people", &[("n", d.people_recorded.into())]));
        }
        let g = |action: &str| count_of(&d.changes, "group", action);
        if g("create") + g("request") + g("establish") + g("join") > 0 {
            out.push(t(
                "digest-groups",
                &[
                    ("created", g("create").into()),
                    ("requested", g("request").into()),
                    ("established", g("establish").into()),
                ],
            ));
        }
        let p = |action: &str| count_of(&d.changes, "proposal", action);
        // A resubmission is a proposal moving on, not a new one.
        let submitted = p("submit");
        let moved: i64 = d
            .changes
            .iter()
            .filter(|c| c.a == "proposal" && c.b != "submit")
            .map(|c| c.n)
            .sum();
        if submitted + moved > 0 {
            out.push(t(
                "digest-proposals",
                &[("submitted", submitted.into()), ("moved", moved.into())],
            ));
        }
    }
    if !d.waiting.is_empty() {
        out.push(t("digest-waiting", &[("n", d.waiting.len().into())]));
        for w in &d.waiting {
            out.push(format!(
                "• {} – {} – {}",
                w.label,
                t("digest-days", &[("days", w.days.into())]),
                w.command
            ));
        }
    }
    if !d.deadlines.is_empty() {
        out.push(t("digest-deadlines", &[]));
        for dl in &d.deadlines {
            let when = present::deadline_when(texts, lang, dl.due_on, d.today);
            out.push(format!(
                "• {} – {} – {when}",
                dl.title,
                format_date(dl.due_on)
            ));
        }
    }
    // Groups and proposals are counted by status code; these are the codes they are read by.
    let all_of =
        |entity: &str| -> i64 { d.totals.iter().filter(|c| c.a == entity).map(|c| c.n).sum() };
    out.push(t(
        "digest-totals",
        &[
            ("confirmed", d.now.confirmed.into()),
            ("waiting", d.now.waiting.into()),
            ("people", d.now.people.into()),
            ("groups", all_of("group").into()),
            (
                "established",
                count_of(&d.totals, "group", GroupStatus::Established.code()).into(),
            ),
            ("proposals", all_of("proposal").into()),
        ],
    ));
    out.join("\n")
}

pub fn reply(d: &Data, texts: &Texts, lang: Lang) -> Reply {
    Reply::text(render(d, texts, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(a: &str, b: &str, n: i64) -> Count {
        Count {
            a: a.into(),
            b: b.into(),
            n,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn data() -> Data {
        Data {
            day: day(27),
            today: day(27),
            commune: "Xã Mẫu".into(),
            registered: vec![count("Xóm A", "near_poor", 1), count("Xóm A", "poor", 2)],
            confirmed: vec![],
            changes: vec![
                count("proposal", "submit", 1),
                count("proposal", "resubmit", 1),
            ],
            waiting: vec![],
            deadlines: vec![Deadline {
                id: 1,
                title: "Báo cáo".into(),
                due_on: day(27),
            }],
            totals: vec![],
            people_recorded: 0,
            now: Counted {
                confirmed: 0,
                waiting: 3,
                people: 0,
            },
        }
    }

    #[test]
    fn a_digest_reads_in_the_programs_order_and_counts_resubmissions_apart() {
        let texts = Texts::load().unwrap();
        let text = render(&data(), &texts, Lang::Vi);
        assert!(
            text.contains("• Hộ đăng ký: 3 (Xóm A: 2 hộ nghèo, 1 hộ cận nghèo)"),
            "{text}"
        );
        assert!(
            text.contains("• Đề xuất: 1 gửi mới, 1 chuyển bước hoặc gửi lại"),
            "{text}"
        );
        assert!(text.contains("• Báo cáo – 27/11/2026 – hôm nay"), "{text}");
        assert!(
            text.contains("Tổng: 0 hộ đã xác nhận, 3 chờ xác nhận"),
            "{text}"
        );
    }

    #[test]
    fn people_with_a_disability_are_counted_in_people_not_households() {
        let texts = Texts::load().unwrap();
        let d = Data {
            registered: vec![],
            changes: vec![],
            people_recorded: 2,
            now: Counted {
                confirmed: 4,
                waiting: 1,
                people: 2,
            },
            ..data()
        };
        let text = render(&d, &texts, Lang::Vi);
        assert!(
            text.contains("• Người khuyết tật được ghi: 2 người"),
            "{text}"
        );
        assert!(
            text.contains("Tổng: 4 hộ đã xác nhận, 1 chờ xác nhận · 2 người khuyết tật"),
            "{text}"
        );
    }

    #[test]
    fn a_quiet_day_is_one_line() {
        let texts = Texts::load().unwrap();
        let quiet = Data {
            registered: vec![],
            changes: vec![],
            deadlines: vec![],
            ..data()
        };
        assert_eq!(
            render(&quiet, &texts, Lang::Vi),
            "Bản tin 27/11/2026: không có gì mới."
        );
    }
}
