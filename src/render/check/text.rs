//! A finding in words: its message and detail lines, in the language of the run, written
//! from what it says. Every output of `check` (text, JSON, JUnit, SARIF, GitLab) takes
//! its words from here.

use std::borrow::Cow;

use rust_decimal::Decimal;
use rust_i18n::t;

use crate::check::{
    CheckReport, FactUsed, Figure, Finding, RuleResult, Says, ScoredFrom, Unchecked,
};
use crate::exact::Exact;
use crate::facts::{CheckValue, FactValue};
use crate::plan::Plan;
use crate::score::Report;

/// A finding's message, and its supporting lines: figures, formulas, facts with their
/// values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingText {
    pub message: String,
    pub details: Vec<String>,
}

/// The words of finding `f` of `check`, in the language of the run.
pub fn finding_text(check: &CheckReport<'_>, f: &Finding) -> FindingText {
    let report = &check.report;
    let rubric = report.rubric;
    let (message, details) = match &f.says {
        Says::Rescored {
            rubric: id,
            version,
            named,
            set_aside,
        } => {
            let message = if set_aside.is_empty() {
                t!(
                    "check.rescored",
                    rubric = id,
                    version = version,
                    named = named
                )
            } else {
                t!(
                    "check.rescored_set_aside",
                    rubric = id,
                    version = version,
                    named = named,
                    facts = set_aside.join(&t!("check.list_separator"))
                )
            };
            (message, Vec::new())
        }
        Says::NoClaims { required: true } => (t!("check.no_claims_required"), Vec::new()),
        Says::NoClaims { required: false } => (t!("check.no_claims"), Vec::new()),
        Says::NotClaimed {
            indicator,
            computed,
        } => (
            t!(
                "check.not_claimed",
                indicator = rubric.indicators[*indicator].name,
                computed = computed
            ),
            Vec::new(),
        ),
        Says::TotalNotClaimed { computed } => (
            t!("check.total_not_claimed", total = computed),
            vec![t!("check.detail_add_total").into_owned()],
        ),
        Says::Overridden {
            indicator,
            rule,
            claimed,
            score,
            reason,
        } => overridden(report, *indicator, rule, *claimed, *score, reason),
        Says::Differs {
            indicator,
            claimed,
            computed,
            difference,
            from,
        } => differs(report, *indicator, *claimed, *computed, *difference, from),
        Says::TotalDiffers {
            claimed,
            computed,
            difference,
        } => (
            t!(
                "check.total_differs",
                claimed = claimed,
                computed = computed
            ),
            vec![t!("check.detail_difference", difference = signed(*difference)).into_owned()],
        ),
        Says::UnknownIndicator { key, suggestion } => (
            t!(
                "check.unknown_indicator",
                key = key,
                rubric = rubric.meta.id
            ),
            suggestion
                .iter()
                .map(|s| t!("check.did_you_mean", name = s).into_owned())
                .collect(),
        ),
        Says::ClaimNotSum {
            indicator,
            claimed,
            sum,
        } => (
            t!(
                "check.claim_not_sum",
                indicator = rubric.indicators[*indicator].name,
                claimed = claimed,
                sum = sum
            ),
            Vec::new(),
        ),
        Says::TotalNotSum { claimed, sum } => (
            t!("check.total_not_sum", claimed = claimed, sum = sum),
            Vec::new(),
        ),
        Says::GradeOfClaimedTotal {
            claimed,
            total,
            expected,
        } => (
            t!(
                "check.grade_of_claimed_total",
                claimed = claimed,
                total = total,
                expected = expected
            ),
            grade_bands(rubric),
        ),
        Says::GradeDiffers {
            claimed,
            computed,
            total,
        } => (
            t!(
                "check.grade_differs",
                claimed = claimed,
                computed = computed,
                total = total
            ),
            grade_bands(rubric),
        ),
        Says::RubricLint { message, help, .. } => (
            t!("check.rubric_lint", message = message),
            help.iter().cloned().collect(),
        ),
        Says::NotChecked { check, why } => (not_checked(rubric, *check, why), Vec::new()),
        Says::DoesNotHold {
            check,
            condition,
            facts,
        } => {
            let c = &rubric.consistency[*check];
            let details =
                std::iter::once(t!("check.detail_is_false", formula = condition).into_owned())
                    .chain(facts.iter().map(|u| show_fact(report, u)))
                    .collect();
            (
                t!("check.does_not_hold", check = c.name, id = c.id),
                details,
            )
        }
        Says::NotEqual {
            check,
            left,
            right,
            difference,
            tolerance,
            facts,
        } => not_equal(report, *check, (left, right), difference, *tolerance, facts),
        Says::StatedDiffers {
            check,
            stated,
            computed,
            rounded,
            percent,
            facts,
        } => stated_differs(
            report,
            *check,
            *stated,
            (computed, *rounded),
            *percent,
            facts,
        ),
    };
    FindingText {
        message: message.into_owned(),
        details,
    }
}

