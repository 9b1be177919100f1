//! The small expression language that rubric rules are written in.
//!
//! A formula is text such as `min(spent / budget / 25%, 1)`. It is lexed and parsed once
//! when a rubric loads ([`parse`]), its names are resolved to facts or named values and its
//! types checked ([`Formula::resolve`]), and then it is evaluated against any number of
//! facts files ([`Formula::eval`]) with exact rational arithmetic only.
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

use std::fmt;
use std::ops::Range;

use rust_i18n::t;

pub use eval::{EvalError, Scope};
pub use parser::{MAX_DEPTH, ParseError};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinaryOp {
    fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// A node of a parsed formula, with its byte span inside the formula text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum NodeKind {
    /// A literal, converted once when parsed.
    Number(#[serde(with = "literal")] crate::exact::Exact),
    Bool(bool),
    Name {
        name: String,
        target: Option<Target>,
    },
    Neg(Box<Node>),
    Not(Box<Node>),
    Binary(BinaryOp, Box<Node>, Box<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    Call(Function, Vec<Node>),
}

/// A problem with a name or a type, found when a formula's names are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

/// A parsed formula together with its source text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Formula {
    pub text: String,
    pub root: Node,
}

/// Parses formula text. Names stay unresolved until [`Formula::resolve`].
pub fn parse(text: &str) -> Result<Formula, ParseError> {
    let tokens = lexer::lex(text)?;
    let root = parser::Parser::new(&tokens, text.len()).parse()?;
    Ok(Formula {
        text: text.to_string(),
        root,
    })
}

impl Formula {
    /// Resolves every name with `lookup` (which gives its target and type, or `None` when
    /// the name is unknown) and checks the types; returns the formula's type.
    pub fn resolve(
        &mut self,
        lookup: &dyn Fn(&str) -> Option<(Target, Type)>,
        unknown_help: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Type, Vec<CheckError>> {
        let mut errors = Vec::new();
        let ty = check(&mut self.root, lookup, unknown_help, &mut errors);
        match (ty, errors.is_empty()) {
            (Some(ty), true) => Ok(ty),
            _ => Err(errors),
        }
    }

    /// Every target the formula reads, in order of appearance.
    pub fn targets(&self) -> Vec<Target> {
        let mut out = Vec::new();
        collect_targets(&self.root, &mut out);
        out
    }

    /// How deeply the formula nests (a name or a number is 1), bounded by [`MAX_DEPTH`]
    /// when parsed.
    pub fn depth(&self) -> usize {
        fn depth(node: &Node) -> usize {
            1 + match &node.kind {
                NodeKind::Number(_) | NodeKind::Bool(_) | NodeKind::Name { .. } => 0,
                NodeKind::Neg(a) | NodeKind::Not(a) => depth(a),
                NodeKind::Binary(_, a, b) => depth(a).max(depth(b)),
                NodeKind::If(c, a, b) => depth(c).max(depth(a)).max(depth(b)),
                NodeKind::Call(_, args) => args.iter().map(depth).max().unwrap_or(0),
            }
        }
        depth(&self.root)
    }

    /// The source text of a node, for messages.
    pub fn snippet(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or(&self.text)
    }

    pub fn eval(&self, scope: &mut dyn Scope) -> Result<Value, EvalError> {
        eval::eval(self, &self.root, scope)
    }
}

fn collect_targets(node: &Node, out: &mut Vec<Target>) {
    match &node.kind {
        NodeKind::Number(_) | NodeKind::Bool(_) => {}
        NodeKind::Name { target, .. } => {
            if let Some(t) = target
                && !out.contains(t)
            {
                out.push(*t);
            }
        }
        NodeKind::Neg(a) | NodeKind::Not(a) => collect_targets(a, out),
        NodeKind::Binary(_, a, b) => {
            collect_targets(a, out);
            collect_targets(b, out);
        }
        NodeKind::If(c, a, b) => {
            collect_targets(c, out);
            collect_targets(a, out);
            collect_targets(b, out);
        }
        NodeKind::Call(_, args) => args.iter().for_each(|a| collect_targets(a, out)),
    }
}

fn expect(
    node: &mut Node,
    want: Type,
    lookup: &dyn Fn(&str) -> Option<(Target, Type)>,
    help: &dyn Fn(&str) -> Option<String>,
    errors: &mut Vec<CheckError>,
) {
    if let Some(got) = check(node, lookup, help, errors)
        && got != want
    {
        errors.push(CheckError {
            message: t!("formula.expected_type", want = want, got = got).into_owned(),
            span: node.span.clone(),
            help: None,
        });
    }
}

fn check(
    node: &mut Node,
    lookup: &dyn Fn(&str) -> Option<(Target, Type)>,
    help: &dyn Fn(&str) -> Option<String>,
    errors: &mut Vec<CheckError>,
) -> Option<Type> {
    let span = node.span.clone();
    match &mut node.kind {
        NodeKind::Number(_) => Some(Type::Number),
        NodeKind::Bool(_) => Some(Type::Bool),
        NodeKind::Name { name, target } => match lookup(name) {
            Some((t, ty)) => {
                *target = Some(t);
                Some(ty)
            }
            None => {
                errors.push(CheckError {
                    message: t!("formula.unknown_name", name = name).into_owned(),
                    span,
                    help: help(name),
                });
                None
            }
        },
        NodeKind::Neg(a) => {
            expect(a, Type::Number, lookup, help, errors);
            Some(Type::Number)
        }
        NodeKind::Not(a) => {
            expect(a, Type::Bool, lookup, help, errors);
            Some(Type::Bool)
        }
        NodeKind::Binary(op, a, b) => {
            let (operand, result) = match op {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                    (Some(Type::Number), Type::Number)
                }
                BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                    (Some(Type::Number), Type::Bool)
                }
                BinaryOp::And | BinaryOp::Or => (Some(Type::Bool), Type::Bool),
                BinaryOp::Eq | BinaryOp::Ne => (None, Type::Bool),
            };
            match operand {
                Some(t) => {
                    expect(a, t, lookup, help, errors);
                    expect(b, t, lookup, help, errors);
                }
                None => {
                    let ta = check(a, lookup, help, errors);
                    let tb = check(b, lookup, help, errors);
                    if let (Some(ta), Some(tb)) = (ta, tb)
                        && ta != tb
                    {
                        errors.push(CheckError {
                            message: t!("formula.compares", op = op.symbol(), a = ta, b = tb)
                                .into_owned(),
                            span,
                            help: None,
                        });
                    }
                }
            }
            Some(result)
        }
        NodeKind::If(c, a, b) => {
            expect(c, Type::Bool, lookup, help, errors);
            let ta = check(a, lookup, help, errors);
            let tb = check(b, lookup, help, errors);
            match (ta, tb) {
                (Some(ta), Some(tb)) if ta != tb => {
                    errors.push(CheckError {
                        message: t!("formula.branches_differ", a = ta, b = tb).into_owned(),
                        span,
                        help: None,
                    });
                    None
                }
                (Some(t), _) | (None, Some(t)) => Some(t),
                (None, None) => None,
            }
        }
        NodeKind::Call(f, args) => {
            let f = *f;
            let arity_ok = match f {
                Function::Abs => args.len() == 1,
                Function::Min | Function::Max => args.len() >= 2,
            };
            if !arity_ok {
                errors.push(CheckError {
                    message: match f {
                        Function::Abs => t!("formula.abs_arity").into_owned(),
                        _ => t!("formula.min_max_arity").into_owned(),
                    },
                    span,
                    help: None,
                });
            }
            for a in args.iter_mut() {
                expect(a, Type::Number, lookup, help, errors);
            }
            Some(Type::Number)
        }
    }
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
