//! `perfeval diff --format json`: the comparison with stable field names and every
//! decimal a string, for programs.
//!
//! Separate from the table: its wire structs are a format of their own, read back by
//! other programs whatever the language of the run.

use serde::Serialize;

use super::DiffJson;
use crate::diff::batch::{BatchDiff, BatchRow};
use crate::diff::{Diff, FactChange, FactShown, Presence, Side};
use crate::number::plain;
use crate::render::Render;

#[derive(Serialize)]
struct WireDiff<'a> {
    kind: &'static str,
    old: WireSide<'a>,
    new: WireSide<'a>,
    same_rubric: bool,
    total: WireChange,
    grade: WireGrade<'a>,
    counts: WireCounts,
    indicators: Vec<WireIndicator<'a>>,
    /// Facts that changed without moving any score.
    other_facts: Vec<WireFact<'a>>,
}

#[derive(Serialize)]
struct WireSide<'a> {
    file: &'a str,
    facts_sha256: &'a str,
    department: &'a str,
    year: i64,
    rubric_id: &'a str,
    rubric_version: &'a str,
    rubric_title: &'a str,
    points: String,
    total: String,
    grade: &'a str,
    strict: bool,
}

#[derive(Serialize)]
struct WireChange {
    old: String,
    new: String,
    change: String,
}

#[derive(Serialize)]
struct WireGrade<'a> {
    old: &'a str,
    new: &'a str,
    changed: bool,
}

#[derive(Serialize)]
struct WireCounts {
    changed: usize,
    only_new: usize,
    only_old: usize,
}

#[derive(Serialize)]
struct WireIndicator<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_name: Option<&'a str>,
    level: usize,
    leaf: bool,
    /// "both", "only_new" or "only_old".
    presence: &'static str,
    changed: bool,
    old_points: Option<String>,
    new_points: Option<String>,
    old_score: Option<String>,
    new_score: Option<String>,
    change: Option<String>,
    facts: Vec<WireFact<'a>>,
}

#[derive(Serialize)]
struct WireFact<'a> {
    path: &'a str,
    label: &'a str,
    old: Option<WireValue<'a>>,
    new: Option<WireValue<'a>>,
}

#[derive(Serialize)]
struct WireValue<'a> {
    value: &'a str,
    text: &'a str,
    at: Option<&'a str>,
}

fn wire_side(s: &Side) -> WireSide<'_> {
    WireSide {
        file: &s.file,
        facts_sha256: &s.facts_sha256,
        department: &s.department,
        year: s.year,
        rubric_id: &s.rubric_id,
        rubric_version: &s.rubric_version,
        rubric_title: &s.rubric_title,
        points: plain(s.points),
        total: s.total.to_string(),
        grade: &s.grade,
        strict: s.strict,
    }
}

fn wire_value(v: &FactShown) -> WireValue<'_> {
    WireValue {
        value: &v.value,
        text: &v.text,
        at: v.at.as_deref(),
    }
}

fn wire_fact(c: &FactChange) -> WireFact<'_> {
    WireFact {
        path: &c.path,
        label: &c.label,
        old: c.old.as_ref().map(wire_value),
        new: c.new.as_ref().map(wire_value),
    }
}

fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

