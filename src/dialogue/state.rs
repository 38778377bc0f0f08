//! Where a chat stands in its dialogue, and how it moves from there: pure functions of the
//! state, the dialogue and the person's roles. Nothing here reads the database or waits, so
//! every transition can be tested on its own.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::arrival::Arriving;
use super::{CondKey, Dialogue, Step};
use crate::domain::Role;

/// The chat's place in a dialogue; stored as JSON per chat.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ChatState {
    #[serde(default)]
    pub active: Option<Active>,
    /// Counts the questions shown in this chat, across dialogues, never reset. Buttons carry
    /// it, so a button of an older message (the same question about another record, or
    /// another dialogue's list) is refused instead of acting on what is asked now.
    #[serde(default)]
    pub seq: u32,
    /// Which question `seq` counts: the same question shown again (after a wrong answer or
    /// /trogiup) keeps its number, so the keyboard just received stays valid.
    #[serde(default)]
    pub shown: String,
    /// A link opened (or a code typed) in the middle of a task: the command that runs if the
    /// user agrees to leave the task for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch: Option<String>,
    /// A newcomer still choosing their commune: nobody exists for them yet (see `arrival`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arriving: Option<Arriving>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Active {
    pub dialogue: String,
    pub at: At,
    /// Normalised answers by step id; null for a skipped optional step.
    pub answers: Map<String, Value>,
    /// How answers from a list read back (hamlet names, households), by step id.
    #[serde(default)]
    pub labels: Map<String, Value>,
    /// Steps answered, in order, for /quaylai.
    pub history: Vec<String>,
    /// Changing one answer from the summary: return to the summary after it.
    #[serde(default)]
    pub editing: bool,
    /// Questions asked because of a change made from the summary (a new kind asks for a
    /// contract): /huy there returns to the summary rather than dropping everything.
    #[serde(default)]
    pub from_summary: bool,
    /// Steps answered for the person because their list had one option only (the only
    /// group a hamlet head has): /quaylai goes past them to a question the person answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", content = "step", rename_all = "snake_case")]
pub(super) enum At {
    Step(String),
    Confirm,
    PickEdit,
}

/// Where `advance` left the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Advanced {
    /// At a question or at the summary: show it.
    Asking,
    /// Nothing left to ask and no summary: the action runs.
    Done,
}

/// What a step's `when` may ask of the person: their roles, and how many hamlets they head.
pub(super) trait Who {
    fn has_role(&self, role: Role) -> bool;
    fn hamlets_headed(&self) -> usize {
        0
    }
}

impl<F: Fn(Role) -> bool> Who for F {
    fn has_role(&self, role: Role) -> bool {
        self(role)
    }
}

impl Who for crate::domain::Access {
    fn has_role(&self, role: Role) -> bool {
        crate::domain::Access::has_role(self, role)
    }
    fn hamlets_headed(&self) -> usize {
        self.head_of().len()
    }
}

/// `hamlets == none|one|several` in a `when`: how many hamlets the person heads.
fn hamlets(n: usize) -> &'static str {
    match n {
        0 => "none",
        1 => "one",
        _ => "several",
    }
}

/// Whether a step's `when` holds: for the person's roles and the answers so far.
pub(super) fn applies(step: &Step, answers: &Map<String, Value>, who: &impl Who) -> bool {
    step.when.iter().all(|c| {
        let holds = c.values.iter().any(|v| match &c.key {
            CondKey::Role => Role::from_code(v).is_some_and(|r| who.has_role(r)),
            CondKey::Hamlets => v == hamlets(who.hamlets_headed()),
            CondKey::Step(id) => match answers.get(id) {
                Some(Value::String(s)) => s == v,
                Some(Value::Bool(b)) => (if *b { "yes" } else { "no" }) == v,
                _ => false,
            },
        });
        holds == c.equal
    })
}

impl ChatState {
    /// The number of the question about to be shown: the next one for a new question, the
    /// same for the question shown again.
    pub fn number_question(&mut self) -> u32 {
        let a = self.active.as_ref().expect("active");
        let position = format!("{}/{}/{:?}", a.dialogue, a.editing, a.at);
        if position != self.shown {
            self.seq = self.seq.wrapping_add(1);
            self.shown = position;
        }
        self.seq
    }
}

impl Active {
    /// A dialogue just started, nothing answered yet; the caller puts it at its first question
    /// (or runs the action when none applies).
    pub fn new(dialogue: &Dialogue) -> Active {
        Active {
            dialogue: dialogue.id.clone(),
            at: At::Confirm,
            answers: Map::new(),
            labels: Map::new(),
            history: vec![],
            editing: false,
            from_summary: false,
            taken: vec![],
        }
    }

    /// Another dialogue handed over by an action, with answers filled in: it stands at its
    /// summary until `advance` finds what is left to ask.
    pub fn handed_over(
        next: &Dialogue,
        answers: Map<String, Value>,
        labels: Map<String, Value>,
    ) -> Active {
        let history = next
            .steps
            .iter()
            .filter(|s| answers.contains_key(&s.id))
            .map(|s| s.id.clone())
            .collect();
        Active {
            dialogue: next.id.clone(),
            at: At::Confirm,
            answers,
            labels,
            history,
            editing: false,
            from_summary: false,
            taken: vec![],
        }
    }

