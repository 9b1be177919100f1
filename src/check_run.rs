//! The edge of `perfeval check`: one submission, or many (files and directories, in path
//! order, each failure kept to its own file) in one report.

use std::path::{Path, PathBuf};

use perfeval::check::{CheckOptions, check};
use perfeval::diagnostic::show_path;
use perfeval::input::{self, InputError};
use perfeval::render::{
    CheckJson, CheckText, Render, gitlab_document, gitlab_issues, gitlab_unusable, junit_document,
    junit_suite, junit_unusable, junit_unusable_suite, sarif_document, sarif_results,
    sarif_unusable,
};
use perfeval::rubric::lint;
use perfeval::score::{self, Options};

use crate::cli::CheckFormat;
use crate::{EXIT_FINDINGS, EXIT_INPUT, Failure, Output, report_error};

pub struct Args {
    pub paths: Vec<PathBuf>,
    pub rubric: Option<PathBuf>,
    pub options: CheckOptions,
    pub format: CheckFormat,
}

/// One file's part of the report.
enum Checked {
    /// Rendered in the requested format, and whether it passed.
    Done {
        text: Vec<u8>,
        json: serde_json::Value,
        junit: perfeval::render::JunitSuite,
        sarif: Vec<serde_json::Value>,
        gitlab: Vec<serde_json::Value>,
        passed: bool,
    },
    Unusable {
        file: PathBuf,
        message: String,
    },
}

/// Checks one file, with the rubrics of `registry` (loaded once for many files) or, for
/// a file alone, just the rubric it needs.
fn check_file(path: &Path, args: &Args, registry: Option<&input::Registry>) -> Checked {
    let unusable = |failure: Failure| Checked::Unusable {
        file: path.to_path_buf(),
        message: failure.message(),
    };
    let loaded = match registry {
        Some(registry) => input::read_source(path)
            .and_then(|source| input::load_facts(&source, registry))
            .map(|(r, f)| (r.into_owned(), f)),
        None => input::load(path, args.rubric.as_deref()),
    };
    let (r, f) = match loaded {
        Ok(x) => x,
        Err(e) => return unusable(Failure::Input(e)),
    };
    let report = match score::evaluate(
        &r,
        &f,
        Options {
            strict: false,
            ..Options::default()
        },
    ) {
        Ok(report) => report,
        Err(e) => return unusable(Failure::Score(e)),
    };
    let lints = lint::lint(&r);
    let checked = check(report, args.options, &lints);
    let json = serde_json::from_slice(&CheckJson.render(&checked)).unwrap_or_default();
    Checked::Done {
        text: CheckText.render(&checked),
        json,
        junit: junit_suite(&checked),
        sarif: sarif_results(&checked),
        gitlab: gitlab_issues(&checked),
        passed: checked.passed(),
    }
}

