//! Reading a facts workbook into a facts source.
//!
//! The workbook becomes TOML text with one value per line, and each line remembers its
//! cell, so every later message names `预算!B3` instead of a line nobody has seen.
//!
//! Numbers are taken exactly. A typed number is stored by Excel as the shortest decimal
//! text that reads back as the same binary float, which for up to 15 significant digits
//! is the figure typed; calamine hands it over as that float, whose shortest decimal text
//! is the same digits again. A float needing more digits is not a figure anyone typed (a
//! formula's `0.1 + 0.2` is `0.30000000000000004`) and is refused, never rounded. The
//! decimals a number format shows (`0.00`, `0.00%`) are kept, so a stated `93.00%` keeps
//! the precision `check` compares it at.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;

use super::layout::*;
use crate::diagnostic::{Cell, Diagnostic, Diagnostics, SourceFile, sha256_hex};
use crate::input::InputError;

/// Whether bytes are a zip archive, which is what an `.xlsx` workbook is.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// One sheet as read: values, formulas and number formats by absolute position.
struct Grid {
    name: String,
    /// Each cell that holds something: its value and its formula.
    cells: std::collections::HashMap<(u32, u32), (Data, Option<String>)>,
    /// The rows that hold a cell, in order: a stray cell at row 1,048,576 costs one entry,
    /// not a million rows.
    rows: Vec<u32>,
    styles: calamine::StyleRange,
    /// Column of each title in the first row.
    titles: Vec<(String, u32)>,
}

impl Grid {
    fn column(&self, title: &str) -> Option<u32> {
        self.titles
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, c)| *c)
    }

    fn value(&self, row: u32, col: u32) -> &Data {
        self.cells.get(&(row, col)).map_or(&Data::Empty, |(v, _)| v)
    }

    fn text(&self, row: u32, col: Option<u32>) -> String {
        col.map(|c| match self.value(row, c) {
            Data::String(s) => s.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
    }

    fn formula(&self, row: u32, col: u32) -> Option<String> {
        self.cells
            .get(&(row, col))
            .and_then(|(_, f)| f.clone())
            .filter(|f| !f.is_empty())
    }

    fn format(&self, row: u32, col: u32) -> NumberShape {
        self.styles
            .get((row, col))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| NumberShape::of(&f.format_code))
            .unwrap_or_default()
    }

    /// The data rows (below the titles) that hold a cell.
    fn data_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows.iter().copied().filter(|&r| r > 0)
    }
}

/// Most cells read from one workbook: a facts workbook holds a few hundred; a file
/// with millions is not one, and reading it would only cost memory.
const MAX_CELLS: usize = 200_000;

/// What a cell's number format says about the figure it shows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct NumberShape {
    decimals: u32,
    percent: bool,
    /// Whether the format fixes the decimals shown (`0.00`), unlike `General`.
    fixed: bool,
}

impl NumberShape {
    /// The decimals and percent sign of the first section of a format code, outside
    /// quoted text and escapes: `0.00%` has 2 and a percent sign.
    fn of(code: &str) -> Self {
        let section = code.split(';').next().unwrap_or("");
        let mut shape = NumberShape::default();
        let (mut quoted, mut escaped, mut after_point) = (false, false, false);
        for c in section.chars() {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '"' => quoted = !quoted,
                _ if quoted => {}
                '\\' => escaped = true,
                '.' => after_point = true,
                '0' | '#' | '?' if after_point => {
                    shape.decimals += 1;
                    shape.fixed = true;
                }
                '0' | '#' | '?' => shape.fixed = true,
                '%' => shape.percent = true,
                _ if after_point && !c.is_ascii_digit() => after_point = false,
                _ => {}
            }
        }
        shape
    }
}

/// What a cell of a row holds, ready for a TOML line.
struct Value {
    /// TOML for the value: a number, a quoted string, a boolean.
    toml: String,
    cell: Cell,
}

/// The TOML text being written and, per line, the cell it stands for.
#[derive(Default)]
struct Emitter {
    text: String,
    cells: Vec<Option<Cell>>,
    problems: Vec<(usize, String, Option<String>)>,
}

