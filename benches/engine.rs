//! Engine-level benchmarks (divan): the stages of scoring one seed-sized facts file.
//!
//! ```text
//! cargo bench --bench engine
//! ```

use perfeval::diagnostic::SourceFile;
use perfeval::facts::{Facts, FactsDocument};
use perfeval::plan::Plan;
use perfeval::rubric::{self, Rubric};
use perfeval::score::{self, Options};

fn main() {
    divan::main();
}

fn example() -> SourceFile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/luohu-2023.toml");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    SourceFile::new("luohu-2023.toml", text)
}

fn seed_rubric() -> Rubric {
    match rubric::shipped::find("luohu-dept-overall-2023") {
        Ok(Some(r)) => r,
        _ => panic!("the seed rubric is shipped and valid"),
    }
}

/// Loading the seed rubric as a run does: decoding its compiled form (once per run).
#[divan::bench]
fn load_rubric() -> Rubric {
    seed_rubric()
}

/// Loading and validating the seed rubric from its TOML: what a run does for a rubric
/// without a current compiled form (any rubric of the user's own).
#[divan::bench]
fn load_rubric_from_toml(bencher: divan::Bencher) {
    let Some(source) = rubric::shipped::source_of("luohu-dept-overall-2023") else {
        panic!("the seed rubric is shipped");
    };
    bencher.bench(|| rubric::load(divan::black_box(&source)).is_ok());
}

/// Parsing the facts file as TOML only: the floor.
#[divan::bench]
fn parse_toml(bencher: divan::Bencher) {
    let source = example();
    bencher.bench(|| toml::de::DeTable::parse(divan::black_box(source.text())).is_ok());
}

/// Parsing and reading the facts file against its rubric.
#[divan::bench]
fn read_facts(bencher: divan::Bencher) {
    let (source, rubric) = (example(), seed_rubric());
    bencher.bench(|| {
        FactsDocument::parse(divan::black_box(&source))
            .ok()
            .and_then(|d| d.interpret(&rubric).ok())
    });
}

/// Scoring already-read facts: every rule, with its trace.
#[divan::bench]
fn evaluate(bencher: divan::Bencher) {
    let (source, rubric) = (example(), seed_rubric());
    let Ok(facts) = Facts::load(&source, &rubric) else {
        panic!("the example loads");
    };
    let plan = Plan::of(&rubric);
    bencher.bench(|| {
        score::evaluate(&plan, divan::black_box(&facts), Options::default())
            .map(|r| r.total)
            .ok()
    });
}
