//! The language of the workbooks and the `init` template: what people read there follows
//! `--lang` (Chinese by default), what perfeval reads back does not, so a workbook written
//! in one language is read by perfeval in the other.

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::support::{Sandbox, openpyxl, python, repo};

const SEED_RUBRIC: &str = "luohu-dept-overall-2023";

/// Every cell of a sheet as text, by absolute (row, column), rows and columns from 0.
fn sheet_cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
    (0..rows)
        .map(|r| {
            (0..cols)
                .map(|c| match range.get_value((r, c)) {
                    Some(Data::Empty) | None => String::new(),
                    Some(v) => v.to_string(),
                })
                .collect()
        })
        .collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
}

/// Every XML part of a workbook, one after the other: the cells' shared strings and the
/// sheets' data-validation messages, as Excel would show them.
fn workbook_xml(path: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n\
             print(''.join(z.read(n).decode('utf-8') for n in z.namelist() if n.endswith('.xml')))",
        )
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The column of a sheet's first row titled `title`.
fn column(cells: &[Vec<String>], title: &str) -> usize {
    cells[0]
        .iter()
        .position(|t| t == title)
        .unwrap_or_else(|| panic!("no column {title}: {:?}", cells[0]))
}

/// The row whose `键` cell holds `key`.
fn row_of<'a>(cells: &'a [Vec<String>], key: &str) -> &'a [String] {
    let k = column(cells, "键");
    cells
        .iter()
        .find(|r| r[k] == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

/// The fill-in workbook of the seed rubric, written in Chinese (`zh`) or English.
fn fill_in(sb: &Sandbox, name: &str, zh: bool) {
    let args = [
        "init",
        "--rubric",
        SEED_RUBRIC,
        "--format",
        "xlsx",
        "-o",
        name,
    ];
    let run = if zh { sb.run_zh(&args) } else { sb.run(&args) };
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

/// What the reader matches: the sheets, the first row of each, and the keys.
fn format_of(path: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for sheet in sheet_names(path) {
        let cells = sheet_cells(path, &sheet);
        out.push(format!("{sheet}: {:?}", cells.first()));
        if let Some(k) = cells.first().and_then(|h| h.iter().position(|t| t == "键")) {
            out.extend(cells.iter().map(|r| r[k].clone()));
        }
    }
    out
}

#[test]
fn the_fill_in_workbook_explains_itself_in_chinese_by_default() {
    let sb = Sandbox::new();
    fill_in(&sb, "zh.xlsx", true);
    let path = sb.path().join("zh.xlsx");
    let info = sheet_cells(&path, "基本信息");
    assert_eq!(row_of(&info, "rubric")[0], "评价框架");
    assert_eq!(row_of(&info, "department")[0], "被评价单位");
    assert_eq!(
        row_of(&info, "department")[2],
        "单位全称，与绩效自评报告一致"
    );
    assert_eq!(row_of(&info, "year")[2], "四位数年份，如 2023");
    let guide: Vec<&str> = info.iter().map(|r| r[0].as_str()).collect();
    assert!(guide.contains(&"填写说明："), "{guide:?}");
    assert!(
        guide.contains(&"3. 评价人评分和评价人定档的数据项，须在“理由与出处”工作表中写明理由；部分符合的检查项填写所得分值并写明理由。"),
        "{guide:?}"
    );
    let budget = sheet_cells(&path, "部门预算");
    let meaning = column(&budget, "说明");
    assert!(
        row_of(&budget, "budget.initial")[meaning].ends_with("。金额（万元）"),
        "{:?}",
        row_of(&budget, "budget.initial")
    );
    let reasons = sheet_cells(&path, "理由与出处");
    let need = column(&reasons, "要求");
    assert!(reasons.iter().any(|r| r[need] == "必填"));
    assert!(reasons.iter().any(|r| r[need] == "部分符合时必填"));
    let claims = sheet_cells(&path, "申报得分");
    assert_eq!(row_of(&claims, "total")[0], "总分");
    assert_eq!(row_of(&claims, "grade")[0], "等级");
    let xml = workbook_xml(&path);
    for message in [
        "请填写不小于 0 的数字",
        "评价年度应为四位数年份",
        "得分应为不小于 0 的数字",
    ] {
        assert!(xml.contains(message), "{message}");
    }
    for english in [
        "How to fill in",
        "Type a number",
        "may be left empty",
        "required",
    ] {
        assert!(!xml.contains(english), "{english} in the Chinese workbook");
    }
}

#[test]
fn the_fill_in_workbook_explains_itself_in_english_when_asked() {
    let sb = Sandbox::new();
    fill_in(&sb, "en.xlsx", false);
    let path = sb.path().join("en.xlsx");
    let info = sheet_cells(&path, "基本信息");
    assert_eq!(row_of(&info, "rubric")[0], "Rubric");
    assert_eq!(row_of(&info, "department")[0], "Department");
    assert_eq!(row_of(&info, "year")[2], "a four-digit year, such as 2023");
    let guide: Vec<&str> = info.iter().map(|r| r[0].as_str()).collect();
    assert!(guide.contains(&"How to fill in:"), "{guide:?}");
    let budget = sheet_cells(&path, "部门预算");
    let meaning = column(&budget, "说明");
    assert!(
        row_of(&budget, "budget.initial")[meaning].ends_with("。an amount (万元)"),
        "{:?}",
        row_of(&budget, "budget.initial")
    );
    let reasons = sheet_cells(&path, "理由与出处");
    let need = column(&reasons, "要求");
    assert!(
        reasons
            .iter()
            .any(|r| r[need] == "required when partly met")
    );
    let claims = sheet_cells(&path, "申报得分");
    assert_eq!(row_of(&claims, "total")[0], "Total");
    let xml = workbook_xml(&path);
    assert!(xml.contains("Type a number of 0 or more."));
    assert!(xml.contains("The year must be a four-digit year."));
    for chinese in ["填写说明", "请填写不小于", "必填", "单位全称"] {
        assert!(!xml.contains(chinese), "{chinese} in the English workbook");
    }
}

#[test]
fn the_fill_in_workbook_has_one_format_in_both_languages() {
    let sb = Sandbox::new();
    fill_in(&sb, "zh.xlsx", true);
    fill_in(&sb, "en.xlsx", false);
    let zh = format_of(&sb.path().join("zh.xlsx"));
    let en = format_of(&sb.path().join("en.xlsx"));
    assert!(zh.len() > 50, "{zh:?}");
    assert_eq!(zh, en);
    assert!(zh.contains(&"基本信息: Some([\"项目\", \"内容\", \"说明\", \"键\"])".to_string()));
}

/// `score --format json`'s total, grade and every indicator's score.
fn scores(run: &crate::support::Run) -> Vec<String> {
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut out = vec![json["total"].to_string(), json["grade"].to_string()];
    for node in crate::support::indicator_nodes(&json) {
        out.push(format!("{} {}", node["name"], node["score"]));
    }
    out
}

fn copy_seed(sb: &Sandbox) {
    sb.write(
        "seed.toml",
        std::fs::read(repo().join("examples").join("luohu-2023.toml")).unwrap(),
    );
}

#[test]
fn a_workbook_converted_in_one_language_is_scored_in_the_other() {
    let sb = Sandbox::new();
    copy_seed(&sb);
    let expected = scores(&sb.run(&["score", "seed.toml", "--format", "json"]));
    assert!(expected.len() > 20, "{expected:?}");

    let run = sb.run(&["convert", "seed.toml", "-o", "en.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = sb.run_zh(&["convert", "seed.toml", "-o", "zh.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    assert_eq!(
        scores(&sb.run_zh(&["score", "en.xlsx", "--format", "json"])),
        expected
    );
    assert_eq!(
        scores(&sb.run(&["score", "zh.xlsx", "--format", "json"])),
        expected
    );
    // And back to TOML across languages, whose header comment follows the language.
    let run = sb.run_zh(&["convert", "en.xlsx", "-o", "back.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let back = std::fs::read_to_string(sb.path().join("back.toml")).unwrap();
    assert!(
        back.starts_with(
            "# perfeval 从工作簿 en.xlsx 读取的数据；每个值后的注释标明其所在单元格。\n"
        ),
        "{back}"
    );
    assert_eq!(
        scores(&sb.run(&["score", "back.toml", "--format", "json"])),
        expected
    );
}

/// Fills the value, reason and note cells of `target` (a fill-in workbook) from `source`
/// (the seed converted), row by row by their key, and copies its overrides.
fn fill_from(sb: &Sandbox, target: &str, source: &str, filled: &str) {
    let script = format!(
        r#"
import openpyxl
TITLES = ("值", "内容", "理由", "出处说明")
def cells(wb):
    out = {{}}
    for ws in wb.worksheets:
        head = [c.value for c in ws[1]]
        if "键" not in head or "指标名称" in head:
            continue
        k = head.index("键")
        for row in ws.iter_rows(min_row=2):
            for title in TITLES:
                if row[k].value and title in head:
                    out[(row[k].value, title)] = row[head.index(title)]
    return out
src = openpyxl.load_workbook("{source}")
dst = openpyxl.load_workbook("{target}")
given = cells(src)
for at, cell in cells(dst).items():
    if at in given and given[at].value is not None:
        cell.value = given[at].value
        cell.number_format = given[at].number_format
for r, row in enumerate(src["人工调整"].iter_rows(min_row=2, max_col=3), start=2):
    for c, cell in enumerate(row, start=1):
        if cell.value is not None:
            dst["人工调整"].cell(row=r, column=c).value = cell.value
dst.save("{filled}")
"#
    );
    python(sb, &script);
}

#[test]
fn a_fill_in_workbook_written_in_one_language_is_read_in_the_other() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    copy_seed(&sb);
    let expected = scores(&sb.run(&["score", "seed.toml", "--format", "json"]));
    let run = sb.run(&["convert", "seed.toml", "-o", "seed.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    fill_in(&sb, "en.xlsx", false);
    fill_in(&sb, "zh.xlsx", true);
    fill_from(&sb, "en.xlsx", "seed.xlsx", "en-filled.xlsx");
    fill_from(&sb, "zh.xlsx", "seed.xlsx", "zh-filled.xlsx");
    assert_eq!(
        scores(&sb.run_zh(&["score", "en-filled.xlsx", "--format", "json"])),
        expected,
        "written in English, read in Chinese"
    );
    assert_eq!(
        scores(&sb.run(&["score", "zh-filled.xlsx", "--format", "json"])),
        expected,
        "written in Chinese, read in English"
    );
}

#[test]
fn a_workbook_that_is_not_a_facts_workbook_is_named_in_either_language() {
    let sb = Sandbox::new();
    copy_seed(&sb);
    let run = sb.run(&[
        "score",
        "seed.toml",
        "--format",
        "xlsx",
        "-o",
        "附件一.xlsx",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let zh = sb.run_zh(&["score", "附件一.xlsx"]);
    assert_eq!(zh.code, Some(2), "{}", zh.stdout);
    assert!(
        zh.stderr.contains(
            "工作簿中没有工作表 基本信息，不是 perfeval 的数据工作簿（其中的工作表：附件一）"
        ),
        "{}",
        zh.stderr
    );
    assert!(!zh.stderr.contains("without the sheet"), "{}", zh.stderr);
    let en = sb.run(&["score", "附件一.xlsx"]);
    assert!(
        en.stderr.contains(
            "it is a workbook without the sheet 基本信息, so not a perfeval facts workbook (its sheets: 附件一)"
        ),
        "{}",
        en.stderr
    );
}

#[test]
fn a_figure_typed_as_text_is_explained_in_chinese() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    copy_seed(&sb);
    let run = sb.run(&["convert", "seed.toml", "-o", "seed.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    python(
        &sb,
        "import openpyxl\nwb = openpyxl.load_workbook('seed.xlsx')\n\
         wb['部门预算']['B2'] = '2,855.07'\nwb['部门预算']['B3'] = '=2855.07/3*3+1/3'\n\
         wb.save('edited.xlsx')",
    );
    let zh = sb.run_zh(&["score", "edited.xlsx"]);
    assert_eq!(zh.code, Some(2), "{}", zh.stdout);
    for text in [
        "单元格中是文本 `2,855.07`，不是数字",
        "请填写 2855.07",
        "单元格中是公式 =2855.07/3*3+1/3，但没有保存计算结果",
        "请用 Excel 或 WPS 打开工作簿并保存一次，以保存公式的计算结果",
    ] {
        assert!(zh.stderr.contains(text), "{text}\n{}", zh.stderr);
    }
    assert!(!zh.stderr.contains("the cell holds"), "{}", zh.stderr);
    let en = sb.run(&["score", "edited.xlsx"]);
    assert!(
        en.stderr
            .contains("the cell holds the text `2,855.07`, not a figure"),
        "{}",
        en.stderr
    );
    assert!(
        en.stderr
            .contains("the cell holds the formula =2855.07/3*3+1/3 but no computed value"),
        "{}",
        en.stderr
    );
}

fn template(sb: &Sandbox, rubric: &str, zh: bool) -> String {
    let args = ["init", "--rubric", rubric];
    let run = if zh { sb.run_zh(&args) } else { sb.run(&args) };
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
}

#[test]
fn the_template_comments_follow_the_language_and_its_keys_do_not() {
    let sb = Sandbox::new();
    let zh = template(&sb, "mof-project-2020", true);
    let en = template(&sb, "mof-project-2020", false);
    for text in [
        "# 项目支出绩效自评表（mof-project-2020 v1）数据文件\n",
        "# 把每个 \"TODO\" 换成部门决算和自评报告中的数字；金额单位为万元。\n",
        "year = \"TODO\"        # 评价年度，如 2020\n",
        "#   数字，单位为万元\n#   用于指标：全年预算执行率\nbudget = \"TODO\"\n",
        "#   （可不填：供 `perfeval check` 核对报告中的数字）\n# received = \"TODO\"\n",
        "# ---- 产出指标（50 分）：项目自设指标，每项一个 [[output]] ----\n",
        "weight = \"TODO\"     # 分值\n",
        "\n# ---- 可选：人工调整的得分，须写明理由 ----\n",
        "\n# ---- 可选：自评得分 ----\n",
    ] {
        assert!(zh.contains(text), "{text}\n{zh}");
    }
    for english in [
        "Facts file for",
        "optional",
        "Replace every",
        "scores:",
        "a number in",
    ] {
        assert!(!zh.contains(english), "{english} in\n{zh}");
    }
    for text in [
        "# Facts file for 项目支出绩效自评表 (mof-project-2020 v1)\n",
        "#   a number in 万元\n#   scores: 全年预算执行率\nbudget = \"TODO\"\n",
        "#   (optional: used by `perfeval check` to compare the report's figures)\n",
        "\n# ---- optional: the scores the self-assessment claims ----\n",
    ] {
        assert!(en.contains(text), "{text}\n{en}");
    }
    // The same TOML once the comments are gone: keys and "TODO" values are the format.
    let zh: toml::Table = toml::from_str(&zh).unwrap();
    let en: toml::Table = toml::from_str(&en).unwrap();
    assert_eq!(zh, en);
    assert!(zh.contains_key("output"), "{zh:?}");
}

#[test]
fn the_tier_alternative_is_explained_in_chinese() {
    let sb = Sandbox::new();
    let zh = template(&sb, SEED_RUBRIC, true);
    assert!(
        zh.contains(
            "#   没有 `rate` 的数字时改填本项：删去 `rate` 一行，并删去下一行行首的 `# `\n# tier = "
        ),
        "{zh}"
    );
    assert!(
        zh.contains("#   评价人定档，须写明理由：\"满意度≥95%\""),
        "{zh}"
    );
}

#[test]
fn the_result_workbook_speaks_the_language_and_keeps_the_forms_shape() {
    let sb = Sandbox::new();
    copy_seed(&sb);
    let seed = crate::support::example_json("luohu-2023.toml");
    let grade = seed["grade"].as_str().unwrap();
    for (name, zh) in [("zh.xlsx", true), ("en.xlsx", false)] {
        let args = ["score", "seed.toml", "--format", "xlsx", "-o", name];
        let run = if zh { sb.run_zh(&args) } else { sb.run(&args) };
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let path = sb.path().join(name);
        assert_eq!(sheet_names(&path), ["附件一"]);
        let cells = sheet_cells(&path, "附件一");
        let [points, score, basis, subtotal, total] = if zh {
            ["分值", "得分", "依据", "小计", "总分"]
        } else {
            ["Points", "Score", "Basis", "Subtotal", "Total"]
        };
        let grade_cell = if zh {
            format!("等级：{grade}")
        } else {
            format!("Grade: {grade}")
        };
        assert!(
            cells
                .iter()
                .any(|r| r.len() >= 6 && r[3] == points && r[4] == score && r[5] == basis),
            "{cells:?}"
        );
        assert!(cells.iter().any(|r| r[1] == subtotal), "{cells:?}");
        let total = cells.iter().find(|r| r[0] == total).unwrap();
        assert_eq!(total[5], grade_cell);
    }
}
