//! Rubric TOML → validated [`Rubric`].
//!
//! Reading and checking happen in one walk so that every problem carries the span of the
//! value that causes it; all problems are collected and returned together.
mod bind;
mod checks;
mod fact_decls;
mod indicator;
mod meta;
mod part;
mod tree;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rust_decimal::Decimal;
use rust_i18n::t;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::formula::{self, Target, Type};
use crate::number::RoundingMode;
use crate::toml_read::{Table, decimal, decimal_or_percent, parse_document, type_name};
use bind::*;
use checks::*;
use fact_decls::*;
use indicator::*;
use meta::*;
use part::*;
use tree::*;

/// Top-level keys of a facts file; a fact group may not take these names.
pub const RESERVED_FACT_ROOTS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

pub(super) const FORMULA_KEYWORDS: [&str; 8] =
    ["if", "then", "else", "and", "or", "not", "true", "false"];

/// Most indicators a rubric may have.
pub const MAX_INDICATORS: usize = 2_000;

/// Most facts a rubric may declare.
pub const MAX_FACTS: usize = 5_000;

/// For each `tier` fact, the tier labels and `judged_by` span of every tiers part naming it.
pub(super) type TierUsers = HashMap<usize, Vec<(Vec<String>, Range<usize>, SourceFile)>>;

/// Finds the source of a rubric by id, for `extends`.
pub type Resolve<'a> = dyn Fn(&str) -> Option<SourceFile> + 'a;

/// How deep evaluating one named value may go: its own formula's nesting plus that of the
/// values it reads, and theirs, down the chain. Values are evaluated on first use, each
/// within the one that reads it, so this bounds the evaluator's stack (batch threads have
/// small ones); real rubrics stay under 20.
pub const MAX_VALUE_DEPTH: usize = 256;

/// How many rubrics a chain of `extends` may hold.
pub const MAX_EXTENDS: usize = 8;

/// The `[rubric]` id and `extends` of a parsed rubric file. An `extends` that is not a
/// string is an error here: ignoring it would score with the wrong rules.
pub(super) fn header(
    source: &SourceFile,
    doc: &DeTable<'_>,
) -> Result<(Option<String>, Option<Spanned<String>>), Diagnostics> {
    let Some(DeValue::Table(t)) = doc.get("rubric").map(|v| v.get_ref()) else {
        return Ok((None, None));
    };
    let id = match t.get("id").map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let extends = match t.get("extends") {
        None => None,
        Some(v) => match v.get_ref() {
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            other => {
                return Err(Diagnostics(vec![
                    Diagnostic::new(t!("rubric.extends_not_string", found = type_name(other)))
                        .at(source, v.span())
                        .with_help(t!("rubric.extends_not_string_help")),
                ]));
            }
        },
    };
    Ok((id, extends))
}

/// The rubric and the rubrics it extends, base first.
pub(super) fn chain(
    source: &SourceFile,
    resolve: &Resolve<'_>,
) -> Result<Vec<SourceFile>, Diagnostics> {
    let mut out = vec![source.clone()];
    let mut ids: Vec<String> = Vec::new();
    loop {
        let current = out.last().cloned().unwrap_or_else(|| source.clone());
        let doc = parse_document(&current).map_err(|d| Diagnostics(vec![d]))?;
        let (id, extends) = header(&current, doc.get_ref())?;
        if let Some(id) = id {
            ids.push(id);
        }
        let Some(base) = extends else { break };
        let fail = |message: String, help: Option<String>| {
            let mut d = Diagnostic::new(message).at(&current, base.span());
            if let Some(h) = help {
                d = d.with_help(h);
            }
            Diagnostics(vec![d])
        };
        if ids.contains(base.get_ref()) {
            return Err(fail(
                t!(
                    "rubric.extends_cycle",
                    chain = ids.join(" → "),
                    back = base.get_ref()
                )
                .into_owned(),
                None,
            ));
        }
        if out.len() >= MAX_EXTENDS {
            return Err(fail(
                t!("rubric.extends_too_long", max = MAX_EXTENDS - 1).into_owned(),
                None,
            ));
        }
        match resolve(base.get_ref()) {
            Some(s) => out.push(s),
            None => {
                return Err(fail(
                    t!("rubric.extends_unknown", id = base.get_ref()).into_owned(),
                    Some(t!("rubric.extends_unknown_help").into_owned()),
                ));
            }
        }
    }
    out.reverse();
    Ok(out)
}

