//! `perfeval check` on the seed example and on submissions with one thing wrong each;
//! `perfeval rubric check` on rubrics with one lint each.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::support::{Run, Sandbox, edited_example, example_text, repo};

fn check(facts: &str, args: &[&str]) -> Run {
    let sb = Sandbox::new();
    sb.write("facts.toml", facts);
    let mut all = vec!["check", "facts.toml"];
    all.extend_from_slice(args);
    sb.run(&all)
}

fn check_json(facts: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = check(facts, &all);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", run.stdout, run.stderr));
    (run.code, json)
}

/// (severity, kind, id) of every finding.
fn findings(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["kind"].as_str().unwrap().to_string(),
                f["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The error findings only.
fn errors(json: &serde_json::Value) -> Vec<(String, String, String)> {
    findings(json)
        .into_iter()
        .filter(|f| f.0 == "error")
        .collect()
}

fn triple(s: &str, k: &str, id: &str) -> (String, String, String) {
    (s.to_string(), k.to_string(), id.to_string())
}

#[test]
fn the_seed_passes_with_the_override_and_the_discrepancies_as_warnings() {
    let (code, json) = check_json(&example_text(), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(json["passed"], true);
    assert_eq!(
        findings(&json),
        vec![
            triple("warning", "overridden", "outside_staff_control"),
            triple("warning", "consistency", "budget_parts"),
            triple("warning", "consistency", "q4_budget"),
            triple("warning", "consistency", "stated_sangong_rate"),
        ]
    );
    let parts = &json["findings"][1];
    assert_eq!(
        parts["message"],
        "基本支出 + 项目支出 = 调整后预算数 (budget_parts): 2936.74 ≠ 2936.76, difference -0.02"
    );
    let text = check(&example_text(), &[]);
    assert_eq!(text.code, Some(0));
    insta::assert_snapshot!("seed_check_text", text.stdout);
}

#[test]
fn strict_fails_naming_the_overridden_indicator() {
    let run = check(&example_text(), &["--strict"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("error: 编外人员控制率: claimed 1 is an override; the rule gives 0.00"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("FAIL: 4 errors, 0 warnings"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_claimed_score_off_by_a_cent_is_caught_and_named() {
    let facts = edited_example(&[("\"政府采购执行情况\" = 1.99", "\"政府采购执行情况\" = 2.00")]);
    let (code, json) = check_json(&facts, &[]);
    assert_eq!(code, Some(1));
    let errors = errors(&json);
    assert_eq!(
        errors,
        vec![
            triple("error", "differs", "procurement"),
            triple("error", "claim_sum", "total")
        ]
    );
    let first = &json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "differs")
        .unwrap();
    assert_eq!(
        first["message"],
        "政府采购执行情况: claimed 2.00, computed 1.99"
    );
    let details: Vec<&str> = first["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        details.contains(&"claimed 2.00, computed 1.99, difference +0.01"),
        "{details:?}"
    );
    assert!(
        details.iter().any(
            |d| d.starts_with("fact procurement.plan (政府采购计划金额) = 158.75 (facts.toml:")
        ),
        "{details:?}"
    );
    let line = example_text()
        .lines()
        .position(|l| l.starts_with("\"政府采购执行情况\" = "))
        .unwrap()
        + 1;
    assert_eq!(first["lines"], serde_json::json!([line]));
}

#[test]
fn a_claimed_total_that_is_not_the_sum_of_the_claimed_scores_is_caught() {
    // The claimed scores are right; only the total is off.
    let facts = edited_example(&[("total = 97.11", "total = 97.21")]);
    let (code, json) = check_json(&facts, &[]);
    assert_eq!(code, Some(1));
    let errors = errors(&json);
    assert_eq!(
        errors,
        vec![
            triple("error", "differs", "total"),
            triple("error", "claim_sum", "total")
        ]
    );
    let sum = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "claim_sum")
        .unwrap();
    assert_eq!(
        sum["message"],
        "total: claimed 97.21 is not the sum of the claimed scores (97.11)"
    );
}

#[test]
fn a_claimed_grade_that_does_not_match_its_total_is_caught() {
    let facts = edited_example(&[("grade = \"优\"", "grade = \"良\"")]);
    let (code, json) = check_json(&facts, &[]);
    assert_eq!(code, Some(1));
    let messages: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "grade")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // The claimed total is the file's; the computed total and grade the engine's.
    let computed = crate::support::example_json("luohu-2023.toml");
    let (total, grade) = (
        computed["total"].as_str().unwrap(),
        computed["grade"].as_str().unwrap(),
    );
    assert_eq!(
        messages,
        vec![
            "grade: claimed 良, but the claimed total 97.11 is 优".to_string(),
            format!("grade: claimed 良, computed {grade} (total {total})")
        ]
    );
}

#[test]
fn a_claim_for_an_unknown_indicator_is_an_error_with_a_suggestion() {
    let facts = edited_example(&[("\"项目监管\" = 2", "\"项目监督\" = 2")]);
    let (code, json) = check_json(&facts, &[]);
    assert_eq!(code, Some(1));
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "unknown_indicator")
        .unwrap();
    assert_eq!(
        f["message"],
        "claimed score for `项目监督`, which rubric `luohu-dept-overall-2023` does not have"
    );
    assert_eq!(f["details"][0], "did you mean `项目监管`?");
    // The real indicator is now computed but not claimed: a note.
    assert!(findings(&json).contains(&triple("note", "not_claimed", "project_oversight")));
}

#[test]
fn a_broken_error_severity_consistency_check_fails_the_submission() {
    // The seed's parts of the budget differ by 0.02 (a warning there); a rubric that makes
    // the check an error fails the same submission.
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    let rubric = crate::support::edited(
        rubric,
        &[(
            "name = \"基本支出 + 项目支出 = 调整后预算数\"\nseverity = \"warning\"",
            "name = \"基本支出 + 项目支出 = 调整后预算数\"\nseverity = \"error\"",
        )],
    );
    let sb = Sandbox::new();
    sb.write("rubric.toml", rubric);
    sb.write("facts.toml", example_text());
    let run = sb.run(&[
        "check",
        "facts.toml",
        "--rubric",
        "rubric.toml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(findings(&json).contains(&triple("error", "consistency", "budget_parts")));
}

#[test]
fn a_check_whose_figure_is_absent_is_skipped_with_a_note() {
    let facts = edited_example(&[("sangong_rate = \"96.73%\"", "")]);
    let (code, json) = check_json(&facts, &[]);
    assert_eq!(code, Some(0));
    assert!(findings(&json).contains(&triple("note", "not_checked", "stated_sangong_rate")));
}

#[test]
fn unusable_input_exits_2() {
    let run = check("rubric = \"luohu-dept-overall-2023\"\n[budget\n", &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("error: invalid TOML"),
        "{}",
        run.stderr
    );
}

/// Parses JUnit XML strictly; returns (test cases, failures, errors).
fn parse_junit(xml: &str) -> (usize, usize, usize) {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let (mut cases, mut failures, mut errors, mut depth) = (0, 0, 0, 0i32);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                depth += 1;
                match e.name().as_ref() {
                    b"failure" => failures += 1,
                    b"error" => errors += 1,
                    b"testcase" => cases += 1,
                    _ => {}
                }
                for a in e.attributes() {
                    a.unwrap_or_else(|err| panic!("bad attribute: {err}\n{xml}"));
                }
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == b"testcase" => cases += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => {
                assert!(
                    !t.iter().any(|b| *b < 0x20 && !b"\t\n\r".contains(b)),
                    "control character in XML text"
                );
            }
            Ok(_) => {}
            Err(e) => panic!("invalid XML: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    assert!(xml.starts_with("<?xml"));
    (cases, failures, errors)
}

#[test]
fn junit_is_valid_xml_with_one_failure_per_failing_case() {
    for strict in [false, true] {
        let args: &[&str] = if strict { &["--strict"] } else { &[] };
        // One claim off by a cent and a total off by a dime: the total fails twice.
        let facts = edited_example(&[
            ("\"政府采购执行情况\" = 1.99", "\"政府采购执行情况\" = 2.00"),
            ("total = 97.11", "total = 97.21"),
        ]);
        let (_, json) = check_json(&facts, args);
        let failing_cases: std::collections::BTreeSet<(String, String)> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| {
                (
                    f["subject"].as_str().unwrap().to_string(),
                    f["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut all = vec!["--format", "junit"];
        all.extend_from_slice(args);
        let run = check(&facts, &all);
        let (cases, failures, errors) = parse_junit(&run.stdout);
        assert_eq!(failures, failing_cases.len(), "strict = {strict}");
        assert_eq!(errors, 0);
        // 35 indicators, the total, the grade and 24 consistency checks.
        assert_eq!(cases, 35 + 2 + 24);
        let total_failure = run.stdout.find("name=\"总分 [total]\"").unwrap();
        assert!(
            run.stdout[total_failure..].contains("(and 1 more)"),
            "two errors on the total merge into one failure"
        );
    }
}

#[test]
fn junit_escapes_what_xml_cannot_hold() {
    let facts = edited_example(&[("\"项目监管\" = 2", "\"项目<监管>&\\u0001\" = 2")]);
    let run = check(&facts, &["--format", "junit"]);
    assert_eq!(run.code, Some(1));
    let (_, failures, _) = parse_junit(&run.stdout);
    assert!(failures >= 1);
    assert!(
        run.stdout.contains("项目&lt;监管&gt;&amp;\u{FFFD}"),
        "{}",
        run.stdout
    );
}

#[test]
fn junit_for_an_unreadable_file_reports_the_error() {
    let run = check(
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
        &["--format", "junit"],
    );
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("error: invalid TOML"),
        "{}",
        run.stderr
    );
    let (cases, failures, errors) = parse_junit(&run.stdout);
    assert_eq!((cases, failures, errors), (1, 0, 1));
    assert!(
        run.stdout
            .contains("message=\"error: invalid TOML: unclosed table, expected `]`\""),
        "{}",
        run.stdout
    );
}

#[test]
fn receipts_name_the_inputs_by_hash() {
    let text = example_text();
    let (_, first) = check_json(&text, &[]);
    let receipt = &first["receipt"];
    assert_eq!(receipt["perfeval_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(receipt["rubric_id"], "luohu-dept-overall-2023");
    assert_eq!(receipt["rubric_version"], "1");
    assert_eq!(
        receipt["facts_sha256"],
        perfeval::diagnostic::sha256_hex(text.as_bytes())
    );
    let rubric = std::fs::read(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    assert_eq!(
        receipt["rubric_sha256"],
        perfeval::diagnostic::sha256_hex(&rubric)
    );
    // One byte changed in a comment: the score is the same, the receipt is not.
    let changed = text.replacen("# 深圳市", "# 深圳巿", 1);
    assert_eq!(changed.len(), text.len());
    let (_, second) = check_json(&changed, &[]);
    assert_eq!(second["computed_total"], first["computed_total"]);
    assert_ne!(second["receipt"]["facts_sha256"], receipt["facts_sha256"]);
    assert_eq!(second["receipt"]["rubric_sha256"], receipt["rubric_sha256"]);
    // The score command carries the same receipt.
    let sb = Sandbox::new();
    sb.write("facts.toml", &text);
    let score: serde_json::Value = sb.json(&["score", "facts.toml", "--format", "json"]);
    assert_eq!(score["receipt"], first["receipt"]);
}

/// Runs `perfeval rubric check` on the shipped rubric with one edit; returns the output
/// and the line the edit starts on.
fn rubric_check(from: &str, to: &str) -> (Run, usize) {
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    assert_eq!(rubric.matches(from).count(), 1, "`{from}` must occur once");
    let at = rubric.find(from).unwrap();
    let line = rubric[..at].matches('\n').count() + 1;
    let sb = Sandbox::new();
    sb.write("rubric.toml", rubric.replacen(from, to, 1));
    (sb.run(&["rubric", "check", "rubric.toml"]), line)
}

#[test]
fn the_shipped_rubric_is_lint_free() {
    let run = Sandbox::new().run(&[
        "rubric",
        "check",
        repo()
            .join("rubrics/luohu-dept-overall-2023.toml")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("0 lint warning(s)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_tier_gap_is_reported_at_its_line() {
    let (run, line) = rubric_check(
        "{ at_least = \"75%\", below = \"90%\", points = 0.7 },\n",
        "",
    );
    assert_eq!(run.code, Some(1));
    // The gap is reported at the first tier of the list, the line before the removed one.
    assert!(
        run.stdout.contains(&format!("rubric.toml:{}:", line - 1)),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "leave a gap: values from 75% (inclusive) up to 90% (exclusive) fall in no tier"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn overlapping_tiers_are_reported_at_the_later_tier() {
    let (run, line) = rubric_check(
        "{ above = \"10%\", points = 0 },",
        "{ at_least = \"10%\", points = 0 },",
    );
    assert_eq!(run.code, Some(1));
    let expected = "warning: tiers `≥5% 且 ≤10%` and `≥10%` of `编外人员控制率` overlap (both hold 10%); the first wins";
    assert!(run.stdout.contains(expected), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("rubric.toml:{line}:")),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unreachable_tier_is_reported_at_its_line() {
    let (run, line) = rubric_check(
        "  { below = \"60%\", points = 0 },\n",
        "  { below = \"60%\", points = 0 },\n  { at_least = \"95%\", points = 0.2 },\n",
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains("warning: tier `≥95%` of `固定资产利用率` can never be reached: every value it holds falls in `≥90%` first"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("rubric.toml:{}:", line + 1)),
        "{}",
        run.stdout
    );
}

#[test]
fn unused_facts_and_missing_texts_are_linted_together() {
    let rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    let edited = rubric
        .replacen(
            "[facts.key_tasks]\n",
            "[facts.key_tasks]\nspare = { type = \"count\", label = \"备用\", meaning = \"m\" }\n",
            1,
        )
        .replacen(
            "description = \"部门（单位）项目完成情况与预期时间对比的情况。\"\n",
            "",
            1,
        );
    let sb = Sandbox::new();
    sb.write("rubric.toml", edited);
    let run = sb.run(&["rubric", "check", "rubric.toml"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains(
            "warning: fact `key_tasks.spare` (备用) is declared but no rule or check reads it"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "warning: indicator `project_timeliness` (项目完成及时性) has no description (指标说明)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("2 lint warning(s)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_override_is_reported_even_when_its_indicator_is_not_claimed() {
    let facts = edited_example(&[("\"编外人员控制率\" = 1\n", "")]);
    let (code, json) = check_json(&facts, &["--strict"]);
    assert_eq!(code, Some(1), "the claimed total rests on the override");
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "overridden")
        .unwrap();
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["message"],
        "编外人员控制率: scored 1.00 by an override; the rule gives 0.00"
    );
}

#[test]
fn the_same_indicator_claimed_by_id_and_by_name_is_refused() {
    let facts = edited_example(&[(
        "\"政府采购执行情况\" = 1.99\n",
        "\"政府采购执行情况\" = 1.99\n\"procurement\" = 1.50\n",
    )]);
    let run = check(&facts, &[]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(
            "`procurement` is claimed twice: `政府采购执行情况` names the same indicator"
        ),
        "{}",
        run.stderr
    );
    // The first claim is shown as a second place, under its own line.
    assert!(
        run.stderr
            .contains("179 | \"政府采购执行情况\" = 1.99\n    | ---")
            && run.stderr.contains("- first given here\n"),
        "{}",
        run.stderr
    );
}

/// `check --format json` gives each finding's figures as values: the same in both
/// languages, and agreeing with the facts file and with each other.
#[test]
fn json_findings_carry_their_figures_as_values() {
    use rust_decimal::Decimal;
    let sb = Sandbox::new();
    sb.write("facts.toml", example_text());
    let args = ["check", "facts.toml", "--format", "json"];
    let en: serde_json::Value = sb.json(&args);
    let zh: serde_json::Value = serde_json::from_str(&sb.run_zh(&args).stdout).unwrap();
    let values = |json: &serde_json::Value| -> Vec<serde_json::Value> {
        let all = json["findings"].as_array().unwrap();
        all.iter().map(|f| f["values"].clone()).collect()
    };
    assert_eq!(values(&en), values(&zh));
    // A rule that cannot be computed: that it failed is a value, why is the message's.
    let failing = Sandbox::new();
    failing.write("facts.toml", crate::support::override_over_a_failed_rule());
    let en_failed: serde_json::Value = failing.json(&args);
    let zh_failed: serde_json::Value = serde_json::from_str(&failing.run_zh(&args).stdout).unwrap();
    assert_eq!(values(&en_failed), values(&zh_failed));
    assert!(
        values(&en_failed)
            .iter()
            .any(|v| v["rule"] == serde_json::json!({ "failed": true })),
        "{en_failed}"
    );

    let file: toml::Table = example_text().parse().unwrap();
    let fact = |path: &str| -> Decimal {
        let mut v = &toml::Value::Table(file.clone());
        for key in path.split('.') {
            v = &v[key];
        }
        match v {
            toml::Value::Float(_) | toml::Value::Integer(_) => v.to_string().parse().unwrap(),
            other => panic!("{path} = {other}"),
        }
    };
    let number = |v: &serde_json::Value| -> Decimal { v.as_str().unwrap().parse().unwrap() };
    let mut consistency = 0;
    for f in en["findings"].as_array().unwrap() {
        let v = &f["values"];
        if f["kind"] != "consistency" || v.get("left").is_none() {
            continue;
        }
        consistency += 1;
        let (left, right) = (number(&v["left"]["value"]), number(&v["right"]["value"]));
        assert_eq!(number(&v["difference"]), left - right, "{f}");
        assert!((left - right).abs() > number(&v["tolerance"]), "{f}");
        for (path, value) in v["facts"].as_object().unwrap() {
            assert_eq!(number(value), fact(path), "{path}");
        }
    }
    assert!(
        consistency > 0,
        "the seed has a two-sided check that fails: {en}"
    );
}
