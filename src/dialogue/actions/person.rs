//! What a person says about themselves: the name the bot and the officers know them by.

use serde::Deserialize;
use serde_json::json;

use super::outcome::Outcome;
use crate::dialogue::ctx::Ctx;
use crate::domain::PersonName;
use crate::store::{Tx, audit, persons};

#[derive(Deserialize)]
pub(super) struct NameInput {
    name: PersonName,
}

/// Sets one's own name; the names platforms send no longer replace it.
pub(super) async fn set_name(
    ctx: &Ctx<'_>,
    tx: &mut Tx,
    input: NameInput,
) -> anyhow::Result<Outcome> {
    let name = input.name.as_str();
    persons::set_name(tx, ctx.person.id, name, true).await?;
    let detail = json!({ "from": ctx.person.display_name, "to": name });
    let me = ctx.person.id;
    audit::record(tx, ctx.who(), "set_name", "person", me, &detail, ctx.now).await?;
    Ok(Outcome::reply(ctx.t("name-set", &[("name", name.into())])))
}
