//! The rubric's own messages in both languages: what the loader says about a rubric file,
//! the lints of `rubric check`, `rubric show` and the failures of `rubric test`. Chinese
//! by default (`run_zh`), English with `--lang en`.

use crate::support::{Run, Sandbox, edited, english_sentence, repo};

/// Three English words in a row outside backticks, in the lines of `text` that are a
/// message or its help (`错误：`, `警告：`, `= 提示：`): a sentence left untranslated.
fn english_in_messages(text: &str) -> Option<String> {
    for line in text.lines() {
        let t = line.trim_start();
        if !(t.starts_with("错误：") || t.starts_with("警告：") || t.starts_with("= 提示："))
        {
            continue;
        }
        let own: String = t
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect();
        if let Some(words) = english_sentence(&own) {
            return Some(format!("{words}: {line}"));
        }
    }
    None
}

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/invalid")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// `rubric check` of a fixture, in Chinese and with `--lang en`.
fn check_fixture(name: &str) -> (Run, Run) {
    let sb = Sandbox::new();
    let file = fixture(name);
    sb.run_both(&["rubric", "check", &file])
}

fn seed_rubric_text() -> String {
    std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap()
}

#[test]
fn points_that_do_not_add_up_are_reported_in_chinese() {
    let (zh, en) = check_fixture("rubric_weights_do_not_add_up.rubric.toml");
    assert_eq!(zh.code, Some(2));
    assert!(
        zh.stderr
            .contains("错误：指标 `procurement` 各评分项分值合计 2，但该指标分值为 3\n"),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr
            .contains("错误：`funds`（资金管理）的下级指标分值合计 9，但其分值为 8\n"),
        "{}",
        zh.stderr
    );
    assert_eq!(english_in_messages(&zh.stderr), None, "{}", zh.stderr);
    assert_eq!(en.code, Some(2));
    assert!(
        en.stderr.contains(
            "error: the parts of indicator `procurement` add up to 2, but the indicator has 3 points\n"
        ),
        "{}",
        en.stderr
    );
    assert!(
        en.stderr.contains(
            "error: the children of `funds` (资金管理) add up to 9, but it has 8 points\n"
        ),
        "{}",
        en.stderr
    );
}

#[test]
fn an_unknown_fact_suggests_the_close_one_in_chinese() {
    let (zh, en) = check_fixture("rubric_undeclared_fact.rubric.toml");
    assert_eq!(zh.code, Some(2));
    assert!(
        zh.stderr
            .starts_with("错误：未知的数据项 `petitions.on_time`\n"),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr
            .contains("= 提示：是否应为 `petitions.timely`？\n"),
        "{}",
        zh.stderr
    );
    assert!(!zh.stderr.contains("did you mean"), "{}", zh.stderr);
    assert!(
        en.stderr
            .starts_with("error: unknown fact `petitions.on_time`\n"),
        "{}",
        en.stderr
    );
    assert!(
        en.stderr
            .contains("= help: did you mean `petitions.timely`?\n"),
        "{}",
        en.stderr
    );
}

#[test]
fn grades_a_bare_rate_bound_and_a_parent_cycle_in_chinese() {
    let (zh, en) = check_fixture("rubric_grade_gap.rubric.toml");
    assert!(
        zh.stderr
            .contains("错误：总分 0 分至 60 分（不含）之间没有对应等级\n"),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr.contains("= 提示：请将最低等级设为 `min = 0`\n"),
        "{}",
        zh.stderr
    );
    assert!(
        en.stderr
            .contains("error: the grade bands leave totals from 0 up to 60 without a grade\n"),
        "{}",
        en.stderr
    );

    let (zh, en) = check_fixture("rubric_bare_rate_bound.rubric.toml");
    assert!(
        zh.stderr.contains(
            "错误：比率 `rate` 的档次临界值 90 含义不明：以普通数字书写的比率应在 0 到 1 之间\n"
        ),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr.contains("= 提示：如为百分比，请写作 \"90%\"\n"),
        "{}",
        zh.stderr
    );
    assert_eq!(english_in_messages(&zh.stderr), None, "{}", zh.stderr);
    assert!(
        en.stderr
            .contains("= help: write \"90%\" for a percentage\n"),
        "{}",
        en.stderr
    );

    let (zh, en) = check_fixture("rubric_cycle.rubric.toml");
    assert!(
        zh.stderr.contains(
            "错误：`parent` 上下级关系形成循环：decision → budget_rationality → budgeting → decision\n"
        ),
        "{}",
        zh.stderr
    );
    assert!(
        en.stderr.contains(
            "error: the `parent` links form a cycle: decision → budget_rationality → budgeting → decision\n"
        ),
        "{}",
        en.stderr
    );
}

