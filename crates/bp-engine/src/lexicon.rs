//! One lookup per word: every word list the rules, the complexity model, technique selection
//! and role choice consult, merged into a single hash map built once.
//!
//! Scanning each list per word cost more than the whole statistical model; with the map, a
//! prompt's words are classified in one pass and every consumer reads the result.

mod domains;
mod lists;

pub(crate) use domains::DOMAIN_ROLES;

use crate::text::words;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// What the lexicon knows about a word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordClass {
    flags: u8,
    /// Techniques this word is a cue for, as bits of `Technique::index()`.
    pub cues: u16,
    /// Index into `DOMAIN_ROLES` plus one; zero when the word names no domain.
    domain: u8,
}

impl WordClass {
    pub const TRANSLATE: u8 = 1;
    pub const HUMAN_LANGUAGE: u8 = 1 << 1;
    pub const PROGRAMMING_LANGUAGE: u8 = 1 << 2;
    pub const SUMMARY: u8 = 1 << 3;
    pub const GREETING: u8 = 1 << 4;
    pub const REQUIREMENT: u8 = 1 << 5;

    pub fn is(self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    pub fn domain(self) -> Option<usize> {
        usize::from(self.domain).checked_sub(1)
    }
}

/// A prompt's words with their classes, computed once per prompt.
pub type ClassifiedWords<'a> = Vec<(&'a str, WordClass)>;

pub fn classify_words(lower: &str) -> ClassifiedWords<'_> {
    let lexicon = &*LEXICON;
    words(lower)
        .map(|w| (w, lexicon.get(w).copied().unwrap_or_default()))
        .collect()
}

/// Builds the map at first use; `Engine::new` forces it so no request pays for it.
pub fn warm_up() {
    LazyLock::force(&LEXICON);
}

static LEXICON: LazyLock<FxHashMap<&'static str, WordClass>> = LazyLock::new(|| {
    let mut map: FxHashMap<&'static str, WordClass> = FxHashMap::default();
    let mut flag = |list: &[&'static str], flag: u8| {
        for w in list {
            map.entry(w).or_default().flags |= flag;
        }
    };
    flag(lists::TRANSLATE_VERBS, WordClass::TRANSLATE);
    flag(lists::HUMAN_LANGUAGES, WordClass::HUMAN_LANGUAGE);
    flag(
        lists::PROGRAMMING_LANGUAGES,
        WordClass::PROGRAMMING_LANGUAGE,
    );
    flag(lists::SUMMARY_WORDS, WordClass::SUMMARY);
    flag(lists::GREETINGS, WordClass::GREETING);
    flag(lists::REQUIREMENT_WORDS, WordClass::REQUIREMENT);
    for (technique, cues) in lists::CUES {
        for w in *cues {
            map.entry(w).or_default().cues |= 1 << technique.index();
        }
    }
    for (i, (cues, _)) in DOMAIN_ROLES.iter().enumerate() {
        for w in *cues {
            let class = map.entry(w).or_default();
            // The first domain listed wins, as the table's order says.
            if class.domain == 0 {
                class.domain = u8::try_from(i + 1).unwrap_or(u8::MAX);
            }
        }
    }
    map
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_every_class_they_belong_to() {
        let w = classify_words("please translate this into german, it's urgent: a recipe");
        let class = |word: &str| {
            w.iter()
                .find(|(x, _)| *x == word)
                .map(|(_, c)| *c)
                .unwrap_or_default()
        };
        assert!(class("translate").is(WordClass::TRANSLATE));
        assert!(class("german").is(WordClass::HUMAN_LANGUAGE));
        assert!(class("please").cues & (1 << bp_api::Technique::EmotionalAppeal.index()) != 0);
        assert!(class("recipe").domain().is_some());
        assert_eq!(class("this"), WordClass::default());
    }
}
