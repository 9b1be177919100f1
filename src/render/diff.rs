//! `perfeval diff` as a table (for people, like `score`'s) and as JSON (stable field
//! names, every decimal a string): of two facts files ([`Diff`]) or two batch outputs
//! ([`BatchDiff`]).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement};
use rust_decimal::Decimal;
use rust_i18n::t;
use serde::Serialize;

use super::Render;
use crate::diff::batch::{BatchDiff, BatchRow, FileDiff};
use crate::diff::{Diff, FactChange, FactShown, IndicatorDiff, Presence, Side};
use crate::number::plain;

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

/// The indicator's name for the table: indented by level, with its old name if renamed.
fn indicator_name(i: &IndicatorDiff) -> String {
    let mut s = "  ".repeat(i.level.saturating_sub(1));
    match &i.old_name {
        Some(old) => s.push_str(&t!("diff.renamed", name = i.name, old = old)),
        None => s.push_str(&i.name),
    }
    s
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

fn new_table(width: Option<u16>, header: &[std::borrow::Cow<'_, str>]) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        table.set_width(w);
    }
    table.set_header(header.iter().map(Cell::new).collect::<Vec<_>>());
    table
}

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

impl Render<Diff> for DiffTable {
    fn render(&self, d: &Diff) -> Vec<u8> {
        let mut table = new_table(
            self.width,
            &[
                t!("diff.column_indicator"),
                t!("diff.column_old_score"),
                t!("diff.column_new_score"),
                t!("diff.column_change"),
                t!("diff.column_facts"),
            ],
        );
        for i in &d.indicators {
            let facts: Vec<String> = i
                .facts
                .iter()
                .map(|c| format!("{}\n{}", fact_line(c), fact_places(c)))
                .collect();
            table.add_row(vec![
                Cell::new(indicator_name(i)),
                right(score_text(i.old.map(|s| s.score))),
                right(score_text(i.new.map(|s| s.score))),
                right(change_text(i.presence, i.change)),
                Cell::new(facts.join("\n")),
            ]);
        }
        table.add_row(vec![
            Cell::new(t!("diff.total_row")),
            right(d.total.old.to_string()),
            right(d.total.new.to_string()),
            right(change_text(Presence::Both, Some(d.total.change))),
            Cell::new(t!(
                "diff.grade_change",
                old = d.old.grade,
                new = d.new.grade
            )),
        ]);
        let mut out = format!("{}\n", t!("diff.title"));
        out.push_str(&format!(
            "{}\n{}\n",
            t!("diff.old_side", side = side_line(&d.old)),
            t!("diff.new_side", side = side_line(&d.new))
        ));
        if let Some(note) = rubric_note(d) {
            out.push_str(&note);
            out.push('\n');
        }
        out.push_str(&table.to_string());
        out.push('\n');
        for line in summary_lines(d) {
            out.push_str(&line);
            out.push('\n');
        }
        if !d.other_facts.is_empty() {
            out.push_str(&format!("{}\n", t!("diff.other_facts")));
            for c in &d.other_facts {
                out.push_str(&format!(
                    "  {}\n",
                    t!(
                        "diff.other_fact",
                        fact = fact_line(c),
                        places = fact_places(c)
                    )
                ));
            }
        }
        out.into_bytes()
    }
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

impl Render<BatchDiff> for DiffTable {
    fn render(&self, d: &BatchDiff) -> Vec<u8> {
        let mut table = new_table(
            self.width,
            &[
                t!("diff.column_file"),
                t!("diff.column_department"),
                t!("diff.column_year"),
                t!("diff.column_old_total"),
                t!("diff.column_new_total"),
                t!("diff.column_change"),
                t!("diff.column_grade"),
            ],
        );
        for f in &d.files {
            let row = f.row();
            table.add_row(vec![
                Cell::new(file_name(f)),
                Cell::new(row.map_or("", |r| r.department.as_str())),
                Cell::new(
                    row.and_then(|r| r.year)
                        .map_or(String::new(), |y| y.to_string()),
                ),
                right(total_text(f.old.as_ref())),
                right(total_text(f.new.as_ref())),
                right(file_change(f)),
                Cell::new(grade_text(f)),
            ]);
        }
        let mut out = format!("{}\n", t!("diff.batch_title"));
        out.push_str(&table.to_string());
        out.push('\n');
        for f in &d.files {
            let errors: Vec<String> = [(true, &f.old), (false, &f.new)]
                .iter()
                .filter_map(|(old, r)| {
                    let e = r.as_ref()?.error.as_ref()?;
                    let line = if *old {
                        t!("diff.old_unscorable", error = e)
                    } else {
                        t!("diff.new_unscorable", error = e)
                    };
                    Some(format!("  {line}\n"))
                })
                .collect();
            if f.indicators.is_empty() && errors.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n{}\n",
                t!("diff.file_heading", file = file_name(f))
            ));
            for e in errors {
                out.push_str(&e);
            }
            if f.indicators.is_empty() {
                continue;
            }
            let mut table = new_table(
                self.width,
                &[
                    t!("diff.column_indicator"),
                    t!("diff.column_old_score"),
                    t!("diff.column_new_score"),
                    t!("diff.column_change"),
                ],
            );
            for i in &f.indicators {
                table.add_row(vec![
                    Cell::new(format!(
                        "{}{}",
                        "  ".repeat(i.level.saturating_sub(1)),
                        i.name
                    )),
                    right(score_text(i.old)),
                    right(score_text(i.new)),
                    right(change_text(i.presence, i.change)),
                ]);
            }
            out.push_str(&table.to_string());
            out.push('\n');
        }
        out.push_str(&batch_summary(d));
        out.push('\n');
        out.into_bytes()
    }
}

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
