//! Workbooks out: `score --format xlsx` (附件一) and `batch --format xlsx`, read back by
//! the programs people use: LibreOffice (converted to CSV and to PDF), Python's openpyxl
//! (merged cells, number formats, print setup, filters) and poppler (the printed pages).
//! Every expected figure comes from the binary's own JSON; `.ci/run` installs the
//! programs, and under `CI=true` a missing one fails the test instead of skipping it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::support::{
    Sandbox, edited_example, have, indicator_nodes, libreoffice, openpyxl, repo, soffice,
};

/// LibreOffice's CSV filter: comma, double quote, UTF-8 (76), from line 1, raw values
/// (not as shown), and the last token -1: every sheet, one file each (`<stem>-<sheet>.csv`).
const ALL_SHEETS_CSV: &str =
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";

/// Every sheet of a workbook as CSV rows, converted by LibreOffice, by sheet name.
fn sheets_as_csv(sb: &Sandbox, workbook: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let outdir = sb.path().join(format!("csv-of-{workbook}"));
    std::fs::create_dir_all(&outdir).unwrap();
    soffice(sb, ALL_SHEETS_CSV, workbook, &outdir);
    let stem = workbook.trim_end_matches(".xlsx");
    let mut sheets = Vec::new();
    for entry in std::fs::read_dir(&outdir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let sheet = name
            .strip_prefix(&format!("{stem}-"))
            .and_then(|s| s.strip_suffix(".csv"))
            .unwrap_or_else(|| panic!("unexpected file {name}"))
            .to_string();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(&path)
            .unwrap();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        sheets.push((sheet, rows));
    }
    sheets.sort();
    sheets
}

fn sheet<'a>(sheets: &'a [(String, Vec<Vec<String>>)], name: &str) -> &'a [Vec<String>] {
    &sheets
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sheet `{name}`"))
        .1
}

fn decimal(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("`{s}` is not a number: {e}"))
}

