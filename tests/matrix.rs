//! Who may do what, as one table: every persona × every command, on records of their own and
//! of others. Each cell says whether the command works for that person (`A`) or is refused
//! (`-`); a refused cell must change nothing and its replies must carry nothing of the record
//! (name, phone, CCCD, title). The whole table runs twice on every backend: with the shipped
//! dialogue files, and with `roles` deleted from every one of them, where the code alone
//! decides and must reach the same verdicts.

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::Chat;
use giamngheo::channels::{Content, Reply};
use giamngheo::clock::FixedClock;
use giamngheo::config::Settings;
use giamngheo::dialogue::engine::Engine;
use giamngheo::domain::{
    Category, GroupStatus, HouseholdStatus, ProposalKind, ProposalStatus, Role,
};
use giamngheo::seed;
use giamngheo::store::groups::{self, NewGroup};
use giamngheo::store::households::{self, NewHousehold};
use giamngheo::store::proposals::{self, NewProposal};
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{Store, Tx, digests, invites, persons, staff};
use giamngheo::text::Texts;

const PERSONAS: [&str; 9] = ["R1", "R2", "HA", "HB", "ORG", "BIZ", "AGRI", "CULT", "UP"];

/// R1, R2: residents. HA, HB: hamlet heads of Xóm Đồng Tâm (A) and Xóm Nam Sơn (B). ORG: the
/// Farmers' Association's representative. BIZ: a cooperative. AGRI: the agricultural
/// extension officer. CULT: the culture-social officer. UP: the province's officer (the upper
/// level, holding the role in the demo commune). `{…}` names a record of the fixture below;
/// A = works, - = refused.
const MATRIX: &str = "
command                                     | R1 R2 HA HB ORG BIZ AGRI CULT UP
/dangky                                     | A  A  A  A  A   A   A    A    A
/hocuatoi                                   | A  A  A  A  A   A   A    A    A
/duyet {h_r2_a} ; 1                         | -  -  A  -  -   -   -    A    -
/duyet {h_ha_a} ; 1                         | -  -  -  -  -   -   -    A    -
/duyet {h_r2_b} ; 1                         | -  -  -  A  -   -   -    A    -
/sodienthoai {h_r2_b_ok}                    | -  -  -  A  -   -   A    A    -
/taonhom                                    | -  -  A  A  A   -   -    -    -
/thamgia {code_forming}                     | A  A  A  -  -   -   -    -    -
/themho {g_forming} ; #{h_m2} ; chua ; khong ; 1 | -  -  A  -  -   -   -    -    -
/ghinhan {g_forming} ; #{h_r1_a} ; xa ; 2024 ; 1 | -  -  A  -  A   -   -    -    -
/nhom {g_forming}                           | A  -  A  -  -   -   A    A    -
/truongnhom {g_forming} ; #{h_m1} ; co      | -  -  A  -  -   -   -    -    -
/roinhom ; 1                                | A  A  A  -  -   -   -    -    -
/xinthanhlap {g_ready}                      | -  -  -  -  A   -   -    -    -
/thanhlap {g_requested} ; 1 ; 9/QĐ-UBND ; 20/11/2026 ; 1 | -  -  -  -  -   -   -    A    -
/dexuat                                     | -  -  A  A  A   A   -    -    -
/suada {p_returned}                         | -  -  -  -  -   A   -    -    -
/xemda {p_submitted}                        | -  -  A  -  -   -   A    A    -
/xemda {p_returned}                         | -  -  -  -  -   A   A    A    -
/xulyda {p_submitted} ; 1                   | -  -  -  -  -   -   A    A    -
/choxuly                                    | -  -  -  -  -   -   A    A    -
/bantin                                     | -  -  A  A  -   -   A    A    A
/giobantin ; 6:30 ; co                      | -  -  A  A  -   -   A    A    A
/hanchot ; Báo cáo quý IV ; 31/12/2026 ; 1  | -  -  -  -  -   -   A    A    -
/dshanchot                                  | -  -  -  -  -   -   A    A    -
/xonghan {d_open}                           | -  -  -  -  -   -   A    A    -
/baocao                                     | -  -  -  -  -   -   A    A    -
/lienket                                    | A  A  A  A  A   A   A    A    A
/doima {g_forming}                          | -  -  A  -  -   -   -    -    -
/ten ; Nguyễn Văn Tên                       | A  A  A  A  A   A   A    A    A
/nhatky                                     | -  -  -  -  -   -   -    A    -
/moi ; 3                                    | -  -  -  -  -   -   -    A    -
/nhanvien                                   | -  -  -  -  -   -   A    A    -
/thuhoi ; 1 ; co                            | -  -  -  -  -   -   -    A    -
/chocaptren                                 | -  -  -  -  -   -   -    -    A
/quyetdinh {p_forwarded} ; 2 ; Thiếu vốn    | -  -  -  -  -   -   -    -    A
/baocaotinh                                 | -  -  -  -  -   -   -    -    A
/xemda {p_forwarded}                        | -  -  -  -  -   A   A    A    A
";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0).unwrap()
}

