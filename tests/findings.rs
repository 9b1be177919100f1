//! `check`'s findings as values: the figures, facts and ids a finding holds, before any
//! renderer writes them in words.

use std::str::FromStr;

use perfeval::check::{CheckOptions, CheckReport, FactUsed, Says, ScoredFrom, check};
use perfeval::exact::Exact;
use perfeval::facts::{FactValue, Facts};
use perfeval::plan::Plan;
use perfeval::rubric::Rubric;
use perfeval::score::{self, Options};
use rust_decimal::Decimal;

use crate::support::{edited_example, example_text, load_text};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The findings of checking `text` with the seed rubric, as values.
fn says(text: &str) -> (&'static Rubric, Vec<Says>) {
    let (rubric, facts): (&Rubric, Facts) = load_text(text).unwrap();
    let plan = Plan::of(rubric);
    let report = score::evaluate(&plan, &facts, Options::default()).unwrap();
    let checked: CheckReport<'_> = check(report, CheckOptions::default(), &[]);
    let says = checked.findings.iter().map(|f| f.says.clone()).collect();
    drop(checked);
    (rubric, says)
}

/// The fact of `rubric` at `path`, and its value.
fn fact_value(rubric: &Rubric, used: &[FactUsed], path: &str) -> Option<FactValue> {
    used.iter()
        .find(|u| rubric.facts[u.fact].path == path)
        .and_then(|u| u.value.clone())
}

#[test]
fn a_wrong_claimed_score_holds_the_claimed_and_computed_scores_and_the_facts() {
    let text = edited_example(&[("\"政府采购执行情况\" = 1.99", "\"政府采购执行情况\" = 2.00")]);
    let (rubric, says) = says(&text);
    let procurement = rubric.find_indicator("procurement").unwrap();
    let differs = says
        .iter()
        .find(|s| matches!(s, Says::Differs { .. }))
        .expect("a differs finding");
    let Says::Differs {
        indicator,
        claimed,
        computed,
        difference,
        from: ScoredFrom::Rule { facts, overridden },
    } = differs
    else {
        panic!("a leaf's rule: {differs:?}");
    };
    assert_eq!(*indicator, procurement);
    assert_eq!(*claimed, dec("2.00"));
    assert_eq!(*computed, dec("1.99"));
    assert_eq!(*difference, Some(dec("0.01")));
    assert_eq!(*overridden, None);
    assert_eq!(
        fact_value(rubric, facts, "procurement.plan"),
        Some(FactValue::Number(dec("158.75")))
    );
    assert!(facts.iter().all(|u| u.offset.is_some()), "{facts:?}");
    // The claimed total is no longer the sum of the claimed scores under it.
    assert!(
        says.contains(&Says::TotalNotSum {
            claimed: dec("97.11"),
            sum: dec("97.12"),
        }),
        "{says:?}"
    );
}

#[test]
fn the_seeds_consistency_findings_hold_both_sides_and_the_override_its_reason() {
    let (rubric, says) = says(&example_text());
    let budget_parts = rubric
        .consistency
        .iter()
        .position(|c| c.id == "budget_parts")
        .unwrap();
    let not_equal = says
        .iter()
        .find(|s| matches!(s, Says::NotEqual { check, .. } if *check == budget_parts))
        .expect("budget_parts differ");
    let Says::NotEqual {
        left,
        right,
        difference,
        tolerance,
        facts,
        ..
    } = not_equal
    else {
        unreachable!()
    };
    assert_eq!(left.formula, "budget.basic + budget.project");
    assert_eq!(left.value, Exact::from(dec("2936.74")));
    assert_eq!(right.formula, "budget.adjusted");
    assert_eq!(right.value, Exact::from(dec("2936.76")));
    assert_eq!(*difference, Exact::from(dec("-0.02")));
    assert_eq!(*tolerance, Decimal::ZERO);
    assert_eq!(
        fact_value(rubric, facts, "budget.adjusted"),
        Some(FactValue::Number(dec("2936.76")))
    );

    let Some(Says::StatedDiffers { percent, .. }) = says
        .iter()
        .find(|s| matches!(s, Says::StatedDiffers { .. }))
    else {
        panic!("the stated 三公 rate differs: {says:?}");
    };
    assert!(percent);

    let Some(Says::Overridden {
        indicator, reason, ..
    }) = says.iter().find(|s| matches!(s, Says::Overridden { .. }))
    else {
        panic!("the seed's override: {says:?}");
    };
    assert_eq!(rubric.indicators[*indicator].id, "outside_staff_control");
    assert!(
        reason.starts_with("局本级严格按照区编办核定编制人数"),
        "{reason}"
    );
}

#[test]
fn why_a_rule_or_a_check_failed_is_written_in_english_too() {
    // The reason was left out of English messages while the fingerprint was computed from
    // them; a fingerprint now comes from what a finding says, not from its words.
    let sb = crate::support::Sandbox::new();
    sb.write("seed.toml", crate::support::override_over_a_failed_rule());
    let run = sb.run(&["check", "seed.toml"]);
    let why =
        "division by zero: `fixed_assets.total` is 0 in `fixed_assets.in_use / fixed_assets.total`";
    for said in [
        format!("claimed 1 is an override; the rule cannot be computed ({why})"),
        format!("(stated_fixed_asset_rate): not checked: {why}\n"),
    ] {
        assert!(run.stdout.contains(&said), "{said} in {}", run.stdout);
    }
}