    /// Catches up with a dialogue file changed since the chat started it.
    pub fn follow_file(&mut self, d: &Dialogue, who: &impl Who) {
        // Steps removed from the file since the chat answered them are forgotten.
        self.history.retain(|h| d.step(h).is_some());
        // A step removed from the file since the chat reached it: go on from where the
        // answers say the chat stands now.
        if let At::Step(id) = &self.at
            && d.step(id).is_none()
        {
            let next = self.next_step(d, who);
            self.editing = false;
            self.at = next.map(At::Step).unwrap_or(At::Confirm);
        }
    }

    /// The step the chat stands at, if it stands at a question.
    pub fn current_step<'d>(&self, d: &'d Dialogue) -> Option<&'d Step> {
        match &self.at {
            At::Step(id) => d.step(id),
            _ => None,
        }
    }

    /// The first question that applies and has no answer yet.
    pub fn next_step(&self, d: &Dialogue, who: &impl Who) -> Option<String> {
        d.steps
            .iter()
            .find(|s| !self.answers.contains_key(&s.id) && applies(s, &self.answers, who))
            .map(|s| s.id.clone())
    }

    /// Takes the answer to `step`; `advance` then finds where the chat goes next.
    pub fn accept(
        &mut self,
        d: &Dialogue,
        step: &str,
        value: Value,
        label: Option<String>,
        who: &impl Who,
    ) {
        self.answers.insert(step.to_string(), value);
        match label {
            Some(l) => self.labels.insert(step.to_string(), Value::String(l)),
            None => self.labels.remove(step),
        };
        // The answer last given is the one /quaylai returns to, also after a change made
        // from the summary (which may open new questions, such as the contract).
        self.history.retain(|h| h != step);
        self.history.push(step.to_string());
        self.taken.retain(|h| h != step);
        self.editing = false;
        // A lower total cost on the summary: amounts above it are asked again.
        if let Some(cap) = self.answers.get(step).and_then(Value::as_i64) {
            let capped = d
                .steps
                .iter()
                .filter(|s| s.at_most.as_deref() == Some(step));
            for s in capped {
                if self
                    .answers
                    .get(&s.id)
                    .and_then(Value::as_i64)
                    .is_some_and(|v| v > cap)
                {
                    self.forget(&s.id);
                }
            }
        }
        // An answer changed from the summary can make later questions moot (category no
        // longer "newly escaped"): their answers go.
        while let Some(moot) = d
            .steps
            .iter()
            .find(|s| self.answers.contains_key(&s.id) && !applies(s, &self.answers, who))
            .map(|s| s.id.clone())
        {
            self.forget(&moot);
        }
    }

    /// Takes the only option of `step` for the person; `advance` then goes on.
    pub fn take(&mut self, d: &Dialogue, step: &str, value: Value, label: String, who: &impl Who) {
        self.accept(d, step, value, Some(label), who);
        self.taken.push(step.to_string());
    }

    fn forget(&mut self, step: &str) {
        self.answers.remove(step);
        self.labels.remove(step);
        self.history.retain(|h| h != step);
        self.taken.retain(|h| h != step);
    }

    /// Moves to the next open question, or to the summary.
    pub fn advance(&mut self, d: &Dialogue, who: &impl Who) -> Advanced {
        match self.next_step(d, who) {
            Some(next) => self.at = At::Step(next),
            None if d.confirm => {
                self.at = At::Confirm;
                self.from_summary = false;
            }
            None => return Advanced::Done,
        }
        Advanced::Asking
    }

    /// Changing one answer from the summary.
    pub fn edit(&mut self, step: String) {
        self.at = At::Step(step);
        self.editing = true;
        self.from_summary = true;
    }

    /// /huy while changing an answer from the summary drops the change, not the answers:
    /// back to the summary. False when no change is under way.
    pub fn cancel_change(&mut self) -> bool {
        if self.editing || self.from_summary || self.at == At::PickEdit {
            // Back at the summary with no change under way: the next /huy ends the task.
            self.editing = false;
            self.from_summary = false;
            self.at = At::Confirm;
            return true;
        }
        false
    }

    /// /quaylai: from a change back to the summary, otherwise to the question answered last,
    /// forgetting its answer. False at the first question, where there is nowhere to go.
    pub fn back(&mut self) -> bool {
        match self.at.clone() {
            At::PickEdit => self.at = At::Confirm,
            At::Step(_) if self.editing => {
                self.editing = false;
                self.at = At::Confirm;
            }
            _ => {
                // Past the steps taken for the person: they are taken again when reached.
                let Some(i) = self.history.iter().rposition(|h| !self.taken.contains(h)) else {
                    return false;
                };
                let prev = self.history[i].clone();
                for later in self.history.split_off(i) {
                    self.forget(&later);
                }
                self.at = At::Step(prev);
            }
        }
        true
    }

    /// The action refused, answers kept: back to the summary, or to the last question.
    pub fn retry(&mut self, d: &Dialogue, retry_from: Option<&str>) {
        self.editing = false;
        if d.confirm {
            self.at = At::Confirm;
            return;
        }
        // Back to the question the action names (or the last one), forgetting the
        // answers from there on.
        let back_to = retry_from
            .map(str::to_string)
            .or_else(|| self.history.last().cloned());
        if let Some(back_to) = back_to {
            while let Some(last) = self.history.pop() {
                self.forget(&last);
                if last == back_to {
                    break;
                }
            }
            self.at = At::Step(back_to);
        }
    }
}

#[cfg(test)]
mod tests;