impl Emitter {
    fn line(&mut self, text: &str, cell: Option<Cell>) -> usize {
        self.text.push_str(text);
        self.text.push('\n');
        self.cells.push(cell);
        self.cells.len()
    }

    fn value(&mut self, key: &str, v: Value) {
        let comment = comment_safe(&v.cell.reference());
        self.line(&format!("{key} = {}  # {comment}", v.toml), Some(v.cell));
    }

    fn problem(&mut self, cell: Cell, message: String, help: Option<String>) {
        let line = self.line(
            &format!("# {}", comment_safe(&cell.reference())),
            Some(cell),
        );
        self.problems.push((line, message, help));
    }
}

fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key segment: bare when TOML allows, else quoted.
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        quote(s)
    }
}

fn dotted(path: &str) -> String {
    path.split('.').map(key).collect::<Vec<_>>().join(".")
}

/// Whether text is a decimal number as TOML writes one: `-12.5`, not `012` or `1e3`.
fn is_decimal_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// How a column's cells are meant: decides what a number or a 是/否 becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meant {
    Number,
    Rate,
    /// A number or a percentage, as shown (a listed indicator's target and actual).
    Figure,
    YesNo,
    /// 是/否 or points for a partly met check.
    Check,
    Text,
    Year,
}

impl Meant {
    fn of_kind(kind: &str) -> Meant {
        match kind {
            "amount" | "count" | "judgment" => Meant::Number,
            "rate" => Meant::Rate,
            "bool" => Meant::YesNo,
            "check" => Meant::Check,
            _ => Meant::Text,
        }
    }
}

/// The figure someone meant by text typed into a number cell: thousands separators,
/// full-width digits and signs, and a unit after the figure taken out (`2,855.07万元` is
/// `2855.07`, `９３.２％` is `93.2%`), when what is left is a number.
fn typed_figure(text: &str) -> Option<String> {
    let mut s: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '．' => '.',
            '－' => '-',
            '％' => '%',
            c => c,
        })
        .collect();
    for unit in ["万元", "元", "人", "个", "项"] {
        if let Some(rest) = s.strip_suffix(unit) {
            s = rest.to_string();
        }
    }
    let (number, percent) = match s.strip_suffix('%') {
        Some(n) => (n, true),
        None => (s.as_str(), false),
    };
    is_decimal_literal(number).then(|| {
        if percent {
            format!("{number}%")
        } else {
            number.to_string()
        }
    })
}

/// The exact decimal text of a float calamine read, when it is a figure someone typed.
fn float_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f}");
    let significant = text
        .trim_start_matches('-')
        .replace('.', "")
        .trim_start_matches('0')
        .trim_end_matches('0')
        .len();
    (significant <= 15).then_some(text)
}

/// Whether a number holds digits its cell does not show: what is scored must be the
/// figure the user sees. A formula's result cut at 15 significant digits (LibreOffice
/// stores a non-terminating quotient that way) is not a figure either.
fn hidden_digits(
    text: &str,
    shape: NumberShape,
    formula: Option<&str>,
    meant: Meant,
) -> Option<(String, String)> {
    let d = Decimal::from_str_exact(text).ok()?;
    let percent = shape.percent && matches!(meant, Meant::Rate | Meant::Figure);
    let held = if percent {
        d.checked_mul(Decimal::ONE_HUNDRED)?.normalize()
    } else {
        d.normalize()
    };
    let significant = text
        .trim_start_matches('-')
        .replace('.', "")
        .trim_start_matches('0')
        .trim_end_matches('0')
        .len();
    if let Some(f) = formula
        && significant >= 15
        && held.scale() > 0
    {
        return Some((
            format!(
                "the formula ={f} gives {text}, a result cut at 15 digits, not a figure of the report"
            ),
            format!("round it where the report does: =ROUND({f}, 2)"),
        ));
    }
    if !shape.fixed || held.scale() <= shape.decimals {
        return None;
    }
    let mut seen = held;
    seen.rescale(shape.decimals);
    let unit = if percent { "%" } else { "" };
    let fix = match formula {
        Some(f) => format!("round it where the report does: =ROUND({f}, {})", shape.decimals + if percent { 2 } else { 0 }),
        None => "type the figure as the report prints it, or show more decimals (设置单元格格式 → 数值 → 小数位数)".to_string(),
    };
    Some((
        format!(
            "the cell shows {seen}{unit} but holds {held}{unit}: perfeval scores the figure shown, so it must be the figure held"
        ),
        fix,
    ))
}

