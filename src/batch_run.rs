//! The edge of `perfeval batch`: progress bar, per-file errors and the summary on stderr,
//! rows to stdout or to a file written atomically.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rust_i18n::t;

use perfeval::batch::{self, Brief, Entry, Row, Summary};
use perfeval::input::{InputError, Registry, read_facts_source};
use perfeval::output::{Existing, OutputFile};
use perfeval::render::BatchFormat;

use crate::report_error;

pub struct Args {
    pub paths: Vec<PathBuf>,
    pub rubrics: Option<PathBuf>,
    pub rubric: Option<PathBuf>,
    pub format: BatchFormat,
    pub output: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub strict: bool,
    pub parse_only: bool,
}

/// Finished rows wait at most this many per worker for the rows before them.
const WINDOW_PER_JOB: usize = 64;

/// A finished row: its bytes to write now, or the row itself, kept for a workbook.
enum Done {
    Bytes(Vec<u8>),
    Row(Box<Row>),
}

/// Where rows go: stdout, or an output file that is whole or absent (see `output`).
enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        file: BufWriter<OutputFile>,
        target: PathBuf,
    },
}

impl Sink {
    fn open(output: Option<&Path>) -> Result<Sink, InputError> {
        let Some(target) = output else {
            return Ok(Sink::Stdout(BufWriter::new(std::io::stdout())));
        };
        let file = OutputFile::create(target, Existing::Replace)?;
        report_stale(&file);
        Ok(Sink::File {
            file: BufWriter::new(file),
            target: target.to_path_buf(),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(bytes),
            Sink::File { file, .. } => file.write_all(bytes),
        }
    }

    /// Flushes, and for a file renames it into place.
    fn finish(self) -> Result<(), InputError> {
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| io_error("stdout", e)),
            Sink::File { file, target } => {
                // On failure the temporary file is removed when dropped; the target is
                // left as it was.
                let file = file.into_inner().map_err(|e| {
                    io_error(&perfeval::diagnostic::show_path(&target), e.into_error())
                })?;
                file.commit()
            }
        }
    }
}

/// Says which temporary files an earlier, killed run left beside the output.
pub fn report_stale(file: &OutputFile) {
    for path in &file.stale {
        crate::report_note(&format!(
            "{}\n",
            t!(
                "batch.stale_temp_file",
                path = perfeval::diagnostic::show_path(path)
            )
        ));
    }
}

fn io_error(what: &str, e: std::io::Error) -> InputError {
    InputError::Output {
        path: PathBuf::from(what),
        message: perfeval::input::io_message(&e),
    }
}

fn progress(n: usize) -> ProgressBar {
    // Hidden by indicatif itself when stderr is not a terminal.
    let target = if crate::quiet() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(n as u64), target);
    if let Ok(style) = ProgressStyle::with_template(&t!("batch.progress")) {
        bar.set_style(style);
    }
    bar
}

