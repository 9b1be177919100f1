//! JUnit XML: a test case per indicator and per consistency check.

use super::*;

/// One facts file's `<testsuite>` of a JUnit report, with its counts: `check` over many
/// files writes one document with a suite per file.
#[derive(Debug, Clone)]
pub struct JunitSuite {
    pub(super) xml: Vec<u8>,
    pub(super) tests: usize,
    pub(super) failures: usize,
    pub(super) errors: usize,
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
pub(super) fn junit_counts(check: &CheckReport<'_>) -> (usize, usize) {
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
pub(super) fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// A finding's message, its places and its details, a line each.
pub(super) fn finding_body(check: &CheckReport<'_>, f: &Finding) -> String {
    let source = &check.report.facts.source;
    let FindingText { message, details } = finding_text(check, f);
    std::iter::once(message)
        .chain(
            f.lines
                .iter()
                .map(|l| format!("--> {}", source.locus_of(*l))),
        )
        .chain(details)
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn write_suite(w: &mut Writer<Vec<u8>>, check: &CheckReport<'_>) -> std::io::Result<()> {
    let report = &check.report;
    let facts = report.facts;
    let file = xml_text(&crate::diagnostic::show_path(facts.source.name()));
    let is_error = |k: &usize| check.findings[*k].severity == Severity::Error;
    // JUnit allows one <failure> per test case: a case with several errors gets one
    // failure that lists them all, and the count is of failing cases.
    let (tests, failures) = junit_counts(check);
    let (tests, failures) = (tests.to_string(), failures.to_string());
    // i18n-exempt: the suite's name, the command as typed, which CI dashboards track
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
                        let first_message = finding_text(check, first).message;
                        let message = match errors.len() {
                            1 => first_message,
                            n => t!(
                                "check.junit_and_more",
                                message = first_message,
                                more = n - 1
                            )
                            .into_owned(),
                        };
                        let body = errors
                            .iter()
                            .map(|f| finding_body(check, f))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                        let kind = if errors.iter().all(|f| f.kind() == first.kind()) {
                            first.kind().name()
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
                                "{}{}\n",
                                super::severity_prefix(f.severity),
                                finding_body(check, f)
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
    // i18n-exempt: the suite's name, the command as typed, which CI dashboards track
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
                // i18n-exempt: a JUnit case's name, which CI dashboards track across runs
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
