//! The example designs of aie-dsl, each a Rust function returning a [`Validated`] design.
//!
//! Each is marked `#[aie_dsl::design]`, which registers it: [`all`] finds them for the snapshot
//! tests and the benchmarks without a hand-kept list. `layernorm` and `vector_scalar_mul` are
//! written with the macros; their builder-API twins (`*_builder`) are kept to test that both
//! forms emit the same MLIR.

pub mod encoder_plan;
pub mod kernels;
pub mod layernorm;
pub mod matmul;
pub mod npu;
pub mod passthrough_dmas;
pub mod passthrough_kernel;
pub mod placed_dma;
pub mod report_demo;
pub mod scaling;
pub mod shape;
pub mod vector_add_4core;
pub mod vector_scalar_mul;
pub mod whisper;
pub mod whisper_layernorm;
pub mod whisper_shapes;

use std::path::{Path, PathBuf};

use aie_dsl::prelude::*;

pub use layernorm::layernorm;
pub use passthrough_dmas::passthrough_dmas;
pub use passthrough_kernel::passthrough_kernel;
pub use vector_add_4core::vector_add_4core;
pub use vector_scalar_mul::vector_scalar_mul;

/// A design function.
pub type DesignFn = fn() -> Result<Validated, Error>;

/// Every design registered with `#[design]` in this crate, sorted by name.
pub fn all() -> Vec<(&'static str, DesignFn)> {
    aie_dsl::registry::designs()
        .into_iter()
        .map(|e| (e.name, e.build))
        .collect()
}

/// The folder holding the C++ kernels.
pub fn kernels_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("kernels")
}

/// The output folder an example or the command line uses unless told otherwise: `build/` in the
/// current folder.
pub fn default_out_dir() -> PathBuf {
    PathBuf::from("build")
}

/// The build options of this crate's designs: every artifact into `out`, kernels from
/// [`kernels_dir`].
pub fn build_options(out: impl Into<PathBuf>) -> aie_dsl::BuildOptions {
    aie_dsl::BuildOptions::new(out).kernels_dir(kernels_dir())
}

/// What a build wrote and what it could not write here, a line each.
pub fn describe(b: &aie_dsl::Built) -> String {
    let mut s = String::new();
    for (artifact, path) in &b.files {
        s.push_str(&format!("wrote {} ({artifact})\n", path.display()));
    }
    for (artifact, why) in &b.missing {
        s.push_str(&format!("not written: {artifact}: {why}\n"));
    }
    s
}

/// Runs one design as the examples do: builds every artifact with [`aie_dsl::build`] into
/// `--out DIR` (default [`default_out_dir`]), prints where the files went and the summary; with
/// `--run`, then runs it on the NPU ([`npu::run_on_npu`]), or says in one sentence why it
/// cannot here (the build still counts: exit code 0). Returns the process exit code.
pub fn run_example(design: DesignFn) -> i32 {
    let mut out = default_out_dir();
    let mut run = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--run" => run = true,
            "--out" => match args.next() {
                Some(dir) => out = PathBuf::from(dir),
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    let options = build_options(out);
    let design = match design() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let built = match aie_dsl::build(&design, &options) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    print!("{}", describe(&built));
    print!("{}", built.summary);
    if !run {
        return 0;
    }
    match npu::run_on_npu(&design, &built) {
        Ok(npu::Outcome::NotRun(why)) => {
            println!("{why}");
            0
        }
        Ok(npu::Outcome::Ran { report, ok }) => {
            print!("{report}");
            if ok {
                0
            } else {
                1
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn usage() -> i32 {
    eprintln!("usage: cargo run --example <design> [--features xrt] [-- [--out DIR] [--run]]");
    2
}
