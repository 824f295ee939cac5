//! For the tests that compare with MLIR's own output or have MLIR verify: whether this build of
//! aie-dsl has MLIR in it, and where two texts first differ.

/// `true`, after saying on stderr that `test` is skipped and why, when aie-dsl was built without
/// its `mlir` feature: `cargo test -p designs` alone builds it so, as the examples are built;
/// `cargo test --workspace` (the README's test command) builds it with MLIR and runs `test`.
pub fn missing(test: &str) -> bool {
    if aie_dsl::MLIR {
        return false;
    }
    eprintln!(
        "skipped {test}: it needs MLIR, and aie-dsl was built without its `mlir` feature \
         (run `cargo test --workspace`, or `cargo test -p designs --features mlir`)"
    );
    true
}

/// The first line where `a` and `b` differ, with both lines, for a readable failure.
#[allow(dead_code)] // not every test that includes this module compares texts
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
