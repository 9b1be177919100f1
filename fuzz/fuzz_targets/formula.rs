//! Any text as a formula, with names bound to arbitrary values: parsing, checking and
//! evaluating never panic (overflow and division by zero are errors).
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfeval::exact::Exact;
use perfeval::formula::{self, EvalError, Scope, Target, Type};
use rust_decimal::Decimal;

struct Fixed(Vec<Decimal>);

impl Scope for Fixed {
    fn number(&mut self, target: Target) -> Result<Exact, EvalError> {
        match target {
            Target::Fact(i) | Target::Local(i) => Ok(Exact::from(self.0[i % self.0.len()])),
        }
    }

    fn boolean(&mut self, target: Target) -> Result<bool, EvalError> {
        Err(EvalError::Unavailable(format!("{target:?} is a number")))
    }
}

fuzz_target!(|input: (&str, [i64; 3], [u8; 3])| {
    let (text, mantissas, scales) = input;
    let Ok(parsed) = formula::parse(text) else { return };
    let names = ["a", "b", "c"];
    let lookup = |n: &str| names.iter().position(|x| *x == n).map(|i| (Target::Fact(i), Type::Number));
    let Ok(f) = parsed.resolve(&lookup, &|_| None) else { return };
    let values = (0..3)
        .map(|i| Decimal::try_new(mantissas[i], u32::from(scales[i] % 29)).unwrap_or(Decimal::ZERO))
        .collect();
    let _ = f.eval(&mut Fixed(values));
});
