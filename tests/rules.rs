//! Every rule kind of the seed rubric at and around its boundaries, by editing one
//! figure of the seed example and scoring it through the library (rule results only:
//! overrides are ignored).

use perfeval::diagnostic::SourceFile;
use perfeval::exact::Exact;
use perfeval::facts::Facts;
use perfeval::formula::Value;
use perfeval::plan::Plan;
use perfeval::rubric;
use perfeval::score::{self, Options};
use rust_decimal::Decimal;

use crate::support::indicator_score;

fn score(edits: &[(&str, &str)], id: &str) -> String {
    indicator_score(edits, id).unwrap_or_else(|e| panic!("{e}"))
}

fn error(edits: &[(&str, &str)], id: &str) -> String {
    match indicator_score(edits, id) {
        Ok(s) => panic!("expected an error, got score {s}"),
        Err(e) => e,
    }
}

#[test]
fn procurement_rate_times_points_with_its_edge_cases() {
    let id = "procurement";
    assert_eq!(score(&[], id), "1.99");
    assert_eq!(
        score(&[("actual = 157.46", "actual = 158.75")], id),
        "2.00",
        "actual = plan"
    );
    assert_eq!(
        score(&[("actual = 157.46", "actual = 158.76")], id),
        "1.00",
        "actual > plan gives 0"
    );
    assert_eq!(
        score(
            &[
                ("plan = 158.75", "plan = 0"),
                ("actual = 157.46", "actual = 0")
            ],
            id
        ),
        "2.00",
        "both 0"
    );
    assert_eq!(
        score(&[("plan = 158.75", "plan = 0")], id),
        "1.00",
        "a purchase without a plan"
    );
}

#[test]
fn checklist_items_take_partial_credit_only_with_a_reason() {
    let id = "procurement";
    let partial = "policy = { value = 0.5, reason = \"落实不到位\" }";
    assert_eq!(
        score(
            &[(
                "policy = { value = true, note = \"一（四）1（2）：保障了政府采购政策功能的执行和落实\" }",
                partial
            )],
            id
        ),
        "1.49"
    );
    let no_reason = error(
        &[(
            "policy = { value = true, note = \"一（四）1（2）：保障了政府采购政策功能的执行和落实\" }",
            "policy = 0.5",
        )],
        id,
    );
    assert!(
        no_reason.contains(
            "`procurement.policy` (政府采购政策功能落实) given partial credit needs a reason"
        ),
        "{no_reason}"
    );
    let too_much = error(
        &[(
            "policy = { value = true, note = \"一（四）1（2）：保障了政府采购政策功能的执行和落实\" }",
            "policy = { value = 1.5, reason = \"x\" }",
        )],
        id,
    );
    assert!(
        too_much.contains("awards 1.5 points, more than the item's 1"),
        "{too_much}"
    );
    assert_eq!(
        score(&[("custody = true", "custody = false")], "asset_safety"),
        "1.00"
    );
}

#[test]
fn fixed_asset_tiers_include_their_lower_bounds() {
    let id = "fixed_asset_use";
    let at = |in_use: &str| score(&[("in_use = 505.8", &format!("in_use = {in_use}"))], id);
    assert_eq!(at("455.22"), "1.00", "exactly 90%");
    assert_eq!(at("455.21"), "0.70");
    assert_eq!(at("379.35"), "0.70", "exactly 75%");
    assert_eq!(at("379.34"), "0.40");
    assert_eq!(at("303.48"), "0.40", "exactly 60%");
    assert_eq!(at("303.47"), "0.00");
    let zero = error(&[("total = 505.8", "total = 0")], id);
    assert!(
        zero.contains("division by zero: `fixed_assets.total` is 0"),
        "{zero}"
    );
}

#[test]
fn staff_control_rates_at_their_bounds() {
    assert_eq!(
        score(&[("on_payroll = 11", "on_payroll = 12")], "staff_control"),
        "1.00",
        "exactly 100%"
    );
    assert_eq!(
        score(&[("on_payroll = 11", "on_payroll = 13")], "staff_control"),
        "0.00"
    );
    let outside = |payroll: &str, outside: &str| {
        score(
            &[
                ("on_payroll = 11", &format!("on_payroll = {payroll}")),
                ("outside = 60", &format!("outside = {outside}")),
            ],
            "outside_staff_control",
        )
    };
    assert_eq!(outside("20", "1"), "1.00", "4.76% < 5%");
    assert_eq!(outside("19", "1"), "0.50", "exactly 5%");
    assert_eq!(outside("9", "1"), "0.50", "exactly 10%");
    assert_eq!(outside("8", "1"), "0.00", "11.1% > 10%");
    assert_eq!(outside("11", "60"), "0.00", "the seed's 84.51% by the rule");
}