pub fn run(args: Args) -> Result<Output, Failure> {
    // One file named on the command line: the report of that file alone, as it always was.
    if let [path] = args.paths.as_slice()
        && !path.is_dir()
        && matches!(
            args.format,
            CheckFormat::Text | CheckFormat::Json | CheckFormat::Junit
        )
    {
        return Ok(single(path, &args));
    }
    let collected = perfeval::batch::collect(&args.paths)?;
    if collected.entries.is_empty() {
        return Err(Failure::Input(InputError::Io {
            path: args.paths.first().cloned().unwrap_or_default(),
            message: "no `.toml` files found".into(),
        }));
    }
    // The rubrics are loaded once for all the files.
    let registry = match &args.rubric {
        Some(path) => input::Registry::single(path)?,
        None => input::Registry::shipped()?,
    };
    let results: Vec<Checked> = collected
        .entries
        .iter()
        .map(|e| match &e.error {
            Some(message) => Checked::Unusable {
                file: e.path.clone(),
                message: format!("error: `{}`: {message}\n", show_path(&e.path)),
            },
            None => check_file(&e.path, &args, Some(&registry)),
        })
        .collect();
    let (mut passed, mut failed, mut unusable) = (0usize, 0usize, 0usize);
    for r in &results {
        match r {
            Checked::Done { passed: true, .. } => passed += 1,
            Checked::Done { passed: false, .. } => failed += 1,
            Checked::Unusable { message, .. } => {
                unusable += 1;
                report_error(message);
            }
        }
    }
    let status = if unusable > 0 {
        EXIT_INPUT
    } else if failed > 0 {
        EXIT_FINDINGS
    } else {
        0
    };
    let summary = format!(
        "{} file(s) checked: {passed} passed, {failed} failed, {unusable} unusable",
        results.len()
    );
    let bytes = match args.format {
        CheckFormat::Text => {
            let mut out = Vec::new();
            for r in &results {
                match r {
                    Checked::Done { text, .. } => out.extend_from_slice(text),
                    Checked::Unusable { file, message } => out.extend_from_slice(
                        format!(
                            "perfeval check {}: UNUSABLE\n  {}\n",
                            show_path(file),
                            message.lines().next().unwrap_or("")
                        )
                        .as_bytes(),
                    ),
                }
                out.push(b'\n');
            }
            out.extend_from_slice(format!("{summary}\n").as_bytes());
            out
        }
        CheckFormat::Json => {
            let files: Vec<serde_json::Value> = results
                .iter()
                .map(|r| match r {
                    Checked::Done { json, .. } => json.clone(),
                    Checked::Unusable { file, message } => serde_json::json!({
                        "file": show_path(file),
                        "unusable": message.trim_end(),
                    }),
                })
                .collect();
            let doc = serde_json::json!({
                "files": files,
                "passed": passed,
                "failed": failed,
                "unusable": unusable,
            });
            let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            out.push(b'\n');
            out
        }
        CheckFormat::Junit => {
            let suites: Vec<_> = results
                .iter()
                .map(|r| match r {
                    Checked::Done { junit, .. } => junit.clone(),
                    Checked::Unusable { file, message } => {
                        junit_unusable_suite(&show_path(file), message)
                    }
                })
                .collect();
            junit_document(&suites)
        }
        CheckFormat::Sarif => sarif_document(
            results
                .iter()
                .flat_map(|r| match r {
                    Checked::Done { sarif, .. } => sarif.clone(),
                    Checked::Unusable { file, message } => {
                        vec![sarif_unusable(file, message)]
                    }
                })
                .collect(),
        ),
        CheckFormat::Gitlab => gitlab_document(
            results
                .iter()
                .flat_map(|r| match r {
                    Checked::Done { gitlab, .. } => gitlab.clone(),
                    Checked::Unusable { file, message } => {
                        vec![gitlab_unusable(&show_path(file), message)]
                    }
                })
                .collect(),
        ),
    };
    Ok(Output {
        bytes,
        status,
        human: args.format == CheckFormat::Text,
    })
}

/// One facts file: its report, or (JUnit) a report of why it cannot be used.
fn single(path: &Path, args: &Args) -> Output {
    match check_file(path, args, None) {
        Checked::Done {
            text,
            json,
            junit,
            passed,
            ..
        } => Output {
            bytes: match args.format {
                // SARIF and GitLab go through the report of many files.
                CheckFormat::Text | CheckFormat::Sarif | CheckFormat::Gitlab => text,
                CheckFormat::Json => {
                    let mut out = serde_json::to_vec_pretty(&json).unwrap_or_default();
                    out.push(b'\n');
                    out
                }
                CheckFormat::Junit => junit_document(&[junit]),
            },
            status: if passed { 0 } else { EXIT_FINDINGS },
            human: args.format == CheckFormat::Text,
        },
        Checked::Unusable { file, message } => {
            report_error(&message);
            Output {
                bytes: if args.format == CheckFormat::Junit {
                    junit_unusable(&show_path(&file), &message)
                } else {
                    Vec::new()
                },
                status: EXIT_INPUT,
                human: args.format == CheckFormat::Text,
            }
        }
    }
}
