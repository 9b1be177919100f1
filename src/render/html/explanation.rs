//! The report's last section: for every indicator that lost points or was set by hand,
//! its explanation (the framework's texts, each part's rule, the facts and where they
//! were read, the values computed, the rounding and the override).
//!
//! Separate from the rest of the page: it is the largest piece of markup, built from the
//! same pieces `perfeval explain` prints, and the only one that walks a leaf's trace.

use maud::{Markup, html};
use rust_i18n::t;

use super::{OVERRIDE_MARK, lost, rich};
use crate::formula::Value;
use crate::number::{Display, RoundingMode, plain};
use crate::render::basis;
use crate::render::explain::{exact_with_fraction, part_line, show_value};
use crate::rubric::PartKind;
use crate::score::{LeafTrace, Outcome, Report};

fn rounding_name(mode: RoundingMode) -> std::borrow::Cow<'static, str> {
    match mode {
        RoundingMode::HalfAwayFromZero => t!("html.rounding_half_away"),
        RoundingMode::HalfEven => t!("html.rounding_half_even"),
        RoundingMode::Truncate => t!("html.rounding_truncate"),
    }
}

fn part_kind_name(kind: &PartKind) -> std::borrow::Cow<'static, str> {
    match kind {
        PartKind::Formula { .. } => t!("html.kind_formula"),
        PartKind::Tiers { .. } => t!("html.kind_tiers"),
        PartKind::Check { .. } => t!("html.kind_check"),
        PartKind::Deduction { .. } => t!("html.kind_deduction"),
        PartKind::Category { .. } => t!("html.kind_category"),
        PartKind::Judgment { .. } => t!("html.kind_judgment"),
        PartKind::Item { .. } => t!("html.kind_item"),
    }
}

