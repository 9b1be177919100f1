//! A document's syntax errors: the toml crate's message in the language chosen, at its
//! caret, with the fix for what people type on a Chinese keyboard (`＝`, `：`, `“”`,
//! `2,855.07`, `１２３`, `９３％`, a unit after a figure).

use std::borrow::Cow;

use rust_i18n::t;
use toml::Spanned;
use toml::de::DeTable;

use super::basic_string;
use crate::diagnostic::{Diagnostic, SourceFile};

/// Parses a whole document, turning a syntax error into a diagnostic with a caret.
pub fn parse_document(source: &SourceFile) -> Result<Spanned<DeTable<'_>>, Diagnostic> {
    DeTable::parse(source.text()).map_err(|e| {
        let message = e.message().trim().trim_end_matches('.').to_string();
        let mut d = Diagnostic::new(t!("toml.invalid", message = syntax_message(&message)));
        if let Some(span) = e.span() {
            d = d.at(source, span);
        }
        let description = message.split(", expected ").next().unwrap_or_default();
        if description == t!("toml.syntax_invalid_unquoted_key", locale = "en") {
            d = d.with_help(t!("toml.unquoted_key_help"));
        }
        if description == t!("toml.syntax_duplicate_key", locale = "en") {
            d = d.with_help(t!("toml.duplicate_key_help"));
        }
        if let Some(help) = e
            .span()
            .and_then(|span| typing_hint(source.text(), span.start))
        {
            d = d.with_help(help);
        }
        d
    })
}

/// The toml crate's message (`unexpected key or value, expected newline, `#``) in the
/// current language: the phrases people meet are in the catalogue, with the crate's
/// English as their `en` text, so English reads exactly as the crate wrote it; a phrase
/// the catalogue does not know is kept as the crate wrote it.
fn syntax_message(message: &str) -> String {
    match message.split_once(", expected ") {
        Some((description, "nothing")) => t!(
            "toml.syntax_expected_nothing",
            description = syntax_phrase(description)
        )
        .into_owned(),
        Some((description, expected)) => {
            let expected: Vec<Cow<'_, str>> = expected.split(", ").map(syntax_phrase).collect();
            t!(
                "toml.syntax_expected",
                description = syntax_phrase(description),
                expected = expected.join(t!("toml.or_separator").as_ref())
            )
            .into_owned()
        }
        None => syntax_phrase(message).into_owned(),
    }
}

