//! The shape of a facts workbook, shared by the writer and the reader.
//!
//! Sheets are found by name and columns by their title in the first row, so moving a
//! column does not break reading. Every data row carries its key (the fact's path, the
//! list's key) in a locked `键` column: the key, not the position, says what a row is.

pub const INFO_SHEET: &str = "基本信息";
pub const REASONS_SHEET: &str = "理由与出处";
pub const OVERRIDES_SHEET: &str = "人工调整";
pub const CLAIMS_SHEET: &str = "申报得分";
/// Hidden: the lists the drop-downs offer.
pub const CHOICES_SHEET: &str = "选项";

pub const KEY: &str = "键";

/// 基本信息: item, value, explanation, key.
pub const INFO_COLUMNS: [&str; 4] = ["项目", "内容", "说明", KEY];
pub const INFO_VALUE: &str = "内容";

/// A sheet of facts: one row per fact.
pub const FACT_LABEL: &str = "事实";
pub const FACT_VALUE: &str = "值";
pub const FACT_KIND: &str = "类型";
pub const FACT_COLUMNS: [&str; 7] = [
    FACT_LABEL,
    FACT_VALUE,
    "单位",
    "说明",
    "用于指标",
    KEY,
    FACT_KIND,
];

/// 理由与出处: one row per fact.
pub const REASON: &str = "理由";
pub const NOTE: &str = "出处说明";
pub const REASON_COLUMNS: [&str; 5] = [FACT_LABEL, REASON, NOTE, "要求", KEY];

/// 人工调整: indicator, score, reason.
pub const OVERRIDE_INDICATOR: &str = "指标";
pub const OVERRIDE_SCORE: &str = "调整后得分";
pub const OVERRIDE_COLUMNS: [&str; 3] = [OVERRIDE_INDICATOR, OVERRIDE_SCORE, REASON];

/// 申报得分: indicator (or 总分, 等级), the claimed score, key (`total`, `grade`, or
/// empty for an indicator).
pub const CLAIM_INDICATOR: &str = "指标";
pub const CLAIM_VALUE: &str = "申报得分";
pub const CLAIM_COLUMNS: [&str; 3] = [CLAIM_INDICATOR, CLAIM_VALUE, KEY];
pub const CLAIM_TOTAL_KEY: &str = "total";
pub const CLAIM_GRADE_KEY: &str = "grade";

/// A listed indicator's sheet: the item keys of a facts file's `[[output]]` and the
/// column title of each. The first is left out when the list is not grouped.
pub const LIST_COLUMNS: [(&str, &str); 11] = [
    ("level2", "二级指标"),
    ("name", "指标名称"),
    ("weight", "分值"),
    ("direction", "方向"),
    ("target", "年度指标值"),
    ("actual", "实际完成值"),
    ("unit", "单位"),
    ("outcome", "评价结果"),
    ("score", "得分"),
    ("reason", "理由"),
    ("deviation", "偏差原因分析及改进措施"),
];

/// Rows a list sheet offers to fill.
pub const LIST_ROWS: u32 = 100;
/// Rows 人工调整 offers to fill.
pub const OVERRIDE_ROWS: u32 = 30;

/// Yes and no as a drop-down offers them; the reader also takes `TRUE`/`FALSE`.
pub const YES: &str = "是";
pub const NO: &str = "否";

/// The characters Excel refuses in a sheet name.
pub const NOT_IN_SHEET_NAMES: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

/// Excel's longest sheet name, in characters.
const SHEET_NAME_CHARS: usize = 31;

/// `name` (already clean) cut to Excel's 31 characters and made unique among `taken`,
/// compared as Excel does, ignoring case: `~2`, `~3`… replace its end when it is taken.
pub fn unique_sheet_name(name: &str, taken: &[String]) -> String {
    let cut = |s: &str, n: usize| -> String { s.chars().take(n).collect() };
    let is_taken = |c: &str| taken.iter().any(|t| t.to_lowercase() == c.to_lowercase());
    let mut candidate = cut(name, SHEET_NAME_CHARS);
    let mut n = 2;
    while is_taken(&candidate) {
        let suffix = format!("~{n}");
        candidate = format!(
            "{}{suffix}",
            cut(name, SHEET_NAME_CHARS - suffix.chars().count())
        );
        n += 1;
    }
    candidate
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique among
/// `taken`.
pub fn sheet_name(wanted: &str, fallback: &str, taken: &[String]) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| !NOT_IN_SHEET_NAMES.contains(c) && !c.is_control())
            .take(SHEET_NAME_CHARS)
            .collect::<String>()
            .trim_matches('\'')
            .to_string()
    };
    let mut name = clean(wanted);
    if name.is_empty() {
        name = clean(fallback);
    }
    unique_sheet_name(&name, taken)
}

/// `B7` for 0-based row 6, column 1.
pub fn cell_name(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut c = u32::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_count_like_excel() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 1), "B7");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
        assert_eq!(cell_name(0, 702), "AAA1");
    }

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let taken = vec!["预算".to_string()];
        assert_eq!(sheet_name("预算", "budget", &taken), "预算~2");
        assert_eq!(sheet_name("a/b:c", "x", &[]), "abc");
        assert_eq!(sheet_name("", "budget", &[]), "budget");
        assert_eq!(sheet_name(&"长".repeat(40), "x", &[]).chars().count(), 31);
    }
}
