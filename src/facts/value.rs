//! One fact's value, read exactly by its kind, with a fix for the usual mistakes.

use super::*;

/// Reads one fact's value, in either the plain form (`plan = 158.75`) or the table form
/// (`plan = { value = 158.75, note = "报告第二部分" }`).
/// The fix for a figure written as a string: the characters to drop and the line to
/// write, which reads as it should (no hint that leads to another refusal).
pub(super) fn figure_help(key: &str, text: &str, rate: bool, unit: &str) -> String {
    let plain_number = |t: &str| {
        t.parse::<Decimal>()
            .ok()
            .filter(|_| !t.contains(['e', 'E', '_']))
    };
    // The figure meant, in the fact's unit, and what had to change to get it.
    let (figure, what) = match crate::number::typed_figure(text) {
        Some(f) => {
            let figure = match f.unit {
                // A unit after the figure: for 元 written against 万元 the number itself
                // changes, exactly.
                Some(from) => match crate::number::in_unit(&f.figure, from, unit) {
                    Some(v) if from != unit => {
                        return t!(
                            "facts.help_convert_unit",
                            unit = unit,
                            figure = f.figure,
                            from = from,
                            value = v,
                            key = key
                        )
                        .into_owned();
                    }
                    Some(v) => v,
                    None => return t!("facts.help_in_unit", unit = unit).into_owned(),
                },
                None => f.figure.clone(),
            };
            (figure, Some(f.cannot_contain()))
        }
        None => (text.trim().to_string(), None),
    };
    let (number, percent) = match figure.strip_suffix('%') {
        Some(n) => (n.to_string(), true),
        None => (figure.clone(), false),
    };
    let fix = match (plain_number(&number), rate, percent) {
        (Some(_), true, true) => t!("facts.help_write_quoted", key = key, figure = figure),
        // A rate without its percent sign: a fraction up to 1, else a percentage.
        (Some(n), true, false) if n <= Decimal::ONE => {
            t!("facts.help_fraction_no_quotes", key = key, number = number)
        }
        (Some(_), true, false) => {
            t!("facts.help_percentage_sign", key = key, number = number)
        }
        (Some(_), false, false) => {
            t!("facts.help_figure_no_quotes", key = key, number = number)
        }
        (Some(_), false, true) => t!("facts.help_not_percentage", unit = unit),
        (None, true, _) => return t!("facts.help_write_rate", key = key).into_owned(),
        (None, false, _) => return t!("facts.help_write_figure").into_owned(),
    };
    match what {
        Some(what) => t!("toml.clauses", first = what, second = fix).into_owned(),
        None => fix.into_owned(),
    }
}

/// Reads one value of fact `index` as a facts file would hold it (`--set` uses it, so
/// a what-if is validated exactly like the file).
pub(crate) fn read_fact_value(
    source: &SourceFile,
    rubric: &Rubric,
    index: usize,
    v: &Spanned<DeValue<'_>>,
) -> Result<FactEntry, Diagnostic> {
    read_value(source, rubric, index, v)
}

