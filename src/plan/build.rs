//! The rubric one facts file is scored by, when the rubric lets the file list indicators
//! of its own: each `list` indicator gets the items the file lists, as leaves (under
//! `level2` groups when the list is grouped).
//!
//! This is per-file work, a stage above both the rubric and the facts: the loaded rubric
//! stays as it is, and this builds only the file's own indicators (numbered after the
//! rubric's) and the list groups as the file has them.
//!
//! The facts stage has already checked the items (weights fill the group, scores inside
//! their bands, deviations given); this only builds the tree, and shares a group's points
//! out again when an item does not apply and the rubric says to rescale.

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::facts::{Facts, ItemValue};
use crate::number::RoundingMode;
use rustc_hash::FxHashMap;

use super::Indicators;
use crate::rubric::{Indicator, NotApplicable, Part, PartKind, Rubric, Rule};

/// The points of each item of one group, in order: its weight, unless items written "/"
/// make the rubric share the group's points among the others.
fn item_points(
    rule: NotApplicable,
    items: &[(Decimal, bool)],
    group_points: Decimal,
    scale: u32,
) -> Vec<Decimal> {
    if rule != NotApplicable::Rescale || items.iter().all(|(_, applies)| *applies) {
        return items.iter().map(|(w, _)| *w).collect();
    }
    let applicable: Decimal = items
        .iter()
        .filter(|(_, a)| *a)
        .fold(Decimal::ZERO, |acc, (w, _)| {
            acc.checked_add(*w).unwrap_or(acc)
        });
    if applicable.is_zero() {
        return vec![Decimal::ZERO; items.len()];
    }
    // Largest remainder: each share rounded down to the scale, then the units left over
    // go to the largest remainders (earlier items first on ties), so the shares add up to
    // the group's points exactly.
    // The exact shares (w × points / applicable, fractions in general), so that the
    // largest remainders are compared exactly, not as 28-digit approximations.
    let unit = Decimal::new(1, scale);
    let exact: Vec<Exact> = items
        .iter()
        .map(|(w, a)| {
            if *a {
                Exact::from(*w)
                    .checked_mul(&Exact::from(group_points))
                    .and_then(|x| x.checked_div(&Exact::from(applicable)))
                    .unwrap_or(Exact::ZERO)
            } else {
                Exact::ZERO
            }
        })
        .collect();
    let mut shares: Vec<Decimal> = exact
        .iter()
        .map(|x| {
            x.round(scale, RoundingMode::Truncate)
                .unwrap_or(Decimal::ZERO)
        })
        .collect();
    let remainder = |k: usize| {
        exact[k]
            .checked_sub(&Exact::from(shares[k]))
            .unwrap_or(Exact::ZERO)
    };
    let remainders: Vec<Exact> = (0..items.len()).map(remainder).collect();
    let given = shares
        .iter()
        .fold(Decimal::ZERO, |acc, x| acc.checked_add(*x).unwrap_or(acc));
    let mut left = group_points
        .checked_sub(given)
        .and_then(|x| x.checked_div(unit))
        .map_or(Decimal::ZERO, |x| x.trunc());
    let mut order: Vec<usize> = (0..items.len()).filter(|&k| items[k].1).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    for k in order {
        if left <= Decimal::ZERO {
            break;
        }
        shares[k] = shares[k].checked_add(unit).unwrap_or(shares[k]);
        left -= Decimal::ONE;
    }
    for s in &mut shares {
        s.rescale(scale);
    }
    shares
}

