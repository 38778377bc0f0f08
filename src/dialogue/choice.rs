//! Choices: the options a question offers right now, the buttons that carry them, and which
//! option the user meant by what they typed or pressed.

use serde_json::{Map, Value};

use super::ctx::Ctx;
use super::state::Active;
use super::{Dialogue, Source, Step};
use crate::domain::InputError;
use crate::message::{Choice, FileRef};
use crate::store::Tx;
use crate::text::Arg;
use crate::text::{Lang, fold};

pub(crate) use super::sources::Opt;

/// Why an answer was not taken: a catalogue message and its arguments.
pub(super) struct Refusal(pub &'static str, pub Vec<(&'static str, Arg)>);

impl From<InputError> for Refusal {
    fn from(e: InputError) -> Refusal {
        let args = match e {
            InputError::TooLong { max } => vec![("max", Arg::from(max))],
            InputError::Range { min, max } => vec![("min", min.into()), ("max", max.into())],
            _ => vec![],
        };
        Refusal(e.message_id(), args)
    }
}

/// An answer as it came: typed, a button pressed, or a file.
pub(super) enum Input {
    Typed(String),
    /// A button's value: matched exactly, never by number.
    Exact(String),
    File(FileRef),
}

pub(super) fn buttons(seq: u32, question: &str, opts: &[Opt]) -> Vec<Choice> {
    opts.iter()
        .map(|o| Choice {
            label: o.label.clone(),
            data: format!("{seq}|{question}={}", o.value),
            key: Some(o.key.clone()),
        })
        .collect()
}

/// Which option the user meant: its number, its words (case and diacritics aside), an alias,
/// or a part of its words that fits one option only.
pub(super) fn pick(input: &Input, opts: &[Opt]) -> Result<usize, Refusal> {
    let typed = match input {
        Input::Exact(v) => {
            return opts
                .iter()
                .position(|o| o.value == *v)
                .ok_or(Refusal("err-stale-button", vec![]));
        }
        Input::Typed(t) => t,
        Input::File(_) => return Err(Refusal("err-unsupported", vec![])),
    };
    let f = fold(typed);
    let f = f.trim_end_matches(['.', '!']).trim();
    if f.is_empty() {
        return Err(Refusal("err-empty", vec![]));
    }
    // "#12" names a record by its own number.
    if let Some(id) = f.strip_prefix('#') {
        let id = id.trim();
        return opts
            .iter()
            .position(|o| o.value == id)
            .ok_or(Refusal("err-choice", vec![]));
    }
    // A plain number is a position in the list, never a database id.
    if let Some(i) = opts.iter().position(|o| o.key == f) {
        return Ok(i);
    }
    let numeric = f.chars().all(|c| c.is_ascii_digit());
    let exact = |o: &Opt| {
        fold(&o.label) == f || (!numeric && o.value == f) || o.aliases.iter().any(|a| a == f)
    };
    if let Some(i) = opts.iter().position(exact) {
        return Ok(i);
    }
    if let Some(i) = plain_match(f, opts) {
        return Ok(i);
    }
    if f.chars().count() >= 2 && !f.chars().all(|c| c.is_ascii_digit()) {
        let hits: Vec<usize> = opts
            .iter()
            .enumerate()
            .filter(|(_, o)| fold(&o.label).contains(f))
            .map(|(i, _)| i)
            .collect();
        match hits[..] {
            [i] => return Ok(i),
            [] => {}
            _ => return Err(Refusal("err-choice-ambiguous", vec![])),
        }
    }
    Err(Refusal("err-choice", vec![]))
}

/// "ngheo" among "Hộ nghèo", "Hộ cận nghèo" and "Hộ mới thoát nghèo": of the options that
/// have every typed word as a whole word, the one that is just those words, besides words all
/// of them share ("Hộ"). None when no option, or more than one, is.
fn plain_match(f: &str, opts: &[Opt]) -> Option<usize> {
    let typed: Vec<&str> = f.split_whitespace().collect();
    let labels: Vec<String> = opts.iter().map(|o| fold(&o.label)).collect();
    let matched: Vec<usize> = (0..opts.len())
        .filter(|&i| {
            let words: Vec<&str> = labels[i].split_whitespace().collect();
            typed.iter().all(|t| words.contains(t))
        })
        .collect();
    if matched.len() < 2 {
        return None;
    }
    let shared = |w: &str| {
        matched
            .iter()
            .all(|&i| labels[i].split_whitespace().any(|x| x == w))
    };
    let plain: Vec<usize> = matched
        .iter()
        .copied()
        .filter(|&i| {
            labels[i]
                .split_whitespace()
                .all(|w| typed.contains(&w) || shared(w))
        })
        .collect();
    match plain[..] {
        [i] => Some(i),
        _ => None,
    }
}

