//! Rubric tests (`perfeval rubric test`): a rubric's expected behaviour pinned as data,
//! the way `opa test` pins policies. A test file names the rubric and an example facts
//! file; each `[[case]]` changes some facts and states the scores it expects:
//!
//! ```toml
//! rubric = "../luohu-dept-overall-2023.toml"   # relative to this file
//! example = "../../examples/luohu-2023.toml"
//!
//! [[case]]
//! name = "采购执行率恰为 90%"
//! set = { "procurement.actual" = 142.875 }     # facts changed, by key path
//! expect = { "<indicator name or id>" = 1.9, total = 96.02, grade = "优" }
//! ```
//!
//! Values are copied into the facts file as they are written in the test file (their
//! literal text), so a figure stays exact; `unset = ["group.key"]` removes a fact's line.
//! `expect` takes indicators by id or Chinese name, `total` and `grade`; `refused = "…"`
//! instead expects the facts to be refused with a message containing that text;
//! `strict = true` ignores the example's overrides.

use std::ops::Range;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use rust_i18n::t;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, show_path};
use crate::input::{self, InputError};
use crate::score::{self, Options};
use crate::toml_read::{Table, decimal_of, parse_document};

/// One case's verdict.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub file: PathBuf,
    pub name: String,
    /// Line of the case in its test file.
    pub line: usize,
    /// Empty when the case passed; otherwise what differed, one line each.
    pub failures: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Every case of a test file, run. A test file that cannot be read or whose rubric or
