//! Hand-written DMA programs ([`crate::ir::DmaProgram`]) in the physical design.
//!
//! In mlir-aie the user's `aie.mem` / `aie.memtile_dma` ops are in the IR before the ObjectFIFO
//! transform runs: `DMAChannelAnalysis` takes their channels first, and `createAIETileDMA` /
//! `createMemTileDMA` (lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp at
//! 5ff2ab97d) append a FIFO's channel to the tile's existing region, before its end block, or
//! create a new region at the end of the device. So per tile the hand-written channels come
//! first, in declaration order, then the FIFOs' channels; and the tiles with hand-written
//! programs come before those that only have FIFO programs. `aie-assign-bd-ids` then numbers
//! the BDs of both alike, in block order.

use indexmap::IndexMap;

use crate::ir::{ChainEnd, Design, TileId};
use crate::lower::physical::{Bd, Channel, Physical};
use crate::lower::LowerError;

/// The hand-written programs as physical channels, per tile in the order of each tile's first
/// program; buffer and lock indices point at the placed buffers and locks, which the transform
/// puts after the FIFOs' own (`buffer_base`, `lock_base`: how many FIFO buffers and locks come
/// first).
fn channels(d: &Design, buffer_base: usize, lock_base: usize) -> IndexMap<TileId, Vec<Channel>> {
    let mut out: IndexMap<TileId, Vec<Channel>> = IndexMap::new();
    for p in &d.dma_programs {
        let bds = p
            .bds
            .iter()
            .map(|bd| {
                let elements = d.buffers.get(bd.buffer).map_or(0, |b| b.ty.elements());
                let len = bd
                    .len
                    .map_or_else(|| elements.saturating_sub(u64::from(bd.offset)), u64::from);
                Bd {
                    acquire: bd.acquire.map(|(l, n)| (lock_base + l.index() as usize, n)),
                    release: bd.release.map(|(l, n)| (lock_base + l.index() as usize, n)),
                    buffer: buffer_base + bd.buffer.index() as usize,
                    offset: bd.offset,
                    len: u32::try_from(len).unwrap_or(u32::MAX),
                    dims: bd.dims.clone(),
                    bd_id: bd.bd_id.unwrap_or(0),
                    fixed_id: bd.bd_id.is_some(),
                    next_bd_id: None,
                }
            })
            .collect();
        out.entry(p.tile).or_default().push(Channel {
            dir: p.dir,
            index: p.channel,
            repeat_count: p.repeat_count,
            bds,
            finite: p.end == ChainEnd::End,
            loop_to: match p.end {
                ChainEnd::LoopTo(k) => k,
                _ => 0,
            },
        });
    }
    out
}

/// Puts the hand-written programs into `phys.dmas` where mlir-aie's IR holds them: their tiles
/// first, and on each tile before the FIFOs' channels. Runs after the transform has put the
/// placed buffers and locks after its own (`reorder_elements`) and before BD ids are assigned.
///
/// # Errors
/// [`LowerError::PlacedDma`] when a tile has a hand-written chain that ends and an ObjectFIFO
/// channel: mlir-aie links a FIFO's new `dma_start` block from the end block's single
/// predecessor, which such a chain takes away, so its FIFO channel would never start.
pub(crate) fn insert(phys: &mut Physical, d: &Design) -> Result<(), LowerError> {
    if d.dma_programs.is_empty() {
        return Ok(());
    }
    let buffer_base = phys.buffers.len().saturating_sub(d.buffers.len());
    let lock_base = phys.locks.len().saturating_sub(d.locks.len());
    let mut dmas = channels(d, buffer_base, lock_base);
    for (tile, chans) in std::mem::take(&mut phys.dmas) {
        let placed = dmas.entry(tile).or_default();
        if let (Some(ends), Some(fifo)) = (placed.iter().find(|c| c.finite), chans.first()) {
            return Err(LowerError::PlacedDma {
                problem: format!(
                    "tile {} has a hand-written DMA chain on {} channel {} that ends, and the ObjectFIFO transform gives its {} channel {} to a FIFO; mlir-aie would add that channel where the end block has more than one predecessor and never start it: loop the chain (`looped()`) or move the FIFO end to another tile",
                    d.tile_label(tile),
                    ends.dir.keyword(),
                    ends.index,
                    fifo.dir.keyword(),
                    fifo.index
                ),
            });
        }
        placed.extend(chans);
    }
    phys.dmas = dmas;
    Ok(())
}

/// The hand-written programs of `d` as they appear in the design's MLIR (before lowering):
/// buffer and lock indices are the design's own arena indices.
pub(crate) fn design_channels(d: &Design) -> IndexMap<TileId, Vec<Channel>> {
    channels(d, 0, 0)
}
