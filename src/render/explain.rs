//! `perfeval explain`: for one indicator, the framework's texts, the rule, every fact with
//! its value, every intermediate value, and how the points came out.

use std::fmt::Write;

use rust_i18n::t;

use super::basis::{fact_unit, with_unit};
use super::{Render, basis};
use crate::facts::{CheckValue, FactValue};
use crate::formula::Value;
use crate::number::{Display, plain};
use crate::plan::Plan;
use crate::rubric::{Bound, DefaultValue, PartKind, Tier};
use crate::score::{LeafTrace, Outcome, PartDetail, Report};

/// Explains the indicator at this index of `Plan::indicators`.
#[derive(Debug, Clone, Copy)]
pub struct Explain {
    pub indicator: usize,
}

fn indent(text: &str, by: &str) -> String {
    text.trim()
        .lines()
        .map(|l| format!("{by}{}\n", l.trim()))
        .collect()
}

fn bound_text(b: Option<Bound>, lower: bool) -> String {
    let Some(b) = b else {
        return String::new();
    };
    let value = plain(b.value);
    match (lower, b.inclusive) {
        (true, true) => t!("explain.bound_at_least", value = value),
        (true, false) => t!("explain.bound_above", value = value),
        (false, true) => t!("explain.bound_at_most", value = value),
        (false, false) => t!("explain.bound_below", value = value),
    }
    .into_owned()
}

