//! Source files and the diagnostics that point into them.
//!
//! Every stage that reads user input (rubric, facts, formulas) reports problems as
//! [`Diagnostic`]s: a message, the file, a byte span and an optional help line. Rendering
//! turns the span into `file:line:col` and a caret line whose columns are counted in
//! display width, so a caret lines up under Chinese text in a terminal.
//!
//! The module is split by job: `source` holds the text of an input file and turns byte
//! offsets into lines, columns and workbook cells; `display` writes a diagnostic for a
//! terminal (the snippet and its caret); this file holds the diagnostic itself and the
//! list of them a run reports.

use std::ops::Range;
use std::path::PathBuf;

use rust_i18n::t;

mod display;
mod source;

pub use display::level_word;
pub use source::{Cell, Position, SourceFile, sha256_hex, show_path};

/// A problem found in an input file, with where it is and, when obvious, how to fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
    pub location: Option<(SourceFile, Range<usize>)>,
    /// Other places the problem involves, each with what it is ("first given here"):
    /// shown as carets of their own, not as "first on line 12" in the message.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// What kind of problem it is, the same in every language (`unused_fact`): what a
    /// lint is known by where its words cannot be used (a GitLab fingerprint).
    pub code: Option<&'static str>,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A problem that stops the run.
    Error,
    /// Something to look at that does not (a lint).
    Warning,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
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
            level: Level::Error,
            message: message.into(),
            location: None,
            labels: Vec::new(),
            help: None,
            code: None,
        }
    }

    /// Names the kind of problem, for tools that must tell it apart in any language.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
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
    fn suggests_close_names_only() {
        let names = ["planned", "actual", "budget"];
        assert_eq!(suggest("planed", names), Some("planned"));
        assert_eq!(suggest("zzz", names), None);
    }
}
