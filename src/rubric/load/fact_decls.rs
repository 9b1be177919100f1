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

pub(super) fn read_fact(
    mut t: Table<'_, '_>,
    path: String,
    diags: &mut Diagnostics,
) -> Option<FactDecl> {
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
