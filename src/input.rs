//! Reading input files from disk and finding the rubric a facts file names.
//!
//! This is where paths become [`SourceFile`]s: size limits, encoding (UTF-8, with a BOM
//! accepted and dropped) and the difference between a missing file and a directory are
//! decided here, so the stages after it only ever see text.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rust_i18n::t;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, show_path};
use crate::facts::{Facts, FactsDocument};
use crate::rubric::{self, Rubric};
use crate::toml_read::MAX_FILE_BYTES;

/// Input that cannot be used; the binary exits with status 2 on any of these.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}", t!("input.cannot_read", path = show_path(.path), message = .message))]
    Io { path: PathBuf, message: String },
    #[error("{}", t!("input.is_directory", path = show_path(.0)))]
    Directory(PathBuf),
    #[error("{}", t!("input.cannot_write", path = show_path(.path), message = .message))]
    Output { path: PathBuf, message: String },
    #[error("{}", t!("input.not_regular_file", path = show_path(.0)))]
    NotAFile(PathBuf),
    #[error("{}", t!("input.too_large", path = show_path(.0), max = MAX_FILE_BYTES))]
    TooLarge(PathBuf),
    #[error(
        "{}",
        t!("input.not_utf8", shown = show_path(.path), line = .line, column = .column)
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error(
        "{}",
        t!("input.other_encoding", shown = show_path(.path), what = .what.describe())
    )]
    OtherEncoding { path: PathBuf, what: Unreadable },
    #[error("{}", t!("input.archive", path = show_path(.0)))]
    Archive(PathBuf),
    #[error("{}", t!("input.workbook", path = show_path(.path), message = .message))]
    Workbook { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(Diagnostics),
}

/// Text in an encoding perfeval does not read, known by its byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    Utf32Le,
    Utf32Be,
    Utf16Le,
    Utf16Be,
    /// UTF-16 with its mark whose bytes do not decode.
    Utf16Damaged,
}

impl Unreadable {
    /// What the file is, for the message: `UTF-32 (little-endian) text`.
    pub fn describe(self) -> Cow<'static, str> {
        match self {
            Unreadable::Utf32Le => t!("input.encoding_utf32le_text"),
            Unreadable::Utf32Be => t!("input.encoding_utf32be_text"),
            Unreadable::Utf16Le => t!("input.encoding_utf16le_text"),
            Unreadable::Utf16Be => t!("input.encoding_utf16be_text"),
            Unreadable::Utf16Damaged => t!("input.encoding_utf16_damaged"),
        }
    }

    fn is_utf16(self) -> bool {
        matches!(self, Unreadable::Utf16Le | Unreadable::Utf16Be)
    }
}

/// The name of the encoding a file was read in (what [`SourceFile::encoding`] holds),
/// for people: `GB18030 (GBK)`, `UTF-16（小端序）`.
pub fn encoding_name(encoding: &str) -> Cow<'static, str> {
    match encoding {
        ENCODING_GB18030 => t!("input.encoding_gb18030"),
        ENCODING_UTF16LE => t!("input.encoding_utf16le"),
        ENCODING_UTF16BE => t!("input.encoding_utf16be"),
        other => Cow::Owned(other.to_string()),
    }
}

// i18n-exempt: the encoding's identifier kept in a SourceFile; encoding_name says it
const ENCODING_GB18030: &str = "GB18030 (GBK)";
const ENCODING_UTF16LE: &str = "UTF-16 (little-endian)";
const ENCODING_UTF16BE: &str = "UTF-16 (big-endian)";

/// What went wrong with a file, in the current language: the operating system's own
/// words in English (as they always were), the usual cases in Chinese.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if crate::lang::current() == crate::lang::Lang::En {
        return e.to_string();
    }
    let text = match e.kind() {
        K::NotFound => t!("input.io_not_found"),
        K::PermissionDenied => t!("input.io_permission_denied"),
        K::AlreadyExists => t!("input.io_already_exists"),
        K::IsADirectory => t!("input.io_is_a_directory"),
        K::NotADirectory => t!("input.io_not_a_directory"),
        K::InvalidData => t!("input.io_invalid_data"),
        K::StorageFull => t!("input.io_storage_full"),
        K::ReadOnlyFilesystem => t!("input.io_read_only_filesystem"),
        K::QuotaExceeded => t!("input.io_quota_exceeded"),
        K::FileTooLarge => t!("input.io_file_too_large"),
        K::ResourceBusy => t!("input.io_resource_busy"),
        K::BrokenPipe => t!("input.io_broken_pipe"),
        K::Interrupted => t!("input.io_interrupted"),
        K::CrossesDevices => t!("input.io_crosses_devices"),
        K::InvalidFilename => t!("input.io_invalid_filename"),
        _ => return e.to_string(),
    };
    text.into_owned()
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
    decode(path, read_bytes(path)?)
}

