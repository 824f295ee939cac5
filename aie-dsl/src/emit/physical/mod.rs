//! The physical (lowered) module: what mlir-aie's resource-allocation passes make of a design,
//! built through melior and put through MLIR's own `convert-scf-to-cf`, as aiecc's pipeline
//! does before routing (`_create_input_with_addresses_pipeline` in mlir-aie's
//! `python/compiler/aiecc/main.py`).
//!
//! It holds the tiles with their controller ids, buffers with addresses and banks, locks with
//! ids, the flows mlir-aie keeps, the column control overlay's packet flow, the rewritten core
//! programs, the runtime sequence naming the shim allocations, the tiles' DMA programs
//! (`aie.mem` / `aie.memtile_dma` with BD blocks) and the router's switchboxes and wires.
//!
//! This file holds the order in which the ops are appended; the rest is split by concern:
//! `device` (tiles, locks, buffers, kept flows, control overlay), `core` (the lowered core
//! programs), `dma` (the tiles' DMA programs) and `routing` (switchboxes, shim muxes, wires).

use melior::ir::{BlockLike, Module, Value};
use melior::pass::PassManager;
use melior::Context;

use super::build::ModuleBuilder;
use super::EmitError;
use crate::ir::TileId;
use crate::lower::physical::Physical;

mod core;
mod device;
mod dma;
mod routing;

impl<'c> ModuleBuilder<'c, '_> {
    /// Builds the physical module of the design from its lowering.
    pub(super) fn build_physical(&self, phys: &Physical) -> Result<Module<'c>, EmitError> {
        let d = self.design;
        let module = Module::new(self.loc);
        let top = module.body();
        let blk = self.device(&top)?;

        let (tiles, columns) = self.placed_tiles(&blk, phys)?;
        let tile = |t: TileId| -> Result<Value<'c, '_>, EmitError> {
            d.coords(t)
                .and_then(|c| tiles.get(&c).copied())
                .ok_or_else(|| EmitError::Build(format!("tile {t:?} not emitted")))
        };
        let locks = self.placed_locks(&blk, phys, &tile)?;
        let buffers = self.placed_buffers(&blk, phys, &tile)?;
        self.kept_flows(&blk, phys, &tiles)?;
        self.hand_placed_routing(&blk, &tile, true)?;
        self.control_overlay(&blk, &columns, &tiles)?;
        self.lowered_cores(&blk, phys, &tile, &buffers, &locks)?;
        if let Some(seq) = &d.runtime {
            self.runtime_sequence(&blk, seq, true)?;
        }
        for a in &phys.shim_allocs {
            blk.append_operation(self.shim_alloc(tile(a.tile)?, &a.name, a.dir, a.channel)?);
        }
        self.dma_programs(&blk, phys, &tile, &buffers, &locks)?;
        self.routing(&blk, &phys.routing, &tiles)?;
        self.end(&blk)?;
        Ok(module)
    }
}

/// A context for the physical module: the design dialects plus `cf`, which
/// `convert-scf-to-cf` produces.
pub fn context() -> Context {
    let ctx = super::context();
    melior::dialect::DialectHandle::cf().load_dialect(&ctx);
    ctx
}

/// Builds the physical module of `design` from its lowering, verifies it (when `check` says
/// so) and converts core loops to `cf` as aiecc's resource-allocation pipeline ends.
///
/// # Errors
/// [`EmitError`] if MLIR rejects the module or the conversion.
pub fn module<'c>(
    ctx: &'c Context,
    design: &crate::ir::Design,
    phys: &Physical,
    check: super::Check,
) -> Result<Module<'c>, EmitError> {
    if check == super::Check::Verify {
        // Verify a copy the way `emit::verify` does: declarations at module level.
        let copy = ModuleBuilder::new(ctx, design)
            .kernels_at_module_level()
            .build_physical(phys)?;
        super::verify_text(ctx, design, &super::generic(&copy)?)?;
    }
    let mut module = ModuleBuilder::new(ctx, design).build_physical(phys)?;
    let pm = PassManager::new(ctx);
    pm.enable_verifier(false);
    pm.add_pass(melior::pass::conversion::create_scf_to_control_flow());
    pm.run(&mut module).map_err(|e| EmitError::Verify {
        design: design.name.clone(),
        diagnostics: format!("convert-scf-to-cf failed: {e}"),
    })?;
    Ok(module)
}
