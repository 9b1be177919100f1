//! `perfeval rubric show`: what a rubric will do, before scoring with it — the indicator
//! tree with points, the framework's texts and how each leaf is scored.

use std::fmt::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement};
use rust_i18n::t;

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
        out.push(
            if list.grouped {
                t!("rubric_show.listed_by_grouped", key = list.key)
            } else {
                t!("rubric_show.listed_by", key = list.key)
            }
            .into_owned(),
        );
        for (symbol, formula) in [("≥", &list.higher), ("≤", &list.lower), ("=", &list.equal)] {
            out.push(t!("rubric_show.labelled", label = symbol, text = formula.text).into_owned());
        }
        for b in &list.bands {
            out.push(
                t!(
                    "rubric_show.band",
                    outcome = b.outcome,
                    lower = bound(b.lower, true),
                    upper = bound(b.upper, false)
                )
                .into_owned(),
            );
        }
        out.push(
            match list.not_applicable {
                crate::rubric::NotApplicable::Rescale => t!("score.item_na_rescale"),
                crate::rubric::NotApplicable::Full => t!("score.item_na_full"),
                crate::rubric::NotApplicable::Zero => t!("score.item_na_zero"),
            }
            .into_owned(),
        );
    }
    let Some(rule) = &ind.rule else { return out };
    for v in &rule.vetoes {
        out.push(t!("rubric_show.veto_when", formula = v.formula.text).into_owned());
    }
    for e in &rule.exemptions {
        out.push(t!("rubric_show.full_points_when", formula = e.formula.text).into_owned());
    }
    for l in &rule.lets {
        out.push(format!("{} = {}", l.name, l.formula.text));
    }
    for p in &rule.parts {
        let how = match &p.kind {
            PartKind::Formula { score } => t!("rubric_show.formula", formula = score.text),
            PartKind::Tiers { value, tiers, .. } => t!(
                "rubric_show.tiers_on",
                value = value.text,
                tiers = tiers
                    .iter()
                    .map(|t| format!("{} → {}", t.label, plain(t.points)))
                    .collect::<Vec<_>>()
                    .join(&t!("rubric_show.tier_separator"))
            ),
            PartKind::Check { fact } => t!("rubric_show.check", path = rubric.facts[*fact].path),
            PartKind::Judgment { fact } => {
                t!("rubric_show.judgment", path = rubric.facts[*fact].path)
            }
            PartKind::Deduction { count, per, floor } => t!(
                "rubric_show.deduction",
                points = plain(p.points),
                per = plain(*per),
                count = count.text,
                floor = plain(*floor)
            ),
            PartKind::Category { fact, points } => t!(
                "rubric_show.labelled",
                label = format!("`{}`", rubric.facts[*fact].path),
                text = points
                    .iter()
                    .map(|(c, x)| format!("{c} → {}", plain(*x)))
                    .collect::<Vec<_>>()
                    .join(&t!("rubric_show.tier_separator"))
            ),
            PartKind::Item { .. } => t!("rubric_show.listed_item"),
        };
        out.push(
            t!(
                "rubric_show.part",
                name = p.name,
                points = plain(p.points),
                how = how
            )
            .into_owned(),
        );
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
    t!(
        "rubric_show.grades",
        grades = grades.join(&t!("rubric_show.grade_separator"))
    )
    .into_owned()
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
                    "{}",
                    t!(
                        "rubric_show.table_subtitle",
                        issuer = m.issuer,
                        document = m.document,
                        total = plain(m.total),
                        scale = rubric.rounding.scale,
                        mode = super::explain::rounding_name(rubric.rounding.mode)
                    )
                );
                let mut table = comfy_table::Table::new();
                table.load_style(UTF8_FULL_CONDENSED);
                table.set_content_arrangement(ContentArrangement::Dynamic);
                if let Some(w) = width {
                    table.set_width(*w);
                }
                let mut header: Vec<Cell> = m.levels.iter().map(Cell::new).collect();
                header.extend(
                    [
                        t!("rubric_show.column_points"),
                        t!("rubric_show.column_criteria"),
                        t!("rubric_show.column_rule"),
                    ]
                    .map(Cell::new),
                );
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
                    "{}\n",
                    t!(
                        "rubric_show.markdown_subtitle",
                        issuer = m.issuer,
                        document = m.document,
                        total = plain(m.total),
                        scale = rubric.rounding.scale,
                        mode = super::explain::rounding_name(rubric.rounding.mode)
                    )
                );
                for i in rubric.preorder() {
                    let ind = &rubric.indicators[i];
                    let hashes = "#".repeat((ind.level + 1).min(6));
                    let _ = writeln!(
                        out,
                        "{hashes} {}\n",
                        t!(
                            "rubric_show.markdown_indicator",
                            name = ind.name,
                            points = plain(ind.points),
                            id = ind.id
                        )
                    );
                    if !ind.description.is_empty() {
                        let _ = writeln!(
                            out,
                            "{}\n",
                            t!(
                                "rubric_show.markdown_description",
                                text = ind.description.trim()
                            )
                        );
                    }
                    if !ind.criteria.is_empty() {
                        let _ = writeln!(out, "{}\n", t!("rubric_show.markdown_criteria"));
                        for line in ind.criteria.trim().lines() {
                            let _ = writeln!(out, "> {}", line.trim());
                        }
                        out.push('\n');
                    }
                    let rules = rule_lines(rubric, ind);
                    if !rules.is_empty() {
                        let _ = writeln!(out, "{}\n", t!("rubric_show.markdown_rules"));
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
