//! What a finding says as values, for `check --format json`: the figures, the facts read
//! with their values and the formulas, under keys that are the same in every language, so
//! that a pipeline reads numbers rather than sentences.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::check::{CheckReport, FactUsed, Figure, RuleResult, Says, ScoredFrom, Unchecked};
use crate::render::json::{exact, wire_fact_value};

fn decimal(d: &Decimal) -> Value {
    Value::String(d.to_string())
}

fn figure(f: &Figure) -> Value {
    json!({ "formula": f.formula, "value": exact(&f.value) })
}

fn rule(r: &RuleResult) -> Value {
    match r {
        RuleResult::Scored(s) => json!({ "score": decimal(s) }),
        // Why, in words, is the message's; the values stay the same in every language.
        RuleResult::Failed(_) => json!({ "failed": true }),
        RuleResult::Unknown => Value::Null,
    }
}

/// The values of `says`, as a JSON object.
pub(super) fn finding_values(check: &CheckReport<'_>, says: &Says) -> Value {
    let rubric = check.report.rubric;
    // Each fact by its path; `null` where the file leaves it to the rubric's default.
    let facts = |used: &[FactUsed]| -> Value {
        let mut map = Map::new();
        for u in used {
            let value = u.value.as_ref().map_or(Value::Null, wire_fact_value);
            map.insert(rubric.facts[u.fact].path.clone(), value);
        }
        Value::Object(map)
    };
    match says {
        Says::Rescored {
            rubric,
            version,
            named,
            set_aside,
        } => {
            json!({ "rubric": rubric, "version": version, "named": named, "set_aside": set_aside })
        }
        Says::NoClaims { required } => json!({ "required": required }),
        Says::NotClaimed { computed, .. } | Says::TotalNotClaimed { computed } => {
            json!({ "computed": decimal(computed) })
        }
        Says::Overridden {
            rule: by_rule,
            claimed,
            score,
            reason,
            ..
        } => json!({
            "rule": rule(by_rule),
            "claimed": claimed.as_ref().map(decimal),
            "score": decimal(score),
            "reason": reason,
        }),
        Says::Differs {
            claimed,
            computed,
            difference,
            from,
            ..
        } => {
            let mut v = json!({
                "claimed": decimal(claimed),
                "computed": decimal(computed),
                "difference": difference.as_ref().map(decimal),
            });
            if let ScoredFrom::Rule { facts: used, .. } = from {
                v["facts"] = facts(used);
            }
            v
        }
        Says::TotalDiffers {
            claimed,
            computed,
            difference,
        } => json!({
            "claimed": decimal(claimed),
            "computed": decimal(computed),
            "difference": difference.as_ref().map(decimal),
        }),
        Says::UnknownIndicator { key, suggestion } => {
            json!({ "key": key, "suggestion": suggestion })
        }
        Says::ClaimNotSum { claimed, sum, .. } | Says::TotalNotSum { claimed, sum } => {
            json!({ "claimed": decimal(claimed), "sum": decimal(sum) })
        }
        Says::GradeOfClaimedTotal {
            claimed,
            total,
            expected,
        } => json!({ "claimed": claimed, "claimed_total": decimal(total), "expected": expected }),
        Says::GradeDiffers {
            claimed,
            computed,
            total,
        } => json!({ "claimed": claimed, "computed": computed, "computed_total": decimal(total) }),
        Says::NotChecked { why, .. } => match why {
            Unchecked::Missing(f) => json!({ "missing_fact": rubric.facts[*f].path }),
            Unchecked::Failed(_) => json!({ "failed": true }),
            Unchecked::NotANumber { formula } => json!({ "not_a_number": formula }),
            Unchecked::DifferenceOverflows => json!({ "overflow": true }),
            Unchecked::CannotRound { formula, value } => {
                json!({ "cannot_round": { "formula": formula, "value": exact(value) } })
            }
        },
        Says::DoesNotHold {
            condition,
            facts: used,
            ..
        } => json!({ "condition": condition, "facts": facts(used) }),
        Says::NotEqual {
            left,
            right,
            difference,
            tolerance,
            facts: used,
            ..
        } => json!({
            "left": figure(left),
            "right": figure(right),
            "difference": exact(difference),
            "tolerance": decimal(tolerance),
            "facts": facts(used),
        }),
        Says::StatedDiffers {
            stated,
            computed,
            rounded,
            percent,
            facts: used,
            ..
        } => json!({
            "stated": decimal(stated),
            "computed": figure(computed),
            "rounded": decimal(rounded),
            "percent": percent,
            "facts": facts(used),
        }),
        // The lint's text is the message, its place in the rubric the SARIF location.
        Says::RubricLint { .. } => json!({}),
    }
}
