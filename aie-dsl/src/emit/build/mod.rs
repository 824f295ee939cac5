//! Builds the `aie.device` module as MLIR operations through melior.
//!
//! Upstream ops (`func`, `arith`, `scf`) are registered and verified by MLIR. The `aie` and
//! `aiex` ops are not registered here (their C++ lives in mlir-aie): they are built as generic
//! operations with mlir-aie's operand order, attribute names and attribute types at 5ff2ab97d
//! (mlir-aie's `include/aie/Dialect/AIE/IR/AIEOps.td` and `include/aie/Dialect/AIEX/IR/AIEX.td`),
//! and their dialect types and attributes as MLIR opaque types and attributes in the `aie`
//! namespace.
//!
//! This file holds the builder and the order in which a design's ops are appended to the
//! device; the rest is split by concern:
//! - `attrs`: attributes and types (integers, symbols, element and memref types, dense initial
//!   values, the `aie` dialect's opaque attributes and types);
//! - `device`: device-level ops (tiles, ObjectFIFOs and their links, buffers, locks, kernel
//!   declarations, flows, packet flows, shim DMA allocations);
//! - `core`: the cores' programs;
//! - `runtime`: the runtime sequence.

use std::collections::HashMap;

use melior::ir::operation::{OperationBuilder, OperationLike};
use melior::ir::{
    Attribute, Block, BlockLike, BlockRef, Identifier, Location, Module, Region, RegionLike, Type,
    Value,
};
use melior::Context;

use super::EmitError;
use crate::ir::{Design, TileId};

mod attrs;
mod core;
mod device;
mod runtime;

pub(super) use attrs::aie_attr;
pub(crate) use attrs::dense_attr;
pub(super) use device::TileLookup;

/// Builds one design's module; the `emit` module's builders (logical and physical) share it.
pub(super) struct ModuleBuilder<'c, 'd> {
    pub(super) ctx: &'c Context,
    pub(super) loc: Location<'c>,
    pub(super) design: &'d Design,
    pub(super) kernels_at_module_level: bool,
}

impl<'c, 'd> ModuleBuilder<'c, 'd> {
    pub(super) fn new(ctx: &'c Context, design: &'d Design) -> Self {
        ModuleBuilder {
            ctx,
            loc: Location::unknown(ctx),
            design,
            kernels_at_module_level: false,
        }
    }

    /// Puts the kernel declarations before the device instead of inside it (for verification
    /// only: see `emit::verify`).
    pub(super) fn kernels_at_module_level(mut self) -> Self {
        self.kernels_at_module_level = true;
        self
    }

    pub(super) fn op(&self, name: &str) -> OperationBuilder<'c> {
        OperationBuilder::new(name, self.loc)
    }

    pub(super) fn attrs(
        &self,
        list: &[(&str, Attribute<'c>)],
    ) -> Vec<(Identifier<'c>, Attribute<'c>)> {
        list.iter().map(|(n, a)| (self.id(n), *a)).collect()
    }

    /// Appends an op with one empty-block region and returns the op and its block.
    pub(super) fn with_body<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        builder_name: &str,
        builder: OperationBuilder<'c>,
        args: &[Type<'c>],
    ) -> Result<(melior::ir::OperationRef<'c, 'a>, BlockRef<'c, 'a>), EmitError> {
        let region = Region::new();
        let arg_locs: Vec<_> = args.iter().map(|t| (*t, self.loc)).collect();
        region.append_block(Block::new(&arg_locs));
        let mut regions = vec![region];
        if self.kernels_at_module_level && !self.ctx.is_registered_operation(builder_name) {
            // MLIR takes an unregistered op with exactly one region for a symbol table it does
            // not know and stops symbol lookup there; a second, empty region lets the
            // verification copy's calls find their callee at module level.
            regions.push(Region::new());
        }
        let op = block.append_operation(builder.add_regions_vec(regions).build()?);
        let body = op
            .region(0)
            .ok()
            .and_then(|r| r.first_block())
            .ok_or_else(|| EmitError::Build("region without its block".into()))?;
        Ok((op, body))
    }

    pub(super) fn end(&self, block: &BlockRef<'c, '_>) -> Result<(), EmitError> {
        block.append_operation(self.op("aie.end").build()?);
        Ok(())
    }

    /// Appends an empty `aie.device` to the module's body and returns its block (after the
    /// kernel declarations, which go into it or before it).
    pub(super) fn device<'a>(&self, top: &BlockRef<'c, 'a>) -> Result<BlockRef<'c, 'a>, EmitError> {
        let dev = self.op("aie.device").add_attributes(&self.attrs(&[
            (
                "device",
                self.i32(i64::from(self.design.device.enum_value())),
            ),
            ("sym_name", self.str("main")),
        ]));
        let (_, blk) = self.with_body(top, "aie.device", dev, &[])?;
        self.kernel_decls(top, &blk)?;
        Ok(blk)
    }

    /// The design's module, its ops in this order: kernel declarations, tiles, ObjectFIFOs,
    /// links, buffers, locks, hand-placed routing, cores, the runtime sequence.
    pub(super) fn build(&self) -> Result<Module<'c>, EmitError> {
        let d = self.design;
        let module = Module::new(self.loc);
        let top = module.body();
        let blk = self.device(&top)?;

        let tiles: HashMap<TileId, Value<'c, '_>> = self.tiles(&blk)?;
        let tile = |t: TileId| {
            tiles
                .get(&t)
                .copied()
                .ok_or_else(|| EmitError::Build(format!("tile {t:?} not emitted")))
        };
        self.fifos(&blk, &tile)?;
        self.links(&blk)?;
        let buffers = self.buffers(&blk, &tile)?;
        let locks = self.locks(&blk, &tile)?;
        self.hand_placed_routing(&blk, &tile, false)?;
        let env = core::CoreEnv {
            buffers: &buffers,
            locks: &locks,
        };
        self.cores(&blk, &tile, &env)?;
        if let Some(seq) = &d.runtime {
            self.runtime_sequence(&blk, seq, false)?;
        }
        self.end(&blk)?;
        Ok(module)
    }
}
