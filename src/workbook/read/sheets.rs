//! Each kind of sheet (基本信息, facts, 理由与出处, listed indicators, 人工调整, 申报得分)
//! written out as TOML lines.

use rust_i18n::t;

use super::cell_value::{Meant, convert};
use super::grid::Grid;
use super::toml_text::{Emitter, Value, dotted, key, problem, quote};
use crate::diagnostic::Cell;
use crate::workbook::layout::*;

pub(super) fn info(grids: &[Grid], out: &mut Emitter) {
    let Some(grid) = grids.iter().find(|g| g.name == INFO_SHEET) else {
        return;
    };
    let (Some(key_col), Some(value_col)) = (grid.column(KEY), grid.column(INFO_VALUE)) else {
        return;
    };
    let label_col = grid.column(INFO_COLUMNS[0]);
    for row in grid.data_rows() {
        let k = grid.text(row, Some(key_col));
        let meant = match k.as_str() {
            "rubric" | "department" => Meant::Text,
            "year" => Meant::Year,
            _ => continue,
        };
        let label = grid.text(row, label_col);
        match convert(grid, row, value_col, meant, &label) {
            Ok(Some(v)) => out.value(&k, v),
            Ok(None) => {}
            Err(p) => problem(out, *p),
        }
    }
}

/// One fact as the workbook gives it: value, reason and note, each from its cell.
#[derive(Default)]
pub(super) struct FactCells {
    pub(super) path: String,
    pub(super) sheet: String,
    pub(super) value: Option<Value>,
    pub(super) reason: Option<Value>,
    pub(super) note: Option<Value>,
}

/// The cell of a sheet's title row, for a problem with the sheet's layout.
pub(super) fn sheet_cell(grid: &Grid) -> Cell {
    Cell {
        sheet: grid.name.clone(),
        cell: "A1".to_string(),
        label: grid.name.clone(),
        shown: grid
            .titles
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        formula: None,
    }
}

/// The cell where a key first appeared, to name it when the key comes again.
pub(super) fn first_at(seen: &mut Vec<(String, String)>, key: &str, at: String) -> Option<String> {
    match seen.iter().find(|(k, _)| k == key) {
        Some((_, first)) => Some(first.clone()),
        None => {
            seen.push((key.to_string(), at));
            None
        }
    }
}

/// Keys of a facts file that are not facts: a row with one of them would write over
/// the department, the overrides or the claims.
pub(super) const NOT_FACTS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

