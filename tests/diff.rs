//! `perfeval diff`: two facts files (same rubric, or two different ones) and two batch
//! outputs; every expected score comes from `perfeval score --format json` on each file.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::support::{Sandbox, edited, edited_example, example_text, indicator_nodes, repo};

const PROCUREMENT: (&str, &str) = ("actual = 157.46", "actual = 150");
const Q4_SPENT: (&str, &str) = (
    "[execution.q4]\nspent = 2568.79",
    "[execution.q4]\nspent = 2800",
);

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap()
}

/// Each indicator's score (by id) and the total, from `perfeval score --format json`.
fn scores(sb: &Sandbox, file: &str) -> (BTreeMap<String, String>, String) {
    let run = sb.run(&["score", file, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let v = json(&run.stdout);
    let map = indicator_nodes(&v)
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["score"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (map, v["total"].as_str().unwrap().to_string())
}

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap()).unwrap()
}

fn two_figures_changed(sb: &Sandbox) {
    sb.write("old.toml", example_text());
    sb.write("new.toml", edited_example(&[PROCUREMENT, Q4_SPENT]));
}

#[test]
fn two_changed_figures_show_exactly_those_two_indicators_and_facts() {
    let sb = Sandbox::new();
    two_figures_changed(&sb);
    let (old, old_total) = scores(&sb, "old.toml");
    let (new, new_total) = scores(&sb, "new.toml");
    let run = sb.run(&["diff", "old.toml", "new.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let d = json(&run.stdout);
    assert_eq!(d["kind"], "facts");
    assert_eq!(d["same_rubric"], true);

    let rows = d["indicators"].as_array().unwrap();
    assert_eq!(rows.len(), old.len(), "every indicator once");
    let mut changed_leaves = Vec::new();
    for row in rows {
        let id = row["id"].as_str().unwrap();
        assert_eq!(row["presence"], "both", "{id}");
        assert_eq!(row["old_score"].as_str(), Some(old[id].as_str()), "{id}");
        assert_eq!(row["new_score"].as_str(), Some(new[id].as_str()), "{id}");
        assert_eq!(
            dec(&row["change"]),
            dec(&row["new_score"]) - dec(&row["old_score"]),
            "{id}"
        );
        // Changed exactly where the two score reports differ.
        assert_eq!(row["changed"], old[id] != new[id], "{id}");
        let facts = row["facts"].as_array().unwrap();
        if row["changed"] == true && row["leaf"] == true {
            changed_leaves.push(id.to_string());
            assert_eq!(facts.len(), 1, "{id}: {facts:?}");
        } else {
            assert!(facts.is_empty(), "{id}: {facts:?}");
        }
    }
    assert_eq!(changed_leaves.len(), 2, "{changed_leaves:?}");
    assert_eq!(d["counts"]["changed"], 2);
    // The facts behind them: each of the two edited figures, old and new value and line.
    let facts: Vec<&serde_json::Value> = rows
        .iter()
        .flat_map(|r| r["facts"].as_array().unwrap())
        .collect();
    let paths: Vec<&str> = facts.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["procurement.actual", "execution.q4.spent"]);
    assert_eq!(facts[0]["old"]["value"], "157.46");
    assert_eq!(facts[0]["new"]["value"], "150");
    assert_eq!(facts[1]["old"]["value"], "2568.79");
    assert_eq!(facts[1]["new"]["value"], "2800");
    for f in &facts {
        assert!(
            f["old"]["at"].as_str().unwrap().starts_with("old.toml:"),
            "{f}"
        );
        assert!(
            f["new"]["at"].as_str().unwrap().starts_with("new.toml:"),
            "{f}"
        );
    }
    // Nothing else changed.
    assert_eq!(d["other_facts"], serde_json::json!([]));
    // Subtotals changed only above the two leaves: cross-checked with the report's tree.
    let changed_parents = rows
        .iter()
        .filter(|r| r["changed"] == true && r["leaf"] == false)
        .count();
    assert!(changed_parents >= 2, "each leaf's parents change");
    assert_eq!(d["total"]["old"].as_str(), Some(old_total.as_str()));
    assert_eq!(d["total"]["new"].as_str(), Some(new_total.as_str()));
    assert_eq!(
        dec(&d["total"]["change"]),
        Decimal::from_str(&new_total).unwrap() - Decimal::from_str(&old_total).unwrap()
    );

    // The table says the same, in Chinese.
    let table = sb.run_zh(&["diff", "old.toml", "new.toml", "--width", "220"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    for text in [
        "原得分",
        "新得分",
        "变化",
        "procurement.actual",
        "157.46 万元 → 150 万元",
        "execution.q4.spent",
        "2568.79 万元 → 2800 万元",
        "位置：old.toml:",
        "得分变化的指标 2 个",
    ] {
        assert!(table.stdout.contains(text), "{text}\n{}", table.stdout);
    }
    assert!(
        table
            .stdout
            .contains(&format!("总分 {old_total} → {new_total}")),
        "{}",
        table.stdout
    );
}

#[test]
fn identical_files_change_nothing() {
    let sb = Sandbox::new();
    sb.write("a.toml", example_text());
    sb.write("b.toml", example_text());
    let run = sb.run(&["diff", "a.toml", "b.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let d = json(&run.stdout);
    assert!(d["indicators"].as_array().unwrap().len() > 20, "{d}");
    assert!(
        d["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["changed"] == false && dec(&r["change"]).is_zero())
    );
    assert!(dec(&d["total"]["change"]).is_zero());
    assert_eq!(d["counts"]["changed"], 0);
    assert_eq!(d["other_facts"], serde_json::json!([]));
    let table = sb.run_zh(&["diff", "a.toml", "b.toml"]);
    assert_eq!(table.code, Some(0));
    assert!(
        table.stdout.contains("得分变化的指标 0 个"),
        "{}",
        table.stdout
    );
}

#[test]
fn another_rubric_shows_indicators_on_one_side_only() {
    let sb = Sandbox::new();
    sb.write("seed.toml", example_text());
    sb.write(
        "project.toml",
        std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap(),
    );
    let run = sb.run(&["diff", "seed.toml", "project.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let d = json(&run.stdout);
    assert_eq!(d["same_rubric"], false);
    let presence = |p: &str| {
        d["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["presence"] == p)
            .count()
    };
    assert!(presence("only_new") > 0 && presence("only_old") > 0);
    assert_eq!(d["counts"]["only_new"], presence("only_new"));
    let (_, seed_total) = scores(&sb, "seed.toml");
    let (_, project_total) = scores(&sb, "project.toml");
    assert_eq!(d["total"]["old"].as_str(), Some(seed_total.as_str()));
    assert_eq!(d["total"]["new"].as_str(), Some(project_total.as_str()));
    let table = sb.run_zh(&["diff", "seed.toml", "project.toml", "--width", "120"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    for text in ["新增", "删除", "评价框架不同", "mof-project-2020"] {
        assert!(table.stdout.contains(text), "{text}\n{}", table.stdout);
    }
}

/// Two archives: `a/` with the seed and the project example, `b/` with the seed's
/// procurement figure changed, the same project, and one more file.
fn archives(sb: &Sandbox) {
    let project = std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap();
    for dir in ["a", "b"] {
        std::fs::create_dir_all(sb.path().join(dir)).unwrap();
        sb.write(&format!("{dir}/project.toml"), &project);
    }
    sb.write("a/seed.toml", example_text());
    sb.write("b/seed.toml", edited_example(&[PROCUREMENT]));
    sb.write(
        "b/extra.toml",
        edited(
            project,
            &[(
                "department = \"示例单位（虚构）\"",
                "department = \"<script>alert(1)</script>\"",
            )],
        ),
    );
}

/// `perfeval batch . --format FORMAT` run inside `dir`, so that paths match.
fn batch_in(sb: &Sandbox, dir: &str, format: &str) -> String {
    let out = sb
        .command(&["batch", ".", "--format", format])
        .current_dir(sb.path().join(dir))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn two_batch_outputs_compare_file_by_file() {
    let sb = Sandbox::new();
    archives(&sb);
    sb.write("a.jsonl", batch_in(&sb, "a", "jsonl"));
    sb.write("b.jsonl", batch_in(&sb, "b", "jsonl"));
    let (old_seed, _) = scores(&sb, "a/seed.toml");
    let (new_seed, new_total) = scores(&sb, "b/seed.toml");
    let run = sb.run(&["diff", "a.jsonl", "b.jsonl", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let d = json(&run.stdout);
    assert_eq!(d["kind"], "batch");
    assert_eq!(d["counts"]["files"], 3);
    assert_eq!(d["counts"]["only_new"], 1);
    assert_eq!(d["counts"]["only_old"], 0);
    let files = d["files"].as_array().unwrap();
    let by_path = |p: &str| {
        files
            .iter()
            .find(|f| f["new"]["path"] == p || f["old"]["path"] == p)
            .unwrap()
    };
    let extra = by_path("./extra.toml");
    assert_eq!(extra["presence"], "only_new");
    assert_eq!(extra["old"], serde_json::Value::Null);
    let project = by_path("./project.toml");
    assert_eq!(project["matched_by"], "path");
    assert_eq!(project["indicators"], serde_json::json!([]));
    assert!(dec(&project["change"]).is_zero());
    let seed = by_path("./seed.toml");
    assert_eq!(seed["matched_by"], "path");
    assert_eq!(seed["new"]["total"].as_str(), Some(new_total.as_str()));
    let expected: Vec<&String> = new_seed
        .keys()
        .filter(|id| old_seed[*id] != new_seed[*id])
        .collect();
    let mut got: Vec<&str> = seed["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let id = i["id"].as_str().unwrap();
            assert_eq!(i["old_score"].as_str(), Some(old_seed[id].as_str()));
            assert_eq!(i["new_score"].as_str(), Some(new_seed[id].as_str()));
            id
        })
        .collect();
    got.sort_unstable();
    assert_eq!(got, expected);
    assert!(!got.is_empty());

    // Paths that differ are matched by department and year; a JSON array reads too.
    let b_json = sb.run(&["batch", "b", "--format", "json"]);
    sb.write("b.json", &b_json.stdout);
    let a_jsonl = sb.run(&["batch", "a", "--format", "jsonl"]);
    sb.write("a2.jsonl", &a_jsonl.stdout);
    let run = sb.run(&["diff", "a.jsonl", "b.json", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let d = json(&run.stdout);
    let how: Vec<&str> = d["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["matched_by"].as_str())
        .collect();
    assert_eq!(how, ["department_year", "department_year"]);

    // The table names the new file and the changed indicators.
    let table = sb.run_zh(&["diff", "a.jsonl", "b.jsonl", "--width", "160"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert!(table.stdout.contains("仅新结果有"), "{}", table.stdout);
    assert!(table.stdout.contains("原得分"), "{}", table.stdout);

    // A CSV is refused with the way out.
    let csv = sb.run(&["batch", "a"]);
    sb.write("a.csv", &csv.stdout);
    let run = sb.run(&["diff", "a.csv", "b.jsonl"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--format jsonl"), "{}", run.stderr);
    // A facts file against a batch output is refused too.
    let run = sb.run_zh(&["diff", "a/seed.toml", "b.jsonl"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("不能比较"), "{}", run.stderr);
}

/// The JSON's shape: every field name, with the kinds of value it takes.
fn skeleton(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), skeleton(v))).collect())
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(skeleton)
                .reduce(merge)
                .into_iter()
                .collect(),
        ),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::String("null".into()),
    }
}

fn merge(a: serde_json::Value, b: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(mut x), Value::Object(y)) => {
            for (k, v) in y {
                match x.get_mut(&k) {
                    Some(slot) => {
                        let old = std::mem::take(slot);
                        *slot = merge(old, v);
                    }
                    None => {
                        x.insert(k, v);
                    }
                }
            }
            Value::Object(x)
        }
        (Value::Array(x), Value::Array(y)) => {
            Value::Array(x.into_iter().chain(y).reduce(merge).into_iter().collect())
        }
        (Value::String(x), Value::String(y)) => {
            let mut kinds: Vec<&str> = x.split('|').chain(y.split('|')).collect();
            kinds.sort_unstable();
            kinds.dedup();
            Value::String(kinds.join("|"))
        }
        (Value::String(x), other) | (other, Value::String(x)) => {
            // A null beside an object (a side missing): keep the object's fields.
            if x == "null" { other } else { Value::String(x) }
        }
        (x, _) => x,
    }
}

fn sorted(v: serde_json::Value) -> String {
    // Keys sorted, so that the merge order does not matter.
    let v: BTreeMap<String, serde_json::Value> = serde_json::from_value(v).unwrap_or_default();
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn json_field_names_are_stable() {
    let sb = Sandbox::new();
    two_figures_changed(&sb);
    sb.write(
        "more.toml",
        edited_example(&[
            PROCUREMENT,
            ("mean_rate = \"85.38%\"", "mean_rate = \"85.39%\""),
        ]),
    );
    let facts = sb.run(&["diff", "old.toml", "more.toml", "--format", "json"]);
    assert_eq!(facts.code, Some(0), "{}", facts.stderr);
    assert_eq!(
        json(&facts.stdout)["other_facts"][0]["path"],
        "stated.mean_rate"
    );
    archives(&sb);
    sb.write("a.jsonl", batch_in(&sb, "a", "jsonl"));
    sb.write("b.jsonl", batch_in(&sb, "b", "jsonl"));
    let batch = sb.run(&["diff", "b.jsonl", "a.jsonl", "--format", "json"]);
    assert_eq!(batch.code, Some(0), "{}", batch.stderr);
    let text = format!(
        "facts:\n{}\nbatch:\n{}\n",
        sorted(skeleton(&json(&facts.stdout))),
        sorted(skeleton(&json(&batch.stdout)))
    );
    insta::assert_snapshot!("diff_json_fields", text);
}

#[test]
fn html_is_one_escaped_page_without_external_resources() {
    let sb = Sandbox::new();
    sb.write("old.toml", example_text());
    sb.write(
        "new.toml",
        edited_example(&[
            PROCUREMENT,
            (
                "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
                "department = \"<script>alert(1)</script>\"",
            ),
        ]),
    );
    let run = sb.run_zh(&["diff", "old.toml", "new.toml", "--format", "html"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let page = run.stdout;
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(!page.contains("<script"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("http"), "{page}");
    assert!(page.contains("procurement.actual"), "{page}");
    assert!(page.contains("原得分") && page.contains("新得分"));

    // Batch outputs too.
    archives(&sb);
    sb.write("a.jsonl", batch_in(&sb, "a", "jsonl"));
    sb.write("b.jsonl", batch_in(&sb, "b", "jsonl"));
    let run = sb.run_zh(&["diff", "a.jsonl", "b.jsonl", "--format", "html"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("<script"), "{}", run.stdout);
    assert!(run.stdout.contains("&lt;script&gt;"), "{}", run.stdout);
    assert!(!run.stdout.contains("http"));

    // -o writes the page whole, and never over an input.
    let run = sb.run_zh(&[
        "diff", "old.toml", "new.toml", "--format", "html", "-o", "d.html",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(sb.path().join("d.html")).unwrap();
    assert!(written.contains("&lt;script&gt;"));
    let run = sb.run_zh(&["diff", "old.toml", "new.toml", "-o", "old.toml"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        std::fs::read_to_string(sb.path().join("old.toml")).unwrap(),
        example_text()
    );
}

#[test]
fn unusable_input_exits_2() {
    let sb = Sandbox::new();
    sb.write("a.toml", example_text());
    sb.write("bad.toml", "rubric = \"luohu-dept-overall-2023\"\n[[[");
    let run = sb.run(&["diff", "a.toml", "missing.toml"]);
    assert_eq!(run.code, Some(2));
    let run = sb.run(&["diff", "a.toml", "bad.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("bad.toml"), "{}", run.stderr);
}
