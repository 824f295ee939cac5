//! Hand-written DMA programs for placed buffers: [`DmaChain`] and [`DesignBuilder::dma`].

use super::DesignBuilder;
use crate::ir::{ChainEnd, DmaBd, DmaProgram, TileId};
use crate::target::DmaDir;

/// One channel's BD chain, built up before [`DesignBuilder::dma`] records it.
///
/// ```
/// use aie_dsl::prelude::*;
///
/// let mut d = DesignBuilder::new("dma", Device::Npu1_1Col);
/// let core = d.compute_tile(0, 2);
/// let ty = MemRefType::vector(256, ElemType::I32);
/// let ping = d.buffer(core, "ping", ty.clone());
/// let pong = d.buffer(core, "pong", ty);
/// let full = d.lock(core, "full", None, 0);
/// let empty = d.lock(core, "empty", None, 2);
/// // MM2S 0 of the core's tile sends ping, then pong, for ever, each once the core filled it.
/// d.dma(
///     DmaChain::new(core, DmaDir::Mm2s, 0)
///         .bd(DmaBd::new(ping).acquire(full, 1).release(empty, 1))
///         .bd(DmaBd::new(pong).acquire(full, 1).release(empty, 1)),
/// );
/// assert_eq!(d.design().dma_programs.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmaChain {
    program: DmaProgram,
}

impl DmaChain {
    /// An empty chain on channel `channel` of direction `dir` of `tile`'s DMA; by default its
    /// last BD loops back to the first ([`ChainEnd::Loop`]).
    pub fn new(tile: impl Into<TileId>, dir: DmaDir, channel: u32) -> Self {
        DmaChain {
            program: DmaProgram {
                tile: tile.into(),
                dir,
                channel,
                repeat_count: 0,
                bds: Vec::new(),
                end: ChainEnd::Loop,
            },
        }
    }

    /// Appends a BD to the chain.
    pub fn bd(mut self, bd: DmaBd) -> Self {
        self.program.bds.push(bd);
        self
    }

    /// The last BD loops back to the first (the default).
    pub fn looped(mut self) -> Self {
        self.program.end = ChainEnd::Loop;
        self
    }

    /// The last BD goes back to BD `k` (from 0): the BDs before it run once, the rest for
    /// ever.
    pub fn loop_to(mut self, k: usize) -> Self {
        self.program.end = ChainEnd::LoopTo(k);
        self
    }

    /// The last BD ends the chain: the channel runs it once (`repeat_count + 1` times with
    /// [`Self::repeat_count`]) and stops.
    pub fn ends(mut self) -> Self {
        self.program.end = ChainEnd::End;
        self
    }

    /// `repeat_count` of `aie.dma_start`: how many more times the channel runs a chain that
    /// ends.
    pub fn repeat_count(mut self, count: u32) -> Self {
        self.program.repeat_count = count;
        self
    }

    /// The program as recorded.
    pub fn program(&self) -> &DmaProgram {
        &self.program
    }
}

impl DesignBuilder {
    /// Gives a channel of a compute or mem tile's DMA a hand-written program over placed
    /// buffers and locks (mlir-aie's `aie.mem` / `aie.memtile_dma` with `aie.dma_start`).
    /// Validation checks the tile, channel, buffers, locks, lengths and layouts, and that no
    /// other program uses the channel; the ObjectFIFOs of the tile take other channels.
    ///
    /// A shim tile's channel is refused ([`crate::valid::DmaProgramError::ShimTile`]): its DMA
    /// moves host memory, whose address only the runtime sequence knows; use
    /// [`DesignBuilder::shim_dma_allocation`] and [`super::RuntimeBuilder::transfer`] there.
    pub fn dma(&mut self, chain: DmaChain) {
        self.design.dma_programs.push(chain.program);
    }
}
