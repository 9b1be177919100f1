//! Lints: things a rubric that loads can still get wrong. Tiers with gaps, overlaps or
//! tiers that can never be reached; facts declared but read by nothing; leaves without
//! the framework's texts. Each is a warning with the file and line.

use rust_decimal::Decimal;
use rust_i18n::t;

use super::{ConsistencyKind, FactKind, PartKind, Rubric, Tier};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::formula::{Formula, Target};
use crate::number::plain;

/// Every lint of the rubric, in file order.
pub fn lint(rubric: &Rubric) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ind in &rubric.indicators {
        let Some(rule) = &ind.rule else { continue };
        // A facts file's own indicators have no framework text of their own.
        let listed = rule
            .parts
            .iter()
            .all(|p| matches!(p.kind, PartKind::Item { .. }));
        if !listed && (ind.description.trim().is_empty() || ind.criteria.trim().is_empty()) {
            let (id, name) = (&ind.id, &ind.name);
            let message = match (
                ind.description.trim().is_empty(),
                ind.criteria.trim().is_empty(),
            ) {
                (true, true) => t!(
                    "lint.missing_description_and_criteria",
                    id = id,
                    name = name
                ),
                (true, false) => t!("lint.missing_description", id = id, name = name),
                _ => t!("lint.missing_criteria", id = id, name = name),
            };
            out.push(
                Diagnostic::warning(message)
                    .with_code("missing_texts")
                    .at(&ind.origin, ind.span.clone())
                    .with_help(t!("lint.missing_texts_help")),
            );
        }
        for part in &rule.parts {
            if let PartKind::Tiers { tiers, value, .. } = &part.kind {
                // A count takes whole values only: no gap between `≤ 0` and `≥ 1`.
                let whole = matches!(
                    value.targets().as_slice(),
                    [Target::Fact(f)] if rubric.facts[*f].kind == FactKind::Count
                ) && value.as_name().is_some();
                out.extend(tier_lints(&ind.origin, &ind.name, tiers, whole));
            }
        }
    }
    out.extend(unused_facts(rubric));
    out.extend(unbounded_rates(rubric));
    out.sort_by_key(|d| d.location.as_ref().map(|(_, span)| span.start));
    out
}

/// A rate with no plausibility rule over it can be typed as 932% and scored: a rate is
/// expected to be bounded unless the rubric says it may exceed 100%.
fn unbounded_rates(rubric: &Rubric) -> Vec<Diagnostic> {
    let mut bounded = vec![false; rubric.facts.len()];
    for p in &rubric.plausibility {
        if let crate::formula::Typed::Bool(c) = &p.condition.root {
            mark_upper_bounds(c, &mut bounded);
        }
    }
    rubric
        .facts
        .iter()
        .zip(bounded)
        .filter(|(f, b)| f.kind == FactKind::Rate && !f.unbounded && !b)
        .map(|(f, _)| {
            Diagnostic::warning(t!("lint.unbounded_rate", path = f.path, label = f.label))
                .with_code("unbounded_rate")
                .at(&f.origin, f.span.clone())
                .with_help(t!("lint.unbounded_rate_help", path = f.path))
        })
        .collect()
}

/// Marks the facts a condition bounds from above: `x <= …`, `x < …`, `… >= x`, `… > x`,
/// alone or joined by `and`. A mention of any other kind (`x >= 0`) bounds nothing above.
fn mark_upper_bounds(node: &crate::formula::Cond, bounded: &mut [bool]) {
    use crate::formula::{Compare, CondKind, Logic, Name, Num, NumKind};
    let fact = |n: &Num| match n.kind {
        NumKind::Name(Name {
            target: Target::Fact(i),
            ..
        }) => Some(i),
        _ => None,
    };
    match &node.kind {
        CondKind::Logic(Logic::And, a, b) => {
            mark_upper_bounds(a, bounded);
            mark_upper_bounds(b, bounded);
        }
        CondKind::Compare(Compare::Le | Compare::Lt, a, _) => {
            if let Some(i) = fact(a) {
                bounded[i] = true;
            }
        }
        CondKind::Compare(Compare::Ge | Compare::Gt, _, b) => {
            if let Some(i) = fact(b) {
                bounded[i] = true;
            }
        }
        _ => {}
    }
}

