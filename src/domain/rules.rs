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
    /// The commune's own words for its hamlets and for the level above it.
    pub words: CommuneWords,
}

/// Words that differ between communes. Vietnamese calls a hamlet xóm, thôn, bản, ấp or tổ dân
/// phố depending on the region, and since the 2025 reform the level a commune reports to and
/// forwards proposals to may be a province or a city (before it, often a district): neither
/// can be fixed in the messages. English keeps "hamlet" and "the upper level".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommuneWords {
    /// Lower-case word for a hamlet: "xóm" (default), "thôn", "bản", "ấp", "tổ dân phố".
    pub hamlet: String,
    /// Who proposals are forwarded to and reports go to, as people say it: "UBND tỉnh Thái
    /// Nguyên". None: "cấp trên".
    pub upper_level: Option<String>,
}

impl Default for CommuneWords {
    fn default() -> Self {
        CommuneWords {
            hamlet: "xóm".into(),
            upper_level: None,
        }
    }
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
