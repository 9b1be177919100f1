//! `perfeval init`: a template that lists every fact, refuses to overwrite, and scores
//! once filled in.

use crate::support::{Sandbox, example_text, repo};

const FACTS_FILE_KEYS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

fn template(id: &str) -> String {
    let run = Sandbox::new().run(&["init", "--rubric", id]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
}

/// Dotted paths of every fact value in a parsed facts file (a table with `value` is one
/// fact); lists of tables are left out.
fn fact_paths(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in table {
        if prefix.is_empty() && FACTS_FILE_KEYS.contains(&k.as_str()) {
            continue;
        }
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) if !t.contains_key("value") => fact_paths(t, &path, out),
            toml::Value::Array(_) => {}
            _ => out.push(path),
        }
    }
}

/// The paths a template offers, filled in or commented out: `[group]` headers and
/// `key = ` / `# key = ` lines.
fn template_paths(text: &str) -> Vec<String> {
    let mut group = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(g) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            group = g.trim_matches('[').to_string();
            continue;
        }
        let body = line.strip_prefix("# ").unwrap_or(line);
        if let Some((key, _)) = body.split_once(" = ")
            && !key.contains(' ')
            && !key.is_empty()
            && !line.starts_with("#   ")
        {
            out.push(if group.is_empty() {
                key.to_string()
            } else {
                format!("{group}.{key}")
            });
        }
    }
    out
}

/// Sets `path` in a TOML table to `value`, creating tables on the way.
fn set(table: &mut toml::Table, path: &str, value: toml::Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().unwrap();
    let mut t = table;
    for p in parts {
        t = t
            .entry(p)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .unwrap();
    }
    t.insert(last.to_string(), value);
}

fn get<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut parts = path.split('.').peekable();
    let mut t = table;
    while let Some(p) = parts.next() {
        let v = t.get(p)?;
        if parts.peek().is_none() {
            return Some(v);
        }
        t = v.as_table()?;
    }
    None
}

#[test]
fn the_seed_template_lists_every_fact_the_seed_example_uses() {
    let example: toml::Table = toml::from_str(&example_text()).unwrap();
    let mut used = Vec::new();
    fact_paths(&example, "", &mut used);
    assert!(used.len() > 60);
    let offered = template_paths(&template("luohu-dept-overall-2023"));
    for path in &used {
        assert!(offered.contains(path), "the template lacks `{path}`");
    }
}