/// What the fixture made: record ids by name.
struct Fixture {
    id: HashMap<&'static str, String>,
}

struct HouseholdSpec {
    key: &'static str,
    hamlet: i64,
    name: &'static str,
    phone: &'static str,
    cccd: &'static str,
    category: &'static str,
    by: &'static str,
    status: HouseholdStatus,
}

/// Every household of the fixture; their names, phones and CCCDs are what a refused reply
/// must never show.
const HOUSEHOLDS: &[HouseholdSpec] = &[
    hh(
        "h_r1_a",
        1,
        "Lò Văn Một",
        "0912000101",
        "019203000101",
        "poor",
        "R1",
        HouseholdStatus::Confirmed,
    ),
    hh(
        "h_r2_a",
        1,
        "Vi Thị Hai",
        "0912000102",
        "019203000102",
        "poor",
        "R2",
        HouseholdStatus::Claimed,
    ),
    hh(
        "h_r1_rej",
        1,
        "Hà Văn Ba",
        "0912000103",
        "019203000103",
        "near_poor",
        "R1",
        HouseholdStatus::Rejected,
    ),
    hh(
        "h_ha_a",
        1,
        "Mạc Văn Bốn",
        "0912000104",
        "019203000104",
        "poor",
        "HA",
        HouseholdStatus::Claimed,
    ),
    hh(
        "h_r2_b",
        2,
        "Đinh Thị Năm",
        "0912000105",
        "019203000105",
        "near_poor",
        "R2",
        HouseholdStatus::Claimed,
    ),
    hh(
        "h_r2_b_ok",
        2,
        "Lục Văn Sáu",
        "0912000106",
        "019203000106",
        "poor",
        "R2",
        HouseholdStatus::Confirmed,
    ),
    hh(
        "h_m1",
        1,
        "Nông Văn Bảy",
        "0912000107",
        "019203000107",
        "poor",
        "HA",
        HouseholdStatus::Confirmed,
    ),
    hh(
        "h_m2",
        1,
        "Hoàng Thị Tám",
        "0912000108",
        "019203000108",
        "poor",
        "HA",
        HouseholdStatus::Confirmed,
    ),
];

#[allow(clippy::too_many_arguments)]
const fn hh(
    key: &'static str,
    hamlet: i64,
    name: &'static str,
    phone: &'static str,
    cccd: &'static str,
    category: &'static str,
    by: &'static str,
    status: HouseholdStatus,
) -> HouseholdSpec {
    HouseholdSpec {
        key,
        hamlet,
        name,
        phone,
        cccd,
        category,
        by,
        status,
    }
}

const GROUP_FORMING: &str = "Tổ chè Đồi Một";
const GROUP_READY: &str = "Tổ ong Đồi Hai";
const GROUP_REQUESTED: &str = "Tổ lúa Đồi Ba";
const GROUP_ESTABLISHED: &str = "Tổ cam Đồi Bốn";
const P_SUBMITTED: &str = "Trồng chè an toàn Đồi Một";
const P_RETURNED: &str = "Chuỗi chè HTX Đồi Năm";
const P_FORWARDED: &str = "Chuỗi mật ong Đồi Sáu";
const DEADLINE: &str = "Nộp danh sách hộ Đồi Sáu";

async fn person(tx: &mut Tx, who: &str) -> i64 {
    persons::by_identity(tx, "test", who)
        .await
        .unwrap()
        .expect("person")
        .id
}