/// Loads and validates a rubric, finding the rubrics it `extends` with `resolve`.
///
/// A variant changes only what differs from its base: keys of `[rubric]` and
/// `[rounding]` it gives replace the base's; `[[grade]]` bands, when it has any, replace
/// all of the base's; a fact it declares is added or replaces the base's fact of the same
/// path; an `[[indicator]]` or `[[consistency]]` with a base id replaces that one whole
/// (or removes it, with `remove = true`, an indicator with everything beneath it), and
/// one with a new id is added.
pub fn load_with(source: &SourceFile, resolve: &Resolve<'_>) -> Result<Rubric, Diagnostics> {
    let layers = chain(source, resolve)?;
    let docs = layers
        .iter()
        .map(|l| parse_document(l).map_err(|d| Diagnostics(vec![d])))
        .collect::<Result<Vec<_>, _>>()?;
    let mut diags = Diagnostics::default();
    let mut roots: Vec<Table<'_, '_>> = layers
        .iter()
        .zip(&docs)
        .map(|(l, d)| Table::new(l, d.get_ref(), d.span(), t!("rubric.context_file")))
        .collect();

    let mut meta: Option<Meta> = None;
    let mut rounding: Option<Rounding> = None;
    let mut grades: Vec<(Grade, Range<usize>)> = Vec::new();
    let mut grades_source = source.clone();
    let mut facts: Vec<FactDecl> = Vec::new();
    let mut fact_groups: Vec<(String, String)> = Vec::new();
    let mut indicator_tables: Vec<Table<'_, '_>> = Vec::new();
    let mut consistency_tables: Vec<Table<'_, '_>> = Vec::new();
    let mut plausibility_tables: Vec<Table<'_, '_>> = Vec::new();
    for (k, root) in roots.iter_mut().enumerate() {
        let base = k == 0;
        if let Some(t) = root.table(
            "rubric",
            base.then(|| t!("rubric.need_rubric_table")).as_deref(),
            &mut diags,
        ) {
            meta = match (base, meta.take()) {
                (true, _) | (false, None) => read_meta(t, &mut diags),
                (false, Some(m)) => Some(read_meta_over(t, m, &mut diags)),
            };
        }
        if let Some(t) = root.table(
            "rounding",
            base.then(|| t!("rubric.need_rounding_table")).as_deref(),
            &mut diags,
        ) {
            rounding = match (base, rounding.take()) {
                (true, _) | (false, None) => read_rounding(t, &mut diags),
                (false, Some(r)) => Some(read_rounding_over(t, r, &mut diags)),
            };
        }
        let grade_tables = root.tables("grade", &mut diags);
        if !grade_tables.is_empty() {
            grades = grade_tables
                .into_iter()
                .filter_map(|t| read_grade(t, &mut diags))
                .collect();
            grades_source = root.source.clone();
        }
        if let Some(t) = root.table(
            "facts",
            base.then(|| t!("rubric.need_facts_table")).as_deref(),
            &mut diags,
        ) {
            let (mut layer_facts, mut layer_groups) = (Vec::new(), Vec::new());
            read_fact_group(&t, "", &mut layer_facts, &mut layer_groups, &mut diags);
            for f in layer_facts {
                match facts.iter().position(|x| x.path == f.path) {
                    Some(i) => facts[i] = f,
                    None => facts.push(f),
                }
            }
            for g in layer_groups {
                fact_groups.retain(|x| x.0 != g.0);
                fact_groups.push(g);
            }
        }
        for t in root.tables("indicator", &mut diags) {
            let Some(id) = id_of(&t) else {
                indicator_tables.push(t);
                continue;
            };
            if !is_removal(&t) {
                upsert(&mut indicator_tables, t, &id, base);
                continue;
            }
            // Removed here and now, with everything beneath it, so that a later layer can
            // add it back.
            if !indicator_tables
                .iter()
                .any(|x| id_of(x).as_deref() == Some(id.as_str()))
            {
                diags.push(
                    Diagnostic::new(t!("rubric.remove_unknown_indicator", id = id))
                        .at(t.source, t.span.clone()),
                );
                continue;
            }
            let mut removed = vec![id];
            loop {
                let before = removed.len();
                for x in &indicator_tables {
                    if let (Some(xid), Some(parent)) = (id_of(x), string_of(x, "parent"))
                        && removed.contains(&parent)
                        && !removed.contains(&xid)
                    {
                        removed.push(xid);
                    }
                }
                if removed.len() == before {
                    break;
                }
            }
            indicator_tables.retain(|x| id_of(x).is_none_or(|xid| !removed.contains(&xid)));
        }
        let layer = root.tables("consistency", &mut diags);
        merge_by_id(
            layer,
            &mut consistency_tables,
            base,
            &t!("rubric.what_consistency"),
            &mut diags,
        );
        let layer = root.tables("plausibility", &mut diags);
        merge_by_id(
            layer,
            &mut plausibility_tables,
            base,
            &t!("rubric.what_plausibility"),
            &mut diags,
        );
    }
    for root in roots {
        root.finish(&mut diags);
    }
    if facts.len() > MAX_FACTS {
        diags.push(
            Diagnostic::new(t!(
                "rubric.too_many_facts",
                count = facts.len(),
                max = MAX_FACTS
            ))
            .at(source, 0..0),
        );
    }
    if indicator_tables.len() > MAX_INDICATORS {
        diags.push(
            Diagnostic::new(t!(
                "rubric.too_many_indicators",
                count = indicator_tables.len(),
                max = MAX_INDICATORS
            ))
            .at(source, 0..0),
        );
        return Err(diags);
    }
    let mut tier_users: TierUsers = HashMap::new();
    let mut raw: Vec<RawIndicator> = Vec::new();
    for t in indicator_tables {
        if let Some(ind) = read_indicator(t, &facts, &mut tier_users, &mut diags) {
            raw.push(ind);
        }
    }
    // A list's key is a top-level key of facts files: it must not be another list's, or
    // the first segment of a fact's path.
    for (k, r) in raw.iter().enumerate() {
        let Some((spec, at)) = &r.list else { continue };
        let clash = raw[..k]
            .iter()
            .find(|o| o.list.as_ref().is_some_and(|(l, _)| l.key == spec.key))
            .map(|o| t!("rubric.list_of_indicator", id = o.id.get_ref()))
            .or_else(|| {
                facts
                    .iter()
                    .find(|f| f.path.split('.').next() == Some(spec.key.as_str()))
                    .map(|f| t!("rubric.fact_named", path = f.path))
            });
        if let Some(other) = clash {
            diags.push(
                Diagnostic::new(t!("rubric.list_key_taken", key = spec.key, other = other))
                    .at(&r.source, at.clone())
                    .with_help(t!("rubric.list_key_taken_help")),
            );
        }
    }
    for (fact, users) in tier_users {
        if users.len() > 1 {
            for (_, span, at) in &users[1..] {
                diags.push(
                    Diagnostic::new(t!("rubric.tier_fact_shared", path = facts[fact].path))
                        .at(at, span.clone())
                        .with_help(t!("rubric.tier_fact_shared_help")),
                );
            }
        }
        if let Some((labels, _, _)) = users.into_iter().next() {
            facts[fact].kind = FactKind::Tier(labels);
        }
    }

    let mut consistency = Vec::new();
    let mut consistency_ids = HashSet::new();
    for t in consistency_tables {
        let at = t.source.clone();
        if let Some(c) = read_consistency(t, &facts, &mut diags) {
            if !consistency_ids.insert(c.id.clone()) {
                diags.push(
                    Diagnostic::new(t!("rubric.consistency_id_twice", id = c.id))
                        .at(&at, c.span.clone()),
                );
            }
            consistency.push(c);
        }
    }

    let mut plausibility = Vec::new();
    for t in plausibility_tables {
        let at = t.source.clone();
        if let Some(p) = read_plausibility(t, &facts, &mut diags) {
            if plausibility.iter().any(|x: &PlausibilityRule| x.id == p.id) {
                diags.push(
                    Diagnostic::new(t!("rubric.plausibility_id_twice", id = p.id))
                        .at(&at, p.span.clone()),
                );
            }
            plausibility.push(p);
        }
    }

    let (Some(meta), Some(rounding)) = (meta, rounding) else {
        return Err(diags);
    };
    let (indicators, roots) = build_tree(raw, &meta, source, &mut diags);
    check_grades(&grades_source, &grades, &meta, 0..0, &mut diags);
    let mut grades: Vec<Grade> = grades.into_iter().map(|(g, _)| g).collect();
    grades.sort_by_key(|g| std::cmp::Reverse(g.min));
    let fact_index = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    let group_paths = facts
        .iter()
        .flat_map(|f| {
            f.path
                .match_indices('.')
                .map(|(i, _)| f.path[..i].to_string())
        })
        .collect();
    // Ids first: an id wins over another indicator's identical name.
    let mut indicator_index = rustc_hash::FxHashMap::default();
    for (i, ind) in indicators.iter().enumerate() {
        indicator_index.entry(ind.name.clone()).or_insert(i);
    }
    for (i, ind) in indicators.iter().enumerate() {
        indicator_index.insert(ind.id.clone(), i);
    }
    diags.into_result(Rubric {
        meta,
        rounding,
        grades,
        facts,
        fact_groups,
        fact_index,
        group_paths,
        indicator_index,
        indicators,
        roots,
        consistency,
        plausibility,
        chain: layers
            .iter()
            .zip(&docs)
            .map(|(l, d)| {
                let meta = match d.get_ref().get("rubric").map(|v| v.get_ref()) {
                    Some(DeValue::Table(t)) => t,
                    _ => {
                        return Layer {
                            id: String::new(),
                            version: String::new(),
                            source: l.clone(),
                        };
                    }
                };
                let text = |key: &str| match meta.get(key).map(|v| v.get_ref()) {
                    Some(DeValue::String(s)) => s.to_string(),
                    _ => String::new(),
                };
                Layer {
                    id: text("id"),
                    version: text("version"),
                    source: l.clone(),
                }
            })
            .collect(),
        source: source.clone(),
    })
}

