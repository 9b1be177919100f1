//! `perfeval diff`: two scored facts files (last year's and this year's, or two versions
//! of one submission) → a [`Diff`]: per indicator the old score, the new score and the
//! change, the facts behind each changed score, the subtotals, total and grade.
//!
//! Indicators are matched by id, else by name (a listed item, whose id is only its
//! position, by its names from the first level down), so two versions of a rubric, or
//! two different rubrics, can be compared: what is on one side only is shown as such.
//! Facts are matched by their path (`procurement.actual`).
//!
//! [`batch`] does the same for two outputs of `perfeval batch` (one row per file).
//! Everything here is pure: models in, a model out; the binary reads the files.

pub mod batch;

use rust_decimal::Decimal;
use rust_i18n::t;

use crate::facts::{CheckValue, FactValue};
use crate::number::{percent, plain};
use crate::plan::Plan;
use crate::rubric::{DefaultValue, FactKind, PartKind};
use crate::score::Report;
use crate::score::basis::{fact_unit, item_basis, with_unit};

/// Which side(s) of the comparison an indicator (or a file) is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Both,
    /// Only in the new file's rubric (新增).
    OnlyNew,
    /// Only in the old file's rubric (删除).
    OnlyOld,
}

impl Presence {
    /// The stable name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Presence::Both => "both",
            Presence::OnlyNew => "only_new",
            Presence::OnlyOld => "only_old",
        }
    }
}

/// One side of the comparison: the file, what it was scored under, and its result.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub file: String,
    pub facts_sha256: String,
    pub department: String,
    pub year: i64,
    pub rubric_id: String,
    pub rubric_version: String,
    pub rubric_title: String,
    /// The rubric's full marks.
    pub points: Decimal,
    pub total: Decimal,
    pub grade: String,
    /// Overrides were ignored.
    pub strict: bool,
}

/// An indicator's points and score on one side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub points: Decimal,
    pub score: Decimal,
}

/// A value as read from one side's facts file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactShown {
    /// The value itself (`2855.07`, `0.965`, `true`, a choice), for machines.
    pub value: String,
    /// For people, with its unit (`2855.07 万元`, `96.50%`, `符合`).
    pub text: String,
    /// Where it was read: `file:line`, or the workbook cell.
    pub at: Option<String>,
}

/// A fact (or a listed item's figures, or an override) whose value differs between the
/// two files. `None` on a side: not given there (and no default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChange {
    /// The key path as written in the facts file (`procurement.actual`); a listed item
    /// is `<list>[<name>]` (`output[培训人次]`), an override `overrides.<indicator id>`.
    pub path: String,
    pub label: String,
    pub old: Option<FactShown>,
    pub new: Option<FactShown>,
}

/// One indicator of either rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDiff {
    /// The new side's id and name when it has the indicator, else the old side's.
    pub id: String,
    pub name: String,
    /// The old side's name when the two differ (matched by id).
    pub old_name: Option<String>,
    pub level: usize,
    pub leaf: bool,
    pub presence: Presence,
    pub old: Option<Scored>,
    pub new: Option<Scored>,
    /// New score − old score, exact; `None` when on one side only.
    pub change: Option<Decimal>,
    /// For a changed score: what it read that changed.
    pub facts: Vec<FactChange>,
}

impl IndicatorDiff {
    /// On both sides, with a different score.
    pub fn changed(&self) -> bool {
        self.change.is_some_and(|c| !c.is_zero())
    }
}

/// Old → new of a total.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub old: Decimal,
    pub new: Decimal,
    pub change: Decimal,
}

/// The comparison of two scored facts files.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    /// In the new rubric's tree order, then the indicators only the old one has.
    pub indicators: Vec<IndicatorDiff>,
    pub total: Change,
    /// Facts that changed without moving any score, each once.
    pub other_facts: Vec<FactChange>,
}

impl Diff {
    /// Both sides were scored under the same rubric id and version.
    pub fn same_rubric(&self) -> bool {
        self.old.rubric_id == self.new.rubric_id
            && self.old.rubric_version == self.new.rubric_version
    }

    pub fn changed(&self) -> impl Iterator<Item = &IndicatorDiff> {
        self.indicators.iter().filter(|i| i.changed())
    }

    pub fn count(&self, presence: Presence) -> usize {
        self.indicators
            .iter()
            .filter(|i| i.presence == presence)
            .count()
    }
}

/// `new − old`; scores are far inside Decimal's range, so the fallback is never taken.
pub(crate) fn minus(new: Decimal, old: Decimal) -> Decimal {
    new.checked_sub(old).unwrap_or_default()
}

