//! The language of what perfeval prints: Chinese unless asked, English with `--lang en`
//! or `PERFEVAL_LANG=en`, the flag winning over the environment.

use crate::support::Sandbox;

fn bad_facts() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "bad.toml",
        "rubric = \"luohu-dept-2023\"\ninitial = 2,855.07\n",
    );
    sb
}

#[test]
fn chinese_is_the_default() {
    let sb = bad_facts();
    let run = sb.run_zh(&["score", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("错误："), "{}", run.stderr);
    assert!(run.stderr.contains("= 提示："), "{}", run.stderr);
    assert!(!run.stderr.contains("error:"), "{}", run.stderr);
}

#[test]
fn english_with_the_flag_or_the_environment() {
    let sb = bad_facts();
    let flag = sb.run_zh(&["--lang", "en", "score", "bad.toml"]);
    assert!(flag.stderr.starts_with("error: "), "{}", flag.stderr);
    assert!(flag.stderr.contains("= help: "), "{}", flag.stderr);
    let env = sb
        .command_zh(&["score", "bad.toml"])
        .env("PERFEVAL_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&env.stderr), flag.stderr);
}

#[test]
fn the_flag_wins_over_the_environment() {
    let sb = bad_facts();
    let out = sb
        .command_zh(&["score", "bad.toml", "--lang=zh"])
        .env("PERFEVAL_LANG", "en")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("错误："),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unknown_language_is_an_error_that_names_the_choices() {
    let sb = bad_facts();
    let run = sb.run_zh(&["--lang", "fr", "score", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("不支持的语言 `fr`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("zh") && run.stderr.contains("en"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_is_chinese_by_default_and_english_on_request() {
    let sb = Sandbox::new();
    let zh = sb.run_zh(&["--help"]);
    assert_eq!(zh.code, Some(0));
    assert!(
        zh.stdout.contains("用法：perfeval [OPTIONS] <COMMAND>"),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout
            .contains("对数据文件评分，输出各项得分、小计、总分和等级")
    );
    assert!(zh.stdout.contains("显示帮助"), "{}", zh.stdout);
    assert!(!zh.stdout.contains("Print help"), "{}", zh.stdout);
    insta::assert_snapshot!("help_zh", zh.stdout);
    let en = sb.run_zh(&["--lang", "en", "--help"]);
    assert!(
        en.stdout.contains("Usage: perfeval [OPTIONS] <COMMAND>"),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout
            .contains("Score a facts file and print the breakdown")
    );
    insta::assert_snapshot!("help_en", en.stdout);
}

#[test]
fn a_command_s_help_lists_its_choices_and_default_in_the_language() {
    let sb = Sandbox::new();
    let zh = sb.run_zh(&["score", "--help"]);
    assert!(
        zh.stdout.contains("输出格式（默认：table）"),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout.contains("table: 附件一样式的表格"),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("参数"), "{}", zh.stdout);
    insta::assert_snapshot!("score_help_zh", zh.stdout);
    let en = sb.run(&["score", "--help"]);
    assert!(
        en.stdout.contains("Output format [default: table]"),
        "{}",
        en.stdout
    );
    insta::assert_snapshot!("score_help_en", en.stdout);
    // `help score` is the same page.
    assert_eq!(sb.run_zh(&["help", "score"]).stdout, zh.stdout);
}

#[test]
fn an_argument_error_is_chinese_with_its_suggestion() {
    let sb = bad_facts();
    let run = sb.run_zh(&["score", "--fromat", "json", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("错误：无法识别的参数 `--fromat`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("提示：是否应为 `--format`？"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("详细说明请运行 `perfeval score --help`。")
    );
    let choice = sb.run_zh(&["score", "bad.toml", "--format", "xml"]);
    assert!(
        choice
            .stderr
            .contains("`--format <FORMAT>` 的值 `xml` 无效，可选值为：table、json、xlsx、html"),
        "{}",
        choice.stderr
    );
    let en = sb.run(&["score", "--fromat", "json", "bad.toml"]);
    assert!(
        en.stderr.contains("unexpected argument '--fromat'"),
        "{}",
        en.stderr
    );
}

/// The subcommands a help page lists under its `Commands:` heading.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description goes on further indented.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

#[test]
fn every_command_and_argument_has_its_help_text_in_both_languages() {
    // A help text missing from the catalogue would show its id (`cli.help.score:format`).
    let sb = Sandbox::new();
    let mut paths: Vec<Vec<String>> = vec![vec![]];
    let mut seen = 0;
    while let Some(path) = paths.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let en = sb.run(&args);
        let zh = sb.run_zh(&args);
        for run in [&en, &zh] {
            assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
            assert!(
                !run.stdout.contains("cli.help."),
                "{args:?}:\n{}",
                run.stdout
            );
        }
        assert!(zh.stdout.contains("用法："), "{args:?}:\n{}", zh.stdout);
        assert_ne!(en.stdout, zh.stdout, "{args:?}");
        for sub in subcommands(&en.stdout) {
            let mut child = path.clone();
            child.push(sub);
            paths.push(child);
        }
        seen += 1;
    }
    // perfeval, its eleven commands and rubric's four.
    assert!(seen >= 16, "{seen} help pages");
}

#[test]
fn a_flag_without_its_value_and_an_empty_lang_are_handled() {
    let sb = bad_facts();
    let run = sb.run_zh(&["score", "bad.toml", "--format"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("错误：`--format <FORMAT>` 后面须给出值"),
        "{}",
        run.stderr
    );
    // `--lang=` says nothing, so the environment decides.
    let out = sb
        .command_zh(&["--lang=", "score", "bad.toml"])
        .env("PERFEVAL_LANG", "en")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The GitLab fingerprints of `check`'s issues, in file order.
fn fingerprints(stdout: &str) -> Vec<String> {
    let issues: serde_json::Value = serde_json::from_str(stdout).unwrap();
    issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn machine_results_do_not_change_with_the_language() {
    let sb = Sandbox::new();
    // An override over a rule that cannot be computed (its reason is written in the
    // run's language), and a file that cannot be used at all.
    sb.write("seed.toml", crate::support::override_over_a_failed_rule());
    sb.write(
        "bad.toml",
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
    );
    let args = ["check", "seed.toml", "bad.toml", "--format", "gitlab"];
    let zh = sb.run_zh(&args);
    let en = sb.run(&args);
    // The three kinds of issue whose words come from the run's language.
    for said in [
        "评分规则无法计算（除数为零",
        "未能核查：除数为零",
        "表头缺少右方括号",
    ] {
        assert!(zh.stdout.contains(said), "{said} in {}", zh.stdout);
    }
    assert_eq!(fingerprints(&zh.stdout), fingerprints(&en.stdout));
    assert!(fingerprints(&zh.stdout).len() >= 3, "{}", zh.stdout);

    // Batch outputs written in the two languages compare equal: the failed file too.
    std::fs::create_dir(sb.path().join("arch")).unwrap();
    sb.write("arch/a.toml", crate::support::example_text());
    sb.write(
        "arch/bad.toml",
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
    );
    sb.run_zh(&["batch", "arch", "--format", "jsonl", "-o", "zh.jsonl"]);
    sb.run(&["batch", "arch", "--format", "jsonl", "-o", "en.jsonl"]);
    let diff = sb.run(&["diff", "zh.jsonl", "en.jsonl", "--format", "json"]);
    let diff: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    assert_eq!(diff["counts"]["files"], 2, "{diff}");
    assert_eq!(diff["counts"]["differ"], 0, "{diff}");
}

#[test]
fn a_rubric_test_gives_one_verdict_in_either_language() {
    let sb = Sandbox::new();
    let repo = crate::support::repo();
    let rubric = repo.join("rubrics/luohu-dept-overall-2023.toml");
    let example = repo.join("examples/luohu-2023.toml");
    // A case whose refused text is written in Chinese, and one in English.
    sb.write(
        "t.test.toml",
        format!(
            "rubric = {:?}\nexample = {:?}\n\n[[case]]\nname = \"zh\"\nset = {{ \"fixed_assets.in_use\" = 505.81 }}\nrefused = \"数据不合理\"\n\n[[case]]\nname = \"en\"\nset = {{ \"fixed_assets.in_use\" = 505.81 }}\nrefused = \"cannot be true\"\n",
            rubric.to_str().unwrap(),
            example.to_str().unwrap()
        ),
    );
    let zh = sb.run_zh(&["rubric", "test", "t.test.toml"]);
    let en = sb.run(&["rubric", "test", "t.test.toml"]);
    assert_eq!(zh.code, Some(0), "{}{}", zh.stdout, zh.stderr);
    assert_eq!(en.code, Some(0), "{}{}", en.stdout, en.stderr);
}

#[test]
fn a_rubric_named_on_the_command_line_is_found_or_the_closest_named() {
    let sb = Sandbox::new();
    let near = sb.run_zh(&["init", "--rubric", "mof-project-2021"]);
    assert_eq!(near.code, Some(2));
    assert_eq!(
        near.stderr,
        "错误：没有编号为 `mof-project-2021` 的内置评价框架，也找不到该文件\n = 提示：是否应为 `mof-project-2020`？\n"
    );
    let far = sb.run(&["rubric", "show", "zzz"]);
    assert_eq!(far.code, Some(2));
    assert!(
        far.stderr
            .starts_with("error: no shipped rubric `zzz` and no such file\n")
            && far
                .stderr
                .contains("luohu-dept-overall-2023, mof-project-2020"),
        "{}",
        far.stderr
    );
    // By path, a rubric file loads whatever its id.
    let shown = sb.run(&[
        "rubric",
        "show",
        crate::support::repo()
            .join("rubrics/mof-project-2020.toml")
            .to_str()
            .unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    assert!(
        shown
            .stdout
            .starts_with("# 项目支出绩效自评表（mof-project-2020 v1）\n"),
        "{}",
        shown.stdout
    );
}
