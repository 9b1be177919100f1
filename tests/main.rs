//! perfeval's integration tests: one binary (`autotests = false`), modules by subject.
//!
//! `support` runs the real `perfeval` binary in a temporary directory; the other modules
//! use it, or the library directly where a test is about the engine's arithmetic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod bad_input;
mod batch;
mod catalogue;
mod check;
mod ci;
mod cli;
mod commands_lang;
mod compiled;
mod diff;
mod exact;
mod findings;
mod gaps;
mod hardening;
mod hints;
mod html;
mod html_lang;
mod init;
mod input_lang;
mod lang;
mod layers;
mod plan;
mod plausibility;
mod project;
mod properties;
mod rubric_lang;
mod rules;
mod score_lang;
mod support;
mod variants;
mod workbook;
mod workbook_lang;
mod xlsx_out;
