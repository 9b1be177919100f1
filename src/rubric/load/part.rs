//! A rule's parts: formula, tiers, deductions, checks, judgments, categories.

use super::*;

/// The names a list's formulas use, in the order of `Target::Local` indices.
pub const ITEM_NAMES: [&str; 3] = ["target", "actual", "weight"];

pub(super) const PART_KINDS: [&str; 6] = [
    "formula",
    "tiers",
    "check",
    "deduction",
    "category",
    "judgment",
];

pub(super) fn read_part(
    mut p: Table<'_, '_>,
    indicator_name: &str,
    names: &Names<'_>,
    facts: &[FactDecl],
    tier_users: &mut TierUsers,
    diags: &mut Diagnostics,
) -> Option<Part> {
    let source = p.source;
    p.context = t!("rubric.part_of", name = indicator_name).into_owned();
    let kind = p.string("kind", Some(&t!("rubric.need_part_kind")), diags);
    let points = p.decimal("points", Some(&t!("rubric.need_part_points")), diags);
    let name = p.string("name", None, diags);
    let span = p.span.clone();
    let kind = kind?;
    if let Some(pts) = &points
        && *pts.get_ref() <= Decimal::ZERO
    {
        diags.push(
            Diagnostic::new(t!("rubric.part_points_not_positive", context = p.context))
                .at(source, pts.span()),
        );
    }
    let part_points = points.as_ref().map(|p| *p.get_ref()).unwrap_or_default();
    let in_range = |value: Decimal, at: Range<usize>, diags: &mut Diagnostics| {
        if value < Decimal::ZERO || value > part_points {
            diags.push(
                Diagnostic::new(t!(
                    "rubric.outside_part_points",
                    value = value.normalize(),
                    points = part_points.normalize()
                ))
                .at(source, at),
            );
        }
    };
    let mut fact_label = None;
    let kind = match kind.get_ref().as_str() {
        "formula" => {
            let score = p.string("score", Some(&t!("rubric.need_score")), diags);
            let (formula, _) = compile(source, &score?, names, Some(Type::Number), diags)?;
            PartKind::Formula { score: formula }
        }
        "tiers" => {
            let value = p.string("value", Some(&t!("rubric.need_tier_value")), diags);
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
                                Diagnostic::new(t!(
                                    "rubric.bare_rate_bound",
                                    value = value.normalize(),
                                    formula = formula.text
                                ))
                                .at(source, span)
                                .with_help(t!(
                                    "rubric.bare_rate_bound_help",
                                    value = value.normalize()
                                )),
                            );
                        }
                    }
                    tiers.push(tier);
                }
            }
            if tiers.is_empty() {
                diags.push(Diagnostic::new(t!("rubric.tiers_empty")).at(source, span.clone()));
            }
            let mut labels = HashSet::new();
            for t in &tiers {
                if !labels.insert(t.label.clone()) {
                    diags.push(
                        Diagnostic::new(t!("rubric.tier_label_twice", label = t.label))
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
            let fact = p.string("fact", Some(&t!("rubric.need_check_fact")), diags);
            let i = fact_of_kind(source, facts, &fact?, "check", diags)?;
            fact_label = Some(facts[i].label.clone());
            PartKind::Check { fact: i }
        }
        "judgment" => {
            let fact = p.string("fact", Some(&t!("rubric.need_judgment_fact")), diags);
            let i = fact_of_kind(source, facts, &fact?, "judgment", diags)?;
            fact_label = Some(facts[i].label.clone());
            PartKind::Judgment { fact: i }
        }
        "deduction" => {
            let count = p.string("count", Some(&t!("rubric.need_count")), diags);
            let per = p.decimal("per", Some(&t!("rubric.need_per")), diags);
            let floor = p.decimal("floor", None, diags);
            let (formula, _) = compile(source, &count?, names, Some(Type::Number), diags)?;
            let per = per?;
            if *per.get_ref() <= Decimal::ZERO {
                diags.push(
                    Diagnostic::new(t!("rubric.per_not_positive", context = p.context))
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
            let fact = p.string("fact", Some(&t!("rubric.need_choice_fact")), diags);
            let map = p.table(
                "points_by_choice",
                Some(&t!("rubric.need_points_by_choice")),
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
                    Some(v) => {
                        match decimal(source, v, &t!("rubric.points_for_choice", choice = choice)) {
                            Ok(d) => {
                                in_range(d, v.span(), diags);
                                points_by.push((choice.clone(), d));
                            }
                            Err(e) => diags.push(e),
                        }
                    }
                    None => diags.push(
                        Diagnostic::new(t!("rubric.choice_without_points", choice = choice))
                            .at(source, map.span.clone()),
                    ),
                }
            }
            for (key, _) in map.table.iter() {
                let k: &str = key.get_ref();
                if !choices.iter().any(|c| c == k) {
                    let mut d =
                        Diagnostic::new(t!("rubric.not_a_choice", key = k)).at(source, key.span());
                    if let Some(s) = suggest(k, choices.iter().map(String::as_str)) {
                        d = d.with_help(t!("rubric.did_you_mean", name = s));
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
            let mut d = Diagnostic::new(t!("rubric.unknown_part_kind", kind = other))
                .at(source, kind.span());
            d = match suggest(other, PART_KINDS) {
                Some(s) => d.with_help(t!("rubric.did_you_mean", name = s)),
                None => d.with_help(t!(
                    "rubric.part_kinds",
                    list = PART_KINDS.join(&t!("rubric.list_separator"))
                )),
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
pub(super) type BareBound = (Decimal, Range<usize>);

/// A tier, and the bounds written as plain numbers (not percentages) with their spans.
pub(super) fn read_tier(
    t: Table<'_, '_>,
    diags: &mut Diagnostics,
) -> Option<(Tier, Vec<BareBound>)> {
    read_tier_bounds(t, "label", diags)
}

/// A tier's bounds and label (under `label_key`); `points` is read only for tiers, and
/// is 0 for a qualitative band, whose label is its outcome.
pub(super) fn read_tier_bounds(
    mut t: Table<'_, '_>,
    label_key: &'static str,
    diags: &mut Diagnostics,
) -> Option<(Tier, Vec<BareBound>)> {
    let source = t.source;
    let is_tier = label_key == "label";
    t.context = if is_tier {
        t!("rubric.tier_context", n = ordinal(&t.context)).into_owned()
    } else {
        t!("rubric.band_context", n = ordinal(&t.context)).into_owned()
    };
    let points = if is_tier {
        t.decimal("points", Some(&t!("rubric.need_tier_points")), diags)
    } else {
        Some(Spanned::new(0..0, Decimal::ZERO))
    };
    let label = t.string(
        label_key,
        (!is_tier)
            .then(|| t!("rubric.need_band_outcome"))
            .as_deref(),
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
        diags.push(Diagnostic::new(t!("rubric.tier_two_lower_bounds")).at(source, s.clone()));
    }
    if let (Some(_), Some((_, _, s))) = (&at_most, &below) {
        diags.push(Diagnostic::new(t!("rubric.tier_two_upper_bounds")).at(source, s.clone()));
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
            Diagnostic::new(t!("rubric.tier_admits_nothing", context = context))
                .at(source, span.clone()),
        );
    }
    let auto_label = match (&lower, &upper) {
        // i18n-exempt: a tier label, data read back from facts files in any language
        (Some((_, l)), Some((_, u))) => format!("{l} 且 {u}"),
        (Some((_, l)), None) => l.clone(),
        (None, Some((_, u))) => u.clone(),
        // i18n-exempt: a tier label, data read back from facts files in any language
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
