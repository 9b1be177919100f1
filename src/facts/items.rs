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
            Diagnostic::new(format!(
                "`{}` lists the indicators of `{}` and must be an array of tables (`[[{}]]`), found {}",
                spec.key,
                indicator.name,
                spec.key,
                type_name(value.get_ref())
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
                Diagnostic::new(format!("each `{}` must be a table", spec.key))
                    .at(source, entry.span()),
            );
            all_read = false;
            continue;
        };
        let t = Table::new(
            source,
            t,
            entry.span(),
            format!("`{}` #{}", spec.key, k + 1),
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
            Diagnostic::new(format!(
                "`{}` lists no indicators for `{}`",
                spec.key, indicator.name
            ))
            .at(source, value.span()),
        );
    } else if all_read && sum != indicator.points {
        diags.push(
            Diagnostic::new(format!(
                "the weights of the `{}` indicators add up to {}, but `{}` has {} points",
                spec.key,
                sum.normalize(),
                indicator.name,
                indicator.points.normalize()
            ))
            .at(source, value.span())
            .with_help("the weights of a group's indicators must fill the group"),
        );
    } else if all_read
        && spec.not_applicable == crate::rubric::NotApplicable::Rescale
        && mine
            .iter()
            .all(|i| matches!(i.value, ItemValue::NotApplicable { .. }))
    {
        diags.push(
            Diagnostic::new(format!(
                "every `{}` indicator is written \"/\": `{}` has no indicator left to share its {} points",
                spec.key,
                indicator.name,
                indicator.points.normalize()
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
                Diagnostic::new(format!(
                    "the facts file lists no `[[{}]]` indicators for `{}` ({} points)",
                    l.key,
                    ind.name,
                    ind.points.normalize()
                ))
                .at(source, 0..0)
                .with_help(format!(
                    "add the project's own {} as [[{}]] tables",
                    ind.name, l.key
                )),
            );
        }
    }
    let mut seen: Vec<(&str, &Range<usize>)> = Vec::new();
    let mut level2_of: Vec<(&str, usize, &Range<usize>)> = Vec::new();
    for item in items {
        match seen.iter().find(|(n, _)| *n == item.name) {
            Some((_, first)) => diags.push(
                Diagnostic::new(format!(
                    "two listed indicators are named `{}` (the first on {})",
                    item.name,
                    source.spot(first.start)
                ))
                .at(source, item.span.clone()),
            ),
            None => seen.push((&item.name, &item.span)),
        }
        if let Some(l2) = &item.level2 {
            if let Some((_, group, first)) = level2_of
                .iter()
                .find(|(n, g, _)| *n == l2.as_str() && *g != item.group)
            {
                diags.push(
                    Diagnostic::new(format!(
                        "`level2 = \"{l2}\"` is used under both `{}` and `{}` (first on {})",
                        rubric.indicators[*group].name,
                        rubric.indicators[item.group].name,
                        source.spot(first.start)
                    ))
                    .at(source, item.span.clone()),
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
    let level2 = t.string(
        "level2",
        spec.grouped.then_some("the 二级指标 it belongs to"),
        diags,
    );
    let name = t.string("name", Some("the indicator's name"), diags);
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
            diags.push(at(Diagnostic::new(format!(
                "`{name}` is missing `weight` (its 分值)"
            ))));
            None
        }
        Some(v) => match decimal_of(source, v, || format!("the weight of `{name}`")) {
            Ok(w) if w <= Decimal::ZERO => {
                diags.push(
                    Diagnostic::new(format!("the weight of `{name}` must be more than 0"))
                        .at(source, v.span()),
                );
                None
            }
            // Scores are rounded to the scale: a finer weight could not be met exactly.
            Ok(w) if w.normalize().scale() > scale => {
                diags.push(
                    Diagnostic::new(format!(
                        "the weight {} of `{name}` has more decimal places than the rubric's {scale}",
                        w.normalize()
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
                  what: &str,
                  diags: &mut Diagnostics|
     -> Option<(Decimal, bool)> {
        match v.get_ref() {
            DeValue::String(s) => match parse_percent(s) {
                Some(Ok(d)) => Some((d, true)),
                _ => {
                    diags.push(
                        Diagnostic::new(format!(
                            "the {what} of `{name}` must be a number or a percentage such as \"95%\", found `\"{s}\"`"
                        ))
                        .at(source, v.span()),
                    );
                    None
                }
            },
            _ => match decimal_of(source, v, || format!("the {what} of `{name}`")) {
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
            let mut d = Diagnostic::new(format!(
                "`{}` is not an outcome of this list",
                outcome.get_ref()
            ))
            .at(source, outcome.span());
            d = match suggest(outcome.get_ref(), outcomes.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("the outcomes are: {}", outcomes.join(", "))),
            };
            diags.push(d);
            return None;
        };
        let (Some(score), Some(reason)) = (score, reason) else {
            diags.push(at(Diagnostic::new(format!(
                "the qualitative indicator `{name}` needs the evaluator's `score` and a `reason`"
            ))));
            return None;
        };
        let w = weight?;
        let b = &spec.bands[band];
        let s = *score.get_ref();
        if s.normalize().scale() > scale {
            diags.push(
                Diagnostic::new(format!(
                    "the score {} of `{name}` has more decimal places than the rubric's {scale}",
                    s.normalize()
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
                Diagnostic::new(format!(
                    "the score {} of `{name}` lies outside the band of `{}`: {} and {} (of weight {})",
                    s.normalize(),
                    b.outcome,
                    bound(lo, b.lower, true),
                    bound(hi, b.upper, false),
                    w.normalize()
                ))
                .at(source, score.span())
                .with_help("give a score inside the band, or the outcome the score belongs to"),
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
            diags.push(at(Diagnostic::new(format!(
                "`{name}` is written \"/\" (not applicable) and needs a `reason`"
            ))));
            return None;
        };
        ItemValue::NotApplicable {
            reason: reason.into_inner(),
        }
    } else {
        let (Some(direction), Some(target), Some(actual)) = (direction, target, actual) else {
            diags.push(at(Diagnostic::new(format!(
                "`{name}` needs `direction`, `target` and `actual` (or `outcome`, `score` and `reason` for a qualitative indicator, or `actual = \"/\"` with a `reason` when it does not apply)"
            ))));
            return None;
        };
        let dir = match direction.get_ref().trim() {
            ">=" | "≥" => Some(Direction::AtLeast),
            "<=" | "≤" => Some(Direction::AtMost),
            "=" | "==" => Some(Direction::Exactly),
            other => {
                diags.push(
                    Diagnostic::new(format!("unknown direction `{other}` for `{name}`"))
                        .at(source, direction.span())
                        .with_help(
                            "write \">=\" (more is better), \"<=\" (less is better) or \"=\"",
                        ),
                );
                None
            }
        };
        let target = figure(target, "target", diags);
        let actual_value = figure(actual, "actual value", diags);
        let (Some(dir), Some((target, tp)), Some((actual_value, ap))) = (dir, target, actual_value)
        else {
            return None;
        };
        // 95% against 90 would compare 0.95 with 90: both or neither must be percentages.
        if tp != ap {
            diags.push(
                Diagnostic::new(format!(
                    "the target and the actual value of `{name}` must both be percentages (\"95%\") or both plain numbers"
                ))
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
        diags.push(at(Diagnostic::new(format!(
            "`{name}` misses its target and needs `deviation` (偏差原因分析及改进措施)"
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
