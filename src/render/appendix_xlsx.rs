//! The score breakdown as a workbook shaped like the seed report's 附件一: one row per
//! indicator in tree order, a parent's name merged down over the rows beneath it, its
//! subtotal on its own row (小计), then the total with the grade; points and scores
//! stored as numbers (`0.00`), so a reviewer can add them up in Excel or WPS; printable
//! on A4 landscape, one page wide, the header row on every page.

use rust_i18n::t;
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};

use super::Render;
use super::xlsx_cells::{column_width, lines, number, text, width};
use crate::score::Report;

/// The 附件一 workbook renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppendixXlsx;

/// The number format of a score; an overridden one shows the table's `*` after it and
/// stays a number.
const SCORE_FORMAT: &str = "0.00";
const OVERRIDDEN_FORMAT: &str = "0.00\"*\"";
/// Width of the basis column, in Excel's units (a CJK character takes 2); its text wraps.
const BASIS_WIDTH: u32 = 56;
/// Row height, in points, of one line of wrapped 11-point text with CJK glyphs.
const LINE_HEIGHT: u32 = 15;
/// A4 in Excel's paper sizes.
const A4: u8 = 9;

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    name: Format,
    subtotal_label: Format,
    points: Format,
    subtotal_points: Format,
    score: Format,
    subtotal_score: Format,
    overridden: Format,
    text_right: Format,
    basis: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let right = cell.clone().set_align(FormatAlign::Right);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9D9D9")
                .set_text_wrap(),
            name: cell.clone().set_text_wrap().set_indent(1),
            subtotal_label: cell.clone().set_bold().set_align(FormatAlign::Center),
            points: right.clone(),
            subtotal_points: right.clone().set_bold(),
            score: right.clone().set_num_format(SCORE_FORMAT),
            subtotal_score: right.clone().set_bold().set_num_format(SCORE_FORMAT),
            overridden: right.clone().set_num_format(OVERRIDDEN_FORMAT),
            text_right: right,
            basis: cell.set_text_wrap().set_indent(1),
            note: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Left),
        }
    }
}

impl AppendixXlsx {
    /// The workbook's bytes, or why it could not be made (a limit of the format, such as
    /// more rows than a sheet holds).
    pub fn workbook(&self, report: &Report<'_>) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let rubric = report.rubric;
        workbook.set_properties(
            &DocProperties::new()
                .set_title(text(&t!(
                    "appendix_xlsx.document_title",
                    title = rubric.meta.title,
                    department = report.facts.department,
                    year = report.facts.year
                )))
                .set_author("perfeval"),
        );
        let sheet = workbook.add_worksheet();
        sheet.set_name(t!("appendix_xlsx.sheet"))?;
        write_sheet(sheet, report)?;
        workbook.save_to_buffer()
    }
}

impl Render<Report<'_>> for AppendixXlsx {
    /// The workbook, or no bytes if it cannot be made; [`AppendixXlsx::workbook`] says why.
    fn render(&self, report: &Report<'_>) -> Vec<u8> {
        self.workbook(report).unwrap_or_default()
    }
}

