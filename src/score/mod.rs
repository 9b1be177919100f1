//! Scoring: `evaluate(&Plan, &Facts) -> Report`, the one model every output reads. The
//! plan is the rubric as the facts file has it (its listed items included).
//!
//! Each leaf indicator is scored on its own: vetoes, then exemptions, then the sum of its
//! parts, each part clamped to its points; the leaf is clamped to its points and rounded
//! as the rubric says. A parent is the sum of its rounded children and the total the sum
//! of the first level. Every fact read and every intermediate value is recorded, so any
//! point can be traced back to its inputs. An indicator that cannot be scored (a missing
//! fact, a zero divisor) is an error; all such errors are reported together.
mod leaf;
mod part;
mod scope;

pub mod basis;
pub mod receipt;
mod trace;

use std::fmt;
use std::ops::Range;

use rust_decimal::Decimal;
use rust_i18n::t;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile};
use crate::exact::Exact;
use crate::facts::{CheckValue, Direction, FactValue, Facts, ItemValue};
use crate::formula::{EvalError, Formula, Scope, Target, Value};
use crate::plan::Plan;
use crate::rubric::{DefaultValue, NotApplicable, PartKind, Rubric, Tier};

use leaf::*;
use part::*;
use scope::*;
pub use scope::{FactsEvalError, eval_facts_formula};
pub use trace::{LeafTrace, Outcome, PartDetail, PartTrace};

/// How to score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Ignore overrides in the facts file and use every rule's own result.
    pub strict: bool,
    /// Scores only: leaves keep their outcome and scores but no parts or named values.
    /// `batch` prints scores, so it need not build what `explain`, the table and JSON
    /// show.
    pub lean: bool,
}

/// The scored rubric: one entry per indicator (same order as `Plan::indicators`).
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The rubric as this file is scored by it: its tree includes the file's own
    /// indicators; everything else is the loaded rubric's.
    pub rubric: &'a Plan<'a>,
    pub facts: &'a Facts,
    pub options: Options,
    pub scores: Vec<Decimal>,
    /// Present for leaves.
    pub leaves: Vec<Option<LeafTrace>>,
    pub total: Decimal,
    pub grade: String,
    /// The total and grade without the facts changed by `--set`, when any were.
    pub baseline: Option<Baseline>,
}

/// The totals without and with the settings: what the output reports as the move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub total: Decimal,
    pub grade: String,
}

/// Indicators that could not be scored.
#[derive(Debug, Clone)]
pub struct ScoreErrors(pub Vec<ScoreError>);

#[derive(Debug, Clone)]
pub struct ScoreError {
    /// Index of the indicator in `Plan::indicators` (`None` for the total).
    pub index: Option<usize>,
    pub indicator: String,
    pub message: String,
    /// The place in the facts file most likely at fault: a zero divisor's value, the
    /// table a missing fact belongs in, the listed item, the last fact read.
    pub at: Option<(SourceFile, Range<usize>)>,
    pub help: Option<String>,
}

impl ScoreError {
    /// The error as every other problem of a file is told: message, place, help.
    pub fn diagnostic(&self) -> Diagnostic {
        let d = Diagnostic::new(t!(
            "score.cannot_score",
            indicator = self.indicator,
            message = self.message
        ));
        let d = match &self.at {
            Some((source, span)) => d.at(source, span.clone()),
            None => d,
        };
        match &self.help {
            Some(help) => d.with_help(help.clone()),
            None => d,
        }
    }
}

impl ScoreErrors {
    pub fn diagnostics(&self) -> Diagnostics {
        Diagnostics(self.0.iter().map(ScoreError::diagnostic).collect())
    }
}

impl fmt::Display for ScoreErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostics().fmt(f)
    }
}

impl<'a> Report<'a> {
    pub fn leaf(&self, i: usize) -> Option<&LeafTrace> {
        self.leaves.get(i).and_then(Option::as_ref)
    }

    /// Whether indicator `i` carries no points because it does not apply: a listed item
    /// written "/" whose points were shared out (or that had none), or a group of only
    /// such items. An item written "/" that the rubric scores anyway (full marks, or 0 of
    /// its weight) keeps its points and is shown with them.
    pub fn not_applicable(&self, i: usize) -> bool {
        let ind = &self.rubric.indicators[i];
        if !ind.points.is_zero() {
            return false;
        }
        if ind.children.is_empty() {
            return self.leaf(i).is_some_and(|l| {
                l.parts.iter().any(|p| {
                    matches!(p.detail, PartDetail::Item { item, .. }
                        if matches!(self.facts.items[item].value, ItemValue::NotApplicable { .. }))
                })
            });
        }
        ind.children.iter().all(|&c| self.not_applicable(c))
    }

    /// Leaves whose reported score comes from an override.
    pub fn overridden(&self) -> impl Iterator<Item = (usize, &LeafTrace)> {
        self.leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.as_ref().filter(|l| l.override_applied()).map(|l| (i, l)))
    }
}

/// Scores every indicator; any indicator that cannot be scored is an error.
pub fn evaluate<'a>(
    rubric: &'a Plan<'a>,
    facts: &'a Facts,
    options: Options,
) -> Result<Report<'a>, ScoreErrors> {
    let (report, errors) = evaluate_lenient(rubric, facts, options)?;
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(ScoreErrors(errors))
    }
}

/// Scores every indicator it can. A leaf that cannot be scored counts 0 in the sums, has
/// no trace, and is listed in the errors; `explain` uses this to show the indicators
/// that do score.
pub fn evaluate_lenient<'a>(
    rubric: &'a Plan<'a>,
    facts: &'a Facts,
    options: Options,
) -> Result<(Report<'a>, Vec<ScoreError>), ScoreErrors> {
    let n = rubric.indicators.len();
    let mut scores = vec![Decimal::ZERO; n];
    let mut leaves: Vec<Option<LeafTrace>> = vec![None; n];
    let mut errors = Vec::new();
    for (i, ind) in rubric.indicators.iter().enumerate() {
        if ind.rule.is_none() {
            continue;
        }
        match score_leaf(rubric, facts, i, options) {
            Ok(trace) => {
                scores[i] = trace.score;
                leaves[i] = Some(trace);
            }
            Err(e) => errors.push(*e),
        }
    }
    // Parents after their children: reverse preorder visits every child first.
    for &i in rubric.preorder().iter().rev() {
        let ind = &rubric.indicators[i];
        if !ind.children.is_empty() {
            scores[i] = sum(
                ind.children.iter().map(|&c| scores[c]),
                rubric.rounding.scale,
            )?;
        }
    }
    let total = sum(
        rubric.roots().iter().map(|&r| scores[r]),
        rubric.rounding.scale,
    )?;
    let grade = rubric.grade_for(total).to_string();
    let report = Report {
        rubric,
        facts,
        options,
        scores,
        leaves,
        total,
        grade,
        baseline: None,
    };
    Ok((report, errors))
}

fn sum(values: impl Iterator<Item = Decimal>, scale: u32) -> Result<Decimal, ScoreErrors> {
    let mut acc = Decimal::ZERO;
    acc.rescale(scale);
    for v in values {
        acc = acc.checked_add(v).ok_or_else(|| {
            ScoreErrors(vec![ScoreError {
                index: None,
                indicator: t!("score.total").into_owned(),
                message: t!("score.sum_overflows").into_owned(),
                at: None,
                help: None,
            }])
        })?;
    }
    Ok(acc)
}
