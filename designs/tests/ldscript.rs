//! Linker scripts of every core of every design against mlir-aie's own
//! (`aie-translate --aie-generate-ldscript` at 5ff2ab97d), byte for byte. The expected files live
//! in `aie-dsl/tests/data/ldscript/<design>/core_C_R.ld.script` (see PROVENANCE.md there).

mod per_core;

#[test]
fn every_core_linker_script_matches_aie_translate() {
    let compared = per_core::compare_every_core("ldscript", ".ld.script", |d, p, t| {
        aie_dsl::back::ldscript::write(d, p, t)
    });
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