/// How an indicator is recognised on the other side: its id (unless it is a listed
/// item, whose id is only its position), and its name (a listed item's names from the
/// first level down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) id: Option<String>,
    pub(crate) name: String,
    /// The indicator's level (1 for 一级指标): a leaf of one rubric is not compared with
    /// a group of another that happens to share its name or id.
    pub(crate) level: usize,
}

/// For each of `new`, the index of its match in `old`: by id first (all of them), then
/// by name among those left; each old key is matched at most once.
pub(crate) fn match_keys(new: &[Key], old: &[Key]) -> Vec<Option<usize>> {
    let mut taken = vec![false; old.len()];
    let mut found: Vec<Option<usize>> = vec![None; new.len()];
    for (n, k) in new.iter().enumerate() {
        let Some(id) = &k.id else { continue };
        if let Some(o) = (0..old.len())
            .find(|&o| !taken[o] && old[o].id.as_ref() == Some(id) && old[o].level == k.level)
        {
            taken[o] = true;
            found[n] = Some(o);
        }
    }
    for (n, k) in new.iter().enumerate() {
        if found[n].is_some() {
            continue;
        }
        if let Some(o) =
            (0..old.len()).find(|&o| !taken[o] && old[o].name == k.name && old[o].level == k.level)
        {
            taken[o] = true;
            found[n] = Some(o);
        }
    }
    found
}

/// Whether indicator `i` is one a facts file listed (or a `level2` group of them).
fn listed(rubric: &Plan<'_>, i: usize) -> bool {
    let mut at = rubric.indicators[i].parent;
    while let Some(p) = at {
        if rubric.indicators[p].list.is_some() {
            return true;
        }
        at = rubric.indicators[p].parent;
    }
    false
}

fn key(rubric: &Plan<'_>, i: usize) -> Key {
    if !listed(rubric, i) {
        let ind = &rubric.indicators[i];
        return Key {
            id: Some(ind.id.clone()),
            name: ind.name.clone(),
            level: ind.level,
        };
    }
    Key {
        id: None,
        name: rubric.path_names(i).join("/"),
        level: rubric.indicators[i].level,
    }
}

fn side(report: &Report<'_>) -> Side {
    let (rubric, facts) = (report.rubric, report.facts);
    Side {
        file: crate::diagnostic::show_path(facts.source.name()),
        facts_sha256: facts.source.sha256().to_string(),
        department: facts.department.clone(),
        year: facts.year,
        rubric_id: rubric.meta.id.clone(),
        rubric_version: rubric.meta.version.clone(),
        rubric_title: rubric.meta.title.clone(),
        points: rubric.meta.total,
        total: report.total,
        grade: report.grade.clone(),
        strict: report.options.strict,
    }
}

/// A yes-or-no fact's value, in words.
fn yes_no(b: bool) -> String {
    if b {
        t!("diff.yes").into_owned()
    } else {
        t!("diff.no").into_owned()
    }
}

