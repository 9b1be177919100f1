//! perfeval scores Chinese government budget-performance self-assessments exactly.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`rubric::load`]: rubric TOML → a validated [`rubric::Rubric`] (indicator tree,
//!    weights, fact declarations, rules with formulas parsed and type-checked once).
//! 2. [`facts::FactsDocument`]: a department's facts TOML, read exactly (numbers from
//!    their literal text, never through `f64`) and checked against the rubric.
//! 3. [`score::evaluate`]: rubric + facts → [`score::Report`], every point traced to
//!    the facts and intermediate values that produced it.
//! 4. [`render`]: a report → bytes (a table shaped like 附件一, JSON, an explanation).
//!
//! The library never prints; the `perfeval` binary does the talking. Every sentence it
//! builds for people comes from the message catalogues under `locales/` ([`lang`]).

// The catalogues, compiled in; English where a message has no Chinese (none should).
rust_i18n::i18n!("locales", fallback = "en");

pub mod batch;
pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod exact;
pub mod facts;
pub mod formula;
pub mod gaps;
pub mod input;
pub mod input_error;
pub mod lang;
pub mod number;
pub mod output;
pub mod plan;
pub mod plausible;
pub mod render;
pub mod rubric;
pub mod rubric_test;
pub mod score;
pub mod toml_read;
pub mod whatif;
pub mod workbook;
