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
            Some(recipe) => files.extend(make(store, recipe).await?),
        }
    }
    reply.files = files;
    Ok(reply)
}

async fn make(store: &Store, recipe: &str) -> Result<Option<FileRef>, MadeError> {
    let unknown = || MadeError::Unknown(recipe.to_string());
    match recipe.split(':').collect::<Vec<_>>().as_slice() {
        ["chart", commune, day, lang] => {
            let commune: i64 = commune.parse().map_err(|_| unknown())?;
            let day: NaiveDate = day.parse().map_err(|_| unknown())?;
            let lang = Lang::parse(lang).ok_or_else(unknown)?;
            let mut tx = store.read().await?;
            let commune = communes::by_id(&mut tx, commune).await?;
            let tally = tally::of_commune(&mut tx, &commune, day).await?;
            tx.commit().await?;
            let texts = commune_texts(&commune)?;
            Ok(chart::of_tally(&tally, &commune.name, &texts, lang)?)
        }
        ["report", commune, day] => {
            let commune: i64 = commune.parse().map_err(|_| unknown())?;
            let day: NaiveDate = day.parse().map_err(|_| unknown())?;
            let mut tx = store.read().await?;
            let commune = communes::by_id(&mut tx, commune).await?;
            let texts = commune_texts(&commune)?;
            let now = chrono::Utc::now();
            // Read in one read transaction; compressed after it.
            let mut book = xlsx::workbook(&mut tx, &commune, day, false, None, now, &texts).await?;
            tx.commit().await?;
            let bytes = book.save_to_buffer().map_err(anyhow::Error::from)?;
            let name = format!("bao-cao-{day}.xlsx");
            Ok(Some(FileRef::inline("document", &name, &bytes)))
        }
        ["province", commune, day] => {
            let commune: i64 = commune.parse().map_err(|_| unknown())?;
            let day: NaiveDate = day.parse().map_err(|_| unknown())?;
            let mut tx = store.read().await?;
            let commune = communes::by_id(&mut tx, commune).await?;
            let texts = commune_texts(&commune)?;
            let made = province::workbook(&mut tx, &commune.province, day, &texts).await;
            tx.commit().await?;
            let (mut book, _) = made.map_err(anyhow::Error::from)?;
            let bytes = book.save_to_buffer().map_err(anyhow::Error::from)?;
            let name = format!("bao-cao-tinh-{day}.xlsx");
            Ok(Some(FileRef::inline("document", &name, &bytes)))
        }
        _ => Err(unknown()),
    }
}

/// The catalogue in the commune's words.
fn commune_texts(commune: &communes::Commune) -> anyhow::Result<Texts> {
    let words = CommuneRules::from_json(&commune.rules).words;
    Ok(Texts::shared()
        .ok_or_else(|| anyhow::anyhow!("the message catalogue does not load"))?
        .for_commune(&words.hamlet))
}