/// example cannot be loaded is an error for the whole file.
pub fn run_file(path: &Path) -> Result<Vec<CaseResult>, InputError> {
    let source = input::read_source(path)?;
    let doc = parse_document(&source).map_err(|d| Diagnostics(vec![d]))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut diags = Diagnostics::default();
    let mut top = Table::new(
        &source,
        doc.get_ref(),
        doc.span(),
        t!("rubric_test.context_file"),
    );
    let rubric_path = top.string("rubric", Some(&t!("rubric_test.need_rubric")), &mut diags);
    let example = top.string("example", Some(&t!("rubric_test.need_example")), &mut diags);
    let cases = top.tables("case", &mut diags);
    top.finish(&mut diags);
    let (Some(rubric_path), Some(example)) = (rubric_path, example) else {
        return Err(diags.into());
    };
    if !diags.is_empty() {
        return Err(diags.into());
    }
    let rubric_path = dir.join(rubric_path.get_ref());
    let example_path = dir.join(example.get_ref());
    let example = input::read_source(&example_path)?;
    // Loaded once for every case; a rubric that does not load fails each of them.
    let registry = input::Registry::single(&rubric_path).map_err(|e| {
        Diagnostic::new(t!(
            "rubric_test.rubric_unloadable",
            path = show_path(&rubric_path),
            message = e.to_string().lines().next().unwrap_or("")
        ))
        .at(&source, 0..0)
    });
    let mut results = Vec::new();
    for mut case in cases {
        let line = source.position(case.span.start).line;
        let case_span = case.span.clone();
        let name = case.string("name", Some(&t!("rubric_test.need_case_name")), &mut diags);
        let set = case.get("set");
        let unset = case.get("unset");
        let expect = case.get("expect");
        let refused = case.string("refused", None, &mut diags);
        let strict = match case.get("strict").map(|v| (v.get_ref(), v.span())) {
            None => false,
            Some((DeValue::Boolean(b), _)) => *b,
            Some((_, at)) => {
                diags.push(Diagnostic::new(t!("rubric_test.strict_not_bool")).at(&source, at));
                false
            }
        };
        if expect.is_none() && refused.is_none() {
            diags.push(
                Diagnostic::new(t!("rubric_test.case_without_expectation"))
                    .at(&source, case.span.clone()),
            );
        }
        case.finish(&mut diags);
        let Some(name) = name else { continue };
        let facts_text = match apply(&source, case_span, set, unset, &example) {
            Ok(text) => text,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let facts = SourceFile::new(
            format!("{} [{}]", show_path(&example_path), name.get_ref()),
            facts_text,
        );
        let checked = registry
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|registry| {
                check_case(&source, registry, &facts, expect, refused.as_ref(), strict)
            });
        let failures = match checked {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        results.push(CaseResult {
            file: path.to_path_buf(),
            name: name.into_inner(),
            line,
            failures,
        });
    }
    diags.into_result(results).map_err(InputError::from)
}

/// The example's text with each `set` key replaced by the literal written in the test
/// file (a key the example lacks is added to its table), and each `unset` key's line
/// removed.
fn apply(
    test: &SourceFile,
    case: Range<usize>,
    set: Option<&Spanned<DeValue<'_>>>,
    unset: Option<&Spanned<DeValue<'_>>>,
    example: &SourceFile,
) -> Result<String, Diagnostic> {
    let doc = parse_document(example).map_err(|d| {
        Diagnostic::new(t!("rubric_test.example_unreadable", message = d.message))
            .at(test, case.clone())
    })?;
    let mut text = example.text().to_string();
    // Replacements from the end, so that earlier spans stay valid.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    if let Some(unset) = unset {
        let DeValue::Array(keys) = unset.get_ref() else {
            return Err(Diagnostic::new(t!("rubric_test.unset_not_a_list")).at(test, unset.span()));
        };
        for key in keys {
            let DeValue::String(key) = key.get_ref() else {
                return Err(
                    Diagnostic::new(t!("rubric_test.unset_not_a_list")).at(test, key.span())
                );
            };
            let path: Vec<&str> = key.split('.').collect();
            let Some(span) = find_entry(doc.get_ref(), &path) else {
                return Err(Diagnostic::new(t!("rubric_test.not_in_example", key = key))
                    .at(test, unset.span()));
            };
            // The whole line the fact is written on.
            let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let end = text[span.end..]
                .find('\n')
                .map_or(text.len(), |i| span.end + i + 1);
            edits.push((start..end, String::new()));
        }
    }
    let empty = toml::map::Map::new();
    let set = match set.map(|s| (s.get_ref(), s.span())) {
        None => &empty,
        Some((DeValue::Table(t), _)) => t,
        Some((_, at)) => {
            return Err(Diagnostic::new(t!("rubric_test.set_not_a_table")).at(test, at));
        }
    };
    let mut added: Vec<(&str, Vec<String>)> = Vec::new();
    for (key, value) in set.iter() {
        if matches!(value.get_ref(), DeValue::Table(_)) {
            return Err(
                Diagnostic::new(t!("rubric_test.set_nested_table", key = key.get_ref()))
                    .at(test, value.span()),
            );
        }
        let literal = test
            .text()
            .get(value.span())
            .unwrap_or_default()
            .to_string();
        let path: Vec<&str> = key.get_ref().split('.').collect();
        match find(doc.get_ref(), &path) {
            Some(span) => edits.push((span, literal)),
            None => {
                let (group, leaf) = key
                    .get_ref()
                    .rsplit_once('.')
                    .unwrap_or(("", key.get_ref()));
                match added.iter_mut().find(|(g, _)| *g == group) {
                    Some((_, lines)) => lines.push(format!("{leaf} = {literal}")),
                    None => added.push((group, vec![format!("{leaf} = {literal}")])),
                }
            }
        }
    }
    // Keys the example lacks, one insertion per table: after its header when the
    // example has the table, at the top for top-level keys, else a new table at the end.
    for (group, lines) in added {
        let lines = lines.join("\n");
        if group.is_empty() {
            edits.push((0..0, format!("{lines}\n")));
            continue;
        }
        let header = format!("[{group}]");
        // Offsets from `split_inclusive`, so that CRLF line ends count right.
        let at = text
            .split_inclusive('\n')
            .scan(0usize, |offset, line| {
                let start = *offset;
                *offset += line.len();
                Some((start, line))
            })
            .find(|(_, line)| line.trim_start().starts_with(&header))
            .map(|(start, line)| start + line.trim_end_matches(['\n', '\r']).len());
        match at {
            Some(end) => edits.push((end..end, format!("\n{lines}"))),
            None => {
                let end = text.len();
                edits.push((end..end, format!("\n{header}\n{lines}\n")));
            }
        }
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    // Two edits of one place (a key both set and unset) would cut each other.
    if edits
        .windows(2)
        .any(|w| w[1].0.end > w[0].0.start || w[1].0 == w[0].0)
    {
        return Err(Diagnostic::new(t!("rubric_test.changes_one_fact_twice")).at(test, case));
    }
    for (span, literal) in edits {
        text.replace_range(span, &literal);
    }
    Ok(text)
}

/// The value at `path`: keys, and 1-based positions in arrays of tables (`output.2.actual`
/// is the second `[[output]]`'s `actual`).
fn lookup<'a, 'v>(table: &'a DeTable<'v>, path: &[&str]) -> Option<&'a Spanned<DeValue<'v>>> {
    let (first, rest) = path.split_first()?;
    let mut value = table.get(*first)?;
    let mut rest = rest;
    loop {
        let Some((next, tail)) = rest.split_first() else {
            return Some(value);
        };
        value = match value.get_ref() {
            DeValue::Table(t) => t.get(*next)?,
            DeValue::Array(items) => items.get(next.parse::<usize>().ok()?.checked_sub(1)?)?,
            _ => return None,
        };
        rest = tail;
    }
}

/// The span of the whole entry at `path` (its value, a table included).
fn find_entry(table: &DeTable<'_>, path: &[&str]) -> Option<Range<usize>> {
    lookup(table, path).map(Spanned::span)
}

/// The span of the value at `path` (a fact written `{ value = … }` gives its `value`).
fn find(table: &DeTable<'_>, path: &[&str]) -> Option<Range<usize>> {
    let value = lookup(table, path)?;
    match value.get_ref() {
        DeValue::Table(t) => t.get("value").map(|v| v.span()),
        _ => Some(value.span()),
    }
}

fn check_case(
    test: &SourceFile,
    registry: &input::Registry,
    facts: &SourceFile,
    expect: Option<&Spanned<DeValue<'_>>>,
    refused: Option<&Spanned<String>>,
    strict: bool,
) -> Result<Vec<String>, Diagnostic> {
    let options = Options {
        strict,
        ..Options::default()
    };
    let loaded = input::load_facts(facts, registry);
    let report_or_error = loaded
        .as_ref()
        .map_err(ToString::to_string)
        .and_then(|(r, f)| score::evaluate(r, f, options).map_err(|e| e.to_string()));
    // A test's `refused` text may be written in either language, and the verdict must
    // not depend on the language of the run. Messages are written when a problem is
    // found, so the other language means reading the facts again with it chosen; only
    // done when the message shown does not hold the text.
    let refused_as_expected = |message: &str, want: &str| {
        message.contains(want)
            || [crate::lang::Lang::Zh, crate::lang::Lang::En]
                .into_iter()
                .filter(|lang| *lang != crate::lang::current())
                .any(|lang| {
                    crate::lang::rendered_in(lang, || match input::load_facts(facts, registry) {
                        Err(e) => Some(e.to_string()),
                        Ok((r, f)) => score::evaluate(&r, &f, options)
                            .err()
                            .map(|e| e.to_string()),
                    })
                    .is_some_and(|other| other.contains(want))
                })
    };
    let mut failures = Vec::new();
    match (report_or_error, refused) {
        (Err(message), Some(want)) if refused_as_expected(&message, want.get_ref()) => {}
        (Err(message), Some(want)) => failures.push(
            t!(
                "rubric_test.refused_otherwise",
                want = want.get_ref(),
                message = message.lines().next().unwrap_or("")
            )
            .into_owned(),
        ),
        (Err(message), None) => failures.push(
            t!(
                "rubric_test.refused",
                message = message.lines().next().unwrap_or("")
            )
            .into_owned(),
        ),
        (Ok(report), Some(want)) => failures.push(
            t!(
                "rubric_test.not_refused",
                want = want.get_ref(),
                total = report.total
            )
            .into_owned(),
        ),
        (Ok(report), None) => {
            let Some(expect) = expect else {
                return Ok(failures);
            };
            let DeValue::Table(expect) = expect.get_ref() else {
                return Err(
                    Diagnostic::new(t!("rubric_test.expect_not_a_table")).at(test, expect.span())
                );
            };
            for (key, value) in expect.iter() {
                let key = key.get_ref();
                if key == "grade" {
                    let want = match value.get_ref() {
                        DeValue::String(s) => s.to_string(),
                        _ => {
                            return Err(Diagnostic::new(t!("rubric_test.grade_not_a_string"))
                                .at(test, value.span()));
                        }
                    };
                    if report.grade != want {
                        failures.push(
                            t!("rubric_test.grade_differs", want = want, got = report.grade)
                                .into_owned(),
                        );
                    }
                    continue;
                }
                let want: Decimal = decimal_of(test, value, || {
                    t!("rubric_test.expected_value", key = key).into_owned()
                })?;
                let (what, got) = if key == "total" {
                    (t!("rubric_test.total").into_owned(), report.total)
                } else {
                    let Some(i) = report.rubric.find_indicator(key) else {
                        return Err(Diagnostic::new(t!(
                            "rubric_test.no_such_indicator",
                            id = report.rubric.meta.id,
                            key = key
                        ))
                        .at(test, value.span()));
                    };
                    (report.rubric.indicators[i].name.clone(), report.scores[i])
                };
                if got != want {
                    failures.push(
                        t!(
                            "rubric_test.score_differs",
                            what = what,
                            want = want.normalize(),
                            got = got
                        )
                        .into_owned(),
                    );
                }
            }
        }
    }
    Ok(failures)
}

/// The `*.test.toml` files under `paths` (files as given, directories searched), sorted.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(p).follow_links(true) {
            let entry = entry.map_err(|e| InputError::Io {
                path: p.clone(),
                message: e
                    .io_error()
                    .map_or_else(|| e.to_string(), crate::input::io_message),
            })?;
            if entry.file_type().is_file()
                && entry.file_name().to_string_lossy().ends_with(".test.toml")
            {
                out.push(entry.into_path());
            }
        }
    }
    out.sort();
    Ok(out)
}
