//! The host's runtime sequence: DMA transfers between host buffers and the array.

use super::{FifoId, ShimAllocId};
use crate::types::MemRefType;

/// A host buffer argument of the runtime sequence (XRT buffer object `i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HostArg(pub u32);

/// Which way a transfer goes, from the host's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransferDir {
    /// Host memory into the array (the shim DMA reads: MM2S).
    ToDevice,
    /// The array into host memory (the shim DMA writes: S2MM).
    FromDevice,
}

/// What a runtime transfer goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DmaTarget {
    /// An ObjectFIFO with a shim endpoint.
    Fifo(FifoId),
    /// A hand-placed shim DMA allocation.
    Alloc(ShimAllocId),
}

/// One `aiex.npu.dma_memcpy_nd`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DmaTransfer {
    /// The shim channel's owner.
    pub target: DmaTarget,
    /// The host buffer.
    pub arg: HostArg,
    /// Which way.
    pub dir: TransferDir,
    /// Offsets, outermost first, in elements.
    pub offsets: [i64; 4],
    /// Sizes, outermost first (`sizes[0]` is the repeat count).
    pub sizes: [i64; 4],
    /// Strides, outermost first, in elements.
    pub strides: [i64; 4],
    /// Shim BD id, or `None` to have one assigned.
    pub bd_id: Option<u32>,
    /// Ask for a completion token (needed for a later wait).
    pub issue_token: bool,
}

/// One operation of the runtime sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeOp {
    /// A transfer.
    Dma(DmaTransfer),
    /// Wait for the transfers issued on a FIFO's shim channel.
    Wait(DmaTarget),
    /// Wait on an explicit channel (`aiex.npu.sync`).
    Sync {
        /// Column.
        column: u32,
        /// Row.
        row: u32,
        /// Direction.
        dir: crate::target::DmaDir,
        /// Channel.
        channel: u32,
    },
}

/// The host's program.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RuntimeSequence {
    /// Host buffers, in XRT argument order.
    pub args: Vec<MemRefType>,
    /// Operations, in order.
    pub ops: Vec<RuntimeOp>,
}