/// What openpyxl reads in a workbook: per sheet its merged ranges, print setup, frozen
/// panes, filter, and every cell's value, type, number format and note.
fn openpyxl_view(path: &Path) -> serde_json::Value {
    const SCRIPT: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": []}
for ws in wb.worksheets:
    ps = ws.page_setup
    pr = ws.sheet_properties.pageSetUpPr
    out["sheets"].append({
        "name": ws.title,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "orientation": ps.orientation,
        "paper": ps.paperSize,
        "fit_to_page": bool(pr and pr.fitToPage),
        "fit_width": ps.fitToWidth,
        "fit_height": ps.fitToHeight,
        "title_rows": ws.print_title_rows,
        "print_area": ws.print_area,
        "freeze": ws.freeze_panes,
        "autofilter": ws.auto_filter.ref,
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "rows": [[{"v": c.value, "t": c.data_type, "f": c.number_format,
                   "note": c.comment.text if c.comment else None} for c in row]
                 for row in ws.iter_rows()],
    })
print(json.dumps(out, ensure_ascii=False, default=str))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(path)
        .output()
        .expect("python3 with openpyxl (.ci/run installs it)");
    assert!(
        out.status.success(),
        "openpyxl cannot read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

/// The engine's own JSON report of a facts file.
fn score_json(sb: &Sandbox, facts: &Path) -> serde_json::Value {
    sb.json_ok(&["score", facts.to_str().unwrap(), "--format", "json"])
}

/// Writes the seed example's 附件一 workbook into the sandbox as `name`.
fn appendix(sb: &Sandbox, name: &str) {
    let facts = example("luohu-2023.toml");
    let run = sb.run_zh(&[
        "score",
        facts.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        name,
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(sb.path().join(name).exists());
}

/// 1 for `A`, 27 for `AA`: the column number of a cell reference's letters.
fn column_number(letters: &str) -> usize {
    letters
        .bytes()
        .fold(0, |n, b| n * 26 + usize::from(b - b'A' + 1))
}

#[test]
fn appendix_workbook_read_by_libreoffice_has_every_indicator_and_the_engines_scores() {
    if !libreoffice() {
        return;
    }
    let sb = Sandbox::new();
    let json = score_json(&sb, &example("luohu-2023.toml"));
    appendix(&sb, "附件一.xlsx");
    let sheets = sheets_as_csv(&sb, "附件一.xlsx");
    assert_eq!(sheets.len(), 1);
    let rows = sheet(&sheets, "附件一");

    let header = rows
        .iter()
        .position(|r| r.len() >= 6 && r[3] == "分值" && r[4] == "得分" && r[5] == "依据")
        .expect("a header row");
    assert_eq!(rows[header][..3], ["一级指标", "二级指标", "三级指标"]);
    // The title rows name the framework and the department.
    assert!(
        rows[0][0].contains("luohu-dept-overall-2023"),
        "{:?}",
        rows[0]
    );
    assert!(rows[1][0].contains(json["department"].as_str().unwrap()));

    // One row per indicator, in the engine's tree order, each name in its level's column
    // and the engine's score beside it.
    let nodes = indicator_nodes(&json);
    for (k, node) in nodes.iter().enumerate() {
        let row = &rows[header + 1 + k];
        let level = usize::try_from(node["level"].as_u64().unwrap()).unwrap();
        assert_eq!(row[level - 1], node["name"].as_str().unwrap(), "{row:?}");
        assert_eq!(
            decimal(&row[4]),
            decimal(node["score"].as_str().unwrap()),
            "{row:?}"
        );
        assert_eq!(
            decimal(&row[3]),
            decimal(node["points"].as_str().unwrap()),
            "{row:?}"
        );
    }
    let score_of = |name: &str| {
        let k = nodes.iter().position(|n| n["name"] == name).unwrap();
        (
            rows[header + 1 + k][4].clone(),
            rows[header + 1 + k][5].clone(),
        )
    };
    // Cross-checks against the seed report's 附件一 as published.
    let published = crate::support::published_appendix();
    let published_score = |name: &str| decimal(published["scores"][name].as_str().unwrap());
    for name in ["政府采购执行情况", "预算执行率"] {
        assert_eq!(decimal(&score_of(name).0), published_score(name), "{name}");
    }
    let (overridden, basis) = score_of("编外人员控制率");
    assert_eq!(decimal(&overridden), published_score("编外人员控制率"));
    assert!(
        basis.starts_with('*')
            && basis.contains(&format!(
                "规则得分 {}",
                crate::support::rule_score(&json, "编外人员控制率")
            ))
            && basis.contains("理由："),
        "{basis}"
    );

    // The total row, with the grade.
    let total = &rows[header + 1 + nodes.len()];
    assert_eq!(total[0], "总分");
    assert_eq!(decimal(&total[4]), decimal(json["total"].as_str().unwrap()));
    assert_eq!(
        decimal(&total[4]),
        decimal(published["total"].as_str().unwrap())
    );
    assert_eq!(
        total[5],
        format!("等级：{}", json["grade"].as_str().unwrap())
    );
}

#[test]
fn appendix_workbook_read_by_openpyxl_has_merged_cells_numbers_and_a4_landscape() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    let json = score_json(&sb, &example("luohu-2023.toml"));
    appendix(&sb, "appendix.xlsx");
    let view = openpyxl_view(&sb.path().join("appendix.xlsx"));
    let ws = &view["sheets"][0];
    assert_eq!(ws["name"], "附件一");

    // Print setup: A4 (9) landscape, one page wide (fitToWidth absent is its default,
    // 1) and as many pages tall as needed, the header row repeated, the table in the
    // print area, the header frozen.
    assert_eq!(ws["orientation"], "landscape");
    assert_eq!(ws["paper"], 9);
    assert_eq!(ws["fit_to_page"], true);
    assert!(
        ws["fit_width"].is_null() || ws["fit_width"] == 1,
        "{}",
        ws["fit_width"]
    );
    assert_eq!(ws["fit_height"], 0);
    let rows = ws["rows"].as_array().unwrap();
    let header = rows
        .iter()
        .position(|r| r[3]["v"] == "分值")
        .expect("a header row");
    let header_row = header + 1;
    assert_eq!(ws["title_rows"], format!("${header_row}:${header_row}"));
    assert_eq!(ws["freeze"], format!("A{}", header_row + 1));
    let area = ws["print_area"].as_str().unwrap();
    let nodes = indicator_nodes(&json);
    let total_row = header_row + 1 + nodes.len();
    let last_printed: usize = area.rsplit('$').next().unwrap().parse().unwrap();
    assert!(
        area.contains("$A$1:$F$") && last_printed >= total_row,
        "{area}"
    );

    // Column widths fit Chinese text: the third level's longest name is 22 characters.
    let widths = &ws["widths"];
    assert!(widths["C"].as_f64().unwrap() >= 30.0, "{widths}");
    assert!(widths["F"].as_f64().unwrap() >= 50.0, "{widths}");

    // Points and scores are numbers; scores show two decimals; an overridden score is
    // marked and carries a note with the rule's score and the reason.
    for (k, node) in nodes.iter().enumerate() {
        let row = &rows[header + 1 + k];
        assert_eq!(row[3]["t"], "n", "{row:?}");
        assert_eq!(row[4]["t"], "n", "{row:?}");
        let overridden = node["name"] == "编外人员控制率";
        if overridden {
            assert_eq!(row[4]["f"], "0.00\"*\"");
            let note = row[4]["note"].as_str().unwrap();
            let rule = crate::support::rule_score(&json, "编外人员控制率");
            assert!(
                note.contains(&format!("规则得分 {rule}，人工调整为 1.00。理由：")),
                "{note}"
            );
        } else {
            assert_eq!(row[4]["f"], "0.00", "{row:?}");
            assert!(row[4]["note"].is_null());
        }
    }
    let total = &rows[total_row - 1];
    assert_eq!(total[0]["v"], "总分");
    assert_eq!(
        (&total[4]["t"], &total[4]["f"]),
        (&"n".into(), &"0.00".into())
    );

    // The leaves' scores, as Excel would add them, make the total.
    let leaves: Vec<f64> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n["children"].as_array().is_none_or(|c| c.is_empty()))
        .map(|(k, _)| rows[header + 1 + k][4]["v"].as_f64().unwrap())
        .collect();
    let cents: i64 = leaves
        .iter()
        .map(|v| format!("{v:.2}").replace('.', "").parse::<i64>().unwrap())
        .sum();
    assert_eq!(
        Decimal::new(cents, 2),
        decimal(json["total"].as_str().unwrap())
    );

    // Each parent's name is merged down over its own row and every row beneath it.
    let merged: Vec<&str> = ws["merged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    fn size(node: &serde_json::Value) -> usize {
        1 + node["children"]
            .as_array()
            .map_or(0, |c| c.iter().map(size).sum())
    }
    for (k, node) in nodes.iter().enumerate() {
        let span = size(node);
        if span < 2 {
            continue;
        }
        let level = usize::try_from(node["level"].as_u64().unwrap()).unwrap();
        let column = char::from(b'A' + u8::try_from(level - 1).unwrap());
        let first = header_row + 1 + k;
        let range = format!("{column}{first}:{column}{}", first + span - 1);
        assert!(merged.contains(&range.as_str()), "{range} in {merged:?}");
    }
    assert!(merged.iter().any(|m| {
        let (from, to) = m.split_once(':').unwrap();
        let letters = |s: &str| s.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
        from == format!("A{total_row}") && column_number(&letters(to)) == 3
    }));
}

#[test]
fn appendix_workbook_prints_on_a4_landscape_pages_with_the_header_on_each() {
    if !libreoffice()
        || !have("pdftotext", &["-v"], "the Debian package poppler-utils")
        || !have("pdfinfo", &["-v"], "the Debian package poppler-utils")
    {
        return;
    }
    let sb = Sandbox::new();
    appendix(&sb, "appendix.xlsx");
    let json = score_json(&sb, &example("luohu-2023.toml"));
    let total = json["total"].as_str().unwrap().to_string();
    let grade = format!("等级：{}", json["grade"].as_str().unwrap());
    soffice(&sb, "pdf", "appendix.xlsx", sb.path());
    let pdf = sb.path().join("appendix.pdf");
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    // A4 landscape: 842 × 595 points.
    assert!(
        info.lines().any(|l| l.starts_with("Page size:")
            && l.contains("841.89 x 595.")
            && l.contains("(A4)")),
        "{info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout", "appendix.pdf", "-"])
        .current_dir(sb.path())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let page_texts: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len(), pages);
    // The Chinese text is in the PDF (a font was found for it), on every page the
    // header row, and nothing cut off at the right: the basis column's heading and text
    // are there.
    for page in &page_texts {
        assert!(page.contains("一级指标") && page.contains("依据"), "{page}");
    }
    for needle in [
        "部门整体支出绩效评价共性指标体系框架",
        "政府采购执行情况",
        "评价人定档：满意度≥95%",
        total.as_str(),
        grade.as_str(),
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
}

#[test]
fn score_writes_every_format_to_a_file_and_never_over_an_input() {
    let sb = Sandbox::new();
    sb.write("facts.toml", edited_example(&[]));
    let json = crate::support::example_json("luohu-2023.toml");
    let total_line = format!(
        "总分 {} / {}，等级：{}",
        json["total"].as_str().unwrap(),
        json["points"].as_str().unwrap(),
        json["grade"].as_str().unwrap()
    );
    for format in ["table", "json"] {
        let stdout = sb.run_zh(&["score", "facts.toml", "--format", format]);
        let name = format!("out.{format}");
        let file = sb.run_zh(&["score", "facts.toml", "--format", format, "-o", &name]);
        assert_eq!(file.code, Some(0), "{}", file.stderr);
        assert_eq!(file.stdout, "");
        let written = std::fs::read_to_string(sb.path().join(&name)).unwrap();
        if format == "json" {
            // The receipt holds no time: the two runs agree byte for byte.
            assert_eq!(written, stdout.stdout);
        } else {
            assert!(written.contains(&total_line), "{written}");
        }
    }

    // A workbook to a pipe is fine: it is binary, but not on a terminal.
    let piped = sb
        .command_zh(&["score", "facts.toml", "--format", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0));
    assert!(piped.stdout.starts_with(b"PK\x03\x04"), "a zip archive");

    let before = std::fs::read(sb.path().join("facts.toml")).unwrap();
    let over = sb.run_zh(&[
        "score",
        "facts.toml",
        "--format",
        "xlsx",
        "-o",
        "facts.toml",
    ]);
    assert_eq!(over.code, Some(2));
    assert_eq!(
        over.stderr,
        "错误：无法写入 `facts.toml`：它是输入文件之一，写出结果会覆盖它\n"
    );
    assert_eq!(std::fs::read(sb.path().join("facts.toml")).unwrap(), before);
}

#[test]
fn score_refuses_to_write_a_workbook_to_a_terminal() {
    // `script` gives the command a terminal for its stdout.
    if !have("script", &["--version"], "the Debian package bsdutils") {
        return;
    }
    let sb = Sandbox::new();
    sb.write("facts.toml", edited_example(&[]));
    let out = Command::new("script")
        .env("PERFEVAL_LANG", "en")
        .args(["-qec"])
        .arg(format!(
            "{} score facts.toml --format xlsx",
            env!("CARGO_BIN_EXE_perfeval")
        ))
        .arg("/dev/null")
        .current_dir(sb.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let seen = String::from_utf8_lossy(&out.stdout);
    assert!(
        seen.contains("error: an xlsx workbook is binary and stdout is a terminal"),
        "{seen}"
    );
    assert!(seen.contains("-o 附件一.xlsx"), "{seen}");
    assert!(!seen.contains("PK"), "{seen}");
}

/// An archive of three valid files (varied departments, one overridden score removed so
/// the totals differ) and a broken one.
fn archive(sb: &Sandbox) {
    std::fs::create_dir_all(sb.path().join("archive/bad")).unwrap();
    for k in 0..3 {
        let department = format!("department = \"单位 {k}\"");
        let mut edits = vec![(
            "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
            department.as_str(),
        )];
        if k == 1 {
            // 政府采购 fully executed: 2 points instead of 1.99.
            edits.push(("actual = 157.46", "actual = 158.75"));
        }
        sb.write(&format!("archive/{k}.toml"), edited_example(&edits));
    }
    sb.write(
        "archive/bad/broken.toml",
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
    );
}

#[test]
fn batch_workbook_has_the_csvs_rows_a_filter_and_an_error_sheet() {
    if !libreoffice() || !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    archive(&sb);
    let csv_run = sb.run_zh(&["batch", "archive", "--no-bom"]);
    assert_eq!(csv_run.code, Some(1));
    let mut reader = csv::Reader::from_reader(csv_run.stdout.as_bytes());
    let csv_header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let csv_rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(csv_rows.len(), 4);

    let run = sb.run_zh(&["batch", "archive", "--format", "xlsx", "-o", "results.xlsx"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("已评分 3 个文件，失败 1 个"),
        "{}",
        run.stderr
    );

    let sheets = sheets_as_csv(&sb, "results.xlsx");
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["luohu-dept-overall-2023", "错误"]);
    let main = sheet(&sheets, "luohu-dept-overall-2023");
    assert_eq!(main[0], csv_header, "the CSV's columns");
    assert_eq!(main.len(), 1 + csv_rows.len(), "a row per file");
    let total = csv_header.iter().position(|c| c == "total").unwrap();
    let path = csv_header.iter().position(|c| c == "path").unwrap();
    for (book, csv) in main[1..].iter().zip(&csv_rows) {
        assert_eq!(book[path], csv[path]);
        assert_eq!(book[total].is_empty(), csv[total].is_empty());
        if !csv[total].is_empty() {
            assert_eq!(decimal(&book[total]), decimal(&csv[total]), "{}", csv[path]);
        }
        // Every indicator column agrees as a number.
        for (c, title) in csv_header.iter().enumerate().skip(11) {
            if title.ends_with("sha256") || csv[c].is_empty() {
                assert_eq!(book[c], csv[c], "{title}");
            } else {
                assert_eq!(decimal(&book[c]), decimal(&csv[c]), "{title}");
            }
        }
    }
    // Each file's total is the engine's on that file; the broken one has none.
    let totals: Vec<&str> = csv_rows.iter().map(|r| r[total].as_str()).collect();
    let expected: Vec<String> = (0..3)
        .map(|k| {
            let json = score_json(&sb, &sb.path().join(format!("archive/{k}.toml")));
            json["total"].as_str().unwrap().to_string()
        })
        .chain(std::iter::once(String::new()))
        .collect();
    assert_eq!(totals, expected);
    assert_ne!(
        expected[0], expected[1],
        "the edited file scores differently"
    );
    let errors = sheet(&sheets, "错误");
    assert_eq!(errors[0], ["path", "error"]);
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[1][0], "archive/bad/broken.toml");
    assert!(errors[1][1].contains("TOML 格式错误"), "{:?}", errors[1]);

    let view = openpyxl_view(&sb.path().join("results.xlsx"));
    let ws = &view["sheets"][0];
    let last_column = {
        let mut n = csv_header.len();
        let mut letters = String::new();
        while n > 0 {
            let d = u8::try_from((n - 1) % 26).unwrap();
            letters.insert(0, char::from(b'A' + d));
            n = (n - 1) / 26;
        }
        letters
    };
    assert_eq!(ws["autofilter"], format!("A1:{last_column}5"));
    assert_eq!(ws["freeze"], "B2");
    let rows = ws["rows"].as_array().unwrap();
    for row in &rows[1..4] {
        assert_eq!(
            (&row[total]["t"], &row[total]["f"]),
            (&"n".into(), &"0.00".into())
        );
        assert_eq!(row[2]["t"], "n", "the year is a number");
    }
    assert_eq!(view["sheets"][1]["autofilter"], "A1:B2");
}

#[test]
fn batch_workbook_over_two_rubrics_has_a_sheet_for_each() {
    if !libreoffice() {
        return;
    }
    let sb = Sandbox::new();
    let project = score_json(&sb, &example("project-2024.toml"));
    std::fs::create_dir_all(sb.path().join("mixed")).unwrap();
    sb.write("mixed/a-luohu.toml", edited_example(&[]));
    sb.write(
        "mixed/b-project.toml",
        std::fs::read_to_string(example("project-2024.toml")).unwrap(),
    );
    let run = sb.run_zh(&["batch", "mixed", "--format", "xlsx", "-o", "mixed.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let sheets = sheets_as_csv(&sb, "mixed.xlsx");
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["luohu-dept-overall-2023", "mof-project-2020", "错误"]
    );
    let luohu = sheet(&sheets, "luohu-dept-overall-2023");
    let projects = sheet(&sheets, "mof-project-2020");
    assert_eq!((luohu.len(), projects.len()), (2, 2));
    assert_eq!(sheet(&sheets, "错误").len(), 1, "the header only");
    // Each sheet's indicator columns are its rubric's Chinese names, unprefixed.
    assert!(luohu[0].contains(&"政府采购执行情况".to_string()));
    assert!(projects[0].contains(&"产出指标".to_string()));
    assert!(!projects[0].iter().any(|c| c.contains("政府采购")));
    let total = |rows: &[Vec<String>]| {
        let c = rows[0].iter().position(|t| t == "total").unwrap();
        decimal(&rows[1][c])
    };
    assert_eq!(
        total(luohu),
        decimal(
            crate::support::example_total("luohu-2023.toml")
                .as_str()
                .unwrap()
        )
    );
    assert_eq!(total(projects), decimal(project["total"].as_str().unwrap()));
}

#[test]
fn batch_workbook_needs_an_output_file() {
    let sb = Sandbox::new();
    sb.write("a.toml", edited_example(&[]));
    let run = sb.run(&["batch", "a.toml", "--format", "xlsx"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("error: `--format xlsx` needs `-o FILE`"),
        "{}",
        run.stderr
    );
}