pub(super) fn read_value(
    source: &SourceFile,
    rubric: &Rubric,
    index: usize,
    v: &Spanned<DeValue<'_>>,
) -> Result<FactEntry, Diagnostic> {
    let decl = &rubric.facts[index];
    let path = &decl.path;
    let (inner, reason, note) = match v.get_ref() {
        DeValue::Table(t) => {
            let mut diags = Diagnostics::default();
            let mut tt = Table::new(source, t, v.span(), t!("facts.fact_context", path = path));
            let inner = tt.get("value");
            let reason = tt.string("reason", None, &mut diags);
            let note = tt.string("note", None, &mut diags);
            tt.finish(&mut diags);
            if let Some(d) = diags.0.into_iter().next() {
                return Err(d);
            }
            let Some(inner) = inner else {
                return Err(
                    Diagnostic::new(t!("facts.table_without_value", path = path))
                        .at(source, v.span())
                        .with_help(t!("facts.table_without_value_help", label = decl.label)),
                );
            };
            if let Some(r) = &reason
                && is_blank(r.get_ref())
            {
                return Err(
                    Diagnostic::new(t!("facts.reason_blank", path = path)).at(source, r.span())
                );
            }
            (
                inner,
                reason.map(Spanned::into_inner),
                note.map(Spanned::into_inner),
            )
        }
        _ => (v, None, None),
    };
    let at = |message: std::borrow::Cow<'_, str>| Diagnostic::new(message).at(source, inner.span());
    // The key a fix is written under: the fact's, or `value` inside `{ value = … }`.
    let fix_key = if matches!(v.get_ref(), DeValue::Table(_)) {
        "value"
    } else {
        path.rsplit('.').next().unwrap_or(path)
    };
    let needs_reason = |message: std::borrow::Cow<'_, str>| {
        Diagnostic::new(message).at(source, v.span()).with_help(t!(
            "facts.needs_reason_help",
            key = path.rsplit('.').next().unwrap_or(path),
            value = source.text().get(inner.span()).unwrap_or("...")
        ))
    };
    let value = match &decl.kind {
        FactKind::Amount | FactKind::Count => {
            let d = match inner.get_ref() {
                DeValue::String(s) => {
                    return Err(at(match unit_of_figure(rubric, index) {
                        Some(unit) => t!(
                            "facts.must_be_number_in_unit",
                            path = path,
                            label = decl.label,
                            unit = unit,
                            found = s
                        ),
                        None => t!(
                            "facts.must_be_number",
                            path = path,
                            label = decl.label,
                            found = s
                        ),
                    })
                    .with_help(figure_help(
                        fix_key,
                        s,
                        false,
                        &fact_unit(rubric, index),
                    )));
                }
                _ => decimal_of(source, inner, || format!("`{path}`"))?,
            };
            if d < Decimal::ZERO {
                return Err(at(negative(path, &decl.label, d)));
            }
            if decl.kind == FactKind::Count && !d.fract().is_zero() {
                return Err(at(t!(
                    "facts.must_be_whole_number",
                    path = path,
                    label = decl.label,
                    found = d
                )));
            }
            FactValue::Number(d)
        }
        FactKind::Rate => match inner.get_ref() {
            DeValue::String(s) => match parse_percent(s) {
                Some(Ok(d)) if d >= Decimal::ZERO => FactValue::Number(d),
                Some(Ok(d)) => {
                    return Err(at(negative(path, &decl.label, d)));
                }
                Some(Err(e)) => {
                    return Err(at(t!(
                        "toml.what_problem",
                        what = format!("`{path}`"),
                        problem = e
                    )));
                }
                None => {
                    return Err(at(t!(
                        "facts.must_be_rate",
                        path = path,
                        label = decl.label,
                        found = s
                    ))
                    .with_help(figure_help(fix_key, s, true, "%")));
                }
            },
            _ => {
                let d = decimal_of(source, inner, || format!("`{path}`"))?;
                if d < Decimal::ZERO {
                    return Err(at(negative(path, &decl.label, d)));
                }
                if d > Decimal::ONE {
                    let text = source.text().get(inner.span()).unwrap_or("");
                    return Err(at(t!("facts.rate_ambiguous", path = path, text = text))
                        .with_help(t!("facts.rate_ambiguous_help", text = text)));
                }
                FactValue::Number(d)
            }
        },
        FactKind::Bool => match inner.get_ref() {
            DeValue::Boolean(b) => FactValue::Bool(*b),
            other => {
                return Err(at(t!(
                    "facts.must_be_bool",
                    path = path,
                    label = decl.label,
                    found = type_name(other)
                )));
            }
        },
        FactKind::Choice(choices) => choose(source, path, &decl.label, choices, inner)?,
        FactKind::Tier(labels) => {
            let chosen = choose(source, path, &decl.label, labels, inner)?;
            if reason.is_none() {
                return Err(needs_reason(t!(
                    "facts.tier_needs_reason",
                    path = path,
                    label = decl.label
                )));
            }
            chosen
        }
        FactKind::Check => match inner.get_ref() {
            DeValue::Boolean(true) => FactValue::Check(CheckValue::Met),
            DeValue::Boolean(false) => FactValue::Check(CheckValue::NotMet),
            DeValue::Integer(_) | DeValue::Float(_) => {
                let d = decimal_of(source, inner, || format!("`{path}`"))?;
                if d < Decimal::ZERO {
                    return Err(at(t!("facts.partial_negative", path = path)));
                }
                if reason.is_none() {
                    return Err(needs_reason(t!(
                        "facts.partial_needs_reason",
                        path = path,
                        label = decl.label
                    )));
                }
                FactValue::Check(CheckValue::Partial(d))
            }
            other => {
                return Err(at(t!(
                    "facts.must_be_check",
                    path = path,
                    label = decl.label,
                    found = type_name(other)
                )));
            }
        },
        FactKind::Judgment => {
            let d = decimal_of(source, inner, || format!("`{path}`"))?;
            if d < Decimal::ZERO {
                return Err(at(t!("facts.score_negative", path = path)));
            }
            if reason.is_none() {
                return Err(needs_reason(t!(
                    "facts.judgment_needs_reason",
                    path = path,
                    label = decl.label
                )));
            }
            FactValue::Judgment(d)
        }
    };
    Ok(FactEntry {
        value,
        reason,
        note,
        span: v.span(),
    })
}

/// The unit a fact's figures are in: its own, or the rubric's for an amount.
pub(super) fn fact_unit(rubric: &Rubric, index: usize) -> String {
    let decl = &rubric.facts[index];
    match (&decl.kind, decl.unit.is_empty()) {
        (FactKind::Amount, true) => rubric.meta.unit.clone(),
        _ => decl.unit.clone(),
    }
}

/// The unit a figure's message names, when it has one.
pub(super) fn unit_of_figure(rubric: &Rubric, index: usize) -> Option<&str> {
    let decl = &rubric.facts[index];
    match (&decl.kind, decl.unit.is_empty()) {
        (FactKind::Amount, true) => Some(&rubric.meta.unit),
        (_, false) => Some(&decl.unit),
        _ => None,
    }
}

/// `` `path` (label) cannot be negative, found -1 ``.
fn negative(path: &str, label: &str, found: Decimal) -> std::borrow::Cow<'static, str> {
    t!(
        "facts.cannot_be_negative",
        path = path,
        label = label,
        found = found
    )
}

pub(super) fn choose(
    source: &SourceFile,
    path: &str,
    label: &str,
    choices: &[String],
    inner: &Spanned<DeValue<'_>>,
) -> Result<FactValue, Diagnostic> {
    let DeValue::String(s) = inner.get_ref() else {
        return Err(Diagnostic::new(t!(
            "facts.must_be_one_of",
            path = path,
            label = label,
            choices = quoted(choices)
        ))
        .at(source, inner.span()));
    };
    if choices.iter().any(|c| c == s.as_ref()) {
        return Ok(FactValue::Text(s.to_string()));
    }
    let mut d = Diagnostic::new(t!(
        "facts.not_an_answer",
        answer = s,
        path = path,
        label = label
    ))
    .at(source, inner.span());
    d = match suggest(s, choices.iter().map(String::as_str)) {
        Some(c) => d.with_help(t!("toml.did_you_mean", name = c)),
        None => d.with_help(t!("facts.answers_are", choices = quoted(choices))),
    };
    Err(d)
}

pub(super) fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(t!("toml.list_separator").as_ref())
}
