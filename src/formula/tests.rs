//! The formula corpus: `tests/fixtures/formulas.txt` holds rows of
//! `expression ; names ; expected`, so anyone can add a case without writing Rust.

use std::collections::HashMap;

use super::*;
use crate::number::parse_decimal;

struct Bindings {
    values: Vec<Value>,
}

impl Bindings {
    fn value(&self, target: Target) -> Option<&Value> {
        match target {
            Target::Fact(i) | Target::Local(i) => self.values.get(i),
        }
    }
}

impl Scope for Bindings {
    fn number(&mut self, target: Target) -> Result<crate::exact::Exact, EvalError> {
        match self.value(target) {
            Some(Value::Number(n)) => Ok(n.clone()),
            _ => Err(EvalError::Unavailable(format!("no number {target:?}"))),
        }
    }

    fn boolean(&mut self, target: Target) -> Result<bool, EvalError> {
        match self.value(target) {
            Some(Value::Bool(b)) => Ok(*b),
            _ => Err(EvalError::Unavailable(format!("no bool {target:?}"))),
        }
    }
}

fn parse_value(text: &str) -> Value {
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        n => Value::Number(crate::exact::Exact::from(
            parse_decimal(n).unwrap_or_else(|e| panic!("bad corpus value {n}: {e}")),
        )),
    }
}

/// Runs one row; returns the outcome as text: a value, or `error: message`.
fn run(expression: &str, names: &str) -> String {
    let mut index = HashMap::new();
    let mut values = Vec::new();
    for binding in names.split(',').map(str::trim).filter(|b| !b.is_empty()) {
        let (name, value) = binding
            .split_once('=')
            .unwrap_or_else(|| panic!("bad binding {binding}"));
        index.insert(name.trim().to_string(), values.len());
        values.push(parse_value(value.trim()));
    }
    let parsed = match parse(expression) {
        Ok(f) => f,
        Err(e) => return format!("error: {e}"),
    };
    let lookup = |name: &str| {
        index.get(name).map(|&i| {
            let ty = match values[i] {
                Value::Number(_) => Type::Number,
                Value::Bool(_) => Type::Bool,
            };
            (Target::Fact(i), ty)
        })
    };
    let formula = match parsed.resolve(&lookup, &|_| None) {
        Ok(f) => f,
        Err(errors) => return format!("error: {}", errors[0].message),
    };
    match formula.eval(&mut Bindings {
        values: values.clone(),
    }) {
        Ok(Value::Number(n)) => n.exact_decimal().unwrap_or_else(|| n.fraction()),
        Ok(Value::Bool(b)) => b.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn corpus() {
    let corpus = include_str!("../../tests/fixtures/formulas.txt");
    let mut failures = Vec::new();
    let mut count = 0;
    for (n, line) in corpus.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(';').map(str::trim).collect();
        assert_eq!(
            fields.len(),
            3,
            "line {}: expected `expression ; names ; expected`",
            n + 1
        );
        let got = run(fields[0], fields[1]);
        let want = fields[2];
        let ok = match want.strip_prefix("error: ") {
            Some(fragment) => got.starts_with("error: ") && got.contains(fragment),
            None => got == want,
        };
        if !ok {
            failures.push(format!(
                "line {}: `{}` gave `{got}`, expected `{want}`",
                n + 1,
                fields[0]
            ));
        }
        count += 1;
    }
    assert!(count > 30, "the corpus should not be empty");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let text = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let err = parse(&text).err().map(|e| e.message);
    assert_eq!(
        err,
        Some(format!("the formula nests deeper than {MAX_DEPTH} levels"))
    );
    let text = format!("{}1", "-".repeat(10_000));
    assert!(parse(&text).is_err());
    // A long flat chain is as deep as it is long once parsed.
    let chain = vec!["1"; 1_000].join(" + ");
    let err = parse(&chain).err().map(|e| e.message);
    assert_eq!(
        err,
        Some(format!("the formula nests deeper than {MAX_DEPTH} levels"))
    );
    let ok = vec!["1"; MAX_DEPTH - 2].join(" + ");
    assert!(parse(&ok).is_ok(), "a chain within the limit parses");
}

#[test]
fn targets_are_listed_once_in_order() {
    let parsed = parse("b + a * b").unwrap_or_else(|e| panic!("{e}"));
    let lookup = |name: &str| match name {
        "a" => Some((Target::Fact(0), Type::Number)),
        "b" => Some((Target::Local(1), Type::Number)),
        _ => None,
    };
    let f = parsed
        .resolve(&lookup, &|_| None)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(f.ty(), Type::Number);
    assert_eq!(f.targets(), vec![Target::Local(1), Target::Fact(0)]);
    assert_eq!(f.depth(), 3);
}

#[test]
fn resolution_gives_numbers_and_true_false_values_distinct_nodes() {
    let lookup = |name: &str| match name {
        "n" => Some((Target::Fact(0), Type::Number)),
        "b" => Some((Target::Fact(1), Type::Bool)),
        _ => None,
    };
    let resolve = |text: &str| {
        parse(text)
            .unwrap_or_else(|e| panic!("{e}"))
            .resolve(&lookup, &|_| None)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
    };
    let cond = |text: &str| match resolve(text).root {
        Typed::Bool(c) => c.kind,
        Typed::Number(n) => panic!("{text} gave a number: {n:?}"),
    };
    let num = |text: &str| match resolve(text).root {
        Typed::Number(n) => n.kind,
        Typed::Bool(c) => panic!("{text} gave true/false: {c:?}"),
    };
    assert!(matches!(cond("n == 1"), CondKind::Compare(Compare::Eq, ..)));
    assert!(matches!(
        cond("b != true"),
        CondKind::Same(Equality::Ne, ..)
    ));
    assert!(matches!(cond("if b then b else false"), CondKind::If(..)));
    assert!(matches!(num("if b then n else 0"), NumKind::If(..)));
    assert!(
        matches!(num("min(n, 1, 2)"), NumKind::Extreme(Extreme::Min, _, rest) if rest.len() == 2)
    );
    let name = resolve("b");
    assert_eq!(
        name.as_name().map(|n| (n.name.as_str(), n.target)),
        Some(("b", Target::Fact(1)))
    );
    assert_eq!(resolve("-n").as_name(), None);
    // A type error leaves no formula, only the errors.
    let errors = parse("not n + b").map(|p| p.resolve(&lookup, &|_| None));
    assert!(matches!(errors, Ok(Err(e)) if e.len() == 2));
}
