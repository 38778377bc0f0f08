//! Conversations as data. Each file in `dialogues/` describes one conversation: its steps,
//! questions in Vietnamese and English, the kind of answer each takes, conditions, and the
//! typed action that runs on completion. `load` reads them and `check` checks each; `engine` steps a
//! chat through them, one message at a time (`turn`): `state` is where a chat stands and how
//! it moves, `commands` the commands, `answer` and `choice` read what the user said, and
//! `render` draws the replies. `setup` builds the engine from the settings.

pub mod actions;
mod answer;
mod arrival;
mod check;
mod choice;
mod commands;
pub mod ctx;
pub mod engine;
mod error;
mod identity;
pub mod load;
mod offer;
mod render;
pub mod setup;
pub mod sources;
mod state;
mod turn;

use std::collections::HashMap;

use crate::text::Localized;

/// Commands that work everywhere, in Vietnamese and English (compared folded).
pub const BUILTIN_COMMANDS: &[&str] = &[
    "/start", "/menu", "/huy", "/cancel", "/quaylai", "/back", "/trogiup", "/help", "/lang",
    "/ngonngu", "/boqua", "/skip",
];

/// What runs when a dialogue completes; `actions` says what each takes and does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RegisterHousehold,
    ReviewHousehold,
    MyHouseholds,
    CreateGroup,
    JoinGroup,
    AddMember,
    ShowGroup,
    LeaveGroup,
    RequestEstablishment,
    DecideGroup,
    SubmitProposal,
    ReviseProposal,
    ActOnProposal,
    ShowProposal,
    OfficerQueue,
    DigestNow,
    DigestTime,
    AddDeadline,
    ListDeadlines,
    FinishDeadline,
    Report,
    RecordRecognition,
    ShowPhone,
    LinkAccounts,
    RenewJoinCode,
    SetName,
    AuditLog,
    Invite,
    ShowStaff,
    RevokeRole,
    ChooseLeader,
    AddDisabledPerson,
    /// The upper level's list of what the province's communes forwarded to it.
    UpperQueue,
    /// The upper level's answer to a forwarded proposal.
    UpperDecide,
    MovePerson,
    /// The upper level's workbook across the province's communes.
    ProvinceReport,
}

/// The kind of answer a step takes, which decides how the text is parsed and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Name,
    Phone,
    Cccd,
    Date,
    Number,
    Choice,
    YesNo,
    /// An amount of money: "150 triệu", "150tr", "150.000.000".
    Money,
    /// A photo or a document (a file; typed text is refused).
    Document,
    /// Any day, past or future (a deadline).
    Day,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "text" => Kind::Text,
            "name" => Kind::Name,
            "phone" => Kind::Phone,
            "cccd" => Kind::Cccd,
            "date" => Kind::Date,
            "number" => Kind::Number,
            "choice" => Kind::Choice,
            "yesno" => Kind::YesNo,
            "money" => Kind::Money,
            "document" => Kind::Document,
            "day" => Kind::Day,
            _ => return None,
        })
    }
}

/// Where a choice step gets its options when they are not written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The hamlets of the user's commune.
    Hamlets,
    /// The hamlets the user acts in: those they head, or every hamlet of the commune for
    /// someone who heads none.
    WorkHamlets,
    /// Registrations waiting for the user's review.
    PendingHouseholds,
    /// Households the user registered (not rejected).
    MyHouseholds,
    /// Households of the hamlet(s) the user heads (not rejected).
    HamletHouseholds,
    /// Households the user may look up: of the hamlets they head, every hamlet for officers
    /// (not rejected).
    CommuneHouseholds,
    /// Forming groups the user leads (as their creator or its chosen leader's account), or
    /// (hamlet heads) of the user's hamlet.
    ManagedFormingGroups,
    /// Forming groups the user leads.
    MyFormingGroups,
    /// Forming groups whose members' recognition the user records: those they created or
    /// (hamlet heads) of their hamlet, and every forming group of the commune for the
    /// Farmers' Association's representative.
    RecognisableGroups,
    /// Established groups the user leads.
    MyEstablishedGroups,
    /// Groups whose choice of leader the user records, whatever their status: those they
    /// created, and (hamlet heads) those of their hamlet.
    ManagedGroups,
    /// The confirmed member households of the group chosen in the step before: who may be
    /// its leader.
    LeaderCandidates,
    /// Groups the user leads or has a household in; every group, for officers.
    VisibleGroups,
    /// Groups waiting for the committee's decision (officers).
    RequestedGroups,
    /// The user's households in forming groups, as "group:household".
    MyMemberships,
    /// Proposals waiting for the commune, then those waiting for the upper level's answer
    /// (officers).
    OpenProposals,
    /// Every proposal of the commune for officers; one's own for others.
    VisibleProposals,
    /// The user's proposals sent back for revision.
    ReturnedProposals,
    /// The commune's deadlines not done yet.
    OpenDeadlines,
    /// What an officer may do with the proposal chosen in the step before.
    ProposalSteps,
    /// The members of the group chosen in the step before.
    GroupMembers,
    /// What a person can change about their linked accounts: unlink one of the others,
    /// choose where notices go.
    LinkedAccounts,
    /// The roles others hold in the commune and the invites not taken yet: what the user
    /// may revoke.
    StaffRoles,
    /// The households of the hamlet chosen in the step before (or of the user's only
    /// hamlet), and "none of them".
    HamletHomes,
    /// The proposals the communes of the user's province forwarded to the upper level and
    /// wait to hear about (the upper level).
    ForwardedToUpper,
    /// The commune's people who have nothing in it yet (no household, group, proposal or
    /// role), newest first: who may be moved to another commune.
    Newcomers,
    /// The database's other real communes.
    OtherCommunes,
}

