//! The small expression language that rubric rules are written in.
//!
//! A formula is text such as `min(spent / budget / 25%, 1)`. It is lexed and parsed once
//! when a rubric loads ([`parse`], giving a [`ParsedFormula`]); its names are resolved to
//! facts or named values and its types checked ([`ParsedFormula::resolve`], giving a
//! [`Formula`] whose every name is bound and whose numbers and true/false values are
//! distinct kinds of node), and then it is evaluated against any number of facts files
//! ([`Formula::eval`]) with exact rational arithmetic only. Evaluation thus never meets an
//! unbound name or a value of the wrong type: those are load errors.
//!
//! Grammar, loosest binding first:
//! ```text
//! expr    = "if" expr "then" expr "else" expr | or
//! or      = and ("or" and)*
//! and     = not ("and" not)*
//! not     = "not" not | compare
//! compare = sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//! sum     = product (("+" | "-") product)*
//! product = unary (("*" | "/") unary)*
//! unary   = "-" unary | atom
//! atom    = number "%"? | "true" | "false" | name | call | "(" expr ")"
//! call    = ("min" | "max" | "abs") "(" expr ("," expr)* ")"
//! name    = ident ("." ident)*
//! ```

mod eval;
mod lexer;
mod parser;
mod resolve;
mod tree;

use std::fmt;
use std::ops::Range;

use rust_i18n::t;

pub use eval::{EvalError, Scope};
pub use parser::{MAX_DEPTH, ParseError};
pub use tree::{
    Arith, Compare, Cond, CondKind, Equality, Extreme, Formula, Logic, Name, Num, NumKind, Typed,
};

/// The two kinds of value a formula computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Type {
    Number,
    Bool,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Type::Number => t!("formula.type_number"),
            Type::Bool => t!("formula.type_bool"),
        })
    }
}

/// A value computed by a formula: numbers are exact fractions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Number(crate::exact::Exact),
    Bool(bool),
}

/// What a name in a formula refers to, decided when the rubric loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Target {
    /// A declared fact, by its index in the rubric's fact list.
    Fact(usize),
    /// A named intermediate value of the same indicator, by its index.
    Local(usize),
}

/// A binary operator as parsed, named by the operator of the resolved tree it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Arith(Arith),
    Compare(Compare),
    Logic(Logic),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Min,
    Max,
    Abs,
}

impl Function {
    pub const NAMES: [&'static str; 3] = ["min", "max", "abs"];

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "min" => Some(Function::Min),
            "max" => Some(Function::Max),
            "abs" => Some(Function::Abs),
            _ => None,
        }
    }
}

/// A node of a parsed formula, with its byte span inside the formula text. Its names are
/// not bound yet: [`ParsedFormula::resolve`] turns the tree into a [`Formula`].
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal, converted once when parsed.
    Number(crate::exact::Exact),
    Bool(bool),
    Name(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
}

/// A problem with a name or a type, found when a formula's names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

/// A formula as parsed, with its source text: names unresolved, types unchecked.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFormula {
    pub text: String,
    pub root: Expr,
}

/// Parses formula text. Names stay unresolved until [`ParsedFormula::resolve`].
pub fn parse(text: &str) -> Result<ParsedFormula, ParseError> {
    let tokens = lexer::lex(text)?;
    let root = parser::Parser::new(&tokens, text.len()).parse()?;
    Ok(ParsedFormula {
        text: text.to_string(),
        root,
    })
}

#[cfg(test)]
mod tests;

/// A literal of a formula written as the decimal it was parsed from, for the compiled
/// rubrics: every literal is a decimal (see `parser.rs`), so this is exact.
mod literal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Serialize};

    use crate::exact::Exact;

    pub fn serialize<S: serde::Serializer>(
        value: &Exact,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value.to_decimal() {
            Some(d) => Serialize::serialize(&d, serializer),
            // i18n-exempt: never shown; the compiled form is then not written.
            None => Err(serde::ser::Error::custom("a literal that is not a decimal")),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Exact, D::Error> {
        <Decimal as Deserialize>::deserialize(deserializer).map(Exact::from)
    }
}