/// One phrase of a toml crate message, translated when the catalogue knows it.
fn syntax_phrase(phrase: &str) -> Cow<'_, str> {
    // Each message is named twice: its English, matched against the crate's text, and
    // its text in the current language.
    let known = [
        (
            t!("toml.syntax_unexpected_key_or_value", locale = "en"),
            t!("toml.syntax_unexpected_key_or_value"),
        ),
        (
            t!("toml.syntax_key_with_no_value", locale = "en"),
            t!("toml.syntax_key_with_no_value"),
        ),
        (
            t!("toml.syntax_missing_value_for_key", locale = "en"),
            t!("toml.syntax_missing_value_for_key"),
        ),
        (
            t!("toml.syntax_missing_value", locale = "en"),
            t!("toml.syntax_missing_value"),
        ),
        (
            t!("toml.syntax_invalid_value", locale = "en"),
            t!("toml.syntax_invalid_value"),
        ),
        (
            t!("toml.syntax_string_values_must_be_quoted", locale = "en"),
            t!("toml.syntax_string_values_must_be_quoted"),
        ),
        (
            t!("toml.syntax_invalid_unquoted_key", locale = "en"),
            t!("toml.syntax_invalid_unquoted_key"),
        ),
        (
            t!("toml.syntax_unquoted_keys_cannot_be_empty", locale = "en"),
            t!("toml.syntax_unquoted_keys_cannot_be_empty"),
        ),
        (
            t!("toml.syntax_duplicate_key", locale = "en"),
            t!("toml.syntax_duplicate_key"),
        ),
        (
            t!("toml.syntax_invalid_float", locale = "en"),
            t!("toml.syntax_invalid_float"),
        ),
        (
            t!("toml.syntax_invalid_fraction", locale = "en"),
            t!("toml.syntax_invalid_fraction"),
        ),
        (
            t!("toml.syntax_invalid_exponent", locale = "en"),
            t!("toml.syntax_invalid_exponent"),
        ),
        (
            t!("toml.syntax_invalid_integer", locale = "en"),
            t!("toml.syntax_invalid_integer"),
        ),
        (
            t!("toml.syntax_unexpected_leading_zero", locale = "en"),
            t!("toml.syntax_unexpected_leading_zero"),
        ),
        (
            t!("toml.syntax_underscore", locale = "en"),
            t!("toml.syntax_underscore"),
        ),
        (
            t!("toml.syntax_unclosed_table", locale = "en"),
            t!("toml.syntax_unclosed_table"),
        ),
        (
            t!("toml.syntax_unclosed_array_table", locale = "en"),
            t!("toml.syntax_unclosed_array_table"),
        ),
        (
            t!("toml.syntax_unclosed_array", locale = "en"),
            t!("toml.syntax_unclosed_array"),
        ),
        (
            t!("toml.syntax_unclosed_inline_table", locale = "en"),
            t!("toml.syntax_unclosed_inline_table"),
        ),
        (
            t!("toml.syntax_invalid_basic_string", locale = "en"),
            t!("toml.syntax_invalid_basic_string"),
        ),
        (
            t!("toml.syntax_invalid_literal_string", locale = "en"),
            t!("toml.syntax_invalid_literal_string"),
        ),
        (
            t!("toml.syntax_missing_comma_array", locale = "en"),
            t!("toml.syntax_missing_comma_array"),
        ),
        (
            t!("toml.syntax_missing_comma_pairs", locale = "en"),
            t!("toml.syntax_missing_comma_pairs"),
        ),
        (
            t!("toml.syntax_extra_comma_array", locale = "en"),
            t!("toml.syntax_extra_comma_array"),
        ),
        (
            t!("toml.syntax_extra_comma_inline_table", locale = "en"),
            t!("toml.syntax_extra_comma_inline_table"),
        ),
        (
            t!("toml.syntax_extra_equals", locale = "en"),
            t!("toml.syntax_extra_equals"),
        ),
        (
            t!("toml.syntax_missing_assignment", locale = "en"),
            t!("toml.syntax_missing_assignment"),
        ),
        (
            t!("toml.syntax_carriage_return", locale = "en"),
            t!("toml.syntax_carriage_return"),
        ),
        (
            t!("toml.syntax_missing_escaped_value", locale = "en"),
            t!("toml.syntax_missing_escaped_value"),
        ),
        (
            t!("toml.syntax_invalid_comment_character", locale = "en"),
            t!("toml.syntax_invalid_comment_character"),
        ),
        (
            t!("toml.syntax_max_depth", locale = "en"),
            t!("toml.syntax_max_depth"),
        ),
        (
            t!("toml.syntax_newline", locale = "en"),
            t!("toml.syntax_newline"),
        ),
        (
            t!("toml.syntax_letters", locale = "en"),
            t!("toml.syntax_letters"),
        ),
        (
            t!("toml.syntax_numbers", locale = "en"),
            t!("toml.syntax_numbers"),
        ),
        (
            t!("toml.syntax_digits", locale = "en"),
            t!("toml.syntax_digits"),
        ),
        (t!("toml.syntax_key", locale = "en"), t!("toml.syntax_key")),
        (
            t!("toml.syntax_value", locale = "en"),
            t!("toml.syntax_value"),
        ),
        (
            t!("toml.syntax_literal_string", locale = "en"),
            t!("toml.syntax_literal_string"),
        ),
        (
            t!("toml.syntax_basic_string", locale = "en"),
            t!("toml.syntax_basic_string"),
        ),
    ];
    known
        .into_iter()
        .find(|(en, _)| en == phrase)
        .map_or(Cow::Borrowed(phrase), |(_, here)| here)
}

