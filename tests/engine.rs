//! The engine as a channel adapter sees it: messages in, replies in the outbox. Redelivery,
//! buttons, shared contacts and things the bot cannot read, on every backend under test.

mod common;

use std::sync::Arc;

use chrono::NaiveDate;
use common::{Chat, replies};
use giamngheo::channels::{Content, Inbound};
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::dialogue::engine::{Engine, Handled};
use giamngheo::dialogue::setup;
use giamngheo::domain::{HouseholdStatus, Role};
use giamngheo::seed;
use giamngheo::store::{audit, households};

/// The head of Xóm Đồng Tâm, chatting on the test channel.
async fn hamlet_head(engine: &Engine) -> Chat<'_> {
    let now = engine.clock().now();
    let hamlet = Some("xom dong tam");
    seed::grant(
        engine.store(),
        "test:head",
        Role::HamletHead,
        hamlet,
        None,
        None,
        now,
    )
    .await
    .unwrap();
    Chat {
        engine,
        who: "head",
        n: 0,
    }
}

async fn setup(db: &giamngheo::store::scratch::TestDb) -> Engine {
    let clock = Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ));
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    common::engine(db, clock)
}

#[tokio::test]
async fn a_redelivered_message_does_nothing_the_second_time() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "an",
            n: 0,
        };
        for line in [
            "/dangky",
            "Lê Văn An",
            "1",
            "Số 1",
            "0912345678",
            "3",
            "1",
            "bỏ qua",
        ] {
            chat.say(line).await;
        }
        let confirm = chat.msg(Content::Text("1".into()));
        assert_eq!(engine.handle(&confirm).await.unwrap(), Handled::Done);
        let first = replies(engine.store(), &confirm.chat_id).await;
        assert!(
            first[0].text.contains("Đã lưu hộ #1"),
            "{} {first:?}",
            db.name
        );

        assert_eq!(
            engine.handle(&confirm).await.unwrap(),
            Handled::Duplicate,
            "{}",
            db.name
        );
        assert!(replies(engine.store(), &confirm.chat_id).await.is_empty());
        let mut tx = engine.store().begin().await.unwrap();
        assert_eq!(
            households::pending(&mut tx, 1, None).await.unwrap().len(),
            1
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn buttons_answer_their_own_question_only() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "binh",
            n: 0,
        };
        chat.say("/dangky").await;
        let r = chat.send(Content::Text("Trần Bình".into())).await;
        let hamlet = &r[0].choices[1];
        assert_eq!(hamlet.label, "Xóm Nam Sơn");
        assert!(hamlet.data.len() <= 64);

        // A button from another question is refused and the question asked again.
        let r = chat.send(Content::Choice("category=poor".into())).await;
        assert!(
            r[0].text.starts_with("Nút này thuộc câu hỏi cũ."),
            "{}",
            db.name
        );
        assert!(r[0].text.ends_with("Hộ ở xóm nào?"));
        // The same question shown again keeps its number: the keyboard just received works.
        assert_eq!(r[0].choices[1].data, hamlet.data);
        let r = chat.send(Content::Choice(hamlet.data.clone())).await;
        assert_eq!(r[0].text, "Địa chỉ cụ thể (số nhà, đường, khu)?");
        // Once the chat has moved on, that keyboard is old.
        let r = chat.send(Content::Choice(hamlet.data.clone())).await;
        assert!(
            r[0].text.starts_with("Nút này thuộc câu hỏi cũ."),
            "{}",
            db.name
        );
        assert!(r[0].text.ends_with("Địa chỉ cụ thể (số nhà, đường, khu)?"));
    }
}

