//! The prompts a run sends, with their labels: from a JSON-lines file (`betterprompts
//! dataset`) or generated with the labelled dataset generator (`bp-dataset`).
//!
//! Request bodies are serialised once here, so the hot path only clones a `Bytes`. The pool
//! is bounded (`limit` rows) so a million-row file does not turn into a million-row resident
//! set: memory must not grow with the data or the run length.

use crate::Error;
use bp_api::{EnhanceRequest, Technique};
use bp_dataset::DatasetGenerator;
use bp_engine::Policy;
use bytes::Bytes;
use serde::Deserialize;
use std::io::BufRead;
use std::sync::Arc;

/// One prompt: its request body and the techniques acceptable as its primary.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// `{"text": ...}`: the body of `/enhance` and `/analyze` alike.
    pub body: Bytes,
    /// Bit `t.index()` set for each acceptable primary technique.
    acceptable: u16,
    /// The acceptable primaries as ids joined by `,` (empty when unlabelled): this prompt's
    /// group of the `X-Expected-Techniques` header, so the server records accuracy too.
    pub expected: Bytes,
}

impl Prompt {
    fn new(text: String, techniques: &[Technique]) -> Result<Prompt, serde_json::Error> {
        let body = serde_json::to_vec(&EnhanceRequest {
            text,
            ..EnhanceRequest::default()
        })?;
        let acceptable = techniques
            .iter()
            .fold(0_u16, |mask, t| mask | (1 << t.index()));
        let expected = techniques
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",");
        Ok(Prompt {
            body: Bytes::from(body),
            acceptable,
            expected: Bytes::from(expected),
        })
    }

    /// Whether `technique` is an acceptable primary for this prompt; `None` when the row has
    /// no labels (then it does not count towards accuracy).
    pub fn is_acceptable(&self, technique: Technique) -> Option<bool> {
        (self.acceptable != 0).then_some(self.acceptable & (1 << technique.index()) != 0)
    }
}

/// A shared, read-only set of prompts.
#[derive(Debug, Clone)]
pub struct PromptPool {
    prompts: Arc<[Prompt]>,
}

#[derive(Deserialize)]
struct Row {
    text: String,
    #[serde(default)]
    techniques: Vec<Technique>,
}

impl PromptPool {
    /// `n` rows of the labelled generator for `seed`, labelled with the policy's acceptable
    /// primaries. Every 30 consecutive rows cover every intent × complexity cell.
    pub fn generated(seed: u64, n: usize) -> Result<PromptPool, Error> {
        let policy = Policy::embedded().map_err(|e| Error::InvalidProfile(e.to_string()))?;
        let prompts = DatasetGenerator::new(seed)
            .take(n.max(1))
            .map(|row| Prompt::new(row.text, policy.primaries(row.intent, row.complexity)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::Usage(e.to_string()))?;
        Ok(PromptPool {
            prompts: prompts.into(),
        })
    }

    /// Up to `limit` rows of JSON lines with `text` and optionally `techniques`.
    pub fn from_jsonl(reader: impl BufRead, limit: usize) -> Result<PromptPool, Error> {
        let mut prompts = Vec::new();
        for (i, line) in reader.lines().enumerate() {
            if prompts.len() >= limit {
                break;
            }
            let line = line.map_err(Error::Io)?;
            if line.trim().is_empty() {
                continue;
            }
            let invalid = |reason: String| Error::InvalidData {
                line: i + 1,
                reason,
            };
            let row: Row = serde_json::from_str(&line).map_err(|e| invalid(e.to_string()))?;
            prompts
                .push(Prompt::new(row.text, &row.techniques).map_err(|e| invalid(e.to_string()))?);
        }
        if prompts.is_empty() {
            return Err(Error::InvalidData {
                line: 0,
                reason: "the file has no rows".to_owned(),
            });
        }
        Ok(PromptPool {
            prompts: prompts.into(),
        })
    }

    pub fn len(&self) -> usize {
        self.prompts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prompts.is_empty()
    }

    /// The `i`-th prompt, wrapping around.
    pub fn get(&self, i: usize) -> &Prompt {
        &self.prompts[i % self.prompts.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_rows_carry_labels_and_bodies() {
        let pool = PromptPool::generated(1, 30).unwrap();
        assert_eq!(pool.len(), 30);
        for i in 0..30 {
            let p = pool.get(i);
            let body: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
            assert!(body["text"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(
                Technique::ALL
                    .iter()
                    .any(|t| p.is_acceptable(*t) == Some(true))
            );
            // The header group names exactly the acceptable primaries.
            let named: Vec<Technique> = std::str::from_utf8(&p.expected)
                .unwrap()
                .split(',')
                .map(|id| id.parse().unwrap())
                .collect();
            for t in Technique::ALL {
                assert_eq!(named.contains(t), p.is_acceptable(*t) == Some(true), "{t}");
            }
        }
    }

    #[test]
    fn reads_jsonl_up_to_the_limit() {
        let data = "{\"text\":\"a\",\"techniques\":[\"few_shot\"]}\n\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n";
        let pool = PromptPool::from_jsonl(data.as_bytes(), 2).unwrap();
        assert_eq!(pool.len(), 2);
        assert_eq!(pool.get(0).is_acceptable(Technique::FewShot), Some(true));
        assert_eq!(pool.get(0).is_acceptable(Technique::ZeroShot), Some(false));
        assert_eq!(pool.get(1).is_acceptable(Technique::FewShot), None);
        let err = PromptPool::from_jsonl("{\"nope\":1}\n".as_bytes(), 5).unwrap_err();
        assert!(matches!(err, Error::InvalidData { line: 1, .. }));
    }
}
