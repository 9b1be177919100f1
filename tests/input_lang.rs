//! Reading files and facts in the language chosen: Chinese by default, English with
//! `--lang en`. Files that cannot be read, TOML syntax errors, the typing hints for a
//! Chinese keyboard, facts that do not fit their rubric, `--set`, plausibility rules and
//! formula errors each say the same thing in both languages.

use crate::support::{Sandbox, edited_example, repo};

/// Runs `args` in Chinese (the default) and with `--lang en`: (Chinese stderr, English
/// stderr), both runs ending with `code`.
fn both(sb: &Sandbox, args: &[&str], code: i32) -> (String, String) {
    let zh = sb.run_zh(args);
    assert_eq!(zh.code, Some(code), "{}", zh.stderr);
    let mut en_args = args.to_vec();
    en_args.extend(["--lang", "en"]);
    let en = sb.command_zh(&en_args).output().unwrap();
    assert_eq!(en.status.code(), Some(code));
    (zh.stderr, String::from_utf8(en.stderr).unwrap())
}

/// English sentence openings that must not appear in a Chinese message.
fn assert_no_english(stderr: &str) {
    for english in [
        "error:",
        "help:",
        "invalid TOML",
        "write `",
        "did you mean",
        "must be",
        "cannot ",
        "is not ",
        "unknown ",
    ] {
        assert!(
            !stderr.contains(english),
            "`{english}` leaks into Chinese:\n{stderr}"
        );
    }
}

#[test]
fn files_that_cannot_be_read_are_named_in_chinese() {
    let sb = Sandbox::new();
    let (zh, en) = both(&sb, &["score", "missing.toml"], 2);
    assert_eq!(zh, "错误：无法读取 `missing.toml`：文件不存在\n");
    assert_eq!(en, "error: cannot read `missing.toml`: no such file\n");

    std::fs::create_dir(sb.path().join("dir.toml")).unwrap();
    let (zh, en) = both(&sb, &["score", "dir.toml"], 2);
    assert_eq!(zh, "错误：`dir.toml` 是目录，不是文件\n");
    assert_eq!(en, "error: `dir.toml` is a directory, not a file\n");

    sb.write("u32.toml", b"\xFF\xFE\x00\x00r\x00\x00\x00");
    let (zh, en) = both(&sb, &["score", "u32.toml"], 2);
    assert!(
        zh.starts_with("错误：`u32.toml` 是 UTF-32（小端序）文本，不是 UTF-8 文本\n = 提示：请另存为 UTF-8 编码"),
        "{zh}"
    );
    assert!(
        en.starts_with("error: `u32.toml` is UTF-32 (little-endian) text, not UTF-8 text\n = help: save it as UTF-8"),
        "{en}"
    );

    sb.write("bad.toml", b"rubric = \"x\"\ndep = \"\xff\xff\"\n");
    let (zh, _) = both(&sb, &["score", "bad.toml"], 2);
    assert!(
        zh.starts_with("错误：`bad.toml:2:8` 处有字节既不是 UTF-8 文本，也不是 GB18030（GBK）文本"),
        "{zh}"
    );

    sb.write("empty.toml", "\n");
    let (zh, en) = both(&sb, &["score", "empty.toml"], 2);
    assert!(zh.starts_with("错误：数据文件为空\n"), "{zh}");
    assert!(
        zh.contains("= 提示：运行 `perfeval rubric list` 可查看框架编号"),
        "{zh}"
    );
    assert!(en.starts_with("error: the facts file is empty\n"), "{en}");
    assert_no_english(&zh);
}

#[test]
fn an_output_that_exists_is_refused_in_chinese() {
    let sb = Sandbox::new();
    sb.write("t.toml", "keep me");
    let args = [
        "init",
        "--rubric",
        "luohu-dept-overall-2023",
        "-o",
        "t.toml",
    ];
    let (zh, en) = both(&sb, &args, 2);
    assert_eq!(
        zh,
        "错误：无法写入 `t.toml`：文件已存在；请换一个文件名，或先删除该文件\n"
    );
    assert_eq!(
        en,
        "error: cannot write `t.toml`: it already exists; choose another name, or remove it first\n"
    );
    assert_eq!(
        std::fs::read_to_string(sb.path().join("t.toml")).unwrap(),
        "keep me"
    );
    // An operating system's error: its own words in English, Chinese in Chinese.
    let args = [
        "init",
        "--rubric",
        "luohu-dept-overall-2023",
        "-o",
        "nodir/t.toml",
    ];
    let (zh, en) = both(&sb, &args, 2);
    assert_eq!(
        zh,
        "错误：无法写入 `nodir/t.toml`：无法在 `nodir` 中创建临时文件：文件或目录不存在\n"
    );
    assert!(
        en.starts_with(
            "error: cannot write `nodir/t.toml`: no temporary file can be made in `nodir`: "
        ),
        "{en}"
    );
}

