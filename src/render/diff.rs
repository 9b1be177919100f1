//! `perfeval diff` as a table (for people, like `score`'s) and as JSON (stable field
//! names, every decimal a string): of two facts files ([`Diff`]) or two batch outputs
//! ([`BatchDiff`]).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement};
use rust_decimal::Decimal;
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
        (Presence::OnlyNew, _) => "新增".into(),
        (Presence::OnlyOld, _) => "删除".into(),
        (Presence::Both, Some(c)) if !c.is_zero() => signed(c),
        (Presence::Both, _) => String::new(),
    }
}

pub(crate) fn score_text(s: Option<Decimal>) -> String {
    s.map_or_else(|| "—".to_string(), |s| s.to_string())
}

fn shown(s: Option<&FactShown>) -> &str {
    s.map_or("未填", |s| s.text.as_str())
}

fn at(s: Option<&FactShown>) -> &str {
    s.and_then(|s| s.at.as_deref()).unwrap_or("—")
}

/// `<label>（procurement.actual）：157.46 万元 → 150 万元`.
pub(crate) fn fact_line(c: &FactChange) -> String {
    format!(
        "{}（{}）：{} → {}",
        c.label,
        c.path,
        shown(c.old.as_ref()),
        shown(c.new.as_ref())
    )
}

/// `出处：old.toml:45 → new.toml:45`.
pub(crate) fn fact_places(c: &FactChange) -> String {
    format!("出处：{} → {}", at(c.old.as_ref()), at(c.new.as_ref()))
}

pub(crate) fn side_line(s: &Side) -> String {
    format!(
        "{} · {} · {} 年度 · {}（{} v{}）",
        s.file, s.department, s.year, s.rubric_title, s.rubric_id, s.rubric_version
    )
}

pub(crate) fn rubric_note(d: &Diff) -> Option<String> {
    (!d.same_rubric()).then(|| {
        format!(
            "注意：两边的评分体系不同（原 {} v{}，新 {} v{}）；指标先按编号、再按名称对应，只在一边有的标为新增或删除。",
            d.old.rubric_id, d.old.rubric_version, d.new.rubric_id, d.new.rubric_version
        )
    })
}

/// The indicator's name for the table: indented by level, with its old name if renamed.
fn indicator_name(i: &IndicatorDiff) -> String {
    let mut s = "  ".repeat(i.level.saturating_sub(1));
    s.push_str(&i.name);
    if let Some(old) = &i.old_name {
        s.push_str(&format!("（原：{old}）"));
    }
    s
}

pub(crate) fn summary_lines(d: &Diff) -> Vec<String> {
    let mut out = vec![
        format!(
            "总分 {} → {}（{}），等级：{} → {}",
            d.total.old,
            d.total.new,
            signed(d.total.change),
            d.old.grade,
            d.new.grade
        ),
        format!(
            "得分变化的指标 {} 个；新增指标 {} 个，删除指标 {} 个",
            d.changed().filter(|i| i.leaf).count(),
            d.count(Presence::OnlyNew),
            d.count(Presence::OnlyOld)
        ),
    ];
    if d.old.strict || d.new.strict {
        out.push("--strict：未采用人工调整，各项得分均为规则得分".into());
    }
    out
}

fn new_table(width: Option<u16>, header: &[&str]) -> comfy_table::Table {
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
                "指标",
                "原得分",
                "新得分",
                "变化",
                "变化的事实（原值 → 新值）",
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
            Cell::new("总分"),
            right(d.total.old.to_string()),
            right(d.total.new.to_string()),
            right(change_text(Presence::Both, Some(d.total.change))),
            Cell::new(format!("等级：{} → {}", d.old.grade, d.new.grade)),
        ]);
        let mut out = String::from("绩效评价对比\n");
        out.push_str(&format!(
            "原：{}\n新：{}\n",
            side_line(&d.old),
            side_line(&d.new)
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
            out.push_str("未影响得分的事实变化：\n");
            for c in &d.other_facts {
                out.push_str(&format!("  {}（{}）\n", fact_line(c), fact_places(c)));
            }
        }
        out.into_bytes()
    }
}

/// The file as people know it: its path, and the old path when it moved.
pub(crate) fn file_name(f: &FileDiff) -> String {
    match (&f.old, &f.new) {
        (Some(a), Some(b)) if a.path != b.path => format!("{}（原：{}）", b.path, a.path),
        _ => f.row().map(|r| r.path.clone()).unwrap_or_default(),
    }
}

pub(crate) fn total_text(r: Option<&BatchRow>) -> String {
    match r {
        None => "—".into(),
        Some(r) if r.error.is_some() => "无法评分".into(),
        Some(r) => score_text(r.total),
    }
}

pub(crate) fn file_change(f: &FileDiff) -> String {
    match f.presence() {
        Presence::OnlyNew => "仅新结果有".into(),
        Presence::OnlyOld => "仅原结果有".into(),
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
    format!(
        "文件 {} 个：有变化 {} 个（其中仅新结果有 {} 个，仅原结果有 {} 个）",
        d.files.len(),
        d.files.iter().filter(|f| f.differs()).count(),
        d.count(Presence::OnlyNew),
        d.count(Presence::OnlyOld)
    )
}

impl Render<BatchDiff> for DiffTable {
    fn render(&self, d: &BatchDiff) -> Vec<u8> {
        let mut table = new_table(
            self.width,
            &["文件", "单位", "年度", "原总分", "新总分", "变化", "等级"],
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
        let mut out = String::from("批量评分结果对比\n");
        out.push_str(&table.to_string());
        out.push('\n');
        for f in &d.files {
            let errors: Vec<String> = [("原", &f.old), ("新", &f.new)]
                .iter()
                .filter_map(|(side, r)| {
                    let e = r.as_ref()?.error.as_ref()?;
                    Some(format!("  {side}结果无法评分：{e}\n"))
                })
                .collect();
            if f.indicators.is_empty() && errors.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{}：\n", file_name(f)));
            for e in errors {
                out.push_str(&e);
            }
            if f.indicators.is_empty() {
                continue;
            }
            let mut t = new_table(self.width, &["指标", "原得分", "新得分", "变化"]);
            for i in &f.indicators {
                t.add_row(vec![
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
            out.push_str(&t.to_string());
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
