//! `perfeval diff` of two `perfeval batch` outputs (JSON Lines or one JSON array): rows
//! matched by path, then by department and year, then by department alone (when it is
//! one row on each side); per file the totals, grades and the indicators that changed.

use std::str::FromStr;

use rust_decimal::Decimal;
use rust_i18n::t;
use serde::Deserialize;

use super::{Key, Presence, match_keys, minus};

/// What a file given to `diff` holds, told by its content.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A facts file (TOML; a workbook is told apart before its text is read).
    Facts,
    /// The rows of a `perfeval batch` output in JSON Lines or JSON.
    Batch(Vec<BatchRow>),
    /// A `perfeval batch` CSV: its columns depend on the rubrics, so it is not compared.
    BatchCsv,
}

/// One row of a batch output, as `perfeval batch --format jsonl` writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub path: String,
    pub department: String,
    pub year: Option<i64>,
    pub rubric: String,
    pub rubric_version: String,
    pub total: Option<Decimal>,
    pub grade: String,
    pub error: Option<String>,
    pub indicators: Vec<BatchScore>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchScore {
    pub id: String,
    pub name: String,
    pub level: usize,
    pub score: Decimal,
}

#[derive(Deserialize)]
struct WireRow {
    path: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    year: Option<i64>,
    #[serde(default)]
    rubric: String,
    #[serde(default)]
    rubric_version: String,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    indicators: Vec<WireScore>,
}

#[derive(Deserialize)]
struct WireScore {
    id: String,
    name: String,
    level: usize,
    score: String,
}

fn decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text).ok()
}

fn row(value: serde_json::Value) -> Result<BatchRow, String> {
    let w: WireRow = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let total = match &w.total {
        Some(text) => Some(
            decimal(text).ok_or_else(|| t!("diff.total_not_a_number", text = text).into_owned())?,
        ),
        None => None,
    };
    let indicators = w
        .indicators
        .into_iter()
        .map(|s| {
            Ok(BatchScore {
                score: decimal(&s.score)
                    .ok_or_else(|| t!("diff.score_not_a_number", text = s.score).into_owned())?,
                id: s.id,
                name: s.name,
                level: s.level,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(BatchRow {
        path: w.path,
        department: w.department,
        year: w.year,
        rubric: w.rubric,
        rubric_version: w.rubric_version,
        total,
        grade: w.grade,
        error: w.error,
        indicators,
    })
}

fn is_row(v: &serde_json::Value) -> bool {
    v.get("path").is_some() && v.get("status").is_some()
}

/// Tells a facts file from a batch output by its text; a batch output whose rows cannot
/// be read is an error naming the line (JSON Lines) or the row (JSON).
pub fn sniff(text: &str) -> Result<Content, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    if first.starts_with("path,department,") {
        return Ok(Content::BatchCsv);
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        // A TOML file may start with a table header (`[funding]`): only a JSON array of
        // batch rows is one.
        let Ok(serde_json::Value::Array(values)) = serde_json::from_str(trimmed) else {
            return Ok(Content::Facts);
        };
        if !values.iter().all(is_row) {
            return Ok(Content::Facts);
        }
        let rows = values
            .into_iter()
            .enumerate()
            .map(|(k, v)| {
                row(v).map_err(|e| t!("diff.record_error", n = k + 1, message = e).into_owned())
            })
            .collect::<Result<Vec<_>, String>>()?;
        return Ok(Content::Batch(rows));
    }
    if trimmed.starts_with('{') {
        let mut rows = Vec::new();
        for (k, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| t!("diff.line_not_json", n = k + 1, message = e).into_owned())?;
            if !is_row(&value) {
                return Err(t!("diff.line_not_a_row", n = k + 1).into_owned());
            }
            rows.push(
                row(value)
                    .map_err(|e| t!("diff.line_error", n = k + 1, message = e).into_owned())?,
            );
        }
        return Ok(Content::Batch(rows));
    }
    Ok(Content::Facts)
}

/// How two rows were recognised as the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    Path,
    DepartmentYear,
    Department,
}

impl MatchedBy {
    pub fn name(self) -> &'static str {
        match self {
            MatchedBy::Path => "path",
            MatchedBy::DepartmentYear => "department_year",
            MatchedBy::Department => "department",
        }
    }

    /// Whether two rows are the same file by this criterion.
    fn same(self, a: &BatchRow, b: &BatchRow) -> bool {
        match self {
            MatchedBy::Path => a.path == b.path,
            MatchedBy::DepartmentYear => {
                !a.department.is_empty() && a.department == b.department && a.year == b.year
            }
            MatchedBy::Department => !a.department.is_empty() && a.department == b.department,
        }
    }
}

