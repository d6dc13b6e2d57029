//! Rules for signals that are unambiguous in any wording: an explicit "translate" to a named
//! language, "tl;dr", a code block, a bare greeting. They add log-evidence to the model's
//! scores rather than overriding them, so context can still outweigh a single keyword.

use crate::lexicon::{ClassifiedWords, WordClass};
use bp_api::Intent;

/// Whether any rule fired: a prompt with no clear signal and almost no words is vague.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    None,
    Some,
}

const STRONG: f32 = 4.0;
const MEDIUM: f32 = 2.0;

/// "In one sentence" is deliberately absent: it bounds the length of any answer.
const SUMMARY_PHRASES: &[&str] = &[
    "tl;dr",
    "tl dr",
    "key points",
    "key takeaways",
    "main points",
];
const CODE_MARKERS: &[&str] = &[
    "```",
    "def ",
    "fn ",
    "function(",
    "function ",
    "=>",
    "#include",
    "select ",
    "};",
    "();",
];

/// Adds rule evidence to `scores` (indexed like `Intent::ALL`).
pub fn apply(lower: &str, words: &ClassifiedWords<'_>, scores: &mut [f32; 10]) -> Evidence {
    let n_words = words.len();
    let mut evidence = Evidence::None;
    let mut add = |intent: Intent, amount: f32| {
        scores[intent.index()] += amount;
        evidence = Evidence::Some;
    };

    let (mut translate, mut human, mut programming, mut summary) = (false, false, false, false);
    for (w, class) in words {
        translate |= class.is(WordClass::TRANSLATE);
        human |= class.is(WordClass::HUMAN_LANGUAGE);
        // Single letters ("c", "r") and "go" are too common as words to count alone.
        programming |= w.len() > 2 && class.is(WordClass::PROGRAMMING_LANGUAGE);
        summary |= class.is(WordClass::SUMMARY);
    }
    summary |= SUMMARY_PHRASES.iter().any(|p| lower.contains(p));
    let code = CODE_MARKERS.iter().any(|m| lower.contains(m));

    if translate && programming && !human {
        add(Intent::CodeGeneration, STRONG);
    } else if translate {
        add(
            Intent::Translation,
            if human { STRONG + MEDIUM } else { STRONG },
        );
    } else if human && (lower.contains(" into ") || lower.contains("how do you say")) {
        add(Intent::Translation, MEDIUM);
    }
    if summary {
        add(Intent::Summarization, STRONG);
    }
    if code && !summary && !translate {
        add(Intent::CodeGeneration, MEDIUM);
    }
    if n_words <= 4 && n_words > 0 && words.iter().all(|(_, c)| c.is(WordClass::GREETING)) {
        add(Intent::Conversation, STRONG + MEDIUM);
    }
    evidence
}

/// A prompt too short and generic to classify ("help", "hmm", "?").
pub fn is_vague(words: &ClassifiedWords<'_>) -> bool {
    words.is_empty() || (words.len() <= 2 && words.iter().all(|(_, c)| c.is(WordClass::GREETING)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fired(text: &str) -> Option<Intent> {
        let mut scores = [0f32; 10];
        let words = crate::lexicon::classify_words(text);
        (apply(text, &words, &mut scores) == Evidence::Some).then(|| {
            let best = (0..10)
                .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
                .unwrap_or(0);
            Intent::ALL[best]
        })
    }

    #[test]
    fn clear_signals() {
        assert_eq!(
            fired("translate this into german please"),
            Some(Intent::Translation)
        );
        assert_eq!(
            fired("translate this python script to rust"),
            Some(Intent::CodeGeneration)
        );
        assert_eq!(
            fired("tl;dr of the thread below"),
            Some(Intent::Summarization)
        );
        assert_eq!(fired("hey there"), Some(Intent::Conversation));
        assert_eq!(fired("what is the capital of peru"), None);
    }
}
