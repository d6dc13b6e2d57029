//! The BetterPrompts enhancement engine: classify a prompt's intent and complexity, select
//! prompt-engineering techniques under the policy, and rewrite the prompt with them.
//!
//! Pure by design: no IO, no async, no clock, no randomness outside seeded generators. The
//! same input and options always give the same output, which makes every test deterministic
//! and lets the server cache results freely. Build one [`Engine`] at start-up (it trains its
//! models in milliseconds) and share it; every method takes `&self`.

pub mod catalog;
mod classify;
mod complexity;
pub mod corpus;
pub mod eval;
mod features;
mod generate;
mod lexicon;
pub mod policy;
mod select;
mod text;

pub use classify::IntentPrediction;
pub use policy::Policy;
pub use text::{InvalidPrompt, PromptText};

use bp_api::limits::MAX_CONTEXT_CHARS;
use bp_api::{Complexity, Intent, IntentScore, Technique};
use corpus::{Example, Split};

/// Why an enhancement request cannot be served; all are the caller's mistakes (4xx).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    InvalidPrompt(#[from] InvalidPrompt),
    #[error("context has {chars} characters; the maximum is {max}")]
    ContextTooLong { chars: usize, max: usize },
    #[error("at most {MAX_EXCLUDED} techniques can be excluded (leave at least one); got {0}")]
    TooManyExcluded(usize),
}

/// The most techniques one request may exclude.
pub const MAX_EXCLUDED: usize = Technique::ALL.len() - 1;

/// Validated options of one enhancement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct EnhanceOptions {
    context: Option<String>,
    prefer: Vec<Technique>,
    exclude: Vec<Technique>,
    target_complexity: Option<Complexity>,
}

impl EnhanceOptions {
    pub fn new(
        context: Option<String>,
        prefer: Vec<Technique>,
        exclude: Vec<Technique>,
        target_complexity: Option<Complexity>,
    ) -> Result<Self, EngineError> {
        if let Some(c) = &context {
            let chars = c.chars().count();
            if chars > MAX_CONTEXT_CHARS {
                return Err(EngineError::ContextTooLong {
                    chars,
                    max: MAX_CONTEXT_CHARS,
                });
            }
        }
        // One fewer than all, so at least one technique is always left (the document's
        // `maxItems`: a count, whatever the items).
        if exclude.len() > MAX_EXCLUDED {
            return Err(EngineError::TooManyExcluded(exclude.len()));
        }
        // A technique both preferred and excluded is excluded.
        let mut prefer_unique = Vec::with_capacity(prefer.len());
        for t in prefer {
            if !prefer_unique.contains(&t) && !exclude.contains(&t) {
                prefer_unique.push(t);
            }
        }
        Ok(EnhanceOptions {
            context,
            prefer: prefer_unique,
            exclude,
            target_complexity,
        })
    }

    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// Preferred techniques, deduplicated, in the caller's order.
    pub fn prefer(&self) -> &[Technique] {
        &self.prefer
    }

    pub fn exclude(&self) -> &[Technique] {
        &self.exclude
    }

    pub fn target_complexity(&self) -> Option<Complexity> {
        self.target_complexity
    }
}

/// Intent and complexity of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub intent: Intent,
    pub complexity: Complexity,
    /// Confidence of the intent, 0..=1.
    pub confidence: f64,
    pub intent_scores: [IntentScore; 3],
    /// What an enhancement with no preferences would apply.
    pub suggested_techniques: Vec<Technique>,
}

/// A rewritten prompt and how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Enhancement {
    pub intent: Intent,
    pub complexity: Complexity,
    pub confidence: f64,
    pub techniques: Vec<Technique>,
    pub enhanced_text: String,
}

/// The trained engine. Cheap to share behind an `Arc`.
pub struct Engine {
    policy: Policy,
    intents: classify::IntentModel,
    complexities: complexity::ComplexityModel,
}

/// The embedded policy is part of the build; failing to parse it is a defect the unit tests
/// catch, so start-up reports it as a plain error.
pub type StartupError = policy::PolicyError;

impl Engine {
    /// Trains on the training split of the embedded corpus (the held-out split stays unseen).
    pub fn new() -> Result<Self, StartupError> {
        Self::train(&corpus::examples(Split::Train))
    }

    /// Trains on any labelled examples; used for cross-validation.
    pub fn train(examples: &[Example]) -> Result<Self, StartupError> {
        lexicon::warm_up();
        Ok(Engine {
            policy: Policy::embedded()?,
            intents: classify::IntentModel::train(examples),
            complexities: complexity::ComplexityModel::train(examples),
        })
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Classifies a prompt without rewriting it.
    pub fn analyze(&self, prompt: &PromptText) -> Analysis {
        let text = text::analysed_prefix(prompt.as_str());
        let lower = text.to_lowercase();
        let words = lexicon::classify_words(&lower);
        let (intent, complexity) = self.classify(text, &lower, &words);
        let suggested_techniques = select::select(
            &self.policy,
            &words,
            intent.intent,
            complexity,
            &select::Preferences::default(),
        );
        Analysis {
            intent: intent.intent,
            complexity,
            confidence: intent.confidence,
            intent_scores: intent.top,
            suggested_techniques,
        }
    }

    /// Classifies, selects techniques and rewrites the prompt.
    pub fn enhance(&self, prompt: &PromptText, options: &EnhanceOptions) -> Enhancement {
        let analysed = text::analysed_prefix(prompt.as_str());
        let lower = analysed.to_lowercase();
        let words = lexicon::classify_words(&lower);
        let (prediction, detected) = self.classify(analysed, &lower, &words);
        let complexity = options.target_complexity.unwrap_or(detected);
        let prefs = select::Preferences {
            prefer: &options.prefer,
            exclude: &options.exclude,
        };
        let techniques =
            select::select(&self.policy, &words, prediction.intent, complexity, &prefs);
        let enhanced_text = generate::generate(&generate::GenerationInput {
            text: prompt.as_str(),
            lower: &lower,
            words: &words,
            context: options.context.as_deref(),
            intent: prediction.intent,
            complexity,
            techniques: &techniques,
        });
        Enhancement {
            intent: prediction.intent,
            complexity,
            confidence: prediction.confidence,
            techniques,
            enhanced_text,
        }
    }

    fn classify(
        &self,
        text: &str,
        lower: &str,
        words: &lexicon::ClassifiedWords<'_>,
    ) -> (IntentPrediction, Complexity) {
        let mut buf = Vec::with_capacity(lower.len() / 2);
        let intent = self.intents.predict(lower, words, &mut buf);
        let (complexity, _) = self.complexities.predict(text, words);
        (intent, complexity)
    }
}
