//! One person on several channels: the code that links another account (`/lienket`), typing
//! it on that account (`/lienket K7MXQ2PA`), and changing the links afterwards (unlink an
//! account, choose where notices go). The person who asked for the code stays; the account
//! that types it joins them, with everything it had.

use serde::Deserialize;
use serde_json::json;

use super::outcome::{AccountNotice, Notice, Outcome};
use super::tries::{Limit, Standing};
use crate::dialogue::ctx::Ctx;
use crate::domain::links::{self, CODE_KEPT, CODE_VALID, Refusal, Side, TRIES_WINDOW, WRONG_TRIES};
use crate::store::links::{self as stored, Code};
use crate::store::persons::{self, Identity};
use crate::store::{Tx, audit};
use crate::text::Arg;

/// Audit actions; the limit's `wrong` rows are also what it counts.
const ISSUED: &str = "link_code_issued";
const LIMIT: Limit = Limit {
    wrong: "link_code_wrong",
    blocked: "link_code_blocked",
    max: WRONG_TRIES,
    window: TRIES_WINDOW,
};
const REFUSED: &str = "link_refused";
const JOINED: &str = "link_joined";
const ABSORBED: &str = "link_absorbed";
const UNLINKED: &str = "link_unlinked";
const SPLIT: &str = "link_split";
const NOTIFY: &str = "notify_channel_set";

#[derive(Deserialize)]
pub(super) struct ChangeInput {
    change: String,
}

/// What typing a code did.
pub(crate) struct Redeemed {
    /// What the person who typed it is told.
    pub text: String,
    /// The two accounts are one person now.
    pub joined: bool,
    /// The account that asked for the code, told what became of it.
    pub to_accounts: Vec<AccountNotice>,
}

/// "Telegram 5001": an account as people read it.
pub(super) fn account(ctx: &Ctx<'_>, channel: &str, sender_id: &str) -> String {
    let channel = ctx.t("link-channel", &[("channel", channel.into())]);
    ctx.t(
        "link-account",
        &[("channel", channel.into()), ("id", sender_id.into())],
    )
}

/// An account named in an option: short and fixed in length, so it fits in a button's data
/// whatever the platform's ids look like.
fn account_key(channel: &str, sender_id: &str) -> String {
    stored::hash(format!("{channel}\n{sender_id}"))[..12].to_string()
}

fn is_current(ctx: &Ctx<'_>, i: &Identity) -> bool {
    i.channel == ctx.channel && i.sender_id == ctx.sender_id
}

