//! Exact rational values for everything a rule computes.
//!
//! Facts and literals are decimals, but a quotient such as 43/48 is not: cutting it to
//! 28 digits and rounding afterwards can put a midpoint on the wrong side (5.375 becomes
//! 5.3749…98 and rounds down). Every value computed between reading the facts and the
//! rubric's rounding step is therefore an [`Exact`] fraction, reduced to lowest terms and
//! held in `i128` with checked operations. A value that does not fit is an error for the
//! caller to report; it is never approximated.

use std::cmp::Ordering;
use std::fmt;

use num_rational::Ratio;
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, Signed, Zero};
use rust_decimal::Decimal;

use crate::number::RoundingMode;

/// Decimals shown for a value that has no finite decimal expansion.
pub const APPROX_DIGITS: u32 = 6;

/// A rational number in lowest terms with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exact(Ratio<i128>);

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        // Scoring compares constantly (tiers, clamps, min/max): cross-multiplying is
        // exact when it fits, and much cheaper than the general comparison.
        let (a, b, c, d) = (self.numer(), self.denom(), other.numer(), other.denom());
        if b == d {
            return a.cmp(&c);
        }
        match (a.checked_mul(d), c.checked_mul(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => self.0.cmp(&other.0),
        }
    }
}

impl From<Decimal> for Exact {
    /// Exact: a decimal's 96-bit mantissa over 10^scale (scale ≤ 28) always fits in i128.
    fn from(d: Decimal) -> Self {
        let (mut m, mut scale) = (d.mantissa(), d.scale());
        // Trailing zeros first (2855.070 is 285507/100), then what is left of 10^scale
        // shares with the mantissa only factors 2 and 5.
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        if scale == 0 {
            return Exact(Ratio::new_raw(m, 1));
        }
        let mut denom = 10i128.pow(scale);
        for p in [2i128, 5] {
            let mut k = 0;
            while k < scale && m % p == 0 {
                m /= p;
                denom /= p;
                k += 1;
            }
        }
        Exact(Ratio::new_raw(m, denom))
    }
}

impl From<i64> for Exact {
    fn from(n: i64) -> Self {
        Exact(Ratio::from_integer(i128::from(n)))
    }
}

impl Exact {
    pub const ZERO: Exact = Exact(Ratio::new_raw(0, 1));
    pub const ONE: Exact = Exact(Ratio::new_raw(1, 1));

    pub fn numer(&self) -> i128 {
        *self.0.numer()
    }

    pub fn denom(&self) -> i128 {
        *self.0.denom()
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, rhs: Exact) -> Option<Exact> {
        if self.denom() == 1 && rhs.denom() == 1 {
            return self.numer().checked_add(rhs.numer()).map(Exact::integer);
        }
        self.0.checked_add(&rhs.0).map(Exact)
    }

    pub fn checked_sub(self, rhs: Exact) -> Option<Exact> {
        if self.denom() == 1 && rhs.denom() == 1 {
            return self.numer().checked_sub(rhs.numer()).map(Exact::integer);
        }
        self.0.checked_sub(&rhs.0).map(Exact)
    }

    pub fn checked_mul(self, rhs: Exact) -> Option<Exact> {
        if self.denom() == 1 && rhs.denom() == 1 {
            return self.numer().checked_mul(rhs.numer()).map(Exact::integer);
        }
        self.0.checked_mul(&rhs.0).map(Exact)
    }

    fn integer(n: i128) -> Exact {
        Exact(Ratio::new_raw(n, 1))
    }

    /// `None` when `rhs` is zero or the quotient does not fit.
    pub fn checked_div(self, rhs: Exact) -> Option<Exact> {
        if rhs.is_zero() {
            return None;
        }
        self.0.checked_div(&rhs.0).map(Exact)
    }

    /// `None` only for the most negative numerator, whose negation does not fit.
    pub fn checked_neg(self) -> Option<Exact> {
        self.numer()
            .checked_neg()
            .map(|n| Exact(Ratio::new_raw(n, self.denom())))
    }

    pub fn checked_abs(self) -> Option<Exact> {
        if self.0.is_negative() {
            self.checked_neg()
        } else {
            Some(self)
        }
    }

    /// Whether the value has a finite decimal expansion (its denominator is 2^a·5^b).
    pub fn is_terminating(&self) -> bool {
        self.terminating_scale().is_some()
    }

    /// The number of decimals of the finite expansion, when there is one.
    fn terminating_scale(&self) -> Option<u32> {
        let mut d = self.denom();
        let (mut twos, mut fives) = (0u32, 0u32);
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        (d == 1).then_some(twos.max(fives))
    }

    /// The value as a decimal, when it terminates and fits in one; `None` otherwise.
    pub fn to_decimal(&self) -> Option<Decimal> {
        let scale = self.terminating_scale()?;
        if scale > 28 {
            return None;
        }
        let factor = 10i128.checked_pow(scale)?;
        let mantissa = self.numer().checked_mul(factor / self.denom())?;
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()
    }

