//! Rubric TOML → validated [`Rubric`].
//!
//! Reading and checking happen in one walk so that every problem carries the span of the
//! value that causes it; all problems are collected and returned together.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::formula::{self, Target, Type};
use crate::number::RoundingMode;
use crate::toml_read::{Table, decimal, decimal_or_percent, parse_document, type_name};

/// Top-level keys of a facts file; a fact group may not take these names.
pub const RESERVED_FACT_ROOTS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

const FORMULA_KEYWORDS: [&str; 8] = ["if", "then", "else", "and", "or", "not", "true", "false"];

/// Most indicators a rubric may have.
pub const MAX_INDICATORS: usize = 2_000;
/// Most facts a rubric may declare.
pub const MAX_FACTS: usize = 5_000;

/// For each `tier` fact, the tier labels and `judged_by` span of every tiers part naming it.
type TierUsers = HashMap<usize, Vec<(Vec<String>, Range<usize>, SourceFile)>>;

/// Finds the source of a rubric by id, for `extends`.
pub type Resolve<'a> = dyn Fn(&str) -> Option<SourceFile> + 'a;

/// How deep evaluating one named value may go: its own formula's nesting plus that of the
/// values it reads, and theirs, down the chain. Values are evaluated on first use, each
/// within the one that reads it, so this bounds the evaluator's stack (batch threads have
/// small ones); real rubrics stay under 20.
pub const MAX_VALUE_DEPTH: usize = 256;

/// How many rubrics a chain of `extends` may hold.
pub const MAX_EXTENDS: usize = 8;

/// Loads and validates a rubric; `extends` may name a shipped rubric.
pub fn load(source: &SourceFile) -> Result<Rubric, Diagnostics> {
    load_with(source, &super::shipped::source_of)
}

/// The `[rubric]` id and `extends` of a parsed rubric file. An `extends` that is not a
/// string is an error here: ignoring it would score with the wrong rules.
fn header(
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
                    Diagnostic::new(format!(
                        "`extends` must be a string, the id of the rubric this one extends; found {}",
                        type_name(other)
                    ))
                    .at(source, v.span())
                    .with_help("write `extends = \"mof-project-2020\"`; a rubric extends one other"),
                ]));
            }
        },
    };
    Ok((id, extends))
}

