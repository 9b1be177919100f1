//! The `perfeval` binary: parse arguments, call the library, print, map to an exit code.

mod batch_run;
mod check_run;
mod cli;
mod commands;
mod diff_run;

// The binary's own messages (usage, notes, summaries) are looked up in the library's
// catalogues: `t!` expands to `crate::_rust_i18n_t!` and `crate::_rust_i18n_try_translate`,
// which here forward to the library's, instead of a second copy of every text that would
// also be unpacked a second time at start-up. The parameters are rust-i18n's defaults,
// the ones the library's `i18n!` uses.
use perfeval::_rust_i18n_try_translate;
macro_rules! _rust_i18n_t {
    ($($all:tt)*) => {
        rust_i18n::_tr!(
            $($all)*,
            _minify_key = false,
            _minify_key_len = 24,
            _minify_key_prefix = "",
            _minify_key_thresh = 127
        )
    };
}
pub(crate) use _rust_i18n_t;

use std::io::Write;
use std::process::ExitCode;

use cli::{Cli, Command, RubricCommand};
use perfeval::input::InputError;
use perfeval::output::{Existing, OutputFile};
use perfeval::score::ScoreErrors;

/// `check` found errors in the self-assessment, or `rubric check` found lints.
pub(crate) const EXIT_FINDINGS: u8 = 1;
/// Input that could not be used: a file, a rubric, or facts that cannot be scored.
pub(crate) const EXIT_INPUT: u8 = 2;

/// The exit status of a run over many files: a file that could not be used outranks
/// findings in the others.
pub(crate) fn run_status(any_unusable: bool, failed: usize) -> u8 {
    if any_unusable {
        EXIT_INPUT
    } else if failed > 0 {
        EXIT_FINDINGS
    } else {
        0
    }
}

pub(crate) enum Failure {
    Input(InputError),
    Score(ScoreErrors),
    Usage(String),
}

impl Failure {
    /// The workbook cell of the first problem, `部门预算!B2 (年初预算数)`, when the input was
    /// a workbook: a report with one line per file (GitLab's) names it there.
    pub(crate) fn cell(&self) -> Option<String> {
        let scored;
        let d = match self {
            Failure::Input(InputError::Invalid(d)) => d,
            Failure::Score(e) => {
                scored = e.diagnostics();
                &scored
            }
            _ => return None,
        };
        let (src, span) = d.0.first()?.location.as_ref()?;
        let cell = src.cell(span.start)?;
        Some(format!("{} ({})", cell.reference(), cell.label))
    }

    /// The message for stderr, ending with a newline.
    pub(crate) fn message(self) -> String {
        match self {
            Failure::Input(e) => ensure_newline(e.to_string()),
            Failure::Score(e) => ensure_newline(e.to_string()),
            Failure::Usage(m) => m,
        }
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}

impl From<ScoreErrors> for Failure {
    fn from(e: ScoreErrors) -> Self {
        Failure::Score(e)
    }
}

/// What to print on stdout, and the exit status after it.
pub(crate) struct Output {
    pub(crate) bytes: Vec<u8>,
    pub(crate) status: u8,
    /// For people (escaped for the terminal on the way out), unless a machine format
    /// (JSON, JUnit, a TOML template) whose text must stay exact.
    pub(crate) human: bool,
}

impl From<Vec<u8>> for Output {
    fn from(bytes: Vec<u8>) -> Self {
        Output {
            bytes,
            status: 0,
            human: true,
        }
    }
}

impl Output {
    fn machine(bytes: Vec<u8>) -> Self {
        Output {
            bytes,
            status: 0,
            human: false,
        }
    }