/// One indicator's explanation, from the same pieces `perfeval explain` prints.
pub(super) fn leaf_explanation(report: &Report<'_>, i: usize, trace: &LeafTrace) -> Markup {
    let rubric = report.rubric;
    let ind = &rubric.indicators[i];
    let path = rubric.path_names(i);
    let b = basis(report, i);
    html! {
        article.leaf id=(format!("leaf-{}", ind.id)) {
            h3 {
                (ind.name)
                @if trace.override_applied() { " " (OVERRIDE_MARK) }
            }
            p.path { (path.join(" › ")) " · " code { (ind.id) } }
            @let figures = [
                ("points", html! { strong { (plain(ind.points)) } }),
                ("score", html! { strong { (trace.score) } }),
                ("lost", html! { strong { (lost(report, i)) } }),
                ("rule", html! { (basis::rule_result(trace)) }),
                ("override", html! { (trace.score) }),
            ];
            p {
                @if trace.override_applied() {
                    (rich(&t!("html.leaf_points_overridden"), &figures))
                } @else {
                    (rich(&t!("html.leaf_points"), &figures))
                }
            }
            dl {
                @if !ind.description.is_empty() {
                    dt { (t!("html.description")) } dd.text { (ind.description.trim()) }
                }
                @if !ind.criteria.is_empty() {
                    dt { (t!("html.criteria")) } dd.text { (ind.criteria.trim()) }
                }
                @if !b.is_empty() {
                    dt { (t!("html.basis")) } dd { (b) }
                }
            }
            @if let Some(rule) = ind.rule.as_ref() {
                h4 { (t!("html.rule_heading")) }
                ol {
                    @for v in &rule.vetoes {
                        li {
                            (rich(&t!("html.rule_veto"), &[
                                ("formula", html! { code { (v.formula.text) } }),
                                ("reason", html! { (v.reason) }),
                            ]))
                        }
                    }
                    @for e in &rule.exemptions {
                        li {
                            (rich(&t!("html.rule_exemption"), &[
                                ("formula", html! { code { (e.formula.text) } }),
                                ("reason", html! { (e.reason) }),
                            ]))
                        }
                    }
                    @for (k, part) in rule.parts.iter().enumerate() {
                        @let pt = trace.parts.get(k);
                        li {
                            (rich(&t!("html.part_heading"), &[
                                ("name", html! { strong { (part.name) } }),
                                ("kind", html! { (part_kind_name(&part.kind)) }),
                                ("points", html! { (plain(part.points)) }),
                            ]))
                            pre { (part_line(report, &part.kind, pt.map(|p| &p.detail))) }
                            @if let Some(p) = pt {
                                @if p.raw == p.score {
                                    p { (t!("html.part_score", score = exact_with_fraction(&p.score))) }
                                } @else {
                                    p {
                                        (t!(
                                            "html.part_clamped",
                                            raw = exact_with_fraction(&p.raw),
                                            points = plain(part.points),
                                            score = exact_with_fraction(&p.score)
                                        ))
                                    }
                                }
                            }
                        }
                    }
                }
                @if !trace.facts_used.is_empty() {
                    h4 { (t!("html.facts_heading")) }
                    table.facts {
                        thead {
                            tr {
                                th { (t!("html.col_fact")) }
                                th { (t!("html.col_value")) }
                                th { (t!("html.col_source")) }
                            }
                        }
                        tbody {
                            @for &f in &trace.facts_used {
                                @let decl = &rubric.facts[f];
                                @let entry = report.facts.values[f].as_ref();
                                tr {
                                    td { (decl.label) br; code { (decl.path) } }
                                    td {
                                        (show_value(rubric, f, report))
                                        @if let Some(r) = entry.and_then(|e| e.reason.as_ref()) {
                                            br; (t!("html.fact_reason", reason = r))
                                        }
                                        @if let Some(n) = entry.and_then(|e| e.note.as_ref()) {
                                            br; (t!("html.fact_note", note = n))
                                        }
                                    }
                                    td {
                                        @match (report.facts.changes.iter().find(|c| c.fact == f), entry) {
                                            (Some(c), _) => (t!("html.fact_set", given = c.given)),
                                            (None, Some(e)) => (report.facts.source.at(e.span.start)),
                                            (None, None) => (t!("html.fact_default")),
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !trace.lets.is_empty() {
                    h4 { (t!("html.values_heading")) }
                    table.values {
                        thead {
                            tr {
                                th { (t!("html.col_name")) }
                                th { (t!("html.col_formula")) }
                                th { (t!("html.col_let_value")) }
                            }
                        }
                        tbody {
                            @for (k, v) in &trace.lets {
                                @let l = &rule.lets[*k];
                                tr {
                                    td {
                                        @if let Some(label) = &l.label { (label) br; }
                                        code { (l.name) }
                                    }
                                    td { code { (l.formula.text) } }
                                    td {
                                        @match v {
                                            Value::Number(n) if l.display == Display::Percent => {
                                                (t!(
                                                    "html.percent_value",
                                                    exact = exact_with_fraction(n),
                                                    percent = n.show_percent()
                                                ))
                                            }
                                            Value::Number(n) => (exact_with_fraction(n)),
                                            Value::Bool(true) => (t!("html.yes")),
                                            Value::Bool(false) => (t!("html.no")),
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                h4 { (t!("html.result_heading")) }
                ul.result {
                    @match &trace.outcome {
                        Outcome::Vetoed(k) => {
                            li {
                                (t!(
                                    "html.result_vetoed",
                                    reason = rule.vetoes.get(*k).map_or("", |v| v.reason.as_str())
                                ))
                            }
                        }
                        Outcome::Exempt(k) => {
                            li {
                                (t!(
                                    "html.result_exempt",
                                    reason = rule.exemptions.get(*k).map_or("", |e| e.reason.as_str()),
                                    points = plain(ind.points)
                                ))
                            }
                        }
                        Outcome::RuleFailed(why) => {
                            li { (t!("html.result_failed", why = why)) }
                        }
                        Outcome::Scored => {
                            li { (t!("html.result_sum", raw = exact_with_fraction(&trace.raw))) }
                        }
                    }
                    @if !matches!(trace.outcome, Outcome::RuleFailed(_)) {
                        li {
                            (t!(
                                "html.result_rule_score",
                                points = plain(ind.points),
                                rounding = rounding_name(rubric.rounding.mode),
                                scale = rubric.rounding.scale,
                                score = trace.rule_score.map(|s| s.to_string()).unwrap_or_default()
                            ))
                        }
                    }
                    @if let Some(o) = &trace.override_ {
                        @if trace.override_applied() {
                            li {
                                (rich(&t!("html.result_override"), &[
                                    ("score", html! { strong { (trace.score) } }),
                                    ("reason", html! { (o.reason) }),
                                ]))
                            }
                        } @else {
                            li { (t!("html.result_override_ignored", score = o.score)) }
                        }
                    }
                    li {
                        (rich(&t!("html.result_score"), &[
                            ("score", html! { strong { (trace.score) } }),
                            ("points", html! { (plain(ind.points)) }),
                        ]))
                    }
                }
            }
        }
    }
}
