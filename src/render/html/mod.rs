//! The 自评 report as one self-contained HTML5 file, for the finance officer who signs it:
//! the department, year, rubric and receipt; the total, grade and first-level subtotals;
//! a chart of the points lost per indicator (inline SVG, legible in black and white, the
//! numbers printed on it); the 附件一 table with its basis column; and, for every
//! indicator that lost points or was set by hand, its explanation: the framework's texts,
//! each part's rule, the facts with their values and where they were read, the values
//! computed, the rounding and the override.
//!
//! Nothing is fetched: the styles are inline, the fonts are the reader's own (a CJK font
//! stack), the chart is markup, and there is no script. The markup is built with `maud`,
//! which escapes every text it is given. It prints on A4: each section starts a page, the
//! table's header row repeats, and no row is split across pages.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;
use rust_i18n::t;

use super::Render;
use crate::number::plain;
use crate::score::receipt::receipt;
use crate::score::{LeafTrace, Report};

mod chart;
mod explanation;

pub use chart::{LostBar, lost_chart};

/// The HTML report renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

/// Marks an overridden score, as in the table.
const OVERRIDE_MARK: &str = "*";

const STYLE: &str = include_str!("report.css");

impl Render<Report<'_>> for Html {
    fn render(&self, report: &Report<'_>) -> Vec<u8> {
        let markup = page(report).into_string();
        // Controls and bidirectional overrides are not allowed in an HTML document (and
        // could disguise text); they are written as `\u{…}`, as on a terminal.
        super::for_terminal(&markup).into_owned().into_bytes()
    }
}

/// Points lost by indicator `i`: its points less its score (never negative).
fn lost(report: &Report<'_>, i: usize) -> Decimal {
    less(report, report.rubric.indicators[i].points, report.scores[i])
}

/// `points − score`, never negative, with the scores' decimals (`1.00`, not `1`).
fn less(report: &Report<'_>, points: Decimal, score: Decimal) -> Decimal {
    let mut d = points
        .checked_sub(score)
        .filter(|d| !d.is_sign_negative())
        .unwrap_or(Decimal::ZERO);
    d.rescale(report.rubric.rounding.scale);
    d
}

