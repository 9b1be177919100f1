//! The `perfeval` binary: parse arguments, call the library, print, map to an exit code.

#![allow(clippy::print_stderr)]

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, Format, RubricCommand};
use perfeval::input::{self, InputError};
use perfeval::render::{Explain, Json, Render, Table};
use perfeval::rubric::shipped;
use perfeval::score::{self, Options, ScoreErrors};

/// Input that could not be used: a file, a rubric, or facts that cannot be scored.
const EXIT_INPUT: u8 = 2;

enum Failure {
    Input(InputError),
    Score(ScoreErrors),
    Usage(String),
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

fn run(cli: Cli) -> Result<Vec<u8>, Failure> {
    match cli.command {
        Command::Score {
            facts,
            rubric,
            format,
            width,
        } => {
            let (r, f) = input::load(&facts, rubric.rubric.as_deref())?;
            let report = score::evaluate(
                &r,
                &f,
                Options {
                    strict: rubric.strict,
                },
            )?;
            Ok(match format {
                Format::Table => Table { width }.render(&report),
                Format::Json => Json.render(&report),
            })
        }
        Command::Explain {
            facts,
            indicator,
            rubric,
        } => {
            let (r, f) = input::load(&facts, rubric.rubric.as_deref())?;
            let Some(i) = r.find_indicator(&indicator) else {
                let names = r
                    .indicators
                    .iter()
                    .flat_map(|i| [i.id.as_str(), i.name.as_str()]);
                let hint = match perfeval::diagnostic::suggest(&indicator, names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("`perfeval score {}` lists the indicators", facts.display()),
                };
                return Err(Failure::Usage(format!(
                    "error: rubric `{}` has no indicator `{indicator}`\n = help: {hint}\n",
                    r.meta.id
                )));
            };
            let report = score::evaluate(
                &r,
                &f,
                Options {
                    strict: rubric.strict,
                },
            )?;
            Ok(Explain { indicator: i }.render(&report))
        }
        Command::Rubric {
            command: RubricCommand::List,
        } => {
            let rubrics = shipped::all().map_err(|d| Failure::Input(InputError::Invalid(d)))?;
            let mut out = String::new();
            for r in rubrics {
                out.push_str(&format!(
                    "{}\tv{}\t{}\t{}\t{}\n",
                    r.meta.id, r.meta.version, r.meta.year, r.meta.title, r.meta.document
                ));
            }
            Ok(out.into_bytes())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(bytes) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // `perfeval score … | head` closes the pipe early: not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write the output: {e}");
                    ExitCode::from(EXIT_INPUT)
                }
            }
        }
        Err(failure) => {
            match failure {
                Failure::Input(e) => eprint!("{}", ensure_newline(e.to_string())),
                Failure::Score(e) => eprint!("{e}"),
                Failure::Usage(m) => eprint!("{m}"),
            }
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn ensure_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
