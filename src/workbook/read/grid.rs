//! A sheet's cells, read sparsely, with their formulas and number formats.

use calamine::{Data, Xlsx};
use rust_i18n::t;

use crate::diagnostic::Cell;
use crate::workbook::layout::cell_name;

/// One sheet as read: values, formulas and number formats by absolute position.
pub(super) struct Grid {
    pub(super) name: String,
    /// Each cell that holds something: its value and its formula.
    pub(super) cells: std::collections::HashMap<(u32, u32), (Data, Option<String>)>,
    /// The rows that hold a cell, in order: a stray cell at row 1,048,576 costs one entry,
    /// not a million rows.
    pub(super) rows: Vec<u32>,
    pub(super) styles: calamine::StyleRange,
    /// Column of each title in the first row.
    pub(super) titles: Vec<(String, u32)>,
}

impl Grid {
    pub(super) fn column(&self, title: &str) -> Option<u32> {
        self.titles
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, c)| *c)
    }

    pub(super) fn value(&self, row: u32, col: u32) -> &Data {
        self.cells.get(&(row, col)).map_or(&Data::Empty, |(v, _)| v)
    }

    pub(super) fn text(&self, row: u32, col: Option<u32>) -> String {
        col.map(|c| match self.value(row, c) {
            Data::String(s) => s.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
    }

    pub(super) fn formula(&self, row: u32, col: u32) -> Option<String> {
        self.cells
            .get(&(row, col))
            .and_then(|(_, f)| f.clone())
            .filter(|f| !f.is_empty())
    }

    pub(super) fn format(&self, row: u32, col: u32) -> NumberShape {
        self.styles
            .get((row, col))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| NumberShape::of(&f.format_code))
            .unwrap_or_default()
    }

    /// The cell at `row`, `col` of this sheet, for a line or a message.
    pub(super) fn cell_at(&self, row: u32, col: u32, label: &str, shown: &str) -> Cell {
        Cell {
            sheet: self.name.clone(),
            cell: cell_name(row, u16::try_from(col).unwrap_or(u16::MAX)),
            label: label.to_string(),
            shown: shown.to_string(),
            formula: None,
        }
    }

    /// The data rows (below the titles) that hold a cell.
    pub(super) fn data_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows.iter().copied().filter(|&r| r > 0)
    }
}

/// Most cells read from one workbook: a facts workbook holds a few hundred; a file
/// with millions is not one, and reading it would only cost memory.
pub(super) const MAX_CELLS: usize = 200_000;

/// What a cell's number format says about the figure it shows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct NumberShape {
    pub(super) decimals: u32,
    pub(super) percent: bool,
    /// Whether the format fixes the decimals shown (`0.00`), unlike `General`.
    pub(super) fixed: bool,
}

impl NumberShape {
    /// The decimals and percent sign of the first section of a format code, outside
    /// quoted text and escapes: `0.00%` has 2 and a percent sign.
    pub(super) fn of(code: &str) -> Self {
        let section = code.split(';').next().unwrap_or("");
        let mut shape = NumberShape::default();
        let (mut quoted, mut escaped, mut after_point) = (false, false, false);
        for c in section.chars() {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '"' => quoted = !quoted,
                _ if quoted => {}
                '\\' => escaped = true,
                '.' => after_point = true,
                '0' | '#' | '?' if after_point => {
                    shape.decimals += 1;
                    shape.fixed = true;
                }
                '0' | '#' | '?' => shape.fixed = true,
                '%' => shape.percent = true,
                _ if after_point && !c.is_ascii_digit() => after_point = false,
                _ => {}
            }
        }
        shape
    }
}

/// One sheet's cells, read one at a time (never as a dense range: a stray cell at
/// XFD1048576 would make that 17 billion cells).
pub(super) fn read_grid<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    name: &str,
    read: &mut usize,
) -> Result<Grid, String> {
    let cannot = |e: calamine::XlsxError| {
        t!("workbook.sheet_unreadable", sheet = name, error = e).into_owned()
    };
    let mut cells = std::collections::HashMap::new();
    let mut rows = std::collections::BTreeSet::new();
    {
        let mut reader = book.worksheet_cells_reader(name).map_err(cannot)?;
        while let Some(cell) = reader.next_cell_with_formula().map_err(cannot)? {
            let value = Data::from(cell.value);
            if value == Data::Empty && cell.formula.is_none() {
                continue;
            }
            *read += 1;
            if *read > MAX_CELLS {
                return Err(t!("workbook.too_many_cells", max = MAX_CELLS).into_owned());
            }
            rows.insert(cell.pos.0);
            cells.insert(cell.pos, (value, cell.formula));
        }
    }
    let styles = book.worksheet_style(name).unwrap_or_default();
    let mut titles: Vec<(String, u32)> = cells
        .iter()
        .filter(|((r, _), _)| *r == 0)
        .filter_map(|((_, c), (v, _))| match v {
            Data::String(t) if !t.trim().is_empty() => Some((t.trim().to_string(), *c)),
            _ => None,
        })
        .collect();
    titles.sort_by_key(|(_, c)| *c);
    Ok(Grid {
        name: name.to_string(),
        cells,
        rows: rows.into_iter().collect(),
        styles,
        titles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_give_decimals_and_percent() {
        let shape = |decimals, percent| NumberShape {
            decimals,
            percent,
            fixed: true,
        };
        assert_eq!(NumberShape::of("0.00%"), shape(2, true));
        assert_eq!(NumberShape::of("#,##0.0"), shape(1, false));
        assert_eq!(NumberShape::of("General"), NumberShape::default());
        assert_eq!(NumberShape::of("0\"%\""), shape(0, false));
        assert_eq!(NumberShape::of("0.00_);(0.00)"), shape(2, false));
    }
}