fn to_row(n: usize) -> Result<u32, XlsxError> {
    u32::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

fn to_col(n: usize) -> Result<u16, XlsxError> {
    u16::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Writes `value` into the cells `first..=last` of one column or one row, merged when
/// they are more than one.
fn merged(
    sheet: &mut Worksheet,
    (r1, c1): (u32, u16),
    (r2, c2): (u32, u16),
    value: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if r1 == r2 && c1 == c2 {
        sheet.write_string_with_format(r1, c1, value, format)?;
    } else {
        sheet.merge_range(r1, c1, r2, c2, value, format)?;
    }
    Ok(())
}

fn write_sheet(sheet: &mut Worksheet, report: &Report<'_>) -> Result<(), XlsxError> {
    let f = Formats::new();
    let rubric = report.rubric;
    let levels = &rubric.meta.levels;
    let depth = levels.len().max(1);
    // Columns: one per level, then 分值, 得分, 依据.
    let points_col = to_col(depth)?;
    let score_col = points_col + 1;
    let basis_col = points_col + 2;
    let order = rubric.preorder();

    let span = rubric.row_spans();

    // Column widths from the text they hold.
    let mut level_width: Vec<u32> = (0..depth)
        .map(|l| {
            levels
                .get(l)
                .map_or(0, |n| width(n))
                .max(width(&t!("appendix_xlsx.subtotal")))
        })
        .collect();
    for &i in &order {
        let ind = &rubric.indicators[i];
        if let Some(w) = level_width.get_mut(ind.level.saturating_sub(1)) {
            *w = (*w).max(width(&ind.name));
        }
    }
    let level_width: Vec<u32> = level_width
        .into_iter()
        .enumerate()
        // The last level holds the longest names; the others are merged down and wrap.
        .map(|(l, w)| column_width(w, 10, if l + 1 == depth { 34 } else { 18 }))
        .collect();
    for (l, w) in level_width.iter().enumerate() {
        sheet.set_column_width(to_col(l)?, *w)?;
    }
    sheet.set_column_width(points_col, 8)?;
    sheet.set_column_width(score_col, 9)?;
    sheet.set_column_width(basis_col, BASIS_WIDTH)?;
    let page_width = level_width.iter().sum::<u32>() + 8 + 9 + BASIS_WIDTH;

    // Title: the framework, then the department and year.
    let mut row: u32 = 0;
    sheet.set_row_height(row, 24)?;
    merged(
        sheet,
        (row, 0),
        (row, basis_col),
        &text(&format!(
            "{}（{} v{}）",
            rubric.meta.title, rubric.meta.id, rubric.meta.version
        )),
        &f.title,
    )?;
    row += 1;
    merged(
        sheet,
        (row, 0),
        (row, basis_col),
        &text(&t!(
            "appendix_xlsx.subtitle",
            department = report.facts.department,
            year = report.facts.year
        )),
        &f.subtitle,
    )?;
    row += 1;
    if let Some(notice) = super::rescored_notice(report) {
        merged(
            sheet,
            (row, 0),
            (row, basis_col),
            &text(&notice),
            &f.subtitle,
        )?;
        row += 1;
    }

    let header = row;
    for (l, name) in levels.iter().enumerate() {
        sheet.write_string_with_format(header, to_col(l)?, text(name), &f.header)?;
    }
    for (col, title) in [
        (points_col, t!("appendix_xlsx.points")),
        (score_col, t!("appendix_xlsx.score")),
        (basis_col, t!("appendix_xlsx.basis")),
    ] {
        sheet.write_string_with_format(header, col, title, &f.header)?;
    }
    row += 1;

    let last_level = to_col(depth - 1)?;
    for &i in &order {
        let ind = &rubric.indicators[i];
        let col = to_col(ind.level.saturating_sub(1))?.min(last_level);
        let is_parent = !ind.children.is_empty();
        let name = text(&ind.name);
        if is_parent {
            // The name down the rows beneath it, 小计 across the deeper levels.
            let last = row + to_row(span[i].saturating_sub(1))?;
            merged(sheet, (row, col), (last, col), &name, &f.name)?;
            if col < last_level {
                merged(
                    sheet,
                    (row, col + 1),
                    (row, last_level),
                    &t!("appendix_xlsx.subtotal"),
                    &f.subtotal_label,
                )?;
            }
        } else {
            // A leaf above the last level takes the deeper levels' cells too.
            merged(sheet, (row, col), (row, last_level), &name, &f.name)?;
        }

        let leaf = report.leaf(i);
        let overridden = leaf.filter(|l| l.override_applied());
        if report.not_applicable(i) {
            // As the published tables show it, not as a 0 that looks like a loss.
            sheet.write_string_with_format(row, points_col, "/", &f.text_right)?;
            sheet.write_string_with_format(
                row,
                score_col,
                t!("appendix_xlsx.not_applicable"),
                &f.text_right,
            )?;
        } else {
            let (points_format, score_format) = match (is_parent, overridden) {
                (true, _) => (&f.subtotal_points, &f.subtotal_score),
                (false, Some(_)) => (&f.points, &f.overridden),
                (false, None) => (&f.points, &f.score),
            };
            sheet.write_number_with_format(row, points_col, number(ind.points)?, points_format)?;
            sheet.write_number_with_format(
                row,
                score_col,
                number(report.scores[i])?,
                score_format,
            )?;
        }

        let why = super::basis::basis_with_override(report, i);
        if let Some(note) = overridden.and_then(super::basis::override_note) {
            sheet.insert_note(
                row,
                score_col,
                &Note::new(text(&note)).set_width(360).set_height(120),
            )?;
        }
        let why = text(&why);
        // Rows are given the height their wrapped text needs: LibreOffice keeps the
        // default height of a row written without one, and would overlap the next.
        let mut height = lines(&why, BASIS_WIDTH - 2);
        if !is_parent {
            let name_width = level_width.get(usize::from(col)).copied().unwrap_or(10);
            height = height.max(lines(&name, name_width.saturating_sub(2)));
        }
        if height > 1 {
            sheet.set_row_height(row, height * LINE_HEIGHT)?;
        }
        sheet.write_string_with_format(row, basis_col, why, &f.basis)?;
        row += 1;
    }

    // The total, with the grade.
    merged(
        sheet,
        (row, 0),
        (row, last_level),
        &t!("appendix_xlsx.total"),
        &f.subtotal_label,
    )?;
    sheet.write_number_with_format(
        row,
        points_col,
        number(rubric.meta.total)?,
        &f.subtotal_points,
    )?;
    sheet.write_number_with_format(row, score_col, number(report.total)?, &f.subtotal_score)?;
    sheet.write_string_with_format(
        row,
        basis_col,
        text(&t!("appendix_xlsx.grade", grade = report.grade)),
        &f.basis,
    )?;
    let last_table_row = row;
    row += 1;

    // Notes below the table, as under the terminal table.
    let notes = super::table::notes_below(report);
    for note in notes {
        let note = text(&note);
        // A merged cell is fitted by no program: its height is set from its length.
        sheet.set_row_height(row, lines(&note, page_width) * LINE_HEIGHT)?;
        merged(sheet, (row, 0), (row, basis_col), &note, &f.note)?;
        row += 1;
    }
    let last_row = row.saturating_sub(1).max(last_table_row);

    // Printing: A4 landscape, one page wide, the header row on every page.
    sheet.set_paper_size(A4);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_print_area(0, 0, last_row, basis_col)?;
    sheet.set_repeat_rows(header, header)?;
    sheet.set_footer("&C&P / &N");
    sheet.set_freeze_panes(header + 1, 0)?;
    Ok(())
}
