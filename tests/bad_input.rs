//! The bad-input corpus: every file in `tests/fixtures/invalid/` is one kind of bad
//! input. `NAME.rubric.toml` is checked with `perfeval rubric check`, anything else is
//! scored with `perfeval score`; each must exit with status 2, print nothing on stdout,
//! and give the message pinned in `tests/snapshots/integration__bad_input__NAME.snap`
//! (file, line, column, a caret under the culprit, a suggestion where one is obvious).
//! Add a case by adding a file.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::support::{Sandbox, english_sentence, example_text, example_total, repo};

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

/// Each case of the corpus run as the module says (`rubric check` or `score`), in `lang`
/// (`None`: the default), with the case's name and its stderr; exit status 2 and an empty
/// stdout are asserted for every case.
fn run_corpus(lang: Option<&str>) -> Vec<(String, String, String)> {
    let dir: PathBuf = repo().join("tests/fixtures/invalid");
    let cases = corpus();
    assert!(cases.len() >= 40, "the corpus is in tests/fixtures/invalid");
    cases
        .into_iter()
        .map(|(file, case)| {
            let args: Vec<&str> = if file.ends_with(".rubric.toml") {
                vec!["rubric", "check", &file]
            } else {
                vec!["score", &file]
            };
            let mut command = Command::new(env!("CARGO_BIN_EXE_perfeval"));
            match lang {
                Some(lang) => command.env("PERFEVAL_LANG", lang),
                None => command.env_remove("PERFEVAL_LANG"),
            };
            let out = command
                .args(&args)
                .current_dir(&dir)
                .env("NO_COLOR", "1")
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
            assert!(out.stdout.is_empty(), "{file}");
            (file, case, stderr)
        })
        .collect()
}

#[test]
fn every_bad_input_gives_its_pinned_message() {
    for (file, case, stderr) in run_corpus(Some("en")) {
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        insta::assert_snapshot!(case, stderr);
    }
}

/// Lines of a message that are the writer's own words: not the quoted source line, its
/// caret, the file position, what is quoted in backticks (keys and values as typed), or a
/// library's own report quoted whole in full-width parentheses (calamine's zip error).
fn own_words(message: &str) -> String {
    message
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("-->")
                || t.starts_with('|')
                || t.split_once(" | ")
                    .is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit())))
        })
        .map(|l| {
            let mut out = String::new();
            for (i, part) in l.split('`').enumerate() {
                if i % 2 == 0 {
                    out.push_str(part);
                }
            }
            let mut own = String::new();
            let mut rest = out.as_str();
            while let Some(open) = rest.find('（') {
                let inner = &rest[open + '（'.len_utf8()..];
                match inner.find('）') {
                    Some(close) if inner[..close].is_ascii() => {
                        own.push_str(&rest[..open]);
                        rest = &inner[close + '）'.len_utf8()..];
                    }
                    _ => {
                        own.push_str(&rest[..open + '（'.len_utf8()]);
                        rest = inner;
                    }
                }
            }
            own.push_str(rest);
            own
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_bad_input_gives_its_pinned_message_in_chinese_by_default() {
    for (file, case, stderr) in run_corpus(None) {
        assert!(stderr.starts_with("错误："), "{file}: {stderr}");
        assert!(
            !stderr
                .lines()
                .any(|l| l.starts_with("error:") || l.trim_start().starts_with("= help:")),
            "{file}: {stderr}"
        );
        let own = own_words(&stderr);
        assert_eq!(
            english_sentence(&own),
            None,
            "{file}: English left in\n{stderr}"
        );
        insta::assert_snapshot!(format!("zh__{case}"), stderr);
    }
}

#[test]
fn a_file_that_does_not_exist_in_chinese() {
    let run = Sandbox::new().run_zh(&["score", "missing.toml"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("错误："), "{}", run.stderr);
    assert!(run.stderr.contains("`missing.toml`"), "{}", run.stderr);
    assert_eq!(
        english_sentence(&own_words(&run.stderr)),
        None,
        "{}",
        run.stderr
    );
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
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["total"], example_total("luohu-2023.toml"));
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
