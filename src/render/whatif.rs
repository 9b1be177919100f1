//! What `--set` changed, said the same way by every output: which facts, from what to
//! what, and how far the total moved.

use rust_i18n::t;

use crate::score::Report;
use crate::whatif::shown;

/// Lines for a text output; empty when nothing was set.
pub fn lines(report: &Report<'_>) -> Vec<String> {
    let changes = &report.facts.changes;
    if changes.is_empty() {
        return Vec::new();
    }
    let mut out = vec![t!("whatif_report.header").into_owned()];
    for c in changes {
        let decl = &report.rubric.facts[c.fact];
        out.push(
            t!(
                "whatif_report.change",
                fact = decl.path,
                label = decl.label,
                before = shown(report.rubric, c.fact, c.before.as_ref()),
                after = shown(report.rubric, c.fact, Some(&c.after))
            )
            .into_owned(),
        );
    }
    out.push(
        match &report.baseline {
            Some(b) => t!(
                "whatif_report.total_change",
                before = b.total,
                after = report.total,
                change = super::diff::signed(report.total - b.total),
                grade_before = b.grade,
                grade_after = report.grade
            ),
            None => t!("whatif_report.no_baseline"),
        }
        .into_owned(),
    );
    out
}

/// The `what_if` member of a JSON result, when anything was set.
pub fn json(report: &Report<'_>) -> Option<serde_json::Value> {
    let changes = &report.facts.changes;
    if changes.is_empty() {
        return None;
    }
    let facts: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            let decl = &report.rubric.facts[c.fact];
            serde_json::json!({
                "fact": decl.path,
                "label": decl.label,
                "set": c.given,
                "from": c.before.as_ref().map(|b| shown(report.rubric, c.fact, Some(b))),
                "to": shown(report.rubric, c.fact, Some(&c.after)),
            })
        })
        .collect();
    Some(serde_json::json!({
        "changes": facts,
        "baseline_total": report.baseline.as_ref().map(|b| b.total.to_string()),
        "baseline_grade": report.baseline.as_ref().map(|b| b.grade.clone()),
        "total_change": report.baseline.as_ref().map(|b| (report.total - b.total).to_string()),
    }))
}
