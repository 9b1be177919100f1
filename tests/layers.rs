//! The library's stages point one way (`STAGES` below: diagnostics and numbers → formulas
//! → rubric → facts → the per-file plan and scoring → input, check, batch, gaps, diff →
//! render), and no two top-level modules use each other. No stage below `render` reaches
//! up into it, so a change to an output cannot change what is computed.

use crate::support::rust_sources;

/// The library's modules by stage, lowest first. A module may use its own stage and those
/// below; a new module must be placed here.
const STAGES: &[&[&str]] = &[
    &["lang", "diagnostic", "number"],
    &["exact", "toml_read", "input_error"],
    &["formula"],
    &["rubric"],
    &["facts"],
    &["plan", "score"],
    &["plausible"],
    &["whatif"],
    &[
        "workbook",
        "input",
        "output",
        "check",
        "batch",
        "gaps",
        "diff",
        "rubric_test",
    ],
    &["render"],
];

/// The binary's modules: they sit on top of every stage.
const BINARY: &[&str] = &[
    "main",
    "commands",
    "cli",
    "batch_run",
    "check_run",
    "diff_run",
];

fn stage(module: &str) -> Option<usize> {
    STAGES.iter().position(|s| s.contains(&module))
}

/// A source without its unit tests: each `#[cfg(test)] mod …;` line and
/// `#[cfg(test)] mod … { … }` block. Code after them is still read.
fn without_tests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let item = after.trim_start();
        if !item.starts_with("mod ") {
            out.push_str("#[cfg(test)]");
            rest = after;
            continue;
        }
        let semi = item.find(';').unwrap_or(usize::MAX);
        let brace = item.find('{').unwrap_or(usize::MAX);
        rest = if semi < brace {
            &item[semi + 1..]
        } else if brace == usize::MAX {
            ""
        } else {
            let mut depth = 0;
            let mut end = item.len();
            for (k, c) in item.char_indices().skip(brace) {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = k + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            &item[end..]
        };
    }
    out.push_str(rest);
    out
}

/// The module path of a source file: `src/rubric/load/mod.rs` is `rubric::load`.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    if last != "mod.rs" && last != "lib.rs" && last != "main.rs" {
        parts.push(last.trim_end_matches(".rs").to_string());
    }
    parts
}

/// The top-level modules a source (at `rel` under `src/`) names as `crate::m`,
/// `use crate::{m, …}` or through `super::` chains, outside its unit tests. Aliasing the
/// crate (`use crate as c`) would hide the rest, so it is reported as `crate as`.
fn modules_used(rel: &str, text: &str) -> Vec<String> {
    let code = without_tests(text);
    let own = module_path(rel);
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[at + "crate".len()..];
        if rest.trim_start().starts_with("as ") || rest.starts_with("::{self as") {
            out.push("crate as".to_string());
            continue;
        }
        let Some(rest) = rest.strip_prefix("::") else {
            continue;
        };
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c, d::{e, f}}`: the names at the group's first level.
            let mut depth = 0;
            let mut start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && !c.is_whitespace() => {
                        out.push(ident(&group[k..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    // `super::super::plan`: up as many levels as there are `super`s, then down.
    for (at, _) in code.match_indices("super::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &code[at..];
        let mut up = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            up += 1;
            rest = r;
        }
        let base = &own[..own.len().saturating_sub(up)];
        match base.first() {
            Some(top) => out.push(top.clone()),
            None => out.push(ident(rest)),
        }
    }
    out
}

#[test]
fn no_module_uses_a_later_stage() {
    let mut offenders = Vec::new();
    for (file, text) in rust_sources() {
        let rel = file.strip_prefix("src/").unwrap_or(&file);
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
        if top == "lib" || BINARY.contains(&top) {
            continue;
        }
        let Some(own) = stage(top) else {
            offenders.push(format!("{rel}: module `{top}` has no stage in STAGES"));
            continue;
        };
        for used in modules_used(rel, &text) {
            if used == "crate as" {
                offenders.push(format!("{rel} aliases the crate"));
            } else if let Some(theirs) = stage(&used)
                && theirs > own
            {
                offenders.push(format!("{rel} uses crate::{used}, a later stage"));
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn no_modules_use_each_other_in_a_ring() {
    let mut uses: Vec<(String, String)> = Vec::new();
    for (file, text) in rust_sources() {
        let rel = file.strip_prefix("src/").unwrap_or(&file);
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
        for used in modules_used(rel, &text) {
            if used != top
                && stage(&used).is_some()
                && !uses.contains(&(top.to_string(), used.clone()))
            {
                uses.push((top.to_string(), used));
            }
        }
    }
    assert!(
        uses.len() > 20,
        "the scan finds the crate's imports: {uses:?}"
    );
    // Every module each module reaches; a module that reaches itself is in a ring.
    let reaches = |from: &str| -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for (a, b) in &uses {
                if *a == m && !seen.contains(b) {
                    seen.push(b.clone());
                    stack.push(b.clone());
                }
            }
        }
        seen
    };
    let mut rings: Vec<String> = STAGES
        .iter()
        .flat_map(|s| s.iter())
        .filter(|m| reaches(m).iter().any(|r| r == *m))
        .map(|m| m.to_string())
        .collect();
    rings.sort();
    assert_eq!(rings, Vec::<String>::new(), "modules in an import ring");
}

#[test]
fn the_scan_reads_grouped_plain_and_relative_uses() {
    let text = "use crate::{facts::Facts, rubric::{self, Rubric}, score};\n\
                let x = crate::render::Table;\n\
                #[cfg(test)]\nmod tests;\n\
                use super::super::plan::expand;\n\
                #[cfg(test)]\nmod inline { use crate::batch; }\n\
                use crate::whatif;";
    assert_eq!(
        modules_used("rubric/load/mod.rs", text),
        ["facts", "rubric", "score", "render", "whatif", "plan"]
    );
    assert_eq!(
        modules_used("rubric/lint.rs", "use super::Rubric;"),
        ["rubric"]
    );
    assert_eq!(
        modules_used("score/mod.rs", "use crate as c;"),
        ["crate as"]
    );
    assert_eq!(modules_used("batch.rs", "use super::score;"), ["score"]);
}