#[test]
fn an_unknown_base_rubric_in_chinese() {
    let sb = Sandbox::new();
    sb.write(
        "variant.toml",
        "[rubric]\nid = \"variant\"\nextends = \"no-such-rubric\"\n",
    );
    let zh = sb.run_zh(&["rubric", "check", "variant.toml"]);
    assert_eq!(zh.code, Some(2));
    assert!(
        zh.stderr
            .starts_with("错误：`extends` 指定的评价框架 `no-such-rubric` 不存在\n"),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr.contains(
            "= 提示：`perfeval rubric list` 可列出内置的评价框架；同一目录（或 --rubrics 指定的目录）中的评价框架也可扩展\n"
        ),
        "{}",
        zh.stderr
    );
    assert_eq!(english_in_messages(&zh.stderr), None, "{}", zh.stderr);
    let en = sb.run_zh(&["--lang", "en", "rubric", "check", "variant.toml"]);
    assert!(
        en.stderr
            .starts_with("error: `extends` names unknown rubric `no-such-rubric`\n"),
        "{}",
        en.stderr
    );
}

#[test]
fn an_unknown_fact_type_lists_the_types_without_an_english_run() {
    let rubric = edited(
        seed_rubric_text(),
        &[(
            "[facts.key_tasks]\n",
            "[facts.key_tasks]\nspare = { type = \"zzzz\", label = \"备用\", meaning = \"m\" }\n",
        )],
    );
    let sb = Sandbox::new();
    sb.write("rubric.toml", rubric);
    let zh = sb.run_zh(&["rubric", "check", "rubric.toml"]);
    assert_eq!(zh.code, Some(2));
    assert!(
        zh.stderr.contains("错误：未知的数据项类型 `zzzz`\n"),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr.contains(
            "= 提示：可用的类型：amount、count、rate、bool、choice、check、judgment、tier\n"
        ),
        "{}",
        zh.stderr
    );
    assert_eq!(english_in_messages(&zh.stderr), None, "{}", zh.stderr);
    let en = sb.run_zh(&["--lang", "en", "rubric", "check", "rubric.toml"]);
    assert!(
        en.stderr.contains(
            "= help: the types are: amount, count, rate, bool, choice, check, judgment, tier\n"
        ),
        "{}",
        en.stderr
    );
}

/// `rubric check` of the seed rubric with one edit, in both languages.
fn lint_edited(from: &str, to: &str) -> (Run, Run) {
    let sb = Sandbox::new();
    sb.write("rubric.toml", edited(seed_rubric_text(), &[(from, to)]));
    let zh = sb.run_zh(&["rubric", "check", "rubric.toml"]);
    let en = sb.run_zh(&["--lang", "en", "rubric", "check", "rubric.toml"]);
    (zh, en)
}