impl Source {
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s {
            "hamlets" => Source::Hamlets,
            "work_hamlets" => Source::WorkHamlets,
            "pending_households" => Source::PendingHouseholds,
            "my_households" => Source::MyHouseholds,
            "hamlet_households" => Source::HamletHouseholds,
            "commune_households" => Source::CommuneHouseholds,
            "managed_forming_groups" => Source::ManagedFormingGroups,
            "my_forming_groups" => Source::MyFormingGroups,
            "recognisable_groups" => Source::RecognisableGroups,
            "my_established_groups" => Source::MyEstablishedGroups,
            "managed_groups" => Source::ManagedGroups,
            "leader_candidates" => Source::LeaderCandidates,
            "visible_groups" => Source::VisibleGroups,
            "requested_groups" => Source::RequestedGroups,
            "my_memberships" => Source::MyMemberships,
            "open_proposals" => Source::OpenProposals,
            "visible_proposals" => Source::VisibleProposals,
            "returned_proposals" => Source::ReturnedProposals,
            "open_deadlines" => Source::OpenDeadlines,
            "proposal_steps" => Source::ProposalSteps,
            "group_members" => Source::GroupMembers,
            "linked_accounts" => Source::LinkedAccounts,
            "staff_roles" => Source::StaffRoles,
            "hamlet_homes" => Source::HamletHomes,
            "forwarded_to_upper" => Source::ForwardedToUpper,
            "newcomers" => Source::Newcomers,
            "other_communes" => Source::OtherCommunes,
            _ => return None,
        })
    }

    /// Whether its options are records (a group, a household, a hamlet) rather than things to
    /// do: one record alone is taken for the person, a single thing to do is still asked.
    pub fn lists_records(self) -> bool {
        !matches!(
            self,
            Source::ProposalSteps | Source::LinkedAccounts | Source::OtherCommunes
        )
    }

    /// The values a source can give, when they are a fixed set (so a `when` can name them).
    pub fn fixed_values(self) -> Option<Vec<&'static str>> {
        match self {
            Source::ProposalSteps => Some(
                crate::domain::ProposalStep::ALL
                    .iter()
                    .map(|s| s.code())
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// A rule with a legal source checked on an answer, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The escape from poverty was recognised within the commune's window (36 months).
    EscapeWindow,
    /// The code of a group of the commune that is still forming.
    JoinCode,
    /// A time of day: "7:00", "6h30".
    TimeOfDay,
    /// A year that has come: a recognition cannot be from next year.
    PastYear,
}

impl Check {
    pub fn parse(s: &str) -> Option<Check> {
        match s {
            "escape_window" => Some(Check::EscapeWindow),
            "join_code" => Some(Check::JoinCode),
            "time_of_day" => Some(Check::TimeOfDay),
            "past_year" => Some(Check::PastYear),
            _ => None,
        }
    }
    pub fn kind(self) -> Kind {
        match self {
            Check::EscapeWindow => Kind::Date,
            Check::JoinCode | Check::TimeOfDay => Kind::Text,
            Check::PastYear => Kind::Number,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OptionSpec {
    pub value: String,
    pub label: Localized,
    /// Extra words that pick this option, compared folded.
    pub aliases: Vec<String>,
    /// Offered only to holders of one of these roles (empty: everyone): a value chain only
    /// to a business. The action checks again; this spares the others the questions.
    pub roles: Vec<crate::domain::Role>,
}

/// `key == a|b` (one of) or `key != a|b` (none of); all conditions of a step must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub key: CondKey,
    pub equal: bool,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CondKey {
    /// The user holds the role named by the value.
    Role,
    /// How many hamlets the user heads: `none`, `one` or `several`.
    Hamlets,
    /// The answer to an earlier step.
    Step(String),
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub kind: Kind,
    pub ask: Localized,
    /// Short name in the summary.
    pub label: Localized,
    pub help: Option<Localized>,
    pub optional: bool,
    pub when: Vec<Cond>,
    pub options: Vec<OptionSpec>,
    pub source: Option<Source>,
    /// Shown when a source has no options; the dialogue then ends.
    pub empty: Option<Localized>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub check: Option<Check>,
    /// For money: not more than the answer to this earlier step ("support ≤ total cost").
    pub at_most: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Dialogue {
    pub id: String,
    pub file: String,
    pub title: Localized,
    /// Folded commands that start it, "/dangky".
    pub commands: Vec<String>,
    /// Roles that may start it; empty means everyone.
    pub roles: Vec<crate::domain::Role>,
    pub action: Action,
    /// Show a summary to confirm (and change) before the action runs.
    pub confirm: bool,
    pub steps: Vec<Step>,
}

impl Dialogue {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// Every dialogue, checked, by id and by command.
#[derive(Debug, Clone, Default)]
pub struct Dialogues {
    pub list: Vec<Dialogue>,
    by_command: HashMap<String, usize>,
}

impl Dialogues {
    pub fn new(list: Vec<Dialogue>) -> Dialogues {
        let mut by_command = HashMap::new();
        for (i, d) in list.iter().enumerate() {
            for c in &d.commands {
                by_command.insert(c.clone(), i);
            }
        }
        Dialogues { list, by_command }
    }

    pub fn get(&self, id: &str) -> Option<&Dialogue> {
        self.list.iter().find(|d| d.id == id)
    }

    pub fn by_command(&self, folded: &str) -> Option<&Dialogue> {
        self.by_command.get(folded).map(|&i| &self.list[i])
    }
}
