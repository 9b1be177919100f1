//! A resolved formula: every name bound to a [`Target`], and numbers and true/false values
//! distinct kinds of node, so that evaluating it cannot meet an unbound name or a value
//! of the wrong type.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{EvalError, Scope, Target, Type, Value, eval};
use crate::exact::Exact;

/// A formula whose names are resolved and whose types are checked, with its source text:
/// what [`super::ParsedFormula::resolve`] gives and what evaluation takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Formula {
    pub text: String,
    pub root: Typed,
}

/// A sub-formula of either type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Typed {
    Number(Num),
    Bool(Cond),
}

/// A name as written, with what it was resolved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Name {
    pub name: String,
    pub target: Target,
}

/// A sub-formula that computes a number, with its byte span inside the formula text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Num {
    pub kind: NumKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NumKind {
    /// A literal, converted once when parsed.
    Literal(#[serde(with = "super::literal")] Exact),
    Name(Name),
    Neg(Box<Num>),
    Arith(Arith, Box<Num>, Box<Num>),
    If(Box<Cond>, Box<Num>, Box<Num>),
    Abs(Box<Num>),
    /// `min` or `max` of a first argument and the others (at least one).
    Extreme(Extreme, Box<Num>, Vec<Num>),
}

/// A sub-formula that computes true or false, with its byte span inside the formula text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cond {
    pub kind: CondKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CondKind {
    Literal(bool),
    Name(Name),
    Not(Box<Cond>),
    Logic(Logic, Box<Cond>, Box<Cond>),
    /// Two numbers compared, `==` and `!=` included.
    Compare(Compare, Box<Num>, Box<Num>),
    /// Two true/false values compared with `==` or `!=`.
    Same(Equality, Box<Cond>, Box<Cond>),
    If(Box<Cond>, Box<Cond>, Box<Cond>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Extreme {
    Min,
    Max,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Logic {
    And,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compare {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Equality {
    Eq,
    Ne,
}

/// A reference to a node of either type, for walks that do not care which.
#[derive(Clone, Copy)]
enum Node<'a> {
    Num(&'a Num),
    Cond(&'a Cond),
}

impl<'a> Node<'a> {
    /// The node's direct sub-formulas, left to right.
    fn children(self) -> Vec<Node<'a>> {
        use Node::{Cond as C, Num as N};
        match self {
            N(n) => match &n.kind {
                NumKind::Literal(_) | NumKind::Name(_) => vec![],
                NumKind::Neg(a) | NumKind::Abs(a) => vec![N(a)],
                NumKind::Arith(_, a, b) => vec![N(a), N(b)],
                NumKind::If(c, a, b) => vec![C(c), N(a), N(b)],
                NumKind::Extreme(_, first, rest) => std::iter::once(N(first))
                    .chain(rest.iter().map(N))
                    .collect(),
            },
            C(c) => match &c.kind {
                CondKind::Literal(_) | CondKind::Name(_) => vec![],
                CondKind::Not(a) => vec![C(a)],
                CondKind::Logic(_, a, b) | CondKind::Same(_, a, b) => vec![C(a), C(b)],
                CondKind::Compare(_, a, b) => vec![N(a), N(b)],
                CondKind::If(c, a, b) => vec![C(c), C(a), C(b)],
            },
        }
    }

    fn name(self) -> Option<&'a Name> {
        match self {
            Node::Num(Num {
                kind: NumKind::Name(n),
                ..
            })
            | Node::Cond(Cond {
                kind: CondKind::Name(n),
                ..
            }) => Some(n),
            _ => None,
        }
    }

    fn depth(self) -> usize {
        1 + self
            .children()
            .into_iter()
            .map(Node::depth)
            .max()
            .unwrap_or(0)
    }

    fn collect_targets(self, out: &mut Vec<Target>) {
        if let Some(n) = self.name()
            && !out.contains(&n.target)
        {
            out.push(n.target);
        }
        self.children()
            .into_iter()
            .for_each(|c| c.collect_targets(out));
    }
}

impl Formula {
    /// The type of the formula's value.
    pub fn ty(&self) -> Type {
        match self.root {
            Typed::Number(_) => Type::Number,
            Typed::Bool(_) => Type::Bool,
        }
    }

    fn root_node(&self) -> Node<'_> {
        match &self.root {
            Typed::Number(n) => Node::Num(n),
            Typed::Bool(c) => Node::Cond(c),
        }
    }

    /// The name the formula consists of, if it is a single name.
    pub fn as_name(&self) -> Option<&Name> {
        self.root_node().name()
    }

    /// Every target the formula reads, in order of appearance.
    pub fn targets(&self) -> Vec<Target> {
        let mut out = Vec::new();
        self.root_node().collect_targets(&mut out);
        out
    }

    /// How deeply the formula nests (a name or a number is 1), bounded by
    /// [`super::MAX_DEPTH`] when parsed.
    pub fn depth(&self) -> usize {
        self.root_node().depth()
    }

    /// The source text of a node, for messages.
    pub fn snippet(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or(&self.text)
    }

    pub fn eval(&self, scope: &mut dyn Scope) -> Result<Value, EvalError> {
        match &self.root {
            Typed::Number(n) => eval::number(self, n, scope).map(Value::Number),
            Typed::Bool(c) => eval::boolean(self, c, scope).map(Value::Bool),
        }
    }
}
