//! The builder API: a design written as a Rust function.
//!
//! [`DesignBuilder`] records what the designer says in the [`crate::ir`] arenas and hands out
//! typed handles. It never fails half-way: every problem (a tile off the device, a kernel called
//! with the wrong type, a FIFO nobody reads…) is reported together by [`DesignBuilder::finish`],
//! which validates the design against the target model.
//!
//! ```
//! use aie_dsl::prelude::*;
//!
//! let mut d = DesignBuilder::new("copy", Device::Npu1_1Col);
//! let shim = d.shim_tile(0);
//! let mem = d.mem_tile(0);
//! let ty = MemRefType::vector(1024, ElemType::I32);
//! let inp = d.fifo("in", shim, [mem], 2, ty.clone());
//! let out = d.fifo("out", mem, [shim], 2, ty.clone());
//! d.forward(inp, out);
//! d.runtime(|rt| {
//!     let a = rt.arg(MemRefType::vector(4096, ElemType::I32));
//!     let b = rt.arg(MemRefType::vector(4096, ElemType::I32));
//!     rt.fill(inp, a, Transfer::linear(4096));
//!     rt.drain(out, b, Transfer::linear(4096));
//!     rt.wait(out);
//! });
//! let design = d.finish().expect("a valid design");
//! assert_eq!(design.fifos.len(), 2);
//! ```

mod core;
mod runtime;
pub mod typed;

pub use core::{Acquired, CoreBuilder};
pub use runtime::{RuntimeBuilder, Transfer};

use crate::error::Error;
use crate::ir::{
    Buffer, BufferId, Consumer, CoreId, Depth, Design, Dim, FifoId, Flow, Kernel, KernelId, Link,
    Lock, LockId, Misuse, ObjectFifo, PacketFlow, ShimAllocId, ShimDmaAlloc, StreamPort, Tile,
    TileId,
};
use crate::target::{Device, DmaDir, TileKind, WireBundle};
use crate::types::{ArgType, InitValue, MemRefType};

/// A shim tile (row 0): the design's door to host memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShimTile(pub TileId);
/// A mem tile (row 1): 512 KiB of staging memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemTile(pub TileId);
/// A compute tile (rows 2-5): a core and 64 KiB of data memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ComputeTile(pub TileId);

macro_rules! tile_into_id {
    ($($t:ty),*) => {$(
        impl From<$t> for TileId {
            fn from(t: $t) -> TileId {
                t.0
            }
        }
    )*};
}
tile_into_id!(ShimTile, MemTile, ComputeTile);

/// Everything about an ObjectFIFO besides its name; see [`DesignBuilder::fifo_with`].
#[derive(Clone, Debug)]
pub struct FifoSpec {
    fifo: ObjectFifo,
    dims_for_missing_consumer: Vec<usize>,
}

impl FifoSpec {
    /// A FIFO from `producer` to `consumers` of `depth` objects of type `elem`.
    pub fn new(
        producer: impl Into<TileId>,
        consumers: impl IntoIterator<Item = impl Into<TileId>>,
        depth: impl Into<Depth>,
        elem: MemRefType,
    ) -> Self {
        FifoSpec {
            fifo: ObjectFifo {
                name: String::new(),
                producer: producer.into(),
                consumers: consumers
                    .into_iter()
                    .map(|t| Consumer {
                        tile: t.into(),
                        dims_from_stream: Vec::new(),
                    })
                    .collect(),
                depth: depth.into(),
                elem,
                dims_to_stream: Vec::new(),
                via_dma: false,
                repeat_count: None,
                init_values: None,
            },
            dims_for_missing_consumer: Vec::new(),
        }
    }

    /// Depths per endpoint: `[producer, consumer 0, consumer 1, …]`.
    pub fn depths(mut self, depths: impl Into<Vec<u32>>) -> Self {
        self.fifo.depth = Depth::PerEndpoint(depths.into());
        self
    }

    /// The access pattern with which the producer's DMA reads objects into the stream.
    pub fn dims_to_stream(mut self, dims: impl Into<Vec<Dim>>) -> Self {
        self.fifo.dims_to_stream = dims.into();
        self
    }

    /// The access pattern with which consumer `consumer` (by position) writes the stream.
    /// A position past the last consumer is reported by validation.
    pub fn dims_from_stream(mut self, consumer: usize, dims: impl Into<Vec<Dim>>) -> Self {
        match self.fifo.consumers.get_mut(consumer) {
            Some(c) => c.dims_from_stream = dims.into(),
            None => self.dims_for_missing_consumer.push(consumer),
        }
        self
    }

    /// Sets the element type.
    pub fn elem(mut self, elem: MemRefType) -> Self {
        self.fifo.elem = elem;
        self
    }

    /// Always go through DMAs, even between cores that share memory.
    pub fn via_dma(mut self) -> Self {
        self.fifo.via_dma = true;
        self
    }

    /// Send every object `count` times.
    pub fn repeat_count(mut self, count: u32) -> Self {
        self.fifo.repeat_count = Some(count);
        self
    }

