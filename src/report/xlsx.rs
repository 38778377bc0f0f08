//! The workbook for the city and the commune, with Vietnamese headers: households by hamlet
//! and category, the list of target households, groups with readiness and members, proposals
//! with their history, and the tally of communities registered for projects. Phones and CCCD
//! are masked unless the reader's role needs them.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::json;

use crate::domain::input::format_date;
use crate::domain::{Category, Cccd, CommuneRules, GroupStatus, MemberFacts, Phone, ProposalKind};
use crate::present;
use crate::store::communes::Commune;
use crate::store::{Tx, audit, disabled, groups, households, persons, proposals};

use super::tally;
use crate::text::{Lang, Texts};

pub(super) fn header(ws: &mut Worksheet, titles: &[&str]) -> anyhow::Result<()> {
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    for (i, t) in titles.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *t, &bold)?;
        ws.set_column_width(i as u16, (t.chars().count() as f64 + 4.0).max(12.0))?;
    }
    Ok(())
}

/// Builds the workbook for a commune at `today`; `unmasked` shows phones and CCCD in full.
/// With a `reader`, the reading is audited (who exported personal data, when, from where,
/// masked or not): then use it in a transaction that may write. A workbook made as it is
/// sent was recorded when it was asked for (`reader` None). Returned unrendered, as `sheets`.
pub async fn workbook(
    tx: &mut Tx,
    commune: &Commune,
    today: NaiveDate,
    unmasked: bool,
    reader: Option<audit::Who<'_>>,
    now: chrono::DateTime<chrono::Utc>,
    texts: &Texts,
) -> anyhow::Result<Workbook> {
    let wb = sheets(tx, commune, today, unmasked, texts).await?;
    if let Some(reader) = reader {
        record_export(tx, commune, unmasked, reader, now).await?;
    }
    Ok(wb)
}

/// Writes to the audit log that `reader` exported the commune's workbook.
pub async fn record_export(
    tx: &mut Tx,
    commune: &Commune,
    unmasked: bool,
    reader: audit::Who<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    audit::record(
        tx,
        reader,
        "export",
        "commune",
        commune.id,
        &json!({ "unmasked": unmasked }),
        now,
    )
    .await?;
    Ok(())
}

/// A worksheet whose rows go to a temporary file as they are written (rows strictly in
/// order): the workbook's memory stays the same whatever the commune's size.
pub(super) fn sheet(wb: &mut Workbook) -> anyhow::Result<&mut Worksheet> {
    Ok(wb.add_worksheet_with_constant_memory()?)
}

/// The "Theo xóm" sheet's rows: confirmed households by hamlet × category as of the tally's
/// day; waiting ones and people with a disability in their own, labelled columns; a total row
/// and the note on the escape window. Shared by the commune's and the province's workbooks.
pub(super) fn tally_rows(
    ws: &mut Worksheet,
    tally: &tally::Tally,
    rules: &CommuneRules,
    texts: &Texts,
) -> anyhow::Result<()> {
    let t = |id: &str| texts.get(Lang::Vi, id, &[]);
    let mut titles = vec![texts.hamlet_word(true)];
    titles.extend(Category::ALL.iter().map(|c| t(c.message_id())));
    titles.push("Tổng hộ đã xác nhận".into());
    titles.push("Hộ chờ xác nhận".into());
    titles.push(format!("{} (người)", t("disabled-people")));
    header(ws, &titles.iter().map(String::as_str).collect::<Vec<_>>())?;
    let write_row = |ws: &mut Worksheet, row: u32, numbers: &[i64], format: &Format| {
        numbers.iter().enumerate().try_for_each(|(k, n)| {
            ws.write_number_with_format(row, k as u16 + 1, *n as f64, format)
                .map(|_| ())
        })
    };
    let plain = Format::new();
    for (r, h) in tally.hamlets.iter().enumerate() {
        let row = r as u32 + 1;
        ws.write_string(row, 0, &h.hamlet)?;
        let mut numbers = h.confirmed.clone();
        numbers.extend([h.confirmed_total(), h.waiting, h.people]);
        write_row(ws, row, &numbers, &plain)?;
    }
    let last = tally.hamlets.len() as u32 + 1;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(last, 0, "Tổng", &bold)?;
    let mut numbers: Vec<i64> = Category::ALL.iter().map(|c| tally.confirmed(*c)).collect();
    numbers.extend([
        tally.confirmed_total(),
        tally.waiting_total(),
        tally.people_total(),
    ]);
    write_row(ws, last, &numbers, &bold)?;
    ws.write_string(
        last + 2,
        0,
        format!(
            "Tính đến ngày {}: hộ mới thoát nghèo tính trong {} tháng kể từ ngày công nhận.",
            format_date(tally.day),
            rules.escape_window().months
        ),
    )?;
    Ok(())
}

