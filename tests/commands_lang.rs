//! The commands' own words in both languages: batch, check over many files, diff, gaps,
//! init, convert, explain and the rubric commands say them in Chinese unless asked, and in
//! English with `--lang en`; machine formats (batch JSON keys, the status column) do not
//! change with the language.

use crate::support::{Sandbox, edited_example, example_text, repo};

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

/// The seed, and the seed with one procurement figure changed.
fn two_files() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("old.toml", example_text());
    sb.write(
        "new.toml",
        edited_example(&[("actual = 157.46", "actual = 150")]),
    );
    sb
}

/// `a/`: the seed, a file that cannot be parsed and a note that is no facts file;
/// `b/`: the seed with a figure changed.
/// `score FILE --format json` in the sandbox: the figures a test expects, from the engine.
fn scored(sb: &Sandbox, file: &str) -> serde_json::Value {
    sb.json_ok(&["score", file, "--format", "json"])
}

/// A JSON string value as text.
fn text(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn archives() -> Sandbox {
    let sb = Sandbox::new();
    for dir in ["a", "b"] {
        std::fs::create_dir_all(sb.path().join(dir)).unwrap();
    }
    sb.write("a/seed.toml", example_text());
    sb.write(
        "a/bad.toml",
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
    );
    sb.write("a/notes.txt", "not facts");
    sb.write(
        "b/seed.toml",
        edited_example(&[("actual = 157.46", "actual = 150")]),
    );
    sb
}

fn jsonl(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn batch_speaks_chinese_on_stderr_and_keeps_its_keys() {
    let sb = archives();
    let seed = crate::support::example_json("luohu-2023.toml");
    let (total, grade) = (text(&seed["total"]), text(&seed["grade"]));
    let run = sb.run_zh(&["batch", "a", "--format", "jsonl"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // The failed file, its level word in Chinese; the summary and the skipped note.
    assert!(run.stderr.contains("错误：a/bad.toml:"), "{}", run.stderr);
    let summary = format!(
        "已评分 1 个文件，失败 1 个；等级：{grade} 1 个；总分平均 {total}，最低 {total}，最高 {total}\n"
    );
    assert!(run.stderr.contains(&summary), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("目录中另有 1 个文件未评分：只有 `*.toml` 和 `*.xlsx` 文件是数据文件\n"),
        "{}",
        run.stderr
    );
    for english in ["error:", "file(s)", "scored", "grades"] {
        assert!(!run.stderr.contains(english), "{english}: {}", run.stderr);
    }
    // The rows keep their keys and status values; the error cell has no level word.
    let rows = jsonl(&run.stdout);
    let bad = rows.iter().find(|r| r["path"] == "a/bad.toml").unwrap();
    assert_eq!(bad["status"], "error");
    let error = bad["error"].as_str().unwrap();
    assert!(error.starts_with("a/bad.toml:"), "{error}");
    assert_eq!(rows.iter().filter(|r| r["status"] == "ok").count(), 1);
}

#[test]
fn batch_speaks_english_when_asked() {
    let sb = archives();
    let seed = crate::support::example_json("luohu-2023.toml");
    let (total, grade) = (text(&seed["total"]), text(&seed["grade"]));
    let run = sb.run_zh(&["--lang", "en", "batch", "a", "--format", "jsonl"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("error: a/bad.toml:"), "{}", run.stderr);
    let summary = format!(
        "1 file(s) scored, 1 failed; grades: {grade} 1; total mean {total}, min {total}, max {total}\n"
    );
    assert!(run.stderr.contains(&summary), "{}", run.stderr);
    assert!(!run.stderr.contains("错误"), "{}", run.stderr);
    assert!(!run.stderr.contains("已评分"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_row_error_drops_the_level_word_in_either_language() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path().join("c")).unwrap();
    sb.write("c/seed.toml", example_text());
    let status = std::process::Command::new("mkfifo")
        .arg(sb.path().join("c/pipe.toml"))
        .status()
        .unwrap();
    assert!(status.success());
    for args in [
        &["batch", "c", "--format", "jsonl"][..],
        &["--lang", "en", "batch", "c", "--format", "jsonl"][..],
    ] {
        let run = sb.run_zh(args);
        let rows = jsonl(&run.stdout);
        let pipe = rows.iter().find(|r| r["path"] == "c/pipe.toml").unwrap();
        let error = pipe["error"].as_str().unwrap();
        assert!(error.starts_with("`c/pipe.toml`"), "{error}");
    }
}

#[test]
fn a_batch_xlsx_without_output_is_refused_in_the_language_of_the_run() {
    let sb = archives();
    let zh = sb.run_zh(&["batch", "a", "--format", "xlsx"]);
    assert_eq!(zh.code, Some(2));
    assert_eq!(
        zh.stderr,
        "错误：`--format xlsx` 须同时给出 `-o 文件`：工作簿要在全部文件评分完成后一次写出\n \
         = 提示：perfeval batch … --format xlsx -o 评分结果.xlsx\n"
    );
    let en = sb.run(&["batch", "a", "--format", "xlsx"]);
    assert_eq!(
        en.stderr,
        "error: `--format xlsx` needs `-o FILE`: a workbook is written whole, once every file \
         is scored\n = help: perfeval batch … --format xlsx -o results.xlsx\n"
    );
}

#[test]
fn check_of_many_files_counts_in_chinese() {
    let sb = archives();
    let run = sb.run_zh(&["check", "a"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("perfeval check a/bad.toml：无法使用\n  错误："),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("共核查 2 个文件：通过 1 个，未通过 0 个，无法使用 1 个\n"),
        "{}",
        run.stdout
    );
    let en = sb.run(&["check", "a"]);
    assert!(
        en.stdout
            .contains("perfeval check a/bad.toml: UNUSABLE\n  error: "),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout
            .ends_with("2 file(s) checked: 1 passed, 0 failed, 1 unusable\n"),
        "{}",
        en.stdout
    );
}

#[test]
fn the_diff_table_follows_the_language() {
    let sb = two_files();
    let (old, new) = (scored(&sb, "old.toml"), scored(&sb, "new.toml"));
    let (old_total, new_total) = (text(&old["total"]), text(&new["total"]));
    let (old_grade, new_grade) = (text(&old["grade"]), text(&new["grade"]));
    let change = dec(new_total) - dec(old_total);
    let zh = sb.run_zh(&["diff", "old.toml", "new.toml", "--width", "200"]);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    let zh_total =
        format!("总分 {old_total} → {new_total}（{change}），等级：{old_grade} → {new_grade}\n");
    let zh_grade = format!("等级：{old_grade} → {new_grade}");
    for text in [
        "绩效评价对比\n原：old.toml · ",
        " · 2023 年度 · ",
        "│ 指标 ",
        "┆ 原得分 ┆ 新得分 ┆ 变化 ",
        "┆ 变化的数据项（原值 → 新值）",
        "实际政府采购金额（procurement.actual）：157.46 万元 → 150 万元",
        "位置：old.toml:50 → new.toml:50",
        "│ 总分 ",
        zh_grade.as_str(),
        zh_total.as_str(),
        "得分变化的指标 1 个；新增指标 0 个，删除指标 0 个\n",
    ] {
        assert!(zh.stdout.contains(text), "{text}\n{}", zh.stdout);
    }
    let en = sb.run(&["diff", "old.toml", "new.toml", "--width", "200"]);
    assert_eq!(en.code, Some(0), "{}", en.stderr);
    let en_total =
        format!("Total {old_total} → {new_total} ({change}), grade: {old_grade} → {new_grade}\n");
    for text in [
        "Performance evaluation comparison\nOld: old.toml · ",
        "┆ Old score ┆ New score ┆ Change ",
        "┆ Facts that changed (old → new)",
        "实际政府采购金额 (procurement.actual): 157.46 万元 → 150 万元",
        "source: old.toml:50 → new.toml:50",
        "│ Total ",
        en_total.as_str(),
        "1 indicator(s) changed score; 0 new indicator(s), 0 removed\n",
    ] {
        assert!(en.stdout.contains(text), "{text}\n{}", en.stdout);
    }
    for chinese in ["原得分", "对比", "出处", "得分变化", "等级：", "年度"] {
        assert!(!en.stdout.contains(chinese), "{chinese}\n{}", en.stdout);
    }
}

#[test]
fn the_batch_diff_table_follows_the_language() {
    let sb = archives();
    for (dir, out) in [("a", "a.jsonl"), ("b", "b.jsonl")] {
        let run = sb.run(&["batch", dir, "--format", "jsonl"]);
        sb.write(out, &run.stdout);
    }
    let zh = sb.run_zh(&["diff", "a.jsonl", "b.jsonl", "--width", "200"]);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    for text in [
        "批量评分结果对比\n",
        "┆ 原总分 ",
        "┆ 新总分 ┆",
        "无法评分",
        "仅原结果有",
        "a/bad.toml：\n  原结果无法评分：a/bad.toml:",
        "b/seed.toml（原：a/seed.toml）：\n",
        "文件 2 个：有变化 2 个（其中仅新结果有 0 个，仅原结果有 1 个）\n",
    ] {
        assert!(zh.stdout.contains(text), "{text}\n{}", zh.stdout);
    }
    let en = sb.run(&["diff", "a.jsonl", "b.jsonl", "--width", "200"]);
    for text in [
        "Batch results comparison\n",
        "┆ Old total ",
        "┆ New total ┆",
        "cannot be scored",
        "only in old",
        "a/bad.toml:\n  the old result cannot be scored: a/bad.toml:",
        "b/seed.toml (was: a/seed.toml):\n",
        "2 file(s): 2 differ (0 only in the new results, 1 only in the old)\n",
    ] {
        assert!(en.stdout.contains(text), "{text}\n{}", en.stdout);
    }
    for chinese in ["对比", "原总分", "无法评分", "仅原结果有", "原："] {
        assert!(!en.stdout.contains(chinese), "{chinese}\n{}", en.stdout);
    }
}

#[test]
fn diff_refuses_what_it_cannot_compare_in_the_language_of_the_run() {
    let sb = archives();
    let run = sb.run(&["batch", "b", "--format", "jsonl"]);
    sb.write("b.jsonl", &run.stdout);
    let zh = sb.run_zh(&["diff", "a/seed.toml", "b.jsonl"]);
    assert_eq!(zh.code, Some(2));
    assert_eq!(
        zh.stderr,
        "错误：`a/seed.toml` 是数据文件，`b.jsonl` 是 perfeval batch 的输出，两者不能比较\n \
         = 提示：请比较两份数据文件，或两份 batch 结果（--format jsonl 或 json）\n"
    );
    let en = sb.run(&["diff", "a/seed.toml", "b.jsonl"]);
    assert_eq!(
        en.stderr,
        "error: `a/seed.toml` is a facts file and `b.jsonl` is perfeval batch output; the two \
         cannot be compared\n = help: compare two facts files, or two batch outputs \
         (--format jsonl or json)\n"
    );
    sb.write("broken.jsonl", "{\"path\": \"x.toml\"}\n");
    let zh = sb.run_zh(&["diff", "broken.jsonl", "b.jsonl"]);
    assert_eq!(
        zh.stderr,
        "错误：`broken.jsonl` 看起来是 perfeval batch 的输出，但无法读取：第 1 行不是 perfeval \
         batch 的结果行（缺少 `path` 或 `status`）\n"
    );
    let en = sb.run(&["diff", "broken.jsonl", "b.jsonl"]);
    assert_eq!(
        en.stderr,
        "error: `broken.jsonl` looks like perfeval batch output, but cannot be read: line 1 is \
         not a perfeval batch row (it has no `path` or `status`)\n"
    );
    let zh = sb.run_zh(&["diff", "-", "b.jsonl"]);
    assert!(
        zh.stderr
            .starts_with("错误：diff 比较的是两个文件，不读取标准输入（`-`）\n = 提示："),
        "{}",
        zh.stderr
    );
}

#[test]
fn gaps_follows_the_language() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    // Every figure expected below is the engine's, from `gaps --format json`.
    let gaps = sb.json_ok(&["gaps", "seed.toml", "--format", "json"]);
    let (total, grade) = (text(&gaps["total"]), text(&gaps["grade"]));
    let lost = |name: &str| {
        gaps["lost"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == name)
            .unwrap_or_else(|| panic!("{name} lost nothing: {gaps}"))
            .clone()
    };
    let remedy = |l: &serde_json::Value, fact: &str| {
        l["remedies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["fact"] == fact)
            .unwrap_or_else(|| panic!("no remedy by {fact}: {l}"))
            .clone()
    };
    let procurement = lost("政府采购执行情况");
    let (p_points, p_score, p_lost) = (
        text(&procurement["points"]),
        text(&procurement["score"]),
        text(&procurement["lost"]),
    );
    let actual = remedy(&procurement, "procurement.actual");
    let (now, at, after) = (
        text(&actual["current"]),
        text(&actual["full_marks_at"]),
        text(&actual["total_after"]),
    );
    let staff = lost("编外人员控制率");
    let (s_points, s_score, s_rule) = (
        text(&staff["points"]),
        text(&staff["score"]),
        text(&staff["rule_score"]),
    );
    let s_rule_lost = dec(s_points) - dec(s_rule);
    let short = remedy(&lost("公用经费控制率"), "public_funds.sangong_actual");
    let (best, best_at) = (text(&short["best_score"]), text(&short["best_at"]));
    let zh = sb.run_zh(&["gaps", "seed.toml"]);
    assert_eq!(zh.code, Some(0), "{}", zh.stderr);
    for text in [
        format!(" · 2023 年度\n总分 {total} / 100，等级：{grade}\n已达到最高等级（{grade}）\n"),
        "\n扣分指标（按扣分从多到少）：\n".to_string(),
        format!("\n政府采购执行情况  分值 {p_points}  得分 {p_score}  扣 {p_lost}\n"),
        format!(
            "\n编外人员控制率  分值 {s_points}  得分 {s_score}（人工调整；规则得分 {s_rule}，按规则应扣 {s_rule_lost:.2}）\n"
        ),
        "  所用数据项：procurement.plan（政府采购计划金额）= 158.75 万元；".to_string(),
        "  只调整一个数据项时：\n".to_string(),
        format!(
            "    procurement.actual（实际政府采购金额）：{now} → {at}，可得满分 {p_points} 分（--set procurement.actual={at}）；总分将为 {after}\n"
        ),
        format!("仅调整此项不能得满分，最高可得 {best} 分（取值 {best_at} 时）"),
    ] {
        assert!(zh.stdout.contains(&text), "{text}\n{}", zh.stdout);
    }
    let en = sb.run(&["gaps", "seed.toml"]);
    for text in [
        format!(
            " · 2023\nTotal {total} / 100, grade: {grade}\nAlready at the top grade ({grade})\n"
        ),
        "\nIndicators that lost points (most lost first):\n".to_string(),
        format!("\n政府采购执行情况  points {p_points}  score {p_score}  lost {p_lost}\n"),
        format!(
            "\n编外人员控制率  points {s_points}  score {s_score} (override; the rule gives {s_rule}, {s_rule_lost:.2} lost)\n"
        ),
        "  facts read: procurement.plan (政府采购计划金额) = 158.75 万元; ".to_string(),
        "  changing one fact:\n".to_string(),
        format!(
            "    procurement.actual (实际政府采购金额): {now} → {at} earns full marks, {p_points} (--set procurement.actual={at}); the total would be {after}\n"
        ),
        format!("no value of it alone earns full marks; at best {best} (at {best_at})"),
    ] {
        assert!(en.stdout.contains(&text), "{text}\n{}", en.stdout);
    }
    // (The basis and the criteria are other parts' words, or the rubric's.)
    for chinese in [
        "扣分指标",
        "已达到",
        "所用数据项",
        "只调整一个数据项",
        "总分将为",
        "可得满分",
        "人工调整；",
    ] {
        assert!(!en.stdout.contains(chinese), "{chinese}\n{}", en.stdout);
    }
}

#[test]
fn notes_and_usage_errors_of_the_commands_are_in_chinese() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let init = sb.run_zh(&[
        "init",
        "--rubric",
        "luohu-dept-overall-2023",
        "-o",
        "t.toml",
    ]);
    assert_eq!(init.code, Some(0), "{}", init.stderr);
    assert_eq!(
        init.stderr,
        "已写出 t.toml：请把所有 `TODO` 处填写完整，然后运行 `perfeval score t.toml`\n"
    );
    let unknown = sb.run_zh(&["init", "--rubric", "luohu-dept-overal"]);
    assert_eq!(
        unknown.stderr,
        "错误：没有编号为 `luohu-dept-overal` 的内置评价框架，也找不到该文件\n \
         = 提示：是否应为 `luohu-dept-overall-2023`？\n"
    );
    let explain = sb.run_zh(&["explain", "seed.toml", "zzzz"]);
    assert_eq!(
        explain.stderr,
        "错误：评价框架 `luohu-dept-overall-2023` 中没有指标 `zzzz`\n \
         = 提示：`perfeval score seed.toml` 会列出全部指标\n"
    );
    let convert = sb.run_zh(&["convert", "seed.toml", "-o", "seed.xlsx"]);
    assert_eq!(convert.code, Some(0), "{}", convert.stderr);
    assert_eq!(
        convert.stderr,
        "已写出 seed.xlsx：包含 seed.toml 的全部数值、理由、出处、清单指标、人工调整和自评得分\n\
         说明：seed.toml 中的注释不会写入工作簿；需要保留的，请写入出处（工作簿的“出处说明”列）\n"
    );
    let again = sb.run_zh(&["convert", "seed.xlsx", "-o", "other.xlsx"]);
    assert_eq!(
        again.stderr,
        "错误：`seed.xlsx` 已经是工作簿\n = 提示：convert 把 TOML 转为工作簿（-o 文件名.xlsx），\
         或把工作簿转为 TOML（-o 文件名.toml）\n"
    );
    // The same runs in English, as they always were.
    let en = sb.run(&["explain", "seed.toml", "zzzz"]);
    assert_eq!(
        en.stderr,
        "error: rubric `luohu-dept-overall-2023` has no indicator `zzzz`\n = help: \
         `perfeval score seed.toml` lists the indicators\n"
    );
    let en = sb.run(&["convert", "seed.xlsx", "-o", "other.xlsx"]);
    assert_eq!(
        en.stderr,
        "error: `seed.xlsx` is already a workbook\n = help: convert writes a workbook from \
         TOML (-o FILE.xlsx) or TOML from a workbook (-o FILE.toml)\n"
    );
}

#[test]
fn the_encoding_notice_is_in_chinese() {
    let sb = Sandbox::new();
    // `department = "…"` in GB18030: the notice says how the file was read.
    let text = example_text();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    sb.write("gbk.toml", &*gbk);
    let zh = sb.run_zh(&["score", "gbk.toml"]);
    assert!(
        zh.stderr
            .starts_with("说明：`gbk.toml` 不是 UTF-8 编码，已按 GB18030（GBK）读取\n"),
        "{}",
        zh.stderr
    );
    let en = sb.run(&["score", "gbk.toml"]);
    assert!(
        en.stderr
            .starts_with("note: `gbk.toml` is not UTF-8; read as GB18030 (GBK)\n"),
        "{}",
        en.stderr
    );
}

#[test]
fn the_rubric_commands_summarise_in_chinese() {
    let sb = Sandbox::new();
    let rubric = repo().join("rubrics/mof-project-2020.toml");
    let rubric = rubric.to_str().unwrap();
    let check = sb.run_zh(&["rubric", "check", rubric]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    assert_eq!(
        check.stdout,
        format!(
            "评价框架 `mof-project-2020` v1（{rubric}）：指标 6 个，数据项 6 个，合理性校验规则 0 \
             条，一致性核查 3 条；框架检查警告 0 个\n"
        )
    );
    let tests = repo().join("rubrics/tests/mof-project-2020.test.toml");
    let run = sb.run_zh(&["rubric", "test", tests.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("通过 "), "{}", run.stdout);
    // The cases the test file holds, counted in the file, not in the output.
    let cases = std::fs::read_to_string(&tests)
        .unwrap()
        .lines()
        .filter(|l| l.trim() == "[[case]]")
        .count();
    assert!(cases > 5, "{cases}");
    assert!(
        run.stdout.ends_with(&format!(
            "\n1 个文件共 {cases} 个用例：通过 {cases} 个，未通过 0 个\n"
        )),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("PASS"), "{}", run.stdout);
    let en = sb.run(&["rubric", "test", tests.to_str().unwrap()]);
    assert!(en.stdout.starts_with("PASS "), "{}", en.stdout);
    assert!(
        en.stdout.ends_with(&format!(
            "\n{cases} case(s) in 1 file(s): {cases} passed, 0 failed\n"
        )),
        "{}",
        en.stdout
    );
}
