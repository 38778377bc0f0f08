//! Steps one chat through its dialogue, one inbound message at a time, in one transaction:
//! record the message in the inbox, load the chat's state, step it, run the action on
//! completion, save the state and queue the replies in the outbox; commit. A crash before the
//! commit leaves no trace, so the redelivered message is handled as if for the first time; a
//! message seen before does nothing.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::actions::Outcome;
use super::ctx::Ctx;
use super::sources::Opt;
use super::{Check, CondKey, Dialogue, Dialogues, Kind, Step};
use crate::clock::{Clock, local_date};
use crate::domain::input::format_date;
use crate::domain::{
    Cccd, CommuneRules, FreeText, GroupStatus, InputError, Money, PastDate, PersonName, Phone,
    Role, parse_integer,
};
use crate::message::{Choice, Content, Inbound, Reply};
use crate::store::communes;
use crate::store::persons::{self, Person};
use crate::store::{Store, Tx, conversations, groups, inbox, outbox};
use crate::text::{Arg, Lang, Texts, fold};

/// Commands that work everywhere, in Vietnamese and English (compared folded).
pub const BUILTIN_COMMANDS: &[&str] = &[
    "/start", "/menu", "/huy", "/cancel", "/quaylai", "/back", "/trogiup", "/help", "/lang",
    "/ngonngu", "/boqua", "/skip",
];

/// Words that skip an optional question, compared folded.
const SKIP_WORDS: &[&str] = &[
    "bo qua", "boqua", "skip", "khong", "khong co", "no", "none", "-",
];

/// Longest text answer kept; longer is refused rather than cut.
const TEXT_MAX: usize = 200;

/// What became of an inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Handled now; replies are in the outbox.
    Done,
    /// Seen before; nothing was done.
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub struct Engine {
    store: Store,
    dialogues: Arc<Dialogues>,
    texts: Arc<Texts>,
    clock: Arc<dyn Clock>,
    /// Code of the commune that new people join, when there are several.
    default_commune: Option<String>,
}

/// The chat's place in a dialogue; stored as JSON per chat.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ChatState {
    #[serde(default)]
    active: Option<Active>,
    /// Counts the questions shown in this chat, across dialogues, never reset. Buttons carry
    /// it, so a button of an older message (the same question about another record, or
    /// another dialogue's list) is refused instead of acting on what is asked now.
    #[serde(default)]
    seq: u32,
    /// Which question `seq` counts: the same question shown again (after a wrong answer or
    /// /trogiup) keeps its number, so the keyboard just received stays valid.
    #[serde(default)]
    shown: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Active {
    dialogue: String,
    at: At,
    /// Normalised answers by step id; null for a skipped optional step.
    answers: Map<String, Value>,
    /// How answers from a list read back (hamlet names, households), by step id.
    #[serde(default)]
    labels: Map<String, Value>,
    /// Steps answered, in order, for /quaylai.
    history: Vec<String>,
    /// Changing one answer from the summary: return to the summary after it.
    #[serde(default)]
    editing: bool,
    /// Questions asked because of a change made from the summary (a new kind asks for a
    /// contract): /huy there returns to the summary rather than dropping everything.
    #[serde(default)]
    from_summary: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", content = "step", rename_all = "snake_case")]
enum At {
    Step(String),
    Confirm,
    PickEdit,
}

/// What the user said, once the channel's form is set aside.
enum Said {
    Text(String),
    /// A button of the question named `.0` with value `.1`.
    Button(String, String),
    File(crate::message::FileRef),
}

/// Why an answer was not taken: a catalogue message and its arguments.
struct Refusal(&'static str, Vec<(&'static str, Arg)>);

impl From<InputError> for Refusal {
    fn from(e: InputError) -> Refusal {
        let args = match e {
            InputError::TooLong { max } => vec![("max", Arg::from(max))],
            InputError::Range { min, max } => vec![("min", min.into()), ("max", max.into())],
            _ => vec![],
        };
        Refusal(e.message_id(), args)
    }
}

impl Engine {
    pub fn new(
        store: Store,
        dialogues: Arc<Dialogues>,
        texts: Arc<Texts>,
        clock: Arc<dyn Clock>,
        default_commune: Option<String>,
    ) -> Engine {
        Engine {
            store,
            dialogues,
            texts,
            clock,
            default_commune,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn texts(&self) -> &Texts {
        &self.texts
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The reply for a message whose handling failed; it is sent directly, not queued, since
    /// the database may be what failed. The chat stays where it was.
    pub fn apology(&self, lang: Option<Lang>) -> Reply {
        Reply::text(self.texts.get(lang.unwrap_or_default(), "try-again", &[]))
    }

    /// Handles one inbound message in one transaction.
    pub async fn handle(&self, msg: &Inbound) -> Result<Handled, EngineError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if !inbox::record(&mut tx, &msg.channel, &msg.message_id, now).await? {
            return Ok(Handled::Duplicate);
        }
        let Some(person) = self.identify(&mut tx, msg, now).await? else {
            // No commune exists at all: nobody to register with. Say so, keep nothing.
            let reply = Reply::text(self.texts.get(Lang::Vi, "no-commune", &[]));
            outbox::enqueue(&mut tx, &msg.channel, &msg.chat_id, &reply, now).await?;
            tx.commit().await?;
            return Ok(Handled::Done);
        };
        let commune = communes::by_id(&mut tx, person.commune_id).await?;
        let grants = persons::grants(&mut tx, person.id).await?;
        let mut ctx = Ctx {
            person: &person,
            rules: CommuneRules::from_json(&commune.rules),
            commune: &commune,
            grants,
            lang: Lang::parse(&person.lang).unwrap_or_default(),
            now,
            today: local_date(now, &commune.time_zone),
            texts: &self.texts,
        };
        // In a group chat each member has a conversation of their own; replies still go to
        // the chat.
        let conversation = if msg.chat_id == msg.sender_id {
            msg.chat_id.clone()
        } else {
            format!("{}/{}", msg.chat_id, msg.sender_id)
        };
        let raw = conversations::load_locked(&mut tx, &msg.channel, &conversation, now).await?;
        let mut state: ChatState = match raw.as_deref().map(serde_json::from_str) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                // A state this build cannot read (written by another version): start afresh
                // rather than leave the chat stuck.
                tracing::error!(error = %e, chat = msg.chat_id, "unreadable chat state");
                ChatState::default()
            }
            None => ChatState::default(),
        };

        let mut out = Outcome::default();
        self.step(&mut ctx, &mut tx, &mut state, &msg.content, &mut out)
            .await?;

        let json = serde_json::to_string(&state).map_err(anyhow::Error::from)?;
        conversations::save(&mut tx, &msg.channel, &conversation, &json, now).await?;
        for r in &out.replies {
            outbox::enqueue(&mut tx, &msg.channel, &msg.chat_id, r, now).await?;
        }
        for n in &out.notices {
            let to = persons::by_id(&mut tx, n.person_id).await?;
            let lang = Lang::parse(&to.lang).unwrap_or_default();
            let reply = Reply::text(self.texts.get(lang, n.message, &n.args));
            for c in persons::contacts(&mut tx, n.person_id).await? {
                outbox::enqueue(&mut tx, &c.channel, &c.chat_id, &reply, now).await?;
            }
        }
        tx.commit().await?;
        Ok(Handled::Done)
    }

