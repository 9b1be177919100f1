//! Exact numbers: reading decimal literals as written, rounding as a rubric says, and
//! formatting for people.
//!
//! TOML parsers hand floats over as `f64`; perfeval never does. The loaders give this
//! module the literal text of a number (`2855.07`, `1_000`, `"96.5%"`) and it becomes a
//! [`Decimal`] holding exactly that value, or an error saying why it cannot.

use std::fmt;

use std::borrow::Cow;

use rust_decimal::{Decimal, RoundingStrategy};
use rust_i18n::t;

/// Most digits before the decimal point that an input number may have.
pub const MAX_INTEGER_DIGITS: usize = 18;
/// Most digits after the decimal point that an input number may have.
pub const MAX_FRACTION_DIGITS: usize = 10;

/// Why a literal is not an exact number perfeval can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("{}", t!("number.not_finite", literal = .0))]
    NotFinite(String),
    #[error("{}", t!("number.malformed", literal = .0))]
    Malformed(String),
    #[error(
        "{}",
        t!("number.too_many_integer_digits", literal = .literal, digits = .digits, max = MAX_INTEGER_DIGITS)
    )]
    TooManyIntegerDigits { literal: String, digits: usize },
    #[error(
        "{}",
        t!("number.too_many_fraction_digits", literal = .literal, digits = .digits, max = MAX_FRACTION_DIGITS)
    )]
    TooManyFractionDigits { literal: String, digits: usize },
}

/// Parses a plain decimal literal (`-12.50`, `1_000`, `2.5e3`) exactly.
///
/// Exponents are expanded exactly; `inf` and `nan` are refused.
pub fn parse_decimal(literal: &str) -> Result<Decimal, NumberError> {
    // The common case, `2855.07`: plain digits within the limits go straight through.
    if let Some(d) = plain_literal(literal) {
        return Ok(d);
    }
    let text: String = literal.chars().filter(|c| *c != '_').collect();
    let lower = text.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return Err(NumberError::NotFinite(literal.to_string()));
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (
            m.to_string(),
            e.parse::<i32>()
                .map_err(|_| NumberError::Malformed(literal.to_string()))?,
        ),
        None => (lower.clone(), 0),
    };
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa.strip_prefix('+').unwrap_or(&mantissa)),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
    {
        return Err(NumberError::Malformed(literal.to_string()));
    }
    // Shift the decimal point by the exponent, on the digit string itself, so that no
    // value passes through a binary float.
    let all_digits = format!("{int_part}{frac_part}");
    let point = i64::from(i32::try_from(int_part.len()).unwrap_or(i32::MAX)) + i64::from(exponent);
    let (int_digits, frac_digits) = if point <= 0 {
        let zeros = usize::try_from(-point).unwrap_or(usize::MAX);
        if zeros > MAX_FRACTION_DIGITS {
            let stripped = all_digits.trim_start_matches('0');
            if stripped.is_empty() {
                return Ok(Decimal::ZERO);
            }
            return Err(NumberError::TooManyFractionDigits {
                literal: literal.to_string(),
                digits: zeros + all_digits.len(),
            });
        }
        (
            "0".to_string(),
            format!("{}{all_digits}", "0".repeat(zeros)),
        )
    } else {
        let point = usize::try_from(point).unwrap_or(usize::MAX);
        if point >= all_digits.len() {
            let pad = point - all_digits.len();
            if pad > MAX_INTEGER_DIGITS {
                return Err(NumberError::TooManyIntegerDigits {
                    literal: literal.to_string(),
                    digits: point,
                });
            }
            (format!("{all_digits}{}", "0".repeat(pad)), String::new())
        } else {
            (
                all_digits[..point].to_string(),
                all_digits[point..].to_string(),
            )
        }
    };
    let int_trimmed = int_digits.trim_start_matches('0');
    let frac_trimmed = frac_digits.trim_end_matches('0');
    if int_trimmed.len() > MAX_INTEGER_DIGITS {
        return Err(NumberError::TooManyIntegerDigits {
            literal: literal.to_string(),
            digits: int_trimmed.len(),
        });
    }
    if frac_trimmed.len() > MAX_FRACTION_DIGITS {
        return Err(NumberError::TooManyFractionDigits {
            literal: literal.to_string(),
            digits: frac_trimmed.len(),
        });
    }
    // Keep the scale the user wrote (`2.50` stays 2 decimals) up to the limit.
    let frac_kept = &frac_digits[..frac_digits.len().min(MAX_FRACTION_DIGITS)];
    let int_kept = if int_trimmed.is_empty() {
        "0"
    } else {
        int_trimmed
    };
    let canonical = if frac_kept.is_empty() {
        format!("{sign}{int_kept}")
    } else {
        format!("{sign}{int_kept}.{frac_kept}")
    };
    Decimal::from_str_exact(&canonical).map_err(|_| NumberError::Malformed(literal.to_string()))
}

