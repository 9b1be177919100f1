//! `perfeval diff` as a table for people: one row per indicator (or per file, for two
//! batch outputs), then the facts that changed and the summary.
//!
//! Separate from the JSON: only this format lays out columns for a terminal's width.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement};
use rust_i18n::t;

use super::{
    DiffTable, batch_summary, change_text, fact_line, fact_places, file_change, file_name,
    grade_text, rubric_note, score_text, side_line, summary_lines, total_text,
};
use crate::diff::batch::BatchDiff;
use crate::diff::{Diff, IndicatorDiff, Presence};
use crate::render::Render;

/// The indicator's name for the table: indented by level, with its old name if renamed.
fn indicator_name(i: &IndicatorDiff) -> String {
    let mut s = "  ".repeat(i.level.saturating_sub(1));
    match &i.old_name {
        Some(old) => s.push_str(&t!("diff.renamed", name = i.name, old = old)),
        None => s.push_str(&i.name),
    }
    s
}

fn new_table(width: Option<u16>, header: &[std::borrow::Cow<'_, str>]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        table.set_width(w);
    }
    table.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
    table
}

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

impl Render<Diff> for DiffTable {
    fn render(&self, d: &Diff) -> Vec<u8> {
        let mut table = new_table(
            self.width,
            &[
                t!("diff.column_indicator"),
                t!("diff.column_old_score"),
                t!("diff.column_new_score"),
                t!("diff.column_change"),
                t!("diff.column_facts"),
            ],
        );
        for i in &d.indicators {
            let facts: Vec<String> = i
                .facts
                .iter()
                .map(|c| format!("{}\n{}", fact_line(c), fact_places(c)))
                .collect();
            table.add_row(vec![
                Cell::new(indicator_name(i)),
                right(score_text(i.old.map(|s| s.score))),
                right(score_text(i.new.map(|s| s.score))),
                right(change_text(i.presence, i.change)),
                Cell::new(facts.join("\n")),
            ]);
        }
        table.add_row(vec![
            Cell::new(t!("diff.total_row")),
            right(d.total.old.to_string()),
            right(d.total.new.to_string()),
            right(change_text(Presence::Both, Some(d.total.change))),
            Cell::new(t!(
                "diff.grade_change",
                old = d.old.grade,
                new = d.new.grade
            )),
        ]);
        let mut out = format!("{}\n", t!("diff.title"));
        out.push_str(&format!(
            "{}\n{}\n",
            t!("diff.old_side", side = side_line(&d.old)),
            t!("diff.new_side", side = side_line(&d.new))
        ));
        if let Some(note) = rubric_note(d) {
            out.push_str(&note);
            out.push('\n');
        }
        out.push_str(&table.to_string());
        out.push('\n');
        for line in summary_lines(d) {
            out.push_str(&line);
            out.push('\n');
        }
        if !d.other_facts.is_empty() {
            out.push_str(&format!("{}\n", t!("diff.other_facts")));
            for c in &d.other_facts {
                out.push_str(&format!(
                    "  {}\n",
                    t!(
                        "diff.other_fact",
                        fact = fact_line(c),
                        places = fact_places(c)
                    )
                ));
            }
        }
        out.into_bytes()
    }
}

impl Render<BatchDiff> for DiffTable {
    fn render(&self, d: &BatchDiff) -> Vec<u8> {
        let mut table = new_table(
            self.width,
            &[
                t!("diff.column_file"),
                t!("diff.column_department"),
                t!("diff.column_year"),
                t!("diff.column_old_total"),
                t!("diff.column_new_total"),
                t!("diff.column_change"),
                t!("diff.column_grade"),
            ],
        );
        for f in &d.files {
            let row = f.row();
            table.add_row(vec![
                Cell::new(file_name(f)),
                Cell::new(row.map_or("", |r| r.department.as_str())),
                Cell::new(
                    row.and_then(|r| r.year)
                        .map_or(String::new(), |y| y.to_string()),
                ),
                right(total_text(f.old.as_ref())),
                right(total_text(f.new.as_ref())),
                right(file_change(f)),
                Cell::new(grade_text(f)),
            ]);
        }
        let mut out = format!("{}\n", t!("diff.batch_title"));
        out.push_str(&table.to_string());
        out.push('\n');
        for f in &d.files {
            let errors: Vec<String> = [(true, &f.old), (false, &f.new)]
                .iter()
                .filter_map(|(old, r)| {
                    let e = r.as_ref()?.error.as_ref()?;
                    let line = if *old {
                        t!("diff.old_unscorable", error = e)
                    } else {
                        t!("diff.new_unscorable", error = e)
                    };
                    Some(format!("  {line}\n"))
                })
                .collect();
            if f.indicators.is_empty() && errors.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n{}\n",
                t!("diff.file_heading", file = file_name(f))
            ));
            for e in errors {
                out.push_str(&e);
            }
            if f.indicators.is_empty() {
                continue;
            }
            let mut table = new_table(
                self.width,
                &[
                    t!("diff.column_indicator"),
                    t!("diff.column_old_score"),
                    t!("diff.column_new_score"),
                    t!("diff.column_change"),
                ],
            );
            for i in &f.indicators {
                table.add_row(vec![
                    Cell::new(format!(
                        "{}{}",
                        "  ".repeat(i.level.saturating_sub(1)),
                        i.name
                    )),
                    right(score_text(i.old)),
                    right(score_text(i.new)),
                    right(change_text(i.presence, i.change)),
                ]);
            }
            out.push_str(&table.to_string());
            out.push('\n');
        }
        out.push_str(&batch_summary(d));
        out.push('\n');
        out.into_bytes()
    }
}
