//! The score table, shaped like 附件一: one row per indicator in tree order, each name in
//! its level's column, with points, score and the basis of the score; then the total,
//! the grade and a note for every override.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement};
use rust_i18n::t;

use super::{Render, basis};
use crate::number::plain;
use crate::score::Report;

/// The table renderer; `width` fixes the table's width in terminal columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Table {
    pub width: Option<u16>,
}

/// Marks an overridden score in the table; the note below the table explains it. ASCII,
/// because "※" is of ambiguous width and misaligns the table in some CJK terminals.
const OVERRIDE_MARK: &str = "*";

impl Render<Report<'_>> for Table {
    fn render(&self, report: &Report<'_>) -> Vec<u8> {
        let rubric = report.rubric;
        let levels = &rubric.meta.levels;
        let mut table = comfy_table::Table::new();
        table.load_style(UTF8_FULL_CONDENSED);
        table.set_content_arrangement(ContentArrangement::Dynamic);
        if let Some(w) = self.width {
            table.set_width(w);
        }
        let mut header: Vec<Cell> = levels.iter().map(Cell::new).collect();
        header.extend([t!("table.points"), t!("table.score"), t!("table.basis")].map(Cell::new));
        table.set_header(header);
        for i in rubric.preorder() {
            let ind = &rubric.indicators[i];
            let mut row: Vec<Cell> = (1..=levels.len())
                .map(|l| {
                    Cell::new(if l == ind.level {
                        ind.name.as_str()
                    } else {
                        ""
                    })
                })
                .collect();
            let mut score = report.scores[i].to_string();
            if report.leaf(i).is_some_and(|l| l.override_applied()) {
                score.push_str(OVERRIDE_MARK);
            }
            // Shown as the published tables show it, not as a 0 that looks like a loss.
            let points = if report.not_applicable(i) {
                score = t!("table.not_applicable").into_owned();
                "/".to_string()
            } else {
                plain(ind.points)
            };
            row.push(Cell::new(points).set_alignment(CellAlignment::Right));
            row.push(Cell::new(score).set_alignment(CellAlignment::Right));
            row.push(Cell::new(basis(report, i)));
            table.add_row(row);
        }
        let mut total_row: Vec<Cell> = vec![Cell::new(t!("table.total"))];
        total_row.extend((1..levels.len()).map(|_| Cell::new("")));
        total_row.push(Cell::new(plain(rubric.meta.total)).set_alignment(CellAlignment::Right));
        total_row.push(Cell::new(report.total.to_string()).set_alignment(CellAlignment::Right));
        total_row.push(Cell::new(t!("table.grade", grade = report.grade)));
        table.add_row(total_row);

        let mut out = String::new();
        out.push_str(&t!(
            "table.title",
            title = rubric.meta.title,
            id = rubric.meta.id,
            version = rubric.meta.version
        ));
        out.push('\n');
        out.push_str(&t!(
            "table.subtitle",
            department = report.facts.department,
            year = report.facts.year
        ));
        out.push('\n');
        if let Some(notice) = super::rescored_notice(report) {
            out.push_str(&notice);
            out.push('\n');
        }
        for line in super::whatif::lines(report) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&table.to_string());
        out.push('\n');
        for note in notes_below(report) {
            out.push_str(&note);
            out.push('\n');
        }
        out.into_bytes()
    }
}

/// The lines under 附件一 (the terminal table and the workbook): the total and grade, a
/// note per overridden score, and how many overrides `--strict` ignored.
pub(super) fn notes_below(report: &Report<'_>) -> Vec<String> {
    let rubric = report.rubric;
    let mut notes = vec![
        t!(
            "table.total_line",
            total = report.total,
            points = plain(rubric.meta.total),
            grade = report.grade
        )
        .into_owned(),
    ];
    for (i, leaf) in report.overridden() {
        if let Some(note) = super::basis::override_note(leaf) {
            notes.push(
                t!(
                    "table.override_note",
                    mark = OVERRIDE_MARK,
                    indicator = rubric.indicators[i].name,
                    note = note
                )
                .into_owned(),
            );
        }
    }
    if report.options.strict {
        let ignored = report
            .leaves
            .iter()
            .filter(|l| l.as_ref().is_some_and(|l| l.override_.is_some()))
            .count();
        if ignored > 0 {
            notes.push(t!("table.strict_note", ignored = ignored).into_owned());
        }
    }
    notes
}
