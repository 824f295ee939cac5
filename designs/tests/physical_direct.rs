//! The physical MLIR written directly (`aie-dsl/src/emit/direct/`) must be, byte for byte, what
//! building the MLIR module, MLIR's verifier, `convert-scf-to-cf` and our printer make of the
//! same lowering (`emit::emit_physical`, whose text the golden tests compare with `aie-opt`'s),
//! and every one of the project's designs must be written directly, without falling back.

mod mlir;
use aie_dsl::valid::Validated;
use mlir::first_difference;

fn compare(name: &str, design: &Validated) {
    let lowered = aie_dsl::lower::lower(design).unwrap_or_else(|e| panic!("{name}: {e}"));
    let phys = &lowered.physical;
    let expected = aie_dsl::emit::emit_physical(design, phys)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .mlir;
    let direct = aie_dsl::emit::physical_direct(design, phys)
        .unwrap_or_else(|| panic!("{name}: the direct writer left the design to MLIR"));
    assert!(
        direct == expected,
        "{name}: direct text differs from the MLIR path at {}",
        first_difference(&direct, &expected)
    );
    // The build path (`Check::Skip`) gives the same text.
    let built = aie_dsl::emit::physical_mlir(design, phys, aie_dsl::emit::Check::Skip)
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
    for cols in [1, 4] {
        for cores in [1, 2, 4, 8, 12, 16] {
            let Ok(design) = designs::scaling::grid(cores, cols) else {
                assert!(
                    cores > 4 && cols == 1,
                    "grid({cores}, {cols}) does not validate"
                );
                continue;
            };
            compare(&format!("grid_{cores}_{cols}"), &design);
        }
    }
}

/// The lines of a module, trimmed, without comments and blank lines, sorted: the text up to
/// the order of its ops.
fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v
}

#[test]
fn what_a_build_writes_matches_aie_opt_up_to_op_order() {
    // mlir-aie's physical MLIR of five designs (aie-dsl/tests/data/physical, see PROVENANCE.md).
    let data =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../aie-dsl/tests/data/physical");
    let mut checked = 0;
    for (name, design) in designs::all() {
        let Ok(reference) = std::fs::read_to_string(data.join(format!("{name}.mlir"))) else {
            continue;
        };
        let design = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        let lowered = aie_dsl::lower::lower(&design).unwrap_or_else(|e| panic!("{name}: {e}"));
        let direct = aie_dsl::emit::physical_direct(&design, &lowered.physical)
            .unwrap_or_else(|| panic!("{name}: the direct writer left the design to MLIR"));
        assert_eq!(
            sorted_lines(&direct),
            sorted_lines(&reference),
            "{name}: differs from aie-opt's physical MLIR"
        );
        checked += 1;
    }
    assert_eq!(checked, 5, "the five recorded designs are registered");
}
