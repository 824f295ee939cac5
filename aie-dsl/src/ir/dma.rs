//! DMA programs written by hand for placed buffers: what mlir-aie says with an `aie.mem`
//! (compute tile) or `aie.memtile_dma` (mem tile) region holding `aie.dma_start` and a chain of
//! BD blocks (`aie.use_lock`, `aie.dma_bd`, `aie.use_lock`, `aie.next_bd`).
//!
//! One [`DmaProgram`] is one channel's `dma_start` and its chain. The lowering puts these
//! programs where mlir-aie's IR has them (before any channel the ObjectFIFO transform adds to the
//! same tile) and they go through BD-id assignment, buffer addresses, the physical MLIR and the
//! CDO as the FIFOs' programs do.

use super::{BufferId, Dim, LockId, TileId};
use crate::target::DmaDir;

/// One buffer descriptor of a hand-written chain: an optional lock acquire
/// (`AcquireGreaterEqual`), a transfer of `len` elements of `buffer` from element `offset`
/// (with an optional n-d access pattern), and an optional lock release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmaBd {
    /// The placed buffer.
    pub buffer: BufferId,
    /// First element moved.
    pub offset: u32,
    /// Elements moved; `None` for the whole buffer from `offset` on.
    pub len: Option<u32>,
    /// Access pattern, outermost first (`[<size = s, stride = t>, …]`); empty for linear.
    pub dims: Vec<Dim>,
    /// `aie.use_lock(lock, AcquireGreaterEqual, value)` before the transfer.
    pub acquire: Option<(LockId, u32)>,
    /// `aie.use_lock(lock, Release, value)` after it.
    pub release: Option<(LockId, u32)>,
    /// The BD id, when the user chooses it (`aie.dma_bd … {bd_id = n}`); `None` lets BD-id
    /// assignment choose, around the chosen ones.
    pub bd_id: Option<u32>,
}

impl DmaBd {
    /// A BD moving all of `buffer`, without locks.
    pub fn new(buffer: BufferId) -> Self {
        DmaBd {
            buffer,
            offset: 0,
            len: None,
            dims: Vec::new(),
            acquire: None,
            release: None,
            bd_id: None,
        }
    }

    /// Uses BD `id` of the tile's DMA (on a mem tile, one of the channel's parity: 0..=23 for
    /// even channels, 24..=47 for odd ones).
    pub fn bd_id(mut self, id: u32) -> Self {
        self.bd_id = Some(id);
        self
    }

    /// Starts at element `offset` of the buffer.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }

    /// Moves `len` elements (default: the rest of the buffer from the offset).
    pub fn len(mut self, len: u32) -> Self {
        self.len = Some(len);
        self
    }

    /// Walks the buffer with this access pattern (outermost first, sizes and strides in
    /// elements).
    pub fn dims(mut self, dims: impl Into<Vec<Dim>>) -> Self {
        self.dims = dims.into();
        self
    }

    /// Acquires `lock` with `AcquireGreaterEqual, value` before the transfer.
    pub fn acquire(mut self, lock: LockId, value: u32) -> Self {
        self.acquire = Some((lock, value));
        self
    }

    /// Releases `lock` by `value` after the transfer.
    pub fn release(mut self, lock: LockId, value: u32) -> Self {
        self.release = Some((lock, value));
        self
    }
}

/// What follows the last BD of a chain (`aie.next_bd` of its block).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainEnd {
    /// Back to the first BD: the channel runs the chain for ever.
    Loop,
    /// Back to BD `k` (from 0) of the chain: the BDs before it run once, as a prologue, the
    /// rest for ever.
    LoopTo(usize),
    /// The end block: the channel runs the chain `repeat_count + 1` times and stops.
    End,
}

/// One DMA channel's hand-written program (`aie.dma_start(dir, channel, ^first, ^next)` and
/// its BD blocks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmaProgram {
    /// The tile whose DMA runs it (compute or mem tile).
    pub tile: TileId,
    /// Direction: `S2mm` writes the stream into memory, `Mm2s` reads memory into the stream.
    pub dir: DmaDir,
    /// The channel.
    pub channel: u32,
    /// `repeat_count` of `aie.dma_start`: extra runs of a chain that ends.
    pub repeat_count: u32,
    /// The BDs in chain order.
    pub bds: Vec<DmaBd>,
    /// What follows the last BD.
    pub end: ChainEnd,
}
