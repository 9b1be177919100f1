//! Source files and the diagnostics that point into them.
//!
//! Every stage that reads user input (rubric, facts, formulas) reports problems as
//! [`Diagnostic`]s: a message, the file, a byte span and an optional help line. Rendering
//! turns the span into `file:line:col` and a caret line whose columns are counted in
//! display width, so a caret lines up under Chinese text in a terminal.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_i18n::t;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
    fn line_starts(&self) -> &[usize] {
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

    fn line_text(&self, index: usize) -> &str {
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
    fn clamp_offset(&self, offset: usize) -> usize {
        let text = &self.inner.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// A problem found in an input file, with where it is and, when obvious, how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// `error` for a problem that stops the run, `warning` for a lint.
    pub level: &'static str,
    pub message: String,
    pub location: Option<(SourceFile, Range<usize>)>,
    /// Other places the problem involves, each with what it is ("first given here"):
    /// shown as carets of their own, not as "first on line 12" in the message.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

/// A second place a diagnostic points at, and what it is.
#[derive(Debug, Clone)]
pub struct Label {
    pub source: SourceFile,
    pub span: Range<usize>,
    pub text: String,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            level: "error",
            message: message.into(),
            location: None,
            labels: Vec::new(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            level: "warning",
            ..Diagnostic::new(message)
        }
    }

    pub fn at(mut self, source: &SourceFile, span: Range<usize>) -> Self {
        self.location = Some((source.clone(), span));
        self
    }

    /// Points at a second place as well, saying what it is.
    pub fn also_at(
        mut self,
        source: &SourceFile,
        span: Range<usize>,
        text: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            source: source.clone(),
            span,
            text: text.into(),
        });
        self
    }

    /// The second places in a few words each, for a message on one line (a batch row):
    /// ` (first given here: line 12)`.
    pub fn labels_in_brief(&self) -> String {
        self.labels
            .iter()
            .map(|l| {
                t!(
                    "diagnostic.label_in_brief",
                    text = l.text,
                    place = l.source.spot(l.span.start)
                )
            })
            .collect()
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line` of the diagnostic, when it has a location.
    pub fn position(&self) -> Option<(PathBuf, Position)> {
        self.location
            .as_ref()
            .map(|(src, span)| (src.name().to_path_buf(), src.position(span.start)))
    }
}

impl fmt::Display for Diagnostic {
    /// Renders as
    /// ```text
    /// error: message
    ///   --> file:3:9
    ///    |
    ///  3 | key = "值"
    ///    |       ^^^^
    ///    = help: ...
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}{}", level_word(self.level), self.message)?;
        if let Some((src, span)) = &self.location
            && src.is_workbook()
        {
            // A workbook has no lines to show: the cell, its label and what it holds.
            match src.cell(span.start) {
                Some(cell) => {
                    writeln!(
                        f,
                        " --> {} {} ({})",
                        show_path(src.name()),
                        cell.reference(),
                        cell.label
                    )?;
                    if !cell.cell.is_empty() {
                        writeln!(
                            f,
                            "  = {}",
                            t!("diagnostic.cell_holds", shown = show_cell(&cell.shown))
                        )?;
                    }
                }
                None => writeln!(f, " --> {}", show_path(src.name()))?,
            }
            for label in &self.labels {
                writeln!(
                    f,
                    "  = {}",
                    t!(
                        "diagnostic.label_at",
                        text = label.text,
                        place = label.source.at(label.span.start)
                    )
                )?;
            }
            if let Some(help) = &self.help {
                writeln!(f, "  = {}", t!("diagnostic.help", help = help))?;
            }
            return Ok(());
        }
        // One gutter for every snippet: the widest line number shown.
        let width = self
            .location
            .iter()
            .map(|(src, span)| (src, span))
            .chain(self.labels.iter().map(|l| (&l.source, &l.span)))
            .map(|(src, span)| src.position(span.start).line.to_string().len())
            .max()
            .unwrap_or(0);
        if let Some((src, span)) = &self.location {
            snippet(f, src, span, width, None)?;
        }
        for label in &self.labels {
            snippet(f, &label.source, &label.span, width, Some(&label.text))?;
        }
        if let Some(help) = &self.help {
            writeln!(
                f,
                "{} = {}",
                " ".repeat(width),
                t!("diagnostic.help", help = help)
            )?;
        }
        Ok(())
    }
}