/// An override that set an indicator's score instead of its rule.
fn overridden(
    report: &Report<'_>,
    i: usize,
    rule: &RuleResult,
    claimed: Option<Decimal>,
    score: Decimal,
    reason: &str,
) -> (Cow<'static, str>, Vec<String>) {
    let name = &report.rubric.indicators[i].name;
    let message = match (rule, claimed) {
        (RuleResult::Failed(why), Some(c)) => t!(
            "check.override_claimed_rule_failed",
            indicator = name,
            claimed = c,
            why = why
        ),
        (RuleResult::Failed(why), None) => t!(
            "check.override_scored_rule_failed",
            indicator = name,
            score = score,
            why = why
        ),
        (rule, Some(c)) => t!(
            "check.override_claimed",
            indicator = name,
            claimed = c,
            rule = rule_score(rule)
        ),
        (rule, None) => t!(
            "check.override_scored",
            indicator = name,
            score = score,
            rule = rule_score(rule)
        ),
    };
    let basis = crate::score::basis::basis(report, i);
    let details = vec![
        t!("check.detail_basis", basis = basis).into_owned(),
        t!("check.detail_reason", reason = reason).into_owned(),
    ];
    (message, details)
}

/// The score a rule gave, or nothing.
fn rule_score(rule: &RuleResult) -> String {
    match rule {
        RuleResult::Scored(s) => s.to_string(),
        RuleResult::Failed(_) | RuleResult::Unknown => String::new(),
    }
}

/// A claimed score that is not the computed one, and what the computed one rests on.
fn differs(
    report: &Report<'_>,
    i: usize,
    claimed: Decimal,
    computed: Decimal,
    difference: Option<Decimal>,
    from: &ScoredFrom,
) -> (Cow<'static, str>, Vec<String>) {
    let (rubric, facts) = (report.rubric, report.facts);
    let ind = &rubric.indicators[i];
    let mut details = vec![
        t!(
            "check.detail_claimed_computed",
            claimed = claimed,
            computed = computed,
            difference = signed(difference)
        )
        .into_owned(),
    ];
    let basis = crate::score::basis::basis(report, i);
    if !basis.is_empty() {
        details.push(t!("check.detail_basis", basis = basis).into_owned());
    }
    match from {
        ScoredFrom::Rule {
            facts: used,
            overridden,
        } => {
            details.extend(used.iter().map(|u| show_fact(report, u)));
            if let Some(rule) = overridden {
                details.push(
                    match rule {
                        RuleResult::Failed(why) => {
                            t!("check.detail_override_rule_failed", why = why)
                        }
                        RuleResult::Scored(s) => t!("check.detail_override_rule_gives", rule = s),
                        RuleResult::Unknown => t!("check.detail_override"),
                    }
                    .into_owned(),
                );
            }
        }
        ScoredFrom::Children => details.push(
            t!(
                "check.detail_sum_of_children",
                count = ind.children.len(),
                file = crate::diagnostic::show_path(facts.source.name()),
                id = ind.id
            )
            .into_owned(),
        ),
    }
    let message = t!(
        "check.differs",
        indicator = ind.name,
        claimed = claimed,
        computed = computed
    );
    (message, details)
}

