//! `perfeval check`: the reviewer that never tires. Recomputes a submitted
//! self-assessment, compares it with the scores it claims, checks the claim against
//! itself, and runs the rubric's consistency checks on the figures.
//!
//! The result is a list of [`Finding`]s with a severity each, and one [`Case`] per
//! indicator, total, grade and consistency check (what JUnit output reports as test
//! cases). `--strict` turns every warning into an error.

use rust_decimal::Decimal;

use crate::diagnostic::{Diagnostic, Position, suggest};
use crate::exact::Exact;
use crate::facts::Facts;
use crate::formula::{Formula, Value};
use crate::number::RoundingMode;
use crate::rubric::{ConsistencyKind, FactKind, Rubric, Severity};
use crate::score::{FactsEvalError, Outcome, Report, eval_facts_formula};

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Indicator(usize),
    /// A claimed score under a key that names no indicator.
    UnknownIndicator(String),
    Total,
    Grade,
    Consistency(usize),
    /// The file as a whole.
    File,
    /// The rubric in use.
    Rubric,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The claimed score is not the computed one.
    Differs,
    /// The claimed score is a justified override of the rule's result.
    Overridden,
    UnknownIndicator,
    NotClaimed,
    /// A claimed subtotal or total is not the sum of the claimed scores under it.
    ClaimSum,
    Grade,
    Consistency,
    NotChecked,
    /// A lint of the rubric in use (`perfeval rubric check`).
    RubricLint,
    /// The file is scored under a rubric other than the one it names (`--rubric`).
    Rescored,
}

impl FindingKind {
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Differs => "differs",
            FindingKind::Overridden => "overridden",
            FindingKind::UnknownIndicator => "unknown_indicator",
            FindingKind::NotClaimed => "not_claimed",
            FindingKind::ClaimSum => "claim_sum",
            FindingKind::Grade => "grade",
            FindingKind::Consistency => "consistency",
            FindingKind::NotChecked => "not_checked",
            FindingKind::RubricLint => "rubric_lint",
            FindingKind::Rescored => "rescored",
        }
    }
}

/// One thing the reviewer noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    pub subject: Subject,
    pub message: String,
    /// Supporting lines: figures, formulas, facts with their values.
    pub details: Vec<String>,
    /// Where in the facts file the finding is (line and column of each place).
    pub lines: Vec<Position>,
}

/// A test case for JUnit: one per indicator, the total, the grade and each consistency
/// check, with the findings that belong to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub subject: Subject,
    pub name: String,
    pub findings: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct CheckReport<'a> {
    pub report: Report<'a>,
    pub strict: bool,
    pub findings: Vec<Finding>,
    pub cases: Vec<Case>,
}

impl CheckReport<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn passed(&self) -> bool {
        self.count(Severity::Error) == 0
    }
}

/// What re-scoring under another rubric did: which rubric, which the file names, and the
/// facts it set aside.
pub fn rescored_message(report: &Report<'_>) -> String {
    let (rubric, facts) = (report.rubric, report.facts);
    let mut message = format!(
        "scored under rubric `{}` v{}, not `{}` that the file names",
        rubric.meta.id, rubric.meta.version, facts.rubric_id
    );
    if !facts.set_aside.is_empty() {
        let names: Vec<&str> = facts.set_aside.iter().map(|(p, _)| p.as_str()).collect();
        message.push_str(&format!(
            "; facts it does not read, set aside: {}",
            names.join(", ")
        ));
    }
    message
}

/// Line and column of a byte offset in the facts file.
fn line(facts: &Facts, offset: usize) -> Position {
    facts.source.position(offset)
}

fn fact_lines(facts: &Facts, used: &[usize]) -> Vec<Position> {
    used.iter()
        .filter_map(|&f| facts.values[f].as_ref().map(|e| line(facts, e.span.start)))
        .collect()
}

