//! For the tests that compare with MLIR's own output or have MLIR verify: whether this build of
//! aie-dsl has MLIR in it.

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
