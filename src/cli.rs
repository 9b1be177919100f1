//! Command-line arguments: the clap derive types, and their help and errors in the
//! language chosen (the texts live in `locales/cli.toml`, one id per command, argument and
//! choice, built from the command tree below).

use std::path::PathBuf;

use std::ffi::OsString;

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use rust_i18n::t;

#[derive(Debug, Parser)]
#[command(name = "perfeval", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Score {
        facts: PathBuf,
        #[command(flatten)]
        rubric: RubricArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(long, value_parser = columns)]
        width: Option<u16>,
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        what_if: WhatIfArgs,
    },
    Explain {
        facts: PathBuf,
        indicator: String,
        #[command(flatten)]
        rubric: RubricArgs,
        #[command(flatten)]
        what_if: WhatIfArgs,
    },
    Gaps {
        facts: PathBuf,
        #[command(flatten)]
        rubric: RubricArgs,
        #[command(flatten)]
        what_if: WhatIfArgs,
        #[arg(long, value_enum, default_value_t = GapsFormat::Text)]
        format: GapsFormat,
    },
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rubric: RubricArgs,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        #[arg(long)]
        require_claims: bool,
    },
    Batch(BatchArgs),
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[command(flatten)]
        rubric: RubricArgs,
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
        #[arg(long, value_parser = columns)]
        width: Option<u16>,
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    Init {
        #[arg(long, value_name = "ID")]
        rubric: String,
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_enum)]
        format: Option<InitFormat>,
    },
    Convert {
        facts: PathBuf,
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
        #[arg(long, value_name = "PATH")]
        rubric: Option<PathBuf>,
    },
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    Man,
}

#[derive(Debug, Subcommand)]
pub enum RubricCommand {
    List,
    Check {
        file: PathBuf,
    },
    Test {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = TestFormat::Text)]
        format: TestFormat,
    },
    Show {
        rubric: String,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
        #[arg(long, value_parser = columns)]
        width: Option<u16>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_name = "DIR", conflicts_with = "rubric")]
    pub rubrics: Option<PathBuf>,
    #[arg(long, value_name = "PATH")]
    pub rubric: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = BatchFormatArg::Csv)]
    pub format: BatchFormatArg,
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_name = "N", value_parser = jobs)]
    pub jobs: Option<u16>,
    #[arg(long)]
    pub strict: bool,
    #[arg(long)]
    pub no_bom: bool,
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, clap::Args)]
pub struct WhatIfArgs {
    #[arg(long = "set", value_name = "FACT=VALUE")]
    pub settings: Vec<perfeval::whatif::Setting>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RubricArgs {
    #[arg(long, value_name = "PATH")]
    pub rubric: Option<PathBuf>,
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Xlsx,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Junit,
    Sarif,
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitFormat {
    Toml,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Text,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormatArg {
    Csv,
    Jsonl,
    Json,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Html,
}

/// The arguments, parsed with help and errors in the language already chosen. Help and
/// version go to stdout with status 0; an argument error goes to stderr with status 2.
pub fn parse(args: Vec<OsString>) -> Cli {
    // The texts are only read when help or an error is shown: a command line that parses
    // does not need them, and building them costs a third of a millisecond.
    match Cli::command()
        .try_get_matches_from(args.clone())
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => return cli,
        // The version has no words to translate.
        Err(e) if e.kind() == ErrorKind::DisplayVersion => e.exit(),
        Err(_) => {}
    }
    let mut cmd = localized(Cli::command());
    let parsed = cmd
        .try_get_matches_from_mut(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let shows_help = matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            if shows_help || perfeval::lang::current() == perfeval::lang::Lang::En {
                e.exit()
            }
            crate::report_error(&usage_error(&e));
            std::process::exit(i32::from(crate::EXIT_INPUT))
        }
    }
}

/// The command tree with every help text, heading and built-in flag from the catalogue.
pub fn localized(cmd: clap::Command) -> clap::Command {
    let mut cmd = localize_command(
        cmd.after_help(text("cli.help.perfeval:after")),
        "perfeval",
        true,
    );
    // clap adds `help` (the subcommand, with a copy of the tree under it) while
    // building; its texts are then ours to set.
    cmd.build();
    localize_help_commands(cmd)
}

/// Every `help` subcommand clap made, and the copies of the tree under it.
fn localize_help_commands(mut cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            let sub = if name == "help" {
                localize_help_command(sub)
            } else {
                sub
            };
            localize_help_commands(sub)
        });
    }
    cmd
}

fn localize_help_command(help: clap::Command) -> clap::Command {
    let ids: Vec<String> = help
        .get_positionals()
        .map(|a| a.get_id().to_string())
        .collect();
    let template = help_template(&help);
    let mut help = help.about(text("cli.help.help")).help_template(template);
    for id in ids {
        help = help.mut_arg(&id, |a| a.help(text("cli.help.help:command")));
    }
    help
}

fn localize_command(mut cmd: clap::Command, path: &str, root: bool) -> clap::Command {
    let template = help_template(&cmd);
    cmd = cmd
        .about(text(&format!("cli.help.{path}")))
        .help_template(template);
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |arg| localize_arg(arg, path));
    }
    cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(text("cli.help.*:help")),
    );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(text("cli.help.*:version")),
        );
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subcommands {
        let child = if root {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| localize_command(sub, &child, false));
    }
    cmd
}

