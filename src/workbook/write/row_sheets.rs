//! Sheets of rows to fill: listed indicators, 人工调整, 申报得分.

use rust_i18n::t;
use rust_xlsxwriter::{Format, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::facts::{Direction, Facts, ItemValue};
use crate::plan::Plan;
use crate::workbook::layout::*;

pub(super) fn list_sheet(
    sheet: &mut Worksheet,
    rubric: &Plan<'_>,
    facts: Option<&Facts>,
    group: usize,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    let Some(spec) = rubric.indicators[group].list.as_ref() else {
        return Ok(());
    };
    let columns: Vec<(&str, &str)> = LIST_COLUMNS
        .iter()
        .copied()
        .filter(|(k, _)| spec.grouped || *k != "level2")
        .collect();
    let titles: Vec<&str> = columns
        .iter()
        .map(|(_, t)| *t)
        .chain(std::iter::once(KEY))
        .collect();
    header(sheet, &titles, styles)?;
    let key_col = col(columns.len());
    let at = |key: &str| col(columns.iter().position(|(k, _)| *k == key).unwrap_or(0));
    let items: Vec<_> = facts
        .map(|f| f.items.iter().filter(|i| i.group == group).collect())
        .unwrap_or_default();
    let rows = LIST_ROWS.max(row(items.len() + 20));
    for r in 1..=rows {
        for c in 0..columns.len() {
            sheet.write_blank(r, col(c), &styles.input)?;
        }
        sheet.write_string_with_format(r, key_col, &spec.key, &styles.key)?;
    }
    for (k, item) in items.iter().enumerate() {
        let r = row(k + 1);
        if let Some(l2) = &item.level2 {
            sheet.write_string_with_format(r, at("level2"), l2, &styles.input)?;
        }
        sheet.write_string_with_format(r, at("name"), &item.name, &styles.input)?;
        write_decimal(sheet, r, at("weight"), item.weight, false, styles)?;
        if !item.unit.is_empty() {
            sheet.write_string_with_format(r, at("unit"), &item.unit, &styles.input)?;
        }
        if let Some(d) = &item.deviation {
            sheet.write_string_with_format(r, at("deviation"), d, &styles.input_text)?;
        }
        match &item.value {
            ItemValue::Quantitative {
                direction,
                target,
                actual,
                percent,
            } => {
                let symbol = match direction {
                    Direction::AtLeast => ">=",
                    Direction::AtMost => "<=",
                    Direction::Exactly => "=",
                };
                sheet.write_string_with_format(r, at("direction"), symbol, &styles.input)?;
                write_decimal(sheet, r, at("target"), *target, *percent, styles)?;
                write_decimal(sheet, r, at("actual"), *actual, *percent, styles)?;
            }
            ItemValue::Qualitative {
                band,
                score,
                reason,
            } => {
                let outcome = spec.bands.get(*band).map_or("", |b| b.outcome.as_str());
                sheet.write_string_with_format(r, at("outcome"), outcome, &styles.input)?;
                write_decimal(sheet, r, at("score"), *score, false, styles)?;
                sheet.write_string_with_format(r, at("reason"), reason, &styles.input_text)?;
            }
            ItemValue::NotApplicable { reason } => {
                sheet.write_string_with_format(r, at("actual"), "/", &styles.input)?;
                sheet.write_string_with_format(r, at("reason"), reason, &styles.input_text)?;
            }
        }
    }
    let directions = lists.validation(&[">=".into(), "<=".into(), "=".into()], true);
    sheet.add_data_validation(1, at("direction"), rows, at("direction"), &directions)?;
    let outcomes: Vec<String> = spec.bands.iter().map(|b| b.outcome.clone()).collect();
    let outcome = lists.validation(&outcomes, true);
    sheet.add_data_validation(1, at("outcome"), rows, at("outcome"), &outcome)?;
    let weight = non_negative(&t!("workbook.points_non_negative"))?;
    sheet.add_data_validation(1, at("weight"), rows, at("weight"), &weight)?;
    for (c, (key, title)) in columns.iter().enumerate() {
        let w: u16 = match *key {
            "reason" | "deviation" => 40,
            "name" => 24,
            "level2" => 18,
            _ => (u16::try_from(title.width()).unwrap_or(10) + 2).max(8),
        };
        sheet.set_column_width(col(c), w)?;
    }
    sheet.set_column_width(key_col, 10)?;
    protect(sheet);
    Ok(())
}

pub(super) fn overrides_sheet(
    sheet: &mut Worksheet,
    rubric: &Plan<'_>,
    facts: Option<&Facts>,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    sheet.set_name(OVERRIDES_SHEET)?;
    header(sheet, &OVERRIDE_COLUMNS, styles)?;
    let overrides = facts.map(|f| f.overrides.as_slice()).unwrap_or_default();
    let rows = OVERRIDE_ROWS.max(row(overrides.len() + 10));
    for r in 1..=rows {
        sheet.write_blank(r, 0, &styles.input)?;
        sheet.write_blank(r, 1, &styles.input)?;
        sheet.write_blank(r, 2, &styles.input_text)?;
    }
    for (k, o) in overrides.iter().enumerate() {
        let r = row(k + 1);
        let name = &rubric.indicators[o.indicator].name;
        sheet.write_string_with_format(r, 0, name, &styles.input)?;
        write_decimal(sheet, r, 1, o.score, false, styles)?;
        sheet.write_string_with_format(r, 2, &o.reason, &styles.input_text)?;
    }
    let leaves: Vec<String> = rubric
        .indicators
        .iter()
        .filter(|i| i.rule.is_some())
        .map(|i| i.name.clone())
        .collect();
    let names = lists.validation(&leaves, true);
    sheet.add_data_validation(1, 0, rows, 0, &names)?;
    let score = non_negative(&t!("workbook.score_non_negative"))?;
    sheet.add_data_validation(1, 1, rows, 1, &score)?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 70)?;
    protect(sheet);
    Ok(())
}

