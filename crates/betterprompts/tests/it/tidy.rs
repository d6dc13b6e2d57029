//! House-keeping checks that keep the architecture from drifting silently: the crate
//! dependency table of docs/ARCHITECTURE.md against the real manifests (both ways), no
//! cycle between the top-level modules of a crate, file lengths, and a `//!` header on every
//! source file. Each check is a pure function, also run here on planted faults.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files past this many lines are listed as a warning; past `MAX_LINES` the test fails.
const WARN_LINES: usize = 500;
const MAX_LINES: usize = 1000;

type Edges = BTreeMap<String, BTreeSet<String>>;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("workspace root")
}

/// The table between the `crate-edges` markers of docs/ARCHITECTURE.md: crate → the
/// workspace crates it may depend on.
fn documented_edges(architecture: &str) -> Edges {
    let start = architecture
        .find("<!-- crate-edges")
        .expect("docs/ARCHITECTURE.md has a crate-edges table");
    let end = architecture[start..]
        .find("<!-- /crate-edges -->")
        .expect("the crate-edges table ends")
        + start;
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split(',')
            .map(|n| n.trim().trim_matches('`').to_owned())
            .filter(|n| !n.is_empty())
            .collect()
    };
    architecture[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').collect();
            let name = cells[0].trim().trim_matches('`').to_owned();
            (name, cells.get(1).map_or_else(BTreeSet::new, |c| names(c)))
        })
        .collect()
}

/// Crate → its normal (not dev, not build) dependencies inside the workspace.
fn real_edges() -> Edges {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata json");
    let packages = meta["packages"].as_array().expect("packages");
    let members: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    packages
        .iter()
        .map(|package| {
            let deps = package["dependencies"]
                .as_array()
                .expect("deps")
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().expect("dep name"))
                .filter(|d| members.contains(d))
                .map(str::to_owned)
                .collect();
            (package["name"].as_str().expect("name").to_owned(), deps)
        })
        .collect()
}

/// Every difference between the documented and the real edges.
fn edge_differences(documented: &Edges, real: &Edges) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, deps) in real {
        let Some(allowed) = documented.get(name) else {
            problems.push(format!("crate {name} is not in the table"));
            continue;
        };
        for dep in deps.difference(allowed) {
            problems.push(format!("{name} -> {dep} exists but is not in the table"));
        }
        for dep in allowed.difference(deps) {
            problems.push(format!(
                "{name} -> {dep} is in the table but does not exist"
            ));
        }
    }
    for name in documented.keys().filter(|n| !real.contains_key(*n)) {
        problems.push(format!(
            "crate {name} is in the table but not in the workspace"
        ));
    }
    problems
}

#[test]
fn crate_dependencies_are_exactly_the_documented_table() {
    let architecture = std::fs::read_to_string(workspace_root().join("docs/ARCHITECTURE.md"))
        .expect("docs/ARCHITECTURE.md");
    let problems = edge_differences(&documented_edges(&architecture), &real_edges());
    assert!(
        problems.is_empty(),
        "docs/ARCHITECTURE.md's crate-edges table and the manifests differ: {problems:#?}"
    );
}

