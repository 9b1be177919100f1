//! Scoring: `evaluate(&Rubric, &Facts) -> Report`, the one model every output reads.
//!
//! Each leaf indicator is scored on its own: vetoes, then exemptions, then the sum of its
//! parts, each part clamped to its points; the leaf is clamped to its points and rounded
//! as the rubric says. A parent is the sum of its rounded children and the total the sum
//! of the first level. Every fact read and every intermediate value is recorded, so any
//! point can be traced back to its inputs. An indicator that cannot be scored (a missing
//! fact, a zero divisor) is an error; all such errors are reported together.

mod trace;

use std::fmt;

use rust_decimal::Decimal;

use crate::exact::Exact;
use crate::facts::{CheckValue, Direction, FactValue, Facts, ItemValue};
use crate::formula::{EvalError, Formula, Scope, Target, Value};
use crate::rubric::{DefaultValue, NotApplicable, PartKind, Rubric, Tier};

pub use trace::{LeafTrace, Outcome, PartDetail, PartTrace};

/// How to score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Ignore overrides in the facts file and use every rule's own result.
    pub strict: bool,
    /// Scores only: leaves keep their outcome and scores but no parts or named values.
    /// `batch` prints scores, so it need not build what `explain`, the table and JSON
    /// show.
    pub lean: bool,
}

/// The scored rubric: one entry per indicator (same order as `Rubric::indicators`).
#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub rubric: &'a Rubric,
    pub facts: &'a Facts,
    pub options: Options,
    pub scores: Vec<Decimal>,
    /// Present for leaves.
    pub leaves: Vec<Option<LeafTrace>>,
    pub total: Decimal,
    pub grade: String,
    /// The total and grade without the facts changed by `--set`, when any were.
    pub baseline: Option<crate::whatif::Baseline>,
}

/// Indicators that could not be scored.
#[derive(Debug, Clone)]
pub struct ScoreErrors(pub Vec<ScoreError>);

#[derive(Debug, Clone)]
pub struct ScoreError {
    /// Index of the indicator in `Rubric::indicators` (`None` for the total).
    pub index: Option<usize>,
    pub indicator: String,
    pub message: String,
    /// The facts file, for the reader's bearings.
    pub file: String,
    /// The line of the fact most likely at fault (a zero divisor, the last fact read).
    pub line: Option<usize>,
    /// That line's workbook cell (`预算!B3`), when the facts came from a workbook.
    pub cell: Option<String>,
    pub help: Option<String>,
}

impl fmt::Display for ScoreErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "error: cannot score `{}`: {}", e.indicator, e.message)?;
            match (&e.cell, e.line) {
                (Some(cell), _) => writeln!(f, "  --> {} {cell}", e.file)?,
                (None, Some(line)) => writeln!(f, "  --> {}:{line}", e.file)?,
                (None, None) => writeln!(f, "  --> {}", e.file)?,
            }
            if let Some(h) = &e.help {
                writeln!(f, "   = help: {h}")?;
            }
        }
        Ok(())
    }
}

impl<'a> Report<'a> {
    pub fn leaf(&self, i: usize) -> Option<&LeafTrace> {
        self.leaves.get(i).and_then(Option::as_ref)
    }

    /// Whether indicator `i` carries no points because it does not apply: a listed item
    /// written "/" whose points were shared out (or that had none), or a group of only
    /// such items. An item written "/" that the rubric scores anyway (full marks, or 0 of
    /// its weight) keeps its points and is shown with them.
    pub fn not_applicable(&self, i: usize) -> bool {
        let ind = &self.rubric.indicators[i];
        if !ind.points.is_zero() {
            return false;
        }
        if ind.children.is_empty() {
            return self.leaf(i).is_some_and(|l| {
                l.parts.iter().any(|p| {
                    matches!(p.detail, PartDetail::Item { item, .. }
                        if matches!(self.facts.items[item].value, ItemValue::NotApplicable { .. }))
                })
            });
        }
        ind.children.iter().all(|&c| self.not_applicable(c))
    }

    /// Leaves whose reported score comes from an override.
    pub fn overridden(&self) -> impl Iterator<Item = (usize, &LeafTrace)> {
        self.leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.as_ref().filter(|l| l.override_applied()).map(|l| (i, l)))
    }
}

/// Scores every indicator; any indicator that cannot be scored is an error.
pub fn evaluate<'a>(
    rubric: &'a Rubric,
    facts: &'a Facts,
    options: Options,
) -> Result<Report<'a>, ScoreErrors> {
    let (report, errors) = evaluate_lenient(rubric, facts, options)?;
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(ScoreErrors(errors))
    }
}

