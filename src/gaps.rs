//! Where the points went and what would bring them back (`perfeval gaps`).
//!
//! For each leaf that lost points, each fact its rule read is tried alone: a figure is
//! searched for the value nearest to the file's that earns the rule's full marks, at the
//! figure's own precision (a count in units, an amount in 分, a rate in 0.01%); a yes/no
//! or a choice is tried the other way. The search only assumes the rule is monotone in
//! that fact (more spending, a higher rate, fewer violations), finds the bracket by
//! doubling the step and narrows it by bisection; every value tried is checked against
//! the rubric's plausibility rules, so no answer is a figure that cannot be true. An
//! evaluator's judgment is named as such, not searched.

use rust_decimal::Decimal;

use crate::facts::{CheckValue, FactEntry, FactValue, Facts};
use crate::plan::Plan;
use crate::rubric::{DefaultValue, FactKind};
use crate::score::{self, Options, Report};

/// The points lost, worst first, and the way to the next grade.
#[derive(Debug, Clone)]
pub struct Gaps {
    pub lost: Vec<Lost>,
    pub total: Decimal,
    pub grade: String,
    /// The next grade up, its lower bound and the points still needed; `None` at the top.
    pub next_grade: Option<(String, Decimal, Decimal)>,
}

/// A leaf that lost points, or whose score was set by hand.
#[derive(Debug, Clone)]
pub struct Lost {
    pub indicator: usize,
    pub points: Decimal,
    pub score: Decimal,
    pub lost: Decimal,
    /// The rule's own score, when an override replaced it.
    pub rule_score: Option<Decimal>,
    pub remedies: Vec<Remedy>,
}

/// What one fact alone can do for a leaf's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Remedy {
    /// The fact; `None` for a listed indicator's own figures.
    pub fact: Option<usize>,
    pub kind: RemedyKind,
    /// What the change does to the whole file: the total it gives and the indicators
    /// whose score it lowers (a fact several rules read). `None` for a judgment.
    pub effect: Option<Effect>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub total: Decimal,
    pub lowers: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemedyKind {
    /// This value (the nearest to the file's at its precision) earns full marks.
    Value { current: Decimal, needed: Decimal },
    /// The other answer gives this score (full marks, or more than now).
    Flip { to: bool, score: Decimal },
    /// This choice gives this score.
    Choose { to: String, score: Decimal },
    /// No value of this fact alone earns full marks: the best score found, at the value
    /// nearest the file's that gives it.
    Short { value: Decimal, score: Decimal },
    /// An evaluator's score or tier: a judgment, not a figure to change.
    Judgment,
    /// A listed indicator (a project's own row): full marks when its actual value meets
    /// its target; changed in the facts file, not with `--set`.
    ListedTarget { target: Decimal, percent: bool },
    /// A listed indicator scored by an evaluator's outcome: a judgment.
    ListedJudgment,
}

/// The gaps of a scored file (scored with or without overrides, as for `score`);
/// remedies are always searched on the rules' own scores.
pub fn gaps(report: &Report<'_>) -> Gaps {
    let (rubric, facts) = (report.rubric, report.facts);
    let strict = Options {
        strict: true,
        lean: true,
    };
    let mut lost = Vec::new();
    for (i, ind) in rubric.indicators.iter().enumerate() {
        let Some(leaf) = report.leaf(i) else { continue };
        let overridden = leaf.override_applied();
        let rule_score = leaf.rule_score.unwrap_or(Decimal::ZERO);
        if leaf.score >= ind.points && !overridden {
            continue;
        }
        if report.not_applicable(i) {
            continue;
        }
        let mut remedies: Vec<Remedy> = if rule_score < ind.points {
            leaf.facts_used
                .iter()
                .filter_map(|&f| remedy(rubric, facts, strict, i, f, rule_score))
                .collect()
        } else {
            Vec::new()
        };
        if rule_score < ind.points
            && let Some(kind) = listed(rubric, facts, i)
        {
            remedies.push(Remedy {
                fact: None,
                kind,
                effect: None,
            });
        }
        for r in &mut remedies {
            r.effect = effect(report, r);
        }
        let mut points_lost = ind.points - leaf.score;
        points_lost.rescale(rubric.rounding.scale);
        lost.push(Lost {
            indicator: i,
            points: ind.points,
            score: leaf.score,
            lost: points_lost,
            rule_score: overridden.then_some(rule_score),
            remedies,
        });
    }
    // Worst first; overrides (which lost nothing) after, in the rubric's order.
    lost.sort_by_key(|l| std::cmp::Reverse(l.lost));
    Gaps {
        lost,
        total: report.total,
        grade: report.grade.clone(),
        next_grade: next_grade(rubric, report),
    }
}

fn next_grade(rubric: &Plan<'_>, report: &Report<'_>) -> Option<(String, Decimal, Decimal)> {
    rubric
        .grades
        .iter()
        .filter(|g| g.min > report.total)
        .min_by(|a, b| a.min.cmp(&b.min))
        .map(|g| (g.name.clone(), g.min, g.min - report.total))
}