/// Merges one layer's `[[consistency]]` or `[[plausibility]]` tables into `tables`: in a
/// variant, a table with an id the base has replaces it whole, and `remove = true` drops it.
pub(super) fn merge_by_id<'a, 'i>(
    layer: Vec<Table<'a, 'i>>,
    tables: &mut Vec<Table<'a, 'i>>,
    base: bool,
    what: &str,
    diags: &mut Diagnostics,
) {
    for t in layer {
        let Some(id) = id_of(&t) else {
            tables.push(t);
            continue;
        };
        if !is_removal(&t) {
            upsert(tables, t, &id, base);
            continue;
        }
        let before = tables.len();
        tables.retain(|x| id_of(x).as_deref() != Some(id.as_str()));
        if tables.len() == before {
            diags.push(
                Diagnostic::new(t!("rubric.remove_unknown", what = what, id = id))
                    .at(t.source, t.span.clone()),
            );
        }
    }
}

/// An id of a consistency check or plausibility rule: a variant names it to replace or
/// remove it, so it must be a plain ASCII word.
pub(super) fn check_id(
    source: &SourceFile,
    id: &Spanned<String>,
    what: &str,
    diags: &mut Diagnostics,
) {
    if !is_identifier(id.get_ref(), true) {
        diags.push(
            Diagnostic::new(t!("rubric.id_not_ascii", what = what, id = id.get_ref()))
                .at(source, id.span()),
        );
    }
}

