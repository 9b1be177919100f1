//! Any text as a rubric: loading, validating and linting never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perfeval::diagnostic::SourceFile;

fuzz_target!(|text: &str| {
    let source = SourceFile::new("fuzz.toml", text);
    match perfeval::rubric::load(&source) {
        Ok(rubric) => {
            let _ = perfeval::rubric::lint::lint(&rubric);
        }
        Err(diagnostics) => {
            // Rendering carets must cope with any text.
            let _ = diagnostics.to_string();
        }
    }
});
