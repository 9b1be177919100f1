//! A scoring framework as data: metadata, rounding, grade bands, the facts it reads and
//! the indicator tree with a rule for every leaf.
//!
//! [`load`] turns rubric TOML into a [`Rubric`]; a value of that type has passed every
//! check (weights add up, names resolve, formulas type-check), so the scoring stage does
//! not check again. The format is documented in `docs/rubric-format.md`.

pub mod compiled;
pub mod lint;
mod load;
pub mod shipped;
mod users;

use std::ops::Range;

use rust_decimal::Decimal;

use crate::diagnostic::{Diagnostics, SourceFile};
use crate::formula::Formula;
use crate::number::{Display, RoundingMode};

pub use load::{MAX_EXTENDS, Resolve, load_with};
pub use users::users;

/// Loads and validates a rubric; `extends` may name a shipped rubric.
///
/// Here rather than in `load`, so that the loader knows nothing of the shipped rubrics
/// and `shipped` (which loads them) is the only one of the two to use the other.
pub fn load(source: &SourceFile) -> Result<Rubric, Diagnostics> {
    load_with(source, &shipped::source_of)
}

/// The `[rubric] id` of a rubric source, read without validating anything else.
pub fn source_id(source: &SourceFile) -> Option<String> {
    let doc = toml::de::DeTable::parse(source.text()).ok()?;
    let toml::de::DeValue::Table(t) = doc.get_ref().get("rubric")?.get_ref() else {
        return None;
    };
    match t.get("id")?.get_ref() {
        toml::de::DeValue::String(s) => Some(s.to_string()),
        _ => None,
    }
}

/// The indicators of a tree in order, each parent before its children: the rubric's own
/// tree, or a facts file's plan with its listed items.
pub fn tree_order<'a>(roots: &[usize], children: impl Fn(usize) -> &'a [usize]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        out.push(i);
        stack.extend(children(i).iter().rev().copied());
    }
    out
}

/// A validated rubric. Not `Clone`: once loaded it is only borrowed, and what one facts
/// file adds to it is that file's plan (`plan::Plan`).
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rubric {
    pub meta: Meta,
    pub rounding: Rounding,
    /// Grade bands, highest `min` first.
    pub grades: Vec<Grade>,
    /// Declared facts; a formula's `Target::Fact(i)` is `facts[i]`.
    pub facts: Vec<FactDecl>,
    /// Labels of fact groups (path → Chinese label), for templates and messages.
    pub fact_groups: Vec<(String, String)>,
    /// Index of each fact by path, and every group path (`execution`, `execution.q1`):
    /// reading a facts file looks up every key here.
    #[serde(serialize_with = "compiled::sorted_map")]
    pub fact_index: rustc_hash::FxHashMap<String, usize>,
    #[serde(serialize_with = "compiled::sorted_set")]
    pub group_paths: rustc_hash::FxHashSet<String>,
    /// Index of each indicator by id and by Chinese name.
    #[serde(serialize_with = "compiled::sorted_map")]
    pub indicator_index: rustc_hash::FxHashMap<String, usize>,
    /// Every indicator, in file order; `children` and `parent` index into this list.
    pub indicators: Vec<Indicator>,
    /// The first-level indicators, in file order.
    pub roots: Vec<usize>,
    /// Checks that a facts file's figures agree with each other (`perfeval check`).
    pub consistency: Vec<ConsistencyCheck>,
    /// Conditions facts must meet to be real (in use ≤ total, a rate ≤ 100%); a file
    /// that breaks one is refused, not scored.
    pub plausibility: Vec<PlausibilityRule>,
    /// Every rubric that went into this one, base first, this one last: a receipt names
    /// them all, since a change to a base changes the scores of its variants.
    pub chain: Vec<Layer>,
    #[serde(with = "compiled::source")]
    pub source: SourceFile,
}

/// One rubric file of an `extends` chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    pub id: String,
    pub version: String,
    #[serde(with = "compiled::source")]
    pub source: SourceFile,
}

