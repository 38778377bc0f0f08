//! The newcomer's path through the real binary: `giamngheo chat` in an empty folder creates
//! its database, a resident stops half-way and comes back, the hamlet head confirms, the
//! resident sees it. Then a real commune from a file and a role from the command line.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn giamngheo(dir: &Path, args: &[&str], input: &str) -> (String, String) {
    giamngheo_env(dir, args, input, &[])
}

fn giamngheo_env(dir: &Path, args: &[&str], input: &str, env: &[(&str, &str)]) -> (String, String) {
    giamngheo_bytes(dir, args, input.as_bytes(), env)
}

fn giamngheo_bytes(
    dir: &Path,
    args: &[&str],
    input: &[u8],
    env: &[(&str, &str)],
) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .envs(env.iter().copied())
        .env_remove("GIAMNGHEO_COMMUNE")
        .env_remove("GIAMNGHEO_DIALOGUES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run giamngheo");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "giamngheo {args:?} failed: {stderr}");
    (stdout, stderr)
}

#[test]
fn a_resident_registers_in_two_sittings_and_the_hamlet_head_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = giamngheo(dir.path(), &["chat"], "/dangky\nNông Văn Tú\n3\nSố 8\n");
    assert!(dir.path().join("giamngheo.db").exists());
    // What the README says a first start prints, line for line.
    assert_eq!(
        err,
        "Đã tạo cơ sở dữ liệu SQLite mới: giamngheo.db (created a new SQLite database)\n\
         Đã tạo xã mẫu (demo): trưởng xóm truongxom1..3, cán bộ canbo. Dùng --as để đổi người.\n",
        "says which database it created, and the demo"
    );
    assert!(out.contains("Số điện thoại liên hệ?"));

    let (out, err) = giamngheo(dir.path(), &["chat"], "0912 468 024\n5\n1\nbỏ qua\n1\n");
    assert_eq!(
        err, "Cơ sở dữ liệu SQLite: giamngheo.db\n",
        "the second start creates nothing, and names the database"
    );
    assert!(out.contains("Bạn đang làm dở một việc."), "{out}");
    assert!(
        out.contains("Đã lưu hộ #1 Nông Văn Tú (Xóm Hồng Thái)."),
        "{out}"
    );

    let (out, _) = giamngheo(
        dir.path(),
        &["chat", "--as", "truongxom3"],
        "/duyet\n1\n1\n",
    );
    assert!(out.contains("Hộ mới chờ xác nhận: #1 Nông Văn Tú"), "{out}");
    assert!(out.contains("Đã xác nhận hộ #1 Nông Văn Tú."), "{out}");

    let (out, _) = giamngheo(dir.path(), &["chat"], "/hocuatoi\n");
    assert!(out.contains("Hộ #1 Nông Văn Tú đã được xác nhận."), "{out}");
    assert!(out.contains("Trạng thái: đã xác nhận"), "{out}");
}

/// What an officer asks for in chat and the bot draws (the report, the digest's chart) is made
/// as the reply goes out, after the message's transaction, and lands in the current folder.
#[test]
fn the_report_and_chart_asked_for_in_chat_arrive_as_files() {
    let dir = tempfile::tempdir().unwrap();
    giamngheo(
        dir.path(),
        &["chat"],
        "/dangky\nNông Văn Tú\n3\nSố 8\n0912 468 024\n5\n1\nbỏ qua\n1\n",
    );
    giamngheo(
        dir.path(),
        &["chat", "--as", "truongxom3"],
        "/duyet\n1\n1\n",
    );
    let (out, _) = giamngheo(dir.path(), &["chat", "--as", "canbo"], "/baocao\n/bantin\n");
    let day = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let report = format!("bao-cao-{day}.xlsx");
    assert!(out.contains(&report), "{out}");
    let bytes = std::fs::read(dir.path().join(&report)).expect("the workbook was saved");
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("Theo xóm").unwrap();
    let text = format!("{sheet:?}");
    assert!(text.contains("Xóm Hồng Thái"), "{text}");
    let png = std::fs::read(dir.path().join("ho-theo-xom.png")).expect("the chart was saved");
    assert_eq!(&png[1..4], b"PNG", "{out}");
}