/// `[-]digits[.digits]` within the digit limits, read exactly; `None` for anything else.
fn plain_literal(literal: &str) -> Option<Decimal> {
    let digits = literal.strip_prefix('-').unwrap_or(literal);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.len() <= MAX_INTEGER_DIGITS
        && frac.len() <= MAX_FRACTION_DIGITS
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() == int.len() || !frac.is_empty());
    if plain {
        Decimal::from_str_exact(literal).ok()
    } else {
        None
    }
}

/// Parses `"96.5%"` into `0.965`. Returns `None` when the text has no `%` sign.
pub fn parse_percent(text: &str) -> Option<Result<Decimal, NumberError>> {
    let body = text.trim().strip_suffix('%')?.trim_end();
    Some(parse_decimal(body).and_then(|d| {
        let mut d = d;
        // Dividing by 100 is a shift of the scale: exact, unlike a division.
        let scale = d.scale() + 2;
        d.set_scale(scale)
            .map_err(|_| NumberError::Malformed(text.to_string()))?;
        Ok(d)
    }))
}

/// The rounding modes a rubric may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RoundingMode {
    /// 四舍五入: halves go away from zero (2.345 → 2.35).
    HalfAwayFromZero,
    /// Banker's rounding: halves go to the even neighbour (2.345 → 2.34).
    HalfEven,
    /// 去尾: drop the extra digits (2.349 → 2.34).
    Truncate,
}

impl RoundingMode {
    pub const NAMES: [&'static str; 3] = ["half_away_from_zero", "half_even", "truncate"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "half_away_from_zero" => Some(RoundingMode::HalfAwayFromZero),
            "half_even" => Some(RoundingMode::HalfEven),
            "truncate" => Some(RoundingMode::Truncate),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfAwayFromZero => "half_away_from_zero",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Truncate => "truncate",
        }
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Truncate => RoundingStrategy::ToZero,
        }
    }
}

/// Rounds to `scale` decimals with `mode` and fixes the scale, so `5` prints as `5.00`.
pub fn round(value: Decimal, scale: u32, mode: RoundingMode) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(scale, mode.strategy());
    rounded.rescale(scale);
    rounded
}

/// A figure as written shown as a percentage, exactly, with at least two decimals:
/// `0.965` → `96.50%`, `0.0000000001` → `0.00000001%`. Multiplying a decimal by 100 only
/// moves its point, so nothing is rounded.
pub fn percent(value: Decimal) -> String {
    match value.checked_mul(Decimal::ONE_HUNDRED) {
        Some(pct) => {
            let mut pct = pct.normalize();
            if pct.scale() < 2 {
                pct.rescale(2);
            }
            format!("{pct}%")
        }
        // Too large to show as a percentage: show the ratio itself rather than a wrong one.
        None => format!("{} (×100%)", value.normalize()),
    }
}

/// A decimal without trailing zeros after the point (`1.50` → `1.5`, `2.00` → `2`).
pub fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// How a value is meant to be read, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Display {
    #[default]
    Number,
    Percent,
}

impl Display {
    pub fn show(self, value: Decimal) -> String {
        match self {
            Display::Number => plain(value),
            Display::Percent => percent(value),
        }
    }
}