/// A condition on facts without which the figures cannot be true, declared in the rubric.
/// Unlike a consistency check (stated against computed figures, a warning), a file that
/// breaks it is refused by every command.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlausibilityRule {
    pub id: String,
    pub name: String,
    pub condition: Formula,
    pub span: Range<usize>,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A rule, declared in the rubric, that figures in a facts file must satisfy together.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConsistencyCheck {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub kind: ConsistencyKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ConsistencyKind {
    /// Two amounts that must be equal, within `tolerance`.
    Equal {
        left: Formula,
        right: Formula,
        tolerance: Decimal,
    },
    /// A figure stated in the report (a fact) that must equal the computed value when
    /// rounded 四舍五入 to the decimals the figure was written with.
    Stated { stated: usize, computed: Formula },
    /// A condition the figures must satisfy, e.g. `projects.on_time <= projects.planned`.
    Holds { condition: Formula },
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub id: String,
    pub version: String,
    pub title: String,
    pub issuer: String,
    pub document: String,
    pub year: i64,
    pub unit: String,
    pub total: Decimal,
    /// Names of the levels, e.g. 一级指标, 二级指标, 三级指标; every leaf sits at the last.
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rounding {
    pub scale: u32,
    pub mode: RoundingMode,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Grade {
    pub name: String,
    pub min: Decimal,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FactDecl {
    /// Dotted path as written in a facts file: `procurement.plan`.
    pub path: String,
    pub label: String,
    pub meaning: String,
    pub kind: FactKind,
    /// Unit shown after values (万元, 人, 项); empty when none.
    pub unit: String,
    /// Value used when a facts file leaves the fact out.
    pub default: Option<DefaultValue>,
    /// A rate that may exceed 100% (spending against a plan); any other rate should be
    /// bounded by a plausibility rule, and `rubric check` says so when it is not.
    pub unbounded: bool,
    /// The file that declares the fact; `span` is in it.
    #[serde(with = "compiled::source")]
    pub origin: SourceFile,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DefaultValue {
    Number(Decimal),
    Bool(bool),
}

/// The kinds of fact a facts file can hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FactKind {
    /// A non-negative amount of money in the rubric's unit.
    Amount,
    /// A non-negative whole number.
    Count,
    /// A ratio, written `0.965` or `"96.5%"`.
    Rate,
    Bool,
    /// One of a fixed list of answers.
    Choice(Vec<String>),
    /// A checklist item: met (`true`), not met (`false`) or partly met with a reason.
    Check,
    /// An evaluator's score, always with a reason.
    Judgment,
    /// An evaluator's choice of tier, with a reason, where no figure exists; the
    /// choices are the labels of the tiers part that names this fact as `judged_by`.
    Tier(Vec<String>),
}

impl FactKind {
    pub const NAMES: [&'static str; 8] = [
        "amount", "count", "rate", "bool", "choice", "check", "judgment", "tier",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            FactKind::Amount => "amount",
            FactKind::Count => "count",
            FactKind::Rate => "rate",
            FactKind::Bool => "bool",
            FactKind::Choice(_) => "choice",
            FactKind::Check => "check",
            FactKind::Judgment => "judgment",
            FactKind::Tier(_) => "tier",
        }
    }

    /// Whether formulas may read the fact, and as what.
    pub fn formula_type(&self) -> Option<crate::formula::Type> {
        match self {
            FactKind::Amount | FactKind::Count | FactKind::Rate => {
                Some(crate::formula::Type::Number)
            }
            FactKind::Bool => Some(crate::formula::Type::Bool),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub points: Decimal,
    /// 1 for a first-level indicator.
    pub level: usize,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// 指标说明.
    pub description: String,
    /// 参考评分标准.
    pub criteria: String,
    /// Present exactly on leaves.
    pub rule: Option<Rule>,
    /// Set when the indicator's children are listed by each facts file (a project's own
    /// output, benefit and satisfaction indicators).
    pub list: Option<ListSpec>,
    /// The file that defines the indicator (a variant's or its base's); `span` is in it.
    #[serde(with = "compiled::source")]
    pub origin: SourceFile,
    pub span: Range<usize>,
}

/// How the indicators a facts file lists under a rubric indicator are scored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListSpec {
    /// The facts file's array of tables holding the list: `[[output]]`.
    pub key: String,
    /// Whether items are grouped by a `level2` name (their 二级指标) under the
    /// indicator, or sit directly beneath it.
    pub grouped: bool,
    /// The score of a quantitative item for each direction, over the names `target`,
    /// `actual` and `weight`.
    pub higher: Formula,
    pub lower: Formula,
    pub equal: Formula,
    /// The bands an evaluator's score of a qualitative item must lie in, as fractions of
    /// the item's weight.
    pub bands: Vec<Band>,
    pub not_applicable: NotApplicable,
}

/// A qualitative outcome and the share of the weight its score may take.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Band {
    pub outcome: String,
    pub lower: Bound,
    pub upper: Bound,
}

/// What an item written "/" (not applicable) does to its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NotApplicable {
    /// The item drops out; the group's points are shared among the other items in
    /// proportion to their weights (largest remainder, at the rubric's scale).
    Rescale,
    /// The item counts as met: full weight.
    Full,
    /// The item scores 0 and the others keep their weights.
    Zero,
}

impl NotApplicable {
    pub const NAMES: [&'static str; 3] = ["rescale", "full", "zero"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "rescale" => Some(NotApplicable::Rescale),
            "full" => Some(NotApplicable::Full),
            "zero" => Some(NotApplicable::Zero),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NotApplicable::Rescale => "rescale",
            NotApplicable::Full => "full",
            NotApplicable::Zero => "zero",
        }
    }
}

/// How a leaf indicator is scored: named intermediate values, parts whose scores add up,
/// and conditions that override the parts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    pub lets: Vec<Let>,
    pub parts: Vec<Part>,
    /// Any true veto gives 0.
    pub vetoes: Vec<Condition>,
    /// Any true exemption gives full points (checked after vetoes).
    pub exemptions: Vec<Condition>,
}

