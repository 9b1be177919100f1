//! GitLab Code Quality: an issue per finding, fingerprinted by its place and by what it
//! says, never by its words.

use super::*;

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
            let message = finding_text(check, f).message;
            let identity = identity(check, f);
            if source.is_workbook() {
                // A workbook has no lines: line 1, the cells in the description, and so
                // in the fingerprint, which then survives edits elsewhere in the file.
                let cells = cells_of(source, &f.lines);
                let with_cells = |message: &str| {
                    if cells.is_empty() {
                        message.to_string()
                    } else {
                        format!("{message} ({})", cells.join(", "))
                    }
                };
                let description = Described {
                    text: &with_cells(&message),
                    fingerprinted: &with_cells(&identity),
                };
                return gitlab_issue(&file, f.kind().name(), description, severity, 1);
            }
            let line = f.lines.first().map_or(1, |l| l.line);
            let description = Described {
                text: &message,
                fingerprinted: &identity,
            };
            gitlab_issue(&file, f.kind().name(), description, severity, line)
        })
        .collect()
}

/// What tells a finding from the others of its file, the same in every language: what it
/// says, its subject, and for a lint of the rubric its kind, file and place there.
fn identity(check: &CheckReport<'_>, f: &Finding) -> String {
    let subject = f.subject();
    let mut identity = format!(
        "{}\0{}\0{}",
        f.says.name(),
        subject_kind(&subject),
        subject_id(check, &subject)
    );
    if let crate::check::Says::RubricLint { code, file, at, .. } = &f.says {
        // Two lints of one place (a fact unused and unbounded) differ by their code; a
        // base's lint and its variant's by their file.
        let _ = write!(
            identity,
            "\0{}\0{}",
            code.unwrap_or_default(),
            file.as_deref().unwrap_or_default()
        );
        if let Some(at) = at {
            let _ = write!(identity, "\0{}:{}", at.line, at.char_column);
        }
    }
    identity
}

/// The GitLab issue of a file that could not be used: the first line of its message, and
/// for a workbook the cell at fault (a workbook has no line to put it on).
pub fn gitlab_unusable(file: &str, message: &str, cell: Option<&str>) -> serde_json::Value {
    let first = message.lines().next().unwrap_or("");
    let description = match cell {
        Some(cell) => format!("{first} ({file} {cell})"),
        None => first.to_string(),
    };
    // The message is in the run's language; the file and the cell are what stay the same.
    let fingerprinted = cell.unwrap_or_default();
    let description = Described {
        text: &description,
        fingerprinted,
    };
    gitlab_issue(file, "unusable_input", description, "blocker", 1)
}

/// An issue's description, and what its fingerprint is computed from: the finding's
/// identity, never its words, so that the fingerprint does not change with the language.
#[derive(Clone, Copy)]
pub(super) struct Described<'a> {
    text: &'a str,
    fingerprinted: &'a str,
}

pub(super) fn gitlab_issue(
    file: &str,
    check_name: &str,
    description: Described<'_>,
    severity: &str,
    line: usize,
) -> serde_json::Value {
    // Stable across runs for the same finding at the same place, as GitLab requires to
    // tell new findings from fixed ones, and in any language.
    let fingerprint = crate::diagnostic::sha256_hex(
        format!(
            "{file}\0{check_name}\0{line}\0{}",
            description.fingerprinted
        )
        .as_bytes(),
    );
    serde_json::json!({
        "description": description.text,
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
