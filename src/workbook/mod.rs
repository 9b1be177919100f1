//! Facts in an Excel workbook: the fill-in 自评表 finance staff use instead of TOML.
//!
//! [`write::facts_workbook`] writes a workbook for a rubric, empty (`perfeval init --format
//! xlsx`) or holding a facts file's values (`perfeval convert`). [`read::read_workbook`]
//! turns a workbook back into a facts source: TOML text with one value per line and, for
//! each line, the cell it came from. Every later stage (reading facts against the rubric,
//! plausibility, scoring, `check`) is the one TOML files go through, and every message
//! names the sheet and cell (`预算!B3`) instead of a line.
//!
//! Both sides share [`layout`]: sheet names and the titles that identify each column, so
//! a workbook whose columns were moved or widened still reads.

pub mod layout;
pub mod read;
pub mod write;

pub use read::{is_workbook, read_workbook, rubric_id};
pub use write::facts_workbook;

use rust_i18n::t;

use crate::facts::Facts;
use crate::rubric::Rubric;

/// The first way two readings of the same facts differ, ignoring where each value was
/// written: what a conversion must not change. Decimals are compared with their scale
/// (`93.00%` is not `93%`), claims by the indicator they name.
pub fn difference(rubric: &Rubric, a: &Facts, b: &Facts) -> Option<String> {
    if a.rubric_id != b.rubric_id {
        return Some(
            t!(
                "workbook.changed_rubric",
                old = a.rubric_id,
                new = b.rubric_id
            )
            .into_owned(),
        );
    }
    if a.department != b.department || a.year != b.year {
        return Some(t!("workbook.changed_department_or_year").into_owned());
    }
    for (i, (x, y)) in a.values.iter().zip(&b.values).enumerate() {
        // Compared with every decimal written (2855.070 is not 2855.07 here); shown to
        // people as the facts file would show it.
        let exact = |e: &Option<crate::facts::FactEntry>| {
            e.as_ref()
                .map(|e| format!("{:?} {:?} {:?}", e.value, e.reason, e.note))
        };
        if exact(x) != exact(y) {
            let shown = |e: &Option<crate::facts::FactEntry>| match e {
                None => t!("workbook.absent").into_owned(),
                Some(e) => {
                    let mut text = crate::whatif::shown(rubric, i, Some(e));
                    if let Some(reason) = &e.reason {
                        text.push_str(&t!("workbook.entry_reason", reason = reason));
                    }
                    if let Some(note) = &e.note {
                        text.push_str(&t!("workbook.entry_note", note = note));
                    }
                    text
                }
            };
            return Some(
                t!(
                    "workbook.changed_fact",
                    path = rubric.facts[i].path,
                    label = rubric.facts[i].label,
                    old = shown(x),
                    new = shown(y)
                )
                .into_owned(),
            );
        }
    }
    let items = |f: &Facts| -> Vec<String> {
        f.items
            .iter()
            .map(|i| {
                format!(
                    "{} {:?} {} {:?} {:?} {:?} {:?}",
                    i.group, i.level2, i.name, i.weight, i.unit, i.value, i.deviation
                )
            })
            .collect()
    };
    if items(a) != items(b) {
        return Some(t!("workbook.changed_lists").into_owned());
    }
    let overrides = |f: &Facts| -> Vec<String> {
        f.overrides
            .iter()
            .map(|o| format!("{} {:?} {}", o.indicator, o.score, o.reason))
            .collect()
    };
    if overrides(a) != overrides(b) {
        return Some(t!("workbook.changed_overrides").into_owned());
    }
    let claims = |f: &Facts| -> Vec<String> {
        let mut v: Vec<String> = f
            .claimed
            .scores
            .iter()
            .map(|c| match c.indicator {
                Some(i) => format!("#{i} {:?}", c.score),
                None => format!("{} {:?}", c.key, c.score),
            })
            .collect();
        v.sort();
        v.push(format!(
            "{:?} {:?}",
            f.claimed.total.as_ref().map(|t| t.0),
            f.claimed.grade.as_ref().map(|g| &g.0)
        ));
        v
    };
    if claims(a) != claims(b) {
        return Some(t!("workbook.changed_claims").into_owned());
    }
    None
}