/// `facts`' listed items as indicators after `indicators`' own, under the list groups
/// (copied as this file has them) and `level2` groups; returns the index entries the
/// items add: each one's id and path, and its name when no indicator has it already.
pub(super) fn expand(
    rubric: &Rubric,
    facts: &Facts,
    out: &mut Indicators<'_>,
) -> FxHashMap<String, usize> {
    for (g, group) in rubric.indicators.iter().enumerate() {
        let Some(spec) = &group.list else { continue };
        let members: Vec<usize> = (0..facts.items.len())
            .filter(|&k| facts.items[k].group == g)
            .collect();
        let weights: Vec<(Decimal, bool)> = members
            .iter()
            .map(|&k| {
                let item = &facts.items[k];
                (
                    item.weight,
                    !matches!(item.value, ItemValue::NotApplicable { .. }),
                )
            })
            .collect();
        let points = item_points(
            spec.not_applicable,
            &weights,
            group.points,
            rubric.rounding.scale,
        );
        let mut level2: Vec<(String, usize)> = Vec::new();
        for (n, (&k, &p)) in members.iter().zip(&points).enumerate() {
            let item = &facts.items[k];
            let parent = if spec.grouped {
                let name = item.level2.clone().unwrap_or_default();
                match level2.iter().find(|(l, _)| *l == name) {
                    Some((_, i)) => *i,
                    None => {
                        let i = out.push(Indicator {
                            id: format!("{}.{}", group.id, level2.len() + 1),
                            name: name.clone(),
                            points: Decimal::ZERO,
                            level: group.level + 1,
                            parent: Some(g),
                            children: Vec::new(),
                            description: String::new(),
                            criteria: String::new(),
                            rule: None,
                            list: None,
                            origin: group.origin.clone(),
                            span: group.span.clone(),
                        });
                        out.get_mut(g).children.push(i);
                        level2.push((name, i));
                        i
                    }
                }
            } else {
                g
            };
            let id = if spec.grouped {
                let prefix = &out[parent].id;
                format!("{prefix}.{}", out[parent].children.len() + 1)
            } else {
                format!("{}.{}", group.id, n + 1)
            };
            let level = out[parent].level + 1;
            let leaf = out.push(Indicator {
                id,
                name: item.name.clone(),
                points: p,
                level,
                parent: Some(parent),
                children: Vec::new(),
                // The group's framework text is the rule each listed item is scored by.
                description: String::new(),
                criteria: group.criteria.clone(),
                rule: Some(Rule {
                    lets: Vec::new(),
                    parts: vec![Part {
                        name: item.name.clone(),
                        points: p,
                        kind: PartKind::Item { item: k, group: g },
                    }],
                    vetoes: Vec::new(),
                    exemptions: Vec::new(),
                }),
                list: None,
                origin: group.origin.clone(),
                span: group.span.clone(),
            });
            let level2_group = parent != g;
            let parent = out.get_mut(parent);
            parent.children.push(leaf);
            if level2_group {
                parent.points = parent.points.checked_add(p).unwrap_or(Decimal::MAX);
            }
        }
    }
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    for i in rubric.indicators.len()..out.len() {
        let ind = &out[i];
        // A listed row may share its name with one of the rubric's own indicators: the
        // name then stays the rubric's, and the row is found by its path (first-level
        // name / level2 / its name), which is unique.
        if rubric.find_indicator(&ind.name).is_none() {
            index.entry(ind.name.clone()).or_insert(i);
        }
        index.insert(ind.id.clone(), i);
        index.insert(out.path_names(i).join("/"), i);
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn rescaled_shares_add_up_to_the_group_exactly() {
        let items = [
            (d("10"), true),
            (d("10"), true),
            (d("10"), true),
            (d("20"), false),
        ];
        let shares = item_points(NotApplicable::Rescale, &items, d("50"), 2);
        assert_eq!(
            shares.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ["16.67", "16.67", "16.66", "0.00"]
        );
        assert_eq!(shares.iter().copied().sum::<Decimal>(), d("50"));
    }

    #[test]
    fn without_rescaling_the_weights_stand() {
        let items = [(d("30"), true), (d("20"), false)];
        assert_eq!(
            item_points(NotApplicable::Zero, &items, d("50"), 2),
            vec![d("30"), d("20")]
        );
        assert_eq!(
            item_points(NotApplicable::Full, &items, d("50"), 2),
            vec![d("30"), d("20")]
        );
        let whole = item_points(NotApplicable::Rescale, &items, d("50"), 0);
        assert_eq!(whole, vec![d("50"), d("0")]);
    }
}
