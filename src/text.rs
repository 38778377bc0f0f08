//! Text the user sees and types: languages, the message catalogue (Fluent) and the folding
//! that makes "ho ngheo" match "Hộ Nghèo".

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// The two languages the bot speaks. Vietnamese is the default for everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Accepts "vi", "en", "tieng viet", "English", a Telegram `language_code` like "en-US"…
    pub fn parse(s: &str) -> Option<Lang> {
        let f = fold(s);
        if f.starts_with("vi") || f.starts_with("tieng viet") {
            Some(Lang::Vi)
        } else if f.starts_with("en") || f.starts_with("tieng anh") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Lower-cases, strips Vietnamese diacritics (đ → d included), and collapses white space, so
/// that people who type without diacritics, in capitals or with extra spaces still match.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if ('\u{0300}'..='\u{036f}').contains(&c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A piece of text in both languages, as written in the dialogue files.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// The catalogue of fixed messages (errors, prompts, notifications), one Fluent file per
/// language, compiled in: these belong to the program, not to a commune; only the commune's
/// word for a hamlet (`xóm`, `thôn`, `bản`…) is its own, given to every message as `$xom`
/// (and `$Xom` at the start of a sentence). The deployment's name for the upper level
/// ("tỉnh", "thành phố": the `upper_level_name` setting) is given as `$level` (`$Level`).
#[derive(Clone)]
pub struct Texts {
    bundles: Arc<HashMap<Lang, FluentBundle<FluentResource>>>,
    hamlet: String,
    level: String,
}

fn capitalised(word: &str, capital: bool) -> String {
    if !capital {
        return word.to_string();
    }
    let mut c = word.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The word for a hamlet where no commune says otherwise.
const HAMLET: &str = "xóm";

/// The upper level's name where the settings say nothing: since the 2025 reform communes
/// answer to a province (or a city).
pub const UPPER_LEVEL: &str = "tỉnh";

const VI_FTL: &str = include_str!("../locales/vi.ftl");
const EN_FTL: &str = include_str!("../locales/en.ftl");

impl Texts {
    pub fn load() -> anyhow::Result<Texts> {
        let mut bundles = HashMap::new();
        for (lang, src, id) in [
            (Lang::Vi, VI_FTL, unic_langid::langid!("vi")),
            (Lang::En, EN_FTL, unic_langid::langid!("en")),
        ] {
            let res = FluentResource::try_new(src.to_string())
                .map_err(|(_, e)| anyhow::anyhow!("locales/{lang}.ftl: {e:?}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Chat clients show the Unicode isolation marks Fluent adds as boxes on some phones.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(res)
                .map_err(|e| anyhow::anyhow!("locales/{lang}.ftl: {e:?}"))?;
            bundles.insert(lang, bundle);
        }
        // Every message must exist in both languages, so no user ever sees a key.
        let vi = message_ids(VI_FTL);
        let en = message_ids(EN_FTL);
        if let Some(missing) = vi.iter().find(|id| !en.contains(id)) {
            anyhow::bail!("locales/en.ftl: message `{missing}` is missing");
        }
        if let Some(missing) = en.iter().find(|id| !vi.contains(id)) {
            anyhow::bail!("locales/vi.ftl: message `{missing}` is missing");
        }
        Ok(Texts {
            bundles: Arc::new(bundles),
            hamlet: HAMLET.into(),
            level: UPPER_LEVEL.into(),
        })
    }

    /// The catalogue as compiled in, loaded once, for the parts that run on their own (the
    /// sender, files made as they are sent). None only in a build whose catalogue does not
    /// load, which the tests refuse.
    pub fn shared() -> Option<&'static Texts> {
        static TEXTS: std::sync::OnceLock<Option<Texts>> = std::sync::OnceLock::new();
        TEXTS.get_or_init(|| Texts::load().ok()).as_ref()
    }

    /// The same catalogue in a commune's words: its word for a hamlet (the commune rules'
    /// `words.hamlet`). The bundles are shared, not copied.
    pub fn for_commune(&self, hamlet_word: &str) -> Texts {
        let hamlet = hamlet_word.trim();
        Texts {
            bundles: self.bundles.clone(),
            hamlet: if hamlet.is_empty() { HAMLET } else { hamlet }.to_lowercase(),
            level: self.level.clone(),
        }
    }

    /// The same catalogue with the deployment's name for the upper level ("tỉnh", "thành
    /// phố"), which the upper level's messages use. The bundles are shared, not copied.
    pub fn with_upper_level(&self, name: &str) -> Texts {
        let name = name.trim();
        Texts {
            bundles: self.bundles.clone(),
            hamlet: self.hamlet.clone(),
            level: if name.is_empty() { UPPER_LEVEL } else { name }.to_lowercase(),
        }
    }

    /// The upper level's name, lower case ("tỉnh") or capitalised ("Tỉnh").
    pub fn level_word(&self, capital: bool) -> String {
        capitalised(&self.level, capital)
    }

    /// The commune's word for a hamlet, lower case ("xóm") or capitalised ("Xóm").
    pub fn hamlet_word(&self, capital: bool) -> String {
        capitalised(&self.hamlet, capital)
    }

    /// Text written outside the catalogue (the dialogue files) in the commune's words: `{xom}`
    /// and `{Xom}` become its word for a hamlet, `{level}` and `{Level}` the upper level's name.
    pub fn words<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !s.contains('{') {
            return Cow::Borrowed(s);
        }
        Cow::Owned(
            s.replace("{xom}", &self.hamlet_word(false))
                .replace("{Xom}", &self.hamlet_word(true))
                .replace("{level}", &self.level_word(false))
                .replace("{Level}", &self.level_word(true)),
        )
    }

    pub fn has(&self, id: &str) -> bool {
        self.bundles[&Lang::Vi].has_message(id)
    }

    /// Formats message `id` with named arguments. A missing id is a programming error caught by
    /// the catalogue test; at run time it degrades to the id rather than failing a reply.
    pub fn get(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        let bundle = &self.bundles[&lang];
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::error!(id, "missing message");
            return id.to_string();
        };
        let mut fargs = FluentArgs::new();
        fargs.set("xom", FluentValue::from(self.hamlet_word(false)));
        fargs.set("Xom", FluentValue::from(self.hamlet_word(true)));
        fargs.set("level", FluentValue::from(self.level_word(false)));
        fargs.set("Level", FluentValue::from(self.level_word(true)));
        for (k, v) in args {
            match v {
                Arg::S(s) => fargs.set(*k, FluentValue::from(s.as_str())),
                Arg::N(n) => fargs.set(*k, FluentValue::from(*n)),
                Arg::T(id) => fargs.set(*k, FluentValue::from(self.get(lang, id, &[]))),
                Arg::M(id, inner) => fargs.set(*k, FluentValue::from(self.get(lang, id, inner))),
            }
        }
        let mut errors = vec![];
        let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        if !errors.is_empty() {
            tracing::error!(id, ?errors, "message formatting");
        }
        out.into_owned()
    }
}

fn message_ids(src: &str) -> Vec<&str> {
    src.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim()))
        .collect()
}

/// An argument to a catalogue message.
#[derive(Debug, Clone)]
pub enum Arg {
    S(String),
    N(i64),
    /// Another catalogue message, translated in the reader's language.
    T(&'static str),
    /// Another catalogue message with arguments of its own ("đã trình { $upper }").
    M(&'static str, Vec<(&'static str, Arg)>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::S(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::S(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::N(n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::N(n as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_diacritics_and_spaces() {
        assert_eq!(fold("  Hộ   Nghèo "), "ho ngheo");
        assert_eq!(fold("ĐỒNG TÂM"), "dong tam");
        assert_eq!(fold("/Hủy"), "/huy");
        assert_eq!(fold("Người khuyết tật"), "nguoi khuyet tat");
    }

    #[test]
    fn catalogue_loads_in_both_languages() {
        let t = Texts::load().unwrap();
        let vi = t.get(Lang::Vi, "err-phone", &[]);
        let en = t.get(Lang::En, "err-phone", &[]);
        assert_ne!(vi, en);
        assert!(!vi.contains('\u{2068}'), "no isolation marks in chat text");
    }
}