#[tokio::test]
async fn a_shared_contact_answers_the_phone_question_if_it_is_ones_own() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "cuong",
            n: 0,
        };
        for line in ["/dangky", "Lò Văn Cường", "1"] {
            chat.say(line).await;
        }
        let r = chat.send(Content::Text("Bản Trên".into())).await;
        assert!(
            r[0].ask_contact.is_some(),
            "the phone question offers the contact button"
        );

        let r = chat
            .send(Content::Contact {
                phone: "+84912345678".into(),
                own: false,
            })
            .await;
        assert!(
            r[0].text
                .starts_with("Chỉ nhận số điện thoại của chính bạn.")
        );
        let r = chat.send(Content::Unsupported("sticker".into())).await;
        assert!(r[0].text.starts_with("Bot chỉ đọc được chữ."));
        assert!(r[0].text.ends_with("Số điện thoại liên hệ?"));

        let r = chat
            .send(Content::Contact {
                phone: "84912345678".into(),
                own: true,
            })
            .await;
        assert_eq!(r[0].text, "Hộ có bao nhiêu người?", "{}", db.name);
        for line in ["2", "1", "bỏ qua"] {
            chat.say(line).await;
        }
        let summary = chat.say("/trogiup").await;
        assert!(summary.contains("Điện thoại: 0912 345 678"), "{summary}");
    }
}

#[tokio::test]
async fn registrations_and_reviews_are_audited() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut resident = Chat {
            engine: &engine,
            who: "dung",
            n: 0,
        };
        for line in [
            "/dangky",
            "Hà Thị Dung",
            "1",
            "Số 2",
            "0912000222",
            "2",
            "2",
            "bỏ qua",
            "1",
        ] {
            resident.say(line).await;
        }
        let mut head = hamlet_head(&engine).await;
        let r = head.say("/duyet 1").await;
        assert!(r.contains("Hà Thị Dung"), "{r}");
        assert_eq!(head.say("Xác nhận").await, "Đã xác nhận hộ #1 Hà Thị Dung.");
        let told = replies(engine.store(), "dung").await;
        assert_eq!(told[0].text, "Hộ #1 Hà Thị Dung đã được xác nhận.");

        let mut tx = engine.store().begin().await.unwrap();
        let log = audit::for_entity(&mut tx, "household", 1).await.unwrap();
        tx.commit().await.unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["register", "confirmed"], "{}", db.name);
        assert!(log.iter().all(|e| e.actor_id.is_some()));
        assert_ne!(log[0].actor_id, log[1].actor_id);
    }
}