/// The top-level modules `crate::…` paths in `source` name. Comments are skipped, and so is
/// everything from `#[cfg(test)]` on: a test module is a leaf nothing else imports, so a path
/// there cannot close a cycle in the compiled crate.
fn crate_references(source: &str) -> BTreeSet<String> {
    let source = source.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = source
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::` in macros, or part of a longer name
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the names at the group's first level.
            let mut depth = 1;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && depth == 1 && !c.is_whitespace() => {
                        found.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty() && m != "self");
    found
}

/// Module → the other top-level modules it uses, for the crate whose `src` is `src`.
fn module_graph(src: &Path) -> Edges {
    let mut graph = Edges::new();
    for entry in std::fs::read_dir(src).expect("read src").flatten() {
        let path = entry.path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if stem == "lib" || stem == "main" || stem == "bin" {
            continue; // the crate root declares everything; `bin/` are separate crates
        }
        let mut files = Vec::new();
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path.clone());
        }
        let uses = graph.entry(stem.clone()).or_default();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            uses.extend(crate_references(&text).into_iter().filter(|m| *m != stem));
        }
    }
    graph
}

/// The groups of modules that reach each other (strongly connected, more than one module),
/// each as `a <-> b <-> c`.
fn cycles(graph: &Edges) -> Vec<String> {
    fn reachable(graph: &Edges, from: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(m) = stack.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    }
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reachable(graph, m))).collect();
    let mut placed = BTreeSet::new();
    let mut groups = Vec::new();
    for (module, reached) in &reach {
        if placed.contains(*module) || !reached.contains(*module) {
            continue;
        }
        let group: Vec<&str> = reached
            .iter()
            .filter(|other| reach.get(other).is_some_and(|r| r.contains(*module)))
            .map(String::as_str)
            .collect();
        placed.extend(group.iter().map(|m| (*m).to_owned()));
        groups.push(group.join(" <-> "));
    }
    groups
}

#[test]
fn no_crate_has_a_cycle_between_its_top_level_modules() {
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(workspace_root().join("crates"))
        .expect("crates")
        .flatten()
    {
        let src = entry.path().join("src");
        if src.is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            problems.extend(
                cycles(&module_graph(&src))
                    .into_iter()
                    .map(|c| format!("{name}: {c}")),
            );
        }
    }
    assert!(problems.is_empty(), "module cycles: {problems:#?}");
}

#[test]
fn source_files_stay_short() {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    let mut long: Vec<(usize, String)> = files
        .iter()
        .map(|f| {
            let lines = std::fs::read_to_string(f)
                .unwrap_or_default()
                .lines()
                .count();
            (lines, f.display().to_string())
        })
        .filter(|(lines, _)| *lines > WARN_LINES)
        .collect();
    long.sort_unstable_by(|a, b| b.cmp(a));
    for (lines, file) in &long {
        eprintln!("warning: {file} has {lines} lines (split it past {WARN_LINES})");
    }
    let too_long: Vec<_> = long.iter().filter(|(n, _)| *n > MAX_LINES).collect();
    assert!(
        too_long.is_empty(),
        "files past {MAX_LINES} lines: {too_long:?}"
    );
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    let missing: Vec<_> = files
        .iter()
        .filter(|f| {
            !std::fs::read_to_string(f)
                .unwrap_or_default()
                .trim_start()
                .starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a leading `//!` comment: {missing:?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n != "target" && n != "snapshots")
            {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The checks themselves fail on what they are there to catch.
mod planted {
    use super::*;

    fn edges(pairs: &[(&str, &[&str])]) -> Edges {
        pairs
            .iter()
            .map(|(name, deps)| {
                (
                    (*name).to_owned(),
                    deps.iter().map(|d| (*d).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_table_is_read_from_the_document() {
        let doc = "text\n<!-- crate-edges -->\n| crate | deps |\n|---|---|\n| `a` | |\n| `b` | `a`, `c` |\n<!-- /crate-edges -->\n| `z` | `a` |\n";
        assert_eq!(
            documented_edges(doc),
            edges(&[("a", &[]), ("b", &["a", "c"])])
        );
    }

    #[test]
    fn an_undocumented_edge_a_phantom_edge_and_an_undocumented_crate_are_found() {
        let documented = edges(&[("a", &[]), ("b", &["a"]), ("gone", &[])]);
        let real = edges(&[("a", &["b"]), ("b", &[]), ("new", &["a"])]);
        let problems = edge_differences(&documented, &real);
        assert_eq!(
            problems,
            [
                "a -> b exists but is not in the table",
                "b -> a is in the table but does not exist",
                "crate new is not in the table",
                "crate gone is in the table but not in the workspace",
            ]
        );
        assert!(edge_differences(&documented, &documented).is_empty());
    }

    #[test]
    fn crate_paths_are_found_in_every_form() {
        let source = "//! uses crate::nothing in a comment\n\
            use crate::alpha::Thing;\n\
            use crate::{beta, gamma::{x, y}, delta::z};\n\
            fn f() { crate::epsilon::call(); $crate::macro_path; notcrate::zeta; }\n\
            let url = 1; // crate::ignored\n\
            #[cfg(test)]\nmod tests { use crate::omega; }\n";
        let found: Vec<String> = crate_references(source).into_iter().collect();
        assert_eq!(found, ["alpha", "beta", "delta", "epsilon", "gamma"]);
    }

    #[test]
    fn a_planted_cycle_is_found_and_a_chain_is_not() {
        let chain = edges(&[
            ("routes", &["state"]),
            ("state", &["services"]),
            ("services", &[]),
        ]);
        assert!(cycles(&chain).is_empty());
        let planted = edges(&[
            ("routes", &["state"]),
            ("state", &["services"]),
            ("services", &["routes"]),
        ]);
        assert_eq!(cycles(&planted), ["routes <-> services <-> state"]);
    }
}