impl Render<Diff> for DiffJson {
    fn render(&self, d: &Diff) -> Vec<u8> {
        let wire = WireDiff {
            kind: "facts",
            old: wire_side(&d.old),
            new: wire_side(&d.new),
            same_rubric: d.same_rubric(),
            total: WireChange {
                old: d.total.old.to_string(),
                new: d.total.new.to_string(),
                change: d.total.change.to_string(),
            },
            grade: WireGrade {
                old: &d.old.grade,
                new: &d.new.grade,
                changed: d.old.grade != d.new.grade,
            },
            counts: WireCounts {
                changed: d.changed().filter(|i| i.leaf).count(),
                only_new: d.count(Presence::OnlyNew),
                only_old: d.count(Presence::OnlyOld),
            },
            indicators: d
                .indicators
                .iter()
                .map(|i| WireIndicator {
                    id: &i.id,
                    name: &i.name,
                    old_name: i.old_name.as_deref(),
                    level: i.level,
                    leaf: i.leaf,
                    presence: i.presence.name(),
                    changed: i.changed(),
                    old_points: i.old.map(|s| plain(s.points)),
                    new_points: i.new.map(|s| plain(s.points)),
                    old_score: i.old.map(|s| s.score.to_string()),
                    new_score: i.new.map(|s| s.score.to_string()),
                    change: i.change.map(|c| c.to_string()),
                    facts: i.facts.iter().map(wire_fact).collect(),
                })
                .collect(),
            other_facts: d.other_facts.iter().map(wire_fact).collect(),
        };
        json_bytes(&wire)
    }
}

#[derive(Serialize)]
struct WireBatchDiff<'a> {
    kind: &'static str,
    counts: WireFileCounts,
    files: Vec<WireFile<'a>>,
}

#[derive(Serialize)]
struct WireFileCounts {
    files: usize,
    differ: usize,
    only_new: usize,
    only_old: usize,
}

#[derive(Serialize)]
struct WireFile<'a> {
    /// "both", "only_new" or "only_old".
    presence: &'static str,
    /// "path", "department_year" or "department"; null when on one side only.
    matched_by: Option<&'static str>,
    old: Option<WireRowSide<'a>>,
    new: Option<WireRowSide<'a>>,
    change: Option<String>,
    grade_changed: bool,
    indicators: Vec<WireRowIndicator<'a>>,
}

#[derive(Serialize)]
struct WireRowSide<'a> {
    path: &'a str,
    department: &'a str,
    year: Option<i64>,
    rubric: &'a str,
    rubric_version: &'a str,
    total: Option<String>,
    grade: &'a str,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct WireRowIndicator<'a> {
    id: &'a str,
    name: &'a str,
    level: usize,
    presence: &'static str,
    old_score: Option<String>,
    new_score: Option<String>,
    change: Option<String>,
}

fn wire_row(r: &BatchRow) -> WireRowSide<'_> {
    WireRowSide {
        path: &r.path,
        department: &r.department,
        year: r.year,
        rubric: &r.rubric,
        rubric_version: &r.rubric_version,
        total: r.total.map(|t| t.to_string()),
        grade: &r.grade,
        error: r.error.as_deref(),
    }
}

impl Render<BatchDiff> for DiffJson {
    fn render(&self, d: &BatchDiff) -> Vec<u8> {
        let wire = WireBatchDiff {
            kind: "batch",
            counts: WireFileCounts {
                files: d.files.len(),
                differ: d.files.iter().filter(|f| f.differs()).count(),
                only_new: d.count(Presence::OnlyNew),
                only_old: d.count(Presence::OnlyOld),
            },
            files: d
                .files
                .iter()
                .map(|f| WireFile {
                    presence: f.presence().name(),
                    matched_by: f.matched_by.map(|m| m.name()),
                    old: f.old.as_ref().map(wire_row),
                    new: f.new.as_ref().map(wire_row),
                    change: f.change.map(|c| c.to_string()),
                    grade_changed: matches!((&f.old, &f.new), (Some(a), Some(b)) if a.grade != b.grade),
                    indicators: f
                        .indicators
                        .iter()
                        .map(|i| WireRowIndicator {
                            id: &i.id,
                            name: &i.name,
                            level: i.level,
                            presence: i.presence.name(),
                            old_score: i.old.map(|s| s.to_string()),
                            new_score: i.new.map(|s| s.to_string()),
                            change: i.change.map(|c| c.to_string()),
                        })
                        .collect(),
                })
                .collect(),
        };
        json_bytes(&wire)
    }
}
