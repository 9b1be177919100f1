//! One part of a rule: a formula, tiers, a deduction, a check, a judgment.

use super::*;

pub(super) fn score_part(
    kind: &PartKind,
    points: Decimal,
    scope: &mut LeafScope<'_>,
) -> Result<(Exact, PartDetail), String> {
    Ok(match kind {
        PartKind::Formula { score } => (eval_number(score, scope)?, PartDetail::Formula),
        PartKind::Tiers {
            value,
            tiers,
            judged_by,
        } => {
            // An evaluator's tier stands in for the figure only when the figure is absent.
            let judged = match judged_by {
                Some(j) => match scope.fact(*j)? {
                    Some(FactValue::Text(label)) => Some((*j, label.clone())),
                    _ => None,
                },
                None => None,
            };
            match judged {
                Some((j, label)) => {
                    let figure_given = value
                        .targets()
                        .iter()
                        .any(|t| matches!(t, Target::Fact(f) if scope.facts.values[*f].is_some()));
                    if figure_given {
                        return Err(format!(
                            "both the figure and the evaluator's tier `{}` are given; give one",
                            scope.rubric.facts[j].path
                        ));
                    }
                    let k = tiers
                        .iter()
                        .position(|t| t.label == label)
                        .ok_or_else(|| format!("`{label}` is not a tier"))?;
                    (
                        Exact::from(tiers[k].points),
                        PartDetail::Tier {
                            tier: k,
                            value: None,
                            judged_by: Some(j),
                        },
                    )
                }
                None => {
                    let x = eval_number(value, scope).map_err(|e| match judged_by {
                        Some(j) if e.starts_with("missing fact") => format!(
                            "{e}; or give the evaluator's tier in `{}` with a reason",
                            scope.rubric.facts[*j].path
                        ),
                        _ => e,
                    })?;
                    let k = find_tier(tiers, &x).ok_or_else(|| {
                        let shown = if tiers.iter().any(|t| t.percent) {
                            x.show_percent()
                        } else {
                            x.show()
                        };
                        format!(
                            "`{}` = {shown} falls in none of the rubric's tiers (a gap in the rubric: `perfeval rubric check` lists its gaps)",
                            value.text
                        )
                    })?;
                    (
                        Exact::from(tiers[k].points),
                        PartDetail::Tier {
                            tier: k,
                            value: Some(x),
                            judged_by: None,
                        },
                    )
                }
            }
        }
        PartKind::Check { fact } => {
            let v = match scope.fact(*fact)? {
                Some(FactValue::Check(c)) => *c,
                Some(_) => return Err("internal error: check fact of the wrong type".into()),
                None => return Err(scope.missing(*fact)),
            };
            let raw = match v {
                CheckValue::Met => points,
                CheckValue::NotMet => Decimal::ZERO,
                CheckValue::Partial(p) if p <= points => p,
                CheckValue::Partial(p) => {
                    return Err(format!(
                        "`{}` awards {} points, more than the item's {}",
                        scope.rubric.facts[*fact].path,
                        p.normalize(),
                        points.normalize()
                    ));
                }
            };
            (
                Exact::from(raw),
                PartDetail::Check {
                    fact: *fact,
                    value: v,
                },
            )
        }
        PartKind::Judgment { fact } => {
            let v = match scope.fact(*fact)? {
                Some(FactValue::Judgment(d)) => *d,
                Some(_) => return Err("internal error: judgment fact of the wrong type".into()),
                None => return Err(scope.missing(*fact)),
            };
            if v > points {
                return Err(format!(
                    "the evaluator's score {} in `{}` exceeds the part's {} points",
                    v.normalize(),
                    scope.rubric.facts[*fact].path,
                    points.normalize()
                ));
            }
            (Exact::from(v), PartDetail::Judgment { fact: *fact })
        }
        PartKind::Deduction { count, per, floor } => {
            let n = eval_number(count, scope)?;
            let overflow = || "the deduction cannot be held exactly (beyond 128 bits)".to_string();
            let deducted = n.checked_mul(&Exact::from(*per)).ok_or_else(overflow)?;
            let raw = Exact::from(points)
                .checked_sub(&deducted)
                .ok_or_else(overflow)?
                .max(Exact::from(*floor));
            (raw, PartDetail::Deduction { count: n })
        }
        PartKind::Item { item, group } => {
            let it = &scope.facts.items[*item];
            let rubric = scope.rubric;
            let Some(spec) = rubric.indicators[*group].list.as_ref() else {
                return Err("internal error: item without a list".into());
            };
            let raw = match &it.value {
                ItemValue::Quantitative {
                    direction,
                    target,
                    actual,
                    ..
                } => {
                    let formula = match direction {
                        Direction::AtLeast => &spec.higher,
                        Direction::AtMost => &spec.lower,
                        Direction::Exactly => &spec.equal,
                    };
                    let mut item_scope = ItemScope([
                        Exact::from(*target),
                        Exact::from(*actual),
                        Exact::from(points),
                    ]);
                    let raw = match formula
                        .eval(&mut item_scope)
                        .map_err(|e| format!("`{}`: {e}", it.name))?
                    {
                        Value::Number(n) => n,
                        Value::Bool(_) => {
                            return Err(format!("`{}` gave true/false", formula.text));
                        }
                    };
                    // Whatever a rubric's formula says, a missed target is not full marks.
                    if !it.value.met() && raw >= Exact::from(points) {
                        return Err(format!(
                            "`{}` misses its target (target {} {}, actual {}), but the rubric's formula `{}` gives it the full {} points; the rubric must score a missed target below its weight",
                            it.name,
                            direction.symbol(),
                            target.normalize(),
                            actual.normalize(),
                            formula.text,
                            points.normalize()
                        ));
                    }
                    raw
                }
                // The evaluator scored against the item's own weight; a rescaled weight
                // scales the score with it.
                ItemValue::Qualitative { score, .. } => Exact::from(*score)
                    .checked_mul(&Exact::from(points))
                    .and_then(|x| x.checked_div(&Exact::from(it.weight)))
                    .ok_or_else(|| format!("the score of `{}` cannot be held exactly", it.name))?,
                ItemValue::NotApplicable { .. } => match spec.not_applicable {
                    NotApplicable::Full => Exact::from(points),
                    NotApplicable::Zero | NotApplicable::Rescale => Exact::ZERO,
                },
            };
            (
                raw,
                PartDetail::Item {
                    item: *item,
                    weight: points,
                },
            )
        }
        PartKind::Category {
            fact,
            points: by_choice,
        } => {
            let answer = match scope.fact(*fact)? {
                Some(FactValue::Text(t)) => t.clone(),
                Some(_) => return Err("internal error: choice fact of the wrong type".into()),
                None => return Err(scope.missing(*fact)),
            };
            let p = by_choice
                .iter()
                .find(|(c, _)| *c == answer)
                .map(|(_, p)| *p)
                .ok_or_else(|| format!("`{answer}` has no points"))?;
            (
                Exact::from(p),
                PartDetail::Category {
                    fact: *fact,
                    answer,
                },
            )
        }
    })
}

/// The first tier containing `x`.
pub(super) fn find_tier(tiers: &[Tier], x: &Exact) -> Option<usize> {
    tiers.iter().position(|t| t.contains(x))
}