/// One indicator of a file whose score changed, or that is on one side only.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChange {
    pub id: String,
    pub name: String,
    pub level: usize,
    pub presence: Presence,
    pub old: Option<Decimal>,
    pub new: Option<Decimal>,
    pub change: Option<Decimal>,
}

/// One file of either archive.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiff {
    pub old: Option<BatchRow>,
    pub new: Option<BatchRow>,
    pub matched_by: Option<MatchedBy>,
    /// New total − old total, when both were scored.
    pub change: Option<Decimal>,
    /// Only the indicators whose score changed, or that one side does not have.
    pub indicators: Vec<IndicatorChange>,
}

impl FileDiff {
    pub fn presence(&self) -> Presence {
        match (&self.old, &self.new) {
            (Some(_), Some(_)) => Presence::Both,
            (None, _) => Presence::OnlyNew,
            (Some(_), None) => Presence::OnlyOld,
        }
    }

    /// The row people know the file by: the new one's when there is one.
    pub fn row(&self) -> Option<&BatchRow> {
        self.new.as_ref().or(self.old.as_ref())
    }

    /// Anything differs: a total, a grade, whether it could be scored, an indicator, or
    /// a side missing. An error's text is in the language of the run that wrote it, so two
    /// files that both failed are not told apart by it.
    pub fn differs(&self) -> bool {
        match (&self.old, &self.new) {
            (Some(a), Some(b)) => {
                a.total != b.total
                    || a.grade != b.grade
                    || a.error.is_some() != b.error.is_some()
                    || !self.indicators.is_empty()
            }
            _ => true,
        }
    }
}

/// The comparison of two batch outputs: the new one's files in its order, then the
/// files only the old one has.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDiff {
    pub files: Vec<FileDiff>,
}

impl BatchDiff {
    pub fn count(&self, presence: Presence) -> usize {
        self.files
            .iter()
            .filter(|f| f.presence() == presence)
            .count()
    }
}

/// A row's indicators as keys: a listed item (`output.1.2`, its id only its place under
/// `output.1`) is known by its names from the first level down, the others by id.
fn keys(row: &BatchRow) -> Vec<Key> {
    let mut path: Vec<&str> = Vec::new();
    row.indicators
        .iter()
        .map(|s| {
            path.truncate(s.level.saturating_sub(1));
            path.push(&s.name);
            let positional = s.id.rsplit_once('.').is_some_and(|(prefix, n)| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && row.indicators.iter().any(|p| p.id == prefix)
            });
            if positional {
                Key {
                    id: None,
                    name: path.join("/"),
                    level: s.level,
                }
            } else {
                Key {
                    id: Some(s.id.clone()),
                    name: s.name.clone(),
                    level: s.level,
                }
            }
        })
        .collect()
}

fn indicator_changes(old: &BatchRow, new: &BatchRow) -> Vec<IndicatorChange> {
    let found = match_keys(&keys(new), &keys(old));
    let mut matched = vec![false; old.indicators.len()];
    let mut out = Vec::new();
    for (n, s) in new.indicators.iter().enumerate() {
        match found[n] {
            Some(o) => {
                matched[o] = true;
                let before = old.indicators[o].score;
                let change = minus(s.score, before);
                if !change.is_zero() {
                    out.push(IndicatorChange {
                        id: s.id.clone(),
                        name: s.name.clone(),
                        level: s.level,
                        presence: Presence::Both,
                        old: Some(before),
                        new: Some(s.score),
                        change: Some(change),
                    });
                }
            }
            None => out.push(IndicatorChange {
                id: s.id.clone(),
                name: s.name.clone(),
                level: s.level,
                presence: Presence::OnlyNew,
                old: None,
                new: Some(s.score),
                change: None,
            }),
        }
    }
    for (o, s) in old.indicators.iter().enumerate() {
        if !matched[o] {
            out.push(IndicatorChange {
                id: s.id.clone(),
                name: s.name.clone(),
                level: s.level,
                presence: Presence::OnlyOld,
                old: Some(s.score),
                new: None,
                change: None,
            });
        }
    }
    out
}

