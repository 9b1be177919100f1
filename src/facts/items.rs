//! Listed indicators (`[[output]]`): a project's own rows, read and checked together.

use super::*;

/// Reads the `[[KEY]]` items of the list indicator `group`, checking each and that their
/// weights fill the indicator's points.
pub(super) fn read_items(
    source: &SourceFile,
    rubric: &Rubric,
    group: usize,
    value: &Spanned<DeValue<'_>>,
    items: &mut Vec<ListItem>,
    diags: &mut Diagnostics,
) {
    let indicator = &rubric.indicators[group];
    let Some(spec) = &indicator.list else { return };
    let DeValue::Array(array) = value.get_ref() else {
        diags.push(
            Diagnostic::new(t!(
                "facts.list_must_be_array",
                key = spec.key,
                name = indicator.name,
                found = type_name(value.get_ref())
            ))
            .at(source, value.span()),
        );
        return;
    };
    let first = items.len();
    let mut sum = Decimal::ZERO;
    let mut all_read = true;
    for (k, entry) in array.iter().enumerate() {
        let DeValue::Table(t) = entry.get_ref() else {
            diags.push(
                Diagnostic::new(t!("facts.list_item_must_be_table", key = spec.key))
                    .at(source, entry.span()),
            );
            all_read = false;
            continue;
        };
        let t = Table::new(
            source,
            t,
            entry.span(),
            t!("toml.array_item", key = spec.key, n = k + 1),
        );
        match read_item(t, rubric, group, diags) {
            Some(item) => {
                sum = sum.checked_add(item.weight).unwrap_or(Decimal::MAX);
                items.push(item);
            }
            None => all_read = false,
        }
    }
    let mine = &items[first..];
    if array.is_empty() {
        diags.push(
            Diagnostic::new(t!(
                "facts.list_empty",
                key = spec.key,
                name = indicator.name
            ))
            .at(source, value.span()),
        );
    } else if all_read && sum != indicator.points {
        diags.push(
            Diagnostic::new(t!(
                "facts.list_weights_sum",
                key = spec.key,
                sum = sum.normalize(),
                name = indicator.name,
                points = indicator.points.normalize()
            ))
            .at(source, value.span())
            .with_help(t!("facts.list_weights_sum_help")),
        );
    } else if all_read
        && spec.not_applicable == crate::rubric::NotApplicable::Rescale
        && mine
            .iter()
            .all(|i| matches!(i.value, ItemValue::NotApplicable { .. }))
    {
        diags.push(
            Diagnostic::new(t!(
                "facts.list_all_not_applicable",
                key = spec.key,
                name = indicator.name,
                points = indicator.points.normalize()
            ))
            .at(source, value.span()),
        );
    }
}

/// Checks over all listed items: every list present, and names that identify one
/// indicator each (claims and `explain` find indicators by name).
pub(super) fn check_items(
    source: &SourceFile,
    rubric: &Rubric,
    doc: &DeTable<'_>,
    items: &[ListItem],
    diags: &mut Diagnostics,
) {
    for ind in &rubric.indicators {
        if let Some(l) = &ind.list
            && !doc.contains_key(l.key.as_str())
        {
            diags.push(
                Diagnostic::new(t!(
                    "facts.list_missing",
                    key = l.key,
                    name = ind.name,
                    points = ind.points.normalize()
                ))
                .at(source, 0..0)
                .with_help(t!(
                    "facts.list_missing_help",
                    name = ind.name,
                    key = l.key
                )),
            );
        }
    }
    let mut seen: Vec<(&str, &Range<usize>)> = Vec::new();
    let mut level2_of: Vec<(&str, usize, &Range<usize>)> = Vec::new();
    for item in items {
        match seen.iter().find(|(n, _)| *n == item.name) {
            Some((_, first)) => diags.push(
                Diagnostic::new(t!("facts.list_name_twice", name = item.name))
                    .at(source, item.span.clone())
                    .also_at(source, (*first).clone(), t!("facts.first_one_here")),
            ),
            None => seen.push((&item.name, &item.span)),
        }
        if let Some(l2) = &item.level2 {
            if let Some((_, group, first)) = level2_of
                .iter()
                .find(|(n, g, _)| *n == l2.as_str() && *g != item.group)
            {
                diags.push(
                    Diagnostic::new(t!(
                        "facts.level2_twice",
                        level2 = l2,
                        first = rubric.indicators[*group].name,
                        second = rubric.indicators[item.group].name
                    ))
                    .at(source, item.span.clone())
                    .also_at(
                        source,
                        (*first).clone(),
                        t!("facts.first_used_here"),
                    ),
                );
            } else {
                level2_of.push((l2, item.group, &item.span));
            }
        }
    }
}

