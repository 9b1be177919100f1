//! The short "basis" of a leaf's score (key figures, answers, counts): the 依据 column of
//! every output, and the basis `check` and `diff` cite. It summarises the trace, so it
//! belongs to scoring, below everything that shows it.

use rust_i18n::t;

use crate::facts::CheckValue;
use crate::formula::{Target, Value};
use crate::number::plain;
use crate::plan::Plan;
use crate::rubric::{PartKind, Rubric};
use crate::score::{LeafTrace, Outcome, PartDetail, Report};

/// A fact's value with its unit, for people.
pub(crate) fn fact_unit(rubric: &Rubric, fact: usize) -> &str {
    let decl = &rubric.facts[fact];
    if decl.unit.is_empty() && decl.kind == crate::rubric::FactKind::Amount {
        &rubric.meta.unit
    } else {
        &decl.unit
    }
}

/// `12` and `人` → `12 人`; no trailing space without a unit.
pub(crate) fn with_unit(value: String, unit: &str) -> String {
    if unit.is_empty() {
        value
    } else {
        format!("{value} {unit}")
    }
}

/// The basis of leaf `index`: labelled rates (`<label> 99.19%`), answers, counts, `符合 1/1 项`.
pub fn basis(report: &Report<'_>, index: usize) -> String {
    let Some(trace) = report.leaf(index) else {
        return String::new();
    };
    let rubric = report.rubric;
    let Some(rule) = rubric.indicators[index].rule.as_ref() else {
        return String::new();
    };
    let mut items = Vec::new();
    match &trace.outcome {
        Outcome::Vetoed(k) => {
            items.push(t!("score.basis_vetoed", reason = rule.vetoes[*k].reason).into_owned())
        }
        Outcome::Exempt(k) => {
            items.push(t!("score.basis_exempt", reason = rule.exemptions[*k].reason).into_owned())
        }
        Outcome::RuleFailed(why) => {
            items.push(t!("score.basis_rule_failed", why = why).into_owned())
        }
        Outcome::Scored => {}
    }
    for (i, value) in &trace.lets {
        if let (Some(label), Value::Number(v)) = (&rule.lets[*i].label, value) {
            items.push(format!("{label} {}", rule.lets[*i].display.show_exact(v)));
        }
    }
    let (mut checks, mut met, mut partial) = (0, 0, 0);
    for (part, pt) in rule.parts.iter().zip(&trace.parts) {
        match &pt.detail {
            PartDetail::Check { value, .. } => {
                checks += 1;
                match value {
                    CheckValue::Met => met += 1,
                    CheckValue::Partial(_) => partial += 1,
                    CheckValue::NotMet => {}
                }
            }
            PartDetail::Category { fact, answer } => {
                items.push(
                    t!(
                        "score.basis_answer",
                        fact = rubric.facts[*fact].label,
                        answer = answer
                    )
                    .into_owned(),
                );
            }
            PartDetail::Judgment { .. } => {
                items.push(t!("score.basis_judgment", score = pt.raw.show()).into_owned())
            }
            PartDetail::Tier {
                tier,
                judged_by: Some(_),
                ..
            } => {
                if let PartKind::Tiers { tiers, .. } = &part.kind {
                    items.push(
                        t!("score.basis_judged_tier", tier = tiers[*tier].label).into_owned(),
                    );
                }
            }
            PartDetail::Deduction { count } => {
                items.push(deduction_basis(rubric, part, trace, count));
            }
            PartDetail::Item { item, weight } => items.push(item_basis(report, *item, *weight)),
            PartDetail::Tier { .. } | PartDetail::Formula => {}
        }
    }
    if checks > 0 {
        items.push(if partial > 0 {
            t!(
                "score.basis_checks_partial",
                met = met,
                checks = checks,
                partial = partial
            )
            .into_owned()
        } else {
            t!("score.basis_checks", met = met, checks = checks).into_owned()
        });
    }
    if trace.override_applied() {
        // A failed rule already said so at the start of the basis.
        items.push(match trace.outcome {
            Outcome::RuleFailed(_) => {
                t!("score.basis_overridden", score = trace.score).into_owned()
            }
            _ => rule_then_override(trace),
        });
    }
    items.join(&t!("score.basis_separator"))
}

fn deduction_basis(
    rubric: &Plan<'_>,
    part: &crate::rubric::Part,
    _trace: &LeafTrace,
    count: &crate::exact::Exact,
) -> String {
    if let PartKind::Deduction { count: f, .. } = &part.kind
        && let [Target::Fact(i)] = f.targets().as_slice()
    {
        return format!(
            "{} {}",
            rubric.facts[*i].label,
            with_unit(count.show(), fact_unit(rubric, *i))
        );
    }
    t!("score.basis_deductions", count = count.show()).into_owned()
}

