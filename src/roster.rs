//! The commune's staff from the command line: `giamngheo invite` makes an invite to a role
//! (the first officer's, typically), `giamngheo staff` lists who holds which role and the
//! invites not taken yet, `giamngheo revoke` takes a role back, `giamngheo move-person` puts a
//! person who chose the wrong commune in the right one. Worded as in the chat, in
//! Vietnamese; written to the audit log with no actor (the operator).

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::clock::local_date;
use anyhow::Context;

use crate::dialogue::actions::commune::{self, Moved, move_person as move_person_to};
use crate::dialogue::actions::invites::{self, ROLE_REVOKED};
use crate::domain::Role;
use crate::domain::input::format_date;
use crate::domain::invites::{grant, shown};
use crate::message::Reply;
use crate::present;
use crate::seed;
use crate::store::{Store, audit, communes, outbox, persons, staff};
use crate::text::{Lang, Texts, fold};

/// `giamngheo invite ROLE [--hamlet NAME | --org NAME]`: the code, how long it is good for,
/// and how to take it (the Telegram link when the bot's username is in the settings).
#[allow(clippy::too_many_arguments)]
pub async fn invite(
    store: &Store,
    texts: &Texts,
    role: Role,
    hamlet: Option<&str>,
    org: Option<&str>,
    commune_code: Option<&str>,
    telegram_bot: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let commune = seed::commune(&mut tx, commune_code).await?;
    let hamlet = match hamlet {
        Some(name) => Some(seed::hamlet_named(&mut tx, &commune, name).await?),
        None => None,
    };
    let g = grant(role, hamlet.as_ref().map(|h| h.id), org).map_err(|e| {
        anyhow::anyhow!("{e} (--hamlet for hamlet_head, --org for org_rep and business_rep)")
    })?;
    let made = invites::create(&mut tx, commune.id, &g, audit::Who::cli(commune.id), now).await?;
    tx.commit().await?;
    let role = present::role(
        texts,
        Lang::Vi,
        g.role,
        hamlet.as_ref().map(|h| h.name.as_str()),
        g.org.as_deref(),
    );
    let code = shown(&made.code);
    let mut out = vec![
        format!("Mã mời (invite code): {code}"),
        format!("{role}, {}", commune.name),
        format!(
            "Dùng một lần, đến (good once, until) {}",
            present::moment(made.expires_at, &commune.time_zone)
        ),
    ];
    if let Some(bot) = telegram_bot {
        out.push(format!(
            "Telegram: {}",
            present::telegram_link(bot, &made.code)
        ));
    }
    out.push(format!("Zalo, Telegram, máy tính (console): /moi {code}"));
    Ok(out.join("\n"))
}

/// `giamngheo staff`: everyone holding a role, with their person number (for `revoke`),
/// since when and on which channels; then the invites not taken yet (never their codes).
pub async fn list(
    store: &Store,
    texts: &Texts,
    commune_code: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let commune = seed::commune(&mut tx, commune_code).await?;
    let held = staff::of_commune(&mut tx, commune.id).await?;
    let t = |id: &str, args: &[(&str, crate::text::Arg)]| texts.get(Lang::Vi, id, args);
    let mut out = vec![t(
        "staff-title",
        &[("commune", commune.name.clone().into())],
    )];
    if held.is_empty() {
        out.push(t("staff-none", &[]));
    }
    for h in &held {
        let channels = staff::channels(&mut tx, h.person_id).await?;
        let role = present::role(
            texts,
            Lang::Vi,
            h.role,
            h.hamlet.as_deref(),
            h.org.as_deref(),
        );
        let since = format_date(local_date(h.granted_at, &commune.time_zone));
        out.push(t(
            "staff-line",
            &[
                (
                    "name",
                    present::numbered(h.person_id, &h.display_name).into(),
                ),
                ("role", role.into()),
                ("since", since.into()),
                ("channels", channels.join(", ").into()),
            ],
        ));
    }
    let open = crate::store::invites::open(&mut tx, commune.id, now).await?;
    tx.commit().await?;
    if !open.is_empty() {
        out.push(t("staff-invites", &[]));
        for i in &open {
            let role = present::role(
                texts,
                Lang::Vi,
                i.role,
                i.hamlet.as_deref(),
                i.org.as_deref(),
            );
            let until = present::moment(i.expires_at, &commune.time_zone);
            out.push(t(
                "staff-invite-line",
                &[("role", role.into()), ("until", until.into())],
            ));
        }
    }
    Ok(out.join("\n"))
}

