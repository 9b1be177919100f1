//! `perfeval diff --format html`: the comparison as one self-contained page (styles
//! inline, no external resource), with the same content as the table. Markup comes from
//! `maud`, which escapes every value.

use maud::{Markup, html};
use rust_i18n::t;

use super::Render;
use super::diff::{
    batch_summary, change_text, fact_line, fact_places, file_change, file_name, grade_text,
    rubric_note, score_text, side_line, summary_lines, total_text,
};
use crate::diff::batch::BatchDiff;
use crate::diff::{Diff, Presence};

#[derive(Debug, Clone, Copy, Default)]
pub struct DiffHtml;

// i18n-exempt: CSS rules (a font stack), not prose
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
    super::html::document(title, None, STYLE, body)
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
            h1 { (t!("diff_html.title")) }
            p {
                (t!("diff_html.old_side", side = side_line(&d.old))) br;
                (t!("diff_html.new_side", side = side_line(&d.new)))
            }
            @if let Some(note) = rubric_note(d) { p { strong { (note) } } }
            table {
                thead {
                    tr {
                        th { (t!("diff_html.col_indicator")) }
                        th { (t!("diff_html.col_old_score")) }
                        th { (t!("diff_html.col_new_score")) }
                        th { (t!("diff_html.col_change")) }
                        th { (t!("diff_html.col_facts_changed")) }
                    }
                }
                tbody {
                    @for i in &d.indicators {
                        tr class=[(i.changed() || i.presence != Presence::Both).then_some("changed")] {
                            td style=(indent(i.level)) {
                                (i.name)
                                @if let Some(old) = &i.old_name { (t!("diff_html.renamed_from", old = old)) }
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
                        td { (t!("diff_html.total")) }
                        td.n { (d.total.old) }
                        td.n { (d.total.new) }
                        td.n { (change_text(Presence::Both, Some(d.total.change))) }
                        td { (t!("diff_html.grade_change", old = d.old.grade, new = d.new.grade)) }
                    }
                }
            }
            @for line in summary_lines(d) { p { (line) } }
            @if !d.other_facts.is_empty() {
                h2 { (t!("diff_html.other_facts_heading")) }
                ul {
                    @for c in &d.other_facts {
                        li {
                            (fact_line(c)) " "
                            span.where { (t!("diff_html.places", places = fact_places(c))) }
                        }
                    }
                }
            }
        };
        page(&t!("diff_html.title"), body)
    }
}

impl Render<BatchDiff> for DiffHtml {
    fn render(&self, d: &BatchDiff) -> Vec<u8> {
        let body = html! {
            h1 { (t!("diff_html.batch_title")) }
            table {
                thead {
                    tr {
                        th { (t!("diff_html.col_file")) }
                        th { (t!("diff_html.col_department")) }
                        th { (t!("diff_html.col_year")) }
                        th { (t!("diff_html.col_old_total")) }
                        th { (t!("diff_html.col_new_total")) }
                        th { (t!("diff_html.col_change")) }
                        th { (t!("diff_html.col_grade")) }
                    }
                }
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
                @if let Some(e) = f.old.as_ref().and_then(|r| r.error.as_ref()) {
                    p { (t!("diff_html.old_unscorable", error = e)) }
                }
                @if let Some(e) = f.new.as_ref().and_then(|r| r.error.as_ref()) {
                    p { (t!("diff_html.new_unscorable", error = e)) }
                }
                @if !f.indicators.is_empty() {
                    table {
                        thead {
                            tr {
                                th { (t!("diff_html.col_indicator")) }
                                th { (t!("diff_html.col_old_score")) }
                                th { (t!("diff_html.col_new_score")) }
                                th { (t!("diff_html.col_change")) }
                            }
                        }
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
        page(&t!("diff_html.batch_title"), body)
    }
}
