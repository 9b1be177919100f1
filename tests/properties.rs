//! Property tests: for random figures within each fact's domain, the engine's invariants
//! hold, or scoring stops with an error (never a panic).

use proptest::prelude::*;
use rust_decimal::Decimal;

use perfeval::diagnostic::SourceFile;
use perfeval::facts::{FactValue, Facts};
use perfeval::plan::Plan;
use perfeval::render::{Json, Render};
use perfeval::rubric::{FactKind, Rubric};
use perfeval::score::{self, Options, Report};

use crate::support::example_text;

fn seed() -> (&'static Rubric, Facts) {
    let rubric = crate::support::seed_rubric();
    let facts = Facts::load(&SourceFile::new("facts.toml", example_text()), rubric).unwrap();
    (rubric, facts)
}

/// Random figures: for each numeric fact of the rubric, in order, a raw number.
fn figures(n: usize) -> impl Strategy<Value = Vec<(u64, bool)>> {
    prop::collection::vec((0u64..2_000_000, any::<bool>()), n)
}

/// The seed facts with every amount, count, rate and bool replaced from `raw`.
fn with_figures(rubric: &Rubric, facts: &Facts, raw: &[(u64, bool)]) -> Facts {
    let mut f = facts.clone();
    for (i, decl) in rubric.facts.iter().enumerate() {
        let (n, b) = raw[i % raw.len()];
        let value = match decl.kind {
            // Amounts in 万元 with 2 decimals, up to 20,000.00.
            FactKind::Amount => FactValue::Number(Decimal::new(n as i64, 2)),
            FactKind::Count => FactValue::Number(Decimal::from(n % 100)),
            // Rates from 0 to 200%, 4 decimals.
            FactKind::Rate => FactValue::Number(Decimal::new((n % 20_001) as i64, 4)),
            FactKind::Bool => FactValue::Bool(b && n % 5 == 0),
            _ => continue,
        };
        if let Some(entry) = f.values[i].as_mut() {
            entry.value = value;
        }
    }
    f
}

fn check_invariants(report: &Report<'_>) -> Result<(), TestCaseError> {
    let rubric = report.rubric;
    for (i, ind) in rubric.indicators.iter().enumerate() {
        let s = report.scores[i];
        prop_assert!(
            s >= Decimal::ZERO && s <= ind.points,
            "{} = {s} outside 0..{}",
            ind.name,
            ind.points
        );
        prop_assert_eq!(
            s.scale(),
            rubric.rounding.scale,
            "{} = {} is not settled to the rubric's scale",
            ind.name,
            s
        );
        if !ind.children.is_empty() {
            let sum: Decimal = ind.children.iter().map(|&c| report.scores[c]).sum();
            prop_assert_eq!(s, sum, "{} is not the sum of its children", ind.name);
        }
    }
    let first: Decimal = rubric.roots.iter().map(|&r| report.scores[r]).sum();
    prop_assert_eq!(report.total, first);
    let band = rubric
        .grades
        .iter()
        .find(|g| report.total >= g.min)
        .map(|g| g.name.as_str());
    prop_assert_eq!(Some(report.grade.as_str()), band);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn scores_stay_in_range_and_add_up(raw in figures(16)) {
        let (rubric, facts) = seed();
        let facts = with_figures(rubric, &facts, &raw);
        let plan = Plan::of(rubric);
        // Zero denominators are possible here: scoring must then stop with an error.
        if let Ok(report) = score::evaluate(&plan, &facts, Options { strict: true, ..Options::default() }) {
            check_invariants(&report)?;
        }
        if let Ok(report) = score::evaluate(&plan, &facts, Options::default()) {
            check_invariants(&report)?;
        }
    }

    /// Scores without traces (what batch uses) are the scores with them.
    #[test]
    fn lean_scoring_gives_the_same_scores(raw in figures(16)) {
        let (rubric, facts) = seed();
        let facts = with_figures(rubric, &facts, &raw);
        let plan = Plan::of(rubric);
        let full = score::evaluate(&plan, &facts, Options::default());
        let lean = score::evaluate(&plan, &facts, Options { lean: true, ..Options::default() });
        match (full, lean) {
            (Ok(full), Ok(lean)) => {
                prop_assert_eq!(&full.scores, &lean.scores);
                prop_assert_eq!(full.total, lean.total);
                prop_assert_eq!(&full.grade, &lean.grade);
                prop_assert!(lean.leaves.iter().flatten().all(|l| l.parts.is_empty() && l.lets.is_empty()));
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "full {:?} but lean {:?}", a.is_ok(), b.is_ok()),
        }
    }

    #[test]
    fn scoring_is_deterministic_and_json_holds_the_exact_scores(raw in figures(16)) {
        let (rubric, facts) = seed();
        let facts = with_figures(rubric, &facts, &raw);
        let plan = Plan::of(rubric);
        let (Ok(a), Ok(b)) = (
            score::evaluate(&plan, &facts, Options::default()),
            score::evaluate(&plan, &facts, Options::default()),
        ) else {
            return Ok(());
        };
        let (ja, jb) = (Json.render(&a), Json.render(&b));
        prop_assert_eq!(&ja, &jb);
        let json: serde_json::Value = serde_json::from_slice(&ja).unwrap();
        let total: Decimal = json["total"].as_str().unwrap().parse().unwrap();
        prop_assert_eq!(total, a.total);
        let mut stack: Vec<&serde_json::Value> = json["indicators"].as_array().unwrap().iter().collect();
        while let Some(node) = stack.pop() {
            let i = rubric.find_indicator(node["id"].as_str().unwrap()).unwrap();
            let score: Decimal = node["score"].as_str().unwrap().parse().unwrap();
            prop_assert_eq!(score, a.scores[i]);
            stack.extend(node["children"].as_array().into_iter().flatten());
        }
    }

    /// Spending closer to the plan never lowers the procurement score.
    #[test]
    fn procurement_is_monotone_up_to_the_plan(plan in 1u64..10_000_000, a in 0u64..10_000_000, b in 0u64..10_000_000) {
        let (lo, hi) = (a.min(b).min(plan), a.max(b).min(plan));
        let score = |actual: u64| {
            crate::support::indicator_score(
                &[("plan = 158.75", &format!("plan = {}", Decimal::new(plan as i64, 2))), ("actual = 157.46", &format!("actual = {}", Decimal::new(actual as i64, 2)))],
                "procurement",
            )
            .unwrap()
            .parse::<Decimal>()
            .unwrap()
        };
        prop_assert!(score(lo) <= score(hi));
    }

    /// More unfinished key tasks never raise the score.
    #[test]
    fn unfinished_tasks_never_raise_the_score(a in 0u64..50, b in 0u64..50) {
        let score = |n: u64| {
            crate::support::indicator_score(&[("unfinished = 0", &format!("unfinished = {n}"))], "key_tasks")
                .unwrap()
                .parse::<Decimal>()
                .unwrap()
        };
        prop_assert!(score(a.max(b)) <= score(a.min(b)));
    }
}