/// A named intermediate value (a rate, a ratio) that formulas of the rule can read and
/// that the trace shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Let {
    pub name: String,
    /// Shown in the basis column when present.
    pub label: Option<String>,
    pub formula: Formula,
    pub display: Display,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    pub formula: Formula,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    pub name: String,
    pub points: Decimal,
    pub kind: PartKind,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PartKind {
    /// Points computed by a formula.
    Formula { score: Formula },
    /// Points from the tier a value falls in, or the tier an evaluator chose.
    Tiers {
        value: Formula,
        tiers: Vec<Tier>,
        judged_by: Option<usize>,
    },
    /// A checklist item read from a `check` fact.
    Check { fact: usize },
    /// The part's points less `per` for each occurrence, never below `floor`.
    Deduction {
        count: Formula,
        per: Decimal,
        floor: Decimal,
    },
    /// Points by the answer of a `choice` fact.
    Category {
        fact: usize,
        points: Vec<(String, Decimal)>,
    },
    /// An evaluator's score from a `judgment` fact.
    Judgment { fact: usize },
    /// An indicator a facts file listed: `item` indexes `Facts::items`, `group` the
    /// rubric indicator whose list it belongs to.
    Item { item: usize, group: usize },
}

impl PartKind {
    pub fn name(&self) -> &'static str {
        match self {
            PartKind::Formula { .. } => "formula",
            PartKind::Tiers { .. } => "tiers",
            PartKind::Check { .. } => "check",
            PartKind::Deduction { .. } => "deduction",
            PartKind::Category { .. } => "category",
            PartKind::Judgment { .. } => "judgment",
            PartKind::Item { .. } => "item",
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tier {
    pub label: String,
    pub points: Decimal,
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
    /// Whether its bounds were written as percentages, for messages.
    pub percent: bool,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
}

impl Bound {
    /// `≥`, `>`, `≤` or `<`: the bound as a lower or an upper one.
    pub fn symbol(self, lower: bool) -> &'static str {
        match (lower, self.inclusive) {
            (true, true) => "≥",
            (true, false) => ">",
            (false, true) => "≤",
            (false, false) => "<",
        }
    }
}

impl Tier {
    pub fn contains(&self, x: &crate::exact::Exact) -> bool {
        let above = match self.lower {
            Some(b) if b.inclusive => x.cmp_decimal(b.value).is_ge(),
            Some(b) => x.cmp_decimal(b.value).is_gt(),
            None => true,
        };
        let below = match self.upper {
            Some(b) if b.inclusive => x.cmp_decimal(b.value).is_le(),
            Some(b) => x.cmp_decimal(b.value).is_lt(),
            None => true,
        };
        above && below
    }
}

impl Rubric {
    /// Finds an indicator by id or by its Chinese name.
    pub fn find_indicator(&self, key: &str) -> Option<usize> {
        self.indicator_index.get(key).copied()
    }

    pub fn fact_index(&self, path: &str) -> Option<usize> {
        self.fact_index.get(path).copied()
    }

    /// The indicator whose list a facts file writes under `key` (`[[output]]`).
    pub fn list_indicator(&self, key: &str) -> Option<usize> {
        self.indicators
            .iter()
            .position(|i| i.list.as_ref().is_some_and(|l| l.key == key))
    }

    /// Whether `path` is a group of facts (a proper prefix of some fact's path).
    pub fn is_fact_group(&self, path: &str) -> bool {
        self.group_paths.contains(path)
    }

    /// The indicators in tree order (each parent before its children).
    pub fn preorder(&self) -> Vec<usize> {
        tree_order(&self.roots, |i| &self.indicators[i].children)
    }

    pub fn grade_for(&self, total: Decimal) -> &str {
        self.grades
            .iter()
            .find(|g| total >= g.min)
            .map(|g| g.name.as_str())
            .unwrap_or("")
    }
}
