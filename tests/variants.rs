//! Rubric variants: `extends` a base and changes only what differs.

use rust_decimal::Decimal;

use crate::support::{Sandbox, repo};

fn project_text() -> String {
    std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap()
}

/// (id, name, score, points) of every indicator of a scored file, in tree order.
fn scored(
    sb: &Sandbox,
    file: &str,
) -> (serde_json::Value, Vec<(String, String, Decimal, Decimal)>) {
    let run = sb.run(&["score", file, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let out = crate::support::indicator_nodes(&json)
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_string(),
                n["name"].as_str().unwrap().to_string(),
                n["score"].as_str().unwrap().parse().unwrap(),
                n["points"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    (json, out)
}

#[test]
fn the_variant_differs_from_its_base_exactly_where_it_changes_a_setting() {
    let sb = Sandbox::new();
    sb.write("base.toml", project_text());
    sb.write(
        "local.toml",
        project_text().replace(
            "rubric = \"mof-project-2020\"",
            "rubric = \"example-local-project-2020\"",
        ),
    );
    let (base_json, base) = scored(&sb, "base.toml");
    let (local_json, local) = scored(&sb, "local.toml");
    assert_eq!(base_json["rubric"]["rounding"]["scale"], 2);
    assert_eq!(
        local_json["rubric"]["rounding"]["scale"], 1,
        "the variant's rounding"
    );
    assert_eq!(local_json["rubric"]["id"], "example-local-project-2020");
    // Same tree, same points.
    let shape = |v: &[(String, String, Decimal, Decimal)]| {
        v.iter()
            .map(|(i, n, _, p)| (i.clone(), n.clone(), *p))
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&base), shape(&local));
    let leaf_ids: Vec<&str> = [
        "execution_score",
        "output.1.1",
        "output.1.2",
        "output.4.1",
        "benefit.1.1",
        "benefit.1.2",
        "satisfaction.1.1",
    ]
    .to_vec();
    for ((id, name, b, _), (_, _, l, _)) in base.iter().zip(&local) {
        if id == "execution_score" {
            // The changed denominator: 460 / 480 received instead of 460 / 500 budgeted.
            assert_eq!(*b, Decimal::new(920, 2), "{name}");
            assert_eq!(*l, Decimal::new(96, 1), "{name}: 10 × 95.83% → 9.6");
        } else if leaf_ids.contains(&id.as_str()) {
            // Everything else: the base's score, at one decimal (4.69 → 4.7, 11.25 → 11.3).
            assert_eq!(
                *l,
                b.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
                "{name}"
            );
        }
    }
    assert_eq!(
        base_json["total"],
        crate::support::example_total("project-2024.toml")
    );
    assert_eq!(local_json["total"], "93.0", "9.6 + 47.7 + 25.7 + 10.0");
}

#[test]
fn a_variant_in_a_rubric_directory_can_extend_another_there() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path().join("rubrics")).unwrap();
    let local =
        std::fs::read_to_string(repo().join("rubrics/example-local-project-2020.toml")).unwrap();
    sb.write("rubrics/local.toml", &local);
    sb.write(
        "rubrics/stricter.toml",
        "[rubric]\nid = \"stricter-local\"\nextends = \"example-local-project-2020\"\n\n[rounding]\nmode = \"truncate\"\n",
    );
    sb.write(
        "p.toml",
        project_text().replace(
            "rubric = \"mof-project-2020\"",
            "rubric = \"stricter-local\"",
        ),
    );
    let run = sb.run(&[
        "batch",
        "p.toml",
        "--rubrics",
        "rubrics",
        "--format",
        "jsonl",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let row: serde_json::Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    // Truncated to one decimal: 9.58 → 9.5, 4.6875 → 4.6, 11.25 → 11.2, 8.4, 6, ….
    assert_eq!(row["total"], "92.7");
}

#[test]
fn extends_cycles_and_unknown_bases_are_errors() {
    let sb = Sandbox::new();
    sb.write("a.toml", "[rubric]\nid = \"a\"\nextends = \"b\"\n");
    sb.write("b.toml", "[rubric]\nid = \"b\"\nextends = \"a\"\n");
    let run = sb.run(&["rubric", "check", "a.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("`extends` makes a cycle: a → b → a"),
        "{}",
        run.stderr
    );
    sb.write(
        "c.toml",
        "[rubric]\nid = \"c\"\nextends = \"mof-project-2021\"\n",
    );
    let run = sb.run(&["rubric", "check", "c.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("`extends` names unknown rubric `mof-project-2021`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_variant_is_validated_like_any_rubric() {
    let sb = Sandbox::new();
    // Removing an indicator without giving its points elsewhere breaks the total.
    sb.write(
        "v.toml",
        "[rubric]\nid = \"v\"\nextends = \"luohu-dept-overall-2023\"\n\n[[indicator]]\nid = \"petitions\"\nremove = true\n",
    );
    let run = sb.run(&["rubric", "check", "v.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("the children of `fairness` (公平性) add up to 6, but it has 9 points"),
        "{}",
        run.stderr
    );
    // An error inside the base's text is reported in the base's file; one in the variant in the variant's.
    sb.write(
        "w.toml",
        "[rubric]\nid = \"w\"\nextends = \"luohu-dept-overall-2023\"\n\n[rounding]\nmode = \"bankers\"\n",
    );
    let run = sb.run(&["rubric", "check", "w.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("unknown rounding mode `bankers`\n --> w.toml:6:8"),
        "{}",
        run.stderr
    );
}

/// Rules are data: no engine source names an indicator of a shipped framework.
#[test]
fn no_rust_source_names_an_indicator_of_a_shipped_rubric() {
    let rubrics = perfeval::rubric::shipped::all().unwrap();
    let mut names: Vec<String> = rubrics
        .iter()
        .flat_map(|r| r.indicators.iter().map(|i| i.name.clone()))
        .collect();
    // The project framework's level-2 groups live in its example facts, not its rubric.
    names.extend(
        [
            "数量指标",
            "质量指标",
            "时效指标",
            "成本指标",
            "社会效益指标",
        ]
        .map(String::from),
    );
    names.sort();
    names.dedup();
    let mut offenders = Vec::new();
    for (file, text) in crate::support::rust_sources() {
        for name in &names {
            if text.contains(name.as_str()) {
                offenders.push(format!("{file} mentions {name}"));
            }
        }
    }
    assert!(names.len() > 40);
    assert_eq!(offenders, Vec::<String>::new());
}

#[test]
fn removals_apply_in_order_and_must_name_something() {
    let sb = Sandbox::new();
    sb.write("a.toml", "[rubric]\nid = \"a\"\nextends = \"mof-project-2020\"\n\n[[indicator]]\nid = \"nothing\"\nremove = true\n");
    let run = sb.run(&["rubric", "check", "a.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("`remove` names `nothing`, which no rubric it extends has"),
        "{}",
        run.stderr
    );
    // Removed by one variant, added back by the next: the later layer wins.
    let satisfaction =
        std::fs::read_to_string(repo().join("rubrics/mof-project-2020.toml")).unwrap();
    let block = &satisfaction[satisfaction
        .find("[[indicator]]\nid = \"satisfaction\"")
        .unwrap()..];
    sb.write("b.toml", "[rubric]\nid = \"b\"\nextends = \"mof-project-2020\"\ntotal = 90\n\n[[indicator]]\nid = \"satisfaction\"\nremove = true\n");
    sb.write(
        "c.toml",
        format!("[rubric]\nid = \"c\"\nextends = \"b\"\ntotal = 100\n\n{block}"),
    );
    let run = sb.run(&["rubric", "check", "c.toml"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn two_lists_cannot_share_a_key() {
    let sb = Sandbox::new();
    let base = std::fs::read_to_string(repo().join("rubrics/mof-project-2020.toml")).unwrap();
    sb.write(
        "r.toml",
        base.replacen("key = \"satisfaction\"", "key = \"output\"", 1)
            .replacen("key = \"benefit\"", "key = \"funding\"", 1),
    );
    let run = sb.run(&["rubric", "check", "r.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("list key `output` is already used by the list of indicator `output`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("list key `funding` is already used by fact `funding.budget`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_variants_receipt_names_every_rubric_it_rests_on() {
    let sb = Sandbox::new();
    sb.write(
        "p.toml",
        std::fs::read_to_string(crate::support::repo().join("examples/project-2024.toml"))
            .unwrap()
            .replace(
                "rubric = \"mof-project-2020\"",
                "rubric = \"example-local-project-2020\"",
            ),
    );
    let run = sb.run(&["score", "p.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let chain = json["receipt"]["rubric_chain"].as_array().unwrap();
    let ids: Vec<&str> = chain.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["mof-project-2020", "example-local-project-2020"]);
    for layer in chain {
        assert_eq!(layer["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(layer["version"], "1");
    }
    assert_eq!(chain[1]["sha256"], json["receipt"]["rubric_sha256"]);
}
