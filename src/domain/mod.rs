//! The program's domain: parse-don't-validate types for what people type (names, phones, CCCD,
//! dates, amounts, times of day) and the rules of the poverty-reduction program (target
//! categories, the 36-month window, group readiness, the proposals' path, roles, a commune's public code and finding a commune by name, when two accounts may become one person, what an invite may give).

pub mod access;
pub mod codes;
pub mod communes;
pub mod groups;
pub mod household;
pub mod input;
pub mod invites;
pub mod links;
pub mod money;
pub mod proposals;
pub mod roles;
pub mod rules;
pub mod time;
pub mod typed_code;

pub use access::{Access, Capability, Grant};
pub use groups::{GroupRules, GroupStatus, MemberFacts, MemberRecord, Missing};
pub use household::{Category, EscapeWindow, HouseholdStatus};
pub use input::{
    Cccd, FreeText, InputError, MemberCount, PastDate, PersonName, Phone, parse_integer,
};
pub use money::Money;
pub use proposals::{ProposalKind, ProposalStatus, ProposalStep};
pub use roles::Role;
pub use rules::{CommuneRules, CommuneWords};
pub use time::parse_time;