#[test]
fn a_filled_seed_template_scores_first_time() {
    let example: toml::Table = toml::from_str(&example_text()).unwrap();
    let mut filled: toml::Table = toml::from_str(&template("luohu-dept-overall-2023")).unwrap();
    let mut used = Vec::new();
    fact_paths(&example, "", &mut used);
    for path in &used {
        set(&mut filled, path, get(&example, path).unwrap().clone());
    }
    // The example gives the evaluator's tier instead of a satisfaction rate, as the
    // template says one may.
    filled["satisfaction"]
        .as_table_mut()
        .unwrap()
        .remove("rate");
    filled.insert("department".into(), example["department"].clone());
    filled.insert("year".into(), example["year"].clone());
    let sb = Sandbox::new();
    sb.write("filled.toml", toml::to_string(&filled).unwrap());
    let run = sb.run(&["score", "filled.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // No [overrides] in a template: the rule's own result for 编外人员控制率.
    assert_eq!(json["total"], "96.11");
}

#[test]
fn a_filled_project_template_scores_first_time() {
    let example: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap(),
    )
    .unwrap();
    let mut filled: toml::Table = toml::from_str(&template("mof-project-2020")).unwrap();
    for (k, v) in &example {
        if k != "rubric" {
            filled.insert(k.clone(), v.clone());
        }
    }
    let sb = Sandbox::new();
    sb.write("filled.toml", toml::to_string(&filled).unwrap());
    let run = sb.run(&["score", "filled.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["total"],
        crate::support::example_total("project-2024.toml")
    );
}

#[test]
fn an_unfilled_template_lists_every_value_still_missing() {
    let sb = Sandbox::new();
    sb.write("t.toml", template("mof-project-2020"));
    let run = sb.run(&["score", "t.toml"]);
    assert_eq!(run.code, Some(2));
    // One message lists every value still to fill, each with its line; none of them is
    // reported again as a type error.
    assert!(
        run.stderr.contains(
            "error: 19 values are still to fill (department, year, funding.budget, funding.executed, output[1].level2, output[1].name, output[1].weight, output[1].target, …): still \"TODO\" as the template wrote them"
        ),
        "{}",
        run.stderr
    );
    for entry in [
        "line 9: department",
        "line 16: funding.budget",
        "line 46: output[1].weight",
        "line 79: satisfaction[1].actual",
    ] {
        assert!(run.stderr.contains(entry), "{entry}: {}", run.stderr);
    }
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    assert!(
        !run.stderr.contains("lists no indicators"),
        "no follow-on errors: {}",
        run.stderr
    );
}

#[test]
fn placeholder_and_invisible_reasons_never_satisfy_a_judgment_or_an_override() {
    let sb = Sandbox::new();
    for (name, from, to) in [
        (
            "override.toml",
            "score = 1, reason = \"局本级严格按照",
            "score = 1, reason = \"TODO\", note = \"局本级严格按照",
        ),
        (
            "judgment.toml",
            "score = { value = 25, reason = \"",
            "score = { value = 25, reason = \"TODO\", note = \"",
        ),
        (
            "zero-width.toml",
            "score = { value = 25, reason = \"",
            "score = { value = 25, reason = \"\u{200B}\u{3000} \", note = \"",
        ),
        (
            "braille-blank.toml",
            "score = { value = 25, reason = \"",
            "score = { value = 25, reason = \"\u{2800}\", note = \"",
        ),
        (
            "todo-in-text.toml",
            "score = 1, reason = \"局本级严格按照",
            "score = 1, reason = \"TODO 待补充\", note = \"局本级严格按照",
        ),
        (
            "chinese-placeholder.toml",
            "score = { value = 25, reason = \"",
            "score = { value = 25, reason = \"待填写\", note = \"",
        ),
    ] {
        sb.write(name, crate::support::edited_example(&[(from, to)]));
        let run = sb.run(&["score", name]);
        assert_eq!(run.code, Some(2), "{name}: {}", run.stdout);
        if name == "zero-width.toml" || name == "braille-blank.toml" {
            assert!(
                run.stderr
                    .contains("must not be empty or only invisible characters"),
                "{}",
                run.stderr
            );
        } else {
            assert!(
                run.stderr.contains("1 value is still to fill"),
                "{}",
                run.stderr
            );
        }
    }
    // batch and check refuse it the same way.
    let run = sb.run(&["check", "judgment.toml"]);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    let run = sb.run(&["batch", "judgment.toml", "--format", "jsonl"]);
    assert!(
        run.stdout.contains("1 value is still to fill"),
        "{}",
        run.stdout
    );
}

#[test]
fn init_never_replaces_a_file() {
    let sb = Sandbox::new();
    let run = sb.run(&["init", "--rubric", "mof-project-2020", "-o", "new.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read_to_string(sb.path().join("new.toml"))
            .unwrap()
            .starts_with("# Facts file for 项目支出绩效自评表")
    );
    sb.write("mine.toml", "my work\n");
    let run = sb.run(&["init", "--rubric", "mof-project-2020", "-o", "mine.toml"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: cannot write `mine.toml`: it already exists; choose another name, or remove it first\n"
    );
    assert_eq!(
        std::fs::read_to_string(sb.path().join("mine.toml")).unwrap(),
        "my work\n"
    );
    let run = sb.run(&["init", "--rubric", "mof-project-2021"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("did you mean `mof-project-2020`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn rubric_show_prints_the_tree_with_points_and_rules() {
    let sb = Sandbox::new();
    let run = sb.run_zh(&[
        "rubric",
        "show",
        "luohu-dept-overall-2023",
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("# 部门整体支出绩效评价共性指标体系框架（luohu-dept-overall-2023 v1）")
    );
    assert!(
        run.stdout
            .contains("#### 政府采购执行情况（2 分，`procurement`）"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("- `rate = procurement.actual / procurement.plan`")
    );
    let table = sb.run(&["rubric", "show", "mof-project-2020", "--width", "140"]);
    assert_eq!(table.code, Some(0));
    assert!(
        table
            .stdout
            .contains("listed by each facts file as [[output]]"),
        "{}",
        table.stdout
    );
}

#[test]
fn the_template_carries_commented_overrides_and_claims_for_every_scored_indicator() {
    let text = template("luohu-dept-overall-2023");
    assert!(text.contains("\n# [overrides]\n"));
    assert!(text.contains("\n# [claimed]\n# total = 0\n# grade = \"\"\n# [claimed.scores]\n"));
    let rubric = crate::support::seed_rubric();
    for leaf in rubric.indicators.iter().filter(|i| i.rule.is_some()) {
        assert!(
            text.contains(&format!("\n# \"{}\" = 0\n", leaf.name)),
            "{}",
            leaf.name
        );
    }
    // Uncommented, the claims section is what check reads.
    let start = text.find("# [claimed]").unwrap();
    let claims: String = text[start..]
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let parsed: toml::Table = toml::from_str(&claims).unwrap();
    assert_eq!(
        parsed["claimed"]["scores"].as_table().unwrap().len(),
        rubric
            .indicators
            .iter()
            .filter(|i| i.rule.is_some())
            .count()
    );
}