fn unused_facts(rubric: &Rubric) -> Vec<Diagnostic> {
    let mut used = vec![false; rubric.facts.len()];
    let mark = |used: &mut Vec<bool>, f: &Formula| {
        for t in f.targets() {
            if let Target::Fact(i) = t {
                used[i] = true;
            }
        }
    };
    for ind in &rubric.indicators {
        let Some(rule) = &ind.rule else { continue };
        rule.lets.iter().for_each(|l| mark(&mut used, &l.formula));
        rule.vetoes
            .iter()
            .chain(&rule.exemptions)
            .for_each(|c| mark(&mut used, &c.formula));
        for part in &rule.parts {
            match &part.kind {
                PartKind::Formula { score } => mark(&mut used, score),
                PartKind::Tiers {
                    value, judged_by, ..
                } => {
                    mark(&mut used, value);
                    if let Some(j) = judged_by {
                        used[*j] = true;
                    }
                }
                PartKind::Deduction { count, .. } => mark(&mut used, count),
                PartKind::Check { fact }
                | PartKind::Judgment { fact }
                | PartKind::Category { fact, .. } => {
                    used[*fact] = true;
                }
                PartKind::Item { .. } => {}
            }
        }
    }
    for c in &rubric.consistency {
        match &c.kind {
            ConsistencyKind::Equal { left, right, .. } => {
                mark(&mut used, left);
                mark(&mut used, right);
            }
            ConsistencyKind::Stated { stated, computed } => {
                used[*stated] = true;
                mark(&mut used, computed);
            }
            ConsistencyKind::Holds { condition } => mark(&mut used, condition),
        }
    }
    for p in &rubric.plausibility {
        mark(&mut used, &p.condition);
    }
    rubric
        .facts
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(f, _)| {
            Diagnostic::warning(t!("lint.unused_fact", path = f.path, label = f.label))
                .with_code("unused_fact")
                .at(&rubric.source, f.span.clone())
                .with_help(t!("lint.unused_fact_help"))
        })
        .collect()
}

fn show(x: Decimal, percent: bool) -> String {
    if percent {
        match x.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => format!("{}%", plain(p)),
            None => plain(x),
        }
    } else {
        plain(x)
    }
}

/// A point at which coverage is tested, and what region of values it stands for.
#[derive(Clone, Copy)]
enum Probe {
    /// Exactly this boundary value.
    At(Decimal),
    /// The open interval between two adjacent boundaries.
    Between(Decimal, Decimal),
    /// Everything above the largest boundary.
    Above(Decimal),
    /// Everything below the smallest boundary, when that is negative.
    Below(Decimal),
}

impl Probe {
    /// A value standing for the region: for whole-number values, a whole number in it,
    /// or `None` when the region holds none.
    fn point(self, whole: bool) -> Option<Decimal> {
        if !whole {
            return Some(match self {
                Probe::At(x) => x,
                Probe::Between(a, b) => (a + b) / Decimal::TWO,
                Probe::Above(x) => x + Decimal::ONE,
                Probe::Below(x) => x - Decimal::ONE,
            });
        }
        match self {
            Probe::At(x) => x.fract().is_zero().then_some(x),
            Probe::Between(a, b) => Some(a.floor() + Decimal::ONE).filter(|p| *p < b),
            Probe::Above(x) => Some(x.floor() + Decimal::ONE),
            Probe::Below(x) => Some(x.ceil() - Decimal::ONE),
        }
    }
}

