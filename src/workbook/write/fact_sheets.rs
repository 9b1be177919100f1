//! 基本信息, the sheets of facts and 理由与出处: a row per fact.

use rust_i18n::t;
use rust_xlsxwriter::{DataValidation, DataValidationRule, Worksheet, XlsxError};

use super::*;
use crate::facts::{CheckValue, FactEntry, FactValue, Facts};
use crate::number::plain;
use crate::plan::Plan;
use crate::rubric::{DefaultValue, FactKind};
use crate::workbook::layout::*;

pub(super) fn info_sheet(
    sheet: &mut Worksheet,
    rubric: &Plan<'_>,
    facts: Option<&Facts>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(INFO_SHEET)?;
    header(sheet, &INFO_COLUMNS, styles)?;
    let m = &rubric.meta;
    let department = t!("workbook.info_department");
    let rows: [(&str, &str, &str); 3] = [
        (&t!("workbook.info_rubric"), m.id.as_str(), "rubric"),
        (&department, "", "department"),
        (&t!("workbook.info_year"), "", "year"),
    ];
    let notes = [
        t!(
            "workbook.info_rubric_note",
            title = m.title,
            version = m.version
        )
        .into_owned(),
        t!("workbook.info_department_note").into_owned(),
        t!("workbook.info_year_note", year = m.year).into_owned(),
    ];
    let facts_id = facts.map(|f| f.rubric_id.clone());
    for (i, ((label, value, key), note)) in rows.iter().zip(&notes).enumerate() {
        let r = row(i + 1);
        sheet.write_string(r, 0, *label)?;
        sheet.write_string_with_format(r, 2, note, &styles.wrapped)?;
        sheet.write_string_with_format(r, 3, *key, &styles.key)?;
        match *key {
            "rubric" => {
                sheet.write_string(r, 1, facts_id.as_deref().unwrap_or(value))?;
            }
            "department" => match facts {
                Some(f) => {
                    sheet.write_string_with_format(r, 1, &f.department, &styles.input)?;
                }
                None => {
                    sheet.write_blank(r, 1, &styles.input)?;
                }
            },
            _ => {
                match facts {
                    Some(f) => {
                        sheet.write_number_with_format(
                            r,
                            1,
                            f.year as f64,
                            &styles.number(0, false),
                        )?;
                    }
                    None => {
                        sheet.write_blank(r, 1, &styles.number(0, false))?;
                    }
                }
                sheet.add_data_validation(
                    r,
                    1,
                    r,
                    1,
                    &DataValidation::new()
                        .allow_whole_number(DataValidationRule::Between(1900, 2100))
                        .set_error_message(t!("workbook.year_invalid"))?,
                )?;
            }
        }
    }
    let guide = [
        t!("workbook.guide_title"),
        t!("workbook.guide_cells"),
        t!("workbook.guide_units", unit = m.unit, yes = YES, no = NO),
        t!("workbook.guide_reasons", reasons = REASONS_SHEET),
        t!(
            "workbook.guide_overrides",
            overrides = OVERRIDES_SHEET,
            claims = CLAIMS_SHEET
        ),
        t!("workbook.guide_run"),
    ];
    for (i, line) in guide.iter().enumerate() {
        sheet.write_string(row(i + 6), 0, line.as_ref())?;
    }
    widths(
        sheet,
        &[
            vec![department.to_string()],
            vec![
                facts.map(|f| f.department.clone()).unwrap_or_default(),
                m.id.clone(),
                "x".repeat(30),
            ],
            notes.to_vec(),
            vec!["department".into()],
        ],
        8,
        &[12, 50, 60, 12],
    );
    protect(sheet);
    Ok(())
}

/// How to fill a fact, for its 说明 column.
pub(super) fn how(rubric: &Plan<'_>, kind: &FactKind, default: Option<&DefaultValue>) -> String {
    let mut s = match kind {
        FactKind::Amount => t!("workbook.how_amount", unit = rubric.meta.unit),
        FactKind::Count => t!("workbook.how_count"),
        FactKind::Rate => t!("workbook.how_rate"),
        FactKind::Bool => format!("{YES}/{NO}").into(),
        FactKind::Choice(_) => t!("workbook.how_choice"),
        FactKind::Check => t!("workbook.how_check", yes = YES, no = NO),
        FactKind::Judgment => t!("workbook.how_judgment"),
        FactKind::Tier(_) => t!("workbook.how_tier"),
    }
    .into_owned();
    match default {
        Some(DefaultValue::Bool(b)) => s.push_str(&t!(
            "workbook.how_default_yes_no",
            value = if *b { YES } else { NO }
        )),
        Some(DefaultValue::Number(n)) => {
            s.push_str(&t!("workbook.how_default_number", value = plain(*n)))
        }
        None => {}
    }
    s
}

pub(super) fn unit_of(rubric: &Plan<'_>, kind: &FactKind, unit: &str) -> String {
    match kind {
        FactKind::Amount if unit.is_empty() => rubric.meta.unit.clone(),
        FactKind::Rate => "%".to_string(),
        FactKind::Judgment => t!("workbook.unit_points").into_owned(),
        _ => unit.to_string(),
    }
}

/// The label of a fact below its sheet's group: `一季度·累计支出` for `execution.q1.spent`.
pub(super) fn row_label(rubric: &Plan<'_>, path: &str, label: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    for depth in 2..parts.len() {
        let group = parts[..depth].join(".");
        if let Some((_, l)) = rubric.fact_groups.iter().find(|(g, _)| *g == group) {
            out.push(l.clone());
        }
    }
    out.push(label.to_string());
    out.join("·")
}

