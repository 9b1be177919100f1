//! One cell's content as a TOML value, exactly, or what is wrong with it.

use calamine::Data;
use rust_decimal::Decimal;
use rust_i18n::t;

use super::grid::{Grid, NumberShape};
use super::toml_text::{Problem, Value, is_decimal_literal, quote};
use crate::diagnostic::Cell;
use crate::number::significant_digits;
use crate::workbook::layout::*;

/// How a column's cells are meant: decides what a number or a 是/否 becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Meant {
    Number,
    Rate,
    /// A number or a percentage, as shown (a listed indicator's target and actual).
    Figure,
    YesNo,
    /// 是/否 or points for a partly met check.
    Check,
    Text,
    Year,
}

impl Meant {
    pub(super) fn of_kind(kind: &str) -> Meant {
        match kind {
            "amount" | "count" | "judgment" => Meant::Number,
            "rate" => Meant::Rate,
            "bool" => Meant::YesNo,
            "check" => Meant::Check,
            _ => Meant::Text,
        }
    }
}

/// The figure someone meant by text typed into a number cell (`2,855.07`, `９３.２％`),
/// when it differs from what was typed.
pub(super) fn typed_figure(text: &str) -> Option<String> {
    // 元 or 亿元 changes the number itself: the facts reader, which knows the row's
    // unit, says what it is in that unit.
    crate::number::typed_figure(text)
        // i18n-exempt: the units a typed figure may end with, as people type them
        .filter(|f| !matches!(f.unit, Some("元" | "亿元")))
        .map(|f| f.figure)
}

/// The exact decimal text of a float calamine read, when it is a figure someone typed.
pub(super) fn float_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f}");
    (significant_digits(&text) <= 15).then_some(text)
}

/// Whether a number holds digits its cell does not show: what is scored must be the
/// figure the user sees. A formula's result cut at 15 significant digits (LibreOffice
/// stores a non-terminating quotient that way) is not a figure either.
pub(super) fn hidden_digits(
    text: &str,
    shape: NumberShape,
    formula: Option<&str>,
    meant: Meant,
) -> Option<(String, String)> {
    let d = Decimal::from_str_exact(text).ok()?;
    let percent = shape.percent && matches!(meant, Meant::Rate | Meant::Figure);
    let held = if percent {
        d.checked_mul(Decimal::ONE_HUNDRED)?.normalize()
    } else {
        d.normalize()
    };
    if let Some(f) = formula
        && significant_digits(text) >= 15
        && held.scale() > 0
    {
        return Some((
            t!("workbook.formula_cut", formula = f, value = text).into_owned(),
            t!("workbook.round_formula", formula = f, decimals = 2).into_owned(),
        ));
    }
    if !shape.fixed || held.scale() <= shape.decimals {
        return None;
    }
    let mut seen = held;
    seen.rescale(shape.decimals);
    let unit = if percent { "%" } else { "" };
    let fix = match formula {
        Some(f) => t!(
            "workbook.round_formula",
            formula = f,
            decimals = shape.decimals + if percent { 2 } else { 0 }
        ),
        None => t!("workbook.type_as_printed"),
    };
    Some((
        t!(
            "workbook.shown_not_held",
            seen = seen,
            held = held,
            unit = unit
        )
        .into_owned(),
        fix.into_owned(),
    ))
}