/// The rubric and the rubrics it extends, base first.
fn chain(source: &SourceFile, resolve: &Resolve<'_>) -> Result<Vec<SourceFile>, Diagnostics> {
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
                format!(
                    "`extends` makes a cycle: {} → {}",
                    ids.join(" → "),
                    base.get_ref()
                ),
                None,
            ));
        }
        if out.len() >= MAX_EXTENDS {
            return Err(fail(
                format!(
                    "a rubric may extend at most {} others in a chain",
                    MAX_EXTENDS - 1
                ),
                None,
            ));
        }
        match resolve(base.get_ref()) {
            Some(s) => out.push(s),
            None => {
                return Err(fail(
                    format!("`extends` names unknown rubric `{}`", base.get_ref()),
                    Some("`perfeval rubric list` shows the shipped rubrics; a rubric in the same directory (or --rubrics) can be extended too".into()),
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
        .map(|(l, d)| Table::new(l, d.get_ref(), d.span(), "the rubric file"))
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
            base.then_some("the rubric's id, title and total"),
            &mut diags,
        ) {
            meta = match (base, meta.take()) {
                (true, _) | (false, None) => read_meta(t, &mut diags),
                (false, Some(m)) => Some(read_meta_over(t, m, &mut diags)),
            };
        }
        if let Some(t) = root.table("rounding", base.then_some("scale and mode"), &mut diags) {
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
            base.then_some("the facts the rules read"),
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
                    Diagnostic::new(format!(
                        "`remove` names `{id}`, which no rubric it extends has"
                    ))
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
            "consistency check",
            &mut diags,
        );
        let layer = root.tables("plausibility", &mut diags);
        merge_by_id(
            layer,
            &mut plausibility_tables,
            base,
            "plausibility rule",
            &mut diags,
        );
    }
    for root in roots {
        root.finish(&mut diags);
    }
    if facts.len() > MAX_FACTS {
        diags.push(
            Diagnostic::new(format!(
                "the rubric declares {} facts; at most {MAX_FACTS} are accepted",
                facts.len()
            ))
            .at(source, 0..0),
        );
    }
    if indicator_tables.len() > MAX_INDICATORS {
        diags.push(
            Diagnostic::new(format!(
                "the rubric has {} indicators; at most {MAX_INDICATORS} are accepted",
                indicator_tables.len()
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
            .map(|o| format!("the list of indicator `{}`", o.id.get_ref()))
            .or_else(|| {
                facts
                    .iter()
                    .find(|f| f.path.split('.').next() == Some(spec.key.as_str()))
                    .map(|f| format!("fact `{}`", f.path))
            });
        if let Some(other) = clash {
            diags.push(
                Diagnostic::new(format!(
                    "list key `{}` is already used by {other}",
                    spec.key
                ))
                .at(&r.source, at.clone())
                .with_help("give each list a key of its own, unlike any fact group"),
            );
        }
    }
    for (fact, users) in tier_users {
        if users.len() > 1 {
            for (_, span, at) in &users[1..] {
                diags.push(
                    Diagnostic::new(format!(
                        "tier fact `{}` is already `judged_by` of another tiers part",
                        facts[fact].path
                    ))
                    .at(at, span.clone())
                    .with_help("declare one `tier` fact for each tiers part"),
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
                    Diagnostic::new(format!("consistency check id `{}` is used twice", c.id))
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
                    Diagnostic::new(format!("plausibility rule id `{}` is used twice", p.id))
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
fn merge_by_id<'a, 'i>(
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
                Diagnostic::new(format!(
                    "`remove` names {what} `{id}`, which no rubric it extends has"
                ))
                .at(t.source, t.span.clone()),
            );
        }
    }
}

/// A `[[plausibility]]` table: a condition on facts that must hold for them to be real.
fn read_plausibility(
    mut t: Table<'_, '_>,
    facts: &[FactDecl],
    diags: &mut Diagnostics,
) -> Option<PlausibilityRule> {
    let source = t.source;
    t.context = format!(
        "[[plausibility]] {}",
        t.context.trim_start_matches("`plausibility` ")
    );
    let id = t.string("id", Some("a unique ASCII id"), diags);
    let name = t.string("name", Some("what must hold, in words"), diags);
    let holds = t.string(
        "holds",
        Some("the condition, e.g. \"fixed_assets.in_use <= fixed_assets.total\""),
        diags,
    );
    let span = t.span.clone();
    t.finish(diags);
    let names = Names::of_facts(facts, &id, "plausibility rule");
    let (condition, _) = compile(source, &holds?, &names, Some(Type::Bool), diags)?;
    let id = id?;
    check_id(source, &id, "plausibility rule", diags);
    Some(PlausibilityRule {
        id: id.into_inner(),
        name: name?.into_inner(),
        condition,
        span,
    })
}

/// An id of a consistency check or plausibility rule: a variant names it to replace or
/// remove it, so it must be a plain ASCII word.
fn check_id(source: &SourceFile, id: &Spanned<String>, what: &str, diags: &mut Diagnostics) {
    if !is_identifier(id.get_ref(), true) {
        diags.push(
            Diagnostic::new(format!(
                "{what} id `{}` may only use ASCII letters, digits, `-` and `_`",
                id.get_ref()
            ))
            .at(source, id.span()),
        );
    }
}

fn read_consistency(
    mut t: Table<'_, '_>,
    facts: &[FactDecl],
    diags: &mut Diagnostics,
) -> Option<ConsistencyCheck> {
    let source = t.source;
    t.context = format!(
        "[[consistency]] {}",
        t.context.trim_start_matches("`consistency` ")
    );
    let id = t.string("id", Some("a unique ASCII id"), diags);
    let name = t.string("name", Some("what is checked, in words"), diags);
    let severity = t.string("severity", Some("\"error\" or \"warning\""), diags);
    let left = t.string("left", None, diags);
    let right = t.string("right", None, diags);
    let tolerance = t.decimal("tolerance", None, diags);
    let stated = t.string("stated", None, diags);
    let computed = t.string("computed", None, diags);
    let holds = t.string("holds", None, diags);
    let span = t.span.clone();
    t.finish(diags);
    let names = Names::of_facts(facts, &id, "consistency check");
    let severity = match severity.as_ref().map(|s| s.get_ref().as_str()) {
        Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some(other) => {
            if let Some(s) = &severity {
                diags.push(
                    Diagnostic::new(format!("unknown severity `{other}`"))
                        .at(source, s.span())
                        .with_help("use \"error\" or \"warning\""),
                );
            }
            return None;
        }
        None => return None,
    };
    let kind = match (left, right, stated, computed, holds) {
        (None, None, None, None, Some(h)) => {
            let (condition, _) = compile(source, &h, &names, Some(Type::Bool), diags)?;
            ConsistencyKind::Holds { condition }
        }
        (Some(l), Some(r), None, None, None) => {
            let (left, _) = compile(source, &l, &names, Some(Type::Number), diags)?;
            let (right, _) = compile(source, &r, &names, Some(Type::Number), diags)?;
            let tolerance = tolerance.map(Spanned::into_inner).unwrap_or_default();
            if tolerance < Decimal::ZERO {
                diags.push(
                    Diagnostic::new("`tolerance` cannot be negative").at(source, span.clone()),
                );
            }
            ConsistencyKind::Equal {
                left,
                right,
                tolerance,
            }
        }
        (None, None, Some(st), Some(c), None) => {
            let i = facts.iter().position(|f| &f.path == st.get_ref());
            let Some(i) = i.filter(|&i| matches!(facts[i].kind, FactKind::Rate | FactKind::Amount))
            else {
                diags.push(
                    Diagnostic::new(format!(
                        "`stated` must name a declared `rate` or `amount` fact, found `{}`",
                        st.get_ref()
                    ))
                    .at(source, st.span()),
                );
                return None;
            };
            if let Some(t) = &tolerance {
                diags.push(
                    Diagnostic::new("a `stated` check compares at the precision the figure was written with; it takes no `tolerance`")
                        .at(source, t.span()),
                );
            }
            let (computed, _) = compile(source, &c, &names, Some(Type::Number), diags)?;
            ConsistencyKind::Stated {
                stated: i,
                computed,
            }
        }
        _ => {
            diags.push(
                Diagnostic::new("a consistency check has `left` and `right`, or `stated` and `computed`, or `holds`")
                    .at(source, span),
            );
            return None;
        }
    };
    let id = id?;
    check_id(source, &id, "consistency check", diags);
    Some(ConsistencyCheck {
        id: id.into_inner(),
        name: name?.into_inner(),
        severity,
        kind,
        span,
    })
}

fn read_meta(mut t: Table<'_, '_>, diags: &mut Diagnostics) -> Option<Meta> {
    let id = t.string("id", Some("a short unique name used by facts files"), diags);
    let version = t.string("version", Some("the rubric's version, e.g. \"1\""), diags);
    let title = t.string("title", Some("the framework's title"), diags);
    let issuer = t.string("issuer", Some("who issued the framework"), diags);
    let document = t.string("document", Some("the issuing document"), diags);
    let year = t.integer("year", Some("the year the framework applies to"), diags);
    if let Some(d) = year
        .as_ref()
        .and_then(|y| crate::toml_read::check_year(t.source, y))
    {
        diags.push(d);
    }
    let unit = t.string("unit", Some("the unit of amounts, e.g. \"万元\""), diags);
    let total = t.decimal("total", Some("the total points"), diags);
    let levels = match t.get("levels") {
        Some(v) => string_list(t.source, v, "`levels`", diags),
        None => {
            diags.push(
                Diagnostic::new("[rubric] is missing `levels` (the names of the indicator levels)")
                    .at(t.source, t.span.clone()),
            );
            None
        }
    };
    if let Some(id) = &id
        && !is_identifier(id.get_ref(), true)
    {
        diags.push(
            Diagnostic::new(format!(
                "rubric id `{}` may only use ASCII letters, digits, `-` and `_`",
                id.get_ref()
            ))
            .at(t.source, id.span()),
        );
    }
    if let Some(levels) = &levels
        && levels.is_empty()
    {
        diags.push(
            Diagnostic::new("`levels` must name at least one level").at(t.source, t.span.clone()),
        );
    }
    // Read by `chain`, which follows it before anything else is read.
    let _ = t.get("extends");
    t.context = "[rubric]".into();
    t.finish(diags);
    Some(Meta {
        id: id?.into_inner(),
        version: version?.into_inner(),
        title: title?.into_inner(),
        issuer: issuer?.into_inner(),
        document: document?.into_inner(),
        year: year?.into_inner(),
        unit: unit?.into_inner(),
        total: total?.into_inner(),
        levels: levels?,
    })
}

fn string_list(
    source: &SourceFile,
    v: &Spanned<DeValue<'_>>,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(
            Diagnostic::new(format!(
                "{what} must be an array of strings, found {}",
                type_name(v.get_ref())
            ))
            .at(source, v.span()),
        );
        return None;
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push(s.to_string()),
            other => {
                diags.push(
                    Diagnostic::new(format!(
                        "{what} must hold strings, found {}",
                        type_name(other)
                    ))
                    .at(source, item.span()),
                );
                return None;
            }
        }
    }
    Some(out)
}

/// A variant's `[rubric]`: its own `id` and whatever else it changes.
fn read_meta_over(mut t: Table<'_, '_>, mut m: Meta, diags: &mut Diagnostics) -> Meta {
    t.context = "[rubric]".into();
    if let Some(id) = t.string("id", Some("the variant's own id"), diags) {
        if !is_identifier(id.get_ref(), true) {
            diags.push(
                Diagnostic::new(format!(
                    "rubric id `{}` may only use ASCII letters, digits, `-` and `_`",
                    id.get_ref()
                ))
                .at(t.source, id.span()),
            );
        }
        m.id = id.into_inner();
    }
    for (key, field) in [
        ("version", &mut m.version),
        ("title", &mut m.title),
        ("issuer", &mut m.issuer),
        ("document", &mut m.document),
        ("unit", &mut m.unit),
    ] {
        if let Some(v) = t.string(key, None, diags) {
            *field = v.into_inner();
        }
    }
    if let Some(y) = t.integer("year", None, diags) {
        if let Some(d) = crate::toml_read::check_year(t.source, &y) {
            diags.push(d);
        }
        m.year = y.into_inner();
    }
    if let Some(total) = t.decimal("total", None, diags) {
        m.total = total.into_inner();
    }
    if let Some(v) = t.get("levels")
        && let Some(levels) = string_list(t.source, v, "`levels`", diags)
    {
        m.levels = levels;
    }
    let _ = t.get("extends");
    t.finish(diags);
    m
}

/// A variant's `[rounding]`: the keys it gives replace the base's.
fn read_rounding_over(mut t: Table<'_, '_>, base: Rounding, diags: &mut Diagnostics) -> Rounding {
    t.context = "[rounding]".into();
    // The given keys are read with the usual checks; the rest come from the base.
    let (scale, mode) = read_rounding_keys(t, Some(base.scale), Some(base.mode), diags);
    Rounding {
        scale: scale.unwrap_or(base.scale),
        mode: mode.unwrap_or(base.mode),
    }
}

fn read_rounding(t: Table<'_, '_>, diags: &mut Diagnostics) -> Option<Rounding> {
    let (scale, mode) = read_rounding_keys(t, None, None, diags);
    Some(Rounding {
        scale: scale?,
        mode: mode?,
    })
}

/// Reads `scale` and `mode`; a key with a default is optional.
fn read_rounding_keys(
    mut t: Table<'_, '_>,
    scale_default: Option<u32>,
    mode_default: Option<RoundingMode>,
    diags: &mut Diagnostics,
) -> (Option<u32>, Option<RoundingMode>) {
    t.context = "[rounding]".into();
    let scale = t.integer(
        "scale",
        scale_default
            .is_none()
            .then_some("decimal places of each leaf score"),
        diags,
    );
    let mode = t.string(
        "mode",
        mode_default
            .is_none()
            .then_some("the rounding mode, e.g. \"half_away_from_zero\" (四舍五入)"),
        diags,
    );
    let source = t.source;
    t.finish(diags);
    let scale_value = scale.as_ref().map(|s| *s.get_ref());
    let scale = match scale_value {
        Some(s @ 0..=10) => u32::try_from(s).ok(),
        Some(_) => {
            if let Some(s) = &scale {
                diags
                    .push(Diagnostic::new("`scale` must be between 0 and 10").at(source, s.span()));
            }
            None
        }
        None => None,
    };
    let mode = mode.and_then(|m| match RoundingMode::from_name(m.get_ref()) {
        Some(mode) => Some(mode),
        None => {
            let mut d = Diagnostic::new(format!("unknown rounding mode `{}`", m.get_ref()))
                .at(source, m.span());
            d = match suggest(m.get_ref(), RoundingMode::NAMES) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("the modes are: {}", RoundingMode::NAMES.join(", "))),
            };
            diags.push(d);
            None
        }
    });
    (scale.or(scale_default), mode.or(mode_default))
}

fn read_grade(mut t: Table<'_, '_>, diags: &mut Diagnostics) -> Option<(Grade, Range<usize>)> {
    t.context = format!("[[grade]] {}", t.context.trim_start_matches("`grade` "));
    let name = t.string("name", Some("the grade's name, e.g. \"优\""), diags);
    let min = t.decimal("min", Some("the lowest total in this grade"), diags);
    let span = t.span.clone();
    t.finish(diags);
    Some((
        Grade {
            name: name?.into_inner(),
            min: min?.into_inner(),
        },
        span,
    ))
}

fn check_grades(
    source: &SourceFile,
    grades: &[(Grade, Range<usize>)],
    meta: &Meta,
    doc_span: Range<usize>,
    diags: &mut Diagnostics,
) {
    if grades.is_empty() {
        diags.push(
            Diagnostic::new("the rubric has no [[grade]] bands")
                .at(source, doc_span.start..doc_span.start)
                .with_help("add bands such as `[[grade]] name = \"优\" min = 90`"),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (g, span) in grades {
        if !seen.insert(g.min) {
            diags.push(
                Diagnostic::new(format!("two grade bands start at {}", g.min))
                    .at(source, span.clone()),
            );
        }
        if g.min < Decimal::ZERO || g.min > meta.total {
            diags.push(
                Diagnostic::new(format!(
                    "grade `{}` starts at {}, outside 0..{}",
                    g.name, g.min, meta.total
                ))
                .at(source, span.clone()),
            );
        }
    }
    if !grades.iter().any(|(g, _)| g.min.is_zero()) {
        diags.push(
            Diagnostic::new(format!(
                "the grade bands leave totals from 0 up to {} without a grade",
                grades.iter().map(|(g, _)| g.min).min().unwrap_or_default()
            ))
            .at(source, grades[0].1.clone())
            .with_help("give the lowest band `min = 0`"),
        );
    }
}

fn is_identifier(s: &str, allow_dash: bool) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (allow_dash && c == '-'))
}

fn read_fact_group(
    t: &Table<'_, '_>,
    prefix: &str,
    facts: &mut Vec<FactDecl>,
    groups: &mut Vec<(String, String)>,
    diags: &mut Diagnostics,
) {
    let source = t.source;
    for (key, value) in t.table.iter() {
        let name: &str = key.get_ref();
        if name == "label" && !prefix.is_empty() {
            match value.get_ref() {
                DeValue::String(s) => groups.push((prefix.to_string(), s.to_string())),
                other => diags.push(
                    Diagnostic::new(format!(
                        "a group's `label` must be a string, found {}",
                        type_name(other)
                    ))
                    .at(source, value.span()),
                ),
            }
            continue;
        }
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        if !is_identifier(name, false) || FORMULA_KEYWORDS.contains(&name) {
            diags.push(
                Diagnostic::new(format!("fact name `{name}` is not usable in formulas"))
                    .at(source, key.span())
                    .with_help("use ASCII letters, digits and `_`, starting with a letter, and none of: if then else and or not true false"),
            );
            continue;
        }
        if prefix.is_empty() && RESERVED_FACT_ROOTS.contains(&name) {
            diags.push(
                Diagnostic::new(format!(
                    "`{name}` is a reserved key of facts files and cannot name a fact"
                ))
                .at(source, key.span()),
            );
            continue;
        }
        let DeValue::Table(inner) = value.get_ref() else {
            diags.push(
                Diagnostic::new(format!(
                    "`facts.{path}` must be a table (a fact with `type`, or a group of facts), found {}",
                    type_name(value.get_ref())
                ))
                .at(source, value.span()),
            );
            continue;
        };
        let sub = Table::new(source, inner, value.span(), format!("fact `{path}`"));
        if inner.contains_key("type") {
            if let Some(decl) = read_fact(sub, path, diags) {
                facts.push(decl);
            }
        } else {
            read_fact_group(&sub, &path, facts, groups, diags);
        }
    }
}

fn read_fact(mut t: Table<'_, '_>, path: String, diags: &mut Diagnostics) -> Option<FactDecl> {
    let source = t.source;
    let ty = t.string("type", Some("the fact's type"), diags);
    let label = t.string("label", Some("the fact's Chinese label"), diags);
    let meaning = t.string(
        "meaning",
        Some("what the fact means and where to find it"),
        diags,
    );
    let unit = t.string("unit", None, diags);
    let choices = t.get("choices");
    let default = t.get("default");
    let unbounded = t.get("unbounded");
    let span = t.span.clone();
    t.finish(diags);
    let ty = ty?;
    let kind = match ty.get_ref().as_str() {
        "amount" => FactKind::Amount,
        "count" => FactKind::Count,
        "rate" => FactKind::Rate,
        "bool" => FactKind::Bool,
        "check" => FactKind::Check,
        "judgment" => FactKind::Judgment,
        "tier" => FactKind::Tier(Vec::new()),
        "choice" => {
            let Some(c) = choices else {
                diags.push(
                    Diagnostic::new(format!("choice fact `{path}` is missing `choices`"))
                        .at(source, span)
                        .with_help("list the answers, e.g. choices = [\"甲\", \"乙\", \"丙\"]"),
                );
                return None;
            };
            let list = string_list(source, c, "`choices`", diags)?;
            if list.is_empty() {
                diags.push(Diagnostic::new("`choices` must not be empty").at(source, c.span()));
            }
            FactKind::Choice(list)
        }
        other => {
            let mut d =
                Diagnostic::new(format!("unknown fact type `{other}`")).at(source, ty.span());
            d = match suggest(other, FactKind::NAMES) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("the types are: {}", FactKind::NAMES.join(", "))),
            };
            diags.push(d);
            return None;
        }
    };
    if let (Some(c), false) = (choices, matches!(kind, FactKind::Choice(_))) {
        diags.push(
            Diagnostic::new("`choices` applies only to facts of type `choice`")
                .at(source, c.span()),
        );
    }
    let default = match default {
        None => None,
        Some(v) => match (&kind, v.get_ref()) {
            (FactKind::Bool, DeValue::Boolean(b)) => Some(DefaultValue::Bool(*b)),
            (FactKind::Amount | FactKind::Count, _) => match decimal(source, v, "`default`") {
                Ok(d) => Some(DefaultValue::Number(d)),
                Err(e) => {
                    diags.push(e);
                    None
                }
            },
            _ => {
                diags.push(
                    Diagnostic::new(format!(
                        "a `{}` fact cannot have this `default`",
                        kind.name()
                    ))
                    .at(source, v.span()),
                );
                None
            }
        },
    };
    let unbounded = match unbounded.map(|v| (v.get_ref(), v.span())) {
        None => false,
        Some((DeValue::Boolean(b), _)) if kind == FactKind::Rate => *b,
        Some((DeValue::Boolean(_), at)) => {
            diags.push(
                Diagnostic::new("`unbounded` applies only to facts of type `rate`").at(source, at),
            );
            false
        }
        Some((other, at)) => {
            diags.push(
                Diagnostic::new(format!(
                    "`unbounded` must be true or false, found {}",
                    type_name(other)
                ))
                .at(source, at),
            );
            false
        }
    };
    Some(FactDecl {
        origin: source.clone(),
        unbounded,
        path,
        label: label?.into_inner(),
        meaning: meaning?.into_inner(),
        unit: unit.map(Spanned::into_inner).unwrap_or_default(),
        kind,
        default,
        span,
    })
}

