//! Writing a facts workbook: empty to fill in, or holding a facts file's values.

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign,
    FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::layout::*;
use crate::facts::{CheckValue, Direction, FactEntry, FactValue, Facts, ItemValue};
use crate::number::plain;
use crate::rubric::{DefaultValue, FactKind, Rubric};

/// The workbook for `rubric`: every fact it reads, one row each, grouped in sheets by
/// their first-level group; with `facts`, each value, reason, note, listed indicator,
/// override and claim of that file in its cell.
pub fn facts_workbook(rubric: &Rubric, facts: Option<&Facts>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let mut taken: Vec<String> = [
        INFO_SHEET,
        REASONS_SHEET,
        OVERRIDES_SHEET,
        CLAIMS_SHEET,
        CHOICES_SHEET,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut lists = Lists::default();

    info_sheet(book.add_worksheet(), rubric, facts, &styles)?;
    for (group, facts_here) in groups(rubric) {
        let label = rubric
            .fact_groups
            .iter()
            .find(|(g, _)| *g == group)
            .map_or(group.as_str(), |(_, l)| l.as_str());
        let name = sheet_name(
            label,
            if group.is_empty() { "其他" } else { &group },
            &taken,
        );
        taken.push(name.clone());
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        fact_sheet(sheet, rubric, facts, &facts_here, &styles, &mut lists)?;
    }
    for i in 0..rubric.indicators.len() {
        if rubric.indicators[i].list.is_none() {
            continue;
        }
        let name = sheet_name(&rubric.indicators[i].name, "list", &taken);
        taken.push(name.clone());
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        list_sheet(sheet, rubric, facts, i, &styles, &mut lists)?;
    }
    reasons_sheet(book.add_worksheet(), rubric, facts, &styles)?;
    overrides_sheet(book.add_worksheet(), rubric, facts, &styles, &mut lists)?;
    claims_sheet(book.add_worksheet(), rubric, facts, &styles, &mut lists)?;
    let choices = book.add_worksheet();
    choices.set_name(CHOICES_SHEET)?;
    for (col, values) in lists.columns.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        for (row, v) in values.iter().enumerate() {
            choices.write_string(u32::try_from(row).unwrap_or(u32::MAX), col, v)?;
        }
    }
    choices.set_hidden(true);
    book.save_to_buffer()
}

/// The facts of each first-level group, in the order the rubric declares them.
fn groups(rubric: &Rubric) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, f) in rubric.facts.iter().enumerate() {
        let top = match f.path.split_once('.') {
            Some((g, _)) => g.to_string(),
            None => String::new(),
        };
        match out.iter_mut().find(|(g, _)| *g == top) {
            Some((_, v)) => v.push(i),
            None => out.push((top, vec![i])),
        }
    }
    out
}

struct Styles {
    header: Format,
    wrapped: Format,
    input: Format,
    input_text: Format,
    key: Format,
}

impl Styles {
    fn new() -> Self {
        let input = Format::new()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF8DC))
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center),
            wrapped: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            input_text: input.clone().set_text_wrap(),
            input,
            key: Format::new().set_font_color(Color::RGB(0x808080)),
        }
    }

    fn number(&self, decimals: u32, percent: bool) -> Format {
        let mut code = "0".to_string();
        if decimals > 0 {
            code.push('.');
            code.push_str(&"0".repeat(decimals as usize));
        }
        if percent {
            code.push('%');
        }
        self.input.clone().set_num_format(code)
    }
}

/// Drop-down lists, each a column of the hidden 选项 sheet.
#[derive(Default)]
struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    /// A list validation offering `values`, stored once per distinct list.
    fn validation(&mut self, values: &[String], strict: bool) -> DataValidation {
        let col = match self.columns.iter().position(|c| c == values) {
            Some(c) => c,
            None => {
                self.columns.push(values.to_vec());
                self.columns.len() - 1
            }
        };
        let letters = cell_name(0, u16::try_from(col).unwrap_or(u16::MAX));
        let letters = letters.trim_end_matches(|c: char| c.is_ascii_digit());
        let range = format!(
            "='{CHOICES_SHEET}'!${letters}$1:${letters}${}",
            values.len().max(1)
        );
        let v = DataValidation::new().allow_list_formula(Formula::new(range));
        if strict {
            v
        } else {
            // A partly met check takes points instead of 是/否: warn, do not refuse.
            v.set_error_style(DataValidationErrorStyle::Information)
        }
    }
}

