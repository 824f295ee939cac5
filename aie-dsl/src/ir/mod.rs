//! The design IR: everything a design says, held in arenas and addressed by typed handles.
//!
//! The builder in [`crate::dsl`] fills it, [`crate::valid`] checks it, [`crate::emit`] writes it
//! as MLIR. Nothing in here points at anything by reference, so passes can read and rewrite it
//! freely.

mod arena;
mod core;
pub mod fifo_rules;
mod runtime;

pub use arena::{Arena, Handle};
pub use core::{AcquireId, CallArg, CoreStmt, FifoPort, LockAction};
pub use runtime::{DmaTarget, DmaTransfer, HostArg, RuntimeOp, RuntimeSequence, TransferDir};

use crate::target::{Device, DmaDir, TileKind, WireBundle};
use crate::types::{ArgType, InitValue, MemRefType};

/// A tile the design uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tile {
    /// Column.
    pub col: u32,
    /// Row.
    pub row: u32,
    /// The kind the designer asked for (checked against the device by validation).
    pub kind: TileKind,
}

/// Handle of a [`Tile`].
pub type TileId = Handle<Tile>;

/// An external kernel written in C++ and linked into a core's program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kernel {
    /// The C symbol.
    pub symbol: String,
    /// Argument types, in order.
    pub args: Vec<ArgType>,
    /// The object file the core links with (`link_with`).
    pub object: String,
    /// The C++ source under `kernels/`, if the design knows it.
    pub source: Option<String>,
}

/// Handle of a [`Kernel`].
pub type KernelId = Handle<Kernel>;

/// Depth of an ObjectFIFO: one number for every endpoint, or one per endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Depth {
    /// The same depth at the producer and every consumer.
    Uniform(u32),
    /// `[producer, consumer 0, consumer 1, …]`.
    PerEndpoint(Vec<u32>),
}

impl Depth {
    /// The depth at the producer.
    pub fn producer(&self) -> u32 {
        match self {
            Depth::Uniform(d) => *d,
            Depth::PerEndpoint(v) => v.first().copied().unwrap_or(0),
        }
    }

    /// The depth at consumer `i`.
    pub fn consumer(&self, i: usize) -> u32 {
        match self {
            Depth::Uniform(d) => *d,
            Depth::PerEndpoint(v) => v.get(i + 1).copied().unwrap_or(0),
        }
    }
}

impl From<u32> for Depth {
    fn from(d: u32) -> Self {
        Depth::Uniform(d)
    }
}

/// One dimension of a DMA access pattern: `size` elements `stride` elements apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dim {
    /// Number of steps.
    pub size: u32,
    /// Distance between steps, in elements.
    pub stride: u32,
}

impl Dim {
    /// A dimension of `size` steps `stride` elements apart.
    pub fn new(size: u32, stride: u32) -> Self {
        Dim { size, stride }
    }
}

/// A consumer of an ObjectFIFO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    /// The consuming tile.
    pub tile: TileId,
    /// How the consumer's DMA lays the stream into memory (outermost first); empty for linear.
    pub dims_from_stream: Vec<Dim>,
}

/// An ObjectFIFO: a producer tile hands fixed-size objects to one or more consumer tiles.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectFifo {
    /// Symbol name.
    pub name: String,
    /// The producing tile.
    pub producer: TileId,
    /// The consumers (several = broadcast).
    pub consumers: Vec<Consumer>,
    /// Objects in flight per endpoint.
    pub depth: Depth,
    /// Type of one object.
    pub elem: MemRefType,
    /// How the producer's DMA reads memory into the stream (outermost first).
    pub dims_to_stream: Vec<Dim>,
    /// Force a DMA even between tiles that share memory.
    pub via_dma: bool,
    /// How many times the producer DMA sends each object.
    pub repeat_count: Option<u32>,
    /// Initial contents, one list of values per object (`depth` lists).
    pub init_values: Option<Vec<Vec<InitValue>>>,
}

/// Handle of an [`ObjectFifo`].
pub type FifoId = Handle<ObjectFifo>;

/// A link through a tile (usually a mem tile): objects arriving on `inputs` leave on `outputs`.
///
/// One input and one output forwards; one input and several outputs splits (distributes) at
/// `dst_offsets`; several inputs and one output joins at `src_offsets`. Offsets are in elements
/// of the larger object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// FIFOs arriving at the link tile.
    pub inputs: Vec<FifoId>,
    /// FIFOs leaving the link tile.
    pub outputs: Vec<FifoId>,
    /// Offsets of each input in the joined object (join only).
    pub src_offsets: Vec<u64>,
    /// Offsets of each output in the split object (split only).
    pub dst_offsets: Vec<u64>,
}

/// A buffer placed by hand in a tile's data memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Buffer {
    /// The tile whose memory holds it.
    pub tile: TileId,
    /// Symbol name.
    pub name: String,
    /// Type.
    pub ty: MemRefType,
    /// Initial contents, if any (row-major).
    pub init: Option<Vec<InitValue>>,
}

/// Handle of a [`Buffer`].
pub type BufferId = Handle<Buffer>;

/// A hardware lock placed by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    /// The tile that holds it.
    pub tile: TileId,
    /// Symbol name.
    pub name: String,
    /// Lock id, or `None` to let lock assignment choose.
    pub id: Option<u32>,
    /// Initial value.
    pub init: u32,
}

/// Handle of a [`Lock`].
pub type LockId = Handle<Lock>;

