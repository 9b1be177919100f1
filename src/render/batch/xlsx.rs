//! The rows of `perfeval batch` as one workbook: a sheet per rubric with the CSV's
//! columns (numbers stored as numbers, a filter on the header row, the header and the
//! path frozen), and the files that could not be scored again on a sheet of their own.

use rust_i18n::t;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::{Cell, CsvPlan};
use crate::batch::Row;
use crate::render::xlsx_cells::{column_width, number, sheet_name, text, width};

/// The workbook of `rows` (in order), one sheet per plan: a row goes to the sheet of its
/// rubric, or to the first sheet if it has none (a file that could not be read).
pub(super) fn workbook(plans: &[CsvPlan], rows: &[Row]) -> Result<Vec<u8>, XlsxError> {
    let fallback = [CsvPlan::default()];
    let plans = if plans.is_empty() {
        &fallback[..]
    } else {
        plans
    };
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color("#D9D9D9");
    let score = Format::new().set_num_format("0.00");
    let integer = Format::new().set_num_format("0");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    // The sheet of the files that could not be scored, and the sheet of the rows when no
    // rubric was found to plan columns for.
    let errors_sheet = t!("batch_xlsx.errors_sheet");
    let no_rubric = t!("batch_xlsx.results_sheet");
    let mut workbook = Workbook::new();
    let mut names: Vec<String> = vec![errors_sheet.to_string()];
    for (k, plan) in plans.iter().enumerate() {
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| {
                plans
                    .iter()
                    .position(|p| p.fits(r))
                    .map_or(k == 0, |at| at == k)
            })
            .collect();
        let name = sheet_name(plan.rubric().unwrap_or(&no_rubric), &names);
        names.push(name.clone());
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let titles = plan.titles();
        let table: Vec<Vec<Cell>> = mine.iter().map(|r| plan.cells(r)).collect();
        let mut widths: Vec<u32> = titles.iter().map(|t| width(t)).collect();
        for cells in &table {
            for (w, cell) in widths.iter_mut().zip(cells) {
                *w = (*w).max(width(&cell.to_string()));
            }
        }
        for (c, title) in titles.iter().enumerate() {
            sheet.write_string_with_format(0, col(c)?, text(title), &header)?;
        }
        for (r, cells) in table.iter().enumerate() {
            let at = row(r + 1)?;
            for (c, cell) in cells.iter().enumerate() {
                let c = col(c)?;
                match cell {
                    Cell::Text(s) if s.is_empty() => {}
                    Cell::Text(s) => {
                        sheet.write_string(at, c, text(s))?;
                    }
                    Cell::Integer(i) => {
                        sheet.write_number_with_format(
                            at,
                            c,
                            number(rust_decimal::Decimal::from(*i))?,
                            &integer,
                        )?;
                    }
                    Cell::Score(d) => {
                        sheet.write_number_with_format(at, c, number(*d)?, &score)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            // Indicator names wrap in the header; an error message wraps in its cell.
            let c16 = col(c)?;
            if *w > 60 {
                sheet.set_column_format(c16, &wrap)?;
            }
            sheet.set_column_width(c16, column_width(*w, 8, 60))?;
        }
        finish(sheet, table.len(), titles.len())?;
    }

    // The files that could not be scored, also on their own sheet.
    let sheet = workbook.add_worksheet();
    sheet.set_name(errors_sheet)?;
    sheet.write_string_with_format(0, 0, "path", &header)?;
    sheet.write_string_with_format(0, 1, "error", &header)?;
    let mut failed = 0usize;
    let (mut path_width, mut error_width) = (width("path"), width("error"));
    for r in rows {
        if let Some(e) = &r.error {
            failed += 1;
            let path = crate::render::for_terminal(&r.path).into_owned();
            path_width = path_width.max(width(&path));
            error_width = error_width.max(width(e));
            sheet.write_string(row(failed)?, 0, text(&path))?;
            sheet.write_string_with_format(row(failed)?, 1, text(e), &wrap)?;
        }
    }
    sheet.set_column_width(0, column_width(path_width, 8, 60))?;
    sheet.set_column_width(1, column_width(error_width, 8, 100))?;
    finish(sheet, failed, 2)?;
    workbook.save_to_buffer()
}

/// The header row frozen (with the first column, the path) and filtered.
fn finish(sheet: &mut Worksheet, rows: usize, columns: usize) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 1)?;
    sheet.autofilter(0, 0, row(rows)?, col(columns.saturating_sub(1))?)?;
    Ok(())
}

fn row(n: usize) -> Result<u32, XlsxError> {
    u32::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col(n: usize) -> Result<u16, XlsxError> {
    u16::try_from(n).map_err(|_| XlsxError::RowColumnLimitError)
}
