//! No user design may panic the library: thousands of random designs (most of them invalid)
//! go through validation, and the valid ones through emission, lowering and the instruction
//! stream. Every call must return.

mod common;
use common::random::random_design;
use common::Rng;

#[test]
fn random_designs_never_panic() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..20000 {
        let d = random_design(&mut r);
        match d.finish() {
            Ok(design) => {
                valid += 1;
                if let Ok(phys) = aie_dsl::lower::objectfifo::lower(&design) {
                    // A design that lowers has CDO files.
                    aie_dsl::back::cdo::write(&design, &phys, &Default::default())
                        .unwrap_or_else(|e| panic!("lowered design has no CDO: {e}\n{design:#?}"));
                }
                let _ = aie_dsl::instructions(&design);
                let _ = aie_dsl::report::summary(&design);
                if valid % 10 == 0 {
                    // Emission is slower (MLIR); sample it, and it must succeed on valid designs.
                    aie_dsl::emit::emit(&design).unwrap_or_else(|e| {
                        panic!("valid design failed to emit: {e}\n{design:#?}")
                    });
                }
            }
            Err(e) => {
                invalid += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    // The generator must exercise both paths for the test to mean something.
    eprintln!("random designs: {valid} valid, {invalid} invalid");
    assert!(
        valid > 20 && invalid > 100,
        "valid {valid}, invalid {invalid}"
    );
}
