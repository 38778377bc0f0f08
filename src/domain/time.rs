//! Times of day as people type them ("7:30", "7h", "7 giờ"): when an officer wants the digest.

use chrono::NaiveTime;

/// Parses a time of day as people type it: "7:30", "07:30", "7h30", "7h", "7 giờ".
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let f = crate::text::fold(s).replace("gio", "h").replace(' ', "");
    let (h, m) = match f.split_once([':', 'h', '.']) {
        Some((h, m)) => (h, if m.is_empty() { "0" } else { m }),
        None => (f.as_str(), "0"),
    };
    NaiveTime::from_hms_opt(h.parse().ok()?, m.trim_end_matches('p').parse().ok()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_people_type_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_time("7:30"), Some(t(7, 30)));
        assert_eq!(parse_time("07:30"), Some(t(7, 30)));
        assert_eq!(parse_time("6h30"), Some(t(6, 30)));
        assert_eq!(parse_time("7h"), Some(t(7, 0)));
        assert_eq!(parse_time("7 giờ"), Some(t(7, 0)));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("sáng"), None);
    }
}