pub(super) fn read_item(
    mut t: Table<'_, '_>,
    rubric: &Rubric,
    group: usize,
    diags: &mut Diagnostics,
) -> Option<ListItem> {
    let source = t.source;
    let spec = rubric.indicators[group].list.as_ref()?;
    let span = t.span.clone();
    let at = |d: Diagnostic| d.at(source, span.clone());
    let what_level2 = t!("facts.what_level2");
    let level2 = t.string("level2", spec.grouped.then_some(&what_level2), diags);
    let name = t.string("name", Some(&t!("facts.what_item_name")), diags);
    let weight_value = t.get("weight");
    let unit = t.string("unit", None, diags);
    let direction = t.string("direction", None, diags);
    let target = t.get("target");
    let actual = t.get("actual");
    let outcome = t.string("outcome", None, diags);
    let score = t.decimal("score", None, diags);
    let reason = t.string("reason", None, diags);
    let deviation = t.string("deviation", None, diags);
    t.finish(diags);
    // Every problem of the item is reported before giving up on it.
    let mut ok = true;
    for (value, what) in [
        (&level2, "`level2`"),
        (&name, "`name`"),
        (&reason, "`reason`"),
        (&deviation, "`deviation`"),
    ] {
        if let Some(d) = value.as_ref().and_then(|v| unfilled(source, v, what)) {
            diags.push(d);
            ok = false;
        }
    }
    let name = name?.into_inner();
    let scale = rubric.rounding.scale;
    let slash = |v: Option<&Spanned<DeValue<'_>>>| matches!(v.map(|v| v.get_ref()), Some(DeValue::String(s)) if s.trim() == "/");
    // A row written "/" may carry no weight at all (published tables print its 分值 as
    // "/" too): the other rows of its group then fill the group's points by themselves.
    // A qualitative row may write its target "/" and still be scored by its outcome.
    let not_applicable = (slash(actual) || slash(target)) && outcome.is_none();
    let weight = match weight_value {
        None if not_applicable => Some(Decimal::ZERO),
        Some(v) if not_applicable && slash(Some(v)) => Some(Decimal::ZERO),
        Some(v)
            if not_applicable && decimal_of(source, v, String::new).is_ok_and(|w| w.is_zero()) =>
        {
            Some(Decimal::ZERO)
        }
        None => {
            diags.push(at(Diagnostic::new(t!(
                "facts.item_missing_weight",
                name = name
            ))));
            None
        }
        Some(v) => match decimal_of(source, v, || {
            t!("facts.weight_of", name = name).into_owned()
        }) {
            Ok(w) if w <= Decimal::ZERO => {
                diags.push(
                    Diagnostic::new(t!("facts.weight_not_positive", name = name))
                        .at(source, v.span()),
                );
                None
            }
            // Scores are rounded to the scale: a finer weight could not be met exactly.
            Ok(w) if w.normalize().scale() > scale => {
                diags.push(
                    Diagnostic::new(t!(
                        "facts.weight_too_many_decimals",
                        weight = w.normalize(),
                        name = name,
                        scale = scale
                    ))
                    .at(source, v.span()),
                );
                None
            }
            Ok(w) => Some(w),
            Err(e) => {
                diags.push(e);
                None
            }
        },
    };
    let figure = |v: &Spanned<DeValue<'_>>,
                  target: bool,
                  diags: &mut Diagnostics|
     -> Option<(Decimal, bool)> {
        let what = || {
            if target {
                t!("facts.target_of", name = name).into_owned()
            } else {
                t!("facts.actual_of", name = name).into_owned()
            }
        };
        match v.get_ref() {
            DeValue::String(s) => match parse_percent(s) {
                Some(Ok(d)) => Some((d, true)),
                _ => {
                    diags.push(
                        Diagnostic::new(t!(
                            "facts.figure_must_be_number_or_percent",
                            what = what(),
                            found = s
                        ))
                        .at(source, v.span()),
                    );
                    None
                }
            },
            _ => match decimal_of(source, v, what) {
                Ok(d) => Some((d, false)),
                Err(e) => {
                    diags.push(e);
                    None
                }
            },
        }
    };
    let is_slash = |v: Option<&Spanned<DeValue<'_>>>| matches!(v.map(|v| v.get_ref()), Some(DeValue::String(s)) if s.trim() == "/");
    let value = if let Some(outcome) = outcome {
        let Some(band) = spec
            .bands
            .iter()
            .position(|b| &b.outcome == outcome.get_ref())
        else {
            let outcomes: Vec<&str> = spec.bands.iter().map(|b| b.outcome.as_str()).collect();
            let mut d = Diagnostic::new(t!("facts.unknown_outcome", outcome = outcome.get_ref()))
                .at(source, outcome.span());
            d = match suggest(outcome.get_ref(), outcomes.iter().copied()) {
                Some(s) => d.with_help(t!("toml.did_you_mean", name = s)),
                None => d.with_help(t!(
                    "facts.outcomes_are",
                    outcomes = outcomes.join(t!("toml.list_separator").as_ref())
                )),
            };
            diags.push(d);
            return None;
        };
        let (Some(score), Some(reason)) = (score, reason) else {
            diags.push(at(Diagnostic::new(t!(
                "facts.qualitative_needs_score",
                name = name
            ))));
            return None;
        };
        let w = weight?;
        let b = &spec.bands[band];
        let s = *score.get_ref();
        if s.normalize().scale() > scale {
            diags.push(
                Diagnostic::new(t!(
                    "facts.score_too_many_decimals",
                    score = s.normalize(),
                    name = name,
                    scale = scale
                ))
                .at(source, score.span()),
            );
            return None;
        }
        let share = |x: Decimal| x.checked_mul(w).unwrap_or(Decimal::MAX);
        let (lo, hi) = (share(b.lower.value), share(b.upper.value));
        let inside = (if b.lower.inclusive { s >= lo } else { s > lo })
            && (if b.upper.inclusive { s <= hi } else { s < hi });
        if !inside {
            let bound = |x: Decimal, b: crate::rubric::Bound, lower: bool| {
                format!("{} {}", b.symbol(lower), x.normalize())
            };
            diags.push(
                Diagnostic::new(t!(
                    "facts.score_outside_band",
                    score = s.normalize(),
                    name = name,
                    outcome = b.outcome,
                    lower = bound(lo, b.lower, true),
                    upper = bound(hi, b.upper, false),
                    weight = w.normalize()
                ))
                .at(source, score.span())
                .with_help(t!("facts.score_outside_band_help")),
            );
            return None;
        }
        ItemValue::Qualitative {
            band,
            score: s,
            reason: reason.into_inner(),
        }
    } else if is_slash(actual) || is_slash(target) {
        let Some(reason) = reason else {
            diags.push(at(Diagnostic::new(t!(
                "facts.not_applicable_needs_reason",
                name = name
            ))));
            return None;
        };
        ItemValue::NotApplicable {
            reason: reason.into_inner(),
        }
    } else {
        let (Some(direction), Some(target), Some(actual)) = (direction, target, actual) else {
            diags.push(at(Diagnostic::new(t!(
                "facts.item_needs_figures",
                name = name
            ))));
            return None;
        };
        let dir = match direction.get_ref().trim() {
            ">=" | "≥" => Some(Direction::AtLeast),
            "<=" | "≤" => Some(Direction::AtMost),
            "=" | "==" => Some(Direction::Exactly),
            other => {
                diags.push(
                    Diagnostic::new(t!(
                        "facts.unknown_direction",
                        direction = other,
                        name = name
                    ))
                    .at(source, direction.span())
                    .with_help(t!("facts.unknown_direction_help")),
                );
                None
            }
        };
        let target = figure(target, true, diags);
        let actual_value = figure(actual, false, diags);
        let (Some(dir), Some((target, tp)), Some((actual_value, ap))) = (dir, target, actual_value)
        else {
            return None;
        };
        // 95% against 90 would compare 0.95 with 90: both or neither must be percentages.
        if tp != ap {
            diags.push(
                Diagnostic::new(t!("facts.percent_mismatch", name = name))
                    .at(source, actual.span()),
            );
            return None;
        }
        ItemValue::Quantitative {
            direction: dir,
            target,
            actual: actual_value,
            percent: tp,
        }
    };
    let weight = weight?;
    if !value.met() && deviation.is_none() {
        diags.push(at(Diagnostic::new(t!(
            "facts.needs_deviation",
            name = name
        ))));
        return None;
    }
    if !ok {
        return None;
    }
    Some(ListItem {
        group,
        level2: level2.map(Spanned::into_inner),
        name,
        weight,
        unit: unit.map(Spanned::into_inner).unwrap_or_default(),
        value,
        deviation: deviation.map(Spanned::into_inner),
        span,
    })
}
