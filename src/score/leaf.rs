//! One leaf: vetoes, exemptions, parts, clamping, rounding and the override.

use super::*;
use rust_i18n::t;

pub(super) fn clamp(x: &Exact, hi: Decimal) -> Exact {
    if x.is_negative() {
        Exact::ZERO
    } else if x.cmp_decimal(hi).is_gt() {
        Exact::from(hi)
    } else {
        x.clone()
    }
}

pub(super) fn score_leaf(
    rubric: &Plan<'_>,
    facts: &Facts,
    index: usize,
    options: Options,
) -> Result<LeafTrace, Box<ScoreError>> {
    let ind = &rubric.indicators[index];
    let mut scope = LeafScope {
        rubric,
        facts,
        indicator: index,
        lets: vec![None; ind.rule.as_ref().map_or(0, |r| r.lets.len())],
        facts_used: Vec::new(),
        lets_done: Vec::new(),
        missing_fact: None,
        division_by_zero: false,
        in_progress: Vec::new(),
    };
    let message = match score_rule(&mut scope, options) {
        Ok(trace) => return Ok(trace),
        Err(message) => message,
    };
    // An override answers for a rule that cannot be computed, unless overrides are off.
    if let (Some(o), false) = (facts.override_for(index), options.strict) {
        let mut score = o.score;
        score.rescale(rubric.rounding.scale);
        return Ok(LeafTrace {
            outcome: Outcome::RuleFailed(message),
            parts: Vec::new(),
            raw: Exact::ZERO,
            rule_score: None,
            score,
            override_: Some(o.clone()),
            strict: false,
            facts_used: scope.facts_used,
            lets: Vec::new(),
        });
    }
    let span_of = |f: usize| facts.values[f].as_ref().map(|e| e.span.clone());
    // A listed item's problem is on its own lines of the facts file.
    let item_span = rule_item(rubric, index).map(|k| facts.items[k].span.clone());
    let culprit = if scope.division_by_zero {
        scope.facts_used.iter().rev().copied().find(|&f| {
            matches!(facts.values[f].as_ref().map(|e| &e.value), Some(FactValue::Number(n)) if n.is_zero())
        })
    } else {
        scope.facts_used.last().copied()
    };
    let help = match scope.missing_fact {
        Some(f) => {
            let decl = &rubric.facts[f];
            let (group, key) = decl.path.rsplit_once('.').unwrap_or(("", &decl.path));
            Some(if group.is_empty() {
                t!("score.help_add_fact", key = key, meaning = decl.meaning).into_owned()
            } else {
                t!(
                    "score.help_add_fact_under",
                    key = key,
                    group = group,
                    meaning = decl.meaning
                )
                .into_owned()
            })
        }
        None if !scope.facts_used.is_empty() => Some(
            t!(
                "score.help_facts_read",
                facts = scope
                    .facts_used
                    .iter()
                    .map(|&f| {
                        let decl = &rubric.facts[f];
                        let value = match facts.values[f].as_ref().map(|e| &e.value) {
                            Some(FactValue::Number(n)) => n.to_string(),
                            Some(FactValue::Bool(b)) => b.to_string(),
                            _ => "…".to_string(),
                        };
                        t!(
                            "score.fact_read",
                            path = decl.path,
                            label = decl.label,
                            value = value
                        )
                        .into_owned()
                    })
                    .collect::<Vec<_>>()
                    .join(&t!("score.fact_read_separator"))
            )
            .into_owned(),
        ),
        None => None,
    };
    // A missing fact points at the table it belongs in, when the file has one.
    let span = match scope.missing_fact {
        Some(f) => {
            let path = &rubric.facts[f].path;
            let group = path.rsplit_once('.').map_or("", |(g, _)| g);
            facts
                .groups
                .iter()
                .find(|(g, _)| g == group)
                .map(|(_, span)| span.clone())
        }
        None => item_span.or_else(|| culprit.and_then(span_of)),
    };
    Err(Box::new(ScoreError {
        index: Some(index),
        indicator: ind.name.clone(),
        message,
        at: span.map(|span| (facts.source.clone(), span)),
        help,
    }))
}

pub(super) fn score_rule(scope: &mut LeafScope<'_>, options: Options) -> Result<LeafTrace, String> {
    let (rubric, facts, index) = (scope.rubric, scope.facts, scope.indicator);
    let ind = &rubric.indicators[index];
    let Some(rule) = ind.rule.as_ref() else {
        return Err(t!("score.internal_not_a_leaf").into_owned());
    };
    let mut outcome = Outcome::Scored;
    for (k, veto) in rule.vetoes.iter().enumerate() {
        if eval_bool(&veto.formula, scope)? {
            outcome = Outcome::Vetoed(k);
            break;
        }
    }
    if outcome == Outcome::Scored {
        for (k, exemption) in rule.exemptions.iter().enumerate() {
            if eval_bool(&exemption.formula, scope)? {
                outcome = Outcome::Exempt(k);
                break;
            }
        }
    }
    let mut parts = Vec::new();
    let raw = match outcome {
        Outcome::Vetoed(_) | Outcome::RuleFailed(_) => Exact::ZERO,
        Outcome::Exempt(_) => Exact::from(ind.points),
        Outcome::Scored => {
            let mut total = Exact::ZERO;
            for part in &rule.parts {
                let (raw, detail) = score_part(&part.kind, part.points, scope)?;
                let score = clamp(&raw, part.points);
                total = total
                    .checked_add(&score)
                    .ok_or_else(|| t!("score.parts_sum_overflows").into_owned())?;
                if !options.lean {
                    parts.push(PartTrace { raw, score, detail });
                }
            }
            total
        }
    };
    // Rounding is applied once, to the exact value. It cannot lift a score above points
    // written to the rubric's scale; the second clamp guards points written finer.
    let mut rule_score = clamp(&raw, ind.points)
        .round(rubric.rounding.scale, rubric.rounding.mode)
        .ok_or_else(|| t!("score.cannot_round", value = raw.fraction()).into_owned())?;
    if rule_score > ind.points {
        rule_score = ind.points;
        rule_score.rescale(rubric.rounding.scale);
    }
    let override_ = facts.override_for(index).cloned();
    let score = match (&override_, options.strict) {
        (Some(o), false) => {
            let mut s = o.score;
            s.rescale(rubric.rounding.scale);
            s
        }
        _ => rule_score,
    };
    Ok(LeafTrace {
        outcome,
        parts,
        raw,
        rule_score: Some(rule_score),
        score,
        override_,
        strict: options.strict,
        facts_used: std::mem::take(&mut scope.facts_used),
        lets: if options.lean {
            Vec::new()
        } else {
            scope
                .lets_done
                .iter()
                .filter_map(|&i| scope.lets[i].clone().map(|v| (i, v)))
                .collect()
        },
    })
}