fn tier_text(t: &Tier) -> String {
    let bounds: Vec<String> = [bound_text(t.lower, true), bound_text(t.upper, false)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let bounds = match bounds.as_slice() {
        [] => t!("explain.tier_any_value").into_owned(),
        [one] => one.clone(),
        [lower, upper, ..] => t!("explain.tier_between", lower = lower, upper = upper).into_owned(),
    };
    t!(
        "explain.tier",
        tier = t.label,
        points = plain(t.points),
        bounds = bounds
    )
    .into_owned()
}

pub(super) fn show_value(rubric: &Plan<'_>, f: usize, report: &Report<'_>) -> String {
    let decl = &rubric.facts[f];
    let unit = fact_unit(rubric, f);
    match report.facts.values[f].as_ref().map(|e| &e.value) {
        Some(FactValue::Number(n)) if decl.kind == crate::rubric::FactKind::Rate => t!(
            "explain.rate_value",
            value = plain(*n),
            percent = Display::Percent.show(*n)
        )
        .into_owned(),
        Some(FactValue::Number(n)) => with_unit(n.to_string(), unit),
        Some(FactValue::Bool(b)) => b.to_string(),
        Some(FactValue::Text(t)) => format!("\"{t}\""),
        Some(FactValue::Check(CheckValue::Met)) => t!("explain.check_met").into_owned(),
        Some(FactValue::Check(CheckValue::NotMet)) => t!("explain.check_not_met").into_owned(),
        Some(FactValue::Check(CheckValue::Partial(p))) => {
            t!("explain.check_partial", points = plain(*p)).into_owned()
        }
        Some(FactValue::Judgment(j)) => {
            t!("explain.judgment_points", points = plain(*j)).into_owned()
        }
        None => match &decl.default {
            Some(DefaultValue::Number(n)) => {
                t!("explain.default_value", value = with_unit(plain(*n), unit)).into_owned()
            }
            Some(DefaultValue::Bool(b)) => t!("explain.default_value", value = b).into_owned(),
            None => t!("explain.not_given").into_owned(),
        },
    }
}

pub(super) fn part_line(
    report: &Report<'_>,
    kind: &PartKind,
    trace_detail: Option<&PartDetail>,
) -> String {
    let rubric = report.rubric;
    match kind {
        PartKind::Item { item, group } => {
            let it = &report.facts.items[*item];
            let spec = rubric.indicators[*group].list.as_ref();
            let rule = match (&it.value, spec) {
                (crate::facts::ItemValue::Quantitative { direction, .. }, Some(l)) => {
                    let f = match direction {
                        crate::facts::Direction::AtLeast => &l.higher,
                        crate::facts::Direction::AtMost => &l.lower,
                        crate::facts::Direction::Exactly => &l.equal,
                    };
                    t!("explain.score_formula", formula = f.text).into_owned()
                }
                (crate::facts::ItemValue::Qualitative { reason, .. }, _) => {
                    t!("explain.item_judged", reason = reason).into_owned()
                }
                (crate::facts::ItemValue::NotApplicable { reason }, Some(l)) => t!(
                    "explain.item_not_applicable",
                    rule = l.not_applicable.name(),
                    reason = reason
                )
                .into_owned(),
                _ => String::new(),
            };
            let mut s = t!("explain.listed_item", item = it.name, rule = rule).into_owned();
            if let Some(PartDetail::Item { item, weight }) = trace_detail {
                let _ = write!(
                    s,
                    "\n      {}",
                    super::basis::item_basis(report, *item, *weight)
                );
            }
            if let Some(d) = &it.deviation {
                let _ = write!(s, "\n      {}", t!("explain.deviation", reason = d));
            }
            let _ = write!(
                s,
                "\n      {}",
                t!("explain.at", place = report.facts.source.at(it.span.start))
            );
            s
        }
        PartKind::Formula { score } => {
            t!("explain.score_formula", formula = score.text).into_owned()
        }
        PartKind::Tiers {
            value,
            tiers,
            judged_by,
        } => {
            let mut s = t!("explain.tiers_on", value = value.text).into_owned();
            for t in tiers {
                let _ = write!(s, "\n        {}", tier_text(t));
            }
            if let Some(j) = judged_by {
                let _ = write!(
                    s,
                    "\n        {}",
                    t!("explain.or_judged_tier", fact = rubric.facts[*j].path)
                );
            }
            if let Some(PartDetail::Tier {
                tier,
                value,
                judged_by,
            }) = trace_detail
            {
                match (value, judged_by) {
                    (Some(v), _) => {
                        let _ = write!(
                            s,
                            "\n      {}",
                            t!(
                                "explain.value_in_tier",
                                value = v,
                                tier = tiers[*tier].label
                            )
                        );
                    }
                    (None, Some(j)) => {
                        let _ = write!(
                            s,
                            "\n      {}",
                            t!(
                                "explain.judged_tier",
                                tier = tiers[*tier].label,
                                fact = rubric.facts[*j].path
                            )
                        );
                    }
                    (None, None) => {}
                }
            }
            s
        }
        PartKind::Check { fact } => {
            t!("explain.checklist_item", fact = rubric.facts[*fact].path).into_owned()
        }
        PartKind::Judgment { fact } => {
            t!("explain.judgment_part", fact = rubric.facts[*fact].path).into_owned()
        }
        PartKind::Deduction { count, per, floor } => {
            let mut s = t!(
                "explain.deduction",
                per = plain(*per),
                count = count.text,
                floor = plain(*floor)
            )
            .into_owned();
            if let Some(PartDetail::Deduction { count }) = trace_detail {
                let _ = write!(
                    s,
                    "\n      {}",
                    t!("explain.deduction_count", count = count.show())
                );
            }
            s
        }
        PartKind::Category { fact, points } => {
            let table: Vec<String> = points
                .iter()
                .map(|(c, p)| format!("{c} → {}", plain(*p)))
                .collect();
            let mut s = t!(
                "explain.by_answer",
                fact = rubric.facts[*fact].path,
                table = table.join(&t!("explain.list_separator"))
            )
            .into_owned();
            if let Some(PartDetail::Category { answer, .. }) = trace_detail {
                let _ = write!(s, "\n      {}", t!("explain.answer", answer = answer));
            }
            s
        }
    }
}

fn explain_leaf(out: &mut String, report: &Report<'_>, index: usize, trace: &LeafTrace) {
    let rubric = report.rubric;
    let ind = &rubric.indicators[index];
    let Some(rule) = ind.rule.as_ref() else {
        return;
    };
    let _ = writeln!(out, "{}", t!("explain.rule_heading"));
    for v in &rule.vetoes {
        let _ = writeln!(
            out,
            "  {}",
            t!("explain.veto", formula = v.formula.text, reason = v.reason)
        );
    }
    for e in &rule.exemptions {
        let _ = writeln!(
            out,
            "  {}",
            t!(
                "explain.exemption",
                formula = e.formula.text,
                reason = e.reason
            )
        );
    }
    for (k, part) in rule.parts.iter().enumerate() {
        let detail = trace.parts.get(k).map(|p| &p.detail);
        let _ = writeln!(
            out,
            "  {}",
            t!(
                "explain.part",
                number = k + 1,
                name = part.name,
                kind = kind_name(&part.kind),
                points = plain(part.points),
                rule = part_line(report, &part.kind, detail)
            )
        );
        if let Some(p) = trace.parts.get(k) {
            if p.raw == p.score {
                let _ = writeln!(out, "      → {}", exact_with_fraction(&p.score));
            } else {
                let _ = writeln!(
                    out,
                    "      {}",
                    t!(
                        "explain.part_clamped",
                        raw = exact_with_fraction(&p.raw),
                        points = plain(part.points),
                        score = exact_with_fraction(&p.score)
                    )
                );
            }
        }
    }
    if !trace.facts_used.is_empty() {
        let _ = writeln!(out, "{}", t!("explain.facts_heading"));
        for &f in &trace.facts_used {
            let decl = &rubric.facts[f];
            let _ = writeln!(
                out,
                "  {}",
                t!(
                    "explain.fact",
                    path = decl.path,
                    label = decl.label,
                    value = show_value(rubric, f, report)
                )
            );
            if let Some(e) = report.facts.values[f].as_ref() {
                if let Some(r) = &e.reason {
                    let _ = writeln!(out, "      {}", t!("explain.reason", reason = r));
                }
                if let Some(n) = &e.note {
                    let _ = writeln!(out, "      {}", t!("explain.note", note = n));
                }
                match report.facts.changes.iter().find(|c| c.fact == f) {
                    Some(c) => {
                        let _ = writeln!(out, "      {}", t!("explain.set_by", given = c.given));
                    }
                    None => {
                        let _ = writeln!(
                            out,
                            "      {}",
                            t!("explain.at", place = report.facts.source.at(e.span.start))
                        );
                    }
                }
            }
        }
    }
    if !trace.lets.is_empty() {
        let _ = writeln!(out, "{}", t!("explain.values_heading"));
        for (k, v) in &trace.lets {
            let l = &rule.lets[*k];
            let shown = match v {
                Value::Number(n) if l.display == Display::Percent => t!(
                    "explain.percent_value",
                    value = exact_with_fraction(n),
                    percent = n.show_percent()
                )
                .into_owned(),
                Value::Number(n) => exact_with_fraction(n),
                Value::Bool(b) => b.to_string(),
            };
            let named = match l.label.as_deref() {
                Some(label) => t!(
                    "explain.value_labelled",
                    name = l.name,
                    label = label,
                    formula = l.formula.text
                ),
                None => t!("explain.value", name = l.name, formula = l.formula.text),
            };
            let _ = writeln!(out, "  {named}\n      = {shown}");
        }
    }
    let _ = writeln!(out, "{}", t!("explain.result_heading"));
    let result = match &trace.outcome {
        Outcome::Vetoed(k) => t!("explain.vetoed", reason = rule.vetoes[*k].reason),
        Outcome::Exempt(k) => t!(
            "explain.exempt",
            reason = rule.exemptions[*k].reason,
            points = plain(ind.points)
        ),
        Outcome::RuleFailed(why) => t!("explain.rule_failed", why = why),
        Outcome::Scored => t!(
            "explain.sum_of_parts",
            sum = exact_with_fraction(&trace.raw)
        ),
    };
    let _ = writeln!(out, "  {result}");
    if !matches!(trace.outcome, Outcome::RuleFailed(_)) {
        let _ = writeln!(
            out,
            "  {}",
            t!(
                "explain.clamped_and_rounded",
                points = plain(ind.points),
                mode = rounding_name(rubric.rounding.mode),
                scale = rubric.rounding.scale,
                score = trace.rule_score.map(|s| s.to_string()).unwrap_or_default()
            )
        );
    }
    if let Some(o) = &trace.override_ {
        if trace.override_applied() {
            let _ = writeln!(
                out,
                "  {}\n      {}",
                t!("explain.overridden", score = trace.score),
                t!("explain.reason", reason = o.reason)
            );
        } else {
            let _ = writeln!(out, "  {}", t!("explain.override_ignored", score = o.score));
        }
    }
    let _ = writeln!(
        out,
        "{}",
        t!(
            "explain.score",
            score = trace.score,
            points = plain(ind.points)
        )
    );
}

impl Render<Report<'_>> for Explain {
    fn render(&self, report: &Report<'_>) -> Vec<u8> {
        let rubric = report.rubric;
        let i = self.indicator;
        let ind = &rubric.indicators[i];
        let path = rubric.path_names(i);
        let mut out = String::new();
        for line in super::whatif::lines(report) {
            out.push_str(&line);
            out.push('\n');
        }
        let _ = writeln!(out, "{}", t!("explain.title", name = ind.name, id = ind.id));
        let _ = writeln!(out, "{}", path.join(" › "));
        let level = rubric
            .meta
            .levels
            .get(ind.level - 1)
            .map(String::as_str)
            .unwrap_or("");
        if report.not_applicable(i) {
            let _ = writeln!(out, "{}", t!("explain.level_not_applicable", level = level));
        } else {
            let _ = writeln!(
                out,
                "{}",
                t!(
                    "explain.level_points_score",
                    level = level,
                    points = plain(ind.points),
                    score = report.scores[i]
                )
            );
        }
        if !ind.description.is_empty() {
            let _ = write!(
                out,
                "\n{}\n{}",
                t!("explain.description_heading"),
                indent(&ind.description, "  ")
            );
        }
        if !ind.criteria.is_empty() {
            let _ = write!(
                out,
                "\n{}\n{}",
                t!("explain.criteria_heading"),
                indent(&ind.criteria, "  ")
            );
        }
        out.push('\n');
        match report.leaf(i) {
            Some(trace) => {
                let b = basis(report, i);
                if !b.is_empty() {
                    let _ = writeln!(out, "{}\n", t!("explain.basis", basis = b));
                }
                explain_leaf(&mut out, report, i, trace);
            }
            None => {
                let _ = writeln!(out, "{}", t!("explain.sum_of_heading"));
                for &c in &ind.children {
                    let child = &rubric.indicators[c];
                    let _ = writeln!(
                        out,
                        "  {}",
                        t!(
                            "explain.child",
                            name = child.name,
                            id = child.id,
                            score = report.scores[c],
                            points = plain(child.points)
                        )
                    );
                }
                let _ = writeln!(out, "  = {} / {}", report.scores[i], plain(ind.points));
            }
        }
        out.into_bytes()
    }
}

