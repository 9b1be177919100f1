//! The commands the binary carries out, one function each: arguments in, an `Output` or
//! a `Failure` out. `main.rs` only dispatches to them.

use std::io::IsTerminal;
use std::path::PathBuf;

use rust_i18n::t;

use crate::cli::Cli;
use crate::cli::{
    self, BatchArgs, BatchFormatArg, Format, GapsFormat, InitFormat, RubricArgs, ShowFormat,
    WhatIfArgs,
};
use crate::{
    EXIT_FINDINGS, Failure, Output, batch_run, ensure_newline, report_error, report_note,
    run_status, write_new_file, write_output,
};
use perfeval::input::{self, InputError};
use perfeval::plan::Plan;
use perfeval::render::{
    AppendixXlsx, BatchFormat, Explain, Html, Json, Render, RubricShow, Table, Template,
};
use perfeval::rubric::{lint, shipped};
use perfeval::score::{self, Options, ScoreErrors};

/// `perfeval score`: the breakdown as a table, JSON, HTML or 附件一 workbook.
pub(crate) fn score(
    facts: PathBuf,
    rubric: RubricArgs,
    format: Format,
    width: Option<u16>,
    output: Option<PathBuf>,
    what_if: WhatIfArgs,
) -> Result<Output, Failure> {
    if format == Format::Xlsx && output.is_none() {
        // i18n-exempt: the document's own name, 附件一, in any language
        refuse_workbook_on_terminal("附件一.xlsx")?;
    }
    let (r, mut f, baseline) = load_what_if(&facts, &rubric, &what_if.settings)?;
    if rubric.rubric.is_some() {
        warn_lints(&r);
    }
    let plan = Plan::new(&r, &mut f);
    let mut report = score::evaluate(
        &plan,
        &f,
        Options {
            strict: rubric.strict,
            ..Options::default()
        },
    )?;
    report.baseline = baseline;
    let out: Output = match format {
        Format::Table => Table { width }.render(&report).into(),
        Format::Json => Output::machine(Json.render(&report)),
        Format::Html => Output::machine(Html.render(&report)),
        Format::Xlsx => Output::machine(
            AppendixXlsx
                .workbook(&report)
                .map_err(|e| usage(&t!("commands.cannot_write_workbook", message = e), None))?,
        ),
    };
    let Some(path) = output else {
        return Ok(out);
    };
    let inputs: Vec<&std::path::Path> = std::iter::once(facts.as_path())
        .chain(rubric.rubric.as_deref())
        .collect();
    write_output(&path, &out.shown(), &inputs)?;
    Ok(Vec::new().into())
}

/// `perfeval explain`: one indicator, every step.
pub(crate) fn explain(
    facts: PathBuf,
    indicator: String,
    rubric: RubricArgs,
    what_if: WhatIfArgs,
) -> Result<Output, Failure> {
    let (r, mut f, baseline) = load_what_if(&facts, &rubric, &what_if.settings)?;
    let r = Plan::new(&r, &mut f);
    let Some(i) = r.find_indicator(&indicator) else {
        let names = r
            .indicators
            .iter()
            .flat_map(|i| [i.id.as_str(), i.name.as_str()]);
        let hint = match perfeval::diagnostic::suggest(&indicator, names) {
            Some(s) => t!("commands.did_you_mean", name = s),
            None => t!(
                "commands.score_lists_indicators",
                facts = perfeval::diagnostic::show_path(&facts)
            ),
        };
        return Err(usage(
            &t!(
                "commands.no_such_indicator",
                rubric = r.meta.id,
                indicator = indicator
            ),
            Some(&hint),
        ));
    };
    // Score leniently: a failure elsewhere should not hide this indicator.
    let options = Options {
        strict: rubric.strict,
        ..Options::default()
    };
    let (mut report, errors) = score::evaluate_lenient(&r, &f, options)?;
    report.baseline = baseline;
    let mine: Vec<_> = errors
        .into_iter()
        .filter(|e| e.index.is_some_and(|x| is_within(&r, x, i)))
        .collect();
    if !mine.is_empty() {
        return Err(Failure::Score(ScoreErrors(mine)));
    }
    Ok(Explain { indicator: i }.render(&report).into())
}

