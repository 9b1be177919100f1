//! SARIF 2.1.0 for GitHub code scanning: a result per finding, at its place.

use super::*;

/// Each kind of finding as a SARIF rule (one rule id per kind), plus the unusable file.
pub(super) const SARIF_RULES: [(&str, &str); 11] = [
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
