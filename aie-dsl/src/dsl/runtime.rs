//! Building the host's runtime sequence.

use std::collections::BTreeSet;

use crate::ir::{
    DmaTarget, DmaTransfer, FifoId, HostArg, RuntimeOp, RuntimeSequence, ShimAllocId, TransferDir,
};
use crate::target::DmaDir;
use crate::types::MemRefType;

/// The access pattern of one host transfer: 4-D offsets, sizes and strides in elements,
/// outermost first, as `aiex.npu.dma_memcpy_nd` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    offsets: [i64; 4],
    sizes: [i64; 4],
    strides: [i64; 4],
    bd_id: Option<u32>,
    issue_token: bool,
}

impl Transfer {
    /// `len` contiguous elements from the start of the buffer.
    pub fn linear(len: u32) -> Self {
        Transfer::nd([0, 0, 0, 0], [1, 1, 1, i64::from(len)], [0, 0, 0, 1])
    }

    /// `len` contiguous elements starting at element `offset`.
    pub fn slice(offset: u32, len: u32) -> Self {
        Transfer::nd(
            [0, 0, 0, i64::from(offset)],
            [1, 1, 1, i64::from(len)],
            [0, 0, 0, 1],
        )
    }

    /// A full 4-D pattern.
    pub fn nd(offsets: [i64; 4], sizes: [i64; 4], strides: [i64; 4]) -> Self {
        Transfer {
            offsets,
            sizes,
            strides,
            bd_id: None,
            issue_token: false,
        }
    }

    /// Uses shim buffer descriptor `id` instead of an assigned one.
    pub fn bd_id(mut self, id: u32) -> Self {
        self.bd_id = Some(id);
        self
    }

    /// Asks for a completion token even if no wait follows.
    pub fn issue_token(mut self) -> Self {
        self.issue_token = true;
        self
    }

    /// Elements the pattern reaches, counting from element 0 of the buffer: the highest
    /// element touched plus one (0 for an empty pattern).
    pub fn extent(&self) -> i64 {
        if self.sizes.iter().any(|&s| s <= 0) {
            return 0;
        }
        let start: i64 = self
            .offsets
            .iter()
            .zip(self.strides.iter())
            .map(|(o, s)| o.saturating_mul(*s))
            .fold(0i64, |a, b| a.saturating_add(b));
        let span: i64 = self
            .sizes
            .iter()
            .zip(self.strides.iter())
            .map(|(n, s)| (n - 1).saturating_mul(*s))
            .fold(0i64, |a, b| a.saturating_add(b));
        start.saturating_add(span).saturating_add(1)
    }

    /// Elements moved.
    pub fn elements(&self) -> i64 {
        self.sizes.iter().fold(1i64, |a, &b| a.saturating_mul(b))
    }

    /// Offsets in elements, outermost first.
    pub fn offsets(&self) -> [i64; 4] {
        self.offsets
    }

    /// Sizes, outermost first (`sizes()[0]` is the repeat count).
    pub fn sizes(&self) -> [i64; 4] {
        self.sizes
    }

    /// Strides in elements, outermost first.
    pub fn strides(&self) -> [i64; 4] {
        self.strides
    }

    /// The shim BD id given with [`Transfer::bd_id`], or `None` to have one assigned.
    pub fn fixed_bd_id(&self) -> Option<u32> {
        self.bd_id
    }

    /// Whether [`Transfer::issue_token`] asked for a completion token.
    pub fn issues_token(&self) -> bool {
        self.issue_token
    }
}

/// Builds the runtime sequence.
#[derive(Debug)]
pub struct RuntimeBuilder<'d> {
    design: &'d crate::ir::Design,
    seq: RuntimeSequence,
    pending: Vec<(DmaTarget, Transfer, HostArg, TransferDir)>,
}

impl<'d> RuntimeBuilder<'d> {
    pub(crate) fn new(design: &'d crate::ir::Design) -> Self {
        RuntimeBuilder {
            design,
            seq: RuntimeSequence::default(),
            pending: Vec::new(),
        }
    }

    /// Declares the next host buffer argument (XRT buffer object, in order).
    pub fn arg(&mut self, ty: MemRefType) -> HostArg {
        let id = HostArg(self.seq.args.len() as u32);
        self.seq.args.push(ty);
        id
    }

    fn dma(&mut self, target: DmaTarget, arg: HostArg, t: Transfer, dir: TransferDir) {
        self.pending.push((target, t, arg, dir));
        self.seq.ops.push(RuntimeOp::Dma(DmaTransfer {
            target,
            arg,
            dir,
            offsets: t.offsets,
            sizes: t.sizes,
            strides: t.strides,
            bd_id: t.bd_id,
            issue_token: t.issue_token,
        }));
    }

