//! Writing a facts workbook: empty to fill in, or holding a facts file's values.

mod fact_sheets;
mod row_sheets;

use rust_decimal::Decimal;
use rust_i18n::t;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign,
    FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::layout::*;
use crate::facts::Facts;
use crate::number::plain;
use crate::plan::Plan;
use fact_sheets::{fact_sheet, info_sheet, reasons_sheet};
use row_sheets::{claims_sheet, list_sheet, overrides_sheet};

/// The workbook for `rubric`: every fact it reads, one row each, grouped in sheets by
/// their first-level group; with `facts`, each value, reason, note, listed indicator,
/// override and claim of that file in its cell.
pub fn facts_workbook(rubric: &Plan<'_>, facts: Option<&Facts>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let mut taken: Vec<String> = [
        INFO_SHEET,
        REASONS_SHEET,
        OVERRIDES_SHEET,
        CLAIMS_SHEET,
        CHOICES_SHEET,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut lists = Lists::default();

    info_sheet(book.add_worksheet(), rubric, facts, &styles)?;
    for (group, facts_here) in groups(rubric) {
        let label = rubric
            .fact_groups
            .iter()
            .find(|(g, _)| *g == group)
            .map_or(group.as_str(), |(_, l)| l.as_str());
        let other = t!("workbook.other_sheet");
        let name = sheet_name(
            label,
            if group.is_empty() { &other } else { &group },
            &taken,
        );
        taken.push(name.clone());
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        fact_sheet(sheet, rubric, facts, &facts_here, &styles, &mut lists)?;
    }
    for i in 0..rubric.indicators.len() {
        if rubric.indicators[i].list.is_none() {
            continue;
        }
        let name = sheet_name(
            &rubric.indicators[i].name,
            &t!("workbook.list_sheet"),
            &taken,
        );
        taken.push(name.clone());
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        list_sheet(sheet, rubric, facts, i, &styles, &mut lists)?;
    }
    reasons_sheet(book.add_worksheet(), rubric, facts, &styles)?;
    overrides_sheet(book.add_worksheet(), rubric, facts, &styles, &mut lists)?;
    claims_sheet(book.add_worksheet(), rubric, facts, &styles, &mut lists)?;
    let choices = book.add_worksheet();
    choices.set_name(CHOICES_SHEET)?;
    for (col, values) in lists.columns.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        for (row, v) in values.iter().enumerate() {
            choices.write_string(u32::try_from(row).unwrap_or(u32::MAX), col, v)?;
        }
    }
    choices.set_hidden(true);
    book.save_to_buffer()
}

/// The facts of each first-level group, in the order the rubric declares them.
pub(super) fn groups(rubric: &Plan<'_>) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, f) in rubric.facts.iter().enumerate() {
        let top = match f.path.split_once('.') {
            Some((g, _)) => g.to_string(),
            None => String::new(),
        };
        match out.iter_mut().find(|(g, _)| *g == top) {
            Some((_, v)) => v.push(i),
            None => out.push((top, vec![i])),
        }
    }
    out
}

pub(super) struct Styles {
    pub(super) header: Format,
    pub(super) wrapped: Format,
    pub(super) input: Format,
    pub(super) input_text: Format,
    pub(super) key: Format,
}

impl Styles {
    pub(super) fn new() -> Self {
        let input = Format::new()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF8DC))
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center),
            wrapped: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            input_text: input.clone().set_text_wrap(),
            input,
            key: Format::new().set_font_color(Color::RGB(0x808080)),
        }
    }

    pub(super) fn number(&self, decimals: u32, percent: bool) -> Format {
        let mut code = "0".to_string();
        if decimals > 0 {
            code.push('.');
            code.push_str(&"0".repeat(decimals as usize));
        }
        if percent {
            code.push('%');
        }
        self.input.clone().set_num_format(code)
    }
}

/// A validation that takes numbers ≥ 0, with the message Excel shows for anything else.
pub(super) fn non_negative(message: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_message(message)
}

/// Drop-down lists, each a column of the hidden 选项 sheet.
#[derive(Default)]
pub(super) struct Lists {
    pub(super) columns: Vec<Vec<String>>,
}

impl Lists {
    /// A list validation offering `values`, stored once per distinct list.
    pub(super) fn validation(&mut self, values: &[String], strict: bool) -> DataValidation {
        let col = match self.columns.iter().position(|c| c == values) {
            Some(c) => c,
            None => {
                self.columns.push(values.to_vec());
                self.columns.len() - 1
            }
        };
        let letters = cell_name(0, u16::try_from(col).unwrap_or(u16::MAX));
        let letters = letters.trim_end_matches(|c: char| c.is_ascii_digit());
        let range = format!(
            "='{CHOICES_SHEET}'!${letters}$1:${letters}${}",
            values.len().max(1)
        );
        let v = DataValidation::new().allow_list_formula(Formula::new(range));
        if strict {
            v
        } else {
            // A partly met check takes points instead of 是/否: warn, do not refuse.
            v.set_error_style(DataValidationErrorStyle::Information)
        }
    }
}

pub(super) fn header(
    sheet: &mut Worksheet,
    titles: &[&str],
    styles: &Styles,
) -> Result<(), XlsxError> {
    for (c, t) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), *t, &styles.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

pub(super) fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

pub(super) fn row(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// Column widths from the widest text of each column, counted in display columns (a
/// Chinese character is two), within bounds.
pub(super) fn widths(sheet: &mut Worksheet, texts: &[Vec<String>], min: u16, max: &[u16]) {
    for (c, column) in texts.iter().enumerate() {
        let widest = column.iter().map(|t| t.width()).max().unwrap_or(0);
        let limit = max.get(c).copied().unwrap_or(40);
        let w = u16::try_from(widest).unwrap_or(u16::MAX).clamp(min, limit) + 2;
        let _ = sheet.set_column_width(col(c), w);
    }
}

pub(super) fn protect(sheet: &mut Worksheet) {
    // Printed for the file: A4 landscape, one page wide, the titles on every page.
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    let _ = sheet.set_repeat_rows(0, 0);
    // No password: protection guards against typing into the wrong cell, not against
    // the user; column widths may still be changed.
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
}

/// A number as Excel stores it, when the binary float holds it exactly enough to show
/// the same digits (15 significant digits); longer figures are written as text, which
/// the reader takes as exactly as TOML.
pub(super) fn as_f64(d: Decimal) -> Option<f64> {
    let text = plain(d);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if crate::number::significant_digits(&text) > 15 || digits > 20 {
        return None;
    }
    text.parse::<f64>().ok()
}

/// Writes a number with as many decimals shown as it was written with.
pub(super) fn write_decimal(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    d: Decimal,
    percent: bool,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let decimals = if percent {
        d.scale().saturating_sub(2)
    } else {
        d.scale()
    };
    match as_f64(d) {
        Some(f) => {
            sheet.write_number_with_format(r, c, f, &styles.number(decimals, percent))?;
        }
        None => {
            let text = if percent {
                // As many decimals as the fraction was written with, less the two the
                // percent sign takes: 0.874700 is 87.4700%.
                let mut p = (d * Decimal::ONE_HUNDRED).normalize();
                p.rescale(d.scale().saturating_sub(2).max(p.scale()));
                format!("{p}%")
            } else {
                d.to_string()
            };
            sheet.write_string_with_format(r, c, text, &styles.input)?;
        }
    }
    Ok(())
}