fn header(sheet: &mut Worksheet, titles: &[&str], styles: &Styles) -> Result<(), XlsxError> {
    for (c, t) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), *t, &styles.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn row(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

/// Column widths from the widest text of each column, counted in display columns (a
/// Chinese character is two), within bounds.
fn widths(sheet: &mut Worksheet, texts: &[Vec<String>], min: u16, max: &[u16]) {
    for (c, column) in texts.iter().enumerate() {
        let widest = column.iter().map(|t| t.width()).max().unwrap_or(0);
        let limit = max.get(c).copied().unwrap_or(40);
        let w = u16::try_from(widest).unwrap_or(u16::MAX).clamp(min, limit) + 2;
        let _ = sheet.set_column_width(col(c), w);
    }
}

fn protect(sheet: &mut Worksheet) {
    // Printed for the file: A4 landscape, one page wide, the titles on every page.
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    let _ = sheet.set_repeat_rows(0, 0);
    // No password: protection guards against typing into the wrong cell, not against
    // the user; column widths may still be changed.
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
}

/// A number as Excel stores it, when the binary float holds it exactly enough to show
/// the same digits (15 significant digits); longer figures are written as text, which
/// the reader takes as exactly as TOML.
fn as_f64(d: Decimal) -> Option<f64> {
    let text = plain(d);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let significant = text
        .trim_start_matches('-')
        .trim_start_matches(['0', '.'])
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if significant > 15 || digits > 20 {
        return None;
    }
    text.parse::<f64>().ok()
}

/// Writes a number with as many decimals shown as it was written with.
fn write_decimal(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    d: Decimal,
    percent: bool,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let decimals = if percent {
        d.scale().saturating_sub(2)
    } else {
        d.scale()
    };
    match as_f64(d) {
        Some(f) => {
            sheet.write_number_with_format(r, c, f, &styles.number(decimals, percent))?;
        }
        None => {
            let text = if percent {
                // As many decimals as the fraction was written with, less the two the
                // percent sign takes: 0.874700 is 87.4700%.
                let mut p = (d * Decimal::ONE_HUNDRED).normalize();
                p.rescale(d.scale().saturating_sub(2).max(p.scale()));
                format!("{p}%")
            } else {
                d.to_string()
            };
            sheet.write_string_with_format(r, c, text, &styles.input)?;
        }
    }
    Ok(())
}

fn info_sheet(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    facts: Option<&Facts>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(INFO_SHEET)?;
    header(sheet, &INFO_COLUMNS, styles)?;
    let m = &rubric.meta;
    let rows: [(&str, &str, &str); 3] = [
        ("评价体系", m.id.as_str(), "rubric"),
        ("被评价单位", "", "department"),
        ("评价年度", "", "year"),
    ];
    let notes = [
        format!("{}（v{}），由 perfeval 填写，请勿修改", m.title, m.version),
        "单位全称，与绩效自评报告一致".to_string(),
        format!("四位数年份，如 {}", m.year),
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
                        .set_error_message("评价年度应为四位数年份")?,
                )?;
            }
        }
    }
    let units = format!(
        "2. 金额单位为{}；比率按百分数填写（如 96.5%）；是否类选“是”或“否”。",
        m.unit
    );
    let guide = [
        "填写说明：",
        "1. 只在浅黄色单元格中填写；其余单元格已锁定（审阅 → 撤销工作表保护 可解除）。",
        units.as_str(),
        "3. 评分类、档次类事实须在“理由与出处”中写明理由；部分符合的检查项填所得分值并写明理由。",
        "4. 人工调整得分在“人工调整”中填写，须写明理由；申报得分在“申报得分”中填写，供 perfeval check 核对。",
        "5. 填好后运行 perfeval score 本文件.xlsx；出错时提示工作表和单元格（如 预算!B3）。",
    ];
    for (i, line) in guide.iter().enumerate() {
        sheet.write_string(row(i + 6), 0, *line)?;
    }
    widths(
        sheet,
        &[
            vec!["被评价单位".into()],
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
fn how(rubric: &Rubric, kind: &FactKind, default: Option<&DefaultValue>) -> String {
    let mut s = match kind {
        FactKind::Amount => format!("金额（{}）", rubric.meta.unit),
        FactKind::Count => "整数".to_string(),
        FactKind::Rate => "百分比，如 96.5%".to_string(),
        FactKind::Bool => format!("{YES}/{NO}"),
        FactKind::Choice(_) => "从下拉列表中选择".to_string(),
        FactKind::Check => format!("{YES}（符合）/{NO}（不符合），部分符合填所得分值并写明理由"),
        FactKind::Judgment => "评价得分，须写明理由".to_string(),
        FactKind::Tier(_) => "从下拉列表中选择档次，须写明理由".to_string(),
    };
    match default {
        Some(DefaultValue::Bool(b)) => {
            s.push_str(&format!("；可不填，默认{}", if *b { YES } else { NO }))
        }
        Some(DefaultValue::Number(n)) => s.push_str(&format!("；可不填，默认 {}", plain(*n))),
        None => {}
    }
    s
}

fn unit_of(rubric: &Rubric, kind: &FactKind, unit: &str) -> String {
    match kind {
        FactKind::Amount if unit.is_empty() => rubric.meta.unit.clone(),
        FactKind::Rate => "%".to_string(),
        FactKind::Judgment => "分".to_string(),
        _ => unit.to_string(),
    }
}

/// The label of a fact below its sheet's group: `一季度·累计支出` for `execution.q1.spent`.
fn row_label(rubric: &Rubric, path: &str, label: &str) -> String {
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

fn fact_sheet(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    facts: Option<&Facts>,
    indices: &[usize],
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    header(sheet, &FACT_COLUMNS, styles)?;
    let (users, checked, _) = crate::render::fact_users(rubric);
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
            meaning.push_str("；可不填，供 perfeval check 核对报告数字");
        }
        let unit = unit_of(rubric, &decl.kind, &decl.unit);
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
            FactKind::Amount | FactKind::Rate | FactKind::Judgment => Some(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
                    .set_error_message("请填写不小于 0 的数字")?,
            ),
            FactKind::Count => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                    .set_error_message("请填写不小于 0 的整数")?,
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

fn write_fact_value(
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

fn reasons_sheet(
    sheet: &mut Worksheet,
    rubric: &Rubric,
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
            FactKind::Judgment | FactKind::Tier(_) => "必填",
            FactKind::Check => "部分符合时必填",
            _ => "",
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
        sheet.write_string(r, 3, need)?;
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

fn list_sheet(
    sheet: &mut Worksheet,
    rubric: &Rubric,
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
    let weight = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_message("分值应为不小于 0 的数字")?;
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

fn overrides_sheet(
    sheet: &mut Worksheet,
    rubric: &Rubric,
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
    let score = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_message("得分应为不小于 0 的数字")?;
    sheet.add_data_validation(1, 1, rows, 1, &score)?;
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 70)?;
    protect(sheet);
    Ok(())
}

fn claims_sheet(
    sheet: &mut Worksheet,
    rubric: &Rubric,
    facts: Option<&Facts>,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    sheet.set_name(CLAIMS_SHEET)?;
    header(sheet, &CLAIM_COLUMNS, styles)?;
    let claimed = facts.map(|f| &f.claimed);
    let mut r = 1u32;
    sheet.write_string(r, 0, "总分")?;
    sheet.write_string_with_format(r, 2, CLAIM_TOTAL_KEY, &styles.key)?;
    match claimed.and_then(|c| c.total.as_ref()) {
        Some((t, _)) => write_decimal(sheet, r, 1, *t, false, styles)?,
        None => {
            sheet.write_blank(r, 1, &styles.input)?;
        }
    }
    r += 1;
    sheet.write_string(r, 0, "等级")?;
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
    let mut names = vec!["指标".to_string()];
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
    let score = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_message("得分应为不小于 0 的数字")?;
    sheet.add_data_validation(first_score, 1, r, 1, &score)?;
    widths(sheet, &[names], 8, &[40]);
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 8)?;
    protect(sheet);
    Ok(())
}
