//! The whole `score` path on arbitrary facts text: load, score, render every format.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use perfeval::diagnostic::SourceFile;
use perfeval::input::{Registry, load_facts};
use perfeval::render::{Explain, Json, Render, Table};
use perfeval::score::{self, Options};

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::shipped().unwrap_or_else(|e| panic!("{e}")))
}

fuzz_target!(|input: (&str, bool)| {
    let (text, strict) = input;
    let source = SourceFile::new("fuzz.toml", text);
    let Ok((rubric, facts)) = load_facts(&source, registry()) else { return };
    let rubric = &rubric;
    let report = match score::evaluate(rubric, &facts, Options { strict, ..Options::default() }) {
        Ok(r) => r,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = Table { width: Some(80) }.render(&report);
    let _ = Json.render(&report);
    for i in 0..rubric.indicators.len() {
        let _ = Explain { indicator: i }.render(&report);
    }
    let options = perfeval::check::CheckOptions {
        strict,
        require_claims: strict,
    };
    let check = perfeval::check::check(report, options, &[]);
    let _ = perfeval::render::CheckJunit.render(&check);
    let _ = perfeval::render::sarif_document(perfeval::render::sarif_results(&check));
    let _ = perfeval::render::gitlab_document(perfeval::render::gitlab_issues(&check));
});
