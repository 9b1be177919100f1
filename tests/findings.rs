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
    // The computed score is the engine's on the same figures (the edit touched a claim).
    let (_, facts_as_given): (&Rubric, Facts) = load_text(&example_text()).unwrap();
    let plan = Plan::of(rubric);
    let scored = score::evaluate(&plan, &facts_as_given, Options::default()).unwrap();
    assert_eq!(*computed, scored.scores[procurement]);
    assert_eq!(*difference, Some(*claimed - *computed));
    assert_eq!(*overridden, None);
    assert_eq!(
        fact_value(rubric, facts, "procurement.plan"),
        Some(FactValue::Number(dec("158.75")))
    );
    assert!(facts.iter().all(|u| u.offset.is_some()), "{facts:?}");
    // The claimed total (unchanged) is no longer the sum of the claimed scores under it,
    // which grew by the edit.
    let Some(Says::TotalNotSum { claimed, sum }) =
        says.iter().find(|s| matches!(s, Says::TotalNotSum { .. }))
    else {
        panic!("the claimed total no longer adds up: {says:?}");
    };
    assert_eq!(
        Some(*claimed),
        facts_as_given.claimed.total.as_ref().map(|(t, _)| *t)
    );
    assert_eq!(*sum - *claimed, dec("2.00") - dec("1.99"));
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
    // Both sides are the facts the file gives, added as the formulas say.
    let number = |path: &str| match fact_value(rubric, facts, path) {
        Some(FactValue::Number(n)) => Exact::from(n),
        other => panic!("{path}: {other:?}"),
    };
    assert_eq!(left.formula, "budget.basic + budget.project");
    assert_eq!(
        left.value,
        number("budget.basic")
            .checked_add(&number("budget.project"))
            .unwrap()
    );
    assert_eq!(right.formula, "budget.adjusted");
    assert_eq!(right.value, number("budget.adjusted"));
    assert_eq!(*difference, left.value.checked_sub(&right.value).unwrap());
    assert!(!difference.is_zero());
    assert_eq!(*tolerance, Decimal::ZERO);

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
