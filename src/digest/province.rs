//! The upper level's daily digest across the communes of its province: totals first, then
//! the communes that need attention (proposals waiting for the upper level, deadlines past,
//! no activity), then what each commune did, the list cut short for a phone. Counts and
//! commune names only: no household, no person. Gathered once per province and period
//! (`ProvinceDay::gather`, a few statements for the whole province), rendered by a pure
//! function.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::GroupStatus;
use crate::domain::input::format_date;
use crate::present;
use crate::store::Tx;
use crate::store::province::{self, Created};
use crate::text::{Arg, Lang, Texts};

/// A commune that did nothing in the bot (no entry by a person in its audit log) for this
/// many days is named as idle. A week: a working commune registers, confirms or moves
/// something every few days during the program's drives.
pub const IDLE_DAYS: i64 = 7;

/// At most this many communes are named in each list; the rest are counted ("… và 12 xã
/// khác"), so a province of a hundred communes still reads on a phone.
pub const LIST_CAP: usize = 10;

/// One commune's side of the digest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommuneLine {
    pub name: String,
    /// Households registered in the period.
    pub registered: i64,
    /// Groups created in the period.
    pub groups_new: i64,
    /// Groups asking to be established, now.
    pub groups_waiting: i64,
    /// Groups established, now.
    pub groups_established: i64,
    /// Proposals forwarded to the upper level and not answered, and how long the oldest has
    /// waited, in days.
    pub forwarded: i64,
    pub oldest_days: i64,
    /// Open deadlines past their day.
    pub late: i64,
    /// Nothing done in the bot for `IDLE_DAYS`.
    pub idle: bool,
}

impl CommuneLine {
    fn has_news(&self) -> bool {
        self.registered + self.groups_new + self.groups_waiting + self.forwarded + self.late > 0
    }
}

/// The province's side of a digest for one period, the same for every upper-level officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceDay {
    pub province: String,
    /// Every commune of the province, by name.
    pub communes: Vec<CommuneLine>,
}

