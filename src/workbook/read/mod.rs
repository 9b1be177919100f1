//! Reading a facts workbook into a facts source.
//!
//! The workbook becomes TOML text with one value per line, and each line remembers its
//! cell, so every later message names `预算!B3` instead of a line nobody has seen.
//!
//! Numbers are taken exactly. A typed number is stored by Excel as the shortest decimal
//! text that reads back as the same binary float, which for up to 15 significant digits
//! is the figure typed; calamine hands it over as that float, whose shortest decimal text
//! is the same digits again. A float needing more digits is not a figure anyone typed (a
//! formula's `0.1 + 0.2` is `0.30000000000000004`) and is refused, never rounded. The
//! decimals a number format shows (`0.00`, `0.00%`) are kept, so a stated `93.00%` keeps
//! the precision `check` compares it at.

mod cell_value;
mod grid;
mod sheets;
mod toml_text;

use std::io::Cursor;
use std::path::Path;

use calamine::{Reader, Xlsx};
use rust_i18n::t;

use super::layout::*;
use crate::diagnostic::{Cell, Diagnostic, Diagnostics, SourceFile, sha256_hex};
use crate::input_error::InputError;
use grid::read_grid;
use sheets::{claims, facts, info, lists, overrides};
use toml_text::{Emitter, comment_safe};

/// Whether bytes are a zip archive, which is what an `.xlsx` workbook is.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The rubric id a facts workbook names on its 基本信息 sheet, read without the rest
/// of the workbook (`batch` plans its columns from the ids before scoring).
pub fn rubric_id(path: &Path) -> Option<String> {
    // Read through the file rather than into memory: the zip's directory and one sheet
    // are all this needs.
    let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(file).ok()?;
    let grid = read_grid(&mut book, INFO_SHEET, &mut 0).ok()?;
    let key = grid.column(KEY)?;
    let row = grid
        .data_rows()
        .find(|&r| grid.text(r, Some(key)) == "rubric")?;
    Some(grid.text(row, grid.column(INFO_VALUE))).filter(|id| !id.is_empty())
}

/// Reads a workbook's bytes as a facts source.
pub fn read_workbook(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, InputError> {
    let sha256 = sha256_hex(&bytes);
    let unreadable = |message: String| InputError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable(t!("workbook.not_excel", error = e).into_owned()))?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == INFO_SHEET) {
        return Err(unreadable(
            t!(
                "workbook.no_info_sheet",
                sheet = INFO_SHEET,
                sheets = names.join(&t!("workbook.sheet_separator"))
            )
            .into_owned(),
        ));
    }
    let hidden: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|m| m.visible != calamine::SheetVisible::Visible)
        .map(|m| m.name.clone())
        .collect();
    let mut grids = Vec::new();
    let mut read = 0usize;
    for name in &names {
        if name == CHOICES_SHEET {
            continue;
        }
        let grid = read_grid(&mut book, name, &mut read).map_err(&unreadable)?;
        // A hidden sheet would feed figures nobody sees; only the drop-down lists may hide.
        if hidden.contains(name) && !grid.cells.is_empty() {
            return Err(unreadable(
                t!("workbook.hidden_sheet", sheet = name).into_owned(),
            ));
        }
        grids.push(grid);
    }
    let mut out = Emitter::default();
    let info_cell = Cell::whole_sheet(INFO_SHEET);
    out.line(
        &t!(
            "workbook.toml_header",
            path = comment_safe(&crate::diagnostic::show_path(path))
        ),
        Some(info_cell),
    );
    info(&grids, &mut out);
    facts(&grids, &mut out);
    lists(&grids, &mut out);
    overrides(&grids, &mut out);
    claims(&grids, &mut out);
    let problems = std::mem::take(&mut out.problems);
    let source = SourceFile::from_workbook(path, out.text, out.cells, sha256);
    if problems.is_empty() {
        return Ok(source);
    }
    let mut diags = Diagnostics::default();
    for (line, message, help) in problems {
        let start: usize = source
            .text()
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let mut d = Diagnostic::new(message).at(&source, start..start + 1);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        diags.push(d);
    }
    Err(InputError::Invalid(diags))
}