async fn fixture(store: &Store) -> Fixture {
    seed::ensure_demo(store, now()).await.unwrap();
    let grants: [(&str, Role, Option<&str>, Option<&str>); 7] = [
        ("HA", Role::HamletHead, Some("Xóm Đồng Tâm"), None),
        ("HB", Role::HamletHead, Some("Xóm Nam Sơn"), None),
        ("ORG", Role::OrgRep, None, Some("Hội Nông dân")),
        ("BIZ", Role::BusinessRep, None, Some("HTX Chè Đồi")),
        ("AGRI", Role::AgriOfficer, None, None),
        ("CULT", Role::CultureOfficer, None, None),
        ("UP", Role::UpperLevel, None, None),
    ];
    for (who, role, hamlet, org) in grants {
        let identity = format!("test:{who}");
        seed::grant(store, &identity, role, hamlet, org, None, now())
            .await
            .unwrap();
    }
    let mut tx = store.begin().await.unwrap();
    for who in ["R1", "R2"] {
        let id = persons::create(&mut tx, 1, who, "vi", now()).await.unwrap();
        persons::link_identity(&mut tx, "test", who, id, who, None)
            .await
            .unwrap();
    }
    let mut person = HashMap::new();
    for who in PERSONAS {
        person.insert(who, self::person(&mut tx, who).await);
    }
    let mut id: HashMap<&'static str, String> = HashMap::new();
    let cult = person["CULT"];
    let mut hid = HashMap::new();
    for h in HOUSEHOLDS {
        let n = households::insert(
            &mut tx,
            &NewHousehold {
                commune_id: 1,
                hamlet_id: h.hamlet,
                head_name: h.name,
                address: "Số 1",
                phone: &format!("+84{}", &h.phone[1..]),
                members: 4,
                category: Category::from_code(h.category).unwrap(),
                escaped_on: None,
                escape_decision: None,
                cccd: Some(h.cccd),
                status: HouseholdStatus::Claimed,
                registered_by: person[h.by],
            },
            now(),
        )
        .await
        .unwrap();
        if h.status != HouseholdStatus::Claimed {
            let why = (h.status == HouseholdStatus::Rejected).then_some("Không ở xóm");
            households::review(&mut tx, n, h.status, why, cult, now())
                .await
                .unwrap();
        }
        hid.insert(h.key, n);
        id.insert(h.key, n.to_string());
    }
    // Groups in every state. Members recognised and checked, so the ready one is ready.
    let group =
        |name: &'static str, leader: &'static str, code: &'static str| (name, person[leader], code);
    let specs = [
        group(GROUP_FORMING, "HA", "FRMAGRP2"),
        group(GROUP_READY, "ORG", "REDYGRP3"),
        group(GROUP_REQUESTED, "ORG", "RQSTGRP4"),
        group(GROUP_ESTABLISHED, "HA", "ESTBGRP5"),
    ];
    let mut gid = vec![];
    for (name, leader, code) in specs {
        let g = groups::insert(
            &mut tx,
            &NewGroup {
                commune_id: 1,
                hamlet_id: 1,
                name,
                org: "hoi_nong_dan",
                product: "chè",
                join_code: code,
                commune_wide: false,
                created_by: leader,
            },
            now(),
        )
        .await
        .unwrap();
        gid.push(g);
    }
    let members: [(usize, &[&str], bool); 4] = [
        (0, &["h_r1_a", "h_m1"], false),
        (1, &["h_m1", "h_m2", "h_r2_b_ok"], true),
        (2, &["h_m1", "h_m2", "h_r2_b_ok"], true),
        (3, &["h_m1", "h_m2", "h_r2_b_ok"], true),
    ];
    for (g, list, checked) in members {
        for h in list {
            groups::add_member(
                &mut tx,
                gid[g],
                hid[h],
                Some("commune"),
                Some(2024),
                true,
                checked,
                person["HA"],
                now(),
            )
            .await
            .unwrap();
        }
    }
    groups::set_status(
        &mut tx,
        gid[2],
        GroupStatus::Forming,
        GroupStatus::Requested,
        None,
        None,
        None,
        now(),
    )
    .await
    .unwrap();
    groups::set_status(
        &mut tx,
        gid[3],
        GroupStatus::Forming,
        GroupStatus::Requested,
        None,
        None,
        None,
        now(),
    )
    .await
    .unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20);
    groups::set_status(
        &mut tx,
        gid[3],
        GroupStatus::Requested,
        GroupStatus::Established,
        Some("1/QĐ"),
        day,
        None,
        now(),
    )
    .await
    .unwrap();
    for (key, g) in ["g_forming", "g_ready", "g_requested", "g_established"]
        .into_iter()
        .zip(&gid)
    {
        id.insert(key, g.to_string());
    }
    id.insert("code_forming", "FRMAGRP2".into());
    // Proposals: one waiting for the officers, one sent back to the cooperative.
    let proposal = |title: &'static str, by: i64, group_id: Option<i64>, kind: &'static str| {
        (title, by, group_id, kind)
    };
    let specs = [
        proposal(P_SUBMITTED, person["HA"], Some(gid[3]), "p2_community"),
        proposal(P_RETURNED, person["BIZ"], None, "p2_chain"),
        proposal(P_FORWARDED, person["BIZ"], None, "p2_chain"),
    ];
    let mut pid = vec![];
    for (title, by, group_id, kind) in specs {
        let answers = serde_json::json!({ "title": title, "kind": kind }).to_string();
        let p = proposals::insert(
            &mut tx,
            &NewProposal {
                commune_id: 1,
                kind: ProposalKind::from_code(kind).unwrap(),
                group_id,
                partners: group_id.is_none().then_some("Các hộ Đồi Năm"),
                submitted_by: by,
                answers: &answers,
                title,
                total_cost: 500_000_000,
                support: 300_000_000,
                own_contribution: 200_000_000,
            },
            now(),
        )
        .await
        .unwrap();
        pid.push(p);
    }
    proposals::set_status(
        &mut tx,
        pid[1],
        ProposalStatus::Submitted,
        ProposalStatus::Returned,
        now(),
    )
    .await
    .unwrap();
    proposals::set_status(
        &mut tx,
        pid[2],
        ProposalStatus::Submitted,
        ProposalStatus::Forwarded,
        now(),
    )
    .await
    .unwrap();
    id.insert("p_submitted", pid[0].to_string());
    id.insert("p_forwarded", pid[2].to_string());
    id.insert("p_returned", pid[1].to_string());
    let d = digests::add_deadline(
        &mut tx,
        1,
        DEADLINE,
        day.unwrap() + chrono::Days::new(20),
        None,
        now(),
    )
    .await
    .unwrap();
    id.insert("d_open", d.to_string());
    tx.commit().await.unwrap();
    Fixture { id }
}

