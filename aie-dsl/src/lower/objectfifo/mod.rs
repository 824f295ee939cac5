//! The ObjectFIFO transform (mlir-aie `aie-objectFifo-stateful-transform`,
//! lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp at 5ff2ab97d) and the passes
//! aiecc runs around it, each once, in aiecc's order: hand-placed lock ids
//! ([`crate::lower::assign_lock_ids`]), the transform itself (`transform`: buffers, locks,
//! FIFO ends; `dma`: channels, BD chains, flows, shim allocations), BD ids
//! ([`crate::lower::assign_bd_ids`]), buffer addresses
//! ([`crate::lower::assign_buffer_addresses`]), the core-program rewrite ([`crate::lower::core`]),
//! the lowered design's checks ([`crate::lower::check`]) and routing with the column control
//! overlay ([`crate::lower::route`], [`crate::lower::overlay`]).
//!
//! What mlir-aie's transform does and this follows, step by step:
//! 1. Split: a FIFO that needs DMAs gets one consumer end per consumer (`F_cons`, or `F_<i>_cons`
//!    for a broadcast), each inserted right after `F` (so in reverse consumer order). Depths per
//!    end: an explicit list entry, else the declared depth at a mem tile, else the largest
//!    acquire of the core on that tile plus one.
//! 2. Elements, over all FIFO ops in IR order: buffers (none on shim tiles) and lock pairs (init
//!    `depth × repeat` and 0; shim ends get init 0) on the creation tile, lock ids lowest-free.
//!    A link's members share the elements of one target (join: the output; split: the input;
//!    forward: the larger, the input on ties). Each element group is inserted after the last
//!    tile, so later groups come first in the IR.
//! 3. Channels, over the split FIFOs in order: the producer end takes the lowest free MM2S
//!    channel of its tile, each consumer end the lowest free S2MM channel.
//! 4. DMA programs: one chain per end that is not on a shim tile (shim ends are programmed by
//!    the runtime sequence), flows from producer to each consumer, `<F>_shim_alloc` for shim ends.
//!
//! Deliberate difference: hand-placed flows and shim allocations reserve their DMA channels here
//! (mlir-aie would hand the same channel to a FIFO and fail later in routing).

mod dma;
mod transform;

use std::collections::{BTreeSet, HashMap};

use crate::ir::{Design, Dim, FifoId, Link, TileId};
use crate::lower::assign_bd_ids::assign_bd_ids;
use crate::lower::assign_buffer_addresses::assign_buffer_addresses;
use crate::lower::assign_lock_ids::LockIds;
use crate::lower::label;
use crate::lower::physical::Physical;
use crate::target::{DmaDir, TileKind};
use crate::types::MemRefType;

pub use crate::lower::overlay::overlay_columns;

