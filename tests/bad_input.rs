//! The bad-input corpus: every file in `tests/fixtures/invalid/` is one kind of bad
//! input. `NAME.rubric.toml` is checked with `perfeval rubric check`, anything else is
//! scored with `perfeval score`; each must exit with status 2, print nothing on stdout,
//! and give the message pinned in `tests/snapshots/integration__bad_input__NAME.snap`
//! (file, line, column, a caret under the culprit, a suggestion where one is obvious).
//! Add a case by adding a file.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::support::{Sandbox, example_text, repo};

fn corpus() -> Vec<(String, String)> {
    let dir = repo().join("tests/fixtures/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|file| {
            let case = file
                .trim_end_matches(".toml")
                .trim_end_matches(".rubric")
                .to_string();
            (file, case)
        })
        .collect()
}

#[test]
fn every_bad_input_gives_its_pinned_message() {
    let dir: PathBuf = repo().join("tests/fixtures/invalid");
    let cases = corpus();
    assert!(cases.len() >= 40, "the corpus is in tests/fixtures/invalid");
    for (file, case) in cases {
        let args: Vec<&str> = if file.ends_with(".rubric.toml") {
            vec!["rubric", "check", &file]
        } else {
            vec!["score", &file]
        };
        let out = Command::new(env!("CARGO_BIN_EXE_perfeval"))
            .env("PERFEVAL_LANG", "en")
            .args(&args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(out.stdout.is_empty(), "{file}");
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        insta::assert_snapshot!(case, stderr);
    }
}

#[test]
fn a_file_that_does_not_exist() {
    let run = Sandbox::new().run(&["score", "missing.toml"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: cannot read `missing.toml`: no such file\n"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let sb = Sandbox::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(example_text().as_bytes());
    sb.write("bom.toml", bytes);
    let run = sb.run(&["score", "bom.toml", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("\"total\": \"97.11\""));
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let sb = Sandbox::new();
    let mut big = example_text();
    while big.len() <= perfeval::toml_read::MAX_FILE_BYTES {
        big.push_str("# padding, to pass the size limit\n");
    }
    sb.write("big.toml", big);
    let run = sb.run(&["score", "big.toml"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: `big.toml` is larger than 4194304 bytes\n"
    );
}
