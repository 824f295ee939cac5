//! The crate's top-level error.

use std::path::PathBuf;

use crate::emit::EmitError;
use crate::valid::ValidationErrors;

/// Anything that can stop a design on its way to MLIR and files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The design breaks rules of the device or of mlir-aie; every problem is listed.
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    /// A tile ran out of locks, DMA channels, buffer descriptors or memory while lowering.
    #[error("lowering design: {0}")]
    Lower(#[from] crate::lower::objectfifo::LowerError),
    /// MLIR rejected the module we built (a bug in aie-dsl: please report it with the design).
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// A core's LLVM IR could not be made.
    #[error(transparent)]
    CoreLlvm(#[from] crate::lower::core_llvm::CoreLlvmError),
    /// A core's linker script could not be made.
    #[error(transparent)]
    LdScript(#[from] crate::back::ldscript::LdScriptError),
    /// Peano failed on a kernel or a core.
    #[error(transparent)]
    Peano(#[from] crate::back::peano::PeanoError),
    /// The configuration (CDO) could not be written, e.g. a core ELF does not fit its tile.
    #[error(transparent)]
    Cdo(#[from] crate::back::cdo::CdoError),
    /// The PDI could not be written.
    #[error(transparent)]
    Pdi(#[from] crate::back::pdi::PdiError),
    /// The xclbin could not be written.
    #[error(transparent)]
    Xclbin(#[from] crate::back::xclbin::XclbinError),
    /// The design has no runtime sequence, so there is no instruction stream to make
    /// (mlir-aie's `aie-translate --aie-npu-to-binary` fails too: it looks the sequence up with
    /// `RuntimeSequenceOp::getForSymbolInDeviceOrError`).
    #[error("design `{design}` has no runtime sequence, so it has no instruction stream (insts.bin); add one with `runtime` (or `runtime!`) that moves the host's data")]
    NoRuntimeSequence {
        /// The design.
        design: String,
    },
    /// Writing an output file failed.
    #[error(
        "could not write {path}: {source}; check that the folder is writable and the disk has room"
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
