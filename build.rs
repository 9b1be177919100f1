//! Embeds every `rubrics/*.toml` in the binary, so that adding a framework means adding
//! a file, and the binary scores from any directory.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // rust-i18n compiles locales/*.toml into the crate but does not tell cargo; a rerun
    // of this script rebuilds the crate when a catalogue changes.
    println!("cargo:rerun-if-changed=locales");
    if let Ok(entries) = std::fs::read_dir("locales") {
        for entry in entries.filter_map(Result::ok) {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
    let dir = Path::new("rubrics");
    println!("cargo:rerun-if-changed=rubrics");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut code = String::from(
        "/// (file name, `[rubric] id`, contents) of each shipped rubric.\npub const SHIPPED: &[(&str, &str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let abs = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let id = std::fs::read_to_string(f)
            .map(|t| rubric_id(&t))
            .unwrap_or_default();
        let _ = writeln!(
            code,
            "    ({name:?}, {id:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out).join("shipped_rubrics.rs"), code) {
        panic!("cannot write the list of shipped rubrics: {e}");
    }
}

/// The `id = "…"` line of the `[rubric]` table, read plainly: the shipped rubrics are
/// ours and write it so. (Loading validates it properly; this only indexes them, so that
/// finding a rubric by id need not parse them all.)
fn rubric_id(text: &str) -> String {
    let mut in_rubric = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_rubric = line == "[rubric]";
            continue;
        }
        if in_rubric
            && let Some(rest) = line.strip_prefix("id = \"")
            && let Some(id) = rest.split('"').next()
        {
            return id.to_string();
        }
    }
    String::new()
}