/// A cell's value as TOML, or the problem with it.
fn convert(
    grid: &Grid,
    row: u32,
    col: u32,
    meant: Meant,
    label: &str,
) -> Result<Option<Value>, Problem> {
    let data = grid.value(row, col);
    let formula = grid.formula(row, col);
    let shown = match data {
        Data::Float(f) => float_text(*f).unwrap_or_else(|| format!("{f:?}")),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let cell = Cell {
        sheet: grid.name.clone(),
        cell: cell_name(row, u16::try_from(col).unwrap_or(u16::MAX)),
        label: label.to_string(),
        shown,
        formula: formula.clone(),
    };
    let fail = |message: String, help: Option<String>| Err(Box::new((cell.clone(), message, help)));
    let number = |text: String| -> Result<String, ()> {
        let shape = grid.format(row, col);
        let mut d = Decimal::from_str_exact(&text).map_err(|_| ())?;
        if shape.percent && matches!(meant, Meant::Rate | Meant::Figure) {
            d = d.checked_mul(Decimal::ONE_HUNDRED).ok_or(())?.normalize();
            if d.scale() < shape.decimals {
                d.rescale(shape.decimals);
            }
            return Ok(quote(&format!("{d}%")));
        }
        if d.scale() < shape.decimals && d.scale() + shape.decimals <= 28 {
            d.rescale(shape.decimals);
        }
        Ok(d.to_string())
    };
    let toml = match (data, meant) {
        (Data::Empty, _) => {
            if let Some(f) = &formula {
                return fail(
                    format!("the cell holds the formula ={f} but no computed value"),
                    Some("open the workbook in Excel or WPS and save it, so the formula's result is stored".into()),
                );
            }
            return Ok(None);
        }
        (Data::Float(f), _) => {
            let Some(text) = float_text(*f) else {
                let why = match &formula {
                    Some(fx) => format!(
                        "the formula ={fx} gives {f:?}, a binary fraction that is not a figure of the report"
                    ),
                    None => format!(
                        "the cell holds {f:?}, a binary fraction that is not a figure of the report"
                    ),
                };
                return fail(
                    why,
                    Some("type the figure itself, or round the formula with ROUND(…, 2)".into()),
                );
            };
            if let Some((message, help)) =
                hidden_digits(&text, grid.format(row, col), formula.as_deref(), meant)
            {
                return fail(message, Some(help));
            }
            match meant {
                Meant::Text => quote(&text),
                Meant::YesNo => quote(&text),
                Meant::Year => text,
                _ => match number(text.clone()) {
                    Ok(t) => t,
                    Err(()) => {
                        return fail(format!("{text} cannot be held as an exact decimal"), None);
                    }
                },
            }
        }
        (Data::Int(i), _) => match meant {
            Meant::Text | Meant::YesNo => quote(&i.to_string()),
            _ => number(i.to_string()).unwrap_or_else(|()| i.to_string()),
        },
        (Data::Bool(b), _) => match meant {
            Meant::Text => quote(if *b { YES } else { NO }),
            _ => b.to_string(),
        },
        (Data::String(s), _) => {
            let t = s.trim();
            match meant {
                Meant::YesNo | Meant::Check if [YES, "TRUE", "true", "符合"].contains(&t) => {
                    "true".into()
                }
                Meant::YesNo | Meant::Check if [NO, "FALSE", "false", "不符合"].contains(&t) => {
                    "false".into()
                }
                // A figure typed into a cell formatted as text is as exact as it gets.
                Meant::Number | Meant::Rate | Meant::Figure | Meant::Check | Meant::Year
                    if is_decimal_literal(t) =>
                {
                    t.to_string()
                }
                Meant::Text => quote(s),
                Meant::Number | Meant::Rate | Meant::Figure | Meant::Year => {
                    if let Some(fixed) = typed_figure(t).filter(|f| f != t) {
                        return fail(
                            format!("the cell holds the text `{t}`, not a figure"),
                            Some(format!("type {fixed}")),
                        );
                    }
                    quote(t)
                }
                _ => quote(t),
            }
        }
        (Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_), _) => {
            return fail(
                "the cell holds a date or a time, not a figure".into(),
                Some("format the cell as a number (常规 or 数值) and type the figure again".into()),
            );
        }
        (Data::Error(e), _) => {
            return fail(
                format!("the cell holds the error {e}"),
                formula.map(|f| {
                    format!("the formula ={f} does not compute; correct it or type the figure")
                }),
            );
        }
    };
    Ok(Some(Value { toml, cell }))
}

