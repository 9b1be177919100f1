//! JSON output. The wire types here are separate from the engine's, so field names stay
//! stable as the engine changes. Every decimal is a string, so no reader loses digits.
//! A computed value is exact: a decimal string when it terminates, else the fraction
//! (`"43/48"`) with a rounded `…_approx` beside it, never a rounded value alone.

use serde::Serialize;

use super::basis::fact_unit;
use super::{Render, basis};
use crate::exact::Exact;
use crate::facts::{CheckValue, FactValue};
use crate::formula::Value;
use crate::number::plain;
use crate::rubric::PartKind;
use crate::score::receipt::{Receipt, receipt};
use crate::score::{Outcome, PartDetail, Report};

#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

#[derive(Serialize)]
struct WireReport<'a> {
    receipt: Receipt<'a>,
    rubric: WireRubric<'a>,
    department: &'a str,
    year: i64,
    strict: bool,
    points: String,
    total: String,
    grade: &'a str,
    /// Only when `--set` changed facts: which, and how far the total moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    what_if: Option<serde_json::Value>,
    indicators: Vec<WireIndicator<'a>>,
}

#[derive(Serialize)]
struct WireRubric<'a> {
    id: &'a str,
    version: &'a str,
    title: &'a str,
    document: &'a str,
    rounding: WireRounding,
}

#[derive(Serialize)]
struct WireRounding {
    scale: u32,
    mode: &'static str,
}

#[derive(Serialize)]
struct WireIndicator<'a> {
    id: &'a str,
    name: &'a str,
    level: usize,
    points: String,
    score: String,
    /// A listed item written "/": it carries no points this year.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    not_applicable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    leaf: Option<WireLeaf<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<WireIndicator<'a>>,
}

#[derive(Serialize)]
struct WireLeaf<'a> {
    /// "scored", "vetoed", "exempt" or "rule_failed" (then the override gives the score).
    outcome: &'static str,
    outcome_reason: Option<&'a str>,
    /// Sum of the clamped parts before clamping to the indicator and rounding; `null`
    /// when the rule could not be computed.
    raw: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_approx: Option<String>,
    /// `null` when the rule could not be computed (`outcome` is "rule_failed" and
    /// `outcome_reason` says why).
    rule_score: Option<String>,
    #[serde(rename = "override")]
    override_: Option<WireOverride<'a>>,
    basis: String,
    parts: Vec<WirePart<'a>>,
    values: Vec<WireValue<'a>>,
    facts: Vec<WireFact<'a>>,
}

#[derive(Serialize)]
struct WireOverride<'a> {
    score: String,
    reason: &'a str,
    applied: bool,
}

#[derive(Serialize)]
struct WirePart<'a> {
    name: &'a str,
    kind: &'static str,
    points: String,
    raw: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_approx: Option<String>,
    score: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    score_approx: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_approx: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    judged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<&'a str>,
    /// A listed item's own figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<WireItem<'a>>,
}

#[derive(Serialize)]
struct WireItem<'a> {
    level2: Option<&'a str>,
    weight: String,
    /// The weight it was scored against: different when items written "/" were rescaled.
    scored_weight: String,
    unit: &'a str,
    /// "quantitative", "qualitative" or "not_applicable".
    kind: &'static str,
    direction: Option<&'static str>,
    target: Option<String>,
    actual: Option<String>,
    outcome: Option<&'a str>,
    reason: Option<&'a str>,
    met: bool,
    deviation: Option<&'a str>,
}

#[derive(Serialize)]
struct WireValue<'a> {
    name: &'a str,
    label: Option<&'a str>,
    expr: &'a str,
    value: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    approx: Option<String>,
}

#[derive(Serialize)]
struct WireFact<'a> {
    path: &'a str,
    label: &'a str,
    kind: &'static str,
    unit: &'a str,
    value: serde_json::Value,
    reason: Option<&'a str>,
    note: Option<&'a str>,
    /// Whether the value is the rubric's default because the file left the fact out.
    defaulted: bool,
}

