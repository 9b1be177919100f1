//! One department's figures for one year, read exactly and checked against the rubric's
//! fact declarations.
//!
//! A facts file names its rubric (`rubric = "..."`), which decides how the rest is read,
//! so loading is two steps over one parse: [`FactsDocument::parse`] and
//! [`FactsDocument::rubric_id`], then [`FactsDocument::interpret`] with the rubric.

mod claims;
mod document;
mod items;
mod value;

use std::ops::Range;

use rust_decimal::Decimal;
use rust_i18n::t;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::number::parse_percent;
use crate::rubric::{FactKind, Rubric};
use crate::toml_read::{Table, decimal_of, is_blank, parse_document, placeholders, type_name};

pub use document::FactsDocument;
pub(crate) use value::read_fact_value;
// Shared by the readers of each part of a file.
use claims::read_claimed;
use document::unfilled;
use items::{check_items, read_items};
use value::read_value;

/// A facts file checked against its rubric.
#[derive(Debug, Clone)]
pub struct Facts {
    pub source: SourceFile,
    pub rubric_id: String,
    pub department: String,
    pub year: i64,
    /// The value of each declared fact (by index in `Rubric::facts`), when given.
    pub values: Vec<Option<FactEntry>>,
    pub overrides: Vec<Override>,
    /// The scores the department submitted, when the file carries them (`[claimed]`).
    pub claimed: Claimed,
    /// Where each group of facts (`[procurement]`) starts, so a missing fact can be
    /// pointed at the table it belongs in.
    pub groups: Vec<(String, Range<usize>)>,
    /// Indicators the file lists under the rubric's `list` indicators, in file order.
    pub items: Vec<ListItem>,
    /// Facts of the file that the rubric it is scored under does not read (only when it
    /// is re-scored under a rubric other than the one it names), with where they are.
    pub set_aside: Vec<(String, Range<usize>)>,
    /// Facts changed for this run by `--set`, in the order given.
    pub changes: Vec<Change>,
}

impl Facts {
    /// Whether the file is scored under a rubric other than the one it names.
    pub fn rescored(&self, rubric: &Rubric) -> bool {
        self.rubric_id != rubric.meta.id
    }
}

/// A fact changed for this run: its value in the file (`None` when the file leaves it
/// out) and the value set.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub fact: usize,
    pub before: Option<FactEntry>,
    pub after: FactEntry,
    /// The setting as given, for messages: `projects.on_time=7`.
    pub given: String,
}

/// One indicator a facts file lists (a project's own output, benefit or satisfaction
/// indicator), with its target and what was achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// The rubric indicator whose list it belongs to.
    pub group: usize,
    /// The 二级指标 the item belongs to, when the list is grouped.
    pub level2: Option<String>,
    pub name: String,
    pub weight: Decimal,
    pub unit: String,
    pub value: ItemValue,
    /// 偏差原因分析及改进措施: required when the target is not met.
    pub deviation: Option<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemValue {
    Quantitative {
        direction: Direction,
        target: Decimal,
        actual: Decimal,
        /// Whether the figures were written as percentages, for display.
        percent: bool,
    },
    /// An evaluator's score of a qualitative outcome; `band` indexes the list's bands.
    Qualitative {
        band: usize,
        score: Decimal,
        reason: String,
    },
    /// Written "/": the indicator does not apply this year.
    NotApplicable { reason: String },
}

impl ItemValue {
    /// Whether the target was met (a qualitative outcome meets it in its first band).
    pub fn met(&self) -> bool {
        match self {
            ItemValue::Quantitative {
                direction,
                target,
                actual,
                ..
            } => match direction {
                Direction::AtLeast => actual >= target,
                Direction::AtMost => actual <= target,
                Direction::Exactly => actual == target,
            },
            ItemValue::Qualitative { band, .. } => *band == 0,
            ItemValue::NotApplicable { .. } => true,
        }
    }
}

/// Which way a quantitative target points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// ≥: more is better.
    AtLeast,
    /// ≤: less is better (cost, time).
    AtMost,
    /// =: met or not.
    Exactly,
}

impl Direction {
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => "≥",
            Direction::AtMost => "≤",
            Direction::Exactly => "=",
        }
    }
}

/// A submitted self-assessment's own figures: any subset of indicator scores, the total
/// and the grade.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claimed {
    pub scores: Vec<ClaimedScore>,
    pub total: Option<(Decimal, Range<usize>)>,
    pub grade: Option<(String, Range<usize>)>,
}

impl Claimed {
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty() && self.total.is_none() && self.grade.is_none()
    }

    pub fn score_of(&self, indicator: usize) -> Option<&ClaimedScore> {
        self.scores.iter().find(|c| c.indicator == Some(indicator))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedScore {
    /// The key as written: an indicator id or Chinese name.
    pub key: String,
    /// The indicator it names, if the rubric has one by that id or name.
    pub indicator: Option<usize>,
    pub score: Decimal,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactEntry {
    pub value: FactValue,
    /// Why the value is what it is; required for judgments, tiers and partial checks.
    pub reason: Option<String>,
    /// Where in the report the figure comes from.
    pub note: Option<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Number(Decimal),
    Bool(bool),
    /// The answer of a `choice` fact or the label chosen for a `tier` fact.
    Text(String),
    Check(CheckValue),
    Judgment(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckValue {
    Met,
    NotMet,
    /// Points awarded for a partly met item.
    Partial(Decimal),
}

/// A score set by hand for a leaf indicator, with the reason the rule's result was not used.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub indicator: usize,
    pub score: Decimal,
    pub reason: String,
    pub span: Range<usize>,
}

impl Facts {
    /// Loads a facts file whose rubric is already known.
    pub fn load(source: &SourceFile, rubric: &Rubric) -> Result<Facts, Diagnostics> {
        FactsDocument::parse(source)?.interpret(rubric)
    }

    pub fn override_for(&self, indicator: usize) -> Option<&Override> {
        self.overrides.iter().find(|o| o.indicator == indicator)
    }
}
