//! Facts in Excel workbooks, proven with the programs people use: LibreOffice re-saves a
//! converted workbook as a user would after editing it, openpyxl reads what the fill-in
//! workbook promises (locked cells, drop-downs, frozen header), and every result is the
//! engine's own on the TOML example.

use std::path::{Path, PathBuf};

use crate::support::{Sandbox, libreoffice, openpyxl, python, repo, soffice};

/// Opens `file` in headless LibreOffice and saves it again as xlsx, as a user who
/// edited it in LibreOffice Calc would; returns the re-saved file.
fn resave_with_libreoffice(sb: &Sandbox, file: &str) -> PathBuf {
    let out = sb.path().join("resaved");
    soffice(sb, "xlsx", file, &out);
    let path = out.join(Path::new(file).file_name().unwrap());
    assert!(path.exists(), "LibreOffice wrote no {}", path.display());
    path
}

/// Every indicator's score, the total and the grade, from `score --format json`.
fn scores(sb: &Sandbox, facts: &str) -> Vec<(String, String)> {
    let run = sb.run(&["score", facts, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut out = vec![
        ("total".to_string(), json["total"].to_string()),
        ("grade".to_string(), json["grade"].to_string()),
    ];
    for node in crate::support::indicator_nodes(&json) {
        out.push((node["name"].to_string(), node["score"].to_string()));
    }
    out
}

/// `check`'s findings without where they are (a workbook names cells, TOML lines).
fn findings(sb: &Sandbox, facts: &str) -> Vec<String> {
    let run = sb.run(&["check", facts, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut out: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {} {}", f["severity"], f["kind"], f["message"]))
        .collect();
    out.sort();
    out
}

/// `explain`'s text without the `at …` lines that say where each value was read.
fn explanation(sb: &Sandbox, facts: &str, indicator: &str) -> String {
    let run = sb.run(&["explain", facts, indicator]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
        .lines()
        .filter(|l| !l.trim_start().starts_with("at "))
        .collect::<Vec<_>>()
        .join("\n")
}

fn copy_example(sb: &Sandbox, name: &str) {
    sb.write(
        name,
        std::fs::read(repo().join("examples").join(name)).unwrap(),
    );
}

/// TOML → xlsx → LibreOffice → score: the same scores, findings and explanations as
/// the TOML file, then xlsx → TOML gives them again.
fn round_trip(example: &str, explained: &[&str]) {
    if !libreoffice() {
        return;
    }
    let sb = Sandbox::new();
    copy_example(&sb, example);
    let book = example.replace(".toml", ".xlsx");
    let run = sb.run(&["convert", example, "-o", &book]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let resaved = resave_with_libreoffice(&sb, &book);
    let resaved = resaved.to_str().unwrap();

    let expected = scores(&sb, example);
    assert!(expected.len() > 10, "{expected:?}");
    assert_eq!(scores(&sb, &book), expected);
    assert_eq!(scores(&sb, resaved), expected);
    assert_eq!(findings(&sb, resaved), findings(&sb, example));
    for indicator in explained {
        assert_eq!(
            explanation(&sb, resaved, indicator),
            explanation(&sb, example, indicator),
            "{indicator}"
        );
    }

    let run = sb.run(&["convert", resaved, "-o", "back.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(scores(&sb, "back.toml"), expected);
    assert_eq!(findings(&sb, "back.toml"), findings(&sb, example));
}

#[test]
fn the_seed_survives_a_workbook_and_libreoffice() {
    round_trip(
        "luohu-2023.toml",
        &[
            "预算执行率",
            "政府采购执行情况",
            "编外人员控制率",
            "公众或服务对象满意度",
        ],
    );
}

#[test]
fn the_project_example_survives_a_workbook_and_libreoffice() {
    round_trip("project-2024.toml", &["产出指标", "效益指标"]);
}

#[test]
fn the_fill_in_workbook_locks_all_but_the_values_and_offers_drop_downs() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    let run = sb.run(&[
        "init",
        "--rubric",
        "luohu-dept-overall-2023",
        "-o",
        "自评表.xlsx",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let report = python(
        &sb,
        r#"
import json, openpyxl
wb = openpyxl.load_workbook("自评表.xlsx")
out = {"sheets": wb.sheetnames, "hidden": [s.title for s in wb.worksheets if s.sheet_state == "hidden"]}
facts = {}
for ws in wb.worksheets:
    head = [c.value for c in ws[1]]
    if "键" not in head or "值" not in head or "类型" not in head:
        continue
    k, v, t = head.index("键"), head.index("值"), head.index("类型")
    rows = []
    for row in ws.iter_rows(min_row=2):
        if row[k].value is None:
            continue
        dv = [d for d in ws.data_validations.dataValidation if row[v].coordinate in d.sqref]
        rows.append({
            "key": row[k].value, "kind": row[t].value,
            "value_locked": row[v].protection.locked,
            "others_locked": all(c.protection.locked for i, c in enumerate(row) if i != v),
            "validation": [d.type for d in dv], "list": [d.formula1 for d in dv if d.type == "list"],
        })
    facts[ws.title] = {"protected": ws.protection.sheet, "frozen": ws.freeze_panes, "rows": rows}
out["facts"] = facts
print(json.dumps(out, ensure_ascii=False))
"#,
    );
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let sheets: Vec<&str> = report["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for sheet in ["基本信息", "理由与出处", "人工调整", "申报得分"] {
        assert!(sheets.contains(&sheet), "{sheets:?}");
    }
    assert_eq!(report["hidden"], serde_json::json!(["选项"]));
    // Every fact of the rubric has its row, with its kind's validation.
    let rubric = crate::support::seed_rubric();
    let mut seen = 0;
    for (sheet, body) in report["facts"].as_object().unwrap() {
        assert_eq!(body["protected"], true, "{sheet}");
        assert_eq!(body["frozen"], "A2", "{sheet}");
        for row in body["rows"].as_array().unwrap() {
            seen += 1;
            let key = row["key"].as_str().unwrap();
            let decl = rubric.facts.iter().find(|f| f.path == key).unwrap();
            assert_eq!(row["kind"], decl.kind.name(), "{key}");
            assert_eq!(
                row["value_locked"], false,
                "{key}: the value cell is the input"
            );
            assert_eq!(
                row["others_locked"], true,
                "{key}: labels and keys are locked"
            );
            let expected = match decl.kind.name() {
                "amount" | "rate" | "judgment" => "decimal",
                "count" => "whole",
                _ => "list",
            };
            assert_eq!(row["validation"], serde_json::json!([expected]), "{key}");
            if expected == "list" {
                assert!(
                    row["list"][0].as_str().unwrap().starts_with("'选项'!"),
                    "{key}: {}",
                    row["list"]
                );
            }
        }
    }
    assert_eq!(seen, rubric.facts.len());
}

/// Converts the seed example to a workbook and changes one fact's value cell with
/// openpyxl; returns the cell (`部门预算!B2`) it changed.
fn seed_with_cell(sb: &Sandbox, key: &str, value: &str) -> String {
    seed_edited(
        sb,
        &format!(
            r#"
for ws in wb.worksheets:
    head = [c.value for c in ws[1]]
    if "键" not in head or "值" not in head:
        continue
    for row in ws.iter_rows(min_row=2):
        if row[head.index("键")].value == "{key}":
            cell = row[head.index("值")]
            cell.value = {value}
            print(ws.title + "!" + cell.coordinate, end="")
"#
        ),
    )
}

#[test]
fn a_figure_typed_as_text_is_named_by_sheet_and_cell() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    let cell = seed_with_cell(&sb, "budget.initial", "'2,855.07'");
    assert!(cell.ends_with("!B2"), "{cell}");
    let run = sb.run(&["score", "edited.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!("edited.xlsx {cell}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("年初预算数"), "{}", run.stderr);
    assert!(run.stderr.contains("help: type 2855.07"), "{}", run.stderr);
}

#[test]
fn a_binary_fraction_is_refused_not_rounded() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    let cell = seed_with_cell(&sb, "fixed_assets.in_use", "12345.678");
    // What Excel stores for a formula's 0.1 + 0.2 (openpyxl writes only 15 digits).
    python(
        &sb,
        r#"
import zipfile
src = zipfile.ZipFile("edited.xlsx")
with zipfile.ZipFile("float.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
    for item in src.infolist():
        data = src.read(item.filename)
        if item.filename.startswith("xl/worksheets/"):
            data = data.replace(b"<v>12345.678</v>", b"<v>0.30000000000000004</v>")
        out.writestr(item, data)
"#,
    );
    let run = sb.run(&["score", "float.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run.stderr.contains(&cell), "{}", run.stderr);
    assert!(run.stderr.contains("0.30000000000000004"), "{}", run.stderr);
}

#[test]
fn a_formula_is_read_by_its_cached_value_and_explain_says_so() {
    if !(openpyxl() && libreoffice()) {
        return;
    }
    let sb = Sandbox::new();
    let cell = seed_with_cell(&sb, "procurement.actual", "'=157+0.46'");
    // openpyxl stores no result: perfeval says so instead of reading an empty cell.
    let run = sb.run(&["score", "edited.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run.stderr.contains("no computed value"), "{}", run.stderr);
    // LibreOffice computes and stores it, as Excel would on saving.
    let resaved = resave_with_libreoffice(&sb, "edited.xlsx");
    let resaved = resaved.to_str().unwrap();
    assert_eq!(scores(&sb, resaved), scores(&sb, "luohu-2023.toml"));
    let run = sb.run(&["explain", resaved, "政府采购执行情况"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "{cell} (the cached result of the formula =157+0.46)"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn a_zip_that_is_not_a_workbook_is_named_as_such() {
    let sb = Sandbox::new();
    // A minimal zip archive holding one empty file, `a.txt`.
    let mut zip = Vec::new();
    zip.extend_from_slice(b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00a.txt");
    zip.extend_from_slice(b"PK\x01\x02\x14\x00\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00a.txt");
    zip.extend_from_slice(
        b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00\x33\x00\x00\x00\x23\x00\x00\x00\x00\x00",
    );
    sb.write("report.xlsx", &zip);
    let run = sb.run(&["score", "report.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("cannot read `report.xlsx` as a facts workbook"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("UTF-8"), "{}", run.stderr);
}

#[test]
fn batch_and_check_take_workbooks_beside_toml_files() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("archive")).unwrap();
    copy_example(&sb, "luohu-2023.toml");
    copy_example(&sb, "project-2024.toml");
    for (from, to) in [
        ("luohu-2023.toml", "archive/a.xlsx"),
        ("project-2024.toml", "archive/b.xlsx"),
    ] {
        let run = sb.run(&["convert", from, "-o", to]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    std::fs::copy(
        sb.path().join("luohu-2023.toml"),
        sb.path().join("archive/c.toml"),
    )
    .unwrap();
    // The lock file Excel keeps beside an open workbook is not a facts file.
    sb.write("archive/~$a.xlsx", b"\x00owner");
    let run = sb.run(&["batch", "archive", "--format", "jsonl"]);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let rows: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3, "{}", run.stdout);
    let total = |file: &str| {
        let json: serde_json::Value = sb.json(&["score", file, "--format", "json"]);
        json["total"].clone()
    };
    assert_eq!(rows[0]["total"], total("luohu-2023.toml"));
    assert_eq!(rows[1]["total"], total("project-2024.toml"));
    assert_eq!(rows[2]["total"], total("luohu-2023.toml"));
    // A workbook's receipt is the hash of the workbook's bytes.
    let bytes = std::fs::read(sb.path().join("archive/a.xlsx")).unwrap();
    assert_eq!(
        rows[0]["receipt"]["facts_sha256"],
        perfeval::diagnostic::sha256_hex(&bytes),
        "{}",
        rows[0]
    );

    let run = sb.run(&["check", "archive/a.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Findings point at cells, not at lines of a text nobody has seen.
    assert!(run.stdout.contains("--> archive/a.xlsx "), "{}", run.stdout);
    assert!(
        !run.stdout
            .split("a.xlsx:")
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit())),
        "{}",
        run.stdout
    );
}

#[test]
fn convert_refuses_what_it_cannot_do_and_never_replaces_a_file() {
    let sb = Sandbox::new();
    copy_example(&sb, "luohu-2023.toml");
    let run = sb.run(&["convert", "luohu-2023.toml", "-o", "again.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("already TOML"), "{}", run.stderr);
    let run = sb.run(&["convert", "luohu-2023.toml", "-o", "out.csv"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("FILE.xlsx"), "{}", run.stderr);
    sb.write("taken.xlsx", b"mine");
    let run = sb.run(&["convert", "luohu-2023.toml", "-o", "taken.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(
        std::fs::read(sb.path().join("taken.xlsx")).unwrap(),
        b"mine"
    );
}

/// The seed converted, then edited by a Python snippet given `wb` (openpyxl), saved as
/// `edited.xlsx`; returns what the snippet printed.
fn seed_edited(sb: &Sandbox, edit: &str) -> String {
    copy_example(sb, "luohu-2023.toml");
    let run = sb.run(&["convert", "luohu-2023.toml", "-o", "seed.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    python(
        sb,
        &format!(
            "import openpyxl\nwb = openpyxl.load_workbook('seed.xlsx')\n{edit}\nwb.save('edited.xlsx')\n"
        ),
    )
}

#[test]
fn a_stray_cell_far_out_costs_nothing() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    seed_edited(&sb, "wb['部门预算']['XFD1048576'] = 'x'");
    assert_eq!(scores(&sb, "edited.xlsx"), scores(&sb, "luohu-2023.toml"));
}

#[test]
fn digits_the_cell_does_not_show_are_refused() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    // 2855.071 in a cell formatted 0.00 shows 2855.07.
    seed_edited(&sb, "wb['部门预算']['B2'] = 2855.071");
    let run = sb.run(&["score", "edited.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("shows 2855.07 but holds 2855.071"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("部门预算!B2"), "{}", run.stderr);
}

#[test]
fn a_formula_cut_at_15_digits_is_refused() {
    if !(openpyxl() && libreoffice()) {
        return;
    }
    let sb = Sandbox::new();
    seed_edited(&sb, "wb['部门预算']['B2'] = '=2855.07/3*3+1/3'");
    let resaved = resave_with_libreoffice(&sb, "edited.xlsx");
    let run = sb.run(&["score", resaved.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(run.stderr.contains("cut at 15 digits"), "{}", run.stderr);
    assert!(run.stderr.contains("ROUND("), "{}", run.stderr);
}

#[test]
fn hidden_sheets_missing_titles_and_second_rows_are_named() {
    if !openpyxl() {
        return;
    }
    let sb = Sandbox::new();
    seed_edited(
        &sb,
        "ws = wb.copy_worksheet(wb['部门预算']); ws.title = '旧数据'; ws.sheet_state = 'hidden'",
    );
    let run = sb.run(&["score", "edited.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("sheet 旧数据 is hidden"),
        "{}",
        run.stderr
    );

    let sb = Sandbox::new();
    seed_edited(&sb, "wb['部门预算']['B1'] = '数值'");
    let run = sb.run(&["score", "edited.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr.contains("has no column titled 值"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("部门预算!A1"), "{}", run.stderr);

    let sb = Sandbox::new();
    seed_edited(
        &sb,
        "ws = wb['部门预算']\nfor c in 'ABCDEFG': ws[c + '20'] = ws[c + '2'].value",
    );
    let run = sb.run(&["score", "edited.xlsx"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("the fact `budget.initial` has a second row (the first is at 部门预算!F2)"),
        "{}",
        run.stderr
    );
}

#[test]
fn batch_plans_a_workbooks_columns_from_its_rubric() {
    let sb = Sandbox::new();
    copy_example(&sb, "luohu-2023.toml");
    let run = sb.run(&["convert", "luohu-2023.toml", "-o", "seed.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let header = |file: &str| {
        let run = sb.run(&["batch", file, "--no-bom"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stdout.lines().next().unwrap().to_string()
    };
    assert_eq!(header("seed.xlsx"), header("luohu-2023.toml"));
    assert!(header("seed.xlsx").contains("预算执行率"));
}

#[test]
fn check_reports_for_a_workbook_name_cells_not_lines() {
    let sb = Sandbox::new();
    copy_example(&sb, "luohu-2023.toml");
    let run = sb.run(&["convert", "luohu-2023.toml", "-o", "seed.xlsx"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = sb.run(&["check", "seed.xlsx", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["lines"], serde_json::json!([]), "{f}");
        assert!(f["cells"][0].as_str().unwrap().contains('!'), "{f}");
    }
    let run = sb.run(&["check", "seed.xlsx", "--format", "gitlab"]);
    let issues: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(!issues.as_array().unwrap().is_empty(), "{issues}");
    for issue in issues.as_array().unwrap() {
        assert_eq!(issue["location"]["lines"]["begin"], 1, "{issue}");
        assert!(
            issue["description"].as_str().unwrap().contains('!'),
            "{issue}"
        );
    }
}

#[test]
fn a_value_that_would_change_is_named_as_people_write_it() {
    // What `convert` says when reading its own output back would change a fact: the
    // values as a facts file shows them, never Rust's debug form.
    let (rubric, before) = crate::support::load_text(&crate::support::example_text()).unwrap();
    let edited = crate::support::edited_example(&[("initial = 2855.07", "initial = 2855.070")]);
    let (_, after) = crate::support::load_text(&edited).unwrap();
    let said = perfeval::workbook::difference(rubric, &before, &after).unwrap();
    assert!(
        said.contains("was 2855.07 万元 and became 2855.070 万元"),
        "{said}"
    );
    assert!(
        !said.contains("Number(") && !said.contains("Some("),
        "{said}"
    );
}
