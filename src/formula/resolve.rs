//! Resolution: a parsed formula's names bound to their targets and its types checked,
//! giving the resolved [`Formula`] that evaluation takes.

use std::ops::Range;

use rust_i18n::t;

use super::{
    BinaryOp, CheckError, Compare, Cond, CondKind, Equality, Expr, ExprKind, Extreme, Formula,
    Function, Name, Num, NumKind, ParsedFormula, Target, Type, Typed,
};

/// Gives a name's target and type, or `None` when the name is unknown.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<(Target, Type)>;
/// Gives the help line for an unknown name.
type Help<'a> = &'a dyn Fn(&str) -> Option<String>;

impl ParsedFormula {
    /// Resolves every name with `lookup` (which gives its target and type, or `None` when
    /// the name is unknown) and checks the types, giving the resolved formula, or every
    /// problem found.
    pub fn resolve(
        self,
        lookup: Lookup<'_>,
        unknown_help: Help<'_>,
    ) -> Result<Formula, Vec<CheckError>> {
        let mut checker = Checker {
            lookup,
            help: unknown_help,
            errors: Vec::new(),
        };
        match (checker.check(&self.root), checker.errors.is_empty()) {
            (Ok(root), true) => Ok(Formula {
                text: self.text,
                root,
            }),
            _ => Err(checker.errors),
        }
    }
}

/// A sub-formula checked: resolved when it has no error, else the type it would have had
/// (when known), so that the formula around it is still checked as it would be.
type Checked = Result<Typed, Option<Type>>;

fn type_of(checked: &Checked) -> Option<Type> {
    match checked {
        Ok(Typed::Number(_)) => Some(Type::Number),
        Ok(Typed::Bool(_)) => Some(Type::Bool),
        Err(ty) => *ty,
    }
}

struct Checker<'a> {
    lookup: Lookup<'a>,
    help: Help<'a>,
    errors: Vec<CheckError>,
}