#[tokio::test]
async fn a_failure_after_the_household_is_written_undoes_the_whole_message() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "mai",
            n: 0,
        };
        for line in [
            "/dangky",
            "Đinh Thị Mai",
            "1",
            "Số 4",
            "0912777666",
            "2",
            "1",
            "bỏ qua",
        ] {
            chat.say(line).await;
        }
        // The audit entry is written after the household row, in the same transaction.
        common::break_db(&db.db, "audit_log").await;
        let m = chat.msg(Content::Text("1".into()));
        assert!(engine.handle(&m).await.is_err(), "{}", db.name);
        assert_eq!(
            engine.apology(None).text,
            "Xin lỗi, hệ thống đang bận nên chưa lưu được. Vui lòng gửi lại tin nhắn vừa rồi."
        );
        let mut tx = engine.store().begin().await.unwrap();
        assert!(
            households::pending(&mut tx, 1, None)
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();
        assert!(
            replies(engine.store(), &m.chat_id).await.is_empty(),
            "no reply was queued"
        );

        common::heal_db(&db.db, "audit_log").await;
        // The same message, redelivered, is handled now: it was not marked as seen.
        assert_eq!(engine.handle(&m).await.unwrap(), Handled::Done);
        let r = replies(engine.store(), &m.chat_id).await;
        assert!(r[0].text.starts_with("Đã lưu hộ #"), "{}: {r:?}", db.name);
        let mut tx = engine.store().begin().await.unwrap();
        assert_eq!(
            households::pending(&mut tx, 1, None).await.unwrap().len(),
            1
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_handle_one_chat_one_message_after_the_other() {
    for db in common::databases().await {
        let clock = Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        ));
        seed::ensure_demo(&db.db.store, clock.now()).await.unwrap();
        let a = Arc::new(common::engine(&db.db, clock.clone()));
        let second = db.db.another_pool().await.unwrap();
        let b = Arc::new(
            setup::engine(&common::app(second, clock.clone()), &Default::default()).unwrap(),
        );
        let mut chat = Chat {
            engine: &a,
            who: "race",
            n: 0,
        };
        chat.say("/dangky").await;
        // Two answers to the name question arrive at once, one at each process. Handled one
        // after the other, one is the name and the other answers the hamlet question.
        let m1 = chat.msg(Content::Text("Nguyễn Văn Một".into()));
        let m2 = chat.msg(Content::Text("Nguyễn Văn Hai".into()));
        let (e1, e2) = (a.clone(), b.clone());
        let t1 = tokio::spawn(async move { e1.handle(&m1).await.map_err(|e| e.to_string()) });
        let t2 = tokio::spawn(async move { e2.handle(&m2).await.map_err(|e| e.to_string()) });
        assert_eq!(t1.await.unwrap(), Ok(Handled::Done), "{}", db.name);
        assert_eq!(t2.await.unwrap(), Ok(Handled::Done), "{}", db.name);
        let texts: Vec<String> = replies(&db.db.store, "race")
            .await
            .into_iter()
            .map(|r| r.text)
            .collect();
        assert_eq!(texts.len(), 2);
        assert_eq!(
            texts
                .iter()
                .filter(|t| t.starts_with("Hộ ở xóm nào?"))
                .count(),
            1,
            "{}: {texts:?}",
            db.name
        );
        assert_eq!(
            texts
                .iter()
                .filter(|t| t.starts_with("Không có lựa chọn này."))
                .count(),
            1,
            "{}: {texts:?}",
            db.name
        );
    }
}

#[tokio::test]
async fn odd_input_at_every_step_gets_an_answer_and_breaks_nothing() {
    let odd = [
        "",
        " ",
        "/",
        "//",
        "@",
        "#",
        "-",
        "\u{0}",
        "\u{200b}",
        "🙂",
        "1e9",
        "-1",
        "0",
        "1.5",
        "99999999999999999999999",
        "ℌ𝔢𝔩𝔩𝔬",
        "'; DROP TABLE households; --",
        "%s%n",
        "{}",
        "{household}",
        "/dangky@",
        "/lang xx",
        "/duyet 1",
        "step=value",
        "confirm=yes",
    ];
    let good = [
        "Lê Thị Odd",
        "1",
        "Số 1",
        "0912345678",
        "2",
        "3",
        "01/01/2025",
        "không",
        "bỏ qua",
    ];
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "odd",
            n: 0,
        };
        for k in 0..=good.len() {
            chat.say("/huy").await;
            chat.say("/dangky").await;
            for g in &good[..k] {
                chat.say(g).await;
            }
            for o in odd {
                let r = chat.send(Content::Text(o.into())).await;
                assert!(
                    !r.is_empty() && !r[0].text.is_empty(),
                    "{} step {k}: {o:?}",
                    db.name
                );
                let r = chat.send(Content::Choice(o.into())).await;
                assert!(
                    !r.is_empty() && !r[0].text.is_empty(),
                    "{} step {k}: button {o:?}",
                    db.name
                );
            }
        }
        // "/lang xx" switched to English on the way; the bot still answers.
        let back = chat.say("/lang vi").await;
        assert!(back.starts_with("Đã chuyển sang tiếng Việt."), "{back}");
        // A NUL inside an answer is dropped, not a database error.
        chat.say("/huy").await;
        chat.say("/dangky").await;
        for g in [
            "Mạc Văn Nul",
            "1",
            "Số\u{0} 1",
            "0912000999",
            "2",
            "1",
            "bỏ qua",
        ] {
            chat.say(g).await;
        }
        let saved = chat.say("1").await;
        assert!(saved.starts_with("Đã lưu hộ #"), "{}: {saved}", db.name);
    }
}