fn wire_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Number(n) => serde_json::Value::String(exact(n)),
        Value::Bool(b) => serde_json::Value::Bool(*b),
    }
}

/// The exact value as a string: its decimal expansion, or `n/d` when it has none.
pub(crate) fn exact(v: &Exact) -> String {
    v.exact_decimal().unwrap_or_else(|| v.fraction())
}

/// The rounded value to read beside a fraction; `None` when the value terminates.
pub(crate) fn approx(v: &Exact) -> Option<String> {
    (!v.is_terminating()).then(|| v.approx(crate::exact::APPROX_DIGITS))
}

pub(crate) fn wire_fact_value(v: &FactValue) -> serde_json::Value {
    match v {
        FactValue::Number(n) | FactValue::Judgment(n) => serde_json::Value::String(n.to_string()),
        FactValue::Bool(b) => serde_json::Value::Bool(*b),
        FactValue::Check(CheckValue::Met) => serde_json::Value::Bool(true),
        FactValue::Check(CheckValue::NotMet) => serde_json::Value::Bool(false),
        FactValue::Check(CheckValue::Partial(p)) => serde_json::Value::String(p.to_string()),
        FactValue::Text(t) => serde_json::Value::String(t.clone()),
    }
}

fn leaf<'a>(report: &'a Report<'a>, i: usize) -> Option<WireLeaf<'a>> {
    let trace = report.leaf(i)?;
    let rubric = report.rubric;
    let rule = rubric.indicators[i].rule.as_ref()?;
    let failed = matches!(trace.outcome, Outcome::RuleFailed(_));
    let (outcome, outcome_reason) = match &trace.outcome {
        Outcome::Scored => ("scored", None),
        Outcome::Vetoed(k) => ("vetoed", Some(rule.vetoes[*k].reason.as_str())),
        Outcome::Exempt(k) => ("exempt", Some(rule.exemptions[*k].reason.as_str())),
        Outcome::RuleFailed(why) => ("rule_failed", Some(why.as_str())),
    };
    let parts = rule
        .parts
        .iter()
        .zip(&trace.parts)
        .map(|(p, t)| {
            let mut w = WirePart {
                name: &p.name,
                kind: p.kind.name(),
                points: plain(p.points),
                raw: exact(&t.raw),
                raw_approx: approx(&t.raw),
                score: exact(&t.score),
                score_approx: approx(&t.score),
                tier: None,
                value: None,
                value_approx: None,
                judged: None,
                answer: None,
                item: None,
            };
            match (&t.detail, &p.kind) {
                (
                    PartDetail::Tier {
                        tier,
                        value,
                        judged_by,
                    },
                    PartKind::Tiers { tiers, .. },
                ) => {
                    w.tier = Some(&tiers[*tier].label);
                    w.value = value.as_ref().map(exact);
                    w.value_approx = value.as_ref().and_then(approx);
                    w.judged = Some(judged_by.is_some());
                }
                (PartDetail::Deduction { count }, _) => {
                    w.value = Some(exact(count));
                    w.value_approx = approx(count);
                }
                (PartDetail::Category { answer, .. }, _) => w.answer = Some(answer),
                (PartDetail::Item { item, weight }, PartKind::Item { group, .. }) => {
                    use crate::facts::ItemValue;
                    let it = &report.facts.items[*item];
                    let outcome = |band: usize| {
                        rubric.indicators[*group]
                            .list
                            .as_ref()
                            .and_then(|l| l.bands.get(band))
                            .map(|b| b.outcome.as_str())
                    };
                    let mut wi = WireItem {
                        level2: it.level2.as_deref(),
                        weight: plain(it.weight),
                        scored_weight: plain(*weight),
                        unit: &it.unit,
                        kind: "quantitative",
                        direction: None,
                        target: None,
                        actual: None,
                        outcome: None,
                        reason: None,
                        met: it.value.met(),
                        deviation: it.deviation.as_deref(),
                    };
                    match &it.value {
                        ItemValue::Quantitative {
                            direction,
                            target,
                            actual,
                            ..
                        } => {
                            wi.direction = Some(direction.symbol());
                            wi.target = Some(target.to_string());
                            wi.actual = Some(actual.to_string());
                        }
                        ItemValue::Qualitative { band, reason, .. } => {
                            wi.kind = "qualitative";
                            wi.outcome = outcome(*band);
                            wi.reason = Some(reason);
                        }
                        ItemValue::NotApplicable { reason } => {
                            wi.kind = "not_applicable";
                            wi.reason = Some(reason);
                        }
                    }
                    w.item = Some(wi);
                }
                _ => {}
            }
            w
        })
        .collect();
    let values = trace
        .lets
        .iter()
        .map(|(k, v)| WireValue {
            name: &rule.lets[*k].name,
            label: rule.lets[*k].label.as_deref(),
            expr: &rule.lets[*k].formula.text,
            value: wire_value(v),
            approx: match v {
                Value::Number(n) => approx(n),
                Value::Bool(_) => None,
            },
        })
        .collect();
    let facts = trace
        .facts_used
        .iter()
        .map(|&f| {
            let decl = &rubric.facts[f];
            let entry = report.facts.values[f].as_ref();
            let value = match (entry, &decl.default) {
                (Some(e), _) => wire_fact_value(&e.value),
                (None, Some(crate::rubric::DefaultValue::Number(n))) => {
                    serde_json::Value::String(n.to_string())
                }
                (None, Some(crate::rubric::DefaultValue::Bool(b))) => serde_json::Value::Bool(*b),
                (None, None) => serde_json::Value::Null,
            };
            WireFact {
                path: &decl.path,
                label: &decl.label,
                kind: decl.kind.name(),
                unit: fact_unit(rubric, f),
                value,
                reason: entry.and_then(|e| e.reason.as_deref()),
                note: entry.and_then(|e| e.note.as_deref()),
                defaulted: entry.is_none(),
            }
        })
        .collect();
    Some(WireLeaf {
        outcome,
        outcome_reason,
        raw: (!failed).then(|| exact(&trace.raw)),
        raw_approx: if failed { None } else { approx(&trace.raw) },
        rule_score: trace.rule_score.map(|s| s.to_string()),
        override_: trace.override_.as_ref().map(|o| WireOverride {
            score: o.score.to_string(),
            reason: &o.reason,
            applied: trace.override_applied(),
        }),
        basis: basis(report, i),
        parts,
        values,
        facts,
    })
}