#[test]
fn tier_lints_in_chinese() {
    let (zh, en) = lint_edited(
        "{ at_least = \"75%\", below = \"90%\", points = 0.7 },\n",
        "",
    );
    assert_eq!(zh.code, Some(1));
    assert!(
        zh.stdout.contains(
            "警告：`固定资产利用率` 的档次有间断：取值大于等于 75% 且小于 90% 时不属于任何档次\n"
        ),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout
            .contains("= 提示：遇到这样的取值，评分将报错中止；请扩大相邻档次的范围\n"),
        "{}",
        zh.stdout
    );
    assert_eq!(english_in_messages(&zh.stdout), None, "{}", zh.stdout);
    assert!(
        en.stdout.contains(
            "warning: the tiers of `固定资产利用率` leave a gap: values from 75% (inclusive) up to 90% (exclusive) fall in no tier\n"
        ),
        "{}",
        en.stdout
    );

    let (zh, en) = lint_edited(
        "{ above = \"10%\", points = 0 },",
        "{ at_least = \"10%\", points = 0 },",
    );
    assert!(
        zh.stdout.contains(
            "警告：`编外人员控制率` 的档次“≥5% 且 ≤10%”与“≥10%”重叠（都包含 10%），按前一档次计分\n"
        ),
        "{}",
        zh.stdout
    );
    assert!(
        en.stdout.contains(
            "warning: tiers `≥5% 且 ≤10%` and `≥10%` of `编外人员控制率` overlap (both hold 10%); the first wins\n"
        ),
        "{}",
        en.stdout
    );

    let (zh, en) = lint_edited(
        "  { below = \"60%\", points = 0 },\n",
        "  { below = \"60%\", points = 0 },\n  { at_least = \"95%\", points = 0.2 },\n",
    );
    assert!(
        zh.stdout.contains(
            "警告：`固定资产利用率` 的档次“≥95%”不可能被采用：该档次的取值都先落入档次“≥90%”\n"
        ),
        "{}",
        zh.stdout
    );
    assert!(
        en.stdout.contains(
            "warning: tier `≥95%` of `固定资产利用率` can never be reached: every value it holds falls in `≥90%` first\n"
        ),
        "{}",
        en.stdout
    );
}

#[test]
fn unused_facts_and_missing_texts_in_chinese() {
    let rubric = edited(
        seed_rubric_text(),
        &[
            (
                "[facts.key_tasks]\n",
                "[facts.key_tasks]\nspare = { type = \"count\", label = \"备用\", meaning = \"m\" }\n",
            ),
            (
                "description = \"部门（单位）项目完成情况与预期时间对比的情况。\"\n",
                "",
            ),
        ],
    );
    let sb = Sandbox::new();
    sb.write("rubric.toml", rubric);
    let zh = sb.run_zh(&["rubric", "check", "rubric.toml"]);
    assert_eq!(zh.code, Some(1));
    assert!(
        zh.stdout.contains(
            "警告：数据项 `key_tasks.spare`（备用）已声明，但没有任何评分规则或核查读取该数据项\n"
        ),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout.contains(
            "警告：指标 `project_timeliness`（项目完成及时性）缺少指标说明（description）\n"
        ),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout
            .contains("= 提示：请照录评价框架原文，以便 `explain` 显示\n"),
        "{}",
        zh.stdout
    );
    assert_eq!(english_in_messages(&zh.stdout), None, "{}", zh.stdout);
    let en = sb.run_zh(&["--lang", "en", "rubric", "check", "rubric.toml"]);
    assert!(
        en.stdout.contains(
            "warning: indicator `project_timeliness` (项目完成及时性) has no description (指标说明)\n"
        ),
        "{}",
        en.stdout
    );
}

#[test]
fn rubric_show_describes_the_rules_in_chinese() {
    let sb = Sandbox::new();
    let args = ["rubric", "show", "mof-project-2020", "--width", "200"];
    let zh = sb.run_zh(&args);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    assert!(
        zh.stdout.contains("由各数据文件以 [[output]] 列出清单指标"),
        "{}",
        zh.stdout
    );
    assert!(!zh.stdout.contains("listed by each"), "{}", zh.stdout);
    assert!(!zh.stdout.contains("of the weight"), "{}", zh.stdout);
    assert!(
        zh.stdout.contains("达成：得分占分值 ≥80% 且 ≤100%"),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("不适用（/）"), "{}", zh.stdout);
    assert!(!zh.stdout.contains("rescale"), "{}", zh.stdout);
    let en = sb.run(&args);
    assert!(
        en.stdout
            .contains("listed by each facts file as [[output]]"),
        "{}",
        en.stdout
    );

    let args = [
        "rubric",
        "show",
        "luohu-dept-overall-2023",
        "--format",
        "markdown",
    ];
    let zh = sb.run_zh(&args);
    assert!(
        zh.stdout
            .contains("#### 政府采购执行情况（2 分，`procurement`）\n"),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("\n评分规则：\n"), "{}", zh.stdout);
    assert!(
        zh.stdout
            .contains("（6 分）：按 satisfaction.rate 分档：满意度≥95% → 6；"),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout
            .contains("（1 分）：检查项 'petitions.channel'`\n"),
        "{}",
        zh.stdout
    );
    assert!(!zh.stdout.contains("tiers on"), "{}", zh.stdout);
    let en = sb.run(&args);
    assert!(
        en.stdout
            .contains(" (6 points): tiers on satisfaction.rate: 满意度≥95% → 6; "),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout
            .contains(" (1 points): check 'petitions.channel'`\n"),
        "{}",
        en.stdout
    );
}

