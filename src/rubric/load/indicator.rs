//! `[[indicator]]`: one indicator, its texts and rule, and a listed indicator's spec.

use super::*;

pub(super) fn read_indicator(
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

/// The `[indicator.list]` table: how the indicators a facts file lists are scored.
pub(super) fn read_list(
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
