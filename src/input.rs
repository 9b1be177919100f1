//! Reading input files from disk and finding the rubric a facts file names.
//!
//! This is where paths become [`SourceFile`]s: size limits, encoding (UTF-8, with a BOM
//! accepted and dropped) and the difference between a missing file and a directory are
//! decided here, so the stages after it only ever see text.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, sha256_hex};
use crate::facts::{Facts, FactsDocument};
use crate::rubric::{self, Rubric};
use crate::toml_read::MAX_FILE_BYTES;

/// Input that cannot be used; the binary exits with status 2 on any of these.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("error: cannot read `{path}`: {message}")]
    Io { path: PathBuf, message: String },
    #[error("error: `{0}` is a directory, not a file")]
    Directory(PathBuf),
    #[error("error: `{0}` is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge(PathBuf),
    #[error(
        "error: `{path}` is not UTF-8 text (invalid byte at line {line})\n = help: if it was saved as GBK/GB18030, convert it: iconv -f GB18030 -t UTF-8 '{path}' > converted.toml"
    )]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{0}")]
    Invalid(Diagnostics),
}

impl From<Diagnostics> for InputError {
    fn from(d: Diagnostics) -> Self {
        InputError::Invalid(d)
    }
}

impl From<Diagnostic> for InputError {
    fn from(d: Diagnostic) -> Self {
        InputError::Invalid(Diagnostics(vec![d]))
    }
}

/// Reads a UTF-8 text file, dropping a leading byte-order mark.
pub fn read_source(path: &Path) -> Result<SourceFile, InputError> {
    let io = |e: std::io::Error| InputError::Io {
        path: path.to_path_buf(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        },
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_path_buf()));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(InputError::TooLarge(path.to_path_buf()));
    }
    let raw = std::fs::read(path).map_err(io)?;
    let bytes = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::with_sha256(path, text, sha256_hex(&raw))),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Err(InputError::NotUtf8 {
                path: path.to_path_buf(),
                line,
            })
        }
    }
}

/// Loads a rubric file.
pub fn load_rubric(path: &Path) -> Result<Rubric, InputError> {
    let source = read_source(path)?;
    Ok(rubric::load(&source)?)
}

/// Loads a facts file with the rubric it names: the one at `rubric_path` when given
/// (its id must match), else the shipped rubric with that id.
pub fn load(facts_path: &Path, rubric_path: Option<&Path>) -> Result<(Rubric, Facts), InputError> {
    let source = read_source(facts_path)?;
    if source.text().trim().is_empty() {
        return Err(Diagnostic::new("the facts file is empty")
            .at(&source, 0..0)
            .with_help(
                "`perfeval rubric list` shows the rubric ids; start with `rubric = \"<id>\"`",
            )
            .into());
    }
    let doc = FactsDocument::parse(&source)?;
    let id = doc.rubric_id()?;
    let rubric = match rubric_path {
        Some(p) => {
            let r = load_rubric(p)?;
            if &r.meta.id != id.get_ref() {
                return Err(Diagnostic::new(format!(
                    "the facts file is for rubric `{}`, but `{}` is rubric `{}`",
                    id.get_ref(),
                    p.display(),
                    r.meta.id
                ))
                .at(&source, id.span())
                .with_help("change `rubric` in the facts file, or give the matching --rubric")
                .into());
            }
            r
        }
        None => {
            let all = rubric::shipped::all()?;
            match all.iter().position(|r| &r.meta.id == id.get_ref()) {
                Some(i) => all
                    .into_iter()
                    .nth(i)
                    .ok_or_else(|| Diagnostic::new("internal error"))?,
                None => {
                    let ids: Vec<&str> = all.iter().map(|r| r.meta.id.as_str()).collect();
                    let mut d = Diagnostic::new(format!("unknown rubric `{}`", id.get_ref()))
                        .at(&source, id.span());
                    d = match crate::diagnostic::suggest(id.get_ref(), ids.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!(
                            "the shipped rubrics are: {}; or give a rubric file with --rubric",
                            ids.join(", ")
                        )),
                    };
                    return Err(d.into());
                }
            }
        }
    };
    let facts = doc.interpret(&rubric)?;
    Ok((rubric, facts))
}
