//! Reports for the city and the commune: the XLSX workbook, the chart of households, the
//! counts both read, and the audit log as people read it.

pub mod audit;
pub mod chart;
pub mod made;
pub mod province;
pub mod tally;
pub mod xlsx;

use anyhow::Context;

use crate::store::audit::Who;
use crate::store::{Store, communes};

/// The workbook of a commune (the default one unless named), for `giamngheo export`.
///
/// The data is read in a read transaction (on SQLite it takes no write lock, so the bot keeps
/// registering while a large commune is read); rows go to the workbook's sheets on disk as
/// they are read. The export is then written to the audit log in a short transaction of its
/// own, and the file is compressed after both: nothing is held while it is.
pub async fn export(
    store: &Store,
    commune_code: Option<&str>,
    unmasked: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<u8>> {
    let texts = crate::text::Texts::load()?;
    let mut tx = store.read().await?;
    let commune = communes::default_commune(&mut tx, commune_code)
        .await?
        .context("no commune in the database")?;
    let today = crate::clock::local_date(now, &commune.time_zone);
    let texts = texts.for_commune(
        &crate::domain::CommuneRules::from_json(&commune.rules)
            .words
            .hamlet,
    );
    let mut book = xlsx::sheets(&mut tx, &commune, today, unmasked, &texts).await?;
    tx.commit().await?;
    let mut tx = store.begin().await?;
    xlsx::record_export(&mut tx, &commune, unmasked, Who::cli(commune.id), now).await?;
    tx.commit().await?;
    Ok(book.save_to_buffer()?)
}

/// The province's workbook (the only province in the database unless named), for
/// `giamngheo export --province`: read in a read transaction, the export written to each
/// commune's audit log after, the file compressed last.
pub async fn export_province(
    store: &Store,
    name: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<u8>> {
    let texts = crate::text::Texts::load()?;
    let mut tx = store.read().await?;
    let name = province::choose(&mut tx, name).await?;
    let zone = province::communes_of(&mut tx, &name)
        .await?
        .first()
        .map(|c| c.time_zone.clone())
        .unwrap_or_default();
    let today = crate::clock::local_date(now, &zone);
    let (mut book, all) = province::workbook(&mut tx, &name, today, &texts).await?;
    tx.commit().await?;
    let mut tx = store.begin().await?;
    province::record_export(&mut tx, &name, &all, Who::cli, now).await?;
    tx.commit().await?;
    Ok(book.save_to_buffer()?)
}
