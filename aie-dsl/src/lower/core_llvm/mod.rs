//! Core programs to LLVM IR, in-process: what aiecc does per core before Peano compiles it
//! (tools/aiecc/aiecc.cpp at mlir-aie 5ff2ab97d).
//!
//! The build writes each core's LLVM IR directly as text (`direct.rs`): what the steps below
//! make of the core, without running them. With the `mlir` feature (the default) the steps
//! themselves run too (`through_mlir.rs`), for the cores the direct writer declines and as the
//! reference the tests compare it with:
//!
//! 1. `standard`: the core's program (from the lowered design, after the ObjectFIFO rewrite)
//!    becomes a module of upstream dialects, as mlir-aie's `aie-localize-locks`,
//!    `aie-standard-lowering` and `aiex-standard-lowering` make it.
//! 2. MLIR's own passes take it to the LLVM dialect, run through melior with the pipeline aiecc
//!    uses ([`PIPELINE`]).
//! 3. MLIR translates the result into an LLVM module (`mlirTranslateModuleToLLVMIR`), which
//!    inkwell owns and LLVM verifies, then prints as text.
//!
//! Left out of mlir-aie's list because they have nothing to do on what aie-dsl builds:
//! `aie-normalize-address-spaces` (no memref carries an address space) and
//! `convert-aievec-to-llvm` (core programs hold no `aievec` ops).

mod direct;
mod intrinsics;
#[cfg(feature = "mlir")]
mod standard;
#[cfg(feature = "mlir")]
mod through_mlir;

#[cfg(feature = "mlir")]
pub use through_mlir::{core_llvm_dialect, through_mlir, PIPELINE};
#[cfg(not(feature = "mlir"))]
pub use without_mlir::{core_llvm_dialect, through_mlir};

use thiserror::Error;

use crate::ir::{Design, TileId};
use crate::lower::physical::Physical;

/// Why a core's LLVM IR could not be made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreLlvmError {
    /// The tile is not one of the design's tiles.
    #[error("design `{design}`: the tile handle given for core lowering is not one of its tiles")]
    UnknownTile {
        /// The design.
        design: String,
    },
    /// The tile has no core program in the lowered design.
    #[error(
        "design `{design}`: tile ({col}, {row}) has no core, so there is no program to lower; \
         give it a program with `core!`"
    )]
    NoCore {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
    },
    /// The core uses a lock in a tile whose locks it cannot reach.
    #[error(
        "design `{design}`: core ({col}, {row}) uses lock `{lock}` of tile ({lock_col}, \
         {lock_row}), which it cannot reach; a core reaches the locks of its own tile and of the \
         compute tiles West, North and South of it"
    )]
    LockOutOfReach {
        /// The design.
        design: String,
        /// Column of the core.
        col: u32,
        /// Row of the core.
        row: u32,
        /// The lock's symbol name.
        lock: String,
        /// Column of the lock's tile.
        lock_col: u32,
        /// Row of the lock's tile.
        lock_row: u32,
    },
    /// The core holds something only the MLIR path lowers, and this build of aie-dsl has no
    /// MLIR (its `mlir` feature is off).
    #[error(
        "design `{design}`: core ({col}, {row}) holds something aie-dsl's direct LLVM IR writer \
         leaves to MLIR (no validated design should: please report it), and this build of \
         aie-dsl has no MLIR; build it with its `mlir` feature (`--features mlir`)"
    )]
    NeedsMlir {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
    },
    /// melior refused to build an operation.
    #[error(
        "building the core module failed: {0} (a bug in aie-dsl; please report it with the design)"
    )]
    Build(String),
    /// MLIR's verifier or one of the passes rejected the module.
    #[error(
        "design `{design}`: lowering core ({col}, {row}) to the LLVM dialect failed (a bug in \
         aie-dsl; please report it with the design):\n{diagnostics}"
    )]
    Pipeline {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// What MLIR said.
        diagnostics: String,
    },
    /// MLIR could not translate the module into LLVM IR, or LLVM's verifier rejected the result.
    #[error(
        "design `{design}`: translating core ({col}, {row}) to LLVM IR failed (a bug in aie-dsl; \
         please report it with the design):\n{diagnostics}"
    )]
    Translate {
        /// The design.
        design: String,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// What MLIR or LLVM said.
        diagnostics: String,
    },
}

/// The core on `core_tile`, its coordinates.
fn find_core<'p>(
    design: &Design,
    phys: &'p Physical,
    core_tile: TileId,
) -> Result<(&'p crate::lower::core::PCore, (u32, u32)), CoreLlvmError> {
    let (col, row) = design
        .coords(core_tile)
        .ok_or_else(|| CoreLlvmError::UnknownTile {
            design: design.name.clone(),
        })?;
    let core = phys
        .cores
        .iter()
        .find(|c| c.tile == core_tile)
        .ok_or_else(|| CoreLlvmError::NoCore {
            design: design.name.clone(),
            col,
            row,
        })?;
    Ok((core, (col, row)))
}

