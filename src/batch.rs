//! `perfeval batch`: score many facts files, on every core, in a stable order.
//!
//! [`collect`] finds the files (sorted by path); [`score_file`] turns one file into a
//! [`Row`], never failing (a file that cannot be scored is a row with its error); and
//! [`run_ordered`] runs the scoring on worker threads while handing rows to the caller in
//! file order, holding at most a bounded window of finished rows, so memory stays flat
//! however many files there are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use rust_decimal::Decimal;
use rust_i18n::t;

use crate::input::{InputError, Registry, load_facts, read_facts_source};
use crate::score::{self, Options};

/// The result of one facts file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub path: String,
    pub department: String,
    pub year: Option<i64>,
    pub rubric_id: String,
    pub rubric_version: String,
    /// The rubric the file names, when it was scored under another (`--rubric`).
    pub rescored_from: Option<String>,
    /// Facts (and overrides) of the file the rubric does not read, when re-scored.
    pub set_aside: Vec<String>,
    pub total: Option<Decimal>,
    pub grade: String,
    /// Every indicator in tree order, listed items included (the first-level ones are
    /// the row's subtotals).
    pub scores: Vec<IndicatorScore>,
    pub rubric_sha256: String,
    pub facts_sha256: String,
    /// The receipt of the score (the JSON `receipt` of `perfeval score`): what the row
    /// was computed from, enough to reproduce it.
    pub receipt: Option<serde_json::Value>,
    /// Why the file could not be scored, on one line.
    pub error: Option<String>,
}

/// One indicator's score in a row.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorScore {
    pub id: String,
    pub name: String,
    pub level: usize,
    pub points: Decimal,
    pub score: Decimal,
}

impl Row {
    pub fn failed(path: &Path, error: String) -> Row {
        Row {
            path: crate::diagnostic::show_path(path),
            department: String::new(),
            year: None,
            rubric_id: String::new(),
            rubric_version: String::new(),
            rescored_from: None,
            set_aside: Vec::new(),
            total: None,
            grade: String::new(),
            scores: Vec::new(),
            rubric_sha256: String::new(),
            facts_sha256: String::new(),
            receipt: None,
            error: Some(error),
        }
    }
}

/// A file to score, or a place the directory walk could not read (a dangling link, a
/// link loop), which becomes an error row rather than stopping the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub error: Option<String>,
}

/// The files a batch will score, and how many others its directories held.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub entries: Vec<Entry>,
    /// Files in the directories not named `*.toml` (`README.txt`, `*.TOML`, `*.xlsx`):
    /// not scored, but counted, so that nothing vanishes unseen.
    pub skipped: usize,
}

/// Every facts file under `paths`: files as given, directories searched recursively for
/// `*.toml`; sorted by path; a file reached twice (by two arguments, or by a link) is
/// scored once. Every `*.toml` and `*.xlsx` entry found gets a row, a FIFO or a device too (its row
/// says why it cannot be read). A path given on the command line that does not exist is
/// an error.
/// Whether a file found in a directory is a facts file: `*.toml` or `*.xlsx`, but not
/// the `~$name.xlsx` lock file Excel and WPS keep beside a workbook that is open.
fn is_facts_file(path: &Path) -> bool {
    let lock = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("~$"));
    !lock
        && path
            .extension()
            .is_some_and(|x| x == "toml" || x.eq_ignore_ascii_case("xlsx"))
}