fn show_fact(rubric: &Rubric, facts: &Facts, f: usize) -> String {
    let decl = &rubric.facts[f];
    let value = match facts.values[f].as_ref().map(|e| &e.value) {
        Some(crate::facts::FactValue::Number(n)) => n.to_string(),
        Some(crate::facts::FactValue::Bool(b)) => b.to_string(),
        Some(crate::facts::FactValue::Text(t)) => format!("\"{t}\""),
        Some(crate::facts::FactValue::Check(c)) => match c {
            crate::facts::CheckValue::Met => "met".to_string(),
            crate::facts::CheckValue::NotMet => "not met".to_string(),
            crate::facts::CheckValue::Partial(p) => format!("partly met, {} points", p.normalize()),
        },
        Some(crate::facts::FactValue::Judgment(n)) => {
            format!("{} points (evaluator's score)", n.normalize())
        }
        None => "(default)".to_string(),
    };
    let at = facts.values[f]
        .as_ref()
        .map(|e| format!(" ({})", facts.source.at(e.span.start)))
        .unwrap_or_default();
    format!("{} ({}) = {value}{at}", decl.path, decl.label)
}

/// Runs every check. `report` must be scored with overrides applied (not strict): an
/// override is judged here, as a warning, or an error under `strict`.
/// How strictly to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Every warning is an error.
    pub strict: bool,
    /// A submission must claim the score of every scored indicator and the total: a CI
    /// gate cannot then be passed by leaving claims out.
    pub require_claims: bool,
}