pub(super) fn fact_sheet(
    sheet: &mut Worksheet,
    rubric: &Plan<'_>,
    facts: Option<&Facts>,
    indices: &[usize],
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    header(sheet, &FACT_COLUMNS, styles)?;
    let (users, checked, _) = crate::rubric::users(rubric);
    let mut texts: Vec<Vec<String>> = FACT_COLUMNS.iter().map(|t| vec![t.to_string()]).collect();
    for (k, &i) in indices.iter().enumerate() {
        let decl = &rubric.facts[i];
        let r = row(k + 1);
        let label = row_label(rubric, &decl.path, &decl.label);
        let mut meaning = decl.meaning.clone();
        let how = how(rubric, &decl.kind, decl.default.as_ref());
        if !how.is_empty() {
            if !meaning.is_empty() {
                meaning.push('。');
            }
            meaning.push_str(&how);
        }
        if users[i].is_empty() && checked[i] && decl.default.is_none() {
            meaning.push_str(&t!("workbook.how_for_check_only"));
        }
        let unit = unit_of(rubric, &decl.kind, &decl.unit);
        // i18n-exempt: joins indicator names, Chinese as the rubric spells them
        let used = users[i].join("、");
        sheet.write_string(r, 0, &label)?;
        sheet.write_string(r, 2, &unit)?;
        sheet.write_string_with_format(r, 3, &meaning, &styles.wrapped)?;
        sheet.write_string_with_format(r, 4, &used, &styles.wrapped)?;
        sheet.write_string_with_format(r, 5, &decl.path, &styles.key)?;
        sheet.write_string_with_format(r, 6, decl.kind.name(), &styles.key)?;
        let entry = facts.and_then(|f| f.values[i].as_ref());
        write_fact_value(sheet, r, 1, &decl.kind, entry, styles)?;
        let validation = match &decl.kind {
            FactKind::Amount | FactKind::Rate | FactKind::Judgment => {
                Some(non_negative(&t!("workbook.non_negative_number"))?)
            }
            FactKind::Count => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                    .set_error_message(t!("workbook.non_negative_whole"))?,
            ),
            FactKind::Bool => Some(lists.validation(&[YES.into(), NO.into()], true)),
            FactKind::Check => Some(lists.validation(&[YES.into(), NO.into()], false)),
            FactKind::Choice(c) | FactKind::Tier(c) => Some(lists.validation(c, true)),
        };
        if let Some(v) = validation {
            sheet.add_data_validation(r, 1, r, 1, &v)?;
        }
        for (c, t) in [label, String::new(), unit, meaning, used, decl.path.clone()]
            .into_iter()
            .enumerate()
        {
            texts[c].push(t);
        }
    }
    widths(sheet, &texts, 6, &[30, 16, 8, 50, 30, 24, 10]);
    sheet.set_column_width(1, 16)?;
    protect(sheet);
    Ok(())
}

pub(super) fn write_fact_value(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    kind: &FactKind,
    entry: Option<&FactEntry>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let percent = *kind == FactKind::Rate;
    let Some(entry) = entry else {
        let format = match kind {
            FactKind::Rate => styles.number(2, true),
            _ => styles.input.clone(),
        };
        sheet.write_blank(r, c, &format)?;
        return Ok(());
    };
    match &entry.value {
        FactValue::Number(d) | FactValue::Judgment(d) => {
            write_decimal(sheet, r, c, *d, percent, styles)?
        }
        FactValue::Check(CheckValue::Partial(d)) => write_decimal(sheet, r, c, *d, false, styles)?,
        FactValue::Bool(b) => {
            sheet.write_string_with_format(r, c, if *b { YES } else { NO }, &styles.input)?;
        }
        FactValue::Check(CheckValue::Met) => {
            sheet.write_string_with_format(r, c, YES, &styles.input)?;
        }
        FactValue::Check(CheckValue::NotMet) => {
            sheet.write_string_with_format(r, c, NO, &styles.input)?;
        }
        FactValue::Text(t) => {
            sheet.write_string_with_format(r, c, t, &styles.input)?;
        }
    }
    Ok(())
}

pub(super) fn reasons_sheet(
    sheet: &mut Worksheet,
    rubric: &Plan<'_>,
    facts: Option<&Facts>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(REASONS_SHEET)?;
    header(sheet, &REASON_COLUMNS, styles)?;
    let mut labels = vec![REASON_COLUMNS[0].to_string()];
    for (k, decl) in rubric.facts.iter().enumerate() {
        let r = row(k + 1);
        let label = row_label(rubric, &decl.path, &decl.label);
        let need = match decl.kind {
            FactKind::Judgment | FactKind::Tier(_) => t!("workbook.reason_required"),
            FactKind::Check => t!("workbook.reason_required_if_partly_met"),
            _ => "".into(),
        };
        sheet.write_string(r, 0, &label)?;
        let entry = facts.and_then(|f| f.values[k].as_ref());
        for (c, text) in [
            (1, entry.and_then(|e| e.reason.as_deref())),
            (2, entry.and_then(|e| e.note.as_deref())),
        ] {
            match text {
                Some(t) => sheet.write_string_with_format(r, c, t, &styles.input_text)?,
                None => sheet.write_blank(r, c, &styles.input_text)?,
            };
        }
        sheet.write_string(r, 3, need.as_ref())?;
        sheet.write_string_with_format(r, 4, &decl.path, &styles.key)?;
        labels.push(label);
    }
    widths(sheet, &[labels], 6, &[30]);
    sheet.set_column_width(1, 60)?;
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 14)?;
    sheet.set_column_width(4, 24)?;
    protect(sheet);
    Ok(())
}
