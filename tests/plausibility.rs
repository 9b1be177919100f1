//! Plausibility rules: figures that cannot be true are refused by every command, with
//! every fact of the broken rule named with its value and line.

use crate::support::{Sandbox, edited_example, repo};

/// The reported case: 7,901 of 812.4 in use, 21 of 12 projects on time, satisfaction
/// 932%. Scored as if real it moved a department to 优.
fn impossible() -> String {
    let text = edited_example(&[
        (
            "total = 505.8\nin_use = 505.8",
            "total = 812.4\nin_use = 7901",
        ),
        (
            "planned = 8\non_time = { value = 8,",
            "planned = 12\non_time = { value = 21,",
        ),
    ]);
    let start = text.find("tier = { value = \"满意度≥95%\"").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    format!("{}rate = \"932%\"{}", &text[..start], &text[end..])
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn impossible_figures_are_refused_by_every_command_naming_facts_and_lines() {
    let text = impossible();
    let sb = Sandbox::new();
    sb.write("impossible.toml", &text);
    let in_use = line_of(&text, "in_use = 7901");
    let total = line_of(&text, "total = 812.4");
    let on_time = line_of(&text, "on_time = { value = 21");
    let rate = line_of(&text, "rate = \"932%\"");
    for args in [
        vec!["score", "impossible.toml"],
        vec!["explain", "impossible.toml", "固定资产利用率"],
        vec!["check", "impossible.toml"],
    ] {
        let run = sb.run(&args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stdout);
        for expected in [
            format!("fixed_assets.in_use (实际在用固定资产原值总额) = 7901, line {in_use}"),
            format!("fixed_assets.total (固定资产原值总额) = 812.4, line {total}"),
            format!("projects.on_time (按计划时间完成的项目数) = 21 个, line {on_time}"),
            "projects.planned (计划完成项目总数) = 12 个".to_string(),
            format!("satisfaction.rate (满意度) = 932.00%, line {rate}"),
        ] {
            assert!(
                run.stderr.contains(&expected),
                "{args:?}: `{expected}` in\n{}",
                run.stderr
            );
        }
        assert_eq!(
            run.stderr.matches("these figures cannot be true").count(),
            3,
            "{}",
            run.stderr
        );
    }
    // batch: an error row, the other file still scored.
    let run = sb.run(&[
        "batch",
        "impossible.toml",
        repo().join("examples/luohu-2023.toml").to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    let rows: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{}", run.stdout);
    let failed = rows.iter().find(|r| r["status"] == "error").unwrap();
    let error = failed["error"].as_str().unwrap();
    // One cell names every broken rule with its facts and lines.
    for expected in [
        format!("impossible.toml:{in_use}:10: these figures cannot be true"),
        format!("fixed_assets.total (固定资产原值总额) = 812.4, line {total}"),
        format!("projects.on_time (按计划时间完成的项目数) = 21 个, line {on_time}"),
        format!("satisfaction.rate (满意度) = 932.00%, line {rate}"),
    ] {
        assert!(error.contains(&expected), "{expected}: {error}");
    }
    assert!(rows.iter().any(|r| r["total"] == "97.11"), "{}", run.stdout);
}

#[test]
fn cumulative_spending_that_falls_is_refused() {
    let sb = Sandbox::new();
    sb.write(
        "falls.toml",
        edited_example(&[("spent = 1822.83\n", "spent = 1000\n")]),
    );
    let run = sb.run(&["score", "falls.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("cumulative_spending_q3")
            && run
                .stderr
                .contains("execution.q3.spent (三季度末累计支出) = 1000"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("cumulative_spending_q4"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_rate_without_an_upper_bound_is_linted() {
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    let sb = Sandbox::new();
    // A rule that bounds the satisfaction rate only from below leaves it unbounded; a
    // stated rate that loses `unbounded = true` is linted too.
    let edited = crate::support::edited(
        rubric,
        &[
            (
                "holds = \"satisfaction.rate <= 100%\"",
                "holds = \"satisfaction.rate >= 0\"",
            ),
            (
                "label = \"全年平均执行率（报告所列）\", meaning = \"报告所列全年平均执行率\", unbounded = true }",
                "label = \"全年平均执行率（报告所列）\", meaning = \"报告所列全年平均执行率\" }",
            ),
        ],
    );
    sb.write("rubric.toml", edited);
    let run = sb.run(&["rubric", "check", "rubric.toml"]);
    for fact in ["satisfaction.rate", "stated.mean_rate"] {
        assert!(
            run.stdout.contains(&format!("rate fact `{fact}`"))
                || run.stderr.contains(&format!("rate fact `{fact}`")),
            "{fact}: {}{}",
            run.stdout,
            run.stderr
        );
    }
    assert!(run.stderr.contains("has no upper bound") || run.stdout.contains("has no upper bound"));
}

#[test]
fn a_variant_can_drop_a_plausibility_rule_by_id() {
    let sb = Sandbox::new();
    sb.write(
        "variant.toml",
        r#"[rubric]
id = "lenient-assets"
extends = "luohu-dept-overall-2023"
version = "1"
title = "不检查在用固定资产的变体（测试用）"

[[plausibility]]
id = "assets_in_use"
remove = true
"#,
    );
    let text = edited_example(&[
        (
            "rubric = \"luohu-dept-overall-2023\"",
            "rubric = \"lenient-assets\"",
        ),
        (
            "total = 505.8\nin_use = 505.8",
            "total = 500\nin_use = 505.8",
        ),
    ]);
    sb.write("facts.toml", text);
    let run = sb.run(&["score", "facts.toml", "--rubric", "variant.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = sb.run(&[
        "score",
        "facts.toml",
        "--rubric",
        "variant.toml",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["rubric"]["id"], "lenient-assets");
    assert_eq!(json["grade"], "优");
}

#[test]
fn a_rule_the_figures_cannot_be_checked_against_is_an_error() {
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    let edited = crate::support::edited(
        rubric,
        &[(
            "holds = \"satisfaction.rate <= 100%\"",
            "holds = \"fixed_assets.in_use / fixed_assets.total <= 1\"",
        )],
    );
    let sb = Sandbox::new();
    sb.write("rubric.toml", edited);
    sb.write(
        "facts.toml",
        edited_example(&[("total = 505.8\nin_use = 505.8", "total = 0\nin_use = 0")]),
    );
    let run = sb.run(&["score", "facts.toml", "--rubric", "rubric.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("the figures cannot be checked against 满意度不超过 100% (satisfaction_rate): division by zero"),
        "{}",
        run.stderr
    );
}