/// One end of a stream connection: a tile's bundle and channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamPort {
    /// The tile.
    pub tile: TileId,
    /// The bundle.
    pub bundle: WireBundle,
    /// The channel within the bundle.
    pub channel: u32,
}

/// A circuit-switched stream connection placed by hand (`aie.flow`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// Where the stream starts.
    pub source: StreamPort,
    /// Where it ends.
    pub dest: StreamPort,
}

/// A packet-switched connection placed by hand (`aie.packet_flow`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketFlow {
    /// Packet id (5 bits).
    pub id: u8,
    /// The source port.
    pub source: StreamPort,
    /// The destination ports.
    pub dests: Vec<StreamPort>,
    /// Keep the packet header at the destination.
    pub keep_pkt_header: bool,
}

/// A shim DMA channel reserved by hand for runtime transfers (`aie.shim_dma_allocation`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShimDmaAlloc {
    /// Symbol name the runtime sequence refers to.
    pub name: String,
    /// The shim tile.
    pub tile: TileId,
    /// Direction.
    pub dir: DmaDir,
    /// Channel index.
    pub channel: u32,
}

/// Handle of a [`ShimDmaAlloc`].
pub type ShimAllocId = Handle<ShimDmaAlloc>;

/// The program of one compute core.
#[derive(Clone, Debug, PartialEq)]
pub struct Core {
    /// The compute tile.
    pub tile: TileId,
    /// Stack size in bytes.
    pub stack_size: u32,
    /// Object file to link with, when no kernel call says it (or to override it).
    pub link_with: Option<String>,
    /// The body.
    pub body: Vec<CoreStmt>,
    /// Number of acquires in the body (ids are `0..acquires`).
    pub acquires: u32,
}

/// Handle of a [`Core`].
pub type CoreId = Handle<Core>;

/// A whole design.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// Name (used for output folders).
    pub name: String,
    /// Target device.
    pub device: Device,
    /// Tiles, in declaration order.
    pub tiles: Arena<Tile>,
    /// External kernels.
    pub kernels: Arena<Kernel>,
    /// ObjectFIFOs.
    pub fifos: Arena<ObjectFifo>,
    /// Links.
    pub links: Vec<Link>,
    /// Hand-placed buffers.
    pub buffers: Arena<Buffer>,
    /// Hand-placed locks.
    pub locks: Arena<Lock>,
    /// Hand-placed flows.
    pub flows: Vec<Flow>,
    /// Hand-placed packet flows.
    pub packet_flows: Vec<PacketFlow>,
    /// Hand-placed shim DMA allocations.
    pub shim_allocs: Arena<ShimDmaAlloc>,
    /// Core programs.
    pub cores: Arena<Core>,
    /// The host's runtime sequence.
    pub runtime: Option<RuntimeSequence>,
    /// Builder calls that could not be recorded as asked (reported by validation).
    pub misuse: Vec<Misuse>,
}

/// A builder call that could not be recorded as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misuse {
    /// `dims_from_stream` named a consumer position the FIFO does not have.
    DimsForMissingConsumer {
        /// The FIFO.
        fifo: FifoId,
        /// The position asked for.
        position: usize,
        /// How many consumers the FIFO has.
        consumers: usize,
    },
}

impl Design {
    /// The object file `core` links with: its own `link_with`, or else the object of the first
    /// kernel its program calls (mlir-aie's `link_with` on `aie.core`).
    pub fn core_object(&self, core: &Core) -> Option<String> {
        core.link_with.clone().or_else(|| {
            let mut found = None;
            for s in &core.body {
                s.walk(&mut |s| {
                    if let CoreStmt::Call { kernel, .. } = s {
                        if found.is_none() {
                            found = self.kernels.get(*kernel).map(|k| k.object.clone());
                        }
                    }
                });
            }
            found
        })
    }

    /// An empty design for `device`.
    pub fn new(name: impl Into<String>, device: Device) -> Self {
        Design {
            name: name.into(),
            device,
            tiles: Arena::new(),
            kernels: Arena::new(),
            fifos: Arena::new(),
            links: Vec::new(),
            buffers: Arena::new(),
            locks: Arena::new(),
            flows: Vec::new(),
            packet_flows: Vec::new(),
            shim_allocs: Arena::new(),
            cores: Arena::new(),
            runtime: None,
            misuse: Vec::new(),
        }
    }

    /// `(col, row)` of a tile, or `None` for a handle from another design.
    pub fn coords(&self, tile: TileId) -> Option<(u32, u32)> {
        self.tiles.get(tile).map(|t| (t.col, t.row))
    }

    /// The core placed on `tile`, if any.
    pub fn core_on(&self, tile: TileId) -> Option<&Core> {
        self.cores.iter().map(|(_, c)| c).find(|c| c.tile == tile)
    }

    /// The link a FIFO takes part in, if any.
    pub fn link_of(&self, fifo: FifoId) -> Option<&Link> {
        self.links
            .iter()
            .find(|l| l.inputs.contains(&fifo) || l.outputs.contains(&fifo))
    }

    /// A tile's coordinates as `(col,row)` text, for messages.
    pub fn tile_label(&self, tile: TileId) -> String {
        match self.coords(tile) {
            Some((c, r)) => format!("({c},{r})"),
            None => format!("#{} (not a tile of this design)", tile.index()),
        }
    }

    /// A FIFO's name, for messages.
    pub fn fifo_label(&self, fifo: FifoId) -> String {
        match self.fifos.get(fifo) {
            Some(f) => f.name.clone(),
            None => format!("#{} (not a FIFO of this design)", fifo.index()),
        }
    }
}
