//! Exact rational values for everything a rule computes.
//!
//! Facts and literals are decimals, but a quotient such as 43/48 is not: cutting it to
//! 28 digits and rounding afterwards can put a midpoint on the wrong side (5.375 becomes
//! 5.3749…98 and rounds down). Every value computed between reading the facts and the
//! rubric's rounding step is therefore an [`Exact`] fraction in lowest terms. Fractions
//! are held in `i128` with checked operations, the fast common case, and widen to big
//! integers when a step does not fit (amounts in 元 with 分 over four quarters' budgets
//! need more than 128 bits); a value beyond [`MAX_BITS`] is an error for the caller to
//! report, never an approximation.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::{BigRational, Ratio};
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::number::RoundingMode;

/// Decimals shown for a value that has no finite decimal expansion.
pub const APPROX_DIGITS: u32 = 6;

/// Most bits of a numerator or denominator. Scoring never comes near it; it bounds the
/// work a hostile rubric can ask for (squaring a value again and again).
pub const MAX_BITS: u64 = 4096;

/// A rational number in lowest terms with a positive denominator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Exact(Repr);

/// `Small` whenever the reduced fraction fits in `i128`, so that equal values have equal
/// representations.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Repr {
    Small(Ratio<i128>),
    Big(Box<BigRational>),
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        if let (Repr::Small(x), Repr::Small(y)) = (&self.0, &other.0) {
            // Scoring compares constantly (tiers, clamps, min/max): cross-multiplying is
            // exact when it fits, and much cheaper than the general comparison.
            let (a, b, c, d) = (*x.numer(), *x.denom(), *y.numer(), *y.denom());
            if b == d {
                return a.cmp(&c);
            }
            // Products of 64-bit values cannot overflow 128 bits: no checks needed.
            if let (Ok(a), Ok(b), Ok(c), Ok(d)) = (
                i64::try_from(a),
                i64::try_from(b),
                i64::try_from(c),
                i64::try_from(d),
            ) {
                return (i128::from(a) * i128::from(d)).cmp(&(i128::from(c) * i128::from(b)));
            }
            if let (Some(p), Some(q)) = (a.checked_mul(d), c.checked_mul(b)) {
                return p.cmp(&q);
            }
        }
        self.to_big().cmp(&other.to_big())
    }
}

impl From<Decimal> for Exact {
    /// Exact: a decimal's 96-bit mantissa over 10^scale (scale ≤ 28) always fits in i128.
    fn from(d: Decimal) -> Self {
        // Figures nearly always fit in 64 bits, where division is a machine instruction
        // rather than a 128-bit library call.
        if let Ok(m) = i64::try_from(d.mantissa())
            && d.scale() <= 18
        {
            // m / (2^s · 5^s): the twos come off with one shift, the fives one by one.
            let scale = d.scale();
            if m == 0 {
                return Exact::ZERO;
            }
            let twos = m.trailing_zeros().min(scale);
            let mut m = m >> twos;
            let mut fives = scale;
            while fives > 0 && m % 5 == 0 {
                m /= 5;
                fives -= 1;
            }
            let denom = 5i64.pow(fives) << (scale - twos);
            return Exact(Repr::Small(Ratio::new_raw(
                i128::from(m),
                i128::from(denom),
            )));
        }
        let (mut m, mut scale) = (d.mantissa(), d.scale());
        // Trailing zeros first (2855.070 is 285507/100), then what is left of 10^scale
        // shares with the mantissa only factors 2 and 5.
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        if scale == 0 {
            return Exact::integer(m);
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
        Exact(Repr::Small(Ratio::new_raw(m, denom)))
    }
}

impl From<i64> for Exact {
    fn from(n: i64) -> Self {
        Exact::integer(i128::from(n))
    }
}

impl Exact {
    pub const ZERO: Exact = Exact(Repr::Small(Ratio::new_raw(0, 1)));
    pub const ONE: Exact = Exact(Repr::Small(Ratio::new_raw(1, 1)));

    fn integer(n: i128) -> Exact {
        Exact(Repr::Small(Ratio::new_raw(n, 1)))
    }

    /// A big fraction, narrowed to `i128` when it fits; `None` beyond [`MAX_BITS`].
    fn from_big(v: BigRational) -> Option<Exact> {
        if v.numer().bits() > MAX_BITS || v.denom().bits() > MAX_BITS {
            return None;
        }
        Some(match (v.numer().to_i128(), v.denom().to_i128()) {
            (Some(n), Some(d)) => Exact(Repr::Small(Ratio::new_raw(n, d))),
            _ => Exact(Repr::Big(Box::new(v))),
        })
    }

