//! The message catalogues stay whole: every message in both languages with the same
//! placeholders, every message the code asks for present, none left unused, and no
//! sentence for people written in the code outside them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::{repo, rust_sources};

/// The two languages every message is written in.
const LOCALES: [&str; 2] = ["en", "zh-CN"];

/// Files whose words are a format rather than prose: read back by perfeval itself or by
/// other programs whatever the language, so they must not change with it.
const FORMAT_FILES: &[(&str, &str)] = &[(
    "src/workbook/layout.rs",
    "sheet and column names are the workbook's format, read back in any language",
)];

/// Message ids built at run time rather than written in a `t!` call: clap's help, one id
/// per command and argument, checked on every help page of the binary by tests/lang.rs.
const COMPUTED_PREFIXES: &[&str] = &["cli.help."];

/// Every message: id → locale → text.
fn catalogue() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all = BTreeMap::new();
    let dir = repo().join("locales");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no catalogue in {}", dir.display());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(
            table.get("_version").and_then(|v| v.as_integer()),
            Some(2),
            "{}: must say _version = 2 (both languages in one file)",
            file.display()
        );
        collect(&file, "", &table, &mut all);
    }
    all
}

fn collect(
    file: &Path,
    prefix: &str,
    table: &toml::Table,
    all: &mut BTreeMap<String, BTreeMap<String, String>>,
) {
    for (key, value) in table {
        if prefix.is_empty() && key == "_version" {
            continue;
        }
        let id = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let toml::Value::Table(inner) = value else {
            panic!("{}: `{id}` is not a table of texts", file.display());
        };
        if inner.values().all(|v| v.is_str()) {
            let texts: BTreeMap<String, String> = inner
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            assert!(
                all.insert(id.clone(), texts).is_none(),
                "{}: `{id}` is defined twice",
                file.display()
            );
        } else {
            assert!(
                inner.values().all(|v| v.is_table()),
                "{}: `{id}` mixes texts and sub-messages",
                file.display()
            );
            collect(file, &id, inner, all);
        }
    }
}

/// The `%{name}` placeholders of a text, with how often each appears.
fn placeholders(text: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let mut rest = text;
    while let Some(i) = rest.find("%{") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else { break };
        *out.entry(after[..end].to_string()).or_insert(0) += 1;
        rest = &after[end + 1..];
    }
    out
}

