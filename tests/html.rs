//! `score --format html`: the 自评 report as one self-contained page, proven with the
//! programs people use. Headless Chromium shows it (a screenshot) and prints it (a PDF
//! whose text poppler extracts), the Nu Html Checker validates it as HTML5, and every
//! expected figure comes from the binary's own JSON. `.ci/run` installs the programs and
//! puts vnu.jar in `target/ci-tools/`; under `CI=true` a missing one fails the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{Sandbox, ci_tool, edited_example, have, indicator_nodes, repo};

/// The Nu Html Checker's jar, which `.ci/run` fetches with npm.
fn vnu() -> Option<PathBuf> {
    if !have(
        "java",
        &["-version"],
        "a Java runtime (default-jre-headless)",
    ) {
        return None;
    }
    ci_tool("vnu.jar")
}

/// Writes the HTML report of `facts` (a file in the sandbox) to `out`, and returns it.
fn report(sb: &Sandbox, facts: &str, out: &str) -> String {
    let run = sb.run_zh(&["score", facts, "--format", "html", "-o", out]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    std::fs::read_to_string(sb.path().join(out)).unwrap()
}

fn seed(sb: &Sandbox) -> String {
    sb.write("luohu-2023.toml", crate::support::example_text());
    report(sb, "luohu-2023.toml", "report.html")
}

/// Headless Chromium, as root needs it, with a profile of its own and no network
/// chatter; `timeout` keeps a hung browser from hanging the tests.
fn chromium(sb: &Sandbox, args: &[&str]) {
    let profile = sb.path().join("chromium-profile");
    let page = format!("file://{}", sb.path().join("report.html").display());
    let out = Command::new("timeout")
        .arg("180")
        .arg("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(&page)
        .current_dir(sb.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[test]
fn seed_report_shows_and_prints_in_chromium_with_the_engines_figures() {
    if !have("chromium", &["--version"], "chromium")
        || !have("pdftotext", &["-v"], "poppler-utils")
        || !have("pdfinfo", &["-v"], "poppler-utils")
        || !have("timeout", &["--version"], "coreutils")
    {
        return;
    }
    let sb = Sandbox::new();
    seed(&sb);
    let json = sb.run_zh(&["score", "luohu-2023.toml", "--format", "json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let total = json["total"].as_str().unwrap().to_string();
    let grade = json["grade"].as_str().unwrap().to_string();
    // A cross-check against the seed report's 附件一 as published.
    let published = crate::support::published_appendix();
    assert_eq!(total, published["total"].as_str().unwrap());
    assert_eq!(grade, published["grade"].as_str().unwrap());

    // The screenshot: a real PNG of the whole window.
    chromium(&sb, &["--screenshot=shot.png", "--window-size=1280,2000"]);
    let shot = sb.path().join("shot.png");
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        file_size(&shot) > 50_000,
        "an empty page? {} bytes",
        png.len()
    );

    // The printed PDF: A4 pages, the figures and every indicator's name in its text.
    chromium(
        &sb,
        &["--print-to-pdf=report.pdf", "--no-pdf-header-footer"],
    );
    let info = Command::new("pdfinfo")
        .arg(sb.path().join("report.pdf"))
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Page size:") && l.contains("(A4)")),
        "{info}"
    );
    let text = Command::new("pdftotext")
        .args(["report.pdf", "-"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    // A name wrapped in its cell is split by a line break; compare without whitespace.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        total.as_str(),
        &format!("等级：{grade}"),
        "深圳市罗湖区政务服务数据管理局（本级）",
        "部门整体支出绩效评价共性指标体系框架",
        "扣分及人工调整说明",
    ] {
        assert!(flat.contains(needle), "`{needle}` missing from:\n{text}");
    }
    for node in indicator_nodes(&json) {
        let name = node["name"].as_str().unwrap();
        assert!(flat.contains(name), "`{name}` missing from:\n{text}");
    }
    // The table's header row is repeated on every page the table runs over.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let table_pages: Vec<&&str> = pages.iter().filter(|p| p.contains("小计")).collect();
    assert!(table_pages.len() >= 2, "the table fits one page?\n{text}");
    for page in table_pages {
        assert!(
            page.contains("一级指标") && page.contains("依据"),
            "a page of the table without its header:\n{page}"
        );
    }
}

#[test]
fn reports_validate_as_html5() {
    let Some(jar) = vnu() else { return };
    let sb = Sandbox::new();
    seed(&sb);
    sb.write(
        "project-2024.toml",
        std::fs::read(repo().join("examples/project-2024.toml")).unwrap(),
    );
    report(&sb, "project-2024.toml", "project.html");
    sb.write(
        "hostile.toml",
        edited_example(&[
            (
                "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
                "department = \"<script>alert(1)</script>\"",
            ),
            (
                // Controls are not allowed in HTML: they are written as `\u{7}`.
                "reason = \"局本级严格",
                "reason = \"\\u0007\\u202e\\u0000局本级严格",
            ),
        ]),
    );
    let hostile = report(&sb, "hostile.toml", "hostile.html");
    assert!(hostile.contains("理由：\\u{7}\\u{202e}\\u{0}局本级严格"));
    // A what-if report, and the year-over-year page, are pages people sign too.
    for args in [
        &[
            "score",
            "luohu-2023.toml",
            "--format",
            "html",
            "--set",
            "procurement.actual=158.75",
            "-o",
            "whatif.html",
        ][..],
        &[
            "diff",
            "luohu-2023.toml",
            "hostile.toml",
            "--format",
            "html",
            "-o",
            "diff.html",
        ][..],
    ] {
        let run = sb.run_zh(args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    }
    let whatif = std::fs::read_to_string(sb.path().join("whatif.html")).unwrap();
    assert!(
        whatif.contains("procurement.actual（实际政府采购金额）：157.46 万元 → 158.75 万元"),
        "{whatif}"
    );
    for page in [
        "report.html",
        "project.html",
        "hostile.html",
        "whatif.html",
        "diff.html",
    ] {
        let out = Command::new("java")
            .arg("-jar")
            .arg(&jar)
            .args(["--errors-only", page])
            .current_dir(sb.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{page} is not valid HTML5:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn report_needs_no_network_and_runs_no_script() {
    let sb = Sandbox::new();
    let html = seed(&sb);
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    let lower = html.to_lowercase();
    for needle in [
        "http://",
        "https://",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        " src=",
        " href=",
        "@import",
        "@font-face",
        "javascript:",
    ] {
        assert!(!lower.contains(needle), "`{needle}` in the report");
    }
    // The only `url(…)` is the chart's own hatching, inside the document.
    assert_eq!(
        lower.matches("url(").count(),
        lower.matches("url(#hatch)").count()
    );
    // Styles inline, fonts the reader's own: the stack ends in local CJK fonts.
    assert!(html.contains("<style>"));
    assert!(html.contains(
        "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", \"PingFang SC\""
    ));
    // Print CSS: A4, a page per section, the header repeated, no row split.
    for rule in [
        "@page { size: A4;",
        "break-before: page",
        "thead { display: table-header-group; }",
        "tr { break-inside: avoid;",
    ] {
        assert!(html.contains(rule), "`{rule}` missing");
    }
}

#[test]
fn report_carries_the_receipt_totals_chart_and_explanations() {
    let sb = Sandbox::new();
    let html = seed(&sb);
    let json = sb.run_zh(&["score", "luohu-2023.toml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let receipt = &json["receipt"];
    for key in [
        "perfeval_version",
        "rubric_id",
        "rubric_version",
        "rubric_sha256",
        "facts_file",
        "facts_sha256",
    ] {
        let value = receipt[key].as_str().unwrap();
        assert!(html.contains(value), "receipt `{key}` = {value} missing");
    }
    assert!(html.contains(&format!(
        "<div class=\"total\">{}</div>",
        json["total"].as_str().unwrap()
    )));
    // The chart: a bar for each indicator that lost points, the override marked.
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    for name in ["公用经费控制率", "预算执行率", "政府采购执行情况"] {
        // The points lost, as the engine gives them: points − score.
        let node = indicator_nodes(&json)
            .into_iter()
            .find(|n| n["name"] == name)
            .unwrap();
        let score: rust_decimal::Decimal = node["score"].as_str().unwrap().parse().unwrap();
        let points: rust_decimal::Decimal = node["points"].as_str().unwrap().parse().unwrap();
        let lost = (points - score).to_string();
        assert!(svg.contains(&format!(">{name}</text>")), "{name}");
        assert!(svg.contains(&format!(">{lost}</text>")), "{lost}");
    }
    assert!(svg.contains(">编外人员控制率 *</text>"));
    assert!(svg.find("预算执行率").unwrap() < svg.find("政府采购执行情况").unwrap());
    // The explanations: the framework's text, the facts with their lines, the values.
    let explained = &html[html.find("扣分及人工调整说明").unwrap()..];
    for needle in [
        "id=\"leaf-budget_execution\"",
        "id=\"leaf-procurement\"",
        "id=\"leaf-outside_staff_control\"",
        "参考评分标准",
        "luohu-2023.toml:119",
        "256879/293674",
        "四舍五入保留 2 位小数",
        "数据文件中人工调整为 <strong>1.00</strong>",
    ] {
        assert!(explained.contains(needle), "`{needle}` missing");
    }
    // A leaf that kept its points is not explained.
    assert!(!explained.contains("id=\"leaf-budget_rationality\""));
}

#[test]
fn a_hostile_department_name_is_escaped() {
    let sb = Sandbox::new();
    sb.write(
        "hostile.toml",
        edited_example(&[(
            "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
            "department = \"<script>alert(1)</script>\"",
        )]),
    );
    let html = report(&sb, "hostile.toml", "hostile.html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.to_lowercase().contains("<script"));
}

#[test]
fn html_to_a_terminal_or_pipe_is_the_same_text() {
    let sb = Sandbox::new();
    let html = seed(&sb);
    let run = sb.run_zh(&["score", "luohu-2023.toml", "--format", "html"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, html);
}
