//! Unsupported syntax and type mismatches in macro-written designs are compile errors that
//! point at the offending token and say what is supported (reviewed `.stderr` files in
//! `tests/ui/`).

#[test]
fn macro_misuse_does_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
