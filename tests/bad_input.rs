//! Bad input: each case must give exit status 2 and one clear message naming the file,
//! line and key, never a panic. Messages are pinned as snapshots
//! (`tests/snapshots/integration__bad_input__*.snap`).

use crate::support::{Sandbox, edited_example, example_text, repo};

const TIER_LINE_START: &str = "tier = { value = \"满意度≥95%\"";
const OVERRIDE_START: &str = "\"编外人员控制率\" = { score = 1, reason = ";

/// Replaces the whole line that starts with `start`.
fn replace_line(text: &str, start: &str, with: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line {start}"));
    text.replacen(line, with, 1)
}

fn check_facts(name: &str, facts: String) {
    let sb = Sandbox::new();
    sb.write("facts.toml", &facts);
    let run = sb.run(&["score", "facts.toml"]);
    assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
    assert_eq!(run.stdout, "", "{name}");
    assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    insta::assert_snapshot!(name, run.stderr);
}

#[test]
fn facts_files_with_one_problem_each() {
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("malformed_toml", vec![("[budget]", "[budget")]),
        (
            "duplicate_key",
            vec![("initial = 2855.07", "initial = 2855.07\ninitial = 2855.08")],
        ),
        ("missing_fact", vec![("plan = 158.75\n", "")]),
        (
            "wrong_type",
            vec![("plan = 158.75", "plan = \"158.75万元\"")],
        ),
        (
            "unknown_key_suggestion",
            vec![("plan = 158.75", "plann = 158.75")],
        ),
        (
            "unknown_group_suggestion",
            vec![("[procurement]", "[procurment]")],
        ),
        ("negative_amount", vec![("plan = 158.75", "plan = -158.75")]),
        ("nan", vec![("plan = 158.75", "plan = nan")]),
        ("inf", vec![("actual = 157.46", "actual = inf")]),
        (
            "too_many_digits",
            vec![("plan = 158.75", "plan = 158.75000000001")],
        ),
        (
            "count_not_whole",
            vec![("on_payroll = 11", "on_payroll = 11.5")],
        ),
        (
            "choice_misspelt",
            vec![("budget = \"按规定公开\"", "budget = \"按规定\"")],
        ),
        (
            "unknown_rubric",
            vec![(
                "rubric = \"luohu-dept-overall-2023\"",
                "rubric = \"luohu-dept-overall-2022\"",
            )],
        ),
        (
            "no_rubric_key",
            vec![("rubric = \"luohu-dept-overall-2023\"\n", "")],
        ),
        (
            "judgment_without_reason",
            vec![("score = { value = 25, reason", "score = { value = 25, note")],
        ),
        (
            "override_score_out_of_range",
            vec![(
                OVERRIDE_START,
                "\"编外人员控制率\" = { score = 2, reason = ",
            )],
        ),
        (
            "override_unknown_indicator",
            vec![(OVERRIDE_START, "\"编外人员控制\" = { score = 1, reason = ")],
        ),
        (
            "fact_given_twice_as_a_dotted_key",
            vec![(
                "[execution.q1]\nspent = 548.3",
                "[execution]\n\"q1.spent\" = 2663.06\n\n[execution.q1]\nspent = 548.3",
            )],
        ),
        (
            "fact_given_twice_at_the_top",
            vec![(
                "year = 2023\n",
                "year = 2023\n\"procurement.plan\" = 1000\n",
            )],
        ),
        (
            "override_given_twice",
            vec![(
                OVERRIDE_START,
                "\"outside_staff_control\" = { score = 0.5, reason = \"x\" }\n\"编外人员控制率\" = { score = 1, reason = ",
            )],
        ),
        (
            "top_level_key_misspelt",
            vec![("department = ", "departmnt = ")],
        ),
        (
            "hex_integer",
            vec![("approved_posts = 12", "approved_posts = 0xC")],
        ),
        (
            "empty_department",
            vec![(
                "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
                "department = \"\"",
            )],
        ),
        (
            "zero_divisor_names_its_line",
            vec![("total = 505.8", "total = 0")],
        ),
        (
            "several_problems_at_once",
            vec![
                ("plan = 158.75", "plan = -158.75"),
                ("in_use = 505.8", "in_use = \"505.8\""),
                ("channel = true", "chanel = true"),
            ],
        ),
    ];
    for (name, edits) in cases {
        check_facts(name, edited_example(&edits));
    }
}

