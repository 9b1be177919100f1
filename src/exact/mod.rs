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
//!
//! This file holds the value, its comparisons and its arithmetic; `decimal` turns it
//! into decimals (rounding, and the text shown to people), and `small` holds the `i128`
//! fast paths tried before big integers.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::{BigRational, Ratio};
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

mod decimal;
mod small;

use small::{parts, reduced, small_add};

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

#[cfg(test)]
mod tests;
