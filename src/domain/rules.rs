//! A commune's program rules. Rules with a legal source are data, with the letter's values as
//! defaults, so a commune whose province decided otherwise changes a setting, not the code.

use serde::{Deserialize, Serialize};

use super::groups::GroupRules;
use super::household::EscapeWindow;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommuneRules {
    /// Months a household newly escaped from poverty still counts (the letter: 36).
    pub escape_window_months: Option<u32>,
    /// When a community group is ready to be established.
    pub groups: GroupRules,
}

impl CommuneRules {
    /// Reads the rules stored with a commune; a damaged value falls back to the defaults
    /// rather than stopping every conversation of the commune.
    pub fn from_json(s: &str) -> CommuneRules {
        serde_json::from_str(s).unwrap_or_else(|e| {
            tracing::error!(error = %e, "commune rules unreadable, using defaults");
            CommuneRules::default()
        })
    }

    pub fn escape_window(&self) -> EscapeWindow {
        self.escape_window_months
            .map(|months| EscapeWindow { months })
            .unwrap_or_default()
    }
}
