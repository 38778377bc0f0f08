//! A newcomer's commune, when the database holds several real communes and the settings name
//! none: the province (when there are several), then the commune, chosen from a numbered list
//! (buttons on Telegram) or by typing part of the name without diacritics. A commune's code
//! (a link `t.me/<bot>?start=CODE`, or the code typed) and an invite carry their commune and
//! skip the question; so does a group's join code.
//!
//! Nobody is created until the commune is known: the question's state lives in the chat's
//! conversation (`ChatState::arriving`), which is pruned with idle conversations. A person row
//! with no commune would have to be excluded from every query that counts or lists a
//! commune's people, and a person created in a guessed commune would have to be moved; a
//! newcomer who never answers leaves nothing behind but the conversation. What they said
//! first is kept there too, and handled once they are in their commune, so a `/dangky` sent
//! first starts the registration after the choice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::communes::{Found, is_code, search, typed_form};
use crate::domain::invites::{self as invite_codes, State, WRONG_TRIES};
use crate::domain::typed_code;
use crate::message::{Choice, Content, Inbound, Reply};
use crate::store::communes::Commune;
use crate::store::{Tx, groups, invites};
use crate::text::{Arg, Lang, Texts, fold};

/// More options than this are not listed: the person types part of the name instead.
const LIST_MAX: usize = 10;
/// What was said first is kept to be handled after the choice only when it is this short: a
/// command or a task's name, not a 100 KB line.
const FIRST_MAX: usize = 200;

/// A newcomer choosing their commune.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Arriving {
    /// The province chosen, when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    province: Option<String>,
    /// What the newcomer said first (or the last command since), handled once they are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first: Option<String>,
    /// What the numbers of the list last shown stand for: province names, or commune ids.
    #[serde(default)]
    listed: Vec<String>,
    /// The language chosen with /lang before the person exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
    /// Codes looked up that were nobody's. Without a person there are no wrong tries to count
    /// in the audit log; past the limit no code is looked up any more, so the question cannot
    /// be used to test codes (the code is tried again, and counted, once the person is in).
    #[serde(default)]
    tries: i64,
}

/// Where the newcomer stands after this message.
pub(super) enum Arrival {
    /// They belong in `commune`: create them there and handle `replay` as their message,
    /// with `note` (where they are now) above its first reply.
    In {
        commune: Commune,
        replay: Content,
        note: String,
        lang: Lang,
    },
    /// Still choosing: this reply asks.
    Asking(Reply),
}

/// Steps a newcomer's choice by one message. `communes` are the real communes (several).
pub(super) async fn arrive(
    tx: &mut Tx,
    texts: &Texts,
    msg: &Inbound,
    pending: &mut Option<Arriving>,
    communes: &[Commune],
    now: DateTime<Utc>,
) -> sqlx::Result<Arrival> {
    let fresh = pending.is_none();
    let a = pending.get_or_insert_with(Arriving::default);
    let lang = a
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .or(msg.lang_hint)
        .unwrap_or_default();
    let mut q = Question {
        texts,
        lang,
        communes,
        a,
    };
    let said = match &msg.content {
        // Control characters never belong in a name or a code, nor in what is kept.
        Content::Text(t) => t
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string(),
        Content::Choice(data) => {
            if let Some(id) = data.strip_prefix("xa:") {
                let found = communes.iter().find(|c| c.id.to_string() == id);
                if let Some(c) = found {
                    return Ok(q.chosen(c, None));
                }
                return Ok(q.ask(Some(q.t("arrive-stale", &[]))));
            }
            if let Some(i) = data.strip_prefix("tinh:") {
                let provinces = q.provinces();
                if let Some(p) = i.parse::<usize>().ok().and_then(|i| provinces.get(i)) {
                    let p = p.to_string();
                    return Ok(q.take_province(p));
                }
                return Ok(q.ask(Some(q.t("arrive-stale", &[]))));
            }
            // A menu's button ("/dangky") reads as typed.
            data.trim().to_string()
        }
        _ => return Ok(q.ask(Some(q.t("arrive-text-only", &[])))),
    };
    if said.starts_with('/') {
        return q.command(tx, &said, fresh, now).await;
    }
    // A commune's code typed (on Zalo, the console) puts the newcomer there at once.
    if let Some(c) = communes.iter().find(|c| is_code(&said, &c.code)) {
        return Ok(q.chosen(c, None));
    }
    if fresh {
        // The first message may name the commune outright ("tan cuong" from a poster); if it
        // is anything else it is kept, and handled after the choice.
        let names: Vec<&str> = communes.iter().map(|c| c.name.as_str()).collect();
        if let Found::One(i) = search(&said, names) {
            return Ok(q.chosen(&communes[i], None));
        }
        if q.at_province() {
            let provinces = q.provinces();
            if let Found::One(i) = search(&said, provinces.iter().copied()) {
                return Ok(q.take_province(provinces[i].to_string()));
            }
        }
        q.remember(&said);
        return Ok(q.ask(None));
    }
    Ok(q.answer(&said))
}

