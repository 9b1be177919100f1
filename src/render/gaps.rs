//! `perfeval gaps`: the points lost and what would bring them back, as text and JSON.

use std::fmt::Write;

use super::Render;
use rust_decimal::Decimal;
use rust_i18n::t;

use crate::gaps::{Gaps, Remedy, RemedyKind};
use crate::number::{Display, plain};
use crate::rubric::FactKind;
use crate::score::Report;

/// A scored file and its gaps, rendered together.
#[derive(Debug)]
pub struct GapsReport<'a> {
    pub report: Report<'a>,
    pub gaps: Gaps,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct GapsText;

#[derive(Debug, Clone, Copy, Default)]
pub struct GapsJson;

fn rescaled(mut d: rust_decimal::Decimal, scale: u32) -> rust_decimal::Decimal {
    d.rescale(scale);
    d
}

/// A figure as the file would write it: a rate as a percentage.
fn figure(kind: &FactKind, value: Decimal) -> String {
    match kind {
        FactKind::Rate => Display::Percent.show(value),
        _ => value.to_string(),
    }
}

fn remedy_text(g: &GapsReport<'_>, r: &Remedy, points: Decimal) -> String {
    let rubric = g.report.rubric;
    let full = plain(points);
    let name = match r.fact {
        Some(f) => t!(
            "gaps.fact_name",
            path = rubric.facts[f].path,
            label = rubric.facts[f].label
        )
        .into_owned(),
        None => t!("gaps.this_row_actual").into_owned(),
    };
    let kind = r.fact.map(|f| &rubric.facts[f].kind);
    let show = |v: Decimal| match kind {
        Some(k) => figure(k, v),
        None => v.to_string(),
    };
    let gives = |score: Decimal| {
        if score >= points {
            t!("gaps.gives_full", full = full)
        } else {
            t!("gaps.gives_part", score = score)
        }
    };
    let mut text = match &r.kind {
        RemedyKind::Value { current, needed } => t!(
            "gaps.value",
            name = name,
            current = show(*current),
            needed = show(*needed),
            full = full,
            path = r.fact.map_or("", |f| rubric.facts[f].path.as_str())
        ),
        RemedyKind::Flip { to: true, score } => {
            t!("gaps.flip_yes", name = name, gives = gives(*score))
        }
        RemedyKind::Flip { to: false, score } => {
            t!("gaps.flip_no", name = name, gives = gives(*score))
        }
        RemedyKind::Choose { to, score } => t!(
            "gaps.choose",
            name = name,
            choice = to,
            gives = gives(*score)
        ),
        RemedyKind::Short { value, score } => t!(
            "gaps.short",
            name = name,
            score = score,
            value = show(*value)
        ),
        RemedyKind::Judgment => t!("gaps.judgment", name = name),
        RemedyKind::ListedTarget { target, percent } => t!(
            "gaps.listed_target",
            target = if *percent {
                Display::Percent.show(*target)
            } else {
                target.to_string()
            },
            full = full
        ),
        RemedyKind::ListedJudgment => t!("gaps.listed_judgment"),
    }
    .into_owned();
    if let Some(effect) = &r.effect {
        text.push_str(&t!("gaps.total_after", total = effect.total));
        if !effect.lowers.is_empty() {
            let names: Vec<&str> = effect
                .lowers
                .iter()
                .map(|&i| rubric.indicators[i].name.as_str())
                .collect();
            text.push_str(&t!(
                "gaps.but_lowers",
                names = names.join(&t!("gaps.name_separator"))
            ));
        }
    }
    text
}

