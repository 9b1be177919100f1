//! `perfeval batch`: isolated failures, stable order whatever the threads, atomic output,
//! Excel-friendly CSV, streaming JSON.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use crate::support::{Sandbox, edited_example, example_text};

/// The rows of JSON Lines output.
fn jsonl(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// An archive: `n` valid files (varied departments) in nested folders, plus the bad ones.
pub fn archive(sb: &Sandbox, n: usize) {
    for k in 0..n {
        let dir = format!("archive/{}", k % 3);
        std::fs::create_dir_all(sb.path().join(&dir)).unwrap();
        let facts = edited_example(&[(
            "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
            &format!("department = \"单位 {k:04}\""),
        )]);
        sb.write(&format!("{dir}/{k:04}.toml"), facts);
    }
}

fn add_bad_files(sb: &Sandbox) {
    std::fs::create_dir_all(sb.path().join("archive/bad")).unwrap();
    sb.write(
        "archive/bad/malformed.toml",
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
    );
    sb.write(
        "archive/bad/missing.toml",
        edited_example(&[("plan = 158.75\n", "")]),
    );
    sb.write(
        "archive/bad/unknown.toml",
        edited_example(&[(
            "rubric = \"luohu-dept-overall-2023\"",
            "rubric = \"luohu-2099\"",
        )]),
    );
    // Not a facts file by its name: ignored.
    sb.write("archive/bad/notes.txt", "not toml");
}

#[test]
fn failures_are_isolated_and_reported_with_their_reasons() {
    let sb = Sandbox::new();
    archive(&sb, 5);
    add_bad_files(&sb);
    let run = sb.run(&["batch", "archive", "--format", "jsonl"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let rows = jsonl(&run.stdout);
    assert_eq!(rows.len(), 8);
    let paths: Vec<&str> = rows.iter().map(|r| r["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "rows come sorted by path");
    let ok: Vec<_> = rows.iter().filter(|r| r["status"] == "ok").collect();
    assert_eq!(ok.len(), 5);
    assert!(ok.iter().all(|r| r["total"] == "97.11"
        && r["grade"] == "优"
        && r["subtotals"].as_array().unwrap().len() == 3));
    let errors: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| (r["path"].as_str().unwrap(), r["error"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (
                "archive/bad/malformed.toml",
                "archive/bad/malformed.toml:2:8: invalid TOML: unclosed table, expected `]`"
            ),
            (
                "archive/bad/missing.toml",
                "archive/bad/missing.toml:48:2: cannot score `政府采购执行情况`: missing fact `procurement.plan` (政府采购计划金额)"
            ),
            (
                "archive/bad/unknown.toml",
                "archive/bad/unknown.toml:8:10: unknown rubric `luohu-2099`"
            ),
        ]
    );
    for (_, message) in &errors {
        assert!(
            run.stderr.contains(&format!("error: {message}\n")),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.ends_with(
            "5 file(s) scored, 3 failed; grades: 优 5; total mean 97.11, min 97.11, max 97.11\n\
             1 other file(s) in the directories were not scored: only `*.toml` and `*.xlsx` files are facts files\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn output_is_the_same_byte_for_byte_whatever_the_threads() {
    let sb = Sandbox::new();
    archive(&sb, 40);
    add_bad_files(&sb);
    let one = sb.run(&["batch", "archive", "--jobs", "1"]);
    let four = sb.run(&["batch", "archive", "--jobs", "4"]);
    assert_eq!(one.code, Some(1));
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.stdout.lines().count(), 1 + 43);
}

#[test]
fn csv_has_a_bom_by_default_and_guards_formula_cells() {
    let sb = Sandbox::new();
    sb.write(
        "f.toml",
        edited_example(&[(
            "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
            "department = \"=HYPERLINK(\\\"http://x\\\")\"",
        )]),
    );
    let run = sb.run(&["batch", "f.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with(
        "\u{feff}path,department,year,rubric,rubric_version,rescored_from,set_aside_facts,total,grade,status,error,部门决策,预算编制,预算编制合理性,"
    ), "{}", run.stdout);
    assert!(run.stdout.contains("f.toml,\"'=HYPERLINK(\"\"http://x\"\")\",2023,luohu-dept-overall-2023,1,,,97.11,优,ok,,20.00,10.00,5.00,"), "{}", run.stdout);
    let plain = sb.run(&["batch", "f.toml", "--no-bom"]);
    assert!(plain.stdout.starts_with("path,"));
}

#[test]
fn csv_has_a_column_per_indicator_and_the_receipts() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let run = sb.run(&["batch", "seed.toml", "--no-bom"]);
    let (header, rows) = csv_table(&run.stdout);
    let row = rows[0].clone();
    let cell = |name: &str| {
        let k = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}: {header:?}"));
        row[k].clone()
    };
    assert_eq!(cell("预算执行率"), "5.12");
    assert_eq!(
        cell("效率性"),
        "19.12",
        "second-level subtotals have columns"
    );
    assert_eq!(
        cell("部门绩效"),
        "57.12",
        "first-level subtotals have columns"
    );
    assert_eq!(cell("total"), "97.11");
    assert_eq!(cell("rubric_version"), "1");
    let sha = sha256_of(&sb.path().join("seed.toml"));
    assert_eq!(cell("facts_sha256"), sha);
    assert_eq!(cell("rubric_sha256").len(), 64);
    // The indicators in the rubric's order, each once.
    let rubric = crate::support::seed_rubric();
    let names: Vec<&str> = rubric
        .preorder()
        .into_iter()
        .map(|i| rubric.indicators[i].name.as_str())
        .collect();
    let k = header.iter().position(|h| h == "部门决策").unwrap();
    assert_eq!(&header[k..k + names.len()], names.as_slice());
}

fn sha256_of(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_jsonl_row_carries_the_tree_and_the_receipt() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    let row = sb.run(&["batch", "seed.toml", "--format", "jsonl"]);
    let row: serde_json::Value = serde_json::from_str(row.stdout.trim()).unwrap();
    let json = sb.run(&["score", "seed.toml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        row["receipt"], json["receipt"],
        "a row reproduces the score's receipt"
    );
    let indicators = row["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 35);
    assert!(
        indicators
            .iter()
            .any(|i| i["name"] == "预算执行率" && i["score"] == "5.12" && i["level"] == 3)
    );
}

#[test]
fn files_of_several_rubrics_get_a_column_set_each() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    sb.write(
        "project.toml",
        std::fs::read_to_string(crate::support::repo().join("examples/project-2024.toml")).unwrap(),
    );
    let run = sb.run(&["batch", "seed.toml", "project.toml", "--no-bom"]);
    let (header, rows) = csv_table(&run.stdout);
    assert!(
        header.contains(&"luohu-dept-overall-2023 预算执行率".to_string()),
        "{header:?}"
    );
    assert!(
        header.contains(&"mof-project-2020 产出指标".to_string()),
        "{header:?}"
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // path order: project.toml, then seed.toml.
    // The same scores as `perfeval score` gives each file.
    let scored = |file: &str, name: &str| {
        let json = sb.run(&["score", file, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        crate::support::indicator_nodes(&json)
            .into_iter()
            .find(|n| n["name"] == name)
            .unwrap()["score"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        rows[0][col("mof-project-2020 产出指标")],
        scored("project.toml", "产出指标")
    );
    assert_eq!(rows[0][col("luohu-dept-overall-2023 预算执行率")], "");
    assert_eq!(
        rows[1][col("luohu-dept-overall-2023 预算执行率")],
        scored("seed.toml", "预算执行率")
    );
    assert_eq!(rows[1][col("mof-project-2020 产出指标")], "");
}

#[test]
fn json_output_is_one_array() {
    let sb = Sandbox::new();
    archive(&sb, 3);
    let run = sb.run(&["batch", "archive", "--format", "json", "--strict"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(rows[0]["total"], "96.11", "--strict ignores the override");
}

#[test]
fn output_file_is_replaced_only_by_a_complete_one() {
    let sb = Sandbox::new();
    archive(&sb, 4);
    sb.write("out.csv", "previous results\n");
    let run = sb.run(&["batch", "archive", "-o", "out.csv"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let out = std::fs::read_to_string(sb.path().join("out.csv")).unwrap();
    assert_eq!(out.lines().count(), 5);
    // A directory in the way from the start: refused before any work.
    std::fs::create_dir(sb.path().join("taken")).unwrap();
    let run = sb.run(&["batch", "archive", "-o", "taken"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("cannot write `taken`: it is a directory"),
        "{}",
        run.stderr
    );
    // A folder that does not exist: no output at all.
    let run = sb.run(&["batch", "archive", "-o", "no/such/dir/out.csv"]);
    assert_eq!(run.code, Some(2));
}

#[test]
fn a_rename_that_fails_at_the_end_leaves_nothing_behind() {
    let sb = Sandbox::new();
    archive(&sb, 600);
    let child = sb
        .command(&["batch", "archive", "-o", "late", "--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A directory appears where the output is to go while the run is under way: once
    // the temporary output exists (a fixed sleep raced a slow start on a loaded machine).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !std::fs::read_dir(sb.path())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with(".perfeval-"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    std::fs::create_dir(sb.path().join("late")).unwrap();
    std::fs::write(sb.path().join("late/keep.txt"), "mine").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write `late`: the finished output cannot be renamed into place"),
        "{stderr}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(sb.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".perfeval-"))
        .collect();
    assert_eq!(
        leftovers,
        Vec::<String>::new(),
        "the temporary file is removed"
    );
    assert_eq!(
        std::fs::read_to_string(sb.path().join("late/keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_killed_run_never_leaves_a_partial_output() {
    let sb = Sandbox::new();
    archive(&sb, 600);
    sb.write("out.csv", "previous results\n");
    let mut child = sb
        .command(&["batch", "archive", "-o", "out.csv", "--jobs", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(40));
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    let out = std::fs::read_to_string(sb.path().join("out.csv")).unwrap();
    if finished {
        assert_eq!(
            out.lines().count(),
            601,
            "a finished run leaves the complete output"
        );
    } else {
        // Killed mid-run: the old file is untouched.
        assert_eq!(out, "previous results\n");
    }
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let sb = Sandbox::new();
    archive(&sb, 200);
    let mut child = sb
        .command(&["batch", "archive", "--format", "jsonl", "--jobs", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("\"status\":\"ok\""));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_path_that_does_not_exist_is_unusable_input() {
    let run = Sandbox::new().run(&["batch", "nowhere"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: cannot read `nowhere`: no such file or directory\n"
    );
}

#[test]
fn a_directory_of_rubrics_is_used_beside_the_shipped_ones() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("rubrics")).unwrap();
    let rubric = std::fs::read_to_string(
        crate::support::repo().join("rubrics/luohu-dept-overall-2023.toml"),
    )
    .unwrap();
    sb.write(
        "rubrics/local.toml",
        rubric
            .replace("id = \"luohu-dept-overall-2023\"", "id = \"local-2023\"")
            .replace("[rounding]\nscale = 2", "[rounding]\nscale = 1"),
    );
    sb.write("a.toml", example_text());
    sb.write(
        "b.toml",
        edited_example(&[(
            "rubric = \"luohu-dept-overall-2023\"",
            "rubric = \"local-2023\"",
        )]),
    );
    let run = sb.run(&[
        "batch",
        "a.toml",
        "b.toml",
        "--rubrics",
        "rubrics",
        "--format",
        "jsonl",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let totals: Vec<String> = jsonl(&run.stdout)
        .iter()
        .map(|r| r["total"].as_str().unwrap().to_string())
        .collect();
    // The local variant rounds each leaf to 1 place: 1.99 → 2.0, 5.12 → 5.1.
    assert_eq!(totals, vec!["97.11", "97.1"]);
}

#[test]
fn a_broken_link_becomes_an_error_row_not_an_aborted_run() {
    let sb = Sandbox::new();
    archive(&sb, 2);
    std::os::unix::fs::symlink(sb.path().join("archive"), sb.path().join("archive/0/loop"))
        .unwrap();
    std::os::unix::fs::symlink(
        sb.path().join("nowhere.toml"),
        sb.path().join("archive/1/dangling.toml"),
    )
    .unwrap();
    let run = sb.run(&["batch", "archive", "--format", "jsonl"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let rows = jsonl(&run.stdout);
    assert_eq!(rows.iter().filter(|r| r["status"] == "ok").count(), 2);
    let errors: Vec<&str> = rows
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| r["error"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("a symbolic link loops back to")),
        "{errors:?}"
    );
}

#[test]
fn the_same_file_given_twice_is_scored_once() {
    let sb = Sandbox::new();
    sb.write("f.toml", example_text());
    let run = sb.run(&["batch", "f.toml", "./f.toml", "--format", "jsonl"]);
    assert_eq!(run.stdout.lines().count(), 1);
}

#[test]
fn the_output_may_not_be_an_input_or_a_directory() {
    let sb = Sandbox::new();
    archive(&sb, 2);
    let target = "archive/0/0000.toml";
    let before = std::fs::read(sb.path().join(target)).unwrap();
    let run = sb.run(&["batch", "archive", "-o", target]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("it is one of the files being scored"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(sb.path().join(target)).unwrap(), before);
    let run = sb.run(&["batch", "archive", "-o", "archive"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("it is a directory; give a file name for the output"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pipe_is_refused_instead_of_waiting_forever() {
    let sb = Sandbox::new();
    let fifo = sb.path().join("p.toml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let run = sb.run(&["score", "p.toml"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: `p.toml` is not a regular file (a pipe or a device?)\n"
    );
}

#[test]
fn the_summary_mean_is_exact_or_marked() {
    let sb = Sandbox::new();
    sb.write("a.toml", example_text());
    sb.write("b.toml", example_text());
    sb.write(
        "c.toml",
        crate::support::edited_example(&[("unfinished = 0", "unfinished = 1")]),
    );
    let run = sb.run(&["batch", "a.toml", "b.toml", "c.toml", "--format", "jsonl"]);
    let totals: Vec<rust_decimal::Decimal> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["total"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let sum: rust_decimal::Decimal = totals.iter().sum();
    // A sum of totals at two decimals over 3 files: not a multiple of 0.03, so the mean
    // has no finite decimal expansion and must be marked.
    assert_ne!(
        sum % rust_decimal::Decimal::new(3, 2),
        rust_decimal::Decimal::ZERO,
        "{totals:?}"
    );
    assert!(run.stderr.contains("total mean ≈"), "{}", run.stderr);
}

#[test]
fn an_archive_is_rescored_under_another_rubric_and_each_row_says_so() {
    let sb = Sandbox::new();
    sb.write(
        "2023.toml",
        example_text() + "\n[retired]\nold_measure = 3\n",
    );
    // A newer framework: the seed rubric under another id, with one weight changed (the
    // quarterly part of 预算执行率 worth 3 instead of 4, the yearly part 3 instead of 2).
    let rubric = std::fs::read_to_string(
        crate::support::repo().join("rubrics/luohu-dept-overall-2023.toml"),
    )
    .unwrap();
    let variant = crate::support::edited(
        rubric,
        &[
            (
                "id = \"luohu-dept-overall-2023\"",
                "id = \"luohu-dept-overall-2025\"",
            ),
            (
                "name = \"季度预算执行率得分\"\npoints = 4",
                "name = \"季度预算执行率得分\"\npoints = 3",
            ),
            (
                "name = \"全年平均支出进度得分\"\npoints = 2",
                "name = \"全年平均支出进度得分\"\npoints = 3",
            ),
        ],
    );
    sb.write("new.toml", variant);
    let run = sb.run(&[
        "batch",
        "2023.toml",
        "--rubric",
        "new.toml",
        "--format",
        "jsonl",
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "the retired fact is only set aside: {}",
        run.stdout
    );
    let row: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(row["rubric"], "luohu-dept-overall-2025");
    assert_eq!(row["rescored_from"], "luohu-dept-overall-2023");
    assert_eq!(
        row["receipt"]["set_aside_facts"],
        serde_json::json!(["retired"])
    );
    let score = |r: &serde_json::Value| {
        r["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "预算执行率")
            .unwrap()["score"]
            .clone()
    };
    let before = sb.run(&["batch", "2023.toml", "--format", "jsonl"]);
    assert_eq!(
        before.code,
        Some(1),
        "under its own rubric the retired fact is an error"
    );
    let plain = sb.run(&[
        "batch",
        "2023.toml",
        "--rubric",
        "new.toml",
        "--format",
        "csv",
        "--no-bom",
    ]);
    let (header, rows) = csv_table(&plain.stdout);
    let cells = rows[0].clone();
    let cell = |name: &str| cells[header.iter().position(|h| h == name).unwrap()].clone();
    assert_eq!(cell("rescored_from"), "luohu-dept-overall-2023");
    assert_eq!(cell("set_aside_facts"), "retired");
    assert_eq!(serde_json::Value::String(cell("预算执行率")), score(&row));
    assert_ne!(
        cell("预算执行率"),
        "5.12",
        "the changed weight changes the score"
    );
}

/// A CSV (without BOM) as its header and rows of cells.
fn csv_table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}
