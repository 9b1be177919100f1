//! `perfeval diff --format html`: the comparison as one self-contained page (styles
//! inline, no external resource), with the same content as the table. Markup comes from
//! `maud`, which escapes every value.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Render;
use super::diff::{
    batch_summary, change_text, fact_line, fact_places, file_change, file_name, grade_text,
    rubric_note, score_text, side_line, summary_lines, total_text,
};
use crate::diff::batch::BatchDiff;
use crate::diff::{Diff, Presence};

#[derive(Debug, Clone, Copy, Default)]
pub struct DiffHtml;

const STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;margin:2em;color:#111}\
table{border-collapse:collapse;margin:1em 0}\
th,td{border:1px solid #888;padding:.25em .5em;vertical-align:top}\
th{background:#eee}\
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
tr.changed td{font-weight:bold}\
tr.total td{border-top:2px solid #111;font-weight:bold}\
.facts{font-weight:normal;font-size:.9em}\
.where{color:#555}\
thead{display:table-header-group}\
@media print{body{margin:0}}";

fn page(title: &str, body: Markup) -> Vec<u8> {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
    .into_bytes()
}

/// Indentation by level, as the table's leading spaces.
fn indent(level: usize) -> String {
    format!("padding-left:{}em", level.saturating_sub(1) + 1)
}

impl Render<Diff> for DiffHtml {
    fn render(&self, d: &Diff) -> Vec<u8> {
        let body = html! {
            h1 { "绩效评价对比" }
            p { "原：" (side_line(&d.old)) br; "新：" (side_line(&d.new)) }
            @if let Some(note) = rubric_note(d) { p { strong { (note) } } }
            table {
                thead { tr { th { "指标" } th { "原得分" } th { "新得分" } th { "变化" } th { "变化的事实（原值 → 新值）" } } }
                tbody {
                    @for i in &d.indicators {
                        tr class=[(i.changed() || i.presence != Presence::Both).then_some("changed")] {
                            td style=(indent(i.level)) {
                                (i.name)
                                @if let Some(old) = &i.old_name { "（原：" (old) "）" }
                            }
                            td.n { (score_text(i.old.map(|s| s.score))) }
                            td.n { (score_text(i.new.map(|s| s.score))) }
                            td.n { (change_text(i.presence, i.change)) }
                            td.facts {
                                @for c in &i.facts {
                                    div { (fact_line(c)) br; span.where { (fact_places(c)) } }
                                }
                            }
                        }
                    }
                    tr.total {
                        td { "总分" }
                        td.n { (d.total.old) }
                        td.n { (d.total.new) }
                        td.n { (change_text(Presence::Both, Some(d.total.change))) }
                        td { "等级：" (d.old.grade) " → " (d.new.grade) }
                    }
                }
            }
            @for line in summary_lines(d) { p { (line) } }
            @if !d.other_facts.is_empty() {
                h2 { "未影响得分的事实变化" }
                ul {
                    @for c in &d.other_facts {
                        li { (fact_line(c)) " " span.where { "（" (fact_places(c)) "）" } }
                    }
                }
            }
        };
        page("绩效评价对比", body)
    }
}

impl Render<BatchDiff> for DiffHtml {
    fn render(&self, d: &BatchDiff) -> Vec<u8> {
        let body = html! {
            h1 { "批量评分结果对比" }
            table {
                thead { tr { th { "文件" } th { "单位" } th { "年度" } th { "原总分" } th { "新总分" } th { "变化" } th { "等级" } } }
                tbody {
                    @for f in &d.files {
                        @let row = f.row();
                        tr class=[f.differs().then_some("changed")] {
                            td { (file_name(f)) }
                            td { (row.map_or("", |r| r.department.as_str())) }
                            td { (row.and_then(|r| r.year).map_or(String::new(), |y| y.to_string())) }
                            td.n { (total_text(f.old.as_ref())) }
                            td.n { (total_text(f.new.as_ref())) }
                            td.n { (file_change(f)) }
                            td { (grade_text(f)) }
                        }
                    }
                }
            }
            @for f in d.files.iter().filter(|f| !f.indicators.is_empty() || f.old.as_ref().is_some_and(|r| r.error.is_some()) || f.new.as_ref().is_some_and(|r| r.error.is_some())) {
                h2 { (file_name(f)) }
                @for (side, r) in [("原", &f.old), ("新", &f.new)] {
                    @if let Some(e) = r.as_ref().and_then(|r| r.error.as_ref()) {
                        p { (side) "结果无法评分：" (e) }
                    }
                }
                @if !f.indicators.is_empty() {
                    table {
                        thead { tr { th { "指标" } th { "原得分" } th { "新得分" } th { "变化" } } }
                        tbody {
                            @for i in &f.indicators {
                                tr {
                                    td style=(indent(i.level)) { (i.name) }
                                    td.n { (score_text(i.old)) }
                                    td.n { (score_text(i.new)) }
                                    td.n { (change_text(i.presence, i.change)) }
                                }
                            }
                        }
                    }
                }
            }
            p { (batch_summary(d)) }
        };
        page("批量评分结果对比", body)
    }
}