/// One row of the table.
struct Row {
    lines: Vec<String>,
    /// The fixture's records the command names.
    keys: Vec<String>,
    /// The verdict for each persona, in `PERSONAS` order.
    allowed: Vec<bool>,
}

fn rows(fx: &Fixture) -> Vec<Row> {
    MATRIX
        .lines()
        .filter(|l| !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            let (cmd, cells) = l.split_once('|').expect("command | cells");
            let mut cmd = cmd.trim().to_string();
            let keys: Vec<String> = cmd
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(k, _)| k.to_string()))
                .collect();
            for (k, v) in &fx.id {
                cmd = cmd.replace(&format!("{{{k}}}"), v);
            }
            assert!(!cmd.contains('{'), "unknown record in {cmd}");
            let allowed: Vec<bool> = cells
                .split_whitespace()
                .map(|c| match c {
                    "A" => true,
                    "-" => false,
                    _ => panic!("cell {c}"),
                })
                .collect();
            assert_eq!(allowed.len(), PERSONAS.len(), "{l}");
            Row {
                lines: cmd.split(" ; ").map(str::to_string).collect(),
                keys,
                allowed,
            }
        })
        .collect()
}

/// What the database says about the records a row may change, so a refused cell can be
/// shown to have changed nothing and an allowed one to have done its work.
async fn snapshot(store: &Store, fx: &Fixture) -> String {
    let mut tx = store.begin().await.unwrap();
    let mut out = String::new();
    for h in HOUSEHOLDS {
        let id: i64 = fx.id[h.key].parse().unwrap();
        let h = households::get(&mut tx, id).await.unwrap().unwrap();
        out.push_str(&format!("h{id}:{:?} ", h.status));
    }
    for g in ["g_forming", "g_ready", "g_requested", "g_established"] {
        let id: i64 = fx.id[g].parse().unwrap();
        let g = groups::get(&mut tx, id).await.unwrap().unwrap();
        let members = groups::members(&mut tx, id).await.unwrap();
        let m: Vec<String> = members
            .iter()
            .map(|m| {
                format!(
                    "{}{}",
                    m.household_id,
                    if m.recognition_checked { "+" } else { "" }
                )
            })
            .collect();
        out.push_str(&format!(
            "g{id}:{:?}:{}:{}:{:?} ",
            g.status,
            g.join_code,
            m.join(","),
            g.leader_household_id
        ));
    }
    out.push_str(&format!(
        "groups:{} ",
        groups::all(&mut tx, 1).await.unwrap().len()
    ));
    for p in ["p_submitted", "p_returned", "p_forwarded"] {
        let id: i64 = fx.id[p].parse().unwrap();
        let p = proposals::get(&mut tx, id).await.unwrap().unwrap();
        out.push_str(&format!("p{id}:{:?} ", p.status));
    }
    let deadlines: Vec<String> = digests::open_deadlines(&mut tx, 1)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.title)
        .collect();
    out.push_str(&format!("deadlines:{deadlines:?} "));
    // Who holds a role, and the invites open: what /moi and /thuhoi change.
    let roles = staff::of_commune(&mut tx, 1).await.unwrap().len();
    let open = invites::open(&mut tx, 1, now()).await.unwrap().len();
    out.push_str(&format!("roles:{roles} invites:{open} "));
    tx.commit().await.unwrap();
    out
}

