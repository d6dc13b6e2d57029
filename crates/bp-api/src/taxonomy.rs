//! The closed vocabularies of the product: intents, complexities and techniques.
//!
//! Their snake_case ids are part of the contract (JSON, the policy file, metric labels).

use std::fmt;

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

/// Declares a closed vocabulary: a fieldless enum with its wire ids, `ALL`, `as_str`,
/// `index`, `Display` and `FromStr` (errors are [`UnknownName`]). Exported so every crate's
/// closed label sets (e.g. bp-metrics' endpoints) share one definition; extra derives such
/// as `ToSchema` go in the leading attributes. The caller needs `serde` as a dependency.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($(#[$vmeta:meta])* $variant:ident => $id:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $id)] $variant),+ }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The id used on the wire and as a metric label value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// Position in [`Self::ALL`]; handy for dense tables.
            pub const fn index(self) -> usize { self as usize }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($id => Ok($name::$variant),)+
                    _ => Err($crate::UnknownName { kind: $kind, name: s.to_owned() }),
                }
            }
        }
    };
}

vocabulary!(
    /// What the user wants from the model.
    #[derive(ToSchema)]
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
    #[derive(ToSchema)]
    Complexity, "complexity", {
        Simple => "simple",
        Moderate => "moderate",
        Complex => "complex",
    }
);

vocabulary!(
    /// A prompt-engineering technique the engine can apply.
    #[derive(ToSchema)]
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