#[test]
fn rates_accept_percent_strings_and_fractions_but_not_bare_percentages() {
    let text = example_text();
    check_facts(
        "rate_ambiguous",
        replace_line(&text, TIER_LINE_START, "rate = 96.5"),
    );
    check_facts(
        "rate_unreadable",
        replace_line(&text, TIER_LINE_START, "rate = \"96.5 percent\""),
    );
    check_facts(
        "tier_without_reason",
        replace_line(&text, TIER_LINE_START, "tier = \"满意度≥95%\""),
    );
}

#[test]
fn overrides_need_a_reason() {
    let text = example_text();
    check_facts(
        "override_without_reason",
        replace_line(&text, OVERRIDE_START, "\"编外人员控制率\" = { score = 1 }"),
    );
    check_facts(
        "override_empty_reason",
        replace_line(
            &text,
            OVERRIDE_START,
            "\"编外人员控制率\" = { score = 1, reason = \" \" }",
        ),
    );
}

#[test]
fn unreadable_files() {
    let sb = Sandbox::new();
    sb.write("empty.toml", "");
    // "部门" in GBK.
    sb.write(
        "gbk.toml",
        b"rubric = \"luohu-dept-overall-2023\"\ndepartment = \"\xb2\xbf\xc3\xc5\"\n",
    );
    std::fs::create_dir(sb.path().join("dir.toml")).unwrap();
    for (name, file) in [
        ("empty_file", "empty.toml"),
        ("gbk_file", "gbk.toml"),
        ("directory", "dir.toml"),
        ("no_such_file", "missing.toml"),
    ] {
        let run = sb.run(&["score", file]);
        assert_eq!(run.code, Some(2), "{name}");
        insta::assert_snapshot!(name, run.stderr);
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let sb = Sandbox::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(example_text().as_bytes());
    sb.write("bom.toml", bytes);
    let run = sb.run(&["score", "bom.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("\"total\": \"97.11\""));
}

fn check_rubric(name: &str, edits: &[(&str, &str)]) {
    let mut rubric =
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap();
    for (from, to) in edits {
        assert_eq!(
            rubric.matches(from).count(),
            1,
            "`{from}` must occur once in the rubric"
        );
        rubric = rubric.replacen(from, to, 1);
    }
    let sb = Sandbox::new();
    sb.write("facts.toml", example_text());
    sb.write("rubric.toml", rubric);
    let run = sb.run(&["score", "facts.toml", "--rubric", "rubric.toml"]);
    assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
    insta::assert_snapshot!(name, run.stderr);
}

#[test]
fn rubrics_with_one_problem_each() {
    check_rubric(
        "rubric_weights_do_not_add_up",
        &[(
            "name = \"政府采购执行情况\"\npoints = 2",
            "name = \"政府采购执行情况\"\npoints = 3",
        )],
    );
    check_rubric(
        "rubric_cycle",
        &[(
            "id = \"decision\"\nname",
            "id = \"decision\"\nparent = \"budget_rationality\"\nname",
        )],
    );
    check_rubric(
        "rubric_formula_unknown_name",
        &[(
            "expr = \"procurement.actual / procurement.plan\"",
            "expr = \"procurement.actual / procurment.plan\"",
        )],
    );
    check_rubric(
        "rubric_formula_syntax",
        &[(
            "expr = \"fixed_assets.in_use / fixed_assets.total\"",
            "expr = \"fixed_assets.in_use ÷ fixed_assets.total\"",
        )],
    );
    check_rubric(
        "rubric_unknown_key",
        &[("[rounding]\nscale = 2", "[rounding]\nscael = 2")],
    );
    check_rubric(
        "rubric_grade_gap",
        &[("[[grade]]\nname = \"差\"\nmin = 0\n", "")],
    );
    check_rubric(
        "rubric_undeclared_fact",
        &[(
            "fact = \"petitions.timely\"",
            "fact = \"petitions.on_time\"",
        )],
    );
    check_rubric(
        "rubric_bare_rate_bound",
        &[(
            "{ at_least = \"90%\", points = 1 },\n  { at_least = \"75%\"",
            "{ at_least = 90, points = 1 },\n  { at_least = \"75%\"",
        )],
    );
}
