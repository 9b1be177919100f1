//! The edge of `perfeval check`: one submission, or many (files and directories, in path
//! order, each failure kept to its own file) in one report.

use std::path::{Path, PathBuf};

use rust_i18n::t;

use perfeval::batch::Collected;
use perfeval::check::{CheckOptions, CheckReport, check};
use perfeval::diagnostic::show_path;
use perfeval::input::{self, InputError};
use perfeval::plan::Plan;
use perfeval::render::{
    CheckJson, CheckText, Render, gitlab_document, gitlab_issues, gitlab_unusable, junit_document,
    junit_suite, junit_unusable, junit_unusable_suite, sarif_document, sarif_results,
    sarif_unusable,
};
use perfeval::rubric::lint;
use perfeval::score::{self, Options};

use crate::cli::CheckFormat;
use crate::{EXIT_FINDINGS, EXIT_INPUT, Failure, Output, report_error, run_status};

pub struct Args {
    pub paths: Vec<PathBuf>,
    pub rubric: Option<PathBuf>,
    pub options: CheckOptions,
    pub format: CheckFormat,
}

/// One file's part of the report: `T` is that part rendered in the requested format only.
enum Checked<T> {
    Done {
        part: T,
        passed: bool,
    },
    /// `cell`: where in a workbook the first problem is, for reports with one line a file.
    Unusable {
        file: PathBuf,
        message: String,
        cell: Option<String>,
    },
}

/// Checks one file, with the rubrics of `registry` (loaded once for many files) or, for
/// a file alone, just the rubric it needs; `render` makes its part of the report.
fn check_file<T>(
    path: &Path,
    args: &Args,
    registry: Option<&input::Registry>,
    render: impl Fn(&CheckReport<'_>) -> T,
) -> Checked<T> {
    let unusable = |failure: Failure| Checked::Unusable {
        file: path.to_path_buf(),
        cell: failure.cell(),
        message: failure.message(),
    };
    // A file alone is scored by a plan of a rubric loaded for it, which lives here.
    let alone;
    let loaded = match registry {
        Some(registry) => {
            input::read_facts_source(path).and_then(|source| input::load_facts(&source, registry))
        }
        None => match input::load(path, args.rubric.as_deref()) {
            Ok((r, mut f)) => {
                alone = r;
                Ok((Plan::new(&alone, &mut f), f))
            }
            Err(e) => Err(e),
        },
    };
    let (r, f) = match loaded {
        Ok(x) => x,
        Err(e) => return unusable(Failure::Input(e)),
    };
    crate::commands::encoding_notice(&f.source);
    let report = match score::evaluate(&r, &f, Options::default()) {
        Ok(report) => report,
        Err(e) => return unusable(Failure::Score(e)),
    };
    let lints = lint::lint(&r);
    let checked = check(report, args.options, &lints);
    Checked::Done {
        part: render(&checked),
        passed: checked.passed(),
    }
}

/// How many files passed, failed, or could not be used.
struct Tally {
    passed: usize,
    failed: usize,
    unusable: usize,
}

/// Checks every collected file (the unusable ones reported on stderr, in path order).
fn check_all<T>(
    collected: &Collected,
    args: &Args,
    registry: &input::Registry,
    render: impl Fn(&CheckReport<'_>) -> T,
) -> (Vec<Checked<T>>, Tally) {
    let results: Vec<Checked<T>> = collected
        .entries
        .iter()
        .map(|e| match &e.error {
            Some(message) => Checked::Unusable {
                file: e.path.clone(),
                message: format!(
                    "{}{}\n",
                    perfeval::diagnostic::level_word("error"),
                    t!(
                        "check_run.unusable_entry",
                        path = show_path(&e.path),
                        message = message
                    )
                ),
                cell: None,
            },
            None => check_file(&e.path, args, Some(registry), &render),
        })
        .collect();
    let mut tally = Tally {
        passed: 0,
        failed: 0,
        unusable: 0,
    };
    for r in &results {
        match r {
            Checked::Done { passed: true, .. } => tally.passed += 1,
            Checked::Done { passed: false, .. } => tally.failed += 1,
            Checked::Unusable { message, .. } => {
                tally.unusable += 1;
                report_error(message);
            }
        }
    }
    (results, tally)
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
            message: t!("batch.no_facts_files").into_owned(),
        }));
    }
    // The rubrics are loaded once for all the files.
    let registry = input::Registry::for_files(args.rubric.as_deref(), None)?;
    let (bytes, tally) = match args.format {
        CheckFormat::Text => {
            let (results, tally) = check_all(&collected, &args, &registry, |c| {
                CheckText {
                    quiet: crate::quiet(),
                }
                .render(c)
            });
            (text_document(&results, &tally), tally)
        }
        CheckFormat::Json => {
            let (results, tally) = check_all(&collected, &args, &registry, |c| {
                serde_json::from_slice::<serde_json::Value>(&CheckJson.render(c))
                    .unwrap_or_default()
            });
            (json_document(results, &tally), tally)
        }
        CheckFormat::Junit => {
            let (results, tally) = check_all(&collected, &args, &registry, junit_suite);
            let suites: Vec<_> = results
                .into_iter()
                .map(|r| match r {
                    Checked::Done { part, .. } => part,
                    Checked::Unusable { file, message, .. } => {
                        junit_unusable_suite(&show_path(&file), &message)
                    }
                })
                .collect();
            (junit_document(&suites), tally)
        }
        CheckFormat::Sarif => {
            let (results, tally) = check_all(&collected, &args, &registry, sarif_results);
            let issues = results
                .into_iter()
                .flat_map(|r| match r {
                    Checked::Done { part, .. } => part,
                    Checked::Unusable { file, message, .. } => {
                        vec![sarif_unusable(&file, &message)]
                    }
                })
                .collect();
            (sarif_document(issues), tally)
        }
        CheckFormat::Gitlab => {
            let (results, tally) = check_all(&collected, &args, &registry, gitlab_issues);
            let issues = results
                .into_iter()
                .flat_map(|r| match r {
                    Checked::Done { part, .. } => part,
                    Checked::Unusable {
                        file,
                        message,
                        cell,
                    } => vec![gitlab_unusable(
                        &show_path(&file),
                        &message,
                        cell.as_deref(),
                    )],
                })
                .collect();
            (gitlab_document(issues), tally)
        }
    };
    Ok(Output {
        bytes,
        status: run_status(tally.unusable > 0, tally.failed),
        human: args.format == CheckFormat::Text,
    })
}

