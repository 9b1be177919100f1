//! The project self-assessment framework (mof-project-2020): indicators listed by each
//! facts file, scored forward, reverse, exact, qualitative and not applicable.

use std::collections::BTreeMap;

use crate::support::{Sandbox, repo};

fn project_text() -> String {
    std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap()
}

/// The project example with each `(from, to)` replacement applied once.
fn edited(edits: &[(&str, &str)]) -> String {
    crate::support::edited(project_text(), edits)
}

/// Scores by indicator name, from the JSON output; or the error text.
fn scores(text: &str) -> Result<(BTreeMap<String, String>, serde_json::Value), String> {
    let sb = Sandbox::new();
    sb.write("p.toml", text);
    let run = sb.run(&["score", "p.toml", "--format", "json"]);
    if run.code != Some(0) {
        return Err(run.stderr);
    }
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let out = crate::support::indicator_nodes(&json)
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_string(),
                n["score"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    Ok((out, json))
}

#[test]
fn the_example_scores_as_worked_by_hand() {
    let expected: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("tests/fixtures/project-2024-expected.toml")).unwrap(),
    )
    .unwrap();
    let (got, json) = scores(&project_text()).unwrap();
    assert_eq!(json["total"], expected["total"].as_str().unwrap());
    assert_eq!(json["grade"], expected["grade"].as_str().unwrap());
    for section in ["scores", "subtotals"] {
        for (name, want) in expected[section].as_table().unwrap() {
            assert_eq!(got.get(name).map(String::as_str), want.as_str(), "{name}");
        }
    }
    // The 11 listed items and the execution rate: every leaf is pinned.
    assert_eq!(expected["scores"].as_table().unwrap().len(), 12);
}

fn item_score(edits: &[(&str, &str)], name: &str) -> String {
    let (got, _) = scores(&edited(edits)).unwrap_or_else(|e| panic!("{e}"));
    got[name].clone()
}

