//! `check` as a CI gate: many submissions in one call, JUnit, SARIF (validated against the
//! SARIF 2.1.0 schema with Python's jsonschema), GitLab Code Quality, --require-claims.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{Sandbox, edited_example, example_text, repo};

/// 20 submissions: 17 valid, one with a wrong claim, one without claims (which passes
/// unless claims are required), one broken.
fn submissions(sb: &Sandbox) {
    std::fs::create_dir_all(sb.path().join("submitted")).unwrap();
    for k in 0..17 {
        sb.write(
            &format!("submitted/{k:02}-ok.toml"),
            edited_example(&[(
                "department = \"深圳市罗湖区政务服务数据管理局（本级）\"",
                &format!("department = \"单位 {k:02}\""),
            )]),
        );
    }
    sb.write(
        "submitted/17-wrong-claim.toml",
        edited_example(&[("total = 97.11", "total = 97.21")]),
    );
    let text = example_text();
    let unclaimed = &text[..text.find("[claimed]").unwrap()];
    sb.write("submitted/18-unclaimed.toml", unclaimed);
    sb.write(
        "submitted/19-broken.toml",
        "rubric = \"luohu-dept-overall-2023\"\n[budget\n",
    );
}

/// The SARIF 2.1.0 schema, put in place by `.ci/run` (from npm's @microsoft/jest-sarif).
fn sarif_schema() -> Option<PathBuf> {
    crate::support::ci_tool("sarif-2.1.0.json")
}

