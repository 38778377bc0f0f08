//! A proposal after the commune's appraisal, on every backend under test: forwarded, it waits
//! for the upper level (named as the commune's rules name it) and leaves the commune's queue;
//! the upper level's answer is recorded (a decision's number, date and the support granted, or
//! a reason), and the submitter told it; a revision keeps the files it replaced and starts from
//! the reason the proposal came back; the report's sheet says who proposed what and the
//! decision.

mod common;

use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use common::Account;
use giamngheo::channels::{Content, FileRef, Inbound};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::dialogue::engine::{Engine, Handled};
use giamngheo::domain::{ProposalKind, ProposalStatus, Role};
use giamngheo::seed;
use giamngheo::store::proposals::{self, NewProposal};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

async fn setup(db: &giamngheo::store::scratch::TestDb) -> Engine {
    let clock = Arc::new(FixedClock::on(today()));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    common::engine(db, clock)
}

/// A proposal of `by`, as submitted, of the commune `commune_id`.
async fn submitted(
    engine: &Engine,
    commune_id: i64,
    by: i64,
    title: &str,
    group_id: Option<i64>,
) -> i64 {
    let mut tx = engine.store().begin().await.unwrap();
    let kind = match group_id {
        Some(_) => ProposalKind::P2Community,
        None => ProposalKind::P2Chain,
    };
    let id = proposals::insert(
        &mut tx,
        &NewProposal {
            commune_id,
            kind,
            group_id,
            partners: group_id.is_none().then_some("Nhóm ong xóm Đồng Tâm"),
            submitted_by: by,
            answers: "{}",
            title,
            total_cost: 1_200_000_000,
            support: 500_000_000,
            own_contribution: 400_000_000,
        },
        engine.clock().now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn status(engine: &Engine, id: i64) -> proposals::Proposal {
    let mut tx = engine.store().begin().await.unwrap();
    let p = proposals::get(&mut tx, id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    p
}

/// The cooperative's value-chain proposal answered up to its files (minutes, contract).
async fn answers_a_value_chain(htx: &mut Account<'_>) {
    htx.says(&[
        "/dexuat",
        "3",
        "Nhóm ong xóm Đồng Tâm, 12 hộ",
        "Chuỗi mật ong sạch",
        "Mật ong, xóm Đồng Tâm",
        "12",
        "24",
        "1 tỷ 2",
        "500 triệu",
        "400 triệu",
        "12",
        "20 triệu/hộ/năm",
        "bỏ qua",
        "bỏ qua",
    ])
    .await;
}

/// The cooperative submits its value-chain proposal #1 with minutes and contract.
async fn submits_a_value_chain(htx: &mut Account<'_>) {
    answers_a_value_chain(htx).await;
    send_file(htx, "bien-ban.pdf").await;
    send_file(htx, "hop-dong.pdf").await;
    let said = htx.say("1").await;
    assert!(said.starts_with("Đã gửi đề xuất #1"), "{said}");
}

/// Sends a file as a phone does (the console's `file: NAME`).
async fn send_file(account: &mut Account<'_>, name: &str) -> String {
    account.n += 1;
    let msg = Inbound {
        channel: account.channel.into(),
        chat_id: account.who.into(),
        sender_id: account.who.into(),
        sender_name: Some(account.who.into()),
        message_id: format!("{}-{}-file-{}", account.channel, account.who, account.n),
        lang_hint: None,
        content: Content::File(FileRef {
            kind: "document".into(),
            channel: account.channel.into(),
            file_id: name.into(),
            name: name.into(),
            data: None,
        }),
    };
    assert_eq!(account.engine.handle(&msg).await.unwrap(), Handled::Done);
    account.inbox().await
}

#[tokio::test]
async fn the_upper_levels_approval_is_recorded_with_its_decision_and_the_submitter_told() {
    for db in common::databases().await {
        let name = db.name;
        let engine = setup(&db.db).await;
        let mut htx = Account::new(&engine, "console", "htx");
        let mut canbo = Account::new(&engine, "console", "canbo");
        let p = submitted(&engine, 1, htx.person().await, "Chuỗi mật ong sạch", None).await;
        canbo.says(&[&format!("/xulyda {p}"), "tham dinh"]).await;
        canbo.says(&[&format!("/xulyda {p}"), "trinh"]).await;
        htx.inbox().await;

        let said = canbo.say(&format!("/xulyda {p}")).await;
        assert!(
            said.ends_with(
                "Làm gì với đề xuất này?\n[1] Được cấp trên phê duyệt\n[2] Không được cấp trên phê duyệt"
            ),
            "{name}: {said}"
        );
        let said = canbo.say("phe duyet").await;
        assert_eq!(
            said, "Số quyết định phê duyệt? (ví dụ: 123/QĐ-UBND)",
            "{name}"
        );
        let said = canbo.say("123/QĐ-UBND").await;
        assert_eq!(said, "Ngày quyết định? (ngày/tháng/năm)", "{name}");
        // A decision from the future is a typing slip.
        let said = canbo.say("01/11/2027").await;
        assert!(
            said.ends_with("\nNgày quyết định? (ngày/tháng/năm)"),
            "{name}: {said}"
        );
        let said = canbo.say("01/11/2026").await;
        assert_eq!(
            said, "Số tiền được hỗ trợ theo quyết định? (ví dụ: 300 triệu)",
            "{name}"
        );
        // The upper level grants at most what was asked for: said at once, asked again.
        let said = canbo.say("600 triệu").await;
        assert_eq!(
            said,
            "Số tiền được hỗ trợ (600.000.000 đ) lớn hơn số đề nghị hỗ trợ (500.000.000 đ).\n\
             Số tiền được hỗ trợ theo quyết định? (ví dụ: 300 triệu)",
            "{name}"
        );
        let said = canbo.say("300 triệu").await;
        assert_eq!(
            said,
            format!(
                "Đã ghi: đề xuất #{p} \"Chuỗi mật ong sạch\" đã được phê duyệt theo Quyết định \
                 số 123/QĐ-UBND ngày 01/11/2026, hỗ trợ 300.000.000 đ."
            ),
            "{name}"
        );
        let told = htx.inbox().await;
        assert_eq!(
            told,
            format!(
                "Đề xuất #{p} \"Chuỗi mật ong sạch\" của bạn đã được phê duyệt: Quyết định số \
                 123/QĐ-UBND ngày 01/11/2026, hỗ trợ 300.000.000 đ."
            ),
            "{name}"
        );
        let shown = htx.say(&format!("/xemda {p}")).await;
        assert!(
            shown.contains(
                "Trạng thái: đã được phê duyệt\n\
                 Quyết định số 123/QĐ-UBND ngày 01/11/2026 · Được hỗ trợ: 300.000.000 đ\n"
            ),
            "{name}: {shown}"
        );
        let stored = status(&engine, p).await;
        assert_eq!(stored.status, ProposalStatus::Approved, "{name}");
        assert_eq!(stored.decision_no.as_deref(), Some("123/QĐ-UBND"));
        assert_eq!(stored.decision_date, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(stored.approved_amount, Some(300_000_000));
    }
}

#[tokio::test]
async fn a_forwarded_proposal_waits_for_the_upper_level_out_of_the_communes_queue() {
    for db in common::databases().await {
        let name = db.name;
        let engine = setup(&db.db).await;
        let htx = Account::new(&engine, "console", "htx");
        let mut canbo = Account::new(&engine, "console", "canbo");
        let by = htx.person().await;
        let p = submitted(&engine, 1, by, "Chuỗi mật ong sạch", None).await;
        let other = submitted(&engine, 1, by, "Chuỗi chè sạch", None).await;
        canbo.says(&[&format!("/xulyda {p}"), "tham dinh"]).await;
        // Under appraisal it waits for the commune: in the digest and the queue.
        let digest = canbo.say("/bantin").await;
        assert!(digest.contains(&format!("/xulyda {p}")), "{name}: {digest}");
        let said = canbo.says(&[&format!("/xulyda {p}"), "trinh"]).await;
        assert_eq!(
            said,
            format!("Đề xuất #{p} \"Chuỗi mật ong sạch\": đã trình cấp trên, chờ trả lời."),
            "{name}"
        );
        assert!(
            htx.inbox()
                .await
                .contains("của bạn: đã trình cấp trên, chờ trả lời."),
            "{name}"
        );

        // Forwarded, it waits for the upper level: out of the digest's list, apart in the
        // queue.
        let digest = canbo.say("/bantin").await;
        assert!(
            !digest.contains(&format!("/xulyda {p}")),
            "{name}: {digest}"
        );
        assert!(
            digest.contains(&format!("/xulyda {other}")),
            "{name}: {digest}"
        );
        let queue = canbo.say("/choxuly").await;
        assert_eq!(
            queue,
            format!(
                "Việc chờ xử lý (cũ nhất trước):\n\n\
                 Đề xuất (/xulyda số):\n\
                 #{other} Chuỗi chè sạch – đã gửi, chờ thẩm định – hôm nay\n\n\
                 Chờ cấp trên trả lời (/xulyda số để ghi kết quả):\n\
                 #{p} Chuỗi mật ong sạch – trình ngày 27/11/2026"
            ),
            "{name}"
        );
        // /xulyda still finds it, after what waits for the commune, its status said.
        let list = canbo.say("/xulyda").await;
        let (waiting, forwarded) = (
            list.find("Chuỗi chè sạch – đã gửi").expect(&list),
            list.find("Chuỗi mật ong sạch – đã trình cấp trên, chờ trả lời")
                .expect(&list),
        );
        assert!(waiting < forwarded, "{name}: {list}");
        canbo.say("/huy").await;

        // The commune can no longer send it back or reject it: only the answer is recorded.
        let said = canbo.say(&format!("/xulyda {p}")).await;
        assert!(
            !said.contains("Trả lại") && !said.contains("Không chấp thuận"),
            "{said}"
        );
        let said = canbo.say("tra lai").await;
        assert!(said.starts_with("Không có lựa chọn này."), "{name}: {said}");
        let said = canbo.say("khong duyet").await;
        assert_eq!(said, "Lý do, hoặc cần sửa gì? (người gửi sẽ được báo)");
        let said = canbo.say("Hết vốn năm 2026").await;
        assert_eq!(
            said,
            format!("Đề xuất #{p} \"Chuỗi mật ong sạch\": không được cấp trên phê duyệt."),
            "{name}"
        );
        let told = htx.inbox().await;
        assert!(
            told.contains(&format!(
                "Đề xuất #{p} \"Chuỗi mật ong sạch\" của bạn: không được cấp trên phê duyệt. \
                 Ghi chú: Hết vốn năm 2026"
            )),
            "{name}: {told}"
        );
        assert_eq!(status(&engine, p).await.status, ProposalStatus::NotApproved);
        let queue = canbo.say("/choxuly").await;
        assert!(!queue.contains("Chuỗi mật ong sạch"), "{name}: {queue}");
    }
}

#[tokio::test]
async fn a_revision_keeps_the_files_it_replaces_and_starts_from_the_reason() {
    for db in common::databases().await {
        let name = db.name;
        let engine = setup(&db.db).await;
        let mut htx = Account::new(&engine, "console", "htx");
        let mut canbo = Account::new(&engine, "console", "canbo");
        submits_a_value_chain(&mut htx).await;
        canbo.says(&["/xulyda 1", "tham dinh"]).await;
        canbo
            .says(&["/xulyda 1", "tra lai", "Biên bản chưa có chữ ký"])
            .await;
        htx.inbox().await;

        // The reason comes with the revision, before the summary (the only proposal sent back
        // is taken without asking).
        let said = htx.say("/suada").await;
        assert!(
            said.starts_with(
                "Đề xuất #1 bị trả lại: Biên bản chưa có chữ ký\n\
                 Hãy sửa các mục cần sửa rồi gửi lại.\n"
            ),
            "{name}: {said}"
        );
        let said = htx.say("Biên bản họp dân").await;
        assert!(
            said.starts_with("Gửi ảnh hoặc tệp biên bản họp dân."),
            "{said}"
        );
        send_file(&mut htx, "bien-ban-co-chu-ky.pdf").await;
        assert!(
            htx.say("1").await.starts_with("Đã gửi lại đề xuất #1"),
            "{name}"
        );

        // The officer sees the new minutes, the contract as it was, and the minutes replaced.
        let shown = canbo.say("/xemda 1").await;
        let files: Vec<&str> = shown.lines().filter(|l| l.starts_with("📎")).collect();
        assert_eq!(
            files,
            [
                "📎 hop-dong.pdf",
                "📎 bien-ban-co-chu-ky.pdf",
                "📎 bien-ban.pdf"
            ],
            "{name}: {shown}"
        );
        assert!(
            shown.contains(
                "Tệp bản trước (đã thay khi sửa):\n• bien-ban.pdf – thay ngày 27/11/2026\n"
            ),
            "{name}: {shown}"
        );
        // The submitter sees what the proposal carries now.
        let shown = htx.say("/xemda 1").await;
        let files: Vec<&str> = shown.lines().filter(|l| l.starts_with("📎")).collect();
        assert_eq!(
            files,
            ["📎 hop-dong.pdf", "📎 bien-ban-co-chu-ky.pdf"],
            "{name}: {shown}"
        );
        assert!(!shown.contains("Tệp bản trước"), "{name}: {shown}");
    }
}

/// A file the platform refused to bring an officer is said on the proposal's card, where the
/// officer looks for it, until it arrives.
#[tokio::test]
async fn a_file_that_did_not_reach_the_officer_is_marked_on_the_proposal() {
    for db in common::databases().await {
        let name = db.name;
        let engine = setup(&db.db).await;
        let mut htx = Account::new(&engine, "console", "htx");
        let mut canbo = Account::new(&engine, "console", "canbo");
        submits_a_value_chain(&mut htx).await;
        let shown = canbo.say("/xemda 1").await;
        assert!(!shown.contains("⚠"), "{name}: {shown}");

        // What the sender records when the platform refuses the minutes for that chat.
        let minutes = FileRef {
            kind: "document".into(),
            channel: "console".into(),
            file_id: "bien-ban.pdf".into(),
            name: "bien-ban.pdf".into(),
            data: None,
        };
        let key = [giamngheo::store::outbox::file_key(&minutes)];
        let mut tx = engine.store().begin().await.unwrap();
        let why = "Bad Request: file is too big";
        giamngheo::store::outbox::files_refused(
            &mut tx,
            "console",
            "canbo",
            &key,
            why,
            engine.clock().now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let shown = canbo.say("/xemda 1").await;
        assert!(
            shown.contains(
                "⚠ Tệp bien-ban.pdf lần trước không gửi được cho bạn (Bad Request: file is too big)"
            ),
            "{name}: {shown}"
        );
        assert!(!shown.contains("⚠ Tệp hop-dong.pdf"), "{name}: {shown}");
        // Someone else's chat is not this officer's.
        let shown = htx.say("/xemda 1").await;
        assert!(!shown.contains("⚠"), "{name}: {shown}");

        // Once it reached the chat, the card no longer warns.
        let mut tx = engine.store().begin().await.unwrap();
        giamngheo::store::outbox::files_arrived(&mut tx, "console", "canbo", &key)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let shown = canbo.say("/xemda 1").await;
        assert!(!shown.contains("⚠"), "{name}: {shown}");
    }
}

/// The commune's file names its upper level; every step, status and queue heading says it.
#[tokio::test]
async fn the_upper_level_is_named_as_the_commune_file_says() {
    for db in common::databases().await {
        let name = db.name;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("xa.toml");
        std::fs::write(
            &file,
            "code = \"tan-cuong\"\nname = \"Xã Tân Cương\"\nprovince = \"Thái Nguyên\"\n\
             hamlets = [\"Xóm Nam Đồng\"]\n\n[rules.words]\nupper_level = \"UBND tỉnh Thái Nguyên\"\n",
        )
        .unwrap();
        let clock = Arc::new(FixedClock::on(today()));
        let now = clock.now();
        seed::init_commune(&db.db.store, &file, now).await.unwrap();
        let engine = common::engine(&db.db, clock);
        let code = Some("tan-cuong");
        seed::grant(
            engine.store(),
            "test:cb",
            Role::CultureOfficer,
            None,
            None,
            code,
            now,
        )
        .await
        .unwrap();
        let org = Some("HTX Chè Tân Cương");
        seed::grant(
            engine.store(),
            "test:biz",
            Role::BusinessRep,
            None,
            org,
            code,
            now,
        )
        .await
        .unwrap();
        let mut cb = Account::new(&engine, "test", "cb");
        let mut biz = Account::new(&engine, "test", "biz");
        let commune = {
            let mut tx = engine.store().begin().await.unwrap();
            let c = giamngheo::store::communes::by_code(&mut tx, "tan-cuong")
                .await
                .unwrap()
                .unwrap();
            tx.commit().await.unwrap();
            c.id
        };
        let p = submitted(&engine, commune, biz.person().await, "Chuỗi chè", None).await;
        cb.says(&[&format!("/xulyda {p}"), "tham dinh"]).await;
        let said = cb.say(&format!("/xulyda {p}")).await;
        assert!(
            said.ends_with(
                "[1] Trình UBND tỉnh Thái Nguyên\n[2] Trả lại để sửa\n[3] Không chấp thuận"
            ),
            "{name}: {said}"
        );
        let said = cb.say("trinh").await;
        assert_eq!(
            said,
            format!("Đề xuất #{p} \"Chuỗi chè\": đã trình UBND tỉnh Thái Nguyên, chờ trả lời."),
            "{name}"
        );
        let told = biz.inbox().await;
        assert!(
            told.contains("của bạn: đã trình UBND tỉnh Thái Nguyên, chờ trả lời."),
            "{name}: {told}"
        );
        let queue = cb.say("/choxuly").await;
        assert!(
            queue.contains("Chờ UBND tỉnh Thái Nguyên trả lời (/xulyda số để ghi kết quả):"),
            "{name}: {queue}"
        );
        let said = cb.say(&format!("/xulyda {p}")).await;
        assert!(
            said.ends_with(
                "[1] Được UBND tỉnh Thái Nguyên phê duyệt\n[2] Không được UBND tỉnh Thái Nguyên phê duyệt"
            ),
            "{name}: {said}"
        );
        cb.say("/huy").await;
        let shown = biz.say(&format!("/xemda {p}")).await;
        assert!(
            shown.contains("27/11/2026: đã trình UBND tỉnh Thái Nguyên, chờ trả lời"),
            "{name}: {shown}"
        );
    }
}

fn cell(sheet: &calamine::Range<Data>, r: u32, c: u32) -> String {
    sheet
        .get_value((r, c))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_reports_proposals_say_who_proposed_them_and_the_decision() {
    use giamngheo::domain::GroupStatus;
    use giamngheo::store::groups;
    for db in common::databases().await {
        let name = db.name;
        let engine = setup(&db.db).await;
        let now = engine.clock().now();
        let head = Account::new(&engine, "console", "truongxom1")
            .person()
            .await;
        let htx = Account::new(&engine, "console", "htx").person().await;
        let mut tx = engine.store().begin().await.unwrap();
        let g = groups::insert(
            &mut tx,
            &groups::NewGroup {
                commune_id: 1,
                hamlet_id: 1,
                name: "Tổ chè Đồng Tâm",
                org: "hoi_nong_dan",
                product: "chè",
                join_code: "CHEDTAM2",
                commune_wide: false,
                created_by: head,
            },
            now,
        )
        .await
        .unwrap();
        let (forming, established) = (GroupStatus::Forming, GroupStatus::Established);
        groups::set_status(&mut tx, g, forming, established, None, None, None, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let by_group = submitted(&engine, 1, head, "Trồng chè an toàn", Some(g)).await;
        let chain = submitted(&engine, 1, htx, "Chuỗi mật ong sạch", None).await;
        let mut tx = engine.store().begin().await.unwrap();
        use ProposalStatus as S;
        for (from, to) in [
            (S::Submitted, S::UnderAppraisal),
            (S::UnderAppraisal, S::Forwarded),
        ] {
            assert!(
                proposals::set_status(&mut tx, chain, from, to, now)
                    .await
                    .unwrap()
            );
        }
        let decision = proposals::Decision {
            no: "123/QĐ-UBND",
            date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            amount: 300_000_000,
        };
        assert!(
            proposals::approve(&mut tx, chain, &decision, now)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let bytes = giamngheo::report::export(engine.store(), None, false, now)
            .await
            .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("Đề xuất").unwrap();
        let row = |r: u32| (0..13).map(|c| cell(&sheet, r, c)).collect::<Vec<_>>();
        assert_eq!(
            row(0),
            [
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
            "{name}"
        );
        let group_row = row(by_group as u32);
        assert_eq!(group_row[3], "Tổ chè Đồng Tâm", "{name}");
        assert_eq!(group_row[4], "");
        assert_eq!(group_row[9..12], ["", "", ""]);
        let chain_row = row(chain as u32);
        assert_eq!(chain_row[3], "HTX Chè Xã Mẫu (htx)", "{name}");
        assert_eq!(chain_row[4], "HTX Chè Xã Mẫu", "{name}");
        assert_eq!(chain_row[8], "đã được phê duyệt", "{name}");
        assert_eq!(chain_row[9..12], ["123/QĐ-UBND", "01/11/2026", "300000000"]);
    }
}

/// A file whose name carries a NUL (or another control character) is kept without it: the
/// proposal saves on both databases (PostgreSQL refuses byte 0 in text).
#[tokio::test]
async fn a_control_character_in_a_file_name_does_not_block_the_proposal() {
    for db in common::databases().await {
        let name = db.name;
        let engine = setup(&db.db).await;
        let mut htx = Account::new(&engine, "console", "htx");
        answers_a_value_chain(&mut htx).await;
        send_file(&mut htx, "bien\0ban.pdf").await;
        send_file(&mut htx, "hop\u{1}dong.pdf").await;
        let said = htx.say("1").await;
        assert!(said.starts_with("Đã gửi đề xuất #1"), "{name}: {said}");
        let shown = htx.say("/xemda 1").await;
        assert!(shown.contains("📎 bienban.pdf"), "{name}: {shown}");
        assert!(shown.contains("📎 hopdong.pdf"), "{name}: {shown}");
    }
}
