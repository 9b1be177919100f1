//! One department's figures for one year, read exactly and checked against the rubric's
//! fact declarations.
//!
//! A facts file names its rubric (`rubric = "..."`), which decides how the rest is read,
//! so loading is two steps over one parse: [`FactsDocument::parse`] and
//! [`FactsDocument::rubric_id`], then [`FactsDocument::interpret`] with the rubric.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, suggest};
use crate::number::parse_percent;
use crate::rubric::{FactKind, Rubric};
use crate::toml_read::{Table, decimal_of, is_blank, parse_document, placeholders, type_name};

/// A facts file checked against its rubric.
#[derive(Debug, Clone)]
pub struct Facts {
    pub source: SourceFile,
    pub rubric_id: String,
    pub department: String,
    pub year: i64,
    /// The value of each declared fact (by index in `Rubric::facts`), when given.
    pub values: Vec<Option<FactEntry>>,
    pub overrides: Vec<Override>,
    /// The scores the department submitted, when the file carries them (`[claimed]`).
    pub claimed: Claimed,
    /// Where each group of facts (`[procurement]`) starts, so a missing fact can be
    /// pointed at the table it belongs in.
    pub groups: Vec<(String, Range<usize>)>,
    /// Indicators the file lists under the rubric's `list` indicators, in file order.
    pub items: Vec<ListItem>,
    /// Facts of the file that the rubric it is scored under does not read (only when it
    /// is re-scored under a rubric other than the one it names), with where they are.
    pub set_aside: Vec<(String, Range<usize>)>,
    /// Facts changed for this run by `--set`, in the order given.
    pub changes: Vec<crate::whatif::Change>,
}

impl Facts {
    /// Whether the file is scored under a rubric other than the one it names.
    pub fn rescored(&self, rubric: &Rubric) -> bool {
        self.rubric_id != rubric.meta.id
    }
}

/// One indicator a facts file lists (a project's own output, benefit or satisfaction
/// indicator), with its target and what was achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// The rubric indicator whose list it belongs to.
    pub group: usize,
    /// The 二级指标 the item belongs to, when the list is grouped.
    pub level2: Option<String>,
    pub name: String,
    pub weight: Decimal,
    pub unit: String,
    pub value: ItemValue,
    /// 偏差原因分析及改进措施: required when the target is not met.
    pub deviation: Option<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemValue {
    Quantitative {
        direction: Direction,
        target: Decimal,
        actual: Decimal,
        /// Whether the figures were written as percentages, for display.
        percent: bool,
    },
    /// An evaluator's score of a qualitative outcome; `band` indexes the list's bands.
    Qualitative {
        band: usize,
        score: Decimal,
        reason: String,
    },
    /// Written "/": the indicator does not apply this year.
    NotApplicable { reason: String },
}

impl ItemValue {
    /// Whether the target was met (a qualitative outcome meets it in its first band).
    pub fn met(&self) -> bool {
        match self {
            ItemValue::Quantitative {
                direction,
                target,
                actual,
                ..
            } => match direction {
                Direction::AtLeast => actual >= target,
                Direction::AtMost => actual <= target,
                Direction::Exactly => actual == target,
            },
            ItemValue::Qualitative { band, .. } => *band == 0,
            ItemValue::NotApplicable { .. } => true,
        }
    }
}

/// Which way a quantitative target points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// ≥: more is better.
    AtLeast,
    /// ≤: less is better (cost, time).
    AtMost,
    /// =: met or not.
    Exactly,
}

impl Direction {
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => "≥",
            Direction::AtMost => "≤",
            Direction::Exactly => "=",
        }
    }
}

/// A submitted self-assessment's own figures: any subset of indicator scores, the total
/// and the grade.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claimed {
    pub scores: Vec<ClaimedScore>,
    pub total: Option<(Decimal, Range<usize>)>,
    pub grade: Option<(String, Range<usize>)>,
}