/// An indicator as read, before the tree is built.
struct RawIndicator {
    id: Spanned<String>,
    parent: Option<Spanned<String>>,
    name: Spanned<String>,
    points: Spanned<Decimal>,
    description: String,
    criteria: String,
    rule: Option<(Rule, Range<usize>)>,
    list: Option<(ListSpec, Range<usize>)>,
    /// The file the indicator was read from (a variant's, or its base's).
    source: SourceFile,
    span: Range<usize>,
}

/// The span of a formula's text inside the TOML file: exact when the string is written
/// plainly between quotes, else the whole string.
fn formula_location(
    source: &SourceFile,
    value: &Spanned<String>,
    inner: &Range<usize>,
) -> Range<usize> {
    let span = value.span();
    let raw = source.text().get(span.clone()).unwrap_or("");
    let text = value.get_ref();
    for quote in ["\"", "'"] {
        if raw.len() == text.len() + 2
            && raw.starts_with(quote)
            && raw.ends_with(quote)
            && &raw[1..raw.len() - 1] == text
        {
            return span.start + 1 + inner.start..span.start + 1 + inner.end;
        }
    }
    span
}

/// Where names in the formulas of one rule resolve.
struct Names<'f> {
    facts: &'f [FactDecl],
    /// Lets visible to this formula, with their types.
    lets: Vec<(String, Type)>,
    /// Whether each let is shown as a percentage: a rate, whose tier bounds must be
    /// written as rates.
    percent_lets: Vec<bool>,
    /// Whose formulas these are, for messages: "indicator `procurement`".
    context: String,
}