/// Whatever of a record a refused person must not learn: its people, numbers and titles.
fn secrets(row: &Row) -> Vec<String> {
    let mut out = vec![];
    for key in &row.keys {
        if let Some(h) = HOUSEHOLDS.iter().find(|h| h.key == key) {
            out.push(h.name.to_string());
            out.push(format!(
                "{} {} {}",
                &h.phone[..4],
                &h.phone[4..7],
                &h.phone[7..]
            ));
            out.push(h.cccd.to_string());
        }
        // Lò Văn Một's household is a member of the forming group only.
        let known: &[&str] = match key.as_str() {
            "g_forming" | "code_forming" => &[GROUP_FORMING, "Lò Văn Một"],
            "g_ready" => &[GROUP_READY],
            "g_requested" => &[GROUP_REQUESTED],
            "p_submitted" => &[P_SUBMITTED],
            "p_returned" => &[P_RETURNED],
            "p_forwarded" => &[P_FORWARDED],
            "d_open" => &[DEADLINE],
            _ => &[],
        };
        out.extend(known.iter().map(|s| s.to_string()));
    }
    match row.lines[0].as_str() {
        "/dshanchot" => out.push(DEADLINE.into()),
        "/choxuly" => out.extend([P_SUBMITTED.into(), GROUP_REQUESTED.into()]),
        "/chocaptren" => out.push(P_FORWARDED.into()),
        _ => {}
    }
    out
}

/// How a person sees that the command did its work, where the database does not change.
fn worked(row: &Row, said: &str, replies: &[Reply], fx: &Fixture, changed: bool) -> bool {
    let cmd = row.lines[0].split_whitespace().next().unwrap();
    match cmd {
        "/dangky" => said.contains("Họ và tên chủ hộ?"),
        "/hocuatoi" => {
            said.contains("Hộ bạn đã đăng ký") || said.contains("Bạn chưa đăng ký hộ nào")
        }
        "/taonhom" => said.contains("Tên nhóm?"),
        // R1's household is in the group already: told so at the code, as a member.
        // One's only household is taken at once: the next question is about it.
        "/thamgia" => {
            said.contains("Hộ nào tham gia?")
                || said.contains("Chủ hộ có được Hội Nông dân công nhận")
                || said.contains("đã ở trong nhóm")
        }
        "/dexuat" => said.contains("Đề xuất theo nội dung hỗ trợ nào?"),
        "/nhom" => said.contains("Lò Văn Một"),
        "/suada" => said.contains("sửa các mục cần sửa"),
        "/xemda" => {
            let key = if row.lines[0].contains(&fx.id["p_returned"]) {
                P_RETURNED
            } else if row.lines[0].contains(&fx.id["p_forwarded"]) {
                P_FORWARDED
            } else {
                P_SUBMITTED
            };
            said.contains(key)
        }
        "/chocaptren" => said.contains(P_FORWARDED),
        "/sodienthoai" => said.contains("0912 000 106"),
        "/choxuly" => said.contains(P_SUBMITTED),
        "/dshanchot" => said.contains(DEADLINE),
        // The upper level's is the province's.
        "/bantin" => said.contains("Bản tin ngày") || said.contains("Bản tin cấp tỉnh ngày"),
        "/giobantin" => said.contains("06:30"),
        "/baocao" | "/baocaotinh" => replies.iter().any(|r| !r.files.is_empty()),
        "/lienket" => said.contains("Mã liên kết:"),
        "/ten" => said.contains("Đã lưu tên của bạn: Nguyễn Văn Tên."),
        "/nhatky" => said.contains("Nhật ký thao tác (mới nhất trước):"),
        "/moi" => said.contains("Mã mời Viên chức Khuyến nông:") && changed,
        "/nhanvien" => said.contains("Người có vai trò ở"),
        _ => changed,
    }
}

