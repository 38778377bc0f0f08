//! Target households (đối tượng) and the rules that decide who counts as one.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codes::codes;

codes! {
    /// The three kinds of beneficiary household named in the commune's letter, and the rest.
    /// The letter's fourth kind, people with a disability without a stable livelihood, are
    /// people, whatever their household (`store::disabled`).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Category {
        /// hộ nghèo
        Poor => "poor",
        /// hộ cận nghèo
        NearPoor => "near_poor",
        /// hộ mới thoát nghèo, within the window after the escape was recognised
        NewlyEscaped => "newly_escaped",
        /// Any other household: not a beneficiary, but welcome in a community group (the good
        /// producers a group needs are often not poor).
        Other => "other",
    }
}

impl Category {
    /// Catalogue message id of the category's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Category::Poor => "cat-poor",
            Category::NearPoor => "cat-near-poor",
            Category::NewlyEscaped => "cat-newly-escaped",
            Category::Other => "cat-other",
        }
    }

    /// A beneficiary of the program (newly escaped ones only within their window).
    pub fn is_target(
        self,
        escaped_on: Option<NaiveDate>,
        window: EscapeWindow,
        today: NaiveDate,
    ) -> bool {
        self.as_of(escaped_on, window, today) != Category::Other
    }

    /// The category a household counts under on `day`: a newly escaped household whose
    /// window has closed is an "other" household from then on, in every count.
    pub fn as_of(
        self,
        escaped_on: Option<NaiveDate>,
        window: EscapeWindow,
        today: NaiveDate,
    ) -> Category {
        match self {
            Category::NewlyEscaped if !escaped_on.is_some_and(|d| window.is_open(d, today)) => {
                Category::Other
            }
            c => c,
        }
    }
}

codes! {
    /// Where a registration stands. Self-registered status is only *claimed* until the hamlet
    /// head (or an officer) who knows the household confirms it.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum HouseholdStatus {
        Claimed => "claimed",
        Confirmed => "confirmed",
        Rejected => "rejected",
    }
}

impl HouseholdStatus {
    pub fn message_id(self) -> &'static str {
        match self {
            HouseholdStatus::Claimed => "status-claimed",
            HouseholdStatus::Confirmed => "status-confirmed",
            HouseholdStatus::Rejected => "status-rejected",
        }
    }
}

/// How long a household that escaped poverty still counts as a target: the letter says
/// 36 months from the date a competent authority recognised the escape. A commune's rules
/// may set another length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscapeWindow {
    pub months: u32,
}

impl Default for EscapeWindow {
    fn default() -> Self {
        EscapeWindow { months: 36 }
    }
}

impl EscapeWindow {
    /// The first day on which the household no longer counts. Month arithmetic clamps to the
    /// month's end, so 29/02/2024 + 36 months is 28/02/2027 (the household gets the shorter
    /// month rather than a day past the window).
    pub fn ends_on(self, recognised_on: NaiveDate) -> NaiveDate {
        recognised_on
            .checked_add_months(Months::new(self.months))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Eligible iff today < recognised_on + window.
    pub fn is_open(self, recognised_on: NaiveDate, today: NaiveDate) -> bool {
        today < self.ends_on(recognised_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_36_month_window_closes_on_the_anniversary() {
        let w = EscapeWindow::default();
        let recognised = d(2023, 11, 27);
        assert!(w.is_open(recognised, d(2026, 11, 26)));
        assert!(!w.is_open(recognised, d(2026, 11, 27)));
        assert!(!w.is_open(recognised, d(2030, 1, 1)));
        assert!(w.is_open(d(2023, 11, 28), d(2026, 11, 27)));
    }

    #[test]
    fn a_leap_day_recognition_ends_at_the_end_of_february() {
        let w = EscapeWindow::default();
        assert_eq!(w.ends_on(d(2024, 2, 29)), d(2027, 2, 28));
        assert!(w.is_open(d(2024, 2, 29), d(2027, 2, 27)));
        assert!(!w.is_open(d(2024, 2, 29), d(2027, 2, 28)));
    }

    #[test]
    fn a_commune_may_set_another_window() {
        let w = EscapeWindow { months: 24 };
        assert!(!w.is_open(d(2024, 11, 27), d(2026, 11, 27)));
        assert!(w.is_open(d(2024, 11, 28), d(2026, 11, 27)));
    }

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        assert_eq!(
            HouseholdStatus::from_code("confirmed"),
            Some(HouseholdStatus::Confirmed)
        );
    }
}
