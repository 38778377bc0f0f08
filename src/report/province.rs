//! The upper level's workbook for a whole province: a summary sheet with one row per commune
//! (households by category, confirmed and waiting; people with a disability; groups and
//! proposals by state; late deadlines) and each commune's "Theo xóm" tally on a sheet of its
//! own. Counts only, read with the commune report's own pieces: no personal data is in it, so
//! there is nothing to mask.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::json;

use super::{tally, xlsx};
use crate::domain::input::format_date;
use crate::domain::{Category, CommuneRules, GroupStatus, ProposalStatus};
use crate::store::communes::{self, Commune};
use crate::store::province as store_province;
use crate::store::{Tx, audit, digests};
use crate::text::{Arg, Lang, Texts};

/// Why there is no province workbook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no commune of the province {0:?} in the database")]
    NoSuchProvince(String),
    #[error("no commune in the database")]
    NoProvince,
    #[error("the database holds several provinces ({}): name one", .0.join(", "))]
    SeveralProvinces(Vec<String>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Workbook(#[from] anyhow::Error),
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The province named, or the only one in the database.
pub async fn choose(tx: &mut Tx, name: Option<&str>) -> Result<String, Error> {
    if let Some(name) = name {
        return Ok(name.to_string());
    }
    let mut all = communes::provinces(tx).await?;
    match all.len() {
        0 => Err(Error::NoProvince),
        1 => Ok(all.remove(0)),
        _ => Err(Error::SeveralProvinces(all)),
    }
}

/// The communes of a province: its real ones, or the demo's when it has none; by name as
/// people read it (diacritics aside, whatever the database's collation).
pub async fn communes_of(tx: &mut Tx, province: &str) -> sqlx::Result<Vec<Commune>> {
    let mut all = store_province::communes(tx, province, false).await?;
    if all.is_empty() {
        all = store_province::communes(tx, province, true).await?;
    }
    all.sort_by_cached_key(|c| (crate::text::fold(&c.name), c.id));
    Ok(all)
}

/// Group states in the summary's order.
const GROUPS: [GroupStatus; 3] = [
    GroupStatus::Forming,
    GroupStatus::Requested,
    GroupStatus::Established,
];

/// Proposal states in the summary's order: the commune's part of the path, then the upper
/// level's, then after.
const PROPOSALS: [ProposalStatus; 9] = [
    ProposalStatus::Submitted,
    ProposalStatus::UnderAppraisal,
    ProposalStatus::Returned,
    ProposalStatus::Rejected,
    ProposalStatus::Forwarded,
    ProposalStatus::Approved,
    ProposalStatus::NotApproved,
    ProposalStatus::InProgress,
    ProposalStatus::Finished,
];

/// One commune's line of the summary.
struct Line {
    tally: tally::Tally,
    groups: Vec<i64>,
    proposals: Vec<i64>,
    late_deadlines: i64,
}

impl Line {
    fn numbers(&self) -> Vec<i64> {
        let t = &self.tally;
        let mut n: Vec<i64> = Category::ALL.iter().map(|c| t.confirmed(*c)).collect();
        n.extend([t.confirmed_total(), t.waiting_total(), t.people_total()]);
        n.extend(&self.groups);
        n.extend(&self.proposals);
        n.push(self.late_deadlines);
        n
    }
}

async fn line(tx: &mut Tx, commune: &Commune, today: NaiveDate) -> sqlx::Result<Line> {
    let tally = tally::of_commune(tx, commune, today).await?;
    let totals = digests::totals(tx, commune.id).await?;
    let count = |a: &str, b: &str| {
        totals
            .iter()
            .filter(|c| c.a == a && c.b == b)
            .map(|c| c.n)
            .sum()
    };
    let late_deadlines = digests::open_deadlines(tx, commune.id)
        .await?
        .iter()
        .filter(|d| d.due_on < today)
        .count() as i64;
    Ok(Line {
        groups: GROUPS.iter().map(|s| count("group", s.code())).collect(),
        proposals: PROPOSALS
            .iter()
            .map(|s| count("proposal", s.code()))
            .collect(),
        late_deadlines,
        tally,
    })
}

/// A sheet name Excel takes: at most 31 characters, none of `[]:*?/\`, unique in the book.
fn sheet_name(name: &str, taken: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => ' ',
            c => c,
        })
        .collect();
    let clean = clean.trim().trim_matches('\'');
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let room = 31 - suffix.chars().count();
        let candidate: String = clean.chars().take(room).collect::<String>() + &suffix;
        let key = candidate.to_lowercase();
        if !candidate.is_empty() && !taken.contains(&key) {
            taken.push(key);
            return candidate;
        }
        n += 1;
    }
}