/// Leaves that lost points or whose score was set by hand, most points lost first.
fn leaves_to_explain<'r>(report: &'r Report<'_>) -> Vec<(usize, &'r LeafTrace)> {
    let mut out: Vec<(usize, &'r LeafTrace)> = report
        .rubric
        .preorder()
        .into_iter()
        .filter(|&i| !report.not_applicable(i))
        .filter_map(|i| report.leaf(i).map(|t| (i, t)))
        .filter(|&(i, t)| t.override_applied() || lost(report, i) > Decimal::ZERO)
        .collect();
    out.sort_by_key(|&(i, _)| std::cmp::Reverse(lost(report, i)));
    out
}

/// A catalogue message whose placeholders hold markup (a `<strong>` figure, a `<code>`
/// formula): its own text escaped, each `%{name}` replaced by the markup given for it.
/// A placeholder with no markup given is left as it is written.
fn rich(template: &str, parts: &[(&str, Markup)]) -> Markup {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(at) = rest.find("%{") {
        let (text, after) = rest.split_at(at);
        out.push_str(&html! { (text) }.into_string());
        let Some(end) = after.find('}') else {
            rest = after;
            break;
        };
        let name = &after[2..end];
        match parts.iter().find(|(n, _)| *n == name) {
            Some((_, markup)) => out.push_str(&markup.0),
            None => out.push_str(&html! { (&after[..=end]) }.into_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(&html! { (rest) }.into_string());
    PreEscaped(out)
}

fn page(report: &Report<'_>) -> Markup {
    let rubric = report.rubric;
    let facts = report.facts;
    let title = t!(
        "html.title",
        department = facts.department,
        year = facts.year,
        rubric = rubric.meta.title
    );
    let generator = format!("perfeval {}", env!("CARGO_PKG_VERSION"));
    let body = html! {
                section.overview {
                    (header(report))
                    (summary(report))
                    (chart_section(report))
                }
                section.page.appendix-section {
                    (appendix(report))
                }
                @let leaves = leaves_to_explain(report);
                @if !leaves.is_empty() {
                    section.page.explanations {
                        h2 { (t!("html.explanations_heading")) }
                        p { (t!("html.explanations_intro")) }
                        @for (i, trace) in leaves {
                            (explanation::leaf_explanation(report, i, trace))
                        }
                    }
                }
    };
    document(&title, Some(&generator), STYLE, body)
}

/// A whole self-contained page in the language of the run: its title, its style inline,
/// and `generator` when given. The report and the comparison page share it.
pub(crate) fn document(title: &str, generator: Option<&str>, style: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(crate::lang::current().locale()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(generator) = generator {
                    meta name="generator" content=(generator);
                }
                title { (title) }
                style { (PreEscaped(style)) }
            }
            body { (body) }
        }
    }
}

fn header(report: &Report<'_>) -> Markup {
    let rubric = report.rubric;
    let facts = report.facts;
    let r = receipt(report);
    html! {
        header {
            h1 { (facts.department) }
            p.subtitle {
                (t!(
                    "html.subtitle",
                    year = facts.year,
                    rubric = rubric.meta.title,
                    id = rubric.meta.id,
                    version = rubric.meta.version
                ))
            }
            @if !rubric.meta.document.is_empty() {
                p { (t!("html.document", document = rubric.meta.document)) }
            }
            @if let Some(notice) = super::rescored_notice(report) {
                p.notice { (notice) }
            }
            @if let Some(note) = strict_note(report) {
                p.notice { (note) }
            }
            @let what_if = super::whatif::lines(report);
            @if let Some((head, rest)) = what_if.split_first() {
                div.notice {
                    p { strong { (head) } }
                    ul {
                        @for line in rest {
                            li { (line.trim()) }
                        }
                    }
                }
            }
            div.receipt {
                dl {
                    dt { (t!("html.receipt_version")) } dd { (r.perfeval_version) }
                    dt { (t!("html.receipt_rubric")) }
                    dd {
                        (t!(
                            "html.receipt_rubric_value",
                            id = r.rubric_id,
                            version = r.rubric_version,
                            source = r.rubric_source
                        ))
                    }
                    dt { (t!("html.receipt_rubric_sha256")) } dd.hash { (r.rubric_sha256) }
                    @if r.rubric_chain.len() > 1 {
                        @for layer in &r.rubric_chain {
                            dt { (t!("html.receipt_layer")) }
                            dd {
                                (t!(
                                    "html.receipt_rubric_value",
                                    id = layer.id,
                                    version = layer.version,
                                    source = layer.source
                                ))
                                " "
                                span.hash { (layer.sha256) }
                            }
                        }
                    }
                    dt { (t!("html.receipt_facts")) } dd { (r.facts_file) }
                    dt { (t!("html.receipt_facts_sha256")) } dd.hash { (r.facts_sha256) }
                }
            }
        }
    }
}

fn strict_note(report: &Report<'_>) -> Option<String> {
    if !report.options.strict {
        return None;
    }
    let ignored = report
        .leaves
        .iter()
        .filter(|l| l.as_ref().is_some_and(|l| l.override_.is_some()))
        .count();
    (ignored > 0).then(|| t!("html.strict_note", count = ignored).into_owned())
}

fn summary(report: &Report<'_>) -> Markup {
    let rubric = report.rubric;
    let levels = &rubric.meta.levels;
    let first = match levels.first() {
        Some(name) => std::borrow::Cow::Borrowed(name.as_str()),
        None => t!("html.col_indicator"),
    };
    html! {
        div.summary {
            div.headline {
                div { (t!("html.total")) }
                div.total { (report.total) }
                div { (t!("html.full_marks", total = plain(rubric.meta.total))) }
                div.grade {
                    (rich(&t!("html.grade"), &[("grade", html! { strong { (report.grade) } })]))
                }
            }
            table.subtotals {
                thead {
                    tr {
                        th { (first) }
                        th { (t!("html.col_points")) }
                        th { (t!("html.col_score")) }
                        th { (t!("html.col_lost")) }
                    }
                }
                tbody {
                    @for &r in rubric.roots() {
                        tr {
                            td { (rubric.indicators[r].name) }
                            @if report.not_applicable(r) {
                                td.num { "/" } td.num { (t!("html.not_applicable")) } td.num { "" }
                            } @else {
                                td.num { (plain(rubric.indicators[r].points)) }
                                td.num { (report.scores[r]) }
                                td.num { (lost(report, r)) }
                            }
                        }
                    }
                    tr.total-row {
                        td { (t!("html.total")) }
                        td.num { (plain(rubric.meta.total)) }
                        td.num { (report.total) }
                        td.num {
                            (less(report, rubric.meta.total, report.total))
                        }
                    }
                }
            }
        }
    }
}

fn chart_section(report: &Report<'_>) -> Markup {
    let bars: Vec<LostBar> = leaves_to_explain(report)
        .into_iter()
        .map(|(i, trace)| LostBar {
            name: report.rubric.indicators[i].name.clone(),
            lost: lost(report, i),
            rule_lost: if trace.override_applied() {
                Some(
                    trace
                        .rule_score
                        .map(|s| less(report, report.rubric.indicators[i].points, s)),
                )
            } else {
                None
            },
        })
        .collect();
    html! {
        section.chart {
            h2 { (t!("html.chart_heading")) }
            @if bars.is_empty() {
                p { (t!("html.chart_none")) }
            } @else {
                figure {
                    (lost_chart(&bars))
                    figcaption.legend {
                        (t!("html.chart_legend"))
                        @if bars.iter().any(|b| b.rule_lost.is_some()) {
                            " " (t!("html.chart_legend_override", mark = OVERRIDE_MARK))
                        }
                    }
                }
            }
        }
    }
}

/// The 附件一 table: a column per level with each parent's name spanning the rows beneath
/// it and its subtotal on its own row (小计), then 分值, 得分 and 依据; the total with
/// the grade; the notes of overrides below.
fn appendix(report: &Report<'_>) -> Markup {
    let rubric = report.rubric;
    let levels = &rubric.meta.levels;
    let depth = levels.len().max(1);
    let order = rubric.preorder();
    let span = rubric.row_spans();
    html! {
        h2 { (t!("html.appendix_heading", rubric = rubric.meta.title)) }
        p {
            (t!(
                "html.appendix_unit",
                department = report.facts.department,
                year = report.facts.year
            ))
        }
        table.appendix {
            thead {
                tr {
                    @for (l, name) in levels.iter().enumerate() {
                        th.lvl.last-level[l + 1 == depth] scope="col" { (name) }
                    }
                    th.pts scope="col" { (t!("html.col_points")) }
                    th.score scope="col" { (t!("html.col_score")) }
                    th scope="col" { (t!("html.col_basis")) }
                }
            }
            tbody {
                @for &i in &order {
                    @let ind = &rubric.indicators[i];
                    @let level = ind.level.clamp(1, depth);
                    @let is_parent = !ind.children.is_empty();
                    @let trace = report.leaf(i).filter(|l| l.override_applied());
                    tr.subtotal[is_parent] {
                        @if is_parent {
                            td.level rowspan=(span[i]) { (ind.name) }
                            @if level < depth {
                                td colspan=(depth - level) { (t!("html.subtotal")) }
                            }
                        } @else {
                            td colspan=(depth - level + 1) { (ind.name) }
                        }
                        @if report.not_applicable(i) {
                            td.num { "/" }
                            td.num { (t!("html.not_applicable")) }
                        } @else {
                            td.num { (plain(ind.points)) }
                            td.num {
                                (report.scores[i])
                                @if trace.is_some() { (OVERRIDE_MARK) }
                            }
                        }
                        td.basis { (super::basis::basis_with_override(report, i)) }
                    }
                }
                tr.total-row {
                    td colspan=(depth) { (t!("html.total")) }
                    td.num { (plain(rubric.meta.total)) }
                    td.num { (report.total) }
                    td { (t!("html.grade", grade = report.grade)) }
                }
            }
        }
        div.notes {
            p {
                (t!(
                    "html.total_line",
                    total = report.total,
                    full = plain(rubric.meta.total),
                    grade = report.grade
                ))
            }
            @for (i, leaf) in report.overridden() {
                @if let Some(note) = super::basis::override_note(leaf) {
                    p {
                        (t!(
                            "html.override_note",
                            mark = OVERRIDE_MARK,
                            name = rubric.indicators[i].name,
                            note = note
                        ))
                    }
                }
            }
        }
    }
}
