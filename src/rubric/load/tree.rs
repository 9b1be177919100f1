//! The indicator tree: parents, children, levels and points that add up.

use super::*;

/// A sum of points that saturates instead of overflowing: a sum that large can only
/// mismatch, and is reported as such.
pub(super) fn points_sum(points: impl Iterator<Item = Decimal>) -> Decimal {
    points.fold(Decimal::ZERO, |acc, p| {
        acc.checked_add(p).unwrap_or(Decimal::MAX)
    })
}

/// Links parents and children, derives levels and checks that points add up.
pub(super) fn build_tree(
    raw: Vec<RawIndicator>,
    meta: &Meta,
    meta_source: &SourceFile,
    diags: &mut Diagnostics,
) -> (Vec<Indicator>, Vec<usize>) {
    let meta_source = meta_source.clone();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(&first) = by_id.get(r.id.get_ref().as_str()) {
            diags.push(
                Diagnostic::new(t!("rubric.indicator_id_twice", id = r.id.get_ref()))
                    .at(&r.source, r.id.span())
                    .also_at(
                        &raw[first].source,
                        raw[first].id.span(),
                        t!("rubric.first_used_here"),
                    ),
            );
        } else {
            by_id.insert(r.id.get_ref(), i);
        }
        if let Some(&first) = by_name.get(r.name.get_ref().as_str()) {
            diags.push(
                Diagnostic::new(t!("rubric.indicator_name_twice", name = r.name.get_ref()))
                    .at(&r.source, r.name.span())
                    .also_at(
                        &raw[first].source,
                        raw[first].name.span(),
                        t!("rubric.first_used_here"),
                    ),
            );
        } else {
            by_name.insert(r.name.get_ref(), i);
        }
    }
    let mut parent_of = vec![None; raw.len()];
    // One suggestion per unknown parent: a file repeating one wrong parent a thousand
    // times must not compare it with every id a thousand times.
    let mut suggested: HashMap<&str, Option<&str>> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(p) = &r.parent {
            match by_id.get(p.get_ref().as_str()) {
                Some(&pi) => parent_of[i] = Some(pi),
                None => {
                    let mut d = Diagnostic::new(t!("rubric.unknown_parent", parent = p.get_ref()))
                        .at(&r.source, p.span());
                    let s = *suggested
                        .entry(p.get_ref().as_str())
                        .or_insert_with(|| suggest(p.get_ref(), by_id.keys().copied()));
                    if let Some(s) = s {
                        d = d.with_help(t!("rubric.did_you_mean", name = s));
                    }
                    diags.push(d);
                }
            }
        }
    }
    // Levels by walking up; a walk longer than the list is a cycle. A cycle makes every
    // later check meaningless, so it is reported alone, once per cycle.
    let mut level = Vec::with_capacity(raw.len());
    let mut in_cycle = vec![false; raw.len()];
    for i in 0..raw.len() {
        let mut path = vec![i];
        let mut at = i;
        while let Some(p) = parent_of[at] {
            if let Some(pos) = path.iter().position(|&x| x == p) {
                if path[pos..].iter().all(|&x| !in_cycle[x]) {
                    let members: Vec<&str> = path[pos..]
                        .iter()
                        .map(|&x| raw[x].id.get_ref().as_str())
                        .collect();
                    let culprit = path[pos..].iter().copied().min().unwrap_or(p);
                    diags.push(
                        Diagnostic::new(t!(
                            "rubric.parent_cycle",
                            chain = members.join(" → "),
                            back = members[0]
                        ))
                        .at(
                            &raw[culprit].source,
                            raw[culprit]
                                .parent
                                .as_ref()
                                .map(Spanned::span)
                                .unwrap_or(raw[culprit].span.clone()),
                        ),
                    );
                }
                for &x in &path[pos..] {
                    in_cycle[x] = true;
                }
                break;
            }
            path.push(p);
            at = p;
        }
        level.push(path.len());
    }
    if in_cycle.iter().any(|&c| c) {
        return (Vec::new(), Vec::new());
    }
    let mut children = vec![Vec::new(); raw.len()];
    let mut roots = Vec::new();
    for (i, p) in parent_of.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let depth = meta.levels.len();
    for (i, r) in raw.iter().enumerate() {
        let is_leaf = children[i].is_empty();
        if level[i] > depth {
            diags.push(
                Diagnostic::new(t!(
                    "rubric.level_too_deep",
                    id = r.id.get_ref(),
                    level = level[i],
                    depth = depth
                ))
                .at(&r.source, r.id.span()),
            );
        }
        if let Some((spec, at)) = &r.list {
            // Listed items sit at the last level, under a `level2` group when grouped.
            let needed = if spec.grouped { 2 } else { 1 };
            if !is_leaf {
                diags.push(
                    Diagnostic::new(t!("rubric.listed_has_children", id = r.id.get_ref()))
                        .at(&r.source, at.clone()),
                );
            } else if level[i] + needed != depth {
                diags.push(
                    Diagnostic::new(t!(
                        "rubric.listed_at_wrong_level",
                        id = r.id.get_ref(),
                        level = level[i],
                        depth = depth,
                        items = level[i] + needed
                    ))
                    .at(&r.source, at.clone())
                    .with_help(if spec.grouped {
                        t!("rubric.listed_at_wrong_level_grouped_help")
                    } else {
                        t!("rubric.listed_at_wrong_level_help")
                    }),
                );
            }
            continue;
        }
        if is_leaf && level[i] < depth {
            diags.push(
                Diagnostic::new(t!(
                    "rubric.leaf_above_last_level",
                    id = r.id.get_ref(),
                    level = level[i],
                    depth = depth
                ))
                .at(&r.source, r.id.span())
                .with_help(t!(
                    "rubric.leaf_above_last_level_help",
                    last = meta.levels.last().cloned().unwrap_or_default()
                )),
            );
        }
        if is_leaf && r.rule.is_none() {
            diags.push(
                Diagnostic::new(t!("rubric.leaf_without_part", id = r.id.get_ref()))
                    .at(&r.source, r.id.span()),
            );
        }
        if let (false, Some((_, span))) = (is_leaf, &r.rule) {
            diags.push(
                Diagnostic::new(t!("rubric.parent_with_parts", id = r.id.get_ref()))
                    .at(&r.source, span.clone()),
            );
        }
        if *r.points.get_ref() < Decimal::ZERO {
            diags.push(
                Diagnostic::new(t!("rubric.negative_points", id = r.id.get_ref()))
                    .at(&r.source, r.points.span()),
            );
        }
        if !is_leaf {
            let sum = points_sum(children[i].iter().map(|&c| *raw[c].points.get_ref()));
            if sum != *r.points.get_ref() {
                diags.push(
                    Diagnostic::new(t!(
                        "rubric.children_do_not_add_up",
                        id = r.id.get_ref(),
                        name = r.name.get_ref(),
                        sum = sum.normalize(),
                        points = r.points.get_ref().normalize()
                    ))
                    .at(&r.source, r.points.span()),
                );
            }
        }
    }
    let root_sum = points_sum(roots.iter().map(|&i| *raw[i].points.get_ref()));
    if root_sum != meta.total {
        diags.push(
            Diagnostic::new(t!(
                "rubric.roots_do_not_add_up",
                sum = root_sum.normalize(),
                total = meta.total.normalize()
            ))
            .at(
                roots.first().map_or(&meta_source, |&i| &raw[i].source),
                roots.first().map(|&i| raw[i].points.span()).unwrap_or(0..0),
            ),
        );
    }
    let indicators = raw
        .into_iter()
        .enumerate()
        .map(|(i, r)| Indicator {
            id: r.id.into_inner(),
            name: r.name.into_inner(),
            points: r.points.into_inner(),
            level: level[i],
            parent: parent_of[i],
            children: std::mem::take(&mut children[i]),
            description: r.description,
            criteria: r.criteria,
            rule: r.rule.map(|(rule, _)| rule),
            list: r.list.map(|(list, _)| list),
            origin: r.source,
            span: r.span,
        })
        .collect();
    (indicators, roots)
}
