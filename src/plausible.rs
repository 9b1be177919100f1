//! Plausibility: the rubric's `[[plausibility]]` rules, applied to a facts file before it
//! is scored. A file whose figures cannot be true (7,901 of 812.4 fixed assets in use, 21
//! of 12 projects on time) is refused with every fact of the broken rule, its value and
//! its line, instead of being scored as if it were real.

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
                    Diagnostic::new(format!(
                        "the figures cannot be checked against {} ({}): {}",
                        rule.name, rule.id, e.message
                    ))
                    .at(&facts.source, 0..0)
                    .with_help("the rubric's plausibility rule must hold for every figure it reads; tell whoever maintains the rubric"),
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
                    None => "(the rubric's default)".to_string(),
                };
                // A value set by --set is not on the file's line.
                let line = match facts.changes.iter().find(|c| c.fact == f) {
                    Some(c) => format!(", set by --set {}", c.given),
                    None => entry
                        .map(|e| format!(", {}", source.spot(e.span.start)))
                        .unwrap_or_default(),
                };
                format!("{} ({}) = {value}{line}", decl.path, decl.label)
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
            Diagnostic::new(format!(
                "these figures cannot be true: {} ({}): `{}` does not hold with {}",
                rule.name,
                rule.id,
                rule.condition.text,
                shown.join("; ")
            ))
            .at(source, at)
            .with_help("check the figures against the 决算 and the report; the file is not scored until they hold"),
        );
    }
    diags.into_result(())
}
