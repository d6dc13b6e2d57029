//! Complexity classification: multinomial logistic regression over a handful of structural
//! features (length, sentences, requirement markers, constraints, code, numbers).
//!
//! Complexity is about how much a prompt asks, not what it is about, so word identities
//! matter less than its shape. Dense features standardised on the corpus, trained by plain
//! batch gradient descent with a fixed number of steps: deterministic and a few milliseconds.

use crate::corpus::Example;
use crate::lexicon::{ClassifiedWords, WordClass, classify_words};
use bp_api::Complexity;

const N_FEATURES: usize = 9;
const N_CLASSES: usize = 3;
const LEARNING_RATE: f64 = 0.5;
const EPOCHS: usize = 300;
const L2: f64 = 1e-3;

type Features = [f64; N_FEATURES];

fn features(text: &str, words: &ClassifiedWords<'_>) -> Features {
    let n_words = words.len() as f64;
    let requirements = words
        .iter()
        .filter(|(_, c)| c.is(WordClass::REQUIREMENT))
        .count() as f64;
    let sentences = text.matches(['.', '?', '!', '\n']).count().max(1) as f64;
    let questions = text.matches('?').count() as f64;
    let commas = text.matches([',', ';', ':']).count() as f64;
    let list_items = text.lines().filter(|l| is_list_item(l)).count() as f64;
    let digits = text.chars().filter(char::is_ascii_digit).count() as f64;
    let code = f64::from(u8::from(text.contains("```") || text.contains("\n    ")));
    let mean_word_len = if n_words > 0.0 {
        words.iter().map(|(w, _)| w.chars().count()).sum::<usize>() as f64 / n_words
    } else {
        0.0
    };
    [
        n_words.ln_1p(),
        sentences.ln_1p(),
        requirements.ln_1p(),
        questions.ln_1p(),
        commas.ln_1p(),
        list_items.ln_1p(),
        digits.ln_1p(),
        code,
        mean_word_len,
    ]
}

fn is_list_item(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("- ") || l.starts_with("* ") || l.starts_with("• ") || {
        let digits = l.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && l[digits..].starts_with(['.', ')'])
    }
}

/// A trained complexity model.
pub struct ComplexityModel {
    mean: Features,
    std: Features,
    /// weights[class][feature], with the bias last.
    weights: [[f64; N_FEATURES + 1]; N_CLASSES],
}

impl ComplexityModel {
    pub fn train(examples: &[Example]) -> Self {
        let raw: Vec<Features> = examples
            .iter()
            .map(|e| features(&e.text, &classify_words(&e.text.to_lowercase())))
            .collect();
        let n = raw.len().max(1) as f64;
        let mut mean = [0.0; N_FEATURES];
        let mut std = [0.0; N_FEATURES];
        for f in &raw {
            for (m, x) in mean.iter_mut().zip(f) {
                *m += x / n;
            }
        }
        for f in &raw {
            for ((s, x), m) in std.iter_mut().zip(f).zip(&mean) {
                *s += (x - m).powi(2) / n;
            }
        }
        for s in &mut std {
            *s = s.sqrt().max(1e-6);
        }
        let xs: Vec<Features> = raw.iter().map(|f| standardise(f, &mean, &std)).collect();
        let mut weights = [[0.0; N_FEATURES + 1]; N_CLASSES];
        for _ in 0..EPOCHS {
            let mut gradient = [[0.0; N_FEATURES + 1]; N_CLASSES];
            for (x, ex) in xs.iter().zip(examples) {
                let p = probabilities(&weights, x);
                for (c, g) in gradient.iter_mut().enumerate() {
                    let err = p[c] - f64::from(u8::from(ex.complexity.index() == c));
                    for (gi, xi) in g.iter_mut().zip(x.iter().chain(std::iter::once(&1.0))) {
                        *gi += err * xi / n;
                    }
                }
            }
            for (w, g) in weights.iter_mut().zip(&gradient) {
                for (wi, gi) in w.iter_mut().zip(g) {
                    *wi -= LEARNING_RATE * (gi + L2 * *wi);
                }
            }
        }
        ComplexityModel { mean, std, weights }
    }

    pub fn predict(&self, text: &str, words: &ClassifiedWords<'_>) -> (Complexity, f64) {
        let x = standardise(&features(text, words), &self.mean, &self.std);
        let p = probabilities(&self.weights, &x);
        let best = (0..N_CLASSES)
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .unwrap_or(0);
        (Complexity::ALL[best], p[best])
    }
}

fn standardise(f: &Features, mean: &Features, std: &Features) -> Features {
    std::array::from_fn(|i| (f[i] - mean[i]) / std[i])
}

fn probabilities(weights: &[[f64; N_FEATURES + 1]; N_CLASSES], x: &Features) -> [f64; N_CLASSES] {
    let logits: [f64; N_CLASSES] = std::array::from_fn(|c| {
        let w = &weights[c];
        w[N_FEATURES] + w.iter().zip(x).map(|(a, b)| a * b).sum::<f64>()
    });
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: [f64; N_CLASSES] = std::array::from_fn(|c| (logits[c] - max).exp());
    let sum: f64 = exp.iter().sum();
    std::array::from_fn(|c| exp[c] / sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_recognised() {
        assert!(is_list_item("  - a"));
        assert!(is_list_item("12) b"));
        assert!(!is_list_item("2024 was a year"));
    }
}
