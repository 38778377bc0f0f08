//! People with a disability without a stable livelihood: recorded as people, by the hamlet
//! head of their hamlet or the culture-social officer, in a registered household or in none.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::outcome::Outcome;
use crate::dialogue::ctx::Ctx;
use crate::domain::PersonName;
use crate::present;
use crate::store::disabled::{self, NewDisabledPerson};
use crate::store::{Tx, audit, communes, households};

/// The answer for "lives in no registered household".
const NO_HOUSEHOLD: &str = "none";

#[derive(Deserialize)]
pub(super) struct AddInput {
    hamlet: Option<String>,
    household: String,
    name: PersonName,
    birth_year: i64,
}

/// The hamlet the person lives in: the one answered, else the user's only hamlet.
async fn hamlet_of(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    answered: Option<&str>,
) -> sqlx::Result<Option<communes::Hamlet>> {
    let id = match answered.and_then(|h| h.parse::<i64>().ok()) {
        Some(id) => Some(id),
        None => match ctx.head_of().as_slice() {
            [only] => Some(*only),
            _ => None,
        },
    };
    Ok(match id {
        Some(id) => communes::hamlet(tx, id)
            .await?
            .filter(|h| h.commune_id == ctx.commune.id),
        None => None,
    })
}

/// The households a person may be recorded in: those of the hamlet, and none of them.
pub(crate) async fn homes(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    answers: &Map<String, Value>,
) -> sqlx::Result<Vec<(String, String)>> {
    let answered = answers.get("hamlet").and_then(Value::as_str);
    let Some(hamlet) = hamlet_of(ctx, tx, answered).await? else {
        return Ok(vec![]);
    };
    let mut out: Vec<(String, String)> = households::in_hamlet(tx, hamlet.id)
        .await?
        .into_iter()
        .map(|h| (h.id.to_string(), present::numbered(h.id, &h.head_name)))
        .collect();
    out.push((NO_HOUSEHOLD.into(), ctx.t("disabled-no-household", &[])));
    Ok(out)
}

pub(super) async fn add(ctx: &Ctx<'_>, tx: &mut Tx, input: AddInput) -> anyhow::Result<Outcome> {
    let Some(mut hamlet) = hamlet_of(ctx, tx, input.hamlet.as_deref()).await? else {
        anyhow::bail!("add_disabled_person: no hamlet");
    };
    let household = match input.household.as_str() {
        NO_HOUSEHOLD => None,
        id => households::get(tx, id.parse()?).await?,
    };
    if let Some(h) = &household {
        // The household decides the hamlet (the list offered was the hamlet's).
        if let Some(of_household) = communes::hamlet(tx, h.hamlet_id).await? {
            hamlet = of_household;
        }
    }
    // Scope, whatever the dialogue offered: one's own hamlet, or any for the officer.
    if !ctx.access.reviews_hamlet(hamlet.id) {
        return Ok(Outcome::reply(ctx.t("err-not-allowed", &[])));
    }
    let name = input.name.as_str();
    let year = input.birth_year as i32;
    if let Some((id, known)) = disabled::find_same(tx, hamlet.id, name, year)
        .await?
        .first()
    {
        return Ok(Outcome::reply(ctx.t(
            "disabled-duplicate",
            &[
                ("id", (*id).into()),
                ("name", known.clone().into()),
                ("year", year.to_string().into()),
            ],
        )));
    }
    let id = disabled::insert(
        tx,
        &NewDisabledPerson {
            commune_id: ctx.commune.id,
            hamlet_id: hamlet.id,
            household_id: household.as_ref().map(|h| h.id),
            full_name: name,
            birth_year: year,
            recorded_by: ctx.person.id,
        },
        ctx.now,
    )
    .await?;
    let detail = json!({
        "hamlet_id": hamlet.id,
        "household_id": household.as_ref().map(|h| h.id),
    });
    audit::record(
        tx,
        ctx.who(),
        "record",
        "disabled_person",
        id,
        &detail,
        ctx.now,
    )
    .await?;
    let home = household
        .map(|h| present::numbered(h.id, &h.head_name))
        .unwrap_or_else(|| ctx.t("disabled-no-household", &[]));
    Ok(Outcome::reply(ctx.t(
        "disabled-saved",
        &[
            ("id", id.into()),
            ("name", name.into()),
            ("year", year.to_string().into()),
            ("hamlet", hamlet.name.into()),
            ("home", home.into()),
        ],
    )))
}
