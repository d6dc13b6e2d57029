//! Properties over arbitrary input: never panics, keeps the user's text, obeys the policy.

use crate::engine;
use bp_api::{Complexity, Technique};
use bp_engine::{EnhanceOptions, PromptText};
use proptest::prelude::*;

fn technique() -> impl Strategy<Value = Technique> {
    proptest::sample::select(Technique::ALL)
}

fn options() -> impl Strategy<Value = EnhanceOptions> {
    (
        proptest::option::of(".{0,200}"),
        proptest::collection::vec(technique(), 0..4),
        proptest::collection::vec(technique(), 0..4),
        proptest::option::of(proptest::sample::select(Complexity::ALL)),
    )
        .prop_filter_map("valid options", |(c, p, e, t)| {
            EnhanceOptions::new(c, p, e, t).ok()
        })
}

/// Any text (letters, CJK, emoji, controls, whitespace), up to the 5000-char limit.
fn prompt_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{1,300}",
        "[a-zA-Z ,.?!\n]{1,2000}",
        ".{4990,5000}",
        "(translate|summarize|tl;dr|```|code|hi|help|why| )+",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn enhance_never_panics_and_obeys_the_contract(text in prompt_text(), opts in options()) {
        let Ok(prompt) = PromptText::new(text.clone()) else { return Ok(()) };
        let e = engine().enhance(&prompt, &opts);
        // The user's text is kept intact inside the output.
        prop_assert!(e.enhanced_text.contains(&text));
        prop_assert!((0.0..=1.0).contains(&e.confidence));
        prop_assert!(!e.techniques.is_empty() && e.techniques.len() <= 3);
        // No incompatible pair, no duplicates.
        let policy = engine().policy();
        for (i, a) in e.techniques.iter().enumerate() {
            for b in &e.techniques[i + 1..] {
                prop_assert!(a != b && !policy.incompatible(*a, *b), "{:?}", e.techniques);
            }
        }
        // Template artefacts: outside the user's own text and context, no doubled spaces
        // and no unfilled placeholders.
        // The longer of the two goes first: the shorter may be a part of it ("Ⱥ" in "Ⱥ{").
        let mut user_parts = vec![text.clone()];
        user_parts.extend(opts_context(&opts));
        user_parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut rest = e.enhanced_text.clone();
        for part in &user_parts { rest = rest.replacen(part.as_str(), "", 1); }
        prop_assert!(!rest.contains("  ") && !rest.contains("{") && !rest.contains("}"), "{rest}");
        // Deterministic.
        prop_assert_eq!(&engine().enhance(&prompt, &opts), &e);
    }

    #[test]
    fn without_preferences_the_primary_is_allowed_by_the_policy(text in prompt_text()) {
        let Ok(prompt) = PromptText::new(text) else { return Ok(()) };
        let e = engine().enhance(&prompt, &EnhanceOptions::default());
        prop_assert!(engine().policy().is_acceptable_primary(e.intent, e.complexity, e.techniques[0]));
        let a = engine().analyze(&prompt);
        prop_assert_eq!(a.intent, e.intent);
        prop_assert!(a.intent_scores.windows(2).all(|w| w[0].score >= w[1].score));
        prop_assert!(a.intent_scores.iter().map(|s| s.score).sum::<f64>() <= 1.0 + 1e-9);
    }

    #[test]
    fn preferences_and_exclusions_are_honoured(text in prompt_text(), opts in options()) {
        let Ok(prompt) = PromptText::new(text) else { return Ok(()) };
        let e = engine().enhance(&prompt, &opts);
        let (prefer, exclude, target) = opts_lists(&opts);
        prop_assert!(e.techniques.iter().all(|t| !exclude.contains(t)));
        if let Some(first) = prefer.first() {
            prop_assert_eq!(e.techniques[0], *first);
        }
        if let Some(t) = target {
            prop_assert_eq!(e.complexity, t);
        }
    }
}

fn opts_context(o: &EnhanceOptions) -> Option<String> {
    o.context().map(str::to_owned)
}

fn opts_lists(o: &EnhanceOptions) -> (Vec<Technique>, Vec<Technique>, Option<Complexity>) {
    (
        o.prefer().to_vec(),
        o.exclude().to_vec(),
        o.target_complexity(),
    )
}
