//! Any text as a facts file for the seed rubric: reading it never panics.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use perfeval::diagnostic::SourceFile;
use perfeval::input::{Registry, load_facts};

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::shipped().unwrap_or_else(|e| panic!("{e}")))
}

fuzz_target!(|text: &str| {
    let source = SourceFile::new("fuzz.toml", text);
    if let Err(e) = load_facts(&source, registry()) {
        let _ = e.to_string();
    }
});
