//! `perfeval check`: the reviewer that never tires. Recomputes a submitted
//! self-assessment, compares it with the scores it claims, checks the claim against
//! itself, and runs the rubric's consistency checks on the figures.
//!
//! The result is a list of [`Finding`]s with a severity each, and one [`Case`] per
//! indicator, total, grade and consistency check (what JUnit output reports as test
//! cases). `--strict` turns every warning into an error. A finding holds what it says as
//! values ([`Says`]: the claimed and computed figures, the facts read, the indicator or
//! check); `render::check::finding_text` writes it in words, for every output format.
mod claims;
mod consistency;
mod finding;

use rust_decimal::Decimal;

use crate::diagnostic::{Diagnostic, Position, suggest};
use crate::exact::Exact;
use crate::facts::Facts;
use crate::formula::{Formula, Value};
use crate::number::RoundingMode;
use crate::rubric::{ConsistencyKind, FactKind, Severity};
use crate::score::{Outcome, Report, eval_facts_formula};
pub use claims::check;
use consistency::*;
pub use finding::{FactUsed, Figure, RuleResult, Says, ScoredFrom, Unchecked};

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
    /// What it says, as values; `render::check` writes it in the language of the run.
    pub says: Says,
    /// Where in the facts file the finding is (line and column of each place).
    pub lines: Vec<Position>,
}

impl Finding {
    pub fn kind(&self) -> FindingKind {
        self.says.kind()
    }

    pub fn subject(&self) -> Subject {
        self.says.subject()
    }
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

/// Line and column of a byte offset in the facts file.
fn line(facts: &Facts, offset: usize) -> Position {
    facts.source.position(offset)
}

fn fact_lines(facts: &Facts, used: &[usize]) -> Vec<Position> {
    used.iter()
        .filter_map(|&f| facts.values[f].as_ref().map(|e| line(facts, e.span.start)))
        .collect()
}

/// Each fact of `used` with its value in the file and where it is given.
fn facts_used(facts: &Facts, used: &[usize]) -> Vec<FactUsed> {
    used.iter()
        .map(|&fact| {
            let entry = facts.values[fact].as_ref();
            FactUsed {
                fact,
                value: entry.map(|e| e.value.clone()),
                offset: entry.map(|e| e.span.start),
            }
        })
        .collect()
}

/// How strictly to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Every warning is an error.
    pub strict: bool,
    /// A submission must claim the score of every scored indicator and the total: a CI
    /// gate cannot then be passed by leaving claims out.
    pub require_claims: bool,
}
