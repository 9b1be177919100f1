//! Plausibility: the rubric's `[[plausibility]]` rules, applied to a facts file before it
//! is scored. A file whose figures cannot be true (7,901 of 812.4 fixed assets in use, 21
//! of 12 projects on time) is refused with every fact of the broken rule, its value and
//! its line, instead of being scored as if it were real.

use rust_i18n::t;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::facts::{FactValue, Facts};
use crate::formula::Value;
use crate::rubric::Rubric;
use crate::score::eval_facts_formula;

/// Every plausibility rule the facts break, as errors. A rule whose facts the file does
/// not give is skipped: a missing fact is reported when it is needed for a score. A rule
/// that cannot be evaluated on the figures (a zero divisor) is an error too: figures that
/// cannot be checked are not taken on trust.
pub fn check(rubric: &Rubric, facts: &Facts) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    for rule in &rubric.plausibility {
        let (value, used) = match eval_facts_formula(rubric, facts, &rule.condition) {
            Ok(v) => v,
            Err(e) if e.missing.is_some() => continue,
            Err(e) => {
                diags.push(
                    Diagnostic::new(t!(
                        "plausible.cannot_check",
                        name = rule.name,
                        id = rule.id,
                        message = e.message
                    ))
                    .at(&facts.source, 0..0)
                    .with_help(t!("plausible.cannot_check_help")),
                );
                continue;
            }
        };
        if value != Value::Bool(false) {
            continue;
        }
        let source = &facts.source;
        let shown: Vec<String> = used
            .iter()
            .map(|&f| {
                let decl = &rubric.facts[f];
                let entry = facts.values[f].as_ref();
                let value = match entry.map(|e| &e.value) {
                    Some(FactValue::Number(n)) => {
                        let unit = if decl.unit.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", decl.unit)
                        };
                        match decl.kind {
                            crate::rubric::FactKind::Rate => crate::number::percent(*n),
                            _ => format!("{}{unit}", n.normalize()),
                        }
                    }
                    Some(FactValue::Bool(b)) => b.to_string(),
                    Some(_) => "…".to_string(),
                    None => t!("plausible.rubric_default").into_owned(),
                };
                match (facts.changes.iter().find(|c| c.fact == f), entry) {
                    // A value set by --set is not on the file's line.
                    (Some(c), _) => t!(
                        "plausible.fact_set",
                        path = decl.path,
                        label = decl.label,
                        value = value,
                        given = c.given
                    ),
                    (None, Some(e)) => t!(
                        "plausible.fact_at",
                        path = decl.path,
                        label = decl.label,
                        value = value,
                        at = source.spot(e.span.start)
                    ),
                    (None, None) => t!(
                        "plausible.fact",
                        path = decl.path,
                        label = decl.label,
                        value = value
                    ),
                }
                .into_owned()
            })
            .collect();
        // The caret goes to the first fact of the rule the file gives (`in_use` of
        // `in_use <= total`); the help names every one.
        let at = used
            .iter()
            .find_map(|&f| facts.values[f].as_ref())
            .map(|e| e.span.clone())
            .unwrap_or(0..0);
        diags.push(
            Diagnostic::new(t!(
                "plausible.cannot_be_true",
                name = rule.name,
                id = rule.id,
                condition = rule.condition.text,
                facts = shown.join(t!("toml.clause_separator").as_ref())
            ))
            .at(source, at)
            .with_help(t!("plausible.cannot_be_true_help")),
        );
    }
    diags.into_result(())
}
