//! The claimed scores, subtotals, total and grade against the computed ones.

use super::*;

/// Runs every check. `report` must be scored with overrides applied (not strict): an
/// override is judged here, as a warning, or an error under `strict`.
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
            says: Says::Rescored {
                rubric: rubric.meta.id.clone(),
                version: rubric.meta.version.clone(),
                named: facts.rubric_id.clone(),
                set_aside: facts.set_aside.iter().map(|(p, _)| p.clone()).collect(),
            },
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
            says: Says::NoClaims {
                required: options.require_claims,
            },
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
            let f = Finding {
                severity: Severity::Warning,
                says: Says::Overridden {
                    indicator: i,
                    rule: rule_result(l),
                    claimed: claim.filter(|c| c.score == computed).map(|c| c.score),
                    score: l.score,
                    reason: o.map(|o| o.reason.clone()).unwrap_or_default(),
                },
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
                    says: Says::NotClaimed {
                        indicator: i,
                        computed,
                    },
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
        let from = match leaf {
            Some(l) => ScoredFrom::Rule {
                facts: facts_used(facts, &l.facts_used),
                overridden: l.override_applied().then(|| rule_result(l)),
            },
            None => ScoredFrom::Children,
        };
        let f = Finding {
            severity: Severity::Error,
            says: Says::Differs {
                indicator: i,
                claimed: c.score,
                computed,
                difference: c.score.checked_sub(computed),
                from,
            },
            lines: at,
        };
        push(&mut cases, &mut findings, case, f);
    }

    for c in claimed.scores.iter().filter(|c| c.indicator.is_none()) {
        let candidates = rubric
            .indicators
            .iter()
            .flat_map(|i| [i.id.as_str(), i.name.as_str()]);
        let suggestion = suggest(&c.key, candidates).map(str::to_string);
        let case = open_case(
            &mut cases,
            Subject::UnknownIndicator(c.key.clone()),
            c.key.clone(),
        );
        let f = Finding {
            severity: Severity::Error,
            says: Says::UnknownIndicator {
                key: c.key.clone(),
                suggestion,
            },
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
                says: Says::ClaimNotSum {
                    indicator: i,
                    claimed: c.score,
                    sum,
                },
                lines: vec![line(facts, c.span.start)],
            };
            push(&mut cases, &mut findings, case, f);
        }
        derived[i] = claimed.score_of(i).map(|c| c.score).or(from_children);
    }

    // i18n-exempt: a JUnit case's name, which CI dashboards track across runs and languages
    let total_case = open_case(&mut cases, Subject::Total, "总分".into());
    if claimed.total.is_none() && options.require_claims && !claimed.is_empty() {
        let f = Finding {
            severity: Severity::Error,
            says: Says::TotalNotClaimed {
                computed: report.total,
            },
            lines: Vec::new(),
        };
        push(&mut cases, &mut findings, total_case, f);
    }
    if let Some((total, span)) = &claimed.total {
        let at = vec![line(facts, span.start)];
        if *total != report.total {
            let f = Finding {
                severity: Severity::Error,
                says: Says::TotalDiffers {
                    claimed: *total,
                    computed: report.total,
                    difference: total.checked_sub(report.total),
                },
                lines: at.clone(),
            };
            push(&mut cases, &mut findings, total_case, f);
        }
        let roots = checked_sum(rubric.roots().iter().map(|&r| derived[r]));
        if let Some(sum) = roots
            && sum != *total
        {
            let f = Finding {
                severity: Severity::Error,
                says: Says::TotalNotSum {
                    claimed: *total,
                    sum,
                },
                lines: at,
            };
            push(&mut cases, &mut findings, total_case, f);
        }
    }

    // i18n-exempt: a JUnit case's name, which CI dashboards track across runs and languages
    let grade_case = open_case(&mut cases, Subject::Grade, "等级".into());
    if let Some((grade, span)) = &claimed.grade {
        let at = vec![line(facts, span.start)];
        if let Some((total, _)) = &claimed.total {
            let expected = rubric.grade_for(*total);
            if expected != grade {
                let f = Finding {
                    severity: Severity::Error,
                    says: Says::GradeOfClaimedTotal {
                        claimed: grade.clone(),
                        total: *total,
                        expected: expected.to_string(),
                    },
                    lines: at.clone(),
                };
                push(&mut cases, &mut findings, grade_case, f);
            }
        }
        if *grade != report.grade {
            let f = Finding {
                severity: Severity::Error,
                says: Says::GradeDiffers {
                    claimed: grade.clone(),
                    computed: report.grade.to_string(),
                    total: report.total,
                },
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
            // i18n-exempt: a JUnit case's name, which CI dashboards track across runs and languages
            format!("rubric {} lints", rubric.meta.id),
        )
    });
    for l in lints {
        if let Some(case) = lint_case {
            cases[case].findings.push(findings.len());
        }
        findings.push(Finding {
            severity: Severity::Warning,
            says: Says::RubricLint {
                message: l.message.clone(),
                help: l.help.clone(),
                code: l.code,
                file: l
                    .position()
                    .map(|(path, _)| path.to_string_lossy().into_owned()),
                at: l.position().map(|(_, at)| at),
            },
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

/// What an overridden leaf's own rule gave.
fn rule_result(l: &crate::score::LeafTrace) -> RuleResult {
    match (&l.outcome, l.rule_score) {
        (Outcome::RuleFailed(why), _) => RuleResult::Failed(why.clone()),
        (_, Some(s)) => RuleResult::Scored(s),
        (_, None) => RuleResult::Unknown,
    }
}