    /// The person behind the message, created on first contact in the default commune.
    async fn identify(
        &self,
        tx: &mut Tx,
        msg: &Inbound,
        now: DateTime<Utc>,
    ) -> Result<Option<Person>, EngineError> {
        if let Some(p) = persons::by_identity(tx, &msg.channel, &msg.sender_id).await? {
            // Personal notices and digests go to the private chat, never to a group where
            // the person happened to write.
            if msg.chat_id == msg.sender_id {
                let (c, s) = (&msg.channel, &msg.sender_id);
                persons::link_identity(tx, c, s, p.id, &msg.chat_id, Some(now)).await?;
            }
            return Ok(Some(p));
        }
        let Some(commune) = communes::default_commune(tx, self.default_commune.as_deref()).await?
        else {
            return Ok(None);
        };
        let name = msg
            .sender_name
            .clone()
            .unwrap_or_else(|| msg.sender_id.clone());
        let lang = msg.lang_hint.unwrap_or_default();
        let id = persons::create(tx, commune.id, &name, lang.code(), now).await?;
        // A private chat's id is the person's own on the platforms we serve: notices go
        // there even when the first message came from a group.
        let (c, s) = (&msg.channel, &msg.sender_id);
        persons::link_identity(tx, c, s, id, &msg.sender_id, Some(now)).await?;
        Ok(Some(persons::by_id(tx, id).await?))
    }

    async fn step(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        content: &Content,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        // A dialogue removed from the files since the chat started it cannot go on.
        if let Some(a) = &state.active
            && self.dialogues.get(&a.dialogue).is_none()
        {
            state.active = None;
            out.replies.push(self.menu(ctx, Some("dialogue-gone")));
            return Ok(());
        }
        // Steps removed from the file since the chat answered them are forgotten.
        if let Some(d) = self.dialogue(state).cloned()
            && let Some(a) = state.active.as_mut()
        {
            a.history.retain(|h| d.step(h).is_some());
        }
        // A step removed from the file since the chat reached it: go on from where the
        // answers say the chat stands now.
        if let Some(At::Step(id)) = state.active.as_ref().map(|a| &a.at)
            && self.dialogue(state).is_some_and(|d| d.step(id).is_none())
        {
            let next = self.next_step(ctx, state);
            let a = state.active.as_mut().expect("active");
            a.editing = false;
            a.at = next.map(At::Step).unwrap_or(At::Confirm);
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
                if seq.is_some_and(|n| n != state.seq) {
                    return self
                        .refuse(ctx, tx, state, Refusal("err-stale-button", vec![]), out)
                        .await;
                }
                match rest.split_once('=') {
                    Some((q, v)) => Said::Button(q.to_string(), v.to_string()),
                    None => Said::Text(rest.to_string()),
                }
            }
            Content::Contact { phone, own } => {
                let at_phone = self
                    .current_step(state)
                    .is_some_and(|s| s.kind == Kind::Phone);
                if !at_phone {
                    return self
                        .refuse(ctx, tx, state, Refusal("err-unsupported", vec![]), out)
                        .await;
                }
                if !own {
                    return self
                        .refuse(ctx, tx, state, Refusal("err-contact-not-own", vec![]), out)
                        .await;
                }
                Said::Text(phone.clone())
            }
            Content::File(f) => Said::File(f.clone()),
            Content::Unsupported(_) => {
                return self
                    .refuse(ctx, tx, state, Refusal("err-unsupported", vec![]), out)
                    .await;
            }
        };

        if let Said::Text(text) = &said
            && text.trim_start().starts_with('/')
        {
            return self.command(ctx, tx, state, text.trim(), out).await;
        }