impl Names<'_> {
    /// Whether a formula is a single rate: a `rate` fact or a let shown as a percentage.
    fn is_rate(&self, f: &formula::Formula) -> bool {
        match &f.root.kind {
            formula::NodeKind::Name {
                target: Some(Target::Local(i)),
                ..
            } => self.percent_lets.get(*i).copied().unwrap_or(false),
            formula::NodeKind::Name {
                target: Some(Target::Fact(i)),
                ..
            } => self.facts[*i].kind == FactKind::Rate,
            _ => false,
        }
    }
}

impl<'f> Names<'f> {
    /// The names a check or rule over facts alone may use (no named values).
    fn of_facts(facts: &'f [FactDecl], id: &Option<Spanned<String>>, what: &str) -> Self {
        Names {
            facts,
            lets: Vec::new(),
            percent_lets: Vec::new(),
            context: match id {
                Some(id) => format!("{what} `{}`", id.get_ref()),
                None => format!("a {what}"),
            },
        }
    }

    fn lookup(&self, name: &str) -> Option<(Target, Type)> {
        if let Some(i) = self.lets.iter().position(|(n, _)| n == name) {
            return Some((Target::Local(i), self.lets[i].1));
        }
        let i = self.facts.iter().position(|f| f.path == name)?;
        Some((Target::Fact(i), self.facts[i].kind.formula_type()?))
    }

    fn help(&self, name: &str) -> Option<String> {
        if let Some(f) = self.facts.iter().find(|f| f.path == name) {
            return Some(format!(
                "`{name}` is a `{}` fact; formulas read only amount, count, rate and bool facts",
                f.kind.name()
            ));
        }
        let candidates = self
            .lets
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(self.facts.iter().map(|f| f.path.as_str()));
        match suggest(name, candidates) {
            Some(s) => Some(format!("did you mean `{s}`?")),
            None => {
                Some("declare the fact under [facts] or define it with [[indicator.let]]".into())
            }
        }
    }
}

fn compile(
    source: &SourceFile,
    text: &Spanned<String>,
    names: &Names<'_>,
    want: Option<Type>,
    diags: &mut Diagnostics,
) -> Option<(formula::Formula, Type)> {
    let mut f = match formula::parse(text.get_ref()) {
        Ok(f) => f,
        Err(e) => {
            diags.push(
                Diagnostic::new(format!("formula of {}: {}", names.context, e.message))
                    .at(source, formula_location(source, text, &e.span)),
            );
            return None;
        }
    };
    match f.resolve(&|n| names.lookup(n), &|n| names.help(n)) {
        Ok(ty) => {
            if let Some(want) = want
                && ty != want
            {
                diags.push(
                    Diagnostic::new(format!(
                        "this formula of {} gives {ty}; {want} is expected here",
                        names.context
                    ))
                    .at(source, text.span()),
                );
                return None;
            }
            Some((f, ty))
        }
        Err(errors) => {
            for e in errors {
                let mut d = Diagnostic::new(format!("formula of {}: {}", names.context, e.message))
                    .at(source, formula_location(source, text, &e.span));
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                diags.push(d);
            }
            None
        }
    }
}

fn fact_of_kind(
    source: &SourceFile,
    facts: &[FactDecl],
    path: &Spanned<String>,
    want: &str,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let Some(i) = facts.iter().position(|f| &f.path == path.get_ref()) else {
        let mut d =
            Diagnostic::new(format!("unknown fact `{}`", path.get_ref())).at(source, path.span());
        if let Some(s) = suggest(path.get_ref(), facts.iter().map(|f| f.path.as_str())) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else {
            d = d.with_help("declare it under [facts]");
        }
        diags.push(d);
        return None;
    };
    if facts[i].kind.name() != want {
        diags.push(
            Diagnostic::new(format!(
                "fact `{}` is of type `{}`; this part needs a `{want}` fact",
                path.get_ref(),
                facts[i].kind.name()
            ))
            .at(source, path.span()),
        );
        return None;
    }
    Some(i)
}

