//! Types for what people type, each parsed once at the edge: once a `Phone` exists it is a
//! valid Vietnamese number in +84 form, and nothing downstream checks it again.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why an answer was refused. Each variant names the catalogue message that explains it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("empty")]
    Empty,
    #[error("too long (max {max})")]
    TooLong { max: usize },
    #[error("no letters or digits")]
    NoText,
    #[error("name has characters that are not letters")]
    NameChars,
    #[error("name of a single letter")]
    NameShort,
    #[error("not a Vietnamese phone number")]
    Phone,
    #[error("not a 12-digit CCCD")]
    Cccd,
    #[error("not a date")]
    DateFormat,
    #[error("impossible date")]
    DateImpossible,
    #[error("date in the future")]
    DateFuture,
    #[error("year before 1900 or not four digits")]
    DateYear,
    #[error("not a whole number")]
    Number,
    #[error("number out of range {min}..={max}")]
    Range { min: i64, max: i64 },
    #[error("not an amount of money")]
    Money,
}

impl InputError {
    /// The catalogue message id that explains the error to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            InputError::Empty => "err-empty",
            InputError::TooLong { .. } => "err-too-long",
            InputError::NoText => "err-no-text",
            InputError::NameChars => "err-name-chars",
            InputError::NameShort => "err-name-short",
            InputError::Phone => "err-phone",
            InputError::Cccd => "err-cccd",
            InputError::DateFormat => "err-date-format",
            InputError::DateImpossible => "err-date-impossible",
            InputError::DateFuture => "err-date-future",
            InputError::DateYear => "err-date-year",
            InputError::Number => "err-number",
            InputError::Range { .. } => "err-range",
            InputError::Money => "err-money",
        }
    }
}

fn non_empty(s: &str, max: usize) -> Result<String, InputError> {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return Err(InputError::Empty);
    }
    if collapsed.chars().count() > max {
        return Err(InputError::TooLong { max });
    }
    if !collapsed.chars().any(char::is_alphanumeric) {
        return Err(InputError::NoText);
    }
    Ok(collapsed)
}

/// Free text such as an address: trimmed, spaces collapsed, at most `max` characters, with at
/// least one letter or digit (an emoji alone is not an address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FreeText(String);

impl FreeText {
    pub const MAX: usize = 300;

    pub fn parse(s: &str, max: usize) -> Result<FreeText, InputError> {
        non_empty(s, max.min(Self::MAX)).map(FreeText)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FreeText {
    type Error = InputError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        FreeText::parse(&s, Self::MAX)
    }
}
impl From<FreeText> for String {
    fn from(t: FreeText) -> String {
        t.0
    }
}

/// A person's full name: letters (any script), spaces, and the few marks names use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub const MAX: usize = 80;

    pub fn parse(s: &str) -> Result<PersonName, InputError> {
        let name = non_empty(s, Self::MAX)?;
        if !name
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '\'' || c == '-' || c == '.')
            || !name.chars().any(char::is_alphabetic)
        {
            return Err(InputError::NameChars);
        }
        // "A" is letters only, but no one's name: say what is wrong with it.
        if name.chars().filter(|c| c.is_alphabetic()).count() < 2 {
            return Err(InputError::NameShort);
        }
        Ok(PersonName(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = InputError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PersonName::parse(&s)
    }
}
impl From<PersonName> for String {
    fn from(t: PersonName) -> String {
        t.0
    }
}
impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Vietnamese phone number, stored as +84 followed by the national number. Accepts
/// "0912 345 678", "+84912345678", "84-912-345-678". Mobile numbers have 9 national digits
/// starting 3, 5, 7, 8 or 9; landlines have 10 starting with 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Phone, InputError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(InputError::Empty);
        }
        let mut digits = String::new();
        for (i, c) in s.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err(InputError::Phone),
            }
        }
        let national = if let Some(rest) = digits.strip_prefix("84").filter(|r| r.len() >= 9) {
            rest.strip_prefix('0').unwrap_or(rest)
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            return Err(InputError::Phone);
        };
        let ok = match national.as_bytes().first() {
            Some(b'3' | b'5' | b'7' | b'8' | b'9') => national.len() == 9,
            Some(b'2') => national.len() == 10,
            _ => false,
        };
        if !ok {
            return Err(InputError::Phone);
        }
        Ok(Phone(format!("+84{national}")))
    }

    /// The normalised form, "+84912345678".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How people write it at home: "0912 345 678".
    pub fn local(&self) -> String {
        let n = &self.0[3..];
        if n.len() == 9 {
            format!("0{} {} {}", &n[..3], &n[3..6], &n[6..])
        } else {
            format!("0{} {} {}", &n[..3], &n[3..7], &n[7..])
        }
    }

    /// Shortened for lists and digests: "0912 *** 678".
    pub fn masked(&self) -> String {
        let local = self.local();
        let first = &local[..4];
        let last = &local[local.len() - 3..];
        format!("{first} *** {last}")
    }
}

