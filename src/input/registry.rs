//! The rubrics a facts file may name: a rubric file with the rubrics it `extends`, the
//! shipped rubrics, a `--rubrics` directory.

use std::path::{Path, PathBuf};

use rust_i18n::t;

use super::source::read_source;
use crate::diagnostic::{Diagnostic, SourceFile, show_path};
use crate::input_error::{InputError, io_message};
use crate::rubric::{self, Rubric};

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
    pub(super) rubrics: Vec<Rubric>,
    skipped: Vec<(PathBuf, InputError)>,
    /// Set when the registry is one rubric given by path (`--rubric`): a facts file for
    /// another id is then told so.
    pub(super) given: Option<PathBuf>,
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

    pub(super) fn unknown(&self, source: &SourceFile, id: &toml::Spanned<String>) -> InputError {
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
