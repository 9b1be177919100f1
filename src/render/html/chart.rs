//! The chart of points lost: inline SVG, bars sorted by points lost, each with its
//! number printed, readable in black and white.

use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::OVERRIDE_MARK;

/// One bar of the points-lost chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LostBar {
    /// The indicator's name.
    pub name: String,
    /// Points less score, as reported.
    pub lost: Decimal,
    /// For a score set by hand: what the rule alone would have cost (`Some(None)` when the
    /// rule could not be computed); `None` when the rule's score stands.
    pub rule_lost: Option<Option<Decimal>>,
}

impl LostBar {
    pub fn new(name: &str, lost: Decimal) -> LostBar {
        LostBar {
            name: name.to_string(),
            lost,
            rule_lost: None,
        }
    }
}

/// Chart geometry, in CSS pixels (the SVG's user units).
const FONT_SIZE: u32 = 14;
/// Width of one terminal column of text at `FONT_SIZE` (a CJK character takes two), with
/// a margin for fonts a little wider than the norm.
const COLUMN_PX: u32 = 8;
const ROW_PX: u32 = 30;
const BAR_PX: u32 = 18;
const BAR_MAX_PX: u32 = 320;
const GAP_PX: u32 = 10;
const PAD_PX: u32 = 8;

/// The text printed after a bar.
fn bar_number(bar: &LostBar) -> String {
    match bar.rule_lost {
        None => bar.lost.to_string(),
        Some(Some(r)) => t!(
            "html.bar_rule_lost",
            lost = bar.lost,
            mark = OVERRIDE_MARK,
            rule = r
        )
        .into_owned(),
        Some(None) => t!(
            "html.bar_rule_failed",
            lost = bar.lost,
            mark = OVERRIDE_MARK
        )
        .into_owned(),
    }
}

fn bar_label(bar: &LostBar) -> String {
    if bar.rule_lost.is_some() {
        format!("{} {OVERRIDE_MARK}", bar.name)
    } else {
        bar.name.clone()
    }
}

fn text_px(text: &str) -> u32 {
    u32::try_from(text.width())
        .unwrap_or(u32::MAX / 2)
        .saturating_mul(COLUMN_PX)
}

/// `value / max` of the longest bar, in pixels with one decimal, computed exactly.
fn bar_px(value: Decimal, max: Decimal) -> Decimal {
    if max <= Decimal::ZERO || value <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    value
        .checked_mul(Decimal::from(BAR_MAX_PX))
        .and_then(|v| v.checked_div(max))
        .map_or(Decimal::ZERO, |v| v.round_dp(1).normalize())
}