/// Reads a facts file: TOML text, or an Excel workbook (recognised by its content,
/// whatever its name), which comes back as a source whose lines name their cells.
pub fn read_facts_source(path: &Path) -> Result<SourceFile, InputError> {
    let raw = if path == Path::new("-") {
        read_stdin()?
    } else {
        read_bytes(path)?
    };
    if crate::workbook::is_workbook(&raw) {
        return crate::workbook::read_workbook(path, raw);
    }
    decode(path, raw)
}

/// Standard input's bytes (a facts file given as `-`), within the size limit.
fn read_stdin() -> Result<Vec<u8>, InputError> {
    let path = PathBuf::from("-");
    let mut raw = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), MAX_FILE_BYTES as u64 + 1),
        &mut raw,
    )
    .map_err(|e| InputError::Io {
        path: path.clone(),
        message: io_message(&e),
    })?;
    if raw.len() > MAX_FILE_BYTES {
        return Err(InputError::TooLarge(path));
    }
    Ok(raw)
}

/// A file's bytes, within the size limit.
fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| InputError::Io {
        path: path.to_path_buf(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => t!("input.no_such_file").into_owned(),
            std::io::ErrorKind::PermissionDenied => t!("input.permission_denied").into_owned(),
            _ => io_message(&e),
        },
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_path_buf()));
    }
    // A FIFO or a device (`/dev/zero`) has no length to check and may never end.
    if !meta.is_file() {
        return Err(InputError::NotAFile(path.to_path_buf()));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(InputError::TooLarge(path.to_path_buf()));
    }
    // Read at most one byte past the limit, in case the file grew since it was measured.
    let mut raw = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, MAX_FILE_BYTES as u64 + 1),
                &mut raw,
            )
        })
        .map_err(io)?;
    if raw.len() > MAX_FILE_BYTES {
        return Err(InputError::TooLarge(path.to_path_buf()));
    }
    Ok(raw)
}

/// Text from a file's bytes: UTF-8, a leading byte-order mark dropped.
fn decode(path: &Path, mut raw: Vec<u8>) -> Result<SourceFile, InputError> {
    // UTF-16 with its byte-order mark: what Windows PowerShell's `>` and Notepad's
    // "Unicode" write. Read, and said so.
    for (bom, encoding, name) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, ENCODING_UTF16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, ENCODING_UTF16BE),
    ] {
        if raw.starts_with(bom)
            && other_encoding(&raw).is_some_and(Unreadable::is_utf16)
            && let Some(text) =
                encoding.decode_without_bom_handling_and_without_replacement(&raw[bom.len()..])
        {
            return Ok(SourceFile::transcoded(
                path,
                text.into_owned(),
                crate::diagnostic::sha256_hex(&raw),
                name,
            ));
        }
    }
    if let Some(what) = other_encoding(&raw) {
        return Err(InputError::OtherEncoding {
            path: path.to_path_buf(),
            what: if what.is_utf16() {
                Unreadable::Utf16Damaged
            } else {
                what
            },
        });
    }
    if raw.starts_with(b"PK\x03\x04") {
        return Err(InputError::Archive(path.to_path_buf()));
    }
    let bom = raw.starts_with(b"\xEF\xBB\xBF");
    if bom {
        raw.drain(..3);
    }
    match String::from_utf8(raw) {
        Ok(text) => Ok(SourceFile::decoded(path, text, bom)),
        Err(e) => {
            // Not UTF-8: GB18030 (a superset of GBK), what Notepad on a Chinese Windows
            // and many WPS exports write, when every byte fits it.
            let raw = e.into_bytes();
            if let Some(text) =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&raw)
            {
                let mut bytes = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                bytes.extend_from_slice(&raw);
                return Ok(SourceFile::transcoded(
                    path,
                    text.into_owned(),
                    crate::diagnostic::sha256_hex(&bytes),
                    ENCODING_GB18030,
                ));
            }
            // Where GB18030 fails too: the text decoded up to there gives line and column.
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut decoded = String::with_capacity(raw.len() * 3);
            let _ = decoder.decode_to_string_without_replacement(&raw, &mut decoded, true);
            let line = decoded.matches('\n').count() + 1;
            let line_start = decoded.rfind('\n').map_or(0, |i| i + 1);
            let column = decoded[line_start..].chars().count() + 1;
            Err(InputError::NotUtf8 {
                path: path.to_path_buf(),
                line,
                column,
            })
        }
    }
}