fn read_indicator(
    mut t: Table<'_, '_>,
    facts: &[FactDecl],
    tier_users: &mut TierUsers,
    diags: &mut Diagnostics,
) -> Option<RawIndicator> {
    let source = t.source;
    let id = t.string("id", Some("a unique ASCII id"), diags);
    if let Some(id) = &id {
        t.context = format!("indicator `{}`", id.get_ref());
        if !is_identifier(id.get_ref(), true) {
            diags.push(
                Diagnostic::new(format!(
                    "indicator id `{}` may only use ASCII letters, digits, `-` and `_`",
                    id.get_ref()
                ))
                .at(source, id.span()),
            );
        }
    } else {
        t.context = format!(
            "[[indicator]] {}",
            t.context.trim_start_matches("`indicator` ")
        );
    }
    let parent = t.string("parent", None, diags);
    let name = t.string("name", Some("the indicator's Chinese name"), diags);
    let points = t.decimal("points", Some("the indicator's points (分值)"), diags);
    let description = t.string("description", None, diags);
    let criteria = t.string("criteria", None, diags);
    let lets = t.tables("let", diags);
    let parts = t.tables("part", diags);
    let vetoes = t.tables("veto", diags);
    let exemptions = t.tables("exempt", diags);
    let list_table = t.table("list", None, diags);
    let span = t.span.clone();
    let context = t.context.clone();
    t.finish(diags);
    let list = list_table.and_then(|l| {
        let at = l.span.clone();
        read_list(l, &context, facts, diags).map(|spec| (spec, at))
    });
    if let (Some((_, at)), false) = (&list, parts.is_empty()) {
        diags.push(
            Diagnostic::new(format!(
                "{context} takes its children from the facts file (`list`), so it cannot have parts"
            ))
            .at(source, at.clone()),
        );
    }

    let rule = if parts.is_empty() {
        for extra in lets.iter().chain(&vetoes).chain(&exemptions) {
            diags.push(
                Diagnostic::new(format!(
                    "{context} has rule settings but no [[indicator.part]]"
                ))
                .at(source, extra.span.clone()),
            );
        }
        None
    } else {
        let indicator_name = name
            .as_ref()
            .map(|n| n.get_ref().clone())
            .unwrap_or_default();
        let mut names = Names {
            facts,
            lets: Vec::new(),
            percent_lets: Vec::new(),
            context: context.clone(),
        };
        let mut rule_lets = Vec::new();
        // Evaluation depth of each named value (see MAX_VALUE_DEPTH), by index in `names.lets`.
        let mut let_depths: Vec<usize> = Vec::new();
        for mut l in lets {
            l.context = format!("a [[indicator.let]] of {context}");
            let let_name = l.string("name", Some("the value's name in formulas"), diags);
            let label = l.string("label", None, diags);
            let expr = l.string("expr", Some("the formula"), diags);
            let show = l.string("show", None, diags);
            l.finish(diags);
            let display = match show.as_ref().map(|s| s.get_ref().as_str()) {
                None | Some("number") => crate::number::Display::Number,
                Some("percent") => crate::number::Display::Percent,
                Some(other) => {
                    if let Some(s) = &show {
                        diags.push(
                            Diagnostic::new(format!("unknown `show` value `{other}`"))
                                .at(source, s.span())
                                .with_help("use \"percent\" or \"number\""),
                        );
                    }
                    crate::number::Display::Number
                }
            };
            let (Some(let_name), Some(expr)) = (let_name, expr) else {
                continue;
            };
            if !is_identifier(let_name.get_ref(), false)
                || FORMULA_KEYWORDS.contains(&let_name.get_ref().as_str())
            {
                diags.push(
                    Diagnostic::new(format!("`{}` cannot name a value", let_name.get_ref()))
                        .at(source, let_name.span())
                        .with_help("use ASCII letters, digits and `_`, without dots"),
                );
                continue;
            }
            if names.lookup(let_name.get_ref()).is_some()
                || facts.iter().any(|f| &f.path == let_name.get_ref())
            {
                diags.push(
                    Diagnostic::new(format!(
                        "`{}` is already a fact or a value of this rule",
                        let_name.get_ref()
                    ))
                    .at(source, let_name.span()),
                );
                continue;
            }
            let Some((formula, ty)) = compile(source, &expr, &names, None, diags) else {
                // Keep the name known so that formulas using it do not repeat the error.
                names.lets.push((let_name.get_ref().clone(), Type::Number));
                names.percent_lets.push(false);
                let_depths.push(0);
                continue;
            };
            let deepest_read = formula
                .targets()
                .iter()
                .filter_map(|t| match t {
                    Target::Local(j) => let_depths.get(*j).copied(),
                    Target::Fact(_) => None,
                })
                .max()
                .unwrap_or(0);
            let depth = formula.depth().saturating_add(deepest_read);
            let_depths.push(depth);
            // Reported once, at the first value over the limit, not again for every value
            // built on it.
            if depth > MAX_VALUE_DEPTH && deepest_read <= MAX_VALUE_DEPTH {
                diags.push(
                    Diagnostic::new(format!(
                        "the value `{}` is computed through a chain of values {depth} levels deep; at most {MAX_VALUE_DEPTH} are accepted",
                        let_name.get_ref()
                    ))
                    .at(source, let_name.span())
                    .with_help("compute it from fewer intermediate values"),
                );
                names.lets.push((let_name.get_ref().clone(), ty));
                names.percent_lets.push(false);
                continue;
            }
            {
                names.lets.push((let_name.get_ref().clone(), ty));
                names
                    .percent_lets
                    .push(display == crate::number::Display::Percent);
                rule_lets.push(Let {
                    label: label.map(Spanned::into_inner),
                    name: let_name.into_inner(),
                    formula,
                    display,
                });
            }
        }
        let mut rule_parts = Vec::new();
        let mut sum = Decimal::ZERO;
        let mut all_parts_read = true;
        for p in parts {
            match read_part(p, &indicator_name, &names, facts, tier_users, diags) {
                Some(part) => {
                    sum = sum.checked_add(part.points).unwrap_or(Decimal::MAX);
                    rule_parts.push(part);
                }
                None => all_parts_read = false,
            }
        }
        let mut conditions = |tables: Vec<Table<'_, '_>>, what: &str| {
            let mut out = Vec::new();
            for mut c in tables {
                c.context = format!("a [[indicator.{what}]] of {context}");
                let when = c.string("when", Some("a true/false formula"), diags);
                let reason = c.string(
                    "reason",
                    Some("the framework's words for this condition"),
                    diags,
                );
                c.finish(diags);
                if let (Some(when), Some(reason)) = (when, reason)
                    && let Some((formula, _)) =
                        compile(source, &when, &names, Some(Type::Bool), diags)
                {
                    out.push(Condition {
                        formula,
                        reason: reason.into_inner(),
                    });
                }
            }
            out
        };
        let rule_vetoes = conditions(vetoes, "veto");
        let rule_exemptions = conditions(exemptions, "exempt");
        if let Some(points) = &points
            && all_parts_read
            && rule_parts.iter().all(|p| p.points > Decimal::ZERO)
            && sum != *points.get_ref()
        {
            diags.push(
                Diagnostic::new(format!(
                    "the parts of {context} add up to {}, but the indicator has {} points",
                    sum.normalize(),
                    points.get_ref().normalize()
                ))
                .at(source, points.span()),
            );
        }
        Some((
            Rule {
                lets: rule_lets,
                parts: rule_parts,
                vetoes: rule_vetoes,
                exemptions: rule_exemptions,
            },
            span.clone(),
        ))
    };

    Some(RawIndicator {
        id: id?,
        parent,
        name: name?,
        points: points?,
        description: description.map(Spanned::into_inner).unwrap_or_default(),
        criteria: criteria.map(Spanned::into_inner).unwrap_or_default(),
        rule,
        list,
        source: source.clone(),
        span,
    })
}

/// Whether a variant's table says `remove = true`.
fn is_removal(t: &Table<'_, '_>) -> bool {
    t.table
        .get("remove")
        .is_some_and(|v| matches!(v.get_ref(), DeValue::Boolean(true)))
}