pub fn collect(paths: &[PathBuf]) -> Result<Collected, InputError> {
    let mut out = Vec::new();
    let mut skipped = 0;
    for p in paths {
        // `-`: a facts file read from standard input (once).
        if p == Path::new("-") {
            if !out.iter().any(|e: &Entry| e.path == Path::new("-")) {
                out.push(Entry {
                    path: p.clone(),
                    error: None,
                });
            }
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| InputError::Io {
            path: p.clone(),
            message: match e.kind() {
                std::io::ErrorKind::NotFound => t!("batch.no_such_path").into_owned(),
                _ => crate::input::io_message(&e),
            },
        })?;
        if !meta.is_dir() {
            out.push(Entry {
                path: p.clone(),
                error: None,
            });
            continue;
        }
        for entry in walkdir::WalkDir::new(p).follow_links(true) {
            match entry {
                Ok(e) => {
                    if e.file_type().is_dir() {
                        continue;
                    }
                    if is_facts_file(e.path()) {
                        out.push(Entry {
                            path: e.into_path(),
                            error: None,
                        });
                    } else {
                        skipped += 1;
                    }
                }
                Err(e) => out.push(Entry {
                    path: e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone()),
                    error: Some(match e.loop_ancestor() {
                        Some(a) => t!("batch.link_loop", path = crate::diagnostic::show_path(a))
                            .into_owned(),
                        None => e
                            .io_error()
                            .map_or_else(|| e.to_string(), crate::input::io_message),
                    }),
                }),
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    let mut seen = std::collections::HashSet::new();
    out.retain(|e| {
        let key = std::fs::canonicalize(&e.path).unwrap_or_else(|_| e.path.clone());
        seen.insert(key)
    });
    Ok(Collected {
        entries: out,
        skipped,
    })
}

/// The rubric id a facts file names, read from its top-level `rubric = "…"` line without
/// parsing the file: batch uses it to plan its CSV columns before scoring. `None` when
/// the line is not there in that plain form (the file is then scored as usual).
pub fn quick_rubric_id(text: &str) -> Option<String> {
    for line in text.trim_start_matches('\u{feff}').lines() {
        let line = line.trim();
        if line.starts_with('[') {
            return None;
        }
        let Some(rest) = line.strip_prefix("rubric") else {
            continue;
        };
        let rest = rest.trim_start().strip_prefix('=')?.trim_start();
        // A basic or a literal string: "…" or '…'.
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let rest = &rest[1..];
        return rest.split_once(quote).map(|(id, _)| id.to_string());
    }
    None
}

/// One diagnostic on one line: `file:line:col: message`.
pub fn one_line(e: &InputError) -> String {
    match e {
        InputError::Invalid(d) => diagnostics_in_one_line(d),
        other => {
            let text = other.to_string();
            let first = text.lines().next().unwrap_or("");
            // The level word of either language: the row's cell says what went wrong,
            // its status column that it is an error.
            let level = crate::diagnostic::level_word("error");
            first
                .strip_prefix(&*level)
                .or_else(|| first.strip_prefix("error: "))
                .unwrap_or(first)
                .to_string()
        }
    }
}

/// Every problem of a file in one cell (up to a few), so that a row names all the figures
/// at fault, not only the first: the first place in full (`file:line:col`, or
/// `file 部门预算!B2` for a workbook), the others by line, or by cell, alone.
pub fn diagnostics_in_one_line(d: &crate::diagnostic::Diagnostics) -> String {
    const IN_ONE_ROW: usize = 5;
    let mut parts = Vec::new();
    for (k, diag) in d.0.iter().take(IN_ONE_ROW).enumerate() {
        let at = diag.location.as_ref().map(|(src, span)| {
            let pos = src.position(span.start);
            match (k, src.cell_of_line(pos.line)) {
                (0, _) => src.locus_of(pos),
                (_, Some(cell)) => cell.reference(),
                (_, None) if src.is_workbook() => String::new(),
                (_, None) => {
                    t!("batch.at_line", line = pos.line, column = pos.char_column).into_owned()
                }
            }
        });
        let at = match at {
            Some(at) if !at.is_empty() => format!("{at}: "),
            _ => String::new(),
        };
        parts.push(format!("{at}{}{}", diag.message, diag.labels_in_brief()));
    }
    let mut s = if parts.is_empty() {
        t!("batch.invalid_input").into_owned()
    } else {
        parts.join(" | ")
    };
    if d.0.len() > IN_ONE_ROW {
        s.push_str(&t!("batch.and_more", count = d.0.len() - IN_ONE_ROW));
    }
    s
}

/// Scores one file. Never fails: a file that cannot be scored gives a row with its error.
/// The full receipt is kept only when `receipt` is set (JSON rows carry it; CSV needs
/// only the two hashes, which every row has).
pub fn score_file(entry: &Entry, registry: &Registry, strict: bool, receipt: bool) -> Row {
    let path = entry.path.as_path();
    if let Some(e) = &entry.error {
        return Row::failed(path, format!("{}: {e}", crate::diagnostic::show_path(path)));
    }
    let source = match read_facts_source(path) {
        Ok(s) => s,
        Err(e) => return Row::failed(path, one_line(&e)),
    };
    let (rubric, facts) = match load_facts(&source, registry) {
        Ok(x) => x,
        Err(e) => return Row::failed(path, one_line(&e)),
    };
    let mut row = Row {
        path: crate::diagnostic::show_path(path),
        department: facts.department.clone(),
        year: Some(facts.year),
        rubric_id: rubric.meta.id.clone(),
        rubric_version: rubric.meta.version.clone(),
        rescored_from: facts.rescored(&rubric).then(|| facts.rubric_id.clone()),
        set_aside: facts.set_aside.iter().map(|(p, _)| p.clone()).collect(),
        total: None,
        grade: String::new(),
        scores: Vec::new(),
        rubric_sha256: String::new(),
        facts_sha256: String::new(),
        receipt: None,
        error: None,
    };
    let rubric = &rubric;
    // A row shows scores, not how they were reached: no traces.
    match score::evaluate(rubric, &facts, Options { strict, lean: true }) {
        Ok(report) => {
            row.total = Some(report.total);
            row.grade = report.grade.clone();
            row.rubric_sha256 = rubric.source.sha256().to_string();
            row.facts_sha256 = facts.source.sha256().to_string();
            if receipt {
                row.receipt = Some(crate::score::receipt::receipt_json(&report));
            }
            row.scores = rubric
                .preorder()
                .into_iter()
                .map(|i| {
                    let ind = &rubric.indicators[i];
                    IndicatorScore {
                        id: ind.id.clone(),
                        name: ind.name.clone(),
                        level: ind.level,
                        points: ind.points,
                        score: report.scores[i],
                    }
                })
                .collect();
        }
        Err(errors) => {
            row.error = Some(diagnostics_in_one_line(&errors.diagnostics()));
        }
    }
    row
}

/// Runs `work(i)` for `i` in `0..n` on `jobs` threads and gives each result to `sink` in
/// order of `i`. At most `window` results wait for their turn; a worker that runs ahead
/// waits. Stops early, returning the error, when `sink` fails.
///
/// A panic in `work(i)` does not stop the run: `recover(i, message)` stands in for the
/// result, so one file that trips a bug cannot hang or abort the others.
pub fn run_ordered<T: Send>(
    n: usize,
    jobs: usize,
    window: usize,
    work: impl Fn(usize) -> T + Sync,
    recover: impl Fn(usize, String) -> T + Sync,
    mut sink: impl FnMut(usize, T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let work = |i: usize| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(i))).unwrap_or_else(|p| {
            let message = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| t!("batch.unknown_panic").into_owned());
            recover(i, message)
        })
    };
    let jobs = jobs.clamp(1, n.max(1));
    let window = window.max(jobs);
    let next = AtomicUsize::new(0);
    // How many results the sink has taken; workers stay within `window` of it.
    let taken = Mutex::new(0usize);
    let moved = Condvar::new();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, taken, moved, stop, work) = (&next, &taken, &moved, &stop, &work);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    {
                        let mut t = taken.lock().unwrap_or_else(|p| p.into_inner());
                        while i >= *t + window && !stop.load(Ordering::Relaxed) {
                            t = moved.wait(t).unwrap_or_else(|p| p.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) || tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut expected = 0usize;
        let mut result = Ok(());
        for (i, item) in rx.iter() {
            pending.insert(i, item);
            while let Some(item) = pending.remove(&expected) {
                if let Err(e) = sink(expected, item) {
                    result = Err(e);
                    break;
                }
                expected += 1;
                *taken.lock().unwrap_or_else(|p| p.into_inner()) = expected;
                moved.notify_all();
            }
            if result.is_err() {
                break;
            }
        }
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
            moved.notify_all();
            // Dropping the receiver makes the workers' sends fail, so they stop.
            drop(rx);
        }
        result
    })
}

