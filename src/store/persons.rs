//! People, the chat identities they write from, and the roles the commune gave them.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::communes::Commune;
use super::{Tx, execute, on_tx};
pub use crate::domain::Grant;
use crate::domain::Role;

#[derive(Debug, Clone, FromRow)]
pub struct Person {
    pub id: i64,
    pub commune_id: i64,
    pub display_name: String,
    pub lang: String,
}

/// A row of `roles`, as stored; read by `grants_of`.
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub(super) struct RoleRow {
    role: String,
    hamlet_id: Option<i64>,
    org: Option<String>,
}

/// Where to reach a person.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Contact {
    pub channel: String,
    pub chat_id: String,
}

/// A known sender: the person, their commune, and what their identity last recorded.
pub struct Seen {
    pub person: Person,
    pub commune: Commune,
    pub chat_id: String,
    pub last_seen: Option<DateTime<Utc>>,
    /// Another identity of the person was seen since this one: the person has switched
    /// channels, which must count at once for where notices go.
    pub behind: bool,
    /// The person gave their name themselves: the platform's no longer replaces it.
    pub name_given: bool,
}

/// The columns `seen` reads, each optional so that a query can read them through outer joins
/// (`store::handling`).
#[derive(FromRow)]
pub(super) struct SeenColumns {
    id: Option<i64>,
    commune_id: Option<i64>,
    display_name: Option<String>,
    lang: Option<String>,
    chat_id: Option<String>,
    last_seen: Option<DateTime<Utc>>,
    behind: Option<bool>,
    name_given: Option<bool>,
    code: Option<String>,
    name: Option<String>,
    district: Option<String>,
    province: Option<String>,
    time_zone: Option<String>,
    rules: Option<String>,
    is_demo: Option<bool>,
}

impl SeenColumns {
    /// The known sender, or None when the joins found nobody.
    pub(super) fn into_seen(self) -> Option<Seen> {
        let commune_id = self.commune_id?;
        Some(Seen {
            person: Person {
                id: self.id?,
                commune_id,
                display_name: self.display_name?,
                lang: self.lang?,
            },
            commune: Commune {
                id: commune_id,
                code: self.code?,
                name: self.name?,
                district: self.district?,
                province: self.province?,
                time_zone: self.time_zone?,
                rules: self.rules?,
                is_demo: self.is_demo?,
            },
            chat_id: self.chat_id?,
            last_seen: self.last_seen,
            behind: self.behind.unwrap_or(false),
            name_given: self.name_given.unwrap_or(false),
        })
    }
}

/// Everything the engine needs to know about a known sender, in one statement.
pub async fn seen(tx: &mut Tx, channel: &str, sender_id: &str) -> sqlx::Result<Option<Seen>> {
    let row: Option<SeenColumns> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT p.id, p.commune_id, p.display_name, p.lang, i.chat_id, i.last_seen,
                EXISTS (SELECT 1 FROM identities o
                        WHERE o.person_id = i.person_id
                          AND (o.channel <> i.channel OR o.sender_id <> i.sender_id)
                          AND o.last_seen IS NOT NULL
                          AND (i.last_seen IS NULL OR o.last_seen >= i.last_seen)) AS behind,
                p.name_given,
                c.code, c.name, c.district, c.province, c.time_zone, c.rules, c.is_demo
         FROM identities i JOIN persons p ON p.id = i.person_id
         JOIN communes c ON c.id = p.commune_id
         WHERE i.channel = $1 AND i.sender_id = $2"
    )
    .bind(channel)
    .bind(sender_id)
    .fetch_optional(conn)
    .await)?;
    Ok(row.and_then(SeenColumns::into_seen))
}

pub async fn by_identity(
    tx: &mut Tx,
    channel: &str,
    sender_id: &str,
) -> sqlx::Result<Option<Person>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT p.id, p.commune_id, p.display_name, p.lang
         FROM identities i JOIN persons p ON p.id = i.person_id
         WHERE i.channel = $1 AND i.sender_id = $2"
    )
    .bind(channel)
    .bind(sender_id)
    .fetch_optional(conn)
    .await)
}

