//! What `--set` changed, said the same way by every output: which facts, from what to
//! what, and how far the total moved.

use crate::score::Report;
use crate::whatif::shown;

/// Lines for a text output; empty when nothing was set.
pub fn lines(report: &Report<'_>) -> Vec<String> {
    let changes = &report.facts.changes;
    if changes.is_empty() {
        return Vec::new();
    }
    let mut out = vec!["假设情形（--set，仅本次计算，不改动文件）：".to_string()];
    for c in changes {
        let decl = &report.rubric.facts[c.fact];
        out.push(format!(
            "  {}（{}）：{} → {}",
            decl.path,
            decl.label,
            shown(report.rubric, c.fact, c.before.as_ref()),
            shown(report.rubric, c.fact, Some(&c.after))
        ));
    }
    match &report.baseline {
        Some(b) => out.push(format!(
            "  总分 {} → {}（{}），等级 {} → {}",
            b.total,
            report.total,
            signed(report.total - b.total),
            b.grade,
            report.grade
        )),
        None => out.push("  原文件不能计分，无法比较总分".to_string()),
    }
    out
}

/// `+0.39`, `-1.20`, `0.00`.
pub fn signed(d: rust_decimal::Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{d}")
    } else {
        d.to_string()
    }
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