/// A resource ran out during lowering. Validation reports these first for ordinary designs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    /// No lock left on a tile.
    #[error("{kind} ({col},{row}) has no free lock for `{name}`; it has {available}: move FIFO endpoints to other tiles")]
    Locks {
        /// Tile kind.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The lock that did not fit.
        name: String,
        /// Locks the tile has.
        available: u32,
    },
    /// No DMA channel left.
    #[error("{kind} ({col},{row}) has no free {dir} DMA channel for `{fifo}`; spread the FIFOs over more tiles")]
    Channels {
        /// Tile kind.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Direction.
        dir: &'static str,
        /// The FIFO end.
        fifo: String,
    },
    /// No buffer descriptor left.
    #[error("{kind} ({col},{row}) has no free buffer descriptor for channel {dir} {channel}; use shallower FIFOs here")]
    Bds {
        /// Tile kind.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Direction.
        dir: &'static str,
        /// Channel.
        channel: u32,
    },
    /// The flows cannot be routed.
    #[error(transparent)]
    Route(#[from] crate::lower::route::RouteError),
    /// Buffers do not fit the tile's memory.
    #[error("{kind} ({col},{row}): buffer `{name}` ({bytes} B) does not fit in the {available} B of data memory left; use shallower FIFOs or smaller objects")]
    Memory {
        /// Tile kind.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The buffer.
        name: String,
        /// Its size.
        bytes: u64,
        /// Memory left.
        available: u64,
    },
    /// A buffer at an address its DMA or its element type cannot use.
    #[error("{problem}")]
    Alignment {
        /// Which buffer, where, and what to change.
        problem: String,
    },
    /// A generated name that is also another object's name.
    #[error("the name `{name}` would be defined twice, as {first} and as {second} (names the lowering makes: F_cons, F_<i>_cons, <end>_buff_<k>, <end>_prod_lock_<j>, <end>_cons_lock_<j>, F_shim_alloc); rename the FIFO, buffer, lock or allocation")]
    NameClash {
        /// The name.
        name: String,
        /// Its first definition.
        first: String,
        /// The second.
        second: String,
    },
    /// A BD data layout that mlir-aie's BD verifier rejects.
    #[error("{problem}")]
    Layout {
        /// Which FIFO end, what is wrong and what to change.
        problem: String,
    },
    /// A lock value above the lock maximum.
    #[error("{problem}")]
    LockValue {
        /// What and where, and what to change.
        problem: String,
    },
    /// A core program that releases more objects than it holds before its next acquire
    /// (mlir-aie: "cannot release more elements than are already acquired").
    #[error("core ({col},{row}) releases {released} object(s) of ObjectFIFO `{fifo}` ({port}) before acquiring again, but holds only {held} (mlir-aie: \"cannot release more elements than are already acquired\"); release at most what the core acquired")]
    OverRelease {
        /// Core column.
        col: u32,
        /// Core row.
        row: u32,
        /// The FIFO.
        fifo: String,
        /// `Produce` or `Consume`.
        port: &'static str,
        /// Objects released since the previous acquire (after unrolling).
        released: u32,
        /// Objects held then.
        held: usize,
    },
    /// A core program that mlir-aie's loop unrolling rejects or that would grow without bound.
    #[error("core ({col},{row}): {source}")]
    Unroll {
        /// Core column.
        col: u32,
        /// Core row.
        row: u32,
        /// What went wrong.
        source: crate::lower::unroll::UnrollError,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A FIFO that stays in shared memory.
    Shared,
    /// The producer end of a split FIFO.
    Producer,
    /// Consumer end `i` of a split FIFO.
    Consumer(usize),
}

/// One FIFO op of the transformed IR.
#[derive(Clone, Debug)]
struct Op {
    orig: FifoId,
    name: String,
    role: Role,
    /// The tile that holds this end (the producer for `Producer`/`Shared`).
    tile: TileId,
    depth: u32,
    elem: MemRefType,
    dims: Vec<Dim>,
    repeat: Option<u32>,
    init: Option<Vec<Vec<crate::types::InitValue>>>,
}

/// The transform's state: the design, the FIFO ops after the split, the physical design being
/// built and the resources taken so far.
struct State<'d> {
    d: &'d Design,
    ops: Vec<Op>,
    phys: Physical,
    /// Element groups (buffer and lock indices) per op name, in creation order.
    buffers_of: HashMap<String, Vec<usize>>,
    locks_of: HashMap<String, Vec<usize>>,
    /// Per link (index in `d.links`): the op name whose elements the link uses.
    link_target: HashMap<usize, String>,
    /// Lock ids taken per tile (hand-placed ones first).
    lock_ids: LockIds,
    channels: HashMap<(TileId, DmaDir), BTreeSet<u32>>,
    /// Buffers and locks in creation order, before the front insertion (`(is_buffer, index)`).
    groups: Vec<(Vec<usize>, Vec<usize>)>,
}

impl<'d> State<'d> {
    fn kind(&self, t: TileId) -> TileKind {
        label(self.d, t).0
    }

    fn link_index(&self, fifo: FifoId) -> Option<usize> {
        self.d
            .links
            .iter()
            .position(|l| l.inputs.contains(&fifo) || l.outputs.contains(&fifo))
    }

