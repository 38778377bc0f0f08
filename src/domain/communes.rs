//! Communes as people name them: a commune's public code (opened as a Telegram link, typed on
//! Zalo or the console), and finding a province or a commune from part of its name typed
//! without diacritics.

use crate::text::fold;

/// Longest code: Telegram's `start` parameter takes at most 64 characters.
pub const CODE_MAX: usize = 64;

/// Why a commune code cannot be used, or None when it can. A code is public (it is printed
/// on posters as a link) and may well read like a secret code ("phuc-xuan" is eight letters
/// of the join codes' alphabet): wherever a code is typed or opened, the communes' codes are
/// matched first, so a commune's code is never counted as a wrong invite or join code (a
/// random code that happens to equal a commune's is one chance in hundreds of billions).
pub fn code_problem(code: &str) -> Option<&'static str> {
    let ok_chars = code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if code.is_empty() || code.len() > CODE_MAX || !ok_chars {
        return Some(
            "a commune code is 1 to 64 letters a-z, digits, '-' or '_' (it goes into Telegram links)",
        );
    }
    if !code.chars().any(|c| c.is_ascii_alphabetic()) {
        return Some("a commune code needs a letter: a number typed is a place in a list");
    }
    None
}

/// Whether `typed` is `code`, as a person types it (case and surrounding spaces aside).
pub fn is_code(typed: &str, code: &str) -> bool {
    typed.trim().eq_ignore_ascii_case(code)
}

/// The words a name may start with that nobody needs to type.
const TITLES: &[&str] = &["xa ", "phuong ", "thi tran ", "tinh ", "thanh pho ", "tp "];

/// A name as people type it without diacritics, without "Xã", "Phường"…: "tan cuong".
pub fn typed_form(name: &str) -> String {
    let n = fold(name);
    TITLES
        .iter()
        .find_map(|t| n.strip_prefix(t))
        .unwrap_or(&n)
        .to_string()
}

/// What a typed part of a name found among `names`: their positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Nothing,
    One(usize),
    Several(Vec<usize>),
}

/// The names `typed` points at: the one it spells out (with or without "Xã", "Tỉnh"…), else
/// every name containing it, diacritics, case and spaces aside ("tan cuong", "tancuong" and
/// "Tân Cương" all find "Xã Tân Cương").
pub fn search<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Found {
    let key = fold(typed);
    let key = TITLES
        .iter()
        .find_map(|t| key.strip_prefix(t))
        .unwrap_or(&key)
        .trim()
        .to_string();
    let squeezed: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    if squeezed.is_empty() || TITLES.iter().any(|t| t.trim() == key) {
        return Found::Nothing;
    }
    let names: Vec<String> = names.into_iter().map(fold).collect();
    let exact: Vec<usize> = (0..names.len())
        .filter(|&i| typed_form(&names[i]) == key)
        .collect();
    if let [one] = exact[..] {
        return Found::One(one);
    }
    let hits: Vec<usize> = (0..names.len())
        .filter(|&i| {
            let n: String = names[i].chars().filter(|c| !c.is_whitespace()).collect();
            n.contains(&squeezed)
        })
        .collect();
    match hits[..] {
        [] => Found::Nothing,
        [one] => Found::One(one),
        _ => Found::Several(hits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_never_read_as_secret_codes() {
        assert_eq!(code_problem("tan-cuong"), None);
        assert_eq!(code_problem("muong_phang2"), None);
        assert!(
            code_problem("12").is_some(),
            "a number is a place in a list"
        );
        assert!(code_problem("tân-cương").is_some(), "not in a link");
        assert!(code_problem("").is_some());
        assert!(code_problem(&"a".repeat(65)).is_some());
        assert!(is_code(" Tan-Cuong ", "tan-cuong"));
        assert!(!is_code("tan cuong", "tan-cuong"));
        assert_eq!(typed_form("Phường Tân Thịnh"), "tan thinh");
    }

    #[test]
    fn a_name_is_found_without_diacritics() {
        let names = [
            "Xã Tân Cương",
            "Xã Tân Thịnh",
            "Phường Tân Lập",
            "Xã Phúc Xuân",
        ];
        let find = |t: &str| search(t, names.iter().copied());
        assert_eq!(find("tan cuong"), Found::One(0));
        assert_eq!(find("TANCUONG"), Found::One(0));
        assert_eq!(find("xa phuc xuan"), Found::One(3));
        assert_eq!(find("Tân"), Found::Several(vec![0, 1, 2]));
        assert_eq!(find("tan lap"), Found::One(2));
        assert_eq!(find("ha noi"), Found::Nothing);
        assert_eq!(find("  "), Found::Nothing);
        assert_eq!(find("xã"), Found::Nothing, "a title alone names nothing");
        // A name spelled out wins over longer names that contain it.
        let names = ["Xã Tân An", "Xã Tân An Hội"];
        assert_eq!(search("tan an", names.iter().copied()), Found::One(0));
        assert_eq!(
            search("tan a", names.iter().copied()),
            Found::Several(vec![0, 1])
        );
    }
}
