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

use super::explain::{exact_with_fraction, part_line, show_value};
use super::{Render, basis};
use crate::formula::Value;
use crate::number::{Display, RoundingMode, plain};
use crate::rubric::PartKind;
use crate::score::receipt::receipt;
use crate::score::{LeafTrace, Outcome, Report};

mod chart;

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

fn rounding_name(mode: RoundingMode) -> &'static str {
    match mode {
        RoundingMode::HalfAwayFromZero => "四舍五入",
        RoundingMode::HalfEven => "四舍六入五成双",
        RoundingMode::Truncate => "截尾",
    }
}

fn part_kind_name(kind: &PartKind) -> &'static str {
    match kind {
        PartKind::Formula { .. } => "公式",
        PartKind::Tiers { .. } => "分档",
        PartKind::Check { .. } => "核查项",
        PartKind::Deduction { .. } => "扣分",
        PartKind::Category { .. } => "按情形",
        PartKind::Judgment { .. } => "评价人评分",
        PartKind::Item { .. } => "列示指标",
    }
}

fn page(report: &Report<'_>) -> Markup {
    let rubric = report.rubric;
    let facts = report.facts;
    let title = format!(
        "{} · {} 年度 · {}",
        facts.department, facts.year, rubric.meta.title
    );
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("perfeval {}", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
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
                        h2 { "扣分及人工调整说明" }
                        p {
                            "以下逐项列出扣分或经人工调整的指标：框架的指标说明和参考评分标准、"
                            "各部分的计分规则、所读取的数据及其出处、计算的中间值、取整和人工调整。"
                        }
                        @for (i, trace) in leaves {
                            (leaf_explanation(report, i, trace))
                        }
                    }
                }
            }
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
                (facts.year) " 年度 · " (rubric.meta.title)
                "（" (rubric.meta.id) " v" (rubric.meta.version) "）"
            }
            @if !rubric.meta.document.is_empty() {
                p { "依据文件：" (rubric.meta.document) }
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
                    dt { "perfeval 版本" } dd { (r.perfeval_version) }
                    dt { "评分体系" }
                    dd { (r.rubric_id) " v" (r.rubric_version) "（" (r.rubric_source) "）" }
                    dt { "评分体系 SHA-256" } dd.hash { (r.rubric_sha256) }
                    @if r.rubric_chain.len() > 1 {
                        @for layer in &r.rubric_chain {
                            dt { "所依据的评分体系" }
                            dd {
                                (layer.id) " v" (layer.version) "（" (layer.source) "） "
                                span.hash { (layer.sha256) }
                            }
                        }
                    }
                    dt { "数据文件" } dd { (r.facts_file) }
                    dt { "数据文件 SHA-256" } dd.hash { (r.facts_sha256) }
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
    (ignored > 0).then(|| {
        format!("--strict：未采用数据文件中的 {ignored} 项人工调整，各项得分均为规则本身的结果")
    })
}