#[test]
fn public_funds_tiers_have_exclusive_and_inclusive_bounds() {
    let id = "public_funds_control";
    let sangong = |v: &str| {
        score(
            &[("sangong_actual = 19.98", &format!("sangong_actual = {v}"))],
            id,
        )
    };
    assert_eq!(sangong("18.585"), "4.00", "exactly 90% is in 90%–100%");
    assert_eq!(sangong("18.58"), "5.00", "below 90%");
    assert_eq!(sangong("20.65"), "4.00", "exactly 100%");
    assert_eq!(sangong("20.66"), "2.00", "above 100%");
}

#[test]
fn adjustment_deducts_per_percentage_point_and_a_veto_zeroes() {
    let id = "financial_compliance";
    let adjusted = |v: &str| score(&[("adjusted = 2936.76", &format!("adjusted = {v}"))], id);
    assert_eq!(adjusted("3140.577"), "3.00", "exactly 10%");
    assert_eq!(adjusted("3212.5"), "2.75", "12.5%: 0.25 off");
    assert_eq!(adjusted("3283.3305"), "2.50", "15%");
    assert_eq!(adjusted("4000"), "2.00", "floor at 0");
    assert_eq!(adjusted("2569.563"), "3.00", "a 10% cut counts as 10%");
    let veto = "serious_violation = { value = false, note = \"一（四）1（3）四：不存在超范围、超标准支出、虚列项目支出、截留、挤占、挪用资金的情况\" }";
    assert_eq!(score(&[(veto, "serious_violation = true")], id), "0.00");
}

#[test]
fn disclosure_categories_and_the_classified_exemption() {
    let id = "disclosure";
    assert_eq!(
        score(
            &[("budget = \"按规定公开\"", "budget = \"公开有瑕疵\"")],
            id
        ),
        "2.50"
    );
    assert_eq!(
        score(&[("budget = \"按规定公开\"", "budget = \"未公开\"")], id),
        "1.50"
    );
    let classified = [
        ("budget = \"按规定公开\"\n", "classified = true\n"),
        ("final_accounts = \"按规定公开\"\n", ""),
    ];
    assert_eq!(
        score(&classified, id),
        "3.00",
        "涉密: full marks without the disclosure facts"
    );
    let missing = error(&[("final_accounts = \"按规定公开\"\n", "")], id);
    assert!(
        missing.contains("missing fact `disclosure.final_accounts` (部门决算公开)"),
        "{missing}"
    );
}

#[test]
fn quarterly_execution_ratios_are_capped_at_one() {
    let id = "budget_execution";
    assert_eq!(score(&[], id), "5.12");
    // Q1 at 37.55% of budget is 150% of its 25% target: capped at 1.
    assert_eq!(score(&[("spent = 548.3", "spent = 1000")], id), "5.39");
    let zero = error(&[("budget = 2663.06", "budget = 0")], id);
    assert!(
        zero.contains("division by zero: `execution.q1.budget` is 0"),
        "{zero}"
    );
}

#[test]
fn deductions_stop_at_the_floor() {
    assert_eq!(
        score(&[("unfinished = 0", "unfinished = 1")], "key_tasks"),
        "4.00"
    );
    assert_eq!(
        score(&[("unfinished = 0", "unfinished = 2")], "key_tasks"),
        "0.00"
    );
    assert_eq!(
        score(&[("unfinished = 0", "unfinished = 3")], "key_tasks"),
        "0.00"
    );
    assert_eq!(
        score(&[("violations = 0", "violations = 2")], "budget_compliance"),
        "3.00"
    );
    assert_eq!(
        score(&[("violations = 0", "violations = 6")], "budget_compliance"),
        "0.00"
    );
}

#[test]
fn project_timeliness_share_with_nothing_planned_and_a_cap() {
    let id = "project_timeliness";
    let planned_on_time = |p: &str, o: &str| {
        score(
            &[
                ("planned = 8", &format!("planned = {p}")),
                (
                    "on_time = { value = 8,",
                    &format!("on_time = {{ value = {o},"),
                ),
            ],
            id,
        )
    };
    assert_eq!(planned_on_time("8", "7"), "5.25");
    assert_eq!(
        planned_on_time("0", "0"),
        "6.00",
        "nothing planned: full marks"
    );
    assert_eq!(planned_on_time("8", "9"), "6.00", "clamped to the points");
}

