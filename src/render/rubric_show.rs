//! `perfeval rubric show`: what a rubric will do, before scoring with it — the indicator
//! tree with points, the framework's texts and how each leaf is scored.

use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement};

use super::Render;
use crate::number::plain;
use crate::rubric::{Indicator, PartKind, Rubric};

/// The tree as a table (`width` in terminal columns) or as Markdown.
#[derive(Debug, Clone, Copy)]
pub enum RubricShow {
    Table { width: Option<u16> },
    Markdown,
}

/// One line per part: how the leaf is scored.
fn rule_lines(rubric: &Rubric, ind: &Indicator) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(list) = &ind.list {
        let bound = |b: crate::rubric::Bound, lower: bool| {
            let sym = b.symbol(lower);
            let pct = b
                .value
                .checked_mul(rust_decimal::Decimal::ONE_HUNDRED)
                .unwrap_or(b.value);
            format!("{sym}{}%", plain(pct))
        };
        out.push(format!(
            "listed by each facts file as [[{}]]{}",
            list.key,
            if list.grouped {
                ", grouped by level2"
            } else {
                ""
            }
        ));
        out.push(format!("≥: {}", list.higher.text));
        out.push(format!("≤: {}", list.lower.text));
        out.push(format!("=: {}", list.equal.text));
        for b in &list.bands {
            out.push(format!(
                "{}: {} {} of the weight",
                b.outcome,
                bound(b.lower, true),
                bound(b.upper, false)
            ));
        }
        out.push(format!("“/”: {}", list.not_applicable.name()));
    }
    let Some(rule) = &ind.rule else { return out };
    for v in &rule.vetoes {
        out.push(format!("veto when {}", v.formula.text));
    }
    for e in &rule.exemptions {
        out.push(format!("full points when {}", e.formula.text));
    }
    for l in &rule.lets {
        out.push(format!("{} = {}", l.name, l.formula.text));
    }
    for p in &rule.parts {
        let how = match &p.kind {
            PartKind::Formula { score } => format!("formula {}", score.text),
            PartKind::Tiers { value, tiers, .. } => format!(
                "tiers on {}: {}",
                value.text,
                tiers
                    .iter()
                    .map(|t| format!("{} → {}", t.label, plain(t.points)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            PartKind::Check { fact } => format!("check `{}`", rubric.facts[*fact].path),
            PartKind::Judgment { fact } => {
                format!("evaluator's score `{}`", rubric.facts[*fact].path)
            }
            PartKind::Deduction { count, per, floor } => {
                format!(
                    "{} − {} × ({}), at least {}",
                    plain(p.points),
                    plain(*per),
                    count.text,
                    plain(*floor)
                )
            }
            PartKind::Category { fact, points } => format!(
                "`{}`: {}",
                rubric.facts[*fact].path,
                points
                    .iter()
                    .map(|(c, x)| format!("{c} → {}", plain(*x)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            PartKind::Item { .. } => "listed item".into(),
        };
        out.push(format!("{} ({} 分): {how}", p.name, plain(p.points)));
    }
    out
}

/// `等级：优 ≥ 90，良 ≥ 80，…`
fn grades_line(rubric: &Rubric) -> String {
    let grades: Vec<String> = rubric
        .grades
        .iter()
        .map(|g| format!("{} ≥ {}", g.name, plain(g.min)))
        .collect();
    format!("等级：{}", grades.join("，"))
}

impl Render<Rubric> for RubricShow {
    fn render(&self, rubric: &Rubric) -> Vec<u8> {
        let m = &rubric.meta;
        let mut out = String::new();
        match self {
            RubricShow::Table { width } => {
                let _ = writeln!(out, "{}（{} v{}）", m.title, m.id, m.version);
                let _ = writeln!(
                    out,
                    "{}，{}；总分 {}；得分保留 {} 位小数（{}）",
                    m.issuer,
                    m.document,
                    plain(m.total),
                    rubric.rounding.scale,
                    rubric.rounding.mode
                );
                let mut table = comfy_table::Table::new();
                table.load_style(UTF8_FULL_CONDENSED);
                table.set_content_arrangement(ContentArrangement::Dynamic);
                if let Some(w) = width {
                    table.set_width(*w);
                }
                let mut header: Vec<Cell> = m.levels.iter().map(Cell::new).collect();
                header.extend(["分值", "参考评分标准", "规则"].map(Cell::new));
                table.set_header(header);
                for i in rubric.preorder() {
                    let ind = &rubric.indicators[i];
                    let mut row: Vec<Cell> = (1..=m.levels.len())
                        .map(|l| {
                            Cell::new(if l == ind.level {
                                ind.name.as_str()
                            } else {
                                ""
                            })
                        })
                        .collect();
                    row.push(Cell::new(plain(ind.points)).set_alignment(CellAlignment::Right));
                    row.push(Cell::new(ind.criteria.trim()));
                    row.push(Cell::new(rule_lines(rubric, ind).join("\n")));
                    table.add_row(row);
                }
                out.push_str(&table.to_string());
                out.push('\n');
                let _ = writeln!(out, "{}", grades_line(rubric));
            }
            RubricShow::Markdown => {
                let _ = writeln!(out, "# {}（{} v{}）\n", m.title, m.id, m.version);
                let _ = writeln!(
                    out,
                    "{}，{}。总分 {}，得分保留 {} 位小数（{}）。\n",
                    m.issuer,
                    m.document,
                    plain(m.total),
                    rubric.rounding.scale,
                    rubric.rounding.mode
                );
                for i in rubric.preorder() {
                    let ind = &rubric.indicators[i];
                    let hashes = "#".repeat((ind.level + 1).min(6));
                    let _ = writeln!(
                        out,
                        "{hashes} {}（{} 分，`{}`）\n",
                        ind.name,
                        plain(ind.points),
                        ind.id
                    );
                    if !ind.description.is_empty() {
                        let _ = writeln!(out, "指标说明：{}\n", ind.description.trim());
                    }
                    if !ind.criteria.is_empty() {
                        let _ = writeln!(out, "参考评分标准：\n");
                        for line in ind.criteria.trim().lines() {
                            let _ = writeln!(out, "> {}", line.trim());
                        }
                        out.push('\n');
                    }
                    let rules = rule_lines(rubric, ind);
                    if !rules.is_empty() {
                        let _ = writeln!(out, "规则：\n");
                        for r in rules {
                            let _ = writeln!(out, "- `{}`", r.replace('`', "'"));
                        }
                        out.push('\n');
                    }
                }
                let _ = writeln!(out, "{}", grades_line(rubric));
            }
        }
        out.into_bytes()
    }
}
