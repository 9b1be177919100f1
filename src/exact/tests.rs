//! Unit tests of [`Exact`](super::Exact): exactness, widening and rounding.

use super::*;
use crate::number::RoundingMode;

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
