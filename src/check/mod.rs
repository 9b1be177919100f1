//! `perfeval check`: the reviewer that never tires. Recomputes a submitted
//! self-assessment, compares it with the scores it claims, checks the claim against
//! itself, and runs the rubric's consistency checks on the figures.
//!
//! The result is a list of [`Finding`]s with a severity each, and one [`Case`] per
//! indicator, total, grade and consistency check (what JUnit output reports as test
//! cases). `--strict` turns every warning into an error.
mod claims;
mod consistency;

use rust_decimal::Decimal;
use rust_i18n::t;

use crate::diagnostic::{Diagnostic, Position, suggest};
use crate::exact::Exact;
use crate::facts::Facts;
use crate::formula::{Formula, Value};
use crate::number::RoundingMode;
use crate::rubric::{ConsistencyKind, FactKind, Rubric, Severity};
use crate::score::{FactsEvalError, Outcome, Report, eval_facts_formula};
pub use claims::check;
use consistency::*;

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Indicator(usize),
    /// A claimed score under a key that names no indicator.
    UnknownIndicator(String),
    Total,
    Grade,
    Consistency(usize),
    /// The file as a whole.
    File,
    /// The rubric in use.
    Rubric,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// The claimed score is not the computed one.
    Differs,
    /// The claimed score is a justified override of the rule's result.
    Overridden,
    UnknownIndicator,
    NotClaimed,
    /// A claimed subtotal or total is not the sum of the claimed scores under it.
    ClaimSum,
    Grade,
    Consistency,
    NotChecked,
    /// A lint of the rubric in use (`perfeval rubric check`).
    RubricLint,
    /// The file is scored under a rubric other than the one it names (`--rubric`).
    Rescored,
}

impl FindingKind {
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Differs => "differs",
            FindingKind::Overridden => "overridden",
            FindingKind::UnknownIndicator => "unknown_indicator",
            FindingKind::NotClaimed => "not_claimed",
            FindingKind::ClaimSum => "claim_sum",
            FindingKind::Grade => "grade",
            FindingKind::Consistency => "consistency",
            FindingKind::NotChecked => "not_checked",
            FindingKind::RubricLint => "rubric_lint",
            FindingKind::Rescored => "rescored",
        }
    }
}

/// One thing the reviewer noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    pub subject: Subject,
    /// In the language of the run.
    pub message: String,
    /// The same message in English, whatever the language of the run, without the parts
    /// written earlier in the run's language (why a rule failed, a lint's text): a GitLab
    /// fingerprint is computed from it, so that a finding keeps its fingerprint when the
    /// language changes.
    pub message_en: String,
    /// Supporting lines: figures, formulas, facts with their values.
    pub details: Vec<String>,
    /// Where in the facts file the finding is (line and column of each place).
    pub lines: Vec<Position>,
}

/// A test case for JUnit: one per indicator, the total, the grade and each consistency
/// check, with the findings that belong to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub subject: Subject,
    pub name: String,
    pub findings: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct CheckReport<'a> {
    pub report: Report<'a>,
    pub strict: bool,
    pub findings: Vec<Finding>,
    pub cases: Vec<Case>,
}

impl CheckReport<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn passed(&self) -> bool {
        self.count(Severity::Error) == 0
    }
}

/// A message in the language of the run and in English (for the fingerprint), from a
/// function that writes it in the locale it is given.
fn said(message: impl Fn(&str) -> String) -> (String, String) {
    (message(&rust_i18n::locale()), message("en"))
}

/// A part of a message that was written earlier, in the run's language (why a rule could
/// not be computed): shown to people, but left out of the English text a fingerprint is
/// computed from, which must not change with the language.
fn identity_free<'a>(locale: &str, text: &'a str) -> &'a str {
    if locale == "en" { "" } else { text }
}

/// What re-scoring under another rubric did, in `locale`: which rubric, which the file
/// names, and the facts it set aside.
pub fn rescored_message(report: &Report<'_>, locale: &str) -> String {
    let (rubric, facts) = (report.rubric, report.facts);
    if facts.set_aside.is_empty() {
        return t!(
            "check.rescored",
            locale = locale,
            rubric = rubric.meta.id,
            version = rubric.meta.version,
            named = facts.rubric_id
        )
        .into_owned();
    }
    let names: Vec<&str> = facts.set_aside.iter().map(|(p, _)| p.as_str()).collect();
    t!(
        "check.rescored_set_aside",
        locale = locale,
        rubric = rubric.meta.id,
        version = rubric.meta.version,
        named = facts.rubric_id,
        facts = names.join(&t!("check.list_separator", locale = locale))
    )
    .into_owned()
}

/// Line and column of a byte offset in the facts file.
fn line(facts: &Facts, offset: usize) -> Position {
    facts.source.position(offset)
}

fn fact_lines(facts: &Facts, used: &[usize]) -> Vec<Position> {
    used.iter()
        .filter_map(|&f| facts.values[f].as_ref().map(|e| line(facts, e.span.start)))
        .collect()
}

/// `fact budget.basic (基本支出全年预算数) = 1137.34 (facts.toml:16)`: a detail line.
fn show_fact(rubric: &Rubric, facts: &Facts, f: usize) -> String {
    let decl = &rubric.facts[f];
    let value = match facts.values[f].as_ref().map(|e| &e.value) {
        Some(crate::facts::FactValue::Number(n)) => n.to_string(),
        Some(crate::facts::FactValue::Bool(b)) => b.to_string(),
        Some(crate::facts::FactValue::Text(t)) => format!("\"{t}\""),
        Some(crate::facts::FactValue::Check(c)) => match c {
            crate::facts::CheckValue::Met => t!("check.value_met").into_owned(),
            crate::facts::CheckValue::NotMet => t!("check.value_not_met").into_owned(),
            crate::facts::CheckValue::Partial(p) => {
                t!("check.value_partial", points = p.normalize()).into_owned()
            }
        },
        Some(crate::facts::FactValue::Judgment(n)) => {
            t!("check.value_judgment", points = n.normalize()).into_owned()
        }
        None => t!("check.value_default").into_owned(),
    };
    match facts.values[f].as_ref() {
        Some(e) => t!(
            "check.detail_fact_at",
            path = decl.path,
            label = decl.label,
            value = value,
            place = facts.source.at(e.span.start)
        ),
        None => t!(
            "check.detail_fact",
            path = decl.path,
            label = decl.label,
            value = value
        ),
    }
    .into_owned()
}

/// Runs every check. `report` must be scored with overrides applied (not strict): an
/// override is judged here, as a warning, or an error under `strict`.
/// How strictly to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Every warning is an error.
    pub strict: bool,
    /// A submission must claim the score of every scored indicator and the total: a CI
    /// gate cannot then be passed by leaving claims out.
    pub require_claims: bool,
}