#[tokio::test]
async fn in_a_group_chat_each_member_has_a_conversation_of_their_own_answered_privately() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let say = |who: &str, n: u32, text: &str| Inbound {
            channel: "test".into(),
            chat_id: "group-1".into(),
            sender_id: who.into(),
            sender_name: Some(who.into()),
            message_id: format!("g-{who}-{n}"),
            lang_hint: None,
            content: Content::Text(text.into()),
        };
        engine.handle(&say("an", 1, "/dangky")).await.unwrap();
        engine.handle(&say("binh", 1, "Lê Văn Bình")).await.unwrap();
        engine.handle(&say("an", 2, "Nguyễn Văn An")).await.unwrap();
        let store = engine.store();
        let texts = |chat: &'static str| async move {
            replies(store, chat)
                .await
                .into_iter()
                .map(|r| r.text)
                .collect::<Vec<String>>()
        };
        // Nothing is said to the group itself: each member is answered privately.
        assert!(texts("group-1").await.is_empty(), "{}", db.name);
        let an = texts("an").await;
        assert_eq!(an, ["Họ và tên chủ hộ?", "Hộ ở xóm nào?"], "{}", db.name);
        let binh = texts("binh").await;
        assert!(
            binh[0].starts_with("Xin chào binh!"),
            "Bình's line is not An's answer: {binh:?}"
        );
    }
}

#[tokio::test]
async fn a_typed_number_is_a_place_in_the_list_not_a_database_id() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        // A real commune after the demo: its hamlets are numbered 4, 5, 6 in the database.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("xa.toml");
        std::fs::write(&file, "code = \"that\"\nname = \"Xã Thật\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm A\", \"Xóm B\", \"Xóm C\", \"Xóm D\", \"Xóm E\"]\n").unwrap();
        seed::init_commune(engine.store(), &file, engine.clock().now())
            .await
            .unwrap();
        let mut chat = Chat {
            engine: &engine,
            who: "moi",
            n: 0,
        };
        chat.say("/dangky").await;
        let r = chat.send(Content::Text("Trần Văn Mới".into())).await;
        let fifth = &r[0].choices[4];
        assert_eq!(
            (fifth.key.as_deref(), fifth.label.as_str()),
            (Some("5"), "Xóm E")
        );
        let r = chat.say("5").await;
        assert_eq!(r, "Địa chỉ cụ thể (số nhà, đường, khu)?");
        for line in ["Số 1", "0912000555", "2", "1", "bỏ qua", "1"] {
            chat.say(line).await;
        }
        let mine = chat.say("/hocuatoi").await;
        assert!(mine.contains("Trần Văn Mới – Xóm E"), "{}: {mine}", db.name);
    }
}

#[tokio::test]
async fn back_after_a_change_from_the_summary_returns_to_the_changed_question() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "lui",
            n: 0,
        };
        for line in [
            "/dangky",
            "Lục Văn Lùi",
            "1",
            "Số 1",
            "0912000444",
            "3",
            "1",
            "bỏ qua",
        ] {
            chat.say(line).await;
        }
        // On the summary: change the category to "newly escaped", which asks for the date.
        assert!(chat.say("Diện").await.starts_with("Hộ thuộc diện nào?"));
        assert!(chat.say("3").await.starts_with("Ngày của quyết định"));
        // Back goes to the question just changed, not to the CCCD asked last before it.
        let r = chat.say("/quaylai").await;
        assert!(r.starts_with("Hộ thuộc diện nào?"), "{}: {r}", db.name);
    }
}

