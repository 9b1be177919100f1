//! SARIF 2.1.0 for GitHub code scanning: a result per finding, at its place.

use super::*;

/// Each kind of finding as a SARIF rule (one rule id per kind), plus the unusable file.
pub(super) const SARIF_RULES: [&str; 11] = [
    "rescored",
    "differs",
    "overridden",
    "unknown_indicator",
    "not_claimed",
    "claim_sum",
    "grade",
    "consistency",
    "not_checked",
    "rubric_lint",
    "unusable_input",
];

/// A SARIF rule's short description, in the language of the run.
fn rule_description(id: &str) -> std::borrow::Cow<'static, str> {
    match id {
        "rescored" => t!("check.rule_rescored"),
        "differs" => t!("check.rule_differs"),
        "overridden" => t!("check.rule_overridden"),
        "unknown_indicator" => t!("check.rule_unknown_indicator"),
        "not_claimed" => t!("check.rule_not_claimed"),
        "claim_sum" => t!("check.rule_claim_sum"),
        "grade" => t!("check.rule_grade"),
        "consistency" => t!("check.rule_consistency"),
        "not_checked" => t!("check.rule_not_checked"),
        "rubric_lint" => t!("check.rule_rubric_lint"),
        _ => t!("check.rule_unusable_input"),
    }
}

pub(super) fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A relative path as a URI reference, from the path's own bytes: each segment
/// percent-encoded (`#`, `%`, `\\`, spaces and non-ASCII alike), so that
/// `年度 #1/a%20b.toml` names that file and no other.
pub(super) fn uri_of(path: &std::path::Path) -> String {
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

pub(super) fn sarif_location(
    file: &std::path::Path,
    line: Option<(usize, usize)>,
) -> serde_json::Value {
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
            let FindingText { message, details } = finding_text(check, f);
            let mut text = message;
            if source.is_workbook() {
                for l in &f.lines {
                    text.push_str(&format!("\n--> {}", source.locus_of(*l)));
                }
            }
            for d in &details {
                text.push('\n');
                text.push_str(d);
            }
            serde_json::json!({
                "ruleId": f.kind().name(),
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
        .map(|id| {
            serde_json::json!({
                "id": id,
                "shortDescription": { "text": rule_description(id) },
            })
        })
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