/// The encoding a byte-order mark announces, when it is not UTF-8: what Windows
/// PowerShell's `>` and Notepad's "Unicode" write.
fn other_encoding(raw: &[u8]) -> Option<Unreadable> {
    // UTF-32 first: its little-endian mark begins with UTF-16's.
    if raw.starts_with(b"\xFF\xFE\x00\x00") {
        Some(Unreadable::Utf32Le)
    } else if raw.starts_with(b"\x00\x00\xFE\xFF") {
        Some(Unreadable::Utf32Be)
    } else if raw.starts_with(b"\xFF\xFE") {
        Some(Unreadable::Utf16Le)
    } else if raw.starts_with(b"\xFE\xFF") {
        Some(Unreadable::Utf16Be)
    } else {
        None
    }
}

/// Loads a rubric file.
///
/// A rubric that `extends` another finds it among the `*.toml` rubrics in its own
/// directory, then among the shipped ones. The directory is read only when the rubric
/// extends another (a rubric beside it may replace a shipped one), a file at a time, and
/// a file is parsed only when its text holds the id.
pub fn load_rubric(path: &Path) -> Result<Rubric, InputError> {
    let source = read_source(path)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let neighbours = Neighbours::new(dir);
    Ok(rubric::load_with(&source, &|id| neighbours.find(id))?)
}

/// The `*.toml` paths of a directory, sorted (not recursive).
fn toml_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The rubrics beside a rubric file, for `extends`: read only when a rubric names an
/// id, one file at a time, and parsed only when its text holds that id. 60 neighbours of
/// 4 MiB need not be in memory together, and 20,000 facts files beside a rubric that
/// extends nothing are never opened.
struct Neighbours {
    dir: PathBuf,
    paths: std::cell::OnceCell<Vec<PathBuf>>,
}

impl Neighbours {
    fn new(dir: &Path) -> Self {
        Neighbours {
            dir: dir.to_path_buf(),
            paths: std::cell::OnceCell::new(),
        }
    }

    /// The rubric with `[rubric] id = "<id>"` in the directory, else the shipped one: a
    /// rubric beside the file replaces a shipped one with its id, as `--rubrics DIR` does.
    fn find(&self, id: &str) -> Option<SourceFile> {
        let paths = self
            .paths
            .get_or_init(|| toml_paths(&self.dir).unwrap_or_default());
        paths
            .iter()
            .filter_map(|p| read_source(p).ok())
            .find(|s| s.text().contains(id) && rubric::source_id(s).as_deref() == Some(id))
            .or_else(|| rubric::shipped::source_of(id))
    }
}

/// The rubrics a facts file may name, each loaded and validated once.
#[derive(Debug)]
pub struct Registry {
    rubrics: Vec<Rubric>,
    skipped: Vec<(PathBuf, InputError)>,
    /// Set when the registry is one rubric given by path (`--rubric`): a facts file for
    /// another id is then told so.
    given: Option<PathBuf>,
}

impl Registry {
    /// The rubrics built into the binary.
    pub fn shipped() -> Result<Registry, InputError> {
        Ok(Registry {
            rubrics: rubric::shipped::all()?,
            skipped: Vec::new(),
            given: None,
        })
    }

    /// The shipped rubric with this id, alone: scoring one file need not load and
    /// validate every shipped rubric. With no such id, all of them (so that the error
    /// can list their ids).
    pub fn shipped_for(id: &str) -> Result<Registry, InputError> {
        match rubric::shipped::find(id)? {
            Some(rubric) => Ok(Registry {
                rubrics: vec![rubric],
                skipped: Vec::new(),
                given: None,
            }),
            None => Registry::shipped(),
        }
    }

