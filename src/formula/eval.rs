//! Evaluation of a resolved formula with exact rational arithmetic.
//!
//! `if` evaluates only the branch it takes, and `and`/`or` stop early, so a rubric can
//! guard a division (`if plan == 0 then 1 else actual / plan`).

use std::ops::Range;

use rust_i18n::t;

use super::{BinaryOp, Formula, Function, Node, NodeKind, Target, Value};
use crate::exact::Exact;

/// Where a formula gets the values of its names from.
pub trait Scope {
    fn value(&mut self, target: Target) -> Result<Value, EvalError>;
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
    /// A name the loader did not resolve: a bug, reported rather than panicking.
    #[error("{}", t!("formula.internal_unresolved", name = .0))]
    Unresolved(String),
    #[error("{}", t!("formula.internal_type", expression = .0))]
    Type(String),
}

fn number(formula: &Formula, node: &Node, scope: &mut dyn Scope) -> Result<Exact, EvalError> {
    match eval(formula, node, scope)? {
        Value::Number(n) => Ok(n),
        Value::Bool(_) => Err(EvalError::Type(formula.snippet(&node.span).to_string())),
    }
}

fn boolean(formula: &Formula, node: &Node, scope: &mut dyn Scope) -> Result<bool, EvalError> {
    match eval(formula, node, scope)? {
        Value::Bool(b) => Ok(b),
        Value::Number(_) => Err(EvalError::Type(formula.snippet(&node.span).to_string())),
    }
}

fn overflow(formula: &Formula, span: &Range<usize>) -> EvalError {
    EvalError::Overflow {
        expression: formula.snippet(span).to_string(),
        formula: formula.text.clone(),
    }
}

pub fn eval(formula: &Formula, node: &Node, scope: &mut dyn Scope) -> Result<Value, EvalError> {
    Ok(match &node.kind {
        NodeKind::Number(n) => Value::Number(n.clone()),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Name { name, target } => match target {
            Some(t) => scope.value(*t)?,
            None => return Err(EvalError::Unresolved(name.clone())),
        },
        NodeKind::Neg(a) => Value::Number(number(formula, a, scope)?.neg()),
        NodeKind::Not(a) => Value::Bool(!boolean(formula, a, scope)?),
        NodeKind::If(c, a, b) => {
            if boolean(formula, c, scope)? {
                eval(formula, a, scope)?
            } else {
                eval(formula, b, scope)?
            }
        }
        NodeKind::Binary(BinaryOp::And, a, b) => {
            Value::Bool(boolean(formula, a, scope)? && boolean(formula, b, scope)?)
        }
        NodeKind::Binary(BinaryOp::Or, a, b) => {
            Value::Bool(boolean(formula, a, scope)? || boolean(formula, b, scope)?)
        }
        NodeKind::Binary(op @ (BinaryOp::Eq | BinaryOp::Ne), a, b) => {
            let equal = eval(formula, a, scope)? == eval(formula, b, scope)?;
            Value::Bool(if *op == BinaryOp::Eq { equal } else { !equal })
        }
        NodeKind::Binary(op, a, b) => {
            let x = number(formula, a, scope)?;
            let y = number(formula, b, scope)?;
            match op {
                BinaryOp::Add => Value::Number(
                    x.checked_add(&y)
                        .ok_or_else(|| overflow(formula, &node.span))?,
                ),
                BinaryOp::Sub => Value::Number(
                    x.checked_sub(&y)
                        .ok_or_else(|| overflow(formula, &node.span))?,
                ),
                BinaryOp::Mul => Value::Number(
                    x.checked_mul(&y)
                        .ok_or_else(|| overflow(formula, &node.span))?,
                ),
                BinaryOp::Div => {
                    if y.is_zero() {
                        return Err(EvalError::DivisionByZero {
                            divisor: formula.snippet(&b.span).to_string(),
                            formula: formula.text.clone(),
                        });
                    }
                    Value::Number(
                        x.checked_div(&y)
                            .ok_or_else(|| overflow(formula, &node.span))?,
                    )
                }
                BinaryOp::Lt => Value::Bool(x < y),
                BinaryOp::Le => Value::Bool(x <= y),
                BinaryOp::Gt => Value::Bool(x > y),
                BinaryOp::Ge => Value::Bool(x >= y),
                BinaryOp::And | BinaryOp::Or | BinaryOp::Eq | BinaryOp::Ne => {
                    return Err(EvalError::Type(formula.snippet(&node.span).to_string()));
                }
            }
        }
        NodeKind::Call(f, args) => {
            let mut values = Vec::with_capacity(args.len());
            for a in args {
                values.push(number(formula, a, scope)?);
            }
            let result = match f {
                Function::Abs => values.first().map(Exact::abs),
                Function::Min => values.into_iter().reduce(Exact::min),
                Function::Max => values.into_iter().reduce(Exact::max),
            };
            match result {
                Some(v) => Value::Number(v),
                None => return Err(EvalError::Type(formula.snippet(&node.span).to_string())),
            }
        }
    })
}