#[test]
fn toml_syntax_errors_are_said_in_chinese() {
    let sb = Sandbox::new();
    sb.write("x.toml", edited_example(&[("[budget]\n", "[budget\n")]));
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with("错误：TOML 格式错误：表头缺少右方括号，此处应为：`]`\n"),
        "{zh}"
    );
    assert!(
        en.starts_with("error: invalid TOML: unclosed table, expected `]`\n"),
        "{en}"
    );
    assert_no_english(&zh);

    sb.write(
        "x.toml",
        edited_example(&[("initial = 2855.07", "预算 = 2855.07")]),
    );
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with(
            "错误：TOML 格式错误：键名含有须加引号的字符，此处应为：字母、数字、`-`、`_`\n"
        ),
        "{zh}"
    );
    assert!(
        zh.contains("= 提示：键名中有英文字母、数字、`-`、`_` 以外的字符时须加英文双引号"),
        "{zh}"
    );
    assert!(
        en.starts_with(
            "error: invalid TOML: invalid unquoted key, expected letters, numbers, `-`, `_`\n"
        ),
        "{en}"
    );
    assert_no_english(&zh);
}

/// (the line as the example has it, the line as typed, the Chinese hint, the English hint)
const HINTS: &[(&str, &str, &str, &str)] = &[
    (
        "initial = 2855.07",
        "initial = 2,855.07",
        "提示：数字中不能带千位分隔符 `,`，应写为 `initial = 2855.07`",
        "help: a figure cannot contain the thousands separator `,`: write `initial = 2855.07`",
    ),
    (
        "on_payroll = 11",
        "on_payroll = １１",
        "提示：数字中不能带全角数字（０–９），应写为 `on_payroll = 11`",
        "help: a figure cannot contain full-width digits (０–９): write `on_payroll = 11`",
    ),
    (
        "execution_rate = \"87.47%\"",
        "execution_rate = 87.47％",
        "提示：数字中不能带全角百分号 `％`；百分数要加英文双引号，应写为 `execution_rate = \"87.47%\"`",
        "help: a figure cannot contain the full-width percent sign `％`; a rate's percentage is quoted: write `execution_rate = \"87.47%\"`",
    ),
    (
        "initial = 2855.07",
        "initial ＝ 2855.07",
        "提示：`＝` 不是 TOML 的 `=`，应写为 `initial = 2855.07`",
        "help: `＝` is not TOML's `=`: write `initial = 2855.07`",
    ),
    (
        "initial = 2855.07",
        "initial：2855.07",
        "提示：`：` 不是 TOML 的 `=`，应写为 `initial = 2855.07`",
        "help: `：` is not TOML's `=`: write `initial = 2855.07`",
    ),
    (
        "initial = 2855.07",
        "initial = “2855.07”",
        "提示：中文引号“”不是 TOML 的英文引号 \"\"，应写为 `initial = 2855.07`",
        "help: Chinese quotes “” are not TOML's \"\": write `initial = 2855.07`",
    ),
    (
        "duty_aligned = true",
        "duty_aligned = “是”",
        "提示：中文引号“”不是 TOML 的英文引号 \"\"；是否类数据项写 true（是）或 false（否），应写为 `duty_aligned = true`",
        "help: Chinese quotes “” are not TOML's \"\"; a yes/no fact is written true or false: write `duty_aligned = true`",
    ),
    (
        "initial = 2855.07",
        "initial = 2855.07万元",
        "提示：数字中不能带单位（单位由评价框架规定），应写为 `initial = 2855.07`",
        "help: a figure cannot contain a unit after the figure (the rubric gives the unit): write `initial = 2855.07`",
    ),
    (
        "initial = 2855.07",
        "initial = 28550700元",
        "提示：数字后面不能带单位；换算为评价框架的单位，28550700 元 即 2855.07 万元：框架以万元计的，应写为 `initial = 2855.07`",
        "help: a figure cannot carry its unit; in the rubric's unit, 28550700 元 is 2855.07 万元: write `initial = 2855.07` if the rubric counts in 万元",
    ),
    (
        "initial = 2855.07",
        "initial = \"2855.07\u{3000}\"",
        "提示：数字中不能带全角空格（U+3000）；数字不加引号，应写为 `initial = 2855.07`",
        "help: a figure cannot contain the ideographic space (U+3000); a figure takes no quotes: write `initial = 2855.07`",
    ),
    (
        "on_payroll = 11",
        "on_payroll = \"１１\"",
        "提示：数字中不能带全角数字（０–９）；数字不加引号，应写为 `on_payroll = 11`",
        "help: a figure cannot contain full-width digits (０–９); a figure takes no quotes: write `on_payroll = 11`",
    ),
    (
        "initial = 2855.07",
        "initial = \"28550700元\"",
        "提示：数字应以万元为单位且不带单位：28550700 元 即 2855.07 万元，应写为 `initial = 2855.07`",
        "help: the figure must be in 万元, without a unit: 28550700 元 is 2855.07 万元; write `initial = 2855.07`",
    ),
];