pub async fn by_id(tx: &mut Tx, id: i64) -> sqlx::Result<Person> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, commune_id, display_name, lang FROM persons WHERE id = $1"
    )
    .bind(id)
    .fetch_one(conn)
    .await)
}

/// A person of a commune as a list of everyone shows them.
#[derive(Debug, Clone, FromRow)]
pub struct Listed {
    pub id: i64,
    pub display_name: String,
    /// The person their accounts were joined into, if they were.
    pub merged_into: Option<i64>,
}

/// Everyone of a commune, oldest first: for finding a person by name or number.
pub async fn of_commune(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Listed>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, display_name, merged_into FROM persons WHERE commune_id = $1 ORDER BY id"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}

/// Whom an operator named on the command line, in a commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    One(i64),
    Nobody,
    /// Several people share the name: their numbers, to name one of them by.
    Several(Vec<i64>),
}

/// Finds the person an operator means by `who`: an account (`telegram:123456789`), a
/// person's number (`12`, `#12`) or a name (case and diacritics aside; of several alike, the
/// one whose accounts were not joined into another's).
pub async fn named(tx: &mut Tx, commune_id: i64, who: &str) -> sqlx::Result<Named> {
    let who = who.trim();
    if let Some((channel, sender)) = who.split_once(':') {
        let p = by_identity(tx, channel, sender)
            .await?
            .filter(|p| p.commune_id == commune_id);
        return Ok(p.map_or(Named::Nobody, |p| Named::One(p.id)));
    }
    let people = of_commune(tx, commune_id).await?;
    if let Ok(id) = who.trim_start_matches('#').parse::<i64>() {
        let found = people.iter().any(|p| p.id == id);
        return Ok(if found { Named::One(id) } else { Named::Nobody });
    }
    let key = crate::text::fold(who);
    let named: Vec<&Listed> = people
        .iter()
        .filter(|p| crate::text::fold(&p.display_name) == key)
        .collect();
    let current: Vec<i64> = named
        .iter()
        .filter(|p| p.merged_into.is_none())
        .map(|p| p.id)
        .collect();
    Ok(match (named.as_slice(), current.as_slice()) {
        ([], _) => Named::Nobody,
        ([one], _) => Named::One(one.id),
        (_, [one]) => Named::One(*one),
        _ => Named::Several(named.iter().map(|p| p.id).collect()),
    })
}

pub async fn create(
    tx: &mut Tx,
    commune_id: i64,
    display_name: &str,
    lang: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "INSERT INTO persons (commune_id, display_name, lang, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id"
    )
    .bind(commune_id)
    .bind(display_name)
    .bind(lang)
    .bind(now)
    .fetch_one(conn)
    .await)
}

/// Links a chat identity to a person, or moves the reply chat of an existing link.
pub async fn link_identity(
    tx: &mut Tx,
    channel: &str,
    sender_id: &str,
    person_id: i64,
    chat_id: &str,
    seen: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO identities (channel, sender_id, person_id, chat_id, last_seen)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel, sender_id) DO UPDATE SET chat_id = excluded.chat_id,
            last_seen = COALESCE(excluded.last_seen, identities.last_seen)",
        channel,
        sender_id,
        person_id,
        chat_id,
        seen
    )?;
    Ok(())
}

/// Renames a person: `given` when they typed it themselves (platforms' names then no longer
/// replace it), not when it is the name their platform sent.
pub async fn set_name(tx: &mut Tx, person_id: i64, name: &str, given: bool) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE persons SET display_name = $1, name_given = $2 WHERE id = $3",
        name,
        given,
        person_id
    )?;
    Ok(())
}

pub async fn set_lang(tx: &mut Tx, person_id: i64, lang: &str) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE persons SET lang = $1 WHERE id = $2",
        lang,
        person_id
    )?;
    Ok(())
}

