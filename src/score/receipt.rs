//! The receipt of a score: what it was computed from (perfeval's version, each rubric of
//! the chain and the facts file, each with its SHA-256), so an archived result can be
//! reproduced and a changed input detected. Every machine-readable output carries it.

use serde::Serialize;

use super::Report;

/// What a machine-readable result was computed from, so that an archived result can be
/// reproduced and a changed input detected.
#[derive(Debug, Serialize)]
pub struct Receipt<'a> {
    pub perfeval_version: &'static str,
    pub rubric_id: &'a str,
    pub rubric_version: &'a str,
    pub rubric_source: String,
    pub rubric_sha256: &'a str,
    /// Every rubric the scores rest on, base first (a variant's bases), each with its
    /// SHA-256: a changed base is a changed receipt.
    pub rubric_chain: Vec<ReceiptLayer<'a>>,
    pub facts_file: String,
    pub facts_sha256: &'a str,
    /// The rubric the facts file names, when it was scored under another (`--rubric`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts_rubric_id: Option<&'a str>,
    /// Facts of the file that rubric does not read, when re-scored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_aside_facts: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct ReceiptLayer<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub source: String,
    pub sha256: &'a str,
}

/// The receipt of a score as a JSON value (a batch row carries it).
pub fn receipt_json(report: &Report<'_>) -> serde_json::Value {
    serde_json::to_value(receipt(report)).unwrap_or_default()
}

pub fn receipt<'a>(report: &'a Report<'a>) -> Receipt<'a> {
    let rubric = report.rubric;
    Receipt {
        perfeval_version: env!("CARGO_PKG_VERSION"),
        rubric_id: &rubric.meta.id,
        rubric_version: &rubric.meta.version,
        rubric_source: crate::diagnostic::show_path(rubric.source.name()),
        rubric_sha256: rubric.source.sha256(),
        rubric_chain: rubric
            .chain
            .iter()
            .map(|l| ReceiptLayer {
                id: &l.id,
                version: &l.version,
                source: crate::diagnostic::show_path(l.source.name()),
                sha256: l.source.sha256(),
            })
            .collect(),
        facts_file: crate::diagnostic::show_path(report.facts.source.name()),
        facts_sha256: report.facts.source.sha256(),
        facts_rubric_id: report
            .facts
            .rescored(rubric)
            .then_some(report.facts.rubric_id.as_str()),
        set_aside_facts: report
            .facts
            .set_aside
            .iter()
            .map(|(p, _)| p.as_str())
            .collect(),
    }
}