/// `giamngheo` alone lists its commands and touches nothing.
#[test]
fn the_binary_alone_lists_its_commands_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Usage: giamngheo"), "{err}");
    assert!(err.contains("chat "), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// The console prints the whole menu, a line per task, at the start, on /trogiup and after
/// what it cannot use; a note ("Đã hủy.") points to help instead, and an empty line says
/// nothing.
#[test]
fn the_console_prints_the_menu_only_where_it_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = giamngheo(
        dir.path(),
        &["chat"],
        "/dangky\n/huy\n\n\nxyz\n/trogiup\n/quaylai\n",
    );
    let menu = "Xin chào nguoidan! Đây là trợ lý giảm nghèo của Xã Mẫu (dữ liệu mẫu). Bạn muốn làm gì?\n/dangky – Đăng ký hộ\n";
    let replies: Vec<&str> = out.trim_end().split("\n\n").collect();
    assert_eq!(replies.len(), 6, "{out}");
    assert!(replies[0].starts_with(menu), "at the start: {out}");
    assert_eq!(replies[1], "Họ và tên chủ hộ?");
    assert_eq!(
        replies[2],
        "Đã hủy. Thông tin vừa nhập không được lưu.\nGõ /trogiup để xem các việc bạn làm được."
    );
    // The two empty lines: nothing. "xyz": the menu.
    assert!(replies[3].starts_with(menu), "after xyz: {out}");
    assert!(
        replies[4].starts_with("Các lệnh dùng được bất cứ lúc nào")
            && replies[4].contains("\n/dangky – Đăng ký hộ"),
        "/trogiup: {out}"
    );
    assert_eq!(
        replies[5],
        "Không có câu trước để quay lại.\nGõ /trogiup để xem các việc bạn làm được."
    );
    assert_eq!(out.matches("Bạn muốn làm gì?").count(), 2, "{out}");
}

#[test]
fn a_real_commune_and_its_hamlet_head_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xa.toml"),
        "code = \"tan-cuong\"\nname = \"Xã Tân Cương\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm Nam Đồng\", \"Xóm Soi Mít\"]\n",
    )
    .unwrap();
    let (out, _) = giamngheo(dir.path(), &["init", "--commune", "xa.toml"], "");
    assert!(out.contains("Xã Tân Cương: 2 xóm"), "{out}");
    let (out, _) = giamngheo(
        dir.path(),
        &[
            "grant",
            "console:ba-hoa",
            "hamlet_head",
            "--hamlet",
            "xom soi mit",
        ],
        "",
    );
    assert!(out.contains("hamlet_head in Xã Tân Cương"), "{out}");
    let (out, _) = giamngheo(
        dir.path(),
        &["chat", "--as", "ba-hoa"],
        "/dangky\nMa Văn Sáng\n",
    );
    assert!(out.contains("trợ lý giảm nghèo của Xã Tân Cương"), "{out}");
    assert!(
        out.contains("/duyet – Duyệt hộ đăng ký"),
        "a hamlet head may review: {out}"
    );
    assert!(
        out.contains("Địa chỉ cụ thể"),
        "a hamlet head is not asked the hamlet: {out}"
    );
}

#[test]
fn a_broken_dialogue_file_stops_the_start_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let dialogues = dir.path().join("dialogues");
    std::fs::create_dir(&dialogues).unwrap();
    let shipped = include_str!("../dialogues/register_household.toml");
    std::fs::write(
        dialogues.join("dk.toml"),
        shipped.replace("kind = \"phone\"", "kind = \"phon\""),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(["check"])
        .current_dir(dir.path())
        .env("GIAMNGHEO_DIALOGUES", &dialogues)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let line = shipped
        .lines()
        .position(|l| l.contains("kind = \"phone\""))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("dk.toml:{line}: unknown kind `phon`")),
        "{err}"
    );
}