impl TryFrom<String> for Phone {
    type Error = InputError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}
impl From<Phone> for String {
    fn from(t: Phone) -> String {
        t.0
    }
}

/// A citizen ID (căn cước công dân): exactly 12 digits; spaces and dots are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cccd(String);

impl Cccd {
    pub fn parse(s: &str) -> Result<Cccd, InputError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(InputError::Empty);
        }
        let mut digits = String::new();
        for c in s.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' => {}
                _ => return Err(InputError::Cccd),
            }
        }
        if digits.len() != 12 {
            return Err(InputError::Cccd);
        }
        Ok(Cccd(digits))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Only the last three digits show: "*********123".
    pub fn masked(&self) -> String {
        format!("*********{}", &self.0[9..])
    }
}

impl TryFrom<String> for Cccd {
    type Error = InputError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Cccd::parse(&s)
    }
}
impl From<Cccd> for String {
    fn from(t: Cccd) -> String {
        t.0
    }
}

/// A date on or before today, typed dd/mm/yyyy (also with "-" or "." and one-digit day or
/// month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PastDate(pub NaiveDate);

impl PastDate {
    pub fn parse(s: &str, today: NaiveDate) -> Result<PastDate, InputError> {
        let date = parse_day(s)?;
        if date > today {
            return Err(InputError::DateFuture);
        }
        Ok(PastDate(date))
    }
}

/// Any day, past or future (a deadline), typed dd/mm/yyyy.
pub fn parse_day(s: &str) -> Result<NaiveDate, InputError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(InputError::Empty);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).map(str::trim).collect();
    let [d, m, y] = parts[..] else {
        return Err(InputError::DateFormat);
    };
    let num = |p: &str, max_len: usize| -> Result<u32, InputError> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InputError::DateFormat);
        }
        p.parse().map_err(|_| InputError::DateFormat)
    };
    let (d, m, mut y) = (num(d, 2)?, num(m, 2)?, num(y, 4)?);
    // "15/3/24": a two-digit year is this century's.
    if y < 100 && parts[2].len() == 2 {
        y += 2000;
    }
    if y < 1900 {
        return Err(InputError::DateYear);
    }
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(InputError::DateImpossible);
    }
    if y > 2200 {
        return Err(InputError::DateYear);
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(InputError::DateImpossible)
}

/// Formats a date the Vietnamese way, dd/mm/yyyy.
pub fn format_date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// Words that may follow a count and change nothing: "5 người", "4 hộ", "12 tháng". Any
/// other word is refused, so "2 năm" for months or "70 triệu" for jobs is not taken as 2 or 70.
const COUNT_WORDS: &[&str] = &[
    "nguoi",
    "khau",
    "nhan khau",
    "ho",
    "thang",
    "viec",
    "viec lam",
    "lao dong",
];

/// A whole number typed by a person: "5", "5 người", " 12 ".
pub fn parse_integer(s: &str) -> Result<i64, InputError> {
    // Phone keyboards add a full stop after a word: "4." is 4.
    let s = s.trim().trim_end_matches(['.', '!']).trim_end();
    if s.is_empty() {
        return Err(InputError::Empty);
    }
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let rest = crate::text::fold(&s[digits.len()..]);
    if digits.is_empty() || digits.len() > 9 {
        return Err(InputError::Number);
    }
    if !rest.is_empty() && !COUNT_WORDS.contains(&rest.as_str()) {
        return Err(InputError::Number);
    }
    digits.parse().map_err(|_| InputError::Number)
}

/// How many people live in a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct MemberCount(u8);

impl MemberCount {
    pub const MAX: i64 = 50;
    pub fn new(n: i64) -> Result<MemberCount, InputError> {
        if !(1..=Self::MAX).contains(&n) {
            return Err(InputError::Range {
                min: 1,
                max: Self::MAX,
            });
        }
        Ok(MemberCount(n as u8))
    }
    pub fn get(self) -> i64 {
        self.0 as i64
    }
}