#[test]
fn every_message_is_in_both_languages_with_the_same_placeholders() {
    let mut problems = Vec::new();
    for (id, texts) in catalogue() {
        let langs: BTreeSet<&str> = texts.keys().map(String::as_str).collect();
        if langs != LOCALES.into_iter().collect() {
            problems.push(format!("{id}: has {langs:?}, needs {LOCALES:?}"));
            continue;
        }
        for (lang, text) in &texts {
            if text.trim().is_empty() {
                problems.push(format!("{id}: the {lang} text is empty"));
            }
        }
        let en = placeholders(&texts["en"]);
        let zh = placeholders(&texts["zh-CN"]);
        if en.keys().collect::<Vec<_>>() != zh.keys().collect::<Vec<_>>() {
            problems.push(format!(
                "{id}: placeholders differ: en {en:?}, zh-CN {zh:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The message ids named in `t!("…"` calls.
fn ids_used(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("t!(") {
        let after = rest[i + 3..].trim_start();
        // `t!(`, not the end of `format!(` or `write!(`.
        let whole_name = !rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if whole_name
            && let Some(quoted) = after.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            out.push(quoted[..end].to_string());
        }
        rest = &rest[i + 3..];
    }
    out
}

#[test]
fn every_message_the_code_asks_for_exists_and_every_message_is_used() {
    let catalogue = catalogue();
    let mut used = BTreeSet::new();
    let mut missing = Vec::new();
    for (file, text) in rust_sources() {
        for id in ids_used(&text) {
            if !catalogue.contains_key(&id) {
                missing.push(format!("{file}: t!(\"{id}\") is in no catalogue"));
            }
            used.insert(id);
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    let unused: Vec<&String> = catalogue
        .keys()
        .filter(|id| !used.contains(*id))
        .filter(|id| !COMPUTED_PREFIXES.iter().any(|p| id.starts_with(p)))
        .collect();
    assert!(unused.is_empty(), "messages no code uses: {unused:?}");
}

/// A string literal and the line it starts on.
struct Literal {
    line: usize,
    text: String,
    /// Written as the first argument of `t!(`: a message id.
    message_id: bool,
}

/// The string literals of Rust source, outside comments; char literals and lifetimes
/// are told apart so that `'"'` does not open a string.
fn literals(source: &str) -> Vec<Literal> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            // A char literal (`'x'`, `'\n'`, `'\u{3000}'`) or a lifetime (`'a`).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                i += 1;
                continue;
            }
            let start_line = line;
            let mut text = String::new();
            j += 1;
            while let Some(&ch) = chars.get(j) {
                if ch == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                if ch == '\n' {
                    line += 1;
                }
                text.push(ch);
                j += 1;
            }
            out.push(Literal {
                line: start_line,
                text,
                message_id: false,
            });
            i = j;
        } else if c == '"' {
            let before: String = chars[..i].iter().rev().take(12).collect::<String>();
            let before: String = before.chars().rev().collect();
            let before = before.trim_end();
            let message_id = before.ends_with("t!(")
                && !before[..before.len() - 3]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
            let start_line = line;
            let mut text = String::new();
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    text.push(chars[j]);
                    j += 1;
                }
                if chars.get(j) == Some(&'\n') {
                    line += 1;
                }
                if let Some(&ch) = chars.get(j) {
                    text.push(ch);
                }
                j += 1;
            }
            out.push(Literal {
                line: start_line,
                text,
                message_id,
            });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether a literal reads as words for people: Chinese, or two English words in a row
/// once `{placeholders}` are taken out.
fn is_prose(text: &str) -> bool {
    if text
        .chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3000}'..='\u{303F}').contains(&c))
    {
        return true;
    }
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = plain
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).any(|pair| {
        pair.iter().all(|w| {
            let letters = w.trim_matches(|c: char| !c.is_ascii_alphabetic());
            letters.len() >= 2 && letters.chars().all(|c| c.is_ascii_alphabetic())
        })
    })
}

#[test]
fn no_sentence_for_people_is_written_outside_the_catalogues() {
    let mut found = Vec::new();
    for (file, text) in rust_sources() {
        if FORMAT_FILES.iter().any(|(f, _)| *f == file) || file.ends_with("/tests.rs") {
            continue;
        }
        // A file's unit tests, at its end, may say what they like.
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => &text[..at],
            None => &text[..],
        };
        let lines: Vec<&str> = code.lines().collect();
        for literal in literals(code) {
            if literal.message_id || !is_prose(&literal.text) {
                continue;
            }
            let exempt =
                |n: usize| n >= 1 && lines.get(n - 1).is_some_and(|l| l.contains("i18n-exempt"));
            if exempt(literal.line) || exempt(literal.line - 1) {
                continue;
            }
            found.push(format!("{file}:{}: \"{}\"", literal.line, literal.text));
        }
    }
    assert!(
        found.is_empty(),
        "{} sentence(s) for people outside the catalogues (move them to locales/, or mark \
         a format string `// i18n-exempt: why`):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_literal_scanner_finds_prose_and_skips_ids_chars_and_comments() {
    let source = "let a = t!(\"check.claim\"); format!(\"not an id\");\n// \"in a comment\"\nlet c = '\"';\n\
                  let d = \"two words\";\nfn f<'a>(x: &'a str) {}\nlet e = r#\"raw \"text\" here\"#;\n\
                  let f = \"中文\";\nlet g = \"{file}:{line}\";\n";
    let found: Vec<(usize, String)> = literals(source)
        .into_iter()
        .filter(|l| !l.message_id && is_prose(&l.text))
        .map(|l| (l.line, l.text))
        .collect();
    assert_eq!(
        found,
        vec![
            (1, "not an id".to_string()),
            (4, "two words".to_string()),
            (6, "raw \"text\" here".to_string()),
            (7, "中文".to_string()),
        ]
    );
}
