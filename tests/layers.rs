//! The library's stages point one way: input → rubric and facts → score → check, batch,
//! gaps, diff → render. No stage below `render` reaches up into it, so a change to an
//! output cannot change what is computed.

use std::path::Path;

use crate::support::repo;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_stage_below_render_imports_it() {
    let src = repo().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let binary = [
        "main.rs",
        "commands.rs",
        "cli.rs",
        "batch_run.rs",
        "check_run.rs",
        "diff_run.rs",
    ];
    let mut offenders = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel.starts_with("render") || binary.iter().any(|b| rel == Path::new(b)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        if text.contains("crate::render") || text.contains("super::render") {
            offenders.push(rel.display().to_string());
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}
