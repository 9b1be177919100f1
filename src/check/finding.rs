//! What a finding says, as values: the figures, the facts read and the check or
//! indicator concerned. The words are written from these by the renderers, in one place
//! (`render::check::text`), in the language of the run.

use rust_decimal::Decimal;

use crate::diagnostic::Position;
use crate::exact::Exact;
use crate::facts::FactValue;

use super::{FindingKind, Subject};

/// What a finding says, with the values it rests on. Indices are into the rubric in use
/// (`indicators`, `consistency`, `facts`).
#[derive(Debug, Clone, PartialEq)]
pub enum Says {
    /// The file is scored under a rubric other than the one it names (`--rubric`); the
    /// facts that rubric does not declare are set aside.
    Rescored {
        rubric: String,
        version: String,
        named: String,
        set_aside: Vec<String>,
    },
    /// The file claims no scores; `required` under `--require-claims`.
    NoClaims { required: bool },
    /// A scored indicator's score is not claimed.
    NotClaimed { indicator: usize, computed: Decimal },
    /// The total is not claimed (`--require-claims`).
    TotalNotClaimed { computed: Decimal },
    /// An override sets the indicator's score instead of its rule. `claimed` is the claimed
    /// score when it is the overridden one; `score` is the score the override gives.
    Overridden {
        indicator: usize,
        rule: RuleResult,
        claimed: Option<Decimal>,
        score: Decimal,
        /// The override's reason, as the file gives it.
        reason: String,
    },
    /// An indicator's claimed score is not the computed one.
    Differs {
        indicator: usize,
        claimed: Decimal,
        computed: Decimal,
        /// `claimed − computed`; `None` when it overflows.
        difference: Option<Decimal>,
        from: ScoredFrom,
    },
    /// The claimed total is not the computed one.
    TotalDiffers {
        claimed: Decimal,
        computed: Decimal,
        /// `claimed − computed`; `None` when it overflows.
        difference: Option<Decimal>,
    },
    /// A claimed score under a key that names no indicator.
    UnknownIndicator {
        key: String,
        /// The indicator id or name the key is closest to.
        suggestion: Option<String>,
    },
    /// A claimed subtotal is not the sum of the claimed scores under it.
    ClaimNotSum {
        indicator: usize,
        claimed: Decimal,
        sum: Decimal,
    },
    /// The claimed total is not the sum of the claimed top-level scores.
    TotalNotSum { claimed: Decimal, sum: Decimal },
    /// The claimed grade is not the grade of the claimed total.
    GradeOfClaimedTotal {
        claimed: String,
        total: Decimal,
        expected: String,
    },
    /// The claimed grade is not the computed one (of the computed `total`).
    GradeDiffers {
        claimed: String,
        computed: String,
        total: Decimal,
    },
    /// Consistency check `check` could not be run.
    NotChecked { check: usize, why: Unchecked },
    /// Consistency check `check`'s condition is false.
    DoesNotHold {
        check: usize,
        condition: String,
        facts: Vec<FactUsed>,
    },
    /// Consistency check `check`'s two sides differ by more than the tolerance.
    NotEqual {
        check: usize,
        left: Figure,
        right: Figure,
        difference: Exact,
        tolerance: Decimal,
        facts: Vec<FactUsed>,
    },
    /// A stated figure (a rate, a ratio) is not the one its formula gives, rounded to the
    /// stated figure's places. `percent`: the figure is a rate, shown ×100 with `%`.
    StatedDiffers {
        check: usize,
        stated: Decimal,
        computed: Figure,
        rounded: Decimal,
        percent: bool,
        facts: Vec<FactUsed>,
    },
    /// A lint of the rubric in use: its text and help, in the run's language, and its place
    /// in the rubric file.
    RubricLint {
        message: String,
        help: Option<String>,
        /// What kind of lint it is (`unused_fact`), the same in every language.
        code: Option<&'static str>,
        /// The rubric file it is in (a variant's or its base's) and the place there.
        file: Option<String>,
        at: Option<Position>,
    },
}

/// What an overridden indicator's own rule gave.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleResult {
    /// The rule gave this score.
    Scored(Decimal),
    /// The rule could not be computed, for this reason (in the run's language).
    Failed(String),
    /// No score of the rule is known.
    Unknown,
}

/// Where a computed score comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoredFrom {
    /// A leaf's rule, from these facts; `overridden` when an override set the score.
    Rule {
        facts: Vec<FactUsed>,
        overridden: Option<RuleResult>,
    },
    /// The sum of the indicator's children.
    Children,
}