/// A horizontal bar chart of points lost, as inline SVG: one bar per entry, most points
/// lost first, each labelled with the indicator's name and the number printed after it.
/// Dark bars with a dark outline, and hatching for what the rule alone would have cost,
/// so it reads in black and white; the size follows the names and numbers, so nothing
/// is cut off.
pub fn lost_chart(bars: &[LostBar]) -> Markup {
    let mut bars: Vec<&LostBar> = bars.iter().collect();
    let rule = |b: &LostBar| b.rule_lost.flatten().unwrap_or(Decimal::ZERO);
    bars.sort_by(|a, b| b.lost.cmp(&a.lost).then(rule(b).cmp(&rule(a))));
    let max = bars
        .iter()
        .map(|b| b.lost.max(rule(b)))
        .max()
        .unwrap_or(Decimal::ZERO);
    let label_w = bars
        .iter()
        .map(|b| text_px(&bar_label(b)))
        .max()
        .unwrap_or(0)
        .saturating_add(2 * GAP_PX);
    let number_w = bars
        .iter()
        .map(|b| text_px(&bar_number(b)))
        .max()
        .unwrap_or(0)
        .saturating_add(2 * GAP_PX);
    let rows = u32::try_from(bars.len()).unwrap_or(u32::MAX / ROW_PX);
    let width = label_w
        .saturating_add(BAR_MAX_PX)
        .saturating_add(number_w)
        .saturating_add(PAD_PX);
    let height = rows.saturating_mul(ROW_PX).saturating_add(2 * PAD_PX);
    let axis = Decimal::from(label_w);
    let summary: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", bar_label(b), bar_number(b)))
        .collect();
    html! {
        svg viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height)
            role="img" aria-label=(t!("html.chart_aria", bars = summary.join(&t!("html.list_separator"))))
            font-size=(FONT_SIZE) {
            defs {
                pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6"
                    patternTransform="rotate(45)" {
                    rect width="6" height="6" fill="#ffffff" {}
                    line x1="0" y1="0" x2="0" y2="6" stroke="#111111" stroke-width="2" {}
                }
            }
            line x1=(label_w) y1=(PAD_PX / 2) x2=(label_w) y2=(height - PAD_PX / 2)
                stroke="#111111" stroke-width="1.5" {}
            @for (k, bar) in bars.iter().enumerate() {
                @let top = PAD_PX.saturating_add(
                    u32::try_from(k).unwrap_or(0).saturating_mul(ROW_PX));
                @let bar_top = top + (ROW_PX - BAR_PX) / 2;
                @let text_y = top + ROW_PX / 2 + FONT_SIZE / 2 - 2;
                @let solid = bar_px(bar.lost, max);
                @let hatched = bar_px(rule(bar), max);
                g.bar {
                    text.name x=(label_w - GAP_PX) y=(text_y) text-anchor="end" fill="#111111" {
                        (bar_label(bar))
                    }
                    @if hatched > Decimal::ZERO {
                        rect.rule x=(label_w) y=(bar_top) width=(hatched) height=(BAR_PX)
                            fill="url(#hatch)" stroke="#111111" stroke-width="1" {}
                    }
                    @if solid > Decimal::ZERO {
                        rect.lost x=(label_w) y=(bar_top) width=(solid) height=(BAR_PX)
                            fill="#333333" stroke="#111111" stroke-width="1" {}
                    }
                    text.number x=(axis + solid.max(hatched) + Decimal::from(GAP_PX / 2 + 2))
                        y=(text_y) fill="#111111" font-weight="bold" {
                        (bar_number(bar))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The texts of the chart's elements of a class, in document order.
    fn texts(svg: &str, class: &str) -> Vec<String> {
        let open = format!("<text class=\"{class}\"");
        svg.match_indices(&open)
            .map(|(at, _)| {
                let rest = &svg[at..];
                let start = rest.find('>').unwrap() + 1;
                let end = rest.find("</text>").unwrap();
                rest[start..end].to_string()
            })
            .collect()
    }

    #[test]
    fn one_bar_per_pair_most_lost_first_with_numbers() {
        let bars = [
            LostBar::new("甲项指标", d("0.01")),
            LostBar::new("乙项指标", d("0.88")),
            LostBar::new("丙项指标", d("0.50")),
        ];
        let svg = lost_chart(&bars).into_string();
        assert_eq!(svg.matches("<g class=\"bar\">").count(), 3);
        assert_eq!(svg.matches("<rect class=\"lost\"").count(), 3);
        assert_eq!(texts(&svg, "name"), ["乙项指标", "丙项指标", "甲项指标"]);
        assert_eq!(texts(&svg, "number"), ["0.88", "0.50", "0.01"]);
        // The longest bar is the full width; the others in proportion, exactly.
        assert!(svg.contains(&format!("width=\"{BAR_MAX_PX}\"")), "{svg}");
        assert!(svg.contains("width=\"3.6\""), "{svg}"); // 0.01 / 0.88 × 320
        assert!(svg.contains("width=\"181.8\""), "{svg}"); // 0.50 / 0.88 × 320
    }

    #[test]
    fn an_override_is_marked_and_hatched() {
        let mut bar = LostBar::new("丁项指标", d("0.00"));
        bar.rule_lost = Some(Some(d("1.00")));
        let svg = lost_chart(&[bar, LostBar::new("乙项指标", d("0.88"))]).into_string();
        assert_eq!(texts(&svg, "name"), ["乙项指标", "丁项指标 *"]);
        // In-process tests see English, the catalogues' fallback.
        assert_eq!(texts(&svg, "number"), ["0.88", "0.00 * (1.00 by the rule)"]);
        assert_eq!(svg.matches("<rect class=\"rule\"").count(), 1);
        assert!(svg.contains("fill=\"url(#hatch)\""));
    }

    #[test]
    fn the_chart_fits_its_text_and_escapes_it() {
        let name = "<script>alert(1)</script>指标名称很长很长很长很长很长很长";
        let svg = lost_chart(&[LostBar::new(name, d("1"))]).into_string();
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        // The label column holds the name at 8 px per column.
        let label_w = name.width() as u32 * COLUMN_PX + 2 * GAP_PX;
        assert!(svg.contains(&format!("x1=\"{label_w}\"")), "{svg}");
        let width = label_w + BAR_MAX_PX + text_px("1") + 2 * GAP_PX + PAD_PX;
        assert!(svg.contains(&format!("viewBox=\"0 0 {width} ")), "{svg}");
    }
}
