//! Who is talking, in which commune, with which roles, in which language, and when: what
//! an action or a question needs to know about the message being handled.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{Access, Capability, CommuneRules, Role};
use crate::store::audit::Who;
use crate::store::communes::Commune;
use crate::store::persons::Person;
use crate::text::{Arg, Lang, Texts};

/// Everything an action or a question needs to know about who is talking, and when.
pub struct Ctx<'a> {
    pub person: &'a Person,
    /// The account the message came from: the channel and the sender's id on it.
    pub channel: &'a str,
    pub sender_id: &'a str,
    pub commune: &'a Commune,
    pub rules: CommuneRules,
    /// What the person may do, and where (hamlet, organisation).
    pub access: Access,
    pub lang: Lang,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub texts: &'a Texts,
    /// The Telegram bot's username, when known: codes are also shown as links to it.
    pub telegram_bot: Option<&'a str>,
}

impl Ctx<'_> {
    /// The Telegram link that opens the bot with `code`, when the bot's name is known.
    pub fn start_link(&self, code: &str) -> Option<String> {
        self.telegram_bot
            .map(|bot| crate::present::telegram_link(bot, code))
    }

    pub fn t(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.texts.get(self.lang, id, args)
    }

    /// A dialogue file's text in the user's language and the commune's words.
    pub fn l(&self, text: &crate::text::Localized) -> String {
        self.texts.words(text.get(self.lang)).into_owned()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.access.has_role(role)
    }

    pub fn can(&self, cap: Capability) -> bool {
        self.access.can(cap)
    }

    /// This person on this channel, in this commune: who an audit entry names.
    pub fn who(&self) -> Who<'_> {
        Who {
            person: Some(self.person.id),
            channel: Some(self.channel),
            commune: self.commune.id,
        }
    }

    pub fn is_officer(&self) -> bool {
        self.access.is_officer()
    }

    /// The hamlets this person heads.
    pub fn head_of(&self) -> Vec<i64> {
        self.access.head_of()
    }

    /// A hamlet head reviews their own hamlet; the culture-social officer the whole commune;
    /// nobody a registration of their own.
    pub fn may_review(&self, h: &crate::store::households::Household) -> bool {
        h.commune_id == self.commune.id
            && self.access.reviews_hamlet(h.hamlet_id)
            && h.registered_by != self.person.id
    }
}
