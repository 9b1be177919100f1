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
    /// Byte offset where each line starts; used to turn spans into line numbers.
    line_starts: Vec<usize>,
}

/// 1-based line and display column of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            inner: Arc::new(SourceInner {
                name: name.into(),
                text,
                line_starts,
            }),
        }
    }

    pub fn name(&self) -> &Path {
        &self.inner.name
    }

    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The line index (0-based) containing `offset`.
    fn line_index(&self, offset: usize) -> usize {
        match self.inner.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn line_text(&self, index: usize) -> &str {
        let start = self.inner.line_starts[index];
        let end = self
            .inner
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.inner.text.len());
        self.inner.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Line and display column (both 1-based) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp_offset(offset);
        let index = self.line_index(offset);
        let start = self.inner.line_starts[index];
        let prefix = &self.inner.text[start..offset];
        Position {
            line: index + 1,
            column: prefix.width() + 1,
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
    pub message: String,
    pub location: Option<(SourceFile, Range<usize>)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn at(mut self, source: &SourceFile, span: Range<usize>) -> Self {
        self.location = Some((source.clone(), span));
        self
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
        writeln!(f, "error: {}", self.message)?;
        if let Some((src, span)) = &self.location {
            let start = src.clamp_offset(span.start);
            let pos = src.position(start);
            let line_no = pos.line.to_string();
            let pad = " ".repeat(line_no.len());
            writeln!(
                f,
                "{pad}--> {}:{}:{}",
                src.name().display(),
                pos.line,
                pos.column
            )?;
            let line = src.line_text(pos.line - 1);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line_no} | {}", line.replace('\t', " "))?;
            let line_start = src.inner.line_starts[pos.line - 1];
            let line_end = line_start + line.len();
            let end = src.clamp_offset(span.end.min(line_end).max(start));
            let marked: usize = src.text()[start..end]
                .chars()
                .map(|c| c.width().unwrap_or(1))
                .sum();
            let indent = " ".repeat(pos.column - 1);
            writeln!(f, "{pad} | {indent}{}", "^".repeat(marked.max(1)))?;
        }
        if let Some(help) = &self.help {
            let pad = self
                .location
                .as_ref()
                .map(|(src, span)| src.position(span.start).line.to_string().len())
                .unwrap_or(0);
            writeln!(f, "{} = help: {help}", " ".repeat(pad))?;
        }
        Ok(())
    }
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

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
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
        let src = SourceFile::new("f.toml", "a = 1\n名称 = \"编外\"\n");
        let offset = src.text().find("\"编外\"").unwrap_or(0);
        let d = Diagnostic::new("bad").at(&src, offset..offset + "\"编外\"".len());
        let text = d.to_string();
        assert!(text.contains("--> f.toml:2:8"), "{text}");
        // `名称 = ` is 7 columns wide; `"编外"` is 6 columns wide.
        assert!(text.contains("  |        ^^^^^^\n"), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        let names = ["planned", "actual", "budget"];
        assert_eq!(suggest("planed", names), Some("planned"));
        assert_eq!(suggest("zzz", names), None);
    }
}
