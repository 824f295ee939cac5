//! LLVM IR of every core of every design against mlir-aie's own (its per-core pipeline at
//! 5ff2ab97d, then `aie-translate --mlir-to-llvmir`). The expected files live in
//! `aie-dsl/tests/data/core_llvm/<design>/core_C_R.ll` (see PROVENANCE.md there).
//!
//! The comparison is of the whole text, byte for byte: nothing is normalised. (The module's
//! `ModuleID` and `source_filename` are MLIR's fixed `LLVMDialectModule` on both sides.)

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