impl Render<GapsReport<'_>> for GapsText {
    fn render(&self, g: &GapsReport<'_>) -> Vec<u8> {
        let report = &g.report;
        let rubric = report.rubric;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}\n{}",
            t!(
                "gaps.heading_rubric",
                title = rubric.meta.title,
                id = rubric.meta.id,
                version = rubric.meta.version
            ),
            t!(
                "gaps.heading_department",
                department = report.facts.department,
                year = report.facts.year
            )
        );
        for line in super::whatif::lines(report) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "{}",
            t!(
                "gaps.total",
                total = g.gaps.total,
                points = plain(rubric.meta.total),
                grade = g.gaps.grade
            )
        );
        match &g.gaps.next_grade {
            Some((name, min, needed)) => {
                let _ = writeln!(
                    out,
                    "{}",
                    t!(
                        "gaps.next_grade",
                        grade = name,
                        needed = needed,
                        min = plain(*min)
                    )
                );
            }
            None => {
                let _ = writeln!(out, "{}", t!("gaps.top_grade", grade = g.gaps.grade));
            }
        }
        if g.gaps.lost.is_empty() {
            let _ = writeln!(out, "\n{}", t!("gaps.none_lost"));
            return out.into_bytes();
        }
        let _ = writeln!(out, "\n{}", t!("gaps.lost_heading"));
        for lost in &g.gaps.lost {
            let ind = &rubric.indicators[lost.indicator];
            let full = plain(lost.points);
            match lost.rule_score {
                Some(rule) => {
                    let _ = writeln!(
                        out,
                        "\n{}",
                        t!(
                            "gaps.lost_overridden",
                            name = ind.name,
                            points = full,
                            score = lost.score,
                            rule = rule,
                            lost = rescaled(lost.points - rule, rubric.rounding.scale)
                        )
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "\n{}",
                        t!(
                            "gaps.lost",
                            name = ind.name,
                            points = full,
                            score = lost.score,
                            lost = lost.lost
                        )
                    );
                }
            }
            let basis = super::basis(report, lost.indicator);
            if !basis.is_empty() {
                let _ = writeln!(out, "  {}", t!("gaps.basis", basis = basis));
            }
            if !ind.criteria.is_empty() {
                let _ = writeln!(
                    out,
                    "  {}",
                    t!(
                        "gaps.criteria",
                        criteria = ind.criteria.replace(['\n', '\r'], " ")
                    )
                );
            }
            if let Some(leaf) = report.leaf(lost.indicator) {
                let read: Vec<String> = leaf
                    .facts_used
                    .iter()
                    .map(|&f| {
                        let decl = &rubric.facts[f];
                        t!(
                            "gaps.fact_used",
                            path = decl.path,
                            label = decl.label,
                            value =
                                crate::whatif::shown(rubric, f, report.facts.values[f].as_ref())
                        )
                        .into_owned()
                    })
                    .collect();
                if !read.is_empty() {
                    let _ = writeln!(
                        out,
                        "  {}",
                        t!(
                            "gaps.facts_used",
                            facts = read.join(&t!("gaps.fact_separator"))
                        )
                    );
                }
            }
            if !lost.remedies.is_empty() {
                let _ = writeln!(out, "  {}", t!("gaps.remedies"));
                for r in &lost.remedies {
                    let _ = writeln!(out, "    {}", remedy_text(g, r, lost.points));
                }
            }
        }
        out.into_bytes()
    }
}

impl Render<GapsReport<'_>> for GapsJson {
    fn render(&self, g: &GapsReport<'_>) -> Vec<u8> {
        let rubric = g.report.rubric;
        let lost: Vec<serde_json::Value> = g
            .gaps
            .lost
            .iter()
            .map(|l| {
                let ind = &rubric.indicators[l.indicator];
                let remedies: Vec<serde_json::Value> = l
                    .remedies
                    .iter()
                    .map(|r| {
                        let mut v = match r.fact {
                            Some(f) => serde_json::json!({
                                "fact": rubric.facts[f].path,
                                "label": rubric.facts[f].label,
                            }),
                            None => serde_json::json!({ "fact": null }),
                        };
                        let extra = match &r.kind {
                            RemedyKind::Value { current, needed } => serde_json::json!({
                                "kind": "value", "current": current.to_string(), "full_marks_at": needed.to_string(),
                            }),
                            RemedyKind::Flip { to, score } => serde_json::json!({
                                "kind": "flip", "to": to, "score": score.to_string(),
                            }),
                            RemedyKind::Choose { to, score } => serde_json::json!({
                                "kind": "choose", "to": to, "score": score.to_string(),
                            }),
                            RemedyKind::Short { value, score } => serde_json::json!({
                                "kind": "short", "best_at": value.to_string(), "best_score": score.to_string(),
                            }),
                            RemedyKind::Judgment => serde_json::json!({"kind": "judgment"}),
                            RemedyKind::ListedTarget { target, .. } => serde_json::json!({
                                "kind": "listed_target", "target": target.to_string(),
                            }),
                            RemedyKind::ListedJudgment => serde_json::json!({"kind": "listed_judgment"}),
                        };
                        if let (Some(o), serde_json::Value::Object(e)) = (v.as_object_mut(), extra) {
                            o.extend(e);
                        }
                        if let (Some(o), Some(effect)) = (v.as_object_mut(), &r.effect) {
                            o.insert("total_after".into(), effect.total.to_string().into());
                            o.insert(
                                "lowers".into(),
                                effect
                                    .lowers
                                    .iter()
                                    .map(|&i| serde_json::Value::from(rubric.indicators[i].name.clone()))
                                    .collect(),
                            );
                        }
                        v
                    })
                    .collect();
                serde_json::json!({
                    "id": ind.id,
                    "name": ind.name,
                    "points": plain(l.points),
                    "score": l.score.to_string(),
                    "lost": l.lost.to_string(),
                    "rule_score": l.rule_score.map(|s| s.to_string()),
                    "remedies": remedies,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "department": g.report.facts.department,
            "year": g.report.facts.year,
            "rubric": rubric.meta.id,
            "total": g.gaps.total.to_string(),
            "grade": g.gaps.grade,
            "next_grade": g.gaps.next_grade.as_ref().map(|(name, min, needed)| serde_json::json!({
                "grade": name, "min": plain(*min), "needed": needed.to_string(),
            })),
            "what_if": super::whatif::json(&g.report),
            "lost": lost,
        });
        let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        out.push(b'\n');
        out
    }
}
