//! Text that fits: names cut to a width, lists shortened with a count of what is left out.

use std::fmt::Write;

use crate::report::xml::esc;

/// Coloured names as pieces: `a`; `a, b`; or `a…z` (first and last) for more.
pub(super) fn span(
    names: &[(String, Option<&'static str>)],
) -> Vec<(String, Option<&'static str>)> {
    match names {
        [a, b] => vec![a.clone(), (", ".into(), None), b.clone()],
        [a, .., z] if names.len() > 2 => vec![a.clone(), ("…".into(), None), z.clone()],
        other => other.to_vec(),
    }
}

/// `text`, cut to `max` characters with an ellipsis.
pub(super) fn fit(text: &str, max: i64) -> String {
    let max = usize::try_from(max.max(2)).unwrap_or(2);
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// One line of text from pieces (plain or coloured), cut to `max` characters: what does not
/// fit is counted (`+2` names) or elided; `more` lines not shown are counted at the end.
pub(super) fn text_line(
    s: &mut String,
    x: i64,
    y: i64,
    pieces: &[(String, Option<&'static str>)],
    max: i64,
    more: usize,
) {
    let max = usize::try_from(max).unwrap_or(0);
    let _ = write!(s, r#"<text x="{x}" y="{y}">"#);
    let mut used = 0usize;
    for (i, (text, color)) in pieces.iter().enumerate() {
        let len = text.chars().count();
        let reserve = if i + 1 < pieces.len() { 4 } else { 0 };
        if i > 0 && used + len + reserve > max {
            let names = pieces[i..].iter().filter(|p| p.1.is_some()).count();
            let rest = if names > 0 {
                format!(" +{names}")
            } else {
                "…".to_string()
            };
            let _ = write!(s, "{}", esc(&rest));
            used = max;
            break;
        }
        let shown = if i == 0 {
            fit(text, max as i64)
        } else {
            text.clone()
        };
        match color {
            Some(c) => {
                let _ = write!(
                    s,
                    r#"<tspan fill="{c}" font-weight="bold">{}</tspan>"#,
                    esc(&shown)
                );
            }
            None => {
                let _ = write!(s, "{}", esc(&shown));
            }
        }
        used += len;
    }
    if more > 0 && used < max {
        let _ = write!(s, "{}", esc(&format!("  (+{more} more)")));
    }
    s.push_str("</text>\n");
}