impl Checker<'_> {
    fn error(&mut self, message: String, span: &Range<usize>) {
        self.errors.push(CheckError {
            message,
            span: span.clone(),
            help: None,
        });
    }

    /// Checks a sub-formula that must be of type `want`, which `pick` takes out of it;
    /// notes a sub-formula of another type.
    fn expect<T>(
        &mut self,
        node: &Expr,
        want: Type,
        pick: fn(Typed) -> Option<T>,
    ) -> Option<Box<T>> {
        let checked = self.check(node);
        let got = type_of(&checked);
        let picked = checked.ok().and_then(pick);
        if let Some(got) = got
            && got != want
        {
            let message = t!("formula.expected_type", want = want, got = got).into_owned();
            self.error(message, &node.span);
        }
        picked.map(Box::new)
    }

    /// Checks a sub-formula that must give a number.
    fn number(&mut self, node: &Expr) -> Option<Box<Num>> {
        self.expect(node, Type::Number, |t| match t {
            Typed::Number(n) => Some(n),
            Typed::Bool(_) => None,
        })
    }

    /// Checks a sub-formula that must give true or false.
    fn boolean(&mut self, node: &Expr) -> Option<Box<Cond>> {
        self.expect(node, Type::Bool, |t| match t {
            Typed::Bool(c) => Some(c),
            Typed::Number(_) => None,
        })
    }

    fn check(&mut self, node: &Expr) -> Checked {
        let span = &node.span;
        match &node.kind {
            ExprKind::Number(n) => num(Some(NumKind::Literal(n.clone())), span),
            ExprKind::Bool(b) => cond(Some(CondKind::Literal(*b)), span),
            ExprKind::Name(name) => match (self.lookup)(name) {
                Some((target, ty)) => {
                    let name = Name {
                        name: name.clone(),
                        target,
                    };
                    match ty {
                        Type::Number => num(Some(NumKind::Name(name)), span),
                        Type::Bool => cond(Some(CondKind::Name(name)), span),
                    }
                }
                None => {
                    self.errors.push(CheckError {
                        message: t!("formula.unknown_name", name = name).into_owned(),
                        span: span.clone(),
                        help: (self.help)(name),
                    });
                    Err(None)
                }
            },
            ExprKind::Neg(a) => num(self.number(a).map(NumKind::Neg), span),
            ExprKind::Not(a) => cond(self.boolean(a).map(CondKind::Not), span),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::If(c, a, b) => {
                let c = self.boolean(c);
                let (a, b) = (self.check(a), self.check(b));
                let ty = match (type_of(&a), type_of(&b)) {
                    (Some(ta), Some(tb)) if ta != tb => {
                        let message = t!("formula.branches_differ", a = ta, b = tb);
                        self.error(message.into_owned(), span);
                        None
                    }
                    (ta, tb) => ta.or(tb),
                };
                match (c, a, b) {
                    (Some(c), Ok(Typed::Number(a)), Ok(Typed::Number(b))) => {
                        num(Some(NumKind::If(c, Box::new(a), Box::new(b))), span)
                    }
                    (Some(c), Ok(Typed::Bool(a)), Ok(Typed::Bool(b))) => {
                        cond(Some(CondKind::If(c, Box::new(a), Box::new(b))), span)
                    }
                    _ => Err(ty),
                }
            }
            ExprKind::Call(f, args) => num(self.call(*f, args, span), span),
        }
    }

    fn binary(&mut self, op: BinaryOp, a: &Expr, b: &Expr, span: &Range<usize>) -> Checked {
        match op {
            BinaryOp::Arith(op) => {
                let (a, b) = (self.number(a), self.number(b));
                num(a.zip(b).map(|(a, b)| NumKind::Arith(op, a, b)), span)
            }
            BinaryOp::Compare(op @ (Compare::Eq | Compare::Ne)) => {
                self.equality(op == Compare::Eq, a, b, span)
            }
            BinaryOp::Compare(op) => {
                let (a, b) = (self.number(a), self.number(b));
                cond(a.zip(b).map(|(a, b)| CondKind::Compare(op, a, b)), span)
            }
            BinaryOp::Logic(op) => {
                let (a, b) = (self.boolean(a), self.boolean(b));
                cond(a.zip(b).map(|(a, b)| CondKind::Logic(op, a, b)), span)
            }
        }
    }

    /// `==` (when `equal`) or `!=`: both sides of one type, either type.
    fn equality(&mut self, equal: bool, a: &Expr, b: &Expr, span: &Range<usize>) -> Checked {
        let (a, b) = (self.check(a), self.check(b));
        if let (Some(ta), Some(tb)) = (type_of(&a), type_of(&b))
            && ta != tb
        {
            let op = if equal { "==" } else { "!=" };
            let message = t!("formula.compares", op = op, a = ta, b = tb);
            self.error(message.into_owned(), span);
        }
        cond(
            match (a, b) {
                (Ok(Typed::Number(a)), Ok(Typed::Number(b))) => Some(CondKind::Compare(
                    if equal { Compare::Eq } else { Compare::Ne },
                    Box::new(a),
                    Box::new(b),
                )),
                (Ok(Typed::Bool(a)), Ok(Typed::Bool(b))) => Some(CondKind::Same(
                    if equal { Equality::Eq } else { Equality::Ne },
                    Box::new(a),
                    Box::new(b),
                )),
                _ => None,
            },
            span,
        )
    }

    fn call(&mut self, f: Function, args: &[Expr], span: &Range<usize>) -> Option<NumKind> {
        let arity_ok = match f {
            Function::Abs => args.len() == 1,
            Function::Min | Function::Max => args.len() >= 2,
        };
        if !arity_ok {
            let message = match f {
                Function::Abs => t!("formula.abs_arity"),
                _ => t!("formula.min_max_arity"),
            };
            self.error(message.into_owned(), span);
        }
        // Every argument is checked, whatever the others give.
        let args: Vec<Option<Box<Num>>> = args.iter().map(|a| self.number(a)).collect();
        let mut args = args.into_iter().collect::<Option<Vec<_>>>()?.into_iter();
        let first = args.next().filter(|_| arity_ok)?;
        Some(match f {
            Function::Abs => NumKind::Abs(first),
            Function::Min => NumKind::Extreme(Extreme::Min, first, args.map(|a| *a).collect()),
            Function::Max => NumKind::Extreme(Extreme::Max, first, args.map(|a| *a).collect()),
        })
    }
}

/// A number node when its parts resolved; else only its type.
fn num(kind: Option<NumKind>, span: &Range<usize>) -> Checked {
    let span = span.clone();
    kind.map(|kind| Typed::Number(Num { kind, span }))
        .ok_or(Some(Type::Number))
}

/// A true/false node when its parts resolved; else only its type.
fn cond(kind: Option<CondKind>, span: &Range<usize>) -> Checked {
    let span = span.clone();
    kind.map(|kind| Typed::Bool(Cond { kind, span }))
        .ok_or(Some(Type::Bool))
}
