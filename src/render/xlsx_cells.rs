//! What the two workbook outputs (附件一 and the batch workbook) share: text and numbers
//! as cells, column widths for Chinese text, sheet names.

use rust_decimal::Decimal;
use rust_i18n::t;
use rust_xlsxwriter::XlsxError;
use unicode_width::UnicodeWidthStr;

use crate::workbook::layout::{NOT_IN_SHEET_NAMES, unique_sheet_name};

/// The most characters a cell holds (Excel's limit); longer text is cut with "…".
const MAX_CELL_CHARS: usize = 32_767;

/// Text for a cell: characters that act on a terminal (ESC, CR, bidi overrides) are
/// dropped, as in the CSV, and text beyond Excel's limit is cut. Written with
/// `write_string`, a cell is always text, never a formula, whatever it starts with.
pub(super) fn text(s: &str) -> String {
    let mut out: String = s.chars().filter(|&c| !super::acts_on_terminal(c)).collect();
    if out.chars().count() > MAX_CELL_CHARS {
        out = out.chars().take(MAX_CELL_CHARS - 1).collect();
        out.push('…');
    }
    out
}

/// A decimal as the `f64` a workbook stores. Converted here, at the cell, and nowhere
/// else: no arithmetic is done on it. A score has two decimals, which an `f64` written
/// as its shortest round-trip form keeps exactly as shown.
pub(super) fn number(d: Decimal) -> Result<f64, XlsxError> {
    d.to_string().parse::<f64>().map_err(|e| {
        XlsxError::ParameterError(
            t!("appendix_xlsx.not_a_number", value = d, error = e).into_owned(),
        )
    })
}

/// The width of text in Excel's column units, where a CJK character counts 2 (as in a
/// terminal): the widest line.
pub(super) fn width(s: &str) -> u32 {
    s.lines()
        .map(|l| u32::try_from(l.width()).unwrap_or(u32::MAX))
        .max()
        .unwrap_or(0)
}

/// A column width that fits `widest` units plus a margin, within `min..=max`; text wider
/// than `max` wraps.
pub(super) fn column_width(widest: u32, min: u32, max: u32) -> u32 {
    widest.saturating_add(2).clamp(min, max)
}

/// How many lines `s` takes in a column `columns` units wide, when wrapped.
pub(super) fn lines(s: &str, columns: u32) -> u32 {
    let columns = columns.max(1);
    s.lines()
        .map(|l| {
            u32::try_from(l.width())
                .unwrap_or(u32::MAX)
                .div_ceil(columns)
                .max(1)
        })
        .fold(0u32, u32::saturating_add)
        .max(1)
}

/// A valid, unique sheet name from `wanted`: at most 31 characters, none of `[]:*?/\`,
/// not starting or ending with an apostrophe, not already in `taken` (compared as Excel
/// does, ignoring case); a number is appended when it is.
pub(super) fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let cleaned: String = wanted
        .chars()
        .map(|c| {
            if NOT_IN_SHEET_NAMES.contains(&c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('\'');
    let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "sheet"
    } else {
        cleaned
    };
    unique_sheet_name(base, taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let long = "a-rubric-id-that-is-longer-than-thirty-one";
        let first = sheet_name(long, &[]);
        assert_eq!(first.chars().count(), 31);
        let second = sheet_name(long, std::slice::from_ref(&first));
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with("~2"));
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(sheet_name("错误", &["错误".to_string()]), "错误~2");
        assert_eq!(sheet_name("'", &[]), "sheet");
    }

    #[test]
    fn chinese_text_is_twice_as_wide() {
        assert_eq!(width("中文的宽度"), 10);
        assert_eq!(width("ab\n中文"), 4);
        assert_eq!(lines("中文的宽度", 4), 3);
        assert_eq!(lines("", 10), 1);
        assert_eq!(column_width(100, 8, 40), 40);
    }

    #[test]
    fn text_drops_terminal_controls_and_keeps_formula_like_text() {
        assert_eq!(text("=1+1\u{1b}[2J"), "=1+1[2J");
        assert_eq!(number(Decimal::new(199, 2)).ok(), Some(1.99));
    }
}