    /// The link an op belongs to *as mlir-aie sees it after the split*: inputs are replaced by
    /// their consumer end at the link tile, outputs stay the producer end.
    fn link_of_op(&self, op: &Op) -> Option<(usize, &'d Link)> {
        let li = self.link_index(op.orig)?;
        let link = &self.d.links[li];
        let link_tile = link
            .outputs
            .first()
            .and_then(|o| self.d.fifos.get(*o))
            .map(|o| o.producer)?;
        let is_member = match op.role {
            Role::Producer | Role::Shared => link.outputs.contains(&op.orig),
            Role::Consumer(_) => link.inputs.contains(&op.orig) && op.tile == link_tile,
        } || (op.role == Role::Shared && link.inputs.contains(&op.orig));
        is_member.then_some((li, link))
    }

    fn op_name_of(&self, fifo: FifoId, at_tile: TileId, as_input: bool) -> Option<String> {
        self.ops
            .iter()
            .find(|o| {
                o.orig == fifo
                    && if as_input {
                        matches!(o.role, Role::Consumer(_)) && o.tile == at_tile
                            || o.role == Role::Shared
                    } else {
                        matches!(o.role, Role::Producer | Role::Shared)
                    }
            })
            .map(|o| o.name.clone())
    }
}

/// Runs the transform, the allocation passes and routing on the validated `design`.
///
/// # Errors
/// [`LowerError`] when a tile runs out of locks, channels, BDs or memory, or the flows cannot
/// be routed.
pub fn lower(design: &crate::valid::Validated) -> Result<Physical, LowerError> {
    let design: &Design = design;
    let mut phys = lower_resources(design)?;
    phys.routing = crate::lower::route::route_design(design, &phys)?;
    Ok(phys)
}

/// The transform and allocation passes without routing.
///
/// # Errors
/// [`LowerError`] when a tile runs out of locks, channels, BDs or memory.
fn lower_resources(design: &Design) -> Result<Physical, LowerError> {
    let d = design;
    // aie-assign-lock-ids runs first: placed locks keep their ids, the others take the lowest
    // free id of their tile.
    let (lock_ids, placed_locks) = LockIds::placed(d)?;
    let mut s = State {
        d,
        ops: Vec::new(),
        phys: Physical::default(),
        buffers_of: HashMap::new(),
        locks_of: HashMap::new(),
        link_target: HashMap::new(),
        lock_ids,
        channels: HashMap::new(),
        groups: Vec::new(),
    };
    s.reserve_channels();

    s.split();
    for ix in 0..s.ops.len() {
        s.elements(ix)?;
    }
    let chan = s.assign_channels()?;
    s.programs(&chan);

    let (buf_map, lock_map) = s.reorder_elements(placed_locks);
    s.record_ends(&buf_map, &lock_map);
    assign_bd_ids(&mut s.phys, d)?;
    assign_buffer_addresses(&mut s.phys, d)?;
    let ops: Vec<(FifoId, Role, TileId, String)> = s
        .ops
        .iter()
        .map(|o| (o.orig, o.role, o.tile, o.name.clone()))
        .collect();
    let end_of = |fifo: FifoId, tile: TileId, produce: bool| -> Option<String> {
        ops.iter()
            .find(|(f, role, t, _)| {
                *f == fifo
                    && match role {
                        Role::Shared => true,
                        Role::Producer => produce,
                        Role::Consumer(_) => !produce && *t == tile,
                    }
            })
            .map(|(_, _, _, n)| n.clone())
    };
    s.phys.cores = crate::lower::core::lower_cores(d, &s.phys, &end_of)?;
    crate::lower::check::lock_values(d, &s.phys)?;
    crate::lower::check::bd_layouts(d, &s.phys)?;
    crate::lower::check::symbol_names(d, &s.phys)?;
    crate::lower::check::buffer_alignment(d, &s.phys)?;
    Ok(s.phys)
}