/// Gaps, overlaps and unreachable tiers over the values from 0 up (rates, amounts and
/// counts are never negative), or from the lowest bound when the rubric writes a negative
/// one; `whole` restricts the values to whole numbers (a count). Tiers are tried in
/// order, so a value in two tiers gets the first: the second is partly shadowed, or
/// wholly unreachable.
fn tier_lints(
    source: &SourceFile,
    indicator: &str,
    tiers: &[Tier],
    whole: bool,
) -> Vec<Diagnostic> {
    let percent = tiers.iter().any(|t| t.percent);
    let mut bounds: Vec<Decimal> = tiers
        .iter()
        .flat_map(|t| [t.lower, t.upper])
        .flatten()
        .map(|b| b.value)
        .collect();
    bounds.push(Decimal::ZERO);
    bounds.sort();
    bounds.dedup();
    // Bounds are limited to 28 digits when read, so these sums cannot overflow in
    // practice; the probes are built only from values already in range.
    let mut probes = Vec::new();
    if let Some(&lowest) = bounds.first()
        && lowest < Decimal::ZERO
    {
        probes.push(Probe::Below(lowest));
    }
    for (k, b) in bounds.iter().enumerate() {
        probes.push(Probe::At(*b));
        match bounds.get(k + 1) {
            Some(next) => probes.push(Probe::Between(*b, *next)),
            None => probes.push(Probe::Above(*b)),
        }
    }
    // Regions that hold no admissible value (no whole number between two bounds) drop out.
    let probes: Vec<(Probe, Decimal)> = probes
        .into_iter()
        .filter_map(|p| p.point(whole).map(|x| (p, x)))
        .collect();
    let containing: Vec<Vec<usize>> = probes
        .iter()
        .map(|(_, x)| {
            (0..tiers.len())
                .filter(|&t| tiers[t].contains(&crate::exact::Exact::from(*x)))
                .collect()
        })
        .collect();
    let mut out = Vec::new();

    // Gaps: runs of probes that no tier contains.
    let mut k = 0;
    while k < probes.len() {
        if !containing[k].is_empty() {
            k += 1;
            continue;
        }
        let start = k;
        while k < probes.len() && containing[k].is_empty() {
            k += 1;
        }
        let from = match probes[start].0 {
            Probe::At(x) => t!("lint.gap_from_inclusive", value = show(x, percent)),
            Probe::Between(a, _) | Probe::Above(a) => {
                t!("lint.gap_above", value = show(a, percent))
            }
            Probe::Below(_) => t!("lint.gap_below"),
        };
        let to = match probes[k - 1].0 {
            Probe::At(x) => t!("lint.gap_to_inclusive", value = show(x, percent)).into_owned(),
            Probe::Between(_, b) => {
                t!("lint.gap_to_exclusive", value = show(b, percent)).into_owned()
            }
            Probe::Above(_) => String::new(),
            Probe::Below(b) => format!(" {}", show(b, percent)),
        };
        let span = tiers.first().map(|t| t.span.clone()).unwrap_or(0..0);
        out.push(
            Diagnostic::warning(t!(
                "lint.tier_gap",
                indicator = indicator,
                from = from,
                to = to
            ))
            .with_code("tier_gap")
            .at(source, span)
            .with_help(t!("lint.tier_gap_help")),
        );
    }

    // Overlaps and unreachable tiers.
    for (j, tier) in tiers.iter().enumerate() {
        let mine: Vec<usize> = (0..probes.len())
            .filter(|&p| containing[p].contains(&j))
            .collect();
        let shadowed: Vec<usize> = mine
            .iter()
            .copied()
            .filter(|&p| containing[p][0] != j)
            .collect();
        if !mine.is_empty() && shadowed.len() < mine.len() {
            if let Some(&p) = shadowed.first() {
                let earlier = containing[p][0];
                out.push(
                    Diagnostic::warning(t!(
                        "lint.tier_overlap",
                        first = tiers[earlier].label,
                        second = tier.label,
                        indicator = indicator,
                        value = show(probes[p].1, percent)
                    ))
                    .with_code("tier_overlap")
                    .at(source, tier.span.clone())
                    .with_help(t!("lint.tier_overlap_help")),
                );
            }
            continue;
        }
        let reason = if mine.is_empty() {
            t!("lint.unreachable_empty")
        } else {
            t!(
                "lint.unreachable_shadowed",
                tier = tiers[containing[mine[0]][0]].label
            )
        };
        out.push(
            Diagnostic::warning(t!(
                "lint.tier_unreachable",
                tier = tier.label,
                indicator = indicator,
                reason = reason
            ))
            .with_code("tier_unreachable")
            .at(source, tier.span.clone()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::Bound;

    fn tier(label: &str, lower: Option<(i64, bool)>, upper: Option<(i64, bool)>) -> Tier {
        let b = |(v, inclusive): (i64, bool)| Bound {
            value: Decimal::new(v, 2),
            inclusive,
        };
        Tier {
            label: label.into(),
            points: Decimal::ONE,
            lower: lower.map(b),
            upper: upper.map(b),
            percent: true,
            span: 0..0,
        }
    }

    fn messages(tiers: &[Tier]) -> Vec<String> {
        let src = SourceFile::new("r.toml", "x");
        tier_lints(&src, "指标", tiers, false)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn complete_tiers_have_no_lint() {
        let tiers = [
            tier("a", None, Some((5, false))),
            tier("b", Some((5, true)), Some((10, true))),
            tier("c", Some((10, false)), None),
        ];
        assert_eq!(messages(&tiers), Vec::<String>::new());
    }

    #[test]
    fn a_gap_is_described_with_its_bounds() {
        let tiers = [
            tier("low", None, Some((75, false))),
            tier("high", Some((90, true)), None),
        ];
        assert_eq!(
            messages(&tiers),
            vec![
                "the tiers of `指标` leave a gap: values from 75% (inclusive) up to 90% (exclusive) fall in no tier"
            ]
        );
        let closed = [
            tier("low", None, Some((75, true))),
            tier("high", Some((75, false)), Some((90, true))),
        ];
        assert_eq!(
            messages(&closed),
            vec!["the tiers of `指标` leave a gap: values above 90% fall in no tier"]
        );
    }

    #[test]
    fn an_overlap_names_both_tiers() {
        let tiers = [
            tier("a", None, Some((90, true))),
            tier("b", Some((90, true)), None),
        ];
        assert_eq!(
            messages(&tiers),
            vec!["tiers `a` and `b` of `指标` overlap (both hold 90%); the first wins"]
        );
    }

    #[test]
    fn whole_numbers_leave_no_gap_between_consecutive_counts() {
        let count_tier = |label: &str, lo: Option<i64>, hi: Option<i64>| Tier {
            label: label.into(),
            points: Decimal::ONE,
            lower: lo.map(|v| Bound {
                value: Decimal::from(v),
                inclusive: true,
            }),
            upper: hi.map(|v| Bound {
                value: Decimal::from(v),
                inclusive: true,
            }),
            percent: false,
            span: 0..0,
        };
        let tiers = [
            count_tier("0", None, Some(0)),
            count_tier("1-2", Some(1), Some(2)),
            count_tier("3+", Some(3), None),
        ];
        let src = SourceFile::new("r.toml", "x");
        assert!(tier_lints(&src, "指标", &tiers, true).is_empty());
        // The same bounds on a ratio leave gaps between 0 and 1 and between 2 and 3.
        assert_eq!(tier_lints(&src, "指标", &tiers, false).len(), 2);
    }

    #[test]
    fn a_gap_below_zero_is_found_when_the_rubric_writes_negative_bounds() {
        let tiers = [
            tier("high", Some((-5, true)), None),
            tier("low", None, Some((-10, false))),
        ];
        assert_eq!(
            messages(&tiers),
            vec![
                "the tiers of `指标` leave a gap: values from -10% (inclusive) up to -5% (exclusive) fall in no tier"
            ]
        );
    }

    #[test]
    fn a_shadowed_tier_is_unreachable() {
        let tiers = [
            tier("all", None, None),
            tier("never", Some((50, true)), Some((60, true))),
        ];
        assert_eq!(
            messages(&tiers),
            vec![
                "tier `never` of `指标` can never be reached: every value it holds falls in `all` first"
            ]
        );
    }
}
