//! Who may do what: the one table of capabilities and the roles that hold them. Every action
//! asks it before writing; menus, help and the platforms' command lists are drawn from it;
//! a dialogue file's `roles` may only narrow it. Scope (which hamlet, which record) is judged
//! by the few `Access` methods below, next to the table, so the rules read in one place.

use serde::{Deserialize, Serialize};

use super::roles::Role;

/// One role of a person; `hamlet_id` is set for hamlet heads, `org` for representatives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub hamlet_id: Option<i64>,
    pub org: Option<String>,
}

/// Something a person may do. Each dialogue's action needs exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Register a household (one's own, or, for a hamlet head, one of the hamlet).
    RegisterHousehold,
    /// See the households one registered.
    SeeOwnHouseholds,
    /// Confirm or reject registrations: of one's hamlet, or (culture officer) any hamlet.
    ReviewHouseholds,
    /// See a household's phone number in full (audited for officers).
    SeeFullPhone,
    /// Create a community group, and manage it (its leader is chosen among its members).
    CreateGroup,
    /// Join a group with one's own household.
    JoinGroup,
    /// Leave a forming group with one's own household.
    LeaveGroup,
    /// Add a household of one's hamlet to a group.
    AddMember,
    /// Record a member's Farmers' Association recognition (certificate seen).
    RecordRecognition,
    /// See a group's members and what it lacks: members, its leader, hamlet head, officers.
    SeeGroup,
    /// Record which member household a group chose as its leader (trưởng nhóm), or a new
    /// choice: the hamlet head of its hamlet, or its creator.
    ChooseLeader,
    /// Ask the commune to establish a group one leads.
    RequestEstablishment,
    /// Record the committee's decision on a group (the letter: the culture-social officer
    /// advises the commune's leaders).
    DecideGroup,
    /// Submit a proposal (an established group's leader; a business for value chains), and
    /// revise one sent back.
    SubmitProposal,
    /// See a proposal: one's own, or every proposal for officers.
    SeeProposal,
    /// Appraise, forward, send back, reject, approve, start, finish a proposal.
    ActOnProposal,
    /// The officers' queue of what waits for the commune.
    SeeQueue,
    /// A daily digest and its settings: the commune's (hamlet heads, officers) or the
    /// province's (the upper level).
    ReceiveDigest,
    /// The upper level's daily digest across the province's communes: counts per commune,
    /// the communes late or idle; no personal data.
    ReceiveUpperDigest,
    /// The proposals the province's communes forwarded to the upper level, each in full
    /// (commune, group, kind, amounts, files, history).
    SeeForwarded,
    /// Record the upper level's answer to a forwarded proposal of the province: approved
    /// (its decision) or not (its reason). Commune officers may record it too, under
    /// `ActOnProposal`, where the province does not use the bot.
    RecordUpperDecision,
    /// Add, list and close the commune's deadlines.
    ManageDeadlines,
    /// The Excel report of the whole commune.
    SeeReport,
    /// Join one's accounts on several channels into one person, unlink one, choose where
    /// notices go.
    LinkAccounts,
    /// Give a forming group a new join code (the old one stops working): its leader, its
    /// creator or the hamlet head of its hamlet.
    RenewJoinCode,
    /// Give one's own name, which platforms' names no longer replace.
    SetOwnName,
    /// Read the commune's audit log in chat (who did what, when): the culture-social officer,
    /// who answers for the commune's personal data, and the commune's leaders.
    SeeAudit,
    /// Invite someone to a role of the commune with a one-time code (`/moi`); taking an
    /// invite needs no capability: the code is the permission.
    Invite,
    /// See who holds which role, and the invites not taken yet.
    SeeStaff,
    /// Take a role back, or revoke an invite not taken yet.
    RevokeRole,
    /// Record a person with a disability without a stable livelihood: the hamlet head of
    /// their hamlet, or the culture-social officer (any hamlet).
    RecordDisabledPerson,
    /// Move someone who chose the wrong commune (and has nothing in it yet) to another
    /// commune of the database: those who keep the commune's people.
    MovePerson,
    /// The workbook across the province's communes (counts only): the upper level.
    SeeProvinceReport,
}