/// `perfeval gaps`: points lost, the next grade, the value that earns full marks.
pub(crate) fn gaps(
    facts: PathBuf,
    rubric: RubricArgs,
    what_if: WhatIfArgs,
    format: GapsFormat,
) -> Result<Output, Failure> {
    let (r, mut f, baseline) = load_what_if(&facts, &rubric, &what_if.settings)?;
    let plan = Plan::new(&r, &mut f);
    let options = Options {
        strict: rubric.strict,
        ..Options::default()
    };
    let mut report = score::evaluate(&plan, &f, options)?;
    report.baseline = baseline;
    let gaps = perfeval::gaps::gaps(&report);
    let model = perfeval::render::GapsReport { report, gaps };
    Ok(match format {
        cli::GapsFormat::Text => perfeval::render::GapsText.render(&model).into(),
        cli::GapsFormat::Json => Output::machine(perfeval::render::GapsJson.render(&model)),
    })
}

/// `perfeval init`: a facts template (TOML) or workbook to fill.
pub(crate) fn init(
    rubric: String,
    output: Option<PathBuf>,
    format: Option<InitFormat>,
) -> Result<Output, Failure> {
    let r = input::Registry::named(&rubric)?;
    let xlsx = match format {
        Some(f) => f == cli::InitFormat::Xlsx,
        None => output.as_deref().is_some_and(is_xlsx_name),
    };
    if xlsx {
        return init_workbook(&r, &rubric, output.as_deref());
    }
    let bytes = Template.render(&r);
    match output {
        None => Ok(Output::machine(bytes)),
        Some(path) => {
            write_new_file(&path, &bytes)?;
            // A rubric given as a file must be given again when scoring.
            let with = if std::path::Path::new(&rubric).exists() {
                format!(" --rubric {rubric}")
            } else {
                String::new()
            };
            report_note(&format!(
                "{}\n",
                t!(
                    "commands.wrote_template",
                    path = perfeval::diagnostic::show_path(&path),
                    with = with
                )
            ));
            Ok(Vec::new().into())
        }
    }
}

/// `perfeval batch`: an archive scored on every core.
pub(crate) fn batch(args: BatchArgs) -> Result<Output, Failure> {
    let BatchArgs {
        paths,
        rubrics,
        rubric,
        format,
        output,
        jobs,
        strict,
        no_bom,
        parse_only,
    } = args;
    let format = match format {
        // The columns are planned once the files and rubrics are known.
        BatchFormatArg::Csv => BatchFormat::Csv {
            bom: !no_bom,
            plan: perfeval::render::CsvPlan::default(),
        },
        BatchFormatArg::Jsonl => BatchFormat::JsonLines,
        BatchFormatArg::Json => BatchFormat::Json,
        BatchFormatArg::Xlsx if output.is_none() => {
            return Err(usage(
                &t!("commands.xlsx_needs_output"),
                Some(&t!("commands.xlsx_needs_output_help")),
            ));
        }
        BatchFormatArg::Xlsx => BatchFormat::Xlsx { plans: Vec::new() },
    };
    let status = batch_run::run(batch_run::Args {
        paths,
        rubrics,
        rubric,
        format,
        output,
        jobs: jobs.map(usize::from),
        strict,
        parse_only,
    })?;
    Ok(Output {
        bytes: Vec::new(),
        status,
        human: true,
    })
}

/// `perfeval rubric list`: the rubrics built into the binary.
pub(crate) fn rubric_list() -> Result<Output, Failure> {
    let rubrics = shipped::all().map_err(|d| Failure::Input(InputError::Invalid(d)))?;
    let mut out = String::new();
    for r in rubrics {
        out.push_str(&format!(
            "{}\tv{}\t{}\t{}\t{}\n",
            r.meta.id, r.meta.version, r.meta.year, r.meta.title, r.meta.document
        ));
    }
    Ok(out.into_bytes().into())
}

