//! One part of a rule: a formula, tiers, a deduction, a check, a judgment.

use super::*;
use rust_i18n::t;

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
                        return Err(t!(
                            "score.figure_and_tier_given",
                            fact = scope.rubric.facts[j].path
                        )
                        .into_owned());
                    }
                    let k = tiers
                        .iter()
                        .position(|t| t.label == label)
                        .ok_or_else(|| t!("score.not_a_tier", label = label).into_owned())?;
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
                    scope.missing_fact = None;
                    let x = eval_number(value, scope).map_err(|e| match judged_by {
                        Some(j) if scope.missing_fact.is_some() => t!(
                            "score.missing_or_tier",
                            message = e,
                            fact = scope.rubric.facts[*j].path
                        )
                        .into_owned(),
                        _ => e,
                    })?;
                    let k = find_tier(tiers, &x).ok_or_else(|| {
                        let shown = if tiers.iter().any(|t| t.percent) {
                            x.show_percent()
                        } else {
                            x.show()
                        };
                        t!("score.in_no_tier", formula = value.text, value = shown).into_owned()
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
                Some(_) => return Err(t!("score.internal_wrong_type", what = "check").into_owned()),
                None => return Err(scope.missing(*fact)),
            };
            let raw = match v {
                CheckValue::Met => points,
                CheckValue::NotMet => Decimal::ZERO,
                CheckValue::Partial(p) if p <= points => p,
                CheckValue::Partial(p) => {
                    return Err(t!(
                        "score.partial_above_points",
                        fact = scope.rubric.facts[*fact].path,
                        awarded = p.normalize(),
                        points = points.normalize()
                    )
                    .into_owned());
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
                Some(_) => {
                    return Err(t!("score.internal_wrong_type", what = "judgment").into_owned());
                }
                None => return Err(scope.missing(*fact)),
            };
            if v > points {
                return Err(t!(
                    "score.judgment_above_points",
                    score = v.normalize(),
                    fact = scope.rubric.facts[*fact].path,
                    points = points.normalize()
                )
                .into_owned());
            }
            (Exact::from(v), PartDetail::Judgment { fact: *fact })
        }
        PartKind::Deduction { count, per, floor } => {
            let n = eval_number(count, scope)?;
            let overflow = || t!("score.deduction_overflows").into_owned();
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
                return Err(t!("score.internal_item_without_list").into_owned());
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
                    let raw = match formula.eval(&mut item_scope).map_err(|e| {
                        t!("score.item_formula_failed", item = it.name, message = e).into_owned()
                    })? {
                        Value::Number(n) => n,
                        Value::Bool(_) => {
                            return Err(
                                t!("score.item_formula_bool", formula = formula.text).into_owned()
                            );
                        }
                    };
                    // Whatever a rubric's formula says, a missed target is not full marks.
                    if !it.value.met() && raw >= Exact::from(points) {
                        return Err(t!(
                            "score.missed_target_full_points",
                            item = it.name,
                            direction = direction.symbol(),
                            target = target.normalize(),
                            actual = actual.normalize(),
                            formula = formula.text,
                            points = points.normalize()
                        )
                        .into_owned());
                    }
                    raw
                }
                // The evaluator scored against the item's own weight; a rescaled weight
                // scales the score with it.
                ItemValue::Qualitative { score, .. } => Exact::from(*score)
                    .checked_mul(&Exact::from(points))
                    .and_then(|x| x.checked_div(&Exact::from(it.weight)))
                    .ok_or_else(|| t!("score.item_score_overflows", item = it.name).into_owned())?,
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
                Some(_) => {
                    return Err(t!("score.internal_wrong_type", what = "choice").into_owned());
                }
                None => return Err(scope.missing(*fact)),
            };
            let p = by_choice
                .iter()
                .find(|(c, _)| *c == answer)
                .map(|(_, p)| *p)
                .ok_or_else(|| t!("score.answer_without_points", answer = answer).into_owned())?;
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
