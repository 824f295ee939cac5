//! The design's MLIR written directly (`aie-dsl/src/emit/direct/design.rs` and `generic.rs`)
//! must be, byte for byte, what building the design's MLIR module, MLIR's verifier and our
//! printer (custom form) or MLIR's own (generic form) make of it (`emit::emit`, whose texts the
//! snapshot and golden tests check), and every one of the project's designs must be written
//! directly, without falling back.

mod mlir;
use aie_dsl::valid::Validated;
use mlir::first_difference;

fn compare(name: &str, design: &Validated) {
    let expected = aie_dsl::emit::emit(design).unwrap_or_else(|e| panic!("{name}: {e}"));
    let direct = aie_dsl::emit::design_direct(design)
        .unwrap_or_else(|| panic!("{name}: the direct writer left the design to MLIR"));
    assert!(
        direct == expected.mlir,
        "{name}: direct text differs from the MLIR path at {}",
        first_difference(&direct, &expected.mlir)
    );
    let generic = aie_dsl::emit::generic_direct(design)
        .unwrap_or_else(|| panic!("{name}: the direct generic writer left the design to MLIR"));
    assert!(
        generic == expected.generic,
        "{name}: direct generic text differs from MLIR's at {}",
        first_difference(&generic, &expected.generic)
    );
    // The build path (`Check::Skip`) gives the same texts.
    let built = aie_dsl::emit::emit_checked(design, aie_dsl::emit::Check::Skip)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(built, expected, "{name}");
}

#[test]
fn every_registered_design_is_written_directly_and_exactly() {
    if mlir::missing("every_registered_design_is_written_directly_and_exactly") {
        return;
    }
    for (name, design) in designs::all() {
        let design = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        compare(name, &design);
    }
    let demo = designs::report_demo::vector_add_4x4().expect("the report demo validates");
    compare("vector_add_4x4", &demo);
}

#[test]
fn grid_designs_are_written_directly_and_exactly() {
    if mlir::missing("grid_designs_are_written_directly_and_exactly") {
        return;
    }
    let mut compared = 0;
    for cols in [1, 4] {
        for cores in 1..=16 {
            let Ok(design) = designs::scaling::grid(cores, cols) else {
                assert!(
                    cores > 4 && cols == 1,
                    "grid({cores}, {cols}) does not validate"
                );
                continue;
            };
            compare(&format!("grid_{cores}_{cols}"), &design);
            compared += 1;
        }
    }
    assert!(compared >= 20, "only {compared} grid designs validate");
}
