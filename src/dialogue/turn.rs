//! One message's turn: what the user said is taken as a command or as the answer to the
//! question the chat stands at, and the chat moves on to the next question, the summary, or
//! the action's result. The state's transitions are in `state`; this adds what needs the
//! database: options from sources, the action, and the replies.

use super::actions::Outcome;
use super::answer::{parse_answer, yes_no};
use super::choice::{Fetched, Input, Opt, Refusal, confirm_options, edit_options, pick};
use super::ctx::Ctx;
use super::error::EngineError;
use super::offer::{allowed, task_named};
use super::render;
use super::state::{Active, Advanced, At, ChatState};
use super::{Action, Dialogue, Dialogues, Kind, Step};
use crate::domain::parse_integer;
use crate::message::{Content, FileRef, Reply};
use crate::store::Tx;

/// Everything one inbound message is handled with, and what it produces.
pub(super) struct Turn<'a> {
    pub dialogues: &'a Dialogues,
    pub ctx: Ctx<'a>,
    pub tx: &'a mut Tx,
    pub state: ChatState,
    /// Replies and notices to queue once the turn is over.
    pub out: Outcome,
    fetched: Fetched,
}

/// What the user said, once the channel's form is set aside.
pub(super) enum Said {
    Text(String),
    /// A button of the question named `.0` with value `.1`.
    Button(String, String),
    File(FileRef),
}

/// The question the chat stands at, ready to be drawn.
enum Prepared {
    /// Numbered `seq`, with the options of a choice.
    Ask { seq: u32, opts: Vec<Opt> },
    /// A list turned out empty and the dialogue ended with this.
    Ended(Reply),
}

