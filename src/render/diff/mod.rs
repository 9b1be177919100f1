//! `perfeval diff` as a table (for people, like `score`'s) and as JSON (stable field
//! names, every decimal a string): of two facts files ([`Diff`]) or two batch outputs
//! ([`BatchDiff`]).
//!
//! This file holds the two renderers and the texts every format of a comparison shares
//! (the HTML page's too); the table is laid out in `table`, the JSON's wire structs and
//! their filling are in `json`.

use rust_decimal::Decimal;
use rust_i18n::t;

use crate::diff::batch::{BatchDiff, BatchRow, FileDiff};
use crate::diff::{Diff, FactChange, FactShown, Presence, Side};

mod json;
mod table;

/// The table renderer; `width` fixes the width in terminal columns.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffTable {
    pub width: Option<u16>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DiffJson;

/// A change with its sign: `+0.88`, `-0.01`, `0.00`.
pub(crate) fn signed(d: Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

/// What the 变化 column says of an indicator.
pub(crate) fn change_text(presence: Presence, change: Option<Decimal>) -> String {
    match (presence, change) {
        (Presence::OnlyNew, _) => t!("diff.added").into_owned(),
        (Presence::OnlyOld, _) => t!("diff.removed").into_owned(),
        (Presence::Both, Some(c)) if !c.is_zero() => signed(c),
        (Presence::Both, _) => String::new(),
    }
}

pub(crate) fn score_text(s: Option<Decimal>) -> String {
    s.map_or_else(|| "—".to_string(), |s| s.to_string())
}

fn shown(s: Option<&FactShown>) -> String {
    s.map_or_else(|| t!("diff.not_filled").into_owned(), |s| s.text.clone())
}

fn at(s: Option<&FactShown>) -> &str {
    s.and_then(|s| s.at.as_deref()).unwrap_or("—")
}

/// `<label>（procurement.actual）：157.46 万元 → 150 万元`.
pub(crate) fn fact_line(c: &FactChange) -> String {
    t!(
        "diff.fact_line",
        label = c.label,
        path = c.path,
        old = shown(c.old.as_ref()),
        new = shown(c.new.as_ref())
    )
    .into_owned()
}

/// `位置：old.toml:45 → new.toml:45`.
pub(crate) fn fact_places(c: &FactChange) -> String {
    t!(
        "diff.fact_places",
        old = at(c.old.as_ref()),
        new = at(c.new.as_ref())
    )
    .into_owned()
}

pub(crate) fn side_line(s: &Side) -> String {
    t!(
        "diff.side_line",
        file = s.file,
        department = s.department,
        year = s.year,
        title = s.rubric_title,
        id = s.rubric_id,
        version = s.rubric_version
    )
    .into_owned()
}

pub(crate) fn rubric_note(d: &Diff) -> Option<String> {
    (!d.same_rubric()).then(|| {
        t!(
            "diff.rubric_note",
            old_id = d.old.rubric_id,
            old_version = d.old.rubric_version,
            new_id = d.new.rubric_id,
            new_version = d.new.rubric_version
        )
        .into_owned()
    })
}

pub(crate) fn summary_lines(d: &Diff) -> Vec<String> {
    let mut out = vec![
        t!(
            "diff.summary_total",
            old = d.total.old,
            new = d.total.new,
            change = signed(d.total.change),
            old_grade = d.old.grade,
            new_grade = d.new.grade
        )
        .into_owned(),
        t!(
            "diff.summary_counts",
            changed = d.changed().filter(|i| i.leaf).count(),
            added = d.count(Presence::OnlyNew),
            removed = d.count(Presence::OnlyOld)
        )
        .into_owned(),
    ];
    if d.old.strict || d.new.strict {
        out.push(t!("diff.strict").into_owned());
    }
    out
}

/// The file as people know it: its path, and the old path when it moved.
pub(crate) fn file_name(f: &FileDiff) -> String {
    match (&f.old, &f.new) {
        (Some(a), Some(b)) if a.path != b.path => {
            t!("diff.file_moved", path = b.path, old = a.path).into_owned()
        }
        _ => f.row().map(|r| r.path.clone()).unwrap_or_default(),
    }
}

pub(crate) fn total_text(r: Option<&BatchRow>) -> String {
    match r {
        None => "—".into(),
        Some(r) if r.error.is_some() => t!("diff.unscorable").into_owned(),
        Some(r) => score_text(r.total),
    }
}

pub(crate) fn file_change(f: &FileDiff) -> String {
    match f.presence() {
        Presence::OnlyNew => t!("diff.only_new").into_owned(),
        Presence::OnlyOld => t!("diff.only_old").into_owned(),
        Presence::Both => f.change.map_or_else(String::new, |c| {
            if c.is_zero() {
                String::new()
            } else {
                signed(c)
            }
        }),
    }
}

pub(crate) fn grade_text(f: &FileDiff) -> String {
    let g = |r: &Option<BatchRow>| match r {
        Some(r) if !r.grade.is_empty() => r.grade.clone(),
        _ => "—".to_string(),
    };
    match f.presence() {
        Presence::Both if f.old.as_ref().map(|r| &r.grade) == f.new.as_ref().map(|r| &r.grade) => {
            g(&f.new)
        }
        Presence::Both => format!("{} → {}", g(&f.old), g(&f.new)),
        _ => g(if f.new.is_some() { &f.new } else { &f.old }),
    }
}

pub(crate) fn batch_summary(d: &BatchDiff) -> String {
    t!(
        "diff.batch_summary",
        files = d.files.len(),
        differ = d.files.iter().filter(|f| f.differs()).count(),
        only_new = d.count(Presence::OnlyNew),
        only_old = d.count(Presence::OnlyOld)
    )
    .into_owned()
}
