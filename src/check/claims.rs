//! The claimed scores, subtotals, total and grade against the computed ones.

use super::*;

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
                    format!("basis: {}", crate::score::basis::basis(&report, i)),
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
        let basis = crate::score::basis::basis(&report, i);
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
pub(super) fn open_case(cases: &mut Vec<Case>, subject: Subject, name: String) -> usize {
    cases.push(Case {
        subject,
        name,
        findings: Vec::new(),
    });
    cases.len() - 1
}

/// The sum when every term is known and it does not overflow.
pub(super) fn checked_sum(terms: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    let mut acc = Decimal::ZERO;
    for t in terms {
        acc = acc.checked_add(t?)?;
    }
    Some(acc)
}

pub(super) fn grade_bands(rubric: &Rubric) -> Vec<String> {
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
