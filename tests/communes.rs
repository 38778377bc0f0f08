//! One database for several communes, through the real engine on every backend under test: a
//! newcomer chooses their province and commune (typing without diacritics, or by number or
//! button), a commune's code typed or opened as a Telegram link puts them there at once, an
//! invite carries its commune, `giamngheo move-person` puts someone who chose wrong in the
//! right commune; a database with one real commune (or a default in the settings) asks
//! nothing. Then `giamngheo init` twice, `communes`, `chat` and `move-person` through the binary.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use chrono::NaiveDate;
use common::{Account, Chat};
use giamngheo::channels::Content;
use giamngheo::clock::{Clock, FixedClock};
use giamngheo::config::Settings;
use giamngheo::dialogue::engine::Engine;
use giamngheo::dialogue::setup;
use giamngheo::domain::Role;
use giamngheo::seed;
use giamngheo::store::scratch::TestDb;
use giamngheo::store::{audit, communes, persons};
use giamngheo::text::Texts;

const TAN_CUONG: &str = "code = \"tan-cuong\"\nname = \"Xã Tân Cương\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm Nam Đồng\", \"Xóm Soi Mít\"]\n";
const PHUC_XUAN: &str = "code = \"phuc-xuan\"\nname = \"Xã Phúc Xuân\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm Khuôn Lân\"]\n";
const MUONG_PHANG: &str = "code = \"muong-phang\"\nname = \"Xã Mường Phăng\"\nprovince = \"Điện Biên\"\nhamlets = [\"Bản Nà Mòn\"]\n\n[rules.words]\nhamlet = \"bản\"\n";

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::on(
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
    ))
}