/// Plays a row's lines in a chat: the replies, as the person reads them, and the fixture's
/// records before and after.
async fn play(
    chat: &mut Chat<'_>,
    row: &Row,
    store: &Store,
    fx: &Fixture,
) -> (Vec<Reply>, String, String, String) {
    let before = snapshot(store, fx).await;
    let mut replies = vec![];
    for line in &row.lines {
        replies.extend(chat.send(Content::Text(line.clone())).await);
    }
    let after = snapshot(store, fx).await;
    let said: String = replies
        .iter()
        .map(giamngheo::channels::render_plain)
        .collect::<Vec<_>>()
        .join("\n");
    (replies, said, before, after)
}

fn engine(db: &TestDb, without_roles: bool) -> Engine {
    let mut dialogues = giamngheo::dialogue::setup::dialogues(&Settings::default()).unwrap();
    if without_roles {
        // As if every `roles` line had been deleted from a copy of the files: only the code
        // decides now.
        for d in &mut dialogues.list {
            d.roles.clear();
        }
    }
    Engine::new(
        db.store.clone(),
        Arc::new(dialogues),
        Arc::new(Texts::load().unwrap()),
        Arc::new(FixedClock::new(now())),
        None,
    )
}

async fn run_matrix(without_roles: bool) {
    for (p, who) in PERSONAS.iter().enumerate() {
        // A fresh database for each persona, so one person's allowed change cannot decide
        // another's cell; within it each row acts on records no other row changes.
        for db in common::databases().await {
            let fx = fixture(&db.db.store).await;
            let engine = engine(&db.db, without_roles);
            let mut chat = Chat {
                engine: &engine,
                who,
                n: 0,
            };
            chat.say("/menu").await;
            let mut failures = vec![];
            for row in rows(&fx) {
                let (replies, said, before, after) = play(&mut chat, &row, &db.db.store, &fx).await;
                let did = worked(&row, &said, &replies, &fx, before != after);
                let cell = format!(
                    "{} [{who}] {} ({}, roles {})",
                    if row.allowed[p] { "A" } else { "-" },
                    row.lines.join(" ; "),
                    db.name,
                    if without_roles { "deleted" } else { "kept" }
                );
                if row.allowed[p] && !did {
                    failures.push(format!("{cell}: expected to work, got:\n{said}"));
                }
                if !row.allowed[p] {
                    if did || before != after {
                        failures.push(format!(
                            "{cell}: expected a refusal, but it worked:\n{said}\n{before}\n{after}"
                        ));
                    }
                    for s in secrets(&row) {
                        if said.contains(&s) {
                            failures.push(format!("{cell}: the refusal shows `{s}`:\n{said}"));
                        }
                    }
                }
                // Leave whatever the row left open, so the next row starts from the menu.
                chat.say("/huy").await;
                chat.say("/huy").await;
            }
            assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_do_what_with_the_shipped_dialogues() {
    run_matrix(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_do_what_with_roles_deleted_from_every_dialogue() {
    run_matrix(true).await;
}

/// A commune that narrows who may submit proposals (here: hamlet heads only) is obeyed also
/// when revising one sends the person on to the submission's summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrowed_dialogue_is_not_reached_through_a_hand_over() {
    for db in common::databases().await {
        let fx = fixture(&db.db.store).await;
        let mut dialogues = giamngheo::dialogue::setup::dialogues(&Settings::default()).unwrap();
        for d in &mut dialogues.list {
            if d.id == "submit_proposal" {
                d.roles = vec![Role::HamletHead];
            }
        }
        let engine = Engine::new(
            db.db.store.clone(),
            Arc::new(dialogues),
            Arc::new(Texts::load().unwrap()),
            Arc::new(FixedClock::new(now())),
            None,
        );
        let mut biz = Chat {
            engine: &engine,
            who: "BIZ",
            n: 0,
        };
        let said = biz.say(&format!("/suada {}", fx.id["p_returned"])).await;
        assert!(
            said.contains("Bạn không có quyền làm việc này."),
            "{}: {said}",
            db.name
        );
        assert!(
            !said.contains("Các nhóm, hộ liên kết"),
            "{}: {said}",
            db.name
        );
        assert!(!said.contains(P_RETURNED), "{}: {said}", db.name);
    }
}

/// Everything of the fixture's commune a person of another commune must never learn.
fn every_secret() -> Vec<String> {
    let mut out: Vec<String> = [
        GROUP_FORMING,
        GROUP_READY,
        GROUP_REQUESTED,
        GROUP_ESTABLISHED,
        P_SUBMITTED,
        P_RETURNED,
        DEADLINE,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for h in HOUSEHOLDS {
        out.push(h.name.to_string());
        out.push(format!(
            "{} {} {}",
            &h.phone[..4],
            &h.phone[4..7],
            &h.phone[7..]
        ));
        out.push(h.cccd.to_string());
    }
    out
}

/// A second commune in the same database, of another province, whose people hold the
/// fixture's roles there: K2-R1, K2-HA, … (hamlet heads of its own two hamlets; the same
/// organisations' names; K2-UP the other province's upper level).
async fn second_commune(store: &Store) {
    let file = seed::CommuneFile {
        code: "xa-hai".into(),
        name: "Xã Hai".into(),
        district: String::new(),
        province: "Tỉnh Mẫu".into(),
        time_zone: "Asia/Ho_Chi_Minh".into(),
        hamlets: vec!["Xóm Một".into(), "Xóm Hai".into()],
        rules: Default::default(),
    };
    seed::add_commune(store, &file, now()).await.unwrap();
    let grants: [(&str, Role, Option<&str>, Option<&str>); 7] = [
        ("K2-UP", Role::UpperLevel, None, None),
        ("K2-HA", Role::HamletHead, Some("Xóm Một"), None),
        ("K2-HB", Role::HamletHead, Some("Xóm Hai"), None),
        ("K2-ORG", Role::OrgRep, None, Some("Hội Nông dân")),
        ("K2-BIZ", Role::BusinessRep, None, Some("HTX Chè Đồi")),
        ("K2-AGRI", Role::AgriOfficer, None, None),
        ("K2-CULT", Role::CultureOfficer, None, None),
    ];
    for (who, role, hamlet, org) in grants {
        let identity = format!("test:{who}");
        seed::grant(store, &identity, role, hamlet, org, Some("xa-hai"), now())
            .await
            .unwrap();
    }
    let mut tx = store.begin().await.unwrap();
    let commune = giamngheo::store::communes::by_code(&mut tx, "xa-hai")
        .await
        .unwrap()
        .unwrap();
    for who in ["K2-R1", "K2-R2"] {
        let id = persons::create(&mut tx, commune.id, who, "vi", now())
            .await
            .unwrap();
        persons::link_identity(&mut tx, "test", who, id, who, None)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// The whole table again, from the people of a second commune in the same database, each
/// with the same role there, typing the first commune's record numbers and codes: nothing
/// of the first commune changes, and no reply carries any of its people, numbers or titles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_of_another_commune_reaches_this_ones_records() {
    for db in common::databases().await {
        let fx = fixture(&db.db.store).await;
        second_commune(&db.db.store).await;
        let engine = engine(&db.db, false);
        let secrets = every_secret();
        let mut failures = vec![];
        for who in PERSONAS {
            let who = format!("K2-{who}");
            let mut chat = Chat {
                engine: &engine,
                who: &who,
                n: 0,
            };
            let said = chat.say("/menu").await;
            assert!(!said.is_empty(), "{}: {who} gets a menu", db.name);
            for row in rows(&fx) {
                let (_, said, before, after) = play(&mut chat, &row, &db.db.store, &fx).await;
                let cell = format!("[{who}] {} ({})", row.lines.join(" ; "), db.name);
                if before != after {
                    failures.push(format!("{cell}: changed the other commune:\n{said}"));
                }
                for s in &secrets {
                    if said.contains(s) {
                        failures.push(format!("{cell}: shows `{s}`:\n{said}"));
                    }
                }
                chat.say("/huy").await;
                chat.say("/huy").await;
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}
