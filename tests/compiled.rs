//! The compiled forms of the shipped rubrics (`rubrics/compiled/*.bin`): each is exactly
//! what loading its TOML gives, and the binary uses it.
//!
//! `PERFEVAL_BLESS=1 cargo test compiled` rewrites the stale ones.

use std::path::{Path, PathBuf};

use perfeval::rubric::{self, compiled, shipped};

fn compiled_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rubrics/compiled")
        .join(name)
        .with_extension("bin")
}

/// Each shipped rubric's compiled form made afresh from its TOML: one per `rubrics/*.toml`,
/// so that a loop over them cannot pass by running zero times.
fn fresh() -> Vec<(&'static str, Vec<u8>)> {
    let on_disk = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .count();
    assert!(on_disk >= 2, "a base and a variant at least");
    assert_eq!(shipped::files().count(), on_disk);
    shipped::files()
        .map(|(name, source)| {
            let loaded = rubric::load(&source).unwrap_or_else(|e| panic!("{name}: {e}"));
            let bytes = compiled::compile(&loaded).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, bytes)
        })
        .collect()
}

#[test]
fn every_shipped_rubric_has_a_current_compiled_form() {
    let bless = std::env::var_os("PERFEVAL_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, bytes) in fresh() {
        let path = compiled_path(name);
        if std::fs::read(&path).ok().as_deref() == Some(bytes.as_slice()) {
            continue;
        }
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            // Written beside and renamed, so an interrupted run leaves the old form whole.
            let partial = path.with_extension("bin.partial");
            std::fs::write(&partial, &bytes).unwrap();
            std::fs::rename(&partial, &path).unwrap();
        } else {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "the compiled form of {stale:?} is not what its TOML loads to; \
         run `PERFEVAL_BLESS=1 cargo test compiled` and commit rubrics/compiled/"
    );
}

#[test]
fn the_embedded_compiled_form_decodes_to_the_loaded_rubric() {
    for (name, bytes) in fresh() {
        // Built from the committed form, so present only when that is current; the test
        // above says so when it is not.
        let Some(decoded) = shipped::compiled(name) else {
            panic!("{name}: this build has no current compiled form of it");
        };
        // Not assert_eq!: a failure would print both forms, tens of thousands of bytes.
        assert!(
            compiled::compile(&decoded).unwrap() == bytes,
            "{name}: decoding lost or changed something"
        );
        // Field by field, not through the encoder: a loss the encoder made on both sides
        // (a skipped field, a number through f64) would pass the byte comparison.
        let loaded = rubric::load(&shipped::files().find(|(n, _)| *n == name).unwrap().1).unwrap();
        assert!(
            decoded == loaded,
            "{name}: the decoded rubric is not the loaded one"
        );
        assert!(!decoded.indicators.is_empty());
    }
}

#[test]
fn a_compiled_form_of_other_toml_another_file_or_cut_short_is_not_used() {
    assert_eq!(fresh().len(), shipped::files().count());
    for (name, source) in shipped::files() {
        let loaded = rubric::load(&source).unwrap();
        let bytes = compiled::compile(&loaded).unwrap();
        let current = |wanted: &str| {
            shipped::files()
                .find(|(_, s)| s.name().to_str() == Some(wanted))
                .map(|(_, s)| {
                    let sha256: &'static str = s.sha256().to_string().leak();
                    (s, sha256)
                })
        };
        let own = source.name().to_str().unwrap();
        assert!(compiled::decode(&bytes, own, &current).is_some(), "{name}");
        // Filed under another rubric's name (a copy over another form): refused.
        for (other, _) in shipped::files().filter(|(n, _)| *n != name) {
            let other = format!("rubrics/{other}");
            assert!(
                compiled::decode(&bytes, &other, &current).is_none(),
                "{name} as {other}"
            );
        }
        // Its own file edited since (the base of a variant is tested through the variant).
        let edited = |wanted: &str| {
            current(wanted).map(|(s, sha)| (s, if wanted == own { "0" } else { sha }))
        };
        assert!(compiled::decode(&bytes, own, &edited).is_none(), "{name}");
        assert!(compiled::decode(&bytes, own, &|_| None).is_none(), "{name}");
        assert!(
            compiled::decode(&bytes[..bytes.len() / 2], own, &current).is_none(),
            "{name}"
        );
    }
}