/// A fact a finding read: the rubric's fact `fact`, its value (`None`: the default) and
/// the byte offset in the facts file where the value is given.
#[derive(Debug, Clone, PartialEq)]
pub struct FactUsed {
    pub fact: usize,
    pub value: Option<FactValue>,
    pub offset: Option<usize>,
}

/// A formula of a consistency check and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub formula: String,
    pub value: Exact,
}

/// Why a consistency check could not be run.
#[derive(Debug, Clone, PartialEq)]
pub enum Unchecked {
    /// The file does not give this fact.
    Missing(usize),
    /// The formula could not be computed, for this reason (in the run's language).
    Failed(String),
    /// A side that must be a number is a condition.
    NotANumber { formula: String },
    /// The two sides' difference overflows.
    DifferenceOverflows,
    /// The computed figure cannot be rounded to the stated figure's places.
    CannotRound { formula: String, value: Exact },
}

impl Says {
    /// The kind of finding, which names it in JSON, SARIF, JUnit and GitLab.
    pub fn kind(&self) -> FindingKind {
        match self {
            Says::Rescored { .. } => FindingKind::Rescored,
            Says::NoClaims { .. } | Says::NotClaimed { .. } | Says::TotalNotClaimed { .. } => {
                FindingKind::NotClaimed
            }
            Says::Overridden { .. } => FindingKind::Overridden,
            Says::Differs { .. } | Says::TotalDiffers { .. } => FindingKind::Differs,
            Says::UnknownIndicator { .. } => FindingKind::UnknownIndicator,
            Says::ClaimNotSum { .. } | Says::TotalNotSum { .. } => FindingKind::ClaimSum,
            Says::GradeOfClaimedTotal { .. } | Says::GradeDiffers { .. } => FindingKind::Grade,
            Says::NotChecked { .. } => FindingKind::NotChecked,
            Says::DoesNotHold { .. } | Says::NotEqual { .. } | Says::StatedDiffers { .. } => {
                FindingKind::Consistency
            }
            Says::RubricLint { .. } => FindingKind::RubricLint,
        }
    }

    /// What the finding is about.
    pub fn subject(&self) -> Subject {
        match self {
            Says::Rescored { .. } | Says::NoClaims { .. } => Subject::File,
            Says::NotClaimed { indicator, .. }
            | Says::Overridden { indicator, .. }
            | Says::Differs { indicator, .. }
            | Says::ClaimNotSum { indicator, .. } => Subject::Indicator(*indicator),
            Says::TotalNotClaimed { .. } | Says::TotalDiffers { .. } | Says::TotalNotSum { .. } => {
                Subject::Total
            }
            Says::UnknownIndicator { key, .. } => Subject::UnknownIndicator(key.clone()),
            Says::GradeOfClaimedTotal { .. } | Says::GradeDiffers { .. } => Subject::Grade,
            Says::NotChecked { check, .. }
            | Says::DoesNotHold { check, .. }
            | Says::NotEqual { check, .. }
            | Says::StatedDiffers { check, .. } => Subject::Consistency(*check),
            Says::RubricLint { .. } => Subject::Rubric,
        }
    }

    /// A stable name of what the finding says, the same in every language: with the kind
    /// and the subject, what tells two findings apart (a GitLab fingerprint).
    pub fn name(&self) -> &'static str {
        match self {
            Says::Rescored { .. } => "rescored",
            Says::NoClaims { .. } => "no_claims",
            Says::NotClaimed { .. } => "not_claimed",
            Says::TotalNotClaimed { .. } => "total_not_claimed",
            Says::Overridden { .. } => "overridden",
            Says::Differs { .. } => "differs",
            Says::TotalDiffers { .. } => "total_differs",
            Says::UnknownIndicator { .. } => "unknown_indicator",
            Says::ClaimNotSum { .. } => "claim_not_sum",
            Says::TotalNotSum { .. } => "total_not_sum",
            Says::GradeOfClaimedTotal { .. } => "grade_of_claimed_total",
            Says::GradeDiffers { .. } => "grade_differs",
            Says::NotChecked { .. } => "not_checked",
            Says::DoesNotHold { .. } => "does_not_hold",
            Says::NotEqual { .. } => "not_equal",
            Says::StatedDiffers { .. } => "stated_differs",
            Says::RubricLint { .. } => "rubric_lint",
        }
    }
}