/// Matches the rows of two batch outputs and compares each pair.
pub fn compare_batches(old: &[BatchRow], new: &[BatchRow]) -> BatchDiff {
    let mut pair: Vec<Option<(usize, MatchedBy)>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    for how in [
        MatchedBy::Path,
        MatchedBy::DepartmentYear,
        MatchedBy::Department,
    ] {
        let same = |a: &BatchRow, b: &BatchRow| how.same(a, b);
        for n in 0..new.len() {
            if pair[n].is_some() {
                continue;
            }
            let candidates: Vec<usize> = (0..old.len())
                .filter(|&o| !taken[o] && same(&old[o], &new[n]))
                .collect();
            // By department alone only when it names one file on each side.
            if how == MatchedBy::Department {
                let rivals = (0..new.len())
                    .filter(|&m| pair[m].is_none() && same(&new[m], &new[n]))
                    .count();
                if candidates.len() != 1 || rivals != 1 {
                    continue;
                }
            }
            if let Some(&o) = candidates.first() {
                taken[o] = true;
                pair[n] = Some((o, how));
            }
        }
    }
    let mut files = Vec::new();
    for (n, b) in new.iter().enumerate() {
        files.push(match pair[n] {
            Some((o, how)) => {
                let a = &old[o];
                FileDiff {
                    old: Some(a.clone()),
                    new: Some(b.clone()),
                    matched_by: Some(how),
                    change: match (a.total, b.total) {
                        (Some(x), Some(y)) => Some(minus(y, x)),
                        _ => None,
                    },
                    indicators: indicator_changes(a, b),
                }
            }
            None => FileDiff {
                old: None,
                new: Some(b.clone()),
                matched_by: None,
                change: None,
                indicators: Vec::new(),
            },
        });
    }
    for (o, a) in old.iter().enumerate() {
        if !taken[o] {
            files.push(FileDiff {
                old: Some(a.clone()),
                new: None,
                matched_by: None,
                change: None,
                indicators: Vec::new(),
            });
        }
    }
    BatchDiff { files }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_with_a_table_first_is_facts_and_csv_is_named() {
        assert_eq!(sniff("[funding]\nbudget = 1\n"), Ok(Content::Facts));
        assert_eq!(sniff("rubric = \"x\"\n"), Ok(Content::Facts));
        assert_eq!(
            sniff("\u{feff}path,department,year\r\n"),
            Ok(Content::BatchCsv)
        );
        assert_eq!(sniff("[]"), Ok(Content::Batch(Vec::new())));
        assert!(sniff("{\"path\": 1}\n").is_err());
    }

    #[test]
    fn rows_match_by_path_then_department_and_year() {
        let r = |path: &str, dep: &str, year: i64, total: i64| BatchRow {
            path: path.into(),
            department: dep.into(),
            year: Some(year),
            rubric: "r".into(),
            rubric_version: "1".into(),
            total: Some(Decimal::new(total, 2)),
            grade: String::new(),
            error: None,
            indicators: Vec::new(),
        };
        let old = [
            r("a.toml", "甲", 2023, 9000),
            r("x/b.toml", "乙", 2023, 8000),
        ];
        let new = [
            r("a.toml", "甲", 2023, 9100),
            r("y/b.toml", "乙", 2023, 8000),
            r("c.toml", "丙", 2023, 7000),
        ];
        let d = compare_batches(&old, &new);
        let how: Vec<Option<MatchedBy>> = d.files.iter().map(|f| f.matched_by).collect();
        assert_eq!(
            how,
            vec![Some(MatchedBy::Path), Some(MatchedBy::DepartmentYear), None]
        );
        assert_eq!(d.files[0].change, Some(Decimal::new(100, 2)));
        assert_eq!(d.count(Presence::OnlyNew), 1);
    }
}
