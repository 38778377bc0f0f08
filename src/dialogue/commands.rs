//! The commands: the built-in ones that work everywhere (/start, /huy, /quaylai, /trogiup,
//! /lang, /boqua), those that start a dialogue (linking accounts and taking an invite also in
//! the middle of another), and a task named in words.

use super::actions::commune::{self, Moved};
use super::actions::{invites, links};
use super::choice::Refusal;
use super::error::EngineError;
use super::offer::allowed;
use super::render;
use super::turn::{Said, Turn};
use super::{Action, Dialogue};
use crate::domain::Access;
use crate::domain::HouseholdStatus;
use crate::domain::communes::is_code;
use crate::domain::invites::parse_code as invite_code;
use crate::message::{Choice, Reply};
use crate::store::communes::{self, Commune};
use crate::store::{groups, households, persons};
use crate::text::{Arg, Lang, fold};

impl Turn<'_> {
    pub(super) async fn command(&mut self, text: &str) -> Result<(), EngineError> {
        let (word, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let args = args.trim();
        let folded = fold(word);
        // In group chats Telegram appends the bot's name: "/dangky@giamngheo_bot".
        let cmd = folded.split('@').next().unwrap_or("");
        let active = self.state.active.is_some();
        let dialogues = self.dialogues;
        match cmd {
            "/start" | "/menu" => {
                // A commune's link t.me/<bot>?start=tan-cuong, for someone already in one. Its
                // code is public and may read like a join code or an invite: matched first.
                if cmd == "/start"
                    && !args.is_empty()
                    && let Some(c) = communes::all(self.tx)
                        .await?
                        .into_iter()
                        .find(|c| is_code(args, &c.code))
                {
                    return self.commune_link(c).await;
                }
                // A Telegram link t.me/<bot>?start=CODE carries a group's join code or an
                // invite; codes of both have one shape, so a code that is no group's of the
                // commune is taken as an invite (and counted against its tries if wrong). An
                // invite gives a role also in the middle of a task.
                if cmd == "/start"
                    && let Some(code) = invite_code(args)
                    && groups::by_code(self.tx, &code)
                        .await?
                        .is_none_or(|g| g.commune_id != self.ctx.commune.id)
                {
                    return self.take_invite(args).await;
                }
                if active && cmd == "/start" && !args.is_empty() {
                    // A join link opened in the middle of a task: neither is lost unasked.
                    return self.offer_join(text).await;
                }
                if active {
                    return self.reprompt(Some("busy")).await;
                }
                // A deep link t.me/<bot>?start=CODE carries a group's join code.
                let join = dialogues
                    .list
                    .iter()
                    .find(|d| d.action == super::Action::JoinGroup);
                let code: String = args.chars().filter(|c| c.is_alphanumeric()).collect();
                let is_group = match join {
                    Some(_) if cmd == "/start" && !code.is_empty() => {
                        groups::by_code(self.tx, &code.to_uppercase())
                            .await?
                            .is_some_and(|g| g.commune_id == self.ctx.commune.id)
                    }
                    _ => false,
                };
                match join {
                    Some(d) if is_group && allowed(&self.ctx, d) => {
                        return self.start(d, args).await;
                    }
                    // Any other start code (an invite, later) opens the menu for now.
                    _ => self.say_menu(None),
                }
            }
            "/huy" | "/cancel" => {
                // Cancelling a change from the summary drops the change, not the answers.
                if let Some(a) = self.state.active.as_mut()
                    && a.cancel_change()
                {
                    return self.reprompt(Some("edit-cancelled")).await;
                }
                let id = if active {
                    "cancelled"
                } else {
                    "nothing-to-cancel"
                };
                self.state.active = None;
                self.say_note(id);
            }
            "/quaylai" | "/back" => {
                if !active {
                    self.say_note("nothing-to-go-back");
                } else {
                    return self.back().await;
                }
            }
            "/trogiup" | "/help" => {
                if active {
                    let help = self
                        .current_step()
                        .and_then(|s| s.help.as_ref())
                        .map(|h| self.ctx.l(h))
                        .unwrap_or_else(|| self.ctx.t("help-step", &[]));
                    let mut r = self.prompt().await?;
                    r.text = format!("{help}\n\n{}", r.text);
                    self.out.replies.push(r);
                } else {
                    self.out.replies.push(render::help(&self.ctx, dialogues));
                }
            }
            "/lang" | "/ngonngu" => {
                let lang = Lang::parse(args).unwrap_or(match self.ctx.lang {
                    Lang::Vi => Lang::En,
                    Lang::En => Lang::Vi,
                });
                persons::set_lang(self.tx, self.ctx.person.id, lang.code()).await?;
                self.ctx.lang = lang;
                if active {
                    return self.reprompt(Some("lang-set")).await;
                }
                self.say_note("lang-set");
            }
            "/boqua" | "/skip" => {
                if !active {
                    self.say_note("nothing-to-skip");
                } else {
                    return self.answer(Said::Text("-".into())).await;
                }
            }
            _ => match dialogues.by_command(cmd) {
                Some(d) if d.action == Action::LinkAccounts && allowed(&self.ctx, d) => {
                    return self.link(d, args).await;
                }
                // "/moi CODE" takes an invite, whoever types it: the code is the permission.
                // Words that are no code answer the first question, for those who invite.
                Some(d)
                    if d.action == Action::Invite
                        && !args.is_empty()
                        && (invite_code(args).is_some() || !allowed(&self.ctx, d)) =>
                {
                    return self.take_invite(args).await;
                }
                Some(d) if active => {
                    let a = self.state.active.as_ref();
                    let same = a.is_some_and(|a| a.dialogue == d.id);
                    let at_first = a.is_some_and(|a| a.history.is_empty());
                    if same && at_first && !args.is_empty() {
                        // "/thamgia ABC123" while the code is being asked: that is the answer.
                        let said = Said::Text(self.record_number(args));
                        return self.answer(said).await;
                    }
                    if !same && d.action == Action::JoinGroup && !args.is_empty() {
                        return self.offer_join(text).await;
                    }
                    let note = if same { None } else { Some("busy") };
                    return self.reprompt(note).await;
                }
                // "/moi" alone from someone who cannot invite: they were given a code, most
                // likely, and need to know how to type it.
                Some(d) if d.action == Action::Invite && !allowed(&self.ctx, d) => {
                    self.say_note("invite-code-format")
                }
                Some(d) if !allowed(&self.ctx, d) => self.say_menu(Some("err-not-allowed")),
                Some(d) => return self.start(d, args).await,
                None if active => {
                    return self.refuse(Refusal("err-unknown-command", vec![])).await;
                }
                None => self.say_menu(Some("err-unknown-command")),
            },
        }
        Ok(())
    }

    /// `/lienket` gives a code, `/lienket K7MXQ2PA` takes one. Both work in the middle of another
    /// task, which goes on afterwards (its question is asked again under the answer): linking
    /// an account must not cost the registration under way. Without a task under way,
    /// `/lienket` goes on to the linked accounts, to unlink one or choose where notices go.
    pub(super) async fn link(&mut self, d: &Dialogue, args: &str) -> Result<(), EngineError> {
        let in_link = self
            .state
            .active
            .as_ref()
            .is_some_and(|a| a.dialogue == d.id);
        let text = if args.is_empty() {
            links::issue(&self.ctx, self.tx).await?
        } else {
            let r = links::redeem(&self.ctx, self.tx, args).await?;
            self.out.to_accounts.extend(r.to_accounts);
            // The list on screen was of the person this account no longer is.
            if r.joined && in_link {
                self.state.active = None;
            }
            r.text
        };
        if args.is_empty() && (in_link || self.state.active.is_none()) {
            self.out.replies.push(Reply::text(text));
            return self.start(d, "").await;
        }
        if self.state.active.is_none() {
            self.out.replies.push(Reply::text(text));
            return Ok(());
        }
        let mut r = self.prompt().await?;
        r.text = format!("{text}\n\n{}", r.text);
        self.out.replies.push(r);
        Ok(())
    }

    /// A join link or code in the middle of a task: offers to leave the task for it, unless
    /// the person has no household to join with (likely the very registration under way,
    /// which leaving would lose for nothing).
    async fn offer_join(&mut self, command: &str) -> Result<(), EngineError> {
        let has_household = households::registered_by(self.tx, self.ctx.person.id)
            .await?
            .iter()
            .any(|h| h.status != HouseholdStatus::Rejected);
        if !has_household {
            return self.reprompt(Some("switch-no-household")).await;
        }
        self.offer_switch(command.to_string(), None)
    }

    /// Asks whether to leave the task under way for `command` (a join link opened, a code
    /// typed); the answer is taken at the next message (`Turn::step`).
    pub(super) fn offer_switch(
        &mut self,
        command: String,
        note: Option<&str>,
    ) -> Result<(), EngineError> {
        let task = self
            .state
            .active
            .as_ref()
            .and_then(|a| self.dialogues.get(&a.dialogue))
            .map(|d| self.ctx.l(&d.title))
            .unwrap_or_default();
        let mut text = self.ctx.t("switch-ask", &[("task", task.into())]);
        if let Some(n) = note {
            text = format!("{}\n{text}", self.ctx.t(n, &[]));
        }
        let choice = |id: &str, data: &str, key: &str| Choice {
            label: self.ctx.t(id, &[]),
            data: data.to_string(),
            key: Some(key.to_string()),
        };
        let reply = Reply {
            text,
            choices: vec![choice("yes", "co", "1"), choice("no", "khong", "2")],
            ..Reply::default()
        };
        self.out.replies.push(reply);
        self.state.switch = Some(command);
        Ok(())
    }

    /// `/moi CODE` or `/start CODE`: takes an invite. In the middle of a task, the task goes on
    /// (its question is asked again under the answer); otherwise the menu follows, with what
    /// a role just taken allows.
    pub(super) async fn take_invite(&mut self, typed: &str) -> Result<(), EngineError> {
        let r = invites::take(&self.ctx, self.tx, typed).await?;
        self.out.notices.extend(r.notices);
        if r.moved {
            // In another commune now: its menu comes with the next message.
            self.state.active = None;
            self.state.switch = None;
            self.out.replies.push(Reply::text(r.text));
            return Ok(());
        }
        if r.taken {
            let grants = persons::grants(self.tx, self.ctx.person.id).await?;
            self.ctx.access = Access::new(grants);
        }
        if self.state.active.is_none() {
            let reply = if r.taken {
                render::menu_with(&self.ctx, self.dialogues, Some(r.text))
            } else {
                Reply::text(r.text)
            };
            self.out.replies.push(reply);
            return Ok(());
        }
        let mut reply = self.prompt().await?;
        reply.text = format!("{}\n\n{}", r.text, reply.text);
        self.out.replies.push(reply);
        Ok(())
    }

    /// A commune's link opened by someone who has a commune already: they move there if they
    /// have nothing where they are (see `actions::commune`), else they are told why not.
    async fn commune_link(&mut self, to: Commune) -> Result<(), EngineError> {
        let ctx = &self.ctx;
        let args = |what: String| {
            vec![
                ("commune", Arg::from(ctx.commune.name.clone())),
                ("other", to.name.clone().into()),
                ("province", to.province.clone().into()),
                ("what", what.into()),
            ]
        };
        let moved = commune::move_person(self.tx, ctx.person.id, &to, ctx.who(), ctx.now).await?;
        let text = match moved {
            Moved::Same => {
                let note = ctx.t("commune-same", &args(String::new()));
                let r = render::menu_with(ctx, self.dialogues, Some(note));
                self.out.replies.push(r);
                return Ok(());
            }
            Moved::Done => {
                self.state.active = None;
                self.state.switch = None;
                ctx.t("commune-moved", &args(String::new()))
            }
            Moved::Held(h) => {
                let what = commune::holdings(ctx.texts, ctx.lang, &h);
                ctx.t("commune-held", &args(what))
            }
        };
        self.out.replies.push(Reply::text(text));
        Ok(())
    }

    /// Words after a command ("/duyet 12") that are a number name a record ("#12"), not a
    /// position in a list the user has not seen; for any other question they are the answer.
    pub(super) fn record_number(&self, args: &str) -> String {
        let records = self.current_step().is_some_and(|s| s.source.is_some());
        if records && !args.is_empty() && args.chars().all(|c| c.is_ascii_digit()) {
            format!("#{args}")
        } else {
            args.to_string()
        }
    }
}
