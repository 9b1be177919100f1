//! Typed reading of a parsed TOML document that keeps every span and the literal text
//! of every number.
//!
//! The rubric and facts loaders read through [`Table`]: each getter records the key as
//! known, type errors become [`Diagnostic`]s pointing at the value, and
//! [`Table::finish`] reports keys nobody asked for, with the closest known key as a
//! suggestion. Problems are collected, not returned one at a time, so a user sees all
//! of them at once.

use std::ops::Range;

use std::borrow::Cow;

use rust_decimal::Decimal;
use rust_i18n::t;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::number::{NumberError, parse_decimal, parse_percent};

/// Most bytes an input file may have.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Most characters a string value may have.
pub const MAX_STRING_CHARS: usize = 20_000;

pub type Value<'i> = Spanned<DeValue<'i>>;

mod syntax;
pub use syntax::parse_document;

/// Text as a TOML basic string, escaped as TOML requires: what every piece of TOML that
/// perfeval writes (a hint's line, a what-if value, a workbook's facts) quotes text with.
pub fn basic_string(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 2);
    out.push('"');
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The name of a value's TOML type, for messages.
pub fn type_name(v: &DeValue<'_>) -> Cow<'static, str> {
    match v {
        DeValue::String(_) => t!("toml.type_string"),
        DeValue::Integer(_) => t!("toml.type_integer"),
        DeValue::Float(_) => t!("toml.type_number"),
        DeValue::Boolean(_) => t!("toml.type_boolean"),
        DeValue::Datetime(_) => t!("toml.type_date"),
        DeValue::Array(_) => t!("toml.type_array"),
        DeValue::Table(_) => t!("toml.type_table"),
    }
}

fn number_help(e: &NumberError) -> Option<String> {
    match e {
        NumberError::TooManyFractionDigits { .. } | NumberError::TooManyIntegerDigits { .. } => {
            Some(t!("toml.help_round_figure").into_owned())
        }
        NumberError::NotFinite(_) => Some(t!("toml.help_plain_decimal").into_owned()),
        NumberError::Malformed(_) => None,
    }
}

/// Reads a number from its literal text (integer or float), exactly.
pub fn decimal(source: &SourceFile, v: &Value<'_>, what: &str) -> Result<Decimal, Diagnostic> {
    decimal_of(source, v, || what.to_string())
}

/// [`decimal`] with the name for messages built only when there is a message: facts
/// files hold hundreds of numbers, and nearly all of them are fine.
pub fn decimal_of(
    source: &SourceFile,
    v: &Value<'_>,
    what: impl Fn() -> String,
) -> Result<Decimal, Diagnostic> {
    let literal = match v.get_ref() {
        DeValue::Integer(i) if i.radix() == 10 => i.as_str(),
        DeValue::Float(f) => f.as_str(),
        DeValue::Integer(_) => {
            return Err(
                Diagnostic::new(t!("toml.not_decimal_radix", what = what())).at(source, v.span())
            );
        }
        other => {
            return Err(Diagnostic::new(t!(
                "toml.must_be_number",
                what = what(),
                found = type_name(other)
            ))
            .at(source, v.span()));
        }
    };
    parse_decimal(literal).map_err(|e| {
        let mut d = Diagnostic::new(t!("toml.what_problem", what = what(), problem = e))
            .at(source, v.span());
        if let Some(h) = number_help(&e) {
            d = d.with_help(h);
        }
        d
    })
}

/// Reads a number written either plainly (`0.9`) or as a percentage string (`"90%"`).
pub fn decimal_or_percent(
    source: &SourceFile,
    v: &Value<'_>,
    what: &str,
) -> Result<Decimal, Diagnostic> {
    if let DeValue::String(s) = v.get_ref() {
        return match parse_percent(s) {
            Some(Ok(d)) => Ok(d),
            Some(Err(e)) => Err(
                Diagnostic::new(t!("toml.what_problem", what = what, problem = e))
                    .at(source, v.span()),
            ),
            None => {
                Err(
                    Diagnostic::new(t!("toml.must_be_number_or_percent", what = what, found = s))
                        .at(source, v.span()),
                )
            }
        };
    }
    decimal(source, v, what)
}

/// A table being read: the keys asked for are remembered so that the rest can be
/// reported as unknown.
#[derive(Debug)]
pub struct Table<'a, 'i> {
    pub source: &'a SourceFile,
    pub table: &'a DeTable<'i>,
    pub span: Range<usize>,
    /// What the table is, for messages: `[rubric]`, `indicator \`x\``.
    pub context: String,
    known: Vec<&'static str>,
}

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(
        source: &'a SourceFile,
        table: &'a DeTable<'i>,
        span: Range<usize>,
        context: impl Into<String>,
    ) -> Self {
        Table {
            source,
            table,
            span,
            context: context.into(),
            known: Vec::new(),
        }
    }

    /// The value at `key`, remembering the key as known.
    pub fn get(&mut self, key: &'static str) -> Option<&'a Value<'i>> {
        self.known.push(key);
        self.table.get(key)
    }

    fn missing(&self, key: &str, what: &str) -> Diagnostic {
        Diagnostic::new(t!(
            "toml.missing_key",
            context = self.context,
            key = key,
            what = what
        ))
        .at(self.source, self.span.clone())
    }

    /// The value at `key` as `read` takes it, its error reported; a missing key reported
    /// when it is `required` (with what it should hold).
    fn read<T>(
        &mut self,
        key: &'static str,
        required: Option<&str>,
        diags: &mut Diagnostics,
        read: impl FnOnce(&Self, &'a Value<'i>) -> Result<T, Diagnostic>,
    ) -> Option<T> {
        let Some(v) = self.get(key) else {
            if let Some(what) = required {
                diags.push(self.missing(key, what));
            }
            return None;
        };
        read(self, v).map_err(|d| diags.push(d)).ok()
    }

    /// A required or optional string.
    pub fn string(
        &mut self,
        key: &'static str,
        required: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<String>> {
        self.read(key, required, diags, |t, v| match v.get_ref() {
            DeValue::String(s) if s.chars().count() > MAX_STRING_CHARS => Err(Diagnostic::new(t!(
                "toml.string_too_long",
                key = key,
                max = MAX_STRING_CHARS
            ))
            .at(t.source, v.span())),
            DeValue::String(s) if required.is_some() && is_blank(s) => {
                Err(
                    Diagnostic::new(t!("toml.string_empty", key = key, context = t.context))
                        .at(t.source, v.span()),
                )
            }
            DeValue::String(s) => Ok(Spanned::new(v.span(), s.to_string())),
            other => Err(Diagnostic::new(t!(
                "toml.must_be_string",
                key = key,
                found = type_name(other)
            ))
            .at(t.source, v.span())),
        })
    }

    /// A required or optional exact number.
    pub fn decimal(
        &mut self,
        key: &'static str,
        required: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<Decimal>> {
        self.read(key, required, diags, |t, v| {
            decimal_of(t.source, v, || format!("`{key}`")).map(|d| Spanned::new(v.span(), d))
        })
    }

    /// A required or optional integer.
    pub fn integer(
        &mut self,
        key: &'static str,
        required: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<Spanned<i64>> {
        self.read(key, required, diags, |t, v| match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map(|n| Spanned::new(v.span(), n))
                .map_err(|_| {
                    Diagnostic::new(t!("toml.integer_too_large", key = key)).at(t.source, v.span())
                }),
            other => Err(Diagnostic::new(t!(
                "toml.must_be_whole_number",
                key = key,
                found = type_name(other)
            ))
            .at(t.source, v.span())),
        })
    }

    /// A sub-table, inline or not.
    pub fn table(
        &mut self,
        key: &'static str,
        required: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<Table<'a, 'i>> {
        self.read(key, required, diags, |t, v| match v.get_ref() {
            DeValue::Table(table) => Ok(Table::new(t.source, table, v.span(), format!("`{key}`"))),
            other => Err(Diagnostic::new(t!(
                "toml.must_be_table",
                key = key,
                found = type_name(other)
            ))
            .at(t.source, v.span())),
        })
    }

    /// The tables of an array of tables (`[[key]]` or `key = [{...}, ...]`).
    pub fn tables(&mut self, key: &'static str, diags: &mut Diagnostics) -> Vec<Table<'a, 'i>> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            diags.push(
                Diagnostic::new(t!(
                    "toml.must_be_array_of_tables",
                    key = key,
                    found = type_name(v.get_ref())
                ))
                .at(self.source, v.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table::new(
                    self.source,
                    t,
                    item.span(),
                    t!("toml.array_item", key = key, n = i + 1),
                )),
                other => diags.push(
                    Diagnostic::new(t!(
                        "toml.each_must_be_table",
                        key = key,
                        found = type_name(other)
                    ))
                    .at(self.source, item.span()),
                ),
            }
        }
        out
    }

    /// Reports every key that no getter asked for, suggesting the closest known one.
    pub fn finish(self, diags: &mut Diagnostics) {
        for (key, _) in self.table.iter() {
            let name: &str = key.get_ref();
            if self.known.contains(&name) {
                continue;
            }
            let mut d =
                Diagnostic::new(t!("toml.unknown_key", name = name, context = self.context))
                    .at(self.source, key.span());
            d = match suggest(name, self.known.iter().copied()) {
                Some(s) => d.with_help(t!("toml.did_you_mean", name = s)),
                None => d.with_help(t!(
                    "toml.keys_here",
                    keys = self.known.join(t!("toml.list_separator").as_ref())
                )),
            };
            diags.push(d);
        }
    }
}

/// Whether a text says nothing: empty, white space, or characters that print as nothing
/// (zero-width spaces and joiners, soft hyphens, the BOM, direction marks). A reason made
/// only of these is no reason.
pub fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || prints_as_nothing(c))
}

