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
    let id = t.string("id", Some("a unique ASCII id"), diags);
    let name = t.string("name", Some("what must hold, in words"), diags);
    let holds = t.string(
        "holds",
        Some("the condition, e.g. \"fixed_assets.in_use <= fixed_assets.total\""),
        diags,
    );
    let span = t.span.clone();
    t.finish(diags);
    let names = Names::of_facts(facts, &id, "plausibility rule");
    let (condition, _) = compile(source, &holds?, &names, Some(Type::Bool), diags)?;
    let id = id?;
    check_id(source, &id, "plausibility rule", diags);
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
    let id = t.string("id", Some("a unique ASCII id"), diags);
    let name = t.string("name", Some("what is checked, in words"), diags);
    let severity = t.string("severity", Some("\"error\" or \"warning\""), diags);
    let left = t.string("left", None, diags);
    let right = t.string("right", None, diags);
    let tolerance = t.decimal("tolerance", None, diags);
    let stated = t.string("stated", None, diags);
    let computed = t.string("computed", None, diags);
    let holds = t.string("holds", None, diags);
    let span = t.span.clone();
    t.finish(diags);
    let names = Names::of_facts(facts, &id, "consistency check");
    let severity = match severity.as_ref().map(|s| s.get_ref().as_str()) {
        Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some(other) => {
            if let Some(s) = &severity {
                diags.push(
                    Diagnostic::new(format!("unknown severity `{other}`"))
                        .at(source, s.span())
                        .with_help("use \"error\" or \"warning\""),
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
                    Diagnostic::new("`tolerance` cannot be negative").at(source, span.clone()),
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
                    Diagnostic::new(format!(
                        "`stated` must name a declared `rate` or `amount` fact, found `{}`",
                        st.get_ref()
                    ))
                    .at(source, st.span()),
                );
                return None;
            };
            if let Some(t) = &tolerance {
                diags.push(
                    Diagnostic::new("a `stated` check compares at the precision the figure was written with; it takes no `tolerance`")
                        .at(source, t.span()),
                );
            }
            let (computed, _) = compile(source, &c, &names, Some(Type::Number), diags)?;
            ConsistencyKind::Stated {
                stated: i,
                computed,
            }
        }
        _ => {
            diags.push(
                Diagnostic::new("a consistency check has `left` and `right`, or `stated` and `computed`, or `holds`")
                    .at(source, span),
            );
            return None;
        }
    };
    let id = id?;
    check_id(source, &id, "consistency check", diags);
    Some(ConsistencyCheck {
        id: id.into_inner(),
        name: name?.into_inner(),
        severity,
        kind,
        span,
    })
}
