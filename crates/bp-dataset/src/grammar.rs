//! The template language of the dataset generator: compiled once, expanded per row.
//!
//! A template is plain text in which `{name}` (lower-case ASCII letters, digits and `_`)
//! stands for "one entry, picked at random, of the table called `name`"; entries may hold
//! slots of their own, which is how sentences are composed from smaller parts. `{=name}` is
//! a bound slot: every `{=name}` in one text is the same entry, so a puzzle can name the
//! same person twice (bound tables must hold plain entries, without slots). Any other brace
//! is literal text, so code snippets need no escaping.
//!
//! Names are resolved once, at compile time, into table indexes: the per-row work is then
//! only random picks and `push_str`, with no parsing, hashing or allocation. A family's own
//! tables shadow nothing: `grammar_compiles_without_problems` checks that no local name is
//! also a shared one, so a name always means the same table within an intent.

use rand::Rng;
use rand_pcg::Pcg64Mcg;
use std::collections::HashMap;

/// Named slot tables: `(name, entries)`.
pub(super) type Slots = &'static [(&'static str, &'static [&'static str])];

/// The templates of one intent, by complexity, and the slot tables only it uses.
#[derive(Clone, Copy)]
pub(super) struct Family {
    pub simple: &'static [&'static str],
    pub moderate: &'static [&'static str],
    pub complex: &'static [&'static str],
    pub slots: Slots,
}

#[derive(Clone, Copy)]
enum Part {
    Text(&'static str),
    Table(usize),
    /// A bound slot: the table, and the index of its binding in the per-text bindings.
    Bound(usize, usize),
}

/// A half-open range into one of the flat vectors below.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    len: usize,
}

/// All templates and tables, flattened: a table is a span of alternatives, an alternative a
/// span of parts. Flat vectors keep a row's expansion within a few cache lines.
pub(super) struct Grammar {
    tables: Vec<Span>,
    alternatives: Vec<Span>,
    parts: Vec<Part>,
    /// The template table of each cell, indexed by `intent * 3 + complexity`.
    cells: Vec<usize>,
    /// How many distinct bound `{=name}`s there are; the caller keeps one pick for each.
    n_bindings: usize,
    /// Defects found while compiling (unknown slot, cycle, empty table, shadowed name).
    /// Compiling never fails, so that generation cannot panic; a test asserts this is empty.
    pub problems: Vec<String>,
}

/// Where a name is looked up: a family's own slots first, then the shared ones.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scope {
    Shared,
    Family(usize),
}