pub(super) fn claims_sheet(
    sheet: &mut Worksheet,
    rubric: &Plan<'_>,
    facts: Option<&Facts>,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    sheet.set_name(CLAIMS_SHEET)?;
    header(sheet, &CLAIM_COLUMNS, styles)?;
    let claimed = facts.map(|f| &f.claimed);
    let mut r = 1u32;
    sheet.write_string(r, 0, t!("workbook.claim_total"))?;
    sheet.write_string_with_format(r, 2, CLAIM_TOTAL_KEY, &styles.key)?;
    match claimed.and_then(|c| c.total.as_ref()) {
        Some((t, _)) => write_decimal(sheet, r, 1, *t, false, styles)?,
        None => {
            sheet.write_blank(r, 1, &styles.input)?;
        }
    }
    r += 1;
    sheet.write_string(r, 0, t!("workbook.claim_grade"))?;
    sheet.write_string_with_format(r, 2, CLAIM_GRADE_KEY, &styles.key)?;
    match claimed.and_then(|c| c.grade.as_ref()) {
        Some((g, _)) => {
            sheet.write_string_with_format(r, 1, g, &styles.input)?;
        }
        None => {
            sheet.write_blank(r, 1, &styles.input)?;
        }
    }
    let grades: Vec<String> = rubric.grades.iter().map(|g| g.name.clone()).collect();
    sheet.add_data_validation(r, 1, r, 1, &lists.validation(&grades, false))?;
    let first_score = r + 1;
    let mut names = vec![CLAIM_INDICATOR.to_string()];
    for ind in rubric.preorder() {
        r += 1;
        let indent = "  ".repeat(rubric.indicators[ind].level.saturating_sub(1));
        // The name as the rubric spells it: a claim is matched by it, so the indent is
        // a cell format, not part of the text.
        let name = &rubric.indicators[ind].name;
        sheet.write_string_with_format(
            r,
            0,
            name,
            &Format::new().set_indent(u8::try_from(indent.len() / 2).unwrap_or(0)),
        )?;
        names.push(format!("{indent}{name}"));
        match claimed.and_then(|c| c.score_of(ind)) {
            Some(c) => write_decimal(sheet, r, 1, c.score, false, styles)?,
            None => {
                sheet.write_blank(r, 1, &styles.input)?;
            }
        }
    }
    // Claims naming no indicator of the rubric are kept as written: `check` reports them.
    for c in claimed
        .map(|c| {
            c.scores
                .iter()
                .filter(|s| s.indicator.is_none())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    {
        r += 1;
        sheet.write_string_with_format(r, 0, &c.key, &styles.input)?;
        write_decimal(sheet, r, 1, c.score, false, styles)?;
    }
    // Spare rows for claims the list does not have.
    for _ in 0..5 {
        r += 1;
        sheet.write_blank(r, 0, &styles.input)?;
        sheet.write_blank(r, 1, &styles.input)?;
    }
    let score = non_negative(&t!("workbook.score_non_negative"))?;
    sheet.add_data_validation(first_score, 1, r, 1, &score)?;
    widths(sheet, &[names], 8, &[40]);
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 8)?;
    protect(sheet);
    Ok(())
}
