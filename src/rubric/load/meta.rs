//! `[rubric]`, `[rounding]` and `[[grades]]`: the metadata, the rounding step and the
//! grade bands, and a variant's changes to them.

use super::*;

pub(super) fn read_meta(mut t: Table<'_, '_>, diags: &mut Diagnostics) -> Option<Meta> {
    let id = t.string("id", Some(&t!("rubric.need_id")), diags);
    let version = t.string("version", Some(&t!("rubric.need_version")), diags);
    let title = t.string("title", Some(&t!("rubric.need_title")), diags);
    let issuer = t.string("issuer", Some(&t!("rubric.need_issuer")), diags);
    let document = t.string("document", Some(&t!("rubric.need_document")), diags);
    let year = t.integer("year", Some(&t!("rubric.need_year")), diags);
    if let Some(d) = year
        .as_ref()
        .and_then(|y| crate::toml_read::check_year(t.source, y))
    {
        diags.push(d);
    }
    let unit = t.string("unit", Some(&t!("rubric.need_unit")), diags);
    let total = t.decimal("total", Some(&t!("rubric.need_total")), diags);
    let levels = match t.get("levels") {
        Some(v) => string_list(t.source, v, "`levels`", diags),
        None => {
            diags.push(Diagnostic::new(t!("rubric.missing_levels")).at(t.source, t.span.clone()));
            None
        }
    };
    if let Some(id) = &id
        && !is_identifier(id.get_ref(), true)
    {
        diags.push(
            Diagnostic::new(t!("rubric.rubric_id_not_ascii", id = id.get_ref()))
                .at(t.source, id.span()),
        );
    }
    if let Some(levels) = &levels
        && levels.is_empty()
    {
        diags.push(Diagnostic::new(t!("rubric.levels_empty")).at(t.source, t.span.clone()));
    }
    // Read by `chain`, which follows it before anything else is read.
    let _ = t.get("extends");
    t.context = "[rubric]".into();
    t.finish(diags);
    Some(Meta {
        id: id?.into_inner(),
        version: version?.into_inner(),
        title: title?.into_inner(),
        issuer: issuer?.into_inner(),
        document: document?.into_inner(),
        year: year?.into_inner(),
        unit: unit?.into_inner(),
        total: total?.into_inner(),
        levels: levels?,
    })
}

pub(super) fn string_list(
    source: &SourceFile,
    v: &Spanned<DeValue<'_>>,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let DeValue::Array(items) = v.get_ref() else {
        diags.push(
            Diagnostic::new(t!(
                "rubric.not_string_array",
                what = what,
                found = type_name(v.get_ref())
            ))
            .at(source, v.span()),
        );
        return None;
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) => out.push(s.to_string()),
            other => {
                diags.push(
                    Diagnostic::new(t!(
                        "rubric.not_strings",
                        what = what,
                        found = type_name(other)
                    ))
                    .at(source, item.span()),
                );
                return None;
            }
        }
    }
    Some(out)
}

/// A variant's `[rubric]`: its own `id` and whatever else it changes.
pub(super) fn read_meta_over(mut t: Table<'_, '_>, mut m: Meta, diags: &mut Diagnostics) -> Meta {
    t.context = "[rubric]".into();
    if let Some(id) = t.string("id", Some(&t!("rubric.need_variant_id")), diags) {
        if !is_identifier(id.get_ref(), true) {
            diags.push(
                Diagnostic::new(t!("rubric.rubric_id_not_ascii", id = id.get_ref()))
                    .at(t.source, id.span()),
            );
        }
        m.id = id.into_inner();
    }
    for (key, field) in [
        ("version", &mut m.version),
        ("title", &mut m.title),
        ("issuer", &mut m.issuer),
        ("document", &mut m.document),
        ("unit", &mut m.unit),
    ] {
        if let Some(v) = t.string(key, None, diags) {
            *field = v.into_inner();
        }
    }
    if let Some(y) = t.integer("year", None, diags) {
        if let Some(d) = crate::toml_read::check_year(t.source, &y) {
            diags.push(d);
        }
        m.year = y.into_inner();
    }
    if let Some(total) = t.decimal("total", None, diags) {
        m.total = total.into_inner();
    }
    if let Some(v) = t.get("levels")
        && let Some(levels) = string_list(t.source, v, "`levels`", diags)
    {
        m.levels = levels;
    }
    let _ = t.get("extends");
    t.finish(diags);
    m
}

