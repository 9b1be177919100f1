//! `[facts]`: the facts a rubric reads, with their kinds, labels and units.

use super::*;

pub(super) fn read_fact_group(
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
                    Diagnostic::new(t!(
                        "rubric.group_label_not_string",
                        found = type_name(other)
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
                Diagnostic::new(t!("rubric.fact_name_unusable", name = name))
                    .at(source, key.span())
                    .with_help(t!("rubric.fact_name_unusable_help")),
            );
            continue;
        }
        if prefix.is_empty() && RESERVED_FACT_ROOTS.contains(&name) {
            diags.push(
                Diagnostic::new(t!("rubric.fact_name_reserved", name = name))
                    .at(source, key.span()),
            );
            continue;
        }
        let DeValue::Table(inner) = value.get_ref() else {
            diags.push(
                Diagnostic::new(t!(
                    "rubric.fact_not_a_table",
                    path = path,
                    found = type_name(value.get_ref())
                ))
                .at(source, value.span()),
            );
            continue;
        };
        let sub = Table::new(
            source,
            inner,
            value.span(),
            t!("rubric.fact_named", path = path),
        );
        if inner.contains_key("type") {
            if let Some(decl) = read_fact(sub, path, diags) {
                facts.push(decl);
            }
        } else {
            read_fact_group(&sub, &path, facts, groups, diags);
        }
    }
}

pub(super) fn read_fact(
    mut t: Table<'_, '_>,
    path: String,
    diags: &mut Diagnostics,
) -> Option<FactDecl> {
    let source = t.source;
    let ty = t.string("type", Some(&t!("rubric.need_fact_type")), diags);
    let label = t.string("label", Some(&t!("rubric.need_fact_label")), diags);
    let meaning = t.string("meaning", Some(&t!("rubric.need_fact_meaning")), diags);
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
                    Diagnostic::new(t!("rubric.choices_missing", path = path))
                        .at(source, span)
                        .with_help(t!("rubric.choices_missing_help")),
                );
                return None;
            };
            let list = string_list(source, c, "`choices`", diags)?;
            if list.is_empty() {
                diags.push(Diagnostic::new(t!("rubric.choices_empty")).at(source, c.span()));
            }
            FactKind::Choice(list)
        }
        other => {
            let mut d =
                Diagnostic::new(t!("rubric.unknown_fact_type", kind = other)).at(source, ty.span());
            d = match suggest(other, FactKind::NAMES) {
                Some(s) => d.with_help(t!("rubric.did_you_mean", name = s)),
                None => d.with_help(t!(
                    "rubric.fact_types",
                    list = FactKind::NAMES.join(&t!("rubric.list_separator"))
                )),
            };
            diags.push(d);
            return None;
        }
    };
    if let (Some(c), false) = (choices, matches!(kind, FactKind::Choice(_))) {
        diags.push(Diagnostic::new(t!("rubric.choices_only_for_choice")).at(source, c.span()));
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
                    Diagnostic::new(t!("rubric.default_not_allowed", kind = kind.name()))
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
            diags.push(Diagnostic::new(t!("rubric.unbounded_only_for_rate")).at(source, at));
            false
        }
        Some((other, at)) => {
            diags.push(
                Diagnostic::new(t!("rubric.unbounded_not_bool", found = type_name(other)))
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
