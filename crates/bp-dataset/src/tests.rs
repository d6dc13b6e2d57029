//! Tests of the dataset generator: coverage, determinism, variety, shape, clean text, JSON.

use super::*;
use std::collections::{HashMap, HashSet};

fn rows(seed: u64, n: usize) -> Vec<LabelledPrompt> {
    DatasetGenerator::new(seed).take(n).collect()
}

fn n_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The position of an unfilled `{slot}` or `{=slot}`, if any.
fn unfilled_slot(text: &str) -> Option<usize> {
    text.match_indices('{').map(|(i, _)| i).find(|&i| {
        let rest = text[i + 1..].strip_prefix('=').unwrap_or(&text[i + 1..]);
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        name_len > 0 && rest.as_bytes().get(name_len) == Some(&b'}')
    })
}

/// `text` without its code: fenced blocks and `inline` spans, where indentation, braces and
/// odd spacing are legitimate.
fn prose(text: &str) -> String {
    let mut prose = String::new();
    for (i, part) in text.split("```").enumerate() {
        if i % 2 == 0 {
            prose.extend(part.split('`').step_by(2));
        }
    }
    prose
}

#[test]
fn grammar_compiles_without_problems() {
    assert!(grammar().problems.is_empty(), "{:#?}", grammar().problems);
}

#[test]
fn families_are_in_intent_order() {
    assert!(FAMILIES.iter().map(|(intent, _)| intent).eq(Intent::ALL));
}

#[test]
fn the_first_30_rows_cover_every_cell() {
    let cells: HashSet<_> = rows(1, 30)
        .iter()
        .map(|r| (r.intent, r.complexity))
        .collect();
    assert_eq!(cells.len(), Intent::ALL.len() * Complexity::ALL.len());
}

#[test]
fn the_same_seed_gives_the_same_rows_and_another_seed_does_not() {
    let a = rows(42, 3_000);
    assert_eq!(a, rows(42, 3_000));
    let b = rows(43, 3_000);
    let same = a.iter().zip(&b).filter(|(x, y)| x.text == y.text).count();
    assert!(same < 150, "{same} of 3000 rows identical across seeds");
    // Labels follow the row index, not the seed.
    assert!(
        a.iter()
            .zip(&b)
            .all(|(x, y)| (x.intent, x.complexity) == (y.intent, y.complexity))
    );
}

#[test]
fn next_into_overwrites_the_buffer_and_matches_next() {
    let mut fast = DatasetGenerator::new(9);
    let mut text = String::from("left over");
    for expected in rows(9, 500) {
        let labels = fast.next_into(&mut text);
        assert_eq!(text, expected.text);
        assert_eq!(labels, (expected.intent, expected.complexity));
    }
}

#[test]
fn distinct_texts_are_at_least_90_percent_of_200k_rows() {
    const N: usize = 200_000;
    let mut generator = DatasetGenerator::new(7);
    let mut text = String::new();
    let mut seen = HashSet::with_capacity(N);
    let mut per_cell: HashMap<(Intent, Complexity), (usize, usize)> = HashMap::new();
    for _ in 0..N {
        let cell = generator.next_into(&mut text);
        let new = seen.insert(text.clone());
        let (rows, distinct) = per_cell.entry(cell).or_default();
        *rows += 1;
        *distinct += usize::from(new);
    }
    let ratio = seen.len() as f64 / N as f64;
    assert!(ratio >= 0.9, "distinct ratio {ratio:.4}");
    // No single cell may lean on the others' variety.
    for ((intent, complexity), (rows, distinct)) in per_cell {
        let cell_ratio = distinct as f64 / rows as f64;
        assert!(
            cell_ratio >= 0.8,
            "{intent}/{complexity}: distinct ratio {cell_ratio:.3}"
        );
    }
}

#[test]
fn longer_complexities_have_more_words_in_every_intent() {
    let mut words: HashMap<(Intent, Complexity), Vec<usize>> = HashMap::new();
    for row in rows(3, 30_000) {
        words
            .entry((row.intent, row.complexity))
            .or_default()
            .push(n_words(&row.text));
    }
    let mean = |cell: (Intent, Complexity)| {
        let counts = &words[&cell];
        counts.iter().sum::<usize>() as f64 / counts.len() as f64
    };
    let [simple, moderate, complex] = [
        Complexity::Simple,
        Complexity::Moderate,
        Complexity::Complex,
    ];
    for &intent in Intent::ALL {
        let [s, m, c] = [simple, moderate, complex].map(|complexity| mean((intent, complexity)));
        assert!(s < m && m < c, "{intent}: {s:.1} {m:.1} {c:.1} words");
        // The definitions: simple is one short ask (which may quote a short text), complex
        // has 40+ words.
        assert!(s <= 17.0, "{intent}: simple mean {s:.1} words");
        assert!(c >= 50.0, "{intent}: complex mean {c:.1} words");
        let longest_simple = words[&(intent, simple)].iter().max();
        let shortest_complex = words[&(intent, complex)].iter().min();
        assert!(
            longest_simple <= Some(&32),
            "{intent}: a simple row of {longest_simple:?} words"
        );
        assert!(
            shortest_complex >= Some(&40),
            "{intent}: a complex row of {shortest_complex:?} words"
        );
    }
    let overall = |complexity: Complexity| {
        let sum: f64 = Intent::ALL
            .iter()
            .map(|&intent| mean((intent, complexity)))
            .sum();
        sum / Intent::ALL.len() as f64
    };
    let [s, m, c] = [simple, moderate, complex].map(overall);
    assert!(
        s <= 15.0 && s < m && m < c,
        "overall: {s:.1} {m:.1} {c:.1} words"
    );
    assert!((15.0..=45.0).contains(&m), "moderate mean {m:.1} words");
}

#[test]
fn texts_are_clean() {
    let mut generator = DatasetGenerator::new(11);
    let mut text = String::new();
    for row in 0..100_000 {
        let (intent, _) = generator.next_into(&mut text);
        let at = |what: &str| format!("row {row} ({intent}), {what}: {text:?}");
        assert!(
            !text.is_empty() && text.trim() == text,
            "{}",
            at("untrimmed")
        );
        assert!(unfilled_slot(&text).is_none(), "{}", at("unfilled slot"));
        let prose = prose(&text);
        assert!(!prose.contains("  "), "{}", at("doubled space"));
        assert!(!prose.contains(['{', '}']), "{}", at("brace outside code"));
        assert!(
            !prose.contains(",,") && !prose.contains("?."),
            "{}",
            at("doubled punctuation")
        );
        assert!(
            !prose.contains(" ,") && !prose.contains(" . "),
            "{}",
            at("space before punctuation")
        );
        assert!(
            !text.lines().any(|l| l.ends_with(' ')),
            "{}",
            at("trailing space in a line")
        );
        assert!(
            !text.starts_with(|c: char| c.is_ascii_lowercase()),
            "{}",
            at("lower-case start")
        );
    }
}

#[test]
fn some_code_rows_span_lines_and_some_translation_rows_are_not_ascii() {
    let sample = rows(5, 6_000);
    let code_multiline = sample
        .iter()
        .filter(|r| r.intent == Intent::CodeGeneration && r.text.contains('\n'))
        .count();
    let translation_non_ascii = sample
        .iter()
        .filter(|r| r.intent == Intent::Translation && !r.text.is_ascii())
        .count();
    assert!(code_multiline >= 20, "{code_multiline}");
    assert!(translation_non_ascii >= 20, "{translation_non_ascii}");
}
