//! Snapshots of every design's MLIR, kept under `snapshots/` at the repository root. The texts
//! are taken as a build writes them; `design_direct.rs` and `physical_direct.rs` check that they
//! equal what MLIR prints, verified.

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

#[test]
fn every_design_emits_its_reviewed_mlir() {
    for (name, design) in designs::all() {
        let design = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        let emitted = aie_dsl::emit::emit_checked(&design, aie_dsl::emit::Check::Skip)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        settings().bind(|| insta::assert_snapshot!(name, emitted.mlir));
    }
}

#[test]
fn every_design_has_its_reviewed_instruction_stream() {
    for (name, design) in designs::all() {
        let design = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        let words = aie_dsl::instructions(&design).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = aie_dsl::back::insts::to_text(&words);
        settings().bind(|| insta::assert_snapshot!(format!("{name}.insts"), text));
    }
}

#[test]
fn every_design_has_its_reviewed_physical_mlir() {
    for (name, design) in designs::all() {
        let design = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        let phys =
            aie_dsl::lower::objectfifo::lower(&design).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mlir = aie_dsl::emit::physical_mlir(&design, &phys, aie_dsl::emit::Check::Skip)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        settings().bind(|| insta::assert_snapshot!(format!("{name}.physical"), mlir));
    }
}

#[test]
fn generic_form_of_passthrough_kernel() {
    let design = designs::passthrough_kernel().unwrap();
    let emitted = aie_dsl::emit::emit_checked(&design, aie_dsl::emit::Check::Skip).unwrap();
    settings().bind(|| insta::assert_snapshot!("passthrough_kernel.generic", emitted.generic));
}

#[test]
fn emission_is_deterministic() {
    for (name, design) in designs::all() {
        let emit = |d| aie_dsl::emit::emit_checked(&d, aie_dsl::emit::Check::Skip).unwrap();
        let (a, b) = (emit(design().unwrap()), emit(design().unwrap()));
        assert_eq!(a, b, "{name}: two emissions differ");
    }
}

#[test]
fn written_files_are_byte_identical_across_runs() {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-determinism-{}", std::process::id()));
    let options = designs::build_options(&out);
    let read = |b: &aie_dsl::Built| {
        let has_cores = b.path(aie_dsl::Artifact::LdScript).is_some();
        for a in aie_dsl::Artifact::ALL {
            let per_core = matches!(
                a,
                aie_dsl::Artifact::LdScript | aie_dsl::Artifact::CoreLlvm | aie_dsl::Artifact::Elf
            );
            assert!(
                b.path(a).is_some()
                    || b.missing.iter().any(|(m, _)| *m == a)
                    || (per_core && !has_cores),
                "{a} is written or said to be missing"
            );
        }
        b.files
            .iter()
            .map(|(_, p)| std::fs::read(p).unwrap())
            .collect::<Vec<_>>()
    };
    for (name, design) in designs::all() {
        let design = design().unwrap();
        let first = read(&aie_dsl::build(&design, &options).unwrap());
        let second = read(&aie_dsl::build(&design, &options).unwrap());
        assert_eq!(
            first, second,
            "{name}: output files differ between two runs"
        );
        assert!(
            first.iter().all(|f| !f.is_empty()),
            "{name}: an output file is empty"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}
