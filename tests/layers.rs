//! The root crate's layering, checked from its source: every file's references to
//! other modules of the crate (`crate::…`, `super::…`, a child module by name) make a
//! graph that must have no cycle, and the services (`app`) never reach the edges
//! (`ui`, `cli`, `report`). The layers below are crates of their own, kept apart by
//! Cargo itself (an upward import does not compile).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path (`["app", "till"]`) for every file under `src/` except binaries.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "bin") {
                    stack.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap();
            let mut parts: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
                parts.pop();
            }
            if parts == ["main"] {
                continue;
            }
            out.insert(parts, path);
        }
    }
    out
}

/// The source without comments and string literals (a path in a doc comment or a
/// message is not an import).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path the code names that starts with `crate`, `super`, `self` or a child
/// module, with `use a::{b, c::d}` groups expanded one level.
fn named_paths(code: &str, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut paths = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if !is_ident(bytes[i]) || (i > 0 && (is_ident(bytes[i - 1]) || bytes[i - 1] == ':')) {
            i += 1;
            continue;
        }
        // Read `a::b::c` (and a following `::{…}` group).
        let mut segments = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && is_ident(bytes[j]) {
                j += 1;
            }
            segments.push(bytes[start..j].iter().collect::<String>());
            if j + 2 < bytes.len() && bytes[j] == ':' && bytes[j + 1] == ':' {
                j += 2;
                if bytes[j] == '{' {
                    let end = bytes[j..].iter().position(|&c| c == '}').map(|p| j + p);
                    if let Some(end) = end {
                        let group: String = bytes[j + 1..end].iter().collect();
                        for item in group.split(',') {
                            let item: Vec<String> = item
                                .split("::")
                                .map(|s| s.trim().split(' ').next().unwrap_or("").to_string())
                                .filter(|s| !s.is_empty() && s != "self")
                                .collect();
                            let mut p = segments.clone();
                            p.extend(item);
                            paths.push(p);
                        }
                        j = end;
                    }
                    break;
                }
                if j < bytes.len() && is_ident(bytes[j]) {
                    continue;
                }
            }
            break;
        }
        let first = segments[0].as_str();
        if segments.len() > 1
            && (matches!(first, "crate" | "super" | "self") || children.contains(first))
        {
            paths.push(segments);
        }
        i = j.max(i + 1);
    }
    paths
}

/// The module a path names, resolved from module `here`: the longest prefix that is
/// a file of this crate.
fn resolve(
    here: &[String],
    here_is_dir: bool,
    path: &[String],
    known: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    // `super` and `self` count from the module itself, which for `x.rs` and
    // `x/mod.rs` alike is `here`.
    let _ = here_is_dir;
    let mut base: Vec<String> = here.to_vec();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => {}
    }
    let mut full = base;
    full.extend(rest.iter().cloned());
    (1..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|p| known.contains_key(p))
}

fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    let mut edges = BTreeMap::new();
    for (module, file) in &known {
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        let children: BTreeSet<String> = known
            .keys()
            .filter(|k| k.len() == module.len() + 1 && k.starts_with(module))
            .map(|k| k.last().unwrap().clone())
            .collect();
        let is_dir = file.ends_with("mod.rs") || file.ends_with("lib.rs");
        let mut to = BTreeSet::new();
        for path in named_paths(&code, &children) {
            if let Some(target) = resolve(module, is_dir, &path, &known)
                && target != *module
                // A file's link to the module that declares it is not an import.
                && !(target.is_empty() && path.first().is_some_and(|s| s == "crate") && path.len() == 2)
            {
                to.insert(target);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// A cycle through the graph, if any (depth-first search with colours).
fn find_cycle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        m: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(m.clone(), 1);
        stack.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|s| s == next).unwrap();
                    let mut cycle: Vec<String> = stack[from..].iter().map(|s| name(s)).collect();
                    cycle.push(name(next));
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in edges.keys() {
        if state.get(m).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(m, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_root_crate_has_no_import_cycle_between_its_files() {
    let edges = graph();
    // The crate root only declares and re-exports the layers.
    let mut edges = edges;
    edges.remove(&Vec::new());
    assert!(
        edges.len() > 30,
        "the source was read: {} files",
        edges.len()
    );
    if let Some(cycle) = find_cycle(&edges) {
        panic!("import cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_services_never_reach_the_screens_or_the_command_line() {
    let edges = graph();
    for (module, to) in &edges {
        if module.first().is_some_and(|m| m == "app") {
            for target in to {
                let top = target.first().map(String::as_str);
                assert!(
                    !matches!(top, Some("ui" | "cli" | "report")),
                    "{} imports {}",
                    name(module),
                    name(target)
                );
            }
        }
    }
}

#[test]
fn the_checker_sees_a_cycle_and_an_upward_import() {
    // The checker itself: a made-up graph with a loop is caught.
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let mut edges = BTreeMap::new();
    edges.insert(m("a"), BTreeSet::from([m("b")]));
    edges.insert(m("b"), BTreeSet::from([m("c")]));
    edges.insert(m("c"), BTreeSet::from([m("a")]));
    assert_eq!(
        find_cycle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    // And paths are read as the compiler would resolve them.
    let known: BTreeMap<Vec<String>, PathBuf> =
        [m("app"), m("app::till"), m("ui"), m("ui::cashier")]
            .into_iter()
            .map(|k| (k, PathBuf::new()))
            .collect();
    let children = BTreeSet::from(["cashier".to_string()]);
    let code = "use super::{till::Till, worker::Request};\nuse crate::ui::cashier::View;\ncashier::show();";
    let paths = named_paths(code, &children);
    let resolved: BTreeSet<String> = paths
        .iter()
        .filter_map(|p| resolve(&m("ui"), true, p, &known))
        .map(|p| name(&p))
        .collect();
    assert!(resolved.contains("ui::cashier"), "{resolved:?}");
    let from_app: BTreeSet<String> = named_paths("use super::till::Till;", &BTreeSet::new())
        .iter()
        .filter_map(|p| resolve(&m("app::worker"), false, p, &known))
        .map(|p| name(&p))
        .collect();
    assert_eq!(from_app, BTreeSet::from(["app::till".to_string()]));
}
