//! Recursive-descent parser from tokens to [`Expr`]s, with a nesting limit so that no
//! formula can overflow the stack.

use std::ops::Range;

use rust_decimal::Decimal;

use rust_i18n::t;

use super::lexer::{Tok, Token};
use super::{Arith, BinaryOp, Compare, Expr, ExprKind, Function, Logic};

/// Deepest nesting of parentheses, operators and calls a formula may have.
pub const MAX_DEPTH: usize = 64;

/// A formula that cannot be parsed, with the span of the culprit in the formula text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub span: Range<usize>,
}

pub struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    depth: usize,
    end: usize,
}

const KEYWORDS: [&str; 8] = ["if", "then", "else", "and", "or", "not", "true", "false"];

impl<'t> Parser<'t> {
    pub fn new(tokens: &'t [Token], end: usize) -> Self {
        Parser {
            tokens,
            pos: 0,
            depth: 0,
            end,
        }
    }

    pub fn parse(mut self) -> Result<Expr, ParseError> {
        if self.tokens.is_empty() {
            return Err(ParseError {
                message: t!("formula.empty").into_owned(),
                span: 0..self.end,
            });
        }
        let node = self.expr()?;
        if let Some(t) = self.peek() {
            return Err(ParseError {
                message: t!("formula.trailing_text").into_owned(),
                span: t.span.clone(),
            });
        }
        Ok(node)
    }

    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    fn peek_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Ident(w), .. }) if w == word)
    }

    fn bump(&mut self) -> Option<&'t Token> {
        let t = self.tokens.get(self.pos);
        self.pos += 1;
        t
    }

    fn eof_span(&self) -> Range<usize> {
        self.end..self.end
    }

    fn expect_keyword(&mut self, word: &str) -> Result<(), ParseError> {
        if self.peek_keyword(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ParseError {
                message: t!("formula.expected_token", token = word).into_owned(),
                span: self
                    .peek()
                    .map(|t| t.span.clone())
                    .unwrap_or(self.eof_span()),
            })
        }
    }

    fn expect(&mut self, tok: Tok, shown: &str) -> Result<Range<usize>, ParseError> {
        match self.peek() {
            Some(t) if t.tok == tok => {
                self.pos += 1;
                Ok(t.span.clone())
            }
            other => Err(ParseError {
                message: t!("formula.expected_token", token = shown).into_owned(),
                span: other.map(|t| t.span.clone()).unwrap_or(self.eof_span()),
            }),
        }
    }

    fn enter(&mut self, span: Range<usize>) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                message: t!("formula.too_deep", max = MAX_DEPTH).into_owned(),
                span,
            });
        }
        Ok(())
    }

    fn current_span(&self) -> Range<usize> {
        self.peek()
            .map(|t| t.span.clone())
            .unwrap_or(self.eof_span())
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter(self.current_span())?;
        let node = if self.peek_keyword("if") {
            let start = self.current_span().start;
            self.pos += 1;
            let cond = self.expr()?;
            self.expect_keyword("then")?;
            let then = self.expr()?;
            self.expect_keyword("else")?;
            let other = self.expr()?;
            let end = other.span.end;
            Expr {
                kind: ExprKind::If(Box::new(cond), Box::new(then), Box::new(other)),
                span: start..end,
            }
        } else {
            self.or()?
        };
        self.depth -= 1;
        Ok(node)
    }

    fn binary_chain(
        &mut self,
        next: fn(&mut Self) -> Result<Expr, ParseError>,
        op_of: fn(&Token) -> Option<BinaryOp>,
    ) -> Result<Expr, ParseError> {
        let mut left = next(self)?;
        // A chain `a + b + c …` builds a left-deep tree: each operator is one more level
        // for the recursive type check and evaluation, so each counts against the limit.
        let depth = self.depth;
        while let Some(op) = self.peek().and_then(op_of) {
            self.enter(self.current_span())?;
            self.pos += 1;
            let right = next(self)?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        self.depth = depth;
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.binary_chain(Self::and, |t| match &t.tok {
            Tok::Ident(w) if w == "or" => Some(BinaryOp::Logic(Logic::Or)),
            _ => None,
        })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        self.binary_chain(Self::not, |t| match &t.tok {
            Tok::Ident(w) if w == "and" => Some(BinaryOp::Logic(Logic::And)),
            _ => None,
        })
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.peek_keyword("not") {
            let start = self.current_span().start;
            self.enter(self.current_span())?;
            self.pos += 1;
            let inner = self.not()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let op = match self.peek().map(|t| &t.tok) {
            Some(Tok::Lt) => BinaryOp::Compare(Compare::Lt),
            Some(Tok::Le) => BinaryOp::Compare(Compare::Le),
            Some(Tok::Gt) => BinaryOp::Compare(Compare::Gt),
            Some(Tok::Ge) => BinaryOp::Compare(Compare::Ge),
            Some(Tok::EqEq) => BinaryOp::Compare(Compare::Eq),
            Some(Tok::Ne) => BinaryOp::Compare(Compare::Ne),
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.sum()?;
        if let Some(t) = self.peek()
            && matches!(
                t.tok,
                Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::EqEq | Tok::Ne
            )
        {
            return Err(ParseError {
                message: t!("formula.chained_comparison").into_owned(),
                span: t.span.clone(),
            });
        }
        let span = left.span.start..right.span.end;
        Ok(Expr {
            kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
            span,
        })
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        self.binary_chain(Self::product, |t| match t.tok {
            Tok::Plus => Some(BinaryOp::Arith(Arith::Add)),
            Tok::Minus => Some(BinaryOp::Arith(Arith::Sub)),
            _ => None,
        })
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        self.binary_chain(Self::unary, |t| match t.tok {
            Tok::Star => Some(BinaryOp::Arith(Arith::Mul)),
            Tok::Slash => Some(BinaryOp::Arith(Arith::Div)),
            _ => None,
        })
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if let Some(Token {
            tok: Tok::Minus,
            span,
        }) = self.peek()
        {
            let start = span.start;
            self.enter(span.clone())?;
            self.pos += 1;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let Some(token) = self.bump() else {
            return Err(ParseError {
                message: t!("formula.ends_early").into_owned(),
                span: self.eof_span(),
            });
        };
        let span = token.span.clone();
        match &token.tok {
            Tok::Number(n) => {
                if let Some(Token {
                    tok: Tok::Percent,
                    span: pct,
                }) = self.peek()
                {
                    self.pos += 1;
                    let mut value: Decimal = *n;
                    let scale = value.scale() + 2;
                    // A shift of the scale divides by 100 exactly.
                    value.set_scale(scale).map_err(|_| ParseError {
                        message: t!("formula.percent_too_precise").into_owned(),
                        span: span.start..pct.end,
                    })?;
                    return Ok(Expr {
                        kind: ExprKind::Number(crate::exact::Exact::from(value)),
                        span: span.start..pct.end,
                    });
                }
                Ok(Expr {
                    kind: ExprKind::Number(crate::exact::Exact::from(*n)),
                    span,
                })
            }
            Tok::Ident(word) => match word.as_str() {
                "true" | "false" => Ok(Expr {
                    kind: ExprKind::Bool(word == "true"),
                    span,
                }),
                w if KEYWORDS.contains(&w) => Err(ParseError {
                    message: t!("formula.misplaced_keyword", word = w).into_owned(),
                    span,
                }),
                w => {
                    if let Some(Token {
                        tok: Tok::LParen, ..
                    }) = self.peek()
                    {
                        return self.call(w, span);
                    }
                    Ok(Expr {
                        kind: ExprKind::Name(w.to_string()),
                        span,
                    })
                }
            },
            Tok::LParen => {
                self.enter(span.clone())?;
                let inner = self.expr()?;
                let close = self.expect(Tok::RParen, ")")?;
                self.depth -= 1;
                Ok(Expr {
                    kind: inner.kind,
                    span: span.start..close.end,
                })
            }
            _ => Err(ParseError {
                message: t!("formula.expected_value").into_owned(),
                span,
            }),
        }
    }

    fn call(&mut self, name: &str, name_span: Range<usize>) -> Result<Expr, ParseError> {
        let Some(function) = Function::from_name(name) else {
            return Err(ParseError {
                message: t!(
                    "formula.unknown_function",
                    name = name,
                    functions = Function::NAMES.join(t!("toml.list_separator").as_ref())
                )
                .into_owned(),
                span: name_span,
            });
        };
        self.enter(name_span.clone())?;
        self.expect(Tok::LParen, "(")?;
        let mut args = vec![self.expr()?];
        while let Some(Token {
            tok: Tok::Comma, ..
        }) = self.peek()
        {
            self.pos += 1;
            args.push(self.expr()?);
        }
        let close = self.expect(Tok::RParen, ")")?;
        self.depth -= 1;
        Ok(Expr {
            kind: ExprKind::Call(function, args),
            span: name_span.start..close.end,
        })
    }
}
