//! The rubrics under `rubrics/`, embedded in the binary at build time (see `build.rs`).

use super::Rubric;
use crate::diagnostic::{Diagnostics, SourceFile};

include!(concat!(env!("OUT_DIR"), "/shipped_rubrics.rs"));

/// The source of every shipped rubric, named `rubrics/<file>`.
pub fn sources() -> impl Iterator<Item = SourceFile> {
    SHIPPED
        .iter()
        .map(|(name, _, text)| SourceFile::new(format!("rubrics/{name}"), *text))
}

/// Loads every shipped rubric.
pub fn all() -> Result<Vec<Rubric>, Diagnostics> {
    sources().map(|s| super::load(&s)).collect()
}

/// The ids of the shipped rubrics, known without loading any of them.
pub fn ids() -> impl Iterator<Item = &'static str> {
    SHIPPED.iter().map(|(_, id, _)| *id)
}

/// The shipped rubric with this id, if any.
pub fn find(id: &str) -> Result<Option<Rubric>, Diagnostics> {
    source_of(id).map(|s| super::load(&s)).transpose()
}

/// The shipped rubric whose `[rubric] id` is `id`, as source: what `extends` names.
pub fn source_of(id: &str) -> Option<SourceFile> {
    SHIPPED
        .iter()
        .find(|(_, shipped_id, _)| *shipped_id == id)
        .map(|(name, _, text)| SourceFile::new(format!("rubrics/{name}"), *text))
}
