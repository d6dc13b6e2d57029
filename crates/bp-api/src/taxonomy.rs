//! The closed vocabularies of the product: intents, complexities and techniques.
//!
//! Their snake_case ids are part of the contract (JSON, the policy file, metric labels).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// A name that is not one of a vocabulary's ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub kind: &'static str,
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.kind, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// Declares a fieldless enum with its snake_case ids, `ALL`, `as_str`, `Display` and `FromStr`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every member, in declaration order (the order of the policy file).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case id used on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// Position in [`Self::ALL`]; handy for dense tables.
            pub const fn index(self) -> usize { self as usize }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err(UnknownName { kind: $kind, name: s.to_owned() }),
                }
            }
        }
    };
}

vocabulary!(
    /// What the user wants from the model.
    Intent, "intent", {
        QuestionAnswering => "question_answering",
        CreativeWriting => "creative_writing",
        CodeGeneration => "code_generation",
        DataAnalysis => "data_analysis",
        Reasoning => "reasoning",
        Summarization => "summarization",
        Translation => "translation",
        Conversation => "conversation",
        TaskPlanning => "task_planning",
        ProblemSolving => "problem_solving",
    }
);

vocabulary!(
    /// How demanding the prompt is.
    Complexity, "complexity", {
        Simple => "simple",
        Moderate => "moderate",
        Complex => "complex",
    }
);

vocabulary!(
    /// A prompt-engineering technique the engine can apply.
    Technique, "technique", {
        ChainOfThought => "chain_of_thought",
        TreeOfThoughts => "tree_of_thoughts",
        FewShot => "few_shot",
        ZeroShot => "zero_shot",
        RolePlay => "role_play",
        StepByStep => "step_by_step",
        StructuredOutput => "structured_output",
        EmotionalAppeal => "emotional_appeal",
        Constraints => "constraints",
        Analogical => "analogical",
        SelfConsistency => "self_consistency",
        React => "react",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_serde_and_from_str() {
        for t in Technique::ALL {
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(t.as_str().parse::<Technique>().unwrap(), *t);
        }
        assert_eq!(Intent::ALL.len(), 10);
        assert_eq!(Complexity::ALL.len(), 3);
        assert_eq!(Technique::ALL.len(), 12);
        assert!("nope".parse::<Intent>().is_err());
    }
}
