//! The HTML pages in the language chosen: the 自评 report (`score --format html`) and the
//! comparison pages (`diff --format html`) are Chinese by default, with `<html
//! lang="zh-CN">`, and English with `--lang en`, with `lang="en"`. Every figure compared
//! comes from the binary's own JSON.

use rust_decimal::Decimal;

use crate::support::{Sandbox, ci_tool, edited_example, example_text, have, indicator_nodes};

/// The seed example in a sandbox, and its JSON score report.
fn seed() -> (Sandbox, serde_json::Value) {
    let sb = Sandbox::new();
    sb.write("luohu-2023.toml", example_text());
    let json = sb.json_ok(&["score", "luohu-2023.toml", "--format", "json"]);
    (sb, json)
}

/// The HTML report, with `--lang` when `lang` is given, else in the default language.
fn page(sb: &Sandbox, lang: Option<&str>, args: &[&str]) -> String {
    let mut all: Vec<&str> = Vec::new();
    if let Some(lang) = lang {
        all.extend(["--lang", lang]);
    }
    all.extend(args);
    let run = sb.run_zh(&all);
    assert_eq!(run.code, Some(0), "{all:?}: {}", run.stderr);
    run.stdout
}

/// `(points, score, points − score)` of one indicator, as the engine gives them.
fn figures(json: &serde_json::Value, name: &str) -> (String, String, String) {
    let node = indicator_nodes(json)
        .into_iter()
        .find(|n| n["name"] == name)
        .unwrap();
    let points = node["points"].as_str().unwrap().to_string();
    let score = node["score"].as_str().unwrap().to_string();
    let lost: Decimal = points.parse::<Decimal>().unwrap() - score.parse::<Decimal>().unwrap();
    (points, score, lost.to_string())
}

/// Texts of the English page that must not be in the Chinese one, and the reverse.
const ENGLISH: &[&str] = &[
    "<div>Total</div>",
    "out of ",
    "Points lost by indicator",
    "Appendix 1:",
    "score sheet",
    "<h4>Scoring rule</h4>",
    "<h4>Facts used</h4>",
    "<h4>Values computed</h4>",
    "<h4>Result</h4>",
    "<dt>Description</dt>",
    "Facts file SHA-256",
    "Solid bars: points lost",
    "by the rule)",
    "Sum of the parts",
];
const CHINESE: &[&str] = &[
    "<div>总分</div>",
    "满分 ",
    "各指标扣分",
    "附件一　",
    "评分表",
    "<h4>评分规则</h4>",
    "<h4>所用数据</h4>",
    "<h4>中间值</h4>",
    "<h4>结果</h4>",
    "<dt>指标说明</dt>",
    "数据文件 SHA-256",
    "实心条：扣分",
    "（按规则扣 ",
    "各评分项合计 ",
];