pub fn check<'a>(
    report: Report<'a>,
    options: CheckOptions,
    lints: &[Diagnostic],
) -> CheckReport<'a> {
    let strict = options.strict;
    let missing_claim = if options.require_claims {
        Severity::Error
    } else {
        Severity::Note
    };
    let rubric = report.rubric;
    let facts = report.facts;
    let claimed = &facts.claimed;
    let mut findings: Vec<Finding> = Vec::new();
    let mut cases: Vec<Case> = Vec::new();
    let push = |cases: &mut Vec<Case>, findings: &mut Vec<Finding>, case: usize, f: Finding| {
        cases[case].findings.push(findings.len());
        findings.push(f);
    };

    if facts.rescored(rubric) {
        findings.push(Finding {
            severity: Severity::Note,
            kind: FindingKind::Rescored,
            subject: Subject::File,
            message: rescored_message(&report),
            details: Vec::new(),
            lines: facts
                .set_aside
                .iter()
                .map(|(_, span)| line(facts, span.start))
                .collect(),
        });
    }
    if claimed.is_empty() {
        findings.push(Finding {
            severity: missing_claim,
            kind: FindingKind::NotClaimed,
            subject: Subject::File,
            message: if options.require_claims {
                "the submission claims no scores, and --require-claims wants the score of every indicator and the total in a [claimed] table".into()
            } else {
                "the facts file claims no scores: add a [claimed] table to compare them".into()
            },
            details: Vec::new(),
            lines: Vec::new(),
        });
    }

    for i in rubric.preorder() {
        let ind = &rubric.indicators[i];
        let case = open_case(&mut cases, Subject::Indicator(i), ind.name.clone());
        let computed = report.scores[i];
        let leaf = report.leaf(i);
        let claim = claimed.score_of(i);
        // An override is reported whether or not the indicator's own score is claimed:
        // a claimed subtotal or total may rest on it.
        let overridden = leaf.filter(|l| {
            l.override_applied()
                && (l.rule_score != Some(l.score) || matches!(l.outcome, Outcome::RuleFailed(_)))
        });
        if let Some(l) = overridden {
            let o = l.override_.as_ref();
            let rule = match &l.outcome {
                Outcome::RuleFailed(why) => format!("the rule cannot be computed ({why})"),
                _ => format!(
                    "the rule gives {}",
                    l.rule_score.map(|s| s.to_string()).unwrap_or_default()
                ),
            };
            let what = match claim {
                Some(c) if c.score == computed => format!("claimed {} is an override", c.score),
                _ => format!("scored {} by an override", l.score),
            };
            let f = Finding {
                severity: Severity::Warning,
                kind: FindingKind::Overridden,
                subject: Subject::Indicator(i),
                message: format!("{}: {what}; {rule}", ind.name),
                details: vec![
                    format!("basis: {}", crate::render::basis(&report, i)),
                    format!("reason: {}", o.map(|o| o.reason.as_str()).unwrap_or("")),
                ],
                lines: o
                    .map(|o| line(facts, o.span.start))
                    .into_iter()
                    .chain(claim.map(|c| line(facts, c.span.start)))
                    .collect(),
            };
            push(&mut cases, &mut findings, case, f);
        }
        let Some(c) = claim else {
            if leaf.is_some() && !claimed.is_empty() {
                let f = Finding {
                    severity: missing_claim,
                    kind: FindingKind::NotClaimed,
                    subject: Subject::Indicator(i),
                    message: format!("{}: computed {computed}, not claimed", ind.name),
                    details: Vec::new(),
                    lines: Vec::new(),
                };
                push(&mut cases, &mut findings, case, f);
            }
            continue;
        };
        let at = vec![line(facts, c.span.start)];
        if c.score == computed {
            continue;
        }
        let difference = c.score.checked_sub(computed).unwrap_or_default();
        let mut details = vec![format!(
            "claimed {}, computed {computed}, difference {difference:+}",
            c.score
        )];
        let basis = crate::render::basis(&report, i);
        if !basis.is_empty() {
            details.push(format!("basis: {basis}"));
        }
        if let Some(l) = leaf {
            for &fact in &l.facts_used {
                details.push(format!("fact {}", show_fact(rubric, facts, fact)));
            }
            if l.override_applied() {
                details.push(match (&l.outcome, l.rule_score) {
                    (Outcome::RuleFailed(why), _) => format!(
                        "the computed score is the override; the rule cannot be computed ({why})"
                    ),
                    (_, Some(s)) => {
                        format!("the computed score is the override; the rule gives {s}")
                    }
                    (_, None) => "the computed score is the override".to_string(),
                });
            }
        } else {
            details.push(format!(
                "the sum of {} computed third-level scores; `perfeval explain {} {}` shows them",
                ind.children.len(),
                crate::diagnostic::show_path(facts.source.name()),
                ind.id
            ));
        }
        let f = Finding {
            severity: Severity::Error,
            kind: FindingKind::Differs,
            subject: Subject::Indicator(i),
            message: format!("{}: claimed {}, computed {computed}", ind.name, c.score),
            details,
            lines: at,
        };
        push(&mut cases, &mut findings, case, f);
    }

    for c in claimed.scores.iter().filter(|c| c.indicator.is_none()) {
        let candidates = rubric
            .indicators
            .iter()
            .flat_map(|i| [i.id.as_str(), i.name.as_str()]);
        let mut details = Vec::new();
        if let Some(s) = suggest(&c.key, candidates) {
            details.push(format!("did you mean `{s}`?"));
        }
        let case = open_case(
            &mut cases,
            Subject::UnknownIndicator(c.key.clone()),
            c.key.clone(),
        );
        let f = Finding {
            severity: Severity::Error,
            kind: FindingKind::UnknownIndicator,
            subject: Subject::UnknownIndicator(c.key.clone()),
            message: format!(
                "claimed score for `{}`, which rubric `{}` does not have",
                c.key, rubric.meta.id
            ),
            details,
            lines: vec![line(facts, c.span.start)],
        };
        push(&mut cases, &mut findings, case, f);
    }

    // The claim against itself: each claimed parent and the claimed total must be the
    // sum of the claimed scores beneath, where those are all known.
    let mut derived: Vec<Option<Decimal>> = vec![None; rubric.indicators.len()];
    for &i in rubric.preorder().iter().rev() {
        let ind = &rubric.indicators[i];
        let from_children = if ind.children.is_empty() {
            None
        } else {
            checked_sum(ind.children.iter().map(|&c| derived[c]))
        };
        if let (Some(c), Some(sum)) = (claimed.score_of(i), from_children)
            && c.score != sum
        {
            let case = cases
                .iter()
                .position(|k| k.subject == Subject::Indicator(i))
                .unwrap_or(0);
            let f = Finding {
                severity: Severity::Error,
                kind: FindingKind::ClaimSum,
                subject: Subject::Indicator(i),
                message: format!(
                    "{}: claimed {} is not the sum of the scores claimed under it ({sum})",
                    ind.name, c.score
                ),
                details: Vec::new(),
                lines: vec![line(facts, c.span.start)],
            };
            push(&mut cases, &mut findings, case, f);
        }
        derived[i] = claimed.score_of(i).map(|c| c.score).or(from_children);
    }

    let total_case = open_case(&mut cases, Subject::Total, "总分".into());
    if claimed.total.is_none() && options.require_claims && !claimed.is_empty() {
        let f = Finding {
            severity: Severity::Error,
            kind: FindingKind::NotClaimed,
            subject: Subject::Total,
            message: format!("总分: computed {}, not claimed", report.total),
            details: vec!["add `total = …` under [claimed]".into()],
            lines: Vec::new(),
        };
        push(&mut cases, &mut findings, total_case, f);
    }
    if let Some((total, span)) = &claimed.total {
        let at = vec![line(facts, span.start)];
        if *total != report.total {
            let f = Finding {
                severity: Severity::Error,
                kind: FindingKind::Differs,
                subject: Subject::Total,
                message: format!("总分: claimed {total}, computed {}", report.total),
                details: vec![format!(
                    "difference {:+}",
                    total.checked_sub(report.total).unwrap_or_default()
                )],
                lines: at.clone(),
            };
            push(&mut cases, &mut findings, total_case, f);
        }
        let roots = checked_sum(rubric.roots.iter().map(|&r| derived[r]));
        if let Some(sum) = roots
            && sum != *total
        {
            let f = Finding {
                severity: Severity::Error,
                kind: FindingKind::ClaimSum,
                subject: Subject::Total,
                message: format!(
                    "总分: claimed {total} is not the sum of the claimed scores ({sum})"
                ),
                details: Vec::new(),
                lines: at,
            };
            push(&mut cases, &mut findings, total_case, f);
        }
    }

    let grade_case = open_case(&mut cases, Subject::Grade, "等级".into());
    if let Some((grade, span)) = &claimed.grade {
        let at = vec![line(facts, span.start)];
        if let Some((total, _)) = &claimed.total {
            let expected = rubric.grade_for(*total);
            if expected != grade {
                let f = Finding {
                    severity: Severity::Error,
                    kind: FindingKind::Grade,
                    subject: Subject::Grade,
                    message: format!(
                        "等级: claimed {grade}, but the claimed total {total} is {expected}"
                    ),
                    details: grade_bands(rubric),
                    lines: at.clone(),
                };
                push(&mut cases, &mut findings, grade_case, f);
            }
        }
        if *grade != report.grade {
            let f = Finding {
                severity: Severity::Error,
                kind: FindingKind::Grade,
                subject: Subject::Grade,
                message: format!(
                    "等级: claimed {grade}, computed {} (total {})",
                    report.grade, report.total
                ),
                details: grade_bands(rubric),
                lines: at,
            };
            push(&mut cases, &mut findings, grade_case, f);
        }
    }

    for (k, check) in rubric.consistency.iter().enumerate() {
        let case = open_case(
            &mut cases,
            Subject::Consistency(k),
            format!("{} ({})", check.name, check.id),
        );
        if let Some(f) = consistency(&report, k) {
            push(&mut cases, &mut findings, case, f);
        }
    }

    let lint_case = (!lints.is_empty()).then(|| {
        open_case(
            &mut cases,
            Subject::Rubric,
            format!("rubric {} lints", rubric.meta.id),
        )
    });
    for l in lints {
        if let Some(case) = lint_case {
            cases[case].findings.push(findings.len());
        }
        findings.push(Finding {
            severity: Severity::Warning,
            kind: FindingKind::RubricLint,
            subject: Subject::Rubric,
            message: format!("rubric: {}", l.message),
            details: l.help.iter().cloned().collect(),
            lines: Vec::new(),
        });
    }

    if strict {
        for f in &mut findings {
            if f.severity == Severity::Warning {
                f.severity = Severity::Error;
            }
        }
    }
    CheckReport {
        report,
        strict,
        findings,
        cases,
    }
}

