//! Community groups (tổ, nhóm cộng đồng) and the rules that say when one is ready to be
//! established.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::codes;
use super::household::{Category, EscapeWindow, HouseholdStatus};

codes! {
    /// Where a group stands.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum GroupStatus {
        /// Being formed: members join and leave.
        Forming => "forming",
        /// The leader asked the commune to establish it.
        Requested => "requested",
        /// The committee's decision established it.
        Established => "established",
    }
}

impl GroupStatus {
    pub fn message_id(self) -> &'static str {
        match self {
            GroupStatus::Forming => "group-forming",
            GroupStatus::Requested => "group-requested",
            GroupStatus::Established => "group-established",
        }
    }
}

/// The group rules of a commune. Defaults: the letter's (≥ 50% recognised by the Farmers'
/// Association), Decree 27/2022 Art. 22 (at least one experienced member), a weaker source
/// (≥ 50% of members from target households), and a minimum size the commune sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GroupRules {
    #[serde(deserialize_with = "at_least_one")]
    pub min_members: u32,
    #[serde(deserialize_with = "percent")]
    pub min_recognised_percent: u32,
    #[serde(deserialize_with = "percent")]
    pub min_target_percent: u32,
    pub min_experienced: u32,
}

/// A share of members, read from a commune's file: 150% of members cannot be recognised.
fn percent<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v > 100 {
        return Err(serde::de::Error::custom(format!(
            "{v} is not a share of the members: 0 to 100"
        )));
    }
    Ok(v)
}

/// A group's least size: a group of nobody cannot be established.
fn at_least_one<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v == 0 {
        return Err(serde::de::Error::custom(
            "a group has at least 1 member: 1 or more",
        ));
    }
    Ok(v)
}

impl Default for GroupRules {
    fn default() -> Self {
        GroupRules {
            min_members: 3,
            min_recognised_percent: 50,
            min_target_percent: 50,
            min_experienced: 1,
        }
    }
}

/// What the rules need to know about one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberFacts {
    /// Recognised as a good producer by the Farmers' Association, at some level.
    pub recognised: bool,
    /// Recognised, or otherwise experienced in good economic production.
    pub experienced: bool,
    /// From a confirmed target household: poor, near-poor, newly escaped in its window, or
    /// one where a person with a disability without a stable livelihood lives (the person is
    /// the program's beneficiary, whatever the household's category).
    pub target: bool,
    /// The household's registration is confirmed: only those count toward the group's size
    /// and its shares (one still waiting may join, and counts once the hamlet head confirms).
    pub confirmed: bool,
}

/// A member household as recorded, before the rules count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberRecord<'a> {
    /// The level of the Farmers' Association's recognition declared ("none": not
    /// recognised).
    pub recognised_level: Option<&'a str>,
    /// False while the recognition is only the member's own word.
    pub recognition_checked: bool,
    /// Declared experienced in good economic production.
    pub experienced: bool,
    pub household_status: HouseholdStatus,
    pub category: Category,
    pub escaped_on: Option<NaiveDate>,
    pub has_disabled_person: bool,
}

impl MemberFacts {
    /// What the rules count of a member at `today`: a recognition once the leader or the
    /// hamlet head has checked it, a target household once confirmed (and, newly escaped,
    /// while its window is open).
    pub fn of(m: &MemberRecord<'_>, window: EscapeWindow, today: NaiveDate) -> MemberFacts {
        let recognised = m.recognition_checked && m.recognised_level.is_some_and(|l| l != "none");
        let confirmed = m.household_status == HouseholdStatus::Confirmed;
        MemberFacts {
            recognised,
            experienced: recognised || m.experienced,
            target: confirmed
                && (m.has_disabled_person || m.category.is_target(m.escaped_on, window, today)),
            confirmed,
        }
    }
}

/// One rule not met yet, with the numbers to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Members { have: u32, need: u32 },
    Recognised { have: u32, of: u32, need: u32 },
    Target { have: u32, of: u32, need: u32 },
    Experienced { have: u32, need: u32 },
}

/// Members needed for `percent` of `n`, rounded up: 50% of 7 is 4.
fn share(n: u32, percent: u32) -> u32 {
    (n * percent).div_ceil(100)
}