/// The fix for a line typed on a Chinese keyboard: a full-width `＝` or `：`, Chinese
/// quotes, or a figure with a thousands separator, full-width digits, `％`, an
/// ideographic space or a unit after it. Names what is wrong and shows the line to write.
fn typing_hint(text: &str, offset: usize) -> Option<String> {
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let line = text.get(start..end)?.trim_end_matches('\r');
    let (sep, at) = ['=', '＝', '：', ':']
        .iter()
        .filter_map(|c| line.find(*c).map(|i| (*c, i)))
        .min_by_key(|(_, i)| *i)?;
    let key = line[..at].trim();
    if key.is_empty() || key.starts_with('[') || key.starts_with('#') {
        return None;
    }
    // Only ASCII blanks are trimmed: an ideographic space is one of the mistakes.
    let value = line[at + sep.len_utf8()..]
        .split(" #")
        .next()
        .unwrap_or("")
        .trim_matches([' ', '\t']);
    let mut reasons: Vec<String> = Vec::new();
    if sep != '=' {
        reasons.push(t!("toml.hint_separator", sep = sep).into_owned());
    }
    let curly = ['“', '”', '‘', '’'];
    let unquoted = value.trim_matches(|c: char| curly.contains(&c) || c == '"' || c == '\'');
    if value.starts_with(curly) {
        reasons.push(t!("toml.hint_chinese_quotes").into_owned());
    }
    let fixed = match crate::number::typed_figure(unquoted) {
        // 元 or 亿元 after a figure: the number itself changes with the unit, and the
        // unit of this fact is not known here; amounts are in 万元 in every shipped rubric.
        Some(f) if matches!(f.unit, Some(crate::number::YUAN | crate::number::YI_YUAN)) => {
            let from = f.unit.unwrap_or_default();
            let v = crate::number::in_unit(&f.figure, from, crate::number::WAN_YUAN)?;
            return Some(
                t!(
                    "toml.hint_unit_converted",
                    figure = f.figure,
                    from = from,
                    value = v,
                    key = key
                )
                .into_owned(),
            );
        }
        Some(f) => {
            reasons.push(f.cannot_contain());
            if f.percent {
                reasons.push(t!("toml.hint_percentage_quoted").into_owned());
                format!("\"{}\"", f.figure)
            } else {
                f.figure
            }
        }
        None if unquoted.ends_with('%')
            && crate::number::is_decimal_literal(unquoted[..unquoted.len() - 1].trim()) =>
        {
            reasons.push(t!("toml.hint_percentage_quoted").into_owned());
            format!("\"{unquoted}\"")
        }
        // A figure in Chinese quotes takes no quotes at all.
        None if crate::number::is_decimal_literal(unquoted) => unquoted.to_string(),
        // i18n-exempt: what people type for yes and no, read as input
        None if matches!(unquoted, "是" | "否") => {
            reasons.push(t!("toml.hint_yes_no").into_owned());
            // i18n-exempt: what people type for yes, read as input
            (if unquoted == "是" { "true" } else { "false" }).to_string()
        }
        None if DeTable::parse(&format!("x = {value}")).is_ok() => value.to_string(),
        // Text: a choice or a reason, quoted as TOML quotes it.
        None if !unquoted.chars().any(|c| c.is_ascii_digit()) && !unquoted.is_empty() => {
            basic_string(unquoted)
        }
        // Something like a figure that is not one (`约2855`): name the mistake only.
        None => {
            return (!reasons.is_empty())
                .then(|| reasons.join(t!("toml.clause_separator").as_ref()));
        }
    };
    if reasons.is_empty() {
        return None;
    }
    Some(
        t!(
            "toml.hint_write",
            reasons = reasons.join(t!("toml.clause_separator").as_ref()),
            key = key,
            fixed = fixed
        )
        .into_owned(),
    )
}