    /// Rounds the exact value to `scale` decimals by `mode`. `None` when the result does
    /// not fit in a decimal.
    pub fn round(&self, scale: u32, mode: RoundingMode) -> Option<Decimal> {
        let (digits, remainder_vs_half) = self.scaled_digits(scale)?;
        let negative = self.numer() < 0;
        let away = match mode {
            RoundingMode::Truncate => false,
            RoundingMode::HalfAwayFromZero => remainder_vs_half != Ordering::Less,
            RoundingMode::HalfEven => match remainder_vs_half {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => digits % 2 == 1,
            },
        };
        // `scaled_digits` reports an exact value as "less than half" with no remainder.
        let magnitude = if away { digits.checked_add(1)? } else { digits };
        let mantissa = if negative { -magnitude } else { magnitude };
        Decimal::try_from_i128_with_scale(mantissa, scale).ok()
    }

    /// |value| × 10^scale truncated, and how the dropped remainder compares with one
    /// half of the last digit (`Less` also when nothing was dropped).
    fn scaled_digits(&self, scale: u32) -> Option<(i128, Ordering)> {
        let d = self.denom();
        let n = self.numer().checked_abs()?;
        let mut digits = n / d;
        let mut r = n % d;
        // Long division, one digit at a time: r < d, so r × 10 overflows only for
        // denominators above i128::MAX / 10, where the value cannot be rounded here.
        for _ in 0..scale {
            digits = digits.checked_mul(10)?;
            let r10 = r.checked_mul(10)?;
            digits = digits.checked_add(r10 / d)?;
            r = r10 % d;
        }
        // Compare r/d with 1/2 without forming 2r: r against d - r.
        let half = if r == 0 {
            Ordering::Less
        } else {
            r.cmp(&(d - r))
        };
        Some((digits, half))
    }

    /// `43/48` for a fraction, the integer for a whole number.
    pub fn fraction(&self) -> String {
        if self.denom() == 1 {
            self.numer().to_string()
        } else {
            format!("{}/{}", self.numer(), self.denom())
        }
    }

    /// The exact decimal expansion when it terminates, else `None`.
    pub fn exact_decimal(&self) -> Option<String> {
        let scale = self.terminating_scale()?;
        let (digits, _) = self.scaled_digits(scale)?;
        let negative = self.numer() < 0;
        Some(decimal_string(digits, scale, negative))
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
        match self.checked_mul(Exact::from(100)) {
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
        if self.numer() > 0 {
            match shown.strip_prefix('≈') {
                Some(rest) => format!("≈+{rest}"),
                None => format!("+{shown}"),
            }
        } else {
            shown
        }
    }

    pub fn min(self, other: Exact) -> Exact {
        std::cmp::min(self, other)
    }

    pub fn max(self, other: Exact) -> Exact {
        std::cmp::max(self, other)
    }
}

fn decimal_string(digits: i128, scale: u32, negative: bool) -> String {
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

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.show())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    fn e(s: &str) -> Exact {
        Exact::from(d(s))
    }

    fn q(n: i64, m: i64) -> Exact {
        Exact::from(n)
            .checked_div(Exact::from(m))
            .unwrap_or(Exact::ZERO)
    }

    #[test]
    fn a_midpoint_reached_by_division_rounds_away_from_zero() {
        // 43/48 × 6 = 5.375 exactly: 四舍五入 gives 5.38.
        let v = q(43, 48).checked_mul(Exact::from(6)).unwrap_or(Exact::ZERO);
        assert_eq!(v.to_string(), "5.375");
        assert_eq!(v.round(2, RoundingMode::HalfAwayFromZero), Some(d("5.38")));
        assert_eq!(v.round(2, RoundingMode::HalfEven), Some(d("5.38")));
        assert_eq!(v.round(2, RoundingMode::Truncate), Some(d("5.37")));
        let neg = v.checked_neg().unwrap_or(Exact::ZERO);
        assert_eq!(
            neg.round(2, RoundingMode::HalfAwayFromZero),
            Some(d("-5.38"))
        );
    }

    #[test]
    fn non_terminating_values_are_marked_when_shown() {
        assert_eq!(q(43, 48).show(), "≈0.895833");
        assert_eq!(q(43, 48).fraction(), "43/48");
        assert_eq!(q(43, 48).show_percent(), "≈89.58%");
        assert_eq!(q(1, 8).show(), "0.125");
        assert_eq!(q(1, 8).show_percent(), "12.50%");
        assert_eq!(e("0.965").show_percent(), "96.50%");
        assert_eq!(q(1, 3).to_decimal(), None);
        assert_eq!(q(-1, 4).show(), "-0.25");
        assert_eq!(e("2855.070").show(), "2855.07");
    }

    #[test]
    fn decimals_convert_exactly_both_ways() {
        for s in [
            "0",
            "2855.07",
            "-0.0000000001",
            "123456789012345678.1234567891",
        ] {
            assert_eq!(
                e(s).to_decimal().map(|x| x.normalize()),
                Some(d(s).normalize())
            );
        }
    }

    #[test]
    fn overflow_is_reported_not_rounded() {
        let big = Exact::from(d("99999999999999999999999999"));
        assert_eq!(big.checked_mul(big), None);
        assert_eq!(Exact::ONE.checked_div(Exact::ZERO), None);
    }

    #[test]
    fn rounding_below_a_midpoint_stays_below() {
        // 0.004999…95 is not 0.005.
        let v = e("0.0049999999")
            .checked_add(e("0.00000000005"))
            .unwrap_or(Exact::ZERO);
        assert_eq!(v.round(2, RoundingMode::HalfAwayFromZero), Some(d("0.00")));
    }
}
