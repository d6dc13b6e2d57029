//! Technique selection: a primary from the policy for the intent and complexity, then up to
//! two secondaries chosen by fit (cue words in the prompt, complexity), never an incompatible
//! pair, with the user's `prefer` and `exclude` honoured.

use crate::lexicon::ClassifiedWords;
use crate::policy::Policy;
use bp_api::{Complexity, Intent, Technique};

/// What the caller asked for, already validated (see [`crate::EnhanceOptions`]).
#[derive(Debug, Clone, Default)]
pub struct Preferences<'a> {
    pub prefer: &'a [Technique],
    pub exclude: &'a [Technique],
}

/// How many techniques a prompt of this complexity gets by default.
fn default_count(complexity: Complexity) -> usize {
    match complexity {
        Complexity::Simple => 1,
        Complexity::Moderate => 2,
        Complexity::Complex => 3,
    }
}

/// Fit of each technique for this prompt, indexed like `Technique::ALL`.
fn fit_scores(
    policy: &Policy,
    words: &ClassifiedWords<'_>,
    intent: Intent,
    complexity: Complexity,
) -> [f32; 12] {
    let mut scores = [0f32; 12];
    for (_, class) in words {
        let mut cues = class.cues;
        while cues != 0 {
            scores[cues.trailing_zeros() as usize] += 1.0;
            cues &= cues - 1;
        }
    }
    // Techniques the policy accepts anywhere for this intent are natural companions.
    for c in Complexity::ALL {
        for t in policy.primaries(intent, *c) {
            scores[t.index()] += if *c == complexity { 1.5 } else { 0.5 };
        }
    }
    // Multi-step scaffolds pay off on hard prompts and are noise on trivial ones.
    let depth = match complexity {
        Complexity::Simple => -1.0,
        Complexity::Moderate => 0.0,
        Complexity::Complex => 1.0,
    };
    for t in [
        Technique::ChainOfThought,
        Technique::StepByStep,
        Technique::TreeOfThoughts,
        Technique::SelfConsistency,
        Technique::React,
    ] {
        scores[t.index()] += depth;
    }
    scores[Technique::ZeroShot.index()] -= depth;
    scores
}

/// Picks up to `policy.max_techniques()` techniques, the primary first.
pub fn select(
    policy: &Policy,
    words: &ClassifiedWords<'_>,
    intent: Intent,
    complexity: Complexity,
    prefs: &Preferences<'_>,
) -> Vec<Technique> {
    let allowed = |t: &Technique| !prefs.exclude.contains(t);
    let mut chosen: Vec<Technique> = Vec::with_capacity(policy.max_techniques());
    let fits = |chosen: &[Technique], t: Technique| {
        !chosen.contains(&t) && chosen.iter().all(|&c| !policy.incompatible(c, t))
    };

    // Preferred techniques come first, in the caller's order, as long as they fit together.
    for &t in prefs.prefer {
        if chosen.len() < policy.max_techniques() && fits(&chosen, t) {
            chosen.push(t);
        }
    }
    let scores = fit_scores(policy, words, intent, complexity);
    if chosen.is_empty() {
        // The policy's list for the cell is ordered best first; cue fit breaks no ties here
        // because the primary defines technique accuracy.
        let primary = policy
            .primaries(intent, complexity)
            .iter()
            .copied()
            .find(|t| allowed(t))
            .or_else(|| best_by_score(&scores, |t| allowed(&t)));
        chosen.extend(primary);
    }
    let target = default_count(complexity).max(prefs.prefer.len().min(policy.max_techniques()));
    // A simple prompt with a strong cue (e.g. "as a table") earns one extra technique.
    let bonus = usize::from(complexity == Complexity::Simple);
    while chosen.len() < (target + bonus).min(policy.max_techniques()) {
        let threshold = if chosen.len() >= target { 2.5 } else { 0.5 };
        match best_by_score(&scores, |t| allowed(&t) && fits(&chosen, t)) {
            Some(t) if scores[t.index()] >= threshold => chosen.push(t),
            _ => break,
        }
    }
    chosen
}

fn best_by_score(scores: &[f32; 12], ok: impl Fn(Technique) -> bool) -> Option<Technique> {
    Technique::ALL
        .iter()
        .copied()
        .filter(|&t| ok(t))
        // Ties go to the earlier technique in the policy's order, so selection is stable.
        .max_by(|a, b| {
            scores[a.index()]
                .total_cmp(&scores[b.index()])
                .then(b.index().cmp(&a.index()))
        })
}
