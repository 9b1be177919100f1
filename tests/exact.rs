//! The exact oracle: formula results and leaf scores compared with an independent exact
//! computation written here over unbounded rationals (`BigRational`), including values
//! built to land exactly on a rounding midpoint through a non-terminating division.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;
use proptest::prelude::*;
use rust_decimal::Decimal;

use perfeval::exact::Exact;
use perfeval::formula::{self, EvalError, Scope, Target, Value};
use perfeval::number::RoundingMode;
use perfeval::plan::Plan;
use perfeval::score::{self, Options};

use crate::support::{Sandbox, edited_example, indicator_score, load_text};

/// An expression tree the test can print as formula text and evaluate itself.
#[derive(Debug, Clone)]
enum Expr {
    Lit(Decimal),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn text(&self) -> String {
        match self {
            Expr::Lit(d) => format!("({d})"),
            Expr::Add(a, b) => format!("({} + {})", a.text(), b.text()),
            Expr::Sub(a, b) => format!("({} - {})", a.text(), b.text()),
            Expr::Mul(a, b) => format!("({} * {})", a.text(), b.text()),
            Expr::Div(a, b) => format!("({} / {})", a.text(), b.text()),
        }
    }

    /// The most bits of a numerator or denominator among the exact values of every
    /// subexpression (0 where a divisor is zero).
    fn widest_bits(&self) -> u64 {
        let own = self
            .exact()
            .map_or(0, |v| v.numer().bits().max(v.denom().bits()));
        match self {
            Expr::Lit(_) => own,
            Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) => {
                own.max(a.widest_bits()).max(b.widest_bits())
            }
        }
    }

    /// The oracle: `None` on a zero divisor.
    fn exact(&self) -> Option<BigRational> {
        Some(match self {
            Expr::Lit(d) => big(*d),
            Expr::Add(a, b) => a.exact()? + b.exact()?,
            Expr::Sub(a, b) => a.exact()? - b.exact()?,
            Expr::Mul(a, b) => a.exact()? * b.exact()?,
            Expr::Div(a, b) => {
                let y = b.exact()?;
                if y == BigRational::from_integer(BigInt::from(0)) {
                    return None;
                }
                a.exact()? / y
            }
        })
    }
}

fn big(d: Decimal) -> BigRational {
    BigRational::new(BigInt::from(d.mantissa()), BigInt::from(10).pow(d.scale()))
}

fn big_of(e: &Exact) -> BigRational {
    e.to_big()
}

/// 四舍五入 written independently: |x| × 10^scale, add one half, floor, restore the sign.
fn round_half_away(x: &BigRational, scale: u32) -> BigRational {
    round_with(x, scale, RoundingMode::HalfAwayFromZero)
}

/// Each mode written independently of the engine, on |x| × 10^scale: its floor, and the
/// fraction dropped compared with one half.
fn round_with(x: &BigRational, scale: u32, mode: RoundingMode) -> BigRational {
    let factor = BigRational::from_integer(BigInt::from(10).pow(scale));
    let half = BigRational::new(BigInt::from(1), BigInt::from(2));
    let negative = x < &BigRational::from_integer(BigInt::from(0));
    let magnitude = if negative { -x.clone() } else { x.clone() } * &factor;
    let floor = magnitude.floor();
    let dropped = &magnitude - &floor;
    let one = BigRational::from_integer(BigInt::from(1));
    let up = match mode {
        RoundingMode::Truncate => false,
        RoundingMode::HalfAwayFromZero => dropped >= half,
        RoundingMode::HalfEven => {
            dropped > half
                || (dropped == half && (floor.to_integer() % BigInt::from(2)) == BigInt::from(1))
        }
    };
    let shifted = if up { floor + one } else { floor };
    let rounded = shifted / factor;
    if negative { -rounded } else { rounded }
}

struct NoNames;

impl Scope for NoNames {
    fn number(&mut self, _: Target) -> Result<Exact, EvalError> {
        Err(EvalError::Unavailable("no names here".into()))
    }

    fn boolean(&mut self, _: Target) -> Result<bool, EvalError> {
        Err(EvalError::Unavailable("no names here".into()))
    }
}

fn engine(text: &str) -> Result<Exact, EvalError> {
    let f = formula::parse(text)
        .unwrap_or_else(|e| panic!("`{text}` parses: {e}"))
        .resolve(&|_| None, &|_| None)
        .unwrap_or_else(|e| panic!("`{text}` resolves: {e:?}"));
    match f.eval(&mut NoNames)? {
        Value::Number(n) => Ok(n),
        Value::Bool(_) => panic!("a number formula gave true/false"),
    }
}