    /// Initial contents: one list of values per object, row-major. Values are integers,
    /// `f32`, `bf16` or (exact) `f64` values ([`InitValue`]); validation reports one the element
    /// type does not hold exactly.
    pub fn init_values<V: Into<InitValue>>(mut self, values: Vec<Vec<V>>) -> Self {
        self.fifo.init_values = Some(
            values
                .into_iter()
                .map(|o| o.into_iter().map(Into::into).collect())
                .collect(),
        );
        self
    }
}

/// Builds a [`Design`].
#[derive(Debug)]
pub struct DesignBuilder {
    design: Design,
}

impl DesignBuilder {
    /// Starts a design called `name` for `device`.
    pub fn new(name: impl Into<String>, device: Device) -> Self {
        DesignBuilder {
            design: Design::new(name, device),
        }
    }

    /// The device.
    pub fn device(&self) -> Device {
        self.design.device
    }

    fn tile(&mut self, col: u32, row: u32, kind: TileKind) -> TileId {
        if let Some((id, _)) = self
            .design
            .tiles
            .iter()
            .find(|(_, t)| t.col == col && t.row == row && t.kind == kind)
        {
            return id;
        }
        self.design.tiles.push(Tile { col, row, kind })
    }

    /// The shim tile of column `col`.
    pub fn shim_tile(&mut self, col: u32) -> ShimTile {
        let row = self.device().rows_of(TileKind::Shim).0;
        ShimTile(self.tile(col, row, TileKind::Shim))
    }

    /// The mem tile of column `col`.
    pub fn mem_tile(&mut self, col: u32) -> MemTile {
        let row = self.device().rows_of(TileKind::Mem).0;
        MemTile(self.tile(col, row, TileKind::Mem))
    }

    /// The compute tile at `(col, row)`; `row` must be a compute row (2-5 on npu1).
    pub fn compute_tile(&mut self, col: u32, row: u32) -> ComputeTile {
        ComputeTile(self.tile(col, row, TileKind::Compute))
    }

    /// Declares an external kernel. Declaring an identical kernel again returns the first
    /// handle; a second declaration of the symbol that differs is kept, and validation says
    /// what differs.
    pub fn kernel(&mut self, kernel: Kernel) -> KernelId {
        if let Some((id, _)) = self.design.kernels.iter().find(|(_, k)| **k == kernel) {
            return id;
        }
        self.design.kernels.push(kernel)
    }

    /// An ObjectFIFO called `name` from `producer` to `consumers`, `depth` objects of `elem`.
    pub fn fifo(
        &mut self,
        name: impl Into<String>,
        producer: impl Into<TileId>,
        consumers: impl IntoIterator<Item = impl Into<TileId>>,
        depth: impl Into<Depth>,
        elem: MemRefType,
    ) -> FifoId {
        self.fifo_with(name, FifoSpec::new(producer, consumers, depth, elem))
    }

    /// An ObjectFIFO with every option of [`FifoSpec`].
    pub fn fifo_with(&mut self, name: impl Into<String>, spec: FifoSpec) -> FifoId {
        let mut fifo = spec.fifo;
        fifo.name = name.into();
        let consumers = fifo.consumers.len();
        let id = self.design.fifos.push(fifo);
        for position in spec.dims_for_missing_consumer {
            self.design.misuse.push(Misuse::DimsForMissingConsumer {
                fifo: id,
                position,
                consumers,
            });
        }
        id
    }

    /// Forwards `input` into `output` through the tile where one ends and the other starts.
    pub fn forward(&mut self, input: FifoId, output: FifoId) {
        self.design.links.push(Link {
            inputs: vec![input],
            outputs: vec![output],
            src_offsets: Vec::new(),
            dst_offsets: Vec::new(),
        });
    }

    /// Splits each object of `input` into `outputs`, back to back in output order.
    pub fn split(&mut self, input: FifoId, outputs: impl Into<Vec<FifoId>>) {
        let outputs = outputs.into();
        let offsets = self.packed_offsets(&outputs);
        self.split_at(input, outputs, offsets);
    }

    /// Splits each object of `input` into `outputs`; output `i` starts at element `offsets[i]`.
    pub fn split_at(
        &mut self,
        input: FifoId,
        outputs: impl Into<Vec<FifoId>>,
        offsets: impl Into<Vec<u64>>,
    ) {
        self.design.links.push(Link {
            inputs: vec![input],
            outputs: outputs.into(),
            src_offsets: Vec::new(),
            dst_offsets: offsets.into(),
        });
    }

    /// Joins objects of `inputs`, back to back in input order, into each object of `output`.
    pub fn join(&mut self, inputs: impl Into<Vec<FifoId>>, output: FifoId) {
        let inputs = inputs.into();
        let offsets = self.packed_offsets(&inputs);
        self.join_at(inputs, offsets, output);
    }

