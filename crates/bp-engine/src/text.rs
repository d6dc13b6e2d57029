//! Validated prompt text and the one tokenizer every model and rule shares.

use bp_api::limits::MAX_PROMPT_CHARS;

/// A prompt that passed validation: 1..=5000 characters and not only whitespace.
/// The text is kept byte-for-byte as the user sent it; only analysis sees a normalised form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptText(String);

/// Why a text is not a valid prompt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPrompt {
    #[error("text must not be empty or only whitespace")]
    Empty,
    #[error("text has {chars} characters; the maximum is {max}")]
    TooLong { chars: usize, max: usize },
}

impl PromptText {
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidPrompt> {
        let text = text.into();
        if bp_api::limits::is_blank(&text) {
            return Err(InvalidPrompt::Empty);
        }
        // Count chars only past the byte length that could exceed the limit: cheap for most.
        if text.len() > MAX_PROMPT_CHARS {
            let chars = text.chars().count();
            if chars > MAX_PROMPT_CHARS {
                return Err(InvalidPrompt::TooLong {
                    chars,
                    max: MAX_PROMPT_CHARS,
                });
            }
        }
        Ok(PromptText(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Lower-cased words of a text: maximal runs of alphanumeric characters (any script), with
/// inner apostrophes kept so "don't" stays one word. Emits borrowed slices of `lower`.
pub fn words(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
}

/// The part of a prompt the models read: long prompts reveal their intent early, and a cap
/// keeps the classifier's cost flat whatever the prompt's length.
pub fn analysed_prefix(text: &str) -> &str {
    const MAX_ANALYSED_BYTES: usize = 2000;
    if text.len() <= MAX_ANALYSED_BYTES {
        return text;
    }
    let mut end = MAX_ANALYSED_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_length_in_chars_not_bytes() {
        assert_eq!(PromptText::new("   \n"), Err(InvalidPrompt::Empty));
        assert!(PromptText::new("é".repeat(5000)).is_ok());
        assert_eq!(
            PromptText::new("é".repeat(5001)),
            Err(InvalidPrompt::TooLong {
                chars: 5001,
                max: 5000
            })
        );
    }

    #[test]
    fn words_split_on_punctuation_and_keep_contractions() {
        let w: Vec<_> = words("don't stop—translate 'this' into español, ok?").collect();
        assert_eq!(
            w,
            [
                "don't",
                "stop",
                "translate",
                "this",
                "into",
                "español",
                "ok"
            ]
        );
    }

    #[test]
    fn analysed_prefix_respects_char_boundaries() {
        let s = "ü".repeat(3000);
        let p = analysed_prefix(&s);
        assert!(p.len() <= 2000 && s.starts_with(p));
    }
}