pub(super) fn facts(grids: &[Grid], out: &mut Emitter) {
    let mut found: Vec<FactCells> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for grid in grids {
        let (Some(key_col), Some(kind_col)) = (grid.column(KEY), grid.column(FACT_KIND)) else {
            continue;
        };
        let Some(value_col) = grid.column(FACT_VALUE) else {
            out.problem(
                sheet_cell(grid),
                t!(
                    "workbook.no_value_column",
                    sheet = grid.name,
                    title = FACT_VALUE
                )
                .into_owned(),
                Some(t!("workbook.no_value_column_help", title = FACT_VALUE).into_owned()),
            );
            continue;
        };
        let label_col = grid.column(FACT_LABEL);
        for row in grid.data_rows() {
            let path = grid.text(row, Some(key_col));
            if path.is_empty() {
                continue;
            }
            let label = grid.text(row, label_col);
            let at = cell_name(row, u16::try_from(key_col).unwrap_or(0));
            let key_cell = grid.cell_at(row, key_col, &label, &path);
            if NOT_FACTS.contains(&path.split('.').next().unwrap_or_default()) {
                out.problem(
                    key_cell,
                    t!("workbook.not_a_fact_key", key = path).into_owned(),
                    Some(t!("workbook.restore_key").into_owned()),
                );
                continue;
            }
            if let Some(first) = first_at(&mut seen, &path, format!("{}!{at}", grid.name)) {
                out.problem(
                    key_cell,
                    t!("workbook.fact_twice", path = path, first = first).into_owned(),
                    Some(t!("workbook.one_row_per_fact").into_owned()),
                );
                continue;
            }
            let meant = Meant::of_kind(&grid.text(row, Some(kind_col)));
            let value = match convert(grid, row, value_col, meant, &label) {
                Ok(v) => v,
                Err(p) => {
                    problem(out, *p);
                    None
                }
            };
            found.push(FactCells {
                path,
                sheet: grid.name.clone(),
                value,
                ..FactCells::default()
            });
        }
    }
    if let Some(grid) = grids.iter().find(|g| g.name == REASONS_SHEET)
        && let Some(key_col) = grid.column(KEY)
    {
        let label_col = grid.column(FACT_LABEL);
        let mut seen: Vec<(String, String)> = Vec::new();
        for row in grid.data_rows() {
            let path = grid.text(row, Some(key_col));
            if path.is_empty() {
                continue;
            }
            let label = grid.text(row, label_col);
            let at = cell_name(row, u16::try_from(key_col).unwrap_or(0));
            if let Some(first) = first_at(&mut seen, &path, format!("{}!{at}", grid.name)) {
                out.problem(
                    grid.cell_at(row, key_col, &label, &path),
                    t!("workbook.reasons_twice", path = path, first = first).into_owned(),
                    Some(t!("workbook.one_row_per_fact").into_owned()),
                );
                continue;
            }
            let mut texts = [None, None];
            for (slot, title) in texts.iter_mut().zip([REASON, NOTE]) {
                let Some(c) = grid.column(title) else {
                    continue;
                };
                match convert(grid, row, c, Meant::Text, &format!("{label}（{title}）")) {
                    Ok(v) => *slot = v,
                    Err(p) => problem(out, *p),
                }
            }
            let [reason, note] = texts;
            if reason.is_none() && note.is_none() {
                continue;
            }
            match found.iter_mut().find(|f| f.path == path) {
                Some(f) => {
                    f.reason = reason;
                    f.note = note;
                }
                None => found.push(FactCells {
                    path,
                    sheet: grid.name.clone(),
                    reason,
                    note,
                    ..FactCells::default()
                }),
            }
        }
    }
    found.retain(|f| f.value.is_some() || f.reason.is_some() || f.note.is_some());
    // Top-level facts first (before any table header), then each group in the order
    // its first fact appears.
    let parent = |p: &str| {
        p.rsplit_once('.')
            .map_or(String::new(), |(g, _)| g.to_string())
    };
    let mut order: Vec<String> = vec![String::new()];
    for f in &found {
        let p = parent(&f.path);
        if !order.contains(&p) {
            order.push(p);
        }
    }
    for group in order {
        let here: Vec<&FactCells> = found.iter().filter(|f| parent(&f.path) == group).collect();
        if here.is_empty() {
            continue;
        }
        if !group.is_empty() {
            let sheet = here.first().map(|f| f.sheet.clone()).unwrap_or_default();
            out.line("", None);
            // A missing fact is reported at its group's table: the sheet it belongs in.
            out.line(
                &format!("[{}]", dotted(&group)),
                Some(Cell::whole_sheet(&sheet)),
            );
        }
        let leaf = |p: &str| p.rsplit('.').next().unwrap_or(p).to_string();
        let mut tables = Vec::new();
        for f in &here {
            match (&f.value, f.reason.is_some() || f.note.is_some()) {
                (Some(v), false) => out.value(&key(&leaf(&f.path)), clone_value(v)),
                _ => tables.push(*f),
            }
        }
        for f in tables {
            let anchor = f
                .value
                .as_ref()
                .or(f.reason.as_ref())
                .or(f.note.as_ref())
                .map(|v| v.cell.clone());
            out.line(&format!("[{}]", dotted(&f.path)), anchor);
            for (k, v) in [
                ("value", &f.value),
                ("reason", &f.reason),
                ("note", &f.note),
            ] {
                if let Some(v) = v {
                    out.value(k, clone_value(v));
                }
            }
        }
    }
}

pub(super) fn clone_value(v: &Value) -> Value {
    Value {
        toml: v.toml.clone(),
        cell: v.cell.clone(),
    }
}

pub(super) fn lists(grids: &[Grid], out: &mut Emitter) {
    let name_title = LIST_COLUMNS[1].1;
    for grid in grids {
        let (Some(key_col), Some(_)) = (grid.column(KEY), grid.column(name_title)) else {
            continue;
        };
        for row in grid.data_rows() {
            let list_key = grid.text(row, Some(key_col));
            if list_key.is_empty() {
                continue;
            }
            let label = {
                let name = grid.text(row, grid.column(name_title));
                if name.is_empty() {
                    t!("workbook.list_row", sheet = grid.name, row = row + 1).into_owned()
                } else {
                    name
                }
            };
            let mut values = Vec::new();
            for (k, title) in LIST_COLUMNS {
                let Some(c) = grid.column(title) else {
                    continue;
                };
                let meant = match k {
                    "weight" | "score" => Meant::Number,
                    "target" | "actual" => Meant::Figure,
                    _ => Meant::Text,
                };
                match convert(grid, row, c, meant, &format!("{label}（{title}）")) {
                    Ok(Some(v)) => values.push((k, v)),
                    Ok(None) => {}
                    Err(p) => problem(out, *p),
                }
            }
            if values.is_empty() {
                continue;
            }
            let anchor = values.first().map(|(_, v)| Cell {
                cell: cell_name(row, 0),
                ..v.cell.clone()
            });
            out.line("", None);
            out.line(&format!("[[{}]]", key(&list_key)), anchor);
            for (k, v) in values {
                out.value(k, v);
            }
        }
    }
}