    /// Sends host buffer `arg` into `fifo` (whose producer is a shim tile).
    pub fn fill(&mut self, fifo: FifoId, arg: HostArg, t: Transfer) {
        self.dma(DmaTarget::Fifo(fifo), arg, t, TransferDir::ToDevice);
    }

    /// Receives `fifo` (whose consumer is a shim tile) into host buffer `arg`.
    pub fn drain(&mut self, fifo: FifoId, arg: HostArg, t: Transfer) {
        self.dma(DmaTarget::Fifo(fifo), arg, t, TransferDir::FromDevice);
    }

    /// A transfer through a hand-placed shim DMA allocation.
    pub fn transfer(&mut self, alloc: ShimAllocId, arg: HostArg, t: Transfer) {
        let dir = match self.design.shim_allocs.get(alloc).map(|a| a.dir) {
            Some(DmaDir::S2mm) => TransferDir::FromDevice,
            _ => TransferDir::ToDevice,
        };
        self.dma(DmaTarget::Alloc(alloc), arg, t, dir);
    }

    /// Waits until the transfers issued on `fifo`'s shim channel have completed.
    pub fn wait(&mut self, fifo: FifoId) {
        self.wait_on(DmaTarget::Fifo(fifo));
    }

    /// Waits on a hand-placed shim DMA allocation.
    pub fn wait_alloc(&mut self, alloc: ShimAllocId) {
        self.wait_on(DmaTarget::Alloc(alloc));
    }

    fn wait_on(&mut self, target: DmaTarget) {
        self.seq.ops.push(RuntimeOp::Wait(target));
    }

    /// Waits on an explicit shim channel (`aiex.npu.sync`).
    pub fn sync(&mut self, column: u32, row: u32, dir: DmaDir, channel: u32) {
        self.seq.ops.push(RuntimeOp::Sync {
            column,
            row,
            dir,
            channel,
        });
    }

    pub(crate) fn finish(mut self) -> RuntimeSequence {
        set_tokens(&mut self.seq);
        assign_bd_ids(self.design, &mut self.seq);
        self.seq
    }
}

/// The last transfer on a target before each wait on it issues a completion token.
fn set_tokens(seq: &mut RuntimeSequence) {
    let mut waited: Vec<DmaTarget> = Vec::new();
    for op in seq.ops.iter_mut().rev() {
        match op {
            RuntimeOp::Wait(t) => waited.push(*t),
            RuntimeOp::Dma(d) => {
                if let Some(i) = waited.iter().position(|t| *t == d.target) {
                    d.issue_token = true;
                    waited.swap_remove(i);
                }
            }
            RuntimeOp::Sync { .. } => {}
        }
    }
}

/// The shim tile a target's transfers use, as an index into the design's tiles.
fn shim_of(design: &crate::ir::Design, target: DmaTarget, dir: TransferDir) -> Option<u32> {
    match target {
        DmaTarget::Fifo(f) => {
            let fifo = design.fifos.get(f)?;
            match dir {
                TransferDir::ToDevice => Some(fifo.producer.index()),
                TransferDir::FromDevice => fifo
                    .consumers
                    .iter()
                    .map(|c| c.tile)
                    .find(|t| {
                        design.tiles.get(*t).map(|t| t.kind) == Some(crate::target::TileKind::Shim)
                    })
                    .map(|t| t.index()),
            }
        }
        DmaTarget::Alloc(a) => design.shim_allocs.get(a).map(|a| a.tile.index()),
    }
}

/// Gives every transfer without a BD id the lowest id free on its shim tile. Ids given by the
/// designer are never reused; an id is free again once a wait on its target has passed.
fn assign_bd_ids(design: &crate::ir::Design, seq: &mut RuntimeSequence) {
    let fixed: BTreeSet<(Option<u32>, u32)> = seq
        .ops
        .iter()
        .filter_map(|op| match op {
            RuntimeOp::Dma(d) => d.bd_id.map(|id| (shim_of(design, d.target, d.dir), id)),
            _ => None,
        })
        .collect();
    let mut busy: Vec<(Option<u32>, u32, DmaTarget)> = Vec::new();
    let shim_bds = design.device.model().shim.bds;
    for op in seq.ops.iter_mut() {
        match op {
            RuntimeOp::Dma(d) => {
                let shim = shim_of(design, d.target, d.dir);
                if d.bd_id.is_none() {
                    let free = (0..shim_bds).find(|id| {
                        !fixed.contains(&(shim, *id))
                            && !busy.iter().any(|(s, b, _)| *s == shim && b == id)
                    });
                    // When every id is taken, the next one past the range is used and validation
                    // reports it with the shim tile's name.
                    d.bd_id = Some(free.unwrap_or(shim_bds));
                }
                if let Some(id) = d.bd_id {
                    busy.push((shim, id, d.target));
                }
            }
            RuntimeOp::Wait(t) => busy.retain(|(_, _, target)| target != t),
            RuntimeOp::Sync { .. } => busy.clear(),
        }
    }
}