    /// The rubrics for a run over many files (`batch`, `check`): the one rubric file given
    /// with `--rubric`, else the shipped rubrics with those of a `--rubrics` directory
    /// beside them, else the shipped rubrics alone.
    pub fn for_files(rubric: Option<&Path>, dir: Option<&Path>) -> Result<Registry, InputError> {
        match (rubric, dir) {
            (Some(path), _) => Registry::single(path),
            (None, Some(dir)) => Registry::with_dir(dir),
            (None, None) => Registry::shipped(),
        }
    }

    /// The rubric a command line names (`init --rubric`, `rubric show`): a rubric file by
    /// its path, or a shipped rubric by its id, loaded alone. An id that is neither gets
    /// the closest shipped id, or the list of them.
    pub fn named(key: &str) -> Result<Rubric, InputError> {
        let path = Path::new(key);
        if path.extension().is_some_and(|x| x == "toml") || path.exists() {
            return load_rubric(path);
        }
        if let Some(rubric) = rubric::shipped::find(key)? {
            return Ok(rubric);
        }
        let hint = match crate::diagnostic::suggest(key, rubric::shipped::ids()) {
            Some(s) => t!("input.did_you_mean", name = s),
            None => {
                let ids: Vec<&str> = rubric::shipped::ids().collect();
                let ids = ids.join(&t!("rubric.list_separator"));
                t!("input.shipped_rubrics_are", ids = ids)
            }
        };
        Err(Diagnostic::new(t!("input.no_shipped_rubric", key = key))
            .with_help(hint)
            .into())
    }

    /// One rubric file, used whatever id a facts file names (the id must match).
    pub fn single(path: &Path) -> Result<Registry, InputError> {
        Ok(Registry {
            rubrics: vec![load_rubric(path)?],
            skipped: Vec::new(),
            given: Some(path.to_path_buf()),
        })
    }

    /// The shipped rubrics and every `*.toml` rubric in `dir` (not recursive); a rubric in
    /// `dir` replaces a shipped one with the same id. Each file is read once. A file that
    /// is not a usable rubric is set aside with its error ([`Registry::skipped`]) and the
    /// others are used: one stray file must not stop a whole archive.
    pub fn with_dir(dir: &Path) -> Result<Registry, InputError> {
        let mut registry = Registry::shipped()?;
        let paths = toml_paths(dir).map_err(|e| InputError::Io {
            path: dir.to_path_buf(),
            message: io_message(&e),
        })?;
        let mut sources: Vec<(PathBuf, SourceFile, Option<String>)> = Vec::new();
        for path in paths {
            match read_source(&path) {
                Ok(source) => {
                    let id = rubric::source_id(&source);
                    sources.push((path, source, id));
                }
                Err(e) => registry.skipped.push((path, e)),
            }
        }
        // `extends` resolves against this same directory, then the shipped rubrics.
        let resolve = |id: &str| {
            sources
                .iter()
                .find(|(_, _, found)| found.as_deref() == Some(id))
                .map(|(_, s, _)| s.clone())
                .or_else(|| rubric::shipped::source_of(id))
        };
        let mut from_dir: Vec<(String, PathBuf)> = Vec::new();
        for (path, source, _) in &sources {
            let r = match rubric::load_with(source, &resolve) {
                Ok(r) => r,
                Err(e) => {
                    registry.skipped.push((path.clone(), e.into()));
                    continue;
                }
            };
            if let Some((_, first)) = from_dir.iter().find(|(id, _)| *id == r.meta.id) {
                return Err(Diagnostic::new(t!(
                    "input.rubric_id_twice",
                    id = r.meta.id,
                    first = show_path(first),
                    second = show_path(path)
                ))
                .at(&r.source, 0..0)
                .into());
            }
            from_dir.push((r.meta.id.clone(), path.clone()));
            registry.rubrics.retain(|x| x.meta.id != r.meta.id);
            registry.rubrics.push(r);
        }
        Ok(registry)
    }

    /// Files of a `--rubrics` directory that are not usable rubrics, with the reason.
    pub fn skipped(&self) -> &[(PathBuf, InputError)] {
        &self.skipped
    }

    pub fn get(&self, id: &str) -> Option<&Rubric> {
        self.rubrics.iter().find(|r| r.meta.id == id)
    }

