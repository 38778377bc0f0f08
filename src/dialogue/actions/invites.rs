//! The commune's people and their roles in chat: `/moi` gives a one-time invite code for a
//! role, `/moi CODE` (or a Telegram link's `/start CODE`) takes it, `/nhanvien` lists who holds
//! which role and the invites not taken yet, `/thuhoi` takes a role back or revokes an invite.
//! The code itself is shown once, to whoever made it, and never written to a log or the audit.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::commune::{self, Moved};
use super::outcome::{Notice, Outcome};
use super::tries::{Limit, Standing};
use crate::dialogue::ctx::Ctx;
use crate::domain::invites::{self, State, TRIES_WINDOW, VALID, WRONG_TRIES};
use crate::domain::{FreeText, Grant, Role};
use crate::present;
use crate::store::invites::{self as stored, Invite};
use crate::store::staff::{self, Held};
use crate::store::{Tx, audit, communes, persons};
use crate::text::{Arg, Lang, Texts};

/// Audit actions; the limit's `wrong` rows are also what it counts.
pub const ISSUED: &str = "invite_issued";
pub const TAKEN: &str = "invite_taken";
pub const INVITE_REVOKED: &str = "invite_revoked";
pub const ROLE_REVOKED: &str = "role_revoked";
const LIMIT: Limit = Limit {
    wrong: "invite_code_wrong",
    blocked: "invite_code_blocked",
    max: WRONG_TRIES,
    window: TRIES_WINDOW,
};

#[derive(Deserialize)]
pub(super) struct InviteInput {
    for_role: Role,
    hamlet: Option<String>,
    org: Option<FreeText>,
}

#[derive(Deserialize)]
pub(super) struct RevokeInput {
    target: String,
    sure: bool,
}