/// A cell's value as TOML, or the problem with it.
pub(super) fn convert(
    grid: &Grid,
    row: u32,
    col: u32,
    meant: Meant,
    label: &str,
) -> Result<Option<Value>, Problem> {
    let data = grid.value(row, col);
    let formula = grid.formula(row, col);
    let shown = match data {
        Data::Float(f) => float_text(*f).unwrap_or_else(|| format!("{f:?}")),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let cell = Cell {
        formula: formula.clone(),
        ..grid.cell_at(row, col, label, &shown)
    };
    let fail = |message: String, help: Option<String>| Err(Box::new((cell.clone(), message, help)));
    let number = |text: String| -> Result<String, ()> {
        let shape = grid.format(row, col);
        let mut d = Decimal::from_str_exact(&text).map_err(|_| ())?;
        if shape.percent && matches!(meant, Meant::Rate | Meant::Figure) {
            d = d.checked_mul(Decimal::ONE_HUNDRED).ok_or(())?.normalize();
            if d.scale() < shape.decimals {
                d.rescale(shape.decimals);
            }
            return Ok(quote(&format!("{d}%")));
        }
        if d.scale() < shape.decimals && d.scale() + shape.decimals <= 28 {
            d.rescale(shape.decimals);
        }
        Ok(d.to_string())
    };
    let toml = match (data, meant) {
        (Data::Empty, _) => {
            if let Some(f) = &formula {
                return fail(
                    t!("workbook.formula_no_value", formula = f).into_owned(),
                    Some(t!("workbook.formula_no_value_help").into_owned()),
                );
            }
            return Ok(None);
        }
        (Data::Float(f), _) => {
            let Some(text) = float_text(*f) else {
                let value = format!("{f:?}");
                let why = match &formula {
                    Some(fx) => t!(
                        "workbook.formula_binary_fraction",
                        formula = fx,
                        value = value
                    ),
                    None => t!("workbook.binary_fraction", value = value),
                };
                return fail(
                    why.into_owned(),
                    Some(t!("workbook.binary_fraction_help").into_owned()),
                );
            };
            if let Some((message, help)) =
                hidden_digits(&text, grid.format(row, col), formula.as_deref(), meant)
            {
                return fail(message, Some(help));
            }
            match meant {
                Meant::Text => quote(&text),
                Meant::YesNo => quote(&text),
                Meant::Year => text,
                _ => match number(text.clone()) {
                    Ok(t) => t,
                    Err(()) => {
                        return fail(
                            t!("workbook.not_exact_decimal", value = text).into_owned(),
                            None,
                        );
                    }
                },
            }
        }
        (Data::Int(i), _) => match meant {
            Meant::Text | Meant::YesNo => quote(&i.to_string()),
            _ => number(i.to_string()).unwrap_or_else(|()| i.to_string()),
        },
        (Data::Bool(b), _) => match meant {
            Meant::Text => quote(if *b { YES } else { NO }),
            _ => b.to_string(),
        },
        (Data::String(s), _) => {
            let t = s.trim();
            match meant {
                // i18n-exempt: read back, whatever the language the workbook was written in
                Meant::YesNo | Meant::Check if [YES, "TRUE", "true", "符合"].contains(&t) => {
                    "true".into()
                }
                // i18n-exempt: read back, whatever the language the workbook was written in
                Meant::YesNo | Meant::Check if [NO, "FALSE", "false", "不符合"].contains(&t) => {
                    "false".into()
                }
                // A figure typed into a cell formatted as text is as exact as it gets.
                Meant::Number | Meant::Rate | Meant::Figure | Meant::Check | Meant::Year
                    if is_decimal_literal(t) =>
                {
                    t.to_string()
                }
                Meant::Text => quote(s),
                Meant::Number | Meant::Rate | Meant::Figure | Meant::Year => {
                    if let Some(fixed) = typed_figure(t).filter(|f| f != t) {
                        return fail(
                            t!("workbook.text_not_figure", text = t).into_owned(),
                            Some(t!("workbook.type_figure", figure = fixed).into_owned()),
                        );
                    }
                    quote(t)
                }
                _ => quote(t),
            }
        }
        (Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_), _) => {
            return fail(
                t!("workbook.date_not_figure").into_owned(),
                Some(t!("workbook.date_help").into_owned()),
            );
        }
        (Data::Error(e), _) => {
            return fail(
                t!("workbook.cell_error", error = e).into_owned(),
                formula.map(|f| t!("workbook.formula_error_help", formula = f).into_owned()),
            );
        }
    };
    Ok(Some(Value { toml, cell }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_that_are_not_typed_figures_are_refused() {
        assert_eq!(float_text(2855.07).as_deref(), Some("2855.07"));
        assert_eq!(float_text(0.8747).as_deref(), Some("0.8747"));
        assert_eq!(
            float_text(123456789012345.0).as_deref(),
            Some("123456789012345")
        );
        let sum = "0.30000000000000004".parse::<f64>().unwrap_or_default();
        assert_eq!(float_text(sum), None);
    }

    #[test]
    fn figures_typed_as_text_are_named() {
        assert_eq!(typed_figure("2,855.07").as_deref(), Some("2855.07"));
        assert_eq!(typed_figure("１２３").as_deref(), Some("123"));
        assert_eq!(typed_figure("９３.２％").as_deref(), Some("93.2%"));
        assert_eq!(typed_figure("2855.07万元").as_deref(), Some("2855.07"));
        assert_eq!(typed_figure("87.47%"), None);
        assert_eq!(typed_figure("很多"), None);
    }
}
