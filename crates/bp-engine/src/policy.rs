//! The technique-selection policy (`data/technique-policy.json`, the project's copy of the
//! product spec): acceptable primary techniques per intent and complexity, incompatible pairs
//! and the maximum number of techniques. "Technique accuracy" is defined against it.

use bp_api::{Complexity, Intent, Technique};
use serde::Deserialize;
use std::collections::BTreeMap;

const POLICY_JSON: &str = include_str!("../data/technique-policy.json");

#[derive(Deserialize)]
struct RawPolicy {
    incompatible: Vec<[Technique; 2]>,
    max_techniques: usize,
    primary: BTreeMap<Intent, BTreeMap<Complexity, Vec<Technique>>>,
}

/// The validated policy, as dense tables.
#[derive(Debug, Clone)]
pub struct Policy {
    primary: [[Vec<Technique>; 3]; 10],
    incompatible: Vec<(Technique, Technique)>,
    max_techniques: usize,
}

/// The embedded policy file is malformed: a build defect caught by the tests.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("policy file is not valid: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("policy has no acceptable primary for {intent}/{complexity}")]
    MissingCell {
        intent: Intent,
        complexity: Complexity,
    },
}

impl Policy {
    /// The policy shipped with the engine.
    pub fn embedded() -> Result<Self, PolicyError> {
        Self::parse(POLICY_JSON)
    }

    pub fn parse(json: &str) -> Result<Self, PolicyError> {
        let raw: RawPolicy = serde_json::from_str(json)?;
        let mut primary: [[Vec<Technique>; 3]; 10] = Default::default();
        for intent in Intent::ALL {
            for complexity in Complexity::ALL {
                let list = raw
                    .primary
                    .get(intent)
                    .and_then(|by_c| by_c.get(complexity))
                    .filter(|l| !l.is_empty())
                    .ok_or(PolicyError::MissingCell {
                        intent: *intent,
                        complexity: *complexity,
                    })?;
                primary[intent.index()][complexity.index()] = list.clone();
            }
        }
        Ok(Policy {
            primary,
            incompatible: raw.incompatible.into_iter().map(|[a, b]| (a, b)).collect(),
            max_techniques: raw.max_techniques,
        })
    }

    /// Techniques acceptable as the first technique, best first.
    pub fn primaries(&self, intent: Intent, complexity: Complexity) -> &[Technique] {
        &self.primary[intent.index()][complexity.index()]
    }

    pub fn is_acceptable_primary(
        &self,
        intent: Intent,
        complexity: Complexity,
        technique: Technique,
    ) -> bool {
        self.primaries(intent, complexity).contains(&technique)
    }

    pub fn incompatible(&self, a: Technique, b: Technique) -> bool {
        self.incompatible
            .iter()
            .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
    }

    pub fn max_techniques(&self) -> usize {
        self.max_techniques
    }

    /// Intents for which `technique` is an acceptable primary at some complexity.
    pub fn primary_for(&self, technique: Technique) -> Vec<Intent> {
        Intent::ALL
            .iter()
            .copied()
            .filter(|i| {
                self.primary[i.index()]
                    .iter()
                    .any(|l| l.contains(&technique))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_policy_is_complete_and_matches_the_spec() {
        let p = Policy::embedded().unwrap();
        assert_eq!(p.max_techniques(), 3);
        assert_eq!(
            p.primaries(Intent::Reasoning, Complexity::Simple),
            [Technique::ChainOfThought]
        );
        assert!(p.incompatible(Technique::FewShot, Technique::ZeroShot));
        assert!(!p.incompatible(Technique::FewShot, Technique::RolePlay));
    }

    #[test]
    fn a_missing_cell_is_an_error() {
        let json = POLICY_JSON.replace(r#""simple": ["zero_shot"], "moderate""#, r#""moderate""#);
        assert!(matches!(
            Policy::parse(&json),
            Err(PolicyError::MissingCell { .. })
        ));
    }
}