/// `--> file:line:col`, the line, and a caret under `span`: `^` under the problem, `-`
/// with its text under a second place.
fn snippet(
    f: &mut fmt::Formatter<'_>,
    src: &SourceFile,
    span: &Range<usize>,
    width: usize,
    label: Option<&str>,
) -> fmt::Result {
    let start = src.clamp_offset(span.start);
    let pos = src.position(start);
    let pad = " ".repeat(width);
    writeln!(
        f,
        "{pad}--> {}:{}:{}",
        show_path(src.name()),
        pos.line,
        pos.char_column
    )?;
    let line = src.line_text(pos.line - 1);
    let line_start = src.line_starts()[pos.line - 1];
    let end = src.clamp_offset(span.end.min(line_start + line.len()).max(start));
    let (shown, indent, marked) = window(line, start - line_start, end - line_start);
    writeln!(f, "{pad} |")?;
    writeln!(f, "{:>width$} | {shown}", pos.line)?;
    match label {
        None => writeln!(
            f,
            "{pad} | {}{}",
            " ".repeat(indent),
            "^".repeat(marked.max(1))
        ),
        Some(text) => writeln!(
            f,
            "{pad} | {}{} {text}",
            " ".repeat(indent),
            "-".repeat(marked.max(1))
        ),
    }
}

/// `error: ` or `错误：`, before a message. The level stays an identifier (`error`,
/// `warning`) for the machine formats; only its word for people changes with the language.
pub fn level_word(level: &str) -> std::borrow::Cow<'static, str> {
    if level == "warning" {
        t!("diagnostic.warning_prefix")
    } else {
        t!("diagnostic.error_prefix")
    }
}

/// A cell's content for a message: empty shown as such, long text cut.
fn show_cell(shown: &str) -> String {
    if shown.is_empty() {
        return t!("diagnostic.empty_cell").into_owned();
    }
    let mut out: String = shown.chars().take(60).collect();
    if shown.chars().count() > 60 {
        out.push('…');
    }
    out.replace(['\n', '\r'], " ")
}

/// Display columns of source shown before the culprit, and in all, on a long line.
const CONTEXT_BEFORE: usize = 40;
const MAX_SHOWN: usize = 120;

fn width_of(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(1)).sum()
}

/// The part of `line` to show around bytes `from..to`, the caret's indent and its width,
/// all in display columns. Long lines are cut around the culprit and marked with `…`.
fn window(line: &str, from: usize, to: usize) -> (String, usize, usize) {
    let line = line.replace('\t', " ");
    let from = from.min(line.len());
    let to = to.clamp(from, line.len());
    if width_of(&line) <= MAX_SHOWN {
        return (
            line.clone(),
            width_of(&line[..from]),
            width_of(&line[from..to]),
        );
    }
    let mut begin = from;
    for (i, _) in line[..from].char_indices().rev() {
        if width_of(&line[i..from]) > CONTEXT_BEFORE {
            break;
        }
        begin = i;
    }
    let mut end = from;
    for (i, c) in line[from..].char_indices() {
        let next = from + i + c.len_utf8();
        if width_of(&line[begin..next]) > MAX_SHOWN {
            break;
        }
        end = next;
    }
    let lead = if begin > 0 { "…" } else { "" };
    let tail = if end < line.len() { "…" } else { "" };
    let shown = format!("{lead}{}{tail}", &line[begin..end]);
    let indent = width_of(lead) + width_of(&line[begin..from]);
    let marked = width_of(&line[from..to.min(end)]);
    (shown, indent, marked)
}

