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
                        return format!(
                            "the figure must be in {unit}, without a unit: {} {from} is {v} {unit}; write `{key} = {v}`",
                            f.figure
                        );
                    }
                    Some(v) => v,
                    None => return format!("write the figure in {unit}, without a unit or quotes"),
                },
                None => f.figure,
            };
            (
                figure,
                format!("a figure cannot contain {}", f.reasons.join(", ")),
            )
        }
        None => (text.trim().to_string(), String::new()),
    };
    let sep = if what.is_empty() { "" } else { "; " };
    let (number, percent) = match figure.strip_suffix('%') {
        Some(n) => (n.to_string(), true),
        None => (figure.clone(), false),
    };
    match (plain_number(&number), rate, percent) {
        (Some(_), true, true) => format!("{what}{sep}write `{key} = \"{figure}\"`"),
        // A rate without its percent sign: a fraction up to 1, else a percentage.
        (Some(n), true, false) if n <= Decimal::ONE => {
            format!("{what}{sep}a fraction takes no quotes: write `{key} = {number}`")
        }
        (Some(_), true, false) => {
            format!("{what}{sep}a percentage needs its sign: write `{key} = \"{number}%\"`")
        }
        (Some(_), false, false) => {
            format!("{what}{sep}a figure takes no quotes: write `{key} = {number}`")
        }
        (Some(_), false, true) => format!("{what}{sep}a figure in {unit} is not a percentage"),
        (None, true, _) => format!(
            "write the rate as the report prints it: `{key} = \"96.5%\"`, or the fraction `{key} = 0.965`"
        ),
        (None, false, _) => {
            "write the figure as the report prints it, without quotes or units".to_string()
        }
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
            let mut tt = Table::new(source, t, v.span(), format!("fact `{path}`"));
            let inner = tt.get("value");
            let reason = tt.string("reason", None, &mut diags);
            let note = tt.string("note", None, &mut diags);
            tt.finish(&mut diags);
            if let Some(d) = diags.0.into_iter().next() {
                return Err(d);
            }
            let Some(inner) = inner else {
                return Err(Diagnostic::new(format!(
                    "fact `{path}` is written as a table but has no `value`"
                ))
                .at(source, v.span())
                .with_help(format!(
                    "write `{{ value = ..., reason = \"...\" }}` ({})",
                    decl.label
                )));
            };
            if let Some(r) = &reason
                && is_blank(r.get_ref())
            {
                return Err(Diagnostic::new(format!(
                    "the `reason` of `{path}` must not be empty or only invisible characters"
                ))
                .at(source, r.span()));
            }
            (
                inner,
                reason.map(Spanned::into_inner),
                note.map(Spanned::into_inner),
            )
        }
        _ => (v, None, None),
    };
    let at = |message: String| Diagnostic::new(message).at(source, inner.span());
    // The key a fix is written under: the fact's, or `value` inside `{ value = … }`.
    let fix_key = if matches!(v.get_ref(), DeValue::Table(_)) {
        "value"
    } else {
        path.rsplit('.').next().unwrap_or(path)
    };
    let needs_reason = |what: &str| {
        Diagnostic::new(format!("`{path}` ({}) {what} needs a reason", decl.label))
            .at(source, v.span())
            .with_help(format!(
                "write `{} = {{ value = {}, reason = \"...\" }}`",
                path.rsplit('.').next().unwrap_or(path),
                source.text().get(inner.span()).unwrap_or("...")
            ))
    };
    let value = match &decl.kind {
        FactKind::Amount | FactKind::Count => {
            let d = match inner.get_ref() {
                DeValue::String(s) => {
                    return Err(at(format!(
                        "`{path}` ({}) must be a number{}, found the string `\"{s}\"`",
                        decl.label,
                        unit_suffix(rubric, index)
                    ))
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
                return Err(at(format!(
                    "`{path}` ({}) cannot be negative, found {d}",
                    decl.label
                )));
            }
            if decl.kind == FactKind::Count && !d.fract().is_zero() {
                return Err(at(format!(
                    "`{path}` ({}) must be a whole number, found {d}",
                    decl.label
                )));
            }
            FactValue::Number(d)
        }
        FactKind::Rate => match inner.get_ref() {
            DeValue::String(s) => match parse_percent(s) {
                Some(Ok(d)) if d >= Decimal::ZERO => FactValue::Number(d),
                Some(Ok(d)) => {
                    return Err(at(format!(
                        "`{path}` ({}) cannot be negative, found {d}",
                        decl.label
                    )));
                }
                Some(Err(e)) => return Err(at(format!("`{path}`: {e}"))),
                None => {
                    return Err(at(format!(
                        "`{path}` ({}) must be a rate such as \"96.5%\" or 0.965, found `\"{s}\"`",
                        decl.label
                    ))
                    .with_help(figure_help(fix_key, s, true, "%")));
                }
            },
            _ => {
                let d = decimal_of(source, inner, || format!("`{path}`"))?;
                if d < Decimal::ZERO {
                    return Err(at(format!(
                        "`{path}` ({}) cannot be negative, found {d}",
                        decl.label
                    )));
                }
                if d > Decimal::ONE {
                    let text = source.text().get(inner.span()).unwrap_or("");
                    return Err(at(format!("rate `{path}` = {text} is ambiguous: a rate written as a plain number must lie between 0 and 1"))
                        .with_help(format!("write \"{text}%\" for a percentage, or the fraction (e.g. 0.965 for 96.5%)")));
                }
                FactValue::Number(d)
            }
        },
        FactKind::Bool => match inner.get_ref() {
            DeValue::Boolean(b) => FactValue::Bool(*b),
            other => {
                return Err(at(format!(
                    "`{path}` ({}) must be true or false, found {}",
                    decl.label,
                    type_name(other)
                )));
            }
        },
        FactKind::Choice(choices) => choose(source, path, &decl.label, choices, inner)?,
        FactKind::Tier(labels) => {
            let chosen = choose(source, path, &decl.label, labels, inner)?;
            if reason.is_none() {
                return Err(needs_reason("is an evaluator's choice of tier and"));
            }
            chosen
        }
        FactKind::Check => match inner.get_ref() {
            DeValue::Boolean(true) => FactValue::Check(CheckValue::Met),
            DeValue::Boolean(false) => FactValue::Check(CheckValue::NotMet),
            DeValue::Integer(_) | DeValue::Float(_) => {
                let d = decimal_of(source, inner, || format!("`{path}`"))?;
                if d < Decimal::ZERO {
                    return Err(at(format!(
                        "the partial score of `{path}` cannot be negative"
                    )));
                }
                if reason.is_none() {
                    return Err(needs_reason("given partial credit"));
                }
                FactValue::Check(CheckValue::Partial(d))
            }
            other => {
                return Err(at(format!(
                    "`{path}` ({}) must be true (met), false (not met) or the points awarded, found {}",
                    decl.label,
                    type_name(other)
                )));
            }
        },
        FactKind::Judgment => {
            let d = decimal_of(source, inner, || format!("`{path}`"))?;
            if d < Decimal::ZERO {
                return Err(at(format!("the score of `{path}` cannot be negative")));
            }
            if reason.is_none() {
                return Err(needs_reason("is an evaluator's score and"));
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

pub(super) fn unit_suffix(rubric: &Rubric, index: usize) -> String {
    let decl = &rubric.facts[index];
    match (&decl.kind, decl.unit.is_empty()) {
        (FactKind::Amount, true) => format!(" in {}", rubric.meta.unit),
        (_, false) => format!(" in {}", decl.unit),
        _ => String::new(),
    }
}

pub(super) fn choose(
    source: &SourceFile,
    path: &str,
    label: &str,
    choices: &[String],
    inner: &Spanned<DeValue<'_>>,
) -> Result<FactValue, Diagnostic> {
    let DeValue::String(s) = inner.get_ref() else {
        return Err(Diagnostic::new(format!(
            "`{path}` ({label}) must be one of: {}",
            quoted(choices)
        ))
        .at(source, inner.span()));
    };
    if choices.iter().any(|c| c == s.as_ref()) {
        return Ok(FactValue::Text(s.to_string()));
    }
    let mut d = Diagnostic::new(format!("`{s}` is not an answer of `{path}` ({label})"))
        .at(source, inner.span());
    d = match suggest(s, choices.iter().map(String::as_str)) {
        Some(c) => d.with_help(format!("did you mean `{c}`?")),
        None => d.with_help(format!("the answers are: {}", quoted(choices))),
    };
    Err(d)
}

pub(super) fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
