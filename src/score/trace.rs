//! What scoring one leaf recorded: the facts it read, the values it computed, the part
//! scores before and after clamping, and how an override or a veto changed the result.

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::facts::{CheckValue, Override};
use crate::formula::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct LeafTrace {
    pub outcome: Outcome,
    /// Empty when a veto or an exemption decided the score.
    pub parts: Vec<PartTrace>,
    /// The sum of the clamped parts (or 0 / full points), exact, before clamping and
    /// rounding.
    pub raw: Exact,
    /// The rule's own result: clamped to the indicator's points and rounded; `None` when
    /// the rule could not be computed (the outcome says why), never a 0 not computed.
    pub rule_score: Option<Decimal>,
    /// The score reported: the override when one applies, else `rule_score`.
    pub score: Decimal,
    pub override_: Option<Override>,
    /// Whether overrides were ignored.
    pub strict: bool,
    /// Indices of the facts read, in order of first use.
    pub facts_used: Vec<usize>,
    /// Named values computed (index into the rule's lets, value), in order.
    pub lets: Vec<(usize, Value)>,
}

impl LeafTrace {
    pub fn override_applied(&self) -> bool {
        self.override_.is_some() && !self.strict
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Scored,
    /// The veto with this index held: the score is 0.
    Vetoed(usize),
    /// The exemption with this index held: the score is the full points.
    Exempt(usize),
    /// The rule could not be computed (the message says why); the facts file's override
    /// gives the score.
    RuleFailed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartTrace {
    /// What the part's rule gave, exactly.
    pub raw: Exact,
    /// `raw` clamped to 0..points.
    pub score: Exact,
    pub detail: PartDetail,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartDetail {
    Formula,
    Tier {
        tier: usize,
        /// The value placed in a tier; `None` when an evaluator chose the tier.
        value: Option<Exact>,
        judged_by: Option<usize>,
    },
    Check {
        fact: usize,
        value: CheckValue,
    },
    Judgment {
        fact: usize,
    },
    Deduction {
        count: Exact,
    },
    Category {
        fact: usize,
        answer: String,
    },
    /// A listed item; `weight` is the points it was scored against (rescaled when other
    /// items do not apply).
    Item {
        item: usize,
        weight: Decimal,
    },
}
