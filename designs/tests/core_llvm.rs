//! LLVM IR of every core of every design against mlir-aie's own (its per-core pipeline at
//! 5ff2ab97d, then `aie-translate --mlir-to-llvmir`). The expected files live in
//! `aie-dsl/tests/data/core_llvm/<design>/core_C_R.ll` (see PROVENANCE.md there).
//!
//! The comparison is of the whole text, byte for byte: nothing is normalised. (The module's
//! `ModuleID` and `source_filename` are MLIR's fixed `LLVMDialectModule` on both sides.)

mod mlir;
mod per_core;

#[test]
fn every_core_llvm_ir_matches_mlir_aie() {
    let compared = per_core::compare_every_core("core_llvm", ".ll", |d, p, t| {
        aie_dsl::lower::core_llvm::core_ir(d, p, t)
    });
    assert!(compared >= 7, "only {compared} cores compared");
}

#[test]
fn a_tile_without_a_core_is_a_typed_error() {
    let design = designs::passthrough_dmas().unwrap();
    let phys = aie_dsl::lower::objectfifo::lower(&design).unwrap();
    let (tile, _) = design.tiles.iter().next().unwrap();
    let err = aie_dsl::lower::core_llvm::core_ir(&design, &phys, tile).unwrap_err();
    assert!(
        matches!(err, aie_dsl::lower::core_llvm::CoreLlvmError::NoCore { .. }),
        "{err}"
    );
}

/// The cores of every design of this crate — the Whisper designs and the 16-core matmuls
/// included, whose mlir-aie files do not exist yet — and of the scaling grid: the text the
/// direct writer makes equals what MLIR's own passes and translation make of the same core.
#[test]
fn direct_llvm_ir_equals_mlirs_passes_on_every_design() {
    if mlir::missing("direct_llvm_ir_equals_mlirs_passes_on_every_design") {
        return;
    }
    let mut designs: Vec<aie_dsl::valid::Validated> =
        designs::all().iter().map(|(_, f)| f().unwrap()).collect();
    for (cores, cols) in [(1, 1), (4, 4), (8, 4), (16, 4)] {
        designs.push(designs::scaling::grid(cores, cols).unwrap());
    }
    let mut compared = 0;
    for d in &designs {
        let phys = aie_dsl::lower::lower(d).unwrap().physical;
        let tiles: Vec<_> = phys.cores.iter().map(|c| c.tile).collect();
        for (tile, expected) in aie_dsl::lower::core_llvm::through_mlir(d, &phys, &tiles).unwrap() {
            let direct = aie_dsl::lower::core_llvm::direct_ir(d, &phys, tile)
                .unwrap()
                .unwrap_or_else(|| panic!("{}: core written through MLIR", d.name));
            assert_eq!(direct, expected, "{}: core {:?}", d.name, d.coords(tile));
            compared += 1;
        }
    }
    assert!(compared >= 60, "only {compared} cores compared");
}
