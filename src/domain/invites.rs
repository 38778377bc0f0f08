//! Invites: a one-time code (eight characters without look-alikes, seven days) that gives the
//! role it names to whoever takes it; what an invite may name, and what became of one.

use chrono::{DateTime, TimeDelta, Utc};

use super::access::Grant;
use super::roles::Role;
use super::typed_code;

/// Eight characters of 31: about 850 billion codes, so a guess never lands on a live one
/// within the wrong-try limit. Group join codes have eight too: a `/start CODE` link is
/// taken as an invite unless it is a join code of the person's commune (`dialogue::commands`).
pub const CODE_LEN: usize = 8;

/// How long an invite may be taken: long enough for a hamlet head to come by the commune
/// office or to find the message again.
pub const VALID: TimeDelta = TimeDelta::days(7);

/// Wrong codes a person may type within `TRIES_WINDOW` before every try is refused, the
/// right code too, until the oldest of them is an hour old (as for link codes).
pub const WRONG_TRIES: i64 = 5;
pub const TRIES_WINDOW: TimeDelta = TimeDelta::hours(1);

/// A new invite code from the operating system's CSPRNG.
pub fn new_code() -> Result<String, getrandom::Error> {
    typed_code::new_code(CODE_LEN)
}

/// An invite code as typed: spaces, dashes and lower case aside ("abcd-efgh").
pub fn parse_code(typed: &str) -> Option<String> {
    typed_code::parse_code(typed, CODE_LEN)
}

/// A code as people read it off a small screen: two groups of four, "ABCD-EFGH".
pub fn shown(code: &str) -> String {
    match code.split_at_checked(CODE_LEN / 2) {
        Some((a, b)) if code.len() == CODE_LEN => format!("{a}-{b}"),
        _ => code.to_string(),
    }
}

/// What an invite may not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("everyone is a resident already")]
    Resident,
    #[error("a group chooses its leader; nobody is invited to lead one")]
    Chosen,
    #[error("a hamlet head needs a hamlet")]
    NoHamlet,
    #[error("a representative needs the organisation's name")]
    NoOrg,
    #[error("only a hamlet head has a hamlet, only a representative an organisation")]
    Extra,
}

/// The grant an invite gives: a role with the scope it needs and nothing else.
pub fn grant(role: Role, hamlet_id: Option<i64>, org: Option<&str>) -> Result<Grant, ScopeError> {
    let org = org.map(str::trim).filter(|o| !o.is_empty());
    let needs_org = matches!(role, Role::OrgRep | Role::BusinessRep);
    match (role, hamlet_id, org) {
        (Role::Resident, _, _) => Err(ScopeError::Resident),
        (Role::GroupLeader, _, _) => Err(ScopeError::Chosen),
        (Role::HamletHead, None, _) => Err(ScopeError::NoHamlet),
        (Role::HamletHead, Some(_), None) => Ok(()),
        (_, None, None) if needs_org => Err(ScopeError::NoOrg),
        (_, None, Some(_)) if needs_org => Ok(()),
        (_, None, None) => Ok(()),
        _ => Err(ScopeError::Extra),
    }?;
    Ok(Grant {
        role,
        hamlet_id,
        org: org.map(str::to_string),
    })
}

/// What became of an invite, as far as taking it goes.
/// Whether a commune's staff gives (`/moi`) and takes back (`/thuhoi`) this role in chat.
/// Not the upper level's: it covers every commune of the province, and one commune's
/// officer must neither make someone an officer over its neighbours nor remove the
/// province's; whoever runs the deployment does both from the command line.
pub fn commune_gives(role: Role) -> bool {
    role != Role::UpperLevel
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Open,
    Used,
    Revoked,
    Expired,
}

/// The state at `now`: taken and revoked first (they are final, and say more than the date).
pub fn state(
    used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> State {
    if used_at.is_some() {
        State::Used
    } else if revoked_at.is_some() {
        State::Revoked
    } else if expires_at <= now {
        State::Expired
    } else {
        State::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_characters_read_however_typed() {
        let c = new_code().unwrap();
        assert_eq!(c.len(), 8);
        assert_eq!(parse_code(&shown(&c).to_lowercase()), Some(c.clone()));
        assert_eq!(parse_code("abcd efgh").as_deref(), Some("ABCDEFGH"));
        // Six characters (the old join codes) are never taken for an invite.
        assert_eq!(parse_code("FORMA2"), None);
        assert_eq!(shown("ABCDEFGH"), "ABCD-EFGH");
    }

    #[test]
    fn an_invite_names_a_role_with_its_scope_only() {
        assert_eq!(
            grant(Role::HamletHead, None, None),
            Err(ScopeError::NoHamlet)
        );
        assert!(grant(Role::HamletHead, Some(2), None).is_ok());
        assert_eq!(
            grant(Role::OrgRep, None, Some("  ")),
            Err(ScopeError::NoOrg)
        );
        let g = grant(Role::BusinessRep, None, Some(" HTX Chè ")).unwrap();
        assert_eq!(g.org.as_deref(), Some("HTX Chè"));
        assert!(grant(Role::Leader, None, None).is_ok());
        assert_eq!(grant(Role::Leader, Some(1), None), Err(ScopeError::Extra));
        assert_eq!(
            grant(Role::AgriOfficer, None, Some("x")),
            Err(ScopeError::Extra)
        );
        assert_eq!(grant(Role::Resident, None, None), Err(ScopeError::Resident));
        assert_eq!(
            grant(Role::GroupLeader, None, None),
            Err(ScopeError::Chosen)
        );
    }

    #[test]
    fn taken_and_revoked_outrank_expiry() {
        let t = |h: i64| DateTime::from_timestamp(h * 3600, 0).unwrap();
        assert_eq!(state(None, None, t(10), t(9)), State::Open);
        assert_eq!(state(None, None, t(10), t(10)), State::Expired);
        assert_eq!(state(Some(t(1)), None, t(10), t(11)), State::Used);
        assert_eq!(state(None, Some(t(1)), t(10), t(11)), State::Revoked);
    }
}
