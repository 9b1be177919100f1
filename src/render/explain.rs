//! `perfeval explain`: for one indicator, the framework's texts, the rule, every fact with
//! its value, every intermediate value, and how the points came out.

use std::fmt::Write;

use super::basis::{fact_unit, with_unit};
use super::{Render, basis};
use crate::facts::{CheckValue, FactValue};
use crate::formula::Value;
use crate::number::{Display, plain};
use crate::rubric::{Bound, DefaultValue, PartKind, Rubric, Tier};
use crate::score::{LeafTrace, Outcome, PartDetail, Report};

/// Explains the indicator at this index of `Rubric::indicators`.
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
    match (b, lower) {
        (None, _) => String::new(),
        (Some(b), true) => format!(
            "{} {}",
            if b.inclusive { ">=" } else { ">" },
            plain(b.value)
        ),
        (Some(b), false) => format!(
            "{} {}",
            if b.inclusive { "<=" } else { "<" },
            plain(b.value)
        ),
    }
}

fn tier_text(t: &Tier) -> String {
    let bounds: Vec<String> = [bound_text(t.lower, true), bound_text(t.upper, false)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let bounds = if bounds.is_empty() {
        "any value".to_string()
    } else {
        bounds.join(" and ")
    };
    format!("{} → {} ({bounds})", t.label, plain(t.points))
}

pub(super) fn show_value(rubric: &Rubric, f: usize, report: &Report<'_>) -> String {
    let decl = &rubric.facts[f];
    let unit = fact_unit(rubric, f);
    match report.facts.values[f].as_ref().map(|e| &e.value) {
        Some(FactValue::Number(n)) if decl.kind == crate::rubric::FactKind::Rate => {
            format!("{} ({})", plain(*n), Display::Percent.show(*n))
        }
        Some(FactValue::Number(n)) => with_unit(n.to_string(), unit),
        Some(FactValue::Bool(b)) => b.to_string(),
        Some(FactValue::Text(t)) => format!("\"{t}\""),
        Some(FactValue::Check(CheckValue::Met)) => "true (met)".into(),
        Some(FactValue::Check(CheckValue::NotMet)) => "false (not met)".into(),
        Some(FactValue::Check(CheckValue::Partial(p))) => {
            format!("{} points (partly met)", plain(*p))
        }
        Some(FactValue::Judgment(j)) => format!("{} points", plain(*j)),
        None => match &decl.default {
            Some(DefaultValue::Number(n)) => {
                format!("{} (default: not in the file)", with_unit(plain(*n), unit))
            }
            Some(DefaultValue::Bool(b)) => format!("{b} (default: not in the file)"),
            None => "(not given)".into(),
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
                    format!("score = {}", f.text)
                }
                (crate::facts::ItemValue::Qualitative { reason, .. }, _) => {
                    format!("the evaluator's score; reason: {reason}")
                }
                (crate::facts::ItemValue::NotApplicable { reason }, Some(l)) => {
                    format!(
                        "not applicable (rule `{}`); reason: {reason}",
                        l.not_applicable.name()
                    )
                }
                _ => String::new(),
            };
            let mut s = format!("listed indicator `{}`: {rule}", it.name);
            if let Some(PartDetail::Item { item, weight }) = trace_detail {
                let _ = write!(
                    s,
                    "\n      {}",
                    super::basis::item_basis(report, *item, *weight)
                );
            }
            if let Some(d) = &it.deviation {
                let _ = write!(s, "\n      偏差原因: {d}");
            }
            let _ = write!(s, "\n      at {}", report.facts.source.at(it.span.start));
            s
        }
        PartKind::Formula { score } => format!("score = {}", score.text),
        PartKind::Tiers {
            value,
            tiers,
            judged_by,
        } => {
            let mut s = format!("tiers on {}:", value.text);
            for t in tiers {
                let _ = write!(s, "\n        {}", tier_text(t));
            }
            if let Some(j) = judged_by {
                let _ = write!(
                    s,
                    "\n        or an evaluator's tier in `{}`",
                    rubric.facts[*j].path
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
                            "\n      value {} falls in tier `{}`",
                            v, tiers[*tier].label
                        );
                    }
                    (None, Some(j)) => {
                        let _ = write!(
                            s,
                            "\n      the evaluator chose tier `{}` (`{}`)",
                            tiers[*tier].label, rubric.facts[*j].path
                        );
                    }
                    (None, None) => {}
                }
            }
            s
        }
        PartKind::Check { fact } => format!("checklist item `{}`", rubric.facts[*fact].path),
        PartKind::Judgment { fact } => format!("evaluator's score `{}`", rubric.facts[*fact].path),
        PartKind::Deduction { count, per, floor } => {
            let mut s = format!(
                "points − {} × ({}), at least {}",
                plain(*per),
                count.text,
                plain(*floor)
            );
            if let Some(PartDetail::Deduction { count }) = trace_detail {
                let _ = write!(s, "\n      count = {}", count.show());
            }
            s
        }
        PartKind::Category { fact, points } => {
            let table: Vec<String> = points
                .iter()
                .map(|(c, p)| format!("{c} → {}", plain(*p)))
                .collect();
            let mut s = format!(
                "by the answer of `{}`: {}",
                rubric.facts[*fact].path,
                table.join(", ")
            );
            if let Some(PartDetail::Category { answer, .. }) = trace_detail {
                let _ = write!(s, "\n      answer: {answer}");
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
    out.push_str("Rule:\n");
    for v in &rule.vetoes {
        let _ = writeln!(out, "  veto: when {} → 0 ({})", v.formula.text, v.reason);
    }
    for e in &rule.exemptions {
        let _ = writeln!(
            out,
            "  exempt: when {} → full points ({})",
            e.formula.text, e.reason
        );
    }
    for (k, part) in rule.parts.iter().enumerate() {
        let detail = trace.parts.get(k).map(|p| &p.detail);
        let _ = writeln!(
            out,
            "  part {} {} ({}, {} 分): {}",
            k + 1,
            part.name,
            part.kind.name(),
            plain(part.points),
            part_line(report, &part.kind, detail)
        );
        if let Some(p) = trace.parts.get(k) {
            if p.raw == p.score {
                let _ = writeln!(out, "      → {}", exact_with_fraction(&p.score));
            } else {
                let _ = writeln!(
                    out,
                    "      → {}, clamped to 0..{} → {}",
                    exact_with_fraction(&p.raw),
                    plain(part.points),
                    exact_with_fraction(&p.score)
                );
            }
        }
    }
    if !trace.facts_used.is_empty() {
        out.push_str("Facts:\n");
        for &f in &trace.facts_used {
            let decl = &rubric.facts[f];
            let _ = writeln!(
                out,
                "  {} ({}) = {}",
                decl.path,
                decl.label,
                show_value(rubric, f, report)
            );
            if let Some(e) = report.facts.values[f].as_ref() {
                if let Some(r) = &e.reason {
                    let _ = writeln!(out, "      reason: {r}");
                }
                if let Some(n) = &e.note {
                    let _ = writeln!(out, "      note: {n}");
                }
                match report.facts.changes.iter().find(|c| c.fact == f) {
                    Some(c) => {
                        let _ = writeln!(out, "      set by --set {}", c.given);
                    }
                    None => {
                        let _ = writeln!(out, "      at {}", report.facts.source.at(e.span.start));
                    }
                }
            }
        }
    }
    if !trace.lets.is_empty() {
        out.push_str("Values:\n");
        for (k, v) in &trace.lets {
            let l = &rule.lets[*k];
            let label = l
                .label
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let shown = match v {
                Value::Number(n) if l.display == Display::Percent => {
                    format!("{} ({})", exact_with_fraction(n), n.show_percent())
                }
                Value::Number(n) => exact_with_fraction(n),
                Value::Bool(b) => b.to_string(),
            };
            let _ = writeln!(
                out,
                "  {}{label} = {}\n      = {shown}",
                l.name, l.formula.text
            );
        }
    }
    out.push_str("Result:\n");
    match &trace.outcome {
        Outcome::Vetoed(k) => {
            let _ = writeln!(out, "  vetoed: {} → 0", rule.vetoes[*k].reason);
        }
        Outcome::Exempt(k) => {
            let _ = writeln!(
                out,
                "  exempt: {} → {}",
                rule.exemptions[*k].reason,
                plain(ind.points)
            );
        }
        Outcome::RuleFailed(why) => {
            let _ = writeln!(out, "  the rule cannot be computed: {why}");
        }
        Outcome::Scored => {
            let _ = writeln!(out, "  sum of parts = {}", exact_with_fraction(&trace.raw));
        }
    }
    if !matches!(trace.outcome, Outcome::RuleFailed(_)) {
        let _ = writeln!(
            out,
            "  clamped to 0..{} and rounded ({}, {} places) → {}",
            plain(ind.points),
            rubric.rounding.mode,
            rubric.rounding.scale,
            trace.rule_score.map(|s| s.to_string()).unwrap_or_default()
        );
    }
    if let Some(o) = &trace.override_ {
        if trace.override_applied() {
            let _ = writeln!(
                out,
                "  overridden in the facts file → {}\n      reason: {}",
                trace.score, o.reason
            );
        } else {
            let _ = writeln!(out, "  override to {} ignored (--strict)", o.score);
        }
    }
    let _ = writeln!(out, "Score: {} / {}", trace.score, plain(ind.points));
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
        let _ = writeln!(out, "{} ({})", ind.name, ind.id);
        let _ = writeln!(out, "{}", path.join(" › "));
        let level = rubric
            .meta
            .levels
            .get(ind.level - 1)
            .map(String::as_str)
            .unwrap_or("");
        if report.not_applicable(i) {
            let _ = writeln!(out, "{level}，不适用（/）：不计分值");
        } else {
            let _ = writeln!(
                out,
                "{level}，分值 {}，得分 {}",
                plain(ind.points),
                report.scores[i]
            );
        }
        if !ind.description.is_empty() {
            let _ = write!(out, "\n指标说明:\n{}", indent(&ind.description, "  "));
        }
        if !ind.criteria.is_empty() {
            let _ = write!(out, "\n参考评分标准:\n{}", indent(&ind.criteria, "  "));
        }
        out.push('\n');
        match report.leaf(i) {
            Some(trace) => {
                let b = basis(report, i);
                if !b.is_empty() {
                    let _ = writeln!(out, "依据: {b}\n");
                }
                explain_leaf(&mut out, report, i, trace);
            }
            None => {
                out.push_str("Score: the sum of\n");
                for &c in &ind.children {
                    let child = &rubric.indicators[c];
                    let _ = writeln!(
                        out,
                        "  {} ({}) {} / {}",
                        child.name,
                        child.id,
                        report.scores[c],
                        plain(child.points)
                    );
                }
                let _ = writeln!(out, "  = {} / {}", report.scores[i], plain(ind.points));
            }
        }
        out.into_bytes()
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
