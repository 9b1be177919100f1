//! The library's stages point one way: input → rubric and facts → score → check, batch,
//! gaps, diff → render. No stage below `render` reaches up into it, so a change to an
//! output cannot change what is computed.

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