/// /huy during a change from the summary drops the change; /huy again, at the summary, ends
/// the task: nobody is trapped answering "Đã bỏ sửa" forever.
#[tokio::test]
async fn a_second_cancel_after_dropping_a_change_ends_the_task() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "huy",
            n: 0,
        };
        for line in [
            "/dangky",
            "Lý Văn Huy",
            "1",
            "Số 1",
            "0912000555",
            "3",
            "1",
            "bỏ qua",
            "Sửa một mục",
            "Diện",
        ] {
            chat.say(line).await;
        }
        let said = chat.say("/huy").await;
        assert!(said.starts_with("Đã bỏ sửa"), "{}: {said}", db.name);
        let said = chat.say("/huy").await;
        assert!(said.starts_with("Đã hủy"), "{}: {said}", db.name);
        // Free again: a new task starts at once.
        let said = chat.say("/dangky").await;
        assert!(said.starts_with("Họ và tên chủ hộ?"), "{}: {said}", db.name);
    }
}

#[tokio::test]
async fn an_old_keyboard_cannot_confirm_another_household() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        for (who, name, phone) in [
            ("a1", "Hồ Văn Một", "0912000101"),
            ("a2", "Hồ Văn Hai", "0912000102"),
        ] {
            let mut c = Chat {
                engine: &engine,
                who,
                n: 0,
            };
            for line in ["/dangky", name, "1", "Số 1", phone, "2", "1", "bỏ qua", "1"] {
                c.say(line).await;
            }
        }
        let mut head = hamlet_head(&engine).await;
        let r = head.send(Content::Text("/duyet 1".into())).await;
        let old_confirm = r[0].choices[0].data.clone();
        assert!(old_confirm.ends_with("decision=confirm"), "{old_confirm}");
        head.say("/huy").await;
        let r = head.say("/duyet 2").await;
        assert!(r.contains("Hồ Văn Hai"), "{r}");
        // The button under household #1's question, pressed now, must not confirm #2.
        let r = head.send(Content::Choice(old_confirm)).await;
        assert!(
            r[0].text.starts_with("Nút này thuộc câu hỏi cũ."),
            "{}: {}",
            db.name,
            r[0].text
        );
        let mut tx = engine.store().begin().await.unwrap();
        assert_eq!(
            households::pending(&mut tx, 1, None).await.unwrap().len(),
            2
        );
        tx.commit().await.unwrap();
    }
}

