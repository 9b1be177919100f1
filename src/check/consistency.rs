//! The rubric's consistency checks on a file's figures.

use super::*;

/// The finding of consistency check `k` that could not be run.
pub(super) fn not_checked(rubric: &crate::plan::Plan<'_>, k: usize, why: Unchecked) -> Finding {
    let check = &rubric.consistency[k];
    Finding {
        severity: if matches!(why, Unchecked::Missing(_)) {
            Severity::Note
        } else {
            check.severity
        },
        says: Says::NotChecked { check: k, why },
        lines: Vec::new(),
    }
}

/// Why a formula reading facts could not be computed.
fn unchecked(e: crate::score::FactsEvalError) -> Unchecked {
    match e.missing {
        Some(f) => Unchecked::Missing(f),
        None => Unchecked::Failed(e.message),
    }
}

/// The value of a formula that must be a number, and the facts it read.
pub(super) fn number(report: &Report<'_>, f: &Formula) -> Result<(Exact, Vec<usize>), Unchecked> {
    match eval_facts_formula(report.rubric, report.facts, f).map_err(unchecked)? {
        (Value::Number(n), used) => Ok((n, used)),
        (Value::Bool(_), _) => Err(Unchecked::NotANumber {
            formula: f.text.clone(),
        }),
    }
}

/// A finding of consistency check `k` saying `says`, at each fact it read.
fn finding(report: &Report<'_>, k: usize, says: Says, used: &[usize]) -> Finding {
    Finding {
        severity: report.rubric.consistency[k].severity,
        says,
        lines: fact_lines(report.facts, used),
    }
}

/// Runs consistency check `k`; `None` when the figures agree.
pub(super) fn consistency(report: &Report<'_>, k: usize) -> Option<Finding> {
    match run(report, k) {
        Ok(finding) => finding,
        Err(why) => Some(not_checked(report.rubric, k, why)),
    }
}

/// Consistency check `k`: `Ok(None)` when the figures agree, `Err` when it cannot be run.
fn run(report: &Report<'_>, k: usize) -> Result<Option<Finding>, Unchecked> {
    let (rubric, facts) = (report.rubric, report.facts);
    let check = &rubric.consistency[k];
    match &check.kind {
        ConsistencyKind::Holds { condition } => {
            let (holds, used) = eval_facts_formula(rubric, facts, condition).map_err(unchecked)?;
            if holds == Value::Bool(true) {
                return Ok(None);
            }
            let says = Says::DoesNotHold {
                check: k,
                condition: condition.text.clone(),
                facts: facts_used(facts, &used),
            };
            Ok(Some(finding(report, k, says, &used)))
        }
        ConsistencyKind::Equal {
            left,
            right,
            tolerance,
        } => {
            let (l, lf) = number(report, left)?;
            let (r, rf) = number(report, right)?;
            let difference = l.checked_sub(&r).ok_or(Unchecked::DifferenceOverflows)?;
            if difference.abs() <= Exact::from(*tolerance) {
                return Ok(None);
            }
            let mut used = lf.clone();
            used.extend(rf.iter().filter(|f| !lf.contains(f)));
            let says = Says::NotEqual {
                check: k,
                left: Figure {
                    formula: left.text.clone(),
                    value: l,
                },
                right: Figure {
                    formula: right.text.clone(),
                    value: r,
                },
                difference,
                tolerance: *tolerance,
                facts: facts_used(facts, &used),
            };
            Ok(Some(finding(report, k, says, &used)))
        }
        ConsistencyKind::Stated { stated, computed } => {
            let stated_value = facts.values[*stated]
                .as_ref()
                .and_then(|e| match &e.value {
                    crate::facts::FactValue::Number(n) => Some(*n),
                    _ => None,
                })
                .ok_or(Unchecked::Missing(*stated))?;
            let (value, used) = number(report, computed)?;
            let Some(rounded) = value.round(stated_value.scale(), RoundingMode::HalfAwayFromZero)
            else {
                return Err(Unchecked::CannotRound {
                    formula: computed.text.clone(),
                    value,
                });
            };
            if rounded == stated_value {
                return Ok(None);
            }
            let mut all = vec![*stated];
            all.extend(used.iter().filter(|&&f| f != *stated));
            let says = Says::StatedDiffers {
                check: k,
                stated: stated_value,
                computed: Figure {
                    formula: computed.text.clone(),
                    value,
                },
                rounded,
                percent: rubric.facts[*stated].kind == FactKind::Rate,
                facts: facts_used(facts, &all),
            };
            Ok(Some(finding(report, k, says, &all)))
        }
    }
}