/// A cell that cannot be read, what is wrong with it and how to put it right.
type Problem = Box<(Cell, String, Option<String>)>;

fn problem(out: &mut Emitter, (cell, message, help): (Cell, String, Option<String>)) {
    out.problem(cell, message, help);
}

/// One sheet's cells, read one at a time (never as a dense range: a stray cell at
/// XFD1048576 would make that 17 billion cells).
fn read_grid(
    book: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    read: &mut usize,
) -> Result<Grid, String> {
    let cannot = |e: calamine::XlsxError| format!("sheet {name} cannot be read: {e}");
    let mut cells = std::collections::HashMap::new();
    let mut rows = std::collections::BTreeSet::new();
    {
        let mut reader = book.worksheet_cells_reader(name).map_err(cannot)?;
        while let Some(cell) = reader.next_cell_with_formula().map_err(cannot)? {
            let value = Data::from(cell.value);
            if value == Data::Empty && cell.formula.is_none() {
                continue;
            }
            *read += 1;
            if *read > MAX_CELLS {
                return Err(format!(
                    "it holds more than {MAX_CELLS} cells, which no facts workbook does"
                ));
            }
            rows.insert(cell.pos.0);
            cells.insert(cell.pos, (value, cell.formula));
        }
    }
    let styles = book.worksheet_style(name).unwrap_or_default();
    let mut titles: Vec<(String, u32)> = cells
        .iter()
        .filter(|((r, _), _)| *r == 0)
        .filter_map(|((_, c), (v, _))| match v {
            Data::String(t) if !t.trim().is_empty() => Some((t.trim().to_string(), *c)),
            _ => None,
        })
        .collect();
    titles.sort_by_key(|(_, c)| *c);
    Ok(Grid {
        name: name.to_string(),
        cells,
        rows: rows.into_iter().collect(),
        styles,
        titles,
    })
}

/// The rubric id a facts workbook names on its 基本信息 sheet, read without the rest
/// of the workbook (`batch` plans its columns from the ids before scoring).
pub fn rubric_id(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok()?;
    let grid = read_grid(&mut book, INFO_SHEET, &mut 0).ok()?;
    let key = grid.column(KEY)?;
    let row = grid
        .data_rows()
        .find(|&r| grid.text(r, Some(key)) == "rubric")?;
    Some(grid.text(row, grid.column(INFO_VALUE))).filter(|id| !id.is_empty())
}