/// A new code for the person, replacing any code of theirs not used yet; the reply says it.
pub(crate) async fn issue(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<String> {
    let me = ctx.person.id;
    stored::forget_expired(tx, ctx.now - CODE_KEPT).await?;
    stored::revoke_unused(tx, me).await?;
    let expires_at = ctx.now + CODE_VALID;
    let mut code = None;
    // A kept code with the same digits is rare (a few hundred of a million at most); a few
    // draws always find a free one.
    for _ in 0..20 {
        let c = links::new_code()?;
        if stored::insert(tx, &c, me, ctx.channel, ctx.sender_id, ctx.now, expires_at).await? {
            code = Some(c);
            break;
        }
    }
    let code = code.ok_or_else(|| anyhow::anyhow!("no free link code in 20 draws"))?;
    audit::record(
        tx,
        ctx.who(),
        ISSUED,
        "person",
        me,
        &json!({ "channel": ctx.channel, "expires_at": expires_at }),
        ctx.now,
    )
    .await?;
    Ok(ctx.t(
        "link-code",
        &[
            ("code", code.into()),
            ("minutes", CODE_VALID.num_minutes().into()),
        ],
    ))
}

/// Why a typed code did not work, counted against the person's tries.
#[derive(Clone, Copy)]
enum Wrong {
    Unknown,
    Used,
    Expired,
}

/// `/lienket K7MXQ2PA` typed on this account: the account (and its person) joins the person
/// who asked for the code, if the code is right and the two may be joined.
pub(crate) async fn redeem(ctx: &Ctx<'_>, tx: &mut Tx, typed: &str) -> anyhow::Result<Redeemed> {
    let me = ctx.person.id;
    let Some(code) = links::parse_code(typed) else {
        return Ok(plain(ctx.t("link-code-format", &[])));
    };
    // Refused for the hour once the wrong tries are spent: the right code too.
    let left = match LIMIT.check(ctx, tx).await? {
        Standing::Open { left } => left,
        Standing::Blocked { tries, minutes } => {
            return Ok(plain(ctx.t(
                "link-blocked",
                &[("tries", tries.into()), ("minutes", minutes.into())],
            )));
        }
    };
    let found = stored::find(tx, &code).await?;
    let wrong = match &found {
        None => Some(Wrong::Unknown),
        // One's own code, typed on the account that asked for it or on one linked already:
        // no guess, nothing counted, the code stays usable.
        Some(c) if c.person_id == me => {
            let here = c.channel == ctx.channel && c.sender_id == ctx.sender_id;
            let id = if here {
                "link-own-code"
            } else {
                "link-already"
            };
            return Ok(plain(ctx.t(id, &[])));
        }
        Some(c) if c.used_at.is_some() => Some(Wrong::Used),
        Some(c) if c.expires_at <= ctx.now => Some(Wrong::Expired),
        Some(_) => None,
    };
    let claimed = match wrong {
        None => stored::claim(tx, &code, ctx.now).await?,
        Some(_) => false,
    };
    let (Some(c), true) = (found, claimed) else {
        let why = wrong.unwrap_or(Wrong::Used);
        return wrong_code(ctx, tx, why, left).await.map(plain);
    };
    join(ctx, tx, c).await
}

/// Records a wrong try and says how many are left.
async fn wrong_code(ctx: &Ctx<'_>, tx: &mut Tx, why: Wrong, left: i64) -> anyhow::Result<String> {
    let (id, reason) = match why {
        Wrong::Unknown => ("link-wrong", "unknown"),
        Wrong::Used => ("link-used", "used"),
        Wrong::Expired => ("link-expired", "expired"),
    };
    LIMIT.wrong(ctx, tx, reason).await?;
    let minutes = CODE_VALID.num_minutes();
    Ok(format!(
        "{} {}",
        ctx.t(id, &[("minutes", minutes.into())]),
        ctx.t("link-tries-left", &[("left", left.into())])
    ))
}

/// Joins this account's person into the code's, if the rules allow it.
async fn join(ctx: &Ctx<'_>, tx: &mut Tx, c: Code) -> anyhow::Result<Redeemed> {
    let me = ctx.person.id;
    let keeping = persons::by_id(tx, c.person_id).await?;
    let keep = Side {
        person_id: keeping.id,
        commune_id: keeping.commune_id,
        grants: persons::grants(tx, keeping.id).await?,
    };
    let joining = Side {
        person_id: me,
        commune_id: ctx.person.commune_id,
        grants: ctx.access.grants().to_vec(),
    };
    let here = account(ctx, ctx.channel, ctx.sender_id);
    let there = account(ctx, &c.channel, &c.sender_id);
    // The account that asked for the code hears what became of it, in its person's language.
    let asked_from = persons::identities(tx, keeping.id)
        .await?
        .into_iter()
        .find(|i| i.channel == c.channel && i.sender_id == c.sender_id);
    let tell = |message: &'static str, args: Vec<(&'static str, Arg)>| {
        asked_from
            .iter()
            .map(|i| AccountNotice {
                channel: i.channel.clone(),
                chat_id: i.chat_id.clone(),
                notice: Notice {
                    person_id: keeping.id,
                    message,
                    args: args.clone(),
                },
            })
            .collect::<Vec<_>>()
    };
    if let Err(why) = links::may_join(&keep, &joining) {
        let reason = match why {
            Refusal::Already => return Ok(plain(ctx.t("link-already", &[]))),
            Refusal::OtherCommune => "link-why-commune",
            Refusal::Roles => "link-why-roles",
        };
        let detail = json!({ "reason": why.code(), "with": keeping.id, "channel": c.channel });
        audit::record(tx, ctx.who(), REFUSED, "person", me, &detail, ctx.now).await?;
        let args = vec![("reason", Arg::T(reason)), ("account", here.clone().into())];
        return Ok(Redeemed {
            text: ctx.t("link-refused", &args),
            joined: false,
            to_accounts: tell("link-refused-notice", args),
        });
    }
    let moved = stored::join(tx, me, keeping.id).await?;
    // Among the joined person's accounts, this one was used last: notices come here until
    // another is used.
    persons::touch(tx, ctx.channel, ctx.sender_id, ctx.now).await?;
    let account_json = json!({ "channel": ctx.channel, "sender_id": ctx.sender_id });
    let detail = json!({ "absorbed": me, "account": account_json, "moved": moved });
    audit::record(
        tx,
        ctx.who(),
        JOINED,
        "person",
        keeping.id,
        &detail,
        ctx.now,
    )
    .await?;
    let detail = json!({ "into": keeping.id });
    audit::record(tx, ctx.who(), ABSORBED, "person", me, &detail, ctx.now).await?;
    Ok(Redeemed {
        text: ctx.t(
            "link-joined",
            &[
                ("account", there.into()),
                ("name", keeping.display_name.clone().into()),
            ],
        ),
        joined: true,
        to_accounts: tell("link-joined-notice", vec![("account", here.into())]),
    })
}

/// A reply that changed nothing.
fn plain(text: String) -> Redeemed {
    Redeemed {
        text,
        joined: false,
        to_accounts: vec![],
    }
}

