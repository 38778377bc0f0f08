//! Reports for the city and the commune: the XLSX workbook, the chart of households, the
//! counts both read, and the audit log as people read it.

pub mod audit;
pub mod chart;
pub mod made;
pub mod tally;
pub mod xlsx;

use anyhow::Context;

use crate::store::audit::Who;
use crate::store::{Store, communes};

/// The workbook of a commune (the default one unless named), for `giamngheo export`.
pub async fn export(
    store: &Store,
    commune_code: Option<&str>,
    unmasked: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<u8>> {
    let texts = crate::text::Texts::load()?;
    let mut tx = store.begin().await?;
    let commune = communes::default_commune(&mut tx, commune_code)
        .await?
        .context("no commune in the database")?;
    let today = crate::clock::local_date(now, &commune.time_zone);
    let texts = texts.for_commune(
        &crate::domain::CommuneRules::from_json(&commune.rules)
            .words
            .hamlet,
    );
    let mut book = xlsx::workbook(
        &mut tx,
        &commune,
        today,
        unmasked,
        Some(Who::cli(commune.id)),
        now,
        &texts,
    )
    .await?;
    tx.commit().await?;
    // Written after the commit: the database is not held while the file is compressed.
    Ok(book.save_to_buffer()?)
}