    pub fn rubrics(&self) -> &[Rubric] {
        &self.rubrics
    }

    /// Whether this is one rubric given by path (`--rubric`), used for every file.
    pub fn is_single(&self) -> bool {
        self.given.is_some()
    }

    fn unknown(&self, source: &SourceFile, id: &toml::Spanned<String>) -> InputError {
        let ids: Vec<&str> = self.rubrics.iter().map(|r| r.meta.id.as_str()).collect();
        let d =
            Diagnostic::new(t!("input.unknown_rubric", id = id.get_ref())).at(source, id.span());
        match crate::diagnostic::suggest(id.get_ref(), ids.iter().copied()) {
            Some(s) => d.with_help(t!("toml.did_you_mean", name = s)),
            None => d.with_help(t!(
                "input.rubrics_known",
                ids = ids.join(t!("toml.list_separator").as_ref())
            )),
        }
        .into()
    }
}

/// Reads a facts file against the rubric it names in `registry`. A rubric whose
/// indicators include the file's own (a project's output indicators) comes back expanded
/// with them; any other comes back as it is.
pub fn load_facts<'r>(
    source: &SourceFile,
    registry: &'r Registry,
) -> Result<(Cow<'r, Rubric>, Facts), InputError> {
    let (doc, id) = parse_facts(source)?;
    read_facts(source, &doc, &id, registry)
}

/// A facts file parsed, with the rubric id it names.
fn parse_facts(
    source: &SourceFile,
) -> Result<(FactsDocument<'_>, toml::Spanned<String>), InputError> {
    if source.text().trim().is_empty() {
        return Err(Diagnostic::new(t!("input.facts_empty"))
            .at(source, 0..0)
            .with_help(t!("input.facts_empty_help"))
            .into());
    }
    let doc = FactsDocument::parse(source)?;
    let id = doc.rubric_id()?;
    Ok((doc, id))
}

/// Reads a parsed facts file against the rubric `id` names in `registry`.
fn read_facts<'r>(
    source: &SourceFile,
    doc: &FactsDocument<'_>,
    id: &toml::Spanned<String>,
    registry: &'r Registry,
) -> Result<(Cow<'r, Rubric>, Facts), InputError> {
    // `--rubric PATH` scores every file with that rubric, whatever id the file names:
    // the everyday re-scoring of an archive under a newer framework.
    let (rubric, rescore) = match (
        registry.get(id.get_ref()),
        &registry.given,
        registry.rubrics.as_slice(),
    ) {
        (Some(r), _, _) => (r, false),
        (None, Some(_), [only]) => (only, true),
        (None, _, _) => return Err(registry.unknown(source, id)),
    };
    let mut facts = if rescore {
        doc.interpret_for_rescore(rubric)?
    } else {
        doc.interpret(rubric)?
    };
    // Figures that cannot be true are refused before anything is scored.
    crate::plausible::check(rubric, &facts)?;
    if rubric.indicators.iter().any(|i| i.list.is_some()) {
        let expanded = rubric::expand(rubric, &facts);
        // Claims may name the file's own indicators, which exist only now.
        for c in facts
            .claimed
            .scores
            .iter_mut()
            .filter(|c| c.indicator.is_none())
        {
            c.indicator = expanded.find_indicator(&c.key);
        }
        Ok((Cow::Owned(expanded), facts))
    } else {
        Ok((Cow::Borrowed(rubric), facts))
    }
}

/// Loads a facts file with the rubric it names: the one at `rubric_path` when given
/// (its id must match), else the shipped rubric with that id.
pub fn load(facts_path: &Path, rubric_path: Option<&Path>) -> Result<(Rubric, Facts), InputError> {
    load_source(&read_facts_source(facts_path)?, rubric_path)
}

/// [`load`] of a facts source already read.
pub fn load_source(
    source: &SourceFile,
    rubric_path: Option<&Path>,
) -> Result<(Rubric, Facts), InputError> {
    let source = source.clone();
    // Parsed once: the id it names decides which rubric to load.
    let (doc, id) = parse_facts(&source)?;
    let registry = match rubric_path {
        Some(p) => Registry::single(p)?,
        None => Registry::shipped_for(id.get_ref())?,
    };
    let (rubric, facts) = read_facts(&source, &doc, &id, &registry)?;
    Ok((rubric.into_owned(), facts))
}