/// Adds a test case and returns its index.
fn open_case(cases: &mut Vec<Case>, subject: Subject, name: String) -> usize {
    cases.push(Case {
        subject,
        name,
        findings: Vec::new(),
    });
    cases.len() - 1
}

/// The sum when every term is known and it does not overflow.
fn checked_sum(terms: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    let mut acc = Decimal::ZERO;
    for t in terms {
        acc = acc.checked_add(t?)?;
    }
    Some(acc)
}

fn grade_bands(rubric: &Rubric) -> Vec<String> {
    vec![format!(
        "bands: {}",
        rubric
            .grades
            .iter()
            .map(|g| format!("{} ≥ {}", g.name, g.min.normalize()))
            .collect::<Vec<_>>()
            .join(", ")
    )]
}

fn not_checked(rubric: &Rubric, k: usize, e: &FactsEvalError) -> Finding {
    let check = &rubric.consistency[k];
    let message = match e.missing {
        Some(f) => format!(
            "{} ({}): not checked, the file does not give `{}` ({})",
            check.name, check.id, rubric.facts[f].path, rubric.facts[f].label
        ),
        None => format!("{} ({}): not checked: {}", check.name, check.id, e.message),
    };
    Finding {
        severity: if e.missing.is_some() {
            Severity::Note
        } else {
            check.severity
        },
        kind: FindingKind::NotChecked,
        subject: Subject::Consistency(k),
        message,
        details: Vec::new(),
        lines: Vec::new(),
    }
}