/// A fact's value on one side, as scoring saw it: the file's, else the rubric's default.
fn fact_value(report: &Report<'_>, path: &str) -> Option<(FactValue, FactShown)> {
    let rubric = report.rubric;
    let f = rubric.fact_index(path)?;
    let decl = &rubric.facts[f];
    let unit = fact_unit(rubric, f);
    if let Some(e) = report.facts.values[f].as_ref() {
        let (value, text) = match &e.value {
            FactValue::Number(n) if decl.kind == FactKind::Rate => (n.to_string(), percent(*n)),
            FactValue::Number(n) => (n.to_string(), with_unit(n.to_string(), unit)),
            FactValue::Bool(b) => (b.to_string(), yes_no(*b)),
            FactValue::Text(t) => (t.clone(), t.clone()),
            FactValue::Check(CheckValue::Met) => ("true".into(), t!("diff.met").into_owned()),
            FactValue::Check(CheckValue::NotMet) => {
                ("false".into(), t!("diff.not_met").into_owned())
            }
            FactValue::Check(CheckValue::Partial(p)) => (
                p.to_string(),
                t!("diff.partly_met", points = plain(*p)).into_owned(),
            ),
            FactValue::Judgment(j) => (
                j.to_string(),
                t!("diff.judgment", points = plain(*j)).into_owned(),
            ),
        };
        let at = Some(report.facts.source.at(e.span.start));
        return Some((e.value.clone(), FactShown { value, text, at }));
    }
    let (value, shown) = match decl.default.as_ref()? {
        DefaultValue::Number(n) => (FactValue::Number(*n), with_unit(plain(*n), unit)),
        DefaultValue::Bool(b) => (FactValue::Bool(*b), yes_no(*b)),
    };
    let raw = match &value {
        FactValue::Number(n) => n.to_string(),
        FactValue::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    Some((
        value,
        FactShown {
            value: raw,
            text: t!("diff.default_value", shown = shown).into_owned(),
            at: None,
        },
    ))
}

/// The fact at `path` when its value differs between the sides.
fn fact_change(old: &Report<'_>, new: &Report<'_>, path: &str) -> Option<FactChange> {
    let a = fact_value(old, path);
    let b = fact_value(new, path);
    // Decimal equality is numeric: 2700 and 2700.00 are the same figure.
    if a.as_ref().map(|x| &x.0) == b.as_ref().map(|x| &x.0) {
        return None;
    }
    let label = [new.rubric, old.rubric]
        .iter()
        .find_map(|r| r.fact_index(path).map(|f| r.facts[f].label.clone()))
        .unwrap_or_default();
    Some(FactChange {
        path: path.to_string(),
        label,
        old: a.map(|x| x.1),
        new: b.map(|x| x.1),
    })
}

/// The listed item a leaf scores, with its list's key (`output`).
fn leaf_item(report: &Report<'_>, i: usize) -> Option<(usize, Decimal, String)> {
    let rule = report.rubric.indicators[i].rule.as_ref()?;
    rule.parts.iter().find_map(|p| match p.kind {
        PartKind::Item { item, group } => Some((
            item,
            p.points,
            report.rubric.indicators[group]
                .list
                .as_ref()
                .map(|l| l.key.clone())
                .unwrap_or_default(),
        )),
        _ => None,
    })
}

fn item_shown(report: &Report<'_>, item: usize, weight: Decimal) -> FactShown {
    let text = item_basis(report, item, weight);
    FactShown {
        value: text.clone(),
        text,
        at: Some(report.facts.source.at(report.facts.items[item].span.start)),
    }
}

/// What else a matched pair of leaves read that changed: a listed item's figures, and
/// the override.
fn leaf_extras(old: &Report<'_>, o: usize, new: &Report<'_>, n: usize) -> Vec<FactChange> {
    let mut out = Vec::new();
    let (a, b) = (leaf_item(old, o), leaf_item(new, n));
    if a.is_some() || b.is_some() {
        let shown_a = a.as_ref().map(|(k, w, _)| item_shown(old, *k, *w));
        let shown_b = b.as_ref().map(|(k, w, _)| item_shown(new, *k, *w));
        if shown_a.as_ref().map(|s| &s.text) != shown_b.as_ref().map(|s| &s.text) {
            let (report, k, list) = match (&b, &a) {
                (Some((k, _, list)), _) => (new, *k, list),
                (None, Some((k, _, list))) => (old, *k, list),
                (None, None) => return out,
            };
            let name = &report.facts.items[k].name;
            out.push(FactChange {
                path: format!("{list}[{name}]"),
                label: name.clone(),
                old: shown_a,
                new: shown_b,
            });
        }
    }
    let applied = |r: &Report<'_>, i: usize| {
        r.leaf(i)
            .filter(|l| l.override_applied())
            .and_then(|l| l.override_.as_ref())
            .map(|ov| FactShown {
                value: ov.score.to_string(),
                text: t!("diff.overridden_to", score = ov.score).into_owned(),
                at: Some(r.facts.source.at(ov.span.start)),
            })
    };
    let (ov_a, ov_b) = (applied(old, o), applied(new, n));
    if ov_a.as_ref().map(|s| &s.value) != ov_b.as_ref().map(|s| &s.value) {
        out.push(FactChange {
            path: format!("overrides.{}", new.rubric.indicators[n].id),
            label: t!("diff.override_label").into_owned(),
            old: ov_a,
            new: ov_b,
        });
    }
    out
}

/// The paths of the facts a leaf read.
fn used_paths<'r>(report: &Report<'r>, i: usize) -> Vec<&'r str> {
    report.leaf(i).map_or_else(Vec::new, |l| {
        l.facts_used
            .iter()
            .map(|&f| report.rubric.facts[f].path.as_str())
            .collect()
    })
}

