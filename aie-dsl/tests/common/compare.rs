//! Comparing a directly written text with the MLIR path's: where they first differ, and which
//! constructs the directly written texts showed (so a random test shows what it covered).

/// The first line where `a` and `b` differ, with both lines, for a readable failure.
pub fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (x, y) => return format!("line {n}:\n  direct: {x:?}\n  MLIR:   {y:?}"),
        }
    }
}

/// How often each of `N` markers appeared in the texts noted: `.0[k]` for marker `k`.
pub struct Seen<const N: usize>(pub [usize; N], &'static [&'static str; N]);

impl<const N: usize> Seen<N> {
    /// No text noted yet.
    pub fn new(markers: &'static [&'static str; N]) -> Self {
        Seen([0; N], markers)
    }

    /// Counts the markers `text` holds.
    pub fn note(&mut self, text: &str) {
        for (k, m) in self.1.iter().enumerate() {
            self.0[k] += usize::from(text.contains(m));
        }
    }
}