/// What the summary asks: save, change something, or drop it all.
pub(super) fn confirm_options(ctx: &Ctx<'_>) -> Vec<Opt> {
    [
        (
            "yes",
            "confirm-yes",
            &["co", "dong y", "xac nhan", "ok", "yes", "luu"][..],
        ),
        // "Không" to "is it right?" means something is wrong, not "throw it all away": it
        // asks which item to change. Dropping everything takes the word for it.
        (
            "edit",
            "confirm-edit",
            &["sua", "edit", "thay doi", "khong", "no", "chua", "sai"][..],
        ),
        ("cancel", "confirm-cancel", &["huy", "cancel"][..]),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (value, msg, aliases))| Opt {
        value: value.into(),
        label: ctx.t(msg, &[]),
        key: (i + 1).to_string(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        detail: None,
    })
    .collect()
}

/// The answers on the summary, any of which may be changed.
pub(super) fn edit_options(ctx: &Ctx<'_>, d: &Dialogue, a: &Active) -> Vec<Opt> {
    d.steps
        .iter()
        .filter(|s| a.answers.contains_key(&s.id))
        .enumerate()
        .map(|(i, s)| Opt {
            value: s.id.clone(),
            label: ctx.l(&s.label),
            key: (i + 1).to_string(),
            aliases: vec![],
            detail: None,
        })
        .collect()
}

/// The lists sources gave while one message is handled. A question shown again after a wrong
/// answer asks its source once, and shows the very list the answer was checked against.
/// Whatever may have changed the database since (an action that ran) empties it.
#[derive(Default)]
pub(super) struct Fetched(Vec<Fetch>);

/// What a source's list depends on besides the person asking: the language of its labels
/// and the answers before it (a group's members depend on the group chosen).
struct Fetch {
    source: Source,
    lang: Lang,
    answers: Map<String, Value>,
    opts: Vec<Opt>,
}

impl Fetched {
    /// The options of a choice step, numbered by position. A source is asked once for the
    /// same answers and language, until `clear`.
    pub async fn options(
        &mut self,
        ctx: &Ctx<'_>,
        tx: &mut Tx,
        step: &Step,
        answers: &Map<String, Value>,
    ) -> sqlx::Result<Vec<Opt>> {
        let Some(source) = step.source else {
            return Ok(step
                .options
                .iter()
                .filter(|o| o.roles.is_empty() || o.roles.iter().any(|&r| ctx.has_role(r)))
                .enumerate()
                .map(|(i, o)| Opt {
                    value: o.value.clone(),
                    label: ctx.l(&o.label),
                    key: (i + 1).to_string(),
                    aliases: o.aliases.clone(),
                    detail: None,
                })
                .collect());
        };
        let seen = |f: &&Fetch| f.source == source && f.lang == ctx.lang && f.answers == *answers;
        if let Some(f) = self.0.iter().find(seen) {
            return Ok(f.opts.clone());
        }
        // Lists are numbered by position, like every other choice; a record's own
        // number is typed with its "#" ("#12"), or comes with a command ("/duyet 12").
        let mut opts = super::sources::options(source, ctx, tx, answers).await?;
        for (i, o) in opts.iter_mut().enumerate() {
            o.key = (i + 1).to_string();
        }
        self.0.push(Fetch {
            source,
            lang: ctx.lang,
            answers: answers.clone(),
            opts: opts.clone(),
        });
        Ok(opts)
    }

    /// Forgets every list: the database may have changed.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CommuneRules;
    use crate::store::communes;
    use crate::store::persons::Person;
    use crate::store::scratch::TestDb;
    use crate::text::Texts;