/// The position of a table in its array, from the context `Table::tables` gave it
/// (`\`tiers\` #2`, or however the language words it): the one number in it.
pub(super) fn ordinal(context: &str) -> String {
    context.chars().filter(char::is_ascii_digit).collect()
}

pub(super) fn is_identifier(s: &str, allow_dash: bool) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (allow_dash && c == '-'))
}

/// An indicator as read, before the tree is built.
pub(super) struct RawIndicator {
    pub(super) id: Spanned<String>,
    pub(super) parent: Option<Spanned<String>>,
    pub(super) name: Spanned<String>,
    pub(super) points: Spanned<Decimal>,
    pub(super) description: String,
    pub(super) criteria: String,
    pub(super) rule: Option<(Rule, Range<usize>)>,
    pub(super) list: Option<(ListSpec, Range<usize>)>,
    /// The file the indicator was read from (a variant's, or its base's).
    pub(super) source: SourceFile,
    pub(super) span: Range<usize>,
}

/// Whether a variant's table says `remove = true`.
pub(super) fn is_removal(t: &Table<'_, '_>) -> bool {
    t.table
        .get("remove")
        .is_some_and(|v| matches!(v.get_ref(), DeValue::Boolean(true)))
}

/// Adds a table, or (in a variant) replaces the earlier layer's table with the same id.
pub(super) fn upsert<'a, 'i>(
    tables: &mut Vec<Table<'a, 'i>>,
    t: Table<'a, 'i>,
    id: &str,
    base: bool,
) {
    // The base layer only adds (its duplicate ids are reported later): no search, so
    // that loading stays linear in the number of tables.
    if base {
        tables.push(t);
        return;
    }
    match tables.iter().position(|x| id_of(x).as_deref() == Some(id)) {
        Some(i) => tables[i] = t,
        None => tables.push(t),
    }
}

/// The `id` of an `[[indicator]]` or `[[consistency]]` table, when written as a string.
pub(super) fn id_of(t: &Table<'_, '_>) -> Option<String> {
    string_of(t, "id")
}

pub(super) fn string_of(t: &Table<'_, '_>, key: &str) -> Option<String> {
    match t.table.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}
