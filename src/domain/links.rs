//! One person on several channels: the link code (six digits, ten minutes, a few wrong tries
//! an hour) and when two accounts may become one person.

use chrono::TimeDelta;

use super::access::Grant;

/// How long a code may be typed on the other channel.
pub const CODE_VALID: TimeDelta = TimeDelta::minutes(10);

/// Wrong codes a person may type within `TRIES_WINDOW`; the next try is refused, even with
/// the right code, until the oldest of them is an hour old. With a million codes, ten minutes
/// each, one account has about five chances in a million to hit a live one.
pub const WRONG_TRIES: i64 = 5;
pub const TRIES_WINDOW: TimeDelta = TimeDelta::hours(1);

/// How long a used or expired code is kept, to tell a late typist what became of it.
pub const CODE_KEPT: TimeDelta = TimeDelta::days(1);

/// A code as typed: six digits, spaces and dashes aside ("123 456", "123-456").
pub fn parse_code(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// A uniformly random six-digit code from the operating system's CSPRNG.
pub fn new_code() -> Result<String, getrandom::Error> {
    // The largest multiple of a million that fits in a u32: values at or above it are drawn
    // again, so every code is equally likely.
    const LIMIT: u32 = (u32::MAX / 1_000_000) * 1_000_000;
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes)?;
        let n = u32::from_le_bytes(bytes);
        if n < LIMIT {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

/// One of the two accounts being joined, as far as the rules care.
#[derive(Debug, Clone)]
pub struct Side {
    pub person_id: i64,
    pub commune_id: i64,
    pub grants: Vec<Grant>,
}

/// Why two accounts may not become one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// They are one person already.
    #[error("the accounts are one person already")]
    Already,
    /// Each belongs to another commune: its records, roles and officers are another's.
    #[error("the accounts belong to two communes")]
    OtherCommune,
    /// Both were given roles, and not the same ones: two staff members joining accounts would
    /// hold each other's powers (and could confirm what the other registered), so the commune
    /// decides by giving the roles again to one account.
    #[error("both accounts hold roles, and not the same ones")]
    Roles,
}

impl Refusal {
    /// The catalogue message that explains it.
    pub fn message_id(self) -> &'static str {
        match self {
            Refusal::Already => "link-already",
            Refusal::OtherCommune => "link-refused-commune",
            Refusal::Roles => "link-refused-roles",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Refusal::Already => "already",
            Refusal::OtherCommune => "other_commune",
            Refusal::Roles => "roles",
        }
    }
}

/// Whether `joining` may become part of `keeping`. Households, groups, proposals and
/// conversations never stand in the way: each record simply has one owner afterwards, and
/// each chat keeps its own place in its own dialogue (a chat's state is the chat's, not the
/// person's), while every action checks the merged person's rights again when it runs.
pub fn may_join(keeping: &Side, joining: &Side) -> Result<(), Refusal> {
    if keeping.person_id == joining.person_id {
        return Err(Refusal::Already);
    }
    if keeping.commune_id != joining.commune_id {
        return Err(Refusal::OtherCommune);
    }
    if !keeping.grants.is_empty() && !joining.grants.is_empty() {
        let key = |g: &Grant| (g.role.code(), g.hamlet_id, g.org.clone());
        let mut a: Vec<_> = keeping.grants.iter().map(key).collect();
        let mut b: Vec<_> = joining.grants.iter().map(key).collect();
        a.sort();
        b.sort();
        a.dedup();
        b.dedup();
        if a != b {
            return Err(Refusal::Roles);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn side(person_id: i64, commune_id: i64, grants: &[(Role, Option<i64>)]) -> Side {
        Side {
            person_id,
            commune_id,
            grants: grants
                .iter()
                .map(|&(role, hamlet_id)| Grant {
                    role,
                    hamlet_id,
                    org: None,
                })
                .collect(),
        }
    }

    #[test]
    fn codes_are_six_digits_typed_loosely() {
        assert_eq!(parse_code("123456").as_deref(), Some("123456"));
        assert_eq!(parse_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(parse_code("123-456").as_deref(), Some("123456"));
        for bad in ["12345", "1234567", "12a456", "", "１２３４５６"] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn new_codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..50).map(|_| new_code().unwrap()).collect();
        assert!(codes.iter().all(|c| parse_code(c).as_deref() == Some(c)));
        // Fifty draws from a million collide rarely; all alike would mean no randomness.
        assert!(codes.len() > 40, "{codes:?}");
    }

    #[test]
    fn roles_join_only_when_one_side_has_none_or_both_the_same() {
        let head = &[(Role::HamletHead, Some(1))];
        assert_eq!(may_join(&side(1, 1, head), &side(2, 1, &[])), Ok(()));
        assert_eq!(may_join(&side(1, 1, &[]), &side(2, 1, head)), Ok(()));
        assert_eq!(may_join(&side(1, 1, head), &side(2, 1, head)), Ok(()));
        let other = &[(Role::HamletHead, Some(2))];
        assert_eq!(
            may_join(&side(1, 1, head), &side(2, 1, other)),
            Err(Refusal::Roles)
        );
        let officer = &[(Role::CultureOfficer, None)];
        assert_eq!(
            may_join(&side(1, 1, head), &side(2, 1, officer)),
            Err(Refusal::Roles)
        );
    }

    #[test]
    fn communes_and_sameness_are_refused() {
        assert_eq!(
            may_join(&side(1, 1, &[]), &side(2, 2, &[])),
            Err(Refusal::OtherCommune)
        );
        assert_eq!(
            may_join(&side(1, 1, &[]), &side(1, 1, &[])),
            Err(Refusal::Already)
        );
    }
}
