//! Files the bot makes when it sends them rather than when they are asked for: a message's
//! transaction only says what to make (`FileRef::to_make`), and the drawing or compressing
//! runs afterwards, on a read, so nobody's message waits on the database's write lock while
//! it runs.

use chrono::NaiveDate;

use super::{chart, province, tally, xlsx};
use crate::domain::CommuneRules;
use crate::message::{FileRef, Reply};
use crate::store::{Store, communes};
use crate::text::{Lang, Texts};

#[derive(Debug, thiserror::Error)]
pub enum MadeError {
    /// Not something this program makes (a row written by another version): sending it
    /// again cannot help.
    #[error("unknown file to make: {0:?}")]
    Unknown(String),
    /// Reading or drawing failed; it may work on the next attempt.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<sqlx::Error> for MadeError {
    fn from(e: sqlx::Error) -> MadeError {
        MadeError::Failed(e.into())
    }
}

/// The digest's chart of a commune's households as of `day`, made when it is sent.
pub fn chart_of(commune_id: i64, day: NaiveDate, lang: Lang) -> FileRef {
    let recipe = format!("chart:{commune_id}:{day}:{}", lang.code());
    FileRef::to_make("photo", chart::NAME, recipe)
}

/// The commune's workbook as of `day`, masked, made when it is sent.
pub fn report_of(commune_id: i64, day: NaiveDate) -> FileRef {
    let name = format!("bao-cao-{}.xlsx", day.format("%Y-%m-%d"));
    FileRef::to_make("document", &name, format!("report:{commune_id}:{day}"))
}

/// The workbook across the province of the commune `commune_id` as of `day`, made when it is
/// sent.
pub fn province_of(commune_id: i64, day: NaiveDate) -> FileRef {
    let name = format!("bao-cao-tinh-{}.xlsx", day.format("%Y-%m-%d"));
    FileRef::to_make("document", &name, format!("province:{commune_id}:{day}"))
}

/// `reply` with every file to make made (one with nothing to show, a chart of an empty
/// commune, left out).
pub async fn resolve(store: &Store, mut reply: Reply) -> Result<Reply, MadeError> {
    if reply.files.iter().all(|f| f.recipe().is_none()) {
        return Ok(reply);
    }
    let mut files = Vec::with_capacity(reply.files.len());
    for f in reply.files {
        match f.recipe() {
            None => files.push(f),
            Some(recipe) => files.extend(make(store, &f, recipe).await?),
        }
    }
    reply.files = files;
    Ok(reply)
}

/// Makes the file `f` names, under `f`'s own name. Every recipe is `WHAT:COMMUNE:DAY`, the
/// chart's with `:LANG` after.
async fn make(store: &Store, f: &FileRef, recipe: &str) -> Result<Option<FileRef>, MadeError> {
    let unknown = || MadeError::Unknown(recipe.to_string());
    let parts: Vec<&str> = recipe.split(':').collect();
    let [what, commune, day, rest @ ..] = parts.as_slice() else {
        return Err(unknown());
    };
    let commune: i64 = commune.parse().map_err(|_| unknown())?;
    let day: NaiveDate = day.parse().map_err(|_| unknown())?;
    let lang = match (*what, rest) {
        ("chart", [lang]) => Lang::parse(lang).ok_or_else(unknown)?,
        ("report" | "province", []) => Lang::Vi,
        _ => return Err(unknown()),
    };
    let mut tx = store.read().await?;
    let commune = communes::by_id(&mut tx, commune).await?;
    let texts = commune_texts(&commune)?;
    // Read in one read transaction; drawn or compressed after it.
    let mut book = match *what {
        "chart" => {
            let tally = tally::of_commune(&mut tx, &commune, day).await?;
            tx.commit().await?;
            return Ok(chart::of_tally(&tally, &commune.name, &texts, lang)?);
        }
        "report" => {
            let now = chrono::Utc::now();
            xlsx::workbook(&mut tx, &commune, day, false, None, now, &texts).await?
        }
        _ => {
            let made = province::workbook(&mut tx, &commune.province, day, &texts).await;
            made.map_err(anyhow::Error::from)?.0
        }
    };
    tx.commit().await?;
    let bytes = book.save_to_buffer().map_err(anyhow::Error::from)?;
    Ok(Some(FileRef::inline(&f.kind, &f.name, &bytes)))
}

/// The catalogue in the commune's words.
fn commune_texts(commune: &communes::Commune) -> anyhow::Result<Texts> {
    let words = CommuneRules::from_json(&commune.rules).words;
    Ok(Texts::shared()
        .ok_or_else(|| anyhow::anyhow!("the message catalogue does not load"))?
        .for_commune(&words.hamlet))
}
