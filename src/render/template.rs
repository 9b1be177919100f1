//! `perfeval init`: a facts file for a rubric, to be filled in by a finance clerk. Every
//! fact the rubric reads is there, with its Chinese label, unit and meaning and the
//! indicators that use it, as comments; every value to fill in is `"TODO"`, so that
//! scoring an unfilled template lists each one still missing, with its line.

use std::fmt::Write;

use super::Render;
use crate::number::plain;
use crate::rubric::{DefaultValue, FactKind, Rubric, users};

#[derive(Debug, Clone, Copy, Default)]
pub struct Template;

fn placeholder(kind: &FactKind) -> String {
    match kind {
        FactKind::Judgment => "{ value = \"TODO\", reason = \"TODO\" }".into(),
        FactKind::Tier(_) => "{ value = \"TODO\", reason = \"TODO\" }".into(),
        _ => "\"TODO\"".into(),
    }
}

fn how(rubric: &Rubric, kind: &FactKind, unit: &str) -> String {
    match kind {
        FactKind::Amount => format!("a number in {}", if unit.is_empty() { &rubric.meta.unit } else { unit }),
        FactKind::Count => format!("a whole number{}", if unit.is_empty() { String::new() } else { format!(" ({unit})") }),
        FactKind::Rate => "a rate: \"96.5%\" or 0.965".into(),
        FactKind::Bool => "true or false".into(),
        FactKind::Choice(c) => format!("one of: {}", c.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ")),
        FactKind::Check => "true (met), false (not met), or { value = <points>, reason = \"…\" } for partial credit".into(),
        FactKind::Judgment => "the evaluator's score, with a reason".into(),
        FactKind::Tier(labels) => format!(
            "the evaluator's tier, with a reason: {}",
            labels.iter().map(|x| format!("\"{x}\"")).collect::<Vec<_>>().join(", ")
        ),
    }
}

impl Render<Rubric> for Template {
    fn render(&self, rubric: &Rubric) -> Vec<u8> {
        let (by, checked, alternative) = users(rubric);
        let mut out = String::new();
        let m = &rubric.meta;
        let _ = writeln!(
            out,
            "# Facts file for {} ({} v{})",
            m.title, m.id, m.version
        );
        let _ = writeln!(out, "# {}，{}。", m.issuer, m.document);
        let _ = writeln!(out, "#");
        let _ = writeln!(
            out,
            "# Replace every \"TODO\" with the figure from the department's 决算 and report;"
        );
        let _ = writeln!(
            out,
            "# amounts in {}. Lines starting with `# key =` are optional: remove the `# ` to",
            m.unit
        );
        let _ = writeln!(
            out,
            "# use them. `perfeval score THIS_FILE` lists whatever is still missing, with its line."
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "rubric = \"{}\"", m.id);
        let _ = writeln!(out, "department = \"TODO\"   # 单位名称");
        let _ = writeln!(out, "year = \"TODO\"        # 评价年度, e.g. {}", m.year);
        // Facts group by group, top-level ones first, groups in order of first appearance,
        // so that no table header repeats.
        let group_of = |i: usize| rubric.facts[i].path.rsplit_once('.').map_or("", |(g, _)| g);
        let mut order: Vec<&str> = vec![""];
        for i in 0..rubric.facts.len() {
            if !order.contains(&group_of(i)) {
                order.push(group_of(i));
            }
        }
        let sequence: Vec<usize> = order
            .iter()
            .flat_map(|g| (0..rubric.facts.len()).filter(move |&i| group_of(i) == *g))
            .collect();
        let mut current_group = String::new();
        for i in sequence {
            let f = &rubric.facts[i];
            let (group, key) = f.path.rsplit_once('.').unwrap_or(("", f.path.as_str()));
            if group != current_group {
                let label = rubric
                    .fact_groups
                    .iter()
                    .find(|(g, _)| g == group)
                    .map(|(_, l)| format!("  # {l}"))
                    .unwrap_or_default();
                let _ = writeln!(out, "\n[{group}]{label}");
                current_group = group.to_string();
            }
            let _ = writeln!(out, "# {}：{}", f.label, f.meaning);
            let _ = writeln!(out, "#   {}", how(rubric, &f.kind, &f.unit));
            if !by[i].is_empty() {
                let _ = writeln!(out, "#   scores: {}", by[i].join("、"));
            }
            let optional = match (&f.default, by[i].is_empty(), checked[i]) {
                (Some(d), _, _) => Some(match d {
                    DefaultValue::Bool(b) => format!("optional, default {b}"),
                    DefaultValue::Number(n) => format!("optional, default {}", plain(*n)),
                }),
                (None, true, true) => Some(
                    "optional: used by `perfeval check` to compare the report's figures"
                        .to_string(),
                ),
                (None, true, false) => Some("optional: no rule reads it".to_string()),
                _ => None,
            };
            let value = placeholder(&f.kind);
            match (optional, &f.kind, alternative[i]) {
                (_, FactKind::Tier(_), Some(v)) => {
                    let other = rubric.facts[v].path.rsplit('.').next().unwrap_or("");
                    let _ = writeln!(
                        out,
                        "#   instead of `{other}`, when there is no figure: remove `{other}` and the `# ` below"
                    );
                    let _ = writeln!(out, "# {key} = {value}");
                }
                (Some(why), _, _) => {
                    let _ = writeln!(out, "#   ({why})");
                    let _ = writeln!(out, "# {key} = {value}");
                }
                (None, _, _) => {
                    let _ = writeln!(out, "{key} = {value}");
                }
            }
        }
        for ind in &rubric.indicators {
            let Some(list) = &ind.list else { continue };
            let _ = writeln!(
                out,
                "\n# ---- {} ({} 分): the project's own indicators, one [[{}]] each ----",
                ind.name,
                plain(ind.points),
                list.key
            );
            let _ = writeln!(
                out,
                "# Their weights must add up to {}. A quantitative indicator has direction",
                plain(ind.points)
            );
            let _ = writeln!(
                out,
                "# \">=\", \"<=\" or \"=\", target and actual (numbers, or percentages such as \"95%\");"
            );
            let outcomes: Vec<&str> = list.bands.iter().map(|b| b.outcome.as_str()).collect();
            let _ = writeln!(
                out,
                "# a qualitative one has outcome ({}), score and reason instead; one that does",
                outcomes.join(" / ")
            );
            let _ = writeln!(
                out,
                "# not apply has actual = \"/\" and a reason. A missed target needs deviation."
            );
            let _ = writeln!(out, "[[{}]]", list.key);
            // The levels' own names: the item's group one level down, the item the last.
            let level_name = |l: usize| m.levels.get(l).map_or("", String::as_str);
            if list.grouped {
                let _ = writeln!(out, "level2 = \"TODO\"     # {}", level_name(ind.level));
            }
            let _ = writeln!(
                out,
                "name = \"TODO\"       # {}",
                level_name(m.levels.len() - 1)
            );
            let _ = writeln!(out, "weight = \"TODO\"     # 分值");
            let _ = writeln!(out, "direction = \">=\"");
            let _ = writeln!(out, "target = \"TODO\"     # 年度指标值");
            let _ = writeln!(out, "actual = \"TODO\"     # 实际完成值");
            let _ = writeln!(out, "# unit = \"\"");
            let _ = writeln!(out, "# deviation = \"\"    # 偏差原因分析及改进措施");
        }
        claims_and_overrides(&mut out, rubric);
        out.into_bytes()
    }
}

/// The optional `[overrides]` and `[claimed]` tables, commented out, so that a filled
/// template can go to `perfeval check` without copying them from an example.
fn claims_and_overrides(out: &mut String, rubric: &Rubric) {
    let leaves: Vec<&str> = rubric
        .indicators
        .iter()
        .filter(|i| i.rule.is_some())
        .map(|i| i.name.as_str())
        .collect();
    let example = leaves.first().copied().unwrap_or("指标名称");
    let _ = writeln!(
        out,
        "\n# ---- optional: scores set by hand, with the reason ----"
    );
    let _ = writeln!(
        out,
        "# An override replaces a rule's score; `check` reports it, `score --strict` ignores it."
    );
    let _ = writeln!(out, "# [overrides]");
    let _ = writeln!(
        out,
        "# \"{example}\" = {{ score = 0, reason = \"why the rule's result is not used\" }}"
    );
    let _ = writeln!(
        out,
        "\n# ---- optional: the scores the self-assessment claims ----"
    );
    let _ = writeln!(
        out,
        "# `perfeval check` compares them with the computed ones (with --require-claims, all"
    );
    let _ = writeln!(out, "# of them and the total are required).");
    let _ = writeln!(out, "# [claimed]");
    let _ = writeln!(out, "# total = 0");
    let _ = writeln!(out, "# grade = \"\"");
    let _ = writeln!(out, "# [claimed.scores]");
    for name in leaves {
        let _ = writeln!(out, "# \"{name}\" = 0");
    }
}
