//! The TOML text a workbook becomes, a line per value, each line with its cell.

use crate::diagnostic::Cell;
pub(super) use crate::number::is_decimal_literal;
pub(super) use crate::toml_read::basic_string as quote;

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
