//! Small helpers for writing XML text (SVG and HTML) by hand: escaping and ids.

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, fit for element text and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let plain = |b: u8| {
        !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') && (b >= 0x20 || b == b'\t' || b == b'\n')
    };
    if text.bytes().all(plain) {
        return text.to_string();
    }
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => s.push('?'),
            c => s.push(c),
        }
    }
    s
}

/// An XML id for an object called `name`, prefixed by `kind` (`fifo`, `tile`…): letters,
/// digits, `_`, `-` and `.` are kept, anything else becomes `_`.
pub(crate) fn id(kind: &str, name: &str) -> String {
    let mut s = String::with_capacity(kind.len() + 1 + name.len());
    s.push_str(kind);
    s.push('-');
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.') {
            s.push(ch);
        } else {
            s.push('_');
        }
    }
    s
}

/// A byte count for people: `512 B`, `4 KiB`, `1.5 MiB`.
pub(crate) fn bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n < KIB {
        format!("{n} B")
    } else if n < MIB {
        tenths(n, KIB, "KiB")
    } else {
        tenths(n, MIB, "MiB")
    }
}

/// `1 core`, `2 cores`.
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn tenths(n: u64, unit: u64, name: &str) -> String {
    let t = (n.saturating_mul(10) + unit / 2) / unit;
    if t.is_multiple_of(10) {
        format!("{} {name}", t / 10)
    } else {
        format!("{}.{} {name}", t / 10, t % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }

    #[test]
    fn ids_keep_only_safe_characters() {
        assert_eq!(id("fifo", "of_in"), "fifo-of_in");
        assert_eq!(id("fifo", "a b<c"), "fifo-a_b_c");
    }

    #[test]
    fn byte_counts_round_to_tenths() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(4096), "4 KiB");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(0x80000), "512 KiB");
    }
}
