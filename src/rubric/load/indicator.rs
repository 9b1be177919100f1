//! `[[indicator]]`: one indicator, its texts and rule, and a listed indicator's spec.

use super::*;

pub(super) fn read_indicator(
    mut t: Table<'_, '_>,
    facts: &[FactDecl],
    tier_users: &mut TierUsers,
    diags: &mut Diagnostics,
) -> Option<RawIndicator> {
    let source = t.source;
    let id = t.string("id", Some(&t!("rubric.need_ascii_id")), diags);
    if let Some(id) = &id {
        t.context = t!("rubric.indicator_named", id = id.get_ref()).into_owned();
        if !is_identifier(id.get_ref(), true) {
            diags.push(
                Diagnostic::new(t!("rubric.indicator_id_not_ascii", id = id.get_ref()))
                    .at(source, id.span()),
            );
        }
    } else {
        t.context = t!("rubric.indicator_context", n = ordinal(&t.context)).into_owned();
    }
    let parent = t.string("parent", None, diags);
    let name = t.string("name", Some(&t!("rubric.need_indicator_name")), diags);
    let points = t.decimal("points", Some(&t!("rubric.need_indicator_points")), diags);
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
            Diagnostic::new(t!("rubric.listed_has_parts", context = context))
                .at(source, at.clone()),
        );
    }

    let rule = if parts.is_empty() {
        for extra in lets.iter().chain(&vetoes).chain(&exemptions) {
            diags.push(
                Diagnostic::new(t!("rubric.settings_without_part", context = context))
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
            l.context = t!("rubric.let_of", context = context).into_owned();
            let let_name = l.string("name", Some(&t!("rubric.need_let_name")), diags);
            let label = l.string("label", None, diags);
            let expr = l.string("expr", Some(&t!("rubric.need_let_expr")), diags);
            let show = l.string("show", None, diags);
            l.finish(diags);
            let display = match show.as_ref().map(|s| s.get_ref().as_str()) {
                None | Some("number") => crate::number::Display::Number,
                Some("percent") => crate::number::Display::Percent,
                Some(other) => {
                    if let Some(s) = &show {
                        diags.push(
                            Diagnostic::new(t!("rubric.unknown_show", value = other))
                                .at(source, s.span())
                                .with_help(t!("rubric.unknown_show_help")),
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
                    Diagnostic::new(t!("rubric.bad_value_name", name = let_name.get_ref()))
                        .at(source, let_name.span())
                        .with_help(t!("rubric.bad_value_name_help")),
                );
                continue;
            }
            if names.lookup(let_name.get_ref()).is_some()
                || facts.iter().any(|f| &f.path == let_name.get_ref())
            {
                diags.push(
                    Diagnostic::new(t!("rubric.value_name_taken", name = let_name.get_ref()))
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
                    Diagnostic::new(t!(
                        "rubric.value_too_deep",
                        name = let_name.get_ref(),
                        depth = depth,
                        max = MAX_VALUE_DEPTH
                    ))
                    .at(source, let_name.span())
                    .with_help(t!("rubric.value_too_deep_help")),
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
                c.context = t!("rubric.condition_of", what = what, context = context).into_owned();
                let when = c.string("when", Some(&t!("rubric.need_when")), diags);
                let reason = c.string("reason", Some(&t!("rubric.need_reason")), diags);
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
                Diagnostic::new(t!(
                    "rubric.parts_do_not_add_up",
                    context = context,
                    sum = sum.normalize(),
                    points = points.get_ref().normalize()
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

/// The `[indicator.list]` table: how the indicators a facts file lists are scored.
pub(super) fn read_list(
    mut t: Table<'_, '_>,
    context: &str,
    facts: &[FactDecl],
    diags: &mut Diagnostics,
) -> Option<ListSpec> {
    let source = t.source;
    t.context = t!("rubric.list_of", context = context).into_owned();
    let key = t.string("key", Some(&t!("rubric.need_list_key")), diags);
    let grouped = match t.get("grouped") {
        Some(v) => match v.get_ref() {
            DeValue::Boolean(b) => *b,
            other => {
                diags.push(
                    Diagnostic::new(t!("rubric.grouped_not_bool", found = type_name(other)))
                        .at(source, v.span()),
                );
                false
            }
        },
        None => false,
    };
    let higher = t.string("higher", Some(&t!("rubric.need_higher")), diags);
    let lower = t.string("lower", Some(&t!("rubric.need_lower")), diags);
    let equal = t.string("equal", Some(&t!("rubric.need_equal")), diags);
    let not_applicable = t.string(
        "not_applicable",
        Some(&t!("rubric.need_not_applicable")),
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
        context: t!("rubric.list_of", context = context).into_owned(),
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
            let mut d = Diagnostic::new(t!("rubric.unknown_not_applicable", name = n.get_ref()))
                .at(source, n.span());
            d = match suggest(n.get_ref(), NotApplicable::NAMES) {
                Some(s) => d.with_help(t!("rubric.did_you_mean", name = s)),
                None => d.with_help(t!(
                    "rubric.not_applicable_rules",
                    list = NotApplicable::NAMES.join(&t!("rubric.list_separator"))
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
                _ => diags.push(Diagnostic::new(t!("rubric.band_needs_bounds")).at(source, span)),
            }
        }
    }
    if let Some(k) = &key
        && (!is_identifier(k.get_ref(), false)
            || RESERVED_FACT_ROOTS.contains(&k.get_ref().as_str()))
    {
        diags.push(
            Diagnostic::new(t!("rubric.bad_list_key", key = k.get_ref()))
                .at(source, k.span())
                .with_help(t!("rubric.bad_list_key_help")),
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