/// The commune's workbook at `today`, read in `tx` (a read transaction will do) and not
/// audited; the caller records the export (`record_export`) and renders the file
/// (`save_to_buffer`, the costly part) after its transaction.
pub async fn sheets(
    tx: &mut Tx,
    commune: &Commune,
    today: NaiveDate,
    unmasked: bool,
    texts: &Texts,
) -> anyhow::Result<Workbook> {
    let t = |id: &str| texts.get(Lang::Vi, id, &[]);
    let rules = CommuneRules::from_json(&commune.rules);
    let hamlet = texts.hamlet_word(true);
    let mut wb = Workbook::new();

    // 1. Confirmed households by hamlet × category as of the report's day.
    let tally = tally::of_commune(tx, commune, today).await?;
    {
        let ws = sheet(&mut wb)?;
        ws.set_name(format!("Theo {}", texts.hamlet_word(false)))?;
        tally_rows(ws, &tally, &rules, texts)?;
    }

    // 2. The households, page by page in order of number (`households::PAGE` at a time),
    // each row written to the sheet on disk as it comes: a commune of 100,000 takes no more
    // memory than one of 1,000.
    {
        let ws = sheet(&mut wb)?;
        ws.set_name("Danh sách hộ")?;
        header(
            ws,
            &[
                "Số",
                "Chủ hộ",
                &hamlet,
                "Địa chỉ",
                "Điện thoại",
                "Số nhân khẩu",
                "Diện",
                "Ngày công nhận thoát nghèo",
                "CCCD",
                "Trạng thái",
            ],
        )?;
        let (mut row, mut after) = (0u32, 0i64);
        loop {
            let page = households::page_in_commune(tx, commune.id, after).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for h in &page {
                row += 1;
                let phone = Phone::parse(&h.phone)
                    .map(|p| if unmasked { p.local() } else { p.masked() })
                    .unwrap_or_default();
                let cccd = h
                    .cccd
                    .as_deref()
                    .and_then(|c| Cccd::parse(c).ok())
                    .map(|c| {
                        if unmasked {
                            c.as_str().to_string()
                        } else {
                            c.masked()
                        }
                    })
                    .unwrap_or_default();
                let mut category = t(h.category.message_id());
                // A window closed by the report's day is said, not hidden.
                if let (Category::NewlyEscaped, Some(on)) = (h.category, h.escaped_on) {
                    let ends = rules.escape_window().ends_on(on);
                    if ends <= today {
                        category = format!("{category} (hết hạn {})", format_date(ends));
                    }
                }
                ws.write_number(row, 0, h.id as f64)?;
                ws.write_string(row, 1, &h.head_name)?;
                ws.write_string(row, 2, &h.hamlet_name)?;
                ws.write_string(row, 3, &h.address)?;
                ws.write_string(row, 4, &phone)?;
                ws.write_number(row, 5, h.members as f64)?;
                ws.write_string(row, 6, &category)?;
                ws.write_string(row, 7, h.escaped_on.map(format_date).unwrap_or_default())?;
                ws.write_string(row, 8, &cccd)?;
                ws.write_string(row, 9, t(h.status.message_id()))?;
            }
        }
    }

    // 2b. People with a disability without a stable livelihood, and where they live.
    {
        let ws = sheet(&mut wb)?;
        ws.set_name("Người khuyết tật")?;
        header(ws, &["Số", "Họ tên", "Năm sinh", &hamlet, "Ở hộ"])?;
        for (r, p) in disabled::in_commune(tx, commune.id)
            .await?
            .iter()
            .enumerate()
        {
            let row = r as u32 + 1;
            ws.write_number(row, 0, p.id as f64)?;
            ws.write_string(row, 1, &p.full_name)?;
            if let Some(y) = p.birth_year {
                ws.write_number(row, 2, y as f64)?;
            }
            ws.write_string(row, 3, &p.hamlet_name)?;
            let home = match (p.household_id, &p.household_head) {
                (Some(id), Some(head)) => present::numbered(id, head),
                _ => String::new(),
            };
            ws.write_string(row, 4, home)?;
        }
    }

    // 3. Groups, with readiness and members.
    let all_groups = groups::all(tx, commune.id).await?;
    {
        let ws = sheet(&mut wb)?;
        ws.set_name("Nhóm")?;
        header(
            ws,
            &[
                "Số",
                "Tên nhóm",
                &hamlet,
                "Sản xuất",
                "Trạng thái",
                "Số hộ",
                "Đủ điều kiện",
                "Còn thiếu",
                "Số quyết định",
                "Ngày quyết định",
                "Thành viên",
                "Trưởng nhóm",
            ],
        )?;
        for (r, g) in all_groups.iter().enumerate() {
            let row = r as u32 + 1;
            let members = groups::members(tx, g.id).await?;
            let facts: Vec<MemberFacts> = members
                .iter()
                .map(|m| MemberFacts::of(&m.record(), rules.escape_window(), today))
                .collect();
            let missing = rules.groups.missing(&facts);
            ws.write_number(row, 0, g.id as f64)?;
            ws.write_string(row, 1, &g.name)?;
            ws.write_string(row, 2, &g.hamlet_name)?;
            ws.write_string(row, 3, &g.product)?;
            ws.write_string(row, 4, t(g.status.message_id()))?;
            ws.write_number(row, 5, members.len() as f64)?;
            ws.write_string(row, 6, if missing.is_empty() { "Có" } else { "Không" })?;
            let lacking = present::missing_items(texts, Lang::Vi, &missing);
            ws.write_string(row, 7, lacking.join("\n"))?;
            ws.write_string(row, 8, g.decision_no.clone().unwrap_or_default())?;
            ws.write_string(row, 9, g.decision_date.map(format_date).unwrap_or_default())?;
            ws.write_string(
                row,
                10,
                members
                    .iter()
                    .map(|m| m.head_name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            )?;
            // The household the group chose; not whoever created the group.
            let leader = match (g.leader_household_id, &g.leader_name) {
                (Some(id), Some(name)) => present::numbered(id, name),
                _ => "chưa chọn".into(),
            };
            ws.write_string(row, 11, leader)?;
        }
    }

    // 4. Proposals with who proposed them, the upper level's decision and their history.
    let all_proposals = proposals::all(tx, commune.id).await?;
    {
        let ws = sheet(&mut wb)?;
        ws.set_name("Đề xuất")?;
        header(
            ws,
            &[
                "Số",
                "Tên dự án",
                "Nội dung hỗ trợ",
                "Người đề xuất",
                "Đơn vị chủ trì liên kết",
                "Tổng vốn (đ)",
                "Hỗ trợ (đ)",
                "Đối ứng (đ)",
                "Trạng thái",
                "Số quyết định",
                "Ngày quyết định",
                "Hỗ trợ được duyệt (đ)",
                "Lịch sử",
            ],
        )?;
        let words = &rules.words;
        let upper = [("upper", present::upper_level(words))];
        for (r, p) in all_proposals.iter().enumerate() {
            let row = r as u32 + 1;
            let kind = t(p.kind.message_id());
            let status = texts.get(Lang::Vi, p.status.message_id(), &upper);
            let history: Vec<String> = proposals::events(tx, p.id)
                .await?
                .into_iter()
                .map(|e| present::proposal_event(texts, Lang::Vi, &e, &commune.time_zone, words))
                .collect();
            // A group proposes through its leader; a value chain is the lead business's, sent
            // by the person who represents it.
            let (proposer, lead) = match p.group_id {
                Some(g) => {
                    let name = groups::get(tx, g).await?.map(|g| g.name);
                    (name.unwrap_or_default(), String::new())
                }
                None => {
                    let lead = proposals::lead_business(tx, p.submitted_by).await?;
                    let person = persons::by_id(tx, p.submitted_by).await?.display_name;
                    let proposer = match lead == person {
                        true => person,
                        false => format!("{lead} ({person})"),
                    };
                    (proposer, lead)
                }
            };
            ws.write_number(row, 0, p.id as f64)?;
            ws.write_string(row, 1, &p.title)?;
            ws.write_string(row, 2, &kind)?;
            ws.write_string(row, 3, &proposer)?;
            ws.write_string(row, 4, &lead)?;
            ws.write_number(row, 5, p.total_cost as f64)?;
            ws.write_number(row, 6, p.support as f64)?;
            ws.write_number(row, 7, p.own_contribution as f64)?;
            ws.write_string(row, 8, &status)?;
            if let Some(no) = &p.decision_no {
                ws.write_string(row, 9, no)?;
            }
            if let Some(date) = p.decision_date {
                ws.write_string(row, 10, format_date(date))?;
            }
            if let Some(amount) = p.approved_amount {
                ws.write_number(row, 11, amount as f64)?;
            }
            ws.write_string(row, 12, history.join("\n"))?;
        }
    }

    // 5. The tally the city asks for: communities (groups) registered for projects.
    {
        let ws = sheet(&mut wb)?;
        ws.set_name("Số cộng đồng đăng ký")?;
        header(ws, &["Chỉ tiêu", "Số lượng"])?;
        let count_groups = |s: GroupStatus| all_groups.iter().filter(|g| g.status == s).count();
        let count_kind = |k: ProposalKind| all_proposals.iter().filter(|p| p.kind == k).count();
        let rows: Vec<(String, usize)> = vec![
            (
                "Tổng số tổ, nhóm cộng đồng đăng ký".into(),
                all_groups.len(),
            ),
            ("Đang thành lập".into(), count_groups(GroupStatus::Forming)),
            (
                "Đã xin thành lập".into(),
                count_groups(GroupStatus::Requested),
            ),
            (
                "Đã có quyết định thành lập".into(),
                count_groups(GroupStatus::Established),
            ),
            (
                format!("Đề xuất: {}", t(ProposalKind::P2Community.message_id())),
                count_kind(ProposalKind::P2Community),
            ),
            (
                format!("Đề xuất: {}", t(ProposalKind::P3Agri.message_id())),
                count_kind(ProposalKind::P3Agri),
            ),
            (
                format!("Đề xuất: {}", t(ProposalKind::P2Chain.message_id())),
                count_kind(ProposalKind::P2Chain),
            ),
        ];
        for (r, (label, n)) in rows.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, label)?;
            ws.write_number(r as u32 + 1, 1, *n as f64)?;
        }
        ws.write_string(
            rows.len() as u32 + 2,
            0,
            format!("{} – lập ngày {}", commune.name, format_date(today)),
        )?;
    }

    Ok(wb)
}
