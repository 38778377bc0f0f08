//! What an action hands back to the engine: replies, notices to other people, and perhaps
//! another dialogue to go on with.

use serde_json::{Map, Value};

use crate::dialogue::ctx::Ctx;
use crate::domain::Role;
use crate::message::Reply;
use crate::store::groups::Group;
use crate::store::{Tx, persons};
use crate::text::Arg;

/// What an action produced: replies to the user, notices to other people, and perhaps a
/// dialogue to go on with.
#[derive(Default)]
pub struct Outcome {
    pub replies: Vec<Reply>,
    pub notices: Vec<Notice>,
    /// Messages to one account of a person rather than wherever the person is reached: the
    /// accounts that linking or unlinking concerns.
    pub to_accounts: Vec<AccountNotice>,
    pub then: Option<Then>,
    /// The action refused, but the answers are worth keeping: the person goes back to the
    /// summary (or the last question) to change what was wrong, rather than start again.
    pub retry: bool,
    /// Without a summary: the question to go back to (default: the last one).
    pub retry_from: Option<&'static str>,
}

impl Outcome {
    pub fn reply(text: String) -> Outcome {
        Outcome {
            replies: vec![Reply::text(text)],
            ..Outcome::default()
        }
    }

    /// A refusal that keeps the answers for another try.
    pub fn retry(text: String) -> Outcome {
        Outcome {
            retry: true,
            ..Outcome::reply(text)
        }
    }
}

/// Another dialogue to start, with answers (and how they read back) filled in.
pub struct Then {
    pub dialogue: String,
    pub answers: Map<String, Value>,
    pub labels: Map<String, Value>,
}

/// A message to another person, written in their language when it is queued.
pub struct Notice {
    pub person_id: i64,
    pub message: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// A message to one chat, written in the language of the person behind it.
pub struct AccountNotice {
    pub channel: String,
    pub chat_id: String,
    pub notice: Notice,
}

/// Notices to everyone holding `role` in the commune.
pub(super) async fn tell_role(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    role: Role,
    message: &'static str,
    args: &[(&'static str, Arg)],
) -> sqlx::Result<Vec<Notice>> {
    Ok(persons::with_role(tx, ctx.commune.id, role)
        .await?
        .into_iter()
        .filter(|&p| p != ctx.person.id)
        .map(|person_id| Notice {
            person_id,
            message,
            args: args.to_vec(),
        })
        .collect())
}

/// Notices to whoever is told what a group's leader is told (`Group::leaders`), but the
/// person acting.
pub(super) fn tell_leaders(
    ctx: &Ctx<'_>,
    g: &Group,
    message: &'static str,
    args: &[(&'static str, Arg)],
) -> Vec<Notice> {
    g.leaders()
        .into_iter()
        .filter(|&p| p != ctx.person.id)
        .map(|person_id| Notice {
            person_id,
            message,
            args: args.to_vec(),
        })
        .collect()
}
