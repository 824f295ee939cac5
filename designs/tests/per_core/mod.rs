//! Comparing a per-core output of every registered design with mlir-aie's, file by file: the
//! expected files live in `aie-dsl/tests/data/<kind>/<design>/core_C_R<ext>` (PROVENANCE.md
//! there).

use std::collections::BTreeSet;
use std::path::Path;

use aie_dsl::ir::{Design, TileId};
use aie_dsl::lower::physical::Physical;

/// Designs whose per-core files have not yet been made by mlir-aie (issue 12's Whisper designs:
/// no aie-opt or aie-translate on the machine they were written on). Remove a name once its
/// `tests/data/<kind>/<name>/` files exist.
pub const NO_ORACLE_YET: &[&str] = &[
    "gelu",
    "layernorm_affine",
    "matmul_1500x2048x512",
    "matmul_1500x512x2048",
    "matmul_1500x512x512",
    "placed_dma",
    "residual_add",
    "softmax",
];

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

/// Makes every core's file of every design with `make` and compares it byte for byte with
/// mlir-aie's under `tests/data/<kind>/`; every expected file must be made, one per core.
/// Returns how many files were compared.
pub fn compare_every_core<E: std::fmt::Display>(
    kind: &str,
    ext: &str,
    make: impl Fn(&Design, &Physical, TileId) -> Result<String, E>,
) -> usize {
    let mut compared = 0;
    for (name, build) in designs::all() {
        if NO_ORACLE_YET.contains(&name) {
            continue;
        }
        let design = build().unwrap_or_else(|e| panic!("{name}: {e}"));
        let phys =
            aie_dsl::lower::objectfifo::lower(&design).unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../aie-dsl/tests/data")
            .join(kind)
            .join(name);
        let expected_files: BTreeSet<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|f| f.ends_with(ext))
                    .collect()
            })
            .unwrap_or_default();
        let mut ours_files = BTreeSet::new();
        for core in &phys.cores {
            let (col, row) = design.coords(core.tile).unwrap();
            let file = format!("core_{col}_{row}{ext}");
            let ours =
                make(&design, &phys, core.tile).unwrap_or_else(|e| panic!("{name} {file}: {e}"));
            let path = dir.join(&file);
            let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{name}: no mlir-aie file {} to compare with ({e})",
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
        assert_eq!(ours_files, expected_files, "{name}: one file per core");
    }
    compared
}