use Capability as C;
use Role as R;

const EVERYONE: &[Role] = &[R::Resident];
const OFFICERS: &[Role] = &[R::CultureOfficer, R::AgriOfficer, R::Leader];
/// Who gets the commune's digest (and sees phones: hamlet heads in full, officers one by one).
const DIGEST: &[Role] = &[R::HamletHead, R::CultureOfficer, R::AgriOfficer, R::Leader];
/// Who gets a digest of some kind: the commune's, or the province's for the upper level.
const ANY_DIGEST: &[Role] = &[
    R::HamletHead,
    R::CultureOfficer,
    R::AgriOfficer,
    R::Leader,
    R::UpperLevel,
];
/// The province's officers: what the communes forward to them, and a digest across them.
const UPPER: &[Role] = &[R::UpperLevel];
/// Who proposes: an established group's leader or creator, a business for value chains.
const PROPOSERS: &[Role] = &[R::HamletHead, R::OrgRep, R::BusinessRep, R::GroupLeader];
const GROUP_CREATORS: &[Role] = &[R::HamletHead, R::OrgRep];
/// Who acts for a group: its creator, and the account of the household it chose as leader.
const GROUP_LEADERS: &[Role] = &[R::HamletHead, R::OrgRep, R::GroupLeader];
/// Who gives and takes back the commune's roles: the culture-social officer, who keeps the
/// program's people, and the commune's leaders.
const STAFF_MANAGERS: &[Role] = &[R::CultureOfficer, R::Leader];

/// The table. `Resident` means everyone: every person is a resident.
const TABLE: &[(Capability, &[Role])] = &[
    (C::RegisterHousehold, EVERYONE),
    (C::SeeOwnHouseholds, EVERYONE),
    (C::ReviewHouseholds, &[R::HamletHead, R::CultureOfficer]),
    (C::SeeFullPhone, DIGEST),
    (C::CreateGroup, GROUP_CREATORS),
    (C::JoinGroup, EVERYONE),
    (C::LeaveGroup, EVERYONE),
    (C::AddMember, &[R::HamletHead]),
    (C::RecordRecognition, GROUP_CREATORS),
    (C::SeeGroup, EVERYONE),
    (C::ChooseLeader, GROUP_CREATORS),
    (C::RequestEstablishment, GROUP_LEADERS),
    (C::DecideGroup, &[R::CultureOfficer, R::Leader]),
    (C::SubmitProposal, PROPOSERS),
    (C::SeeProposal, EVERYONE),
    (C::ActOnProposal, OFFICERS),
    (C::SeeQueue, OFFICERS),
    (C::ReceiveDigest, ANY_DIGEST),
    (C::ReceiveUpperDigest, UPPER),
    (C::SeeForwarded, UPPER),
    (C::RecordUpperDecision, UPPER),
    (C::ManageDeadlines, OFFICERS),
    (C::SeeReport, OFFICERS),
    (C::LinkAccounts, EVERYONE),
    (C::RenewJoinCode, GROUP_LEADERS),
    (C::SetOwnName, EVERYONE),
    (C::SeeAudit, &[R::CultureOfficer, R::Leader]),
    (C::Invite, STAFF_MANAGERS),
    (C::SeeStaff, OFFICERS),
    (C::RevokeRole, STAFF_MANAGERS),
    (C::RecordDisabledPerson, &[R::HamletHead, R::CultureOfficer]),
    (C::MovePerson, STAFF_MANAGERS),
    (C::SeeProvinceReport, UPPER),
];

impl Capability {
    /// The roles that hold it; `Resident` in the list means everyone.
    pub fn roles(self) -> &'static [Role] {
        TABLE
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, r)| *r)
            .unwrap_or(&[])
    }

    /// Whether holding `role` is enough (a dialogue's `roles` line may name only these).
    pub fn allows(self, role: Role) -> bool {
        let roles = self.roles();
        roles.contains(&Role::Resident) || roles.contains(&role)
    }
}

/// A person's grants in their commune, with the questions every action asks of them.
#[derive(Debug, Clone, Default)]
pub struct Access {
    grants: Vec<Grant>,
}