#[test]
fn satisfaction_takes_a_rate_or_the_evaluators_tier() {
    let id = "satisfaction";
    let tier_line = crate::support::example_text()
        .lines()
        .find(|l| l.starts_with("tier = "))
        .unwrap()
        .to_string();
    let rate = |r: &str| score(&[(tier_line.as_str(), &format!("rate = {r}"))], id);
    assert_eq!(rate("\"95%\""), "6.00");
    assert_eq!(rate("0.95"), "6.00");
    assert_eq!(rate("\"94.99%\""), "4.00");
    assert_eq!(rate("\"90%\""), "4.00");
    assert_eq!(rate("\"80%\""), "2.00");
    assert_eq!(rate("\"79.99%\""), "1.00");
    let both = error(
        &[(tier_line.as_str(), &format!("{tier_line}\nrate = \"96%\""))],
        id,
    );
    assert!(
        both.contains("both the figure and the evaluator's tier `satisfaction.tier` are given"),
        "{both}"
    );
    let neither = error(&[(tier_line.as_str(), "")], id);
    assert!(neither.contains("missing fact `satisfaction.rate` (满意度); or give the evaluator's tier in `satisfaction.tier` with a reason"), "{neither}");
}

#[test]
fn an_evaluators_score_cannot_exceed_the_points() {
    let e = error(
        &[("score = { value = 25,", "score = { value = 26,")],
        "effects",
    );
    assert!(
        e.contains("the evaluator's score 26 in `effects.score` exceeds the part's 25 points"),
        "{e}"
    );
}

const TINY_RUBRIC: &str = r#"
[rubric]
id = "tiny"
version = "1"
title = "t"
issuer = "i"
document = "d"
year = 2024
unit = "万元"
total = 1
levels = ["指标"]

[rounding]
scale = 2
mode = "half_away_from_zero"

[[grade]]
name = "合格"
min = 0

[facts]
a = { type = "amount", label = "甲", meaning = "m" }
b = { type = "amount", label = "乙", meaning = "m" }

[[indicator]]
id = "sum"
name = "和"
points = 1

[[indicator.let]]
name = "sum"
expr = "a + b"

[[indicator.part]]
kind = "formula"
points = 1
score = "if sum == 0.3 then 1 else 0"
"#;

fn tiny(facts: &str) -> Result<(Decimal, Vec<Value>, Vec<String>), String> {
    let rubric =
        rubric::load(&SourceFile::new("tiny.toml", TINY_RUBRIC)).map_err(|d| d.to_string())?;
    let facts =
        Facts::load(&SourceFile::new("f.toml", facts), &rubric).map_err(|d| d.to_string())?;
    let plan = Plan::of(&rubric);
    let report = score::evaluate(&plan, &facts, Options::default()).map_err(|e| e.to_string())?;
    let leaf = report.leaf(0).unwrap();
    let values = leaf.lets.iter().map(|(_, v)| v.clone()).collect();
    let raw = facts
        .values
        .iter()
        .map(|v| match v.as_ref().map(|e| &e.value) {
            Some(perfeval::facts::FactValue::Number(n)) => n.to_string(),
            _ => String::new(),
        })
        .collect();
    Ok((report.total, values, raw))
}

#[test]
fn amounts_read_from_toml_are_exact() {
    let (total, values, _) =
        tiny("rubric = \"tiny\"\ndepartment = \"d\"\nyear = 2024\na = 0.1\nb = 0.2\n").unwrap();
    assert_eq!(
        values,
        vec![Value::Number(Exact::from(Decimal::new(3, 1)))],
        "0.1 + 0.2 is 0.3, not 0.30000000000000004"
    );
    assert_eq!(total.to_string(), "1.00");
    let (_, _, raw) = tiny(
        "rubric = \"tiny\"\ndepartment = \"d\"\nyear = 2024\na = 123456789012345678\nb = 2855.07\n",
    )
    .unwrap();
    assert_eq!(
        raw,
        vec!["123456789012345678".to_string(), "2855.07".to_string()],
        "18 digits survive unchanged"
    );
    let too_long = tiny(
        "rubric = \"tiny\"\ndepartment = \"d\"\nyear = 2024\na = 1234567890123456789\nb = 0\n",
    )
    .unwrap_err();
    assert!(
        too_long.contains("has 19 digits before the decimal point; at most 18 are accepted"),
        "{too_long}"
    );
    let (_, values, _) = tiny("rubric = \"tiny\"\ndepartment = \"d\"\nyear = 2024\na = 123456789012345678\nb = 0.0000000001\n").unwrap();
    assert_eq!(
        values,
        vec![Value::Number(Exact::from(
            Decimal::from_str_exact("123456789012345678.0000000001").unwrap()
        ))],
        "28 significant digits survive a sum; f64 would keep about 16"
    );
}
