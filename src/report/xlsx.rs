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
use crate::store::communes::{self, Commune};
use crate::store::{Tx, audit, digests, groups, households, proposals};
use crate::text::{Lang, Texts};

fn header(ws: &mut Worksheet, titles: &[&str]) -> anyhow::Result<()> {
    let bold = Format::new().set_bold().set_background_color("#DDEBF7");
    for (i, t) in titles.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *t, &bold)?;
        ws.set_column_width(i as u16, (t.chars().count() as f64 + 4.0).max(12.0))?;
    }
    Ok(())
}

/// Builds the workbook for a commune at `today`; `unmasked` shows phones and CCCD in full.
/// The reading is audited (who exported personal data, when, from where, masked or not).
pub async fn workbook(
    tx: &mut Tx,
    commune: &Commune,
    today: NaiveDate,
    unmasked: bool,
    reader: audit::Who<'_>,
    now: chrono::DateTime<chrono::Utc>,
    texts: &Texts,
) -> anyhow::Result<Vec<u8>> {
    let t = |id: &str| texts.get(Lang::Vi, id, &[]);
    let rules = CommuneRules::from_json(&commune.rules);
    let mut wb = Workbook::new();

    // 1. Households by hamlet × category.
    let counts = digests::households_by_hamlet(tx, commune.id).await?;
    let hamlets = communes::hamlets(tx, commune.id).await?;
    {
        let ws = wb.add_worksheet();
        ws.set_name("Theo xóm")?;
        let mut titles = vec!["Xóm".to_string()];
        titles.extend(Category::ALL.iter().map(|c| t(c.message_id())));
        titles.push("Tổng".into());
        header(ws, &titles.iter().map(String::as_str).collect::<Vec<_>>())?;
        let mut totals = vec![0i64; Category::ALL.len() + 1];
        for (r, h) in hamlets.iter().enumerate() {
            let row = r as u32 + 1;
            ws.write_string(row, 0, &h.name)?;
            let mut sum = 0;
            for (k, c) in Category::ALL.iter().enumerate() {
                let n: i64 = counts
                    .iter()
                    .filter(|x| x.a == h.name && x.b == c.code())
                    .map(|x| x.n)
                    .sum();
                ws.write_number(row, k as u16 + 1, n as f64)?;
                totals[k] += n;
                sum += n;
            }
            ws.write_number(row, Category::ALL.len() as u16 + 1, sum as f64)?;
            totals[Category::ALL.len()] += sum;
        }
        let last = hamlets.len() as u32 + 1;
        ws.write_string_with_format(last, 0, "Tổng", &Format::new().set_bold())?;
        for (k, n) in totals.iter().enumerate() {
            ws.write_number_with_format(last, k as u16 + 1, *n as f64, &Format::new().set_bold())?;
        }
    }

    // 2. The households.
    let mut list = vec![];
    for h in &hamlets {
        list.extend(households::in_hamlet(tx, h.id).await?);
    }
    list.sort_by_key(|h| h.id);
    {
        let ws = wb.add_worksheet();
        ws.set_name("Danh sách hộ")?;
        header(
            ws,
            &[
                "Số",
                "Chủ hộ",
                "Xóm",
                "Địa chỉ",
                "Điện thoại",
                "Số nhân khẩu",
                "Diện",
                "Ngày công nhận thoát nghèo",
                "CCCD",
                "Trạng thái",
            ],
        )?;
        for (r, h) in list.iter().enumerate() {
            let row = r as u32 + 1;
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
            let category = t(h.category.message_id());
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

    // 3. Groups, with readiness and members.
    let all_groups = groups::all(tx, commune.id).await?;
    {
        let ws = wb.add_worksheet();
        ws.set_name("Nhóm")?;
        header(
            ws,
            &[
                "Số",
                "Tên nhóm",
                "Xóm",
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

    // 4. Proposals with their history.
    let all_proposals = proposals::all(tx, commune.id).await?;
    {
        let ws = wb.add_worksheet();
        ws.set_name("Đề xuất")?;
        header(
            ws,
            &[
                "Số",
                "Tên dự án",
                "Nội dung hỗ trợ",
                "Tổng vốn (đ)",
                "Hỗ trợ (đ)",
                "Đối ứng (đ)",
                "Trạng thái",
                "Lịch sử",
            ],
        )?;
        for (r, p) in all_proposals.iter().enumerate() {
            let row = r as u32 + 1;
            let kind = t(p.kind.message_id());
            let status = t(p.status.message_id());
            let history: Vec<String> = proposals::events(tx, p.id)
                .await?
                .into_iter()
                .map(|e| present::proposal_event(texts, Lang::Vi, &e, &commune.time_zone))
                .collect();
            ws.write_number(row, 0, p.id as f64)?;
            ws.write_string(row, 1, &p.title)?;
            ws.write_string(row, 2, &kind)?;
            ws.write_number(row, 3, p.total_cost as f64)?;
            ws.write_number(row, 4, p.support as f64)?;
            ws.write_number(row, 5, p.own_contribution as f64)?;
            ws.write_string(row, 6, &status)?;
            ws.write_string(row, 7, history.join("\n"))?;
        }
    }

    // 5. The tally the city asks for: communities (groups) registered for projects.
    {
        let ws = wb.add_worksheet();
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
    Ok(wb.save_to_buffer()?)
}