struct Compiler<'a> {
    families: &'a [Family],
    shared: Slots,
    grammar: Grammar,
    /// Table index of every compiled `(scope, name)`; `None` while it is being compiled,
    /// which is how a cycle is detected.
    done: HashMap<(Scope, &'static str), Option<usize>>,
    bindings: HashMap<(Scope, &'static str), usize>,
}

/// Marks a binding as not yet picked in the current text.
pub(super) const UNBOUND: usize = usize::MAX;

impl Grammar {
    /// Compiles `families` (in `Intent::ALL` order) over the `shared` slot tables.
    pub fn compile(families: &[Family], shared: Slots) -> Grammar {
        let grammar = Grammar {
            tables: Vec::new(),
            alternatives: Vec::new(),
            parts: Vec::new(),
            cells: Vec::new(),
            n_bindings: 0,
            problems: Vec::new(),
        };
        let mut c = Compiler {
            families,
            shared,
            grammar,
            done: HashMap::new(),
            bindings: HashMap::new(),
        };
        for (i, family) in families.iter().enumerate() {
            for (name, _) in family.slots {
                if shared.iter().any(|(shared_name, _)| shared_name == name) {
                    c.grammar
                        .problems
                        .push(format!("family {i}: `{name}` shadows a shared slot"));
                }
            }
            for templates in [family.simple, family.moderate, family.complex] {
                let table = c.table(Scope::Family(i), templates, "<templates>");
                c.grammar.cells.push(table);
            }
        }
        c.grammar
    }

    /// How many bindings [`Self::expand`] needs.
    pub fn n_bindings(&self) -> usize {
        self.n_bindings
    }

    /// Appends one random expansion of `cell`'s templates to `out`. `bindings` has
    /// [`Self::n_bindings`] entries, all [`UNBOUND`] on entry.
    pub fn expand(
        &self,
        cell: usize,
        rng: &mut Pcg64Mcg,
        bindings: &mut [usize],
        out: &mut String,
    ) {
        if let Some(&table) = self.cells.get(cell) {
            self.expand_table(table, None, rng, bindings, out);
        }
    }

    fn expand_table(
        &self,
        table: usize,
        pick: Option<usize>,
        rng: &mut Pcg64Mcg,
        bindings: &mut [usize],
        out: &mut String,
    ) {
        let alts = self.tables[table];
        // Single-entry tables (literal glue) cost no random draw.
        let pick = match pick {
            Some(pick) => pick,
            None if alts.len == 1 => 0,
            None => rng.random_range(0..alts.len),
        };
        let parts = self.alternatives[alts.start + pick];
        for &part in &self.parts[parts.start..parts.start + parts.len] {
            match part {
                Part::Text(text) => push_text(out, text),
                Part::Table(inner) => self.expand_table(inner, None, rng, bindings, out),
                Part::Bound(inner, binding) => {
                    if bindings[binding] == UNBOUND {
                        bindings[binding] = rng.random_range(0..self.tables[inner].len);
                    }
                    self.expand_table(inner, Some(bindings[binding]), rng, bindings, out);
                }
            }
        }
    }
}

impl Compiler<'_> {
    /// Compiles `entries` as a new table and returns its index.
    fn table(&mut self, scope: Scope, entries: &'static [&'static str], name: &str) -> usize {
        let alternatives: Vec<Vec<Part>> = if entries.is_empty() {
            self.grammar
                .problems
                .push(format!("table `{name}` is empty"));
            vec![Vec::new()]
        } else {
            entries
                .iter()
                .map(|entry| self.parse(scope, entry))
                .collect()
        };
        // Nested tables were appended while parsing; this table's alternatives go after them,
        // contiguously.
        let start = self.grammar.alternatives.len();
        for parts in alternatives {
            let span = Span {
                start: self.grammar.parts.len(),
                len: parts.len(),
            };
            self.grammar.parts.extend(parts);
            self.grammar.alternatives.push(span);
        }
        self.grammar.tables.push(Span {
            start,
            len: entries.len().max(1),
        });
        self.grammar.tables.len() - 1
    }

    fn parse(&mut self, scope: Scope, entry: &'static str) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut rest = entry;
        while let Some((before, name, after)) = next_slot(rest) {
            if !before.is_empty() {
                parts.push(Part::Text(before));
            }
            let slot_len = name.len() + 2;
            let (bound, name) = match name.strip_prefix('=') {
                Some(name) => (true, name),
                None => (false, name),
            };
            match self.resolve(scope, name) {
                Some((table, table_scope)) if bound => {
                    let n = self.bindings.len();
                    let binding = *self.bindings.entry((table_scope, name)).or_insert(n);
                    self.grammar.n_bindings = self.bindings.len();
                    if entries_have_slots(self.entries_of(table_scope, name)) {
                        self.grammar
                            .problems
                            .push(format!("bound slot `{{={name}}}` has slots"));
                    }
                    parts.push(Part::Bound(table, binding));
                }
                Some((table, _)) => parts.push(Part::Table(table)),
                // Kept as literal text so the clean-text tests also catch it.
                None => parts.push(Part::Text(&rest[before.len()..before.len() + slot_len])),
            }
            rest = after;
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest));
        }
        parts
    }

    fn entries_of(&self, scope: Scope, name: &str) -> &'static [&'static str] {
        let slots = match scope {
            Scope::Family(i) => self.families[i].slots,
            Scope::Shared => self.shared,
        };
        slots
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[], |(_, entries)| *entries)
    }

    /// The table compiled for `name` as seen from `scope`, and the scope that defines it.
    fn resolve(&mut self, scope: Scope, name: &'static str) -> Option<(usize, Scope)> {
        let local = match scope {
            Scope::Family(i) => self.families[i].slots.iter().find(|(n, _)| *n == name),
            Scope::Shared => None,
        };
        let (scope, entries) = match local {
            Some((_, entries)) => (scope, *entries),
            None => match self.shared.iter().find(|(n, _)| *n == name) {
                Some((_, entries)) => (Scope::Shared, *entries),
                None => {
                    self.grammar
                        .problems
                        .push(format!("unknown slot `{{{name}}}`"));
                    return None;
                }
            },
        };
        match self.done.get(&(scope, name)) {
            Some(Some(table)) => Some((*table, scope)),
            Some(None) => {
                self.grammar
                    .problems
                    .push(format!("slot `{{{name}}}` refers to itself"));
                None
            }
            None => {
                self.done.insert((scope, name), None);
                let table = self.table(scope, entries, name);
                self.done.insert((scope, name), Some(table));
                Some((table, scope))
            }
        }
    }
}

