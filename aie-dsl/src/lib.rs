//! aie-dsl: AMD Ryzen AI NPU (XDNA, AIE2) designs written as Rust.
//!
//! A design places tiles, connects them with ObjectFIFOs, gives each compute core its program
//! (calls into C++ kernels) and describes the host's runtime DMA sequence. It is checked against
//! the device model ([`target`]) before anything is emitted, and becomes the `aie.device` MLIR
//! that mlir-aie's tools accept (semantics of mlir-aie at commit 5ff2ab97d).
//!
//! The crate reads as the pipeline: [`dsl`] (builder API) → [`ir`] (the design in arenas) →
//! [`valid`] (validation) → [`emit`] (MLIR through melior) → [`artifact`] (files).
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
pub mod ir;
pub mod lower;
pub mod registry;
pub mod report;
pub mod target;
pub mod types;
pub mod valid;

pub use aie_dsl_macros::{design, kernel};
pub use error::Error;

/// Everything a design file needs.
pub mod prelude {
    pub use crate::dsl::typed::{Fifo, HostBuf, Obj, Objs, Shape};
    pub use crate::dsl::{
        Acquired, ComputeTile, CoreBuilder, DesignBuilder, FifoSpec, MemTile, RuntimeBuilder,
        ShimTile, Transfer,
    };
    pub use crate::ir::{Design, Dim, FifoId, FifoPort, Kernel, KernelId, LockAction, StreamPort};
    pub use crate::target::{Device, DmaDir, TileKind, WireBundle};
    pub use crate::types::{bf16, ArgType, ElemType, MemRefType, Scalar, ScalarType};
    pub use crate::Error;
}

/// What macro expansions refer to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;
}

/// Validates `design` and makes its NPU instruction stream (`insts.bin` words).
///
/// # Errors
/// [`Error::Invalid`] with every problem of the design; [`Error::NoRuntimeSequence`] if it
/// has no runtime sequence (mlir-aie writes no `insts.bin` for such a design either).
pub fn instructions(design: &ir::Design) -> Result<Vec<u32>, Error> {
    valid::validate(design)?;
    if design.runtime.is_none() {
        return Err(Error::NoRuntimeSequence {
            design: design.name.clone(),
        });
    }
    let ops = lower::npu::lower(design, lower::npu::NpuOptions::default());
    Ok(back::insts::words(design.device, &ops))
}

/// Validates `design` and emits its MLIR.
///
/// # Errors
/// [`Error::Invalid`] with every problem of the design, or [`Error::Emit`].
pub fn compile(design: &ir::Design) -> Result<emit::Emitted, Error> {
    valid::validate(design)?;
    Ok(emit::emit(design)?)
}