#[test]
fn a_failing_rubric_test_case_says_what_differed_in_chinese() {
    let sb = Sandbox::new();
    crate::support::broken_rubric_copy(&sb);
    let zh = sb.run_zh(&["rubric", "test", "copy"]);
    assert_eq!(zh.code, Some(1), "{}{}", zh.stdout, zh.stderr);
    assert!(
        zh.stdout
            .contains("    固定资产利用率：应为 1，实际为 0.70\n"),
        "{}",
        zh.stdout
    );
    assert!(!zh.stdout.contains("expected 1, got"), "{}", zh.stdout);
    let en = sb.run(&["rubric", "test", "copy"]);
    assert!(
        en.stdout
            .contains("    固定资产利用率: expected 1, got 0.70\n"),
        "{}",
        en.stdout
    );
}

#[test]
fn a_rubric_test_case_without_expectation_in_chinese() {
    let sb = Sandbox::new();
    sb.write(
        "t.test.toml",
        format!(
            "rubric = {:?}\nexample = {:?}\n\n[[case]]\nname = \"无预期\"\nset = {{ \"x.y\" = 1 }}\n",
            repo()
                .join("rubrics/luohu-dept-overall-2023.toml")
                .display()
                .to_string(),
            repo().join("examples/luohu-2023.toml").display().to_string()
        ),
    );
    let zh = sb.run_zh(&["rubric", "test", "t.test.toml"]);
    assert_eq!(zh.code, Some(2), "{}{}", zh.stdout, zh.stderr);
    assert!(
        zh.stderr
            .contains("错误：测试用例应写明预期结果：`expect = { … }` 或 `refused = \"…\"`\n"),
        "{}",
        zh.stderr
    );
    let en = sb.run(&["rubric", "test", "t.test.toml"]);
    assert!(
        en.stderr.contains(
            "error: a case must say what it expects: `expect = { … }` or `refused = \"…\"`\n"
        ),
        "{}",
        en.stderr
    );
}

#[test]
fn the_table_a_problem_is_in_is_named_in_chinese() {
    let rubric = edited(
        seed_rubric_text(),
        &[
            (
                "  { at_least = \"90%\", points = 1 },\n",
                "  { at_least = \"90%\", points = 1, pointz = 1 },\n",
            ),
            (
                "[[grade]]\nname = \"良\"",
                "[[grade]]\nnaem = \"x\"\nname = \"良\"",
            ),
        ],
    );
    let sb = Sandbox::new();
    sb.write("rubric.toml", rubric);
    let zh = sb.run_zh(&["rubric", "check", "rubric.toml"]);
    assert_eq!(zh.code, Some(2));
    // The second `[[grade]]`, the first tier of its list, however `Table` words "#2".
    assert!(zh.stderr.contains("第 2 个 [[grade]]"), "{}", zh.stderr);
    assert!(zh.stderr.contains("第 1 个档次"), "{}", zh.stderr);
    assert!(!zh.stderr.contains("#"), "{}", zh.stderr);
    let en = sb.run(&["rubric", "check", "rubric.toml"]);
    assert!(
        en.stderr
            .contains("error: unknown key `naem` in [[grade]] #2\n"),
        "{}",
        en.stderr
    );
    assert!(
        en.stderr
            .contains("error: unknown key `pointz` in tier #1\n"),
        "{}",
        en.stderr
    );
}
