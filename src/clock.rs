//! "What time is it", injected: the 36-month rule, deadlines and the digest are tested at any
//! date by handing the engine a fixed clock.

use chrono::{DateTime, NaiveDate, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[cfg(feature = "test-util")]
pub use fixed::FixedClock;

/// Only tests need a clock that stands still: behind the `test-util` feature.
#[cfg(feature = "test-util")]
mod fixed {
    use std::sync::Mutex;

    use chrono::{DateTime, NaiveDate, TimeZone, Utc};

    use super::Clock;

    /// A clock that stands still until told otherwise.
    pub struct FixedClock(Mutex<DateTime<Utc>>);

    impl FixedClock {
        pub fn new(at: DateTime<Utc>) -> FixedClock {
            FixedClock(Mutex::new(at))
        }

        /// 10:00 in Vietnam on `day`, a time when people are awake and chatting.
        pub fn on(day: NaiveDate) -> FixedClock {
            FixedClock::new(Utc.from_utc_datetime(&day.and_hms_opt(3, 0, 0).expect("valid time")))
        }

        pub fn set(&self, at: DateTime<Utc>) {
            *self.0.lock().expect("clock lock") = at;
        }

        pub fn advance(&self, by: chrono::Duration) {
            let mut t = self.0.lock().expect("clock lock");
            *t += by;
        }
    }

    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().expect("clock lock")
        }
    }
}

/// The calendar day at `at` in the time zone named `tz` (an IANA name such as
/// "Asia/Ho_Chi_Minh"); an unknown name falls back to Vietnam's.
pub fn local_date(at: DateTime<Utc>, tz: &str) -> NaiveDate {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Asia::Ho_Chi_Minh);
    at.with_timezone(&tz).date_naive()
}