#[test]
fn the_report_is_chinese_by_default() {
    let (sb, json) = seed();
    let html = page(&sb, None, &["score", "luohu-2023.toml", "--format", "html"]);
    let total = json["total"].as_str().unwrap();
    let full = json["points"].as_str().unwrap();
    let grade = json["grade"].as_str().unwrap();
    let title = "部门整体支出绩效评价共性指标体系框架";
    assert!(html.contains("<html lang=\"zh-CN\">"), "{}", &html[..200]);
    for needle in [
        format!("<title>深圳市罗湖区政务服务数据管理局（本级） · 2023 年度 · {title}</title>"),
        format!("<p class=\"subtitle\">2023 年度 · {title}（luohu-dept-overall-2023 v1）</p>"),
        "<dt>perfeval 版本</dt>".to_string(),
        "<dt>评价框架</dt>".to_string(),
        format!("<div class=\"grade\">等级：<strong>{grade}</strong></div>"),
        "<th>分值</th><th>得分</th><th>扣分</th>".to_string(),
        "<h2>各指标扣分</h2>".to_string(),
        "aria-label=\"各指标扣分：".to_string(),
        "实心条：扣分（分值 − 得分），按扣分从多到少排列；条后数字为扣分。 \
         标 * 的指标得分经人工调整，斜线条为按规则计算应扣的分数。"
            .to_string(),
        format!("<h2>附件一　评分表（{title}）</h2>"),
        "<th class=\"pts\" scope=\"col\">分值</th><th class=\"score\" scope=\"col\">得分</th>\
         <th scope=\"col\">依据</th>"
            .to_string(),
        ">小计</td>".to_string(),
        format!("<div>满分 {full}</div>"),
        format!("<p>总分 {total} / {full}，等级：{grade}</p>"),
        "<h2>扣分及人工调整说明</h2>".to_string(),
        "<p>以下逐项列出扣分或经人工调整的指标：".to_string(),
        "<dt>参考评分标准</dt>".to_string(),
        "（分档，3 分）".to_string(),
        "按四舍五入保留 2 位小数 → 规则得分 ".to_string(),
        "数据文件中人工调整为 <strong>1.00</strong>。理由：局本级严格".to_string(),
    ] {
        assert!(html.contains(&needle), "`{needle}` missing");
    }
    // An indicator's line, with the engine's figures.
    let (points, score, lost) = figures(&json, "公用经费控制率");
    let line = format!(
        "<p>分值 <strong>{points}</strong>，得分 <strong>{score}</strong>，扣分 <strong>{lost}</strong></p>"
    );
    assert!(html.contains(&line), "`{line}` missing");
    for chinese in CHINESE {
        assert!(html.contains(chinese), "`{chinese}` missing");
    }
    for english in ENGLISH {
        assert!(
            !html.contains(english),
            "English `{english}` in the Chinese page"
        );
    }
}

#[test]
fn the_report_is_english_with_the_flag() {
    let (sb, json) = seed();
    let html = page(
        &sb,
        Some("en"),
        &["score", "luohu-2023.toml", "--format", "html"],
    );
    // PERFEVAL_LANG=en, as the other tests run it, gives the same page.
    let env = sb.run(&["score", "luohu-2023.toml", "--format", "html"]);
    assert_eq!(env.stdout, html);
    let total = json["total"].as_str().unwrap();
    let full = json["points"].as_str().unwrap();
    let grade = json["grade"].as_str().unwrap();
    // The override's chart bar: the rule's score and what the rule alone would deduct.
    let rule = crate::support::rule_score(&json, "编外人员控制率");
    let (points, _, _) = figures(&json, "编外人员控制率");
    let rule_lost = points.parse::<Decimal>().unwrap() - rule.parse::<Decimal>().unwrap();
    let title = "部门整体支出绩效评价共性指标体系框架";
    assert!(html.contains("<html lang=\"en\">"), "{}", &html[..200]);
    for needle in [
        format!("<title>深圳市罗湖区政务服务数据管理局（本级） · FY 2023 · {title}</title>"),
        format!("<p class=\"subtitle\">FY 2023 · {title} (luohu-dept-overall-2023 v1)</p>"),
        "<dt>perfeval version</dt>".to_string(),
        format!("<div>out of {full}</div>"),
        "<th>Points</th><th>Score</th><th>Lost</th>".to_string(),
        "<h2>Points lost by indicator</h2>".to_string(),
        "aria-label=\"Points lost by indicator: ".to_string(),
        format!(">{rule} * ({rule_lost:.2} by the rule)</text>"),
        format!("<h2>Appendix 1: {title} score sheet</h2>"),
        format!("<p>Total {total} / {full}, grade {grade}</p>"),
        "<p>Each indicator that lost points or was set by hand:".to_string(),
        "(tiers, 3 points)".to_string(),
    ] {
        assert!(html.contains(&needle), "`{needle}` missing");
    }
    let (points, score, lost) = figures(&json, "公用经费控制率");
    let line = format!(
        "<p>Points <strong>{points}</strong>, score <strong>{score}</strong>, lost <strong>{lost}</strong></p>"
    );
    assert!(html.contains(&line), "`{line}` missing");
    for english in ENGLISH {
        assert!(html.contains(english), "`{english}` missing");
    }
    for chinese in CHINESE {
        assert!(
            !html.contains(chinese),
            "Chinese `{chinese}` in the English page"
        );
    }
}

