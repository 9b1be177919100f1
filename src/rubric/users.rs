//! What reads each fact of a rubric: the indicators whose rules read it, whether the
//! consistency checks do, and the figure a `tier` fact stands in for. The template and
//! the fill-in workbook tell finance staff this beside every fact.

use super::{ConsistencyKind, PartKind, Rubric};
use crate::formula::{Formula, Target};

/// What reads each fact: indicator names, whether consistency checks do, and for a
/// `tier` fact the figure it stands in for.
pub fn users(rubric: &Rubric) -> (Vec<Vec<String>>, Vec<bool>, Vec<Option<usize>>) {
    let n = rubric.facts.len();
    let mut by = vec![Vec::<String>::new(); n];
    let mut checked = vec![false; n];
    // For each `tier` fact, the fact its tiers part otherwise reads (one of the two).
    let mut alternative = vec![None; n];
    let note = |f: &Formula, who: &str, by: &mut Vec<Vec<String>>| {
        for t in f.targets() {
            if let Target::Fact(i) = t
                && !by[i].iter().any(|x| x == who)
            {
                by[i].push(who.to_string());
            }
        }
    };
    for ind in &rubric.indicators {
        let Some(rule) = &ind.rule else { continue };
        let who = ind.name.as_str();
        rule.lets
            .iter()
            .for_each(|l| note(&l.formula, who, &mut by));
        rule.vetoes
            .iter()
            .chain(&rule.exemptions)
            .for_each(|c| note(&c.formula, who, &mut by));
        for part in &rule.parts {
            match &part.kind {
                PartKind::Formula { score } => note(score, who, &mut by),
                PartKind::Deduction { count, .. } => note(count, who, &mut by),
                PartKind::Tiers {
                    value, judged_by, ..
                } => {
                    note(value, who, &mut by);
                    if let Some(j) = judged_by {
                        by[*j].push(who.to_string());
                        if let [Target::Fact(v)] = value.targets().as_slice() {
                            alternative[*j] = Some(*v);
                        }
                    }
                }
                PartKind::Check { fact }
                | PartKind::Judgment { fact }
                | PartKind::Category { fact, .. } => {
                    by[*fact].push(who.to_string());
                }
                PartKind::Item { .. } => {}
            }
        }
    }
    for c in &rubric.consistency {
        let fs: Vec<&Formula> = match &c.kind {
            ConsistencyKind::Equal { left, right, .. } => vec![left, right],
            ConsistencyKind::Stated { stated, computed } => {
                checked[*stated] = true;
                vec![computed]
            }
            ConsistencyKind::Holds { condition } => vec![condition],
        };
        for f in fs {
            for t in f.targets() {
                if let Target::Fact(i) = t {
                    checked[i] = true;
                }
            }
        }
    }
    (by, checked, alternative)
}
