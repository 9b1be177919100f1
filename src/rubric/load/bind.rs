//! Formulas bound to the names they read: facts, and the values a rule defines.

use super::*;

/// The span of a formula's text inside the TOML file: exact when the string is written
/// plainly between quotes, else the whole string.
pub(super) fn formula_location(
    source: &SourceFile,
    value: &Spanned<String>,
    inner: &Range<usize>,
) -> Range<usize> {
    let span = value.span();
    let raw = source.text().get(span.clone()).unwrap_or("");
    let text = value.get_ref();
    for quote in ["\"", "'"] {
        if raw.len() == text.len() + 2
            && raw.starts_with(quote)
            && raw.ends_with(quote)
            && &raw[1..raw.len() - 1] == text
        {
            return span.start + 1 + inner.start..span.start + 1 + inner.end;
        }
    }
    span
}

/// Where names in the formulas of one rule resolve.
pub(super) struct Names<'f> {
    pub(super) facts: &'f [FactDecl],
    /// Lets visible to this formula, with their types.
    pub(super) lets: Vec<(String, Type)>,
    /// Whether each let is shown as a percentage: a rate, whose tier bounds must be
    /// written as rates.
    pub(super) percent_lets: Vec<bool>,
    /// Whose formulas these are, for messages: "indicator `procurement`".
    pub(super) context: String,
}

impl Names<'_> {
    /// Whether a formula is a single rate: a `rate` fact or a let shown as a percentage.
    pub(super) fn is_rate(&self, f: &formula::Formula) -> bool {
        match f.as_name().map(|n| n.target) {
            Some(Target::Local(i)) => self.percent_lets.get(i).copied().unwrap_or(false),
            Some(Target::Fact(i)) => self.facts[i].kind == FactKind::Rate,
            None => false,
        }
    }
}

impl<'f> Names<'f> {
    /// The names a check or rule over facts alone may use (no named values).
    pub(super) fn of_facts(
        facts: &'f [FactDecl],
        id: &Option<Spanned<String>>,
        what: &str,
    ) -> Self {
        Names {
            facts,
            lets: Vec::new(),
            percent_lets: Vec::new(),
            context: match id {
                Some(id) => t!("rubric.named_what", what = what, id = id.get_ref()).into_owned(),
                None => t!("rubric.unnamed_what", what = what).into_owned(),
            },
        }
    }

    pub(super) fn lookup(&self, name: &str) -> Option<(Target, Type)> {
        if let Some(i) = self.lets.iter().position(|(n, _)| n == name) {
            return Some((Target::Local(i), self.lets[i].1));
        }
        let i = self.facts.iter().position(|f| f.path == name)?;
        Some((Target::Fact(i), self.facts[i].kind.formula_type()?))
    }

    pub(super) fn help(&self, name: &str) -> Option<String> {
        if let Some(f) = self.facts.iter().find(|f| f.path == name) {
            return Some(
                t!(
                    "rubric.fact_not_in_formulas",
                    name = name,
                    kind = f.kind.name()
                )
                .into_owned(),
            );
        }
        let candidates = self
            .lets
            .iter()
            .map(|(n, _)| n.as_str())
            .chain(self.facts.iter().map(|f| f.path.as_str()));
        match suggest(name, candidates) {
            Some(s) => Some(t!("rubric.did_you_mean", name = s).into_owned()),
            None => Some(t!("rubric.declare_or_let").into_owned()),
        }
    }
}

pub(super) fn compile(
    source: &SourceFile,
    text: &Spanned<String>,
    names: &Names<'_>,
    want: Option<Type>,
    diags: &mut Diagnostics,
) -> Option<(formula::Formula, Type)> {
    let parsed = match formula::parse(text.get_ref()) {
        Ok(f) => f,
        Err(e) => {
            diags.push(
                Diagnostic::new(t!(
                    "rubric.formula_error",
                    context = names.context,
                    message = e.message
                ))
                .at(source, formula_location(source, text, &e.span)),
            );
            return None;
        }
    };
    match parsed.resolve(&|n| names.lookup(n), &|n| names.help(n)) {
        Ok(f) => {
            let ty = f.ty();
            if let Some(want) = want
                && ty != want
            {
                diags.push(
                    Diagnostic::new(t!(
                        "rubric.formula_type",
                        context = names.context,
                        got = ty,
                        want = want
                    ))
                    .at(source, text.span()),
                );
                return None;
            }
            Some((f, ty))
        }
        Err(errors) => {
            for e in errors {
                let mut d = Diagnostic::new(t!(
                    "rubric.formula_error",
                    context = names.context,
                    message = e.message
                ))
                .at(source, formula_location(source, text, &e.span));
                if let Some(h) = e.help {
                    d = d.with_help(h);
                }
                diags.push(d);
            }
            None
        }
    }
}

pub(super) fn fact_of_kind(
    source: &SourceFile,
    facts: &[FactDecl],
    path: &Spanned<String>,
    want: &str,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let Some(i) = facts.iter().position(|f| &f.path == path.get_ref()) else {
        let mut d = Diagnostic::new(t!("rubric.unknown_fact", path = path.get_ref()))
            .at(source, path.span());
        if let Some(s) = suggest(path.get_ref(), facts.iter().map(|f| f.path.as_str())) {
            d = d.with_help(t!("rubric.did_you_mean", name = s));
        } else {
            d = d.with_help(t!("rubric.declare_under_facts"));
        }
        diags.push(d);
        return None;
    };
    if facts[i].kind.name() != want {
        diags.push(
            Diagnostic::new(t!(
                "rubric.fact_wrong_kind",
                path = path.get_ref(),
                kind = facts[i].kind.name(),
                want = want
            ))
            .at(source, path.span()),
        );
        return None;
    }
    Some(i)
}