/// The question being asked, and what answers it.
struct Question<'a> {
    texts: &'a Texts,
    lang: Lang,
    communes: &'a [Commune],
    a: &'a mut Arriving,
}

impl<'a> Question<'a> {
    fn t(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.texts.get(self.lang, id, args)
    }

    /// The provinces of the communes, in order.
    fn provinces(&self) -> Vec<&'a str> {
        let mut out: Vec<&str> = self.communes.iter().map(|c| c.province.as_str()).collect();
        out.sort_by_key(|p| fold(p));
        out.dedup();
        out
    }

    /// The communes the person chooses among now: the province's, or all in one province.
    fn in_province(&self) -> Vec<&'a Commune> {
        let p = self.a.province.as_deref();
        let provinces = self.provinces();
        self.communes
            .iter()
            .filter(|c| match p {
                Some(p) => c.province == p,
                None => provinces.len() == 1,
            })
            .collect()
    }

    /// Whether the province is asked now.
    fn at_province(&self) -> bool {
        self.a.province.is_none() && self.provinces().len() > 1
    }

    fn remember(&mut self, said: &str) {
        if said.chars().count() <= FIRST_MAX {
            self.a.first = Some(said.to_string());
        }
    }

    /// The newcomer is in `c`: what they said first is handled now (a code or a link is a
    /// greeting: the menu follows), unless `replay` says otherwise.
    fn chosen(&self, c: &Commune, replay: Option<String>) -> Arrival {
        let first = replay.or_else(|| self.a.first.clone());
        let replay = Content::Text(first.unwrap_or_else(|| "/start".into()));
        let note = self.t(
            "arrive-in",
            &[
                ("commune", c.name.clone().into()),
                ("province", c.province.clone().into()),
            ],
        );
        Arrival::In {
            commune: c.clone(),
            replay,
            note,
            lang: self.lang,
        }
    }

    fn take_province(&mut self, p: String) -> Arrival {
        self.a.province = Some(p);
        // A province with one commune has nothing to choose.
        if let [only] = self.in_province()[..] {
            return self.chosen(only, None);
        }
        self.ask(None)
    }

    /// A command before the commune is known. Codes of a commune, an invite or a group
    /// decide it; /lang and /quaylai work; any other command waits for the choice.
    async fn command(
        &mut self,
        tx: &mut Tx,
        said: &str,
        fresh: bool,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Arrival> {
        let (word, args) = said.split_once(char::is_whitespace).unwrap_or((said, ""));
        let args = args.trim();
        let folded = fold(word);
        let cmd = folded.split('@').next().unwrap_or("");
        match cmd {
            "/start" | "/moi" | "/invite" | "/thamgia" | "/join" if !args.is_empty() => {
                if let Some(c) = self.communes.iter().find(|c| is_code(args, &c.code)) {
                    return Ok(self.chosen(c, Some("/start".into())));
                }
                if let Some(commune_id) = self.code_commune(tx, args, now).await? {
                    // The code is taken as usual once the person is in its commune.
                    if let Some(c) = self.communes.iter().find(|c| c.id == commune_id) {
                        return Ok(self.chosen(c, Some(said.to_string())));
                    }
                }
                self.remember(said);
                let note = (!fresh).then(|| self.t("arrive-first", &[]));
                Ok(self.ask(note))
            }
            "/start" | "/menu" => Ok(self.ask(None)),
            "/lang" | "/ngonngu" => {
                let lang = Lang::parse(args).unwrap_or(match self.lang {
                    Lang::Vi => Lang::En,
                    Lang::En => Lang::Vi,
                });
                self.lang = lang;
                self.a.lang = Some(lang.code().to_string());
                Ok(self.ask(None))
            }
            "/quaylai" | "/back" if self.a.province.is_some() => {
                self.a.province = None;
                Ok(self.ask(None))
            }
            _ => {
                // "/dangky" first: the registration starts once the commune is chosen.
                if !matches!(
                    cmd,
                    "/huy" | "/cancel" | "/quaylai" | "/back" | "/trogiup" | "/help"
                ) {
                    self.remember(said);
                }
                let note = (!fresh).then(|| self.t("arrive-first", &[]));
                Ok(self.ask(note))
            }
        }
    }

    /// The commune of an invite still open, or of a group, whose code `typed` is.
    async fn code_commune(
        &mut self,
        tx: &mut Tx,
        typed: &str,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Option<i64>> {
        if self.a.tries >= WRONG_TRIES {
            return Ok(None);
        }
        // Only an invite that can still be taken says where its taker belongs.
        if let Some(code) = invite_codes::parse_code(typed)
            && let Some(i) = invites::find(tx, &code).await?
            && invite_codes::state(i.used_at, i.revoked_at, i.expires_at, now) == State::Open
        {
            return Ok(Some(i.commune_id));
        }
        for len in [6, invite_codes::CODE_LEN] {
            if let Some(code) = typed_code::parse_code(typed, len)
                && let Some(g) = groups::by_code(tx, &code).await?
            {
                return Ok(Some(g.commune_id));
            }
        }
        self.a.tries += 1;
        Ok(None)
    }

    /// A typed answer: a number of the list, or part of a name.
    fn answer(&mut self, said: &str) -> Arrival {
        if let Ok(n) = said.parse::<usize>() {
            let Some(value) = n.checked_sub(1).and_then(|i| self.a.listed.get(i)).cloned() else {
                let why = self.t("arrive-number", &[("n", n.into())]);
                return self.ask(Some(why));
            };
            if self.at_province() {
                return self.take_province(value);
            }
            if let Some(c) = self.communes.iter().find(|c| c.id.to_string() == value) {
                return self.chosen(c, None);
            }
            return self.ask(None);
        }
        if self.at_province() {
            let provinces: Vec<String> = self.provinces().iter().map(|p| p.to_string()).collect();
            match search(said, provinces.iter().map(String::as_str)) {
                Found::One(i) => return self.take_province(provinces[i].clone()),
                Found::Several(hits) => {
                    let listed = hits.iter().map(|&i| provinces[i].clone()).collect();
                    return self.narrowed(said, listed);
                }
                Found::Nothing => {}
            }
            // A commune named outright, whatever its province.
            let names: Vec<&str> = self.communes.iter().map(|c| c.name.as_str()).collect();
            if let Found::One(i) = search(said, names) {
                return self.chosen(&self.communes[i], None);
            }
            let why = self.t("arrive-no-province", &[("typed", said.into())]);
            return self.ask(Some(why));
        }
        let here = self.in_province();
        let names: Vec<&str> = here.iter().map(|c| c.name.as_str()).collect();
        match search(said, names) {
            Found::One(i) => self.chosen(here[i], None),
            Found::Several(hits) => {
                let listed = hits.iter().map(|&i| here[i].id.to_string()).collect();
                self.narrowed(said, listed)
            }
            Found::Nothing => {
                let why = self.t("arrive-no-commune", &[("typed", said.into())]);
                self.ask(Some(why))
            }
        }
    }

    /// Several names matched: those are listed, or, when still too many, more is asked for.
    fn narrowed(&mut self, said: &str, listed: Vec<String>) -> Arrival {
        let args = [("typed", Arg::from(said)), ("count", listed.len().into())];
        if listed.len() > LIST_MAX {
            let why = self.t("arrive-too-many", &args);
            return self.ask(Some(why));
        }
        let note = self.t("arrive-several", &args);
        self.a.listed = listed;
        self.show(note)
    }

    /// The question again, with the whole list (when short enough), under `note`.
    fn ask(&mut self, note: Option<String>) -> Arrival {
        let listed: Vec<String> = if self.at_province() {
            self.provinces().iter().map(|p| p.to_string()).collect()
        } else {
            self.in_province()
                .iter()
                .map(|c| c.id.to_string())
                .collect()
        };
        let question = self.question(listed.len() <= LIST_MAX);
        let text = match note {
            Some(n) => format!("{n}\n{question}"),
            None => question,
        };
        if listed.len() > LIST_MAX {
            self.a.listed = vec![];
            return Arrival::Asking(Reply::text(text));
        }
        self.a.listed = listed;
        self.show(text)
    }

    /// The question's wording: with a list to choose from, or asking for a name.
    fn question(&self, listing: bool) -> String {
        if self.at_province() {
            let id = if listing {
                "arrive-province"
            } else {
                "arrive-province-type"
            };
            return self.t(id, &[]);
        }
        let here = self.in_province();
        let province = here.first().map(|c| c.province.clone()).unwrap_or_default();
        let example = here
            .first()
            .map(|c| typed_form(&c.name))
            .unwrap_or_default();
        let id = if listing {
            "arrive-commune"
        } else {
            "arrive-commune-type"
        };
        self.t(
            id,
            &[("province", province.into()), ("example", example.into())],
        )
    }

    /// `text` with the listed options as numbered buttons.
    fn show(&self, text: String) -> Arrival {
        let provinces = self.provinces();
        let choices = self
            .a
            .listed
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let key = Some((i + 1).to_string());
                if self.at_province() {
                    let at = provinces.iter().position(|p| p == value).unwrap_or(0);
                    return Choice {
                        label: value.clone(),
                        data: format!("tinh:{at}"),
                        key,
                    };
                }
                let c = self.communes.iter().find(|c| c.id.to_string() == *value);
                Choice {
                    label: c.map(|c| c.name.clone()).unwrap_or_default(),
                    data: format!("xa:{value}"),
                    key,
                }
            })
            .collect();
        Arrival::Asking(Reply {
            text,
            choices,
            ..Reply::default()
        })
    }
}
