//! The CDO writer against mlir-aie: for every design, the three files `aie-translate
//! --aie-generate-cdo` made of mlir-aie's own physical MLIR (aie-dsl/tests/data/cdo, see its
//! PROVENANCE.md) equal, byte for byte, what `back::cdo::write` makes of our lowering.

use std::path::PathBuf;

use aie_dsl::back::cdo::{self, stream, CdoFiles, CdoOptions, CoreElf};

fn data(design: &str, file: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../aie-dsl/tests/data/cdo")
        .join(design)
        .join(file);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn design(name: &str) -> aie_dsl::valid::Validated {
    let (_, f) = designs::all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no design {name}"));
    f().unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn cdo_of(name: &str, opts: &CdoOptions) -> CdoFiles {
    let d = design(name);
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap_or_else(|e| panic!("{name}: {e}"));
    cdo::write(&d, &phys, opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Compares each file and says, on a mismatch, which command differs first.
fn check(oracle: &str, files: &CdoFiles) {
    let mut bad = Vec::new();
    for (name, ours) in files.named("main") {
        let theirs = data(oracle, &name);
        if let Some(diff) = stream::first_difference(ours, &theirs) {
            bad.push(format!("{oracle}/{name}: {diff}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn passthrough_dmas() {
    check(
        "passthrough_dmas",
        &cdo_of("passthrough_dmas", &CdoOptions::default()),
    );
}

#[test]
fn passthrough_kernel() {
    check(
        "passthrough_kernel",
        &cdo_of("passthrough_kernel", &CdoOptions::default()),
    );
}

#[test]
fn vector_scalar_mul() {
    check(
        "vector_scalar_mul",
        &cdo_of("vector_scalar_mul", &CdoOptions::default()),
    );
}

#[test]
fn layernorm() {
    check("layernorm", &cdo_of("layernorm", &CdoOptions::default()));
}

#[test]
fn vector_add_4core() {
    check(
        "vector_add_4core",
        &cdo_of("vector_add_4core", &CdoOptions::default()),
    );
}

fn layernorm_elf() -> CoreElf {
    CoreElf {
        tile: (0, 2),
        name: "core_0_2.elf".into(),
        bytes: data("layernorm_elf", "core_0_2.elf"),
    }
}

#[test]
fn layernorm_with_an_elf() {
    let opts = CdoOptions {
        elfs: vec![layernorm_elf()],
    };
    check("layernorm_elf", &cdo_of("layernorm", &opts));
}

#[test]
fn same_input_same_bytes() {
    let opts = CdoOptions {
        elfs: vec![layernorm_elf()],
    };
    assert_eq!(cdo_of("layernorm", &opts), cdo_of("layernorm", &opts));
}

#[test]
fn every_register_mlir_aie_writes_has_a_name() {
    for design in [
        "passthrough_dmas",
        "passthrough_kernel",
        "vector_scalar_mul",
        "layernorm",
        "vector_add_4core",
        "layernorm_elf",
    ] {
        for file in ["elfs", "init", "enable"] {
            let bytes = data(design, &format!("main_aie_cdo_{file}.bin"));
            for (at, c) in stream::decode(&bytes).unwrap() {
                let Some(a) = c.addr() else { continue };
                let name = aie_dsl::inspect::describe_address(a);
                assert!(
                    !name.is_empty() && !name.contains(" offset "),
                    "{design} {file} byte {at:#x}: {c} has no register name ({name})"
                );
            }
        }
    }
}
