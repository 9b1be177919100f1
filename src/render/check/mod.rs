//! Outputs of `perfeval check`: text grouped by severity, JSON with a receipt, and JUnit
//! XML with one test case per indicator, total, grade and consistency check.
mod gitlab;
mod junit;
mod sarif;
mod text;
mod values;

use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rust_i18n::t;
use serde::Serialize;

use super::Render;
use crate::check::{CheckReport, Finding, Subject};
use crate::rubric::Severity;
use crate::score::receipt::{Receipt, receipt};
pub use gitlab::{gitlab_document, gitlab_issues, gitlab_unusable};
pub use junit::{
    JunitSuite, junit_cases, junit_document, junit_suite, junit_unusable, junit_unusable_suite,
};
pub use sarif::{sarif_document, sarif_results, sarif_unusable};
pub use text::{FindingText, finding_text};

/// Text for people, grouped by severity.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckText {
    /// Leave the notes out (`--quiet`): a CI log shows what needs acting on.
    pub quiet: bool,
}

/// JSON with stable field names and a receipt.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckJson;

/// JUnit XML for CI dashboards.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckJunit;

fn subject_id(check: &CheckReport<'_>, s: &Subject) -> String {
    let rubric = check.report.rubric;
    match s {
        Subject::Indicator(i) => rubric.indicators[*i].id.clone(),
        Subject::UnknownIndicator(k) => k.clone(),
        Subject::Total => "total".into(),
        Subject::Grade => "grade".into(),
        Subject::Consistency(k) => rubric.consistency[*k].id.clone(),
        Subject::File => "file".into(),
        Subject::Rubric => rubric.meta.id.clone(),
    }
}

fn subject_kind(s: &Subject) -> &'static str {
    match s {
        Subject::Indicator(_) | Subject::UnknownIndicator(_) => "indicator",
        Subject::Total => "total",
        Subject::Grade => "grade",
        Subject::Consistency(_) => "consistency",
        Subject::File => "file",
        Subject::Rubric => "rubric",
    }
}

fn verdict(check: &CheckReport<'_>) -> std::borrow::Cow<'static, str> {
    match (check.passed(), check.count(Severity::Warning)) {
        (false, _) => t!("check.verdict_fail"),
        (true, 0) => t!("check.verdict_pass"),
        (true, _) => t!("check.verdict_pass_with_warnings"),
    }
}

/// `error: ` or `错误：` before a finding's message. The severity stays an identifier
/// (`error`, `warning`, `note`) in JSON, SARIF and GitLab; this is its word for people.
pub(super) fn severity_prefix(severity: Severity) -> std::borrow::Cow<'static, str> {
    match severity {
        Severity::Error => t!("check.prefix_error"),
        Severity::Warning => t!("check.prefix_warning"),
        Severity::Note => t!("check.prefix_note"),
    }
}