impl GroupRules {
    /// Everything the group still lacks; empty when it is ready.
    pub fn missing(&self, members: &[MemberFacts]) -> Vec<Missing> {
        let members: Vec<&MemberFacts> = members.iter().filter(|m| m.confirmed).collect();
        let n = members.len() as u32;
        let count = |f: fn(&MemberFacts) -> bool| members.iter().filter(|m| f(m)).count() as u32;
        let mut out = vec![];
        if n < self.min_members {
            out.push(Missing::Members {
                have: n,
                need: self.min_members,
            });
        }
        let recognised = count(|m| m.recognised);
        let need = share(n, self.min_recognised_percent);
        if recognised < need {
            out.push(Missing::Recognised {
                have: recognised,
                of: n,
                need,
            });
        }
        let target = count(|m| m.target);
        let need = share(n, self.min_target_percent);
        if target < need {
            out.push(Missing::Target {
                have: target,
                of: n,
                need,
            });
        }
        let experienced = count(|m| m.experienced);
        if experienced < self.min_experienced {
            out.push(Missing::Experienced {
                have: experienced,
                need: self.min_experienced,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(recognised: usize, target: usize, n: usize) -> Vec<MemberFacts> {
        (0..n)
            .map(|i| MemberFacts {
                recognised: i < recognised,
                experienced: i < recognised,
                target: i >= n - target,
                confirmed: true,
            })
            .collect()
    }

    #[test]
    fn only_confirmed_households_count_toward_size_and_shares() {
        let rules = GroupRules::default();
        let mut m = members(2, 3, 3);
        assert!(rules.missing(&m).is_empty());
        // One of them rejected or still waiting: two members, not three.
        m[2].confirmed = false;
        assert_eq!(rules.missing(&m), [Missing::Members { have: 2, need: 3 }]);
    }

    #[test]
    fn half_recognised_is_enough_and_one_less_is_not() {
        let rules = GroupRules::default();
        assert!(rules.missing(&members(4, 8, 8)).is_empty());
        assert_eq!(
            rules.missing(&members(3, 8, 8)),
            [Missing::Recognised {
                have: 3,
                of: 8,
                need: 4
            }]
        );
        // Odd sizes round up: 3 of 7 is short of half.
        assert_eq!(
            rules.missing(&members(3, 7, 7)),
            [Missing::Recognised {
                have: 3,
                of: 7,
                need: 4
            }]
        );
        assert!(rules.missing(&members(4, 7, 7)).is_empty());
    }

    #[test]
    fn a_recognition_counts_once_checked_and_a_household_once_confirmed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let declared = MemberRecord {
            recognised_level: Some("district"),
            recognition_checked: false,
            experienced: false,
            household_status: HouseholdStatus::Claimed,
            category: Category::NewlyEscaped,
            escaped_on: NaiveDate::from_ymd_opt(2024, 2, 29),
            has_disabled_person: false,
        };
        let window = EscapeWindow::default();
        let facts = MemberFacts::of(&declared, window, today);
        assert!(!facts.recognised && !facts.experienced && !facts.target && !facts.confirmed);
        let checked = MemberRecord {
            recognition_checked: true,
            household_status: HouseholdStatus::Confirmed,
            ..declared
        };
        let facts = MemberFacts::of(&checked, window, today);
        assert!(facts.recognised && facts.experienced && facts.target);
        let none = MemberRecord {
            recognised_level: Some("none"),
            ..checked
        };
        assert!(!MemberFacts::of(&none, window, today).recognised);
    }

    #[test]
    fn a_household_counts_as_a_target_for_the_disabled_person_living_in_it() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let other = MemberRecord {
            recognised_level: None,
            recognition_checked: false,
            experienced: true,
            household_status: HouseholdStatus::Confirmed,
            category: Category::Other,
            escaped_on: None,
            has_disabled_person: false,
        };
        let window = EscapeWindow::default();
        assert!(!MemberFacts::of(&other, window, today).target);
        let with_person = MemberRecord {
            has_disabled_person: true,
            ..other
        };
        assert!(MemberFacts::of(&with_person, window, today).target);
        // Still only once the household is confirmed.
        let waiting = MemberRecord {
            household_status: HouseholdStatus::Claimed,
            ..with_person
        };
        assert!(!MemberFacts::of(&waiting, window, today).target);
    }

    #[test]
    fn size_target_share_and_experience_are_checked_too() {
        let rules = GroupRules::default();
        let got = rules.missing(&members(0, 0, 2));
        assert!(got.contains(&Missing::Members { have: 2, need: 3 }));
        assert!(got.contains(&Missing::Target {
            have: 0,
            of: 2,
            need: 1
        }));
        assert!(got.contains(&Missing::Experienced { have: 0, need: 1 }));
        let strict = GroupRules {
            min_recognised_percent: 0,
            min_experienced: 0,
            ..GroupRules::default()
        };
        assert!(strict.missing(&members(0, 3, 3)).is_empty());
    }
}