/// The leaf's rule score with fact `f` set to `value`, or `None` when the figures would
/// break a plausibility rule or the rule cannot be computed.
fn score_with(
    rubric: &Plan<'_>,
    facts: &Facts,
    options: Options,
    leaf: usize,
    f: usize,
    value: FactValue,
) -> Option<Decimal> {
    let mut trial = facts.clone();
    let entry = match &facts.values[f] {
        Some(e) => FactEntry { value, ..e.clone() },
        None => FactEntry {
            value,
            reason: None,
            note: None,
            span: 0..0,
        },
    };
    trial.values[f] = Some(entry);
    crate::plausible::check(rubric, &trial).ok()?;
    let (report, errors) = score::evaluate_lenient(rubric, &trial, options).ok()?;
    if errors.iter().any(|e| e.index == Some(leaf)) {
        return None;
    }
    report.leaf(leaf).and_then(|l| l.rule_score)
}

/// What a listed indicator (a project's own output row) needs: its own figures, which
/// the facts file holds in its row.
fn listed(rubric: &Plan<'_>, facts: &Facts, leaf: usize) -> Option<RemedyKind> {
    let rule = rubric.indicators[leaf].rule.as_ref()?;
    let item = rule.parts.iter().find_map(|p| match &p.kind {
        crate::rubric::PartKind::Item { item, .. } => Some(*item),
        _ => None,
    })?;
    Some(match &facts.items.get(item)?.value {
        crate::facts::ItemValue::Quantitative {
            target, percent, ..
        } => RemedyKind::ListedTarget {
            target: *target,
            percent: *percent,
        },
        crate::facts::ItemValue::Qualitative { .. } => RemedyKind::ListedJudgment,
        crate::facts::ItemValue::NotApplicable { .. } => return None,
    })
}

/// The remedy applied to the whole file, scored as the report was (overrides or not).
fn effect(report: &Report<'_>, remedy: &Remedy) -> Option<Effect> {
    let f = remedy.fact?;
    let value = match &remedy.kind {
        RemedyKind::Value { needed, .. } => FactValue::Number(*needed),
        RemedyKind::Short { value, .. } => FactValue::Number(*value),
        RemedyKind::Flip { to, .. } => match report.rubric.facts[f].kind {
            FactKind::Check => FactValue::Check(if *to {
                CheckValue::Met
            } else {
                CheckValue::NotMet
            }),
            _ => FactValue::Bool(*to),
        },
        RemedyKind::Choose { to, .. } => FactValue::Text(to.clone()),
        _ => return None,
    };
    let mut trial = report.facts.clone();
    let entry = trial.values[f].get_or_insert_with(|| FactEntry {
        value: value.clone(),
        reason: None,
        note: None,
        span: 0..0,
    });
    entry.value = value;
    let options = Options {
        lean: true,
        ..report.options
    };
    let after = score::evaluate(report.rubric, &trial, options).ok()?;
    let lowers = (0..report.rubric.indicators.len())
        .filter(|&i| report.leaf(i).is_some() && after.scores[i] < report.scores[i])
        .collect();
    Some(Effect {
        total: after.total,
        lowers,
    })
}

fn remedy(
    rubric: &Plan<'_>,
    facts: &Facts,
    options: Options,
    leaf: usize,
    f: usize,
    rule_now: Decimal,
) -> Option<Remedy> {
    let decl = &rubric.facts[f];
    let full = rubric.indicators[leaf].points;
    let current = facts.values[f].as_ref().map(|e| &e.value);
    let kind = match &decl.kind {
        FactKind::Judgment | FactKind::Tier(_) => RemedyKind::Judgment,
        FactKind::Bool => {
            let now = match current {
                Some(FactValue::Bool(b)) => *b,
                _ => matches!(decl.default, Some(DefaultValue::Bool(true))),
            };
            let s = score_with(rubric, facts, options, leaf, f, FactValue::Bool(!now))?;
            if s <= rule_now {
                return None;
            }
            RemedyKind::Flip { to: !now, score: s }
        }
        FactKind::Check => {
            if matches!(current, Some(FactValue::Check(CheckValue::Met))) {
                return None;
            }
            let s = score_with(
                rubric,
                facts,
                options,
                leaf,
                f,
                FactValue::Check(CheckValue::Met),
            )?;
            if s <= rule_now {
                return None;
            }
            RemedyKind::Flip { to: true, score: s }
        }
        FactKind::Choice(choices) => {
            // The choice that gives the most, the first of equals.
            let (to, score) = choices
                .iter()
                .filter(|c| Some(&FactValue::Text((*c).clone())) != current)
                .filter_map(|c| {
                    score_with(rubric, facts, options, leaf, f, FactValue::Text(c.clone()))
                        .map(|s| (c, s))
                })
                .fold(
                    None,
                    |best: Option<(&String, Decimal)>, (c, s)| match best {
                        Some((_, b)) if b >= s => best,
                        _ => Some((c, s)),
                    },
                )?;
            if score <= rule_now {
                return None;
            }
            RemedyKind::Choose {
                to: to.clone(),
                score,
            }
        }
        FactKind::Amount | FactKind::Count | FactKind::Rate => {
            let now = match current {
                Some(FactValue::Number(n)) => *n,
                _ => match decl.default {
                    Some(DefaultValue::Number(n)) => n,
                    _ => return None,
                },
            };
            search(rubric, facts, options, leaf, f, now, full)?
        }
    };
    Some(Remedy {
        fact: Some(f),
        kind,
        effect: None,
    })
}