/// A new invite, stored.
pub struct Made {
    pub id: i64,
    /// The code, to show once to whoever asked for it; only its hash is kept.
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new invite to `grant` in the commune, made by `by` (no person: the command line),
/// and writes it to the audit log without the code.
pub async fn create(
    tx: &mut Tx,
    commune_id: i64,
    grant: &Grant,
    by: audit::Who<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Made> {
    let expires_at = now + VALID;
    // Two live codes alike among 850 billion are never seen; a few draws always do.
    for _ in 0..20 {
        let code = invites::new_code()?;
        if let Some(id) =
            stored::insert(tx, &code, commune_id, grant, by.person, now, expires_at).await?
        {
            let detail = json!({
                "role": grant.role.code(),
                "hamlet_id": grant.hamlet_id,
                "org": grant.org,
                "expires_at": expires_at,
            });
            audit::record(tx, by, ISSUED, "invite", id, &detail, now).await?;
            return Ok(Made {
                id,
                code,
                expires_at,
            });
        }
    }
    anyhow::bail!("no free invite code in 20 draws")
}

/// A role of an invite or of a holder, as people read it.
fn role_of(
    texts: &Texts,
    lang: Lang,
    role: Role,
    hamlet: Option<&str>,
    org: Option<&str>,
) -> String {
    present::role(texts, lang, role, hamlet, org)
}

fn invite_role(ctx: &Ctx<'_>, i: &Invite) -> String {
    role_of(
        ctx.texts,
        ctx.lang,
        i.role,
        i.hamlet.as_deref(),
        i.org.as_deref(),
    )
}

fn held_role(ctx: &Ctx<'_>, h: &Held) -> String {
    role_of(
        ctx.texts,
        ctx.lang,
        h.role,
        h.hamlet.as_deref(),
        h.org.as_deref(),
    )
}

/// `/moi`: the invite the officer chose, and its code.
pub(super) async fn issue(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: InviteInput,
) -> anyhow::Result<Outcome> {
    let hamlet = match &input.hamlet {
        Some(h) => {
            let id = h.parse::<i64>()?;
            let hamlet = communes::hamlet(tx, id)
                .await?
                .filter(|h| h.commune_id == ctx.commune.id)
                .ok_or_else(|| anyhow::anyhow!("invite: hamlet {id} is not in the commune"))?;
            Some(hamlet)
        }
        None => None,
    };
    // A dialogue file may offer only the roles the action takes, but the rule is the code's.
    if !invites::commune_gives(input.for_role) {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    }
    let org = input.org.as_ref().map(FreeText::as_str);
    // The dialogue asks exactly what the role needs; anything else is a file out of step.
    let grant = invites::grant(input.for_role, hamlet.as_ref().map(|h| h.id), org)
        .map_err(|e| anyhow::anyhow!("invite: {e}"))?;
    let made = create(tx, ctx.commune.id, &grant, ctx.who(), ctx.now).await?;
    let role = role_of(
        ctx.texts,
        ctx.lang,
        grant.role,
        hamlet.as_ref().map(|h| h.name.as_str()),
        grant.org.as_deref(),
    );
    let shown = invites::shown(&made.code);
    let mut text = ctx.t(
        "invite-issued",
        &[
            ("role", role.into()),
            ("code", shown.into()),
            (
                "until",
                present::moment(made.expires_at, &ctx.commune.time_zone).into(),
            ),
        ],
    );
    if let Some(link) = ctx.start_link(&made.code) {
        text.push('\n');
        text.push_str(&ctx.t("invite-link", &[("link", link.into())]));
    }
    Ok(Outcome::reply(text))
}

/// What typing an invite code did.
pub(crate) struct Taken {
    pub text: String,
    /// The person holds the invite's role now.
    pub taken: bool,
    /// The invite moved the person to its commune: what this message shows of the commune
    /// it was handled in (its menu) is out of date.
    pub moved: bool,
    /// Whoever made the invite is told who took it.
    pub notices: Vec<Notice>,
}

fn plain(text: String) -> Taken {
    Taken {
        text,
        taken: false,
        moved: false,
        notices: vec![],
    }
}

/// `/moi CODE`, or `/start CODE` from a Telegram link: the person of the account that sent it
/// holds the invite's role from this message on, if the code is right and still open.
pub(crate) async fn take(ctx: &Ctx<'_>, tx: &mut Tx, typed: &str) -> anyhow::Result<Taken> {
    let me = ctx.person.id;
    let Some(code) = invites::parse_code(typed) else {
        return Ok(plain(ctx.t("invite-code-format", &[])));
    };
    // Refused for the hour once the wrong tries are spent, the right code too.
    let left = match LIMIT.check(ctx, tx).await? {
        Standing::Open { left } => left,
        Standing::Blocked { tries, minutes } => {
            return Ok(plain(ctx.t(
                "invite-blocked",
                &[("tries", tries.into()), ("minutes", minutes.into())],
            )));
        }
    };
    let Some(invite) = stored::find(tx, &code).await? else {
        return wrong(ctx, tx, "invite-wrong", "unknown", left).await;
    };
    let role = invite_role(ctx, &invite);
    // Mistakes with a real code are no guess: explained, not counted, the code kept.
    if invite.created_by == Some(me) {
        return Ok(plain(ctx.t("invite-own", &[])));
    }
    match invites::state(
        invite.used_at,
        invite.revoked_at,
        invite.expires_at,
        ctx.now,
    ) {
        State::Used if invite.used_by == Some(me) => {
            return Ok(plain(ctx.t("invite-held", &[("role", role.into())])));
        }
        State::Used => return wrong(ctx, tx, "invite-used", "used", left).await,
        State::Revoked => return wrong(ctx, tx, "invite-revoked", "revoked", left).await,
        State::Expired => return wrong(ctx, tx, "invite-expired", "expired", left).await,
        State::Open => {}
    }
    let grant = invite.grant();
    if invite.commune_id == ctx.commune.id && ctx.access.grants().contains(&grant) {
        return Ok(plain(ctx.t("invite-held", &[("role", role.into())])));
    }
    // An invite carries its commune: a person with nothing in theirs yet (they chose the
    // wrong one, or the deployment put them in its only commune before another was added)
    // moves there with it. Someone with records or a role where they are keeps them, and is
    // told to take the invite on another account.
    let moved_to = match invite.commune_id != ctx.commune.id {
        true => Some(communes::by_id(tx, invite.commune_id).await?),
        false => None,
    };
    if let Some(to) = &moved_to {
        let held = persons::holdings(tx, me).await?;
        if !held.is_empty() {
            let what = commune::holdings(ctx.texts, ctx.lang, &held);
            return Ok(plain(ctx.t(
                "invite-other-commune",
                &[
                    ("other", to.name.clone().into()),
                    ("commune", ctx.commune.name.clone().into()),
                    ("what", what.into()),
                ],
            )));
        }
    }
    if !stored::claim(tx, invite.id, me, ctx.now).await? {
        return wrong(ctx, tx, "invite-used", "used", left).await;
    }
    if let Some(to) = &moved_to
        && let Moved::Held(_) = commune::move_person(tx, me, to, ctx.who(), ctx.now).await?
    {
        anyhow::bail!("invite: person {me} gained records while taking an invite");
    }
    persons::grant(
        tx,
        me,
        invite.commune_id,
        grant.role,
        grant.hamlet_id,
        grant.org.as_deref(),
        ctx.now,
    )
    .await?;
    let detail = json!({
        "invite": invite.id,
        "role": grant.role.code(),
        "hamlet_id": grant.hamlet_id,
        "org": grant.org,
        "channel": ctx.channel,
    });
    let who = audit::Who {
        commune: invite.commune_id,
        ..ctx.who()
    };
    audit::record(tx, who, TAKEN, "person", me, &detail, ctx.now).await?;
    let account = super::links::account(ctx, ctx.channel, ctx.sender_id);
    let notices = invite
        .created_by
        .map(|by| Notice {
            person_id: by,
            message: "invite-taken-notice",
            args: vec![
                ("name", ctx.person.display_name.clone().into()),
                ("account", account.into()),
                ("role", Arg::S(role.clone())),
            ],
        })
        .into_iter()
        .collect();
    let text = match &moved_to {
        Some(to) => ctx.t(
            "invite-taken-moved",
            &[("role", role.into()), ("commune", to.name.clone().into())],
        ),
        None => ctx.t("invite-taken", &[("role", role.into())]),
    };
    Ok(Taken {
        text,
        taken: true,
        moved: moved_to.is_some(),
        notices,
    })
}

/// Records a wrong try and says why, with how many are left.
async fn wrong(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    message: &str,
    reason: &str,
    left: i64,
) -> anyhow::Result<Taken> {
    LIMIT.wrong(ctx, tx, reason).await?;
    Ok(plain(format!(
        "{} {}",
        ctx.t(message, &[("days", VALID.num_days().into())]),
        ctx.t("link-tries-left", &[("left", left.into())])
    )))
}

/// `/nhanvien`: who holds which role since when, on which channels; the invites not taken yet.
pub(super) async fn staff(ctx: &Ctx<'_>, tx: &mut Tx) -> anyhow::Result<Outcome> {
    let held = staff::of_commune(tx, ctx.commune.id).await?;
    let mut text = ctx.t(
        "staff-title",
        &[("commune", ctx.commune.name.clone().into())],
    );
    if held.is_empty() {
        text.push('\n');
        text.push_str(&ctx.t("staff-none", &[]));
    }
    for h in &held {
        let channels: Vec<String> = staff::channels(tx, h.person_id)
            .await?
            .iter()
            .map(|c| ctx.t("link-channel", &[("channel", c.as_str().into())]))
            .collect();
        let since = crate::clock::local_date(h.granted_at, &ctx.commune.time_zone);
        text.push('\n');
        text.push_str(&ctx.t(
            "staff-line",
            &[
                (
                    "name",
                    present::numbered(h.person_id, &h.display_name).into(),
                ),
                ("role", held_role(ctx, h).into()),
                ("since", crate::domain::input::format_date(since).into()),
                ("channels", channels.join(", ").into()),
            ],
        ));
    }
    let open = stored::open(tx, ctx.commune.id, ctx.now).await?;
    if !open.is_empty() {
        text.push_str("\n\n");
        text.push_str(&ctx.t("staff-invites", &[]));
        for i in &open {
            text.push('\n');
            text.push_str(&ctx.t(
                "staff-invite-line",
                &[
                    ("role", invite_role(ctx, i).into()),
                    (
                        "until",
                        present::moment(i.expires_at, &ctx.commune.time_zone).into(),
                    ),
                ],
            ));
        }
    }
    Ok(Outcome::reply(text))
}

/// What `/thuhoi` offers, as (value, label): the roles others hold ("r:ID"), then the invites
/// not taken yet ("i:ID"). One's own roles are not offered: an officer does not take away
/// their own powers by a slip of the finger.
pub(crate) async fn options(ctx: &Ctx<'_>, tx: &mut Tx) -> sqlx::Result<Vec<(String, String)>> {
    let mut out = vec![];
    for h in staff::of_commune(tx, ctx.commune.id).await? {
        if h.person_id == ctx.person.id || !invites::commune_gives(h.role) {
            continue;
        }
        let label = ctx.t(
            "revoke-role-option",
            &[
                ("name", h.display_name.clone().into()),
                ("role", held_role(ctx, &h).into()),
            ],
        );
        out.push((format!("r:{}", h.id), label));
    }
    for i in stored::open(tx, ctx.commune.id, ctx.now).await? {
        if !invites::commune_gives(i.role) {
            continue;
        }
        let label = ctx.t(
            "revoke-invite-option",
            &[
                ("role", invite_role(ctx, &i).into()),
                (
                    "until",
                    present::moment(i.expires_at, &ctx.commune.time_zone).into(),
                ),
            ],
        );
        out.push((format!("i:{}", i.id), label));
    }
    Ok(out)
}

/// `/thuhoi`: the role or invite chosen, taken back at once.
pub(super) async fn revoke(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: RevokeInput,
) -> anyhow::Result<Outcome> {
    if !input.sure {
        return Ok(Outcome::reply(ctx.t("revoke-not-done", &[])));
    }
    let me = ctx.person.id;
    let gone = || Outcome::reply(ctx.t("revoke-gone", &[]));
    if let Some(id) = input.target.strip_prefix("i:") {
        let id: i64 = id.parse()?;
        let Some(invite) = stored::get(tx, id).await? else {
            return Ok(gone());
        };
        if invite.commune_id != ctx.commune.id
            || !invites::commune_gives(invite.role)
            || !stored::revoke(tx, id, ctx.commune.id, ctx.now).await?
        {
            return Ok(gone());
        }
        let detail = json!({
            "role": invite.role.code(),
            "hamlet_id": invite.hamlet_id,
            "org": invite.org,
        });
        audit::record(
            tx,
            ctx.who(),
            INVITE_REVOKED,
            "invite",
            id,
            &detail,
            ctx.now,
        )
        .await?;
        let role = invite_role(ctx, &invite);
        return Ok(Outcome::reply(
            ctx.t("invite-revoked-done", &[("role", role.into())]),
        ));
    }
    let Some(id) = input.target.strip_prefix("r:") else {
        anyhow::bail!("revoke_role: unknown target {:?}", input.target);
    };
    let id: i64 = id.parse()?;
    let Some(held) = staff::get(tx, id).await? else {
        return Ok(gone());
    };
    let person = persons::by_id(tx, held.person_id).await?;
    if person.commune_id != ctx.commune.id || !invites::commune_gives(held.role) {
        return Ok(gone());
    }
    if held.person_id == me {
        return Ok(Outcome::reply(ctx.t("revoke-self", &[])));
    }
    if !staff::remove(tx, id).await? {
        return Ok(gone());
    }
    let detail = json!({
        "role": held.role.code(),
        "hamlet_id": held.hamlet_id,
        "org": held.org,
        "granted_at": held.granted_at,
    });
    audit::record(
        tx,
        ctx.who(),
        ROLE_REVOKED,
        "person",
        held.person_id,
        &detail,
        ctx.now,
    )
    .await?;
    let role = held_role(ctx, &held);
    let mut out = Outcome::reply(ctx.t(
        "role-revoked-done",
        &[
            ("name", held.display_name.clone().into()),
            ("role", role.clone().into()),
        ],
    ));
    out.notices.push(Notice {
        person_id: held.person_id,
        message: "role-revoked-notice",
        args: vec![("role", Arg::S(role))],
    });
    Ok(out)
}