impl ProvinceDay {
    /// The province's communes over (from, to], seen on `today`.
    pub async fn gather(
        tx: &mut Tx,
        name: &str,
        demo: bool,
        today: NaiveDate,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> sqlx::Result<ProvinceDay> {
        let communes = province::communes(tx, name, demo).await?;
        let mut lines: HashMap<i64, CommuneLine> = communes
            .iter()
            .map(|c| {
                let line = CommuneLine {
                    name: c.name.clone(),
                    ..CommuneLine::default()
                };
                (c.id, line)
            })
            .collect();
        let mut set = |id: i64, f: &mut dyn FnMut(&mut CommuneLine)| {
            if let Some(l) = lines.get_mut(&id) {
                f(l)
            }
        };
        for c in province::created_between(tx, Created::Households, name, demo, from, to).await? {
            set(c.commune_id, &mut |l| l.registered = c.n);
        }
        for c in province::created_between(tx, Created::Groups, name, demo, from, to).await? {
            set(c.commune_id, &mut |l| l.groups_new = c.n);
        }
        for c in province::groups_by_status(tx, name, demo).await? {
            match GroupStatus::from_code(&c.code) {
                Some(GroupStatus::Requested) => set(c.commune_id, &mut |l| l.groups_waiting = c.n),
                Some(GroupStatus::Established) => {
                    set(c.commune_id, &mut |l| l.groups_established = c.n)
                }
                _ => {}
            }
        }
        let zones: HashMap<i64, String> = communes
            .iter()
            .map(|c| (c.id, c.time_zone.clone()))
            .collect();
        for w in province::forwarded(tx, name, demo).await? {
            let tz = zones.get(&w.commune_id).map(String::as_str).unwrap_or("");
            let days = present::days_since(today, w.oldest, tz);
            set(w.commune_id, &mut |l| {
                l.forwarded = w.n;
                l.oldest_days = days;
            });
        }
        for c in province::late_deadlines(tx, name, demo, today).await? {
            set(c.commune_id, &mut |l| l.late = c.n);
        }
        let since = to - Duration::days(IDLE_DAYS);
        let active: Vec<i64> = province::active_since(tx, name, demo, since)
            .await?
            .into_iter()
            .map(|c| c.commune_id)
            .collect();
        // A commune loaded within the week has had no time to be idle.
        for (id, created) in province::created(tx, name, demo).await? {
            let idle = !active.contains(&id) && created <= since;
            set(id, &mut |l| l.idle = idle);
        }
        Ok(ProvinceDay {
            province: name.to_string(),
            communes: communes
                .iter()
                .filter_map(|c| lines.remove(&c.id))
                .collect(),
        })
    }

    fn sum(&self, f: impl Fn(&CommuneLine) -> i64) -> i64 {
        self.communes.iter().map(f).sum()
    }

    /// Nothing new, nothing waiting, nobody late or idle: the day's one line, if any.
    pub fn is_quiet(&self) -> bool {
        self.communes
            .iter()
            .all(|c| c.registered + c.groups_new + c.forwarded + c.late == 0 && !c.idle)
    }
}

/// Names, at most `LIST_CAP` of them, then how many more.
fn names(texts: &Texts, lang: Lang, list: &[&CommuneLine]) -> String {
    let mut out: Vec<String> = list.iter().take(LIST_CAP).map(|c| c.name.clone()).collect();
    if list.len() > LIST_CAP {
        out.push(more(texts, lang, list.len() - LIST_CAP));
    }
    out.join(", ")
}

fn more(texts: &Texts, lang: Lang, n: usize) -> String {
    texts.get(lang, "upper-digest-more", &[("n", n.into())])
}

/// The digest as text; None on a quiet day.
pub fn render(
    d: &ProvinceDay,
    day: NaiveDate,
    today: NaiveDate,
    texts: &Texts,
    lang: Lang,
) -> Option<String> {
    if d.is_quiet() {
        return None;
    }
    let t = |id: &str, args: &[(&str, Arg)]| texts.get(lang, id, args);
    let mut out = vec![t(
        "upper-digest-title",
        &[
            ("day", format_date(day).into()),
            ("province", d.province.clone().into()),
            ("communes", d.communes.len().into()),
        ],
    )];
    if day != today {
        out.push(t("digest-late", &[("day", format_date(day).into())]));
    }
    out.push(t(
        "upper-digest-new",
        &[
            ("registered", d.sum(|c| c.registered).into()),
            ("groups", d.sum(|c| c.groups_new).into()),
        ],
    ));
    let forwarded = d.sum(|c| c.forwarded);
    if forwarded > 0 {
        let mut waiting: Vec<&CommuneLine> =
            d.communes.iter().filter(|c| c.forwarded > 0).collect();
        waiting.sort_by_key(|c| std::cmp::Reverse(c.oldest_days));
        out.push(t(
            "upper-digest-forwarded",
            &[
                ("n", forwarded.into()),
                ("communes", waiting.len().into()),
                ("days", waiting[0].oldest_days.into()),
                ("oldest", waiting[0].name.clone().into()),
            ],
        ));
    }
    let late: Vec<&CommuneLine> = d.communes.iter().filter(|c| c.late > 0).collect();
    if !late.is_empty() {
        out.push(t(
            "upper-digest-late",
            &[
                ("n", late.len().into()),
                ("names", names(texts, lang, &late).into()),
            ],
        ));
    }
    let idle: Vec<&CommuneLine> = d.communes.iter().filter(|c| c.idle).collect();
    if !idle.is_empty() {
        out.push(t(
            "upper-digest-idle",
            &[
                ("n", idle.len().into()),
                ("days", IDLE_DAYS.into()),
                ("names", names(texts, lang, &idle).into()),
            ],
        ));
    }
    // Per commune, those with something to say: what waits for the upper level longest
    // first, then the busiest.
    let mut busy: Vec<&CommuneLine> = d.communes.iter().filter(|c| c.has_news()).collect();
    busy.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.oldest_days * i64::from(c.forwarded > 0)),
            std::cmp::Reverse(c.late),
            std::cmp::Reverse(c.registered + c.groups_new),
        )
    });
    if !busy.is_empty() {
        out.push(t("upper-digest-by-commune", &[]));
        for c in busy.iter().take(LIST_CAP) {
            out.push(format!("• {}: {}", c.name, commune_parts(c, texts, lang)));
        }
        if busy.len() > LIST_CAP {
            out.push(format!("• {}", more(texts, lang, busy.len() - LIST_CAP)));
        }
    }
    out.push(t(
        "upper-digest-totals",
        &[
            ("established", d.sum(|c| c.groups_established).into()),
            ("waiting", d.sum(|c| c.groups_waiting).into()),
        ],
    ));
    Some(out.join("\n"))
}

