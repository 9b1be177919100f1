//! Command-line arguments (clap derive only; no logic).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "perfeval",
    version,
    about = "Scores budget-performance self-assessments (绩效自评) exactly, from rubrics written as data",
    after_help = "Exit status: 0 success; 1 check found errors (or rubric check found lints); 2 unusable input (the message says which file, line and key)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print no notes, progress or summaries (errors and warnings still print); `check`
    /// leaves out its notes
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// The language of messages, help and reports: zh (the default) or en; overrides
    /// PERFEVAL_LANG
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score a facts file and print the breakdown, subtotals, total and grade
    Score {
        /// The department's facts file (TOML, or an Excel workbook; `-` reads standard input)
        facts: PathBuf,
        #[command(flatten)]
        rubric: RubricArgs,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Table width in terminal columns (default: the terminal's width)
        #[arg(long)]
        width: Option<u16>,
        /// Write to this file (atomically: a complete file or none) instead of stdout;
        /// never one of the input files
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        what_if: WhatIfArgs,
    },
    /// Show how one indicator was scored: rule texts, formula, facts, values, points
    Explain {
        /// The department's facts file (TOML, or an Excel workbook; `-` reads standard input)
        facts: PathBuf,
        /// The indicator, by id or by its Chinese name (`perfeval rubric show` lists both)
        indicator: String,
        #[command(flatten)]
        rubric: RubricArgs,
        #[command(flatten)]
        what_if: WhatIfArgs,
    },
    /// List the points lost, ordered by points lost, the distance to the next grade, and
    /// for each rule the value of one fact that would earn its full marks
    Gaps {
        /// The department's facts file (TOML, or an Excel workbook; `-` reads standard input)
        facts: PathBuf,
        #[command(flatten)]
        rubric: RubricArgs,
        #[command(flatten)]
        what_if: WhatIfArgs,
        /// Output format
        #[arg(long, value_enum, default_value_t = GapsFormat::Text)]
        format: GapsFormat,
    },
    /// Check a submitted self-assessment: claimed scores against computed ones, and the
    /// consistency of its figures
    Check {
        /// Submitted facts files (TOML or workbooks) with their claimed scores, or
        /// directories searched recursively for `*.toml` and `*.xlsx`; all of them go into
        /// one report
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rubric: RubricArgs,
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// A submission must claim the score of every indicator and the total; one that
        /// claims fewer is an error
        #[arg(long)]
        require_claims: bool,
    },
    /// Score many facts files (an archive) on every core: one row per file, in path order
    Batch(BatchArgs),
    /// Compare two facts files (last year's and this year's, or two versions), or two
    /// `perfeval batch` outputs (JSON Lines or JSON): scores, changes and the facts behind them
    Diff {
        /// The earlier facts file (TOML or workbook) or batch output
        old: PathBuf,
        /// The later one, of the same kind
        new: PathBuf,
        #[command(flatten)]
        rubric: RubricArgs,
        /// Output format
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
        /// Table width in terminal columns (default: the terminal's width)
        #[arg(long)]
        width: Option<u16>,
        /// Write to this file (atomically: a complete file or none) instead of stdout;
        /// never one of the input files
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a facts file template for a rubric: every fact it reads, with its label,
    /// unit and meaning, ready to fill in
    Init {
        /// The rubric: a shipped id (see `perfeval rubric list`) or a rubric file
        #[arg(long, value_name = "ID")]
        rubric: String,
        /// Write the template to this new file (it must not exist) instead of stdout
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// A TOML template, or an Excel workbook to fill (default: xlsx when FILE ends in
        /// .xlsx, else TOML)
        #[arg(long, value_enum)]
        format: Option<InitFormat>,
    },
    /// Convert a facts file between TOML and an Excel workbook, keeping every value,
    /// reason, note, listed indicator, override and claim (checked by reading it back)
    Convert {
        /// The facts file: TOML or a workbook (told apart by content)
        facts: PathBuf,
        /// The new file to write (it must not exist): FILE.xlsx or FILE.toml
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
        /// Read the facts with this rubric file instead of the shipped rubric they name
        #[arg(long, value_name = "PATH")]
        rubric: Option<PathBuf>,
    },
    /// Work with rubrics
    Rubric {
        #[command(subcommand)]
        command: RubricCommand,
    },
    /// Print a shell completion script: `source <(perfeval completions bash)`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `perfeval man > perfeval.1 && man -l perfeval.1`
    Man,
}

#[derive(Debug, Subcommand)]
pub enum RubricCommand {
    /// List the rubrics built into perfeval: id, version, year, title, issuing document
    List,
    /// Validate a rubric file and lint it: tier gaps, overlaps and unreachable tiers,
    /// unused facts, indicators without their texts
    Check {
        /// The rubric file (TOML)
        file: PathBuf,
    },
    /// Run rubric tests: `*.test.toml` files whose cases change an example's facts and
    /// state the scores the rubric must give
    Test {
        /// Test files, or directories searched for `*.test.toml`
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = TestFormat::Text)]
        format: TestFormat,
    },
    /// Show a rubric's indicator tree: points, the framework's texts and the rules
    Show {
        /// A shipped rubric id, or a rubric file
        rubric: String,
        /// Output format
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
        /// Table width in terminal columns (default: the terminal's width)
        #[arg(long)]
        width: Option<u16>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// A table like the framework's own
    Table,
    /// Markdown, for documents
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Facts files, or directories searched recursively for `*.toml` and `*.xlsx`
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// A directory of rubric files, used beside (and before) the shipped rubrics
    #[arg(long, value_name = "DIR", conflicts_with = "rubric")]
    pub rubrics: Option<PathBuf>,
    /// Score every file with this rubric file, whatever rubric it names (re-scoring
    /// an archive under a newer framework); each row says when it differs
    #[arg(long, value_name = "PATH")]
    pub rubric: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = BatchFormatArg::Csv)]
    pub format: BatchFormatArg,
    /// Write to this file (atomically: a complete file or none) instead of stdout;
    /// required for xlsx
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads, 1 to 1024 (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub jobs: Option<u16>,
    /// Ignore overrides in the facts files
    #[arg(long)]
    pub strict: bool,
    /// CSV: leave out the UTF-8 byte-order mark (by default it is written, so that
    /// Excel reads Chinese text correctly)
    #[arg(long)]
    pub no_bom: bool,
    /// Only read and parse each file as TOML, and print nothing: the floor that
    /// bench/batch.sh compares scoring with
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, clap::Args)]
pub struct WhatIfArgs {
    /// Change a fact for this run only (repeatable): its key as the facts file writes it
    /// and a value read like the file's, e.g. --set projects.on_time=7 --set
    /// stated.q4_rate=87.5%
    #[arg(long = "set", value_name = "FACT=VALUE")]
    pub settings: Vec<perfeval::whatif::Setting>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapsFormat {
    /// Points lost, the next grade and what would earn full marks
    Text,
    /// The same, with stable field names and decimals as strings
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RubricArgs {
    /// Score with this rubric file instead of the shipped rubric the facts file names
    #[arg(long, value_name = "PATH")]
    pub rubric: Option<PathBuf>,
    /// Ignore overrides in the facts file (score), or treat them and every other warning
    /// as errors (check)
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table shaped like 附件一
    Table,
    /// The full score tree with every intermediate value, decimals as strings
    Json,
    /// An Excel workbook shaped like 附件一 (merged indicator cells, scores as numbers,
    /// A4 landscape); binary, so with -o FILE or stdout redirected
    Xlsx,
    /// One self-contained HTML page for the 自评报告: total, grade, a chart of the points
    /// lost, 附件一 and each deduction explained; prints on A4 (use -o report.html)
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Findings grouped by severity
    Text,
    /// Findings with a receipt (versions and SHA-256 of the inputs)
    Json,
    /// JUnit XML: one test case per indicator and per consistency check
    Junit,
    /// SARIF 2.1.0, for GitHub code scanning: one result per finding, at its line
    Sarif,
    /// GitLab Code Quality JSON: one issue per finding, at its line
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitFormat {
    /// A TOML file with every value to fill in as "TODO"
    Toml,
    /// An Excel workbook: a sheet per group of facts, drop-downs, only input cells unlocked
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per case, then the failures
    Text,
    /// JUnit XML: a test suite per file, a test case per case
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchFormatArg {
    /// CSV for Excel (UTF-8 with a BOM unless --no-bom; formula-like cells guarded)
    Csv,
    /// One JSON object per line, streamed
    Jsonl,
    /// One JSON array
    Json,
    /// An Excel workbook (needs -o FILE): a sheet per rubric, errors on their own sheet.
    /// A workbook cannot be streamed: every row is kept in memory until the last file
    /// is scored
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Old score, new score and change per indicator, with the facts that changed
    Table,
    /// The same, decimals as strings
    Json,
    /// One self-contained HTML page
    Html,
}

/// The arguments, parsed with help and errors in the language already chosen.
pub fn parse(args: Vec<std::ffi::OsString>) -> Cli {
    Cli::parse_from(args)
}