/// Scores every indicator it can. A leaf that cannot be scored counts 0 in the sums, has
/// no trace, and is listed in the errors; `explain` uses this to show the indicators
/// that do score.
pub fn evaluate_lenient<'a>(
    rubric: &'a Rubric,
    facts: &'a Facts,
    options: Options,
) -> Result<(Report<'a>, Vec<ScoreError>), ScoreErrors> {
    let n = rubric.indicators.len();
    let mut scores = vec![Decimal::ZERO; n];
    let mut leaves: Vec<Option<LeafTrace>> = vec![None; n];
    let mut errors = Vec::new();
    for (i, ind) in rubric.indicators.iter().enumerate() {
        if ind.rule.is_none() {
            continue;
        }
        match score_leaf(rubric, facts, i, options) {
            Ok(trace) => {
                scores[i] = trace.score;
                leaves[i] = Some(trace);
            }
            Err(e) => errors.push(*e),
        }
    }
    // Parents after their children: reverse preorder visits every child first.
    for &i in rubric.preorder().iter().rev() {
        let ind = &rubric.indicators[i];
        if !ind.children.is_empty() {
            scores[i] = sum(
                ind.children.iter().map(|&c| scores[c]),
                rubric.rounding.scale,
            )?;
        }
    }
    let total = sum(
        rubric.roots.iter().map(|&r| scores[r]),
        rubric.rounding.scale,
    )?;
    let grade = rubric.grade_for(total).to_string();
    let report = Report {
        rubric,
        facts,
        options,
        scores,
        leaves,
        total,
        grade,
        baseline: None,
    };
    Ok((report, errors))
}

fn sum(values: impl Iterator<Item = Decimal>, scale: u32) -> Result<Decimal, ScoreErrors> {
    let mut acc = Decimal::ZERO;
    acc.rescale(scale);
    for v in values {
        acc = acc.checked_add(v).ok_or_else(|| {
            ScoreErrors(vec![ScoreError {
                index: None,
                indicator: "total".into(),
                message: "the sum of scores overflows".into(),
                file: String::new(),
                line: None,
                cell: None,
                help: None,
            }])
        })?;
    }
    Ok(acc)
}

/// The names of a list's scoring formulas: `target`, `actual`, `weight`, in that order.
struct ItemScope([Exact; 3]);

impl Scope for ItemScope {
    fn value(&mut self, target: Target) -> Result<Value, EvalError> {
        match target {
            Target::Local(i) if i < 3 => Ok(Value::Number(self.0[i].clone())),
            _ => Err(EvalError::Unresolved(format!("{target:?}"))),
        }
    }
}

/// Gives formulas their values: facts from the file (or their declared default) and the
/// rule's named values, each computed once, on first use.
struct LeafScope<'a> {
    rubric: &'a Rubric,
    facts: &'a Facts,
    indicator: usize,
    lets: Vec<Option<Value>>,
    /// Facts read, in order of first use.
    facts_used: Vec<usize>,
    /// Named values computed, in order of completion.
    lets_done: Vec<usize>,
    /// The last fact found missing, for the help line of the error.
    missing_fact: Option<usize>,
    /// Guards against a named value reading itself through another (rejected at load; kept
    /// so that a bug shows as an error, not a stack overflow).
    in_progress: Vec<usize>,
}

impl LeafScope<'_> {
    fn fact(&mut self, i: usize) -> Result<Option<&FactValue>, String> {
        if !self.facts_used.contains(&i) {
            self.facts_used.push(i);
        }
        Ok(self.facts.values[i].as_ref().map(|e| &e.value))
    }

    fn missing(&mut self, i: usize) -> String {
        self.missing_fact = Some(i);
        let decl = &self.rubric.facts[i];
        format!("missing fact `{}` ({})", decl.path, decl.label)
    }
}

impl Scope for LeafScope<'_> {
    fn value(&mut self, target: Target) -> Result<Value, EvalError> {
        match target {
            Target::Fact(i) => {
                let decl = &self.rubric.facts[i];
                match self.fact(i).map_err(EvalError::Unavailable)? {
                    Some(FactValue::Number(n)) => Ok(Value::Number(Exact::from(*n))),
                    Some(FactValue::Bool(b)) => Ok(Value::Bool(*b)),
                    Some(_) => Err(EvalError::Type(decl.path.clone())),
                    None => match &decl.default {
                        Some(DefaultValue::Number(n)) => Ok(Value::Number(Exact::from(*n))),
                        Some(DefaultValue::Bool(b)) => Ok(Value::Bool(*b)),
                        None => Err(EvalError::Unavailable(self.missing(i))),
                    },
                }
            }
            Target::Local(i) => {
                match self.lets.get(i) {
                    Some(Some(v)) => return Ok(v.clone()),
                    Some(None) => {}
                    None => return Err(EvalError::Unresolved(format!("value #{i}"))),
                }
                if self.in_progress.contains(&i) {
                    return Err(EvalError::Unresolved(format!("value #{i} reads itself")));
                }
                self.in_progress.push(i);
                let rubric = self.rubric;
                let rule = rubric.indicators[self.indicator]
                    .rule
                    .as_ref()
                    .ok_or_else(|| EvalError::Unresolved("rule".into()))?;
                let v = rule.lets[i].formula.eval(self);
                self.in_progress.pop();
                let v = v?;
                self.lets[i] = Some(v.clone());
                self.lets_done.push(i);
                Ok(v)
            }
        }
    }
}

