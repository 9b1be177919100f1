//! The `i128` steps of [`Exact`](super::Exact)'s arithmetic and rounding, tried before
//! big integers because nearly every figure fits; kept apart from the value's methods,
//! which read the same whichever representation answers.
//!
//! Written out rather than through `Ratio`'s checked operations, which
//! reduce by several gcds in 128 bits; here one gcd per result, in 64 bits when the
//! values fit. `None` on overflow sends the operation to big integers.

use std::cmp::Ordering;

use num_integer::Integer;
use num_rational::Ratio;

pub(super) fn parts(x: &Ratio<i128>, y: &Ratio<i128>) -> (i128, i128, i128, i128) {
    (*x.numer(), *x.denom(), *y.numer(), *y.denom())
}

/// a/b ± c/d.
pub(super) fn small_add(x: &Ratio<i128>, y: &Ratio<i128>, subtract: bool) -> Option<Ratio<i128>> {
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
pub(super) fn reduced(n: i128, d: i128) -> Option<Ratio<i128>> {
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
pub(super) fn small_scaled_digits(numer: i128, d: i128, scale: u32) -> Option<(i128, Ordering)> {
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