/// Splits off the first `{name}` or `{=name}` slot: `(text before, name, text after)`, the
/// name keeping its `=`.
fn next_slot(text: &'static str) -> Option<(&'static str, &'static str, &'static str)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| i + from) {
        let marker = usize::from(text[open + 1..].starts_with('='));
        let name_len = text[open + 1 + marker..]
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let close = open + 1 + marker + name_len;
        if name_len > 0 && text.as_bytes().get(close) == Some(&b'}') {
            return Some((&text[..open], &text[open + 1..close], &text[close + 1..]));
        }
        from = open + 1;
    }
    None
}

fn entries_have_slots(entries: &[&'static str]) -> bool {
    entries.iter().any(|entry| next_slot(entry).is_some())
}

/// Appends `piece`, upper-casing its first letter when it opens a sentence. Entries are
/// written lower-case so that one table serves both "Hey, please write…" and "Please write…".
/// Only the start of a piece (after at most one space) is looked at, so code inside a piece
/// is never touched.
fn push_text(out: &mut String, piece: &str) {
    let (space, rest) = match piece.strip_prefix(' ') {
        Some(rest) => (" ", rest),
        None => ("", piece),
    };
    let ends_sentence = |tail: &[u8]| matches!(tail, [.., b'.' | b'!' | b'?']);
    let starts_sentence = out.is_empty()
        || if space.is_empty() {
            matches!(out.as_bytes(), [head @ .., b' '] if ends_sentence(head))
        } else {
            ends_sentence(out.as_bytes())
        };
    match rest.as_bytes().first() {
        Some(first) if starts_sentence && first.is_ascii_lowercase() => {
            out.push_str(space);
            out.push(char::from(first.to_ascii_uppercase()));
            out.push_str(&rest[1..]);
        }
        _ => out.push_str(piece),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_slot_finds_names_and_leaves_other_braces_alone() {
        assert_eq!(next_slot("a {b} c"), Some(("a ", "b", " c")));
        assert_eq!(next_slot("{=b}"), Some(("", "=b", "")));
        assert_eq!(
            next_slot("fn f() {\n}{x_1}"),
            Some(("fn f() {\n}", "x_1", ""))
        );
        assert_eq!(next_slot("{} {A} { b}"), None);
    }

    #[test]
    fn sentence_starts_are_capitalised_and_code_is_not() {
        let mut out = String::new();
        for piece in [
            "hey, ",
            "write it. ",
            "then ",
            "stop!",
            " go:\n",
            "return x. y",
            " ok",
        ] {
            push_text(&mut out, piece);
        }
        assert_eq!(out, "Hey, write it. Then stop! Go:\nreturn x. y ok");
    }

    #[test]
    fn unknown_slots_and_cycles_are_reported_not_panicked_on() {
        const LOOP: &[&str] = &["x{loop}"];
        let family = Family {
            simple: &["{nope}"],
            moderate: &["{loop}"],
            complex: &["ok"],
            slots: &[("loop", LOOP)],
        };
        let grammar = Grammar::compile(&[family], &[]);
        assert_eq!(grammar.problems.len(), 2, "{:?}", grammar.problems);
        let mut rng = Pcg64Mcg::new(1);
        let mut out = String::new();
        grammar.expand(1, &mut rng, &mut [], &mut out);
        assert_eq!(out, "X{loop}");
    }

    #[test]
    fn bound_slots_repeat_one_pick_and_free_slots_do_not() {
        const WHO: &[&str] = &["ann", "bo", "cy", "di", "ed", "flo", "gus", "hal"];
        let family = Family {
            simple: &["{=who} {=who} {=who} {=who}"],
            moderate: &["{who} {who} {who} {who}"],
            complex: &["{=who}{nested}"],
            slots: &[("who", WHO), ("nested", &[" {=who}"])],
        };
        let grammar = Grammar::compile(&[family], &[]);
        assert!(grammar.problems.is_empty(), "{:?}", grammar.problems);
        assert_eq!(grammar.n_bindings(), 1);
        let mut rng = Pcg64Mcg::new(7);
        let words = |cell, rng: &mut Pcg64Mcg| {
            let mut out = String::new();
            grammar.expand(cell, rng, &mut [UNBOUND], &mut out);
            let mut words: Vec<String> = out.split(' ').map(str::to_lowercase).collect();
            words.dedup();
            words.len()
        };
        assert!((0..20).all(|_| words(0, &mut rng) == 1 && words(2, &mut rng) == 1));
        assert!((0..20).any(|_| words(1, &mut rng) > 1));
    }
}