/// Whether the person `$p` names leads a group of their commune through a household they
/// registered: SQL for both databases (`store::handling` reads it with the rest).
macro_rules! leads_group {
    ($p:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM households lh JOIN groups lg ON lg.leader_household_id = lh.id
                     WHERE lh.registered_by = ",
            $p,
            " AND lg.commune_id = (SELECT commune_id FROM persons WHERE id = ",
            $p,
            "))"
        )
    };
}
pub(super) use leads_group;

/// The person's roles in their commune: those granted, and the group leader's while a
/// household they registered leads a group there.
pub async fn grants(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<Grant>> {
    let rows: Vec<RoleRow> = on_tx!(tx, |conn| sqlx::query_as(
        "SELECT role, hamlet_id, org FROM roles
         WHERE person_id = $1
           AND commune_id = (SELECT commune_id FROM persons WHERE id = $1)
         ORDER BY id"
    )
    .bind(person_id)
    .fetch_all(conn)
    .await)?;
    let leads: bool = on_tx!(tx, |conn| sqlx::query_scalar(concat!(
        "SELECT ",
        leads_group!("$1"),
        " AS leads"
    ))
    .bind(person_id)
    .fetch_one(conn)
    .await)?;
    Ok(grants_of(rows, leads))
}

/// The grants stored rows give, and the group leader's when `leads`. A role code this build
/// does not know (written by a newer version) is ignored rather than locking the person out;
/// one nobody is granted is ignored too.
pub(super) fn grants_of(rows: Vec<RoleRow>, leads: bool) -> Vec<Grant> {
    let mut out: Vec<Grant> = rows
        .into_iter()
        .filter_map(|r| {
            Role::from_code(&r.role)
                .filter(|role| role.is_granted())
                .map(|role| Grant {
                    role,
                    hamlet_id: r.hamlet_id,
                    org: r.org,
                })
        })
        .collect();
    if leads {
        out.push(Grant {
            role: Role::GroupLeader,
            hamlet_id: None,
            org: None,
        });
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub async fn grant(
    tx: &mut Tx,
    person_id: i64,
    commune_id: i64,
    role: Role,
    hamlet_id: Option<i64>,
    org: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "INSERT INTO roles (person_id, commune_id, role, hamlet_id, org, granted_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        person_id,
        commune_id,
        role.code(),
        hamlet_id,
        org,
        now
    )?;
    Ok(())
}

/// Everyone holding a role who chats on `channel`: (person, private chat, language).
pub async fn staff_chats(tx: &mut Tx, channel: &str) -> sqlx::Result<Vec<(i64, String, String)>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT DISTINCT p.id, i.chat_id, p.lang
         FROM roles r JOIN persons p ON p.id = r.person_id AND p.commune_id = r.commune_id
         JOIN identities i ON i.person_id = p.id AND i.channel = $1
         ORDER BY p.id"
    )
    .bind(channel)
    .fetch_all(conn)
    .await)
}

/// The people who review registrations in a hamlet.
pub async fn hamlet_heads(tx: &mut Tx, hamlet_id: i64) -> sqlx::Result<Vec<i64>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT person_id FROM roles WHERE role = 'hamlet_head' AND hamlet_id = $1 ORDER BY id"
    )
    .bind(hamlet_id)
    .fetch_all(conn)
    .await)
}

/// The people of a commune holding `role`: who to tell about requests for that role.
pub async fn with_role(tx: &mut Tx, commune_id: i64, role: Role) -> sqlx::Result<Vec<i64>> {
    on_tx!(tx, |conn| {
        sqlx::query_scalar(
        "SELECT DISTINCT person_id FROM roles WHERE commune_id = $1 AND role = $2 ORDER BY person_id"
    )
    .bind(commune_id)
    .bind(role.code())
    .fetch_all(conn)
    .await
    })
}

/// Records that an account was used now, whenever it was last.
pub async fn touch(
    tx: &mut Tx,
    channel: &str,
    sender_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE identities SET last_seen = $1 WHERE channel = $2 AND sender_id = $3",
        now,
        channel,
        sender_id
    )?;
    Ok(())
}

