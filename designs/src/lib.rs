//! The example designs of aie-dsl, each a Rust function returning a validated [`Design`].
//!
//! Each is marked `#[aie_dsl::design]`, which registers it: [`all`] finds them for the snapshot
//! tests and the benchmarks without a hand-kept list. `layernorm` and `vector_scalar_mul` are
//! written with the macros; their builder-API twins (`*_builder`) are kept to test that both
//! forms emit the same MLIR.

pub mod kernels;
pub mod layernorm;
pub mod passthrough_dmas;
pub mod passthrough_kernel;
pub mod scaling;
pub mod vector_add_4core;
pub mod vector_scalar_mul;

use std::path::{Path, PathBuf};

use aie_dsl::prelude::*;

pub use layernorm::layernorm;
pub use passthrough_dmas::passthrough_dmas;
pub use passthrough_kernel::passthrough_kernel;
pub use vector_add_4core::vector_add_4core;
pub use vector_scalar_mul::vector_scalar_mul;

/// A design function.
pub type DesignFn = fn() -> Result<Design, Error>;

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

/// What [`build`] wrote.
#[derive(Debug)]
pub struct Built {
    /// The custom-assembly MLIR file.
    pub mlir: PathBuf,
    /// The generic-form MLIR file.
    pub generic: PathBuf,
    /// The NPU instruction stream.
    pub insts: PathBuf,
    /// The physical (lowered) MLIR.
    pub physical: PathBuf,
    /// The summary text.
    pub summary: String,
}

/// Emits `design` into `out_dir/<name>/`: `<name>.mlir`, `<name>.generic.mlir`,
/// `<name>.physical.mlir` (after the ObjectFIFO transform and allocation, before routing) and
/// `insts.bin`
/// (the host's instruction stream, as mlir-aie's `aie-translate --aie-npu-to-binary` writes it).
///
/// # Errors
/// Validation, emission or write errors.
pub fn build(design: &Design, out_dir: &Path) -> Result<Built, Error> {
    let emitted = aie_dsl::compile(design)?;
    let dir = out_dir.join(&design.name);
    let mlir = dir.join(format!("{}.mlir", design.name));
    let generic = dir.join(format!("{}.generic.mlir", design.name));
    aie_dsl::artifact::write_atomic(&mlir, emitted.mlir.as_bytes())?;
    aie_dsl::artifact::write_atomic(&generic, emitted.generic.as_bytes())?;
    let insts = dir.join("insts.bin");
    let words = aie_dsl::instructions(design)?;
    aie_dsl::artifact::write_atomic(&insts, &aie_dsl::back::insts::to_bytes(&words))?;
    let phys = aie_dsl::lower::objectfifo::lower(design)?;
    let lowered = aie_dsl::emit::emit_physical(design, &phys)?;
    let physical = dir.join(format!("{}.physical.mlir", design.name));
    aie_dsl::artifact::write_atomic(&physical, lowered.mlir.as_bytes())?;
    let summary = format!(
        "{}{}",
        aie_dsl::report::summary(design),
        aie_dsl::report::lowered_summary(design, &phys)
    );
    Ok(Built {
        mlir,
        generic,
        insts,
        physical,
        summary,
    })
}

/// The default output folder: `build/` at the repository root.
pub fn default_out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("build")
}

/// Runs one design as the examples do: builds it, prints where the files went and the summary.
/// Returns the process exit code.
pub fn run_example(design: DesignFn) -> i32 {
    let out = default_out_dir();
    match design().and_then(|d| build(&d, &out)) {
        Ok(b) => {
            println!("wrote {}", b.mlir.display());
            println!("wrote {}", b.generic.display());
            println!("wrote {}", b.physical.display());
            println!("wrote {}", b.insts.display());
            print!("{}", b.summary);
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