impl TryFrom<i64> for MemberCount {
    type Error = InputError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        MemberCount::new(n)
    }
}
impl From<MemberCount> for i64 {
    fn from(m: MemberCount) -> i64 {
        m.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn phones_in_every_common_form_normalise_to_plus84() {
        for s in [
            "0912345678",
            "0912 345 678",
            "+84912345678",
            "84 912 345 678",
            "+84 0912.345.678",
        ] {
            assert_eq!(Phone::parse(s).unwrap().as_str(), "+84912345678", "{s}");
        }
        assert_eq!(
            Phone::parse("0208 3855 123").unwrap().as_str(),
            "+842083855123"
        );
    }

    #[test]
    fn phones_that_are_not_vietnamese_are_refused() {
        for s in [
            "",
            "12345",
            "091234567",
            "09123456789",
            "0112345678",
            "+1 415 555 0100",
            "abc",
            "0912-345-67x",
        ] {
            assert!(Phone::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn phones_mask_the_middle() {
        let p = Phone::parse("0912345678").unwrap();
        assert_eq!(p.local(), "0912 345 678");
        assert_eq!(p.masked(), "0912 *** 678");
    }

    #[test]
    fn cccd_is_twelve_digits() {
        assert_eq!(
            Cccd::parse("019 203 004 567").unwrap().as_str(),
            "019203004567"
        );
        assert_eq!(
            Cccd::parse("019203004567").unwrap().masked(),
            "*********567"
        );
        for s in ["01920300456", "0192030045678", "01920300456a", ""] {
            assert!(Cccd::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn dates_are_day_month_year_and_not_in_the_future() {
        let today = d(2026, 11, 27);
        assert_eq!(
            PastDate::parse("05/03/2024", today).unwrap().0,
            d(2024, 3, 5)
        );
        assert_eq!(PastDate::parse("5-3-2024", today).unwrap().0, d(2024, 3, 5));
        assert_eq!(PastDate::parse("27/11/2026", today).unwrap().0, today);
        assert_eq!(
            PastDate::parse("31/02/2024", today),
            Err(InputError::DateImpossible)
        );
        assert_eq!(
            PastDate::parse("29/02/2023", today),
            Err(InputError::DateImpossible)
        );
        assert!(PastDate::parse("29/02/2024", today).is_ok());
        assert_eq!(
            PastDate::parse("28/11/2026", today),
            Err(InputError::DateFuture)
        );
        assert_eq!(
            PastDate::parse("hôm qua", today),
            Err(InputError::DateFormat)
        );
        assert_eq!(
            PastDate::parse("2024/03/05", today),
            Err(InputError::DateFormat)
        );
        assert_eq!(PastDate::parse("", today), Err(InputError::Empty));
    }

    #[test]
    fn names_are_letters_trimmed_and_collapsed() {
        assert_eq!(
            PersonName::parse("  Nguyễn   Văn  An ").unwrap().as_str(),
            "Nguyễn Văn An"
        );
        assert_eq!(PersonName::parse("123"), Err(InputError::NameChars));
        assert_eq!(PersonName::parse("a"), Err(InputError::NameShort));
        assert_eq!(PersonName::parse(" Ư. "), Err(InputError::NameShort));
        assert_eq!(PersonName::parse("An 😀"), Err(InputError::NameChars));
        assert_eq!(PersonName::parse("😀😀"), Err(InputError::NoText));
        assert_eq!(PersonName::parse("   "), Err(InputError::Empty));
        assert!(matches!(
            PersonName::parse(&"a".repeat(81)),
            Err(InputError::TooLong { .. })
        ));
    }

    #[test]
    fn member_counts_are_between_one_and_fifty() {
        assert_eq!(parse_integer("5 người"), Ok(5));
        assert_eq!(parse_integer("4."), Ok(4));
        assert_eq!(parse_integer("12 tháng"), Ok(12));
        assert_eq!(parse_integer("70 triệu"), Err(InputError::Number));
        assert_eq!(parse_integer("2 năm"), Err(InputError::Number));
        assert_eq!(parse_integer("5.5"), Err(InputError::Number));
        assert_eq!(parse_integer("năm"), Err(InputError::Number));
        assert!(MemberCount::new(0).is_err());
        assert!(MemberCount::new(200).is_err());
        assert_eq!(MemberCount::new(50).unwrap().get(), 50);
    }
}
