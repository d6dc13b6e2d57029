//! Evaluation of the engine on labelled prompts: intent, complexity and technique accuracy,
//! per-intent precision and recall, and the intent confusion matrix.
//!
//! Technique accuracy follows the policy's definition: a prediction is right when its
//! primary technique is acceptable for the prompt's TRUE intent and complexity.

use crate::corpus::Example;
use crate::{Engine, PromptText};
use bp_api::Intent;
use serde::Serialize;
use std::fmt::Write as _;

/// Running totals; add rows one at a time so huge files need no memory.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    n: u64,
    /// Rows whose text is not a valid prompt (empty, too long): counted, not scored.
    invalid: u64,
    intent_correct: u64,
    complexity_correct: u64,
    technique_correct: u64,
    /// confusion[true][predicted]
    confusion: [[u64; 10]; 10],
}

/// Precision and recall of one intent.
#[derive(Debug, Clone, Serialize)]
pub struct IntentMetrics {
    pub intent: Intent,
    pub support: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The `--json` report.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationReport {
    pub n: u64,
    pub invalid: u64,
    pub intent_accuracy: f64,
    pub complexity_accuracy: f64,
    pub technique_accuracy: f64,
    pub per_intent: Vec<IntentMetrics>,
    /// Rows are true intents, columns predicted, both in `labels` order.
    pub confusion_matrix: Vec<Vec<u64>>,
    pub labels: Vec<Intent>,
}

impl Evaluation {
    pub fn add(&mut self, engine: &Engine, row: &Example) {
        let Ok(prompt) = PromptText::new(row.text.as_str()) else {
            self.invalid += 1;
            return;
        };
        let analysis = engine.analyze(&prompt);
        self.n += 1;
        self.intent_correct += u64::from(analysis.intent == row.intent);
        self.complexity_correct += u64::from(analysis.complexity == row.complexity);
        let primary_ok = analysis.suggested_techniques.first().is_some_and(|&t| {
            engine
                .policy()
                .is_acceptable_primary(row.intent, row.complexity, t)
        });
        self.technique_correct += u64::from(primary_ok);
        self.confusion[row.intent.index()][analysis.intent.index()] += 1;
    }

    pub fn report(&self) -> EvaluationReport {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let per_intent = Intent::ALL
            .iter()
            .map(|&intent| {
                let i = intent.index();
                let tp = self.confusion[i][i];
                let support: u64 = self.confusion[i].iter().sum();
                let predicted: u64 = self.confusion.iter().map(|row| row[i]).sum();
                let (precision, recall) = (ratio(tp, predicted), ratio(tp, support));
                let f1 = if precision + recall == 0.0 {
                    0.0
                } else {
                    2.0 * precision * recall / (precision + recall)
                };
                IntentMetrics {
                    intent,
                    support,
                    precision,
                    recall,
                    f1,
                }
            })
            .collect();
        EvaluationReport {
            n: self.n,
            invalid: self.invalid,
            intent_accuracy: ratio(self.intent_correct, self.n),
            complexity_accuracy: ratio(self.complexity_correct, self.n),
            technique_accuracy: ratio(self.technique_correct, self.n),
            per_intent,
            confusion_matrix: self.confusion.iter().map(|r| r.to_vec()).collect(),
            labels: Intent::ALL.to_vec(),
        }
    }
}

impl EvaluationReport {
    /// The human-readable report `betterprompts eval` prints.
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let pct = |x: f64| x * 100.0;
        let _ = writeln!(
            s,
            "rows evaluated       {} ({} invalid skipped)",
            self.n, self.invalid
        );
        let _ = writeln!(
            s,
            "intent accuracy      {:6.2} %",
            pct(self.intent_accuracy)
        );
        let _ = writeln!(
            s,
            "complexity accuracy  {:6.2} %",
            pct(self.complexity_accuracy)
        );
        let _ = writeln!(
            s,
            "technique accuracy   {:6.2} %",
            pct(self.technique_accuracy)
        );
        let _ = writeln!(
            s,
            "\n{:<20} {:>8} {:>9} {:>7} {:>7}",
            "intent", "support", "precision", "recall", "f1"
        );
        for m in &self.per_intent {
            let _ = writeln!(
                s,
                "{:<20} {:>8} {:>8.1}% {:>6.1}% {:>6.1}%",
                m.intent.as_str(),
                m.support,
                pct(m.precision),
                pct(m.recall),
                pct(m.f1)
            );
        }
        let _ = writeln!(s, "\nconfusion matrix (rows: true, columns: predicted)");
        let _ = write!(s, "{:<20}", "");
        for k in 0..self.labels.len() {
            let _ = write!(s, " {k:>6}");
        }
        s.push('\n');
        for (k, (label, row)) in self.labels.iter().zip(&self.confusion_matrix).enumerate() {
            let _ = write!(s, "{:<20}", format!("{k} {}", label.as_str()));
            for v in row {
                let _ = write!(s, " {v:>6}");
            }
            s.push('\n');
        }
        s
    }
}
