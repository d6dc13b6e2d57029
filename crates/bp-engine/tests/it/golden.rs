//! Golden output: one prompt per technique (preferred, so each is the primary), pinned by
//! snapshots. A change to a template shows up as a reviewed snapshot diff.

use crate::engine;
use bp_api::Technique;
use bp_engine::{EnhanceOptions, PromptText};

const PROMPTS: [(Technique, &str); 12] = [
    (
        Technique::ChainOfThought,
        "A train leaves at 3pm going 60 mph and another at 4pm going 80 mph on the same track. When does the second catch up?",
    ),
    (
        Technique::TreeOfThoughts,
        "Should our five-person startup build its own auth service or buy one? We care about cost, security and time to market.",
    ),
    (
        Technique::FewShot,
        "Write a Python function that removes duplicates from a list while keeping order.",
    ),
    (Technique::ZeroShot, "What is the capital of Australia?"),
    (
        Technique::RolePlay,
        "What should I ask my landlord before signing a lease?",
    ),
    (
        Technique::StepByStep,
        "How do I set up a home network with a separate guest wifi?",
    ),
    (
        Technique::StructuredOutput,
        "Compare the monthly sales of our three stores and point out anything unusual.",
    ),
    (
        Technique::EmotionalAppeal,
        "Write a short poem for my grandmother's 90th birthday.",
    ),
    (
        Technique::Constraints,
        "Summarize the attached meeting notes for the leadership team.",
    ),
    (
        Technique::Analogical,
        "Explain how public-key cryptography works.",
    ),
    (
        Technique::SelfConsistency,
        "If I roll two dice, what is the probability that the sum is at least 9?",
    ),
    (
        Technique::React,
        "Our API's p99 latency doubled after yesterday's deploy. Find out why.",
    ),
];

#[test]
fn one_prompt_per_technique() {
    for (technique, text) in PROMPTS {
        let opts = EnhanceOptions::new(None, vec![technique], vec![], None).unwrap();
        let e = engine().enhance(&PromptText::new(text).unwrap(), &opts);
        assert_eq!(e.techniques[0], technique);
        assert!(e.enhanced_text.contains(text));
        let snapshot = format!(
            "intent: {}\ncomplexity: {}\ntechniques: {}\n\n{}",
            e.intent,
            e.complexity,
            e.techniques
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            e.enhanced_text
        );
        insta::assert_snapshot!(technique.as_str(), snapshot);
    }
}