impl fmt::Display for RoundingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn literals_are_exact() {
        assert_eq!(parse_decimal("2855.07"), Ok(d("2855.07")));
        assert_eq!(parse_decimal("0.1"), Ok(d("0.1")));
        assert_eq!(parse_decimal("1_000.5"), Ok(d("1000.5")));
        assert_eq!(parse_decimal("2.5e3"), Ok(d("2500")));
        assert_eq!(parse_decimal("25e-4"), Ok(d("0.0025")));
        assert_eq!(parse_decimal("-3"), Ok(d("-3")));
        assert_eq!(
            parse_decimal("123456789012345678").map(|v| v.to_string()),
            Ok("123456789012345678".to_string())
        );
    }

    #[test]
    fn literals_beyond_the_limits_are_refused() {
        assert!(matches!(
            parse_decimal("1234567890123456789"),
            Err(NumberError::TooManyIntegerDigits { digits: 19, .. })
        ));
        assert!(matches!(
            parse_decimal("0.12345678901"),
            Err(NumberError::TooManyFractionDigits { digits: 11, .. })
        ));
        assert!(matches!(
            parse_decimal("inf"),
            Err(NumberError::NotFinite(_))
        ));
        assert!(matches!(
            parse_decimal("nan"),
            Err(NumberError::NotFinite(_))
        ));
        assert!(matches!(
            parse_decimal("1e40"),
            Err(NumberError::TooManyIntegerDigits { .. })
        ));
        assert!(matches!(
            parse_decimal("abc"),
            Err(NumberError::Malformed(_))
        ));
    }

    #[test]
    fn percentages_shift_exactly() {
        assert_eq!(parse_percent("96.5%"), Some(Ok(d("0.965"))));
        assert_eq!(parse_percent("100%"), Some(Ok(d("1"))));
        assert_eq!(parse_percent("96.5"), None);
    }

    #[test]
    fn rounding_midpoints_follow_the_named_mode() {
        let cases = [
            ("2.345", "2.35", "2.34", "2.34"),
            ("2.355", "2.36", "2.36", "2.35"),
            ("-2.345", "-2.35", "-2.34", "-2.34"),
            ("0.125", "0.13", "0.12", "0.12"),
            ("5", "5.00", "5.00", "5.00"),
        ];
        for (input, away, even, trunc) in cases {
            let v = d(input);
            assert_eq!(
                round(v, 2, RoundingMode::HalfAwayFromZero).to_string(),
                away
            );
            assert_eq!(round(v, 2, RoundingMode::HalfEven).to_string(), even);
            assert_eq!(round(v, 2, RoundingMode::Truncate).to_string(), trunc);
        }
    }

    #[test]
    fn a_figure_shown_as_a_percentage_is_exact() {
        assert_eq!(percent(d("0.991874")), "99.1874%");
        assert_eq!(percent(d("0.00005")), "0.005%");
        assert_eq!(percent(d("0.965")), "96.50%");
        assert_eq!(percent(d("0.000000000003")), "0.0000000003%");
    }
}

/// Significant digits of a decimal text: `0.0120` has 2. An `f64` holds 15 of them
/// exactly, which decides both how a workbook's numbers are read and how they are written.
pub fn significant_digits(text: &str) -> usize {
    text.trim_start_matches('-')
        .replace('.', "")
        .trim_start_matches('0')
        .trim_end_matches('0')
        .len()
}

/// Whether text is a decimal number as TOML writes one: `-12.5`, not `012`, `1.` or `1e3`.
pub fn is_decimal_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// What someone typing on a Chinese keyboard may have written instead of a figure, and
/// the figure they meant: `2,855.07` → `2855.07`, `１２３` → `123`, `９３.２％` → `93.2%`,
/// `2855.07万元` → `2855.07`. `None` when the text is not a figure even so, or is one
/// already; the reasons name each character that had to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedFigure {
    /// The figure, a percentage with its `%`.
    pub figure: String,
    pub percent: bool,
    /// What was wrong, in the words of a message: `the thousands separator ","`.
    pub reasons: Vec<Cow<'static, str>>,
    /// The unit written after the figure, taken off (`figure` is still in it).
    pub unit: Option<&'static str>,
}

impl TypedFigure {
    /// `a figure cannot contain the thousands separator `,``: what had to go, as a
    /// sentence.
    pub fn cannot_contain(&self) -> String {
        t!(
            "number.cannot_contain",
            what = self.reasons.join(t!("number.reason_separator").as_ref())
        )
        .into_owned()
    }
}

// i18n-exempt: the money units as data files and rubrics write them
pub const YUAN: &str = "元";
// i18n-exempt: the money units as data files and rubrics write them
pub const WAN_YUAN: &str = "万元";
// i18n-exempt: the money units as data files and rubrics write them
pub const YI_YUAN: &str = "亿元";

/// A figure in `from` written in `to`, exactly: 2855.07 元 is 0.285507 万元. `None` when
/// the two units are not both money (or the same unit).
pub fn in_unit(figure: &str, from: &str, to: &str) -> Option<String> {
    if from == to {
        return Some(figure.to_string());
    }
    // Powers of ten of each money unit, in 元.
    let power = |u: &str| match u {
        YUAN => Some(0i32),
        WAN_YUAN => Some(4),
        YI_YUAN => Some(8),
        _ => None,
    };
    let shift = power(from)? - power(to)?;
    let d = figure.parse::<Decimal>().ok()?;
    let factor = Decimal::from_i128_with_scale(10i128.pow(shift.unsigned_abs()), 0);
    let v = if shift >= 0 {
        d.checked_mul(factor)?
    } else {
        d.checked_div(factor)?
    };
    Some(v.normalize().to_string())
}