/// The listed item a leaf scores, if it is one.
fn rule_item(rubric: &Rubric, index: usize) -> Option<usize> {
    rubric.indicators[index]
        .rule
        .as_ref()?
        .parts
        .iter()
        .find_map(|p| match p.kind {
            PartKind::Item { item, .. } => Some(item),
            _ => None,
        })
}

/// Why a formula over facts alone could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsEvalError {
    pub message: String,
    /// Set when the cause is a fact the file does not give.
    pub missing: Option<usize>,
}

/// Evaluates a formula that reads facts only (a consistency check), returning its value
/// and the facts it read.
pub fn eval_facts_formula(
    rubric: &Rubric,
    facts: &Facts,
    formula: &Formula,
) -> Result<(Value, Vec<usize>), FactsEvalError> {
    let mut scope = LeafScope {
        rubric,
        facts,
        indicator: 0,
        lets: Vec::new(),
        facts_used: Vec::new(),
        lets_done: Vec::new(),
        missing_fact: None,
        in_progress: Vec::new(),
    };
    match formula.eval(&mut scope) {
        Ok(v) => Ok((v, scope.facts_used)),
        Err(e) => Err(FactsEvalError {
            message: e.to_string(),
            missing: scope
                .facts_used
                .iter()
                .copied()
                .find(|&f| facts.values[f].is_none() && rubric.facts[f].default.is_none()),
        }),
    }
}

fn eval_number(f: &Formula, scope: &mut LeafScope<'_>) -> Result<Exact, String> {
    match f.eval(scope).map_err(|e| e.to_string())? {
        Value::Number(n) => Ok(n),
        Value::Bool(_) => Err(format!(
            "`{}` gave true/false where a number was expected",
            f.text
        )),
    }
}

fn eval_bool(f: &Formula, scope: &mut LeafScope<'_>) -> Result<bool, String> {
    match f.eval(scope).map_err(|e| e.to_string())? {
        Value::Bool(b) => Ok(b),
        Value::Number(_) => Err(format!(
            "`{}` gave a number where true/false was expected",
            f.text
        )),
    }
}

fn clamp(x: &Exact, hi: Decimal) -> Exact {
    if x.is_negative() {
        Exact::ZERO
    } else if x.cmp_decimal(hi).is_gt() {
        Exact::from(hi)
    } else {
        x.clone()
    }
}

fn score_leaf(
    rubric: &Rubric,
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
    let line_of = |f: usize| {
        facts.values[f]
            .as_ref()
            .map(|e| facts.source.position(e.span.start).line)
    };
    // A listed item's problem is on its own lines of the facts file.
    let item_line =
        rule_item(rubric, index).map(|k| facts.source.position(facts.items[k].span.start).line);
    let culprit = if message.starts_with("division by zero") {
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
            let place = if group.is_empty() {
                String::new()
            } else {
                format!(" under [{group}]")
            };
            Some(format!("add `{key} = ...`{place}: {}", decl.meaning))
        }
        None if !scope.facts_used.is_empty() => Some(format!(
            "facts read: {}",
            scope
                .facts_used
                .iter()
                .map(|&f| {
                    let decl = &rubric.facts[f];
                    let value = match facts.values[f].as_ref().map(|e| &e.value) {
                        Some(FactValue::Number(n)) => n.to_string(),
                        Some(FactValue::Bool(b)) => b.to_string(),
                        _ => "…".to_string(),
                    };
                    format!("{} ({}) = {value}", decl.path, decl.label)
                })
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => None,
    };
    // A missing fact points at the table it belongs in, when the file has one.
    let line = match scope.missing_fact {
        Some(f) => {
            let path = &rubric.facts[f].path;
            let group = path.rsplit_once('.').map_or("", |(g, _)| g);
            facts
                .groups
                .iter()
                .find(|(g, _)| g == group)
                .map(|(_, span)| facts.source.position(span.start).line)
        }
        None => item_line.or_else(|| culprit.and_then(line_of)),
    };
    Err(Box::new(ScoreError {
        index: Some(index),
        indicator: ind.name.clone(),
        message,
        file: crate::diagnostic::show_path(facts.source.name()),
        line,
        cell: line
            .and_then(|l| facts.source.cell_of_line(l))
            .map(|c| c.reference()),
        help,
    }))
}

fn score_rule(scope: &mut LeafScope<'_>, options: Options) -> Result<LeafTrace, String> {
    let (rubric, facts, index) = (scope.rubric, scope.facts, scope.indicator);
    let ind = &rubric.indicators[index];
    let Some(rule) = ind.rule.as_ref() else {
        return Err("internal error: not a leaf".into());
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
                total = total.checked_add(&score).ok_or_else(|| {
                    "the sum of the parts cannot be held exactly (beyond 128 bits)".to_string()
                })?;
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
        .ok_or_else(|| {
            format!(
                "the score {} cannot be rounded to a decimal",
                raw.fraction()
            )
        })?;
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

fn score_part(
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
fn find_tier(tiers: &[Tier], x: &Exact) -> Option<usize> {
    tiers.iter().position(|t| t.contains(x))
}
