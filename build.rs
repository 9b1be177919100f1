//! Embeds every `rubrics/*.toml` in the binary, so that adding a framework means adding
//! a file, and the binary scores from any directory.

use std::fmt::Write;
use std::path::{Path, PathBuf};

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
        "/// (file name, `[rubric] id`, contents, SHA-256 of the contents) of each shipped rubric.\npub const SHIPPED: &[(&str, &str, &str, &str)] = &[\n",
    );
    let mut ids = std::collections::HashSet::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let abs = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let id = rubric_id(&text);
        // `extends` and the facts files name a rubric by id: two files with one id would
        // make which one is meant depend on file order.
        if !id.is_empty() && !ids.insert(id.clone()) {
            panic!("two shipped rubrics have the id `{id}`; each needs its own");
        }
        let _ = writeln!(
            code,
            "    ({name:?}, {id:?}, include_str!({:?}), {:?}),",
            abs.display().to_string(),
            sha256_hex(text.as_bytes())
        );
    }
    code.push_str("];\n");
    code.push_str(&compiled_forms(&files));
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(e) = std::fs::write(Path::new(&out).join("shipped_rubrics.rs"), code) {
        panic!("cannot write the list of shipped rubrics: {e}");
    }
    // Apart, for `src/rubric/compiled.rs`: it checks a compiled form against the loader
    // and needs nothing else of the shipped rubrics.
    if let Err(e) = std::fs::write(Path::new(&out).join("rubric_loader.rs"), loader()) {
        panic!("cannot write the hash of the rubric loader: {e}");
    }
}

/// The compiled form of each shipped rubric that has one (`rubrics/compiled/<name>.bin`).
/// A compiled form made by other code ([`loader`]), or from other TOML, is not used (see
/// `src/rubric/compiled.rs`).
fn compiled_forms(files: &[PathBuf]) -> String {
    let mut code = String::from(
        "/// (file name, compiled form) of each shipped rubric compiled by `tests/compiled.rs`.\npub const COMPILED: &[(&str, &[u8])] = &[\n",
    );
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let bin = Path::new("rubrics/compiled")
            .join(name)
            .with_extension("bin");
        println!("cargo:rerun-if-changed={}", bin.display());
        if bin.exists() {
            let abs = std::fs::canonicalize(&bin).unwrap_or(bin);
            let _ = writeln!(
                code,
                "    ({name:?}, include_bytes!({:?})),",
                abs.display().to_string()
            );
        }
    }
    code.push_str("];\n");
    println!("cargo:rerun-if-changed=rubrics/compiled");
    code
}

/// The hash of the code that makes a compiled rubric what it is: the loader and what it
/// builds on.
fn loader() -> String {
    let mut code = String::new();
    // What decides the compiled rubric: the loader, the formula parser, the TOML reader,
    // numbers, the sources it points into, and the crates with their versions and
    // features (a feature can change how a value is written).
    let mut inputs: Vec<PathBuf> = vec![PathBuf::from("Cargo.lock"), PathBuf::from("Cargo.toml")];
    for root in [
        "src/rubric",
        "src/formula",
        "src/toml_read",
        "src/exact",
        "src/diagnostic",
        "src/number.rs",
    ] {
        println!("cargo:rerun-if-changed={root}");
        inputs.extend(rust_files(Path::new(root)));
    }
    inputs.sort();
    let mut all = Vec::new();
    for p in &inputs {
        println!("cargo:rerun-if-changed={}", p.display());
        // The same hash on every system: `/` between path parts, and line ends as the
        // repository has them (a checkout may turn them into CRLF).
        all.extend_from_slice(p.to_string_lossy().replace('\\', "/").as_bytes());
        all.push(0);
        let bytes = std::fs::read(p).unwrap_or_default();
        all.extend(bytes.iter().copied().filter(|b| *b != b'\r'));
        all.push(0);
    }
    let _ = writeln!(
        code,
        "/// SHA-256 of the code a compiled rubric depends on.\npub const LOADER: &str = {:?};",
        sha256_hex(&all)
    );
    code
}

/// `path` if it is a file, else every `.rs` file under it; nothing when it does not exist.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(path) {
        for p in entries.filter_map(Result::ok).map(|e| e.path()) {
            if p.is_dir() {
                out.extend(rust_files(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
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
