//! The language of scores and findings: the score table, `explain`, `check` in every
//! format and the errors of an indicator that cannot be scored, in Chinese by default and
//! in English with `--lang en`. Machine identifiers (rule ids, severities, JSON keys,
//! JUnit case names, GitLab fingerprints) are the same in both.

use crate::support::{Sandbox, edited_example, example_text, repo};

/// A sandbox holding the seed example as `facts.toml`.
fn seed() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("facts.toml", example_text());
    sb
}

/// A field of `perfeval score --format json` (with `extra` flags), as the engine gives it.
fn scored(sb: &Sandbox, extra: &[&str], field: &str) -> String {
    let mut args = vec!["score", "facts.toml", "--format", "json"];
    args.extend_from_slice(extra);
    sb.json(&args)[field].as_str().unwrap().to_string()
}

/// An indicator's score from the JSON output, found by id.
fn indicator_score(sb: &Sandbox, id: &str) -> String {
    let json = sb.json(&["score", "facts.toml", "--format", "json"]);
    crate::support::indicator_nodes(&json)
        .into_iter()
        .find(|n| n["id"] == id)
        .unwrap()["score"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Whether a text holds an English phrase that should have been translated.
fn leaks(text: &str, phrases: &[&str]) -> Vec<String> {
    phrases
        .iter()
        .filter(|p| text.contains(*p))
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn the_score_table_notes_follow_the_language() {
    let sb = seed();
    let total = scored(&sb, &["--strict"], "total");
    let grade = scored(&sb, &["--strict"], "grade");
    let (zh, en) = sb.run_both(&["score", "facts.toml", "--strict", "--width", "120"]);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    // 附件一's headings and the total line, as the published form writes them.
    let header = zh.stdout.lines().find(|l| l.contains("一级指标")).unwrap();
    assert!(
        header.contains("分值") && header.contains("得分") && header.contains("依据"),
        "{header}"
    );
    assert!(
        zh.stdout
            .contains(&format!("总分 {total} / 100，等级：{grade}")),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout
            .contains("--strict：数据文件中的 1 项人工调整未采用，各项得分均按评分规则计算"),
        "{}",
        zh.stdout
    );
    assert_eq!(
        leaks(&zh.stdout, &["override(s)", "ignored", "rule's own"]),
        Vec::<String>::new()
    );
    assert!(
        en.stdout.contains(
            "--strict: 1 override(s) in the facts file ignored; every score is the rule's own"
        ),
        "{}",
        en.stdout
    );
}

#[test]
fn the_override_note_under_the_table_names_rule_score_and_reason() {
    let sb = seed();
    let rule = crate::support::rule_score(
        &crate::support::example_json("luohu-2023.toml"),
        "编外人员控制率",
    );
    let zh = sb.run_zh(&["score", "facts.toml"]);
    let note = zh
        .stdout
        .lines()
        .find(|l| l.starts_with("* 编外人员控制率："))
        .unwrap_or_else(|| panic!("{}", zh.stdout));
    assert!(
        note.contains(&format!(
            "规则得分 {rule}，人工调整为 1.00。理由：局本级严格按照"
        )),
        "{note}"
    );
}

#[test]
fn explain_reads_as_a_reviewers_working_paper_in_chinese() {
    let sb = seed();
    let score = indicator_score(&sb, "procurement");
    // The rate the basis shows, worked out here from the file's two figures (it does not
    // terminate, so it is shown rounded, after ≈).
    let file: toml::Table = example_text().parse().unwrap();
    let figure = |key: &str| -> rust_decimal::Decimal {
        file["procurement"][key].to_string().parse().unwrap()
    };
    let rate = (figure("actual") / figure("plan") * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2);
    let (zh, en) = sb.run_both(&["explain", "facts.toml", "procurement"]);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    let text = &zh.stdout;
    let basis = format!("依据：政府采购执行率 ≈{rate}%；符合 1/1 项\n");
    assert!(text.contains(&basis), "missing {basis:?} in\n{text}");
    for expected in [
        "政府采购执行情况（procurement）\n",
        "指标说明：\n",
        "参考评分标准：\n",
        "评分规则：\n",
        "  第 1 个评分项 政府采购执行率得分（公式，1 分）：得分 = ",
        "  第 2 个评分项 政府采购政策功能落实（检查项，1 分）：检查项 `procurement.policy`\n",
        "依据数据：\n",
        "  procurement.plan（政府采购计划金额）= ",
        "  procurement.policy（政府采购政策功能落实）= true（符合）\n",
        "      出处：一（四）1（2）",
        "      位置：facts.toml:",
        "计算过程：\n",
        "  rate（政府采购执行率）= procurement.actual / procurement.plan\n",
        "计算结果：\n",
        "  各评分项得分合计 = ",
        "  限定在 0～2 分之间，按四舍五入保留 2 位小数 → ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(text.ends_with(&format!("得分：{score} / 2\n")), "{text}");
    assert_eq!(
        leaks(
            text,
            &[
                "Rule:",
                "Facts:",
                "Values:",
                "Result:",
                "Score:",
                "sum of parts",
                "clamped",
                "rounded",
                "checklist item",
                " at facts.toml",
                "note:",
            ]
        ),
        Vec::<String>::new(),
        "{text}"
    );
    // English, as it always was.
    for expected in [
        "政府采购执行情况 (procurement)\n",
        "Rule:\n",
        "  part 2 政府采购政策功能落实 (check, 1 points): checklist item `procurement.policy`\n",
        "Facts:\n",
        "      at facts.toml:",
        "Values:\n",
        "Result:\n",
        "  sum of parts = ",
        "  clamped to 0..2 and rounded (half_away_from_zero, 2 places) → ",
    ] {
        assert!(
            en.stdout.contains(expected),
            "missing {expected:?} in\n{}",
            en.stdout
        );
    }
    let basis = format!("Basis: 政府采购执行率 ≈{rate}%; 1/1 met\n");
    assert!(
        en.stdout.contains(&basis),
        "missing {basis:?} in\n{}",
        en.stdout
    );
    assert!(en.stdout.ends_with(&format!("Score: {score} / 2\n")));
}

#[test]
fn explain_says_what_an_override_did_and_what_strict_ignored() {
    let sb = seed();
    let zh = sb.run_zh(&["explain", "facts.toml", "outside_staff_control"]);
    assert!(
        zh.stdout
            .contains("  数据文件中人工调整为 1.00\n      理由：局本级严格按照"),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.ends_with("得分：1.00 / 1\n"), "{}", zh.stdout);
    let strict = sb.run_zh(&["explain", "facts.toml", "outside_staff_control", "--strict"]);
    assert!(
        strict
            .stdout
            .contains("  因 --strict 未采用人工调整（1）\n"),
        "{}",
        strict.stdout
    );
    let en = sb.run(&["explain", "facts.toml", "outside_staff_control", "--strict"]);
    assert!(
        en.stdout.contains("  override to 1 ignored (--strict)\n"),
        "{}",
        en.stdout
    );
    // A parent is the sum of its children.
    let parent = sb.run_zh(&["explain", "facts.toml", "decision"]);
    assert!(
        parent.stdout.contains("得分：下列各项得分之和\n"),
        "{}",
        parent.stdout
    );
    assert!(!parent.stdout.contains("the sum of"), "{}", parent.stdout);
}

/// The seed with a wrong claimed total and a wrong claimed indicator score.
fn wrong_claims() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "facts.toml",
        edited_example(&[
            ("total = 97.11", "total = 1.00"),
            ("\"预算执行率\" = 5.12", "\"预算执行率\" = 6"),
        ]),
    );
    sb
}

#[test]
fn check_findings_are_written_in_chinese() {
    let sb = wrong_claims();
    let total = scored(&sb, &[], "total");
    let rate = indicator_score(&sb, "budget_execution");
    let rule = crate::support::rule_score(
        &crate::support::example_json("luohu-2023.toml"),
        "编外人员控制率",
    );
    // The difference of budget_parts' two sides, as the engine gives it in JSON.
    let json = sb.json(&["check", "facts.toml", "--format", "json"]);
    let parts = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "budget_parts")
        .expect("budget_parts differs");
    let difference = parts["values"]["difference"].as_str().unwrap().to_string();
    let signed = if difference.starts_with('-') {
        difference
    } else {
        format!("+{difference}")
    };
    let (zh, en) = sb.run_both(&["check", "facts.toml"]);
    assert_eq!(zh.code, Some(1), "{}", zh.stderr);
    let text = &zh.stdout;
    for expected in [
        format!("计算总分 {total}（"),
        "错误（".to_string(),
        format!("  错误：总分：自评总分 1.00，计算总分 {total}\n"),
        "  错误：总分：自评总分 1.00 不等于各项自评得分之和（".to_string(),
        format!("  错误：预算执行率：自评得分 6，计算得分 {rate}\n"),
        "    依据：".to_string(),
        "    数据项 ".to_string(),
        format!("  警告：编外人员控制率：自评得分 1 为人工调整结果；按评分规则计算为 {rule}\n"),
        "  警告：基本支出 + 项目支出 = 调整后预算数（budget_parts）：".to_string(),
        format!("，差额 {signed}\n"),
        "\n不通过：错误 ".to_string(),
        "项指标中 ".to_string(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
    assert_eq!(
        leaks(
            text,
            &[
                "claimed",
                "computed",
                "error:",
                "warning:",
                "difference",
                "FAIL",
                "indicators without findings",
                "fact budget",
            ]
        ),
        Vec::<String>::new(),
        "{text}"
    );
    assert!(
        en.stdout
            .contains(&format!("  error: total: claimed 1.00, computed {total}\n")),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout.contains(&format!(
            "  error: 预算执行率: claimed 6, computed {rate}\n"
        )),
        "{}",
        en.stdout
    );
    assert!(en.stdout.contains("\nFAIL: "), "{}", en.stdout);
}

#[test]
fn check_json_keeps_its_keys_and_identifiers_and_translates_messages() {
    let sb = wrong_claims();
    let (zh, en) = sb.run_both(&["check", "facts.toml", "--format", "json"]);
    let zh: serde_json::Value = serde_json::from_str(&zh.stdout).unwrap();
    let en: serde_json::Value = serde_json::from_str(&en.stdout).unwrap();
    let zh_findings = zh["findings"].as_array().unwrap();
    let en_findings = en["findings"].as_array().unwrap();
    assert_eq!(zh_findings.len(), en_findings.len());
    for (z, e) in zh_findings.iter().zip(en_findings) {
        for key in ["severity", "kind", "subject", "id", "lines"] {
            assert_eq!(z[key], e[key], "{key}: {z} / {e}");
        }
    }
    let total = zh_findings
        .iter()
        .find(|f| f["kind"] == "differs" && f["id"] == "total")
        .unwrap();
    assert_eq!(total["severity"], "error");
    assert!(
        total["message"]
            .as_str()
            .unwrap()
            .starts_with("总分：自评总分 1.00，计算总分 "),
        "{total}"
    );
}

#[test]
fn junit_sarif_and_gitlab_translate_messages_and_keep_ids_and_fingerprints() {
    let sb = wrong_claims();
    // JUnit: the failure message follows the language; case names and types do not.
    let (zh, en) = sb.run_both(&["check", "facts.toml", "--format", "junit"]);
    assert!(zh.stdout.contains("name=\"总分 [total]\""), "{}", zh.stdout);
    assert!(en.stdout.contains("name=\"总分 [total]\""), "{}", en.stdout);
    assert!(
        zh.stdout
            .contains("<failure type=\"several\" message=\"总分：自评总分 1.00，计算总分 "),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("（另有 1 个）"), "{}", zh.stdout);
    assert!(
        zh.stdout.contains("警告：编外人员控制率："),
        "{}",
        zh.stdout
    );
    assert!(
        en.stdout
            .contains("<failure type=\"several\" message=\"total: claimed 1.00, computed "),
        "{}",
        en.stdout
    );
    assert!(en.stdout.contains("(and 1 more)"), "{}", en.stdout);

    // SARIF: rule ids and levels stay; descriptions and messages follow the language.
    let (zh, en) = sb.run_both(&["check", "facts.toml", "--format", "sarif"]);
    let zh: serde_json::Value = serde_json::from_str(&zh.stdout).unwrap();
    let en: serde_json::Value = serde_json::from_str(&en.stdout).unwrap();
    let rule = |doc: &serde_json::Value, id: &str| {
        doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(rule(&zh, "differs"), "自评得分与计算得分不一致");
    assert_eq!(
        rule(&en, "differs"),
        "A claimed score differs from the computed one"
    );
    let results = |doc: &serde_json::Value| doc["runs"][0]["results"].as_array().unwrap().clone();
    let (zr, er) = (results(&zh), results(&en));
    assert_eq!(zr.len(), er.len());
    for (z, e) in zr.iter().zip(&er) {
        assert_eq!(z["ruleId"], e["ruleId"]);
        assert_eq!(z["level"], e["level"]);
        assert_eq!(z["locations"], e["locations"]);
    }
    assert!(
        zr.iter().any(|r| r["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("预算执行率：自评得分 6，计算得分 ")),
        "{zr:?}"
    );

    // GitLab: the same fingerprints in both languages, so a pipeline that changes its
    // language does not see every issue as new.
    let (zh, en) = sb.run_both(&["check", "facts.toml", "--format", "gitlab"]);
    let zh: serde_json::Value = serde_json::from_str(&zh.stdout).unwrap();
    let en: serde_json::Value = serde_json::from_str(&en.stdout).unwrap();
    let (zh, en) = (zh.as_array().unwrap(), en.as_array().unwrap());
    assert_eq!(zh.len(), en.len());
    for (z, e) in zh.iter().zip(en) {
        for key in ["fingerprint", "check_name", "severity", "location"] {
            assert_eq!(z[key], e[key], "{key}: {z} / {e}");
        }
    }
    assert!(
        zh.iter().any(|i| i["description"]
            .as_str()
            .unwrap()
            .starts_with("预算执行率：自评得分 6，计算得分 ")),
        "{zh:?}"
    );
    assert!(
        en.iter().any(|i| i["description"]
            .as_str()
            .unwrap()
            .starts_with("预算执行率: claimed 6, computed ")),
        "{en:?}"
    );
}

#[test]
fn an_indicator_that_cannot_be_scored_is_reported_in_chinese() {
    let sb = Sandbox::new();
    sb.write(
        "missing.toml",
        std::fs::read(repo().join("tests/fixtures/invalid/missing_fact.toml")).unwrap(),
    );
    let (zh, en) = sb.run_both(&["score", "missing.toml"]);
    assert_eq!(zh.code, Some(2));
    assert!(
        zh.stderr.starts_with(
            "错误：无法计算 `政府采购执行情况` 的得分：缺少数据项 `procurement.plan`（政府采购计划金额）\n"
        ),
        "{}",
        zh.stderr
    );
    assert!(
        zh.stderr
            .contains("   = 提示：请在 [procurement] 下添加 `plan = ...`："),
        "{}",
        zh.stderr
    );
    assert!(
        en.stderr.starts_with(
            "error: cannot score `政府采购执行情况`: missing fact `procurement.plan` (政府采购计划金额)\n"
        ),
        "{}",
        en.stderr
    );
    assert!(
        en.stderr
            .contains("   = help: add `plan = ...` under [procurement]: "),
        "{}",
        en.stderr
    );
}

#[test]
fn a_zero_divisor_is_found_at_the_same_line_in_every_language() {
    let text = std::fs::read_to_string(
        repo().join("tests/fixtures/invalid/zero_divisor_names_its_line.toml"),
    )
    .unwrap();
    let zero_line = text
        .lines()
        .position(|l| l == "total = 0")
        .map(|i| i + 1)
        .unwrap();
    let sb = Sandbox::new();
    sb.write("zero.toml", &text);
    let (zh, en) = sb.run_both(&["score", "zero.toml"]);
    assert_eq!(zh.code, Some(2));
    let place = |stderr: &str| {
        stderr
            .lines()
            .find(|l| l.trim_start().starts_with("--> "))
            .unwrap_or_else(|| panic!("{stderr}"))
            .to_string()
    };
    // The fact that is 0 is pointed at, not merely the last fact read: its line, with a
    // caret under its value.
    assert_eq!(place(&en.stderr), format!("  --> zero.toml:{zero_line}:9"));
    assert!(
        en.stderr.contains(&format!("{zero_line} | total = 0\n")),
        "{}",
        en.stderr
    );
    assert_eq!(place(&zh.stderr), place(&en.stderr));
    assert!(
        zh.stderr
            .contains("   = 提示：已读取的数据项：fixed_assets.in_use（"),
        "{}",
        zh.stderr
    );
    assert!(
        en.stderr
            .contains("   = help: facts read: fixed_assets.in_use ("),
        "{}",
        en.stderr
    );
}