fn error(edits: &[(&str, &str)]) -> String {
    match scores(&edited(edits)) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn forward_items_score_in_proportion_and_cap_at_the_weight() {
    assert_eq!(
        item_score(
            &[("actual = 1100", "actual = 500\ndeviation = \"x\"")],
            "培训人次"
        ),
        "7.50"
    );
    assert_eq!(
        item_score(&[("actual = 1100", "actual = 1000")], "培训人次"),
        "15.00"
    );
    assert_eq!(
        item_score(&[("actual = 1100", "actual = 99999")], "培训人次"),
        "15.00",
        "exceeding never earns more"
    );
}

#[test]
fn reverse_items_score_target_over_actual() {
    assert_eq!(
        item_score(&[("actual = 320", "actual = 300")], "人均培训成本"),
        "5.00"
    );
    assert_eq!(
        item_score(&[("actual = 320", "actual = 600")], "人均培训成本"),
        "2.50"
    );
    assert_eq!(
        item_score(&[("actual = 320", "actual = 0")], "人均培训成本"),
        "5.00",
        "no cost at all meets a cost ceiling"
    );
}

#[test]
fn exact_items_are_met_or_not() {
    let missed = [(
        "target = 4\nactual = 4",
        "target = 4\nactual = 3\ndeviation = \"少办一期\"",
    )];
    assert_eq!(item_score(&missed, "举办培训班期数"), "0.00");
}

#[test]
fn qualitative_scores_must_lie_in_their_band() {
    assert_eq!(
        item_score(&[("score = 7\n", "score = 6\n")], "群众对政策的知晓度"),
        "7.20",
        "6 of 10, rescaled to 12"
    );
    let e = error(&[("score = 7\n", "score = 8\n")]);
    assert!(e.contains("the score 8 of `群众对政策的知晓度` lies outside the band of `部分达成`: ≥ 6 and < 8 (of weight 10)"), "{e}");
    let e = error(&[("outcome = \"部分达成\"", "outcome = \"部分完成\"")]);
    assert!(
        e.contains("`部分完成` is not an outcome of this list"),
        "{e}"
    );
}

#[test]
fn a_not_applicable_item_shares_its_weight_out() {
    // Without the "/" item, the benefit weights stand as written.
    let applies = [(
        "actual = \"/\"\nreason = \"本项目为培训类项目，不涉及生态效益\"",
        "direction = \">=\"\ntarget = 1\nactual = 1",
    )];
    let (got, _) = scores(&edited(&applies)).unwrap();
    assert_eq!(got["受训人员就业率"], "9.38", "10 × 75% / 80%");
    assert_eq!(got["生态效益"], "5.00");
    let (rescaled, json) = scores(&project_text()).unwrap();
    assert_eq!(rescaled["生态效益"], "0.00");
    assert_eq!(rescaled["效益指标"], "25.65");
    let text = json.to_string();
    assert!(
        text.contains("\"scored_weight\":\"12\""),
        "the output shows the rescaled weight"
    );
}

#[test]
fn weights_that_do_not_fill_a_group_are_an_error_naming_it() {
    let e = error(&[("weight = 15\n", "weight = 14\n")]);
    assert!(
        e.contains(
            "the weights of the `output` indicators add up to 49, but `产出指标` has 50 points"
        ),
        "{e}"
    );
}

#[test]
fn a_missed_target_needs_its_deviation() {
    let e = error(&[("deviation = \"场地租金上涨；下年度改用单位自有场地\"\n", "")]);
    assert!(
        e.contains(
            "`人均培训成本` misses its target and needs `deviation` (偏差原因分析及改进措施)"
        ),
        "{e}"
    );
}

#[test]
fn explain_shows_a_listed_item() {
    let sb = Sandbox::new();
    sb.write("p.toml", project_text());
    let run = sb.run(&["explain", "p.toml", "人均培训成本"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("score = if actual <= target then weight else if target <= 0 then 0 else weight * target / actual"), "{}", run.stdout);
    assert!(
        run.stdout.contains("target ≤300 元, actual 320 元"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Reason for the deviation: 场地租金上涨")
    );
    assert!(run.stdout.contains("Score: 4.69 / 5"));
}

#[test]
fn a_weight_finer_than_the_rubrics_scale_is_refused() {
    let e = error(&[("weight = 15\n", "weight = 14.995\n")]);
    assert!(
        e.contains("the weight 14.995 of `培训人次` has more decimal places than the rubric's 2"),
        "{e}"
    );
}

#[test]
fn a_percentage_against_a_plain_number_is_refused() {
    let e = error(&[(
        "target = \"95%\"\nactual = \"96%\"",
        "target = \"95%\"\nactual = 90",
    )]);
    assert!(
        e.contains("the target and the actual value of `培训合格率` must both be percentages"),
        "{e}"
    );
}

#[test]
fn every_list_must_be_there_and_must_leave_something_to_score() {
    let text = project_text();
    let start = text.find("# ---- 满意度指标").unwrap();
    let e = match scores(&text[..start]) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    };
    assert!(
        e.contains(
            "the facts file lists no `[[satisfaction]]` indicators for `满意度指标` (10 points)"
        ),
        "{e}"
    );
    let all_slash = text.replace(
        "direction = \">=\"\ntarget = \"90%\"\nactual = \"92%\"",
        "actual = \"/\"\nreason = \"未调查\"",
    );
    let e = match scores(&all_slash) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    };
    assert!(e.contains("every `satisfaction` indicator is written \"/\": `满意度指标` has no indicator left to share its 10 points"), "{e}");
}

#[test]
fn listed_names_must_identify_one_indicator() {
    let e = error(&[("name = \"参训人员满意度\"", "name = \"培训人次\"")]);
    assert!(
        e.contains("two listed indicators are named `培训人次`"),
        "{e}"
    );
    let e = error(&[("level2 = \"服务对象满意度指标\"", "level2 = \"数量指标\"")]);
    assert!(
        e.contains("`level2 = \"数量指标\"` is used under both `产出指标` and `满意度指标`"),
        "{e}"
    );
}

#[test]
fn a_zero_target_never_divides() {
    let edits = [(
        "target = 1000\nactual = 1100",
        "target = 0\nactual = -5\ndeviation = \"x\"",
    )];
    assert_eq!(item_score(&edits, "培训人次"), "0.00");
}

#[test]
fn overrides_name_the_rubrics_indicators_not_listed_ones() {
    let text = project_text() + "\n[overrides]\n\"人均培训成本\" = { score = 5, reason = \"x\" }\n";
    let e = scores(&text).err().unwrap();
    assert!(
        e.contains("a listed indicator's score follows from its own figures: correct them instead"),
        "{e}"
    );
    let text = project_text() + "\n[overrides]\n\"产出指标\" = { score = 50, reason = \"x\" }\n";
    let e = scores(&text).err().unwrap();
    assert!(
        e.contains(
            "`产出指标` is scored from the indicators the facts file lists and cannot be overridden"
        ),
        "{e}"
    );
}

#[test]
fn a_row_named_like_a_rubric_indicator_scores_and_is_found_by_its_path() {
    // A 时效指标 row called 预算执行率, as many published tables have it.
    let text = edited(&[("name = \"项目完成时间\"", "name = \"预算执行率\"")])
        + "\n[claimed.scores]\n\"产出指标/时效指标/预算执行率\" = 5\n\"预算执行率\" = 9.2\n";
    let (got, json) = scores(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        json["total"],
        crate::support::example_total("project-2024.toml")
    );
    assert!(got.contains_key("预算执行率"));
    let sb = Sandbox::new();
    sb.write("p.toml", &text);
    let by_path = sb.run_zh(&["explain", "p.toml", "产出指标/时效指标/预算执行率"]);
    assert_eq!(by_path.code, Some(0), "{}", by_path.stderr);
    assert!(
        by_path.stdout.contains("目标 ≤12 月，实际 11 月"),
        "{}",
        by_path.stdout
    );
    // The bare name is the rubric's own indicator.
    let by_name = sb.run_zh(&["explain", "p.toml", "预算执行率"]);
    assert!(
        by_name.stdout.starts_with("预算执行率（execution）"),
        "{}",
        by_name.stdout
    );
    let check = sb.run_zh(&["check", "p.toml", "--format", "json"]);
    assert!(!check.stdout.contains("\"unknown\""), "{}", check.stdout);
}

#[test]
fn a_not_applicable_row_without_weight_leaves_the_group_to_the_others() {
    // A published case: 生态效益 written "/" with no 分值, the three other rows filling 30.
    let text = edited(&[
        ("weight = 5\nactual = \"/\"", "actual = \"/\""),
        (
            "name = \"受训人员就业率\"\nweight = 10",
            "name = \"受训人员就业率\"\nweight = 15",
        ),
    ]);
    let (got, json) = scores(&text).unwrap_or_else(|e| panic!("{e}"));
    // 15 × 75/80 = 14.0625 → 14.06; the other rows keep their own weights.
    assert_eq!(got["受训人员就业率"], "14.06");
    assert_eq!(got["培训课程资源可持续使用"], "5.00");
    let node = crate::support::indicator_nodes(&json)
        .into_iter()
        .find(|n| n["name"] == "生态效益")
        .unwrap();
    assert_eq!(node["not_applicable"], true);
    assert_eq!(node["points"], "0");
    let sb = Sandbox::new();
    sb.write("p.toml", &text);
    let table = sb.run_zh(&["score", "p.toml", "--width", "160"]);
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("┆ 生态效益 "))
        .unwrap();
    assert!(row.contains("┆    / ┆ 不适用 ┆"), "{row}");
    let explain = sb.run_zh(&["explain", "p.toml", "生态效益"]);
    assert!(explain.stdout.contains("不适用（/）"), "{}", explain.stdout);
    // Without the weight and without the others filling the group, the weights are short.
    let e = error(&[("weight = 5\nactual = \"/\"", "actual = \"/\"")]);
    assert!(
        e.contains("add up to 25, but `效益指标` has 30 points"),
        "{e}"
    );
}