impl Render<CheckReport<'_>> for CheckText {
    fn render(&self, check: &CheckReport<'_>) -> Vec<u8> {
        let report = &check.report;
        let facts = report.facts;
        let file = crate::diagnostic::show_path(facts.source.name());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            t!(
                "check.text_header",
                file = file,
                department = facts.department,
                year = facts.year,
                rubric = report.rubric.meta.id,
                version = report.rubric.meta.version,
                strict = if check.strict { " · --strict" } else { "" }
            )
        );
        let _ = writeln!(
            out,
            "{}",
            t!(
                "check.computed_total",
                total = report.total,
                grade = report.grade
            )
        );
        for severity in [Severity::Error, Severity::Warning, Severity::Note] {
            let group: Vec<&Finding> = check
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .collect();
            if group.is_empty() || (self.quiet && severity == Severity::Note) {
                continue;
            }
            let title = match severity {
                Severity::Error => t!("check.group_errors", count = group.len()),
                Severity::Warning => t!("check.group_warnings", count = group.len()),
                Severity::Note => t!("check.group_notes", count = group.len()),
            };
            let _ = writeln!(out, "\n{title}");
            for f in group {
                let text = finding_text(check, f);
                let _ = writeln!(out, "  {}{}", severity_prefix(severity), text.message);
                if !f.lines.is_empty() {
                    // One `file:line:col` per place, the form editors and CI tools read.
                    let places: Vec<String> =
                        f.lines.iter().map(|l| facts.source.locus_of(*l)).collect();
                    let _ = writeln!(out, "    --> {}", places.join(", "));
                }
                for d in &text.details {
                    let _ = writeln!(out, "    {d}");
                }
            }
        }
        let agree = check
            .cases
            .iter()
            .filter(|c| matches!(c.subject, Subject::Indicator(_)) && c.findings.is_empty())
            .count();
        let _ = writeln!(
            out,
            "\n{}",
            t!(
                "check.summary",
                verdict = verdict(check),
                errors = check.count(Severity::Error),
                warnings = check.count(Severity::Warning),
                notes = check.count(Severity::Note),
                agree = agree,
                indicators = report.rubric.indicators.len()
            )
        );
        out.into_bytes()
    }
}

#[derive(Serialize)]
struct WireCheck<'a> {
    receipt: Receipt<'a>,
    strict: bool,
    passed: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    computed_total: String,
    computed_grade: &'a str,
    claimed_total: Option<String>,
    claimed_grade: Option<&'a str>,
    findings: Vec<WireFinding>,
}

#[derive(Serialize)]
struct WireFinding {
    severity: &'static str,
    kind: &'static str,
    subject: &'static str,
    id: String,
    message: String,
    details: Vec<String>,
    /// What the finding says as values (figures, facts, formulas), in every language
    /// the same.
    values: serde_json::Value,
    /// Lines of a TOML file; empty for a workbook, whose places are `cells`.
    lines: Vec<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cells: Vec<String>,
}

impl Render<CheckReport<'_>> for CheckJson {
    fn render(&self, check: &CheckReport<'_>) -> Vec<u8> {
        let report = &check.report;
        let claimed = &report.facts.claimed;
        let wire = WireCheck {
            receipt: receipt(report),
            strict: check.strict,
            passed: check.passed(),
            errors: check.count(Severity::Error),
            warnings: check.count(Severity::Warning),
            notes: check.count(Severity::Note),
            computed_total: report.total.to_string(),
            computed_grade: &report.grade,
            claimed_total: claimed.total.as_ref().map(|(t, _)| t.to_string()),
            claimed_grade: claimed.grade.as_ref().map(|(g, _)| g.as_str()),
            findings: check
                .findings
                .iter()
                .map(|f| {
                    let text = finding_text(check, f);
                    let subject = f.subject();
                    WireFinding {
                        severity: f.severity.name(),
                        kind: f.kind().name(),
                        subject: subject_kind(&subject),
                        id: subject_id(check, &subject),
                        message: text.message,
                        details: text.details,
                        values: values::finding_values(check, &f.says),
                        lines: if report.facts.source.is_workbook() {
                            Vec::new()
                        } else {
                            f.lines.iter().map(|l| l.line).collect()
                        },
                        cells: cells_of(&report.facts.source, &f.lines),
                    }
                })
                .collect(),
        };
        let mut out = serde_json::to_vec_pretty(&wire).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

impl Render<CheckReport<'_>> for CheckJunit {
    fn render(&self, check: &CheckReport<'_>) -> Vec<u8> {
        junit_document(&[junit_suite(check)])
    }
}

/// GitLab Code Quality issues of one checked file.
/// The workbook cells (`部门预算!B3`) of a finding's places, for a workbook source.
fn cells_of(
    source: &crate::diagnostic::SourceFile,
    places: &[crate::diagnostic::Position],
) -> Vec<String> {
    places
        .iter()
        .filter_map(|p| source.cell_of_line(p.line))
        .map(|c| c.reference())
        .collect()
}