#[test]
fn each_typing_hint_names_the_character_and_the_line_in_chinese() {
    let sb = Sandbox::new();
    for (original, typed, zh_hint, en_hint) in HINTS {
        sb.write("typed.toml", edited_example(&[(original, typed)]));
        let (zh, en) = both(&sb, &["score", "typed.toml"], 2);
        assert!(zh.contains(zh_hint), "{typed}:\n{zh}");
        assert!(zh.starts_with("错误："), "{typed}:\n{zh}");
        assert_no_english(&zh);
        assert!(en.contains(en_hint), "{typed}:\n{en}");
    }
}

#[test]
fn facts_that_do_not_fit_the_rubric_are_said_in_chinese() {
    let sb = Sandbox::new();
    sb.write(
        "x.toml",
        edited_example(&[("initial = 2855.07", "inital = 2855.07")]),
    );
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with("错误：未知的数据项 `budget.inital`\n"),
        "{zh}"
    );
    assert!(zh.contains("= 提示：是否应为 `initial`？"), "{zh}");
    assert!(
        en.starts_with("error: unknown fact `budget.inital`\n"),
        "{en}"
    );
    assert!(en.contains("= help: did you mean `initial`?"), "{en}");
    assert_no_english(&zh);

    sb.write(
        "x.toml",
        edited_example(&[("on_payroll = 11", "on_payroll = -1")]),
    );
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with(
            "错误：`staff.on_payroll`（年末在编人数（含工勤人员））不能为负数，实际为 -1\n"
        ),
        "{zh}"
    );
    assert!(
        en.starts_with(
            "error: `staff.on_payroll` (年末在编人数（含工勤人员）) cannot be negative, found -1\n"
        ),
        "{en}"
    );

    sb.write(
        "x.toml",
        edited_example(&[(
            "rubric = \"luohu-dept-overall-2023\"",
            "rubric = \"luohu-dept-overall-2024\"",
        )]),
    );
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with("错误：未知的评价框架 `luohu-dept-overall-2024`\n"),
        "{zh}"
    );
    assert!(
        zh.contains("= 提示：是否应为 `luohu-dept-overall-2023`？"),
        "{zh}"
    );
    assert!(
        en.starts_with("error: unknown rubric `luohu-dept-overall-2024`\n"),
        "{en}"
    );

    sb.write(
        "x.toml",
        edited_example(&[("initial = 2855.07", "initial = { value = 1, foo = 2 }")]),
    );
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with("错误：未知的键 `foo`（位于数据项 `budget.initial`）\n"),
        "{zh}"
    );
    assert!(
        zh.contains("= 提示：此处可用的键：value、reason、note"),
        "{zh}"
    );
    assert!(
        en.starts_with("error: unknown key `foo` in fact `budget.initial`\n"),
        "{en}"
    );
    assert!(
        en.contains("= help: the keys here are: value, reason, note"),
        "{en}"
    );

    sb.write("x.toml", "rubric = 1\n");
    let (zh, en) = both(&sb, &["score", "x.toml"], 2);
    assert!(
        zh.starts_with("错误：`rubric` 应为文字，实际为整数\n"),
        "{zh}"
    );
    assert!(
        en.starts_with("error: `rubric` must be a string, found an integer\n"),
        "{en}"
    );
}

