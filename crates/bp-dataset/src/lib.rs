//! The labelled dataset generator: an endless, seeded stream of synthetic prompts with their
//! intent and complexity, for load tests ("1M prompts, all techniques") and for
//! `betterprompts dataset` ([`jsonl`] writes them as JSON lines).
//!
//! It is kept apart from the engine and its hand-written training corpus
//! (`crates/bp-engine/data/corpus/*.tsv`) on purpose and must never be used to train the
//! classifier: these texts
//! come from a couple of hundred templates, so a model trained on them would learn the templates'
//! wording instead of what intents are, and evaluating it on the same stream would only
//! measure how well it memorised them.
//!
//! Texts are composed from per-intent template families (`src/<intent>.rs`, in the small
//! template language of `src/grammar.rs`) and the shared slot tables of `src/shared.rs`. Row `i` belongs to cell `i % 30` (intent varying fastest), so any 30
//! consecutive rows cover every intent × complexity cell, and hence every technique the
//! policy can select.

mod code_generation;
mod conversation;
mod creative_writing;
mod data_analysis;
mod grammar;
pub mod jsonl;
mod problem_solving;
mod question_answering;
mod reasoning;
mod shared;
mod summarization;
mod task_planning;
mod translation;

use bp_api::{Complexity, Intent};
use grammar::{Family, Grammar, UNBOUND};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::OnceLock;

/// One generated prompt with its honest labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledPrompt {
    pub text: String,
    pub intent: Intent,
    pub complexity: Complexity,
}

/// Deterministic for a seed; infinite iterator.
///
/// The same seed gives the same sequence on every platform (`Pcg64Mcg`, and `rand`'s
/// portable integer sampling) for as long as the templates and the `rand` version stay the
/// same, so a load-test file can be regenerated instead of stored.
pub struct DatasetGenerator {
    rng: Pcg64Mcg,
    grammar: &'static Grammar,
    /// Picks of the bound `{=slot}`s in the text being generated; reset per row.
    bindings: Vec<usize>,
    row: u64,
}

const N_CELLS: u64 = (Intent::ALL.len() * Complexity::ALL.len()) as u64;

/// One template family per intent, in `Intent::ALL` order (checked by a test): the grammar
/// numbers its cells `intent.index() * 3 + complexity.index()`.
const FAMILIES: [(Intent, Family); 10] = [
    (Intent::QuestionAnswering, question_answering::FAMILY),
    (Intent::CreativeWriting, creative_writing::FAMILY),
    (Intent::CodeGeneration, code_generation::FAMILY),
    (Intent::DataAnalysis, data_analysis::FAMILY),
    (Intent::Reasoning, reasoning::FAMILY),
    (Intent::Summarization, summarization::FAMILY),
    (Intent::Translation, translation::FAMILY),
    (Intent::Conversation, conversation::FAMILY),
    (Intent::TaskPlanning, task_planning::FAMILY),
    (Intent::ProblemSolving, problem_solving::FAMILY),
];

/// The compiled templates, shared by every generator of the process and built on first use.
fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| Grammar::compile(&FAMILIES.map(|(_, family)| family), shared::SHARED))
}

impl DatasetGenerator {
    pub fn new(seed: u64) -> Self {
        let grammar = grammar();
        DatasetGenerator {
            rng: Pcg64Mcg::seed_from_u64(seed),
            grammar,
            bindings: vec![UNBOUND; grammar.n_bindings()],
            row: 0,
        }
    }

    /// Allocation-free fast path for the 1M-row writer: clears `text`, writes the next
    /// prompt into it, returns its labels.
    pub fn next_into(&mut self, text: &mut String) -> (Intent, Complexity) {
        // Intent varies fastest, so even a short prefix of the stream mixes intents.
        let cell = (self.row % N_CELLS) as usize;
        self.row += 1;
        let intent = Intent::ALL[cell % Intent::ALL.len()];
        let complexity = Complexity::ALL[cell / Intent::ALL.len()];
        text.clear();
        self.bindings.fill(UNBOUND);
        let family_cell = intent.index() * Complexity::ALL.len() + complexity.index();
        self.grammar
            .expand(family_cell, &mut self.rng, &mut self.bindings, text);
        (intent, complexity)
    }
}

impl Iterator for DatasetGenerator {
    type Item = LabelledPrompt;

    fn next(&mut self) -> Option<LabelledPrompt> {
        let mut text = String::new();
        let (intent, complexity) = self.next_into(&mut text);
        Some(LabelledPrompt {
            text,
            intent,
            complexity,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

#[cfg(test)]
mod tests;
