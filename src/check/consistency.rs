//! The rubric's consistency checks on a file's figures.

use super::*;

pub(super) fn not_checked(rubric: &Rubric, k: usize, e: &FactsEvalError) -> Finding {
    let check = &rubric.consistency[k];
    let (message, message_en) = said(|l| {
        match e.missing {
            Some(f) => t!(
                "check.not_checked_missing",
                locale = l,
                check = check.name,
                id = check.id,
                path = rubric.facts[f].path,
                label = rubric.facts[f].label
            ),
            None => t!(
                "check.not_checked",
                locale = l,
                check = check.name,
                id = check.id,
                message = identity_free(l, &e.message)
            ),
        }
        .into_owned()
    });
    Finding {
        severity: if e.missing.is_some() {
            Severity::Note
        } else {
            check.severity
        },
        kind: FindingKind::NotChecked,
        subject: Subject::Consistency(k),
        message,
        message_en,
        details: Vec::new(),
        lines: Vec::new(),
    }
}

pub(super) fn number(
    rubric: &Rubric,
    facts: &Facts,
    f: &Formula,
) -> Result<(Exact, Vec<usize>), FactsEvalError> {
    match eval_facts_formula(rubric, facts, f)? {
        (Value::Number(n), used) => Ok((n, used)),
        (Value::Bool(_), _) => Err(FactsEvalError {
            message: t!("check.bool_not_number", formula = f.text).into_owned(),
            missing: None,
        }),
    }
}

/// A finding of consistency check `k`: its message (written in the locale it is given),
/// the figures behind it, and each fact it read with its value and line.
pub(super) fn finding(
    report: &Report<'_>,
    k: usize,
    message: impl Fn(&str) -> String,
    mut details: Vec<String>,
    used: &[usize],
) -> Finding {
    let (rubric, facts) = (report.rubric, report.facts);
    details.extend(used.iter().map(|&f| show_fact(rubric, facts, f)));
    let (message, message_en) = said(message);
    Finding {
        severity: rubric.consistency[k].severity,
        kind: FindingKind::Consistency,
        subject: Subject::Consistency(k),
        message,
        message_en,
        details,
        lines: fact_lines(facts, used),
    }
}

/// Runs consistency check `k`; `None` when the figures agree.
pub(super) fn consistency(report: &Report<'_>, k: usize) -> Option<Finding> {
    let (rubric, facts) = (report.rubric, report.facts);
    let check = &rubric.consistency[k];
    match &check.kind {
        ConsistencyKind::Holds { condition } => {
            let (holds, used) = match eval_facts_formula(rubric, facts, condition) {
                Ok(v) => v,
                Err(e) => return Some(not_checked(rubric, k, &e)),
            };
            if holds == Value::Bool(true) {
                return None;
            }
            Some(finding(
                report,
                k,
                |l| {
                    t!(
                        "check.does_not_hold",
                        locale = l,
                        check = check.name,
                        id = check.id
                    )
                    .into_owned()
                },
                vec![t!("check.detail_is_false", formula = condition.text).into_owned()],
                &used,
            ))
        }
        ConsistencyKind::Equal {
            left,
            right,
            tolerance,
        } => {
            let (l, lf) = match number(rubric, facts, left) {
                Ok(v) => v,
                Err(e) => return Some(not_checked(rubric, k, &e)),
            };
            let (r, rf) = match number(rubric, facts, right) {
                Ok(v) => v,
                Err(e) => return Some(not_checked(rubric, k, &e)),
            };
            let Some(difference) = l.checked_sub(&r) else {
                return Some(not_checked(
                    rubric,
                    k,
                    &FactsEvalError {
                        message: t!("check.difference_overflows").into_owned(),
                        missing: None,
                    },
                ));
            };
            if difference.abs() <= Exact::from(*tolerance) {
                return None;
            }
            let difference = difference.show_signed();
            let details = vec![
                format!("{} = {l}", left.text),
                format!("{} = {r}", right.text),
                t!(
                    "check.detail_difference_tolerance",
                    difference = difference,
                    tolerance = tolerance.normalize()
                )
                .into_owned(),
            ];
            let mut used = lf.clone();
            used.extend(rf.iter().filter(|f| !lf.contains(f)));
            Some(finding(
                report,
                k,
                |locale| {
                    t!(
                        "check.not_equal",
                        locale = locale,
                        check = check.name,
                        id = check.id,
                        left = l,
                        right = r,
                        difference = difference
                    )
                    .into_owned()
                },
                details,
                &used,
            ))
        }
        ConsistencyKind::Stated { stated, computed } => {
            let Some(stated_value) = facts.values[*stated].as_ref().and_then(|e| match &e.value {
                crate::facts::FactValue::Number(n) => Some(*n),
                _ => None,
            }) else {
                return Some(not_checked(
                    rubric,
                    k,
                    &FactsEvalError {
                        message: String::new(),
                        missing: Some(*stated),
                    },
                ));
            };
            let (value, used) = match number(rubric, facts, computed) {
                Ok(v) => v,
                Err(e) => return Some(not_checked(rubric, k, &e)),
            };
            let scale = stated_value.scale();
            let Some(rounded) = value.round(scale, RoundingMode::HalfAwayFromZero) else {
                return Some(not_checked(
                    rubric,
                    k,
                    &FactsEvalError {
                        message: t!(
                            "check.cannot_round",
                            formula = computed.text,
                            value = value.fraction()
                        )
                        .into_owned(),
                        missing: None,
                    },
                ));
            };
            if rounded == stated_value {
                return None;
            }
            let percent = rubric.facts[*stated].kind == FactKind::Rate;
            let show = |d: Decimal| {
                if percent {
                    // Shown ×100 only when that fits; never the bare ratio as a percentage.
                    match d.checked_mul(Decimal::ONE_HUNDRED) {
                        Some(mut p) => {
                            p.rescale(scale.saturating_sub(2));
                            format!("{p}%")
                        }
                        None => format!("{d} (×100%)"),
                    }
                } else {
                    d.to_string()
                }
            };
            let mut all = vec![*stated];
            all.extend(used.iter().filter(|&&f| f != *stated));
            let details = vec![
                t!(
                    "check.detail_stated_computed",
                    stated = show(stated_value),
                    formula = computed.text,
                    value = value,
                    rounded = show(rounded)
                )
                .into_owned(),
            ];
            Some(finding(
                report,
                k,
                |l| {
                    t!(
                        "check.stated_differs",
                        locale = l,
                        check = check.name,
                        id = check.id,
                        stated = show(stated_value),
                        computed = show(rounded)
                    )
                    .into_owned()
                },
                details,
                &all,
            ))
        }
    }
}