impl Access {
    pub fn new(grants: Vec<Grant>) -> Access {
        Access { grants }
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// Everyone is a resident; other roles are granted.
    pub fn has_role(&self, role: Role) -> bool {
        role == Role::Resident || self.grants.iter().any(|g| g.role == role)
    }

    pub fn can(&self, cap: Capability) -> bool {
        cap.roles().iter().any(|&r| self.has_role(r))
    }

    /// Officers of the commune: culture-social, agricultural extension, the committee.
    pub fn is_officer(&self) -> bool {
        self.grants.iter().any(|g| g.role.is_officer())
    }

    /// Gets the commune's digest: hamlet heads and officers (an upper-level officer gets the
    /// province's instead, unless they also hold one of these).
    pub fn gets_commune_digest(&self) -> bool {
        DIGEST.iter().any(|&r| self.has_role(r))
    }

    /// Sees, as the upper level, what a commune of `province` forwarded, holding the role in
    /// a commune of `own_province`: the same province as the commune files write it, and
    /// never a demo commune's for a real one's or the other way round.
    pub fn sees_forwarded_of(
        &self,
        (own_province, own_demo): (&str, bool),
        (province, demo): (&str, bool),
    ) -> bool {
        self.can(Capability::SeeForwarded)
            && same_province(own_province, province)
            && own_demo == demo
    }

    /// Records, as the upper level, the answer to what a commune of `province` forwarded:
    /// the same scope as `sees_forwarded_of`.
    pub fn decides_forwarded_of(&self, own: (&str, bool), other: (&str, bool)) -> bool {
        self.can(Capability::RecordUpperDecision) && self.sees_forwarded_of(own, other)
    }

    /// The hamlets this person heads.
    pub fn head_of(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::HamletHead)
            .filter_map(|g| g.hamlet_id)
            .collect()
    }

    pub fn heads(&self, hamlet_id: i64) -> bool {
        self.head_of().contains(&hamlet_id)
    }

    /// Reviews a registration in this hamlet: its hamlet head, or the culture-social officer
    /// for the whole commune. Whether it is one's own registration is asked separately.
    pub fn reviews_hamlet(&self, hamlet_id: i64) -> bool {
        self.has_role(Role::CultureOfficer) || self.heads(hamlet_id)
    }

    /// Sees the phones of this hamlet's households in full: its hamlet head, who calls them.
    /// Officers see them masked and ask for one at a time (audited).
    pub fn sees_phones_of(&self, hamlet_id: i64) -> bool {
        self.heads(hamlet_id)
    }

    /// The Farmers' Association's representative: the association is who recognises good
    /// producers (the letter), so its representative records recognitions in any group of the
    /// commune, not only those they lead.
    pub fn speaks_for_farmers(&self) -> bool {
        self.grants.iter().any(|g| {
            g.role == Role::OrgRep
                && g.org
                    .as_deref()
                    .is_some_and(|o| crate::text::fold(o).contains("nong dan"))
        })
    }

    /// Acts as a group's leader (asks for its establishment, submits its proposals, gives it
    /// a new code): the account of the member household the group chose as leader, and the
    /// group's creator while they hold a role that creates groups (a hamlet head or
    /// representative whose role was taken back keeps the group's name on them, not its
    /// lead).
    pub fn leads_group(
        &self,
        person_id: i64,
        created_by: i64,
        leader_account: Option<i64>,
    ) -> bool {
        leader_account == Some(person_id)
            || (created_by == person_id && self.can(Capability::CreateGroup))
    }

    /// Records (or changes) the group's choice of leader: the hamlet head of its hamlet, or
    /// its creator while they hold a role that creates groups. The leader chosen does not:
    /// the choice is the group's, recorded by those who answer for it.
    pub fn chooses_leader(&self, person_id: i64, created_by: i64, hamlet_id: i64) -> bool {
        self.can(Capability::ChooseLeader)
            && (self.heads(hamlet_id)
                || (created_by == person_id && self.can(Capability::CreateGroup)))
    }