/// A list of diagnostics reported together, so a user sees every problem at once.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Most diagnostics shown for one run; the rest are counted. A generated file with
/// 20,000 faults would otherwise print megabytes nobody reads.
pub const MAX_DIAGNOSTICS_SHOWN: usize = 50;

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().take(MAX_DIAGNOSTICS_SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        let rest = self.0.len().saturating_sub(MAX_DIAGNOSTICS_SHOWN);
        if rest > 0 {
            let errors = self.0[MAX_DIAGNOSTICS_SHOWN..]
                .iter()
                .filter(|d| d.level == "error")
                .count();
            let warnings = rest - errors;
            write!(
                f,
                "\n{}\n",
                t!(
                    "diagnostic.more_not_shown",
                    rest = rest,
                    errors = errors,
                    warnings = warnings
                )
            )?;
        }
        // Several problems end with their count, so a long list is not taken for one.
        let errors = self.0.iter().filter(|d| d.level == "error").count();
        let warnings = self.0.len() - errors;
        if self.0.len() > 1 {
            let count = match (errors, warnings) {
                (_, 0) => t!("diagnostic.count", errors = errors),
                (0, _) => t!("diagnostic.count_warnings", warnings = warnings),
                _ => t!(
                    "diagnostic.count_with_warnings",
                    errors = errors,
                    warnings = warnings
                ),
            };
            write!(f, "\n{count}\n")?;
        }
        Ok(())
    }
}

/// The closest candidate to `input`, when it is close enough to be a likely misspelling.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(input, c), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_counts_display_width_of_chinese_text() {
        let src = SourceFile::new("f.toml", "a = 1\n名称 = \"中文\"\n");
        let offset = src.text().find("\"中文\"").unwrap_or(0);
        let d = Diagnostic::new("bad").at(&src, offset..offset + "\"中文\"".len());
        let text = d.to_string();
        // The column counts characters, as editors do; the caret counts display width.
        assert!(text.contains("--> f.toml:2:6"), "{text}");
        // `名称 = ` is 7 columns wide; `"中文"` is 6 columns wide.
        assert!(text.contains("  |        ^^^^^^\n"), "{text}");
    }

    #[test]
    fn a_second_place_gets_its_own_snippet_in_one_gutter() {
        let text = format!("a = 1\n{}b = 2\n", "\n".repeat(98));
        let src = SourceFile::new("f.toml", text.clone());
        let second = text.find("b = 2").unwrap_or(0);
        let d = Diagnostic::new("twice")
            .at(&src, 0..1)
            .also_at(&src, second..second + 1, "again here")
            .with_help("keep one");
        let shown = d.to_string();
        // Line 100 sets the gutter for both snippets and the help.
        assert!(
            shown.contains("\n   --> f.toml:1:1\n    |\n  1 | a = 1\n    | ^\n"),
            "{shown}"
        );
        assert!(
            shown.contains("\n   --> f.toml:100:1\n    |\n100 | b = 2\n    | - again here\n"),
            "{shown}"
        );
        assert!(shown.ends_with("    = help: keep one\n"), "{shown}");
        assert_eq!(d.labels_in_brief(), " (again here: line 100)");
    }

    #[test]
    fn long_lines_are_cut_around_the_culprit() {
        let line = format!("{}坏{}", "a".repeat(500), "b".repeat(500));
        let src = SourceFile::new("f.toml", line.clone());
        let at = line.find('坏').unwrap_or(0);
        let text = Diagnostic::new("bad")
            .at(&src, at..at + '坏'.len_utf8())
            .to_string();
        let shown: Vec<&str> = text.lines().collect();
        assert!(shown[3].starts_with("1 | …aaaa"), "{text}");
        assert!(shown[3].ends_with("bbb…"), "{text}");
        assert!(width_of(shown[3]) <= MAX_SHOWN + 10, "{text}");
        let caret_col = width_of(&shown[4][..shown[4].find('^').unwrap_or(0)]);
        let culprit_col = width_of(&shown[3][..shown[3].find('坏').unwrap_or(0)]);
        assert_eq!(caret_col, culprit_col, "{text}");
        assert!(shown[4].ends_with("^^"), "{text}");
    }

    #[test]
    fn sha256_of_known_bytes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["planned", "actual", "budget"];
        assert_eq!(suggest("planed", names), Some("planned"));
        assert_eq!(suggest("zzz", names), None);
    }
}
