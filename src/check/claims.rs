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
        let (message, message_en) = said(|l| rescored_message(&report, l));
        findings.push(Finding {
            severity: Severity::Note,
            kind: FindingKind::Rescored,
            subject: Subject::File,
            message,
            message_en,
            details: Vec::new(),
            lines: facts
                .set_aside
                .iter()
                .map(|(_, span)| line(facts, span.start))
                .collect(),
        });
    }
    if claimed.is_empty() {
        let (message, message_en) = said(|l| {
            if options.require_claims {
                t!("check.no_claims_required", locale = l).into_owned()
            } else {
                t!("check.no_claims", locale = l).into_owned()
            }
        });
        findings.push(Finding {
            severity: missing_claim,
            kind: FindingKind::NotClaimed,
            subject: Subject::File,
            message,
            message_en,
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
            let rule_score = l.rule_score.map(|s| s.to_string()).unwrap_or_default();
            let claimed_score = claim.filter(|c| c.score == computed).map(|c| c.score);
            let (message, message_en) = said(|locale| {
                let name = &ind.name;
                match (&l.outcome, claimed_score) {
                    (Outcome::RuleFailed(why), Some(c)) => t!(
                        "check.override_claimed_rule_failed",
                        locale = locale,
                        indicator = name,
                        claimed = c,
                        why = identity_free(locale, why)
                    ),
                    (Outcome::RuleFailed(why), None) => t!(
                        "check.override_scored_rule_failed",
                        locale = locale,
                        indicator = name,
                        score = l.score,
                        why = identity_free(locale, why)
                    ),
                    (_, Some(c)) => t!(
                        "check.override_claimed",
                        locale = locale,
                        indicator = name,
                        claimed = c,
                        rule = rule_score
                    ),
                    (_, None) => t!(
                        "check.override_scored",
                        locale = locale,
                        indicator = name,
                        score = l.score,
                        rule = rule_score
                    ),
                }
                .into_owned()
            });
            let f = Finding {
                severity: Severity::Warning,
                kind: FindingKind::Overridden,
                subject: Subject::Indicator(i),
                message,
                message_en,
                details: vec![
                    t!(
                        "check.detail_basis",
                        basis = crate::score::basis::basis(&report, i)
                    )
                    .into_owned(),
                    t!(
                        "check.detail_reason",
                        reason = o.map(|o| o.reason.as_str()).unwrap_or("")
                    )
                    .into_owned(),
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
                let (message, message_en) = said(|l| {
                    t!(
                        "check.not_claimed",
                        locale = l,
                        indicator = ind.name,
                        computed = computed
                    )
                    .into_owned()
                });
                let f = Finding {
                    severity: missing_claim,
                    kind: FindingKind::NotClaimed,
                    subject: Subject::Indicator(i),
                    message,
                    message_en,
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
        let mut details = vec![
            t!(
                "check.detail_claimed_computed",
                claimed = c.score,
                computed = computed,
                difference = format!("{difference:+}")
            )
            .into_owned(),
        ];
        let basis = crate::score::basis::basis(&report, i);
        if !basis.is_empty() {
            details.push(t!("check.detail_basis", basis = basis).into_owned());
        }
        if let Some(l) = leaf {
            for &fact in &l.facts_used {
                details.push(show_fact(rubric, facts, fact));
            }
            if l.override_applied() {
                details.push(
                    match (&l.outcome, l.rule_score) {
                        (Outcome::RuleFailed(why), _) => {
                            t!("check.detail_override_rule_failed", why = why)
                        }
                        (_, Some(s)) => t!("check.detail_override_rule_gives", rule = s),
                        (_, None) => t!("check.detail_override"),
                    }
                    .into_owned(),
                );
            }
        } else {
            details.push(
                t!(
                    "check.detail_sum_of_children",
                    count = ind.children.len(),
                    file = crate::diagnostic::show_path(facts.source.name()),
                    id = ind.id
                )
                .into_owned(),
            );
        }
        let (message, message_en) = said(|l| {
            t!(
                "check.differs",
                locale = l,
                indicator = ind.name,
                claimed = c.score,
                computed = computed
            )
            .into_owned()
        });
        let f = Finding {
            severity: Severity::Error,
            kind: FindingKind::Differs,
            subject: Subject::Indicator(i),
            message,
            message_en,
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
            details.push(t!("check.did_you_mean", name = s).into_owned());
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
            message: t!(
                "check.unknown_indicator",
                key = c.key,
                rubric = rubric.meta.id
            )
            .into_owned(),
            message_en: t!(
                "check.unknown_indicator",
                locale = "en",
                key = c.key,
                rubric = rubric.meta.id
            )
            .into_owned(),
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
                message: t!(
                    "check.claim_not_sum",
                    indicator = ind.name,
                    claimed = c.score,
                    sum = sum
                )
                .into_owned(),
                message_en: t!(
                    "check.claim_not_sum",
                    locale = "en",
                    indicator = ind.name,
                    claimed = c.score,
                    sum = sum
                )
                .into_owned(),
                details: Vec::new(),
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
            kind: FindingKind::NotClaimed,
            subject: Subject::Total,
            message: t!("check.total_not_claimed", total = report.total).into_owned(),
            message_en: t!(
                "check.total_not_claimed",
                locale = "en",
                total = report.total
            )
            .into_owned(),
            details: vec![t!("check.detail_add_total").into_owned()],
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
                message: t!(
                    "check.total_differs",
                    claimed = total,
                    computed = report.total
                )
                .into_owned(),
                message_en: t!(
                    "check.total_differs",
                    locale = "en",
                    claimed = total,
                    computed = report.total
                )
                .into_owned(),
                details: vec![
                    t!(
                        "check.detail_difference",
                        difference =
                            format!("{:+}", total.checked_sub(report.total).unwrap_or_default())
                    )
                    .into_owned(),
                ],
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
                message: t!("check.total_not_sum", claimed = total, sum = sum).into_owned(),
                message_en: t!(
                    "check.total_not_sum",
                    locale = "en",
                    claimed = total,
                    sum = sum
                )
                .into_owned(),
                details: Vec::new(),
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
                    kind: FindingKind::Grade,
                    subject: Subject::Grade,
                    message: t!(
                        "check.grade_of_claimed_total",
                        claimed = grade,
                        total = total,
                        expected = expected
                    )
                    .into_owned(),
                    message_en: t!(
                        "check.grade_of_claimed_total",
                        locale = "en",
                        claimed = grade,
                        total = total,
                        expected = expected
                    )
                    .into_owned(),
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
                message: t!(
                    "check.grade_differs",
                    claimed = grade,
                    computed = report.grade,
                    total = report.total
                )
                .into_owned(),
                message_en: t!(
                    "check.grade_differs",
                    locale = "en",
                    claimed = grade,
                    computed = report.grade,
                    total = report.total
                )
                .into_owned(),
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
            kind: FindingKind::RubricLint,
            subject: Subject::Rubric,
            message: t!("check.rubric_lint", message = l.message).into_owned(),
            // The lint's text is in the run's language: its place in the rubric file is
            // what stays the same.
            message_en: match l.position() {
                // i18n-exempt: a fingerprint's identity, never shown
                Some((_, at)) => format!("rubric lint {}:{}", at.line, at.char_column),
                // i18n-exempt: a fingerprint's identity, never shown
                None => format!("rubric lint {}", rubric.meta.id),
            },
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
    let bands = rubric
        .grades
        .iter()
        .map(|g| format!("{} ≥ {}", g.name, g.min.normalize()))
        .collect::<Vec<_>>()
        .join(&t!("check.list_separator"));
    vec![t!("check.detail_grade_bands", bands = bands).into_owned()]
}