        if state.active.is_none() {
            // Typing a task's name ("dang ky ho") starts it; anything else shows the menu.
            if let Said::Text(text) = &said {
                let f = fold(text);
                let f = f.trim_end_matches(['.', '!', '?']);
                let matches: Vec<&Dialogue> = self
                    .dialogues
                    .list
                    .iter()
                    .filter(|d| self.allowed(ctx, d))
                    .filter(|d| {
                        let (vi, en) = (fold(&d.title.vi), fold(&d.title.en));
                        f.chars().count() >= 4 && (vi.starts_with(f) || en.starts_with(f))
                    })
                    .collect();
                let found = match matches[..] {
                    [d] => Some(d),
                    _ => None,
                };
                if let Some(d) = found {
                    return self.start(ctx, tx, state, d, "", out).await;
                }
            }
            out.replies.push(self.menu(ctx, None));
            return Ok(());
        }
        self.answer(ctx, tx, state, said, out).await
    }

    async fn command(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        text: &str,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let (word, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let args = args.trim();
        let folded = fold(word);
        // In group chats Telegram appends the bot's name: "/dangky@giamngheo_bot".
        let cmd = folded.split('@').next().unwrap_or("");
        let active = state.active.is_some();
        match cmd {
            "/start" | "/menu" => {
                if active {
                    return self.reprompt(ctx, tx, state, Some("busy"), out).await;
                }
                // A deep link t.me/<bot>?start=CODE carries a group's join code.
                let join = self
                    .dialogues
                    .list
                    .iter()
                    .find(|d| d.action == super::Action::JoinGroup);
                let code: String = args.chars().filter(|c| c.is_alphanumeric()).collect();
                let is_group = match join {
                    Some(_) if cmd == "/start" && !code.is_empty() => {
                        groups::by_code(tx, &code.to_uppercase())
                            .await?
                            .is_some_and(|g| g.commune_id == ctx.commune.id)
                    }
                    _ => false,
                };
                match join {
                    Some(d) if is_group && self.allowed(ctx, d) => {
                        return self.start(ctx, tx, state, d, args, out).await;
                    }
                    // Any other start code (an invite, later) opens the menu for now.
                    _ => out.replies.push(self.menu(ctx, None)),
                }
            }
            "/huy" | "/cancel" => {
                // Cancelling a change from the summary drops the change, not the answers.
                if let Some(a) = state.active.as_mut()
                    && (a.editing || a.from_summary || a.at == At::PickEdit)
                {
                    a.editing = false;
                    a.at = At::Confirm;
                    return self
                        .reprompt(ctx, tx, state, Some("edit-cancelled"), out)
                        .await;
                }
                let id = if active {
                    "cancelled"
                } else {
                    "nothing-to-cancel"
                };
                state.active = None;
                out.replies.push(self.menu(ctx, Some(id)));
            }
            "/quaylai" | "/back" => {
                if !active {
                    out.replies.push(self.menu(ctx, Some("nothing-to-go-back")));
                } else {
                    return self.back(ctx, tx, state, out).await;
                }
            }
            "/trogiup" | "/help" => {
                if active {
                    let help = self
                        .current_step(state)
                        .and_then(|s| s.help.as_ref())
                        .map(|h| h.get(ctx.lang).to_string())
                        .unwrap_or_else(|| ctx.t("help-step", &[]));
                    let mut r = self.prompt(ctx, tx, state).await?;
                    r.text = format!("{help}\n\n{}", r.text);
                    out.replies.push(r);
                } else {
                    out.replies.push(self.help(ctx));
                }
            }
            "/lang" | "/ngonngu" => {
                let lang = Lang::parse(args).unwrap_or(match ctx.lang {
                    Lang::Vi => Lang::En,
                    Lang::En => Lang::Vi,
                });
                persons::set_lang(tx, ctx.person.id, lang.code()).await?;
                ctx.lang = lang;
                if active {
                    return self.reprompt(ctx, tx, state, Some("lang-set"), out).await;
                }
                out.replies.push(self.menu(ctx, Some("lang-set")));
            }
            "/boqua" | "/skip" => {
                if !active {
                    out.replies.push(self.menu(ctx, Some("nothing-to-skip")));
                } else {
                    return self
                        .answer(ctx, tx, state, Said::Text("-".into()), out)
                        .await;
                }
            }
            _ => match self.dialogues.by_command(cmd) {
                Some(d) if active => {
                    let same = state.active.as_ref().is_some_and(|a| a.dialogue == d.id);
                    let at_first = state.active.as_ref().is_some_and(|a| a.history.is_empty());
                    if same && at_first && !args.is_empty() {
                        // "/thamgia ABC123" while the code is being asked: that is the answer.
                        let said = Said::Text(self.record_number(state, args));
                        return self.answer(ctx, tx, state, said, out).await;
                    }
                    let note = if same { None } else { Some("busy") };
                    return self.reprompt(ctx, tx, state, note, out).await;
                }
                Some(d) if !self.allowed(ctx, d) => {
                    out.replies.push(self.menu(ctx, Some("err-not-allowed")));
                }
                Some(d) => return self.start(ctx, tx, state, d, args, out).await,
                None if active => {
                    return self
                        .refuse(ctx, tx, state, Refusal("err-unknown-command", vec![]), out)
                        .await;
                }
                None => out
                    .replies
                    .push(self.menu(ctx, Some("err-unknown-command"))),
            },
        }
        Ok(())
    }

    fn allowed(&self, ctx: &Ctx<'_>, d: &Dialogue) -> bool {
        d.roles.is_empty() || d.roles.iter().any(|&r| ctx.has_role(r))
    }

    async fn start(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        d: &Dialogue,
        args: &str,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        state.active = Some(Active {
            dialogue: d.id.clone(),
            at: At::Confirm,
            answers: Map::new(),
            labels: Map::new(),
            history: vec![],
            editing: false,
            from_summary: false,
        });
        match self.next_step(ctx, state) {
            Some(first) => {
                state.active.as_mut().expect("just set").at = At::Step(first);
                if args.is_empty() {
                    out.replies.push(self.prompt(ctx, tx, state).await?);
                    Ok(())
                } else {
                    // "/duyet 12": the words after the command answer the first question,
                    // unless there is nothing to choose from at all.
                    let first = self.prompt(ctx, tx, state).await?;
                    if state.active.is_none() {
                        out.replies.push(first);
                        return Ok(());
                    }
                    let said = Said::Text(self.record_number(state, args));
                    self.answer(ctx, tx, state, said, out).await
                }
            }
            None => self.complete(ctx, tx, state, out).await,
        }
    }

    /// Words after a command ("/duyet 12") that are a number name a record ("#12"), not a
    /// position in a list the user has not seen; for any other question they are the answer.
    fn record_number(&self, state: &ChatState, args: &str) -> String {
        let records = self.current_step(state).is_some_and(|s| s.source.is_some());
        if records && !args.is_empty() && args.chars().all(|c| c.is_ascii_digit()) {
            format!("#{args}")
        } else {
            args.to_string()
        }
    }

    fn dialogue_of(&self, id: &str) -> Option<&Dialogue> {
        self.dialogues.get(id)
    }

    fn dialogue(&self, state: &ChatState) -> Option<&Dialogue> {
        state
            .active
            .as_ref()
            .and_then(|a| self.dialogues.get(&a.dialogue))
    }

    fn current_step(&self, state: &ChatState) -> Option<&Step> {
        let a = state.active.as_ref()?;
        match &a.at {
            At::Step(id) => self.dialogue(state)?.step(id),
            _ => None,
        }
    }

    fn applies(&self, ctx: &Ctx<'_>, step: &Step, answers: &Map<String, Value>) -> bool {
        step.when.iter().all(|c| {
            let holds = c.values.iter().any(|v| match &c.key {
                CondKey::Role => Role::from_code(v).is_some_and(|r| ctx.has_role(r)),
                CondKey::Step(id) => match answers.get(id) {
                    Some(Value::String(s)) => s == v,
                    Some(Value::Bool(b)) => (if *b { "yes" } else { "no" }) == v,
                    _ => false,
                },
            });
            holds == c.equal
        })
    }

    /// The first question that applies and has no answer yet.
    fn next_step(&self, ctx: &Ctx<'_>, state: &ChatState) -> Option<String> {
        let d = self.dialogue(state)?;
        let a = state.active.as_ref()?;
        d.steps
            .iter()
            .find(|s| !a.answers.contains_key(&s.id) && self.applies(ctx, s, &a.answers))
            .map(|s| s.id.clone())
    }

    async fn answer(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        said: Said,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let at = state.active.as_ref().expect("active").at.clone();
        let question = match &at {
            At::Step(id) => id.as_str(),
            At::Confirm => "confirm",
            At::PickEdit => "edit",
        };
        let input = match said {
            Said::Button(q, _) if q != question => {
                return self
                    .refuse(ctx, tx, state, Refusal("err-stale-button", vec![]), out)
                    .await;
            }
            Said::Button(_, v) => Input::Exact(v),
            Said::Text(t) => Input::Typed(t),
            Said::File(f) => Input::File(f),
        };
        match at {
            At::Confirm => {
                let opts = self.confirm_options(ctx);
                let v = match pick(&input, &opts) {
                    Ok(i) => opts[i].value.clone(),
                    Err(r) => {
                        // Naming an item on the summary ("dien", "so dien thoai") changes it.
                        let items = self.edit_options(ctx, state);
                        let named = match &input {
                            Input::Typed(t) if parse_integer(t).is_err() => {
                                pick(&input, &items).ok()
                            }
                            _ => None,
                        };
                        let Some(i) = named else {
                            return self.refuse(ctx, tx, state, r, out).await;
                        };
                        let a = state.active.as_mut().expect("active");
                        a.at = At::Step(items[i].value.clone());
                        a.editing = true;
                        a.from_summary = true;
                        out.replies.push(self.prompt(ctx, tx, state).await?);
                        return Ok(());
                    }
                };
                match v.as_str() {
                    "yes" => {
                        // A question left open (a change was cancelled half-way) is asked
                        // before anything is saved.
                        if let Some(next) = self.next_step(ctx, state) {
                            state.active.as_mut().expect("active").at = At::Step(next);
                            out.replies.push(self.prompt(ctx, tx, state).await?);
                            return Ok(());
                        }
                        return self.complete(ctx, tx, state, out).await;
                    }
                    "edit" => state.active.as_mut().expect("active").at = At::PickEdit,
                    _ => {
                        state.active = None;
                        out.replies.push(self.menu(ctx, Some("cancelled")));
                        return Ok(());
                    }
                }
                out.replies.push(self.prompt(ctx, tx, state).await?);
                Ok(())
            }
            At::PickEdit => {
                let opts = self.edit_options(ctx, state);
                match pick(&input, &opts) {
                    Ok(i) => {
                        let a = state.active.as_mut().expect("active");
                        a.at = At::Step(opts[i].value.clone());
                        a.editing = true;
                        a.from_summary = true;
                        out.replies.push(self.prompt(ctx, tx, state).await?);
                        Ok(())
                    }
                    Err(r) => self.refuse(ctx, tx, state, r, out).await,
                }
            }
            At::Step(id) => {
                let Some(step) = self.dialogue(state).and_then(|d| d.step(&id)).cloned() else {
                    // The file changed under the chat: find where it stands now.
                    return self.advance(ctx, tx, state, out).await;
                };
                let typed = match &input {
                    Input::Typed(t) | Input::Exact(t) => t.as_str(),
                    Input::File(_) => "",
                };
                if step.optional && SKIP_WORDS.contains(&fold(typed).as_str()) {
                    return self
                        .accept(ctx, tx, state, &step, Value::Null, None, out)
                        .await;
                }
                if ["-", "bo qua", "boqua", "skip"].contains(&fold(typed).as_str()) {
                    return self
                        .refuse(ctx, tx, state, Refusal("err-cannot-skip", vec![]), out)
                        .await;
                }
                let (answers, dialogue) = {
                    let a = state.active.as_ref().expect("active");
                    (a.answers.clone(), a.dialogue.clone())
                };
                match self
                    .parse_answer(ctx, tx, &step, &input, &answers, &dialogue)
                    .await?
                {
                    Ok((v, label)) => self.accept(ctx, tx, state, &step, v, label, out).await,
                    Err(r) => self.refuse(ctx, tx, state, r, out).await,
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn accept(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        step: &Step,
        value: Value,
        label: Option<String>,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let a = state.active.as_mut().expect("active");
        a.answers.insert(step.id.clone(), value);
        match label {
            Some(l) => a.labels.insert(step.id.clone(), Value::String(l)),
            None => a.labels.remove(&step.id),
        };
        // The answer last given is the one /quaylai returns to, also after a change made
        // from the summary (which may open new questions, such as the contract).
        a.history.retain(|h| *h != step.id);
        a.history.push(step.id.clone());
        a.editing = false;
        // A lower total cost on the summary: amounts above it are asked again.
        let cap = a.answers.get(&step.id).and_then(Value::as_i64);
        if let (Some(d), Some(cap)) = (self.dialogues.get(&a.dialogue), cap) {
            let capped = d
                .steps
                .iter()
                .filter(|s| s.at_most.as_deref() == Some(&step.id));
            for s in capped {
                if a.answers
                    .get(&s.id)
                    .and_then(Value::as_i64)
                    .is_some_and(|v| v > cap)
                {
                    a.answers.remove(&s.id);
                    a.labels.remove(&s.id);
                    a.history.retain(|h| *h != s.id);
                }
            }
        }
        // An answer changed from the summary can make later questions moot (category no
        // longer "newly escaped"): their answers go.
        let d = self.dialogue(state).expect("active dialogue").clone();
        loop {
            let a = state.active.as_ref().expect("active");
            let moot = d
                .steps
                .iter()
                .find(|s| a.answers.contains_key(&s.id) && !self.applies(ctx, s, &a.answers))
                .map(|s| s.id.clone());
            let Some(moot) = moot else { break };
            let a = state.active.as_mut().expect("active");
            a.answers.remove(&moot);
            a.labels.remove(&moot);
            a.history.retain(|h| *h != moot);
        }
        self.advance(ctx, tx, state, out).await
    }

    /// Moves to the next open question, or to the summary, or completes.
    async fn advance(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let confirm = self.dialogue(state).is_some_and(|d| d.confirm);
        match self.next_step(ctx, state) {
            Some(next) => state.active.as_mut().expect("active").at = At::Step(next),
            None if confirm => {
                let a = state.active.as_mut().expect("active");
                a.at = At::Confirm;
                a.from_summary = false;
            }
            None => return self.complete(ctx, tx, state, out).await,
        }
        out.replies.push(self.prompt(ctx, tx, state).await?);
        Ok(())
    }

    async fn complete(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let a = state.active.take().expect("active");
        let d = self.dialogues.get(&a.dialogue).expect("checked on entry");
        let outcome = d.action.run(ctx, tx, &a.answers).await?;
        out.replies.extend(outcome.replies);
        out.notices.extend(outcome.notices);
        if outcome.retry {
            // Refused, answers kept: back to the summary, or to the last question.
            let mut a = a;
            a.editing = false;
            if d.confirm {
                a.at = At::Confirm;
            } else {
                // Back to the question the action names (or the last one), forgetting the
                // answers from there on.
                let back_to = outcome
                    .retry_from
                    .map(str::to_string)
                    .or_else(|| a.history.last().cloned());
                if let Some(back_to) = back_to {
                    while let Some(last) = a.history.pop() {
                        a.answers.remove(&last);
                        a.labels.remove(&last);
                        if last == back_to {
                            break;
                        }
                    }
                    a.at = At::Step(back_to);
                }
            }
            state.active = Some(a);
            let again = Box::pin(self.prompt(ctx, tx, state)).await?;
            out.replies.push(again);
            return Ok(());
        }
        // An action may hand over to another dialogue with answers filled in (revising a
        // proposal starts from the one sent back): the person lands on its summary.
        if let Some(then) = outcome.then
            && let Some(next) = self.dialogues.get(&then.dialogue)
        {
            let history = next
                .steps
                .iter()
                .filter(|s| then.answers.contains_key(&s.id))
                .map(|s| s.id.clone())
                .collect();
            state.active = Some(Active {
                dialogue: next.id.clone(),
                at: At::Confirm,
                answers: then.answers,
                labels: then.labels,
                history,
                editing: false,
                from_summary: false,
            });
            // Boxed: `advance` may complete a dialogue, which may hand over again.
            return Box::pin(self.advance(ctx, tx, state, out)).await;
        }
        Ok(())
    }

    async fn back(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let a = state.active.as_mut().expect("active");
        match a.at.clone() {
            At::PickEdit => a.at = At::Confirm,
            At::Step(_) if a.editing => {
                a.editing = false;
                a.at = At::Confirm;
            }
            _ => match a.history.pop() {
                Some(prev) => {
                    a.answers.remove(&prev);
                    a.labels.remove(&prev);
                    a.at = At::Step(prev);
                }
                None => return self.reprompt(ctx, tx, state, Some("back-first"), out).await,
            },
        }
        out.replies.push(self.prompt(ctx, tx, state).await?);
        Ok(())
    }

    /// A short explanation, then the same question again.
    async fn refuse(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        why: Refusal,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let explanation = ctx.t(why.0, &why.1);
        if state.active.is_none() {
            out.replies.push(self.menu_with(ctx, Some(explanation)));
            return Ok(());
        }
        let mut r = self.prompt(ctx, tx, state).await?;
        r.text = format!("{explanation}\n{}", r.text);
        out.replies.push(r);
        Ok(())
    }

    async fn reprompt(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
        note: Option<&str>,
        out: &mut Outcome,
    ) -> Result<(), EngineError> {
        let mut r = self.prompt(ctx, tx, state).await?;
        if let Some(n) = note {
            r.text = format!("{}\n{}", ctx.t(n, &[]), r.text);
        }
        out.replies.push(r);
        Ok(())
    }

    /// The question the chat stands at, with its buttons. A list that turns out empty ends
    /// the dialogue with the file's `empty` text.
    async fn prompt(
        &self,
        ctx: &mut Ctx<'_>,
        tx: &mut Tx,
        state: &mut ChatState,
    ) -> Result<Reply, EngineError> {
        let a = state.active.as_ref().expect("active");
        let position = format!("{}/{}/{:?}", a.dialogue, a.editing, a.at);
        if position != state.shown {
            state.seq = state.seq.wrapping_add(1);
            state.shown = position;
        }
        let seq = state.seq;
        let a = state.active.as_ref().expect("active");
        match &a.at {
            At::Confirm => {
                let mut text = ctx.t("summary-title", &[]);
                for (i, (label, value)) in self.summary(ctx, state).into_iter().enumerate() {
                    text.push_str(&format!("\n{}. {label}: {value}", i + 1));
                }
                text.push('\n');
                text.push_str(&ctx.t("summary-ask", &[]));
                let choices = buttons(seq, "confirm", &self.confirm_options(ctx));
                Ok(Reply {
                    text,
                    choices,
                    ask_contact: None,
                    files: vec![],
                })
            }
            At::PickEdit => Ok(Reply {
                text: ctx.t("pick-edit", &[]),
                choices: buttons(seq, "edit", &self.edit_options(ctx, state)),
                ask_contact: None,
                files: vec![],
            }),
            At::Step(id) => {
                let d = self.dialogue(state).expect("active dialogue");
                let step = d.step(id).expect("current step exists").clone();
                let answers = state.active.as_ref().expect("active").answers.clone();
                let opts = self.options(ctx, tx, &step, &answers).await?;
                if step.source.is_some() && opts.is_empty() {
                    let empty = step.empty.as_ref().map(|e| e.get(ctx.lang).to_string());
                    state.active = None;
                    return Ok(Reply::text(empty.unwrap_or_default()));
                }
                let a = state.active.as_ref().expect("active");
                let mut text = fill(step.ask.get(ctx.lang), |name| {
                    let s = d.step(name)?;
                    Some(self.display(ctx, s, a.answers.get(name)?, a.labels.get(name)))
                });
                for o in &opts {
                    if let Some(detail) = &o.detail {
                        text.push_str("\n\n");
                        text.push_str(detail);
                    }
                }
                if a.editing
                    && let Some(v) = a.answers.get(id)
                {
                    let shown = self.display(ctx, &step, v, a.labels.get(id));
                    text.push('\n');
                    text.push_str(&ctx.t("current-answer", &[("value", shown.into())]));
                }
                let mut choices = buttons(seq, id, &opts);
                if step.optional {
                    // A button like the others (it carries the question's number); typed,
                    // it is the command.
                    choices.push(Choice {
                        label: ctx.t("skip", &[]),
                        data: format!("{seq}|{id}=-"),
                        key: Some(match ctx.lang {
                            Lang::Vi => "/boqua".into(),
                            Lang::En => "/skip".into(),
                        }),
                    });
                }
                Ok(Reply {
                    text,
                    choices,
                    ask_contact: (step.kind == Kind::Phone).then(|| ctx.t("share-contact", &[])),
                    files: vec![],
                })
            }
        }
    }

    /// The answered questions in order, as (label, value) for the summary.
    fn summary(&self, ctx: &Ctx<'_>, state: &ChatState) -> Vec<(String, String)> {
        let (Some(d), Some(a)) = (self.dialogue(state), state.active.as_ref()) else {
            return vec![];
        };
        d.steps
            .iter()
            .filter_map(|s| {
                let v = a.answers.get(&s.id)?;
                Some((
                    s.label.get(ctx.lang).to_string(),
                    self.display(ctx, s, v, a.labels.get(&s.id)),
                ))
            })
            .collect()
    }

    fn display(&self, ctx: &Ctx<'_>, step: &Step, v: &Value, label: Option<&Value>) -> String {
        if let Some(Value::String(l)) = label {
            return l.clone();
        }
        match (step.kind, v) {
            (_, Value::Null) => ctx.t("skipped", &[]),
            (Kind::Choice, Value::String(s)) => step
                .options
                .iter()
                .find(|o| o.value == *s)
                .map(|o| o.label.get(ctx.lang).to_string())
                .unwrap_or_else(|| s.clone()),
            (Kind::Date | Kind::Day, Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(format_date)
                .unwrap_or_else(|_| s.clone()),
            (Kind::Phone, Value::String(s)) => Phone::parse(s)
                .map(|p| p.local())
                .unwrap_or_else(|_| s.clone()),
            (Kind::YesNo, Value::Bool(b)) => ctx.t(if *b { "yes" } else { "no" }, &[]),
            (_, Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        }
    }

    fn confirm_options(&self, ctx: &Ctx<'_>) -> Vec<Opt> {
        [
            (
                "yes",
                "confirm-yes",
                &["co", "dong y", "xac nhan", "ok", "yes", "luu"][..],
            ),
            ("edit", "confirm-edit", &["sua", "edit", "thay doi"][..]),
            ("cancel", "confirm-cancel", &["huy", "cancel", "khong"][..]),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (value, msg, aliases))| Opt {
            value: value.into(),
            label: ctx.t(msg, &[]),
            key: (i + 1).to_string(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            detail: None,
        })
        .collect()
    }

    fn edit_options(&self, ctx: &Ctx<'_>, state: &ChatState) -> Vec<Opt> {
        let (Some(d), Some(a)) = (self.dialogue(state), state.active.as_ref()) else {
            return vec![];
        };
        d.steps
            .iter()
            .filter(|s| a.answers.contains_key(&s.id))
            .enumerate()
            .map(|(i, s)| Opt {
                value: s.id.clone(),
                label: s.label.get(ctx.lang).to_string(),
                key: (i + 1).to_string(),
                aliases: vec![],
                detail: None,
            })
            .collect()
    }

    async fn options(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut Tx,
        step: &Step,
        answers: &Map<String, Value>,
    ) -> Result<Vec<Opt>, EngineError> {
        match step.source {
            None => Ok(step
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| Opt {
                    value: o.value.clone(),
                    label: o.label.get(ctx.lang).to_string(),
                    key: (i + 1).to_string(),
                    aliases: o.aliases.clone(),
                    detail: None,
                })
                .collect()),
            Some(source) => {
                // Lists are numbered by position, like every other choice; a record's own
                // number is typed with its "#" ("#12"), or comes with a command ("/duyet 12").
                let mut opts = super::sources::options(source, ctx, tx, answers).await?;
                for (i, o) in opts.iter_mut().enumerate() {
                    o.key = (i + 1).to_string();
                }
                Ok(opts)
            }
        }
    }

    /// Parses an answer by the step's kind into its stored form (and, for lists, the label
    /// it reads back as).
    async fn parse_answer(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut Tx,
        step: &Step,
        input: &Input,
        answers: &Map<String, Value>,
        answers_dialogue: &str,
    ) -> Result<Result<(Value, Option<String>), Refusal>, EngineError> {
        let typed = match input {
            Input::Typed(t) | Input::Exact(t) => t.as_str(),
            Input::File(f) if step.kind == Kind::Document => {
                let v = serde_json::to_value(f).map_err(anyhow::Error::from)?;
                return Ok(Ok((v, Some(format!("📎 {}", f.name)))));
            }
            Input::File(_) => return Ok(Err(Refusal("err-unsupported", vec![]))),
        };
        let s = |v: String| Ok((Value::String(v), None));
        Ok(match step.kind {
            Kind::Document => Err(Refusal("err-need-file", vec![])),
            Kind::Money => match Money::parse(typed) {
                Err(e) => Err(e.into()),
                Ok(m) => {
                    // "Support requested" cannot be more than the total cost.
                    let cap = step.at_most.as_ref().and_then(|id| {
                        let cap = answers.get(id)?.as_i64()?;
                        let label = self
                            .dialogue_of(answers_dialogue)?
                            .step(id)?
                            .label
                            .get(ctx.lang)
                            .to_string();
                        Some((cap, label))
                    });
                    match cap {
                        Some((cap, label)) if m.get() > cap => Err(Refusal(
                            "err-money-above",
                            vec![
                                ("what", label.into()),
                                (
                                    "max",
                                    Money::try_from(cap)
                                        .map(|c| c.to_string())
                                        .unwrap_or_default()
                                        .into(),
                                ),
                            ],
                        )),
                        _ => Ok((Value::from(m.get()), Some(m.to_string()))),
                    }
                }
            },
            Kind::Choice => {
                let opts = self.options(ctx, tx, step, answers).await?;
                match pick(input, &opts) {
                    Ok(i) => {
                        let o = &opts[i];
                        let label = step
                            .source
                            .map(|_| o.detail.clone().unwrap_or_else(|| o.label.clone()));
                        Ok((Value::String(o.value.clone()), label))
                    }
                    Err(r) => Err(r),
                }
            }
            Kind::Text if step.check == Some(Check::JoinCode) => {
                let code: String = typed
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
                    .to_uppercase();
                match groups::by_code(tx, &code).await? {
                    Some(g)
                        if g.commune_id == ctx.commune.id && g.status == GroupStatus::Forming =>
                    {
                        Ok((
                            Value::String(code),
                            Some(format!("{} ({})", g.name, g.join_code)),
                        ))
                    }
                    Some(g) if g.commune_id == ctx.commune.id => {
                        Err(Refusal("err-group-closed", vec![("name", g.name.into())]))
                    }
                    _ => Err(Refusal("err-join-code", vec![])),
                }
            }
            Kind::Text if step.check == Some(Check::TimeOfDay) => {
                match crate::domain::parse_time(typed) {
                    Some(t) => s(t.format("%H:%M").to_string()),
                    None => Err(Refusal("err-time", vec![])),
                }
            }
            Kind::Text => FreeText::parse(typed, TEXT_MAX)
                .map_err(Refusal::from)
                .and_then(|t| s(t.into())),
            Kind::Name => PersonName::parse(typed)
                .map_err(Refusal::from)
                .and_then(|n| s(n.into())),
            Kind::Phone => Phone::parse(typed)
                .map_err(Refusal::from)
                .and_then(|p| s(p.into())),
            Kind::Cccd => Cccd::parse(typed)
                .map_err(Refusal::from)
                .and_then(|c| s(c.into())),
            Kind::Day => match crate::domain::input::parse_day(typed) {
                Err(e) => Err(e.into()),
                Ok(d) => s(d.format("%Y-%m-%d").to_string()),
            },
            Kind::Date => match PastDate::parse(typed, ctx.today) {
                Err(e) => Err(e.into()),
                Ok(PastDate(d)) => match step.check {
                    Some(Check::EscapeWindow)
                        if !ctx.rules.escape_window().is_open(d, ctx.today) =>
                    {
                        let w = ctx.rules.escape_window();
                        Err(Refusal(
                            "err-escape-expired",
                            vec![
                                ("months", i64::from(w.months).into()),
                                (
                                    "last",
                                    format_date(w.ends_on(d).pred_opt().unwrap_or(d)).into(),
                                ),
                            ],
                        ))
                    }
                    _ => s(d.format("%Y-%m-%d").to_string()),
                },
            },
            Kind::Number => match parse_integer(typed) {
                Err(e) => Err(e.into()),
                Ok(n) => {
                    let (min, max) = (step.min.unwrap_or(0), step.max.unwrap_or(i64::MAX));
                    if n < min || n > max {
                        Err(InputError::Range { min, max }.into())
                    } else {
                        Ok((Value::from(n), None))
                    }
                }
            },
            Kind::YesNo => match fold(typed).as_str() {
                "co" | "c" | "yes" | "y" | "dong y" | "ok" | "1" => Ok((Value::Bool(true), None)),
                "khong" | "k" | "no" | "n" | "2" => Ok((Value::Bool(false), None)),
                _ => Err(Refusal("err-yes-no", vec![])),
            },
        })
    }

    fn menu(&self, ctx: &Ctx<'_>, note: Option<&str>) -> Reply {
        self.menu_with(ctx, note.map(|n| ctx.t(n, &[])))
    }

    /// The greeting and the tasks this person may start, as buttons.
    fn menu_with(&self, ctx: &Ctx<'_>, note: Option<String>) -> Reply {
        let mut text = note.map(|n| n + "\n").unwrap_or_default();
        text.push_str(&ctx.t(
            "menu",
            &[
                ("name", ctx.person.display_name.clone().into()),
                ("commune", ctx.commune.name.clone().into()),
            ],
        ));
        let mut choices: Vec<Choice> = self
            .dialogues
            .list
            .iter()
            .filter(|d| self.allowed(ctx, d))
            .map(|d| Choice {
                label: d.title.get(ctx.lang).to_string(),
                data: command_for(d, ctx.lang),
                key: None,
            })
            .collect();
        choices.push(Choice {
            label: ctx.t("help-title", &[]),
            data: match ctx.lang {
                Lang::Vi => "/trogiup".into(),
                Lang::En => "/help".into(),
            },
            key: None,
        });
        Reply {
            text,
            choices,
            ..Reply::default()
        }
    }

    /// Commands for a platform's command menu, in `lang`: the tasks, then the built-ins.
    pub fn command_menu(&self, lang: Lang) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .dialogues
            .list
            .iter()
            .map(|d| (command_for(d, lang), d.title.get(lang).to_string()))
            .collect();
        let builtins = match lang {
            Lang::Vi => [
                ("/huy", "menu-cancel"),
                ("/quaylai", "menu-back"),
                ("/trogiup", "help-title"),
                ("/lang", "menu-lang"),
            ],
            Lang::En => [
                ("/cancel", "menu-cancel"),
                ("/back", "menu-back"),
                ("/help", "help-title"),
                ("/lang", "menu-lang"),
            ],
        };
        for (c, id) in builtins {
            out.push((c.to_string(), self.texts.get(lang, id, &[])));
        }
        out
    }

    fn help(&self, ctx: &Ctx<'_>) -> Reply {
        let mut text = ctx.t("help", &[]);
        for d in self.dialogues.list.iter().filter(|d| self.allowed(ctx, d)) {
            text.push_str(&format!(
                "\n{} – {}",
                command_for(d, ctx.lang),
                d.title.get(ctx.lang)
            ));
        }
        Reply::text(text)
    }
}

/// The dialogue's command in the user's language: the first is Vietnamese, the second English.
fn command_for(d: &Dialogue, lang: Lang) -> String {
    match lang {
        Lang::En if d.commands.len() > 1 => d.commands[1].clone(),
        _ => d.commands[0].clone(),
    }
}

enum Input {
    Typed(String),
    /// A button's value: matched exactly, never by number.
    Exact(String),
    File(crate::message::FileRef),
}

fn buttons(seq: u32, question: &str, opts: &[Opt]) -> Vec<Choice> {
    opts.iter()
        .map(|o| Choice {
            label: o.label.clone(),
            data: format!("{seq}|{question}={}", o.value),
            key: Some(o.key.clone()),
        })
        .collect()
}

/// Which option the user meant: its number, its words (case and diacritics aside), an alias,
/// or a part of its words that fits one option only.
fn pick(input: &Input, opts: &[Opt]) -> Result<usize, Refusal> {
    let typed = match input {
        Input::Exact(v) => {
            return opts
                .iter()
                .position(|o| o.value == *v)
                .ok_or(Refusal("err-stale-button", vec![]));
        }
        Input::Typed(t) => t,
        Input::File(_) => return Err(Refusal("err-unsupported", vec![])),
    };
    let f = fold(typed);
    let f = f.trim_end_matches(['.', '!']).trim();
    if f.is_empty() {
        return Err(Refusal("err-empty", vec![]));
    }
    // "#12" names a record by its own number.
    if let Some(id) = f.strip_prefix('#') {
        let id = id.trim();
        return opts
            .iter()
            .position(|o| o.value == id)
            .ok_or(Refusal("err-choice", vec![]));
    }
    // A plain number is a position in the list, never a database id.
    if let Some(i) = opts.iter().position(|o| o.key == f) {
        return Ok(i);
    }
    let numeric = f.chars().all(|c| c.is_ascii_digit());
    let exact = |o: &Opt| {
        fold(&o.label) == f || (!numeric && o.value == f) || o.aliases.iter().any(|a| a == f)
    };
    if let Some(i) = opts.iter().position(exact) {
        return Ok(i);
    }
    if f.chars().count() >= 2 && !f.chars().all(|c| c.is_ascii_digit()) {
        let hits: Vec<usize> = opts
            .iter()
            .enumerate()
            .filter(|(_, o)| fold(&o.label).contains(f))
            .map(|(i, _)| i)
            .collect();
        match hits[..] {
            [i] => return Ok(i),
            [] => {}
            _ => return Err(Refusal("err-choice-ambiguous", vec![])),
        }
    }
    Err(Refusal("err-choice", vec![]))
}

/// Replaces `{name}` with `value(name)`; unknown names stay as written.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