/// What the person may change, as (value, label): unlink each of their other accounts; where
/// notices go, when the accounts are on more than one channel. Empty for a person with one
/// account.
pub(crate) async fn options(ctx: &Ctx<'_>, tx: &mut Tx) -> sqlx::Result<Vec<(String, String)>> {
    let mine = persons::identities(tx, ctx.person.id).await?;
    let opt = |value: String, label: String| (value, label);
    let mut out: Vec<(String, String)> = mine
        .iter()
        .filter(|i| !is_current(ctx, i))
        .map(|i| {
            let label = ctx.t(
                "link-unlink-option",
                &[("account", account(ctx, &i.channel, &i.sender_id).into())],
            );
            opt(
                format!("u:{}", account_key(&i.channel, &i.sender_id)),
                label,
            )
        })
        .collect();
    let mut channels: Vec<&str> = mine.iter().map(|i| i.channel.as_str()).collect();
    channels.sort();
    channels.dedup();
    if channels.len() > 1 {
        let pinned = persons::notify_channel(tx, ctx.person.id).await?;
        let mark = |label: String, chosen: bool| {
            if chosen {
                format!("{label} ✓")
            } else {
                label
            }
        };
        let last = mark(ctx.t("link-notify-last", &[]), pinned.is_none());
        out.push(opt("n:".into(), last));
        for ch in channels {
            let name = ctx.t("link-channel", &[("channel", ch.into())]);
            let label = ctx.t("link-notify-channel", &[("channel", name.into())]);
            let chosen = pinned.as_deref() == Some(ch);
            out.push(opt(format!("n:{ch}"), mark(label, chosen)));
        }
    }
    Ok(out)
}

/// The change chosen from `options`.
pub(super) async fn change(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: ChangeInput,
) -> anyhow::Result<Outcome> {
    let me = ctx.person.id;
    let mine = persons::identities(tx, me).await?;
    if let Some(key) = input.change.strip_prefix("u:") {
        let Some(gone) = mine
            .iter()
            .find(|i| !is_current(ctx, i) && account_key(&i.channel, &i.sender_id) == key)
        else {
            return Ok(Outcome::reply(ctx.t("link-gone", &[])));
        };
        // The account leaves as a person of its own, with nothing: roles, households, groups
        // and proposals stay with the person who unlinked it.
        let p = ctx.person;
        let split = persons::create(tx, p.commune_id, &p.display_name, &p.lang, ctx.now).await?;
        if !stored::unlink(tx, me, &gone.channel, &gone.sender_id, split).await? {
            return Ok(Outcome::reply(ctx.t("link-gone", &[])));
        }
        let pinned = persons::notify_channel(tx, me).await?;
        let left_on = |ch: &str| mine.iter().any(|i| i.channel == ch && i != gone);
        if let Some(ch) = pinned
            && !left_on(&ch)
        {
            persons::set_notify_channel(tx, me, None).await?;
        }
        let account_json = json!({ "channel": gone.channel, "sender_id": gone.sender_id });
        let detail = json!({ "account": account_json, "to": split });
        audit::record(tx, ctx.who(), UNLINKED, "person", me, &detail, ctx.now).await?;
        let detail = json!({ "from": me, "account": account_json });
        audit::record(tx, ctx.who(), SPLIT, "person", split, &detail, ctx.now).await?;
        let label = account(ctx, &gone.channel, &gone.sender_id);
        let mut out = Outcome::reply(ctx.t("link-unlinked", &[("account", label.into())]));
        out.to_accounts.push(AccountNotice {
            channel: gone.channel.clone(),
            chat_id: gone.chat_id.clone(),
            notice: Notice {
                person_id: split,
                message: "link-unlinked-notice",
                args: vec![
                    ("name", p.display_name.clone().into()),
                    ("account", account(ctx, ctx.channel, ctx.sender_id).into()),
                ],
            },
        });
        return Ok(out);
    }
    let Some(channel) = input.change.strip_prefix("n:") else {
        anyhow::bail!("link_accounts: unknown change {:?}", input.change);
    };
    let pin = (!channel.is_empty()).then_some(channel);
    if let Some(ch) = pin
        && !mine.iter().any(|i| i.channel == ch)
    {
        return Ok(Outcome::reply(ctx.t("link-gone", &[])));
    }
    persons::set_notify_channel(tx, me, pin).await?;
    audit::record(
        tx,
        ctx.who(),
        NOTIFY,
        "person",
        me,
        &json!({ "channel": pin }),
        ctx.now,
    )
    .await?;
    Ok(Outcome::reply(match pin {
        None => ctx.t("link-notify-set-last", &[]),
        Some(ch) => {
            let name = ctx.t("link-channel", &[("channel", ch.into())]);
            ctx.t("link-notify-set", &[("channel", name.into())])
        }
    }))
}