/// Totals of a run, for the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub scored: usize,
    pub failed: usize,
    /// (grade, count), in the rubric's order of first appearance.
    pub grades: Vec<(String, usize)>,
    pub sum: Decimal,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

/// What the summary needs of a row: the writer keeps only this, and the row itself is
/// dropped by the worker that made it (freeing a row's indicators and receipt on the
/// single writer thread cost a sixth of the run).
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub total: Option<Decimal>,
    pub grade: String,
    pub error: Option<String>,
}

impl From<Row> for Brief {
    fn from(row: Row) -> Self {
        Brief {
            total: row.total,
            grade: row.grade,
            error: row.error,
        }
    }
}

impl Summary {
    pub fn add(&mut self, row: &Brief) {
        match (row.error.is_some(), row.total) {
            (false, Some(total)) => {
                self.scored += 1;
                self.sum = self.sum.checked_add(total).unwrap_or(self.sum);
                self.min = Some(self.min.map_or(total, |m| m.min(total)));
                self.max = Some(self.max.map_or(total, |m| m.max(total)));
                match self.grades.iter_mut().find(|(g, _)| *g == row.grade) {
                    Some((_, n)) => *n += 1,
                    None => self.grades.push((row.grade.clone(), 1)),
                }
            }
            _ => self.failed += 1,
        }
    }

