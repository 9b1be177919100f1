//! `[[plausibility]]` and `[[consistency]]`: the rules figures must satisfy.

use super::*;

/// A `[[plausibility]]` table: a condition on facts that must hold for them to be real.
pub(super) fn read_plausibility(
    mut t: Table<'_, '_>,
    facts: &[FactDecl],
    diags: &mut Diagnostics,
) -> Option<PlausibilityRule> {
    let source = t.source;
    t.context = format!(
        "[[plausibility]] {}",
        t.context.trim_start_matches("`plausibility` ")
    );
    let id = t.string("id", Some(&t!("rubric.need_ascii_id")), diags);
    let name = t.string("name", Some(&t!("rubric.need_plausibility_name")), diags);
    let holds = t.string("holds", Some(&t!("rubric.need_holds")), diags);
    let span = t.span.clone();
    t.finish(diags);
    let what = t!("rubric.what_plausibility");
    let names = Names::of_facts(facts, &id, &what);
    let (condition, _) = compile(source, &holds?, &names, Some(Type::Bool), diags)?;
    let id = id?;
    check_id(source, &id, &what, diags);
    Some(PlausibilityRule {
        id: id.into_inner(),
        name: name?.into_inner(),
        condition,
        span,
    })
}

pub(super) fn read_consistency(
    mut t: Table<'_, '_>,
    facts: &[FactDecl],
    diags: &mut Diagnostics,
) -> Option<ConsistencyCheck> {
    let source = t.source;
    t.context = format!(
        "[[consistency]] {}",
        t.context.trim_start_matches("`consistency` ")
    );
    let id = t.string("id", Some(&t!("rubric.need_ascii_id")), diags);
    let name = t.string("name", Some(&t!("rubric.need_consistency_name")), diags);
    let severity = t.string("severity", Some(&t!("rubric.need_severity")), diags);
    let left = t.string("left", None, diags);
    let right = t.string("right", None, diags);
    let tolerance = t.decimal("tolerance", None, diags);
    let stated = t.string("stated", None, diags);
    let computed = t.string("computed", None, diags);
    let holds = t.string("holds", None, diags);
    let span = t.span.clone();
    t.finish(diags);
    let what = t!("rubric.what_consistency");
    let names = Names::of_facts(facts, &id, &what);
    let severity = match severity.as_ref().map(|s| s.get_ref().as_str()) {
        Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some(other) => {
            if let Some(s) = &severity {
                diags.push(
                    Diagnostic::new(t!("rubric.unknown_severity", severity = other))
                        .at(source, s.span())
                        .with_help(t!("rubric.unknown_severity_help")),
                );
            }
            return None;
        }
        None => return None,
    };
    let kind = match (left, right, stated, computed, holds) {
        (None, None, None, None, Some(h)) => {
            let (condition, _) = compile(source, &h, &names, Some(Type::Bool), diags)?;
            ConsistencyKind::Holds { condition }
        }
        (Some(l), Some(r), None, None, None) => {
            let (left, _) = compile(source, &l, &names, Some(Type::Number), diags)?;
            let (right, _) = compile(source, &r, &names, Some(Type::Number), diags)?;
            let tolerance = tolerance.map(Spanned::into_inner).unwrap_or_default();
            if tolerance < Decimal::ZERO {
                diags.push(
                    Diagnostic::new(t!("rubric.negative_tolerance")).at(source, span.clone()),
                );
            }
            ConsistencyKind::Equal {
                left,
                right,
                tolerance,
            }
        }
        (None, None, Some(st), Some(c), None) => {
            let i = facts.iter().position(|f| &f.path == st.get_ref());
            let Some(i) = i.filter(|&i| matches!(facts[i].kind, FactKind::Rate | FactKind::Amount))
            else {
                diags.push(
                    Diagnostic::new(t!("rubric.stated_not_a_figure", path = st.get_ref()))
                        .at(source, st.span()),
                );
                return None;
            };
            if let Some(t) = &tolerance {
                diags.push(
                    Diagnostic::new(t!("rubric.stated_takes_no_tolerance")).at(source, t.span()),
                );
            }
            let (computed, _) = compile(source, &c, &names, Some(Type::Number), diags)?;
            ConsistencyKind::Stated {
                stated: i,
                computed,
            }
        }
        _ => {
            diags.push(Diagnostic::new(t!("rubric.consistency_shape")).at(source, span));
            return None;
        }
    };
    let id = id?;
    check_id(source, &id, &what, diags);
    Some(ConsistencyCheck {
        id: id.into_inner(),
        name: name?.into_inner(),
        severity,
        kind,
        span,
    })
}