fn number(
    rubric: &Rubric,
    facts: &Facts,
    f: &Formula,
) -> Result<(Exact, Vec<usize>), FactsEvalError> {
    match eval_facts_formula(rubric, facts, f)? {
        (Value::Number(n), used) => Ok((n, used)),
        (Value::Bool(_), _) => Err(FactsEvalError {
            message: format!("`{}` gives true/false, not a number", f.text),
            missing: None,
        }),
    }
}

/// A finding of consistency check `k`: its message, the figures behind it, and each fact
/// it read with its value and line.
fn finding(
    report: &Report<'_>,
    k: usize,
    message: String,
    mut details: Vec<String>,
    used: &[usize],
) -> Finding {
    let (rubric, facts) = (report.rubric, report.facts);
    details.extend(
        used.iter()
            .map(|&f| format!("fact {}", show_fact(rubric, facts, f))),
    );
    Finding {
        severity: rubric.consistency[k].severity,
        kind: FindingKind::Consistency,
        subject: Subject::Consistency(k),
        message,
        details,
        lines: fact_lines(facts, used),
    }
}

/// Runs consistency check `k`; `None` when the figures agree.
fn consistency(report: &Report<'_>, k: usize) -> Option<Finding> {
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
                format!("{} ({}): does not hold", check.name, check.id),
                vec![format!("{} is false", condition.text)],
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
                        message: "the difference of the two sides cannot be held exactly".into(),
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
                format!(
                    "difference {difference} (tolerance {})",
                    tolerance.normalize()
                ),
            ];
            let mut used = lf.clone();
            used.extend(rf.iter().filter(|f| !lf.contains(f)));
            Some(finding(
                report,
                k,
                format!(
                    "{} ({}): {l} ≠ {r}, difference {difference}",
                    check.name, check.id
                ),
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
                        message: format!(
                            "{} = {} cannot be rounded to a decimal",
                            computed.text,
                            value.fraction()
                        ),
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
            let details = vec![format!(
                "stated {}; computed {} = {value} → {}",
                show(stated_value),
                computed.text,
                show(rounded)
            )];
            Some(finding(
                report,
                k,
                format!(
                    "{} ({}): stated {}, but the figures give {}",
                    check.name,
                    check.id,
                    show(stated_value),
                    show(rounded)
                ),
                details,
                &all,
            ))
        }
    }
}
