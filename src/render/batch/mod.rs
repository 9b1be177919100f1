//! Rows of `perfeval batch`, as CSV (for Excel), JSON Lines or one JSON array. Each
//! format gives a header, each row and a footer as bytes, so rows can be streamed.

use serde::Serialize;

use crate::batch::Row;

// The workbook format, a child of this module: it fills its sheets from the same
// column plan and cells as the CSV.
mod xlsx;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchFormat {
    /// CSV, optionally starting with a UTF-8 byte-order mark so that Excel reads Chinese
    /// text correctly, with a column for every indicator of the rubrics in `plan`.
    Csv {
        bom: bool,
        plan: CsvPlan,
    },
    JsonLines,
    Json,
    /// One workbook, written once every row is in (a workbook cannot be streamed): a
    /// sheet per plan, that is per rubric, then the errors on their own sheet.
    Xlsx {
        plans: Vec<CsvPlan>,
    },
}

/// The indicator columns of a batch CSV: every indicator of each rubric the files use
/// (first-level and second-level subtotals included), in the rubric's order. With one
/// rubric the columns are the indicators' Chinese names; with several, each column set
/// is headed by its rubric id (`<rubric id> <indicator name>`), one set per rubric
/// side by side, and a row fills the set of the rubric it was scored under.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvPlan {
    columns: Vec<CsvColumn>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CsvColumn {
    rubric: String,
    indicator: String,
    title: String,
}

impl CsvPlan {
    /// The columns for `rubrics`, in that order.
    pub fn new(rubrics: &[&crate::rubric::Rubric]) -> CsvPlan {
        let several = rubrics.len() > 1;
        let columns = rubrics
            .iter()
            .flat_map(|r| {
                r.preorder().into_iter().map(move |i| {
                    let ind = &r.indicators[i];
                    CsvColumn {
                        rubric: r.meta.id.clone(),
                        indicator: ind.id.clone(),
                        title: if several {
                            format!("{} {}", r.meta.id, ind.name)
                        } else {
                            ind.name.clone()
                        },
                    }
                })
            })
            .collect();
        CsvPlan { columns }
    }

    /// The rubric of the columns, when they are all of one.
    pub fn rubric(&self) -> Option<&str> {
        let first = self.columns.first()?;
        self.columns
            .iter()
            .all(|c| c.rubric == first.rubric)
            .then_some(first.rubric.as_str())
    }

    /// Whether `row` fills this plan's indicator columns.
    pub(super) fn fits(&self, row: &Row) -> bool {
        self.columns.iter().any(|c| c.rubric == row.rubric_id)
    }

    /// The header: the leading columns, the indicators', the trailing ones.
    pub(super) fn titles(&self) -> Vec<String> {
        LEADING
            .iter()
            .map(|c| c.to_string())
            .chain(self.columns.iter().map(|c| c.title.clone()))
            .chain(TRAILING.iter().map(|c| c.to_string()))
            .collect()
    }

    /// One row's cells, in the header's order.
    pub(super) fn cells(&self, row: &Row) -> Vec<Cell> {
        let text = |s: &str| Cell::Text(s.to_string());
        let mut cells = vec![
            // A path keeps its odd characters, escaped: dropped, it would name another
            // file.
            Cell::Text(super::for_terminal(&row.path).into_owned()),
            text(&row.department),
            row.year.map_or(Cell::Empty, Cell::Integer),
            text(&row.rubric_id),
            text(&row.rubric_version),
            text(row.rescored_from.as_deref().unwrap_or_default()),
            Cell::Text(row.set_aside.join(" ")),
            row.total.map_or(Cell::Empty, Cell::Score),
            text(&row.grade),
            text(if row.error.is_some() { "error" } else { "ok" }),
            text(row.error.as_deref().unwrap_or_default()),
        ];
        // The row's scores and its rubric's columns are both in tree order (listed
        // items only add rows between), so one forward scan finds each column.
        let mut cursor = 0;
        for column in &self.columns {
            let score = if column.rubric == row.rubric_id {
                let found = row.scores[cursor..]
                    .iter()
                    .position(|s| s.id == column.indicator);
                found.map(|k| {
                    cursor += k + 1;
                    &row.scores[cursor - 1]
                })
            } else {
                None
            };
            cells.push(score.map_or(Cell::Empty, |s| Cell::Score(s.score)));
        }
        cells.push(text(&row.rubric_sha256));
        cells.push(text(&row.facts_sha256));
        cells
    }
}

/// One cell of a batch row: the CSV writes each as text, a workbook numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Text(String),
    Integer(i64),
    /// A score or total, shown with its two decimals.
    Score(rust_decimal::Decimal),
    Empty,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Text(s) => f.write_str(s),
            Cell::Integer(i) => write!(f, "{i}"),
            Cell::Score(d) => write!(f, "{d}"),
            Cell::Empty => Ok(()),
        }
    }
}