/// Adds a table, or (in a variant) replaces the earlier layer's table with the same id.
fn upsert<'a, 'i>(tables: &mut Vec<Table<'a, 'i>>, t: Table<'a, 'i>, id: &str, base: bool) {
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
fn id_of(t: &Table<'_, '_>) -> Option<String> {
    string_of(t, "id")
}

fn string_of(t: &Table<'_, '_>, key: &str) -> Option<String> {
    match t.table.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// The `[indicator.list]` table: how the indicators a facts file lists are scored.
fn read_list(
    mut t: Table<'_, '_>,
    context: &str,
    facts: &[FactDecl],
    diags: &mut Diagnostics,
) -> Option<ListSpec> {
    let source = t.source;
    t.context = format!("the list of {context}");
    let key = t.string(
        "key",
        Some("the facts file's array of tables, e.g. \"output\""),
        diags,
    );
    let grouped = match t.get("grouped") {
        Some(v) => match v.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                diags.push(
                    Diagnostic::new(format!(
                        "`grouped` must be true or false, found {}",
                        type_name(other)
                    ))
                    .at(source, v.span()),
                );
                false
            }
        },
        None => false,
    };
    let higher = t.string(
        "higher",
        Some("the score of a `>=` item, over target, actual and weight"),
        diags,
    );
    let lower = t.string("lower", Some("the score of a `<=` item"), diags);
    let equal = t.string("equal", Some("the score of a `=` item"), diags);
    let not_applicable = t.string(
        "not_applicable",
        Some("\"rescale\", \"full\" or \"zero\""),
        diags,
    );
    let band_tables = t.tables("qualitative", diags);
    t.finish(diags);
    // The names a list formula may use: the item's own figures.
    let names = Names {
        facts: &[],
        lets: ITEM_NAMES
            .iter()
            .map(|n| (n.to_string(), Type::Number))
            .collect(),
        percent_lets: vec![false; ITEM_NAMES.len()],
        context: format!("the list of {context}"),
    };
    let _ = facts;
    let mut formula = |text: Option<Spanned<String>>| {
        text.and_then(|t| compile(source, &t, &names, Some(Type::Number), diags))
            .map(|(f, _)| f)
    };
    let (higher, lower, equal) = (formula(higher), formula(lower), formula(equal));
    let not_applicable = not_applicable.and_then(|n| match NotApplicable::from_name(n.get_ref()) {
        Some(x) => Some(x),
        None => {
            let mut d = Diagnostic::new(format!("unknown `not_applicable` rule `{}`", n.get_ref()))
                .at(source, n.span());
            d = match suggest(n.get_ref(), NotApplicable::NAMES) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "the rules are: {}",
                    NotApplicable::NAMES.join(", ")
                )),
            };
            diags.push(d);
            None
        }
    });
    let mut bands = Vec::new();
    for b in band_tables {
        let span = b.span.clone();
        if let Some((tier, _)) = read_tier_bounds(b, "outcome", diags) {
            match (tier.lower, tier.upper) {
                (Some(lower), Some(upper)) => bands.push(Band {
                    outcome: tier.label,
                    lower,
                    upper,
                }),
                _ => diags.push(
                    Diagnostic::new("a qualitative band needs a lower and an upper bound (shares of the weight)")
                        .at(source, span),
                ),
            }
        }
    }
    if let Some(k) = &key
        && (!is_identifier(k.get_ref(), false)
            || RESERVED_FACT_ROOTS.contains(&k.get_ref().as_str()))
    {
        diags.push(
            Diagnostic::new(format!(
                "`{}` cannot name a list in facts files",
                k.get_ref()
            ))
            .at(source, k.span())
            .with_help(
                "use ASCII letters, digits and `_`, and none of the reserved top-level keys",
            ),
        );
    }
    Some(ListSpec {
        key: key?.into_inner(),
        grouped,
        higher: higher?,
        lower: lower?,
        equal: equal?,
        bands,
        not_applicable: not_applicable?,
    })
}

/// The names a list's formulas use, in the order of `Target::Local` indices.
pub const ITEM_NAMES: [&str; 3] = ["target", "actual", "weight"];

const PART_KINDS: [&str; 6] = [
    "formula",
    "tiers",
    "check",
    "deduction",
    "category",
    "judgment",
];

fn read_part(
    mut p: Table<'_, '_>,
    indicator_name: &str,
    names: &Names<'_>,
    facts: &[FactDecl],
    tier_users: &mut TierUsers,
    diags: &mut Diagnostics,
) -> Option<Part> {
    let source = p.source;
    p.context = format!("a part of `{indicator_name}`");
    let kind = p.string(
        "kind",
        Some("formula, tiers, check, deduction, category or judgment"),
        diags,
    );
    let points = p.decimal("points", Some("the part's points"), diags);
    let name = p.string("name", None, diags);
    let span = p.span.clone();
    let kind = kind?;
    if let Some(pts) = &points
        && *pts.get_ref() <= Decimal::ZERO
    {
        diags.push(
            Diagnostic::new(format!("the `points` of {} must be more than 0", p.context))
                .at(source, pts.span()),
        );
    }
    let part_points = points.as_ref().map(|p| *p.get_ref()).unwrap_or_default();
    let in_range = |value: Decimal, at: Range<usize>, diags: &mut Diagnostics| {
        if value < Decimal::ZERO || value > part_points {
            diags.push(
                Diagnostic::new(format!(
                    "{} lies outside the part's 0..{} points",
                    value.normalize(),
                    part_points.normalize()
                ))
                .at(source, at),
            );
        }
    };
    let mut fact_label = None;
    let kind = match kind.get_ref().as_str() {
        "formula" => {
            let score = p.string("score", Some("the formula giving the points"), diags);
            let (formula, _) = compile(source, &score?, names, Some(Type::Number), diags)?;
            PartKind::Formula { score: formula }
        }
        "tiers" => {
            let value = p.string(
                "value",
                Some("the formula of the value the tiers apply to"),
                diags,
            );
            let tier_tables = p.tables("tiers", diags);
            let judged_by = p.string("judged_by", None, diags);
            let (formula, _) = compile(source, &value?, names, Some(Type::Number), diags)?;
            let mut tiers = Vec::new();
            let rate = names.is_rate(&formula);
            for t in tier_tables {
                if let Some((tier, bare)) = read_tier(t, diags) {
                    in_range(tier.points, tier.span.clone(), diags);
                    // `at_least = 90` on a rate means 9000%: almost surely "90%".
                    for (value, span) in bare {
                        if rate && value > Decimal::ONE {
                            diags.push(
                                Diagnostic::new(format!(
                                    "tier bound {} on the rate `{}` is ambiguous: a rate written as a plain number must lie between 0 and 1",
                                    value.normalize(),
                                    formula.text
                                ))
                                .at(source, span)
                                .with_help(format!("write \"{}%\" for a percentage", value.normalize())),
                            );
                        }
                    }
                    tiers.push(tier);
                }
            }
            if tiers.is_empty() {
                diags.push(
                    Diagnostic::new("a tiers part needs at least one entry in `tiers`")
                        .at(source, span.clone()),
                );
            }
            let mut labels = HashSet::new();
            for t in &tiers {
                if !labels.insert(t.label.clone()) {
                    diags.push(
                        Diagnostic::new(format!("two tiers are labelled `{}`", t.label))
                            .at(source, t.span.clone()),
                    );
                }
            }
            let judged_by = match judged_by {
                Some(j) => {
                    let i = fact_of_kind(source, facts, &j, "tier", diags)?;
                    tier_users.entry(i).or_default().push((
                        tiers.iter().map(|t| t.label.clone()).collect(),
                        j.span(),
                        source.clone(),
                    ));
                    Some(i)
                }
                None => None,
            };
            PartKind::Tiers {
                value: formula,
                tiers,
                judged_by,
            }
        }
        "check" => {
            let fact = p.string("fact", Some("the `check` fact this item reads"), diags);
            let i = fact_of_kind(source, facts, &fact?, "check", diags)?;
            fact_label = Some(facts[i].label.clone());
            PartKind::Check { fact: i }
        }
        "judgment" => {
            let fact = p.string(
                "fact",
                Some("the `judgment` fact holding the evaluator's score"),
                diags,
            );
            let i = fact_of_kind(source, facts, &fact?, "judgment", diags)?;
            fact_label = Some(facts[i].label.clone());
            PartKind::Judgment { fact: i }
        }
        "deduction" => {
            let count = p.string("count", Some("the formula counting occurrences"), diags);
            let per = p.decimal("per", Some("the points deducted per occurrence"), diags);
            let floor = p.decimal("floor", None, diags);
            let (formula, _) = compile(source, &count?, names, Some(Type::Number), diags)?;
            let per = per?;
            if *per.get_ref() <= Decimal::ZERO {
                diags.push(
                    Diagnostic::new(format!("`per` of {} must be more than 0", p.context))
                        .at(source, per.span()),
                );
            }
            let floor_value = floor.as_ref().map(|f| *f.get_ref()).unwrap_or_default();
            if let Some(f) = &floor {
                in_range(floor_value, f.span(), diags);
            }
            PartKind::Deduction {
                count: formula,
                per: per.into_inner(),
                floor: floor_value,
            }
        }
        "category" => {
            let fact = p.string("fact", Some("the `choice` fact this part reads"), diags);
            let map = p.table(
                "points_by_choice",
                Some("the points for each answer"),
                diags,
            );
            let i = fact_of_kind(source, facts, &fact?, "choice", diags)?;
            fact_label = Some(facts[i].label.clone());
            let map = map?;
            let FactKind::Choice(choices) = &facts[i].kind else {
                return None;
            };
            let mut points_by = Vec::new();
            for choice in choices {
                match map.table.get(choice.as_str()) {
                    Some(v) => match decimal(source, v, &format!("points for `{choice}`")) {
                        Ok(d) => {
                            in_range(d, v.span(), diags);
                            points_by.push((choice.clone(), d));
                        }
                        Err(e) => diags.push(e),
                    },
                    None => diags.push(
                        Diagnostic::new(format!(
                            "`points_by_choice` gives no points for `{choice}`"
                        ))
                        .at(source, map.span.clone()),
                    ),
                }
            }
            for (key, _) in map.table.iter() {
                let k: &str = key.get_ref();
                if !choices.iter().any(|c| c == k) {
                    let mut d = Diagnostic::new(format!("`{k}` is not one of the fact's choices"))
                        .at(source, key.span());
                    if let Some(s) = suggest(k, choices.iter().map(String::as_str)) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                }
            }
            PartKind::Category {
                fact: i,
                points: points_by,
            }
        }
        other => {
            let mut d =
                Diagnostic::new(format!("unknown part kind `{other}`")).at(source, kind.span());
            d = match suggest(other, PART_KINDS) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("the kinds are: {}", PART_KINDS.join(", "))),
            };
            diags.push(d);
            p.finish(&mut Diagnostics::default());
            return None;
        }
    };
    p.finish(diags);
    let name = name
        .map(Spanned::into_inner)
        .or(fact_label)
        .unwrap_or_else(|| indicator_name.to_string());
    Some(Part {
        name,
        points: points?.into_inner(),
        kind,
    })
}