/// `perfeval rubric show`: a rubric's tree, texts and rules.
pub(crate) fn rubric_show(
    rubric: String,
    format: ShowFormat,
    width: Option<u16>,
) -> Result<Output, Failure> {
    let r = input::Registry::named(&rubric)?;
    let show = match format {
        ShowFormat::Table => RubricShow::Table { width },
        ShowFormat::Markdown => RubricShow::Markdown,
    };
    Ok(show.render(&r).into())
}

/// `perfeval rubric check`: validation and lints of a rubric file.
pub(crate) fn rubric_check(file: PathBuf) -> Result<Output, Failure> {
    let rubric = input::load_rubric(&file)?;
    encoding_notice(&rubric.source);
    let lints = lint::lint(&rubric);
    let count = lints.len();
    let mut out = perfeval::diagnostic::Diagnostics(lints).to_string();
    if count > 0 {
        out.push('\n');
    }
    out.push_str(&t!(
        "commands.rubric_check_summary",
        id = rubric.meta.id,
        version = rubric.meta.version,
        path = perfeval::diagnostic::show_path(&file),
        indicators = rubric.indicators.len(),
        facts = rubric.facts.len(),
        plausibility = rubric.plausibility.len(),
        consistency = rubric.consistency.len(),
        lints = count
    ));
    out.push('\n');
    Ok(Output {
        bytes: out.into_bytes(),
        status: if count == 0 { 0 } else { EXIT_FINDINGS },
        human: true,
    })
}

/// `perfeval completions`: a shell completion script.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<Output, Failure> {
    let mut out = Vec::new();
    clap_complete::generate(
        shell,
        &mut crate::cli::localized(<Cli as clap::CommandFactory>::command()),
        "perfeval",
        &mut out,
    );
    Ok(Output::machine(out))
}

/// `perfeval man`: the manual page.
pub(crate) fn man() -> Result<Output, Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::cli::localized(
        <Cli as clap::CommandFactory>::command(),
    ))
    .render(&mut out)
    .map_err(|e| usage(&t!("commands.cannot_write_man", message = e), None))?;
    Ok(Output::machine(out))
}

/// A usage error for stderr: `error: message`, then ` = help: …` when there is help,
/// each in the language of the run.
pub(crate) fn usage(message: &str, help: Option<&str>) -> Failure {
    let mut text = format!("{}{message}\n", perfeval::diagnostic::level_word("error"));
    if let Some(help) = help {
        text.push_str(&format!(" = {}\n", t!("diagnostic.help", help = help)));
    }
    Failure::Usage(text)
}

/// Writes a file that must not exist yet: a template never replaces anyone's work. The
/// text goes to a temporary file first, which takes the name only if it is still free.
/// A facts file with the `--set` changes applied, and the total and grade it had
/// without them (when it could be scored) for the output to compare against.
pub(crate) fn load_what_if(
    facts: &std::path::Path,
    rubric: &cli::RubricArgs,
    settings: &[perfeval::whatif::Setting],
) -> Result<
    (
        perfeval::rubric::Rubric,
        perfeval::facts::Facts,
        Option<perfeval::whatif::Baseline>,
    ),
    Failure,
> {
    let (r, mut f) = input::load(facts, rubric.rubric.as_deref())?;
    encoding_notice(&r.source);
    encoding_notice(&f.source);
    if settings.is_empty() {
        return Ok((r, f, None));
    }
    // Only the total and the grade are compared: no traces. The plan also resolves the
    // claims of the file's own indicators, which the changed facts keep.
    let options = Options {
        strict: rubric.strict,
        lean: true,
    };
    let plan = Plan::new(&r, &mut f);
    let baseline = score::evaluate(&plan, &f, options)
        .ok()
        .map(|b| perfeval::whatif::Baseline {
            total: b.total,
            grade: b.grade,
        });
    let changed = perfeval::whatif::apply(&r, &f, settings).map_err(InputError::Invalid)?;
    Ok((r, changed, baseline))
}

