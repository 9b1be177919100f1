//! Outputs of `perfeval check`: text grouped by severity, JSON with a receipt, and JUnit
//! XML with one test case per indicator, total, grade and consistency check.

use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;

use super::Render;
use super::json::{WireReceipt, receipt};
use crate::check::{CheckReport, Finding, Subject};
use crate::rubric::Severity;

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

fn verdict(check: &CheckReport<'_>) -> &'static str {
    match (check.passed(), check.count(Severity::Warning)) {
        (false, _) => "FAIL",
        (true, 0) => "PASS",
        (true, _) => "PASS with warnings",
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
            "perfeval check {file}: {} · {} 年度 · {} v{}{}",
            facts.department,
            facts.year,
            report.rubric.meta.id,
            report.rubric.meta.version,
            if check.strict { " · --strict" } else { "" }
        );
        let _ = writeln!(out, "computed total {} ({})", report.total, report.grade);
        for (severity, title) in [
            (Severity::Error, "errors"),
            (Severity::Warning, "warnings"),
            (Severity::Note, "notes"),
        ] {
            let group: Vec<&Finding> = check
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .collect();
            if group.is_empty() || (self.quiet && severity == Severity::Note) {
                continue;
            }
            let _ = writeln!(out, "\n{title} ({}):", group.len());
            for f in group {
                let _ = writeln!(out, "  {}: {}", severity.name(), f.message);
                if !f.lines.is_empty() {
                    // One `file:line:col` per place, the form editors and CI tools read.
                    let places: Vec<String> =
                        f.lines.iter().map(|l| facts.source.locus_of(*l)).collect();
                    let _ = writeln!(out, "    --> {}", places.join(", "));
                }
                for d in &f.details {
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
            "\n{}: {} errors, {} warnings, {} notes; {agree} of {} indicators without findings",
            verdict(check),
            check.count(Severity::Error),
            check.count(Severity::Warning),
            check.count(Severity::Note),
            report.rubric.indicators.len(),
        );
        out.into_bytes()
    }
}

#[derive(Serialize)]
struct WireCheck<'a> {
    receipt: WireReceipt<'a>,
    strict: bool,
    passed: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    computed_total: String,
    computed_grade: &'a str,
    claimed_total: Option<String>,
    claimed_grade: Option<&'a str>,
    findings: Vec<WireFinding<'a>>,
}

#[derive(Serialize)]
struct WireFinding<'a> {
    severity: &'static str,
    kind: &'static str,
    subject: &'static str,
    id: String,
    message: &'a str,
    details: &'a [String],
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
                .map(|f| WireFinding {
                    severity: f.severity.name(),
                    kind: f.kind.name(),
                    subject: subject_kind(&f.subject),
                    id: subject_id(check, &f.subject),
                    message: &f.message,
                    details: &f.details,
                    lines: if report.facts.source.is_workbook() {
                        Vec::new()
                    } else {
                        f.lines.iter().map(|l| l.line).collect()
                    },
                    cells: cells_of(&report.facts.source, &f.lines),
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

/// One facts file's `<testsuite>` of a JUnit report, with its counts: `check` over many
/// files writes one document with a suite per file.
#[derive(Debug, Clone)]
pub struct JunitSuite {
    xml: Vec<u8>,
    tests: usize,
    failures: usize,
    errors: usize,
}

/// The suite of a checked file.
pub fn junit_suite(check: &CheckReport<'_>) -> JunitSuite {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail; the results are ignored for that reason.
    let (tests, failures) = junit_counts(check);
    let _ = write_suite(&mut writer, check);
    JunitSuite {
        xml: writer.into_inner(),
        tests,
        failures,
        errors: 0,
    }
}

/// `<testsuites>` around the suites, with the totals.
pub fn junit_document(suites: &[JunitSuite]) -> Vec<u8> {
    let total = |f: fn(&JunitSuite) -> usize| suites.iter().map(f).sum::<usize>().to_string();
    let (tests, failures, errors) = (
        total(|s| s.tests),
        total(|s| s.failures),
        total(|s| s.errors),
    );
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = w
        .create_element("testsuites")
        .with_attribute(("name", "perfeval"))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", errors.as_str()))
        .write_inner_content(|w| {
            for suite in suites {
                w.get_mut().push(b'\n');
                w.get_mut().extend_from_slice(&suite.xml);
            }
            w.get_mut().push(b'\n');
            Ok(())
        });
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

/// Test cases and failing cases (JUnit allows one `<failure>` per case).
fn junit_counts(check: &CheckReport<'_>) -> (usize, usize) {
    let failures = check
        .cases
        .iter()
        .filter(|c| {
            c.findings
                .iter()
                .any(|k| check.findings[*k].severity == Severity::Error)
        })
        .count();
    (check.cases.len(), failures)
}

/// Text as XML 1.0 allows it: control characters other than tab, newline and carriage
/// return become U+FFFD (quick-xml escapes `<`, `&` and quotes, but cannot make these
/// legal).
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

fn finding_body(f: &Finding, source: &crate::diagnostic::SourceFile) -> String {
    std::iter::once(f.message.clone())
        .chain(
            f.lines
                .iter()
                .map(|l| format!("--> {}", source.locus_of(*l))),
        )
        .chain(f.details.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_suite(w: &mut Writer<Vec<u8>>, check: &CheckReport<'_>) -> std::io::Result<()> {
    let report = &check.report;
    let facts = report.facts;
    let file = xml_text(&crate::diagnostic::show_path(facts.source.name()));
    let is_error = |k: &usize| check.findings[*k].severity == Severity::Error;
    // JUnit allows one <failure> per test case: a case with several errors gets one
    // failure that lists them all, and the count is of failing cases.
    let (tests, failures) = junit_counts(check);
    let (tests, failures) = (tests.to_string(), failures.to_string());
    let suite = format!("perfeval check {file}");
    w.create_element("testsuite")
        .with_attribute(("name", suite.as_str()))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", "0"))
        .write_inner_content(|w| {
            for case in &check.cases {
                let classname = xml_text(&format!(
                    "{}.{}",
                    report.rubric.meta.id,
                    subject_kind(&case.subject)
                ));
                let name = xml_text(&format!(
                    "{} [{}]",
                    case.name,
                    subject_id(check, &case.subject)
                ));
                let element = w
                    .create_element("testcase")
                    .with_attribute(("classname", classname.as_str()))
                    .with_attribute(("name", name.as_str()))
                    .with_attribute(("file", file.as_str()));
                if case.findings.is_empty() {
                    element.write_empty()?;
                    continue;
                }
                element.write_inner_content(|w| {
                    let errors: Vec<&Finding> = case
                        .findings
                        .iter()
                        .filter(|k| is_error(k))
                        .map(|&k| &check.findings[k])
                        .collect();
                    if let Some(first) = errors.first() {
                        let message = match errors.len() {
                            1 => first.message.clone(),
                            n => format!("{} (and {} more)", first.message, n - 1),
                        };
                        let body = errors
                            .iter()
                            .map(|f| finding_body(f, &facts.source))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                        let kind = if errors.iter().all(|f| f.kind == first.kind) {
                            first.kind.name()
                        } else {
                            "several"
                        };
                        w.create_element("failure")
                            .with_attribute(("type", kind))
                            .with_attribute(("message", xml_text(&message).as_str()))
                            .write_text_content(BytesText::new(&xml_text(&body)))?;
                    }
                    let other: String = case
                        .findings
                        .iter()
                        .filter(|k| !is_error(k))
                        .map(|&k| {
                            let f = &check.findings[k];
                            format!(
                                "{}: {}\n",
                                f.severity.name(),
                                finding_body(f, &facts.source)
                            )
                        })
                        .collect();
                    if !other.is_empty() {
                        w.create_element("system-out")
                            .write_text_content(BytesText::new(&xml_text(&other)))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// JUnit for a facts file that could not be read at all, so that a CI pipeline publishing
/// the report shows the failure instead of an empty file.
pub fn junit_unusable(file: &str, message: &str) -> Vec<u8> {
    junit_document(&[junit_unusable_suite(file, message)])
}

/// The suite of a file that could not be used: one test case with an `<error>`.
pub fn junit_unusable_suite(file: &str, message: &str) -> JunitSuite {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let file = xml_text(file);
    let message = xml_text(message);
    let first = message.lines().next().unwrap_or("").to_string();
    let suite = format!("perfeval check {file}");
    let _ = w
        .create_element("testsuite")
        .with_attribute(("name", suite.as_str()))
        .with_attribute(("tests", "1"))
        .with_attribute(("failures", "0"))
        .with_attribute(("errors", "1"))
        .write_inner_content(|w| {
            w.create_element("testcase")
                .with_attribute(("classname", "perfeval.input"))
                .with_attribute(("name", "the facts file can be read [input]"))
                .with_attribute(("file", file.as_str()))
                .write_inner_content(|w| {
                    w.create_element("error")
                        .with_attribute(("type", "unusable_input"))
                        .with_attribute(("message", first.as_str()))
                        .write_text_content(BytesText::new(&message))?;
                    Ok(())
                })?;
            Ok(())
        });
    JunitSuite {
        xml: w.into_inner(),
        tests: 1,
        failures: 0,
        errors: 1,
    }
}

/// Each kind of finding as a SARIF rule (one rule id per kind), plus the unusable file.
const SARIF_RULES: [(&str, &str); 11] = [
    (
        "rescored",
        "The file is scored under a rubric other than the one it names",
    ),
    ("differs", "A claimed score differs from the computed one"),
    (
        "overridden",
        "A score comes from an override in the facts file",
    ),
    (
        "unknown_indicator",
        "A claimed score names no indicator of the rubric",
    ),
    ("not_claimed", "A score the submission does not claim"),
    (
        "claim_sum",
        "A claimed subtotal or total is not the sum of the claims under it",
    ),
    ("grade", "The claimed grade does not match the total"),
    (
        "consistency",
        "Figures of the submission disagree with each other",
    ),
    (
        "not_checked",
        "A consistency check could not be run on these figures",
    ),
    ("rubric_lint", "The rubric in use has a lint"),
    ("unusable_input", "The facts file cannot be read or scored"),
];

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A relative path as a URI reference, from the path's own bytes: each segment
/// percent-encoded (`#`, `%`, `\\`, spaces and non-ASCII alike), so that
/// `年度 #1/a%20b.toml` names that file and no other.
fn uri_of(path: &std::path::Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    bytes
        .split(|b| *b == b'/')
        .map(|segment| {
            segment
                .iter()
                .map(|&b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn sarif_location(file: &std::path::Path, line: Option<(usize, usize)>) -> serde_json::Value {
    let mut physical = serde_json::json!({ "artifactLocation": { "uri": uri_of(file) } });
    if let Some((line, column)) = line {
        physical["region"] = serde_json::json!({ "startLine": line, "startColumn": column });
    }
    serde_json::json!({ "physicalLocation": physical })
}

/// SARIF results of one checked file: one per finding, at each of its places.
pub fn sarif_results(check: &CheckReport<'_>) -> Vec<serde_json::Value> {
    let file = check.report.facts.source.name();
    check
        .findings
        .iter()
        .map(|f| {
            let source = &check.report.facts.source;
            // A workbook has no lines: the file is the location, the cells are named in
            // the message.
            let locations: Vec<serde_json::Value> = if f.lines.is_empty() || source.is_workbook() {
                vec![sarif_location(file, None)]
            } else {
                f.lines
                    .iter()
                    .map(|l| sarif_location(file, Some((l.line, l.char_column))))
                    .collect()
            };
            let mut text = f.message.clone();
            if source.is_workbook() {
                for l in &f.lines {
                    text.push_str(&format!("\n--> {}", source.locus_of(*l)));
                }
            }
            for d in &f.details {
                text.push('\n');
                text.push_str(d);
            }
            serde_json::json!({
                "ruleId": f.kind.name(),
                "level": sarif_level(f.severity),
                "message": { "text": text },
                "locations": locations,
            })
        })
        .collect()
}

/// The SARIF result of a file that could not be used.
pub fn sarif_unusable(file: &std::path::Path, message: &str) -> serde_json::Value {
    serde_json::json!({
        "ruleId": "unusable_input",
        "level": "error",
        "message": { "text": message.trim_end() },
        "locations": [sarif_location(file, None)],
    })
}

/// A SARIF 2.1.0 log of one run of perfeval.
pub fn sarif_document(results: Vec<serde_json::Value>) -> Vec<u8> {
    let rules: Vec<serde_json::Value> = SARIF_RULES
        .iter()
        .map(|(id, text)| serde_json::json!({ "id": id, "shortDescription": { "text": text } }))
        .collect();
    let doc = serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "perfeval",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
            // Columns count characters, as editors do.
            "columnKind": "unicodeCodePoints",
        }],
    });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
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

pub fn gitlab_issues(check: &CheckReport<'_>) -> Vec<serde_json::Value> {
    let source = &check.report.facts.source;
    let file = crate::diagnostic::show_path(source.name());
    check
        .findings
        .iter()
        .map(|f| {
            let severity = match f.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Note => "info",
            };
            if source.is_workbook() {
                // A workbook has no lines: line 1, the cells in the description, and so
                // in the fingerprint, which then survives edits elsewhere in the file.
                let cells = cells_of(source, &f.lines);
                let description = if cells.is_empty() {
                    f.message.clone()
                } else {
                    format!("{} ({})", f.message, cells.join(", "))
                };
                return gitlab_issue(&file, f.kind.name(), &description, severity, 1);
            }
            let line = f.lines.first().map_or(1, |l| l.line);
            gitlab_issue(&file, f.kind.name(), &f.message, severity, line)
        })
        .collect()
}

/// The GitLab issue of a file that could not be used.
pub fn gitlab_unusable(file: &str, message: &str) -> serde_json::Value {
    let first = message.lines().next().unwrap_or("");
    // A workbook's place is on the next line (` --> file 部门预算!B2 (label)`).
    let description = match message.lines().nth(1).map(str::trim) {
        Some(at) if at.starts_with("--> ") && !ends_with_line_and_column(at) => {
            format!("{first} ({})", at.trim_start_matches("--> "))
        }
        _ => first.to_string(),
    };
    gitlab_issue(file, "unusable_input", &description, "blocker", 1)
}

/// Whether a place is written `file:line:col` (a text file), not `file 部门预算!B2`.
fn ends_with_line_and_column(at: &str) -> bool {
    let mut parts = at.rsplitn(3, ':');
    let numeric =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    numeric(parts.next()) && numeric(parts.next())
}

fn gitlab_issue(
    file: &str,
    check_name: &str,
    description: &str,
    severity: &str,
    line: usize,
) -> serde_json::Value {
    // Stable across runs for the same finding at the same place, as GitLab requires to
    // tell new findings from fixed ones.
    let fingerprint = crate::diagnostic::sha256_hex(
        format!("{file}\0{check_name}\0{line}\0{description}").as_bytes(),
    );
    serde_json::json!({
        "description": description,
        "check_name": check_name,
        "fingerprint": fingerprint,
        "severity": severity,
        "location": { "path": file, "lines": { "begin": line } },
    })
}

/// A GitLab Code Quality report: a JSON array of issues.
pub fn gitlab_document(issues: Vec<serde_json::Value>) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&serde_json::Value::Array(issues)).unwrap_or_default();
    out.push(b'\n');
    out
}

/// JUnit for rubric tests: a suite per test file, a case per test case.
pub fn junit_cases(results: &[crate::rubric_test::CaseResult]) -> Vec<u8> {
    let mut files: Vec<&std::path::Path> = Vec::new();
    for r in results {
        if !files.contains(&r.file.as_path()) {
            files.push(&r.file);
        }
    }
    let suites: Vec<JunitSuite> = files
        .iter()
        .map(|file| {
            let mine: Vec<&crate::rubric_test::CaseResult> =
                results.iter().filter(|r| r.file == *file).collect();
            let name = xml_text(&crate::diagnostic::show_path(file));
            let tests = mine.len().to_string();
            let failed = mine.iter().filter(|r| !r.passed()).count();
            let failures = failed.to_string();
            let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
            let _ = w
                .create_element("testsuite")
                .with_attribute(("name", name.as_str()))
                .with_attribute(("tests", tests.as_str()))
                .with_attribute(("failures", failures.as_str()))
                .with_attribute(("errors", "0"))
                .write_inner_content(|w| {
                    for r in &mine {
                        let case_name = xml_text(&r.name);
                        let element = w
                            .create_element("testcase")
                            .with_attribute(("classname", "perfeval.rubric_test"))
                            .with_attribute(("name", case_name.as_str()))
                            .with_attribute(("file", name.as_str()));
                        if r.passed() {
                            element.write_empty()?;
                        } else {
                            let first = xml_text(&r.failures[0]);
                            let body = xml_text(&r.failures.join("\n"));
                            element.write_inner_content(|w| {
                                w.create_element("failure")
                                    .with_attribute(("type", "rubric_test"))
                                    .with_attribute(("message", first.as_str()))
                                    .write_text_content(BytesText::new(&body))?;
                                Ok(())
                            })?;
                        }
                    }
                    Ok(())
                });
            JunitSuite {
                xml: w.into_inner(),
                tests: mine.len(),
                failures: failed,
                errors: 0,
            }
        })
        .collect();
    junit_document(&suites)
}

#[cfg(test)]
mod tests {
    use super::uri_of;
    use std::path::Path;

    #[test]
    fn sarif_uris_encode_the_paths_own_bytes() {
        assert_eq!(
            uri_of(Path::new("年度 #1/a%20b.toml")),
            "%E5%B9%B4%E5%BA%A6%20%231/a%2520b.toml"
        );
        assert_eq!(uri_of(Path::new("bs/a\\b.toml")), "bs/a%5Cb.toml");
        assert_eq!(
            uri_of(Path::new("submitted/17-wrong.toml")),
            "submitted/17-wrong.toml"
        );
    }
}
