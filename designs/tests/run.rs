//! Planning a run from what `aie_dsl::build` wrote (aie_dsl::run::plan), with no XRT: the
//! plan of our own xclbin agrees with the toolchain's files for the same design
//! (aie-dsl/tests/data/toolchain/PROVENANCE.md), and a build without an xclbin says why.

use std::path::{Path, PathBuf};

use aie_dsl::run::{Role, RunError};
use aie_dsl::Artifact;

fn out_dir(tag: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-run-{tag}-{}", std::process::id()))
}

fn oracle(design: &str, file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../aie-dsl/tests/data/toolchain")
        .join(design)
        .join(file)
}

#[test]
fn our_build_plans_the_same_call_as_the_toolchains_files() {
    let dir = out_dir("dmas");
    let design = designs::passthrough_dmas().unwrap();
    let built = aie_dsl::build(&design, &designs::build_options(&dir)).unwrap();
    let ours = aie_dsl::run::plan(&built, &design).unwrap();
    let read = |p: &Path| std::fs::read(p).unwrap();
    let (insts, xclbin) = (
        oracle("passthrough_dmas", "insts.bin"),
        oracle("passthrough_dmas", "final.xclbin"),
    );
    let theirs =
        aie_dsl::run::Plan::new(&design, &insts, &read(&insts), &xclbin, &read(&xclbin)).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(ours.kernel, "MLIR_AIE");
    assert_eq!(
        ours.args.iter().map(|a| a.role).collect::<Vec<_>>(),
        [Role::Input, Role::Output]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_build_without_xclbin_cannot_run_and_says_why() {
    let dir = out_dir("layernorm");
    let design = designs::layernorm().unwrap();
    let built = aie_dsl::build(&design, &designs::build_options(&dir)).unwrap();
    let planned = aie_dsl::run::plan(&built, &design);
    match built.path(Artifact::Xclbin) {
        // Peano is here: the plan must follow the design (2 × 32768 bf16).
        Some(_) => {
            let p = planned.unwrap();
            assert_eq!(p.args.len(), 2);
            assert!(p.args.iter().all(|a| a.bytes == 32768 * 2));
        }
        None => {
            let e = planned.unwrap_err();
            let why = &built
                .missing
                .iter()
                .find(|(a, _)| *a == Artifact::Xclbin)
                .unwrap()
                .1;
            assert!(
                matches!(
                    &e,
                    RunError::MissingArtifact {
                        artifact: Artifact::Xclbin,
                        ..
                    }
                ),
                "{e:?}"
            );
            assert!(e.to_string().contains(why.as_str()), "{e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