/// Says which encoding a file that was not UTF-8 was read as, so a wrong guess is seen.
pub(crate) fn encoding_notice(source: &perfeval::diagnostic::SourceFile) {
    // Not silenced by --quiet: a wrong guess would put garbled text into the results.
    if let Some(encoding) = source.encoding() {
        report_error(&format!(
            "{}\n",
            t!(
                "commands.encoding_notice",
                path = perfeval::diagnostic::show_path(source.name()),
                encoding = perfeval::input::encoding_name(encoding)
            )
        ));
    }
}

pub(crate) fn is_xlsx_name(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"))
}

/// A workbook is binary: it goes to a file, or to stdout only when that is not a
/// terminal (a pipe, a redirect).
pub(crate) fn refuse_workbook_on_terminal(example: &str) -> Result<(), Failure> {
    if std::io::stdout().is_terminal() {
        return Err(usage(
            &t!("commands.workbook_on_terminal"),
            Some(&t!("commands.workbook_on_terminal_help", example = example)),
        ));
    }
    Ok(())
}

/// `perfeval init --format xlsx`: the workbook to fill for a rubric.
pub(crate) fn init_workbook(
    r: &perfeval::rubric::Rubric,
    given: &str,
    output: Option<&std::path::Path>,
) -> Result<Output, Failure> {
    let bytes = perfeval::workbook::facts_workbook(&Plan::of(r), None)
        .map_err(|e| usage(&t!("commands.workbook_not_written", message = e), None))?;
    let Some(path) = output else {
        // i18n-exempt: the workbook's name as officers call it, 自评表, in any language
        refuse_workbook_on_terminal("自评表.xlsx")?;
        return Ok(Output::machine(bytes));
    };
    write_new_file(path, &bytes)?;
    let with = if std::path::Path::new(given).exists() {
        format!(" --rubric {given}")
    } else {
        String::new()
    };
    report_note(&format!(
        "{}\n",
        t!(
            "commands.wrote_workbook_template",
            path = perfeval::diagnostic::show_path(path),
            with = with
        )
    ));
    Ok(Vec::new().into())
}

/// `perfeval convert`: TOML to a workbook or back. The result is read back and must
/// give the same facts, so a conversion never loses a value silently.
pub(crate) fn convert(
    facts: &std::path::Path,
    output: &std::path::Path,
    rubric: Option<&std::path::Path>,
) -> Result<Output, Failure> {
    use perfeval::diagnostic::show_path;
    let source = input::read_facts_source(facts)?;
    encoding_notice(&source);
    let to_xlsx = if is_xlsx_name(output) {
        true
    } else if output.extension().is_some_and(|x| x == "toml") {
        false
    } else {
        return Err(usage(
            &t!("commands.convert_unknown_format", path = show_path(output)),
            Some(&t!("commands.convert_unknown_format_help")),
        ));
    };
    if to_xlsx == source.is_workbook() {
        let already = if to_xlsx {
            t!("commands.convert_already_workbook", path = show_path(facts))
        } else {
            t!("commands.convert_already_toml", path = show_path(facts))
        };
        return Err(usage(&already, Some(&t!("commands.convert_help"))));
    }
    let (r, mut f) = input::load_source(&source, rubric)?;
    let r = Plan::new(&r, &mut f);
    if !f.set_aside.is_empty() {
        let names: Vec<&str> = f.set_aside.iter().map(|(p, _)| p.as_str()).collect();
        return Err(usage(
            &t!(
                "commands.convert_would_drop",
                rubric = r.meta.id,
                facts = names.join(", "),
                path = show_path(facts)
            ),
            Some(&t!("commands.convert_would_drop_help")),
        ));
    }
    let bytes = if to_xlsx {
        perfeval::workbook::facts_workbook(&r, Some(&f))
            .map_err(|e| usage(&t!("commands.workbook_not_written", message = e), None))?
    } else {
        source.text().as_bytes().to_vec()
    };
    // Read the result back as the next command would, and compare.
    let back = if to_xlsx {
        perfeval::workbook::read_workbook(output, bytes.clone())?
    } else {
        perfeval::diagnostic::SourceFile::new(output, source.text())
    };
    // Read with its plan too, so that claims of the file's own indicators resolve.
    let (r_back, mut g) = input::load_source(&back, rubric)?;
    Plan::new(&r_back, &mut g);
    if let Some(difference) = perfeval::workbook::difference(&r, &f, &g) {
        return Err(usage(
            &t!(
                "commands.convert_would_change",
                path = show_path(facts),
                difference = difference
            ),
            None,
        ));
    }
    write_new_file(output, &bytes)?;
    report_note(&format!(
        "{}\n",
        t!(
            "commands.converted",
            output = show_path(output),
            facts = show_path(facts)
        )
    ));
    if to_xlsx
        && source
            .text()
            .lines()
            .any(|l| l.trim_start().starts_with('#'))
    {
        report_note(&format!(
            "{}\n",
            t!("commands.comments_not_in_workbook", path = show_path(facts))
        ));
    }
    Ok(Vec::new().into())
}

