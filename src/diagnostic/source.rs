//! The text of one input file ([`SourceFile`]) and where a byte offset in it is: its
//! line and column, or the workbook cell it was read from.
//!
//! Separate from the diagnostics themselves: a source is read, hashed and pointed into
//! by every stage, whether or not anything is wrong with it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

/// The text of one input file, kept for the lifetime of everything that points into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    inner: Arc<SourceInner>,
}

#[derive(Debug)]
struct SourceInner {
    name: PathBuf,
    text: String,
    /// Whether the file began with a UTF-8 byte-order mark, dropped from `text`.
    bom: bool,
    /// SHA-256 of the file's bytes, hex, computed when first asked for: a result's receipt
    /// names its inputs, but scoring an archive does not need it.
    sha256: std::sync::OnceLock<String>,
    /// Byte offset where each line starts; used to turn spans into line numbers.
    /// Computed when first needed: only messages and traces need line numbers.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// For a source read from a workbook: the cell each line of `text` was written
    /// from, by line index. A reader is told `预算!B3`, never a line of text they
    /// have not seen.
    cells: Option<Vec<Option<Cell>>>,
    /// The encoding the file's bytes were decoded from when it was not UTF-8 (a GBK
    /// file from Notepad, UTF-16 from PowerShell), for the notice that says so.
    encoding: Option<&'static str>,
}

impl SourceInner {
    /// UTF-8 text read as it is: no mark, no cells, its hash computed when asked for.
    fn plain(name: PathBuf, text: String) -> Self {
        SourceInner {
            name,
            text,
            bom: false,
            sha256: std::sync::OnceLock::new(),
            line_starts: std::sync::OnceLock::new(),
            cells: None,
            encoding: None,
        }
    }
}

/// Two sources are the same when they have the same name and text: what a rubric's
/// places point into (its compiled form is compared with it so).
impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
            || (self.inner.name == other.inner.name && self.inner.text == other.inner.text)
    }
}

/// The workbook cell a line of a synthesized source stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub sheet: String,
    /// `B7`; empty for a line that stands for a whole sheet (a group's table).
    pub cell: String,
    /// The row's label: the fact's Chinese name, or the column's title.
    pub label: String,
    /// The cell's content as read, for the message.
    pub shown: String,
    /// The formula whose cached result was read, when the cell holds one.
    pub formula: Option<String>,
}

impl Cell {
    /// A line that stands for a whole sheet (a group's table, the 基本信息 sheet).
    pub fn whole_sheet(sheet: &str) -> Cell {
        Cell {
            sheet: sheet.to_string(),
            cell: String::new(),
            label: sheet.to_string(),
            shown: String::new(),
            formula: None,
        }
    }

    /// `预算!B3`, or the sheet's name alone.
    pub fn reference(&self) -> String {
        if self.cell.is_empty() {
            t!("diagnostic.sheet", sheet = self.sheet).into_owned()
        } else {
            format!("{}!{}", self.sheet, self.cell)
        }
    }
}