#[test]
fn a_template_left_unfilled_is_one_chinese_list() {
    let sb = Sandbox::new();
    let run = sb.run_zh(&[
        "init",
        "--rubric",
        "luohu-dept-overall-2023",
        "-o",
        "t.toml",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let (zh, en) = both(&sb, &["score", "t.toml"], 2);
    let first = zh.lines().next().unwrap();
    assert!(first.starts_with("错误：还有 "), "{zh}");
    assert!(
        first.contains(" 个值未填写（department、year、budget.initial"),
        "{zh}"
    );
    assert!(first.ends_with("）：仍是模板中的 \"TODO\""), "{zh}");
    assert!(
        zh.contains("= 提示：请逐一改为报告中的数字或理由：\n"),
        "{zh}"
    );
    assert!(zh.contains("     第 9 行：department\n"), "{zh}");
    assert_no_english(&zh);
    assert!(
        en.contains(" values are still to fill (department, year, budget.initial"),
        "{en}"
    );
    assert!(en.contains("     line 9: department\n"), "{en}");
}

#[test]
fn set_and_plausibility_rules_speak_chinese() {
    let sb = Sandbox::new();
    sb.write(
        "seed.toml",
        std::fs::read(repo().join("examples/luohu-2023.toml")).unwrap(),
    );
    let (zh, en) = both(
        &sb,
        &["score", "seed.toml", "--set", "procurement.actul=1"],
        2,
    );
    assert!(
        zh.starts_with("错误：--set 指定的 `procurement.actul` 不是评价框架 `luohu-dept-overall-2023` 的数据项\n"),
        "{zh}"
    );
    assert!(
        zh.contains("= 提示：是否应为 `procurement.actual`？"),
        "{zh}"
    );
    assert!(
        en.starts_with("error: --set names `procurement.actul`, which is not a fact of rubric `luohu-dept-overall-2023`\n"),
        "{en}"
    );

    let (zh, en) = both(
        &sb,
        &["score", "seed.toml", "--set", "projects.on_time=9"],
        2,
    );
    assert!(zh.starts_with("错误：数据不合理（"), "{zh}");
    assert!(
        zh.contains(
            "projects.on_time（按计划时间完成的项目数）= 9 个，由 --set projects.on_time=9 设定；"
        ),
        "{zh}"
    );
    assert!(
        zh.contains("= 提示：请对照决算和报告核对；数据核对无误前不予计分"),
        "{zh}"
    );
    assert_no_english(&zh);
    assert!(
        en.starts_with("error: these figures cannot be true: "),
        "{en}"
    );
    assert!(
        en.contains(
            "projects.on_time (按计划时间完成的项目数) = 9 个, set by --set projects.on_time=9; "
        ),
        "{en}"
    );

    // A check set partly met: the value shown in the language chosen.
    let args = [
        "score",
        "seed.toml",
        "--set",
        "procurement.policy={ value = 0.5, reason = \"落实不到位\" }",
    ];
    let zh = sb.run_zh(&args);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    assert!(
        zh.stdout.contains("符合 → 部分符合，0.5 分"),
        "{}",
        zh.stdout
    );
    let mut en_args = args.to_vec();
    en_args.extend(["--lang", "en"]);
    let en = sb.run(&en_args);
    assert!(
        en.stdout.contains("met → partly met, 0.5 points"),
        "{}",
        en.stdout
    );
}

#[test]
fn formula_errors_in_a_rubric_are_said_in_chinese() {
    let sb = Sandbox::new();
    let rubric = crate::support::edited(
        std::fs::read_to_string(repo().join("rubrics/luohu-dept-overall-2023.toml")).unwrap(),
        &[(
            "computed = \"budget.spent / budget.adjusted\"",
            "computed = \"budget.spent ÷ budget.adjusted\"",
        )],
    );
    sb.write("r.toml", rubric);
    let zh = sb.run_zh(&["rubric", "check", "r.toml"]);
    assert_eq!(zh.code, Some(2), "{}", zh.stderr);
    assert!(
        zh.stderr.contains("公式中有无法识别的字符 `÷`；应写作 `/`"),
        "{}",
        zh.stderr
    );
    let en = sb.run(&["rubric", "check", "r.toml"]);
    assert!(
        en.stderr
            .contains("unexpected character `÷` in formula; write `/`"),
        "{}",
        en.stderr
    );
}
