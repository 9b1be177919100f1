//! The rubrics under `rubrics/`, embedded in the binary at build time (see `build.rs`),
//! each with its compiled form when it has a current one (see [`super::compiled`]).

use super::Rubric;
use crate::diagnostic::{Diagnostics, SourceFile};

include!(concat!(env!("OUT_DIR"), "/shipped_rubrics.rs"));

fn source(name: &str, text: &str) -> SourceFile {
    SourceFile::new(format!("rubrics/{name}"), text)
}

/// The source of every shipped rubric, named `rubrics/<file>`.
pub fn sources() -> impl Iterator<Item = SourceFile> {
    SHIPPED.iter().map(|(name, _, text, _)| source(name, text))
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
        .map(|(name, _, text, _)| source(name, text))
}

/// A shipped rubric: its compiled form when that is current, else its TOML loaded.
fn load((name, _, text, _): &(&str, &str, &str, &str)) -> Result<Rubric, Diagnostics> {
    match compiled(name) {
        Some(rubric) => Ok(rubric),
        None => super::load::load_with(&source(name, text), &source_of),
    }
}

/// The current compiled form of the shipped rubric in file `name`, if there is one.
pub fn compiled(name: &str) -> Option<Rubric> {
    let (_, bytes) = COMPILED.iter().find(|(n, _)| *n == name)?;
    super::compiled::decode(bytes, &format!("rubrics/{name}"), &|wanted| {
        SHIPPED
            .iter()
            .find(|(n, ..)| wanted.strip_prefix("rubrics/") == Some(*n))
            .map(|(n, _, text, sha256)| (source(n, text), *sha256))
    })
}

/// The name of each shipped rubric file with its TOML source, for `tests/compiled.rs`.
pub fn files() -> impl Iterator<Item = (&'static str, SourceFile)> {
    SHIPPED
        .iter()
        .map(|(name, _, text, _)| (*name, source(name, text)))
}