/// Why consistency check `k` could not be run.
fn not_checked(rubric: &Plan<'_>, k: usize, why: &Unchecked) -> Cow<'static, str> {
    let c = &rubric.consistency[k];
    let message = match why {
        Unchecked::Missing(f) => {
            return t!(
                "check.not_checked_missing",
                check = c.name,
                id = c.id,
                path = rubric.facts[*f].path,
                label = rubric.facts[*f].label
            );
        }
        Unchecked::Failed(message) => Cow::Owned(message.clone()),
        Unchecked::NotANumber { formula } => t!("check.bool_not_number", formula = formula),
        Unchecked::DifferenceOverflows => t!("check.difference_overflows"),
        Unchecked::CannotRound { formula, value } => t!(
            "check.cannot_round",
            formula = formula,
            value = value.fraction()
        ),
    };
    t!(
        "check.not_checked",
        check = c.name,
        id = c.id,
        message = message
    )
}

/// Consistency check `k`'s two sides, apart by more than the tolerance.
fn not_equal(
    report: &Report<'_>,
    k: usize,
    (left, right): (&Figure, &Figure),
    difference: &Exact,
    tolerance: Decimal,
    used: &[FactUsed],
) -> (Cow<'static, str>, Vec<String>) {
    let c = &report.rubric.consistency[k];
    let difference = difference.show_signed();
    let mut details = vec![
        format!("{} = {}", left.formula, left.value),
        format!("{} = {}", right.formula, right.value),
        t!(
            "check.detail_difference_tolerance",
            difference = difference,
            tolerance = tolerance.normalize()
        )
        .into_owned(),
    ];
    details.extend(used.iter().map(|u| show_fact(report, u)));
    let message = t!(
        "check.not_equal",
        check = c.name,
        id = c.id,
        left = left.value,
        right = right.value,
        difference = difference
    );
    (message, details)
}

/// Consistency check `k`'s stated figure, not the one its formula gives.
fn stated_differs(
    report: &Report<'_>,
    k: usize,
    stated: Decimal,
    (computed, rounded): (&Figure, Decimal),
    percent: bool,
    used: &[FactUsed],
) -> (Cow<'static, str>, Vec<String>) {
    let c = &report.rubric.consistency[k];
    let show = |d: Decimal| stated_figure(d, stated.scale(), percent);
    let mut details = vec![
        t!(
            "check.detail_stated_computed",
            stated = show(stated),
            formula = computed.formula,
            value = computed.value,
            rounded = show(rounded)
        )
        .into_owned(),
    ];
    details.extend(used.iter().map(|u| show_fact(report, u)));
    let message = t!(
        "check.stated_differs",
        check = c.name,
        id = c.id,
        stated = show(stated),
        computed = show(rounded)
    );
    (message, details)
}

/// A stated figure at the stated figure's `scale`: a rate ×100 with `%` when that fits,
/// never the bare ratio as a percentage.
fn stated_figure(d: Decimal, scale: u32, percent: bool) -> String {
    if !percent {
        return d.to_string();
    }
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(mut p) => {
            p.rescale(scale.saturating_sub(2));
            format!("{p}%")
        }
        None => format!("{d} (×100%)"),
    }
}

/// `fact budget.basic (基本支出全年预算数) = 1137.34 (facts.toml:16)`: a detail line.
fn show_fact(report: &Report<'_>, used: &FactUsed) -> String {
    let decl = &report.rubric.facts[used.fact];
    let value = match &used.value {
        Some(FactValue::Number(n)) => n.to_string(),
        Some(FactValue::Bool(b)) => b.to_string(),
        Some(FactValue::Text(t)) => format!("\"{t}\""),
        Some(FactValue::Check(c)) => match c {
            CheckValue::Met => t!("check.value_met").into_owned(),
            CheckValue::NotMet => t!("check.value_not_met").into_owned(),
            CheckValue::Partial(p) => {
                t!("check.value_partial", points = p.normalize()).into_owned()
            }
        },
        Some(FactValue::Judgment(n)) => {
            t!("check.value_judgment", points = n.normalize()).into_owned()
        }
        None => t!("check.value_default").into_owned(),
    };
    match used.offset {
        Some(offset) => t!(
            "check.detail_fact_at",
            path = decl.path,
            label = decl.label,
            value = value,
            place = report.facts.source.at(offset)
        ),
        None => t!(
            "check.detail_fact",
            path = decl.path,
            label = decl.label,
            value = value
        ),
    }
    .into_owned()
}

/// The rubric's grades and their lower bounds, as one detail line.
fn grade_bands(rubric: &Plan<'_>) -> Vec<String> {
    let bands = rubric
        .grades
        .iter()
        .map(|g| format!("{} ≥ {}", g.name, g.min.normalize()))
        .collect::<Vec<_>>()
        .join(&t!("check.list_separator"));
    vec![t!("check.detail_grade_bands", bands = bands).into_owned()]
}

/// A difference with its sign, or why there is none.
fn signed(difference: Option<Decimal>) -> String {
    match difference {
        Some(d) => format!("{d:+}"),
        None => t!("check.difference_overflows").into_owned(),
    }
}
