//! Project proposals (dự án, phương án) and the path they travel through the commune.

use serde::{Deserialize, Serialize};

use super::codes::codes;

codes! {
    /// The three kinds of support that take proposals, from the letter.
    #[derive(Serialize, Deserialize)]
    pub enum ProposalKind {
        /// Project 2, community production: proposed by an established community group.
        #[serde(rename = "p2_community")]
        P2Community => "p2_community",
        /// Project 3 sub-project 1, agricultural production: an established group.
        #[serde(rename = "p3_agri")]
        P3Agri => "p3_agri",
        /// Project 2, value-chain linkage: a lead business or cooperative with partners.
        #[serde(rename = "p2_chain")]
        P2Chain => "p2_chain",
    }
}

impl ProposalKind {
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

codes! {
    /// Where a proposal stands on its path through the commune.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProposalStatus {
        Submitted => "submitted",
        UnderAppraisal => "under_appraisal",
        Returned => "returned",
        Rejected => "rejected",
        /// Sent to the upper level: waits for its answer, no longer for the commune.
        Forwarded => "forwarded",
        Approved => "approved",
        /// The upper level did not approve it.
        NotApproved => "not_approved",
        InProgress => "in_progress",
        Finished => "finished",
    }
}

codes! {
    /// What an officer does to a proposal.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProposalStep {
        Appraise => "appraise",
        Forward => "forward",
        Return => "return",
        Reject => "reject",
        /// The upper level approved it (its decision is recorded).
        Approve => "approve",
        /// The upper level did not approve it (its reason is recorded).
        Decline => "decline",
        Start => "start",
        Finish => "finish",
    }
}

impl ProposalStatus {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Submitted => "pstatus-submitted",
            Self::UnderAppraisal => "pstatus-under-appraisal",
            Self::Returned => "pstatus-returned",
            Self::Rejected => "pstatus-rejected",
            Self::Forwarded => "pstatus-forwarded",
            Self::Approved => "pstatus-approved",
            Self::NotApproved => "pstatus-not-approved",
            Self::InProgress => "pstatus-in-progress",
            Self::Finished => "pstatus-finished",
        }
    }
    /// Waiting for somebody at the commune to act. A forwarded proposal waits for the upper
    /// level instead.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Self::Returned | Self::Rejected | Self::Finished | Self::Forwarded | Self::NotApproved
        )
    }

    /// Went up to the upper level: forwarded, and whatever became of it after. What the
    /// upper level may open.
    pub fn went_up(self) -> bool {
        matches!(
            self,
            Self::Forwarded
                | Self::Approved
                | Self::NotApproved
                | Self::InProgress
                | Self::Finished
        )
    }

    /// The lifecycle in the letter: submitted → appraised → forwarded to the competent level
    /// → approved (or not) → carried out. Returned proposals come back as submitted. Once
    /// forwarded, the answer is the upper level's: the commune records it, and can no longer
    /// send the proposal back or reject it itself.
    pub fn after(self, step: ProposalStep) -> Option<ProposalStatus> {
        use ProposalStatus as S;
        use ProposalStep as P;
        Some(match (self, step) {
            (S::Submitted, P::Appraise) => S::UnderAppraisal,
            (S::Submitted | S::UnderAppraisal, P::Return) => S::Returned,
            (S::Submitted | S::UnderAppraisal, P::Reject) => S::Rejected,
            (S::UnderAppraisal, P::Forward) => S::Forwarded,
            (S::Forwarded, P::Approve) => S::Approved,
            (S::Forwarded, P::Decline) => S::NotApproved,
            (S::Approved, P::Start) => S::InProgress,
            (S::InProgress, P::Finish) => S::Finished,
            _ => return None,
        })
    }
}

impl ProposalStep {
    /// Catalogue message id of the step's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Appraise => "pstep-appraise",
            Self::Forward => "pstep-forward",
            Self::Return => "pstep-return",
            Self::Reject => "pstep-reject",
            Self::Approve => "pstep-approve",
            Self::Decline => "pstep-decline",
            Self::Start => "pstep-start",
            Self::Finish => "pstep-finish",
        }
    }

    /// Sending back and rejecting need a reason the submitter can act on, and so does the
    /// upper level's refusal.
    pub fn needs_comment(self) -> bool {
        matches!(self, Self::Return | Self::Reject | Self::Decline)
    }

    /// Approval records the upper level's decision: its number, date and the support granted.
    pub fn needs_decision(self) -> bool {
        self == Self::Approve
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

    #[test]
    fn a_forwarded_proposal_waits_for_the_upper_level_only() {
        assert!(!S::Forwarded.is_open(), "out of the commune's queue");
        let steps: Vec<P> = P::ALL
            .into_iter()
            .filter(|p| S::Forwarded.after(*p).is_some())
            .collect();
        assert_eq!(steps, [P::Approve, P::Decline]);
        assert_eq!(S::Forwarded.after(P::Decline), Some(S::NotApproved));
        assert!(!S::NotApproved.is_open());
        assert_eq!(S::NotApproved.after(P::Approve), None);
    }
}
