//! An [`Exact`] as a decimal: whether it terminates, rounding it by the rubric's mode,
//! and the text people read (`5.375`, `≈0.895833`, `96.5%`).
//!
//! Separate from the arithmetic: scoring computes with fractions and only turns them into
//! decimals at the rounding step and when showing them.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use super::small::small_scaled_digits;
use super::{APPROX_DIGITS, Exact, Repr};
use crate::number::{Display, RoundingMode};

impl Exact {
    /// Whether the value has a finite decimal expansion (its denominator is 2^a·5^b).
    pub fn is_terminating(&self) -> bool {
        self.terminating_scale().is_some()
    }

    /// The number of decimals of the finite expansion, when there is one.
    fn terminating_scale(&self) -> Option<u32> {
        let mut d = self.to_big().denom().clone();
        let twos = d.trailing_zeros().unwrap_or(0);
        d >>= twos;
        let five = BigInt::from(5);
        let mut fives = 0u64;
        loop {
            let (q, r) = d.div_rem(&five);
            if !r.is_zero() {
                break;
            }
            d = q;
            fives += 1;
        }
        (d == BigInt::from(1)).then(|| u32::try_from(twos.max(fives)).unwrap_or(u32::MAX))
    }

    /// The value as a decimal, when it terminates and fits in one; `None` otherwise.
    pub fn to_decimal(&self) -> Option<Decimal> {
        let scale = self.terminating_scale()?;
        if scale > 28 {
            return None;
        }
        self.round(scale, RoundingMode::Truncate)
    }

    /// Rounds the exact value to `scale` decimals by `mode`. `None` when the result does
    /// not fit in a decimal.
    pub fn round(&self, scale: u32, mode: RoundingMode) -> Option<Decimal> {
        let (digits, remainder_vs_half) = self.scaled_digits(scale)?;
        let away = match mode {
            RoundingMode::Truncate => false,
            RoundingMode::HalfAwayFromZero => remainder_vs_half != Ordering::Less,
            RoundingMode::HalfEven => match remainder_vs_half {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => digits.is_odd(),
            },
        };
        let magnitude = if away { digits + 1u8 } else { digits };
        let mantissa = magnitude.to_i128()?;
        let mantissa = if self.is_negative() {
            -mantissa
        } else {
            mantissa
        };
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()
    }

    /// |value| × 10^scale truncated, and how the dropped remainder compares with one
    /// half of the last digit (`Less` also when nothing was dropped).
    fn scaled_digits(&self, scale: u32) -> Option<(BigInt, Ordering)> {
        if let Repr::Small(r) = &self.0
            && let Some(found) = small_scaled_digits(*r.numer(), *r.denom(), scale)
        {
            return Some((BigInt::from(found.0), found.1));
        }
        let v = self.to_big();
        let n = v.numer().abs() * BigInt::from(10).pow(scale);
        let (digits, r) = n.div_rem(v.denom());
        let twice: BigInt = &r * 2u8;
        let half = if r.is_zero() {
            Ordering::Less
        } else {
            twice.cmp(v.denom())
        };
        Some((digits, half))
    }

    /// `43/48` for a fraction, the integer for a whole number.
    pub fn fraction(&self) -> String {
        let v = self.to_big();
        if v.is_integer() {
            v.numer().to_string()
        } else {
            format!("{}/{}", v.numer(), v.denom())
        }
    }

    /// The exact decimal expansion when it terminates, else `None`.
    pub fn exact_decimal(&self) -> Option<String> {
        let scale = self.terminating_scale()?;
        let (digits, _) = self.scaled_digits(scale)?;
        Some(decimal_string(
            &digits.to_string(),
            scale,
            self.is_negative(),
        ))
    }

    /// For people: the exact decimal when the value terminates, without trailing zeros;
    /// otherwise `≈` and the value rounded to [`APPROX_DIGITS`] decimals.
    pub fn show(&self) -> String {
        match self.exact_decimal() {
            Some(s) => s,
            None => format!("≈{}", self.approx(APPROX_DIGITS)),
        }
    }

    /// The value rounded half away from zero to `digits` decimals, trailing zeros removed;
    /// the fraction itself when even that does not fit.
    pub fn approx(&self, digits: u32) -> String {
        match self.round(digits, RoundingMode::HalfAwayFromZero) {
            Some(d) => d.normalize().to_string(),
            None => self.fraction(),
        }
    }

    /// The value as a percentage for people: exact when it terminates at two decimals or
    /// fewer (`96.5%`), otherwise rounded to two decimals and marked (`≈89.58%`).
    pub fn show_percent(&self) -> String {
        match self.checked_mul(&Exact::from(100)) {
            Some(pct) => match pct.to_decimal() {
                Some(d) if d.normalize().scale() <= 2 => {
                    let mut d = d;
                    d.rescale(2);
                    format!("{d}%")
                }
                _ => format!("≈{}%", pct.approx_fixed(2)),
            },
            // Too large to show as a percentage: show the ratio itself, never 1/100 of it.
            None => format!("{} (×100%)", self.show()),
        }
    }

    /// To `digits` decimals for people: exact (trailing zeros kept) when the value has no
    /// more decimals than that, else rounded 四舍五入 and marked `≈`.
    pub fn show_to(&self, digits: u32) -> String {
        match self.to_decimal() {
            Some(d) if d.normalize().scale() <= digits => {
                let mut d = d;
                d.rescale(digits);
                d.to_string()
            }
            _ => format!("≈{}", self.approx_fixed(digits)),
        }
    }

    /// Rounded half away from zero to exactly `digits` decimals (trailing zeros kept).
    fn approx_fixed(&self, digits: u32) -> String {
        match self.round(digits, RoundingMode::HalfAwayFromZero) {
            Some(d) => d.to_string(),
            None => self.fraction(),
        }
    }

    /// [`Exact::show`] with an explicit sign: `+0.02`, `-0.02`, `0`.
    pub fn show_signed(&self) -> String {
        let shown = self.show();
        if !self.is_negative() && !self.is_zero() {
            match shown.strip_prefix('≈') {
                Some(rest) => format!("≈+{rest}"),
                None => format!("+{shown}"),
            }
        } else {
            shown
        }
    }
}

fn decimal_string(digits: &str, scale: u32, negative: bool) -> String {
    let mut s = digits.to_string();
    let scale = scale as usize;
    if scale > 0 {
        if s.len() <= scale {
            s = format!("{}{s}", "0".repeat(scale + 1 - s.len()));
        }
        s.insert(s.len() - scale, '.');
        let trimmed = s.trim_end_matches('0').trim_end_matches('.');
        s = trimmed.to_string();
    }
    if negative && s != "0" {
        s.insert(0, '-');
    }
    s
}

// `Display` is the rubric's choice of how a value reads; this one of its methods is here,
// with what it shows, so that `number` (below `exact`) need not import `Exact`.
impl Display {
    /// A computed value: exact when it terminates, marked `≈` when shown rounded.
    pub fn show_exact(self, value: &Exact) -> String {
        match self {
            Display::Number => value.show(),
            Display::Percent => value.show_percent(),
        }
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.show())
    }
}
