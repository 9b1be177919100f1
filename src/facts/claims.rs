//! `[claimed]`: the scores a submitted self-assessment states.

use super::*;

pub(super) fn read_claimed(
    mut t: Table<'_, '_>,
    rubric: &Rubric,
    diags: &mut Diagnostics,
) -> Claimed {
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
                    Diagnostic::new(t!("facts.claimed_twice", name = name, first = first.key))
                        .at(source, key.span())
                        .also_at(source, first.span.clone(), t!("facts.first_given_here"))
                        .with_help(t!("facts.claimed_twice_help")),
                );
                continue;
            }
            match decimal_of(source, value, || {
                t!("facts.claimed_score_of", name = name).into_owned()
            }) {
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
