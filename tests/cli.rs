//! The binary on the shipped seed example: totals, every published score, strict mode,
//! JSON, the table's shape, explain, and output into a closed pipe.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::Stdio;

use unicode_width::UnicodeWidthStr;

use crate::support::{Sandbox, example_text, indicator_nodes, repo};

fn published() -> toml::Table {
    crate::support::published_appendix()
}

fn seed_json(extra: &[&str]) -> serde_json::Value {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let mut args = vec!["score", "seed.toml", "--format", "json"];
    args.extend_from_slice(extra);
    let run = sb.run(&args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Every indicator of a JSON report by name: (score, points, children's names).
fn by_name(json: &serde_json::Value) -> BTreeMap<String, serde_json::Value> {
    indicator_nodes(json)
        .into_iter()
        .map(|n| (n["name"].as_str().unwrap().to_string(), n))
        .collect()
}

#[test]
fn seed_example_reproduces_every_published_score() {
    let json = seed_json(&[]);
    let published = published();
    assert_eq!(json["total"], published["total"].as_str().unwrap());
    assert_eq!(json["grade"], published["grade"].as_str().unwrap());
    let nodes = by_name(&json);
    let scores = published["scores"].as_table().unwrap();
    assert_eq!(scores.len(), 21, "附件一 has 21 third-level indicators");
    for (name, want) in scores {
        let node = nodes
            .get(name)
            .unwrap_or_else(|| panic!("no indicator {name}"));
        assert_eq!(node["level"], 3, "{name}");
        let got: rust_decimal::Decimal = node["score"].as_str().unwrap().parse().unwrap();
        let want: rust_decimal::Decimal = want.as_str().unwrap().parse().unwrap();
        assert_eq!(got, want, "{name}");
    }
    // Each second-level subtotal is the sum of its published third-level scores.
    let seconds: Vec<_> = nodes.values().filter(|n| n["level"] == 2).collect();
    assert_eq!(seconds.len(), 11);
    for node in seconds {
        let want: rust_decimal::Decimal = node["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                scores[c["name"].as_str().unwrap()]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum();
        let got: rust_decimal::Decimal = node["score"].as_str().unwrap().parse().unwrap();
        assert_eq!(got, want, "{}", node["name"]);
    }
    assert_eq!(nodes.values().filter(|n| n["level"] == 1).count(), 3);
}

#[test]
fn strict_ignores_the_override_and_scores_the_rule() {
    let json = seed_json(&["--strict"]);
    assert_eq!(json["total"], "96.11");
    assert_eq!(json["strict"], true);
    let node = &by_name(&json)["编外人员控制率"];
    assert_eq!(node["score"], "0.00");
    assert_eq!(node["leaf"]["override"]["applied"], false);
}

#[test]
fn json_traces_the_override_and_the_facts_behind_a_score() {
    let json = seed_json(&[]);
    let nodes = by_name(&json);
    let staff = &nodes["编外人员控制率"]["leaf"];
    assert_eq!(staff["rule_score"], "0.00");
    assert_eq!(staff["override"]["score"], "1");
    assert_eq!(staff["override"]["applied"], true);
    assert!(
        staff["override"]["reason"]
            .as_str()
            .unwrap()
            .contains("66 人")
    );
    let procurement = &nodes["政府采购执行情况"]["leaf"];
    let facts: Vec<(&str, &str)> = procurement["facts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["path"].as_str()?, f["value"].as_str()?)))
        .collect();
    assert!(facts.contains(&("procurement.plan", "158.75")), "{facts:?}");
    assert!(
        facts.contains(&("procurement.actual", "157.46")),
        "{facts:?}"
    );
    let rate = &procurement["values"][0];
    assert_eq!(rate["name"], "rate");
    // 157.46 / 158.75 has no finite decimal expansion: JSON carries the exact fraction,
    // and the rounded value only beside it, named as such.
    assert_eq!(rate["value"], "15746/15875");
    assert_eq!(rate["approx"], "0.991874");
    // Decimals are strings everywhere: no JSON number can lose digits.
    assert!(json["total"].is_string() && json["points"].is_string());
}

#[test]
fn table_has_the_shape_of_appendix_one_and_aligns_chinese_text() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    for width in [120u16, 80] {
        let run = sb.run_zh(&["score", "seed.toml", "--width", &width.to_string()]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let table: Vec<&str> = run
            .stdout
            .lines()
            .filter(|l| l.starts_with(['│', '┌', '└', '╞', '├']))
            .collect();
        assert!(table.len() > 40);
        let widths: Vec<usize> = table.iter().map(|l| l.width()).collect();
        assert!(
            widths.iter().all(|w| *w == widths[0]),
            "ragged table at width {width}: {widths:?}"
        );
        assert!(widths[0] <= usize::from(width));
        insta::assert_snapshot!(format!("seed_table_width_{width}"), run.stdout);
    }
}

#[test]
fn table_prints_total_grade_and_override_note() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    // The figures the table must show, from the engine's JSON of the same file.
    let figures = |extra: &[&str]| {
        let mut args = vec!["score", "seed.toml", "--format", "json"];
        args.extend(extra);
        let json: serde_json::Value = sb.json(&args);
        let line = format!(
            "总分 {} / {}，等级：{}",
            json["total"].as_str().unwrap(),
            json["points"].as_str().unwrap(),
            json["grade"].as_str().unwrap()
        );
        (line, crate::support::rule_score(&json, "编外人员控制率"))
    };
    let (total_line, rule) = figures(&[]);
    let run = sb.run_zh(&["score", "seed.toml", "--width", "120"]);
    assert!(run.stdout.contains(&total_line), "{}", run.stdout);
    assert!(run.stdout.contains(&format!(
        "* 编外人员控制率：规则得分 {rule}，人工调整为 1.00。理由："
    )));
    let (strict_line, _) = figures(&["--strict"]);
    let strict = sb.run_zh(&["score", "seed.toml", "--width", "120", "--strict"]);
    assert!(strict.stdout.contains(&strict_line), "{}", strict.stdout);
    assert!(!strict.stdout.contains("1.00*"));
}

#[test]
fn explain_shows_rule_facts_values_and_points() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let by_id = sb.run(&["explain", "seed.toml", "procurement"]);
    let by_name = sb.run(&["explain", "seed.toml", "政府采购执行情况"]);
    assert_eq!(by_id.code, Some(0), "{}", by_id.stderr);
    assert_eq!(by_id.stdout, by_name.stdout);
    insta::assert_snapshot!("explain_procurement", by_id.stdout);
    let overridden = sb.run(&["explain", "seed.toml", "编外人员控制率"]);
    assert!(
        overridden
            .stdout
            .contains("staff.outside (编外人员数) = 60 人"),
        "{}",
        overridden.stdout
    );
    assert!(overridden.stdout.contains("= 60/71 ≈0.84507 (≈84.51%)"));
    assert!(
        overridden
            .stdout
            .contains("overridden in the facts file → 1.00")
    );
    let parent = sb.run(&["explain", "seed.toml", "资金管理"]);
    assert!(
        parent
            .stdout
            .contains("政府采购执行情况 (procurement) 1.99 / 2"),
        "{}",
        parent.stdout
    );
    assert!(parent.stdout.contains("= 7.99 / 8"));
}

#[test]
fn explain_suggests_a_close_indicator_name() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let run = sb.run(&["explain", "seed.toml", "政府采购执行"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: rubric `luohu-dept-overall-2023` has no indicator `政府采购执行`\n = help: did you mean `政府采购执行情况`?\n"
    );
}

#[test]
fn rubric_given_by_path_rescores_a_file_that_names_another() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    sb.write(
        "local.toml",
        rubric.replace("id = \"luohu-dept-overall-2023\"", "id = \"local-variant\""),
    );
    // The file names another rubric: it is scored under the one given, and says so.
    let run = sb.run_zh(&["score", "seed.toml", "--rubric", "local.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("说明：按 local-variant 评分，本文件原注明的是 luohu-dept-overall-2023"),
        "{}",
        run.stdout
    );
    let json = sb.run_zh(&[
        "score",
        "seed.toml",
        "--rubric",
        "local.toml",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        json["receipt"]["facts_rubric_id"],
        "luohu-dept-overall-2023"
    );
    assert_eq!(json["rubric"]["id"], "local-variant");
    sb.write("same.toml", rubric);
    let run = sb.run_zh(&["score", "same.toml", "--rubric", "same.toml"]);
    assert_eq!(run.code, Some(2), "a rubric is not a facts file");
    let run = sb.run_zh(&[
        "score",
        "seed.toml",
        "--rubric",
        "same.toml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("\"total\": \"97.11\""));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let mut child = sb
        .command(&["score", "seed.toml", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the binary writes.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn score_works_from_any_directory() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    // The sandbox is outside the repository: the rubric comes from the binary itself.
    assert!(!sb.path().starts_with(repo()));
    let run = sb.run(&["score", "seed.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn rubrics_lists_the_shipped_rubrics() {
    let run = Sandbox::new().run(&["rubric", "list"]);
    assert_eq!(run.code, Some(0));
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "example-local-project-2020",
            "luohu-dept-overall-2023",
            "mof-project-2020"
        ]
    );
    assert!(
        run.stdout
            .contains("luohu-dept-overall-2023\tv1\t2023\t部门整体支出绩效评价共性指标体系框架\t"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_override_answers_for_a_rule_that_cannot_be_computed() {
    let sb = Sandbox::new();
    let facts = crate::support::edited_example(&[
        ("approved_posts = 12", "approved_posts = 0"),
        (
            "[overrides]\n",
            "[overrides]\n\"财政供养人员控制率\" = { score = 1, reason = \"编制数待核定\" }\n",
        ),
    ]);
    sb.write("seed.toml", &facts);
    let run = sb.run(&["score", "seed.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let leaf = &by_name(&json)["财政供养人员控制率"]["leaf"];
    assert_eq!(leaf["outcome"], "rule_failed");
    assert!(
        leaf["outcome_reason"]
            .as_str()
            .unwrap()
            .starts_with("division by zero: `staff.approved_posts` is 0")
    );
    assert_eq!(json["total"], "97.11");
    let strict = sb.run(&["score", "seed.toml", "--strict"]);
    assert_eq!(
        strict.code,
        Some(2),
        "without overrides the rule's failure stands"
    );
    assert!(
        strict
            .stderr
            .contains("cannot score `财政供养人员控制率`: division by zero"),
        "{}",
        strict.stderr
    );
}

#[test]
fn explain_works_when_another_indicator_cannot_be_scored() {
    let sb = Sandbox::new();
    sb.write(
        "seed.toml",
        crate::support::edited_example(&[(
            "total = 505.8\nin_use = 505.8",
            "total = 0\nin_use = 0",
        )]),
    );
    let other = sb.run(&["explain", "seed.toml", "procurement"]);
    assert_eq!(other.code, Some(0), "{}", other.stderr);
    assert!(other.stdout.contains("Score: 1.99 / 2"));
    let broken = sb.run(&["explain", "seed.toml", "资产管理"]);
    assert_eq!(broken.code, Some(2));
    assert!(
        broken.stderr.contains("cannot score `固定资产利用率`"),
        "{}",
        broken.stderr
    );
}

#[test]
fn errors_into_a_closed_stderr_end_without_a_panic() {
    let sb = Sandbox::new();
    sb.write("bad.toml", "rubric = \"nope\"\n");
    let mut child = sb
        .command(&["score", "bad.toml"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

#[test]
fn an_override_over_a_failed_rule_says_the_rule_failed_and_never_shows_a_zero() {
    let sb = Sandbox::new();
    sb.write("seed.toml", crate::support::override_over_a_failed_rule());
    let json = sb.run(&["score", "seed.toml", "--format", "json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let node = crate::support::indicator_nodes(&json)
        .into_iter()
        .find(|n| n["name"] == "固定资产利用率")
        .unwrap();
    let leaf = &node["leaf"];
    assert_eq!(leaf["outcome"], "rule_failed");
    assert!(leaf["rule_score"].is_null(), "{leaf}");
    assert!(
        leaf["raw"].is_null(),
        "no sum of parts was computed: {leaf}"
    );
    assert_eq!(
        leaf["basis"]
            .as_str()
            .unwrap()
            .matches("the rule cannot be computed")
            .count(),
        1,
        "{leaf}"
    );
    assert!(
        leaf["outcome_reason"]
            .as_str()
            .unwrap()
            .contains("division by zero: `fixed_assets.total` is 0"),
        "{leaf}"
    );
    assert_eq!(node["score"], "1.00");
    let table = sb.run(&["score", "seed.toml", "--width", "200"]);
    let note = table
        .stdout
        .lines()
        .find(|l| l.starts_with("* 固定资产利用率"))
        .unwrap();
    assert!(
        note.contains("the rule cannot be computed (division by zero")
            && note.contains("overridden to 1.00")
            && !note.contains("rule score 0"),
        "{note}"
    );
}