/// `perfeval rubric test`: every case of every test file; exit 1 if any case fails, 2 if
/// a test file cannot be used.
pub(crate) fn rubric_tests(
    paths: &[std::path::PathBuf],
    format: cli::TestFormat,
) -> Result<Output, Failure> {
    use perfeval::rubric_test;
    let files = rubric_test::collect(paths)?;
    if files.is_empty() {
        // A typo in a CI path must not pass as "0 cases, all passed".
        return Err(Failure::Input(InputError::Io {
            path: paths.first().cloned().unwrap_or_default(),
            message: t!("commands.no_test_files").into_owned(),
        }));
    }
    let mut results = Vec::new();
    let mut unusable = false;
    for file in &files {
        match rubric_test::run_file(file) {
            Ok(r) => results.extend(r),
            Err(e) => {
                unusable = true;
                report_error(&ensure_newline(e.to_string()));
            }
        }
    }
    let failed = results.iter().filter(|r| !r.passed()).count();
    let bytes = match format {
        cli::TestFormat::Text => {
            let mut out = String::new();
            // Under --quiet only the failures are listed, then the count.
            for r in results.iter().filter(|r| !crate::quiet() || !r.passed()) {
                let file = perfeval::diagnostic::show_path(&r.file);
                let line = if r.passed() {
                    t!(
                        "commands.test_passed",
                        name = r.name,
                        file = file,
                        line = r.line
                    )
                } else {
                    t!(
                        "commands.test_failed",
                        name = r.name,
                        file = file,
                        line = r.line
                    )
                };
                out.push_str(&line);
                out.push('\n');
                for f in &r.failures {
                    out.push_str(&format!("    {f}\n"));
                }
            }
            out.push_str(&t!(
                "commands.test_summary",
                cases = results.len(),
                files = files.len(),
                passed = results.len() - failed,
                failed = failed
            ));
            out.push('\n');
            out.into_bytes()
        }
        cli::TestFormat::Junit => perfeval::render::junit_cases(&results),
    };
    Ok(Output {
        bytes,
        status: run_status(unusable, failed),
        human: format == cli::TestFormat::Text,
    })
}

/// A rubric given by path has not been through the shipped rubrics' tests: show its lints
/// (gaps between tiers stop scoring later with a less helpful message).
pub(crate) fn warn_lints(rubric: &perfeval::rubric::Rubric) {
    let lints = lint::lint(rubric);
    if !lints.is_empty() {
        report_error(&format!("{}\n", perfeval::diagnostic::Diagnostics(lints)));
    }
}

/// Whether indicator `x` is `ancestor` or lies beneath it.
pub(crate) fn is_within(rubric: &Plan<'_>, x: usize, ancestor: usize) -> bool {
    let mut at = Some(x);
    while let Some(i) = at {
        if i == ancestor {
            return true;
        }
        at = rubric.indicators[i].parent;
    }
    false
}
