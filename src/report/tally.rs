//! The one count the report, the chart and the digest read: confirmed households by hamlet and
//! category as of a day, households still waiting for their hamlet head apart, and people with
//! a disability without a stable livelihood, counted in people.

use chrono::NaiveDate;

use crate::domain::{Category, CommuneRules, HouseholdStatus};
use crate::store::communes::{self, Commune};
use crate::store::{Tx, digests};

/// One hamlet's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HamletTally {
    pub hamlet: String,
    /// Confirmed households by category, in the order of `Category::ALL`.
    pub confirmed: Vec<i64>,
    /// Registrations still waiting for confirmation (any category).
    pub waiting: i64,
    /// People with a disability without a stable livelihood.
    pub people: i64,
}

impl HamletTally {
    pub fn confirmed_total(&self) -> i64 {
        self.confirmed.iter().sum()
    }
}

/// A commune's counts on a day: every hamlet, an empty one too (a gap is information).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub day: NaiveDate,
    pub hamlets: Vec<HamletTally>,
}

impl Tally {
    pub fn confirmed(&self, category: Category) -> i64 {
        let k = position(category);
        self.hamlets.iter().map(|h| h.confirmed[k]).sum()
    }

    pub fn confirmed_total(&self) -> i64 {
        self.hamlets.iter().map(HamletTally::confirmed_total).sum()
    }

    pub fn waiting_total(&self) -> i64 {
        self.hamlets.iter().map(|h| h.waiting).sum()
    }

    pub fn people_total(&self) -> i64 {
        self.hamlets.iter().map(|h| h.people).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.confirmed_total() + self.waiting_total() + self.people_total() == 0
    }
}

fn position(category: Category) -> usize {
    Category::ALL
        .iter()
        .position(|c| *c == category)
        .unwrap_or_default()
}

/// Counts a commune as of `day`: a newly escaped household counts as such only while its
/// window is open on that day (after, it is an "other" household).
pub async fn of_commune(tx: &mut Tx, commune: &Commune, day: NaiveDate) -> sqlx::Result<Tally> {
    let window = CommuneRules::from_json(&commune.rules).escape_window();
    let groups = digests::household_groups(tx, commune.id).await?;
    let people = digests::disabled_people_by_hamlet(tx, commune.id).await?;
    let hamlets = communes::hamlets(tx, commune.id)
        .await?
        .into_iter()
        .map(|h| {
            let mut t = HamletTally {
                hamlet: h.name,
                confirmed: vec![0; Category::ALL.len()],
                waiting: 0,
                people: people
                    .iter()
                    .filter(|(id, _)| *id == h.id)
                    .map(|(_, n)| n)
                    .sum(),
            };
            for g in groups.iter().filter(|g| g.hamlet_id == h.id) {
                match g.status {
                    HouseholdStatus::Confirmed => {
                        let c = g.category.as_of(g.escaped_on, window, day);
                        t.confirmed[position(c)] += g.n;
                    }
                    HouseholdStatus::Claimed => t.waiting += g.n,
                    HouseholdStatus::Rejected => {}
                }
            }
            t
        })
        .collect();
    Ok(Tally { day, hamlets })
}
