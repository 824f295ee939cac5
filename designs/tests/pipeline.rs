//! The whole pipeline, design to xclbin, against what mlir-aie's toolchain (aie-opt,
//! aie-translate, bootgen, xclbinutil) made of the same designs
//! (aie-dsl/tests/data/toolchain/PROVENANCE.md).

use std::path::{Path, PathBuf};

use aie_dsl::Artifact;

fn oracle(design: &str, file: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../aie-dsl/tests/data/toolchain")
        .join(design)
        .join(file);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn out_dir(tag: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-pipeline-{tag}-{}", std::process::id()))
}

#[test]
fn a_design_without_cores_ends_in_the_toolchains_cdo_pdi_and_xclbin() {
    let dir = out_dir("dmas");
    let design = designs::passthrough_dmas().unwrap();
    let built = aie_dsl::build(&design, &designs::build_options(&dir)).unwrap();
    assert!(built.missing.is_empty(), "{:?}", built.missing);
    let read = |a: Artifact| std::fs::read(built.path(a).unwrap()).unwrap();
    assert_eq!(
        read(Artifact::Insts),
        oracle("passthrough_dmas", "insts.bin")
    );
    for name in ["elfs", "init", "enable"] {
        let file = format!("main_aie_cdo_{name}.bin");
        assert_eq!(
            std::fs::read(built.dir.join(&file)).unwrap(),
            oracle("passthrough_dmas", &file),
            "{file}"
        );
    }
    let pdi = read(Artifact::Pdi);
    assert_eq!(
        pdi,
        oracle("passthrough_dmas", "main.pdi"),
        "PDI as bootgen makes it"
    );

    let ours = aie_dsl::back::xclbin::parse(&read(Artifact::Xclbin)).unwrap();
    let theirs = aie_dsl::back::xclbin::parse(&oracle("passthrough_dmas", "final.xclbin")).unwrap();
    let kinds = |x: &aie_dsl::back::xclbin::Xclbin| {
        x.sections
            .iter()
            .map(|s| (s.kind_name(), s.name.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&ours), kinds(&theirs));
    for (a, b) in ours.sections.iter().zip(&theirs.sections) {
        if a.kind_name() == "AIE_PARTITION" {
            // Our PDI UUID is derived from the PDI (aiecc.cpp writes zeros); the PDI itself
            // must be bootgen's, byte for byte.
            assert!(a.payload.windows(pdi.len()).any(|w| w == pdi.as_slice()));
            assert_eq!(a.payload.len(), b.payload.len());
        } else {
            assert_eq!(a.payload, b.payload, "section {}", a.kind_name());
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_design_with_cores_writes_no_configuration_without_its_elfs() {
    if std::env::var_os("PEANO_INSTALL_DIR").is_some() {
        eprintln!("SKIPPED: PEANO_INSTALL_DIR is set, so the ELFs may be built");
        return;
    }
    let dir = out_dir("layernorm");
    let design = designs::layernorm().unwrap();
    let built = aie_dsl::build(&design, &designs::build_options(&dir)).unwrap();
    if built.path(Artifact::Elf).is_some() {
        eprintln!("SKIPPED: Peano was found where pip installs it");
        std::fs::remove_dir_all(&dir).unwrap();
        return;
    }
    let missing: Vec<Artifact> = built.missing.iter().map(|(a, _)| *a).collect();
    assert_eq!(
        missing,
        [
            Artifact::Elf,
            Artifact::Cdo,
            Artifact::Pdi,
            Artifact::Xclbin
        ]
    );
    assert!(
        built.missing[0].1.contains("PEANO_INSTALL_DIR"),
        "{:?}",
        built.missing
    );
    for a in [Artifact::Cdo, Artifact::Pdi, Artifact::Xclbin] {
        assert!(
            built.path(a).is_none(),
            "{a} must not be written without the ELFs"
        );
    }
    assert!(!built.dir.join("final.xclbin").exists());
    // Everything that does not need Peano is there, and equals mlir-aie's output.
    assert_eq!(
        std::fs::read(built.dir.join("core_0_2.ld.script")).unwrap(),
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../aie-dsl/tests/data/ldscript/layernorm/core_0_2.ld.script")
        )
        .unwrap()
    );
    assert_eq!(
        std::fs::read(built.dir.join("core_0_2.ll")).unwrap(),
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../aie-dsl/tests/data/core_llvm/layernorm/core_0_2.ll")
        )
        .unwrap()
    );
    assert_eq!(
        std::fs::read(built.path(Artifact::Insts).unwrap()).unwrap(),
        oracle("layernorm", "insts.bin")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_xclbin_is_byte_identical_across_builds() {
    let design = designs::passthrough_dmas().unwrap();
    let (a, b) = (out_dir("det-a"), out_dir("det-b"));
    let x = aie_dsl::build(&design, &designs::build_options(&a)).unwrap();
    let y = aie_dsl::build(&design, &designs::build_options(&b)).unwrap();
    assert_eq!(
        std::fs::read(x.path(Artifact::Xclbin).unwrap()).unwrap(),
        std::fs::read(y.path(Artifact::Xclbin).unwrap()).unwrap()
    );
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}
