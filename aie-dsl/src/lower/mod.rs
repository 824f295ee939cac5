//! Lowering: from the validated design to the configuration of the array, in aiecc's order.
//!
//! [`lower`] runs every pass once, in aiecc's order, and hands back a [`Lowered`] design:
//! hand-placed lock ids ([`assign_lock_ids`]), the ObjectFIFO transform ([`objectfifo`]), BD ids
//! ([`assign_bd_ids`]), buffer addresses ([`assign_buffer_addresses`]), the core-program rewrite
//! ([`core`]) and the lowered design's checks ([`check`]), routing with the column control
//! overlay ([`route`], [`overlay`]), and the runtime sequence's NPU operations ([`npu`], as
//! `aie-dma-to-npu` makes them, with the shim channels of [`shim_channels`]). The writers under
//! [`crate::back`] and the physical MLIR of [`crate::emit`] read the result.

pub mod assign_bd_ids;
pub mod assign_buffer_addresses;
pub mod assign_lock_ids;
pub mod check;
pub mod core;
pub mod core_llvm;
pub mod npu;
pub mod objectfifo;
pub mod overlay;
pub mod physical;
pub(crate) mod placed_dma;
pub mod route;
pub mod unroll;

use indexmap::IndexMap;

pub use objectfifo::LowerError;

use crate::ir::{Design, DmaTarget, FifoId, TileId};
use crate::target::{DmaDir, TileKind};
use crate::valid::Validated;

/// The kind and coordinates of tile `t` (a compute tile at (0,0) for a handle the design does
/// not hold; validation rejects those before lowering).
fn label(d: &Design, t: TileId) -> (TileKind, u32, u32) {
    d.tiles
        .get(t)
        .map_or((TileKind::Compute, 0, 0), |t| (t.kind, t.col, t.row))
}

/// A design after every lowering pass: placed, allocated and routed, with its runtime
/// sequence as NPU operations.
#[derive(Clone, Debug)]
pub struct Lowered<'v> {
    /// The validated design it came from.
    pub design: &'v Validated,
    /// Buffers, locks, DMA programs, core programs and routing.
    pub physical: physical::Physical,
    /// The runtime sequence as NPU operations.
    pub npu: Vec<npu::NpuOp>,
}

/// Runs the lowering passes on `design`, each once.
///
/// # Errors
/// [`LowerError`] when a tile runs out of locks, channels, BDs or memory, or the flows cannot
/// be routed.
pub fn lower(design: &Validated) -> Result<Lowered<'_>, LowerError> {
    let physical = objectfifo::lower(design)?;
    let npu = npu::lower(design, npu::NpuOptions::default());
    Ok(Lowered {
        design,
        physical,
        npu,
    })
}

/// A shim DMA channel: the tile, direction and channel index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShimChannel {
    /// Column of the shim tile.
    pub col: u32,
    /// Row of the shim tile (0).
    pub row: u32,
    /// Direction.
    pub dir: DmaDir,
    /// Channel index.
    pub channel: u32,
}

/// The shim channel of every runtime-transfer target: each FIFO end on a shim tile and each
/// hand-placed allocation.
///
/// Like mlir-aie's objectfifo lowering, channels already taken by hand-placed allocations and
/// flows stay taken; then, over the FIFOs in declaration order, a shim producer takes the
/// lowest free MM2S channel of its tile and a shim consumer the lowest free S2MM channel.
pub fn shim_channels(design: &Design) -> IndexMap<DmaTarget, ShimChannel> {
    let d = design;
    let mut taken: Vec<(TileId, DmaDir, u32)> = Vec::new();
    let mut out = IndexMap::new();
    for (id, a) in d.shim_allocs.iter() {
        taken.push((a.tile, a.dir, a.channel));
        if let Some((col, row)) = d.coords(a.tile) {
            out.insert(
                DmaTarget::Alloc(id),
                ShimChannel {
                    col,
                    row,
                    dir: a.dir,
                    channel: a.channel,
                },
            );
        }
    }
    for f in &d.flows {
        use crate::target::WireBundle::Dma;
        if f.source.bundle == Dma {
            taken.push((f.source.tile, DmaDir::Mm2s, f.source.channel));
        }
        if f.dest.bundle == Dma {
            taken.push((f.dest.tile, DmaDir::S2mm, f.dest.channel));
        }
    }
    let is_shim = |t: TileId| d.tiles.get(t).map(|t| t.kind) == Some(TileKind::Shim);
    let take = |tile: TileId, dir: DmaDir, taken: &mut Vec<(TileId, DmaDir, u32)>| {
        let ch = (0..)
            .find(|c| !taken.contains(&(tile, dir, *c)))
            .unwrap_or(0);
        taken.push((tile, dir, ch));
        ch
    };
    for (id, f) in d.fifos.iter() {
        let mut ends: Vec<(TileId, DmaDir)> = Vec::new();
        if is_shim(f.producer) {
            ends.push((f.producer, DmaDir::Mm2s));
        }
        for c in &f.consumers {
            if is_shim(c.tile) {
                ends.push((c.tile, DmaDir::S2mm));
            }
        }
        for (tile, dir) in ends {
            let channel = take(tile, dir, &mut taken);
            if let Some((col, row)) = d.coords(tile) {
                out.entry(DmaTarget::Fifo(id)).or_insert(ShimChannel {
                    col,
                    row,
                    dir,
                    channel,
                });
            }
        }
    }
    out
}

/// The shim channel of `fifo`'s shim end, if it has one.
pub fn fifo_channel(design: &Design, fifo: FifoId) -> Option<ShimChannel> {
    shim_channels(design).get(&DmaTarget::Fifo(fifo)).copied()
}
