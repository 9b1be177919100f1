//! Output formats. Each reads a finished model ([`crate::score::Report`],
//! [`crate::check::CheckReport`]) and returns bytes; none prints, so each is tested as a
//! pure function.

mod appendix_xlsx;
mod batch;
mod check;
mod diff;
mod diff_html;
mod explain;
mod gaps;
mod html;
mod json;
mod rubric_show;
mod table;
mod template;
pub mod whatif;
mod xlsx_cells;

pub use appendix_xlsx::AppendixXlsx;
// The basis of a score is the score stage's summary of its trace; the outputs show it.
use crate::score::basis;
pub use crate::score::basis::basis;
pub use crate::score::receipt::receipt_json;
pub use batch::{BatchFormat, CsvPlan};
pub use check::{
    CheckJson, CheckJunit, CheckText, JunitSuite, gitlab_document, gitlab_issues, gitlab_unusable,
    junit_cases, junit_document, junit_suite, junit_unusable, junit_unusable_suite, sarif_document,
    sarif_results, sarif_unusable,
};
pub use diff::{DiffJson, DiffTable};
pub use diff_html::DiffHtml;
pub use explain::Explain;
pub use gaps::{GapsJson, GapsReport, GapsText};
pub use html::{Html, LostBar, lost_chart};
pub use json::Json;
pub use rubric_show::RubricShow;
pub use table::Table;
pub use template::Template;

/// Whether a character would act on a terminal instead of showing: C0 and C1 controls
/// (ESC starts escape sequences, CR and BS overwrite a line, BEL rings) and the
/// bidirectional overrides and isolates that reorder what follows them. Newline and tab
/// are the only controls text may keep.
pub fn acts_on_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text for a terminal: every character that would act on it written as an escape
/// (`\u{1b}`), so a crafted name can neither clear the screen nor fake a line. Used on
/// everything printed for people; JSON keeps the text exact (its serializer escapes
/// controls) and CSV drops such characters.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The line that says a file was scored under a rubric other than the one it names, and
/// which of its facts that rubric does not read.
pub(crate) fn rescored_notice(report: &crate::score::Report<'_>) -> Option<String> {
    let (rubric, facts) = (report.rubric, report.facts);
    if !facts.rescored(rubric) {
        return None;
    }
    if facts.set_aside.is_empty() {
        return Some(
            rust_i18n::t!(
                "report.rescored",
                rubric = rubric.meta.id,
                named = facts.rubric_id
            )
            .into_owned(),
        );
    }
    let names: Vec<&str> = facts.set_aside.iter().map(|(p, _)| p.as_str()).collect();
    Some(
        rust_i18n::t!(
            "report.rescored_set_aside",
            rubric = rubric.meta.id,
            named = facts.rubric_id,
            facts = names.join(&rust_i18n::t!("report.name_separator"))
        )
        .into_owned(),
    )
}

/// One output format of a model (a score `Report`, a `CheckReport`).
pub trait Render<Model: ?Sized> {
    fn render(&self, model: &Model) -> Vec<u8>;
}