/// An officer who also represents the Farmers' Association, with a second culture-social
/// officer beside them: what the first made waits for the second.
#[tokio::test]
async fn nobody_confirms_establishes_or_moves_their_own_record() {
    use giamngheo::store::{groups, proposals};
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let now = engine.clock().now();
        for (who, role, org) in [
            ("test:cb", Role::CultureOfficer, None),
            ("test:cb", Role::OrgRep, Some("Hội Nông dân")),
            ("test:cb2", Role::CultureOfficer, None),
        ] {
            seed::grant(engine.store(), who, role, None, org, None, now)
                .await
                .unwrap();
        }
        let mut cb = Chat {
            engine: &engine,
            who: "cb",
            n: 0,
        };
        let mut cb2 = Chat {
            engine: &engine,
            who: "cb2",
            n: 0,
        };
        cb.say("/menu").await;
        for line in [
            "/dangky",
            "Lê Văn Cán",
            "1",
            "Số 1",
            "0912345678",
            "3",
            "1",
            "bỏ qua",
        ] {
            cb.say(line).await;
        }
        assert!(cb.say("1").await.contains("Đã lưu hộ #1"), "{}", db.name);
        // Their own registration is not theirs to confirm; the other officer confirms it.
        let said = cb.say("/duyet 1").await;
        assert!(said.contains("Không có hộ nào chờ xác nhận."), "{said}");
        cb.say("1").await;
        let (mut tx, id) = (engine.store().begin().await.unwrap(), 1);
        let h = households::get(&mut tx, id).await.unwrap().unwrap();
        assert_eq!(h.status, HouseholdStatus::Claimed, "{}", db.name);
        tx.commit().await.unwrap();
        assert!(cb2.say("/duyet 1").await.contains("Lê Văn Cán"));
        assert!(cb2.say("1").await.contains("Đã xác nhận hộ #1"));

        // A group they lead, asking to be established; a proposal they submitted.
        let mut tx = engine.store().begin().await.unwrap();
        let leader = h.registered_by;
        let g = groups::insert(
            &mut tx,
            &groups::NewGroup {
                commune_id: 1,
                hamlet_id: 1,
                name: "Tổ chè Cán",
                org: "hoi_nong_dan",
                product: "chè",
                join_code: "CANCAN23",
                commune_wide: false,
                created_by: leader,
            },
            now,
        )
        .await
        .unwrap();
        use giamngheo::domain::GroupStatus::{Forming, Requested};
        groups::set_status(&mut tx, g, Forming, Requested, None, None, None, now)
            .await
            .unwrap();
        let p = proposals::insert(
            &mut tx,
            &proposals::NewProposal {
                commune_id: 1,
                kind: giamngheo::domain::ProposalKind::P2Chain,
                group_id: None,
                partners: Some("HTX"),
                submitted_by: leader,
                answers: "{}",
                title: "Chuỗi chè Cán",
                total_cost: 100,
                support: 50,
                own_contribution: 50,
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let said = cb.say(&format!("/thanhlap {g}")).await;
        assert!(said.contains("Không có nhóm nào xin thành lập."), "{said}");
        let said = cb.say(&format!("/xulyda {p}")).await;
        assert!(said.contains("Không có đề xuất nào đang chờ."), "{said}");
        let queue = cb.say("/choxuly").await;
        assert!(
            !queue.contains("Chuỗi chè Cán") && !queue.contains("Tổ chè Cán"),
            "{queue}"
        );
        assert!(
            cb2.say(&format!("/thanhlap {g}"))
                .await
                .contains("Tổ chè Cán")
        );
        cb2.say("/huy").await;
        assert!(
            cb2.say(&format!("/xulyda {p}"))
                .await
                .contains("Chuỗi chè Cán")
        );
    }
}

/// A hamlet head's digest lists what waits for them, not what they registered themselves
/// (that waits for the culture-social officer).
#[tokio::test]
async fn the_digest_does_not_ask_a_hamlet_head_to_confirm_their_own_registration() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut head = hamlet_head(&engine).await;
        let mut resident = Chat {
            engine: &engine,
            who: "dan",
            n: 0,
        };
        for (chat, name, phone, hamlet) in [
            (&mut head, "Hà Văn Tự", "0912000301", None),
            (&mut resident, "Hà Thị Dân", "0912000302", Some("1")),
        ] {
            chat.say("/dangky").await;
            chat.say(name).await;
            if let Some(h) = hamlet {
                chat.say(h).await;
            }
            for line in ["Số 1", phone, "3", "1", "bỏ qua", "1"] {
                chat.say(line).await;
            }
        }
        let digest = head.say("/bantin").await;
        assert!(digest.contains("/duyet 2"), "{}: {digest}", db.name);
        assert!(!digest.contains("/duyet 1"), "{}: {digest}", db.name);
        // The culture-social officer is asked for the hamlet head's own registration, with
        // its phone masked.
        let now = engine.clock().now();
        seed::grant(
            engine.store(),
            "test:cb",
            Role::CultureOfficer,
            None,
            None,
            None,
            now,
        )
        .await
        .unwrap();
        let mut officer = Chat {
            engine: &engine,
            who: "cb",
            n: 0,
        };
        let digest = officer.say("/bantin").await;
        assert!(digest.contains("/duyet 1"), "{}: {digest}", db.name);
        assert!(digest.contains("0912 *** 301"), "{}: {digest}", db.name);
        assert!(!digest.contains("/duyet 2"), "{}: {digest}", db.name);
    }
}