/// A path as people and tools should see it: as it is when it is UTF-8 (a backslash
/// doubled), else with each byte that is not UTF-8 shown as `\xFF`, so that `x\xff.toml`
/// and `x\xfe.toml` stay two different names (`Path::display` turns both into `x�.toml`).
pub fn show_path(path: &Path) -> String {
    // A backslash of the name itself is doubled, in every name, so that `\xFF` always
    // means a byte and never a name written that way.
    if let Some(s) = path.to_str() {
        return s.replace('\\', "\\\\");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// 1-based line and display column of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    /// Counted in display columns (a Chinese character is two): where a caret goes.
    pub column: usize,
    /// Counted in characters: what editors and code-review tools mean by a column.
    pub char_column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Self::decoded(name, text, false)
    }

    /// A source decoded from a file that began with a byte-order mark when `bom` is set.
    pub fn decoded(name: impl Into<PathBuf>, text: impl Into<String>, bom: bool) -> Self {
        Self::with(SourceInner {
            bom,
            ..SourceInner::plain(name.into(), text.into())
        })
    }

    /// A facts source written from a workbook: `text` is TOML with one value per line,
    /// `cells[i]` the cell line `i` came from, `sha256` that of the workbook's bytes (a
    /// receipt names the file the user gave, not the text made from it).
    pub fn from_workbook(
        name: impl Into<PathBuf>,
        text: String,
        cells: Vec<Option<Cell>>,
        sha256: String,
    ) -> Self {
        Self::with(SourceInner {
            sha256: std::sync::OnceLock::from(sha256),
            cells: Some(cells),
            ..SourceInner::plain(name.into(), text)
        })
    }

    /// A source decoded from bytes in another encoding than UTF-8; `sha256` is that of
    /// the bytes, as `sha256sum` gives it.
    pub fn transcoded(
        name: impl Into<PathBuf>,
        text: String,
        sha256: String,
        encoding: &'static str,
    ) -> Self {
        Self::with(SourceInner {
            sha256: std::sync::OnceLock::from(sha256),
            encoding: Some(encoding),
            ..SourceInner::plain(name.into(), text)
        })
    }

    /// A source whose SHA-256 is already known (a shipped rubric's, computed when the
    /// binary was built), so a receipt does not hash it again.
    pub fn hashed(name: impl Into<PathBuf>, text: impl Into<String>, sha256: &str) -> Self {
        Self::with(SourceInner {
            sha256: std::sync::OnceLock::from(sha256.to_string()),
            ..SourceInner::plain(name.into(), text.into())
        })
    }

    fn with(inner: SourceInner) -> Self {
        SourceFile {
            inner: Arc::new(inner),
        }
    }

    /// The encoding the file was decoded from, when it was not UTF-8.
    pub fn encoding(&self) -> Option<&'static str> {
        self.inner.encoding
    }

    /// Whether the source was read from a workbook.
    pub fn is_workbook(&self) -> bool {
        self.inner.cells.is_some()
    }

    /// The workbook cell of a 1-based line, for a source read from a workbook.
    pub fn cell_of_line(&self, line: usize) -> Option<&Cell> {
        self.inner
            .cells
            .as_ref()?
            .get(line.checked_sub(1)?)?
            .as_ref()
    }

    /// The workbook cell holding the byte at `offset`, for a source read from a workbook.
    pub fn cell(&self, offset: usize) -> Option<&Cell> {
        self.inner.cells.as_ref()?;
        self.cell_of_line(self.position(offset).line)
    }

    /// Where an offset is, for a sentence: `line 12`, or `cell 预算!B3` in a workbook.
    pub fn spot(&self, offset: usize) -> String {
        let line = self.position(offset).line;
        match (self.is_workbook(), self.cell_of_line(line)) {
            (true, Some(cell)) => t!("diagnostic.spot_cell", cell = cell.reference()).into_owned(),
            (true, None) => t!("diagnostic.spot_workbook").into_owned(),
            (false, _) => t!("diagnostic.spot_line", line = line).into_owned(),
        }
    }

    /// `file:line`, or `file 预算!B3` for a workbook, saying when the cell's value is
    /// a formula's cached result: where a fact's value was read, for `explain`.
    pub fn at(&self, offset: usize) -> String {
        let pos = self.position(offset);
        if !self.is_workbook() {
            return format!("{}:{}", show_path(self.name()), pos.line);
        }
        let place = self.locus_of(pos);
        match self.cell_of_line(pos.line).and_then(|c| c.formula.as_ref()) {
            Some(formula) => t!(
                "diagnostic.cached_formula",
                place = place,
                formula = formula
            )
            .into_owned(),
            None => place,
        }
    }

    /// `file:line:col` (the column in characters, as editors count), or `file
    /// 预算!B3` for a workbook.
    pub fn locus_of(&self, pos: Position) -> String {
        let file = show_path(self.name());
        if self.is_workbook() {
            match self.cell_of_line(pos.line) {
                Some(cell) => format!("{file} {}", cell.reference()),
                None => file,
            }
        } else {
            format!("{file}:{}:{}", pos.line, pos.char_column)
        }
    }

    /// Byte offset where each line starts.
    pub(super) fn line_starts(&self) -> &[usize] {
        self.inner.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.inner.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// SHA-256 of the file's bytes (byte-order mark included), lowercase hex.
    pub fn sha256(&self) -> &str {
        self.inner.sha256.get_or_init(|| {
            let text = self.inner.text.as_bytes();
            if self.inner.bom {
                sha256_hex(&[b"\xEF\xBB\xBF".as_slice(), text].concat())
            } else {
                sha256_hex(text)
            }
        })
    }

    pub fn name(&self) -> &Path {
        &self.inner.name
    }

    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The line index (0-based) containing `offset`.
    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub(super) fn line_text(&self, index: usize) -> &str {
        let start = self.line_starts()[index];
        let end = self
            .line_starts()
            .get(index + 1)
            .copied()
            .unwrap_or(self.inner.text.len());
        self.inner.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Line and display column (both 1-based) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp_offset(offset);
        let index = self.line_index(offset);
        let start = self.line_starts()[index];
        let prefix = &self.inner.text[start..offset];
        Position {
            line: index + 1,
            column: prefix.width() + 1,
            char_column: prefix.chars().count() + 1,
        }
    }

    /// Pull an offset back onto a char boundary inside the text.
    pub(super) fn clamp_offset(&self, offset: usize) -> usize {
        let text = &self.inner.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