fn node<'a>(report: &'a Report<'a>, i: usize) -> WireIndicator<'a> {
    let ind = &report.rubric.indicators[i];
    WireIndicator {
        id: &ind.id,
        name: &ind.name,
        level: ind.level,
        points: plain(ind.points),
        score: report.scores[i].to_string(),
        not_applicable: report.not_applicable(i),
        leaf: leaf(report, i),
        children: ind.children.iter().map(|&c| node(report, c)).collect(),
    }
}

impl Render<Report<'_>> for Json {
    fn render(&self, report: &Report<'_>) -> Vec<u8> {
        let rubric = report.rubric;
        let wire = WireReport {
            receipt: receipt(report),
            rubric: WireRubric {
                id: &rubric.meta.id,
                version: &rubric.meta.version,
                title: &rubric.meta.title,
                document: &rubric.meta.document,
                rounding: WireRounding {
                    scale: rubric.rounding.scale,
                    mode: rubric.rounding.mode.name(),
                },
            },
            department: &report.facts.department,
            year: report.facts.year,
            strict: report.options.strict,
            points: plain(rubric.meta.total),
            total: report.total.to_string(),
            grade: &report.grade,
            what_if: super::whatif::json(report),
            indicators: rubric.roots().iter().map(|&r| node(report, r)).collect(),
        };
        let mut out = serde_json::to_vec_pretty(&wire).unwrap_or_default();
        out.push(b'\n');
        out
    }
}