    /// The bytes as written: text for people escaped for the terminal.
    fn shown(self) -> Vec<u8> {
        if self.human {
            perfeval::render::for_terminal(&String::from_utf8_lossy(&self.bytes))
                .into_owned()
                .into_bytes()
        } else {
            self.bytes
        }
    }
}

/// Every command, to the function that carries it out.
fn run(cli: Cli) -> Result<Output, Failure> {
    match cli.command {
        Command::Score {
            facts,
            rubric,
            format,
            width,
            output,
            what_if,
        } => commands::score(facts, rubric, format, width, output, what_if),
        Command::Explain {
            facts,
            indicator,
            rubric,
            what_if,
        } => commands::explain(facts, indicator, rubric, what_if),
        Command::Gaps {
            facts,
            rubric,
            what_if,
            format,
        } => commands::gaps(facts, rubric, what_if, format),
        Command::Check {
            paths,
            rubric,
            format,
            require_claims,
        } => check_run::run(check_run::Args {
            paths,
            rubric: rubric.rubric,
            options: perfeval::check::CheckOptions {
                strict: rubric.strict,
                require_claims,
            },
            format,
        }),
        Command::Batch(args) => commands::batch(args),
        Command::Diff {
            old,
            new,
            rubric,
            format,
            width,
            output,
        } => diff_run::run(diff_run::Args {
            old,
            new,
            rubric: rubric.rubric,
            strict: rubric.strict,
            format,
            width,
            output,
        }),
        Command::Init {
            rubric,
            output,
            format,
        } => commands::init(rubric, output, format),
        Command::Convert {
            facts,
            output,
            rubric,
        } => commands::convert(&facts, &output, rubric.as_deref()),
        Command::Rubric { command } => match command {
            RubricCommand::List => commands::rubric_list(),
            RubricCommand::Show {
                rubric,
                format,
                width,
            } => commands::rubric_show(rubric, format, width),
            RubricCommand::Check { file } => commands::rubric_check(file),
            RubricCommand::Test { paths, format } => commands::rubric_tests(&paths, format),
        },
        Command::Completions { shell } => commands::completions(shell),
        Command::Man => commands::man(),
    }
}

fn main() -> ExitCode {
    // Interrupted (Ctrl-C, `kill`, a closed terminal): no temporary file stays behind.
    // 130 is the shell's status for a run stopped by a signal it asked for.
    let _ = ctrlc::set_handler(|| {
        perfeval::output::remove_pending();
        std::process::exit(130);
    });
    // The language is chosen before the arguments are parsed: help and argument errors
    // are already in it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let (lang, unknown) = perfeval::lang::choose(&args, std::env::var_os(perfeval::lang::ENV));
    perfeval::lang::set(lang);
    if let Some(value) = unknown {
        report_error(&format!(
            "{}\n",
            rust_i18n::t!("cli.unknown_lang", value = value)
        ));
        return ExitCode::from(EXIT_INPUT);
    }
    let cli = cli::parse(args);
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    match run(cli) {
        Ok(output) => {
            let status = output.status;
            let bytes = output.shown();
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::from(status),
                // `perfeval score … | head` closes the pipe early: not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(status),
                Err(e) => {
                    report_error(&format!(
                        "{}\n",
                        rust_i18n::t!(
                            "main.cannot_write_output",
                            error = perfeval::input::io_message(&e)
                        )
                    ));
                    ExitCode::from(EXIT_INPUT)
                }
            }
        }
        Err(failure) => {
            report_error(&failure.message());
            ExitCode::from(EXIT_INPUT)
        }
    }
}

pub(crate) fn write_new_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), InputError> {
    let fail = |message: String| InputError::Output {
        path: path.to_path_buf(),
        message,
    };
    let mut file = OutputFile::create(path, Existing::Keep)?;
    batch_run::report_stale(&file);
    file.write_all(bytes)
        .map_err(|e| fail(perfeval::input::io_message(&e)))?;
    file.commit()
}

/// Writes an output file, whole or not at all, replacing an earlier one but never one of
/// the `inputs` it was made from.
pub(crate) fn write_output(
    path: &std::path::Path,
    bytes: &[u8],
    inputs: &[&std::path::Path],
) -> Result<(), InputError> {
    let fail = |message: String| InputError::Output {
        path: path.to_path_buf(),
        message,
    };
    if let Ok(target) = std::fs::canonicalize(path)
        && inputs
            .iter()
            .any(|i| std::fs::canonicalize(i).is_ok_and(|p| p == target))
    {
        return Err(fail(rust_i18n::t!("main.output_is_an_input").into_owned()));
    }
    let mut file = OutputFile::create(path, Existing::Replace)?;
    batch_run::report_stale(&file);
    file.write_all(bytes)
        .map_err(|e| fail(perfeval::input::io_message(&e)))?;
    file.commit()
}

/// Writes to stderr; a closed stderr (`2>&1 | head`) is not worth a panic.
/// Everything on stderr is for people: escaped for the terminal.
/// Set by `--quiet`: notes, progress and summaries are not printed.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// A note for the person at the terminal (a file written, an encoding assumed, a
/// summary): not printed under `--quiet`.
pub(crate) fn report_note(message: &str) {
    if !quiet() {
        report_error(message);
    }
}

pub(crate) fn report_error(message: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(perfeval::render::for_terminal(message).as_bytes());
    let _ = stderr.flush();
}

pub(crate) fn ensure_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