/// Columns before the indicators' and after them.
const LEADING: [&str; 11] = [
    "path",
    "department",
    "year",
    "rubric",
    "rubric_version",
    "rescored_from",
    "set_aside_facts",
    "total",
    "grade",
    "status",
    "error",
];
const TRAILING: [&str; 2] = ["rubric_sha256", "facts_sha256"];

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
    rubric_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rescored_from: Option<&'a str>,
    total: Option<String>,
    grade: &'a str,
    subtotals: Vec<WireSubtotal<'a>>,
    /// Every indicator in tree order, listed items included.
    indicators: Vec<WireIndicator<'a>>,
    status: &'static str,
    error: Option<&'a str>,
    /// What the row was computed from, as `perfeval score --format json` gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct WireSubtotal<'a> {
    id: &'a str,
    name: &'a str,
    score: String,
}

#[derive(Serialize)]
struct WireIndicator<'a> {
    id: &'a str,
    name: &'a str,
    level: usize,
    points: String,
    score: String,
}

fn wire(row: &Row) -> WireRow<'_> {
    WireRow {
        path: &row.path,
        department: &row.department,
        year: row.year,
        rubric: &row.rubric_id,
        rubric_version: &row.rubric_version,
        rescored_from: row.rescored_from.as_deref(),
        total: row.total.map(|t| t.to_string()),
        grade: &row.grade,
        subtotals: row
            .scores
            .iter()
            .filter(|s| s.level == 1)
            .map(|s| WireSubtotal {
                id: &s.id,
                name: &s.name,
                score: s.score.to_string(),
            })
            .collect(),
        indicators: row
            .scores
            .iter()
            .map(|s| WireIndicator {
                id: &s.id,
                name: &s.name,
                level: s.level,
                points: s.points.normalize().to_string(),
                score: s.score.to_string(),
            })
            .collect(),
        status: if row.error.is_some() { "error" } else { "ok" },
        error: row.error.as_deref(),
        receipt: row.receipt.as_ref(),
    }
}

impl BatchFormat {
    pub fn header(&self) -> Vec<u8> {
        match self {
            BatchFormat::Csv { bom, plan } => {
                let mut out = if *bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                out.extend(csv_line(&plan.titles()));
                out
            }
            BatchFormat::JsonLines | BatchFormat::Xlsx { .. } => Vec::new(),
            BatchFormat::Json => b"[".to_vec(),
        }
    }

    /// One row; `index` is its position, for the separators of a JSON array.
    pub fn row(&self, row: &Row, index: usize) -> Vec<u8> {
        match self {
            BatchFormat::Csv { plan, .. } => {
                let cells: Vec<String> = plan.cells(row).iter().map(Cell::to_string).collect();
                csv_line(&cells)
            }
            // Rows are collected and written by `workbook`.
            BatchFormat::Xlsx { .. } => Vec::new(),
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

    /// Whether rows are kept until every file is scored (a workbook) rather than written
    /// one by one as they come.
    pub fn collects_rows(&self) -> bool {
        matches!(self, BatchFormat::Xlsx { .. })
    }

    /// The workbook of all the rows, in order (`Xlsx`; the other formats write nothing
    /// here), or why it could not be made.
    pub fn workbook(&self, rows: &[Row]) -> Result<Vec<u8>, String> {
        match self {
            BatchFormat::Xlsx { plans } => xlsx::workbook(plans, rows).map_err(|e| e.to_string()),
            _ => Ok(Vec::new()),
        }
    }

    pub fn footer(&self, rows: usize) -> Vec<u8> {
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
            rubric_version: "1".into(),
            set_aside: Vec::new(),
            rubric_sha256: String::new(),
            facts_sha256: String::new(),
            rescored_from: None,
            total: error.is_none().then(|| Decimal::new(9711, 2)),
            grade: if error.is_none() {
                "优".into()
            } else {
                String::new()
            },
            scores: vec![crate::batch::IndicatorScore {
                id: "d".into(),
                name: "一级甲".into(),
                level: 1,
                points: Decimal::new(20, 0),
                score: Decimal::new(2000, 2),
            }],
            receipt: None,
            error: error.map(String::from),
        }
    }

    #[test]
    fn csv_guards_formula_cells_and_quotes_commas() {
        let plan = CsvPlan {
            columns: vec![CsvColumn {
                rubric: "r".into(),
                indicator: "d".into(),
                title: "一级甲".into(),
            }],
        };
        let f = BatchFormat::Csv { bom: true, plan };
        assert!(f.header().starts_with(b"\xEF\xBB\xBFpath,department,"));
        assert!(
            f.header()
                .ends_with(",一级甲,rubric_sha256,facts_sha256\r\n".as_bytes())
        );
        let line =
            String::from_utf8(f.row(&row("=HYPERLINK(\"x\"),局", None), 0)).unwrap_or_default();
        assert_eq!(
            line,
            "a/b.toml,\"'=HYPERLINK(\"\"x\"\"),局\",2023,r,1,,,97.11,优,ok,,20.00,,\r\n"
        );
        let bad = String::from_utf8(f.row(&row("", Some("-1 is negative")), 1)).unwrap_or_default();
        assert!(bad.contains(",error,'-1 is negative,"), "{bad}");
        assert!(
            !BatchFormat::Csv {
                bom: false,
                plan: CsvPlan::default()
            }
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
