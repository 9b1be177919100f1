//! Splits formula text into tokens with byte spans.

use std::ops::Range;

use rust_decimal::Decimal;

use rust_i18n::t;

use super::ParseError;
use crate::number::parse_decimal;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Number(Decimal),
    Percent,
    Ident(String),
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

pub fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |tok| Token {
            tok,
            span: start..start + 1,
        };
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                    i += 1;
                }
                if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                    i += 1;
                    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                        i += 1;
                    }
                }
                let literal = &text[start..i];
                let value = parse_decimal(literal).map_err(|e| ParseError {
                    message: e.to_string(),
                    span: start..i,
                })?;
                out.push(Token {
                    tok: Tok::Number(value),
                    span: start..i,
                });
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                // A name is identifiers joined by dots: `budget.q1.spent`.
                loop {
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    if i + 1 < bytes.len()
                        && bytes[i] == b'.'
                        && (bytes[i + 1].is_ascii_alphabetic() || bytes[i + 1] == b'_')
                    {
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push(Token {
                    tok: Tok::Ident(text[start..i].to_string()),
                    span: start..i,
                });
                continue;
            }
            b'%' => out.push(single(Tok::Percent)),
            b'+' => out.push(single(Tok::Plus)),
            b'-' => out.push(single(Tok::Minus)),
            b'*' => out.push(single(Tok::Star)),
            b'/' => out.push(single(Tok::Slash)),
            b'(' => out.push(single(Tok::LParen)),
            b')' => out.push(single(Tok::RParen)),
            b',' => out.push(single(Tok::Comma)),
            b'<' | b'>' | b'=' | b'!' => {
                let next_eq = bytes.get(i + 1) == Some(&b'=');
                let (tok, len) = match (c, next_eq) {
                    (b'<', true) => (Tok::Le, 2),
                    (b'<', false) => (Tok::Lt, 1),
                    (b'>', true) => (Tok::Ge, 2),
                    (b'>', false) => (Tok::Gt, 1),
                    (b'=', true) => (Tok::EqEq, 2),
                    (b'!', true) => (Tok::Ne, 2),
                    _ => {
                        return Err(ParseError {
                            message: t!("formula.single_equals", ch = c as char).into_owned(),
                            span: start..start + 1,
                        });
                    }
                };
                out.push(Token {
                    tok,
                    span: start..start + len,
                });
                i += len;
                continue;
            }
            _ => {
                let ch = text[start..].chars().next().unwrap_or('?');
                let write = |instead: &str| {
                    t!(
                        "formula.unexpected_character_write",
                        ch = ch,
                        instead = instead
                    )
                };
                let message = match ch {
                    '≥' => write(">="),
                    '≤' => write("<="),
                    '×' => write("*"),
                    '÷' => write("/"),
                    '（' | '）' => t!("formula.unexpected_parenthesis", ch = ch),
                    '％' => write("%"),
                    _ => t!("formula.unexpected_character", ch = ch),
                };
                return Err(ParseError {
                    message: message.into_owned(),
                    span: start..start + ch.len_utf8(),
                });
            }
        }
        i += 1;
    }
    Ok(out)
}
