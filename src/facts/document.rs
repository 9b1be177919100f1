//! A parsed facts file and its reading against a rubric: the top-level keys, the fact
//! tables, overrides, and every problem reported at once.

use super::*;

/// What reading the fact tables collects.
pub(super) struct Reading {
    pub(super) values: Vec<Option<FactEntry>>,
    pub(super) groups: Vec<(String, Range<usize>)>,
    pub(super) diags: Diagnostics,
    /// Re-scoring under another rubric: a fact that rubric does not declare is set aside
    /// (and listed), not an error.
    pub(super) set_aside_unknown: bool,
    pub(super) set_aside: Vec<(String, Range<usize>)>,
}

/// A parsed facts file whose rubric is not yet known.
#[derive(Debug)]
pub struct FactsDocument<'s> {
    pub(super) source: &'s SourceFile,
    pub(super) doc: Spanned<DeTable<'s>>,
}

pub(super) const TOP_KEYS: [&str; 5] = ["rubric", "department", "year", "overrides", "claimed"];

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
                other => Err(Diagnostic::new(t!(
                    "toml.must_be_string",
                    key = "rubric",
                    found = type_name(other)
                ))
                .at(self.source, v.span())),
            },
            None => Err(Diagnostic::new(t!("facts.no_rubric"))
                .at(self.source, 0..0)
                .with_help(t!("facts.no_rubric_help"))),
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
            t!("facts.the_facts_file"),
        );
        let rubric_id = top.string("rubric", Some(&t!("facts.what_rubric_id")), &mut diags);
        let department = top.string("department", Some(&t!("facts.what_department")), &mut diags);
        // A name is one line: a newline or a control character in it could forge the
        // title line of a report.
        if let Some(dep) = &department
            && dep.get_ref().chars().any(char::is_control)
        {
            diags.push(
                Diagnostic::new(t!("facts.department_one_line"))
                    .at(source, dep.span())
                    .with_help(t!("facts.department_one_line_help")),
            );
        }
        let year = top.integer("year", Some(&t!("facts.what_year")), &mut diags);
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
                    Diagnostic::new(t!("facts.fact_twice", path = path))
                        .at(self.source, key_span)
                        .also_at(
                            self.source,
                            first.span.clone(),
                            t!("facts.first_given_here"),
                        )
                        .with_help(t!("facts.fact_twice_help")),
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
                Diagnostic::new(t!(
                    "facts.group_must_be_table",
                    path = path,
                    found = type_name(other)
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
                let mut d = Diagnostic::new(t!("facts.unknown_fact", path = path))
                    .at(self.source, key_span);
                let separator = t!("toml.list_separator");
                d = match suggest(leaf, siblings.iter().map(String::as_str)) {
                    Some(s) => d.with_help(t!("toml.did_you_mean", name = s)),
                    None if parent.is_empty() => d.with_help(t!(
                        "facts.top_level_keys",
                        keys = TOP_KEYS.join(&separator),
                        rubric = rubric.meta.id,
                        groups = sibling_names(rubric, "").join(&separator)
                    )),
                    None if siblings.is_empty() => {
                        d.with_help(t!("facts.no_such_fact", rubric = rubric.meta.id))
                    }
                    None => d.with_help(t!("facts.facts_here", facts = siblings.join(&separator))),
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
                Diagnostic::new(t!(
                    "toml.must_be_table",
                    key = "overrides",
                    found = type_name(v.get_ref())
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
                let mut d = Diagnostic::new(t!("facts.override_unknown_indicator", name = name))
                    .at(source, key.span());
                if items.iter().any(|i| i.name == name) {
                    d = d.with_help(t!("facts.override_listed_help"));
                } else if let Some(s) = suggest(name, candidates) {
                    d = d.with_help(t!("toml.did_you_mean", name = s));
                }
                diags.push(d);
                continue;
            };
            let indicator = &rubric.indicators[i];
            if indicator.rule.is_none() {
                let (message, help) = match &indicator.list {
                    Some(l) => (
                        t!("facts.override_listed_group", name = indicator.name),
                        t!("facts.override_listed_group_help", key = l.key),
                    ),
                    None => (
                        t!("facts.override_parent", name = indicator.name),
                        t!("facts.override_parent_help"),
                    ),
                };
                diags.push(
                    Diagnostic::new(message)
                        .at(source, key.span())
                        .with_help(help),
                );
                continue;
            }
            let DeValue::Table(ot) = value.get_ref() else {
                diags.push(
                    Diagnostic::new(t!("facts.override_must_be_table", name = name))
                        .at(source, value.span())
                        .with_help(t!("facts.override_must_be_table_help", name = name)),
                );
                continue;
            };
            let mut ot = Table::new(
                source,
                ot,
                value.span(),
                t!("facts.override_of", name = name),
            );
            let score = ot.decimal("score", Some(&t!("facts.what_override_score")), diags);
            let reason = ot.string("reason", Some(&t!("facts.what_override_reason")), diags);
            ot.finish(diags);
            let (Some(score), Some(reason)) = (score, reason) else {
                continue;
            };
            if is_blank(reason.get_ref()) {
                diags.push(
                    Diagnostic::new(t!("facts.override_reason_blank")).at(source, reason.span()),
                );
                continue;
            }
            let s = *score.get_ref();
            if s < Decimal::ZERO || s > indicator.points {
                diags.push(
                    Diagnostic::new(t!(
                        "facts.override_out_of_range",
                        score = s.normalize(),
                        points = indicator.points.normalize(),
                        name = indicator.name
                    ))
                    .at(source, score.span()),
                );
                continue;
            }
            if s.normalize().scale() > rubric.rounding.scale {
                diags.push(
                    Diagnostic::new(t!(
                        "facts.override_too_many_decimals",
                        score = s,
                        scale = rubric.rounding.scale
                    ))
                    .at(source, score.span()),
                );
                continue;
            }
            if let Some(first) = out.iter().find(|o: &&Override| o.indicator == i) {
                diags.push(
                    Diagnostic::new(t!("facts.overridden_twice", name = indicator.name))
                        .at(source, key.span())
                        .also_at(source, first.span.clone(), t!("facts.first_given_here"))
                        .with_help(t!("facts.overridden_twice_help")),
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

/// Replaces the problems found at values still equal to the template's placeholder with
/// one message that lists every such value, so a half-filled template is one list of
/// what is left, not fifty type errors; a placeholder is never read as a value or reason.
pub(super) fn with_placeholders(
    source: &SourceFile,
    doc: &DeTable<'_>,
    diags: Diagnostics,
) -> Diagnostics {
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
        .map(|(path, span)| {
            t!(
                "facts.unfilled_at",
                at = source.spot(span.start),
                path = path
            )
        })
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
    let keys = keys.join(t!("toml.list_separator").as_ref());
    let placeholder = crate::toml_read::PLACEHOLDER;
    let summary = Diagnostic::new(if count == 1 {
        t!("facts.unfilled_one", keys = keys, placeholder = placeholder)
    } else {
        t!(
            "facts.unfilled_many",
            count = count,
            keys = keys,
            placeholder = placeholder
        )
    })
    .at(source, first.clone())
    .with_help(t!("facts.unfilled_help", list = list));
    rest.insert(0, summary);
    Diagnostics(rest)
}

/// A value still as `perfeval init` wrote it.
pub(super) fn unfilled(source: &SourceFile, s: &Spanned<String>, what: &str) -> Option<Diagnostic> {
    (s.get_ref().trim() == "TODO").then(|| {
        Diagnostic::new(t!(
            "facts.still_todo",
            what = what,
            placeholder = crate::toml_read::PLACEHOLDER
        ))
        .at(source, s.span())
        .with_help(t!("facts.still_todo_help"))
    })
}

/// The names directly under `parent` among the rubric's fact paths.
pub(super) fn sibling_names(rubric: &Rubric, parent: &str) -> Vec<String> {
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
