//! How a diagnostic reads on a terminal: the message, `--> file:line:col`, the line with
//! a caret under the problem (its columns counted in display width) and the help; for a
//! workbook, the cell and what it holds.
//!
//! Separate from [`Diagnostic`] itself: building a diagnostic is every stage's business,
//! laying it out for people only this one's.

use std::fmt;
use std::ops::Range;

use rust_i18n::t;
use unicode_width::UnicodeWidthChar;

use super::source::{SourceFile, show_path};
use super::{Diagnostic, Diagnostics, MAX_DIAGNOSTICS_SHOWN};

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
        writeln!(f, "{}{}", level_word(self.level.name()), self.message)?;
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
                .filter(|d| d.level == super::Level::Error)
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
        let errors = self
            .0
            .iter()
            .filter(|d| d.level == super::Level::Error)
            .count();
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
}