    /// The value as an unbounded fraction.
    pub fn to_big(&self) -> BigRational {
        match &self.0 {
            Repr::Small(r) => {
                BigRational::new_raw(BigInt::from(*r.numer()), BigInt::from(*r.denom()))
            }
            Repr::Big(b) => (**b).clone(),
        }
    }

    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.is_zero(),
            Repr::Big(b) => b.is_zero(),
        }
    }

    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(r) => r.is_negative(),
            Repr::Big(b) => b.is_negative(),
        }
    }

    /// `op` on `i128` fractions when both fit and it does not overflow, else on big ones.
    fn combine(
        &self,
        rhs: &Exact,
        small: impl Fn(&Ratio<i128>, &Ratio<i128>) -> Option<Ratio<i128>>,
        big: impl Fn(BigRational, BigRational) -> BigRational,
    ) -> Option<Exact> {
        if let (Repr::Small(a), Repr::Small(b)) = (&self.0, &rhs.0)
            && let Some(r) = small(a, b)
        {
            return Some(Exact(Repr::Small(r)));
        }
        Exact::from_big(big(self.to_big(), rhs.to_big()))
    }

    pub fn checked_add(&self, rhs: &Exact) -> Option<Exact> {
        self.combine(rhs, |x, y| small_add(x, y, false), |a, b| a + b)
    }

    pub fn checked_sub(&self, rhs: &Exact) -> Option<Exact> {
        self.combine(rhs, |x, y| small_add(x, y, true), |a, b| a - b)
    }

    pub fn checked_mul(&self, rhs: &Exact) -> Option<Exact> {
        self.combine(
            rhs,
            |x, y| {
                let (a, b, c, d) = parts(x, y);
                reduced(a.checked_mul(c)?, b.checked_mul(d)?)
            },
            |a, b| a * b,
        )
    }

    /// `None` when `rhs` is zero or the quotient is beyond [`MAX_BITS`].
    pub fn checked_div(&self, rhs: &Exact) -> Option<Exact> {
        if rhs.is_zero() {
            return None;
        }
        self.combine(
            rhs,
            |x, y| {
                let (a, b, c, d) = parts(x, y);
                reduced(a.checked_mul(d)?, b.checked_mul(c)?)
            },
            |a, b| a / b,
        )
    }

    pub fn neg(&self) -> Exact {
        match &self.0 {
            Repr::Small(r) => match r.numer().checked_neg() {
                Some(n) => Exact(Repr::Small(Ratio::new_raw(n, *r.denom()))),
                None => Exact(Repr::Big(Box::new(-self.to_big()))),
            },
            Repr::Big(b) => Exact::from_big(-(**b).clone()).unwrap_or_else(|| self.clone()),
        }
    }

    pub fn abs(&self) -> Exact {
        if self.is_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

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

    /// Compares with a decimal without converting it: tier bounds and points are compared
    /// for every leaf of every file.
    pub fn cmp_decimal(&self, d: Decimal) -> Ordering {
        if let Repr::Small(r) = &self.0
            && let (Ok(a), Ok(b), Ok(m)) = (
                i64::try_from(*r.numer()),
                i64::try_from(*r.denom()),
                i64::try_from(d.mantissa()),
            )
            && d.scale() <= 18
        {
            // a/b against m/10^s: a·10^s against m·b, both below 2^127.
            let left = i128::from(a) * 10i128.pow(d.scale());
            return left.cmp(&(i128::from(m) * i128::from(b)));
        }
        self.cmp(&Exact::from(d))
    }

    pub fn min(self, other: Exact) -> Exact {
        std::cmp::min(self, other)
    }

    pub fn max(self, other: Exact) -> Exact {
        std::cmp::max(self, other)
    }
}

// The `i128` steps: written out rather than through `Ratio`'s checked operations, which
// reduce by several gcds in 128 bits; here one gcd per result, in 64 bits when the
// values fit. `None` on overflow sends the operation to big integers.

fn parts(x: &Ratio<i128>, y: &Ratio<i128>) -> (i128, i128, i128, i128) {
    (*x.numer(), *x.denom(), *y.numer(), *y.denom())
}

/// a/b ± c/d.
fn small_add(x: &Ratio<i128>, y: &Ratio<i128>, subtract: bool) -> Option<Ratio<i128>> {
    let (a, b, c, d) = parts(x, y);
    let c = if subtract { c.checked_neg()? } else { c };
    if b == d {
        return reduced(a.checked_add(c)?, b);
    }
    reduced(
        a.checked_mul(d)?.checked_add(c.checked_mul(b)?)?,
        b.checked_mul(d)?,
    )
}

