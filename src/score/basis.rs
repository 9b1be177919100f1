//! The short "basis" of a leaf's score (key figures, answers, counts): the 依据 column of
//! every output, and the basis `check` and `diff` cite. It summarises the trace, so it
//! belongs to scoring, below everything that shows it.

use crate::facts::CheckValue;
use crate::formula::{Target, Value};
use crate::number::plain;
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
        Outcome::Vetoed(k) => items.push(format!("否决：{}", rule.vetoes[*k].reason)),
        Outcome::Exempt(k) => items.push(format!("直接得分：{}", rule.exemptions[*k].reason)),
        Outcome::RuleFailed(why) => items.push(format!("规则无法计算：{why}")),
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
                items.push(format!("{}：{answer}", rubric.facts[*fact].label));
            }
            PartDetail::Judgment { .. } => items.push(format!("评价人评分 {}", pt.raw.show())),
            PartDetail::Tier {
                tier,
                judged_by: Some(_),
                ..
            } => {
                if let PartKind::Tiers { tiers, .. } = &part.kind {
                    items.push(format!("评价人定档：{}", tiers[*tier].label));
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
        let mut s = format!("符合 {met}/{checks} 项");
        if partial > 0 {
            s.push_str(&format!("，部分符合 {partial} 项"));
        }
        items.push(s);
    }
    if trace.override_applied() {
        // A failed rule already said so at the start of the basis.
        items.push(match trace.outcome {
            Outcome::RuleFailed(_) => format!("人工调整为 {}", trace.score),
            _ => format!("{}，人工调整为 {}", rule_result(trace), trace.score),
        });
    }
    items.join("；")
}

fn deduction_basis(
    rubric: &Rubric,
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
    format!("扣分 {} 次", count.show())
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
    let mut s = match &it.value {
        ItemValue::Quantitative {
            direction,
            target,
            actual,
            percent,
        } => format!(
            "目标 {}{}，实际 {}",
            direction.symbol(),
            show(*target, *percent),
            show(*actual, *percent)
        ),
        ItemValue::Qualitative { band, score, .. } => {
            let outcome = rubric.indicators[it.group]
                .list
                .as_ref()
                .and_then(|l| l.bands.get(*band))
                .map_or("", |b| b.outcome.as_str());
            format!("定性：{outcome}，评分 {}", plain(*score))
        }
        ItemValue::NotApplicable { .. } => {
            let rule = rubric.indicators[it.group]
                .list
                .as_ref()
                .map_or(crate::rubric::NotApplicable::Zero, |l| l.not_applicable);
            match rule {
                crate::rubric::NotApplicable::Rescale => {
                    "不适用（/），权重由同组指标按比例分摊".to_string()
                }
                crate::rubric::NotApplicable::Full => "不适用（/），按满分计".to_string(),
                crate::rubric::NotApplicable::Zero => "不适用（/），不得分".to_string(),
            }
        }
    };
    if weight != it.weight && !matches!(it.value, ItemValue::NotApplicable { .. }) {
        s.push_str(&format!(
            "；权重 {} 按比例调整为 {}",
            plain(it.weight),
            plain(weight)
        ));
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
    let failed = match &trace.outcome {
        Outcome::RuleFailed(why) => format!("（{why}）"),
        _ => String::new(),
    };
    Some(format!(
        "{}{failed}，人工调整为 {}。理由：{}",
        rule_result(trace),
        trace.score,
        // One note, one line: a reason's own line breaks cannot start new ones.
        o.reason.replace(['\n', '\r'], " ")
    ))
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
        format!("{}，人工调整为 {}", rule_result(trace), trace.score)
    } else {
        why
    };
    format!("* {why}。理由：{}", o.reason.replace(['\n', '\r'], " "))
}

/// What the rule itself gave, for a note beside an override: its score, or that it could
/// not be computed (never a 0 the rule did not compute).
pub fn rule_result(trace: &LeafTrace) -> String {
    match (&trace.outcome, trace.rule_score) {
        (Outcome::RuleFailed(_), _) | (_, None) => "规则无法计算".to_string(),
        (_, Some(s)) => format!("规则得分 {s}"),
    }
}
