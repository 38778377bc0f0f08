//! Amounts of money in đồng, typed the way people write them: "150 triệu", "150tr",
//! "150.000.000", "1,5 tỷ", "2 tỷ 500 triệu", "150000000đ".

use std::fmt;

use serde::{Deserialize, Serialize};

use super::input::InputError;
use crate::text::fold;

/// A positive amount in đồng, at most 10^13 (ten thousand billion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Money(i64);

const MAX: i64 = 10_000_000_000_000;

fn unit(word: &str) -> Option<i64> {
    // "triệu đồng", "tỷ vnd": the currency after the unit adds nothing.
    let word = ["dong", "vnd", "d"]
        .iter()
        .find_map(|c| {
            word.strip_suffix(c)
                .map(str::trim_end)
                .filter(|w| !w.is_empty())
        })
        .unwrap_or(word);
    Some(match word {
        "ty" | "ti" => 1_000_000_000,
        "trieu" | "tr" | "m" => 1_000_000,
        "nghin" | "ngan" | "k" => 1_000,
        "d" | "dong" | "vnd" | "" => 1,
        _ => return None,
    })
}

impl Money {
    pub fn parse(s: &str) -> Result<Money, InputError> {
        let f = fold(s);
        if f.is_empty() {
            return Err(InputError::Empty);
        }
        // "150 000 000": spaces between groups of three digits are thousands separators.
        let f = join_digit_groups(&f);
        // Split into (number, unit) pairs: "2 ty 500 trieu" → [(2, ty), (500, trieu)]. A
        // number without a unit after one with a unit is a fraction of it, as people say
        // "1 tỷ 2" (1,2 tỷ), "150tr5" (150,5 triệu), "1 tỷ 200" (1 tỷ 200 triệu).
        let mut total: f64 = 0.0;
        let mut rest = f.as_str();
        let mut last_unit: Option<i64> = None;
        let mut unitless = false;
        while !rest.trim().is_empty() {
            rest = rest.trim_start();
            let num_len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                .unwrap_or(rest.len());
            if num_len == 0 {
                return Err(InputError::Money);
            }
            let text = &rest[..num_len];
            let number = parse_number(text)?;
            rest = rest[num_len..].trim_start();
            let word_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let word = rest[..word_len].trim();
            rest = &rest[word_len..];
            let multiplier = match (unit(word), last_unit) {
                (Some(1), Some(prev)) if word.is_empty() && prev > 1 => {
                    // The trailing digits are the next places of the previous unit.
                    let places = text.chars().filter(char::is_ascii_digit).count() as i32;
                    total += number * prev as f64 / 10f64.powi(places);
                    last_unit = Some(1);
                    continue;
                }
                (Some(m), _) => m,
                (None, _) => return Err(InputError::Money),
            };
            if word.is_empty() {
                unitless = true;
            }
            total += number * multiplier as f64;
            last_unit = Some(multiplier);
        }
        // A bare "1.500" is more likely 1.500 triệu typed short than 1.500 đồng: ask for
        // the unit rather than guess.
        if unitless && last_unit == Some(1) && total < 100_000.0 {
            return Err(InputError::Money);
        }
        if !(1.0..=MAX as f64).contains(&total) {
            return Err(InputError::Money);
        }
        Ok(Money(total.round() as i64))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// "150 000 000" → "150000000": digits in groups of three after a space belong together.
fn join_digit_groups(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && chars[i - 1].is_ascii_digit() {
            let run = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let after = chars.get(i + 1 + run);
            if run == 3 && after.is_none_or(|a| !a.is_ascii_digit()) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// "150.000.000" is thousands separators; "1,5" and "1.5" are decimals. A separator followed
/// by exactly three digits is a thousands separator; any other is the decimal point.
fn parse_number(s: &str) -> Result<f64, InputError> {
    let bytes = s.as_bytes();
    let mut digits = String::new();
    let mut decimal_seen = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            let run = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let thousands = run == 3 && !decimal_seen && !digits.is_empty();
            if !thousands {
                if decimal_seen || digits.is_empty() || run == 0 {
                    return Err(InputError::Money);
                }
                decimal_seen = true;
                digits.push('.');
            }
        }
        i += 1;
    }
    digits.parse().map_err(|_| InputError::Money)
}

impl TryFrom<i64> for Money {
    type Error = InputError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        if (1..=MAX).contains(&n) {
            Ok(Money(n))
        } else {
            Err(InputError::Money)
        }
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> i64 {
        m.0
    }
}

impl fmt::Display for Money {
    /// "150.000.000 đ", the way amounts are printed in Vietnam.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        write!(f, "{out} đ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> i64 {
        Money::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).get()
    }

    #[test]
    fn amounts_as_people_write_them() {
        assert_eq!(m("150 triệu"), 150_000_000);
        assert_eq!(m("150tr"), 150_000_000);
        assert_eq!(m("150 trieu"), 150_000_000);
        assert_eq!(m("150.000.000"), 150_000_000);
        assert_eq!(m("150,000,000"), 150_000_000);
        assert_eq!(m("150000000đ"), 150_000_000);
        assert_eq!(m("1,5 tỷ"), 1_500_000_000);
        assert_eq!(m("1.5 tỷ"), 1_500_000_000);
        assert_eq!(m("2 tỷ 500 triệu"), 2_500_000_000);
        assert_eq!(m("500k"), 500_000);
        assert_eq!(m("30 triệu đồng"), 30_000_000);
        assert_eq!(m("150 000 000"), 150_000_000);
    }

    #[test]
    fn short_forms_after_a_unit_are_its_fraction() {
        assert_eq!(m("150tr5"), 150_500_000);
        assert_eq!(m("2tr5"), 2_500_000);
        assert_eq!(m("1tỷ2"), 1_200_000_000);
        assert_eq!(m("1 tỷ 2"), 1_200_000_000);
        assert_eq!(m("1 tỷ 200"), 1_200_000_000);
        assert_eq!(m("150 triệu 5"), 150_500_000);
    }

    #[test]
    fn what_is_not_money_is_refused() {
        for s in [
            "",
            "nhiều",
            "abc triệu",
            "150 con gà",
            "1.2.3",
            "0",
            "-5",
            "1,5,6 tr",
            "99999999 tỷ",
        ] {
            assert!(Money::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn amounts_print_with_dots() {
        assert_eq!(Money::parse("150tr").unwrap().to_string(), "150.000.000 đ");
        assert_eq!(Money::parse("999k").unwrap().to_string(), "999.000 đ");
    }
}