impl Claimed {
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty() && self.total.is_none() && self.grade.is_none()
    }

    pub fn score_of(&self, indicator: usize) -> Option<&ClaimedScore> {
        self.scores.iter().find(|c| c.indicator == Some(indicator))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedScore {
    /// The key as written: an indicator id or Chinese name.
    pub key: String,
    /// The indicator it names, if the rubric has one by that id or name.
    pub indicator: Option<usize>,
    pub score: Decimal,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactEntry {
    pub value: FactValue,
    /// Why the value is what it is; required for judgments, tiers and partial checks.
    pub reason: Option<String>,
    /// Where in the report the figure comes from.
    pub note: Option<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Number(Decimal),
    Bool(bool),
    /// The answer of a `choice` fact or the label chosen for a `tier` fact.
    Text(String),
    Check(CheckValue),
    Judgment(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckValue {
    Met,
    NotMet,
    /// Points awarded for a partly met item.
    Partial(Decimal),
}

/// A score set by hand for a leaf indicator, with the reason the rule's result was not used.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub indicator: usize,
    pub score: Decimal,
    pub reason: String,
    pub span: Range<usize>,
}

/// What reading the fact tables collects.
struct Reading {
    values: Vec<Option<FactEntry>>,
    groups: Vec<(String, Range<usize>)>,
    diags: Diagnostics,
    /// Re-scoring under another rubric: a fact that rubric does not declare is set aside
    /// (and listed), not an error.
    set_aside_unknown: bool,
    set_aside: Vec<(String, Range<usize>)>,
}

/// A parsed facts file whose rubric is not yet known.
#[derive(Debug)]
pub struct FactsDocument<'s> {
    source: &'s SourceFile,
    doc: Spanned<DeTable<'s>>,
}

const TOP_KEYS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

impl<'s> FactsDocument<'s> {
    pub fn parse(source: &'s SourceFile) -> Result<Self, Diagnostics> {
        let doc = parse_document(source).map_err(|d| Diagnostics(vec![d]))?;
        Ok(FactsDocument { source, doc })
    }

    /// The id of the rubric the file is written for, with its span.
    pub fn rubric_id(&self) -> Result<Spanned<String>, Diagnostic> {
        match self.doc.get_ref().get("rubric") {
            Some(v) => match v.get_ref() {
                DeValue::String(s) => Ok(Spanned::new(v.span(), s.to_string())),
                other => Err(Diagnostic::new(format!("`rubric` must be a string, found {}", type_name(other)))
                    .at(self.source, v.span())),
            },
            None => Err(Diagnostic::new("the facts file does not say which rubric it is for")
                .at(self.source, 0..0)
                .with_help("add a first line such as `rubric = \"luohu-dept-overall-2023\"`; `perfeval rubric list` shows the ids")),
        }
    }

    /// Reads every fact and override against `rubric`, reporting all problems at once.
    pub fn interpret(&self, rubric: &Rubric) -> Result<Facts, Diagnostics> {
        self.interpret_with(rubric, false)
    }

    /// Reads the file against a rubric other than the one it names (an archive re-scored
    /// under a newer framework): facts that rubric does not declare are listed in
    /// [`Facts::set_aside`] instead of refused; everything else is read as usual.
    pub fn interpret_for_rescore(&self, rubric: &Rubric) -> Result<Facts, Diagnostics> {
        self.interpret_with(rubric, true)
    }

    fn interpret_with(&self, rubric: &Rubric, rescore: bool) -> Result<Facts, Diagnostics> {
        let source = self.source;
        let mut diags = Diagnostics::default();
        let mut top = Table::new(
            source,
            self.doc.get_ref(),
            self.doc.span(),
            "the facts file",
        );
        let rubric_id = top.string("rubric", Some("the rubric id"), &mut diags);
        let department = top.string("department", Some("the department's name"), &mut diags);
        // A name is one line: a newline or a control character in it could forge the
        // title line of a report.
        if let Some(dep) = &department
            && dep.get_ref().chars().any(char::is_control)
        {
            diags.push(
                Diagnostic::new(
                    "`department` must be one line of text, without control characters",
                )
                .at(source, dep.span())
                .with_help("write the department's name as it appears in the report"),
            );
        }
        let year = top.integer("year", Some("the year assessed"), &mut diags);
        if let Some(d) = year
            .as_ref()
            .and_then(|y| crate::toml_read::check_year(source, y))
        {
            diags.push(d);
        }
        let overrides = top.get("overrides");
        let claimed = top.table("claimed", None, &mut diags);
        // Everything else is facts; `top.finish` is not used because unknown keys here are
        // reported against the rubric's fact paths instead.
        let mut reading = Reading {
            values: vec![None; rubric.facts.len()],
            groups: Vec::new(),
            diags: std::mem::take(&mut diags),
            set_aside_unknown: rescore,
            set_aside: Vec::new(),
        };
        let mut items = Vec::new();
        for (key, value) in self.doc.get_ref().iter() {
            let name: &str = key.get_ref();
            if TOP_KEYS.contains(&name) {
                continue;
            }
            if let Some(group) = rubric.list_indicator(name) {
                read_items(source, rubric, group, value, &mut items, &mut reading.diags);
                continue;
            }
            self.read_path(rubric, name, key.span(), value, &mut reading);
        }
        let Reading {
            values,
            groups,
            mut diags,
            mut set_aside,
            ..
        } = reading;
        check_items(source, rubric, self.doc.get_ref(), &items, &mut diags);
        if let Some(dep) = &department
            && let Some(d) = unfilled(source, dep, "`department`")
        {
            diags.push(d);
        }
        let overrides = match overrides {
            Some(v) => self.read_overrides(
                rubric,
                v,
                &items,
                &mut diags,
                rescore.then_some(&mut set_aside),
            ),
            None => Vec::new(),
        };
        let claimed = claimed
            .map(|t| read_claimed(t, rubric, &mut diags))
            .unwrap_or_default();
        let diags = with_placeholders(source, self.doc.get_ref(), diags);
        diags
            .into_result(())
            .and_then(|()| match (rubric_id, department, year) {
                (Some(id), Some(dep), Some(year)) => Ok(Facts {
                    source: source.clone(),
                    rubric_id: id.into_inner(),
                    department: dep.into_inner(),
                    year: year.into_inner(),
                    values,
                    overrides,
                    claimed,
                    groups,
                    items,
                    set_aside,
                    changes: Vec::new(),
                }),
                _ => Err(Diagnostics::default()),
            })
    }

    fn read_path(
        &self,
        rubric: &Rubric,
        path: &str,
        key_span: Range<usize>,
        value: &Spanned<DeValue<'_>>,
        out: &mut Reading,
    ) {
        if let Some(i) = rubric.fact_index(path) {
            // TOML forbids a key twice in one table, but `[a] b = 1` and `"a.b" = 2` (or
            // `[a.b]` beside `a = { b = … }`) name the same fact by different routes.
            if let Some(first) = &out.values[i] {
                out.diags.push(
                    Diagnostic::new(format!(
                        "fact `{path}` is given twice (first on {})",
                        self.source.spot(first.span.start)
                    ))
                    .at(self.source, key_span)
                    .with_help("keep one of the two values"),
                );
                return;
            }
            match read_value(self.source, rubric, i, value) {
                Ok(entry) => out.values[i] = Some(entry),
                Err(d) => out.diags.push(d),
            }
            return;
        }
        match (rubric.is_fact_group(path), value.get_ref()) {
            (true, DeValue::Table(t)) => {
                out.groups.push((path.to_string(), key_span));
                let mut sub = String::with_capacity(path.len() + 24);
                for (k, v) in t.iter() {
                    sub.clear();
                    sub.push_str(path);
                    sub.push('.');
                    sub.push_str(k.get_ref());
                    self.read_path(rubric, &sub, k.span(), v, out);
                }
            }
            (true, other) => out.diags.push(
                Diagnostic::new(format!(
                    "`{path}` is a group of facts and must be a table, found {}",
                    type_name(other)
                ))
                .at(self.source, value.span()),
            ),
            (false, _) if out.set_aside_unknown => {
                out.set_aside.push((path.to_string(), key_span));
            }
            (false, _) => {
                let (parent, leaf) = path.rsplit_once('.').unwrap_or(("", path));
                let mut siblings = sibling_names(rubric, parent);
                if parent.is_empty() {
                    siblings.extend(TOP_KEYS.iter().map(|k| k.to_string()));
                }
                let mut d =
                    Diagnostic::new(format!("unknown fact `{path}`")).at(self.source, key_span);
                d = match suggest(leaf, siblings.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if parent.is_empty() => d.with_help(format!(
                        "the top-level keys are {} and the fact groups of rubric `{}`: {}",
                        TOP_KEYS.join(", "),
                        rubric.meta.id,
                        sibling_names(rubric, "").join(", ")
                    )),
                    None if siblings.is_empty() => {
                        d.with_help(format!("rubric `{}` declares no such fact", rubric.meta.id))
                    }
                    None => d.with_help(format!("the facts here are: {}", siblings.join(", "))),
                };
                out.diags.push(d);
            }
        }
    }

    /// The overrides; when re-scoring (`set_aside` given), one naming an indicator the
    /// rubric does not have is set aside and listed there, like a fact it does not read.
    fn read_overrides(
        &self,
        rubric: &Rubric,
        v: &Spanned<DeValue<'_>>,
        items: &[ListItem],
        diags: &mut Diagnostics,
        mut set_aside: Option<&mut Vec<(String, Range<usize>)>>,
    ) -> Vec<Override> {
        let source = self.source;
        let DeValue::Table(t) = v.get_ref() else {
            diags.push(
                Diagnostic::new(format!(
                    "`overrides` must be a table, found {}",
                    type_name(v.get_ref())
                ))
                .at(source, v.span()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in t.iter() {
            let name: &str = key.get_ref();
            let Some(i) = rubric.find_indicator(name) else {
                if let Some(aside) = set_aside.as_deref_mut() {
                    aside.push((format!("overrides.{name}"), key.span()));
                    continue;
                }
                let candidates = rubric
                    .indicators
                    .iter()
                    .flat_map(|i| [i.id.as_str(), i.name.as_str()]);
                let mut d =
                    Diagnostic::new(format!("`overrides` names unknown indicator `{name}`"))
                        .at(source, key.span());
                if items.iter().any(|i| i.name == name) {
                    d = d.with_help("a listed indicator's score follows from its own figures: correct them instead");
                } else if let Some(s) = suggest(name, candidates) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
                continue;
            };
            let indicator = &rubric.indicators[i];
            if indicator.rule.is_none() {
                let (what, help) = match &indicator.list {
                    Some(l) => (
                        "is scored from the indicators the facts file lists",
                        format!(
                            "correct the figures of its [[{}]] indicators instead",
                            l.key
                        ),
                    ),
                    None => (
                        "is scored as the sum of its children",
                        "override one of its leaf indicators".to_string(),
                    ),
                };
                diags.push(
                    Diagnostic::new(format!(
                        "`{}` {what} and cannot be overridden",
                        indicator.name
                    ))
                    .at(source, key.span())
                    .with_help(help),
                );
                continue;
            }
            let DeValue::Table(ot) = value.get_ref() else {
                diags.push(
                    Diagnostic::new(format!(
                        "the override of `{name}` must be a table with `score` and `reason`"
                    ))
                    .at(source, value.span())
                    .with_help(format!(
                        "write `{name} = {{ score = 1, reason = \"...\" }}`"
                    )),
                );
                continue;
            };
            let mut ot = Table::new(
                source,
                ot,
                value.span(),
                format!("the override of `{name}`"),
            );
            let score = ot.decimal("score", Some("the score set by hand"), diags);
            let reason = ot.string("reason", Some("why the rule's result is not used"), diags);
            ot.finish(diags);
            let (Some(score), Some(reason)) = (score, reason) else {
                continue;
            };
            if is_blank(reason.get_ref()) {
                diags.push(
                    Diagnostic::new(
                        "an override's `reason` must not be empty or only invisible characters",
                    )
                    .at(source, reason.span()),
                );
                continue;
            }
            let s = *score.get_ref();
            if s < Decimal::ZERO || s > indicator.points {
                diags.push(
                    Diagnostic::new(format!(
                        "override score {} lies outside the 0..{} points of `{}`",
                        s.normalize(),
                        indicator.points.normalize(),
                        indicator.name
                    ))
                    .at(source, score.span()),
                );
                continue;
            }
            if s.normalize().scale() > rubric.rounding.scale {
                diags.push(
                    Diagnostic::new(format!(
                        "override score {s} has more than the rubric's {} decimal places",
                        rubric.rounding.scale
                    ))
                    .at(source, score.span()),
                );
                continue;
            }
            if let Some(first) = out.iter().find(|o: &&Override| o.indicator == i) {
                diags.push(
                    Diagnostic::new(format!(
                        "`{}` is overridden twice (first on {})",
                        indicator.name,
                        source.spot(first.span.start)
                    ))
                    .at(source, key.span())
                    .with_help("an indicator takes one override; its id and its Chinese name are the same indicator"),
                );
                continue;
            }
            out.push(Override {
                indicator: i,
                score: s,
                reason: reason.into_inner(),
                span: value.span(),
            });
        }
        out
    }
}

fn read_claimed(mut t: Table<'_, '_>, rubric: &Rubric, diags: &mut Diagnostics) -> Claimed {
    let source = t.source;
    t.context = "[claimed]".into();
    let total = t.decimal("total", None, diags);
    let grade = t.string("grade", None, diags);
    let scores_table = t.table("scores", None, diags);
    t.finish(diags);
    let mut scores = Vec::new();
    if let Some(st) = scores_table {
        for (key, value) in st.table.iter() {
            let name: &str = key.get_ref();
            let indicator = rubric.find_indicator(name);
            if let Some(first) = indicator.and_then(|i| {
                scores
                    .iter()
                    .find(|c: &&ClaimedScore| c.indicator == Some(i))
            }) {
                diags.push(
                    Diagnostic::new(format!(
                        "`{name}` is claimed twice: `{}` on {} names the same indicator",
                        first.key,
                        source.spot(first.span.start)
                    ))
                    .at(source, key.span())
                    .with_help("an indicator's id and its Chinese name are the same indicator; keep one claim"),
                );
                continue;
            }
            match decimal_of(source, value, || format!("the claimed score of `{name}`")) {
                Ok(score) => scores.push(ClaimedScore {
                    key: name.to_string(),
                    indicator,
                    score,
                    span: key.span().start..value.span().end,
                }),
                Err(d) => diags.push(d),
            }
        }
    }
    Claimed {
        scores,
        total: total.map(|t| {
            let span = t.span();
            (t.into_inner(), span)
        }),
        grade: grade.map(|g| {
            let span = g.span();
            (g.into_inner(), span)
        }),
    }
}

/// Reads the `[[KEY]]` items of the list indicator `group`, checking each and that their
/// weights fill the indicator's points.
fn read_items(
    source: &SourceFile,
    rubric: &Rubric,
    group: usize,
    value: &Spanned<DeValue<'_>>,
    items: &mut Vec<ListItem>,
    diags: &mut Diagnostics,
) {
    let indicator = &rubric.indicators[group];
    let Some(spec) = &indicator.list else { return };
    let DeValue::Array(array) = value.get_ref() else {
        diags.push(
            Diagnostic::new(format!(
                "`{}` lists the indicators of `{}` and must be an array of tables (`[[{}]]`), found {}",
                spec.key,
                indicator.name,
                spec.key,
                type_name(value.get_ref())
            ))
            .at(source, value.span()),
        );
        return;
    };
    let first = items.len();
    let mut sum = Decimal::ZERO;
    let mut all_read = true;
    for (k, entry) in array.iter().enumerate() {
        let DeValue::Table(t) = entry.get_ref() else {
            diags.push(
                Diagnostic::new(format!("each `{}` must be a table", spec.key))
                    .at(source, entry.span()),
            );
            all_read = false;
            continue;
        };
        let t = Table::new(
            source,
            t,
            entry.span(),
            format!("`{}` #{}", spec.key, k + 1),
        );
        match read_item(t, rubric, group, diags) {
            Some(item) => {
                sum = sum.checked_add(item.weight).unwrap_or(Decimal::MAX);
                items.push(item);
            }
            None => all_read = false,
        }
    }
    let mine = &items[first..];
    if array.is_empty() {
        diags.push(
            Diagnostic::new(format!(
                "`{}` lists no indicators for `{}`",
                spec.key, indicator.name
            ))
            .at(source, value.span()),
        );
    } else if all_read && sum != indicator.points {
        diags.push(
            Diagnostic::new(format!(
                "the weights of the `{}` indicators add up to {}, but `{}` has {} points",
                spec.key,
                sum.normalize(),
                indicator.name,
                indicator.points.normalize()
            ))
            .at(source, value.span())
            .with_help("the weights of a group's indicators must fill the group"),
        );
    } else if all_read
        && spec.not_applicable == crate::rubric::NotApplicable::Rescale
        && mine
            .iter()
            .all(|i| matches!(i.value, ItemValue::NotApplicable { .. }))
    {
        diags.push(
            Diagnostic::new(format!(
                "every `{}` indicator is written \"/\": `{}` has no indicator left to share its {} points",
                spec.key,
                indicator.name,
                indicator.points.normalize()
            ))
            .at(source, value.span()),
        );
    }
}

/// Checks over all listed items: every list present, and names that identify one
/// indicator each (claims and `explain` find indicators by name).
fn check_items(
    source: &SourceFile,
    rubric: &Rubric,
    doc: &DeTable<'_>,
    items: &[ListItem],
    diags: &mut Diagnostics,
) {
    for ind in &rubric.indicators {
        if let Some(l) = &ind.list
            && !doc.contains_key(l.key.as_str())
        {
            diags.push(
                Diagnostic::new(format!(
                    "the facts file lists no `[[{}]]` indicators for `{}` ({} points)",
                    l.key,
                    ind.name,
                    ind.points.normalize()
                ))
                .at(source, 0..0)
                .with_help(format!(
                    "add the project's own {} as [[{}]] tables",
                    ind.name, l.key
                )),
            );
        }
    }
    let mut seen: Vec<(&str, &Range<usize>)> = Vec::new();
    let mut level2_of: Vec<(&str, usize, &Range<usize>)> = Vec::new();
    for item in items {
        match seen.iter().find(|(n, _)| *n == item.name) {
            Some((_, first)) => diags.push(
                Diagnostic::new(format!(
                    "two listed indicators are named `{}` (the first on {})",
                    item.name,
                    source.spot(first.start)
                ))
                .at(source, item.span.clone()),
            ),
            None => seen.push((&item.name, &item.span)),
        }
        if let Some(l2) = &item.level2 {
            if let Some((_, group, first)) = level2_of
                .iter()
                .find(|(n, g, _)| *n == l2.as_str() && *g != item.group)
            {
                diags.push(
                    Diagnostic::new(format!(
                        "`level2 = \"{l2}\"` is used under both `{}` and `{}` (first on {})",
                        rubric.indicators[*group].name,
                        rubric.indicators[item.group].name,
                        source.spot(first.start)
                    ))
                    .at(source, item.span.clone()),
                );
            } else {
                level2_of.push((l2, item.group, &item.span));
            }
        }
    }
}

/// Replaces the problems found at values still equal to the template's placeholder with
/// one message that lists every such value, so a half-filled template is one list of
/// what is left, not fifty type errors; a placeholder is never read as a value or reason.
fn with_placeholders(source: &SourceFile, doc: &DeTable<'_>, diags: Diagnostics) -> Diagnostics {
    let unfilled = placeholders(doc);
    let Some((_, first)) = unfilled.first() else {
        return diags;
    };
    let on_placeholder = |d: &Diagnostic| {
        d.location.as_ref().is_some_and(|(_, s)| {
            unfilled
                .iter()
                .any(|(_, u)| u.start <= s.start && s.start < u.end.max(u.start + 1))
        })
    };
    let mut rest: Vec<Diagnostic> = diags.0.into_iter().filter(|d| !on_placeholder(d)).collect();
    let list = unfilled
        .iter()
        .map(|(path, span)| format!("{}: {path}", source.spot(span.start)))
        .collect::<Vec<_>>()
        .join("\n     ");
    let count = unfilled.len();
    // The keys in the message itself too, so that a batch row (one line) names them.
    const NAMED: usize = 8;
    let mut keys: Vec<&str> = unfilled
        .iter()
        .take(NAMED)
        .map(|(p, _)| p.as_str())
        .collect();
    if count > NAMED {
        keys.push("…");
    }
    let summary = Diagnostic::new(format!(
        "{count} value{} still to fill ({}): still \"{}\" as the template wrote {}",
        if count == 1 { " is" } else { "s are" },
        keys.join(", "),
        crate::toml_read::PLACEHOLDER,
        if count == 1 { "it" } else { "them" },
    ))
    .at(source, first.clone())
    .with_help(format!(
        "replace each with the figure or reason from the report:\n     {list}"
    ));
    rest.insert(0, summary);
    Diagnostics(rest)
}

/// A value still as `perfeval init` wrote it.
fn unfilled(source: &SourceFile, s: &Spanned<String>, what: &str) -> Option<Diagnostic> {
    (s.get_ref().trim() == "TODO").then(|| {
        Diagnostic::new(format!("{what} is still \"TODO\""))
            .at(source, s.span())
            .with_help("fill in the value from the report")
    })
}

fn read_item(
    mut t: Table<'_, '_>,
    rubric: &Rubric,
    group: usize,
    diags: &mut Diagnostics,
) -> Option<ListItem> {
    let source = t.source;
    let spec = rubric.indicators[group].list.as_ref()?;
    let span = t.span.clone();
    let at = |d: Diagnostic| d.at(source, span.clone());
    let level2 = t.string(
        "level2",
        spec.grouped.then_some("the 二级指标 it belongs to"),
        diags,
    );
    let name = t.string("name", Some("the indicator's name"), diags);
    let weight_value = t.get("weight");
    let unit = t.string("unit", None, diags);
    let direction = t.string("direction", None, diags);
    let target = t.get("target");
    let actual = t.get("actual");
    let outcome = t.string("outcome", None, diags);
    let score = t.decimal("score", None, diags);
    let reason = t.string("reason", None, diags);
    let deviation = t.string("deviation", None, diags);
    t.finish(diags);
    // Every problem of the item is reported before giving up on it.
    let mut ok = true;
    for (value, what) in [
        (&level2, "`level2`"),
        (&name, "`name`"),
        (&reason, "`reason`"),
        (&deviation, "`deviation`"),
    ] {
        if let Some(d) = value.as_ref().and_then(|v| unfilled(source, v, what)) {
            diags.push(d);
            ok = false;
        }
    }
    let name = name?.into_inner();
    let scale = rubric.rounding.scale;
    let slash = |v: Option<&Spanned<DeValue<'_>>>| matches!(v.map(|v| v.get_ref()), Some(DeValue::String(s)) if s.trim() == "/");
    // A row written "/" may carry no weight at all (published tables print its 分值 as
    // "/" too): the other rows of its group then fill the group's points by themselves.
    // A qualitative row may write its target "/" and still be scored by its outcome.
    let not_applicable = (slash(actual) || slash(target)) && outcome.is_none();
    let weight = match weight_value {
        None if not_applicable => Some(Decimal::ZERO),
        Some(v) if not_applicable && slash(Some(v)) => Some(Decimal::ZERO),
        Some(v)
            if not_applicable && decimal_of(source, v, String::new).is_ok_and(|w| w.is_zero()) =>
        {
            Some(Decimal::ZERO)
        }
        None => {
            diags.push(at(Diagnostic::new(format!(
                "`{name}` is missing `weight` (its 分值)"
            ))));
            None
        }
        Some(v) => match decimal_of(source, v, || format!("the weight of `{name}`")) {
            Ok(w) if w <= Decimal::ZERO => {
                diags.push(
                    Diagnostic::new(format!("the weight of `{name}` must be more than 0"))
                        .at(source, v.span()),
                );
                None
            }
            // Scores are rounded to the scale: a finer weight could not be met exactly.
            Ok(w) if w.normalize().scale() > scale => {
                diags.push(
                    Diagnostic::new(format!(
                        "the weight {} of `{name}` has more decimal places than the rubric's {scale}",
                        w.normalize()
                    ))
                    .at(source, v.span()),
                );
                None
            }
            Ok(w) => Some(w),
            Err(e) => {
                diags.push(e);
                None
            }
        },
    };
    let figure = |v: &Spanned<DeValue<'_>>,
                  what: &str,
                  diags: &mut Diagnostics|
     -> Option<(Decimal, bool)> {
        match v.get_ref() {
            DeValue::String(s) => match parse_percent(s) {
                Some(Ok(d)) => Some((d, true)),
                _ => {
                    diags.push(
                        Diagnostic::new(format!(
                            "the {what} of `{name}` must be a number or a percentage such as \"95%\", found `\"{s}\"`"
                        ))
                        .at(source, v.span()),
                    );
                    None
                }
            },
            _ => match decimal_of(source, v, || format!("the {what} of `{name}`")) {
                Ok(d) => Some((d, false)),
                Err(e) => {
                    diags.push(e);
                    None
                }
            },
        }
    };
    let is_slash = |v: Option<&Spanned<DeValue<'_>>>| matches!(v.map(|v| v.get_ref()), Some(DeValue::String(s)) if s.trim() == "/");
    let value = if let Some(outcome) = outcome {
        let Some(band) = spec
            .bands
            .iter()
            .position(|b| &b.outcome == outcome.get_ref())
        else {
            let outcomes: Vec<&str> = spec.bands.iter().map(|b| b.outcome.as_str()).collect();
            let mut d = Diagnostic::new(format!(
                "`{}` is not an outcome of this list",
                outcome.get_ref()
            ))
            .at(source, outcome.span());
            d = match suggest(outcome.get_ref(), outcomes.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("the outcomes are: {}", outcomes.join(", "))),
            };
            diags.push(d);
            return None;
        };
        let (Some(score), Some(reason)) = (score, reason) else {
            diags.push(at(Diagnostic::new(format!(
                "the qualitative indicator `{name}` needs the evaluator's `score` and a `reason`"
            ))));
            return None;
        };
        let w = weight?;
        let b = &spec.bands[band];
        let s = *score.get_ref();
        if s.normalize().scale() > scale {
            diags.push(
                Diagnostic::new(format!(
                    "the score {} of `{name}` has more decimal places than the rubric's {scale}",
                    s.normalize()
                ))
                .at(source, score.span()),
            );
            return None;
        }
        let share = |x: Decimal| x.checked_mul(w).unwrap_or(Decimal::MAX);
        let (lo, hi) = (share(b.lower.value), share(b.upper.value));
        let inside = (if b.lower.inclusive { s >= lo } else { s > lo })
            && (if b.upper.inclusive { s <= hi } else { s < hi });
        if !inside {
            let bound = |x: Decimal, b: crate::rubric::Bound, lower: bool| {
                format!("{} {}", b.symbol(lower), x.normalize())
            };
            diags.push(
                Diagnostic::new(format!(
                    "the score {} of `{name}` lies outside the band of `{}`: {} and {} (of weight {})",
                    s.normalize(),
                    b.outcome,
                    bound(lo, b.lower, true),
                    bound(hi, b.upper, false),
                    w.normalize()
                ))
                .at(source, score.span())
                .with_help("give a score inside the band, or the outcome the score belongs to"),
            );
            return None;
        }
        ItemValue::Qualitative {
            band,
            score: s,
            reason: reason.into_inner(),
        }
    } else if is_slash(actual) || is_slash(target) {
        let Some(reason) = reason else {
            diags.push(at(Diagnostic::new(format!(
                "`{name}` is written \"/\" (not applicable) and needs a `reason`"
            ))));
            return None;
        };
        ItemValue::NotApplicable {
            reason: reason.into_inner(),
        }
    } else {
        let (Some(direction), Some(target), Some(actual)) = (direction, target, actual) else {
            diags.push(at(Diagnostic::new(format!(
                "`{name}` needs `direction`, `target` and `actual` (or `outcome`, `score` and `reason` for a qualitative indicator, or `actual = \"/\"` with a `reason` when it does not apply)"
            ))));
            return None;
        };
        let dir = match direction.get_ref().trim() {
            ">=" | "≥" => Some(Direction::AtLeast),
            "<=" | "≤" => Some(Direction::AtMost),
            "=" | "==" => Some(Direction::Exactly),
            other => {
                diags.push(
                    Diagnostic::new(format!("unknown direction `{other}` for `{name}`"))
                        .at(source, direction.span())
                        .with_help(
                            "write \">=\" (more is better), \"<=\" (less is better) or \"=\"",
                        ),
                );
                None
            }
        };
        let target = figure(target, "target", diags);
        let actual_value = figure(actual, "actual value", diags);
        let (Some(dir), Some((target, tp)), Some((actual_value, ap))) = (dir, target, actual_value)
        else {
            return None;
        };
        // 95% against 90 would compare 0.95 with 90: both or neither must be percentages.
        if tp != ap {
            diags.push(
                Diagnostic::new(format!(
                    "the target and the actual value of `{name}` must both be percentages (\"95%\") or both plain numbers"
                ))
                .at(source, actual.span()),
            );
            return None;
        }
        ItemValue::Quantitative {
            direction: dir,
            target,
            actual: actual_value,
            percent: tp,
        }
    };
    let weight = weight?;
    if !value.met() && deviation.is_none() {
        diags.push(at(Diagnostic::new(format!(
            "`{name}` misses its target and needs `deviation` (偏差原因分析及改进措施)"
        ))));
        return None;
    }
    if !ok {
        return None;
    }
    Some(ListItem {
        group,
        level2: level2.map(Spanned::into_inner),
        name,
        weight,
        unit: unit.map(Spanned::into_inner).unwrap_or_default(),
        value,
        deviation: deviation.map(Spanned::into_inner),
        span,
    })
}

/// The names directly under `parent` among the rubric's fact paths.
fn sibling_names(rubric: &Rubric, parent: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in &rubric.facts {
        let rest = if parent.is_empty() {
            Some(f.path.as_str())
        } else {
            f.path
                .strip_prefix(parent)
                .and_then(|r| r.strip_prefix('.'))
        };
        if let Some(rest) = rest {
            let head = rest.split('.').next().unwrap_or(rest).to_string();
            if !out.contains(&head) {
                out.push(head);
            }
        }
    }
    out
}

/// Reads one fact's value, in either the plain form (`plan = 158.75`) or the table form
/// (`plan = { value = 158.75, note = "报告第二部分" }`).
/// The fix for a figure written as a string: the characters to drop and the line to
/// write, which reads as it should (no hint that leads to another refusal).
fn figure_help(key: &str, text: &str, rate: bool, unit: &str) -> String {
    let plain_number = |t: &str| {
        t.parse::<Decimal>()
            .ok()
            .filter(|_| !t.contains(['e', 'E', '_']))
    };
    // The figure meant, in the fact's unit, and what had to change to get it.
    let (figure, what) = match crate::number::typed_figure(text) {
        Some(f) => {
            let figure = match f.unit {
                // A unit after the figure: for 元 written against 万元 the number itself
                // changes, exactly.
                Some(from) => match crate::number::in_unit(&f.figure, from, unit) {
                    Some(v) if from != unit => {
                        return format!(
                            "the figure must be in {unit}, without a unit: {} {from} is {v} {unit}; write `{key} = {v}`",
                            f.figure
                        );
                    }
                    Some(v) => v,
                    None => return format!("write the figure in {unit}, without a unit or quotes"),
                },
                None => f.figure,
            };
            (
                figure,
                format!("a figure cannot contain {}", f.reasons.join(", ")),
            )
        }
        None => (text.trim().to_string(), String::new()),
    };
    let sep = if what.is_empty() { "" } else { "; " };
    let (number, percent) = match figure.strip_suffix('%') {
        Some(n) => (n.to_string(), true),
        None => (figure.clone(), false),
    };
    match (plain_number(&number), rate, percent) {
        (Some(_), true, true) => format!("{what}{sep}write `{key} = \"{figure}\"`"),
        // A rate without its percent sign: a fraction up to 1, else a percentage.
        (Some(n), true, false) if n <= Decimal::ONE => {
            format!("{what}{sep}a fraction takes no quotes: write `{key} = {number}`")
        }
        (Some(_), true, false) => {
            format!("{what}{sep}a percentage needs its sign: write `{key} = \"{number}%\"`")
        }
        (Some(_), false, false) => {
            format!("{what}{sep}a figure takes no quotes: write `{key} = {number}`")
        }
        (Some(_), false, true) => format!("{what}{sep}a figure in {unit} is not a percentage"),
        (None, true, _) => format!(
            "write the rate as the report prints it: `{key} = \"96.5%\"`, or the fraction `{key} = 0.965`"
        ),
        (None, false, _) => {
            "write the figure as the report prints it, without quotes or units".to_string()
        }
    }
}

/// Reads one value of fact `index` as a facts file would hold it (`--set` uses it, so
/// a what-if is validated exactly like the file).
pub(crate) fn read_fact_value(
    source: &SourceFile,
    rubric: &Rubric,
    index: usize,
    v: &Spanned<DeValue<'_>>,
) -> Result<FactEntry, Diagnostic> {
    read_value(source, rubric, index, v)
}

fn read_value(
    source: &SourceFile,
    rubric: &Rubric,
    index: usize,
    v: &Spanned<DeValue<'_>>,
) -> Result<FactEntry, Diagnostic> {
    let decl = &rubric.facts[index];
    let path = &decl.path;
    let (inner, reason, note) = match v.get_ref() {
        DeValue::Table(t) => {
            let mut diags = Diagnostics::default();
            let mut tt = Table::new(source, t, v.span(), format!("fact `{path}`"));
            let inner = tt.get("value");
            let reason = tt.string("reason", None, &mut diags);
            let note = tt.string("note", None, &mut diags);
            tt.finish(&mut diags);
            if let Some(d) = diags.0.into_iter().next() {
                return Err(d);
            }
            let Some(inner) = inner else {
                return Err(Diagnostic::new(format!(
                    "fact `{path}` is written as a table but has no `value`"
                ))
                .at(source, v.span())
                .with_help(format!(
                    "write `{{ value = ..., reason = \"...\" }}` ({})",
                    decl.label
                )));
            };
            if let Some(r) = &reason
                && is_blank(r.get_ref())
            {
                return Err(Diagnostic::new(format!(
                    "the `reason` of `{path}` must not be empty or only invisible characters"
                ))
                .at(source, r.span()));
            }
            (
                inner,
                reason.map(Spanned::into_inner),
                note.map(Spanned::into_inner),
            )
        }
        _ => (v, None, None),
    };
    let at = |message: String| Diagnostic::new(message).at(source, inner.span());
    // The key a fix is written under: the fact's, or `value` inside `{ value = … }`.
    let fix_key = if matches!(v.get_ref(), DeValue::Table(_)) {
        "value"
    } else {
        path.rsplit('.').next().unwrap_or(path)
    };
    let needs_reason = |what: &str| {
        Diagnostic::new(format!("`{path}` ({}) {what} needs a reason", decl.label))
            .at(source, v.span())
            .with_help(format!(
                "write `{} = {{ value = {}, reason = \"...\" }}`",
                path.rsplit('.').next().unwrap_or(path),
                source.text().get(inner.span()).unwrap_or("...")
            ))
    };
    let value = match &decl.kind {
        FactKind::Amount | FactKind::Count => {
            let d = match inner.get_ref() {
                DeValue::String(s) => {
                    return Err(at(format!(
                        "`{path}` ({}) must be a number{}, found the string `\"{s}\"`",
                        decl.label,
                        unit_suffix(rubric, index)
                    ))
                    .with_help(figure_help(
                        fix_key,
                        s,
                        false,
                        &fact_unit(rubric, index),
                    )));
                }
                _ => decimal_of(source, inner, || format!("`{path}`"))?,
            };
            if d < Decimal::ZERO {
                return Err(at(format!(
                    "`{path}` ({}) cannot be negative, found {d}",
                    decl.label
                )));
            }
            if decl.kind == FactKind::Count && !d.fract().is_zero() {
                return Err(at(format!(
                    "`{path}` ({}) must be a whole number, found {d}",
                    decl.label
                )));
            }
            FactValue::Number(d)
        }
        FactKind::Rate => match inner.get_ref() {
            DeValue::String(s) => match parse_percent(s) {
                Some(Ok(d)) if d >= Decimal::ZERO => FactValue::Number(d),
                Some(Ok(d)) => {
                    return Err(at(format!(
                        "`{path}` ({}) cannot be negative, found {d}",
                        decl.label
                    )));
                }
                Some(Err(e)) => return Err(at(format!("`{path}`: {e}"))),
                None => {
                    return Err(at(format!(
                        "`{path}` ({}) must be a rate such as \"96.5%\" or 0.965, found `\"{s}\"`",
                        decl.label
                    ))
                    .with_help(figure_help(fix_key, s, true, "%")));
                }
            },
            _ => {
                let d = decimal_of(source, inner, || format!("`{path}`"))?;
                if d < Decimal::ZERO {
                    return Err(at(format!(
                        "`{path}` ({}) cannot be negative, found {d}",
                        decl.label
                    )));
                }
                if d > Decimal::ONE {
                    let text = source.text().get(inner.span()).unwrap_or("");
                    return Err(at(format!("rate `{path}` = {text} is ambiguous: a rate written as a plain number must lie between 0 and 1"))
                        .with_help(format!("write \"{text}%\" for a percentage, or the fraction (e.g. 0.965 for 96.5%)")));
                }
                FactValue::Number(d)
            }
        },
        FactKind::Bool => match inner.get_ref() {
            DeValue::Boolean(b) => FactValue::Bool(*b),
            other => {
                return Err(at(format!(
                    "`{path}` ({}) must be true or false, found {}",
                    decl.label,
                    type_name(other)
                )));
            }
        },
        FactKind::Choice(choices) => choose(source, path, &decl.label, choices, inner)?,
        FactKind::Tier(labels) => {
            let chosen = choose(source, path, &decl.label, labels, inner)?;
            if reason.is_none() {
                return Err(needs_reason("is an evaluator's choice of tier and"));
            }
            chosen
        }
        FactKind::Check => match inner.get_ref() {
            DeValue::Boolean(true) => FactValue::Check(CheckValue::Met),
            DeValue::Boolean(false) => FactValue::Check(CheckValue::NotMet),
            DeValue::Integer(_) | DeValue::Float(_) => {
                let d = decimal_of(source, inner, || format!("`{path}`"))?;
                if d < Decimal::ZERO {
                    return Err(at(format!(
                        "the partial score of `{path}` cannot be negative"
                    )));
                }
                if reason.is_none() {
                    return Err(needs_reason("given partial credit"));
                }
                FactValue::Check(CheckValue::Partial(d))
            }
            other => {
                return Err(at(format!(
                    "`{path}` ({}) must be true (met), false (not met) or the points awarded, found {}",
                    decl.label,
                    type_name(other)
                )));
            }
        },
        FactKind::Judgment => {
            let d = decimal_of(source, inner, || format!("`{path}`"))?;
            if d < Decimal::ZERO {
                return Err(at(format!("the score of `{path}` cannot be negative")));
            }
            if reason.is_none() {
                return Err(needs_reason("is an evaluator's score and"));
            }
            FactValue::Judgment(d)
        }
    };
    Ok(FactEntry {
        value,
        reason,
        note,
        span: v.span(),
    })
}

/// The unit a fact's figures are in: its own, or the rubric's for an amount.
fn fact_unit(rubric: &Rubric, index: usize) -> String {
    let decl = &rubric.facts[index];
    match (&decl.kind, decl.unit.is_empty()) {
        (FactKind::Amount, true) => rubric.meta.unit.clone(),
        _ => decl.unit.clone(),
    }
}

fn unit_suffix(rubric: &Rubric, index: usize) -> String {
    let decl = &rubric.facts[index];
    match (&decl.kind, decl.unit.is_empty()) {
        (FactKind::Amount, true) => format!(" in {}", rubric.meta.unit),
        (_, false) => format!(" in {}", decl.unit),
        _ => String::new(),
    }
}

fn choose(
    source: &SourceFile,
    path: &str,
    label: &str,
    choices: &[String],
    inner: &Spanned<DeValue<'_>>,
) -> Result<FactValue, Diagnostic> {
    let DeValue::String(s) = inner.get_ref() else {
        return Err(Diagnostic::new(format!(
            "`{path}` ({label}) must be one of: {}",
            quoted(choices)
        ))
        .at(source, inner.span()));
    };
    if choices.iter().any(|c| c == s.as_ref()) {
        return Ok(FactValue::Text(s.to_string()));
    }
    let mut d = Diagnostic::new(format!("`{s}` is not an answer of `{path}` ({label})"))
        .at(source, inner.span());
    d = match suggest(s, choices.iter().map(String::as_str)) {
        Some(c) => d.with_help(format!("did you mean `{c}`?")),
        None => d.with_help(format!("the answers are: {}", quoted(choices))),
    };
    Err(d)
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Facts {
    /// Loads a facts file whose rubric is already known.
    pub fn load(source: &SourceFile, rubric: &Rubric) -> Result<Facts, Diagnostics> {
        FactsDocument::parse(source)?.interpret(rubric)
    }

    pub fn override_for(&self, indicator: usize) -> Option<&Override> {
        self.overrides.iter().find(|o| o.indicator == indicator)
    }
}