pub fn typed_figure(text: &str) -> Option<TypedFigure> {
    let mut reasons: Vec<Cow<'static, str>> = Vec::new();
    let mut note = |r: Cow<'static, str>| {
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    };
    let mut s = String::with_capacity(text.len());
    for c in text.trim_matches([' ', '\t']).chars() {
        match c {
            // Kept for now: only commas between groups of three are thousands separators.
            ',' => {
                note(t!("number.typed_thousands_separator"));
                s.push(',');
            }
            '，' => {
                note(t!("number.typed_fullwidth_comma"));
                s.push(',');
            }
            '\u{3000}' => note(t!("number.typed_ideographic_space")),
            ' ' => note(t!("number.typed_space")),
            '０'..='９' => {
                note(t!("number.typed_fullwidth_digits"));
                s.push(char::from(b'0' + (u32::from(c) - u32::from('０')) as u8));
            }
            '．' => {
                note(t!("number.typed_fullwidth_point"));
                s.push('.');
            }
            '－' => {
                note(t!("number.typed_fullwidth_minus"));
                s.push('-');
            }
            '％' => {
                note(t!("number.typed_fullwidth_percent"));
                s.push('%');
            }
            c => s.push(c),
        }
    }
    let mut unit = None;
    // i18n-exempt: the units people type after a figure, read as input
    for u in [YI_YUAN, WAN_YUAN, YUAN, "人次", "人", "个", "项"] {
        if let Some(rest) = s.strip_suffix(u) {
            note(t!("number.typed_unit"));
            s = rest.trim_end().to_string();
            unit = Some(u);
            break;
        }
    }
    let (number, percent) = match s.strip_suffix('%') {
        Some(n) => (n.to_string(), true),
        None => (s.clone(), false),
    };
    // `2,855.07` has a thousands separator; `2855,07` (a decimal comma) and `1,2` do not,
    // and guessing would give a figure a hundred times off.
    let number = if number.contains(',') {
        let unsigned = number.strip_prefix('-').unwrap_or(&number);
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let groups: Vec<&str> = int.split(',').collect();
        let grouped = !frac.contains(',')
            && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups[1..].iter().all(|g| g.len() == 3);
        if !grouped {
            return None;
        }
        number.replace(',', "")
    } else {
        number
    };
    if !is_decimal_literal(&number) || reasons.is_empty() {
        return None;
    }
    Some(TypedFigure {
        figure: if percent {
            format!("{number}%")
        } else {
            number
        },
        percent,
        reasons,
        unit,
    })
}

#[cfg(test)]
mod typed_figure_tests {
    use super::*;

    #[test]
    fn the_figure_meant_and_why() {
        let t = |s: &str| typed_figure(s).map(|f| (f.figure, f.reasons.len()));
        assert_eq!(t("2,855.07"), Some(("2855.07".into(), 1)));
        assert_eq!(t("１２３"), Some(("123".into(), 1)));
        assert_eq!(t("９３.２％"), Some(("93.2%".into(), 2)));
        assert_eq!(t("2855.07万元"), Some(("2855.07".into(), 1)));
        assert_eq!(t("2855.07\u{3000}"), Some(("2855.07".into(), 1)));
        assert_eq!(t("1\u{3000}234"), Some(("1234".into(), 1)));
        assert_eq!(t("87.47%"), None, "already right: no hint, no loop");
        assert_eq!(t("很多"), None);
        assert_eq!(
            t("2855,07"),
            None,
            "a decimal comma is not a thousands separator"
        );
        assert_eq!(t("1,2"), None);
        assert_eq!(t("1,234,567.5"), Some(("1234567.5".into(), 1)));
        assert_eq!(t("1，234"), Some(("1234".into(), 1)));
        assert_eq!(
            typed_figure("2855.07亿元").and_then(|f| f.unit),
            Some("亿元")
        );
    }

    #[test]
    fn money_changes_unit_exactly() {
        assert_eq!(
            in_unit("2855.07", "元", "万元").as_deref(),
            Some("0.285507")
        );
        assert_eq!(in_unit("2.5", "亿元", "万元").as_deref(), Some("25000"));
        assert_eq!(in_unit("11", "人", "人").as_deref(), Some("11"));
        assert_eq!(in_unit("11", "人", "万元"), None);
    }
}
