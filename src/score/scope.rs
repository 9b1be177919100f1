//! What a rule's formulas see: facts, the rule's values, a listed item's figures.

use super::*;
use rust_i18n::t;

/// The names of a list's scoring formulas: `target`, `actual`, `weight`, in that order.
pub(super) struct ItemScope(pub(super) [Exact; 3]);

impl Scope for ItemScope {
    fn number(&mut self, target: Target) -> Result<Exact, EvalError> {
        match target {
            Target::Local(i) if i < 3 => Ok(self.0[i].clone()),
            _ => Err(not_in_scope(target)),
        }
    }

    fn boolean(&mut self, target: Target) -> Result<bool, EvalError> {
        Err(not_in_scope(target))
    }
}

/// A target the scope has no value for: the loader bound it elsewhere.
fn not_in_scope(target: Target) -> EvalError {
    EvalError::Internal(format!("{target:?}"))
}

/// A target whose value is not of the type the loader resolved it to.
fn not_of_type(name: &str) -> EvalError {
    EvalError::Internal(t!("formula.not_of_type", name = name).into_owned())
}

/// Gives formulas their values: facts from the file (or their declared default) and the
/// rule's named values, each computed once, on first use.
pub(super) struct LeafScope<'a> {
    pub(super) rubric: &'a Plan<'a>,
    pub(super) facts: &'a Facts,
    pub(super) indicator: usize,
    pub(super) lets: Vec<Option<Value>>,
    /// Facts read, in order of first use.
    pub(super) facts_used: Vec<usize>,
    /// Named values computed, in order of completion.
    pub(super) lets_done: Vec<usize>,
    /// The last fact found missing, for the help line of the error.
    pub(super) missing_fact: Option<usize>,
    /// Whether the last formula failed on a zero divisor: the error then points at the
    /// fact that is 0. Kept beside the message, which is in the reader's language.
    pub(super) division_by_zero: bool,
    /// Guards against a named value reading itself through another (rejected at load; kept
    /// so that a bug shows as an error, not a stack overflow).
    pub(super) in_progress: Vec<usize>,
}

impl LeafScope<'_> {
    pub(super) fn fact(&mut self, i: usize) -> Result<Option<&FactValue>, String> {
        if !self.facts_used.contains(&i) {
            self.facts_used.push(i);
        }
        Ok(self.facts.values[i].as_ref().map(|e| &e.value))
    }

    pub(super) fn missing(&mut self, i: usize) -> String {
        self.missing_fact = Some(i);
        let decl = &self.rubric.facts[i];
        t!("score.missing_fact", path = decl.path, label = decl.label).into_owned()
    }
}

impl LeafScope<'_> {
    /// A target's value, of either type.
    fn value(&mut self, target: Target) -> Result<Value, EvalError> {
        match target {
            Target::Fact(i) => {
                let decl = &self.rubric.facts[i];
                match self.fact(i).map_err(EvalError::Unavailable)? {
                    Some(FactValue::Number(n)) => Ok(Value::Number(Exact::from(*n))),
                    Some(FactValue::Bool(b)) => Ok(Value::Bool(*b)),
                    Some(_) => Err(not_of_type(&decl.path)),
                    None => match &decl.default {
                        Some(DefaultValue::Number(n)) => Ok(Value::Number(Exact::from(*n))),
                        Some(DefaultValue::Bool(b)) => Ok(Value::Bool(*b)),
                        None => Err(EvalError::Unavailable(self.missing(i))),
                    },
                }
            }
            Target::Local(i) => {
                let rubric = self.rubric;
                let (Some(cached), Some(value)) = (
                    self.lets.get(i),
                    rubric.indicators[self.indicator]
                        .rule
                        .as_ref()
                        .and_then(|rule| rule.lets.get(i)),
                ) else {
                    return Err(not_in_scope(target));
                };
                if let Some(v) = cached {
                    return Ok(v.clone());
                }
                if self.in_progress.contains(&i) {
                    return Err(EvalError::Internal(
                        t!("score.value_reads_itself", index = i).into_owned(),
                    ));
                }
                self.in_progress.push(i);
                let v = value.formula.eval(self);
                self.in_progress.pop();
                let v = v?;
                self.lets[i] = Some(v.clone());
                self.lets_done.push(i);
                Ok(v)
            }
        }
    }

    /// The name a target is written as, for an internal error.
    fn name_of(&self, target: Target) -> String {
        let rule = self.rubric.indicators[self.indicator].rule.as_ref();
        match target {
            Target::Fact(i) => self.rubric.facts.get(i).map(|f| f.path.clone()),
            Target::Local(i) => rule.and_then(|r| r.lets.get(i)).map(|l| l.name.clone()),
        }
        .unwrap_or_else(|| format!("{target:?}"))
    }
}

impl Scope for LeafScope<'_> {
    fn number(&mut self, target: Target) -> Result<Exact, EvalError> {
        match self.value(target)? {
            Value::Number(n) => Ok(n),
            Value::Bool(_) => Err(not_of_type(&self.name_of(target))),
        }
    }

    fn boolean(&mut self, target: Target) -> Result<bool, EvalError> {
        match self.value(target)? {
            Value::Bool(b) => Ok(b),
            Value::Number(_) => Err(not_of_type(&self.name_of(target))),
        }
    }
}

/// The listed item a leaf scores, if it is one.
pub(super) fn rule_item(rubric: &Plan<'_>, index: usize) -> Option<usize> {
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
    // Facts only: no indicator of the file's is read.
    let plan = Plan::of(rubric);
    let mut scope = LeafScope {
        rubric: &plan,
        facts,
        indicator: 0,
        lets: Vec::new(),
        facts_used: Vec::new(),
        lets_done: Vec::new(),
        missing_fact: None,
        division_by_zero: false,
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

/// A formula's value, or its error as a message (noting a zero divisor).
fn eval(f: &Formula, scope: &mut LeafScope<'_>) -> Result<Value, String> {
    f.eval(scope).map_err(|e| {
        scope.division_by_zero = matches!(e, EvalError::DivisionByZero { .. });
        e.to_string()
    })
}

pub(super) fn eval_number(f: &Formula, scope: &mut LeafScope<'_>) -> Result<Exact, String> {
    match eval(f, scope)? {
        Value::Number(n) => Ok(n),
        Value::Bool(_) => Err(t!("score.bool_for_number", formula = f.text).into_owned()),
    }
}

pub(super) fn eval_bool(f: &Formula, scope: &mut LeafScope<'_>) -> Result<bool, String> {
    match eval(f, scope)? {
        Value::Bool(b) => Ok(b),
        Value::Number(_) => Err(t!("score.number_for_bool", formula = f.text).into_owned()),
    }
}