    /// The mean total, exact (286.76 / 3 is a fraction, shown `≈95.59`).
    pub fn mean(&self) -> Option<crate::exact::Exact> {
        let count = i64::try_from(self.scored).ok().filter(|&n| n > 0)?;
        crate::exact::Exact::from(self.sum).checked_div(&crate::exact::Exact::from(count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whatever_the_threads() {
        for jobs in [1, 2, 7] {
            let mut seen = Vec::new();
            // Later items finish first, to make the reordering work.
            run_ordered(
                200,
                jobs,
                8,
                |i| {
                    std::thread::sleep(std::time::Duration::from_micros(
                        ((200 - i) % 7) as u64 * 50,
                    ));
                    i * 2
                },
                |_, _| usize::MAX,
                |i, v| {
                    seen.push((i, v));
                    Ok(())
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let want: Vec<(usize, usize)> = (0..200).map(|i| (i, i * 2)).collect();
            assert_eq!(seen, want, "jobs = {jobs}");
        }
    }

    #[test]
    fn a_panicking_item_is_recovered_and_the_run_completes() {
        let mut seen = Vec::new();
        let result = run_ordered(
            100,
            3,
            4,
            |i| {
                assert!(i != 1, "item {i} trips a bug");
                format!("ok {i}")
            },
            |i, message| format!("recovered {i}: {message}"),
            |_, v| {
                seen.push(v);
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert_eq!(seen.len(), 100);
        assert_eq!(seen[1], "recovered 1: item 1 trips a bug");
        assert_eq!(seen[99], "ok 99");
    }

    #[test]
    fn a_failing_sink_stops_the_run() {
        let done = AtomicUsize::new(0);
        let result = run_ordered(
            10_000,
            4,
            16,
            |i| {
                done.fetch_add(1, Ordering::Relaxed);
                i
            },
            |_, _| usize::MAX,
            |i, _| {
                if i == 5 {
                    Err(std::io::Error::other("closed"))
                } else {
                    Ok(())
                }
            },
        );
        assert!(result.is_err());
        // The window keeps workers close to the sink: far fewer than all items ran.
        assert!(
            done.load(Ordering::Relaxed) < 100,
            "{}",
            done.load(Ordering::Relaxed)
        );
    }
}
