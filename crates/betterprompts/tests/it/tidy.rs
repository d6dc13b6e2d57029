//! House-keeping checks that keep the architecture from drifting silently: the crate
//! dependency table of docs/ARCHITECTURE.md, and a `//!` header on every source file.

use std::collections::BTreeMap;
use std::path::Path;

/// Which workspace crates each crate may depend on (normal dependencies). Arrows point down.
const ALLOWED: &[(&str, &[&str])] = &[
    ("bp-api", &[]),
    ("bp-engine", &["bp-api"]),
    ("bp-metrics", &["bp-api"]),
    ("bp-store", &["bp-api", "bp-metrics"]),
    ("bp-report", &["bp-api", "bp-metrics"]),
    // Static files only: the dashboard front end, embedded.
    ("bp-dashboard", &[]),
    (
        "bp-server",
        &[
            "bp-api",
            "bp-engine",
            "bp-metrics",
            "bp-store",
            "bp-report",
            "bp-dashboard",
        ],
    ),
    (
        "bp-load",
        &["bp-api", "bp-engine", "bp-metrics", "bp-report"],
    ),
    (
        "bp-testkit",
        &["bp-api", "bp-engine", "bp-metrics", "bp-store", "bp-server"],
    ),
    (
        "betterprompts",
        &[
            "bp-api",
            "bp-engine",
            "bp-metrics",
            "bp-store",
            "bp-server",
            "bp-load",
            "bp-report",
        ],
    ),
];

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("workspace root")
}

#[test]
fn crate_dependencies_follow_the_architecture() {
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
    let allowed: BTreeMap<_, _> = ALLOWED.iter().copied().collect();
    let mut offending = Vec::new();
    for package in meta["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().expect("name");
        let Some(ok) = allowed.get(name) else {
            offending.push(format!("{name} is not in the architecture table"));
            continue;
        };
        for dep in package["dependencies"].as_array().expect("deps") {
            let dep_name = dep["name"].as_str().expect("dep name");
            let is_workspace = dep_name.starts_with("bp-") || dep_name == "betterprompts";
            let is_normal = dep["kind"].is_null();
            if is_workspace && is_normal && !ok.contains(&dep_name) {
                offending.push(format!("{name} -> {dep_name}"));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "edges not allowed by docs/ARCHITECTURE.md: {offending:?}"
    );
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    let mut missing = Vec::new();
    visit(&workspace_root().join("crates"), &mut missing);
    assert!(
        missing.is_empty(),
        "files without a leading `//!` comment: {missing:?}"
    );
}

fn visit(dir: &Path, missing: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n != "target" && n != "snapshots")
            {
                visit(&path, missing);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if !text.trim_start().starts_with("//!") {
                missing.push(path.display().to_string());
            }
        }
    }
}
