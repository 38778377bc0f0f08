//! Conversations as data. Each file in `dialogues/` describes one conversation: its steps,
//! questions in Vietnamese and English, the kind of answer each takes, conditions, and the
//! typed action that runs on completion. `load` reads and checks them all; `engine` steps a
//! chat through them.

pub mod actions;
pub mod engine;
pub mod load;

use std::collections::HashMap;

use crate::text::Localized;

pub use actions::Action;
pub use load::{LoadError, load_dir, load_embedded};

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
            _ => return None,
        })
    }
}

/// Where a choice step gets its options when they are not written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The hamlets of the user's commune.
    Hamlets,
    /// Registrations waiting for the user's review.
    PendingHouseholds,
}

impl Source {
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "hamlets" => Some(Source::Hamlets),
            "pending_households" => Some(Source::PendingHouseholds),
            _ => None,
        }
    }
}

/// A rule with a legal source checked on an answer, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The escape from poverty was recognised within the commune's window (36 months).
    EscapeWindow,
}

impl Check {
    pub fn parse(s: &str) -> Option<Check> {
        match s {
            "escape_window" => Some(Check::EscapeWindow),
            _ => None,
        }
    }
    pub fn kind(self) -> Kind {
        match self {
            Check::EscapeWindow => Kind::Date,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OptionSpec {
    pub value: String,
    pub label: Localized,
    /// Extra words that pick this option, compared folded.
    pub aliases: Vec<String>,
}

/// `key == value` or `key != value`, all of which must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub key: CondKey,
    pub equal: bool,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CondKey {
    /// The user holds the role named by the value.
    Role,
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