/// clap's default layout with the headings in the language chosen: clap would add an
/// ASCII colon to its own.
fn help_template(cmd: &clap::Command) -> String {
    let mut template = format!(
        "{{before-help}}{{about-with-newline}}\n{}{{usage}}\n",
        t!("cli.usage_heading")
    );
    if cmd.has_subcommands() {
        template.push_str(&format!(
            "\n{}\n{{subcommands}}\n",
            t!("cli.commands_heading")
        ));
    }
    if cmd.get_positionals().next().is_some() {
        template.push_str(&format!(
            "\n{}\n{{positionals}}\n",
            t!("cli.arguments_heading")
        ));
    }
    template.push_str(&format!(
        "\n{}\n{{options}}{{after-help}}",
        t!("cli.options_heading")
    ));
    template
}

fn localize_arg(arg: Arg, path: &str) -> Arg {
    let id = arg.get_id().to_string();
    let mut help = lookup(&format!("cli.help.{path}:{id}"))
        .unwrap_or_else(|| text(&format!("cli.help.*:{id}")));
    let takes_values = arg.get_action().takes_values();
    let values: Vec<PossibleValue> = if takes_values {
        arg.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    } else {
        Vec::new()
    };
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes_values && !defaults.is_empty() {
        let defaults = defaults.join(&t!("cli.list_separator"));
        help.push_str(&t!("cli.default_value", value = defaults));
    }
    let mut long = help.clone();
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        let names = names.join(&t!("cli.list_separator"));
        help.push_str(&t!("cli.possible_values", values = names));
        for value in &values {
            let name = value.get_name();
            long.push_str("\n  ");
            long.push_str(name);
            if let Some(meaning) = lookup(&format!("cli.help.{path}:{id}={name}")) {
                long.push_str(": ");
                long.push_str(&meaning);
            }
        }
    }
    let arg = arg.help(help).long_help(long);
    if takes_values {
        arg.hide_possible_values(true).hide_default_value(true)
    } else {
        arg
    }
}

/// The catalogue's text for an id built at run time, when it has one.
fn lookup(id: &str) -> Option<String> {
    // `t!` gives the id back when the catalogue lacks it; a computed id must be told
    // apart from its text, which only the generated look-up can do.
    crate::_rust_i18n_try_translate(&rust_i18n::locale(), id).map(|s| s.into_owned())
}

/// The catalogue's text for an id that tests/lang.rs checks every help page for.
fn text(id: &str) -> String {
    lookup(id).unwrap_or_else(|| id.to_string())
}

/// An argument error in the language chosen: what was wrong, a suggestion when clap has
/// one, the usage line and where to read more.
fn usage_error(e: &clap::Error) -> String {
    let get = |kind: ContextKind| -> Option<String> {
        match e.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(&t!("cli.list_separator"))),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => t!("cli.error.value_required", arg = arg),
        ErrorKind::InvalidValue => match get(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
            Some(valid) => t!(
                "cli.error.invalid_choice",
                arg = arg,
                value = value,
                valid = valid
            ),
            None => t!("cli.error.invalid_value", arg = arg, value = value),
        },
        ErrorKind::UnknownArgument => t!("cli.error.unknown_argument", arg = arg),
        ErrorKind::InvalidSubcommand => t!(
            "cli.error.unknown_command",
            command = get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => t!("cli.error.missing_argument", arg = arg),
        ErrorKind::MissingSubcommand => t!("cli.error.missing_command"),
        ErrorKind::ArgumentConflict => {
            let other = get(ContextKind::PriorArg).unwrap_or_default();
            // clap reports a flag given twice as a conflict with itself.
            if other == arg {
                t!("cli.error.once", arg = arg)
            } else {
                t!("cli.error.conflict", arg = arg, other = other)
            }
        }
        ErrorKind::TooManyValues => {
            t!("cli.error.once", arg = arg)
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            t!(
                "cli.error.value_refused",
                arg = arg,
                value = value,
                reason = reason
            )
        }
        _ => {
            // Kinds a user hardly meets (an argument not UTF-8, a missing `=`): clap's
            // own sentence, under our heading.
            let rendered = e.to_string();
            let first = rendered.lines().next().unwrap_or_default();
            t!(
                "cli.error.other",
                message = first.trim_start_matches("error: ")
            )
        }
    };
    let mut out = format!("{}{message}\n", perfeval::diagnostic::level_word("error"));
    let suggestions: Vec<String> = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|kind| match e.get(kind)? {
        ContextValue::String(s) => Some(vec![s.clone()]),
        ContextValue::Strings(v) => Some(v.clone()),
        _ => None,
    })
    .unwrap_or_default();
    match suggestions.as_slice() {
        [] => {}
        [one] => out.push_str(&format!(
            "\n  {}\n",
            t!("cli.error.did_you_mean", suggestion = one)
        )),
        several => {
            let quoted: Vec<String> = several.iter().map(|s| format!("`{s}`")).collect();
            out.push_str(&format!(
                "\n  {}\n",
                t!(
                    "cli.error.did_you_mean_one_of",
                    suggestions = quoted.join(&t!("cli.error.or"))
                )
            ));
        }
    }
    if let Some(usage) = get(ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.split_once(' ').map_or(usage, |(_, rest)| rest).trim();
        let command: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        out.push_str(&format!(
            "\n{}{usage}\n\n{}\n",
            t!("cli.usage_heading"),
            t!("cli.error.more", command = command.join(" "))
        ));
    }
    out
}

/// `--jobs`: worker threads, 1 to 1024.
fn jobs(value: &str) -> Result<u16, String> {
    value
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|n| (1..=1024).contains(n))
        .ok_or_else(|| t!("cli.error.jobs").into_owned())
}

/// `--width`: terminal columns.
fn columns(value: &str) -> Result<u16, String> {
    value
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| t!("cli.error.columns").into_owned())
}
