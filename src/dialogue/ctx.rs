//! Who is talking, in which commune, with which roles, in which language, and when: what
//! every question, option list and action of a dialogue is asked in.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{CommuneRules, Role};
use crate::store::communes::Commune;
use crate::store::households::Household;
use crate::store::persons::{Grant, Person};
use crate::text::{Arg, Lang, Texts};

/// Everything an action or a question needs to know about who is talking, and when.
pub struct Ctx<'a> {
    pub person: &'a Person,
    pub commune: &'a Commune,
    pub rules: CommuneRules,
    pub grants: Vec<Grant>,
    pub lang: Lang,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub texts: &'a Texts,
}

impl Ctx<'_> {
    pub fn t(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.texts.get(self.lang, id, args)
    }

    /// Everyone is a resident; other roles are granted.
    pub fn has_role(&self, role: Role) -> bool {
        role == Role::Resident || self.grants.iter().any(|g| g.role == role)
    }

    /// Officers of the commune: culture-social, agricultural extension, the committee.
    pub fn is_officer(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_officer())
    }

    /// The hamlets this person heads.
    pub fn head_of(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::HamletHead)
            .filter_map(|g| g.hamlet_id)
            .collect()
    }

    /// A hamlet head reviews their own hamlet; the culture-social officer the whole commune.
    pub fn may_review(&self, h: &Household) -> bool {
        h.commune_id == self.commune.id
            && (self.has_role(Role::CultureOfficer)
                || self
                    .grants
                    .iter()
                    .any(|g| g.role == Role::HamletHead && g.hamlet_id == Some(h.hamlet_id)))
    }
}