/// Unicode's Default_Ignorable_Code_Point characters, and the blanks that look like a
/// character but show nothing (Hangul fillers, the blank Braille pattern).
fn prints_as_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The years perfeval accepts: performance evaluation of budgets began in the 2000s;
/// anything outside this range is a typo (`-2023`, `20223`), not a year to score.
pub const YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;

/// An error for a year outside [`YEARS`], if it is.
pub fn check_year(
    source: &crate::diagnostic::SourceFile,
    year: &toml::Spanned<i64>,
) -> Option<Diagnostic> {
    (!YEARS.contains(year.get_ref())).then(|| {
        Diagnostic::new(t!(
            "toml.year_out_of_range",
            from = YEARS.start(),
            to = YEARS.end(),
            found = year.get_ref()
        ))
        .at(source, year.span())
        .with_help(t!("toml.year_help"))
    })
}

/// What `perfeval init` writes for a value still to fill.
pub const PLACEHOLDER: &str = "TODO";

/// Placeholders people write in Chinese templates, taken as the whole value.
// i18n-exempt: what people write in a template, read as input
const PLACEHOLDERS_ZH: [&str; 4] = ["待填", "待填写", "待补充", "待定"];

/// Whether a string value is still a placeholder: the template's "TODO" (also inside a
/// longer text, "TODO 待补充", as a word of its own), or a Chinese equivalent.
pub fn is_placeholder(text: &str) -> bool {
    // Most values are figures or short labels: only look closer when a TODO could fit.
    let trimmed = text.trim();
    if PLACEHOLDERS_ZH.contains(&trimmed) {
        return true;
    }
    let bytes = trimmed.as_bytes();
    bytes.windows(PLACEHOLDER.len()).enumerate().any(|(k, w)| {
        w.eq_ignore_ascii_case(PLACEHOLDER.as_bytes())
            && (k == 0 || !bytes[k - 1].is_ascii_alphanumeric())
            && bytes
                .get(k + PLACEHOLDER.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// Every string value of a document still equal to the placeholder, as (dotted key path,
/// span of the value), in file order.
pub fn placeholders(doc: &DeTable<'_>) -> Vec<(String, std::ops::Range<usize>)> {
    /// One step of a key path: a key, or the 1-based position in an array.
    enum Step<'k> {
        Key(&'k str),
        Index(usize),
    }
    // The path is kept as a stack and joined only for a hit: every file is scanned, and
    // almost none has a placeholder left.
    fn walk<'k>(
        steps: &mut Vec<Step<'k>>,
        value: &'k toml::Spanned<DeValue<'_>>,
        out: &mut Vec<(String, std::ops::Range<usize>)>,
    ) {
        match value.get_ref() {
            DeValue::String(s) if is_placeholder(s) => {
                let mut path = String::new();
                for step in steps.iter() {
                    match step {
                        Step::Key(k) if path.is_empty() => path.push_str(k),
                        Step::Key(k) => {
                            path.push('.');
                            path.push_str(k);
                        }
                        Step::Index(n) => path.push_str(&format!("[{n}]")),
                    }
                }
                out.push((path, value.span()));
            }
            DeValue::Table(t) => {
                for (k, v) in t.iter() {
                    steps.push(Step::Key(k.get_ref()));
                    walk(steps, v, out);
                    steps.pop();
                }
            }
            DeValue::Array(items) => {
                for (n, v) in items.iter().enumerate() {
                    steps.push(Step::Index(n + 1));
                    walk(steps, v, out);
                    steps.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut steps = Vec::new();
    for (k, v) in doc.iter() {
        steps.push(Step::Key(k.get_ref()));
        walk(&mut steps, v, &mut out);
        steps.pop();
    }
    out.sort_by_key(|(_, span)| span.start);
    out
}