/// A variant's `[rounding]`: the keys it gives replace the base's.
pub(super) fn read_rounding_over(
    mut t: Table<'_, '_>,
    base: Rounding,
    diags: &mut Diagnostics,
) -> Rounding {
    t.context = "[rounding]".into();
    // The given keys are read with the usual checks; the rest come from the base.
    let (scale, mode) = read_rounding_keys(t, Some(base.scale), Some(base.mode), diags);
    Rounding {
        scale: scale.unwrap_or(base.scale),
        mode: mode.unwrap_or(base.mode),
    }
}

pub(super) fn read_rounding(t: Table<'_, '_>, diags: &mut Diagnostics) -> Option<Rounding> {
    let (scale, mode) = read_rounding_keys(t, None, None, diags);
    Some(Rounding {
        scale: scale?,
        mode: mode?,
    })
}

/// Reads `scale` and `mode`; a key with a default is optional.
pub(super) fn read_rounding_keys(
    mut t: Table<'_, '_>,
    scale_default: Option<u32>,
    mode_default: Option<RoundingMode>,
    diags: &mut Diagnostics,
) -> (Option<u32>, Option<RoundingMode>) {
    t.context = "[rounding]".into();
    let scale = t.integer(
        "scale",
        scale_default
            .is_none()
            .then(|| t!("rubric.need_scale"))
            .as_deref(),
        diags,
    );
    let mode = t.string(
        "mode",
        mode_default
            .is_none()
            .then(|| t!("rubric.need_mode"))
            .as_deref(),
        diags,
    );
    let source = t.source;
    t.finish(diags);
    let scale_value = scale.as_ref().map(|s| *s.get_ref());
    let scale = match scale_value {
        Some(s @ 0..=10) => u32::try_from(s).ok(),
        Some(_) => {
            if let Some(s) = &scale {
                diags.push(Diagnostic::new(t!("rubric.scale_out_of_range")).at(source, s.span()));
            }
            None
        }
        None => None,
    };
    let mode = mode.and_then(|m| match RoundingMode::from_name(m.get_ref()) {
        Some(mode) => Some(mode),
        None => {
            let mut d = Diagnostic::new(t!("rubric.unknown_rounding_mode", mode = m.get_ref()))
                .at(source, m.span());
            d = match suggest(m.get_ref(), RoundingMode::NAMES) {
                Some(s) => d.with_help(t!("rubric.did_you_mean", name = s)),
                None => d.with_help(t!(
                    "rubric.rounding_modes",
                    list = RoundingMode::NAMES.join(&t!("rubric.list_separator"))
                )),
            };
            diags.push(d);
            None
        }
    });
    (scale.or(scale_default), mode.or(mode_default))
}

pub(super) fn read_grade(
    mut t: Table<'_, '_>,
    diags: &mut Diagnostics,
) -> Option<(Grade, Range<usize>)> {
    t.context = t!("rubric.grade_context", n = ordinal(&t.context)).into_owned();
    let name = t.string("name", Some(&t!("rubric.need_grade_name")), diags);
    let min = t.decimal("min", Some(&t!("rubric.need_grade_min")), diags);
    let span = t.span.clone();
    t.finish(diags);
    Some((
        Grade {
            name: name?.into_inner(),
            min: min?.into_inner(),
        },
        span,
    ))
}

pub(super) fn check_grades(
    source: &SourceFile,
    grades: &[(Grade, Range<usize>)],
    meta: &Meta,
    doc_span: Range<usize>,
    diags: &mut Diagnostics,
) {
    if grades.is_empty() {
        diags.push(
            Diagnostic::new(t!("rubric.no_grades"))
                .at(source, doc_span.start..doc_span.start)
                .with_help(t!("rubric.no_grades_help")),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (g, span) in grades {
        if !seen.insert(g.min) {
            diags.push(
                Diagnostic::new(t!("rubric.grade_min_twice", min = g.min)).at(source, span.clone()),
            );
        }
        if g.min < Decimal::ZERO || g.min > meta.total {
            diags.push(
                Diagnostic::new(t!(
                    "rubric.grade_out_of_range",
                    name = g.name,
                    min = g.min,
                    total = meta.total
                ))
                .at(source, span.clone()),
            );
        }
    }
    if !grades.iter().any(|(g, _)| g.min.is_zero()) {
        diags.push(
            Diagnostic::new(t!(
                "rubric.grades_leave_gap",
                min = grades.iter().map(|(g, _)| g.min).min().unwrap_or_default()
            ))
            .at(source, grades[0].1.clone())
            .with_help(t!("rubric.grades_leave_gap_help")),
        );
    }
}
