//! Project proposals (dự án, phương án) and the path they travel through the commune.

use serde::{Deserialize, Serialize};

/// The three kinds of support that take proposals, from the letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalKind {
    /// Project 2, community production: proposed by an established community group.
    #[serde(rename = "p2_community")]
    P2Community,
    /// Project 3 sub-project 1, agricultural production: an established group.
    #[serde(rename = "p3_agri")]
    P3Agri,
    /// Project 2, value-chain linkage: a lead business or cooperative with partners.
    #[serde(rename = "p2_chain")]
    P2Chain,
}

impl ProposalKind {
    pub fn code(self) -> &'static str {
        match self {
            ProposalKind::P2Community => "p2_community",
            ProposalKind::P3Agri => "p3_agri",
            ProposalKind::P2Chain => "p2_chain",
        }
    }
    pub fn from_code(s: &str) -> Option<ProposalKind> {
        [Self::P2Community, Self::P3Agri, Self::P2Chain]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn message_id(self) -> &'static str {
        match self {
            ProposalKind::P2Community => "kind-p2-community",
            ProposalKind::P3Agri => "kind-p3-agri",
            ProposalKind::P2Chain => "kind-p2-chain",
        }
    }
    /// Value chains need the linkage contract or cooperation minutes (domain.md).
    pub fn needs_contract(self) -> bool {
        self == ProposalKind::P2Chain
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Submitted,
    UnderAppraisal,
    Returned,
    Rejected,
    Forwarded,
    Approved,
    InProgress,
    Finished,
}

/// What an officer does to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStep {
    Appraise,
    Forward,
    Return,
    Reject,
    Approve,
    Start,
    Finish,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 8] = [
        Self::Submitted,
        Self::UnderAppraisal,
        Self::Returned,
        Self::Rejected,
        Self::Forwarded,
        Self::Approved,
        Self::InProgress,
        Self::Finished,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::UnderAppraisal => "under_appraisal",
            Self::Returned => "returned",
            Self::Rejected => "rejected",
            Self::Forwarded => "forwarded",
            Self::Approved => "approved",
            Self::InProgress => "in_progress",
            Self::Finished => "finished",
        }
    }
    pub fn from_code(s: &str) -> Option<ProposalStatus> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Submitted => "pstatus-submitted",
            Self::UnderAppraisal => "pstatus-under-appraisal",
            Self::Returned => "pstatus-returned",
            Self::Rejected => "pstatus-rejected",
            Self::Forwarded => "pstatus-forwarded",
            Self::Approved => "pstatus-approved",
            Self::InProgress => "pstatus-in-progress",
            Self::Finished => "pstatus-finished",
        }
    }
    /// Waiting for somebody at the commune to act.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Returned | Self::Rejected | Self::Finished)
    }

    /// The lifecycle in the letter: submitted → appraised → forwarded to the competent level
    /// → approved (or not) → carried out. Returned proposals come back as submitted.
    pub fn after(self, step: ProposalStep) -> Option<ProposalStatus> {
        use ProposalStatus as S;
        use ProposalStep as P;
        Some(match (self, step) {
            (S::Submitted, P::Appraise) => S::UnderAppraisal,
            (S::Submitted | S::UnderAppraisal, P::Return) => S::Returned,
            (S::Submitted | S::UnderAppraisal | S::Forwarded, P::Reject) => S::Rejected,
            (S::UnderAppraisal, P::Forward) => S::Forwarded,
            (S::Forwarded, P::Approve) => S::Approved,
            (S::Approved, P::Start) => S::InProgress,
            (S::InProgress, P::Finish) => S::Finished,
            _ => return None,
        })
    }
}

impl ProposalStep {
    pub const ALL: [ProposalStep; 7] = [
        Self::Appraise,
        Self::Forward,
        Self::Return,
        Self::Reject,
        Self::Approve,
        Self::Start,
        Self::Finish,
    ];

    /// Catalogue message id of the step's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Appraise => "pstep-appraise",
            Self::Forward => "pstep-forward",
            Self::Return => "pstep-return",
            Self::Reject => "pstep-reject",
            Self::Approve => "pstep-approve",
            Self::Start => "pstep-start",
            Self::Finish => "pstep-finish",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Appraise => "appraise",
            Self::Forward => "forward",
            Self::Return => "return",
            Self::Reject => "reject",
            Self::Approve => "approve",
            Self::Start => "start",
            Self::Finish => "finish",
        }
    }
    pub fn from_code(s: &str) -> Option<ProposalStep> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    /// Sending back and rejecting need a reason the submitter can act on.
    pub fn needs_comment(self) -> bool {
        matches!(self, Self::Return | Self::Reject)
    }
}

#[cfg(test)]
mod tests {
    use super::ProposalStatus as S;
    use super::ProposalStep as P;

    #[test]
    fn the_lifecycle_of_the_letter() {
        let mut s = S::Submitted;
        for (step, next) in [
            (P::Appraise, S::UnderAppraisal),
            (P::Forward, S::Forwarded),
            (P::Approve, S::Approved),
            (P::Start, S::InProgress),
            (P::Finish, S::Finished),
        ] {
            s = s.after(step).unwrap();
            assert_eq!(s, next);
        }
        assert_eq!(
            S::Submitted.after(P::Approve),
            None,
            "no skipping the appraisal"
        );
        assert_eq!(S::UnderAppraisal.after(P::Return), Some(S::Returned));
        assert_eq!(S::Finished.after(P::Reject), None);
        assert!(!S::Returned.is_open());
    }
}