/// Who may do what is the program's, not a file's: a copy of the dialogues with one `roles`
/// line deleted (which would have let anyone have the whole report) is refused.
#[test]
fn a_dialogue_without_its_roles_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let dialogues = dir.path().join("dialogues");
    std::fs::create_dir(&dialogues).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("dialogues");
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "toml") {
            std::fs::copy(e.path(), dialogues.join(e.file_name())).unwrap();
        }
    }
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(["check"])
            .current_dir(dir.path())
            .env("GIAMNGHEO_DIALOGUES", &dialogues)
            .output()
            .unwrap()
    };
    assert!(check().status.success(), "the copy as shipped passes");
    let report = std::fs::read_to_string(dialogues.join("report.toml")).unwrap();
    let without: String = report
        .lines()
        .filter(|l| !l.starts_with("roles"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dialogues.join("report.toml"), &without).unwrap();
    let out = check();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    let line = without
        .lines()
        .position(|l| l.starts_with("action"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("report.toml:{line}: `roles` is missing")),
        "{err}"
    );
}

#[test]
fn digest_dry_run_export_and_deadlines_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    giamngheo(
        dir.path(),
        &["chat"],
        "/dangky\nVi Văn Tâm\n2\nSố 2\n0912468000\n4\n1\nbỏ qua\n1\n",
    );
    // The binary keeps the real time: a deadline a month ahead of today (in Vietnam), and the
    // digest of a day before it. A day already gone is refused.
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let due = (today + chrono::Days::new(33))
        .format("%d/%m/%Y")
        .to_string();
    let digest_day = today + chrono::Days::new(3);
    let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(["deadline", "add", "Báo cáo cũ", "01/01/2020"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("01/01/2020 is past"), "{err}");
    let (out, _) = giamngheo(
        dir.path(),
        &["deadline", "add", "Báo cáo cho thành phố", &due],
        "",
    );
    assert!(
        out.contains(&format!("#1 Báo cáo cho thành phố – {due}")),
        "{out}"
    );
    let (out, _) = giamngheo(dir.path(), &["deadline", "list"], "");
    assert!(
        out.contains(&format!("#1 Báo cáo cho thành phố – {due}")),
        "{out}"
    );

    let (out, _) = giamngheo(
        dir.path(),
        &[
            "digest",
            "--date",
            &digest_day.to_string(),
            "--officer",
            "truongxom2",
            "--dry-run",
        ],
        "",
    );
    assert!(
        out.starts_with(&format!(
            "== truongxom2 ==\n📋 Bản tin ngày {}",
            digest_day.format("%d/%m/%Y")
        )),
        "{out}"
    );
    assert!(out.contains("• #1 Vi Văn Tâm (0912 468 000)"), "{out}");
    assert!(
        out.contains(&format!("• Báo cáo cho thành phố – {due} – còn 30 ngày")),
        "{out}"
    );
    // A dry run sends nothing: the hamlet head's chat shows no digest.
    let (chat, _) = giamngheo(dir.path(), &["chat", "--as", "truongxom2"], "");
    assert!(!chat.contains("📋 Bản tin"), "{chat}");

    // From cron: what is due now. The demo's officers were made just now, so nothing yet.
    let (out, _) = giamngheo(dir.path(), &["digest"], "");
    assert_eq!(out, "0 digest(s) sent\n");

    let (out, _) = giamngheo(dir.path(), &["export", "--out", "bao-cao.xlsx"], "");
    assert!(out.contains("bao-cao.xlsx"));
    let bytes = std::fs::read(dir.path().join("bao-cao.xlsx")).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");

    // An existing file is not written over unasked: last month's report stays as it was.
    std::fs::write(dir.path().join("bao-cao.xlsx"), b"thang truoc").unwrap();
    let again = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(["export", "--out", "bao-cao.xlsx"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!again.status.success());
    let err = String::from_utf8(again.stderr).unwrap();
    assert!(
        err.contains("bao-cao.xlsx exists already: choose another name, or add --force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("bao-cao.xlsx")).unwrap(),
        b"thang truoc"
    );
    let (out, _) = giamngheo(
        dir.path(),
        &["export", "--out", "bao-cao.xlsx", "--force"],
        "",
    );
    assert!(out.contains("bao-cao.xlsx"));
    let bytes = std::fs::read(dir.path().join("bao-cao.xlsx")).unwrap();
    assert_eq!(&bytes[..2], b"PK", "replaced with --force");
}

#[test]
fn a_backup_is_a_database_that_opens_with_the_same_households() {
    let dir = tempfile::tempdir().unwrap();
    giamngheo(
        dir.path(),
        &["chat"],
        "/dangky\nKhổng Văn Lưu\n1\nSố 1\n0912468111\n2\n1\nbỏ qua\n1\n",
    );
    let (out, _) = giamngheo(dir.path(), &["backup", "--out", "ban-sao.db"], "");
    assert!(out.contains("ban-sao.db"));
    // The copy is a working database: the resident finds the household there.
    let (out, _) = giamngheo_env(
        dir.path(),
        &["chat"],
        "/hocuatoi\n",
        &[("DATABASE_URL", "sqlite:ban-sao.db")],
    );
    assert!(out.contains("#1 Khổng Văn Lưu – Xóm Đồng Tâm"), "{out}");
    // Never over an existing file.
    let failed = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args(["backup", "--out", "ban-sao.db"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!failed.status.success());
}

/// `giamngheo bench` on a tiny scale through the real binary: every measurement runs and
/// prints, the memory one in a `giamngheo run` of its own that answers every conversation.
#[test]
fn the_bench_measures_everything_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
        .args([
            "bench",
            "--registrations",
            "1",
            "--chats",
            "1",
            "--users",
            "1",
            "--messages",
            "1",
            "--quiet",
            "1",
            "--think-ms",
            "0",
            "--recipients",
            "2",
            "--conversations",
            "25",
            "--rounds",
            "1",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for part in ["the floor", "at once", "quiet user", "digest", "median"] {
        assert!(stdout.contains(part), "no {part:?} in:\n{stdout}");
    }
    // Two hamlet heads, each their text and the chart.
    assert!(
        stdout.contains(": 4/4 messages (1 chart upload(s))"),
        "{stdout}"
    );
    assert!(
        stdout.contains("with 25 conversations open (25 answered)"),
        "{stdout}"
    );
}

#[test]
fn group_rules_that_make_no_sense_are_refused_with_the_line_and_the_range() {
    let dir = tempfile::tempdir().unwrap();
    for (rule, range) in [
        ("min_members = 0", "1 or more"),
        ("min_recognised_percent = 150", "0 to 100"),
        ("min_target_percent = 1000", "0 to 100"),
    ] {
        std::fs::write(
            dir.path().join("xa.toml"),
            format!(
                "code = \"x\"\nname = \"Xã X\"\nprovince = \"P\"\nhamlets = [\"Xóm A\"]\n\n[rules.groups]\n{rule}\n"
            ),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(["init", "--commune", "xa.toml"])
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "{rule} was taken");
        assert!(err.contains("xa.toml"), "{err}");
        assert!(err.contains("line 7"), "{err}");
        assert!(err.contains(range), "{err}");
    }
}

/// The commune file names the level its proposals go up to; `init` takes it (what every
/// message then says is in tests/proposals.rs).
#[test]
fn the_commune_file_names_its_upper_level() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xa.toml"),
        "code = \"tan-cuong\"\nname = \"Xã Tân Cương\"\nprovince = \"Thái Nguyên\"\nhamlets = [\"Xóm Nam Đồng\"]\n\n[rules.words]\nupper_level = \"UBND tỉnh Thái Nguyên\"\n",
    )
    .unwrap();
    let (out, _) = giamngheo(dir.path(), &["init", "--commune", "xa.toml"], "");
    assert!(out.contains("Xã Tân Cương: 1 xóm"), "{out}");
}

/// A byte that is not UTF-8 (a terminal in another encoding) is answered like any bad input,
/// and the chat goes on: the lines after it are answered too.
#[test]
fn an_invalid_byte_does_not_end_the_console_chat() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = giamngheo_bytes(
        dir.path(),
        &["chat"],
        b"/dangky\n\xff\n/huy\n/hocuatoi\n",
        &[],
    );
    assert!(out.contains("Họ và tên chủ hộ?"), "{out}");
    assert!(out.contains("Bạn chưa đăng ký hộ nào"), "{out}");
}

/// A set-up that fails leaves nothing behind: no empty database from a bad commune file, no
/// demo database from broken dialogue files.
#[test]
fn a_failed_set_up_leaves_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("GIAMNGHEO_DIALOGUES")
            .envs(env.iter().copied())
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    };
    std::fs::write(dir.path().join("xa.toml"), "code = \"x\"\nname = \"\"\n").unwrap();
    let err = run(&["init", "--commune", "xa.toml"], &[]);
    assert!(err.contains("xa.toml"), "{err}");
    assert!(
        !dir.path().join("giamngheo.db").exists(),
        "init left a database"
    );

    let broken = dir.path().join("dialogues");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("x.toml"), "id = \"x\"\nthis is not toml\n").unwrap();
    let dialogues = broken.to_str().unwrap();
    let err = run(&["chat"], &[("GIAMNGHEO_DIALOGUES", dialogues)]);
    assert!(err.contains("x.toml"), "{err}");
    assert!(
        !dir.path().join("giamngheo.db").exists(),
        "chat left a database"
    );
}