/// Decimal literals as a finance officer writes them (up to 4 decimals), at the input
/// limits (18 integer digits, 10 decimals), and non-terminating divisors.
fn literal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..100_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
        (1i64..100, Just(0u32)).prop_map(|(m, s)| Decimal::new(m, s)),
        (-1_000_000i64..1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        (-999_999_999_999_999_999i64..=999_999_999_999_999_999).prop_map(|m| Decimal::new(m, 0)),
        (-999_999_999_999_999_999i64..=999_999_999_999_999_999).prop_map(|m| Decimal::new(m, 10)),
        prop::sample::select(vec![3i64, 7, 11, 12, 48, 71, 158]).prop_map(Decimal::from),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    literal()
        .prop_map(Expr::Lit)
        .prop_recursive(4, 24, 2, |inner| {
            (inner.clone(), inner, 0u8..4).prop_map(|(a, b, op)| {
                let (a, b) = (Box::new(a), Box::new(b));
                match op {
                    0 => Expr::Add(a, b),
                    1 => Expr::Sub(a, b),
                    2 => Expr::Mul(a, b),
                    _ => Expr::Div(a, b),
                }
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every formula value equals the exact one, and rounds as the oracle rounds in every
    /// mode. Values here stay far below the engine's size limit, so it never refuses one.
    #[test]
    fn formula_values_equal_the_exact_rational(e in expr()) {
        let text = e.text();
        match (engine(&text), e.exact()) {
            (Ok(got), Some(want)) => {
                prop_assert_eq!(big_of(&got), want.clone(), "{}", text);
                let fits = want.abs() < BigRational::from_integer(BigInt::from(10).pow(20));
                for scale in [0u32, 2, 4] {
                    for mode in [RoundingMode::HalfAwayFromZero, RoundingMode::HalfEven, RoundingMode::Truncate] {
                        let rounded = got.round(scale, mode);
                        if fits {
                            prop_assert!(rounded.is_some(), "{} at {} did not round", text, scale);
                        }
                        if let Some(r) = rounded {
                            prop_assert_eq!(big(r), round_with(&want, scale, mode), "{} at {} {:?}", text, scale, mode);
                        }
                    }
                }
            }
            (Err(EvalError::DivisionByZero { .. }), None) => {}
            (got, want) => prop_assert!(false, "{}: engine {:?}, oracle {:?} ({} bits)", text, got, want, e.widest_bits()),
        }
    }

    /// A midpoint x.xx5 reached only through a non-terminating quotient rounds away from
    /// zero, as 四舍五入 says: `(m·d·k) / (d·k²) · k` is m, and m / k never terminates.
    #[test]
    fn midpoints_reached_through_non_terminating_division_round_away(
        j in 0i64..100_000,
        d in prop::sample::select(vec![3i64, 7, 9, 11, 13, 21, 48]),
        k in prop::sample::select(vec![3i64, 6, 7, 12]),
    ) {
        let midpoint = Decimal::new(2 * j + 1, 3); // x.xx5
        let numerator = midpoint * Decimal::from(d * k);
        let text = format!("{numerator} / {} * {k}", d * k * k);
        let got = engine(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        prop_assert_eq!(&got, &Exact::from(midpoint), "{}", text);
        for mode in [RoundingMode::HalfAwayFromZero, RoundingMode::HalfEven, RoundingMode::Truncate] {
            let want = round_with(&big(midpoint), 2, mode);
            prop_assert_eq!(got.round(2, mode).map(big), Some(want), "{} {:?}", text, mode);
            // The same midpoint below zero.
            let negative = got.neg();
            let want = round_with(&-big(midpoint), 2, mode);
            prop_assert_eq!(negative.round(2, mode).map(big), Some(want), "-({}) {:?}", text, mode);
        }
    }

    /// 项目完成及时性 through the whole pipeline: on_time / planned × 6, rounded once.
    #[test]
    fn timeliness_scores_equal_the_exact_rounding(planned in 1u32..400, on_time_share in 0u32..=1000) {
        let on_time = planned * on_time_share / 1000;
        let got = indicator_score(
            &[("planned = 8\non_time = { value = 8,", &format!("planned = {planned}\non_time = {{ value = {on_time},"))],
            "project_timeliness",
        ).unwrap_or_else(|e| panic!("{e}"));
        let exact = BigRational::new(BigInt::from(on_time * 6), BigInt::from(planned));
        let want = round_half_away(&exact, 2);
        prop_assert_eq!(big(got.parse::<Decimal>().unwrap()), want, "{}/{}", on_time, planned);
    }

    /// 预算执行率 from random quarterly spending: each quarter's rate capped at 1, their
    /// sum plus twice their mean, rounded once.
    #[test]
    fn budget_execution_equals_the_exact_rounding(
        spent in prop::collection::vec(0i64..2_000_000_000, 4),
        budgets in prop::collection::vec(1i64..3_000_000_000, 4),
        decimals in 2u32..=6,
    ) {
        let mut spent = spent;
        spent.sort_unstable();
        let mut text = edited_example(&[]);
        let old = [("548.3", "2663.06"), ("1171.04", "2738.30"), ("1822.83", "2820.25"), ("2568.79", "2936.74")];
        // Each quarter its own budget, to 分 or finer (万元 with 6 decimals is 元 with 分):
        // four unlike denominators, whose sum needs more than 128 bits.
        for (q, (s, b)) in old.iter().enumerate() {
            let new_s = Decimal::new(spent[q], decimals);
            let new_b = Decimal::new(budgets[q], decimals);
            text = text.replacen(&format!("spent = {s}\nbudget = {b}"), &format!("spent = {new_s}\nbudget = {new_b}"), 1);
        }
        let (rubric, facts) = load_text(&text).unwrap();
        let plan = Plan::of(rubric);
        let report = score::evaluate(&plan, &facts, Options { strict: true, ..Options::default() }).unwrap();
        let i = rubric.find_indicator("budget_execution").unwrap();
        let one = BigRational::from_integer(BigInt::from(1));
        let unit = BigInt::from(10).pow(decimals);
        let mut rates = BigRational::from_integer(BigInt::from(0));
        for (q, s) in spent.iter().enumerate() {
            let b = BigRational::new(BigInt::from(budgets[q]), unit.clone());
            let progress = BigRational::new(BigInt::from(*s), unit.clone()) / b;
            let due = BigRational::new(BigInt::from(q as i64 + 1), BigInt::from(4));
            let rate = progress / due;
            rates += if rate > one { one.clone() } else { rate };
        }
        let mean = rates.clone() / BigRational::from_integer(BigInt::from(4));
        let exact = rates + mean * BigRational::from_integer(BigInt::from(2));
        prop_assert_eq!(big(report.scores[i]), round_half_away(&exact, 2), "{:?} of {:?}", spent, budgets);
    }
}

#[test]
fn the_two_reported_midpoints_give_5_38_and_5_26_everywhere() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "timely.toml",
        edited_example(&[(
            "planned = 8\non_time = { value = 8,",
            "planned = 48\non_time = { value = 43,",
        )]),
    );
    let mut quarters = edited_example(&[]);
    for (old, new) in [
        (
            "spent = 548.3\nbudget = 2663.06",
            "spent = 200\nbudget = 1000",
        ),
        (
            "spent = 1171.04\nbudget = 2738.30",
            "spent = 450\nbudget = 1000",
        ),
        (
            "spent = 1822.83\nbudget = 2820.25",
            "spent = 700\nbudget = 1000",
        ),
        (
            "spent = 2568.79\nbudget = 2936.74",
            "spent = 870\nbudget = 1000",
        ),
    ] {
        quarters = crate::support::edited(quarters, &[(old, new)]);
    }
    sandbox.write("quarters.toml", quarters);
    for (file, name, id, want, exact_value) in [
        (
            "timely.toml",
            "项目完成及时性",
            "project_timeliness",
            "5.38",
            "43/48",
        ),
        (
            "quarters.toml",
            "预算执行率",
            "budget_execution",
            "5.26",
            "1051/1200",
        ),
    ] {
        let table = sandbox.run_zh(&["score", file, "--width", "200"]);
        let row = table
            .stdout
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{}", table.stdout));
        assert!(row.contains(&format!(" {want} ")), "{row}");
        let explain = sandbox.run_zh(&["explain", file, name]);
        assert!(
            explain.stdout.contains(&format!("得分 {want}")),
            "{}",
            explain.stdout
        );
        // explain shows the exact value that was rounded, and the fraction behind it.
        assert!(explain.stdout.contains(exact_value), "{}", explain.stdout);
        let json = sandbox.run_zh(&["score", file, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let node = crate::support::indicator_nodes(&json)
            .into_iter()
            .find(|n| n["id"] == id)
            .unwrap();
        assert_eq!(node["score"], want);
        assert!(
            json.to_string().contains(exact_value),
            "the JSON carries the exact fraction {exact_value}"
        );
    }
}
