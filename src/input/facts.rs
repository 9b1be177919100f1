//! A facts file loaded against the rubric it names.

use std::path::Path;

use rust_i18n::t;

use super::registry::Registry;
use super::source::read_facts_source;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::facts::{Facts, FactsDocument};
use crate::input_error::InputError;
use crate::plan::Plan;
use crate::rubric::Rubric;

/// Reads a facts file against the rubric it names in `registry`, with the plan it is
/// scored by: the rubric as it is, and the file's own indicators when the rubric lets it
/// list some (a project's output indicators).
pub fn load_facts<'r>(
    source: &SourceFile,
    registry: &'r Registry,
) -> Result<(Plan<'r>, Facts), InputError> {
    let (doc, id) = parse_facts(source)?;
    let (rubric, mut facts) = read_facts(source, &doc, &id, registry)?;
    let plan = Plan::new(rubric, &mut facts);
    Ok((plan, facts))
}

/// A facts file parsed, with the rubric id it names.
fn parse_facts(
    source: &SourceFile,
) -> Result<(FactsDocument<'_>, toml::Spanned<String>), InputError> {
    if source.text().trim().is_empty() {
        return Err(Diagnostic::new(t!("input.facts_empty"))
            .at(source, 0..0)
            .with_help(t!("input.facts_empty_help"))
            .into());
    }
    let doc = FactsDocument::parse(source)?;
    let id = doc.rubric_id()?;
    Ok((doc, id))
}

/// Reads a parsed facts file against the rubric `id` names in `registry`.
fn read_facts<'r>(
    source: &SourceFile,
    doc: &FactsDocument<'_>,
    id: &toml::Spanned<String>,
    registry: &'r Registry,
) -> Result<(&'r Rubric, Facts), InputError> {
    // `--rubric PATH` scores every file with that rubric, whatever id the file names:
    // the everyday re-scoring of an archive under a newer framework.
    let (rubric, rescore) = match (
        registry.get(id.get_ref()),
        &registry.given,
        registry.rubrics.as_slice(),
    ) {
        (Some(r), _, _) => (r, false),
        (None, Some(_), [only]) => (only, true),
        (None, _, _) => return Err(registry.unknown(source, id)),
    };
    let facts = if rescore {
        doc.interpret_for_rescore(rubric)?
    } else {
        doc.interpret(rubric)?
    };
    // Figures that cannot be true are refused before anything is scored.
    crate::plausible::check(rubric, &facts)?;
    Ok((rubric, facts))
}

/// Loads a facts file with the rubric it names: the one at `rubric_path` when given
/// (its id must match), else the shipped rubric with that id. The file is scored by
/// [`Plan::new`] of the two, which also resolves claims naming the file's own indicators.
pub fn load(facts_path: &Path, rubric_path: Option<&Path>) -> Result<(Rubric, Facts), InputError> {
    load_source(&read_facts_source(facts_path)?, rubric_path)
}

/// [`load`] of a facts source already read.
pub fn load_source(
    source: &SourceFile,
    rubric_path: Option<&Path>,
) -> Result<(Rubric, Facts), InputError> {
    let source = source.clone();
    // Parsed once: the id it names decides which rubric to load.
    let (doc, id) = parse_facts(&source)?;
    let registry = match rubric_path {
        Some(p) => Registry::single(p)?,
        None => Registry::shipped_for(id.get_ref())?,
    };
    let (rubric, facts) = read_facts(&source, &doc, &id, &registry)?;
    // The rubric is moved out of the registry, not copied; it is one of the registry's,
    // so the registry is not empty and `at` is in range.
    let at = registry
        .rubrics
        .iter()
        .position(|r| std::ptr::eq(r, rubric))
        .unwrap_or_default();
    let mut rubrics = registry.rubrics;
    Ok((rubrics.swap_remove(at), facts))
}
