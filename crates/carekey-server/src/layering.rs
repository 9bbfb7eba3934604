//! The server's layers, checked: the flows (`login`, `account`, `keys`,
//! `care`) stand on `outbound`, `http` and the shared infrastructure, and
//! nothing below a flow imports one; no two top-level modules import each
//! other, even through others; the queue knows no kind of job.
//!
//! Read from the source (every `crate::<module>` outside comments), so a
//! new import that closes a cycle fails here, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FLOWS: [&str; 4] = ["login", "account", "keys", "care"];

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }
    found
}

/// The `crate::<name>` paths a file names, outside comments.
fn imports(text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            named.insert(name);
        }
    }
    named
}

/// Top-level module → the top-level modules it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in sources(&root) {
        let relative = path.strip_prefix(&root).unwrap();
        let first = relative.components().next().unwrap();
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if matches!(module.as_str(), "lib" | "main" | "layering") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let entry = edges.entry(module.clone()).or_default();
        entry.extend(imports(&text).into_iter().filter(|name| *name != module));
    }
    edges
}

/// A path from `from` back to itself, if there is one.
fn cycle_through(edges: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_owned(), vec![from.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in edges.get(&at).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let edges = graph();
    assert!(edges.len() > 15, "{edges:?}");
    for module in edges.keys() {
        if let Some(cycle) = cycle_through(&edges, module) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn nothing_below_a_flow_imports_a_flow() {
    for (module, imported) in graph() {
        // `app` starts the flows and `fuzzing` drives them: both stand above.
        if FLOWS.contains(&module.as_str()) || matches!(module.as_str(), "app" | "fuzzing") {
            continue;
        }
        for flow in FLOWS {
            assert!(!imported.contains(flow), "{module} imports the {flow} flow");
        }
        assert!(!imported.contains("app"), "{module} imports app");
    }
}

#[test]
fn the_queue_knows_no_kind_of_job() {
    let queue = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/outbound/queue.rs");
    let named = imports(&std::fs::read_to_string(queue).unwrap());
    assert!(!named.contains("outbound"), "{named:?}");
    assert!(!named.contains("state"), "{named:?}");
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    assert_eq!(cycle_through(&edges, "a"), None);
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle_through(&edges, "a"),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        imports("use crate::db::Tx; // crate::login"),
        BTreeSet::from(["db".to_owned()])
    );
}