    fn labels(opts: &[Opt]) -> Vec<&str> {
        opts.iter().map(|o| o.label.as_str()).collect()
    }

    fn opts(labels: &[&str]) -> Vec<Opt> {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| Opt {
                value: format!("v{i}"),
                label: l.to_string(),
                key: (i + 1).to_string(),
                aliases: vec![],
                detail: None,
            })
            .collect()
    }

    #[test]
    fn the_word_that_tells_an_option_from_the_others_picks_it() {
        let categories = opts(&[
            "Hộ nghèo",
            "Hộ cận nghèo",
            "Hộ mới thoát nghèo",
            "Hộ khác (không thuộc diện)",
        ]);
        let typed = |t: &str| pick(&Input::Typed(t.into()), &categories);
        assert_eq!(typed("ngheo").ok(), Some(0));
        assert_eq!(typed("nghèo").ok(), Some(0));
        assert_eq!(typed("can ngheo").ok(), Some(1));
        assert_eq!(typed("moi thoat ngheo").ok(), Some(2));
        // A word of one option only still picks it; a word of all of them is ambiguous.
        assert!(typed("thoat").is_ok());
        assert_eq!(typed("ho").err().map(|r| r.0), Some("err-choice-ambiguous"));
        let hamlets = opts(&["Xóm Đồng Tâm", "Xóm Nam Đồng"]);
        assert_eq!(
            pick(&Input::Typed("dong".into()), &hamlets)
                .err()
                .map(|r| r.0),
            Some("err-choice-ambiguous")
        );
    }

    #[tokio::test]
    async fn a_source_is_asked_once_per_message_until_the_database_may_have_changed() {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::sqlite(dir.path()).await.unwrap();
        let now = chrono::Utc::now();
        crate::seed::ensure_demo(&db.store, now).await.unwrap();
        let mut tx = db.store.begin().await.unwrap();
        let commune = communes::default_commune(&mut tx, None).await.unwrap();
        let commune = commune.unwrap();
        let person = Person {
            id: 1,
            commune_id: commune.id,
            display_name: "A".into(),
            lang: "vi".into(),
        };
        let texts = Texts::load().unwrap();
        let mut ctx = Ctx {
            person: &person,
            channel: "test",
            sender_id: "a",
            commune: &commune,
            rules: CommuneRules::default(),
            access: Default::default(),
            lang: Lang::Vi,
            now,
            today: now.date_naive(),
            texts: &texts,
            telegram_bot: None,
        };
        let dialogues = crate::dialogue::load::load_embedded().unwrap();
        let register = dialogues.get("register_household").unwrap();
        let step = register.step("hamlet").unwrap();
        let answers = Map::new();

        let mut fetched = Fetched::default();
        let first = fetched
            .options(&ctx, &mut tx, step, &answers)
            .await
            .unwrap();
        assert_eq!(first.len(), 3);
        assert_eq!(first[2].key, "3");
        // A hamlet added behind the cache's back shows that the source was not asked again.
        communes::add_hamlet(&mut tx, commune.id, "Xóm Mới", 9)
            .await
            .unwrap();
        let again = fetched
            .options(&ctx, &mut tx, step, &answers)
            .await
            .unwrap();
        assert_eq!(labels(&again), labels(&first));
        // Other answers before it, or another language, may give another list.
        let mut other = Map::new();
        other.insert("head_name".into(), Value::String("B".into()));
        let with_other = fetched.options(&ctx, &mut tx, step, &other).await.unwrap();
        assert_eq!(with_other.len(), 4);
        ctx.lang = Lang::En;
        let in_english = fetched
            .options(&ctx, &mut tx, step, &answers)
            .await
            .unwrap();
        assert_eq!(in_english.len(), 4);
        ctx.lang = Lang::Vi;
        assert_eq!(
            fetched
                .options(&ctx, &mut tx, step, &answers)
                .await
                .unwrap()
                .len(),
            3
        );
        fetched.clear();
        let fresh = fetched
            .options(&ctx, &mut tx, step, &answers)
            .await
            .unwrap();
        assert_eq!(labels(&fresh)[3], "Xóm Mới");
    }
}