/// Reads a workbook's bytes as a facts source.
pub fn read_workbook(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, InputError> {
    let sha256 = sha256_hex(&bytes);
    let unreadable = |message: String| InputError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        unreadable(format!(
            "it is a zip archive but not an Excel workbook perfeval can read ({e}); a Word document or an .et/.xls file saved under another name?"
        ))
    })?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == INFO_SHEET) {
        return Err(unreadable(format!(
            "it is a workbook without the sheet {INFO_SHEET}, so not a perfeval facts workbook (its sheets: {})",
            names.join(", ")
        )));
    }
    let hidden: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|m| m.visible != calamine::SheetVisible::Visible)
        .map(|m| m.name.clone())
        .collect();
    let mut grids = Vec::new();
    let mut read = 0usize;
    for name in &names {
        if name == CHOICES_SHEET {
            continue;
        }
        let grid = read_grid(&mut book, name, &mut read).map_err(&unreadable)?;
        // A hidden sheet would feed figures nobody sees; only the drop-down lists may hide.
        if hidden.contains(name) && !grid.cells.is_empty() {
            return Err(unreadable(format!(
                "sheet {name} is hidden; perfeval does not read figures nobody can see (unhide it, or delete it)"
            )));
        }
        grids.push(grid);
    }
    let mut out = Emitter::default();
    let info_cell = Cell {
        sheet: INFO_SHEET.to_string(),
        cell: String::new(),
        label: INFO_SHEET.to_string(),
        shown: String::new(),
        formula: None,
    };
    out.line(
        &format!(
            "# Facts read by perfeval from the workbook {}; each value's comment names its cell.",
            comment_safe(&crate::diagnostic::show_path(path))
        ),
        Some(info_cell),
    );
    info(&grids, &mut out);
    facts(&grids, &mut out);
    lists(&grids, &mut out);
    overrides(&grids, &mut out);
    claims(&grids, &mut out);
    let problems = std::mem::take(&mut out.problems);
    let source = SourceFile::from_workbook(path, out.text, out.cells, sha256);
    if problems.is_empty() {
        return Ok(source);
    }
    let mut diags = Diagnostics::default();
    for (line, message, help) in problems {
        let start: usize = source
            .text()
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        let mut d = Diagnostic::new(message).at(&source, start..start + 1);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        diags.push(d);
    }
    Err(InputError::Invalid(diags))
}

