//! Rows of `perfeval batch`, as CSV (for Excel), JSON Lines or one JSON array. Each
//! format gives a header, each row and a footer as bytes, so rows can be streamed.

use serde::Serialize;

use crate::batch::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    /// CSV, optionally starting with a UTF-8 byte-order mark so that Excel reads Chinese
    /// text correctly.
    Csv {
        bom: bool,
    },
    JsonLines,
    Json,
}

const COLUMNS: [&str; 9] = [
    "path",
    "department",
    "year",
    "rubric",
    "total",
    "grade",
    "subtotals",
    "status",
    "error",
];

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`) gets a leading
/// apostrophe, which spreadsheets show as text.
/// Characters that act on a terminal (ESC, CR, bidi overrides) are dropped: a CSV is
/// opened in spreadsheets and printed with `cat`, and neither needs them.
fn guard(cell: &str) -> String {
    let cell: String = if cell.chars().any(super::acts_on_terminal) {
        cell.chars()
            .filter(|&c| !super::acts_on_terminal(c))
            .collect()
    } else {
        cell.to_string()
    };
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

fn csv_line(cells: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        // One row at a time: the default 8 KiB buffer would be allocated for each row.
        .buffer_capacity(512)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = w.write_record(cells.iter().map(|c| guard(c)));
    w.into_inner().unwrap_or_default()
}

#[derive(Serialize)]
struct WireRow<'a> {
    path: &'a str,
    department: &'a str,
    year: Option<i64>,
    rubric: &'a str,
    total: Option<String>,
    grade: &'a str,
    subtotals: Vec<WireSubtotal<'a>>,
    status: &'static str,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct WireSubtotal<'a> {
    id: &'a str,
    name: &'a str,
    score: String,
}

fn wire(row: &Row) -> WireRow<'_> {
    WireRow {
        path: &row.path,
        department: &row.department,
        year: row.year,
        rubric: &row.rubric_id,
        total: row.total.map(|t| t.to_string()),
        grade: &row.grade,
        subtotals: row
            .subtotals
            .iter()
            .map(|(id, name, score)| WireSubtotal {
                id,
                name,
                score: score.to_string(),
            })
            .collect(),
        status: if row.error.is_some() { "error" } else { "ok" },
        error: row.error.as_deref(),
    }
}

impl BatchFormat {
    pub fn header(self) -> Vec<u8> {
        match self {
            BatchFormat::Csv { bom } => {
                let mut out = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                out.extend(csv_line(&COLUMNS.map(String::from)));
                out
            }
            BatchFormat::JsonLines => Vec::new(),
            BatchFormat::Json => b"[".to_vec(),
        }
    }

    /// One row; `index` is its position, for the separators of a JSON array.
    pub fn row(self, row: &Row, index: usize) -> Vec<u8> {
        match self {
            BatchFormat::Csv { .. } => csv_line(&[
                row.path.clone(),
                row.department.clone(),
                row.year.map(|y| y.to_string()).unwrap_or_default(),
                row.rubric_id.clone(),
                row.total.map(|t| t.to_string()).unwrap_or_default(),
                row.grade.clone(),
                row.subtotals
                    .iter()
                    .map(|(_, name, score)| format!("{name} {score}"))
                    .collect::<Vec<_>>()
                    .join("；"),
                if row.error.is_some() { "error" } else { "ok" }.to_string(),
                row.error.clone().unwrap_or_default(),
            ]),
            BatchFormat::JsonLines => {
                let mut out = serde_json::to_vec(&wire(row)).unwrap_or_default();
                out.push(b'\n');
                out
            }
            BatchFormat::Json => {
                let mut out = if index == 0 {
                    b"\n  ".to_vec()
                } else {
                    b",\n  ".to_vec()
                };
                out.extend(serde_json::to_vec(&wire(row)).unwrap_or_default());
                out
            }
        }
    }

    pub fn footer(self, rows: usize) -> Vec<u8> {
        match self {
            BatchFormat::Json if rows > 0 => b"\n]\n".to_vec(),
            BatchFormat::Json => b"]\n".to_vec(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn row(department: &str, error: Option<&str>) -> Row {
        Row {
            path: "a/b.toml".into(),
            department: department.into(),
            year: Some(2023),
            rubric_id: "r".into(),
            total: error.is_none().then(|| Decimal::new(9711, 2)),
            grade: if error.is_none() {
                "优".into()
            } else {
                String::new()
            },
            subtotals: vec![("d".into(), "一级甲".into(), Decimal::new(2000, 2))],
            error: error.map(String::from),
        }
    }

    #[test]
    fn csv_guards_formula_cells_and_quotes_commas() {
        let f = BatchFormat::Csv { bom: true };
        assert!(f.header().starts_with(b"\xEF\xBB\xBFpath,department,"));
        let line =
            String::from_utf8(f.row(&row("=HYPERLINK(\"x\"),局", None), 0)).unwrap_or_default();
        assert_eq!(
            line,
            "a/b.toml,\"'=HYPERLINK(\"\"x\"\"),局\",2023,r,97.11,优,一级甲 20.00,ok,\r\n"
        );
        let bad = String::from_utf8(f.row(&row("", Some("-1 is negative")), 1)).unwrap_or_default();
        assert!(bad.ends_with(",error,'-1 is negative\r\n"), "{bad}");
        assert!(
            !BatchFormat::Csv { bom: false }
                .header()
                .starts_with(b"\xEF")
        );
    }

    #[test]
    fn json_array_is_well_formed_for_zero_and_more_rows() {
        let f = BatchFormat::Json;
        let empty = [f.header(), f.footer(0)].concat();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&empty).ok(),
            Some(serde_json::json!([]))
        );
        let two = [
            f.header(),
            f.row(&row("甲", None), 0),
            f.row(&row("乙", Some("x")), 1),
            f.footer(2),
        ]
        .concat();
        let v: serde_json::Value = serde_json::from_slice(&two).unwrap_or_default();
        assert_eq!(v[0]["total"], "97.11");
        assert_eq!(v[1]["status"], "error");
    }
}