    /// Joins `inputs` into `output`; input `i` lands at element `offsets[i]`.
    pub fn join_at(
        &mut self,
        inputs: impl Into<Vec<FifoId>>,
        offsets: impl Into<Vec<u64>>,
        output: FifoId,
    ) {
        self.design.links.push(Link {
            inputs: inputs.into(),
            outputs: vec![output],
            src_offsets: offsets.into(),
            dst_offsets: Vec::new(),
        });
    }

    fn packed_offsets(&self, fifos: &[FifoId]) -> Vec<u64> {
        let mut at: u64 = 0;
        fifos
            .iter()
            .map(|&f| {
                let here = at;
                at = self
                    .design
                    .fifos
                    .get(f)
                    .map_or(at, |f| at.saturating_add(f.elem.elements()));
                here
            })
            .collect()
    }

    /// A buffer in `tile`'s data memory.
    pub fn buffer(
        &mut self,
        tile: impl Into<TileId>,
        name: impl Into<String>,
        ty: MemRefType,
    ) -> BufferId {
        self.design.buffers.push(Buffer {
            tile: tile.into(),
            name: name.into(),
            ty,
            init: None,
        })
    }

    /// A buffer with initial contents (row-major). Values are integers, `f32`, `bf16` or
    /// (exact) `f64` values ([`InitValue`]); validation reports one the element type does not
    /// hold exactly.
    pub fn buffer_init<V: Into<InitValue>>(
        &mut self,
        tile: impl Into<TileId>,
        name: impl Into<String>,
        ty: MemRefType,
        init: Vec<V>,
    ) -> BufferId {
        self.design.buffers.push(Buffer {
            tile: tile.into(),
            name: name.into(),
            ty,
            init: Some(init.into_iter().map(Into::into).collect()),
        })
    }

    /// A lock on `tile`; `id: None` lets lock assignment choose.
    pub fn lock(
        &mut self,
        tile: impl Into<TileId>,
        name: impl Into<String>,
        id: Option<u32>,
        init: u32,
    ) -> LockId {
        self.design.locks.push(Lock {
            tile: tile.into(),
            name: name.into(),
            id,
            init,
        })
    }

    /// A circuit-switched stream from `(src, bundle, channel)` to `(dst, bundle, channel)`.
    pub fn flow(
        &mut self,
        src: impl Into<TileId>,
        src_bundle: WireBundle,
        src_channel: u32,
        dst: impl Into<TileId>,
        dst_bundle: WireBundle,
        dst_channel: u32,
    ) {
        self.design.flows.push(Flow {
            source: StreamPort {
                tile: src.into(),
                bundle: src_bundle,
                channel: src_channel,
            },
            dest: StreamPort {
                tile: dst.into(),
                bundle: dst_bundle,
                channel: dst_channel,
            },
        });
    }

    /// A packet-switched flow with packet id `id`.
    pub fn packet_flow(
        &mut self,
        id: u8,
        source: StreamPort,
        dests: impl Into<Vec<StreamPort>>,
        keep_pkt_header: bool,
    ) {
        self.design.packet_flows.push(PacketFlow {
            id,
            source,
            dests: dests.into(),
            keep_pkt_header,
        });
    }

    /// Reserves a shim DMA channel for runtime transfers of a hand-routed design.
    pub fn shim_dma_allocation(
        &mut self,
        name: impl Into<String>,
        tile: ShimTile,
        dir: DmaDir,
        channel: u32,
    ) -> ShimAllocId {
        self.design.shim_allocs.push(ShimDmaAlloc {
            name: name.into(),
            tile: tile.0,
            dir,
            channel,
        })
    }

    /// The program of the core on `tile`.
    pub fn core(&mut self, tile: ComputeTile, body: impl FnOnce(&mut CoreBuilder<'_>)) -> CoreId {
        let mut cb = CoreBuilder::new(&self.design.fifos, &mut self.design.kernels, tile.0);
        body(&mut cb);
        let core = cb.finish();
        self.design.cores.push(core)
    }

    /// The host's runtime sequence. Calling it again replaces the earlier one.
    pub fn runtime(&mut self, body: impl FnOnce(&mut RuntimeBuilder<'_>)) {
        let mut rb = RuntimeBuilder::new(&self.design);
        body(&mut rb);
        self.design.runtime = Some(rb.finish());
    }

    /// The design as built so far, unvalidated.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Validates the design against the device and returns it as [`crate::valid::Validated`],
    /// which the later stages take.
    ///
    /// # Errors
    /// [`Error::Invalid`] listing every problem found.
    pub fn finish(self) -> Result<crate::valid::Validated, Error> {
        Ok(crate::valid::validate(self.design)?)
    }

    /// The design without validation (for tools that validate later, and for tests).
    pub fn finish_unchecked(self) -> Design {
        self.design
    }
}

impl Kernel {
    /// A kernel `symbol(args…)` whose code is in the object file `object`.
    pub fn new(
        symbol: impl Into<String>,
        args: impl IntoIterator<Item = ArgType>,
        object: impl Into<String>,
    ) -> Self {
        Kernel {
            symbol: symbol.into(),
            args: args.into_iter().collect(),
            object: object.into(),
            source: None,
        }
    }

    /// Names the C++ source under `kernels/`.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }
}