#[test]
fn strict_and_what_if_reports_say_so_in_the_language_chosen() {
    let (sb, _) = seed();
    let strict = ["score", "luohu-2023.toml", "--format", "html", "--strict"];
    let zh = page(&sb, None, &strict);
    assert!(zh.contains("<p class=\"notice\">--strict：未采用数据文件中的 "));
    assert!(zh.contains(" 项人工调整，各项得分均为规则本身的结果</p>"));
    assert!(zh.contains("<li>数据文件中的人工调整（"));
    assert!(zh.contains("）未采用（--strict）</li>"));
    let en = page(&sb, Some("en"), &strict);
    assert!(en.contains("<p class=\"notice\">--strict: "));
    assert!(en.contains(
        " override(s) in the facts file not applied; every score is the rule's own result</p>"
    ));
    assert!(en.contains("<li>The override in the facts file ("));
    assert!(en.contains(") was not applied (--strict)</li>"));

    let what_if = [
        "score",
        "luohu-2023.toml",
        "--format",
        "html",
        "--set",
        "procurement.actual=150",
    ];
    let zh = page(&sb, None, &what_if);
    assert!(zh.contains("<td>--set procurement.actual=150（假设情形）</td>"));
    let en = page(&sb, Some("en"), &what_if);
    assert!(en.contains("<td>--set procurement.actual=150 (what-if)</td>"));
}

#[test]
fn the_comparison_page_is_chinese_by_default_and_english_with_the_flag() {
    let (sb, _) = seed();
    sb.write(
        "new.toml",
        edited_example(&[("actual = 157.46", "actual = 150")]),
    );
    let args = ["diff", "luohu-2023.toml", "new.toml", "--format", "html"];
    let json = sb.json_ok(&["diff", "luohu-2023.toml", "new.toml", "--format", "json"]);
    let old_grade = json["old"]["grade"].as_str().unwrap();
    let new_grade = json["new"]["grade"].as_str().unwrap();

    let zh = page(&sb, None, &args);
    assert!(zh.contains("<html lang=\"zh-CN\">"));
    for needle in [
        "<title>绩效评价对比</title>".to_string(),
        "<h1>绩效评价对比</h1>".to_string(),
        "<p>原：luohu-2023.toml · ".to_string(),
        "<br>新：new.toml · ".to_string(),
        "<th>指标</th><th>原得分</th><th>新得分</th><th>变化</th>\
         <th>变化的数据项（原值 → 新值）</th>"
            .to_string(),
        "<td>总分</td>".to_string(),
        format!("<td>等级：{old_grade} → {new_grade}</td>"),
    ] {
        assert!(zh.contains(&needle), "`{needle}` missing:\n{zh}");
    }
    for english in ["Old: ", "New: ", "<th>Change</th>", "Grade: ", "compared"] {
        assert!(!zh.contains(english), "English `{english}` in:\n{zh}");
    }

    let en = page(&sb, Some("en"), &args);
    assert!(en.contains("<html lang=\"en\">"));
    for needle in [
        "<title>Performance evaluations compared</title>".to_string(),
        "<h1>Performance evaluations compared</h1>".to_string(),
        "<p>Old: luohu-2023.toml · ".to_string(),
        "<br>New: new.toml · ".to_string(),
        "<th>Indicator</th>".to_string(),
        "<th>Change</th><th>Facts changed (old → new)</th>".to_string(),
        "<td>Total</td>".to_string(),
        format!("<td>Grade: {old_grade} → {new_grade}</td>"),
    ] {
        assert!(en.contains(&needle), "`{needle}` missing:\n{en}");
    }
    for chinese in [
        "绩效评价对比",
        "<p>原：",
        "<br>新：",
        "<td>总分</td>",
        "<td>等级：",
        "变化的数据项",
    ] {
        assert!(!en.contains(chinese), "Chinese `{chinese}` in:\n{en}");
    }
}

