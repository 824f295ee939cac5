//! Linker scripts of every core of every design against mlir-aie's own
//! (`aie-translate --aie-generate-ldscript` at 5ff2ab97d), byte for byte. The expected files live
//! in `aie-dsl/tests/data/ldscript/<design>/core_C_R.ld.script` (see PROVENANCE.md there).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn data_dir(design: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../aie-dsl/tests/data/ldscript")
        .join(design)
}

/// Designs whose linker scripts have not yet been made by mlir-aie (issue 12's Whisper
/// designs: no aie-translate on the machine they were written on). Remove a name once its
/// oracle files exist.
const NO_ORACLE_YET: &[&str] = &["gelu", "residual_add", "softmax"];

#[test]
fn every_core_linker_script_matches_aie_translate() {
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
                    .filter(|f| f.ends_with(".ld.script"))
                    .collect()
            })
            .unwrap_or_default();
        let mut ours_files = BTreeSet::new();
        for core in &phys.cores {
            let (col, row) = design.coords(core.tile).unwrap();
            let file = format!("core_{col}_{row}.ld.script");
            let ours = aie_dsl::back::ldscript::write(&design, &phys, core.tile)
                .unwrap_or_else(|e| panic!("{name} {file}: {e}"));
            let path = dir.join(&file);
            let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "{name}: no mlir-aie linker script {} to compare with ({e})",
                    path.display()
                )
            });
            assert_eq!(ours, expected, "{name} {file}");
            ours_files.insert(file);
            compared += 1;
        }
        assert_eq!(ours_files, expected_files, "{name}: one script per core");
    }
    assert!(compared >= 7, "only {compared} scripts compared");
}

#[test]
fn a_tile_without_a_core_is_a_typed_error() {
    let design = designs::passthrough_dmas().unwrap();
    let phys = aie_dsl::lower::objectfifo::lower(&design).unwrap();
    let (tile, _) = design.tiles.iter().next().unwrap();
    let err = aie_dsl::back::ldscript::write(&design, &phys, tile).unwrap_err();
    assert!(
        matches!(err, aie_dsl::back::ldscript::LdScriptError::NoCore { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("has no core"), "{err}");
}
