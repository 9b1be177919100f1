//! `perfeval init`: a facts file for a rubric, to be filled in by a finance clerk. Every
//! fact the rubric reads is there, with its Chinese label, unit and meaning and the
//! indicators that use it, as comments; every value to fill in is `"TODO"`, so that
//! scoring an unfilled template lists each one still missing, with its line.

use std::fmt::Write;

use rust_i18n::t;

use super::Render;
use crate::number::plain;
use crate::rubric::{DefaultValue, FactKind, Rubric, users};
use crate::workbook::layout::LIST_COLUMNS;

#[derive(Debug, Clone, Copy, Default)]
pub struct Template;

fn placeholder(kind: &FactKind) -> String {
    match kind {
        FactKind::Judgment => "{ value = \"TODO\", reason = \"TODO\" }".into(),
        FactKind::Tier(_) => "{ value = \"TODO\", reason = \"TODO\" }".into(),
        _ => "\"TODO\"".into(),
    }
}

/// The values of a choice or tier as TOML strings, for the note that offers them.
fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|x| format!("\"{x}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn how(rubric: &Rubric, kind: &FactKind, unit: &str) -> String {
    match kind {
        FactKind::Amount => t!(
            "template.how_amount",
            unit = if unit.is_empty() {
                &rubric.meta.unit
            } else {
                unit
            }
        ),
        FactKind::Count if unit.is_empty() => t!("template.how_count"),
        FactKind::Count => t!("template.how_count_in", unit = unit),
        FactKind::Rate => t!("template.how_rate"),
        FactKind::Bool => t!("template.how_bool"),
        FactKind::Choice(c) => t!("template.how_choice", choices = quoted(c)),
        FactKind::Check => t!("template.how_check"),
        FactKind::Judgment => t!("template.how_judgment"),
        FactKind::Tier(labels) => t!("template.how_tier", tiers = quoted(labels)),
    }
    .into_owned()
}

/// The workbook's column title of a listed indicator's key, the name people know it by.
fn list_title(key: &str) -> &'static str {
    LIST_COLUMNS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, title)| title)
}

impl Render<Rubric> for Template {
    fn render(&self, rubric: &Rubric) -> Vec<u8> {
        let (by, checked, alternative) = users(rubric);
        let mut out = String::new();
        let m = &rubric.meta;
        let _ = writeln!(
            out,
            "{}",
            t!(
                "template.header",
                title = m.title,
                id = m.id,
                version = m.version
            )
        );
        let _ = writeln!(
            out,
            "{}",
            t!("template.issuer", issuer = m.issuer, document = m.document)
        );
        let _ = writeln!(out, "#");
        let _ = writeln!(out, "{}", t!("template.intro", unit = m.unit));
        let _ = writeln!(out);
        let _ = writeln!(out, "rubric = \"{}\"", m.id);
        let _ = writeln!(
            out,
            "department = \"TODO\"   # {}",
            t!("template.department_comment")
        );
        let _ = writeln!(
            out,
            "year = \"TODO\"        # {}",
            t!("template.year_comment", year = m.year)
        );
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
                // i18n-exempt: joins indicator names, Chinese as the rubric spells them
                let names = by[i].join("、");
                let _ = writeln!(out, "{}", t!("template.used_by", indicators = names));
            }
            let optional = match (&f.default, by[i].is_empty(), checked[i]) {
                (Some(d), _, _) => Some(match d {
                    DefaultValue::Bool(b) => t!("template.optional_default", value = b),
                    DefaultValue::Number(n) => {
                        t!("template.optional_default", value = plain(*n))
                    }
                }),
                (None, true, true) => Some(t!("template.optional_for_check")),
                (None, true, false) => Some(t!("template.optional_unread")),
                _ => None,
            };
            let value = placeholder(&f.kind);
            match (optional, &f.kind, alternative[i]) {
                (_, FactKind::Tier(_), Some(v)) => {
                    let other = rubric.facts[v].path.rsplit('.').next().unwrap_or("");
                    let _ = writeln!(out, "{}", t!("template.instead_of", other = other));
                    let _ = writeln!(out, "# {key} = {value}");
                }
                (Some(why), _, _) => {
                    let _ = writeln!(out, "{why}");
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
                "{}",
                t!(
                    "template.list_heading",
                    name = ind.name,
                    points = plain(ind.points),
                    key = list.key
                )
            );
            let outcomes: Vec<&str> = list.bands.iter().map(|b| b.outcome.as_str()).collect();
            let _ = writeln!(
                out,
                "{}",
                t!(
                    "template.list_rules",
                    points = plain(ind.points),
                    outcomes = outcomes.join(" / ")
                )
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
            // Each key's comment is its column title in the workbook.
            let _ = writeln!(out, "weight = \"TODO\"     # {}", list_title("weight"));
            let _ = writeln!(out, "direction = \">=\"");
            let _ = writeln!(out, "target = \"TODO\"     # {}", list_title("target"));
            let _ = writeln!(out, "actual = \"TODO\"     # {}", list_title("actual"));
            let _ = writeln!(out, "# unit = \"\"");
            let _ = writeln!(out, "# deviation = \"\"    # {}", list_title("deviation"));
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
    let example = leaves.first().copied().unwrap_or(list_title("name"));
    let _ = writeln!(out, "{}", t!("template.overrides_heading"));
    let _ = writeln!(out, "{}", t!("template.overrides_note"));
    let _ = writeln!(out, "# [overrides]");
    let _ = writeln!(out, "{}", t!("template.override_example", name = example));
    let _ = writeln!(out, "{}", t!("template.claims_heading"));
    let _ = writeln!(out, "{}", t!("template.claims_note"));
    let _ = writeln!(out, "# [claimed]");
    let _ = writeln!(out, "# total = 0");
    let _ = writeln!(out, "# grade = \"\"");
    let _ = writeln!(out, "# [claimed.scores]");
    for name in leaves {
        let _ = writeln!(out, "# \"{name}\" = 0");
    }
}
