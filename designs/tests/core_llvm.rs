//! LLVM IR of every core of every design against mlir-aie's own (its per-core pipeline at
//! 5ff2ab97d, then `aie-translate --mlir-to-llvmir`). The expected files live in
//! `aie-dsl/tests/data/core_llvm/<design>/core_C_R.ll` (see PROVENANCE.md there).
//!
//! The comparison is of the whole text, byte for byte: nothing is normalised. (The module's
//! `ModuleID` and `source_filename` are MLIR's fixed `LLVMDialectModule` on both sides.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn data_dir(design: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../aie-dsl/tests/data/core_llvm")
        .join(design)
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(ours: &str, expected: &str) -> String {
    for (i, (a, b)) in ours.lines().zip(expected.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  ours:     {a}\n  mlir-aie: {b}", i + 1);
        }
    }
    format!(
        "{} lines against {}",
        ours.lines().count(),
        expected.lines().count()
    )
}

/// Designs whose core LLVM IR has not yet been made by mlir-aie (issue 12's Whisper designs:
/// no aie-opt on the machine they were written on). Remove a name once its
/// `tests/data/core_llvm/<name>/` files exist.
const NO_ORACLE_YET: &[&str] = &["gelu", "residual_add", "softmax"];

#[test]
fn every_core_llvm_ir_matches_mlir_aie() {
    let mut compared = 0;
    for (name, build) in designs::all() {
        if NO_ORACLE_YET.contains(&name) {
            continue;
        }
        let design = build().unwrap_or_else(|e| panic!("{name}: {e}"));
        let phys =
            aie_dsl::lower::objectfifo::lower(&design).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = data_dir(name);
        let expected_files: BTreeSet<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|f| f.ends_with(".ll"))
                    .collect()
            })
            .unwrap_or_default();
        let mut ours_files = BTreeSet::new();
        for core in &phys.cores {
            let (col, row) = design.coords(core.tile).unwrap();
            let file = format!("core_{col}_{row}.ll");
            let ours = aie_dsl::lower::core_llvm::core_ir(&design, &phys, core.tile)
                .unwrap_or_else(|e| panic!("{name} {file}: {e}"));
            let path = dir.join(&file);
            let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{name}: no mlir-aie LLVM IR {} to compare with ({e})",
                    path.display()
                )
            });
            assert!(
                ours == expected,
                "{name} {file} differs from mlir-aie's at {}",
                first_difference(&ours, &expected)
            );
            ours_files.insert(file);
            compared += 1;
        }
        assert_eq!(ours_files, expected_files, "{name}: one module per core");
    }
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