#[tokio::test]
async fn no_at_the_summary_asks_what_to_change_and_throws_nothing_away() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "an",
            n: 0,
        };
        let mut summary = String::new();
        for line in [
            "/dangky",
            "Lê Văn An",
            "1",
            "Số 1",
            "0912345678",
            "3",
            // "ngheo": the one option that is just that word, not "cận nghèo".
            "ngheo",
            "bỏ qua",
        ] {
            summary = chat.say(line).await;
        }
        assert!(summary.contains("Diện: Hộ nghèo"), "{}: {summary}", db.name);
        let said = chat.say("không").await;
        assert!(
            said.starts_with("Bạn muốn sửa mục nào?"),
            "{}: {said}",
            db.name
        );
        // Back at the summary, every answer is still there.
        let said = chat.say("/huy").await;
        assert!(said.contains("1. Chủ hộ: Lê Văn An"), "{}: {said}", db.name);
    }
}

#[tokio::test]
async fn an_own_contribution_over_what_support_leaves_is_refused_at_once() {
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let mut htx = common::Account::new(&engine, "console", "htx");
        let asked = htx
            .says(&[
                "/dexuat",
                "3",
                "Nhóm ong xóm Đồng Tâm, 12 hộ",
                "Chuỗi mật ong sạch",
                "Mật ong, xóm Đồng Tâm",
                "12",
                "24",
                "1 tỷ 2",
                "800 triệu",
            ])
            .await;
        assert!(asked.starts_with("Vốn đối ứng"), "{}: {asked}", db.name);
        let said = htx.say("500 triệu").await;
        assert!(
            said.starts_with(
                "Số này lớn hơn Tổng vốn − đề nghị hỗ trợ (400.000.000 đ).\nVốn đối ứng"
            ),
            "{}: {said}",
            db.name
        );
        let said = htx.say("400 triệu").await;
        assert!(!said.contains("lớn hơn"), "{}: {said}", db.name);
    }
}

/// One record alone is taken without asking; one thing left to do is still asked: the
/// proposal waiting is shown at once, and "start" is offered, not done.
#[tokio::test]
async fn the_only_record_is_taken_but_the_only_step_is_still_asked() {
    use giamngheo::domain::{ProposalKind, ProposalStatus as S};
    use giamngheo::store::proposals;
    for db in common::databases().await {
        let engine = setup(&db.db).await;
        let now = engine.clock().now();
        common::grant(engine.store(), "test:cb", Role::CultureOfficer, now).await;
        let mut tx = engine.store().begin().await.unwrap();
        let by = giamngheo::store::persons::by_identity(&mut tx, "console", "htx")
            .await
            .unwrap()
            .unwrap()
            .id;
        let p = proposals::insert(
            &mut tx,
            &proposals::NewProposal {
                commune_id: 1,
                kind: ProposalKind::P2Chain,
                group_id: None,
                partners: Some("Các hộ Đồng Tâm"),
                submitted_by: by,
                answers: "{}",
                title: "Chuỗi chè",
                total_cost: 100_000_000,
                support: 60_000_000,
                own_contribution: 40_000_000,
            },
            now,
        )
        .await
        .unwrap();
        for (from, to) in [
            (S::Submitted, S::UnderAppraisal),
            (S::UnderAppraisal, S::Forwarded),
            (S::Forwarded, S::Approved),
        ] {
            assert!(
                proposals::set_status(&mut tx, p, from, to, now)
                    .await
                    .unwrap()
            );
        }
        tx.commit().await.unwrap();

        let mut cb = Chat {
            engine: &engine,
            who: "cb",
            n: 0,
        };
        let r = cb.send(Content::Text("/xulyda".into())).await;
        let asked = r.last().unwrap();
        assert!(
            asked.text.starts_with("#1 Chuỗi chè")
                && asked.text.ends_with("Làm gì với đề xuất này?"),
            "{}: {}",
            db.name,
            asked.text
        );
        let offered: Vec<&str> = asked.choices.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(offered, ["Bắt đầu thực hiện"], "{}", db.name);
        let mut tx = engine.store().begin().await.unwrap();
        let status = proposals::get(&mut tx, p).await.unwrap().unwrap().status;
        tx.commit().await.unwrap();
        assert_eq!(status, S::Approved, "nothing done unasked: {}", db.name);
    }
}
