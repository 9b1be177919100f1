//! A facts file loaded against the rubric it names.

use std::borrow::Cow;
use std::path::Path;

use rust_i18n::t;

use super::registry::Registry;
use super::source::read_facts_source;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::facts::{Facts, FactsDocument};
use crate::input_error::InputError;
use crate::rubric::Rubric;

/// Reads a facts file against the rubric it names in `registry`. A rubric whose
/// indicators include the file's own (a project's output indicators) comes back expanded
/// with them; any other comes back as it is.
pub fn load_facts<'r>(
    source: &SourceFile,
    registry: &'r Registry,
) -> Result<(Cow<'r, Rubric>, Facts), InputError> {
    let (doc, id) = parse_facts(source)?;
    read_facts(source, &doc, &id, registry)
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
) -> Result<(Cow<'r, Rubric>, Facts), InputError> {
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
    let mut facts = if rescore {
        doc.interpret_for_rescore(rubric)?
    } else {
        doc.interpret(rubric)?
    };
    // Figures that cannot be true are refused before anything is scored.
    crate::plausible::check(rubric, &facts)?;
    if rubric.indicators.iter().any(|i| i.list.is_some()) {
        let expanded = crate::plan::expand(rubric, &facts);
        // Claims may name the file's own indicators, which exist only now.
        for c in facts
            .claimed
            .scores
            .iter_mut()
            .filter(|c| c.indicator.is_none())
        {
            c.indicator = expanded.find_indicator(&c.key);
        }
        Ok((Cow::Owned(expanded), facts))
    } else {
        Ok((Cow::Borrowed(rubric), facts))
    }
}

/// Loads a facts file with the rubric it names: the one at `rubric_path` when given
/// (its id must match), else the shipped rubric with that id.
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
    Ok((rubric.into_owned(), facts))
}
