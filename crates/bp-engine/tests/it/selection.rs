//! Technique selection on realistic prompts: every technique reachable, options validated.

use crate::engine;
use bp_api::{Complexity, Intent, Technique};
use bp_engine::corpus::{Split, examples};
use bp_engine::{EngineError, EnhanceOptions, PromptText};
use std::collections::BTreeSet;

fn enhance(text: &str) -> bp_engine::Enhancement {
    let prompt = PromptText::new(text).expect("valid prompt");
    engine().enhance(&prompt, &EnhanceOptions::default())
}

#[test]
fn every_technique_is_reachable_without_preferences() {
    let mut seen = BTreeSet::new();
    for ex in examples(Split::HeldOut)
        .iter()
        .chain(&examples(Split::Train))
    {
        seen.extend(enhance(&ex.text).techniques);
    }
    let missing: Vec<_> = Technique::ALL
        .iter()
        .filter(|t| !seen.contains(t))
        .collect();
    assert!(missing.is_empty(), "never selected: {missing:?}");
}

#[test]
fn every_technique_can_be_preferred_as_primary() {
    for &t in Technique::ALL {
        let opts = EnhanceOptions::new(None, vec![t], vec![], None).unwrap();
        let e = engine().enhance(&PromptText::new("Explain how tides work").unwrap(), &opts);
        assert_eq!(e.techniques[0], t);
    }
}

#[test]
fn exclusions_fall_back_to_the_next_acceptable_primary() {
    let prompt = PromptText::new("what is the boiling point of water at sea level?").unwrap();
    let plain = engine().enhance(&prompt, &EnhanceOptions::default());
    let first = plain.techniques[0];
    let opts = EnhanceOptions::new(None, vec![], vec![first], None).unwrap();
    let e = engine().enhance(&prompt, &opts);
    assert!(!e.techniques.contains(&first));
    assert!(!e.techniques.is_empty());
}

#[test]
fn target_complexity_overrides_detection_and_sizes_the_scaffold() {
    let prompt = PromptText::new("Is 221 a prime number?").unwrap();
    let simple = EnhanceOptions::new(None, vec![], vec![], Some(Complexity::Simple)).unwrap();
    let complex = EnhanceOptions::new(None, vec![], vec![], Some(Complexity::Complex)).unwrap();
    let (a, b) = (
        engine().enhance(&prompt, &simple),
        engine().enhance(&prompt, &complex),
    );
    assert_eq!(
        (a.complexity, b.complexity),
        (Complexity::Simple, Complexity::Complex)
    );
    assert!(
        b.techniques.len() > a.techniques.len() || b.enhanced_text.len() > a.enhanced_text.len()
    );
}

#[test]
fn excluding_everything_is_refused_and_exclusion_beats_preference() {
    let all = Technique::ALL.to_vec();
    assert_eq!(
        EnhanceOptions::new(None, vec![], all, None),
        Err(EngineError::TooManyExcluded(12))
    );
    let both = EnhanceOptions::new(
        None,
        vec![Technique::React, Technique::FewShot],
        vec![Technique::React],
        None,
    )
    .unwrap();
    assert_eq!(both.prefer(), [Technique::FewShot]);
    assert!("telepathy".parse::<Technique>().is_err());
}

#[test]
fn vague_input_is_low_confidence_conversation() {
    for text in ["hi", "help", "hmm?", "hello there"] {
        let a = engine().analyze(&PromptText::new(text).unwrap());
        assert_eq!(a.intent, Intent::Conversation, "{text}");
        assert!(a.confidence <= 0.4, "{text}: {}", a.confidence);
    }
}

#[test]
fn clear_signals_win() {
    let cases = [
        (
            "Translate 'where is the train station' into Japanese",
            Intent::Translation,
        ),
        ("tl;dr this thread for me please", Intent::Summarization),
        (
            "```\nfn main() { println!(\"hi\") }\n```\nwhy does this not compile?",
            Intent::CodeGeneration,
        ),
    ];
    for (text, intent) in cases {
        assert_eq!(
            engine().analyze(&PromptText::new(text).unwrap()).intent,
            intent,
            "{text}"
        );
    }
}