/// A tier bound written as a plain number (not a percentage), with its span.
type BareBound = (Decimal, Range<usize>);

/// A tier, and the bounds written as plain numbers (not percentages) with their spans.
fn read_tier(t: Table<'_, '_>, diags: &mut Diagnostics) -> Option<(Tier, Vec<BareBound>)> {
    read_tier_bounds(t, "label", diags)
}

/// A tier's bounds and label (under `label_key`); `points` is read only for tiers, and
/// is 0 for a qualitative band, whose label is its outcome.
fn read_tier_bounds(
    mut t: Table<'_, '_>,
    label_key: &'static str,
    diags: &mut Diagnostics,
) -> Option<(Tier, Vec<BareBound>)> {
    let source = t.source;
    let is_tier = label_key == "label";
    t.context = if is_tier {
        format!("tier {}", t.context.trim_start_matches("`tiers` "))
    } else {
        format!("band {}", t.context.trim_start_matches("`qualitative` "))
    };
    let points = if is_tier {
        t.decimal("points", Some("the points of this tier"), diags)
    } else {
        Some(Spanned::new(0..0, Decimal::ZERO))
    };
    let label = t.string(
        label_key,
        (!is_tier).then_some("the outcome, e.g. \"达成\""),
        diags,
    );
    if !is_tier && label.is_none() {
        return None;
    }
    let mut bound = |t: &mut Table<'_, '_>, key: &'static str| {
        t.get(key).and_then(
            |v| match decimal_or_percent(source, v, &format!("`{key}`")) {
                Ok(d) => Some((
                    d,
                    source
                        .text()
                        .get(v.span())
                        .unwrap_or("")
                        .trim_matches('"')
                        .to_string(),
                    v.span(),
                )),
                Err(e) => {
                    diags.push(e);
                    None
                }
            },
        )
    };
    let at_least = bound(&mut t, "at_least");
    let above = bound(&mut t, "above");
    let at_most = bound(&mut t, "at_most");
    let below = bound(&mut t, "below");
    let span = t.span.clone();
    let context = t.context.clone();
    t.finish(diags);
    if let (Some(_), Some((_, _, s))) = (&at_least, &above) {
        diags.push(
            Diagnostic::new("a tier takes `at_least` or `above`, not both").at(source, s.clone()),
        );
    }
    if let (Some(_), Some((_, _, s))) = (&at_most, &below) {
        diags.push(
            Diagnostic::new("a tier takes `at_most` or `below`, not both").at(source, s.clone()),
        );
    }
    let lower = at_least
        .as_ref()
        .map(|(v, text, _)| {
            (
                Bound {
                    value: *v,
                    inclusive: true,
                },
                format!("≥{text}"),
            )
        })
        .or_else(|| {
            above.as_ref().map(|(v, text, _)| {
                (
                    Bound {
                        value: *v,
                        inclusive: false,
                    },
                    format!(">{text}"),
                )
            })
        });
    let upper = at_most
        .as_ref()
        .map(|(v, text, _)| {
            (
                Bound {
                    value: *v,
                    inclusive: true,
                },
                format!("≤{text}"),
            )
        })
        .or_else(|| {
            below.as_ref().map(|(v, text, _)| {
                (
                    Bound {
                        value: *v,
                        inclusive: false,
                    },
                    format!("<{text}"),
                )
            })
        });
    if let (Some((lo, _)), Some((hi, _))) = (&lower, &upper)
        && (lo.value > hi.value || (lo.value == hi.value && !(lo.inclusive && hi.inclusive)))
    {
        diags.push(
            Diagnostic::new(format!("the bounds of {context} admit no value"))
                .at(source, span.clone()),
        );
    }
    let auto_label = match (&lower, &upper) {
        (Some((_, l)), Some((_, u))) => format!("{l} 且 {u}"),
        (Some((_, l)), None) => l.clone(),
        (None, Some((_, u))) => u.clone(),
        (None, None) => "其他".to_string(),
    };
    let written = [&at_least, &above, &at_most, &below];
    let percent = written
        .iter()
        .any(|b| b.as_ref().is_some_and(|(_, text, _)| text.ends_with('%')));
    let bare = written
        .iter()
        .filter_map(|b| b.as_ref())
        .filter(|(_, text, _)| !text.ends_with('%'))
        .map(|(v, _, span)| (*v, span.clone()))
        .collect();
    Some((
        Tier {
            label: label.map(Spanned::into_inner).unwrap_or(auto_label),
            points: points?.into_inner(),
            lower: lower.map(|(b, _)| b),
            upper: upper.map(|(b, _)| b),
            percent,
            span,
        },
        bare,
    ))
}

/// A sum of points that saturates instead of overflowing: a sum that large can only
/// mismatch, and is reported as such.
fn points_sum(points: impl Iterator<Item = Decimal>) -> Decimal {
    points.fold(Decimal::ZERO, |acc, p| {
        acc.checked_add(p).unwrap_or(Decimal::MAX)
    })
}

