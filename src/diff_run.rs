//! The edge of `perfeval diff`: read both files, tell facts files from batch outputs by
//! their content, score, compare, render, write.

use std::io::Read;
use std::path::{Path, PathBuf};

use rust_i18n::t;

use perfeval::diagnostic::show_path;
use perfeval::diff::batch::{BatchRow, Content, compare_batches, sniff};
use perfeval::input::{self, InputError};
use perfeval::plan::Plan;
use perfeval::render::{DiffHtml, DiffJson, DiffTable, Render};
use perfeval::score::{self, Options};

use crate::cli::DiffFormat;
use crate::commands::usage;
use crate::{Failure, Output};

pub struct Args {
    pub old: PathBuf,
    pub new: PathBuf,
    pub rubric: Option<PathBuf>,
    pub strict: bool,
    pub format: DiffFormat,
    pub width: Option<u16>,
    pub output: Option<PathBuf>,
}

/// A batch output may be far larger than a facts file.
const MAX_BATCH_BYTES: u64 = 512 * 1024 * 1024;

/// What `path` holds.
fn content(path: &Path) -> Result<Content, Failure> {
    let io = |message: String| {
        Failure::Input(InputError::Io {
            path: path.to_path_buf(),
            message,
        })
    };
    if path == Path::new("-") {
        return Err(usage(&t!("diff.no_stdin"), Some(&t!("diff.no_stdin_help"))));
    }
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => io(t!("diff.no_such_file").into_owned()),
        _ => io(perfeval::input::io_message(&e)),
    })?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_path_buf()).into());
    }
    if !meta.is_file() {
        return Err(InputError::NotAFile(path.to_path_buf()).into());
    }
    let mut raw = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BATCH_BYTES + 1).read_to_end(&mut raw))
        .map_err(|e| io(perfeval::input::io_message(&e)))?;
    if raw.len() as u64 > MAX_BATCH_BYTES {
        return Err(InputError::TooLarge(path.to_path_buf()).into());
    }
    // A workbook, or text that is not UTF-8: a facts file, for `input::load` to read or
    // refuse with its own message.
    let Ok(text) = std::str::from_utf8(&raw) else {
        return Ok(Content::Facts);
    };
    sniff(text).map_err(|e| {
        usage(
            &t!("diff.unreadable_batch", path = show_path(path), message = e),
            None,
        )
    })
}

pub fn run(args: Args) -> Result<Output, Failure> {
    let old = content(&args.old)?;
    let new = content(&args.new)?;
    for (path, c) in [(&args.old, &old), (&args.new, &new)] {
        if *c == Content::BatchCsv {
            return Err(usage(
                &t!("diff.csv_not_comparable", path = show_path(path)),
                Some(&t!("diff.csv_not_comparable_help")),
            ));
        }
    }
    let out = match (old, new) {
        (Content::Facts, Content::Facts) => facts_diff(&args)?,
        (Content::Batch(a), Content::Batch(b)) => batch_diff(&args, &a, &b),
        (a, _) => {
            let (facts, batch) = if a == Content::Facts {
                (&args.old, &args.new)
            } else {
                (&args.new, &args.old)
            };
            return Err(usage(
                &t!(
                    "diff.facts_against_batch",
                    facts = show_path(facts),
                    batch = show_path(batch)
                ),
                Some(&t!("diff.facts_against_batch_help")),
            ));
        }
    };
    let Some(path) = &args.output else {
        return Ok(out);
    };
    let inputs: Vec<&Path> = [args.old.as_path(), args.new.as_path()]
        .into_iter()
        .chain(args.rubric.as_deref())
        .collect();
    crate::write_output(path, &out.shown(), &inputs)?;
    Ok(Vec::new().into())
}

fn render<M>(args: &Args, model: &M) -> Output
where
    DiffTable: Render<M>,
    DiffJson: Render<M>,
    DiffHtml: Render<M>,
{
    match args.format {
        DiffFormat::Table => DiffTable { width: args.width }.render(model).into(),
        DiffFormat::Json => Output::machine(DiffJson.render(model)),
        DiffFormat::Html => Output::machine(DiffHtml.render(model)),
    }
}

fn facts_diff(args: &Args) -> Result<Output, Failure> {
    let options = Options {
        strict: args.strict,
        ..Options::default()
    };
    let (r_old, mut f_old) = input::load(&args.old, args.rubric.as_deref())?;
    let (r_new, mut f_new) = input::load(&args.new, args.rubric.as_deref())?;
    let (p_old, p_new) = (Plan::new(&r_old, &mut f_old), Plan::new(&r_new, &mut f_new));
    let old = score::evaluate(&p_old, &f_old, options)?;
    let new = score::evaluate(&p_new, &f_new, options)?;
    Ok(render(args, &perfeval::diff::compare(&old, &new)))
}

fn batch_diff(args: &Args, old: &[BatchRow], new: &[BatchRow]) -> Output {
    render(args, &compare_batches(old, new))
}