/// A listed item's figures: `目标 ≥1000 人次，实际 1100 人次`, an outcome and its score, or
/// "/" with the rule that applied.
pub(crate) fn item_basis(
    report: &Report<'_>,
    item: usize,
    weight: rust_decimal::Decimal,
) -> String {
    use crate::facts::ItemValue;
    let it = &report.facts.items[item];
    let rubric = report.rubric;
    let show = |x: rust_decimal::Decimal, percent: bool| {
        if percent {
            crate::number::percent(x)
        } else {
            with_unit(plain(x), &it.unit)
        }
    };
    let s = match &it.value {
        ItemValue::Quantitative {
            direction,
            target,
            actual,
            percent,
        } => t!(
            "score.item_target_actual",
            direction = direction.symbol(),
            target = show(*target, *percent),
            actual = show(*actual, *percent)
        )
        .into_owned(),
        ItemValue::Qualitative { band, score, .. } => {
            let outcome = rubric.indicators[it.group]
                .list
                .as_ref()
                .and_then(|l| l.bands.get(*band))
                .map_or("", |b| b.outcome.as_str());
            t!(
                "score.item_qualitative",
                outcome = outcome,
                score = plain(*score)
            )
            .into_owned()
        }
        ItemValue::NotApplicable { .. } => {
            let rule = rubric.indicators[it.group]
                .list
                .as_ref()
                .map_or(crate::rubric::NotApplicable::Zero, |l| l.not_applicable);
            match rule {
                crate::rubric::NotApplicable::Rescale => t!("score.item_na_rescale"),
                crate::rubric::NotApplicable::Full => t!("score.item_na_full"),
                crate::rubric::NotApplicable::Zero => t!("score.item_na_zero"),
            }
            .into_owned()
        }
    };
    if weight != it.weight && !matches!(it.value, ItemValue::NotApplicable { .. }) {
        return t!(
            "score.item_weight_rescaled",
            basis = s,
            weight = plain(it.weight),
            scaled = plain(weight)
        )
        .into_owned();
    }
    s
}

/// What an override changed, said the same way by every output: `规则得分 0.00，人工调整为
/// 1.00。理由：…`, the reason on one line. `None` when no override applies.
pub fn override_note(trace: &LeafTrace) -> Option<String> {
    let o = trace
        .override_
        .as_ref()
        .filter(|_| trace.override_applied())?;
    // One note, one line: a reason's own line breaks cannot start new ones.
    let reason = o.reason.replace(['\n', '\r'], " ");
    Some(
        match &trace.outcome {
            Outcome::RuleFailed(why) => t!(
                "score.override_note_rule_failed",
                rule = rule_result(trace),
                why = why,
                score = trace.score,
                reason = reason
            ),
            _ => t!(
                "score.override_note",
                rule = rule_result(trace),
                score = trace.score,
                reason = reason
            ),
        }
        .into_owned(),
    )
}

/// The 依据 cell of 附件一 (the workbook and the HTML report): the basis, and for an
/// overridden leaf `*` before it and the reason after it.
pub fn basis_with_override(report: &Report<'_>, index: usize) -> String {
    let why = basis(report, index);
    let Some(trace) = report.leaf(index).filter(|l| l.override_applied()) else {
        return why;
    };
    let Some(o) = &trace.override_ else {
        return why;
    };
    let why = if why.is_empty() {
        rule_then_override(trace)
    } else {
        why
    };
    t!(
        "score.basis_with_override",
        basis = why,
        reason = o.reason.replace(['\n', '\r'], " ")
    )
    .into_owned()
}

/// What the rule itself gave, for a note beside an override: its score, or that it could
/// not be computed (never a 0 the rule did not compute).
pub fn rule_result(trace: &LeafTrace) -> String {
    match (&trace.outcome, trace.rule_score) {
        (Outcome::RuleFailed(_), _) | (_, None) => t!("score.rule_failed").into_owned(),
        (_, Some(s)) => t!("score.rule_score", score = s).into_owned(),
    }
}

/// `规则得分 0.00，人工调整为 1.00`: what the rule gave and what the override made of it.
fn rule_then_override(trace: &LeafTrace) -> String {
    t!(
        "score.rule_then_override",
        rule = rule_result(trace),
        score = trace.score
    )
    .into_owned()
}
