//! The physical design: what the ObjectFIFO transform and the allocation passes make of a
//! design — buffers with addresses, locks with ids, DMA programs with buffer descriptors, flows
//! and shim allocations — in the order mlir-aie's IR holds them.

use indexmap::IndexMap;

use crate::ir::{Dim, TileId};
use crate::target::{DmaDir, WireBundle};
use crate::types::MemRefType;

/// A buffer in a tile's data memory.
#[derive(Clone, Debug, PartialEq)]
pub struct PBuffer {
    /// The tile.
    pub tile: TileId,
    /// Symbol name (`<fifo>_buff_<k>` for FIFO objects).
    pub name: String,
    /// Type.
    pub ty: MemRefType,
    /// Initial contents.
    pub init: Option<Vec<crate::types::InitValue>>,
    /// Byte address in the tile's memory.
    pub address: u32,
    /// Memory bank (bank-aware allocation), if placed that way.
    pub bank: Option<u32>,
}

/// A lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PLock {
    /// The tile.
    pub tile: TileId,
    /// Symbol name.
    pub name: String,
    /// Lock id.
    pub id: u32,
    /// Initial value.
    pub init: u32,
}

/// Index of a [`PBuffer`] in [`Physical::buffers`].
pub type BufferIx = usize;
/// Index of a [`PLock`] in [`Physical::locks`].
pub type LockIx = usize;

/// One buffer descriptor of a DMA chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bd {
    /// Lock acquired (`AcquireGreaterEqual`) before the transfer, and by how much.
    pub acquire: Option<(LockIx, u32)>,
    /// Lock released after it, and by how much.
    pub release: Option<(LockIx, u32)>,
    /// The buffer.
    pub buffer: BufferIx,
    /// Offset in elements.
    pub offset: u32,
    /// Length in elements.
    pub len: u32,
    /// Access pattern (outermost first); empty for linear.
    pub dims: Vec<Dim>,
    /// Assigned BD id.
    pub bd_id: u32,
    /// BD id of the next BD in the chain (`None` for the last of a finite chain).
    pub next_bd_id: Option<u32>,
}

/// One channel's program: `dma_start` and its BD chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    /// Direction.
    pub dir: DmaDir,
    /// Channel index.
    pub index: u32,
    /// `dma_start` repeat count.
    pub repeat_count: u32,
    /// The BDs, in block order.
    pub bds: Vec<Bd>,
    /// Whether the last BD ends the chain instead of looping to the first.
    pub finite: bool,
}

/// A circuit-switched flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PFlow {
    /// Source tile, bundle, channel.
    pub source: (TileId, WireBundle, u32),
    /// Destination tile, bundle, channel.
    pub dest: (TileId, WireBundle, u32),
}

/// A shim DMA channel reserved for runtime transfers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PShimAlloc {
    /// Symbol name (`<fifo>_shim_alloc`).
    pub name: String,
    /// The shim tile.
    pub tile: TileId,
    /// Direction.
    pub dir: DmaDir,
    /// Channel.
    pub channel: u32,
}

/// One FIFO end as a core program sees it: its depth and the buffers and locks it uses (those
/// of its link's target when it is linked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndInfo {
    /// The tile of this end.
    pub tile: TileId,
    /// Objects at this end.
    pub depth: u32,
    /// Its buffers, in object order.
    pub buffers: Vec<BufferIx>,
    /// Its locks: `[prod, cons]` (more pairs for a split/join target).
    pub locks: Vec<LockIx>,
    /// Repeat count of the FIFO op (1 if none).
    pub repeat: u32,
}

/// The physical design.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Physical {
    /// Buffers, in IR order.
    pub buffers: Vec<PBuffer>,
    /// Locks, in IR order.
    pub locks: Vec<PLock>,
    /// DMA programs per tile, in the order their ops were created.
    pub dmas: IndexMap<TileId, Vec<Channel>>,
    /// Flows, in IR order.
    pub flows: Vec<PFlow>,
    /// Shim allocations, in IR order.
    pub shim_allocs: Vec<PShimAlloc>,
    /// FIFO ends by op name (`F`, `F_cons`, `F_<i>_cons`).
    pub ends: IndexMap<String, EndInfo>,
    /// Core programs after the ObjectFIFO rewrite, in design order.
    pub cores: Vec<crate::lower::core::PCore>,
    /// The routed stream switches (the flows above are then consumed).
    pub routing: crate::lower::route::Routing,
}

impl Physical {
    /// The buffer called `name`.
    pub fn buffer(&self, name: &str) -> Option<&PBuffer> {
        self.buffers.iter().find(|b| b.name == name)
    }

    /// The lock called `name`.
    pub fn lock(&self, name: &str) -> Option<&PLock> {
        self.locks.iter().find(|l| l.name == name)
    }
}
