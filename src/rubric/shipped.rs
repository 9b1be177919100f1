//! The rubrics under `rubrics/`, embedded in the binary at build time (see `build.rs`),
//! each with its compiled form when it has a current one (see [`super::compiled`]).

use super::Rubric;
use crate::diagnostic::{Diagnostics, SourceFile};

include!(concat!(env!("OUT_DIR"), "/shipped_rubrics.rs"));

/// A shipped rubric's source, named `rubrics/<file>`, with the SHA-256 `build.rs` took.
fn source((name, _, text, sha256): &(&str, &str, &str, &str)) -> SourceFile {
    SourceFile::hashed(format!("rubrics/{name}"), *text, sha256)
}

/// The source of every shipped rubric, named `rubrics/<file>`.
pub fn sources() -> impl Iterator<Item = SourceFile> {
    SHIPPED.iter().map(source)
}

/// Loads every shipped rubric.
pub fn all() -> Result<Vec<Rubric>, Diagnostics> {
    SHIPPED.iter().map(load).collect()
}

/// The ids of the shipped rubrics, known without loading any of them.
pub fn ids() -> impl Iterator<Item = &'static str> {
    SHIPPED.iter().map(|(_, id, ..)| *id)
}

/// The shipped rubric with this id, if any.
pub fn find(id: &str) -> Result<Option<Rubric>, Diagnostics> {
    SHIPPED
        .iter()
        .find(|(_, shipped_id, ..)| *shipped_id == id)
        .map(load)
        .transpose()
}

/// The shipped rubric whose `[rubric] id` is `id`, as source: what `extends` names.
pub fn source_of(id: &str) -> Option<SourceFile> {
    SHIPPED
        .iter()
        .find(|(_, shipped_id, ..)| *shipped_id == id)
        .map(source)
}

/// A shipped rubric: its compiled form when that is current, else its TOML loaded.
fn load(entry: &(&str, &str, &str, &str)) -> Result<Rubric, Diagnostics> {
    match compiled(entry.0) {
        Some(rubric) => Ok(rubric),
        None => super::load::load_with(&source(entry), &source_of),
    }
}

/// The current compiled form of the shipped rubric in file `name`, if there is one.
pub fn compiled(name: &str) -> Option<Rubric> {
    let (_, bytes) = COMPILED.iter().find(|(n, _)| *n == name)?;
    super::compiled::decode(bytes, &format!("rubrics/{name}"), &|wanted| {
        SHIPPED
            .iter()
            .find(|(n, ..)| wanted.strip_prefix("rubrics/") == Some(*n))
            .map(|entry| (source(entry), entry.3))
    })
}

/// The name of each shipped rubric file with its TOML source, for `tests/compiled.rs`.
pub fn files() -> impl Iterator<Item = (&'static str, SourceFile)> {
    SHIPPED.iter().map(|entry| (entry.0, source(entry)))
}