/// Runs a batch; returns the exit status (0 all scored, 1 some files failed).
pub fn run(args: Args) -> Result<u8, InputError> {
    let batch::Collected {
        entries: files,
        skipped,
    } = batch::collect(&args.paths)?;
    if files.is_empty() {
        return Err(InputError::Io {
            path: args.paths.first().cloned().unwrap_or_default(),
            message: t!("batch.no_facts_files").into_owned(),
        });
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if args.parse_only {
        return parse_only(&files, jobs);
    }
    if let Some(target) = &args.output {
        check_output(target, &files)?;
    }
    let registry = Registry::for_files(args.rubric.as_deref(), args.rubrics.as_deref())?;
    for (path, e) in registry.skipped() {
        report_error(&format!(
            "{}{}\n",
            perfeval::diagnostic::level_word("warning"),
            t!(
                "batch.rubric_not_used",
                path = perfeval::diagnostic::show_path(path),
                message = batch::one_line(e)
            )
        ));
    }
    let mut format = args.format;
    match &mut format {
        BatchFormat::Csv { plan, .. } => {
            *plan = perfeval::render::CsvPlan::new(&used_rubrics(&files, &registry, jobs));
        }
        BatchFormat::Xlsx { plans } => {
            *plans = used_rubrics(&files, &registry, jobs)
                .into_iter()
                .map(|r| perfeval::render::CsvPlan::new(&[r]))
                .collect();
        }
        BatchFormat::JsonLines | BatchFormat::Json => {}
    }
    let mut sink = Sink::open(args.output.as_deref())?;
    let bar = progress(files.len());
    let mut summary = Summary::default();
    let format = &format;
    let with_receipt = matches!(format, BatchFormat::JsonLines | BatchFormat::Json);
    let collect = format.collects_rows();
    // A workbook's rows, kept until the last file is scored.
    let mut rows: Vec<Row> = Vec::new();
    let finished = |row: Row, i: usize| {
        if collect {
            let brief = Brief {
                total: row.total,
                grade: row.grade.clone(),
                error: row.error.clone(),
            };
            (brief, Done::Row(Box::new(row)))
        } else {
            let bytes = format.row(&row, i);
            (Brief::from(row), Done::Bytes(bytes))
        }
    };
    let mut write = |bytes: &[u8]| sink.write(bytes);
    let written = write(&format.header()).and_then(|()| {
        batch::run_ordered(
            files.len(),
            jobs,
            jobs * WINDOW_PER_JOB,
            // Rows are formatted on the workers; the writer only writes.
            |i| {
                let row = batch::score_file(&files[i], &registry, args.strict, with_receipt);
                finished(row, i)
            },
            |i, panic| {
                let path = perfeval::diagnostic::show_path(&files[i].path);
                let row = Row::failed(
                    &files[i].path,
                    t!("batch.internal_error", path = path, panic = panic).into_owned(),
                );
                finished(row, i)
            },
            |_, (row, done): (Brief, Done)| {
                summary.add(&row);
                if let Some(e) = &row.error {
                    bar.suspend(|| {
                        report_error(&format!(
                            "{}{e}\n",
                            perfeval::diagnostic::level_word("error")
                        ));
                    });
                }
                bar.inc(1);
                match done {
                    Done::Bytes(bytes) => write(&bytes),
                    Done::Row(row) => {
                        rows.push(*row);
                        Ok(())
                    }
                }
            },
        )
    });
    bar.finish_and_clear();
    let written = written.and_then(|()| {
        if collect {
            let bytes = format.workbook(&rows).map_err(|e| {
                std::io::Error::other(t!("batch.workbook_failed", message = e).into_owned())
            })?;
            write(&bytes)?;
        }
        write(&format.footer(files.len()))
    });
    match written {
        Ok(()) => sink.finish()?,
        // `perfeval batch … | head`: the reader has what it wanted; the summary says what
        // was left unscored.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            report_error(&format!(
                "{}\n",
                t!(
                    "batch.output_closed",
                    done = summary.scored + summary.failed,
                    total = files.len()
                )
            ));
        }
        Err(e) => {
            return Err(io_error(
                &args
                    .output
                    .map_or("stdout".into(), |p| perfeval::diagnostic::show_path(&p)),
                e,
            ));
        }
    }
    let mut text = summary_text(&summary);
    if skipped > 0 {
        text.push_str(&t!("batch.skipped_files", skipped = skipped));
        text.push('\n');
    }
    crate::report_note(&text);
    Ok(if summary.failed == 0 { 0 } else { 1 })
}