/// Units of a figure's precision: 1 for a count, 0.01 for an amount, 0.0001 (0.01%) for a
/// rate, or finer when the file writes it finer.
fn precision(kind: &FactKind, value: Decimal) -> u32 {
    let least = match kind {
        FactKind::Count => 0,
        FactKind::Rate => 4,
        _ => 2,
    };
    value.scale().max(least)
}

/// The furthest step from `ok` (allowed) towards `bad` (not allowed) still allowed.
fn last_valid(at: &impl Fn(i128) -> Option<Decimal>, mut ok: i128, mut bad: i128) -> i128 {
    while (bad - ok).abs() > 1 {
        let mid = ok + (bad - ok) / 2;
        if at(mid).is_some() {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    ok
}

/// Steps of the search, each doubling the distance from the file's value.
const MAX_DOUBLINGS: u32 = 48;

fn search(
    rubric: &Plan<'_>,
    facts: &Facts,
    options: Options,
    leaf: usize,
    f: usize,
    now: Decimal,
    full: Decimal,
) -> Option<RemedyKind> {
    let scale = precision(&rubric.facts[f].kind, now);
    let unit = Decimal::new(1, scale);
    let at = |k: i128| -> Option<Decimal> {
        let value = now.checked_add(unit.checked_mul(Decimal::from_i128_with_scale(k, 0))?)?;
        if value.is_sign_negative() {
            return None;
        }
        score_with(rubric, facts, options, leaf, f, FactValue::Number(value))
    };
    let start = at(0)?;
    let mut best: (Decimal, i128) = (start, 0);
    let mut found: Option<i128> = None;
    for direction in [1i128, -1] {
        // Double the step until the score reaches full marks, falls, or the figures stop
        // being possible.
        let (mut below, mut below_score) = (0i128, start);
        let mut step = 1i128;
        let mut hit = None;
        for _ in 0..MAX_DOUBLINGS {
            let (mut k, mut s, mut last) = match at(direction * step) {
                Some(s) => (direction * step, s, false),
                None => {
                    // Past what the figures allow (a negative amount, more on time than
                    // planned): the furthest value still allowed is the last one tried.
                    let edge = last_valid(&at, below, direction * step);
                    match at(edge) {
                        Some(s) if edge != below => (edge, s, true),
                        _ => break,
                    }
                }
            };
            if s < below_score {
                // The score rose and then fell (a purchase that may not exceed its plan):
                // the step jumped over the top. Find where it stops holding, and stop.
                let (mut ok, mut past) = (below, k);
                while (past - ok).abs() > 1 {
                    let mid = ok + (past - ok) / 2;
                    match at(mid) {
                        Some(m) if m >= below_score => ok = mid,
                        _ => past = mid,
                    }
                }
                if ok == below {
                    break;
                }
                (k, s, last) = (ok, at(ok).unwrap_or(below_score), true);
            }
            if s > best.0 {
                best = (s, k);
            }
            if s >= full {
                hit = Some(k);
                break;
            }
            (below, below_score) = (k, s);
            if last {
                break;
            }
            step = step.checked_mul(2)?;
        }
        let Some(mut reached) = hit else { continue };
        // Bisect between `below` (short of full marks) and `reached` (full marks).
        while (reached - below).abs() > 1 {
            let mid = below + (reached - below) / 2;
            match at(mid) {
                Some(s) if s >= full => reached = mid,
                _ => below = mid,
            }
        }
        if found.is_none_or(|k| reached.abs() < k.abs()) {
            found = Some(reached);
        }
    }
    if found.is_none() && best.1 != 0 {
        // The best score found, at the value nearest the file's that still gives it.
        let (score, mut far) = best;
        let mut near = 0i128;
        while (far - near).abs() > 1 {
            let mid = near + (far - near) / 2;
            match at(mid) {
                Some(s) if s >= score => far = mid,
                _ => near = mid,
            }
        }
        best = (score, far);
    }
    let value_at = |k: i128| {
        now.checked_add(unit.checked_mul(Decimal::from_i128_with_scale(k, 0))?)
            .map(|v| {
                let mut v = v;
                v.rescale(scale);
                v
            })
    };
    match found {
        Some(k) => Some(RemedyKind::Value {
            current: now,
            needed: value_at(k)?,
        }),
        None => {
            let (score, k) = best;
            if k == 0 {
                // The rule's score does not rise with this fact.
                return None;
            }
            Some(RemedyKind::Short {
                value: value_at(k)?,
                score,
            })
        }
    }
}