/// The LLVM IR of the core on `core_tile` (`define void @core_C_R()` with the buffers as external
/// globals, the lock intrinsics and the kernel declarations), as mlir-aie's per-core pipeline
/// and `aie-translate --mlir-to-llvmir` write it.
///
/// `phys` is the lowered design (`lower::objectfifo::lower(design)`): its buffers, locks and the
/// core programs after the ObjectFIFO rewrite. The module is verified by LLVM before it is
/// printed.
///
/// # Errors
/// [`CoreLlvmError`] if the tile has no core, the core uses a lock it cannot reach, or MLIR or
/// LLVM reject a step (a bug).
pub fn core_ir(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<String, CoreLlvmError> {
    let mut irs = irs_of(design, phys, &[core_tile])?;
    Ok(irs.pop().map(|(_, ir)| ir).unwrap_or_default())
}

/// [`core_ir`] of every core of the lowered design, in its order (the cores the direct writer
/// declines go through one MLIR context and one run of the pass pipeline together).
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`], for the first core that fails.
pub fn core_irs(design: &Design, phys: &Physical) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
    let tiles: Vec<TileId> = phys.cores.iter().map(|c| c.tile).collect();
    irs_of(design, phys, &tiles)
}

/// The LLVM IR of the cores on `tiles`, in order.
fn irs_of(
    design: &Design,
    phys: &Physical,
    tiles: &[TileId],
) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
    // Written directly where the result is known (`direct`); the rest through MLIR.
    // The part before each core's function is the same for every core: made once.
    let prelude = direct::prelude(design, phys);
    let mut irs: Vec<(TileId, Option<String>)> = Vec::with_capacity(tiles.len());
    for &tile in tiles {
        let (core, coords) = find_core(design, phys, tile)?;
        let ir = match &prelude {
            Some(p) => direct::write(design, phys, p, core, coords)?,
            None => None,
        };
        irs.push((tile, ir));
    }
    let left: Vec<TileId> = irs
        .iter()
        .filter(|(_, ir)| ir.is_none())
        .map(|(t, _)| *t)
        .collect();
    let mut through_mlir = through_mlir(design, phys, &left)?.into_iter();
    irs.into_iter()
        .map(|(tile, ir)| match ir {
            Some(ir) => Ok((tile, ir)),
            None => through_mlir
                .next()
                .map(|(_, ir)| (tile, ir))
                .ok_or_else(|| CoreLlvmError::Build("a core's LLVM IR went missing".into())),
        })
        .collect()
}

/// The core's LLVM IR from the direct writer alone (`direct.rs`), or `None` for a core it leaves
/// to MLIR (only what no valid design holds: an empty name, a loop bound above `i64::MAX`, a
/// lock value beyond `i32`, initial values that do not fill or fit their buffer). [`core_ir`]
/// takes this text when there is one; tests compare it with [`through_mlir`].
///
/// # Errors
/// [`CoreLlvmError`] as [`core_ir`].
pub fn direct_ir(
    design: &Design,
    phys: &Physical,
    core_tile: TileId,
) -> Result<Option<String>, CoreLlvmError> {
    let (core, coords) = find_core(design, phys, core_tile)?;
    match direct::prelude(design, phys) {
        Some(prelude) => direct::write(design, phys, &prelude, core, coords),
        None => Ok(None),
    }
}

/// The MLIR path's entry points in a build without MLIR: each names the first core it was asked
/// for in a [`CoreLlvmError::NeedsMlir`].
#[cfg(not(feature = "mlir"))]
mod without_mlir {
    use super::{find_core, CoreLlvmError};
    use crate::ir::{Design, TileId};
    use crate::lower::physical::Physical;

    fn needs_mlir(design: &Design, phys: &Physical, tile: TileId) -> CoreLlvmError {
        match find_core(design, phys, tile) {
            Ok((_, (col, row))) => CoreLlvmError::NeedsMlir {
                design: design.name.clone(),
                col,
                row,
            },
            Err(e) => e,
        }
    }

    /// Without MLIR: [`CoreLlvmError::NeedsMlir`] for the core on `core_tile`.
    ///
    /// # Errors
    /// Always.
    pub fn core_llvm_dialect(
        design: &Design,
        phys: &Physical,
        core_tile: TileId,
    ) -> Result<String, CoreLlvmError> {
        Err(needs_mlir(design, phys, core_tile))
    }

    /// Without MLIR: nothing for no tiles, [`CoreLlvmError::NeedsMlir`] for the first otherwise.
    ///
    /// # Errors
    /// When `tiles` is not empty.
    pub fn through_mlir(
        design: &Design,
        phys: &Physical,
        tiles: &[TileId],
    ) -> Result<Vec<(TileId, String)>, CoreLlvmError> {
        match tiles.first() {
            None => Ok(Vec::new()),
            Some(&tile) => Err(needs_mlir(design, phys, tile)),
        }
    }
}