#[test]
fn twenty_submissions_in_one_call() {
    let sb = Sandbox::new();
    submissions(&sb);

    let junit = sb.run(&["check", "submitted", "--format", "junit"]);
    assert_eq!(junit.code, Some(2), "one file is broken: {}", junit.stderr);
    assert_eq!(
        junit.stdout.matches("<testsuite ").count(),
        20,
        "{}",
        junit.stdout
    );
    assert!(junit.stdout.contains("unusable_input"));
    let mut reader = quick_xml::Reader::from_str(&junit.stdout);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit is not well-formed XML: {e}"),
        }
    }

    let text = sb.run(&["check", "submitted"]);
    assert_eq!(text.code, Some(2));
    assert!(
        text.stdout
            .contains("20 file(s) checked: 18 passed, 1 failed, 1 unusable"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("perfeval check submitted/17-wrong-claim.toml")
    );

    let json = sb.run(&["check", "submitted", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["files"].as_array().unwrap().len(), 20);
    assert_eq!(
        (
            doc["passed"].clone(),
            doc["failed"].clone(),
            doc["unusable"].clone()
        ),
        (18.into(), 1.into(), 1.into())
    );

    let sarif = sb.run(&["check", "submitted", "--format", "sarif"]);
    assert_eq!(sarif.code, Some(2));
    sb.write("report.sarif", &sarif.stdout);
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let wrong = results
        .iter()
        .find(|r| r["ruleId"] == "differs" && r["level"] == "error")
        .unwrap();
    let at = &wrong["locations"][0]["physicalLocation"];
    assert_eq!(
        at["artifactLocation"]["uri"],
        "submitted/17-wrong-claim.toml"
    );
    assert!(at["region"]["startLine"].as_u64().unwrap() > 100, "{wrong}");
    assert!(at["region"]["startColumn"].as_u64().unwrap() >= 1);
    assert!(results.iter().any(|r| r["ruleId"] == "unusable_input"));
    if let Some(schema) = sarif_schema() {
        let status = Command::new("python3")
            .arg("-c")
            .arg(
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 log = json.load(open(sys.argv[2]))\n\
                 jsonschema.validate(log, schema)\n\
                 print('valid')",
            )
            .arg(&schema)
            .arg(sb.path().join("report.sarif"))
            .output()
            .expect("python3 with jsonschema (.ci/run installs it)");
        assert!(
            status.status.success(),
            "SARIF rejected by the schema: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }

    let gitlab = sb.run(&["check", "submitted", "--format", "gitlab"]);
    let issues: serde_json::Value = serde_json::from_str(&gitlab.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    let wrong = issues
        .iter()
        .find(|i| {
            i["location"]["path"] == "submitted/17-wrong-claim.toml" && i["severity"] == "major"
        })
        .unwrap();
    assert!(wrong["location"]["lines"]["begin"].as_u64().unwrap() > 100);
    assert_unique_fingerprints(issues);
}

#[test]
fn require_claims_fails_a_submission_that_leaves_them_out() {
    let sb = Sandbox::new();
    submissions(&sb);
    std::fs::remove_file(sb.path().join("submitted/19-broken.toml")).unwrap();
    std::fs::remove_file(sb.path().join("submitted/17-wrong-claim.toml")).unwrap();
    let lenient = sb.run(&["check", "submitted"]);
    assert_eq!(
        lenient.code,
        Some(0),
        "without the flag, no claims only notes: {}",
        lenient.stdout
    );
    let strict = sb.run(&["check", "submitted", "--require-claims"]);
    assert_eq!(strict.code, Some(1), "{}", strict.stdout);
    let failing: Vec<&str> = strict
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert_eq!(failing.len(), 1, "{}", strict.stdout);
    let unclaimed = strict
        .stdout
        .split("perfeval check ")
        .find(|s| s.starts_with("submitted/18-unclaimed.toml"))
        .unwrap();
    assert!(
        unclaimed.contains("--require-claims wants the score of every indicator"),
        "{unclaimed}"
    );
    // A submission claiming some indicators but not all: each missing one is an error.
    sb.write(
        "partial.toml",
        edited_example(&[("\"预算执行率\" = 5.12\n", "")]),
    );
    let partial = sb.run(&["check", "partial.toml", "--require-claims"]);
    assert_eq!(partial.code, Some(1));
    assert!(
        partial
            .stdout
            .contains("error: 预算执行率: computed 5.12, not claimed"),
        "{}",
        partial.stdout
    );
}

#[test]
fn completions_load_in_bash_and_the_manual_page_renders() {
    let sb = Sandbox::new();
    let bin = env!("CARGO_BIN_EXE_perfeval");
    let out = Command::new("bash")
        .env("PERFEVAL_LANG", "en")
        .arg("-c")
        .arg(format!(
            "source <('{bin}' completions bash) && complete -p perfeval"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("-F _perfeval perfeval"));
    for shell in ["zsh", "fish", "powershell"] {
        let run = sb.run(&["completions", shell]);
        assert_eq!(run.code, Some(0));
        assert!(run.stdout.contains("perfeval"), "{shell}");
    }
    let page = sb.run(&["man"]);
    sb.write("perfeval.1", &page.stdout);
    let man = Command::new("man")
        .args(["-l", "perfeval.1"])
        .current_dir(sb.path())
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .expect("man (Debian package man-db; .ci/run installs it)");
    assert!(
        man.status.success(),
        "{}",
        String::from_utf8_lossy(&man.stderr)
    );
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        text.contains("SYNOPSIS") && text.contains("perfeval"),
        "{text}"
    );
    for command in ["score", "check", "batch", "completions"] {
        assert!(text.contains(command), "{command} in\n{text}");
    }
}

#[test]
fn the_shipped_rubrics_pass_their_own_tests_and_a_broken_boundary_fails_a_named_case() {
    let sb = Sandbox::new();
    let run = sb.run(&["rubric", "test", repo().join("rubrics").to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(" passed, 0 failed"), "{}", run.stdout);
    let cases: usize = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("PASS "))
        .count();
    assert!(cases >= 40, "{}", run.stdout);

    crate::support::broken_rubric_copy(&sb);
    let run = sb.run(&["rubric", "test", "copy"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let failing: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL "))
        .collect();
    assert_eq!(failing.len(), 1, "{}", run.stdout);
    assert!(
        failing[0].starts_with("FAIL fixed assets exactly 90% in use: 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("    固定资产利用率: expected 1, got 0.70"),
        "{}",
        run.stdout
    );
    let junit = sb.run(&["rubric", "test", "copy", "--format", "junit"]);
    assert!(
        junit.stdout.contains(
            "<failure type=\"rubric_test\" message=\"固定资产利用率: expected 1, got 0.70\">"
        ),
        "{}",
        junit.stdout
    );
}

/// The shell lines of a recipe between its `perfeval-step: begin` and `end` markers, as
/// a script: indentation and GitLab's `- ` list markers taken off.
fn recipe_steps(file: &str) -> String {
    let text = std::fs::read_to_string(repo().join("docs/ci").join(file)).unwrap();
    let begin = text.find("# perfeval-step: begin").unwrap();
    let end = text.find("# perfeval-step: end").unwrap();
    let body = &text[begin..end];
    body.lines()
        .skip(1)
        .map(|l| l.trim_start())
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_ci_recipes_steps_run_against_a_sample_directory() {
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_perfeval"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for (recipe, report) in [
        ("github-actions.yml", "perfeval.sarif"),
        ("gitlab-ci.yml", "gl-code-quality-report.json"),
    ] {
        let script = recipe_steps(recipe);
        assert!(
            script.contains("perfeval check submissions/"),
            "{recipe}: {script}"
        );
        let sb = Sandbox::new();
        std::fs::create_dir_all(sb.path().join("submissions")).unwrap();
        sb.write("submissions/a.toml", example_text());
        sb.write(
            "submissions/b.toml",
            edited_example(&[("total = 97.11", "total = 97.21")]),
        );
        let run = |script: &str| {
            Command::new("bash")
                .env("PERFEVAL_LANG", "en")
                .arg("-c")
                .arg(script)
                .current_dir(sb.path())
                .env("PATH", &path)
                .output()
                .unwrap()
        };
        // A wrong claim fails the job, with both reports written.
        let out = run(&script);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{recipe}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let written = std::fs::read_to_string(sb.path().join(report)).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert!(written.contains("submissions/b.toml"), "{recipe}: {doc}");
        let junit = std::fs::read_to_string(sb.path().join("perfeval-junit.xml")).unwrap();
        assert_eq!(junit.matches("<testsuite ").count(), 2, "{recipe}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("2 file(s) checked: 1 passed, 1 failed")
        );
        // Fixed, the job passes.
        sb.write("submissions/b.toml", example_text());
        let out = run(&script);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{recipe}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn rubric_tests_refuse_what_would_pass_by_accident() {
    let sb = Sandbox::new();
    let example = repo()
        .join("examples/luohu-2023.toml")
        .display()
        .to_string();
    let rubric = repo()
        .join("rubrics/luohu-dept-overall-2023.toml")
        .display()
        .to_string();
    let head = format!("rubric = \"{rubric}\"\nexample = \"{example}\"\n");
    for (name, case, message) in [
        (
            "no-expectation",
            "[[case]]\nname = \"x\"\n",
            "a case must say what it expects",
        ),
        (
            "strict-typo",
            "[[case]]\nname = \"x\"\nstrict = \"yes\"\nexpect = { total = 97.11 }\n",
            "`strict` must be true or false",
        ),
        (
            "dotted-set",
            "[[case]]\nname = \"x\"\nset.budget.spent = 1\nexpect = { total = 97.11 }\n",
            "`set` takes fact paths in quotes",
        ),
        (
            "set-and-unset",
            "[[case]]\nname = \"x\"\nunset = [\"budget.project_spent\"]\nset = { \"budget.project_spent\" = 12 }\nexpect = { total = 97.11 }\n",
            "changes one fact twice",
        ),
    ] {
        sb.write(&format!("{name}.test.toml"), format!("{head}{case}"));
        let run = sb.run(&["rubric", "test", &format!("{name}.test.toml")]);
        assert_eq!(run.code, Some(2), "{name}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
    }
    std::fs::create_dir(sb.path().join("empty")).unwrap();
    let run = sb.run(&["rubric", "test", "empty"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("no `*.test.toml` files found"),
        "{}",
        run.stderr
    );
    // An example with Windows line ends: a key added to a table lands on its own line.
    let crlf = crate::support::example_text().replace('\n', "\r\n");
    sb.write("crlf.toml", crlf);
    sb.write(
        "crlf.test.toml",
        format!("rubric = \"{rubric}\"\nexample = \"crlf.toml\"\n[[case]]\nname = \"added\"\nset = {{ \"disclosure.classified\" = true, \"disclosure.budget\" = \"未公开\" }}\nexpect = {{ \"预决算信息公开\" = 3 }}\n"),
    );
    let run = sb.run(&["rubric", "test", "crlf.test.toml"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    // Two keys the example lacks, in one table and in a new one: each table once.
    let text = crate::support::example_text();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("basic_spent =") && !l.starts_with("project_spent ="))
        .map(|l| format!("{l}\n"))
        .collect();
    sb.write("fewer.toml", without);
    sb.write(
        "two-keys.test.toml",
        format!("rubric = \"{rubric}\"\nexample = \"fewer.toml\"\n[[case]]\nname = \"two added\"\nset = {{ \"budget.basic_spent\" = 895.41, \"budget.project_spent\" = 1673.38, \"retired.a\" = 1, \"retired.b\" = 2 }}\nrefused = \"unknown fact `retired\"\n"),
    );
    let run = sb.run(&["rubric", "test", "two-keys.test.toml"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
}

/// Two lints on one place (a rate fact that nothing reads and nothing bounds) are two
/// GitLab issues with fingerprints of their own.
#[test]
fn lints_of_one_place_have_fingerprints_of_their_own() {
    let sb = Sandbox::new();
    let rubric = std::fs::read_to_string(repo().join("rubrics/mof-project-2020.toml")).unwrap();
    let rubric = crate::support::edited(
        rubric,
        &[(
            "[facts.funding]\n",
            "[facts.funding]\nspare = { type = \"rate\", label = \"备用比率\", meaning = \"不被任何规则读取\" }\n",
        )],
    );
    sb.write("mof.toml", rubric);
    let facts = std::fs::read_to_string(repo().join("examples/project-2024.toml")).unwrap();
    sb.write("project.toml", facts);
    let run = sb.run(&[
        "check",
        "project.toml",
        "--rubric",
        "mof.toml",
        "--format",
        "gitlab",
    ]);
    let issues: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", run.stdout, run.stderr));
    let issues = issues.as_array().unwrap();
    let lints: Vec<&serde_json::Value> = issues
        .iter()
        .filter(|i| i["check_name"] == "rubric_lint")
        .collect();
    let spare: Vec<&&serde_json::Value> = lints
        .iter()
        .filter(|i| i["description"].as_str().unwrap().contains("funding.spare"))
        .collect();
    assert_eq!(spare.len(), 2, "unused and unbounded: {lints:#?}");
    assert_ne!(spare[0]["fingerprint"], spare[1]["fingerprint"]);
    assert_unique_fingerprints(issues);
}

/// Every GitLab issue has a fingerprint of its own.
fn assert_unique_fingerprints(issues: &[serde_json::Value]) {
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
}