#[test]
fn the_upper_level_exports_its_province_from_the_command_line() {
    use calamine::{Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    for (code, name) in [("tan-cuong", "Xã Tân Cương"), ("phuc-xuan", "Xã Phúc Xuân")] {
        let file = dir.path().join(format!("{code}.toml"));
        std::fs::write(
            &file,
            format!(
                "code = \"{code}\"\nname = \"{name}\"\ndistrict = \"Thành phố Thái Nguyên\"\n\
                 province = \"Thái Nguyên\"\nhamlets = [\"Xóm 1\", \"Xóm 2\"]\n"
            ),
        )
        .unwrap();
        giamngheo(
            dir.path(),
            &["init", "--commune", file.to_str().unwrap()],
            "",
        );
    }
    // The only province in the database, unnamed.
    let (out, err) = giamngheo(
        dir.path(),
        &["export", "--province", "--out", "tinh.xlsx"],
        "",
    );
    assert!(out.contains("tinh.xlsx"), "{out}{err}");
    let bytes = std::fs::read(dir.path().join("tinh.xlsx")).unwrap();
    let book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Tổng hợp", "Xã Phúc Xuân", "Xã Tân Cương"]
    );
    // Named; one that is not there is said.
    let (out, _) = giamngheo(
        dir.path(),
        &["export", "--province", "Thái Nguyên", "--out", "tn.xlsx"],
        "",
    );
    assert!(out.contains("tn.xlsx"), "{out}");
    let refused = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_giamngheo"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let err = refused(&["export", "--province", "Bắc Kạn", "--out", "bk.xlsx"]);
    assert!(
        err.contains("no commune of the province \"Bắc Kạn\""),
        "{err}"
    );
    assert!(!dir.path().join("bk.xlsx").exists());
    // Counts only: there is nothing to unmask.
    let err = refused(&["export", "--province", "--unmasked", "--out", "x.xlsx"]);
    assert!(err.contains("cannot be used with"), "{err}");
}
