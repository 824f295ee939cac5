//! Every core of every design compiled and linked by Peano, twice: the second build must reuse
//! every step. Peano cannot be installed on this machine or in CI, so the test is marked ignored
//! with the reason (visible in the test summary); run it with `cargo test -p designs --test
//! peano -- --ignored` where Peano is installed. Run that way without Peano, it fails with the
//! one-sentence message that says what to set.

use aie_dsl::back::peano::{Lookup, Peano};

/// ELF e_machine of AIE cores.
const EM_AIE: u16 = 264;

#[test]
#[ignore = "needs Peano (llvm-aie): set PEANO_INSTALL_DIR and run with --ignored"]
fn every_core_compiles_and_links_with_peano() {
    let peano = Peano::locate(&Lookup::default()).unwrap_or_else(|e| panic!("{e}"));
    let work = std::env::temp_dir().join(format!("aie-dsl-peano-{}", std::process::id()));
    for (name, build) in designs::all() {
        let design = build().unwrap();
        let phys = aie_dsl::lower::objectfifo::lower(&design).unwrap();
        let dir = work.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for core in &phys.cores {
            let (col, row) = design.coords(core.tile).unwrap();
            let object = core.link_with.as_ref().map(|o| {
                let kernel = design
                    .kernels
                    .iter()
                    .map(|(_, k)| k)
                    .find(|k| &k.object == o)
                    .unwrap_or_else(|| panic!("{name}: no kernel makes {o}"));
                let source = designs::kernels_dir().join(kernel.source.as_ref().unwrap());
                let obj = dir.join(o);
                peano
                    .compile_kernel(design.device, &source, &obj)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                obj
            });
            let ll = aie_dsl::lower::core_llvm::core_ir(&design, &phys, core.tile).unwrap();
            let script = aie_dsl::back::ldscript::write(&design, &phys, core.tile).unwrap();
            let elf = peano
                .compile_core(
                    design.device,
                    &dir,
                    (col, row),
                    &ll,
                    &script,
                    object.as_deref(),
                )
                .unwrap_or_else(|e| panic!("{name} core ({col}, {row}): {e}"));
            let bytes = std::fs::read(&elf).unwrap();
            assert_eq!(&bytes[..4], b"\x7fELF", "{}", elf.display());
            assert_eq!(u16::from_le_bytes([bytes[18], bytes[19]]), EM_AIE);
            let built = std::fs::metadata(&elf).unwrap().modified().unwrap();
            peano
                .compile_core(
                    design.device,
                    &dir,
                    (col, row),
                    &ll,
                    &script,
                    object.as_deref(),
                )
                .unwrap();
            let again = std::fs::metadata(&elf).unwrap().modified().unwrap();
            assert_eq!(built, again, "{}: the second build relinked", elf.display());
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}