fn info(grids: &[Grid], out: &mut Emitter) {
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
struct FactCells {
    path: String,
    sheet: String,
    value: Option<Value>,
    reason: Option<Value>,
    note: Option<Value>,
}

/// The cell of a sheet's title row, for a problem with the sheet's layout.
fn sheet_cell(grid: &Grid) -> Cell {
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
fn first_at(seen: &mut Vec<(String, String)>, key: &str, at: String) -> Option<String> {
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
const NOT_FACTS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

fn facts(grids: &[Grid], out: &mut Emitter) {
    let mut found: Vec<FactCells> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for grid in grids {
        let (Some(key_col), Some(kind_col)) = (grid.column(KEY), grid.column(FACT_KIND)) else {
            continue;
        };
        let Some(value_col) = grid.column(FACT_VALUE) else {
            out.problem(
                sheet_cell(grid),
                format!(
                    "sheet {} has no column titled {FACT_VALUE}, so none of its facts can be read",
                    grid.name
                ),
                Some(format!(
                    "put the title {FACT_VALUE} back above the column of values"
                )),
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
            let key_cell = Cell {
                sheet: grid.name.clone(),
                cell: at.clone(),
                label: label.clone(),
                shown: path.clone(),
                formula: None,
            };
            if NOT_FACTS.contains(&path.split('.').next().unwrap_or_default()) {
                out.problem(
                    key_cell,
                    format!("`{path}` is not the key of a fact"),
                    Some("restore the row's key as perfeval wrote it, or delete the row".into()),
                );
                continue;
            }
            if let Some(first) = first_at(&mut seen, &path, format!("{}!{at}", grid.name)) {
                out.problem(
                    key_cell,
                    format!("the fact `{path}` has a second row (the first is at {first})"),
                    Some("keep one row per fact".into()),
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
                    Cell {
                        sheet: grid.name.clone(),
                        cell: at,
                        label,
                        shown: path.clone(),
                        formula: None,
                    },
                    format!("the reasons of `{path}` have a second row (the first is at {first})"),
                    Some("keep one row per fact".into()),
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
                Some(Cell {
                    sheet: sheet.clone(),
                    cell: String::new(),
                    label: sheet,
                    shown: String::new(),
                    formula: None,
                }),
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

fn clone_value(v: &Value) -> Value {
    Value {
        toml: v.toml.clone(),
        cell: v.cell.clone(),
    }
}

fn lists(grids: &[Grid], out: &mut Emitter) {
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
                    format!("{} 第 {} 行", grid.name, row + 1)
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

fn overrides(grids: &[Grid], out: &mut Emitter) {
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
                    format!(
                        "an override on row {} of {OVERRIDES_SHEET} names no indicator",
                        row + 1
                    ),
                    Some(format!(
                        "choose the indicator in column {OVERRIDE_INDICATOR}, or clear the row"
                    )),
                );
            }
            continue;
        }
        if first {
            out.line("", None);
            out.line("[overrides]", None);
            first = false;
        }
        let name_cell = Cell {
            sheet: grid.name.clone(),
            cell: cell_name(row, u16::try_from(name_col).unwrap_or(0)),
            label: name.clone(),
            shown: name.clone(),
            formula: None,
        };
        if let Some(first) = first_at(&mut seen, &name, name_cell.reference()) {
            out.problem(
                name_cell,
                format!("`{name}` is overridden twice (the first is at {first})"),
                Some("keep one override per indicator".into()),
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

fn claims(grids: &[Grid], out: &mut Emitter) {
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
                format!(
                    "a claimed score on row {} of {CLAIMS_SHEET} names no indicator",
                    row + 1
                ),
                Some(format!(
                    "write the indicator's name in column {CLAIM_INDICATOR}, or clear the row"
                )),
            ),
            Ok(Some(v)) => match first_at(&mut seen, &name, v.cell.reference()) {
                Some(first) => out.problem(
                    v.cell,
                    format!("`{name}` is claimed twice (the first is at {first})"),
                    Some("keep one claimed score per indicator".into()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_give_decimals_and_percent() {
        let shape = |decimals, percent| NumberShape {
            decimals,
            percent,
            fixed: true,
        };
        assert_eq!(NumberShape::of("0.00%"), shape(2, true));
        assert_eq!(NumberShape::of("#,##0.0"), shape(1, false));
        assert_eq!(NumberShape::of("General"), NumberShape::default());
        assert_eq!(NumberShape::of("0\"%\""), shape(0, false));
        assert_eq!(NumberShape::of("0.00_);(0.00)"), shape(2, false));
    }

    #[test]
    fn floats_that_are_not_typed_figures_are_refused() {
        assert_eq!(float_text(2855.07).as_deref(), Some("2855.07"));
        assert_eq!(float_text(0.8747).as_deref(), Some("0.8747"));
        assert_eq!(
            float_text(123456789012345.0).as_deref(),
            Some("123456789012345")
        );
        let sum = "0.30000000000000004".parse::<f64>().unwrap_or_default();
        assert_eq!(float_text(sum), None);
    }

    #[test]
    fn decimal_literals_are_toml_numbers() {
        for ok in ["0", "12", "-3.25", "0.5"] {
            assert!(is_decimal_literal(ok), "{ok}");
        }
        for bad in ["", "012", "1.", ".5", "1e3", "2,855.07", "１２"] {
            assert!(!is_decimal_literal(bad), "{bad}");
        }
    }

    #[test]
    fn figures_typed_as_text_are_named() {
        assert_eq!(typed_figure("2,855.07").as_deref(), Some("2855.07"));
        assert_eq!(typed_figure("１２３").as_deref(), Some("123"));
        assert_eq!(typed_figure("９３.２％").as_deref(), Some("93.2%"));
        assert_eq!(typed_figure("2855.07万元").as_deref(), Some("2855.07"));
        assert_eq!(typed_figure("87.47%").as_deref(), Some("87.47%"));
        assert_eq!(typed_figure("很多"), None);
    }

    #[test]
    fn strings_are_quoted_for_toml() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(key("on_time"), "on_time");
        assert_eq!(key("某项指标"), "\"某项指标\"");
    }
}