    /// Sees a group's members in full (target status, phones): whoever leads it
    /// (`leads_group`), the hamlet head of its hamlet, officers.
    pub fn manages_group(
        &self,
        person_id: i64,
        created_by: i64,
        leader_account: Option<i64>,
        hamlet_id: i64,
    ) -> bool {
        self.leads_group(person_id, created_by, leader_account)
            || self.heads(hamlet_id)
            || self.is_officer()
    }
}

/// Two communes lie in one province when their files name it alike (a province left blank
/// joins nothing).
fn same_province(a: &str, b: &str) -> bool {
    !a.trim().is_empty() && a.trim() == b.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(roles: &[(Role, Option<i64>)]) -> Access {
        Access::new(
            roles
                .iter()
                .map(|&(role, hamlet_id)| Grant {
                    role,
                    hamlet_id,
                    org: None,
                })
                .collect(),
        )
    }

    #[test]
    fn every_capability_is_in_the_table_once() {
        let all = [
            C::RegisterHousehold,
            C::SeeOwnHouseholds,
            C::ReviewHouseholds,
            C::SeeFullPhone,
            C::CreateGroup,
            C::JoinGroup,
            C::LeaveGroup,
            C::AddMember,
            C::RecordRecognition,
            C::SeeGroup,
            C::ChooseLeader,
            C::RequestEstablishment,
            C::DecideGroup,
            C::SubmitProposal,
            C::SeeProposal,
            C::ActOnProposal,
            C::SeeQueue,
            C::ReceiveDigest,
            C::ManageDeadlines,
            C::SeeReport,
            C::LinkAccounts,
            C::RenewJoinCode,
            C::SetOwnName,
            C::SeeAudit,
            C::Invite,
            C::SeeStaff,
            C::RevokeRole,
            C::RecordDisabledPerson,
            C::ReceiveUpperDigest,
            C::SeeForwarded,
            C::RecordUpperDecision,
            C::MovePerson,
            C::SeeProvinceReport,
        ];
        assert_eq!(TABLE.len(), all.len());
        for c in all {
            assert_eq!(TABLE.iter().filter(|(x, _)| *x == c).count(), 1, "{c:?}");
            assert!(!c.roles().is_empty(), "{c:?}");
        }
    }

    #[test]
    fn a_resident_holds_only_what_everyone_holds() {
        let resident = with(&[]);
        assert!(resident.can(C::RegisterHousehold));
        assert!(resident.can(C::JoinGroup));
        for c in [
            C::ReviewHouseholds,
            C::SeeReport,
            C::ManageDeadlines,
            C::DecideGroup,
            C::MovePerson,
        ] {
            assert!(!resident.can(c), "{c:?}");
        }
    }

    #[test]
    fn only_the_culture_officer_and_the_leader_decide_groups() {
        assert!(with(&[(R::CultureOfficer, None)]).can(C::DecideGroup));
        assert!(with(&[(R::Leader, None)]).can(C::DecideGroup));
        assert!(!with(&[(R::AgriOfficer, None)]).can(C::DecideGroup));
        assert!(!with(&[(R::HamletHead, Some(1))]).can(C::DecideGroup));
    }

    #[test]
    fn only_the_culture_officer_and_the_leader_read_the_audit_log() {
        assert!(with(&[(R::CultureOfficer, None)]).can(C::SeeAudit));
        assert!(with(&[(R::Leader, None)]).can(C::SeeAudit));
        assert!(!with(&[(R::AgriOfficer, None)]).can(C::SeeAudit));
        assert!(!with(&[(R::HamletHead, Some(1))]).can(C::SeeAudit));
        assert!(!with(&[]).can(C::SeeAudit));
    }

    #[test]
    fn only_the_culture_officer_and_the_leader_give_and_take_roles() {
        for c in [C::Invite, C::RevokeRole] {
            assert!(with(&[(R::CultureOfficer, None)]).can(c));
            assert!(with(&[(R::Leader, None)]).can(c));
            assert!(!with(&[(R::AgriOfficer, None)]).can(c));
            assert!(!with(&[(R::HamletHead, Some(1))]).can(c));
            assert!(!with(&[]).can(c));
        }
        assert!(with(&[(R::AgriOfficer, None)]).can(C::SeeStaff));
        assert!(!with(&[(R::HamletHead, Some(1))]).can(C::SeeStaff));
    }

    #[test]
    fn a_creator_whose_role_was_taken_back_no_longer_manages_the_group() {
        let head = with(&[(R::HamletHead, Some(1))]);
        assert!(head.manages_group(7, 7, None, 2), "created it");
        assert!(
            !with(&[]).manages_group(7, 7, None, 2),
            "created it, but no longer a head"
        );
        assert!(
            !head.manages_group(7, 8, None, 2),
            "neither created it nor heads its hamlet"
        );
        assert!(head.manages_group(7, 8, None, 1), "heads its hamlet");
    }

    #[test]
    fn the_chosen_leader_acts_for_the_group_and_its_creator_and_head_choose() {
        // Person 9's household leads group (created by 7, hamlet 2): a resident otherwise.
        let leader = with(&[(R::GroupLeader, None)]);
        assert!(leader.leads_group(9, 7, Some(9)));
        assert!(leader.manages_group(9, 7, Some(9), 2), "sees who is poor");
        for c in [C::RequestEstablishment, C::SubmitProposal, C::RenewJoinCode] {
            assert!(leader.can(c), "{c:?}");
        }
        assert!(!leader.leads_group(9, 7, Some(10)), "another group's");
        // The choice is recorded by the creator or the hamlet's head, not by the leader.
        assert!(!leader.can(C::ChooseLeader));
        assert!(!leader.chooses_leader(9, 9, 2));
        let creator = with(&[(R::OrgRep, None)]);
        assert!(creator.chooses_leader(7, 7, 2) && !creator.chooses_leader(8, 7, 2));
        assert!(
            creator.leads_group(7, 7, Some(9)),
            "the creator keeps managing"
        );
        let head = with(&[(R::HamletHead, Some(2))]);
        assert!(head.chooses_leader(8, 7, 2) && !head.chooses_leader(8, 7, 3));
        assert!(!with(&[]).chooses_leader(7, 7, 2), "role taken back");
        // Nobody is granted it: a group makes its leader.
        assert!(!R::GroupLeader.is_granted() && !R::Resident.is_granted());
        assert!("group_leader".parse::<Role>().is_err());
    }

    #[test]
    fn the_upper_level_decides_forwarded_proposals_of_its_province_only() {
        let upper = with(&[(R::UpperLevel, None)]);
        let tn = ("Thái Nguyên", false);
        assert!(upper.decides_forwarded_of(tn, ("Thái Nguyên", false)));
        assert!(!upper.decides_forwarded_of(tn, ("Bắc Kạn", false)));
        assert!(
            !upper.decides_forwarded_of(tn, ("Thái Nguyên", true)),
            "the demo"
        );
        assert!(!upper.decides_forwarded_of(("", false), ("", false)));
        assert!(upper.can(C::ReceiveDigest) && upper.can(C::ReceiveUpperDigest));
        assert!(!upper.gets_commune_digest());
        // Not a commune officer: no households, no phones, no commune queue.
        assert!(!upper.is_officer());
        for c in [
            C::ReviewHouseholds,
            C::SeeFullPhone,
            C::ActOnProposal,
            C::SeeQueue,
            C::SeeReport,
            C::Invite,
            C::SeeAudit,
        ] {
            assert!(!upper.can(c), "{c:?}");
        }
        // Commune officers record the answer under their own step, not as the upper level.
        let officer = with(&[(R::CultureOfficer, None)]);
        assert!(!officer.decides_forwarded_of(tn, tn) && !officer.sees_forwarded_of(tn, tn));
        assert!(officer.gets_commune_digest() && !officer.can(C::ReceiveUpperDigest));
    }

    #[test]
    fn scope_follows_the_hamlet() {
        let head = with(&[(R::HamletHead, Some(1))]);
        assert!(head.reviews_hamlet(1) && !head.reviews_hamlet(2));
        assert!(head.sees_phones_of(1) && !head.sees_phones_of(2));
        let officer = with(&[(R::CultureOfficer, None)]);
        assert!(officer.reviews_hamlet(2));
        assert!(
            !officer.sees_phones_of(2),
            "officers ask for a phone, audited"
        );
    }
}