/// A part's kind for people: `formula` in English, 公式 in Chinese.
fn kind_name(kind: &PartKind) -> std::borrow::Cow<'static, str> {
    match kind {
        PartKind::Formula { .. } => t!("explain.kind_formula"),
        PartKind::Tiers { .. } => t!("explain.kind_tiers"),
        PartKind::Check { .. } => t!("explain.kind_check"),
        PartKind::Deduction { .. } => t!("explain.kind_deduction"),
        PartKind::Category { .. } => t!("explain.kind_category"),
        PartKind::Judgment { .. } => t!("explain.kind_judgment"),
        PartKind::Item { .. } => t!("explain.kind_item"),
    }
}

/// The rubric's rounding for people: its key in English, 四舍五入 in Chinese.
pub(crate) fn rounding_name(mode: crate::number::RoundingMode) -> std::borrow::Cow<'static, str> {
    use crate::number::RoundingMode;
    match mode {
        RoundingMode::HalfAwayFromZero => t!("explain.rounding_half_away_from_zero"),
        RoundingMode::HalfEven => t!("explain.rounding_half_even"),
        RoundingMode::Truncate => t!("explain.rounding_truncate"),
    }
}

/// An exact value for `explain`: the decimal when it terminates, otherwise the fraction
/// with its rounded value beside it (`43/48 ≈0.895833`), so the reader sees what was
/// rounded.
pub(super) fn exact_with_fraction(v: &crate::exact::Exact) -> String {
    match v.exact_decimal() {
        Some(d) => d,
        None => format!("{} {}", v.fraction(), v.show()),
    }
}