#[test]
fn the_batch_comparison_page_is_chinese_by_default_and_english_with_the_flag() {
    let sb = Sandbox::new();
    for dir in ["a", "b"] {
        std::fs::create_dir_all(sb.path().join(dir)).unwrap();
        sb.write(&format!("{dir}/seed.toml"), example_text());
    }
    sb.write(
        "b/broken.toml",
        "rubric = \"luohu-dept-overall-2023\"\nbad = [\n",
    );
    for dir in ["a", "b"] {
        let out = sb
            .command(&["batch", ".", "--format", "jsonl"])
            .current_dir(sb.path().join(dir))
            .output()
            .unwrap();
        sb.write(&format!("{dir}.jsonl"), out.stdout);
    }
    let args = ["diff", "a.jsonl", "b.jsonl", "--format", "html"];

    let zh = page(&sb, None, &args);
    assert!(zh.contains("<html lang=\"zh-CN\">"));
    for needle in [
        "<title>批量评分结果对比</title>",
        "<h1>批量评分结果对比</h1>",
        "<th>文件</th><th>单位</th><th>年度</th><th>原总分</th><th>新总分</th><th>变化</th>\
         <th>等级</th>",
        "<p>新结果无法评分：",
    ] {
        assert!(zh.contains(needle), "`{needle}` missing:\n{zh}");
    }
    assert!(!zh.contains("could not be scored"), "{zh}");

    let en = page(&sb, Some("en"), &args);
    assert!(en.contains("<html lang=\"en\">"));
    for needle in [
        "<title>Batch results compared</title>",
        "<h1>Batch results compared</h1>",
        "<th>File</th><th>Department</th><th>Year</th><th>Old total</th><th>New total</th>\
         <th>Change</th><th>Grade</th>",
        "<p>The new result could not be scored: ",
    ] {
        assert!(en.contains(needle), "`{needle}` missing:\n{en}");
    }
    for chinese in ["批量评分结果对比", "<th>原总分</th>", "<p>新结果无法评分"] {
        assert!(!en.contains(chinese), "Chinese `{chinese}` in:\n{en}");
    }
}

/// The pages are valid HTML5 in both languages: the Nu Html Checker that `.ci/run` puts
/// in `target/ci-tools/`.
#[test]
fn the_pages_validate_as_html5_in_both_languages() {
    if !have(
        "java",
        &["-version"],
        "a Java runtime (default-jre-headless)",
    ) {
        return;
    }
    let Some(jar) = ci_tool("vnu.jar") else {
        return;
    };
    let (sb, _) = seed();
    sb.write(
        "new.toml",
        edited_example(&[("actual = 157.46", "actual = 150")]),
    );
    let pages = [
        (
            "report.html",
            &["score", "luohu-2023.toml", "--format", "html"][..],
        ),
        (
            "strict.html",
            &["score", "luohu-2023.toml", "--format", "html", "--strict"][..],
        ),
        (
            "diff.html",
            &["diff", "luohu-2023.toml", "new.toml", "--format", "html"][..],
        ),
    ];
    let mut files = Vec::new();
    for (lang, tag) in [(None, "zh-CN"), (Some("en"), "en")] {
        for (name, args) in pages {
            let html = page(&sb, lang, args);
            assert!(html.contains(&format!("<html lang=\"{tag}\">")), "{name}");
            let file = format!("{tag}-{name}");
            sb.write(&file, html);
            files.push(file);
        }
    }
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&files)
        .current_dir(sb.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "not valid HTML5:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
