//! The hand-written training corpus (`data/corpus/<intent>.tsv`), embedded at compile time.
//!
//! One line per example: `complexity<TAB>text`, with `\n` written as the two characters
//! backslash-n. Every fifth example of each intent is held out: the shipped model never
//! trains on it, so `betterprompts eval --holdout` measures accuracy on unseen prompts.
//! The templated generator (the `bp-dataset` crate) is never used for training.

use bp_api::{Complexity, Intent};

/// One labelled prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub text: String,
    pub intent: Intent,
    pub complexity: Complexity,
}

/// Which part of the corpus an example belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    HeldOut,
}

const HELD_OUT_EVERY: usize = 5;

/// Raw files in `Intent::ALL` order.
const FILES: [(Intent, &str); 10] = [
    (
        Intent::QuestionAnswering,
        include_str!("../data/corpus/question_answering.tsv"),
    ),
    (
        Intent::CreativeWriting,
        include_str!("../data/corpus/creative_writing.tsv"),
    ),
    (
        Intent::CodeGeneration,
        include_str!("../data/corpus/code_generation.tsv"),
    ),
    (
        Intent::DataAnalysis,
        include_str!("../data/corpus/data_analysis.tsv"),
    ),
    (
        Intent::Reasoning,
        include_str!("../data/corpus/reasoning.tsv"),
    ),
    (
        Intent::Summarization,
        include_str!("../data/corpus/summarization.tsv"),
    ),
    (
        Intent::Translation,
        include_str!("../data/corpus/translation.tsv"),
    ),
    (
        Intent::Conversation,
        include_str!("../data/corpus/conversation.tsv"),
    ),
    (
        Intent::TaskPlanning,
        include_str!("../data/corpus/task_planning.tsv"),
    ),
    (
        Intent::ProblemSolving,
        include_str!("../data/corpus/problem_solving.tsv"),
    ),
];

/// The examples of one split, in file order.
pub fn examples(split: Split) -> Vec<Example> {
    let mut out = Vec::new();
    for (intent, raw) in FILES {
        let lines = raw
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        for (i, line) in lines.enumerate() {
            let in_split = if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1 {
                Split::HeldOut
            } else {
                Split::Train
            };
            if in_split != split {
                continue;
            }
            // The corpus is ours and checked by `corpus_files_are_well_formed`; a malformed
            // line is a build defect, so it is skipped here rather than failing start-up.
            let Some((label, text)) = line.split_once('\t') else {
                continue;
            };
            let Ok(complexity) = label.trim().parse::<Complexity>() else {
                continue;
            };
            out.push(Example {
                text: text.trim().replace("\\n", "\n"),
                intent,
                complexity,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_files_are_well_formed() {
        for (intent, raw) in FILES {
            let lines: Vec<_> = raw
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .collect();
            assert!(lines.len() >= 75, "{intent}: only {} examples", lines.len());
            for line in lines {
                let (label, text) = line.split_once('\t').expect("a TAB");
                assert!(
                    label.parse::<Complexity>().is_ok(),
                    "{intent}: bad label in {line:?}"
                );
                assert!(
                    !text.trim().is_empty() && !text.contains('\t'),
                    "{intent}: {line:?}"
                );
            }
        }
    }

    #[test]
    fn every_intent_has_at_least_60_training_examples_and_a_held_out_part() {
        let train = examples(Split::Train);
        let held = examples(Split::HeldOut);
        for intent in Intent::ALL {
            assert!(train.iter().filter(|e| e.intent == *intent).count() >= 60);
            assert!(held.iter().filter(|e| e.intent == *intent).count() >= 15);
        }
        assert!(
            train.iter().all(|t| !held.iter().any(|h| h.text == t.text)),
            "overlap"
        );
    }
}