#[test]
fn a_missed_reverse_target_at_or_below_zero_never_scores_full_marks() {
    let missed = [(
        "direction = \"<=\"\ntarget = 12\nactual = 11",
        "direction = \"<=\"\ntarget = \"-5%\"\nactual = \"-3%\"\ndeviation = \"x\"",
    )];
    assert_eq!(item_score(&missed, "项目完成时间"), "0.00");
    let zero = [(
        "direction = \"<=\"\ntarget = 12\nactual = 11",
        "direction = \"<=\"\ntarget = \"-5%\"\nactual = \"0%\"\ndeviation = \"x\"",
    )];
    assert_eq!(item_score(&zero, "项目完成时间"), "0.00");
    let met = [(
        "direction = \"<=\"\ntarget = 12\nactual = 11",
        "direction = \"<=\"\ntarget = \"-5%\"\nactual = \"-6%\"",
    )];
    assert_eq!(item_score(&met, "项目完成时间"), "5.00");
}

#[test]
fn a_rubric_formula_that_gives_a_missed_target_full_marks_is_refused() {
    let rubric = std::fs::read_to_string(repo().join("rubrics/mof-project-2020.toml")).unwrap();
    let old = "lower = \"if actual <= target then weight else if target <= 0 then 0 else weight * target / actual\"";
    let lenient = "lower = \"if actual <= target then weight else weight\"";
    let sb = Sandbox::new();
    sb.write("rubric.toml", rubric.replacen(old, lenient, 1));
    sb.write("p.toml", project_text());
    let run = sb.run(&["score", "p.toml", "--rubric", "rubric.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(
            "`人均培训成本` misses its target (target ≤ 300, actual 320), but the rubric's formula"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_not_applicable_row_scored_anyway_keeps_its_points_on_show() {
    // A rubric that counts "/" rows as met: the row's 5 points are real and shown.
    let rubric = std::fs::read_to_string(repo().join("rubrics/mof-project-2020.toml")).unwrap();
    let sb = Sandbox::new();
    sb.write(
        "rubric.toml",
        rubric.replace("not_applicable = \"rescale\"", "not_applicable = \"full\""),
    );
    sb.write("p.toml", project_text());
    let table = sb.run_zh(&[
        "score",
        "p.toml",
        "--rubric",
        "rubric.toml",
        "--width",
        "160",
    ]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("┆ 生态效益 "))
        .unwrap();
    assert!(row.contains("┆    5 ┆  5.00 ┆"), "{row}");
    assert!(!table.stdout.contains("┆ 不适用 ┆"), "{}", table.stdout);
}

#[test]
fn a_qualitative_row_with_a_slash_target_is_scored_by_its_outcome() {
    let (got, _) = scores(&edited(&[(
        "outcome = \"达成\"\nscore = 5",
        "target = \"/\"\noutcome = \"达成\"\nscore = 5",
    )]))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got["培训课程资源可持续使用"], "6.00");
}
