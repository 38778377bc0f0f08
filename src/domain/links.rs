//! One person on several channels: the link code (eight characters, ten minutes, a few wrong
//! tries an hour) and when two accounts may become one person.

use chrono::TimeDelta;

use super::access::Grant;

/// How long a code may be typed on the other channel.
pub const CODE_VALID: TimeDelta = TimeDelta::minutes(10);

/// Wrong codes a person may type within `TRIES_WINDOW`; the next try is refused, even with
/// the right code, until the oldest of them is an hour old. With 852 billion codes, ten minutes
/// each, an account has about six chances in a trillion an hour to hit a given live one.
pub const WRONG_TRIES: i64 = 5;
pub const TRIES_WINDOW: TimeDelta = TimeDelta::hours(1);

/// How long a used or expired code is kept, to tell a late typist what became of it.
pub const CODE_KEPT: TimeDelta = TimeDelta::days(1);

/// Characters of a link code (`typed_code`'s alphabet): a code typed on another account joins
/// it to the person who asked, so it must be as hard to guess as any.
pub const CODE_LEN: usize = 8;

/// A code as typed: eight letters and digits, spaces and dashes aside, any case.
pub fn parse_code(typed: &str) -> Option<String> {
    super::typed_code::parse_code(typed, CODE_LEN)
}

/// A random code from the operating system's CSPRNG.
pub fn new_code() -> Result<String, getrandom::Error> {
    super::typed_code::new_code(CODE_LEN)
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
    fn codes_are_eight_characters_typed_loosely() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 8);
        assert_eq!(
            parse_code(&code.to_lowercase()).as_deref(),
            Some(code.as_str())
        );
        assert_eq!(parse_code("abcd-2345").as_deref(), Some("ABCD2345"));
        for bad in ["123456", "ABCD234", "ABCD23456", "ABCD 0345", ""] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
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
