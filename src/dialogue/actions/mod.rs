//! What runs when a dialogue completes. Each action takes the collected answers as a typed
//! struct, applies the program's rules and permissions, and writes through the store. The
//! field lists let the loader refuse a dialogue file whose answers an action cannot take.

pub mod commune;
pub(crate) mod disabled;
pub mod groups;
pub mod households;
pub mod invites;
mod leaders;
pub mod links;
pub(crate) mod members;
pub mod officer;
mod outcome;
mod person;
pub mod proposals;
pub(crate) mod tries;
pub(crate) mod upper;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::ctx::Ctx;
use super::{Action, Kind};
use crate::domain::Capability;
use crate::store::Tx;

pub use outcome::{AccountNotice, Notice, Outcome, Then};

/// One answer an action takes.
#[derive(Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// The step must always be asked and may not be skipped.
    pub required: bool,
    /// For choices with options written in the file: the values the action understands.
    pub values: Option<&'static [&'static str]>,
}

const fn field(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
        values: None,
    }
}

const fn choice(name: &'static str, required: bool, values: &'static [&'static str]) -> Field {
    Field {
        name,
        kind: Kind::Choice,
        required,
        values: Some(values),
    }
}

const REGISTER_FIELDS: &[Field] = &[
    field("head_name", Kind::Name, true),
    field("hamlet", Kind::Choice, false),
    field("address", Kind::Text, true),
    field("phone", Kind::Phone, true),
    field("members", Kind::Number, true),
    choice(
        "category",
        true,
        &["poor", "near_poor", "newly_escaped", "other"],
    ),
    field("escaped_on", Kind::Date, false),
    field("escape_decision", Kind::Text, false),
    field("cccd", Kind::Cccd, false),
];

const REVIEW_FIELDS: &[Field] = &[
    field("household", Kind::Choice, true),
    choice("decision", true, &["confirm", "reject"]),
    field("reason", Kind::Text, false),
];

const ORGS: &[&str] = &[
    "hoi_nong_dan",
    "hoi_phu_nu",
    "doan_thanh_nien",
    "hoi_cuu_chien_binh",
    "none",
];
const LEVELS: &[&str] = &["none", "commune", "district", "province", "central"];

const CREATE_GROUP_FIELDS: &[Field] = &[
    field("name", Kind::Text, true),
    field("hamlet", Kind::Choice, false),
    choice("org", true, ORGS),
    field("product", Kind::Text, true),
    choice("scope", false, &["hamlet", "commune"]),
];

/// How a member household's producer is recognised: asked on joining and on adding.
const MEMBER_FIELDS_TAIL: [Field; 3] = [
    choice("recognised", true, LEVELS),
    field("year", Kind::Number, false),
    field("experienced", Kind::YesNo, false),
];

const JOIN_FIELDS: &[Field] = &[
    field("code", Kind::Text, true),
    field("household", Kind::Choice, true),
    MEMBER_FIELDS_TAIL[0],
    MEMBER_FIELDS_TAIL[1],
    MEMBER_FIELDS_TAIL[2],
];

const ADD_MEMBER_FIELDS: &[Field] = &[
    field("group", Kind::Choice, true),
    field("household", Kind::Choice, true),
    MEMBER_FIELDS_TAIL[0],
    MEMBER_FIELDS_TAIL[1],
    MEMBER_FIELDS_TAIL[2],
];

const HOUSEHOLD_ONLY: &[Field] = &[field("household", Kind::Choice, true)];
const GROUP_ONLY: &[Field] = &[field("group", Kind::Choice, true)];
const MEMBERSHIP_ONLY: &[Field] = &[field("membership", Kind::Choice, true)];
const PROPOSAL_ONLY: &[Field] = &[field("proposal", Kind::Choice, true)];

const DECIDE_GROUP_FIELDS: &[Field] = &[
    field("group", Kind::Choice, true),
    choice("decision", true, &["establish", "return"]),
    field("decision_no", Kind::Text, false),
    field("decision_date", Kind::Date, false),
    field("reason", Kind::Text, false),
];

const SUBMIT_FIELDS: &[Field] = &[
    choice("kind", true, &["p2_community", "p3_agri", "p2_chain"]),
    field("group", Kind::Choice, false),
    field("partners", Kind::Text, false),
    field("title", Kind::Text, true),
    field("product_place", Kind::Text, true),
    field("households", Kind::Number, true),
    field("duration", Kind::Number, true),
    field("total_cost", Kind::Money, true),
    field("support", Kind::Money, true),
    field("own_contribution", Kind::Money, true),
    field("jobs", Kind::Number, true),
    field("income", Kind::Text, true),
    field("rotation", Kind::Text, false),
    field("training", Kind::Text, false),
    field("minutes", Kind::Document, true),
    field("contract", Kind::Document, false),
];

const TIME_FIELDS: &[Field] = &[
    field("time", Kind::Text, true),
    field("quiet", Kind::YesNo, true),
];
const DEADLINE_FIELDS: &[Field] = &[
    field("title", Kind::Text, true),
    field("due_on", Kind::Day, true),
];
const DEADLINE_ONLY: &[Field] = &[field("deadline", Kind::Choice, true)];
const LINK_FIELDS: &[Field] = &[field("change", Kind::Choice, true)];
const NAME_FIELDS: &[Field] = &[field("name", Kind::Name, true)];
const INVITE_FIELDS: &[Field] = &[
    choice(
        "for_role",
        true,
        &[
            "hamlet_head",
            "culture_officer",
            "agri_officer",
            "leader",
            "org_rep",
            "business_rep",
        ],
    ),
    field("hamlet", Kind::Choice, false),
    field("org", Kind::Text, false),
];
const LEADER_FIELDS: &[Field] = &[
    field("group", Kind::Choice, true),
    field("household", Kind::Choice, true),
];
const REVOKE_FIELDS: &[Field] = &[
    field("target", Kind::Choice, true),
    field("sure", Kind::YesNo, true),
];

const MOVE_FIELDS: &[Field] = &[
    field("person", Kind::Choice, true),
    field("to", Kind::Choice, true),
    field("sure", Kind::YesNo, true),
];

const DISABLED_FIELDS: &[Field] = &[
    field("hamlet", Kind::Choice, false),
    field("household", Kind::Choice, true),
    field("name", Kind::Name, true),
    field("birth_year", Kind::Number, true),
];

/// The upper level answers only: approved (its decision) or not (its reason).
const UPPER_DECIDE_FIELDS: &[Field] = &[
    field("proposal", Kind::Choice, true),
    choice("step", true, &["approve", "decline"]),
    field("comment", Kind::Text, false),
    field("decision_no", Kind::Text, false),
    field("decision_date", Kind::Date, false),
    field("amount", Kind::Money, false),
];

const ACT_FIELDS: &[Field] = &[
    field("proposal", Kind::Choice, true),
    choice(
        "step",
        true,
        &[
            "appraise", "forward", "return", "reject", "approve", "decline", "start", "finish",
        ],
    ),
    field("comment", Kind::Text, false),
    field("decision_no", Kind::Text, false),
    field("decision_date", Kind::Date, false),
    field("amount", Kind::Money, false),
];

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "register_household" => Action::RegisterHousehold,
            "review_household" => Action::ReviewHousehold,
            "my_households" => Action::MyHouseholds,
            "create_group" => Action::CreateGroup,
            "join_group" => Action::JoinGroup,
            "add_member" => Action::AddMember,
            "show_group" => Action::ShowGroup,
            "leave_group" => Action::LeaveGroup,
            "request_establishment" => Action::RequestEstablishment,
            "decide_group" => Action::DecideGroup,
            "submit_proposal" => Action::SubmitProposal,
            "revise_proposal" => Action::ReviseProposal,
            "act_on_proposal" => Action::ActOnProposal,
            "show_proposal" => Action::ShowProposal,
            "officer_queue" => Action::OfficerQueue,
            "digest_now" => Action::DigestNow,
            "digest_time" => Action::DigestTime,
            "add_deadline" => Action::AddDeadline,
            "list_deadlines" => Action::ListDeadlines,
            "finish_deadline" => Action::FinishDeadline,
            "report" => Action::Report,
            "record_recognition" => Action::RecordRecognition,
            "show_phone" => Action::ShowPhone,
            "link_accounts" => Action::LinkAccounts,
            "renew_join_code" => Action::RenewJoinCode,
            "set_name" => Action::SetName,
            "audit_log" => Action::AuditLog,
            "invite" => Action::Invite,
            "show_staff" => Action::ShowStaff,
            "revoke_role" => Action::RevokeRole,
            "choose_leader" => Action::ChooseLeader,
            "add_disabled_person" => Action::AddDisabledPerson,
            "upper_queue" => Action::UpperQueue,
            "upper_decide" => Action::UpperDecide,
            "move_person" => Action::MovePerson,
            "province_report" => Action::ProvinceReport,
            _ => return None,
        })
    }

    /// What a person must be allowed to do for this action to run, whatever the dialogue
    /// file says: its `roles` may only narrow this.
    pub fn capability(self) -> Capability {
        use Capability as C;
        match self {
            Action::RegisterHousehold => C::RegisterHousehold,
            Action::ReviewHousehold => C::ReviewHouseholds,
            Action::MyHouseholds => C::SeeOwnHouseholds,
            Action::ShowPhone => C::SeeFullPhone,
            Action::CreateGroup => C::CreateGroup,
            Action::JoinGroup => C::JoinGroup,
            Action::AddMember => C::AddMember,
            Action::ShowGroup => C::SeeGroup,
            Action::LeaveGroup => C::LeaveGroup,
            Action::RequestEstablishment => C::RequestEstablishment,
            Action::DecideGroup => C::DecideGroup,
            Action::SubmitProposal | Action::ReviseProposal => C::SubmitProposal,
            Action::ActOnProposal => C::ActOnProposal,
            Action::ShowProposal => C::SeeProposal,
            Action::OfficerQueue => C::SeeQueue,
            Action::DigestNow | Action::DigestTime => C::ReceiveDigest,
            Action::AddDeadline | Action::ListDeadlines | Action::FinishDeadline => {
                C::ManageDeadlines
            }
            Action::Report => C::SeeReport,
            Action::RecordRecognition => C::RecordRecognition,
            Action::LinkAccounts => C::LinkAccounts,
            Action::RenewJoinCode => C::RenewJoinCode,
            Action::SetName => C::SetOwnName,
            Action::AuditLog => C::SeeAudit,
            Action::Invite => C::Invite,
            Action::ShowStaff => C::SeeStaff,
            Action::RevokeRole => C::RevokeRole,
            Action::ChooseLeader => C::ChooseLeader,
            Action::AddDisabledPerson => C::RecordDisabledPerson,
            Action::UpperQueue => C::SeeForwarded,
            Action::ProvinceReport => C::SeeProvinceReport,
            Action::UpperDecide => C::RecordUpperDecision,
            Action::MovePerson => C::MovePerson,
        }
    }

    /// Whether menus, help and the platforms' command lists show it. Moving a person to
    /// another commune is rare and means something only where the database holds several:
    /// an officer's help names it under the commune's code instead, and it works when typed.
    pub fn listed(self) -> bool {
        self != Action::MovePerson
    }

    /// Whether running it changes records. A list with one option is not asked (its option
    /// is taken), unless taking it would run such an action at once: choosing was then the
    /// person's go-ahead (`/roinhom` with one membership still asks which).
    pub fn writes(self) -> bool {
        !matches!(
            self,
            Action::MyHouseholds
                | Action::ShowGroup
                | Action::ShowProposal
                | Action::ShowPhone
                | Action::OfficerQueue
                | Action::ListDeadlines
                | Action::AuditLog
                | Action::ShowStaff
                | Action::DigestNow
                | Action::Report
                | Action::UpperQueue
                | Action::ProvinceReport
                // It hands over to the proposal's summary, where nothing is saved unasked.
                | Action::ReviseProposal
        )
    }

    pub fn fields(self) -> &'static [Field] {
        match self {
            Action::RegisterHousehold => REGISTER_FIELDS,
            Action::ReviewHousehold => REVIEW_FIELDS,
            Action::MyHouseholds
            | Action::OfficerQueue
            | Action::DigestNow
            | Action::ListDeadlines
            | Action::Report
            | Action::AuditLog
            | Action::ShowStaff
            | Action::UpperQueue
            | Action::ProvinceReport => &[],
            Action::DigestTime => TIME_FIELDS,
            Action::AddDeadline => DEADLINE_FIELDS,
            Action::FinishDeadline => DEADLINE_ONLY,
            Action::RecordRecognition => ADD_MEMBER_FIELDS,
            Action::ShowPhone => HOUSEHOLD_ONLY,
            Action::CreateGroup => CREATE_GROUP_FIELDS,
            Action::JoinGroup => JOIN_FIELDS,
            Action::AddMember => ADD_MEMBER_FIELDS,
            Action::ShowGroup | Action::RequestEstablishment | Action::RenewJoinCode => GROUP_ONLY,
            Action::LeaveGroup => MEMBERSHIP_ONLY,
            Action::DecideGroup => DECIDE_GROUP_FIELDS,
            Action::SubmitProposal => SUBMIT_FIELDS,
            Action::ReviseProposal | Action::ShowProposal => PROPOSAL_ONLY,
            Action::ActOnProposal => ACT_FIELDS,
            Action::LinkAccounts => LINK_FIELDS,
            Action::SetName => NAME_FIELDS,
            Action::Invite => INVITE_FIELDS,
            Action::RevokeRole => REVOKE_FIELDS,
            Action::ChooseLeader => LEADER_FIELDS,
            Action::AddDisabledPerson => DISABLED_FIELDS,
            Action::UpperDecide => UPPER_DECIDE_FIELDS,
            Action::MovePerson => MOVE_FIELDS,
        }
    }

    pub async fn run(
        self,
        ctx: &Ctx<'_>,
        tx: &mut Tx,
        answers: &Map<String, Value>,
    ) -> anyhow::Result<Outcome> {
        use self::groups as g;
        use self::households as h;
        use self::members as m;
        use self::officer as o;
        use self::proposals as p;
        // The one check every action passes, whoever edited the dialogue files.
        if !ctx.can(self.capability()) {
            return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
        }
        match self {
            Action::RegisterHousehold => h::register(ctx, tx, typed(answers)?).await,
            Action::ReviewHousehold => h::review(ctx, tx, typed(answers)?).await,
            Action::MyHouseholds => h::my_households(ctx, tx).await,
            Action::CreateGroup => g::create(ctx, tx, typed(answers)?).await,
            Action::JoinGroup => m::join(ctx, tx, typed(answers)?).await,
            Action::AddMember => m::add_member(ctx, tx, typed(answers)?).await,
            Action::ShowGroup => g::show(ctx, tx, typed(answers)?).await,
            Action::LeaveGroup => m::leave(ctx, tx, typed(answers)?).await,
            Action::RequestEstablishment => g::request(ctx, tx, typed(answers)?).await,
            Action::DecideGroup => g::decide(ctx, tx, typed(answers)?).await,
            Action::SubmitProposal => p::submit(ctx, tx, answers, typed(answers)?).await,
            Action::ReviseProposal => p::revise(ctx, tx, typed(answers)?).await,
            Action::ActOnProposal => p::act(ctx, tx, typed(answers)?).await,
            Action::ShowProposal => p::show(ctx, tx, typed(answers)?).await,
            Action::OfficerQueue => p::queue(ctx, tx).await,
            Action::DigestNow => o::digest_now(ctx, tx).await,
            Action::DigestTime => o::set_time(ctx, tx, typed(answers)?).await,
            Action::AddDeadline => o::add_deadline(ctx, tx, typed(answers)?).await,
            Action::ListDeadlines => o::list_deadlines(ctx, tx).await,
            Action::FinishDeadline => o::finish_deadline(ctx, tx, typed(answers)?).await,
            Action::Report => o::report(ctx, tx).await,
            Action::RecordRecognition => m::record(ctx, tx, typed(answers)?).await,
            Action::ShowPhone => h::show_phone(ctx, tx, typed(answers)?).await,
            Action::LinkAccounts => self::links::change(ctx, tx, typed(answers)?).await,
            Action::RenewJoinCode => g::renew_code(ctx, tx, typed(answers)?).await,
            Action::SetName => self::person::set_name(ctx, tx, typed(answers)?).await,
            Action::AuditLog => o::audit_log(ctx, tx).await,
            Action::Invite => self::invites::issue(ctx, tx, typed(answers)?).await,
            Action::ShowStaff => self::invites::staff(ctx, tx).await,
            Action::RevokeRole => self::invites::revoke(ctx, tx, typed(answers)?).await,
            Action::ChooseLeader => self::leaders::choose(ctx, tx, typed(answers)?).await,
            Action::AddDisabledPerson => disabled::add(ctx, tx, typed(answers)?).await,
            Action::UpperQueue => upper::queue(ctx, tx).await,
            Action::ProvinceReport => upper::report(ctx, tx).await,
            Action::UpperDecide => upper::decide(ctx, tx, typed(answers)?).await,
            Action::MovePerson => commune::chat_move(ctx, tx, typed(answers)?).await,
        }
    }
}

/// The answers as the action's input type. Answers were parsed step by step already, so a
/// failure here means a dialogue file and an action disagree: a bug, reported as one.
fn typed<T: for<'de> Deserialize<'de>>(answers: &Map<String, Value>) -> anyhow::Result<T> {
    let answers: Map<String, Value> = answers
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::from_value(Value::Object(answers))
        .map_err(|e| anyhow::anyhow!("answers do not fit the action: {e}"))
}