pub(super) fn overrides(grids: &[Grid], out: &mut Emitter) {
    let Some(grid) = grids.iter().find(|g| g.name == OVERRIDES_SHEET) else {
        return;
    };
    let (Some(name_col), Some(score_col), Some(reason_col)) = (
        grid.column(OVERRIDE_INDICATOR),
        grid.column(OVERRIDE_SCORE),
        grid.column(REASON),
    ) else {
        return;
    };
    let mut first = true;
    let mut seen: Vec<(String, String)> = Vec::new();
    for row in grid.data_rows() {
        let name = grid.text(row, Some(name_col));
        let score = convert(
            grid,
            row,
            score_col,
            Meant::Number,
            &format!("{name}（{OVERRIDE_SCORE}）"),
        );
        let reason = convert(
            grid,
            row,
            reason_col,
            Meant::Text,
            &format!("{name}（{REASON}）"),
        );
        let (score, reason) = match (score, reason) {
            (Ok(s), Ok(r)) => (s, r),
            (s, r) => {
                for p in [s.err(), r.err()].into_iter().flatten() {
                    problem(out, *p);
                }
                continue;
            }
        };
        if name.is_empty() {
            if let Some(v) = score.or(reason) {
                out.problem(
                    v.cell,
                    t!(
                        "workbook.override_no_indicator",
                        row = row + 1,
                        sheet = OVERRIDES_SHEET
                    )
                    .into_owned(),
                    Some(
                        t!(
                            "workbook.override_no_indicator_help",
                            column = OVERRIDE_INDICATOR
                        )
                        .into_owned(),
                    ),
                );
            }
            continue;
        }
        if first {
            out.line("", None);
            out.line("[overrides]", None);
            first = false;
        }
        let name_cell = grid.cell_at(row, name_col, &name, &name);
        if let Some(first) = first_at(&mut seen, &name, name_cell.reference()) {
            out.problem(
                name_cell,
                t!("workbook.override_twice", name = name, first = first).into_owned(),
                Some(t!("workbook.one_override").into_owned()),
            );
            continue;
        }
        out.line(&format!("[overrides.{}]", quote(&name)), Some(name_cell));
        if let Some(v) = score {
            out.value("score", v);
        }
        if let Some(v) = reason {
            out.value("reason", v);
        }
    }
}

pub(super) fn claims(grids: &[Grid], out: &mut Emitter) {
    let Some(grid) = grids.iter().find(|g| g.name == CLAIMS_SHEET) else {
        return;
    };
    let (Some(name_col), Some(value_col)) =
        (grid.column(CLAIM_INDICATOR), grid.column(CLAIM_VALUE))
    else {
        return;
    };
    let key_col = grid.column(KEY);
    let mut head = Vec::new();
    let mut scores = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for row in grid.data_rows() {
        let name = grid.text(row, Some(name_col));
        let k = grid.text(row, key_col);
        let meant = if k == CLAIM_GRADE_KEY {
            Meant::Text
        } else {
            Meant::Number
        };
        match convert(grid, row, value_col, meant, &name) {
            Ok(Some(v)) if k == CLAIM_TOTAL_KEY || k == CLAIM_GRADE_KEY => head.push((k, v)),
            Ok(Some(v)) if name.is_empty() => out.problem(
                v.cell,
                t!(
                    "workbook.claim_no_indicator",
                    row = row + 1,
                    sheet = CLAIMS_SHEET
                )
                .into_owned(),
                Some(t!("workbook.claim_no_indicator_help", column = CLAIM_INDICATOR).into_owned()),
            ),
            Ok(Some(v)) => match first_at(&mut seen, &name, v.cell.reference()) {
                Some(first) => out.problem(
                    v.cell,
                    t!("workbook.claimed_twice", name = name, first = first).into_owned(),
                    Some(t!("workbook.one_claim").into_owned()),
                ),
                None => scores.push((name, v)),
            },
            Ok(None) => {}
            Err(p) => problem(out, *p),
        }
    }
    if head.is_empty() && scores.is_empty() {
        return;
    }
    out.line("", None);
    out.line("[claimed]", None);
    for (k, v) in head {
        out.value(&k, v);
    }
    if !scores.is_empty() {
        out.line("[claimed.scores]", None);
        for (name, v) in scores {
            out.value(&quote(&name), v);
        }
    }
}
