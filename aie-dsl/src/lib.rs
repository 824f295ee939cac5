//! aie-dsl: AMD Ryzen AI NPU (XDNA, AIE2) designs written as Rust.
//!
//! A design places tiles, connects them with ObjectFIFOs, gives each compute core its program
//! (calls into C++ kernels) and describes the host's runtime DMA sequence. It is checked against
//! the device model ([`target`]) before anything is emitted, and becomes the `aie.device` MLIR
//! that mlir-aie's tools accept (semantics of mlir-aie at commit 5ff2ab97d).
//!
//! The crate reads as the pipeline: [`dsl`] (builder API) → [`ir`] (the design in arenas) →
//! [`valid`] (validation, which returns the [`valid::Validated`] proof the later stages take) →
//! [`emit`] (MLIR through melior) → [`lower`] (one pass per file, in aiecc's order) → [`back`]
//! (binary writers) → [`artifact`] (atomic files). [`build`] runs them all once per design.
//!
//! ```
//! use aie_dsl::prelude::*;
//!
//! let mut d = DesignBuilder::new("scale", Device::Npu1_1Col);
//! let shim = d.shim_tile(0);
//! let core = d.compute_tile(0, 2);
//! let line = MemRefType::vector(1024, ElemType::I32);
//! let scale = d.kernel(
//!     Kernel::new("scale", [line.clone().into(), line.clone().into(), ScalarType::I32.into()], "scale.o")
//!         .with_source("scale.cc"),
//! );
//! let inp = d.fifo("in", shim, [core], 2, line.clone());
//! let out = d.fifo("out", core, [shim], 2, line.clone());
//! d.core(core, |c| {
//!     c.forever(|c| {
//!         let o = c.produce(out, 1);
//!         let i = c.consume(inp, 1);
//!         c.call(scale, [i.get(0), o.get(0), Scalar::I32(3).into()]);
//!         c.release(i);
//!         c.release(o);
//!     });
//! });
//! d.runtime(|rt| {
//!     let a = rt.arg(MemRefType::vector(4096, ElemType::I32));
//!     let b = rt.arg(MemRefType::vector(4096, ElemType::I32));
//!     rt.fill(inp, a, Transfer::linear(4096));
//!     rt.drain(out, b, Transfer::linear(4096));
//!     rt.wait(out);
//! });
//! let design = d.finish()?;
//! let mlir = aie_dsl::emit::emit(&design)?.mlir;
//! assert!(mlir.contains("aie.objectfifo @in(%shim_noc_tile_0_0, {%tile_0_2}, 2 : i32)"));
//! # Ok::<(), aie_dsl::Error>(())
//! ```

#![deny(missing_docs)]

pub mod artifact;
pub mod back;
pub mod dsl;
pub mod emit;
mod error;
pub mod inspect;
pub mod ir;
pub mod lower;
mod pipeline;
pub mod registry;
pub mod report;
pub mod run;
pub mod target;
pub mod types;
pub mod valid;

pub use aie_dsl_macros::{design, kernel};
pub use error::Error;
pub use pipeline::{build, Artifact, BuildOptions, Built};

/// Everything a design file needs.
pub mod prelude {
    pub use crate::dsl::typed::{Fifo, HostBuf, Obj, Objs, Shape};
    pub use crate::dsl::{
        Acquired, ComputeTile, CoreBuilder, DesignBuilder, FifoSpec, MemTile, RuntimeBuilder,
        ShimTile, Transfer,
    };
    pub use crate::ir::{Design, Dim, FifoId, FifoPort, Kernel, KernelId, LockAction, StreamPort};
    pub use crate::target::{Device, DmaDir, TileKind, WireBundle};
    pub use crate::types::InitValue;
    pub use crate::types::{bf16, ArgType, ElemType, MemRefType, Scalar, ScalarType};
    pub use crate::valid::Validated;
    pub use crate::Error;
}

/// What macro expansions refer to; not part of the public API.
/// Whether this build of aie-dsl has MLIR and LLVM in it (its `mlir` feature, on by default):
/// MLIR's verifier on request, and the MLIR path for what the direct text writers decline
/// (without it, those give [`emit::EmitError::NeedsMlir`] and
/// [`lower::core_llvm::CoreLlvmError::NeedsMlir`]).
pub const MLIR: bool = cfg!(feature = "mlir");

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}

/// The NPU instruction stream (`insts.bin` words) of a validated design, without the rest of
/// the lowering.
///
/// # Errors
/// [`Error::NoRuntimeSequence`] if it has no runtime sequence (mlir-aie writes no `insts.bin`
/// for such a design either).
pub fn instructions(design: &valid::Validated) -> Result<Vec<u32>, Error> {
    if design.runtime.is_none() {
        return Err(Error::NoRuntimeSequence {
            design: design.name.clone(),
        });
    }
    let ops = lower::npu::lower(design, lower::npu::NpuOptions::default());
    Ok(back::insts::words(design.device, &ops))
}

/// The MLIR of a validated design, in mlir-aie's custom assembly and MLIR's generic form.
///
/// # Errors
/// [`Error::Emit`] if MLIR rejects the module (a bug in aie-dsl: please report it), or
/// [`emit::EmitError::NeedsMlir`] in a build without MLIR ([`MLIR`]).
pub fn compile(design: &valid::Validated) -> Result<emit::Emitted, Error> {
    Ok(emit::emit(design)?)
}