/// `giamngheo revoke WHO ROLE [--hamlet NAME] [--org NAME]`: takes the role back at once. WHO
/// is an account as `grant` takes it ("telegram:123456789"), a person's number from `staff`
/// ("#4" or "4") or a name (`persons::named`). A person heading several hamlets names the one
/// with `--hamlet`.
#[allow(clippy::too_many_arguments)]
pub async fn revoke(
    store: &Store,
    texts: &Texts,
    who: &str,
    role: Role,
    hamlet: Option<&str>,
    org: Option<&str>,
    commune_code: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let commune = seed::commune(&mut tx, commune_code).await?;
    let person_id = match persons::named(&mut tx, commune.id, who).await? {
        persons::Named::One(id) => id,
        persons::Named::Nobody => anyhow::bail!(
            "nobody in {} is {who:?}: name an account (telegram:123456789), a number from \
             `staff` or a name",
            commune.name
        ),
        persons::Named::Several(ids) => anyhow::bail!(
            "several people in {} are named {who:?} ({}): give the number instead",
            commune.name,
            ids.iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let hamlet_id = match hamlet {
        Some(name) => Some(seed::hamlet_named(&mut tx, &commune, name).await?.id),
        None => None,
    };
    let held: Vec<_> = staff::of_commune(&mut tx, commune.id)
        .await?
        .into_iter()
        .filter(|h| h.person_id == person_id && h.role == role)
        .filter(|h| hamlet_id.is_none() || h.hamlet_id == hamlet_id)
        .filter(|h| org.is_none_or(|o| h.org.as_deref().map(fold) == Some(fold(o))))
        .collect();
    let h = match &held[..] {
        [] => anyhow::bail!("{who} holds no {} in {}", role.code(), commune.name),
        [h] => h,
        _ => anyhow::bail!(
            "{who} holds {} {} times; name which with --hamlet or --org",
            role.code(),
            held.len()
        ),
    };
    if !staff::remove(&mut tx, h.id).await? {
        anyhow::bail!("the role was taken back meanwhile");
    }
    let detail = json!({
        "role": h.role.code(),
        "hamlet_id": h.hamlet_id,
        "org": h.org,
        "granted_at": h.granted_at,
    });
    audit::record(
        &mut tx,
        audit::Who::cli(commune.id),
        ROLE_REVOKED,
        "person",
        h.person_id,
        &detail,
        now,
    )
    .await?;
    tx.commit().await?;
    let role = present::role(
        texts,
        Lang::Vi,
        h.role,
        h.hamlet.as_deref(),
        h.org.as_deref(),
    );
    Ok(format!(
        "{}: đã thu hồi (revoked) {role}",
        present::numbered(h.person_id, &h.display_name)
    ))
}

/// `giamngheo move-person WHO --to CODE`: puts a person who chose the wrong commune in the
/// right one, if they have nothing yet where they are (see `actions::commune`), and tells
/// them. WHO is an account ("telegram:123456789"), a person's number or a name, looked for in
/// `--commune` or else in every commune.
pub async fn move_person(
    store: &Store,
    texts: &Texts,
    who: &str,
    to_code: &str,
    commune_code: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut tx = store.begin().await?;
    let to = communes::by_code(&mut tx, to_code.trim())
        .await?
        .with_context(|| format!("no commune {to_code:?}: `giamngheo communes` lists them"))?;
    let within = match commune_code {
        Some(code) => vec![seed::commune(&mut tx, Some(code)).await?],
        None => communes::all(&mut tx).await?,
    };
    let mut found = vec![];
    for c in &within {
        match persons::named(&mut tx, c.id, who).await? {
            persons::Named::One(id) => found.push(id),
            persons::Named::Nobody => {}
            persons::Named::Several(ids) => anyhow::bail!(
                "several people in {} are named {who:?} ({}): give the number instead",
                c.name,
                ids.iter()
                    .map(|id| format!("#{id}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    let person_id = match found[..] {
        [id] => id,
        [] => anyhow::bail!(
            "nobody is {who:?}: name an account (telegram:123456789), a person's number or a name"
        ),
        _ => anyhow::bail!("several people are {who:?}: name the commune with --commune"),
    };
    let person = persons::by_id(&mut tx, person_id).await?;
    let from = communes::by_id(&mut tx, person.commune_id).await?;
    let name = present::numbered(person.id, &person.display_name);
    let by = audit::Who::cli(to.id);
    let out = match move_person_to(&mut tx, person_id, &to, by, now).await? {
        Moved::Same => format!("{name}: đã thuộc (already in) {}", to.name),
        Moved::Held(h) => anyhow::bail!(
            "{name} has {} in {}: records stay in their commune; not moved",
            commune::holdings(texts, Lang::En, &h),
            from.name
        ),
        Moved::Done => {
            let lang = Lang::parse(&person.lang).unwrap_or_default();
            let args = [
                ("commune", to.name.clone().into()),
                ("province", to.province.clone().into()),
            ];
            let reply = Reply::text(texts.get(lang, "commune-moved-notice", &args));
            if let Some(c) = persons::notice_contact(&mut tx, person_id).await? {
                outbox::enqueue(&mut tx, &c.channel, &c.chat_id, &reply, now).await?;
            }
            format!(
                "{name}: đã chuyển từ {} sang (moved from … to) {}",
                from.name, to.name
            )
        }
    };
    tx.commit().await?;
    Ok(out)
}
