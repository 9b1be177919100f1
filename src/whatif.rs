//! What-if: `--set FACT=VALUE` changes facts for one run, read and checked exactly as the
//! file's own values are, so a what-if can never score a figure the file could not hold.

use rust_i18n::t;
use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::facts::{FactEntry, FactValue, Facts};
use crate::rubric::Rubric;
use crate::toml_read::basic_string;

// The types a what-if leaves in the model live with it, in the stages below this one
// (facts and score), so that neither reaches up into this module; named here as well.
pub use crate::facts::Change;
pub use crate::score::Baseline;

/// One `--set FACT=VALUE` as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The fact's key path, as a facts file writes it: `projects.on_time`.
    pub path: String,
    /// The value as typed: a TOML value (`7`, `"96.5%"`, `true`, `{ value = 20, reason =
    /// "…" }`), or bare text, which is taken as a string (`96.5%`, `满意度≥95%`).
    pub literal: String,
}

impl std::str::FromStr for Setting {
    type Err = String;

    /// `FACT=VALUE`, for clap.
    fn from_str(arg: &str) -> Result<Self, String> {
        let Some((path, literal)) = arg.split_once('=') else {
            return Err(t!("whatif.not_fact_value", arg = arg).into_owned());
        };
        let (path, literal) = (path.trim(), literal.trim());
        if path.is_empty() || literal.is_empty() {
            return Err(t!("whatif.not_fact_value", arg = arg).into_owned());
        }
        if literal.contains(['\n', '\r']) {
            return Err(t!("whatif.one_line").into_owned());
        }
        Ok(Setting {
            path: path.to_string(),
            literal: literal.to_string(),
        })
    }
}

/// The TOML text a setting's value is read from: the literal as typed when it is a TOML
/// value, else the typed text as a string; a judgment or tier set without a reason
/// keeps the file's reason (the value changes, the justification stays).
fn value_text(literal: &str, kept_reason: Option<&str>) -> String {
    let parses = DeTable::parse(&format!("value = {literal}")).is_ok();
    let value = if parses {
        literal.to_string()
    } else {
        basic_string(literal)
    };
    match kept_reason {
        Some(reason) if !value.trim_start().starts_with('{') => {
            format!("{{ value = {value}, reason = {} }}", basic_string(reason))
        }
        _ => value,
    }
}

/// Applies the settings to `facts`, each read against `rubric` like a value of the file,
/// then the rubric's plausibility rules again; returns the facts as they would be.
pub fn apply(rubric: &Rubric, facts: &Facts, settings: &[Setting]) -> Result<Facts, Diagnostics> {
    let mut changed = facts.clone();
    let mut diags = Diagnostics::default();
    for setting in settings {
        let given = format!("{}={}", setting.path, setting.literal);
        let source = SourceFile::new("--set", given.clone());
        let path_span = 0..setting.path.len();
        let Some(index) = rubric.fact_index(&setting.path) else {
            let paths = rubric.facts.iter().map(|f| f.path.as_str());
            let mut d = Diagnostic::new(t!(
                "whatif.unknown_fact",
                path = setting.path,
                rubric = rubric.meta.id
            ))
            .at(&source, path_span);
            d = match suggest(&setting.path, paths) {
                Some(s) => d.with_help(t!("toml.did_you_mean", name = s)),
                None if rubric
                    .list_indicator(setting.path.split('.').next().unwrap_or_default())
                    .is_some() =>
                {
                    d.with_help(t!("whatif.listed_indicator"))
                }
                None => d.with_help(t!("whatif.unknown_fact_help")),
            };
            diags.push(d);
            continue;
        };
        if changed.changes.iter().any(|c| c.fact == index) {
            diags.push(
                Diagnostic::new(t!("whatif.set_twice", path = setting.path)).at(&source, path_span),
            );
            continue;
        }
        let before = facts.values[index].clone();
        // A judgment's value needs its reason; a what-if keeps the file's, marked as
        // such. Other facts take no reason they did not come with.
        let judged = matches!(
            rubric.facts[index].kind,
            crate::rubric::FactKind::Judgment | crate::rubric::FactKind::Tier(_)
        );
        let kept = before
            .as_ref()
            .and_then(|e| e.reason.as_deref())
            .filter(|_| judged)
            .map(|r| t!("whatif.kept_reason", reason = r).into_owned());
        let kept = kept.as_deref();
        let text = format!("value = {}", value_text(&setting.literal, kept));
        // Read from a source of its own, so a message shows the setting, not the file.
        let value_source = SourceFile::new("--set", text);
        let doc = match crate::toml_read::parse_document(&value_source) {
            Ok(d) => d,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let Some(value) = doc.get_ref().get("value") else {
            continue;
        };
        match crate::facts::read_fact_value(&value_source, rubric, index, value) {
            Ok(mut after) => {
                // The fact keeps its place in the file, so `explain` can still say
                // where the file had it; `Facts::changes` says it was set.
                if let Some(b) = &before {
                    after.span = b.span.clone();
                } else {
                    after.span = 0..0;
                }

                changed.values[index] = Some(after.clone());
                changed.changes.push(Change {
                    fact: index,
                    before,
                    after,
                    given,
                });
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    crate::plausible::check(rubric, &changed)?;
    Ok(changed)
}

/// A fact's value in a few characters, as a finance officer writes it: a rate as a
/// percentage, an amount or a count with its unit.
pub fn shown(rubric: &Rubric, fact: usize, value: Option<&FactEntry>) -> String {
    let decl = &rubric.facts[fact];
    match value.map(|e| &e.value) {
        None => t!("whatif.not_given").into_owned(),
        Some(FactValue::Number(n)) if decl.kind == crate::rubric::FactKind::Rate => {
            crate::number::Display::Percent.show(*n)
        }
        Some(FactValue::Number(n)) => {
            let unit = match decl.kind {
                crate::rubric::FactKind::Amount if decl.unit.is_empty() => &rubric.meta.unit,
                _ => &decl.unit,
            };
            format!(
                "{n}{}",
                if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                }
            )
        }
        Some(FactValue::Judgment(n)) => t!("whatif.points", points = n.normalize()).into_owned(),
        Some(FactValue::Bool(true)) => t!("whatif.yes").into_owned(),
        Some(FactValue::Bool(false)) => t!("whatif.no").into_owned(),
        Some(FactValue::Text(text)) => text.clone(),
        Some(FactValue::Check(c)) => match c {
            crate::facts::CheckValue::Met => t!("whatif.met").into_owned(),
            crate::facts::CheckValue::NotMet => t!("whatif.not_met").into_owned(),
            crate::facts::CheckValue::Partial(p) => {
                t!("whatif.partly_met", points = p.normalize()).into_owned()
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_fact_and_value() {
        let s: Setting = "projects.on_time=7"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.path, "projects.on_time");
        assert_eq!(s.literal, "7");
        assert!("projects.on_time".parse::<Setting>().is_err());
        assert!("=7".parse::<Setting>().is_err());
    }

    #[test]
    fn bare_text_is_a_string_and_reasons_are_kept() {
        assert_eq!(value_text("7", None), "7");
        assert_eq!(value_text("96.5%", None), "\"96.5%\"");
        assert_eq!(value_text("\"96.5%\"", None), "\"96.5%\"");
        assert_eq!(
            value_text("20", Some("依据")),
            "{ value = 20, reason = \"依据\" }"
        );
        assert_eq!(
            value_text("{ value = 20, reason = \"新\" }", Some("旧")),
            "{ value = 20, reason = \"新\" }"
        );
    }
}