/// Compares two scored files: `old` (last year's, the earlier version) and `new`.
pub fn compare(old: &Report<'_>, new: &Report<'_>) -> Diff {
    let new_order = new.rubric.preorder();
    let old_order = old.rubric.preorder();
    let new_keys: Vec<Key> = new_order.iter().map(|&i| key(new.rubric, i)).collect();
    let old_keys: Vec<Key> = old_order.iter().map(|&i| key(old.rubric, i)).collect();
    let found = match_keys(&new_keys, &old_keys);
    let mut old_matched = vec![false; old_order.len()];
    let mut indicators = Vec::new();
    // Facts attributed to a changed score, and the other changes of unchanged leaves.
    let mut attributed: Vec<String> = Vec::new();
    let mut quiet: Vec<FactChange> = Vec::new();
    let scored = |r: &Report<'_>, i: usize| Scored {
        points: r.rubric.indicators[i].points,
        score: r.scores[i],
    };
    for (k, &n) in new_order.iter().enumerate() {
        let ind = &new.rubric.indicators[n];
        let leaf = ind.children.is_empty();
        let mut row = IndicatorDiff {
            id: ind.id.clone(),
            name: ind.name.clone(),
            old_name: None,
            level: ind.level,
            leaf,
            presence: Presence::OnlyNew,
            old: None,
            new: Some(scored(new, n)),
            change: None,
            facts: Vec::new(),
        };
        if let Some(m) = found[k] {
            old_matched[m] = true;
            let o = old_order[m];
            let old_ind = &old.rubric.indicators[o];
            row.presence = Presence::Both;
            row.old = Some(scored(old, o));
            row.change = Some(minus(new.scores[n], old.scores[o]));
            if old_ind.name != ind.name {
                row.old_name = Some(old_ind.name.clone());
            }
            if leaf && old_ind.children.is_empty() {
                let mut paths: Vec<&str> = used_paths(new, n);
                for p in used_paths(old, o) {
                    if !paths.contains(&p) {
                        paths.push(p);
                    }
                }
                let mut changes: Vec<FactChange> = paths
                    .iter()
                    .filter_map(|p| fact_change(old, new, p))
                    .collect();
                changes.extend(leaf_extras(old, o, new, n));
                if row.changed() {
                    attributed.extend(changes.iter().map(|c| c.path.clone()));
                    row.facts = changes;
                } else {
                    quiet.extend(
                        changes
                            .into_iter()
                            .filter(|c| c.path.contains('[') || c.path.starts_with("overrides.")),
                    );
                }
            }
        }
        indicators.push(row);
    }
    for (m, &o) in old_order.iter().enumerate() {
        if old_matched[m] {
            continue;
        }
        let ind = &old.rubric.indicators[o];
        indicators.push(IndicatorDiff {
            id: ind.id.clone(),
            name: ind.name.clone(),
            old_name: None,
            level: ind.level,
            leaf: ind.children.is_empty(),
            presence: Presence::OnlyOld,
            old: Some(scored(old, o)),
            new: None,
            change: None,
            facts: Vec::new(),
        });
    }
    // Every fact of either rubric, the new one's first, that changed and is not behind a
    // changed score.
    let mut other_facts = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for decl in new.rubric.facts.iter().chain(&old.rubric.facts) {
        let path = decl.path.as_str();
        if seen.contains(&path) {
            continue;
        }
        seen.push(path);
        if attributed.iter().any(|a| a == path) {
            continue;
        }
        if let Some(c) = fact_change(old, new, path) {
            other_facts.push(c);
        }
    }
    other_facts.extend(quiet);
    Diff {
        old: side(old),
        new: side(new),
        indicators,
        total: Change {
            old: old.total,
            new: new.total,
            change: minus(new.total, old.total),
        },
        other_facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(id: Option<&str>, name: &str) -> Key {
        Key {
            id: id.map(String::from),
            name: name.into(),
            level: 1,
        }
    }

    #[test]
    fn ids_match_first_then_names_each_once() {
        let new = [
            k(Some("a"), "甲"),
            k(Some("x"), "乙"),
            k(None, "丙/丁"),
            k(Some("z"), "戊"),
        ];
        let old = [
            k(Some("y"), "乙"),
            k(Some("a"), "甲（旧名）"),
            k(None, "丙/丁"),
            k(Some("q"), "己"),
        ];
        assert_eq!(
            match_keys(&new, &old),
            vec![Some(1), Some(0), Some(2), None]
        );
    }

    #[test]
    fn a_name_is_matched_once() {
        let new = [k(Some("a"), "甲"), k(Some("b"), "甲")];
        let old = [k(Some("c"), "甲")];
        assert_eq!(match_keys(&new, &old), vec![Some(0), None]);
    }
}