/// n/d in lowest terms with a positive denominator (d ≠ 0).
fn reduced(n: i128, d: i128) -> Option<Ratio<i128>> {
    let (n, d) = if d < 0 {
        (n.checked_neg()?, d.checked_neg()?)
    } else {
        (n, d)
    };
    if d == 0 {
        return None;
    }
    if let (Ok(n64), Ok(d64)) = (i64::try_from(n), i64::try_from(d)) {
        // num-integer's gcd of primitive integers is Stein's binary algorithm.
        let g = n64.unsigned_abs().gcd(&d64.unsigned_abs());
        let g = i64::try_from(g).ok()?;
        return Some(Ratio::new_raw(i128::from(n64 / g), i128::from(d64 / g)));
    }
    let g = n.unsigned_abs().gcd(&d.unsigned_abs());
    let g = i128::try_from(g).ok()?;
    Some(Ratio::new_raw(n / g, d / g))
}

/// [`Exact::scaled_digits`] in `i128`: `None` when a step would overflow.
fn small_scaled_digits(numer: i128, d: i128, scale: u32) -> Option<(i128, Ordering)> {
    if let (Ok(n), Ok(d)) = (i64::try_from(numer), i64::try_from(d))
        && scale <= 18
        && let Some(n) = n.checked_abs()
    {
        // |n| · 10^scale < 2^63 · 10^18 < 2^127: one 128-by-64 step at most.
        let scaled = i128::from(n) * 10i128.pow(scale);
        let d = i128::from(d);
        let (digits, r) = (scaled / d, scaled % d);
        let half = if r == 0 {
            Ordering::Less
        } else {
            r.cmp(&(d - r))
        };
        return Some((digits, half));
    }
    let n = numer.checked_abs()?;
    let mut digits = n / d;
    let mut r = n % d;
    for _ in 0..scale {
        let r10 = r.checked_mul(10)?;
        digits = digits.checked_mul(10)?.checked_add(r10 / d)?;
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
            .checked_div(&Exact::from(m))
            .unwrap_or(Exact::ZERO)
    }

    #[test]
    fn a_midpoint_reached_by_division_rounds_away_from_zero() {
        // 43/48 × 6 = 5.375 exactly: 四舍五入 gives 5.38.
        let v = q(43, 48)
            .checked_mul(&Exact::from(6))
            .unwrap_or(Exact::ZERO);
        assert_eq!(v.to_string(), "5.375");
        assert_eq!(v.round(2, RoundingMode::HalfAwayFromZero), Some(d("5.38")));
        assert_eq!(v.round(2, RoundingMode::HalfEven), Some(d("5.38")));
        assert_eq!(v.round(2, RoundingMode::Truncate), Some(d("5.37")));
        let neg = v.neg();
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
    fn values_beyond_i128_widen_and_stay_exact() {
        let big = Exact::from(d("99999999999999999999999999"));
        let square = big.checked_mul(&big).unwrap_or(Exact::ZERO);
        assert_eq!(
            square.fraction(),
            "9999999999999999999999999800000000000000000000000001"
        );
        // Back within i128 after a division: the same representation as a small value.
        assert_eq!(square.checked_div(&big), Some(big.clone()));
        assert_eq!(Exact::ONE.checked_div(&Exact::ZERO), None);
        // Four quarters of amounts in 元 with 分: denominators whose product exceeds 128
        // bits, rounded exactly all the same.
        let mut sum = Exact::ZERO;
        for (s, b) in [
            ("5483017.37", "26630613.11"),
            ("11710400.13", "27383007.29"),
            ("18228300.71", "28202500.03"),
            ("25687900.17", "29367400.89"),
        ] {
            let q = e(s).checked_div(&e(b)).unwrap_or(Exact::ZERO);
            sum = sum.checked_add(&q).unwrap_or(Exact::ZERO);
        }
        assert!(!sum.is_terminating());
        assert_eq!(
            sum.round(2, RoundingMode::HalfAwayFromZero),
            Some(d("2.15"))
        );
        // A value past MAX_BITS is refused.
        let mut v = Exact::from(3);
        let mut refused = false;
        for _ in 0..20 {
            match v.checked_mul(&v) {
                Some(x) => v = x,
                None => {
                    refused = true;
                    break;
                }
            }
        }
        assert!(refused);
    }

    #[test]
    fn rounding_below_a_midpoint_stays_below() {
        // 0.004999…95 is not 0.005.
        let v = e("0.0049999999")
            .checked_add(&e("0.00000000005"))
            .unwrap_or(Exact::ZERO);
        assert_eq!(v.round(2, RoundingMode::HalfAwayFromZero), Some(d("0.00")));
    }
}