/// The text report of many files: each file's report, then one summary line.
fn text_document(results: &[Checked<Vec<u8>>], tally: &Tally) -> Vec<u8> {
    let mut out = Vec::new();
    for r in results {
        match r {
            Checked::Done { part, .. } => out.extend_from_slice(part),
            Checked::Unusable { file, message, .. } => out.extend_from_slice(
                format!(
                    "{}\n  {}\n",
                    t!("check_run.unusable", path = show_path(file)),
                    message.lines().next().unwrap_or("")
                )
                .as_bytes(),
            ),
        }
        out.push(b'\n');
    }
    out.extend_from_slice(
        format!(
            "{}\n",
            t!(
                "check_run.summary",
                files = results.len(),
                passed = tally.passed,
                failed = tally.failed,
                unusable = tally.unusable
            )
        )
        .as_bytes(),
    );
    out
}

/// The JSON report of many files: each file's report, and the counts.
fn json_document(results: Vec<Checked<serde_json::Value>>, tally: &Tally) -> Vec<u8> {
    let files: Vec<serde_json::Value> = results
        .into_iter()
        .map(|r| match r {
            Checked::Done { part, .. } => part,
            Checked::Unusable { file, message, .. } => serde_json::json!({
                "file": show_path(&file),
                "unusable": message.trim_end(),
            }),
        })
        .collect();
    let doc = serde_json::json!({
        "files": files,
        "passed": tally.passed,
        "failed": tally.failed,
        "unusable": tally.unusable,
    });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

/// One facts file: its report, or (JUnit) a report of why it cannot be used.
fn single(path: &Path, args: &Args) -> Output {
    // SARIF and GitLab go through the report of many files, so never reach here.
    let checked = check_file(path, args, None, |c| match args.format {
        CheckFormat::Junit => junit_document(&[junit_suite(c)]),
        CheckFormat::Json => CheckJson.render(c),
        CheckFormat::Text | CheckFormat::Sarif | CheckFormat::Gitlab => CheckText {
            quiet: crate::quiet(),
        }
        .render(c),
    });
    match checked {
        Checked::Done { part, passed } => Output {
            bytes: part,
            status: if passed { 0 } else { EXIT_FINDINGS },
            human: args.format == CheckFormat::Text,
        },
        Checked::Unusable { file, message, .. } => {
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
