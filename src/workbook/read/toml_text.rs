//! The TOML text a workbook becomes, a line per value, each line with its cell.

use crate::diagnostic::Cell;

/// What a cell of a row holds, ready for a TOML line.
pub(super) struct Value {
    /// TOML for the value: a number, a quoted string, a boolean.
    pub(super) toml: String,
    pub(super) cell: Cell,
}

/// The TOML text being written and, per line, the cell it stands for.
#[derive(Default)]
pub(super) struct Emitter {
    pub(super) text: String,
    pub(super) cells: Vec<Option<Cell>>,
    pub(super) problems: Vec<(usize, String, Option<String>)>,
}

impl Emitter {
    pub(super) fn line(&mut self, text: &str, cell: Option<Cell>) -> usize {
        self.text.push_str(text);
        self.text.push('\n');
        self.cells.push(cell);
        self.cells.len()
    }

    pub(super) fn value(&mut self, key: &str, v: Value) {
        let comment = comment_safe(&v.cell.reference());
        self.line(&format!("{key} = {}  # {comment}", v.toml), Some(v.cell));
    }

    pub(super) fn problem(&mut self, cell: Cell, message: String, help: Option<String>) {
        let line = self.line(
            &format!("# {}", comment_safe(&cell.reference())),
            Some(cell),
        );
        self.problems.push((line, message, help));
    }
}

pub(super) fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A TOML basic string.
pub(super) fn quote(s: &str) -> String {
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
pub(super) fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        s.to_string()
    } else {
        quote(s)
    }
}

pub(super) fn dotted(path: &str) -> String {
    path.split('.').map(key).collect::<Vec<_>>().join(".")
}

/// Whether text is a decimal number as TOML writes one: `-12.5`, not `012` or `1e3`.
pub(super) fn is_decimal_literal(s: &str) -> bool {
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

/// A cell that cannot be read, what is wrong with it and how to put it right.
pub(super) type Problem = Box<(Cell, String, Option<String>)>;

pub(super) fn problem(out: &mut Emitter, (cell, message, help): (Cell, String, Option<String>)) {
    out.problem(cell, message, help);
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn strings_are_quoted_for_toml() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(key("on_time"), "on_time");
        assert_eq!(key("某项指标"), "\"某项指标\"");
    }
}