/// The province's workbook at `today`: read in `tx` (a read transaction will do), not
/// audited (`record_export`), returned unrendered (`save_to_buffer` after the transaction).
/// Each commune counts with its own rules and words, as its own report does.
pub async fn workbook(
    tx: &mut Tx,
    province: &str,
    today: NaiveDate,
    texts: &Texts,
) -> Result<(Workbook, Vec<Commune>), Error> {
    let all = communes_of(tx, province).await?;
    if all.is_empty() {
        return Err(Error::NoSuchProvince(province.to_string()));
    }
    let t = |id: &str| texts.get(Lang::Vi, id, &[]);
    let mut wb = Workbook::new();
    let mut taken = vec!["tổng hợp".to_string()];
    let mut lines = vec![];
    for commune in &all {
        lines.push(line(tx, commune, today).await?);
    }

    {
        let ws = xlsx::sheet(&mut wb)?;
        ws.set_name("Tổng hợp")?;
        let mut titles = vec!["Xã".to_string(), "Huyện".to_string()];
        titles.extend(
            Category::ALL
                .iter()
                .map(|c| format!("{} (đã xác nhận)", t(c.message_id()))),
        );
        titles.push("Tổng hộ đã xác nhận".into());
        titles.push("Hộ chờ xác nhận".into());
        titles.push(format!("{} (người)", t("disabled-people")));
        titles.extend(
            GROUPS
                .iter()
                .map(|s| format!("Nhóm: {}", t(s.message_id()))),
        );
        // The forwarded state names the upper level as each commune says it; here it is the
        // level reading the sheet.
        titles.extend(PROPOSALS.iter().map(|s| {
            let upper = [("upper", Arg::T("upper-level"))];
            format!("Đề xuất: {}", texts.get(Lang::Vi, s.message_id(), &upper))
        }));
        titles.push("Hạn chót quá hạn".into());
        xlsx::header(ws, &titles.iter().map(String::as_str).collect::<Vec<_>>())?;
        let mut total = vec![0i64; titles.len() - 2];
        for (r, (commune, line)) in all.iter().zip(&lines).enumerate() {
            let row = r as u32 + 1;
            ws.write_string(row, 0, &commune.name)?;
            ws.write_string(row, 1, &commune.district)?;
            for (k, n) in line.numbers().into_iter().enumerate() {
                ws.write_number(row, k as u16 + 2, n as f64)?;
                total[k] += n;
            }
        }
        let last = all.len() as u32 + 1;
        let bold = Format::new().set_bold();
        ws.write_string_with_format(last, 0, "Tổng", &bold)?;
        for (k, n) in total.iter().enumerate() {
            ws.write_number_with_format(last, k as u16 + 2, *n as f64, &bold)?;
        }
        ws.write_string(
            last + 2,
            0,
            format!(
                "{province}: {} xã, tính đến ngày {}.",
                all.len(),
                format_date(today)
            ),
        )?;
    }

    for (commune, line) in all.iter().zip(&lines) {
        let rules = CommuneRules::from_json(&commune.rules);
        let words = texts.for_commune(&rules.words.hamlet);
        let ws = xlsx::sheet(&mut wb)?;
        ws.set_name(sheet_name(&commune.name, &mut taken))?;
        xlsx::tally_rows(ws, &line.tally, &rules, &words)?;
    }
    Ok((wb, all))
}

/// Writes to each commune's audit log that `reader` exported the province's workbook.
pub async fn record_export<'a>(
    tx: &mut Tx,
    province: &str,
    communes: &[Commune],
    reader: impl Fn(i64) -> audit::Who<'a>,
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<()> {
    for c in communes {
        let detail = json!({ "province": province });
        audit::record(tx, reader(c.id), "export", "province", c.id, &detail, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let mut taken = vec!["tổng hợp".to_string()];
        assert_eq!(sheet_name("Xã Tân Cương", &mut taken), "Xã Tân Cương");
        assert_eq!(sheet_name("Xã Tân Cương", &mut taken), "Xã Tân Cương (2)");
        assert_eq!(sheet_name("Tổng hợp", &mut taken), "Tổng hợp (2)");
        let long = sheet_name("Phường Quang Trung / thành phố Thái Nguyên", &mut taken);
        assert_eq!(long.chars().count(), 31);
        assert!(!long.contains('/'));
    }
}