/// One commune's counts, only those not zero: "5 hộ mới · nhóm: 1 mới, 2 chờ thành lập,
/// 3 đã thành lập · 2 đề xuất chờ (12 ngày) · trễ 1 hạn".
fn commune_parts(c: &CommuneLine, texts: &Texts, lang: Lang) -> String {
    let t = |id: &str, args: &[(&str, Arg)]| texts.get(lang, id, args);
    let mut parts = vec![];
    if c.registered > 0 {
        parts.push(t(
            "upper-digest-c-registered",
            &[("n", c.registered.into())],
        ));
    }
    if c.groups_new + c.groups_waiting > 0 {
        parts.push(t(
            "upper-digest-c-groups",
            &[
                ("new", c.groups_new.into()),
                ("waiting", c.groups_waiting.into()),
                ("established", c.groups_established.into()),
            ],
        ));
    }
    if c.forwarded > 0 {
        parts.push(t(
            "upper-digest-c-forwarded",
            &[("n", c.forwarded.into()), ("days", c.oldest_days.into())],
        ));
    }
    if c.late > 0 {
        parts.push(t("upper-digest-c-late", &[("n", c.late.into())]));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(name: &str) -> CommuneLine {
        CommuneLine {
            name: name.into(),
            ..CommuneLine::default()
        }
    }

    #[test]
    fn a_hundred_communes_read_on_a_phone() {
        let texts = Texts::load().unwrap();
        let mut communes: Vec<CommuneLine> = (1..=100)
            .map(|i| CommuneLine {
                registered: i,
                ..commune(&format!("Xã {i:03}"))
            })
            .collect();
        communes[4].forwarded = 2;
        communes[4].oldest_days = 12;
        for c in communes.iter_mut().skip(50) {
            c.idle = true;
            c.registered = 0;
        }
        let d = ProvinceDay {
            province: "Thái Nguyên".into(),
            communes,
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let text = render(&d, day, day, &texts, Lang::Vi).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() <= 20, "{text}");
        assert!(
            lines[2].contains("2 đề xuất") && lines[2].contains("Xã 005"),
            "{text}"
        );
        // The commune waiting longest on the upper level leads the list.
        assert!(
            text.contains("Theo xã:\n• Xã 005: 5 hộ mới · 2 đề xuất chờ (12 ngày)"),
            "{text}"
        );
        assert!(text.contains("… và 40 xã khác"), "{text}");
        assert!(text.contains("Không hoạt động 7 ngày (50 xã)"), "{text}");
    }

    #[test]
    fn a_quiet_day_says_nothing() {
        let d = ProvinceDay {
            province: "Thái Nguyên".into(),
            communes: vec![CommuneLine {
                groups_established: 3,
                ..commune("Xã A")
            }],
        };
        let texts = Texts::load().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(render(&d, day, day, &texts, Lang::Vi), None);
    }
}