impl<'a> Turn<'a> {
    pub fn new(
        dialogues: &'a Dialogues,
        ctx: Ctx<'a>,
        tx: &'a mut Tx,
        state: ChatState,
    ) -> Turn<'a> {
        Turn {
            dialogues,
            ctx,
            tx,
            state,
            out: Outcome::default(),
            fetched: Fetched::default(),
        }
    }

    /// Steps the chat by one message.
    pub async fn step(&mut self, content: &Content) -> Result<(), EngineError> {
        // A dialogue removed from the files since the chat started it cannot go on.
        if let Some(a) = &self.state.active
            && self.dialogues.get(&a.dialogue).is_none()
        {
            self.state.active = None;
            self.say_note("dialogue-gone");
            return Ok(());
        }
        // A role taken back (`/thuhoi`) counts from the holder's next message: what they had
        // under way and may no longer start ends here, whatever the message says.
        if let Some(d) = self.dialogue()
            && !allowed(&self.ctx, d)
        {
            self.state.active = None;
            self.state.switch = None;
            self.say_note("dialogue-not-allowed");
            return Ok(());
        }
        if let Some(d) = self.dialogue()
            && let Some(a) = self.state.active.as_mut()
        {
            let ctx = &self.ctx;
            a.follow_file(d, &ctx.access);
        }
        let said = match content {
            // Control characters (a NUL cannot even be stored by PostgreSQL) never belong in
            // an answer; line breaks become spaces.
            Content::Text(t) => Said::Text(
                t.chars()
                    .filter(|c| !c.is_control() || *c == '\n')
                    .map(|c| if c == '\n' { ' ' } else { c })
                    .collect(),
            ),
            Content::Choice(data) if data.starts_with('/') => Said::Text(data.clone()),
            Content::Choice(data) => {
                // "7|category=poor": shown as the 7th question of this dialogue.
                let (seq, rest) = match data.split_once('|') {
                    Some((n, rest)) => (n.parse::<u32>().ok(), rest),
                    None => (None, data.as_str()),
                };
                if seq.is_some_and(|n| n != self.state.seq) {
                    return self.refuse(Refusal("err-stale-button", vec![])).await;
                }
                match rest.split_once('=') {
                    Some((q, v)) => Said::Button(q.to_string(), v.to_string()),
                    None => Said::Text(rest.to_string()),
                }
            }
            Content::Contact { phone, own } => {
                let at_phone = self.current_step().is_some_and(|s| s.kind == Kind::Phone);
                if !at_phone {
                    return self.refuse(Refusal("err-unsupported", vec![])).await;
                }
                if !own {
                    return self.refuse(Refusal("err-contact-not-own", vec![])).await;
                }
                Said::Text(phone.clone())
            }
            Content::File(f) => Said::File(f.clone()),
            Content::Unsupported(_) => {
                return self.refuse(Refusal("err-unsupported", vec![])).await;
            }
            Content::Unreadable(_) => {
                let at_file = self
                    .current_step()
                    .is_some_and(|s| s.kind == Kind::Document);
                let why = if at_file {
                    "err-file-unreadable"
                } else {
                    "err-unsupported"
                };
                return self.refuse(Refusal(why, vec![])).await;
            }
        };

        if let Some(command) = self.state.switch.take() {
            match &said {
                // A bare /start (a console reopened, Telegram's start button) shows the
                // question again; another command lets the offer lapse and is handled as usual.
                Said::Text(t) if t.trim() == "/start" => {
                    return self.offer_switch(command, None);
                }
                Said::Text(t) if t.trim_start().starts_with('/') => {}
                Said::Text(t) if self.state.active.is_some() => match yes_no(t) {
                    Some(true) => {
                        self.state.active = None;
                        return self.command(&command).await;
                    }
                    Some(false) => return self.reprompt(Some("switch-kept")).await,
                    None => return self.offer_switch(command, Some("err-yes-no")),
                },
                Said::Text(_) => return self.command(&command).await,
                _ => return self.offer_switch(command, Some("err-yes-no")),
            }
        }
        if let Said::Text(text) = &said
            && text.trim_start().starts_with('/')
        {
            return self.command(text.trim()).await;
        }

        if self.state.active.is_none() {
            // Typing a task's name ("dang ky ho") starts it; anything else shows the menu.
            if let Said::Text(text) = &said
                && let Some(d) = task_named(&self.ctx, self.dialogues, text)
            {
                // Named in words, linking gives its code as the command does.
                if d.action == Action::LinkAccounts {
                    return self.link(d, "").await;
                }
                return self.start(d, "").await;
            }
            // An empty line on the console (an Enter) asks for nothing. Platforms never deliver
            // an empty message: one that is blank (only control characters, say) was meant as
            // something, and gets the menu.
            if let Content::Text(text) = content
                && text.trim().is_empty()
                && self.ctx.channel == "console"
            {
                return Ok(());
            }
            self.say_menu(None);
            return Ok(());
        }
        self.answer(said).await
    }

    /// The dialogue the chat is in.
    fn dialogue(&self) -> Option<&'a Dialogue> {
        let a = self.state.active.as_ref()?;
        self.dialogues.get(&a.dialogue)
    }

    pub(super) fn current_step(&self) -> Option<&'a Step> {
        self.state.active.as_ref()?.current_step(self.dialogue()?)
    }

    /// The menu, when the person needs it: at the start, or after what the bot cannot use.
    pub(super) fn say_menu(&mut self, note: Option<&str>) {
        let r = render::menu(&self.ctx, self.dialogues, note);
        self.out.replies.push(r);
    }

    /// A note, with the menu after it only as a convenience (see `Reply::short`).
    pub(super) fn say_note(&mut self, note: &str) {
        let r = render::menu_after(&self.ctx, self.dialogues, note);
        self.out.replies.push(r);
    }

    pub(super) async fn start(&mut self, d: &Dialogue, args: &str) -> Result<(), EngineError> {
        let mut a = Active::new(d);
        let Some(first) = a.next_step(d, &self.ctx.access) else {
            self.state.active = Some(a);
            return self.complete().await;
        };
        a.at = At::Step(first);
        self.state.active = Some(a);
        if args.is_empty() {
            return self.ask().await;
        }
        // "/duyet 12": the words after the command answer the first question,
        // unless there is nothing to choose from at all.
        if let Prepared::Ended(r) = self.prepare().await? {
            self.out.replies.push(r);
            return Ok(());
        }
        let said = Said::Text(self.record_number(args));
        self.answer(said).await
    }

    pub(super) async fn answer(&mut self, said: Said) -> Result<(), EngineError> {
        let at = self.state.active.as_ref().expect("active").at.clone();
        let question = match &at {
            At::Step(id) => id.as_str(),
            At::Confirm => "confirm",
            At::PickEdit => "edit",
        };
        let input = match said {
            Said::Button(q, _) if q != question => {
                return self.refuse(Refusal("err-stale-button", vec![])).await;
            }
            Said::Button(_, v) => Input::Exact(v),
            Said::Text(t) => Input::Typed(t),
            Said::File(f) => Input::File(f),
        };
        let d = self.dialogue().expect("active dialogue");
        match at {
            At::Confirm => {
                let opts = confirm_options(&self.ctx);
                let v = match pick(&input, &opts) {
                    Ok(i) => opts[i].value.clone(),
                    Err(r) => {
                        // Naming an item on the summary ("dien", "so dien thoai") changes it.
                        let a = self.state.active.as_mut().expect("active");
                        let items = edit_options(&self.ctx, d, a);
                        let named = match &input {
                            Input::Typed(t) if parse_integer(t).is_err() => {
                                pick(&input, &items).ok()
                            }
                            _ => None,
                        };
                        let Some(i) = named else {
                            return self.refuse(r).await;
                        };
                        a.edit(items[i].value.clone());
                        return self.ask().await;
                    }
                };
                let a = self.state.active.as_mut().expect("active");
                match v.as_str() {
                    "yes" => {
                        // A question left open (a change was cancelled half-way) is asked
                        // before anything is saved.
                        let ctx = &self.ctx;
                        let Some(next) = a.next_step(d, &ctx.access) else {
                            return self.complete().await;
                        };
                        a.at = At::Step(next);
                    }
                    "edit" => a.at = At::PickEdit,
                    _ => {
                        self.state.active = None;
                        self.say_note("cancelled");
                        return Ok(());
                    }
                }
                self.ask().await
            }
            At::PickEdit => {
                let a = self.state.active.as_mut().expect("active");
                let opts = edit_options(&self.ctx, d, a);
                match pick(&input, &opts) {
                    Ok(i) => {
                        a.edit(opts[i].value.clone());
                        self.ask().await
                    }
                    Err(r) => self.refuse(r).await,
                }
            }
            At::Step(id) => {
                let Some(step) = d.step(&id) else {
                    // The file changed under the chat: find where it stands now.
                    return self.advance().await;
                };
                let a = self.state.active.as_ref().expect("active");
                let (ctx, fetched) = (&self.ctx, &mut self.fetched);
                match parse_answer(ctx, self.tx, fetched, d, a, step, &input).await? {
                    Ok((v, label)) => {
                        let a = self.state.active.as_mut().expect("active");
                        a.accept(d, &step.id, v, label, &self.ctx.access);
                        self.advance().await
                    }
                    Err(r) => self.refuse(r).await,
                }
            }
        }
    }

    /// Moves to the next open question, or to the summary, or completes.
    async fn advance(&mut self) -> Result<(), EngineError> {
        let d = self.dialogue().expect("active dialogue");
        let a = self.state.active.as_mut().expect("active");
        if a.advance(d, &self.ctx.access) == Advanced::Done {
            return self.complete().await;
        }
        self.ask().await
    }

    /// Runs the dialogue's action on the answers.
    async fn complete(&mut self) -> Result<(), EngineError> {
        let mut a = self.state.active.take().expect("active");
        let d = self.dialogues.get(&a.dialogue).expect("checked on entry");
        let outcome = d.action.run(&self.ctx, self.tx, &a.answers).await?;
        // What the sources gave may be out of date now.
        self.fetched.clear();
        self.out.replies.extend(outcome.replies);
        self.out.notices.extend(outcome.notices);
        self.out.to_accounts.extend(outcome.to_accounts);
        if outcome.retry {
            a.retry(d, outcome.retry_from);
            self.state.active = Some(a);
            return Box::pin(self.ask()).await;
        }
        // An action may hand over to another dialogue with answers filled in (revising a
        // proposal starts from the one sent back): the person lands on its summary.
        // The dialogue handed over to is one the person must be allowed to start, as if typed.
        if let Some(then) = &outcome.then
            && let Some(next) = self.dialogues.get(&then.dialogue)
            && !allowed(&self.ctx, next)
        {
            self.out
                .replies
                .push(Reply::text(self.ctx.t("err-not-allowed", &[])));
            return Ok(());
        }
        if let Some(then) = outcome.then
            && let Some(next) = self.dialogues.get(&then.dialogue)
        {
            let a = Active::handed_over(next, then.answers, then.labels);
            self.state.active = Some(a);
            // Boxed: `advance` may complete a dialogue, which may hand over again.
            return Box::pin(self.advance()).await;
        }
        Ok(())
    }

    pub(super) async fn back(&mut self) -> Result<(), EngineError> {
        if !self.state.active.as_mut().expect("active").back() {
            return self.reprompt(Some("back-first")).await;
        }
        self.ask().await
    }

    /// A short explanation, then the same question again.
    pub(super) async fn refuse(&mut self, why: Refusal) -> Result<(), EngineError> {
        let explanation = self.ctx.t(why.0, &why.1);
        if self.state.active.is_none() {
            let r = render::menu_with(&self.ctx, self.dialogues, Some(explanation));
            self.out.replies.push(r);
            return Ok(());
        }
        let mut r = self.prompt().await?;
        r.text = format!("{explanation}\n{}", r.text);
        self.out.replies.push(r);
        Ok(())
    }

    pub(super) async fn reprompt(&mut self, note: Option<&str>) -> Result<(), EngineError> {
        let mut r = self.prompt().await?;
        if let Some(n) = note {
            r.text = format!("{}\n{}", self.ctx.t(n, &[]), r.text);
        }
        self.out.replies.push(r);
        Ok(())
    }

    /// Asks the question the chat stands at. A list of records with one option only (the
    /// only group a hamlet head has) is not asked: its option is taken and said in a line
    /// before the next question, unless that question or the summary shows it anyway.
    async fn ask(&mut self) -> Result<(), EngineError> {
        let mut taken: Vec<(String, String)> = vec![];
        loop {
            let (seq, opts) = match self.prepare().await? {
                Prepared::Ended(mut r) => {
                    let lines: Vec<&str> = taken.iter().map(|(_, l)| l.as_str()).collect();
                    if !lines.is_empty() {
                        r.text = format!("{}\n{}", lines.join("\n"), r.text);
                    }
                    self.out.replies.push(r);
                    return Ok(());
                }
                Prepared::Ask { seq, opts } => (seq, opts),
            };
            if let Some(line) = self.take_only_option(&opts) {
                taken.push(line);
                let d = self.dialogue().expect("active dialogue");
                let a = self.state.active.as_mut().expect("active");
                if a.advance(d, &self.ctx.access) == Advanced::Done {
                    return self.complete().await;
                }
                continue;
            }
            let a = self.state.active.as_ref().expect("active");
            let d = self.dialogue().expect("active dialogue");
            let mut r = render::prompt(&self.ctx, d, a, seq, &opts);
            let shown = match a.current_step(d) {
                Some(step) => step.ask.get(self.ctx.lang),
                // The summary lists every answer.
                None => "",
            };
            let lines: Vec<&str> = taken
                .iter()
                .filter(|(id, _)| a.at != At::Confirm && !shown.contains(&format!("{{{id}}}")))
                .map(|(_, l)| l.as_str())
                .collect();
            if !lines.is_empty() {
                r.text = format!("{}\n{}", lines.join("\n"), r.text);
            }
            self.out.replies.push(r);
            return Ok(());
        }
    }

    /// Takes the option of a list of records that has only one, and returns the step and the
    /// line that says so ("Nhóm: #1 Tổ chè Đồng Tâm"). Not while the person is changing
    /// that answer, nor when taking it would at once run an action that changes records.
    fn take_only_option(&mut self, opts: &[Opt]) -> Option<(String, String)> {
        let step = self.current_step()?;
        let d = self.dialogue()?;
        let [only] = opts else {
            return None;
        };
        if !step.source.is_some_and(|s| s.lists_records()) {
            return None;
        }
        let a = self.state.active.as_mut()?;
        if a.editing {
            return None;
        }
        let access = &self.ctx.access;
        let label = only.detail.clone().unwrap_or_else(|| only.label.clone());
        let value = serde_json::Value::String(only.value.clone());
        let mut after = a.clone();
        after.take(d, &step.id, value.clone(), label.clone(), access);
        if after.advance(d, access) == Advanced::Done && d.action.writes() {
            return None;
        }
        a.take(d, &step.id, value, label, access);
        let line = match &only.detail {
            Some(detail) => detail.clone(),
            None => format!("{}: {}", self.ctx.l(&step.label), only.label),
        };
        Some((step.id.clone(), line))
    }

    /// The question the chat stands at, with its buttons. A list that turns out empty ends
    /// the dialogue with the file's `empty` text.
    pub(super) async fn prompt(&mut self) -> Result<Reply, EngineError> {
        match self.prepare().await? {
            Prepared::Ended(r) => Ok(r),
            Prepared::Ask { seq, opts } => {
                let a = self.state.active.as_ref().expect("active");
                let d = self.dialogue().expect("active dialogue");
                Ok(render::prompt(&self.ctx, d, a, seq, &opts))
            }
        }
    }

    /// Numbers the question the chat stands at and fetches its options, before anything is
    /// drawn: a list that turns out empty ends the dialogue.
    async fn prepare(&mut self) -> Result<Prepared, EngineError> {
        let seq = self.state.number_question();
        let Some(step) = self.current_step() else {
            return Ok(Prepared::Ask { seq, opts: vec![] });
        };
        let a = self.state.active.as_ref().expect("active");
        let opts = self
            .fetched
            .options(&self.ctx, self.tx, step, &a.answers)
            .await?;
        if step.source.is_some() && opts.is_empty() {
            self.state.active = None;
            return Ok(Prepared::Ended(render::empty_list(&self.ctx, step)));
        }
        Ok(Prepared::Ask { seq, opts })
    }
}
