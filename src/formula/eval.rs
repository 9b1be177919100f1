//! Evaluation of a resolved formula with exact rational arithmetic.
//!
//! `if` evaluates only the branch it takes, and `and`/`or` stop early, so a rubric can
//! guard a division (`if plan == 0 then 1 else actual / plan`). A resolved formula has
//! every name bound and numbers and true/false values in distinct nodes, so the only
//! errors are those of arithmetic and of the [`Scope`].

use std::ops::Range;

use rust_i18n::t;

use super::{
    Arith, Compare, Cond, CondKind, Equality, Extreme, Formula, Logic, Num, NumKind, Target,
};
use crate::exact::Exact;

/// Where a formula gets the values of its names from: a number for a name resolved as a
/// number, true/false for one resolved as true/false.
pub trait Scope {
    fn number(&mut self, target: Target) -> Result<Exact, EvalError>;
    fn boolean(&mut self, target: Target) -> Result<bool, EvalError>;
}

/// A formula that could not be evaluated on these facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("{}", t!("formula.division_by_zero", divisor = .divisor, formula = .formula))]
    DivisionByZero { divisor: String, formula: String },
    /// The exact value has a numerator or denominator beyond `exact::MAX_BITS`: refused
    /// rather than rounded.
    #[error(
        "{}",
        t!("formula.overflow", expression = .expression, formula = .formula, bits = crate::exact::MAX_BITS)
    )]
    Overflow { expression: String, formula: String },
    /// A name could not be given a value (a missing fact); raised by the [`Scope`].
    #[error("{0}")]
    Unavailable(String),
    /// The [`Scope`] has no value of the resolved type for a target (an index out of
    /// range, a facts-file value of another kind, a named value that reads itself). The
    /// loaders rule this out, but the scope's data is not typed by the formula, so it is
    /// a bug reported rather than a panic. Evaluation itself never raises it.
    #[error("{}", t!("formula.internal", what = .0))]
    Internal(String),
}

fn overflow(formula: &Formula, span: &Range<usize>) -> EvalError {
    EvalError::Overflow {
        expression: formula.snippet(span).to_string(),
        formula: formula.text.clone(),
    }
}

pub(super) fn number(f: &Formula, node: &Num, scope: &mut dyn Scope) -> Result<Exact, EvalError> {
    Ok(match &node.kind {
        NumKind::Literal(n) => n.clone(),
        NumKind::Name(n) => scope.number(n.target)?,
        NumKind::Neg(a) => number(f, a, scope)?.neg(),
        NumKind::Abs(a) => number(f, a, scope)?.abs(),
        NumKind::If(c, a, b) => {
            if boolean(f, c, scope)? {
                number(f, a, scope)?
            } else {
                number(f, b, scope)?
            }
        }
        NumKind::Arith(op, a, b) => {
            let x = number(f, a, scope)?;
            let y = number(f, b, scope)?;
            let result = match op {
                Arith::Add => x.checked_add(&y),
                Arith::Sub => x.checked_sub(&y),
                Arith::Mul => x.checked_mul(&y),
                Arith::Div => {
                    if y.is_zero() {
                        return Err(EvalError::DivisionByZero {
                            divisor: f.snippet(&b.span).to_string(),
                            formula: f.text.clone(),
                        });
                    }
                    x.checked_div(&y)
                }
            };
            result.ok_or_else(|| overflow(f, &node.span))?
        }
        NumKind::Extreme(which, first, rest) => {
            let mut value = number(f, first, scope)?;
            for a in rest {
                let next = number(f, a, scope)?;
                value = match which {
                    Extreme::Min => value.min(next),
                    Extreme::Max => value.max(next),
                };
            }
            value
        }
    })
}

pub(super) fn boolean(f: &Formula, node: &Cond, scope: &mut dyn Scope) -> Result<bool, EvalError> {
    Ok(match &node.kind {
        CondKind::Literal(b) => *b,
        CondKind::Name(n) => scope.boolean(n.target)?,
        CondKind::Not(a) => !boolean(f, a, scope)?,
        CondKind::If(c, a, b) => {
            if boolean(f, c, scope)? {
                boolean(f, a, scope)?
            } else {
                boolean(f, b, scope)?
            }
        }
        CondKind::Logic(Logic::And, a, b) => boolean(f, a, scope)? && boolean(f, b, scope)?,
        CondKind::Logic(Logic::Or, a, b) => boolean(f, a, scope)? || boolean(f, b, scope)?,
        CondKind::Compare(op, a, b) => {
            let x = number(f, a, scope)?;
            let y = number(f, b, scope)?;
            match op {
                Compare::Lt => x < y,
                Compare::Le => x <= y,
                Compare::Gt => x > y,
                Compare::Ge => x >= y,
                Compare::Eq => x == y,
                Compare::Ne => x != y,
            }
        }
        CondKind::Same(op, a, b) => {
            let equal = boolean(f, a, scope)? == boolean(f, b, scope)?;
            match op {
                Equality::Eq => equal,
                Equality::Ne => !equal,
            }
        }
    })
}