/// Loads communes from their files, after the demo (as `giamngheo init` on a database that
/// `chat` made).
async fn load(db: &TestDb, clock: &FixedClock, files: &[&str]) {
    seed::ensure_demo(&db.store, clock.now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (i, text) in files.iter().enumerate() {
        let file = dir.path().join(format!("xa{i}.toml"));
        std::fs::write(&file, text).unwrap();
        seed::init_commune(&db.store, &file, clock.now())
            .await
            .unwrap();
    }
}

/// The province's three communes, and the engine as the program builds it.
async fn province(db: &TestDb) -> (Engine, Arc<FixedClock>) {
    let clock = clock();
    load(db, &clock, &[TAN_CUONG, PHUC_XUAN, MUONG_PHANG]).await;
    (common::engine(db, clock.clone()), clock)
}

/// The code of the commune a person (by account) belongs to; None before they exist.
async fn commune_of(engine: &Engine, channel: &str, who: &str) -> Option<String> {
    let mut tx = engine.store().begin().await.unwrap();
    let p = persons::by_identity(&mut tx, channel, who).await.unwrap();
    let code = match p {
        Some(p) => Some(communes::by_id(&mut tx, p.commune_id).await.unwrap().code),
        None => None,
    };
    tx.commit().await.unwrap();
    code
}

#[tokio::test]
async fn a_newcomer_chooses_province_and_commune_typing_without_diacritics() {
    for db in common::databases().await {
        let (engine, _) = province(&db.db).await;
        let mut an = Account::new(&engine, "console", "an");
        // The console opens with /start: the province first, there being two.
        let said = an.say("/start").await;
        assert_eq!(
            said,
            "Bạn ở tỉnh (thành phố) nào? Chọn số, hoặc gõ tên (không cần dấu).\n\
             [1] Điện Biên\n[2] Thái Nguyên",
            "{}",
            db.name
        );
        assert_eq!(
            commune_of(&engine, "console", "an").await,
            None,
            "nobody yet"
        );
        // Wrong answers: explained, and the same question again.
        let said = an.say("Hà Nội").await;
        assert!(
            said.starts_with("Không có tỉnh nào tên \"Hà Nội\".\nBạn ở tỉnh (thành phố) nào?"),
            "{}: {said}",
            db.name
        );
        let said = an.say("7").await;
        assert!(
            said.starts_with("Không có số 7 trong danh sách.\nBạn ở tỉnh"),
            "{said}"
        );
        let said = an.say("thai nguyen").await;
        assert_eq!(
            said,
            "Bạn ở xã (phường) nào của Thái Nguyên? Chọn số, hoặc gõ tên không cần dấu, ví dụ: \
             phuc xuan.\n[1] Xã Phúc Xuân\n[2] Xã Tân Cương",
            "{}",
            db.name
        );
        let said = an.say("xuan truong").await;
        assert!(
            said.starts_with("Không có xã nào tên \"xuan truong\".\nBạn ở xã (phường) nào"),
            "{said}"
        );
        // /quaylai goes back to the province.
        assert!(an.say("/quaylai").await.starts_with("Bạn ở tỉnh"));
        an.say("2").await;
        let said = an.say("tan cuong").await;
        assert!(
            said.starts_with(
                "Bạn thuộc Xã Tân Cương (Thái Nguyên). Nếu chọn nhầm, hãy báo cán bộ xã để chuyển.\n\
                 Xin chào an! Đây là trợ lý giảm nghèo của Xã Tân Cương."
            ),
            "{}: {said}",
            db.name
        );
        assert_eq!(
            commune_of(&engine, "console", "an").await.as_deref(),
            Some("tan-cuong")
        );
        // The commune's own hamlets from now on.
        an.say("/dangky").await;
        let said = an.say("Nguyễn Văn An").await;
        assert!(
            said.contains("[1] Xóm Nam Đồng\n[2] Xóm Soi Mít"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn what_a_newcomer_said_first_is_done_once_they_have_chosen() {
    for db in common::databases().await {
        let (engine, _) = province(&db.db).await;
        let mut binh = Account::new(&engine, "zalo", "binh");
        let said = binh.say("/dangky").await;
        assert!(said.starts_with("Bạn ở tỉnh (thành phố) nào?"), "{said}");
        // A command while choosing waits for the choice too.
        let said = binh.say("/hocuatoi").await;
        assert!(
            said.starts_with("Trước hết, hãy cho biết bạn ở xã nào.\nBạn ở tỉnh"),
            "{said}"
        );
        binh.say("/dangky").await;
        // A commune named outright, whatever the province; the registration starts there.
        let said = binh.say("muong phang").await;
        assert_eq!(
            said,
            "Bạn thuộc Xã Mường Phăng (Điện Biên). Nếu chọn nhầm, hãy báo cán bộ xã để chuyển.\n\
             Họ và tên chủ hộ?",
            "{}",
            db.name
        );
        // Its only hamlet (its word for one is "bản") is taken and said.
        let said = binh.say("Lò Văn Bình").await;
        assert!(
            said.starts_with("Bản: Bản Nà Mòn\nĐịa chỉ cụ thể"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn telegram_buttons_choose_and_a_first_line_may_name_the_commune() {
    for db in common::databases().await {
        let (engine, _) = province(&db.db).await;
        let mut chat = Chat {
            engine: &engine,
            who: "5001",
            n: 0,
        };
        let r = chat.send(Content::Text("/start".into())).await;
        let provinces: Vec<(&str, &str)> = r[0]
            .choices
            .iter()
            .map(|c| (c.label.as_str(), c.data.as_str()))
            .collect();
        assert_eq!(
            provinces,
            [("Điện Biên", "tinh:0"), ("Thái Nguyên", "tinh:1")]
        );
        let r = chat.send(Content::Choice("tinh:1".into())).await;
        let phuc_xuan = r[0]
            .choices
            .iter()
            .find(|c| c.label == "Xã Phúc Xuân")
            .expect("a button per commune")
            .data
            .clone();
        let r = chat.send(Content::Choice(phuc_xuan)).await;
        assert!(
            r[0].text
                .starts_with("Bạn thuộc Xã Phúc Xuân (Thái Nguyên)."),
            "{}",
            r[0].text
        );
        assert_eq!(
            commune_of(&engine, "test", "5001").await.as_deref(),
            Some("phuc-xuan")
        );
        // Several names alike: those are listed, numbered from 1.
        let mut chi = Account::new(&engine, "console", "chi");
        chi.say("thai nguyen").await;
        let said = chi.say("xa").await;
        assert!(said.starts_with("Không có xã nào tên \"xa\"."), "{said}");
        let said = chi.say("Xuân").await;
        assert!(said.starts_with("Bạn thuộc Xã Phúc Xuân"), "{said}");
        // A first line that names a commune is its answer.
        let mut dung = Account::new(&engine, "console", "dung");
        let said = dung.say("Tân Cương").await;
        assert!(said.starts_with("Bạn thuộc Xã Tân Cương"), "{said}");
    }
}

#[tokio::test]
async fn a_commune_code_typed_or_opened_as_a_link_joins_it_directly() {
    for db in common::databases().await {
        let (engine, _) = province(&db.db).await;
        // Typed on Zalo or the console.
        let mut em = Account::new(&engine, "zalo", "em");
        let said = em.say("phuc-xuan").await;
        assert!(
            said.starts_with("Bạn thuộc Xã Phúc Xuân (Thái Nguyên).")
                && said.contains("Xin chào em! Đây là trợ lý giảm nghèo của Xã Phúc Xuân."),
            "{}: {said}",
            db.name
        );
        // A Telegram link t.me/<bot>?start=muong-phang arrives as /start muong-phang.
        let mut gia = Account::new(&engine, "telegram", "7001");
        let said = gia.say("/start muong-phang").await;
        assert!(said.starts_with("Bạn thuộc Xã Mường Phăng"), "{said}");
        assert_eq!(
            commune_of(&engine, "telegram", "7001").await.as_deref(),
            Some("muong-phang")
        );
        // Someone with nothing yet who opens another commune's link moves there.
        let said = gia.say("/start tan-cuong").await;
        assert_eq!(
            said,
            "Bạn đã chuyển sang Xã Tân Cương (Thái Nguyên). Gõ /trogiup để xem các việc bạn làm được.",
            "{}",
            db.name
        );
        assert!(gia.say("/start").await.contains("của Xã Tân Cương"));
        // Someone with a household stays, and is told why.
        for line in [
            "/dangky",
            "Giá Văn Hai",
            "1",
            "Số 1",
            "0912000777",
            "3",
            "1",
            "bỏ qua",
            "1",
        ] {
            gia.say(line).await;
        }
        let said = gia.say("/start phuc-xuan").await;
        assert_eq!(
            said,
            "Bạn thuộc Xã Tân Cương và đã có 1 hộ đã đăng ký ở đó, nên không chuyển sang Xã Phúc \
             Xuân được. Nếu cần, hãy hỏi cán bộ xã.",
            "{}",
            db.name
        );
        assert_eq!(
            commune_of(&engine, "telegram", "7001").await.as_deref(),
            Some("tan-cuong")
        );
    }
}

/// The code in "Mã mời (invite code): ABCD-EFGH".
fn invite_code(printed: &str) -> String {
    printed
        .lines()
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_invite_carries_its_commune() {
    for db in common::databases().await {
        let (engine, clock) = province(&db.db).await;
        let texts = Texts::load().unwrap();
        let now = clock.now();
        let invite = |commune: &'static str| {
            let (store, texts) = (engine.store().clone(), &texts);
            async move {
                let role = Role::CultureOfficer;
                let out = giamngheo::roster::invite(
                    &store,
                    texts,
                    role,
                    None,
                    None,
                    Some(commune),
                    None,
                    now,
                )
                .await
                .unwrap();
                invite_code(&out)
            }
        };
        // A newcomer's first message is the invite: no question, the role in its commune.
        let code = invite("phuc-xuan").await;
        let mut hoa = Account::new(&engine, "zalo", "hoa");
        let said = hoa.say(&format!("/moi {code}")).await;
        assert!(
            said.starts_with("Bạn thuộc Xã Phúc Xuân (Thái Nguyên).")
                && said.contains("Bạn đã nhận vai trò Công chức Văn hóa – Xã hội."),
            "{}: {said}",
            db.name
        );
        assert!(hoa.say("/nhanvien").await.contains("Xã Phúc Xuân"));

        // Someone in another commune with nothing there moves with the invite.
        let mut khoa = Account::new(&engine, "console", "khoa");
        khoa.say("tan-cuong").await;
        let code = invite("muong-phang").await;
        let said = khoa.say(&format!("/moi {code}")).await;
        assert_eq!(
            said,
            "Bạn đã chuyển sang Xã Mường Phăng và nhận vai trò Công chức Văn hóa – Xã hội. Gõ \
             /trogiup để xem các việc bạn làm được.",
            "{}",
            db.name
        );
        assert_eq!(
            commune_of(&engine, "console", "khoa").await.as_deref(),
            Some("muong-phang")
        );
        assert!(khoa.say("/nhanvien").await.contains("Xã Mường Phăng"));

        // Someone with a role where they are keeps it, and the invite stays open.
        let code = invite("tan-cuong").await;
        let said = khoa.say(&format!("/moi {code}")).await;
        assert!(
            said.starts_with(
                "Mã mời này của Xã Tân Cương, nhưng bạn thuộc Xã Mường Phăng và đã có 1 vai trò ở đó"
            ),
            "{}: {said}",
            db.name
        );
        let mut lan = Account::new(&engine, "console", "lan");
        lan.say("tan-cuong").await;
        let said = lan.say(&format!("/moi {code}")).await;
        assert!(
            said.starts_with("Bạn đã nhận vai trò"),
            "{}: {said}",
            db.name
        );
    }
}

#[tokio::test]
async fn an_operator_moves_a_person_who_chose_wrong() {
    for db in common::databases().await {
        let (engine, clock) = province(&db.db).await;
        let texts = Texts::load().unwrap();
        let mut minh = Account::new(&engine, "console", "minh");
        minh.say("phuc-xuan").await;
        let store = engine.store();
        let moved = giamngheo::roster::move_person(
            store,
            &texts,
            "console:minh",
            "tan-cuong",
            None,
            clock.now(),
        )
        .await
        .unwrap();
        assert!(moved.ends_with("đã chuyển từ Xã Phúc Xuân sang (moved from … to) Xã Tân Cương"));
        // The person is told, and is in the other commune from their next message.
        assert_eq!(
            minh.inbox().await,
            "Cán bộ đã chuyển bạn sang Xã Tân Cương (Thái Nguyên). Gõ /trogiup để xem các việc \
             bạn làm được."
        );
        assert!(minh.say("/start").await.contains("của Xã Tân Cương"));
        // Both communes' audit logs say so.
        let mut tx = store.begin().await.unwrap();
        for code in ["tan-cuong", "phuc-xuan"] {
            let c = communes::by_code(&mut tx, code).await.unwrap().unwrap();
            let filter = audit::Filter {
                commune_id: c.id,
                since: None,
                actor: None,
                newest: None,
            };
            let log = audit::list(&mut tx, filter).await.unwrap();
            assert!(
                log.iter().any(|e| e.action == "moved_commune"),
                "{}: {code}",
                db.name
            );
        }
        tx.commit().await.unwrap();
        // With a household registered, nobody is moved.
        for line in [
            "/dangky",
            "Minh",
            "1",
            "Số 1",
            "0912000888",
            "3",
            "1",
            "bỏ qua",
            "1",
        ] {
            minh.say(line).await;
        }
        let refused = giamngheo::roster::move_person(
            store,
            &texts,
            "console:minh",
            "phuc-xuan",
            None,
            clock.now(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(
            refused.contains("has 1 households registered in Xã Tân Cương"),
            "{refused}"
        );
    }
}

/// The number in front of the option that contains `label`: "[3] … label …" gives "3".
fn option(said: &str, label: &str) -> String {
    let line = said
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no option {label:?} in {said}"));
    line.trim_start_matches('[')
        .split(']')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_culture_officer_moves_a_newcomer_in_chat() {
    for db in common::databases().await {
        let (engine, clock) = province(&db.db).await;
        let store = engine.store();
        let officer = Role::CultureOfficer;
        seed::grant(
            store,
            "console:cb",
            officer,
            None,
            None,
            Some("phuc-xuan"),
            clock.now(),
        )
        .await
        .unwrap();
        let mut nga = Account::new(&engine, "console", "nga");
        nga.say("phuc-xuan").await;
        let mut oanh = Account::new(&engine, "console", "oanh");
        oanh.say("phuc-xuan").await;
        // Residents may not.
        let said = oanh.say("/chuyenxa").await;
        assert!(!said.contains("Chuyển ai"), "{}: {said}", db.name);

        let mut cb = Account::new(&engine, "console", "cb");
        let said = cb.say("/chuyenxa").await;
        assert!(
            said.starts_with("Chuyển ai sang xã khác?") && !said.contains("cb"),
            "{}: {said}",
            db.name
        );
        let said = cb.say(&option(&said, "nga")).await;
        assert!(
            said.contains("[1] Xã Mường Phăng (Điện Biên)\n[2] Xã Tân Cương (Thái Nguyên)"),
            "{}: {said}",
            db.name
        );
        let said = cb.says(&["2", "có"]).await;
        assert!(
            said.starts_with("Đã chuyển #") && said.contains("nga sang Xã Tân Cương."),
            "{}: {said}",
            db.name
        );
        assert_eq!(
            nga.inbox().await,
            "Cán bộ đã chuyển bạn sang Xã Tân Cương (Thái Nguyên). Gõ /trogiup để xem các việc \
             bạn làm được."
        );
        assert_eq!(
            commune_of(&engine, "console", "nga").await.as_deref(),
            Some("tan-cuong")
        );
        // Someone with a household is not offered.
        for line in [
            "/dangky",
            "Oanh",
            "1",
            "Số 1",
            "0912000999",
            "3",
            "1",
            "bỏ qua",
            "1",
        ] {
            oanh.say(line).await;
        }
        let said = cb.say("/chuyenxa").await;
        assert!(
            said.starts_with("Không có ai để chuyển"),
            "{}: {said}",
            db.name
        );
        // The officer's help names the commune's code, to hand out.
        let said = cb.say("/trogiup").await;
        assert!(
            said.contains("Mã xã: phuc-xuan.") && said.ends_with("Ai chọn nhầm xã: /chuyenxa."),
            "{}: {said}",
            db.name
        );
        // Not in the menus: a rare task, meaningful only with several communes.
        assert!(!cb.say("/start").await.contains("/chuyenxa"));
    }
}

#[tokio::test]
async fn one_real_commune_or_a_default_asks_nothing() {
    for db in common::databases().await {
        let clock = clock();
        load(&db.db, &clock, &[TAN_CUONG]).await;
        let engine = common::engine(&db.db, clock.clone());
        let mut an = Account::new(&engine, "console", "an");
        let said = an.say("/start").await;
        assert!(
            said.starts_with("Xin chào an! Đây là trợ lý giảm nghèo của Xã Tân Cương."),
            "{}: {said}",
            db.name
        );
        // A second commune with `commune` in the settings: new people still join that one.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.toml");
        std::fs::write(&file, PHUC_XUAN).unwrap();
        seed::init_commune(&db.db.store, &file, clock.now())
            .await
            .unwrap();
        let settings = Settings {
            commune: Some("phuc-xuan".into()),
            ..Settings::default()
        };
        let app = common::app(db.db.store.clone(), clock.clone());
        let with_default = setup::engine(&app, &settings).unwrap();
        let mut binh = Account::new(&with_default, "console", "binh");
        let said = binh.say("/start").await;
        assert!(
            said.starts_with("Xin chào binh! Đây là trợ lý giảm nghèo của Xã Phúc Xuân."),
            "{}: {said}",
            db.name
        );
    }
}

fn giamngheo(dir: &Path, args: &[&str], input: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("GIAMNGHEO_COMMUNE")
        .env_remove("GIAMNGHEO_DIALOGUES")
        .env("GIAMNGHEO_TELEGRAM_BOT", "giamngheo_tinh_bot")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run giamngheo");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "giamngheo {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn two_communes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), TAN_CUONG).unwrap();
    std::fs::write(dir.path().join("b.toml"), PHUC_XUAN).unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        TAN_CUONG.replace("tan-cuong", "tân cương"),
    )
    .unwrap();
    giamngheo(dir.path(), &["init", "--commune", "a.toml"], "");
    // `init` adds a commune to the database it made.
    giamngheo(dir.path(), &["init", "--commune", "b.toml"], "");
    // A code that cannot go into a link is refused.
    let refused = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(["init", "--commune", "c.toml"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("it goes into Telegram links"));

    let out = giamngheo(dir.path(), &["chat", "--as", "an"], "tan cuong\n/dangky\n");
    assert!(
        out.starts_with("Bạn ở xã (phường) nào của Thái Nguyên? Chọn số"),
        "{out}"
    );
    assert!(
        out.contains("Bạn thuộc Xã Tân Cương (Thái Nguyên)."),
        "{out}"
    );
    assert!(out.ends_with("Họ và tên chủ hộ?\n\n"), "{out}");
    let out = giamngheo(dir.path(), &["chat", "--as", "binh"], "1\n");
    assert!(
        out.contains("Bạn thuộc Xã Phúc Xuân (Thái Nguyên)."),
        "{out}"
    );

    let out = giamngheo(dir.path(), &["communes"], "");
    assert_eq!(
        out,
        "phuc-xuan  Xã Phúc Xuân, Thái Nguyên: 1 thôn/xóm (hamlets), 0 hộ (households), 1 người (people)\n\
         \x20   Telegram: https://t.me/giamngheo_tinh_bot?start=phuc-xuan; Zalo, console: phuc-xuan\n\
         tan-cuong  Xã Tân Cương, Thái Nguyên: 2 thôn/xóm (hamlets), 0 hộ (households), 1 người (people)\n\
         \x20   Telegram: https://t.me/giamngheo_tinh_bot?start=tan-cuong; Zalo, console: tan-cuong\n\
         Người mới chọn xã của mình, hoặc vào thẳng bằng mã xã hay đường link (newcomers choose \
         their commune, or come in by its code or link).\n"
    );
    let out = giamngheo(
        dir.path(),
        &["move-person", "binh", "--to", "tan-cuong"],
        "",
    );
    assert!(out.contains("đã chuyển từ Xã Phúc Xuân sang"), "{out}");
    let out = giamngheo(dir.path(), &["chat", "--as", "binh"], "");
    assert!(
        out.starts_with("Cán bộ đã chuyển bạn sang Xã Tân Cương (Thái Nguyên)."),
        "{out}"
    );
    assert!(out.contains("Xin chào binh! Đây là trợ lý giảm nghèo của Xã Tân Cương."));
}

/// Through the real Telegram dispatcher: a commune's link (`/start tan-cuong`) puts a newcomer
/// straight in; another newcomer chooses with the buttons.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_telegram_a_link_joins_and_buttons_choose() {
    use common::telegram_mock::{self as tg, Mock};
    use giamngheo::config::TelegramLimits;
    for db in common::databases().await {
        let (engine, _) = province(&db.db).await;
        let mock = Mock::start().await;
        let settings = Settings {
            telegram_token: Some(tg::TOKEN.into()),
            telegram_api_url: Some(mock.url.clone()),
            telegram_limits: Some(TelegramLimits {
                per_chat_per_sec: 50,
                per_chat_per_min: 1000,
                overall_per_sec: 100,
            }),
            ..Settings::default()
        };
        let running = giamngheo::run::start(&settings, Arc::new(engine))
            .await
            .expect("run starts");
        mock.push(tg::text(6001, "/start tan-cuong"));
        let sent = mock.wait_sent(6001, 1).await;
        let text = sent[0]["text"].as_str().unwrap();
        assert!(
            text.starts_with("Bạn thuộc Xã Tân Cương (Thái Nguyên).")
                && text.contains("Đây là trợ lý giảm nghèo của Xã Tân Cương."),
            "{}: {text}",
            db.name
        );

        mock.push(tg::text(6002, "/start"));
        let sent = mock.wait_sent(6002, 1).await;
        let buttons = |m: &serde_json::Value| -> Vec<(String, String)> {
            m["reply_markup"]["inline_keyboard"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r.as_array().unwrap().iter())
                .map(|b| {
                    let s = |k: &str| b[k].as_str().unwrap().to_string();
                    (s("text"), s("callback_data"))
                })
                .collect()
        };
        let provinces = buttons(&sent[0]);
        assert_eq!(provinces[0].0, "Điện Biên", "{provinces:?}");
        mock.push(tg::press(6002, 1, &provinces[0].1));
        let sent = mock.wait_sent(6002, 2).await;
        let text = sent[1]["text"].as_str().unwrap();
        assert!(
            text.starts_with("Bạn thuộc Xã Mường Phăng (Điện Biên)."),
            "{text}"
        );
        running.abort();
    }
}
