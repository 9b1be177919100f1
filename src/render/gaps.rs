//! `perfeval gaps`: the points lost and what would bring them back, as text and JSON.

use std::fmt::Write;

use super::Render;
use rust_decimal::Decimal;

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
        Some(f) => format!("{}（{}）", rubric.facts[f].path, rubric.facts[f].label),
        None => "本行实际完成值".to_string(),
    };
    let kind = r.fact.map(|f| &rubric.facts[f].kind);
    let show = |v: Decimal| match kind {
        Some(k) => figure(k, v),
        None => v.to_string(),
    };
    let gives = |score: Decimal| {
        if score >= points {
            format!("可得满分 {full}")
        } else {
            format!("可得 {score} 分（未满分）")
        }
    };
    let mut text = match &r.kind {
        RemedyKind::Value { current, needed } => format!(
            "{name}：{} → {}，可得满分 {full}（--set {}={}）",
            show(*current),
            show(*needed),
            r.fact.map_or("", |f| rubric.facts[f].path.as_str()),
            show(*needed)
        ),
        RemedyKind::Flip { to, score } => format!(
            "{name}：改为“{}”{}",
            if *to { "是" } else { "否" },
            gives(*score)
        ),
        RemedyKind::Choose { to, score } => format!("{name}：选“{to}”{}", gives(*score)),
        RemedyKind::Short { value, score } => format!(
            "{name}：单独调整不能得满分，最高 {score}（{} 时）",
            show(*value)
        ),
        RemedyKind::Judgment => format!("{name}：评价人的判断，不是可调整的数字"),
        RemedyKind::ListedTarget { target, percent } => format!(
            "列示指标：实际完成值达到年度指标值 {} 可得满分 {full}（在数据文件中该行修改；--set 不改列示指标）",
            if *percent {
                Display::Percent.show(*target)
            } else {
                target.to_string()
            }
        ),
        RemedyKind::ListedJudgment => {
            "列示指标：评价结果与得分是评价人的判断，不是可调整的数字".to_string()
        }
    };
    if let Some(effect) = &r.effect {
        text.push_str(&format!("；总分将为 {}", effect.total));
        if !effect.lowers.is_empty() {
            let names: Vec<&str> = effect
                .lowers
                .iter()
                .map(|&i| rubric.indicators[i].name.as_str())
                .collect();
            text.push_str(&format!("，但会降低：{}", names.join("、")));
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
            "{}（{} v{}）\n{} · {} 年度",
            rubric.meta.title,
            rubric.meta.id,
            rubric.meta.version,
            report.facts.department,
            report.facts.year
        );
        for line in super::whatif::lines(report) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "总分 {} / {}，等级：{}",
            g.gaps.total,
            plain(rubric.meta.total),
            g.gaps.grade
        );
        match &g.gaps.next_grade {
            Some((name, min, needed)) => {
                let _ = writeln!(
                    out,
                    "距{name} {needed} 分（{name}：{} 分及以上）",
                    plain(*min)
                );
            }
            None => {
                let _ = writeln!(out, "已达到最高等级（{}）", g.gaps.grade);
            }
        }
        if g.gaps.lost.is_empty() {
            let _ = writeln!(out, "\n没有扣分的指标。");
            return out.into_bytes();
        }
        let _ = writeln!(out, "\n扣分指标（按扣分从多到少）：");
        for lost in &g.gaps.lost {
            let ind = &rubric.indicators[lost.indicator];
            let full = plain(lost.points);
            match lost.rule_score {
                Some(rule) => {
                    let _ = writeln!(
                        out,
                        "\n{}  分值 {full}  得分 {}（人工调整；规则得分 {rule}，扣 {}）",
                        ind.name,
                        lost.score,
                        rescaled(lost.points - rule, rubric.rounding.scale)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "\n{}  分值 {full}  得分 {}  扣 {}",
                        ind.name, lost.score, lost.lost
                    );
                }
            }
            let basis = super::basis(report, lost.indicator);
            if !basis.is_empty() {
                let _ = writeln!(out, "  依据：{basis}");
            }
            if !ind.criteria.is_empty() {
                let _ = writeln!(
                    out,
                    "  参考评分标准：{}",
                    ind.criteria.replace(['\n', '\r'], " ")
                );
            }
            if let Some(leaf) = report.leaf(lost.indicator) {
                let read: Vec<String> = leaf
                    .facts_used
                    .iter()
                    .map(|&f| {
                        let decl = &rubric.facts[f];
                        format!(
                            "{}（{}）= {}",
                            decl.path,
                            decl.label,
                            crate::whatif::shown(rubric, f, report.facts.values[f].as_ref())
                        )
                    })
                    .collect();
                if !read.is_empty() {
                    let _ = writeln!(out, "  所用事实：{}", read.join("；"));
                }
            }
            if !lost.remedies.is_empty() {
                let _ = writeln!(out, "  单项事实调整：");
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