/// Links parents and children, derives levels and checks that points add up.
fn build_tree(
    raw: Vec<RawIndicator>,
    meta: &Meta,
    meta_source: &SourceFile,
    diags: &mut Diagnostics,
) -> (Vec<Indicator>, Vec<usize>) {
    let meta_source = meta_source.clone();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(&first) = by_id.get(r.id.get_ref().as_str()) {
            diags.push(
                Diagnostic::new(format!(
                    "indicator id `{}` is used twice (first on line {})",
                    r.id.get_ref(),
                    raw[first].source.position(raw[first].id.span().start).line
                ))
                .at(&r.source, r.id.span()),
            );
        } else {
            by_id.insert(r.id.get_ref(), i);
        }
        if let Some(&first) = by_name.get(r.name.get_ref().as_str()) {
            diags.push(
                Diagnostic::new(format!(
                    "indicator name `{}` is used twice (first on line {})",
                    r.name.get_ref(),
                    raw[first]
                        .source
                        .position(raw[first].name.span().start)
                        .line
                ))
                .at(&r.source, r.name.span()),
            );
        } else {
            by_name.insert(r.name.get_ref(), i);
        }
    }
    let mut parent_of = vec![None; raw.len()];
    // One suggestion per unknown parent: a file repeating one wrong parent a thousand
    // times must not compare it with every id a thousand times.
    let mut suggested: HashMap<&str, Option<&str>> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(p) = &r.parent {
            match by_id.get(p.get_ref().as_str()) {
                Some(&pi) => parent_of[i] = Some(pi),
                None => {
                    let mut d =
                        Diagnostic::new(format!("parent `{}` is not an indicator id", p.get_ref()))
                            .at(&r.source, p.span());
                    let s = *suggested
                        .entry(p.get_ref().as_str())
                        .or_insert_with(|| suggest(p.get_ref(), by_id.keys().copied()));
                    if let Some(s) = s {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                }
            }
        }
    }
    // Levels by walking up; a walk longer than the list is a cycle. A cycle makes every
    // later check meaningless, so it is reported alone, once per cycle.
    let mut level = Vec::with_capacity(raw.len());
    let mut in_cycle = vec![false; raw.len()];
    for i in 0..raw.len() {
        let mut path = vec![i];
        let mut at = i;
        while let Some(p) = parent_of[at] {
            if let Some(pos) = path.iter().position(|&x| x == p) {
                if path[pos..].iter().all(|&x| !in_cycle[x]) {
                    let members: Vec<&str> = path[pos..]
                        .iter()
                        .map(|&x| raw[x].id.get_ref().as_str())
                        .collect();
                    let culprit = path[pos..].iter().copied().min().unwrap_or(p);
                    diags.push(
                        Diagnostic::new(format!(
                            "the `parent` links form a cycle: {} → {}",
                            members.join(" → "),
                            members[0]
                        ))
                        .at(
                            &raw[culprit].source,
                            raw[culprit]
                                .parent
                                .as_ref()
                                .map(Spanned::span)
                                .unwrap_or(raw[culprit].span.clone()),
                        ),
                    );
                }
                for &x in &path[pos..] {
                    in_cycle[x] = true;
                }
                break;
            }
            path.push(p);
            at = p;
        }
        level.push(path.len());
    }
    if in_cycle.iter().any(|&c| c) {
        return (Vec::new(), Vec::new());
    }
    let mut children = vec![Vec::new(); raw.len()];
    let mut roots = Vec::new();
    for (i, p) in parent_of.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let depth = meta.levels.len();
    for (i, r) in raw.iter().enumerate() {
        let is_leaf = children[i].is_empty();
        if level[i] > depth {
            diags.push(
                Diagnostic::new(format!(
                    "indicator `{}` is at level {}, but the rubric has {depth} levels",
                    r.id.get_ref(),
                    level[i]
                ))
                .at(&r.source, r.id.span()),
            );
        }
        if let Some((spec, at)) = &r.list {
            // Listed items sit at the last level, under a `level2` group when grouped.
            let needed = if spec.grouped { 2 } else { 1 };
            if !is_leaf {
                diags.push(
                    Diagnostic::new(format!(
                        "indicator `{}` takes its children from the facts file (`list`), so it cannot have children in the rubric",
                        r.id.get_ref()
                    ))
                    .at(&r.source, at.clone()),
                );
            } else if level[i] + needed != depth {
                diags.push(
                    Diagnostic::new(format!(
                        "indicator `{}` is at level {} of {depth}: its listed items would sit at level {}",
                        r.id.get_ref(),
                        level[i],
                        level[i] + needed
                    ))
                    .at(&r.source, at.clone())
                    .with_help(if spec.grouped {
                        "listed items sit two levels down (a `level2` group, then the item)"
                    } else {
                        "set `grouped = true` to put items under `level2` groups, or move the indicator"
                    }),
                );
            }
            continue;
        }
        if is_leaf && level[i] < depth {
            diags.push(
                Diagnostic::new(format!(
                    "indicator `{}` has no children but is at level {} of {depth}",
                    r.id.get_ref(),
                    level[i]
                ))
                .at(&r.source, r.id.span())
                .with_help(format!(
                    "every {} must sit at the last level ({})",
                    "leaf",
                    meta.levels.last().cloned().unwrap_or_default()
                )),
            );
        }
        if is_leaf && r.rule.is_none() {
            diags.push(
                Diagnostic::new(format!(
                    "leaf indicator `{}` has no [[indicator.part]] to score it",
                    r.id.get_ref()
                ))
                .at(&r.source, r.id.span()),
            );
        }
        if let (false, Some((_, span))) = (is_leaf, &r.rule) {
            diags.push(
                Diagnostic::new(format!("indicator `{}` has children, so its score is their sum and it cannot have parts", r.id.get_ref()))
                    .at(&r.source, span.clone()),
            );
        }
        if *r.points.get_ref() < Decimal::ZERO {
            diags.push(
                Diagnostic::new(format!(
                    "the points of indicator `{}` cannot be negative",
                    r.id.get_ref()
                ))
                .at(&r.source, r.points.span()),
            );
        }
        if !is_leaf {
            let sum = points_sum(children[i].iter().map(|&c| *raw[c].points.get_ref()));
            if sum != *r.points.get_ref() {
                diags.push(
                    Diagnostic::new(format!(
                        "the children of `{}` ({}) add up to {}, but it has {} points",
                        r.id.get_ref(),
                        r.name.get_ref(),
                        sum.normalize(),
                        r.points.get_ref().normalize()
                    ))
                    .at(&r.source, r.points.span()),
                );
            }
        }
    }
    let root_sum = points_sum(roots.iter().map(|&i| *raw[i].points.get_ref()));
    if root_sum != meta.total {
        diags.push(
            Diagnostic::new(format!(
                "the first-level indicators add up to {}, but the rubric's total is {}",
                root_sum.normalize(),
                meta.total.normalize()
            ))
            .at(
                roots.first().map_or(&meta_source, |&i| &raw[i].source),
                roots.first().map(|&i| raw[i].points.span()).unwrap_or(0..0),
            ),
        );
    }
    let indicators = raw
        .into_iter()
        .enumerate()
        .map(|(i, r)| Indicator {
            id: r.id.into_inner(),
            name: r.name.into_inner(),
            points: r.points.into_inner(),
            level: level[i],
            parent: parent_of[i],
            children: std::mem::take(&mut children[i]),
            description: r.description,
            criteria: r.criteria,
            rule: r.rule.map(|(rule, _)| rule),
            list: r.list.map(|(list, _)| list),
            origin: r.source,
            span: r.span,
        })
        .collect();
    (indicators, roots)
}