/// Where notices and the digest reach a person: on the channel they chose (`/lienket`), else
/// where they chatted last. A chosen channel the person no longer has falls back the same way.
pub async fn notice_contact(tx: &mut Tx, person_id: i64) -> sqlx::Result<Option<Contact>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT i.channel, i.chat_id FROM identities i JOIN persons p ON p.id = i.person_id
         WHERE i.person_id = $1
         ORDER BY CASE WHEN i.channel = p.notify_channel THEN 0 ELSE 1 END,
            i.last_seen DESC NULLS LAST, i.channel LIMIT 1"
    )
    .bind(person_id)
    .fetch_optional(conn)
    .await)
}

/// One of a person's accounts: a chat identity on a channel.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Identity {
    pub channel: String,
    pub sender_id: String,
    pub chat_id: String,
    pub last_seen: Option<DateTime<Utc>>,
}

/// A person's accounts, the one used last first.
pub async fn identities(tx: &mut Tx, person_id: i64) -> sqlx::Result<Vec<Identity>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT channel, sender_id, chat_id, last_seen FROM identities WHERE person_id = $1
         ORDER BY last_seen DESC NULLS LAST, channel, sender_id"
    )
    .bind(person_id)
    .fetch_all(conn)
    .await)
}

/// The channel a person chose for notices; None: the one they used last.
pub async fn notify_channel(tx: &mut Tx, person_id: i64) -> sqlx::Result<Option<String>> {
    on_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT notify_channel FROM persons WHERE id = $1"
    )
    .bind(person_id)
    .fetch_one(conn)
    .await)
}

pub async fn set_notify_channel(
    tx: &mut Tx,
    person_id: i64,
    channel: Option<&str>,
) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE persons SET notify_channel = $1 WHERE id = $2",
        channel,
        person_id
    )?;
    Ok(())
}

/// What a person has in their commune: what moving them to another commune would leave
/// behind, or carry across communes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct Holdings {
    /// Households they registered (rejected ones too: the hamlet head decided on them).
    pub households: i64,
    /// Groups they created.
    pub groups: i64,
    /// Proposals they submitted.
    pub proposals: i64,
    /// Roles given to them, in any commune.
    pub roles: i64,
}

impl Holdings {
    pub fn is_empty(&self) -> bool {
        *self == Holdings::default()
    }
}

pub async fn holdings(tx: &mut Tx, person_id: i64) -> sqlx::Result<Holdings> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM households WHERE registered_by = $1) AS households,
                (SELECT COUNT(*) FROM groups WHERE leader_id = $1) AS groups,
                (SELECT COUNT(*) FROM proposals WHERE submitted_by = $1) AS proposals,
                (SELECT COUNT(*) FROM roles WHERE person_id = $1) AS roles"
    )
    .bind(person_id)
    .fetch_one(conn)
    .await)
}

/// Puts a person in another commune. The caller checks `holdings` first: records stay in
/// the commune they were made in.
pub async fn move_to(tx: &mut Tx, person_id: i64, commune_id: i64) -> sqlx::Result<()> {
    execute!(
        tx,
        "UPDATE persons SET commune_id = $1 WHERE id = $2",
        commune_id,
        person_id
    )?;
    Ok(())
}

/// People of a commune with nothing in it (see `Holdings`), newest first: those an officer
/// may move to another commune. The newest fifty: who chose wrong did so lately.
pub async fn newcomers(tx: &mut Tx, commune_id: i64) -> sqlx::Result<Vec<Listed>> {
    on_tx!(tx, |conn| sqlx::query_as(
        "SELECT p.id, p.display_name, p.merged_into FROM persons p
         WHERE p.commune_id = $1 AND p.merged_into IS NULL
           AND NOT EXISTS (SELECT 1 FROM households h WHERE h.registered_by = p.id)
           AND NOT EXISTS (SELECT 1 FROM groups g WHERE g.leader_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM proposals x WHERE x.submitted_by = p.id)
           AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id)
         ORDER BY p.id DESC LIMIT 50"
    )
    .bind(commune_id)
    .fetch_all(conn)
    .await)
}