/// The rubrics whose indicators become CSV columns (or workbook sheets): the one given
/// with --rubric, or those the files name (read from their `rubric = "…"` line), in order
/// of first use. The heads are read on all the workers: this pass comes before any row.
fn used_rubrics<'r>(
    files: &[Entry],
    registry: &'r Registry,
    jobs: usize,
) -> Vec<&'r perfeval::rubric::Rubric> {
    if let [only] = registry.rubrics()
        && registry.is_single()
    {
        return vec![only];
    }
    let chunk = files.len().div_ceil(jobs.max(1)).max(1);
    // Per chunk, the first file (by index) of each id it holds; the chunks are joined in
    // order, so the list is in file order.
    let firsts: Vec<(usize, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                scope.spawn(move || {
                    let mut seen: Vec<(usize, String)> = Vec::new();
                    for (k, entry) in part.iter().enumerate() {
                        let id = match head_of(&entry.path) {
                            // A workbook names its rubric on its 基本信息 sheet.
                            Some(head) if perfeval::workbook::is_workbook(&head) => {
                                perfeval::workbook::rubric_id(&entry.path)
                            }
                            Some(head) => batch::quick_rubric_id(&String::from_utf8_lossy(&head)),
                            None => None,
                        };
                        if let Some(id) = id
                            && !seen.iter().any(|(_, s)| *s == id)
                        {
                            seen.push((c * chunk + k, id));
                        }
                    }
                    seen
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut used: Vec<&perfeval::rubric::Rubric> = Vec::new();
    for (_, id) in firsts {
        if let Some(r) = registry.get(&id)
            && !used.iter().any(|u| u.meta.id == r.meta.id)
        {
            used.push(r);
        }
    }
    used
}

/// The first 8 KiB of a file up to its first table, where its `rubric = "…"` line is:
/// the plan reads no more, and not at all from anything but a regular file.
fn head_of(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut head = Vec::with_capacity(8192);
    std::fs::File::open(path)
        .ok()?
        .take(8192)
        .read_to_end(&mut head)
        .ok()?;
    // The `rubric = "…"` line comes before the first table; text after it is not looked
    // at, so not decoded either (most of a small file).
    if let Some(table) = head.windows(2).position(|w| w == b"\n[") {
        head.truncate(table + 1);
    }
    Some(head)
}

fn summary_text(s: &Summary) -> String {
    let mut out = t!("batch.summary_counts", scored = s.scored, failed = s.failed).into_owned();
    if !s.grades.is_empty() {
        let grades: Vec<String> = s
            .grades
            .iter()
            .map(|(g, n)| t!("batch.summary_grade", grade = g, count = n).into_owned())
            .collect();
        out.push_str(&t!(
            "batch.summary_grades",
            grades = grades.join(&t!("batch.summary_grade_separator"))
        ));
    }
    if let (Some(mean), Some(min), Some(max)) = (s.mean(), s.min, s.max) {
        out.push_str(&t!(
            "batch.summary_totals",
            mean = mean.show_to(2),
            min = min,
            max = max
        ));
    }
    out.push('\n');
    out
}

/// Refuses an output that is a directory (the rename would fail after all the work) or
/// one of the files being scored (it would be replaced by the results).
fn check_output(target: &Path, files: &[Entry]) -> Result<(), InputError> {
    if target.is_dir() {
        return Err(InputError::Output {
            path: target.to_path_buf(),
            message: t!("batch.output_is_directory").into_owned(),
        });
    }
    if let Ok(canonical) = std::fs::canonicalize(target)
        && files
            .iter()
            .any(|f| std::fs::canonicalize(&f.path).is_ok_and(|p| p == canonical))
    {
        return Err(InputError::Output {
            path: target.to_path_buf(),
            message: t!("batch.output_is_input").into_owned(),
        });
    }
    Ok(())
}

/// Reads and parses every file as TOML and nothing more: the floor for the benchmark.
fn parse_only(files: &[Entry], jobs: usize) -> Result<u8, InputError> {
    let mut parsed = 0usize;
    batch::run_ordered(
        files.len(),
        jobs,
        jobs * WINDOW_PER_JOB,
        |i| {
            read_facts_source(&files[i].path)
                .ok()
                .is_some_and(|s| toml::de::DeTable::parse(s.text()).is_ok())
        },
        |_, _| false,
        |_, ok| {
            parsed += usize::from(ok);
            Ok(())
        },
    )
    .map_err(|e| io_error("parse", e))?;
    report_error(&format!(
        "{}\n",
        t!("batch.parsed", parsed = parsed, total = files.len())
    ));
    Ok(0)
}
