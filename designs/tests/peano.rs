//! Every core of every design compiled and linked by Peano, twice: the second build must reuse
//! every step. Peano cannot be installed on this machine or in CI, so the test is marked ignored
//! with the reason (visible in the test summary); run it with `cargo test -p designs --test
//! peano -- --ignored` where Peano is installed. Run that way without Peano, it fails with the
//! one-sentence message that says what to set.

use std::sync::Mutex;

use aie_dsl::back::peano::{CoreJob, Lookup, Peano};

/// ELF e_machine of AIE cores.
const EM_AIE: u16 = 264;

#[test]
#[ignore = "needs Peano (llvm-aie): set PEANO_INSTALL_DIR and run with --ignored"]
fn every_core_compiles_and_links_with_peano() {
    let peano = Peano::locate(&Lookup::default()).unwrap_or_else(|e| panic!("{e}"));
    println!("Peano: {}", peano.version().unwrap());
    let work = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-peano-{}", std::process::id()));
    for (name, build) in designs::all() {
        let design = build().unwrap();
        let phys = aie_dsl::lower::objectfifo::lower(&design).unwrap();
        let dir = work.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut jobs = Vec::new();
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
            jobs.push(CoreJob {
                tile: (col, row),
                ll: aie_dsl::lower::core_llvm::core_ir(&design, &phys, core.tile).unwrap(),
                ld_script: aie_dsl::back::ldscript::write(&design, &phys, core.tile).unwrap(),
                kernel_object: object,
            });
        }
        let lines = Mutex::new(Vec::new());
        let progress = |l: &str| {
            println!("{name}: {l}");
            lines.lock().unwrap().push(l.to_string());
        };
        let elfs = peano
            .compile_cores(design.device, &dir, &jobs, &progress)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for elf in &elfs {
            let bytes = std::fs::read(elf).unwrap();
            assert_eq!(&bytes[..4], b"\x7fELF", "{}", elf.display());
            assert_eq!(u16::from_le_bytes([bytes[18], bytes[19]]), EM_AIE);
        }
        lines.lock().unwrap().clear();
        peano
            .compile_cores(design.device, &dir, &jobs, &progress)
            .unwrap();
        let again = lines.lock().unwrap().clone();
        assert_eq!(again.len(), jobs.len(), "{name}: {again:?}");
        assert!(
            again.iter().all(|l| l.ends_with("is up to date")),
            "{name}: the second build ran a step: {again:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