fn summary(report: &Report<'_>) -> Markup {
    let rubric = report.rubric;
    let levels = &rubric.meta.levels;
    let first = levels.first().map_or("指标", String::as_str);
    html! {
        div.summary {
            div.headline {
                div { "总分" }
                div.total { (report.total) }
                div { "满分 " (plain(rubric.meta.total)) }
                div.grade { "等级：" strong { (report.grade) } }
            }
            table.subtotals {
                thead {
                    tr { th { (first) } th { "分值" } th { "得分" } th { "扣分" } }
                }
                tbody {
                    @for &r in &rubric.roots {
                        tr {
                            td { (rubric.indicators[r].name) }
                            @if report.not_applicable(r) {
                                td.num { "/" } td.num { "不适用" } td.num { "" }
                            } @else {
                                td.num { (plain(rubric.indicators[r].points)) }
                                td.num { (report.scores[r]) }
                                td.num { (lost(report, r)) }
                            }
                        }
                    }
                    tr.total-row {
                        td { "总分" }
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
            h2 { "各指标扣分" }
            @if bars.is_empty() {
                p { "所有指标均得满分，没有扣分。" }
            } @else {
                figure {
                    (lost_chart(&bars))
                    figcaption.legend {
                        "实心条：扣分（分值 − 得分），按扣分从多到少排列；条后为扣分数。"
                        @if bars.iter().any(|b| b.rule_lost.is_some()) {
                            " 标 * 的指标得分经人工调整，斜线条为按规则计算应扣的分数。"
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
        h2 { "附件一　" (rubric.meta.title) "评分表" }
        p { (report.facts.department) " · " (report.facts.year) " 年度" }
        table.appendix {
            thead {
                tr {
                    @for (l, name) in levels.iter().enumerate() {
                        th.lvl.last-level[l + 1 == depth] scope="col" { (name) }
                    }
                    th.pts scope="col" { "分值" }
                    th.score scope="col" { "得分" }
                    th scope="col" { "依据" }
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
                                td colspan=(depth - level) { "小计" }
                            }
                        } @else {
                            td colspan=(depth - level + 1) { (ind.name) }
                        }
                        @if report.not_applicable(i) {
                            td.num { "/" }
                            td.num { "不适用" }
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
                    td colspan=(depth) { "总分" }
                    td.num { (plain(rubric.meta.total)) }
                    td.num { (report.total) }
                    td { "等级：" (report.grade) }
                }
            }
        }
        div.notes {
            p { "总分 " (report.total) " / " (plain(rubric.meta.total)) "，等级：" (report.grade) }
            @for (i, leaf) in report.overridden() {
                @if let Some(note) = super::basis::override_note(leaf) {
                    p { (OVERRIDE_MARK) " " (rubric.indicators[i].name) "：" (note) }
                }
            }
        }
    }
}

/// One indicator's explanation, from the same pieces `perfeval explain` prints.
fn leaf_explanation(report: &Report<'_>, i: usize, trace: &LeafTrace) -> Markup {
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
            p {
                "分值 " strong { (plain(ind.points)) }
                "，得分 " strong { (trace.score) }
                "，扣分 " strong { (lost(report, i)) }
                @if trace.override_applied() {
                    "（" (super::basis::rule_result(trace)) "，人工调整为 " (trace.score) "）"
                }
            }
            dl {
                @if !ind.description.is_empty() {
                    dt { "指标说明" } dd.text { (ind.description.trim()) }
                }
                @if !ind.criteria.is_empty() {
                    dt { "参考评分标准" } dd.text { (ind.criteria.trim()) }
                }
                @if !b.is_empty() {
                    dt { "依据" } dd { (b) }
                }
            }
            @if let Some(rule) = ind.rule.as_ref() {
                h4 { "计分规则" }
                ol {
                    @for v in &rule.vetoes {
                        li { "否决：当 " code { (v.formula.text) } " 时得 0 分（" (v.reason) "）" }
                    }
                    @for e in &rule.exemptions {
                        li { "免评：当 " code { (e.formula.text) } " 时得满分（" (e.reason) "）" }
                    }
                    @for (k, part) in rule.parts.iter().enumerate() {
                        @let pt = trace.parts.get(k);
                        li {
                            strong { (part.name) }
                            "（" (part_kind_name(&part.kind)) "，" (plain(part.points)) " 分）"
                            pre { (part_line(report, &part.kind, pt.map(|p| &p.detail))) }
                            @if let Some(p) = pt {
                                @if p.raw == p.score {
                                    p { "本部分得分 " (exact_with_fraction(&p.score)) }
                                } @else {
                                    p {
                                        "本部分计算结果 " (exact_with_fraction(&p.raw))
                                        "，限定在 0–" (plain(part.points)) " 分之间 → "
                                        (exact_with_fraction(&p.score))
                                    }
                                }
                            }
                        }
                    }
                }
                @if !trace.facts_used.is_empty() {
                    h4 { "所用数据" }
                    table.facts {
                        thead {
                            tr { th { "数据项" } th { "数值" } th { "出处" } }
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
                                            br; "理由：" (r)
                                        }
                                        @if let Some(n) = entry.and_then(|e| e.note.as_ref()) {
                                            br; "说明：" (n)
                                        }
                                    }
                                    td {
                                        @match (report.facts.changes.iter().find(|c| c.fact == f), entry) {
                                            (Some(c), _) => { "--set " (c.given) "（假设情形）" }
                                            (None, Some(e)) => (report.facts.source.at(e.span.start)),
                                            (None, None) => "未填写，取默认值",
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !trace.lets.is_empty() {
                    h4 { "中间值" }
                    table.values {
                        thead {
                            tr { th { "名称" } th { "公式" } th { "值" } }
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
                                                (exact_with_fraction(n)) "（" (n.show_percent()) "）"
                                            }
                                            Value::Number(n) => (exact_with_fraction(n)),
                                            Value::Bool(true) => "是",
                                            Value::Bool(false) => "否",
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                h4 { "结果" }
                ul.result {
                    @match &trace.outcome {
                        Outcome::Vetoed(k) => {
                            li { "否决：" (rule.vetoes.get(*k).map_or("", |v| v.reason.as_str())) " → 0" }
                        }
                        Outcome::Exempt(k) => {
                            li {
                                "免评：" (rule.exemptions.get(*k).map_or("", |e| e.reason.as_str()))
                                " → " (plain(ind.points))
                            }
                        }
                        Outcome::RuleFailed(why) => {
                            li { "规则无法计算：" (why) }
                        }
                        Outcome::Scored => {
                            li { "各部分合计 " (exact_with_fraction(&trace.raw)) }
                        }
                    }
                    @if !matches!(trace.outcome, Outcome::RuleFailed(_)) {
                        li {
                            "限定在 0–" (plain(ind.points)) " 分之间，按"
                            (rounding_name(rubric.rounding.mode)) "保留 "
                            (rubric.rounding.scale) " 位小数 → 规则得分 "
                            (trace.rule_score.map(|s| s.to_string()).unwrap_or_default())
                        }
                    }
                    @if let Some(o) = &trace.override_ {
                        @if trace.override_applied() {
                            li { "数据文件中人工调整为 " strong { (trace.score) } "。理由：" (o.reason) }
                        } @else {
                            li { "数据文件中的人工调整（" (o.score) "）未采用（--strict）" }
                        }
                    }
                    li { "得分 " strong { (trace.score) } " / " (plain(ind.points)) }
                }
            }
        }
    }
}
