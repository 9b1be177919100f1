//! The library's stages point one way (`STAGES` below: diagnostics and numbers → formulas
//! → rubric → facts → the per-file plan and scoring → input, check, batch, gaps, diff →
//! render), and no two top-level modules use each other. No stage below `render` reaches
//! up into it, so a change to an output cannot change what is computed.

use std::path::Path;

use crate::support::rust_sources;

#[test]
fn no_stage_below_render_imports_it() {
    let binary = [
        "main.rs",
        "commands.rs",
        "cli.rs",
        "batch_run.rs",
        "check_run.rs",
        "diff_run.rs",
    ];
    let mut offenders = Vec::new();
    for (file, text) in rust_sources() {
        let rel = Path::new(file.strip_prefix("src/").unwrap_or(&file));
        if rel.starts_with("render") || binary.iter().any(|b| rel == Path::new(b)) {
            continue;
        }
        if text.contains("crate::render") || text.contains("super::render") {
            offenders.push(rel.display().to_string());
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

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

/// The top-level modules a source names as `crate::m` or `use crate::{m, …}`, outside its
/// unit tests.
fn modules_used(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
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
        for used in modules_used(&text) {
            if let Some(theirs) = stage(&used)
                && theirs > own
            {
                offenders.push(format!("{rel} uses crate::{used}, a later stage"));
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn no_two_modules_of_a_stage_use_each_other() {
    let mut uses: Vec<(String, String)> = Vec::new();
    for (file, text) in rust_sources() {
        let rel = file.strip_prefix("src/").unwrap_or(&file);
        let top = rel.split('/').next().unwrap().trim_end_matches(".rs");
        for used in modules_used(&text) {
            if used != top && stage(&used).is_some() {
                uses.push((top.to_string(), used));
            }
        }
    }
    let cycles: Vec<String> = uses
        .iter()
        .filter(|(a, b)| a < b && uses.contains(&(b.clone(), a.clone())))
        .map(|(a, b)| format!("{a} <-> {b}"))
        .collect();
    assert_eq!(cycles, Vec::<String>::new());
}

#[test]
fn the_scan_reads_grouped_and_plain_uses() {
    let text = "use crate::{facts::Facts, rubric::{self, Rubric}, score};\nlet x = crate::render::Table;\n#[cfg(test)]\nuse crate::batch;";
    assert_eq!(modules_used(text), ["facts", "rubric", "score", "render"]);
}
