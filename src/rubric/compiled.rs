//! The shipped rubrics in compiled form: what loading their TOML gives, serialized with
//! postcard and embedded in the binary (`rubrics/compiled/*.bin`), so that a run does not
//! parse and check 48 KB of TOML before it scores one file.
//!
//! A compiled form is only ever a copy of what the loader makes. It names the SHA-256 of
//! every TOML file it was made from and of the code that made it (both computed by
//! `build.rs`); when either differs from this build's, it is not used and the TOML is
//! loaded instead, so a stale copy costs time, never a wrong score. `tests/compiled.rs`
//! fails while a copy is stale and rewrites them all under `PERFEVAL_BLESS=1`.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::Rubric;
use crate::diagnostic::SourceFile;

// `LOADER`: the SHA-256 of the code a compiled rubric depends on, computed by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/rubric_loader.rs"));

/// What a compiled form was made from, written before the rubric itself.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Header {
    /// SHA-256 of the code the compiled rubric depends on ([`LOADER`]).
    loader: String,
    /// Each file of the `extends` chain, base first: its name and SHA-256.
    sources: Vec<(String, String)>,
}

/// The compiled form of a rubric loaded from the shipped TOML.
pub fn compile(rubric: &Rubric) -> Result<Vec<u8>, postcard::Error> {
    let header = Header {
        loader: LOADER.to_string(),
        sources: rubric
            .chain
            .iter()
            .map(|layer| (name(&layer.source), layer.source.sha256().to_string()))
            .collect(),
    };
    let mut out = postcard::to_stdvec(&header)?;
    out.extend(postcard::to_stdvec(rubric)?);
    Ok(out)
}

/// The rubric of a compiled form, if it is the form of rubric file `file` made by this
/// build's loader from the sources `current` gives (a name's source and the SHA-256 of its
/// text); `None` when it is another file's, stale or unreadable.
pub fn decode(
    bytes: &[u8],
    file: &str,
    current: &dyn Fn(&str) -> Option<(SourceFile, &'static str)>,
) -> Option<Rubric> {
    let (header, body) = postcard::take_from_bytes::<Header>(bytes).ok()?;
    // A form filed under the wrong name (a copy over another) would score under the
    // wrong rubric: the chain must end in the file asked for.
    if header.loader != LOADER || header.sources.last().map(|(n, _)| n.as_str()) != Some(file) {
        return None;
    }
    let mut sources = Vec::with_capacity(header.sources.len());
    for (name, sha256) in &header.sources {
        let (source, current_sha256) = current(name)?;
        if *sha256 != current_sha256 {
            return None;
        }
        sources.push(source);
    }
    SOURCES.with(|s| *s.borrow_mut() = sources);
    let rubric = postcard::from_bytes::<Rubric>(body).ok();
    SOURCES.with(|s| s.borrow_mut().clear());
    rubric
}

thread_local! {
    /// The sources a compiled form's file names stand for while it is decoded: every
    /// indicator and fact names its file, and all of them share one copy of its text.
    static SOURCES: RefCell<Vec<SourceFile>> = const { RefCell::new(Vec::new()) };
}

fn name(source: &SourceFile) -> String {
    source.name().to_string_lossy().into_owned()
}

/// A map written with its keys in order, so that a rubric's compiled form is the same
/// bytes however the map was filled (a decoded map iterates in another order).
pub(crate) fn sorted_map<S: serde::Serializer>(
    map: &rustc_hash::FxHashMap<String, usize>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let sorted: std::collections::BTreeMap<&String, &usize> = map.iter().collect();
    sorted.serialize(serializer)
}

/// A set written in order, for the reason [`sorted_map`] gives.
pub(crate) fn sorted_set<S: serde::Serializer>(
    set: &rustc_hash::FxHashSet<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let sorted: std::collections::BTreeSet<&String> = set.iter().collect();
    sorted.serialize(serializer)
}

/// A [`SourceFile`] written as its name; read back as the source of that name given to
/// [`decode`].
pub(crate) mod source {
    use super::*;

    pub fn serialize<S: serde::Serializer>(
        source: &SourceFile,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&name(source))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SourceFile, D::Error> {
        let wanted = <&str>::deserialize(deserializer)?;
        SOURCES
            .with(|s| {
                let wanted = std::path::Path::new(wanted);
                s.borrow().iter().find(|f| f.name() == wanted).cloned()
            })
            // i18n-exempt: never shown; a form that fails to decode is loaded from TOML.
            .ok_or_else(|| serde::de::Error::custom("a source outside the compiled chain"))
    }
}
