//! The ObjectFIFO transform's resource side (mlir-aie `aie-objectFifo-stateful-transform` at
//! 5ff2ab97d, PIPELINE.md §3): FIFOs become buffers, AIE2 semaphore locks, DMA channels with BD
//! chains, flows and shim allocations; then lock ids, BD ids and buffer addresses are assigned
//! (`aie-assign-lock-ids`, `aie-assign-bd-ids`, `aie-assign-buffer-addresses`).
//!
//! What mlir-aie does and this follows, step by step:
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

use std::collections::{BTreeSet, HashMap};

use crate::ir::fifo_rules::{end_depth, requires_dma};
use crate::ir::{Depth, Design, Dim, FifoId, Link, TileId};
use crate::lower::physical::{Bd, Channel, PBuffer, PFlow, PLock, PShimAlloc, Physical};
use crate::target::{DmaDir, TileKind, WireBundle};
use crate::types::MemRefType;

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
    init: Option<Vec<Vec<i64>>>,
}

struct State<'d> {
    d: &'d Design,
    ops: Vec<Op>,
    phys: Physical,
    /// Element groups (buffer and lock indices) per op name, in creation order.
    buffers_of: HashMap<String, Vec<usize>>,
    locks_of: HashMap<String, Vec<usize>>,
    /// Per link (index in `d.links`): the op name whose elements the link uses.
    link_target: HashMap<usize, String>,
    lock_ids: HashMap<TileId, BTreeSet<u32>>,
    channels: HashMap<(TileId, DmaDir), BTreeSet<u32>>,
    /// Buffers and locks in creation order, before the front insertion (`(is_buffer, index)`).
    groups: Vec<(Vec<usize>, Vec<usize>)>,
}

fn label(d: &Design, t: TileId) -> (TileKind, u32, u32) {
    d.tiles
        .get(t)
        .map_or((TileKind::Compute, 0, 0), |t| (t.kind, t.col, t.row))
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

    fn next_lock_id(&mut self, tile: TileId, name: &str) -> Result<u32, LowerError> {
        let (kind, col, row) = label(self.d, tile);
        let available = self.d.device.resources(kind).locks;
        let used = self.lock_ids.entry(tile).or_default();
        let id = (0..available)
            .find(|i| !used.contains(i))
            .ok_or_else(|| LowerError::Locks {
                kind,
                col,
                row,
                name: name.to_string(),
                available,
            })?;
        used.insert(id);
        Ok(id)
    }

    fn next_channel(&mut self, tile: TileId, dir: DmaDir, fifo: &str) -> Result<u32, LowerError> {
        let (kind, col, row) = label(self.d, tile);
        let n = self.d.device.resources(kind).dma_channels;
        let used = self.channels.entry((tile, dir)).or_default();
        let ch = (0..n)
            .find(|c| !used.contains(c))
            .ok_or_else(|| LowerError::Channels {
                kind,
                col,
                row,
                dir: dir.keyword(),
                fifo: fifo.to_string(),
            })?;
        used.insert(ch);
        Ok(ch)
    }

    /// Step 1.
    fn split(&mut self) {
        let d = self.d;
        for (id, f) in d.fifos.iter() {
            if !requires_dma(d, id) {
                self.ops.push(Op {
                    orig: id,
                    name: f.name.clone(),
                    role: Role::Shared,
                    tile: f.producer,
                    depth: f.depth.producer(),
                    elem: f.elem.clone(),
                    dims: Vec::new(),
                    repeat: f.repeat_count,
                    init: f.init_values.clone(),
                });
                continue;
            }
            let producer_depth = match (&f.depth, &f.init_values) {
                (Depth::PerEndpoint(_), _) | (_, Some(_)) => f.depth.producer(),
                _ => end_depth(d, id, None),
            };
            self.ops.push(Op {
                orig: id,
                name: f.name.clone(),
                role: Role::Producer,
                tile: f.producer,
                depth: producer_depth,
                elem: f.elem.clone(),
                dims: f.dims_to_stream.clone(),
                repeat: f.repeat_count,
                init: f.init_values.clone(),
            });
            let at = self.ops.len();
            for (i, c) in f.consumers.iter().enumerate() {
                let name = if f.consumers.len() > 1 {
                    format!("{}_{i}_cons", f.name)
                } else {
                    format!("{}_cons", f.name)
                };
                // Each consumer end is inserted right after `F`.
                self.ops.insert(
                    at,
                    Op {
                        orig: id,
                        name,
                        role: Role::Consumer(i),
                        tile: c.tile,
                        depth: end_depth(d, id, Some(i)),
                        elem: f.elem.clone(),
                        dims: c.dims_from_stream.clone(),
                        repeat: None,
                        init: None,
                    },
                );
            }
        }
    }

    /// Step 2 for one op.
    fn elements(&mut self, ix: usize) -> Result<(), LowerError> {
        let op = self.ops[ix].clone();
        if op.depth == 0 {
            return Ok(());
        }
        let mut repeat = op.repeat.unwrap_or(1);
        let mut factor = 1;
        if let Some((li, link)) = self.link_of_op(&op) {
            if self.link_target.contains_key(&li) {
                return Ok(());
            }
            let link_tile = self.d.fifos.get(link.outputs[0]).map(|o| o.producer);
            let fifo_in_name = link_tile.and_then(|t| self.op_name_of(link.inputs[0], t, true));
            let out = self.d.fifos.get(link.outputs[0]);
            let target_name = if link.inputs.len() > 1 {
                out.map(|o| o.name.clone())
            } else if link.outputs.len() > 1 {
                fifo_in_name
            } else if out.is_some_and(|o| o.init_values.is_some()) {
                out.map(|o| o.name.clone())
            } else {
                let in_elems = self
                    .d
                    .fifos
                    .get(link.inputs[0])
                    .map_or(0, |f| f.elem.elements());
                let out_elems = out.map_or(0, |f| f.elem.elements());
                if in_elems >= out_elems {
                    fifo_in_name
                } else {
                    out.map(|o| o.name.clone())
                }
            };
            if target_name.as_deref() != Some(op.name.as_str()) {
                return Ok(());
            }
            if let Some(r) = link
                .outputs
                .iter()
                .find_map(|o| self.d.fifos.get(*o).and_then(|f| f.repeat_count))
            {
                repeat = r;
            }
            factor = link.inputs.len().max(link.outputs.len()) as u32;
            self.link_target.insert(li, op.name.clone());
        }
        let d = self.d;
        let creation = if op.role == Role::Shared {
            let f = d.fifos.get(op.orig);
            match (f, f.and_then(|f| f.consumers.first())) {
                (Some(f), Some(c)) => match (d.coords(f.producer), d.coords(c.tile)) {
                    (Some(p), Some(q)) if !d.device.core_reaches_memory(q.0, q.1, p.0, p.1) => {
                        c.tile
                    }
                    _ => f.producer,
                },
                _ => op.tile,
            }
        } else {
            op.tile
        };
        let shim = self.kind(creation) == TileKind::Shim;
        let mut bufs = Vec::new();
        if !shim {
            for k in 0..op.depth {
                bufs.push(self.phys.buffers.len());
                self.phys.buffers.push(PBuffer {
                    tile: creation,
                    name: format!("{}_buff_{k}", op.name),
                    ty: op.elem.clone(),
                    init: op.init.as_ref().and_then(|v| v.get(k as usize).cloned()),
                    address: 0,
                    bank: None,
                });
            }
        }
        let num_elem = if shim { 0 } else { op.depth };
        let num_init = op.init.as_ref().map_or(0, |v| v.len() as u32);
        let mut locks = Vec::new();
        for j in 0..factor {
            for (suffix, init) in [
                (
                    "prod",
                    num_elem.saturating_sub(num_init).saturating_mul(repeat),
                ),
                ("cons", num_init.saturating_mul(repeat)),
            ] {
                let name = format!("{}_{suffix}_lock_{j}", op.name);
                let id = self.next_lock_id(creation, &name)?;
                locks.push(self.phys.locks.len());
                self.phys.locks.push(PLock {
                    tile: creation,
                    name,
                    id,
                    init,
                });
            }
        }
        self.buffers_of.insert(op.name.clone(), bufs.clone());
        self.locks_of.insert(op.name.clone(), locks.clone());
        self.groups.push((bufs, locks));
        Ok(())
    }

    /// The BD chain of one end (step 4).
    fn chain(&mut self, ix: usize, dir: DmaDir, channel: u32) {
        let op = self.ops[ix].clone();
        if self.kind(op.tile) == TileKind::Shim || op.depth == 0 {
            return;
        }
        let link = self.link_of_op(&op);
        let target = link
            .and_then(|(li, _)| self.link_target.get(&li).cloned())
            .unwrap_or_else(|| op.name.clone());
        let bufs = self.buffers_of.get(&target).cloned().unwrap_or_default();
        let locks = self.locks_of.get(&target).cloned().unwrap_or_default();
        let mut len = op.elem.elements() as u32;
        let repeat = op.repeat.unwrap_or(1);
        let mut acq = 1;
        let mut num_blocks = op.depth as usize;
        // (offset, len, lock pair) per block within one buffer.
        let mut parts: Vec<(u32, u32, usize)> = Vec::new();
        if let Some((_, link)) = link {
            let is_input = !matches!(op.role, Role::Producer) && link.inputs.contains(&op.orig);
            let link_repeat = link
                .outputs
                .iter()
                .find_map(|o| self.d.fifos.get(*o).and_then(|f| f.repeat_count));
            if let (Some(r), true) = (link_repeat, is_input && op.orig == link.inputs[0]) {
                acq *= r;
            }
            let whole = |f: FifoId| self.d.fifos.get(f).map_or(0, |f| f.elem.elements()) as u32;
            let lengths = |offsets: &[u64], total: u32| -> Vec<(u32, u32)> {
                offsets
                    .iter()
                    .enumerate()
                    .map(|(k, &o)| {
                        let end = offsets.get(k + 1).map_or(total, |&e| e as u32);
                        (o as u32, end - o as u32)
                    })
                    .collect()
            };
            if link.inputs.len() > 1 || link.outputs.len() > 1 {
                let (offsets, members, total) = if link.inputs.len() > 1 {
                    (&link.src_offsets, &link.inputs, whole(link.outputs[0]))
                } else {
                    (&link.dst_offsets, &link.outputs, whole(link.inputs[0]))
                };
                let spans = lengths(offsets, total);
                if target == op.name {
                    parts = spans
                        .iter()
                        .enumerate()
                        .map(|(k, &(o, l))| (o, l, k))
                        .collect();
                } else if let Some(k) = members.iter().position(|m| *m == op.orig) {
                    let (o, l) = spans.get(k).copied().unwrap_or((0, len));
                    parts = vec![(o, l, k)];
                }
            } else if target != op.name {
                len = self
                    .ops
                    .iter()
                    .find(|o| o.name == target)
                    .map_or(len, |o| o.elem.elements() as u32);
            }
            if target != op.name {
                num_blocks = self
                    .ops
                    .iter()
                    .find(|o| o.name == target)
                    .map_or(num_blocks, |o| o.depth as usize);
            }
        }
        if parts.is_empty() {
            parts = vec![(0, len, usize::MAX)];
        }
        let mut bds = Vec::new();
        for &buffer in bufs.iter().take(num_blocks) {
            for _ in 0..repeat {
                for &(offset, len, pair) in &parts {
                    let pair = if pair == usize::MAX { 0 } else { pair };
                    let (prod, cons) = (
                        locks.get(2 * pair).copied(),
                        locks.get(2 * pair + 1).copied(),
                    );
                    let (a, r) = match dir {
                        DmaDir::S2mm => (prod, cons),
                        DmaDir::Mm2s => (cons, prod),
                    };
                    bds.push(Bd {
                        acquire: a.map(|l| (l, acq)),
                        release: r.map(|l| (l, acq)),
                        buffer,
                        offset,
                        len,
                        dims: op.dims.clone(),
                        bd_id: 0,
                        next_bd_id: None,
                    });
                }
            }
        }
        self.phys.dmas.entry(op.tile).or_default().push(Channel {
            dir,
            index: channel,
            repeat_count: 0,
            bds,
            finite: false,
        });
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
    phys.routing = route_physical(design, &phys)?;
    Ok(phys)
}

/// The transform and allocation passes without routing.
///
/// # Errors
/// [`LowerError`] when a tile runs out of locks, channels, BDs or memory.
fn lower_resources(design: &Design) -> Result<Physical, LowerError> {
    let d = design;
    let mut s = State {
        d,
        ops: Vec::new(),
        phys: Physical::default(),
        buffers_of: HashMap::new(),
        locks_of: HashMap::new(),
        link_target: HashMap::new(),
        lock_ids: HashMap::new(),
        channels: HashMap::new(),
        groups: Vec::new(),
    };
    // aie-assign-lock-ids runs first: placed locks keep their ids, the others take the lowest
    // free id of their tile.
    let mut placed_locks = Vec::new();
    for (_, l) in d.locks.iter() {
        if let Some(id) = l.id {
            s.lock_ids.entry(l.tile).or_default().insert(id);
        }
    }
    for (_, l) in d.locks.iter() {
        let id = match l.id {
            Some(id) => id,
            None => s.next_lock_id(l.tile, &l.name)?,
        };
        placed_locks.push(PLock {
            tile: l.tile,
            name: l.name.clone(),
            id,
            init: l.init,
        });
    }
    for f in &d.flows {
        if f.source.bundle == WireBundle::Dma {
            s.channels
                .entry((f.source.tile, DmaDir::Mm2s))
                .or_default()
                .insert(f.source.channel);
        }
        if f.dest.bundle == WireBundle::Dma {
            s.channels
                .entry((f.dest.tile, DmaDir::S2mm))
                .or_default()
                .insert(f.dest.channel);
        }
    }
    for (_, a) in d.shim_allocs.iter() {
        s.channels
            .entry((a.tile, a.dir))
            .or_default()
            .insert(a.channel);
    }

    s.split();
    for ix in 0..s.ops.len() {
        s.elements(ix)?;
    }

    // Step 3: channels for the split FIFOs, producer end first, then consumers in order.
    let mut chan: HashMap<String, u32> = HashMap::new();
    for (fid, _) in d.fifos.iter() {
        if !requires_dma(d, fid) {
            continue;
        }
        let ends: Vec<(String, TileId, DmaDir, usize)> = s
            .ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.orig == fid)
            .map(|(i, o)| {
                let dir = if o.role == Role::Producer {
                    DmaDir::Mm2s
                } else {
                    DmaDir::S2mm
                };
                (o.name.clone(), o.tile, dir, i)
            })
            .collect();
        let mut ordered: Vec<_> = ends
            .iter()
            .filter(|e| e.2 == DmaDir::Mm2s)
            .cloned()
            .collect();
        let mut cons: Vec<_> = ends
            .iter()
            .filter(|e| e.2 == DmaDir::S2mm)
            .cloned()
            .collect();
        cons.sort_by_key(|e| match s.ops[e.3].role {
            Role::Consumer(i) => i,
            _ => 0,
        });
        ordered.extend(cons);
        for (name, tile, dir, _) in ordered {
            let ch = s.next_channel(tile, dir, &name)?;
            chan.insert(name, ch);
        }
    }

    // Step 4: DMA programs, allocations and flows, over the split FIFOs in order.
    let mut flows_per_fifo: Vec<Vec<PFlow>> = Vec::new();
    for (fid, f) in d.fifos.iter() {
        if !requires_dma(d, fid) {
            continue;
        }
        let Some(p_ix) = s
            .ops
            .iter()
            .position(|o| o.orig == fid && o.role == Role::Producer)
        else {
            continue;
        };
        let p_ch = chan.get(&f.name).copied().unwrap_or(0);
        s.chain(p_ix, DmaDir::Mm2s, p_ch);
        if s.kind(f.producer) == TileKind::Shim {
            s.phys.shim_allocs.push(PShimAlloc {
                name: format!("{}_shim_alloc", f.name),
                tile: f.producer,
                dir: DmaDir::Mm2s,
                channel: p_ch,
            });
        }
        let mut flows = Vec::new();
        for (i, c) in f.consumers.iter().enumerate() {
            let Some(c_ix) = s
                .ops
                .iter()
                .position(|o| o.orig == fid && o.role == Role::Consumer(i))
            else {
                continue;
            };
            let c_name = s.ops[c_ix].name.clone();
            let c_ch = chan.get(&c_name).copied().unwrap_or(0);
            s.chain(c_ix, DmaDir::S2mm, c_ch);
            if s.kind(c.tile) == TileKind::Shim {
                s.phys.shim_allocs.push(PShimAlloc {
                    name: format!("{}_shim_alloc", f.name),
                    tile: c.tile,
                    dir: DmaDir::S2mm,
                    channel: c_ch,
                });
            }
            // Each flow is inserted right after `F`: reverse consumer order.
            flows.insert(
                0,
                PFlow {
                    source: (f.producer, WireBundle::Dma, p_ch),
                    dest: (c.tile, WireBundle::Dma, c_ch),
                },
            );
        }
        flows_per_fifo.push(flows);
    }
    s.phys.flows = flows_per_fifo.into_iter().flatten().collect();

    let (buf_map, lock_map) = reorder_elements(&mut s, placed_locks, design);
    for op in &s.ops {
        let target = s
            .link_of_op(op)
            .and_then(|(li, _)| s.link_target.get(&li).cloned())
            .unwrap_or_else(|| op.name.clone());
        let remap = |v: Option<&Vec<usize>>, map: &[usize]| -> Vec<usize> {
            v.map(|v| v.iter().map(|&i| map[i]).collect())
                .unwrap_or_default()
        };
        s.phys.ends.insert(
            op.name.clone(),
            crate::lower::physical::EndInfo {
                tile: op.tile,
                depth: op.depth,
                buffers: remap(s.buffers_of.get(&target), &buf_map),
                locks: remap(s.locks_of.get(&target), &lock_map),
                repeat: op.repeat.unwrap_or(1),
            },
        );
    }
    assign_bd_ids(&mut s.phys, d)?;
    assign_addresses(&mut s.phys, d)?;
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

/// Routes the physical design's flows: the ObjectFIFO flows and hand-placed flows (circuit),
/// the hand-placed packet flows and the column control overlay's.
fn route_physical(d: &Design, phys: &Physical) -> Result<crate::lower::route::Routing, LowerError> {
    use crate::lower::route::{route, Endpoint, RouteFlow};
    let at = |t: TileId, b: WireBundle, c: u32| Endpoint {
        tile: d.coords(t).unwrap_or((0, 0)),
        port: (b, c),
    };
    let mut flows = Vec::new();
    for f in &d.packet_flows {
        flows.push(RouteFlow::Packet {
            id: f.id,
            sources: vec![at(f.source.tile, f.source.bundle, f.source.channel)],
            dests: f
                .dests
                .iter()
                .map(|p| at(p.tile, p.bundle, p.channel))
                .collect(),
            keep_pkt_header: f.keep_pkt_header.then_some(true),
            priority: false,
        });
    }
    for col in overlay_columns(d) {
        if let Some(id) = d.device.controller_packet_id(0) {
            let shim = Endpoint {
                tile: (col, 0),
                port: (WireBundle::TileControl, 0),
            };
            flows.push(RouteFlow::Packet {
                id,
                sources: vec![shim],
                dests: vec![Endpoint {
                    tile: (col, 0),
                    port: (WireBundle::South, 0),
                }],
                keep_pkt_header: Some(true),
                priority: true,
            });
        }
    }
    for f in &phys.flows {
        flows.push(RouteFlow::Circuit {
            source: at(f.source.0, f.source.1, f.source.2),
            dest: at(f.dest.0, f.dest.1, f.dest.2),
        });
    }
    for f in &d.flows {
        flows.push(RouteFlow::Circuit {
            source: at(f.source.tile, f.source.bundle, f.source.channel),
            dest: at(f.dest.tile, f.dest.bundle, f.dest.channel),
        });
    }
    let mut tiles: Vec<(u32, u32)> = d.tiles.iter().map(|(_, t)| (t.col, t.row)).collect();
    for col in overlay_columns(d) {
        if !tiles.contains(&(col, 0)) {
            tiles.push((col, 0));
        }
    }
    Ok(route(d.device, &tiles, &flows)?)
}

/// Columns the column control overlay covers: every column the design occupies.
pub fn overlay_columns(d: &Design) -> Vec<u32> {
    let cols: std::collections::BTreeSet<u32> = d.tiles.iter().map(|(_, t)| t.col).collect();
    cols.into_iter().collect()
}

/// Puts buffers and locks in IR order: FIFO element groups newest first (each was inserted
/// after the last tile), then the hand-placed buffers and locks. Indices in BDs are remapped.
fn reorder_elements(
    s: &mut State<'_>,
    placed_locks: Vec<PLock>,
    d: &Design,
) -> (Vec<usize>, Vec<usize>) {
    let old_buffers = std::mem::take(&mut s.phys.buffers);
    let old_locks = std::mem::take(&mut s.phys.locks);
    let mut buf_map = vec![0; old_buffers.len()];
    let mut lock_map = vec![0; old_locks.len()];
    let mut buffers = Vec::new();
    let mut locks = Vec::new();
    for (bufs, lks) in s.groups.iter().rev() {
        for &b in bufs {
            buf_map[b] = buffers.len();
            buffers.push(old_buffers[b].clone());
        }
        for &l in lks {
            lock_map[l] = locks.len();
            locks.push(old_locks[l].clone());
        }
    }
    for (_, b) in d.buffers.iter() {
        buffers.push(PBuffer {
            tile: b.tile,
            name: b.name.clone(),
            ty: b.ty.clone(),
            init: b.init.clone(),
            address: 0,
            bank: None,
        });
    }
    locks.extend(placed_locks);
    for chans in s.phys.dmas.values_mut() {
        for ch in chans {
            for bd in &mut ch.bds {
                bd.buffer = buf_map[bd.buffer];
                bd.acquire = bd.acquire.map(|(l, n)| (lock_map[l], n));
                bd.release = bd.release.map(|(l, n)| (lock_map[l], n));
            }
        }
    }
    s.phys.buffers = buffers;
    s.phys.locks = locks;
    (buf_map, lock_map)
}

/// `aie-assign-bd-ids`: per tile, in block order, the lowest free id the channel may use (mem
/// tile: even channels 0-23, odd 24-47); then each BD's `next_bd_id`.
fn assign_bd_ids(phys: &mut Physical, d: &Design) -> Result<(), LowerError> {
    for (tile, chans) in phys.dmas.iter_mut() {
        let (kind, col, row) = label(d, *tile);
        let total = d.device.resources(kind).bds;
        let mut used = BTreeSet::new();
        for ch in chans.iter_mut() {
            let range = if kind == TileKind::Mem {
                let half = d.device.model().mem_tile_bds_per_parity();
                if ch.index % 2 == 0 {
                    0..half
                } else {
                    half..total
                }
            } else {
                0..total
            };
            for bd in &mut ch.bds {
                let id = range
                    .clone()
                    .find(|i| !used.contains(i))
                    .ok_or(LowerError::Bds {
                        kind,
                        col,
                        row,
                        dir: ch.dir.keyword(),
                        channel: ch.index,
                    })?;
                used.insert(id);
                bd.bd_id = id;
            }
            let n = ch.bds.len();
            let ids: Vec<u32> = ch.bds.iter().map(|b| b.bd_id).collect();
            for (k, bd) in ch.bds.iter_mut().enumerate() {
                bd.next_bd_id = if k + 1 < n {
                    Some(ids[k + 1])
                } else if ch.finite {
                    None
                } else {
                    Some(ids[0])
                };
            }
        }
    }
    Ok(())
}

/// `aie-assign-buffer-addresses` with the default scheme: bank-aware, falling back to
/// basic-sequential when a buffer fits no bank.
fn assign_addresses(phys: &mut Physical, d: &Design) -> Result<(), LowerError> {
    for (tile, t) in d.tiles.iter() {
        if t.kind == TileKind::Shim {
            continue;
        }
        let res = d.device.resources(t.kind);
        let stack = d.core_on(tile).map_or(0, |c| c.stack_size);
        let mut order: Vec<usize> = (0..phys.buffers.len())
            .filter(|&i| phys.buffers[i].tile == tile)
            .collect();
        // Largest first; equal sizes keep IR order.
        order.sort_by_key(|&i| std::cmp::Reverse(phys.buffers[i].ty.bytes()));
        let bank_size = res.memory_bytes / res.memory_banks;
        let mut next: Vec<u64> = (0..res.memory_banks)
            .map(|b| u64::from(b * bank_size))
            .collect();
        if let Some(first) = next.first_mut() {
            *first += u64::from(stack);
        }
        let mut placed: Vec<(usize, u32, u32)> = Vec::new();
        let mut bank = 0usize;
        let mut ok = true;
        for &i in &order {
            let size = phys.buffers[i].ty.bytes();
            let mut done = false;
            for _ in 0..next.len() {
                let end = u64::from(bank as u32 + 1) * u64::from(bank_size);
                if next[bank].saturating_add(size) <= end {
                    placed.push((i, next[bank] as u32, bank as u32));
                    next[bank] += size;
                    bank = (bank + 1) % next.len();
                    done = true;
                    break;
                }
                bank = (bank + 1) % next.len();
            }
            if !done {
                ok = false;
                break;
            }
        }
        if ok {
            for (i, addr, b) in placed {
                phys.buffers[i].address = addr;
                phys.buffers[i].bank = Some(b);
            }
            continue;
        }
        // Basic-sequential: after the stack, largest first.
        let mut at = u64::from(stack);
        for &i in &order {
            let size = phys.buffers[i].ty.bytes();
            if at.saturating_add(size) > u64::from(res.memory_bytes) {
                return Err(LowerError::Memory {
                    kind: t.kind,
                    col: t.col,
                    row: t.row,
                    name: phys.buffers[i].name.clone(),
                    bytes: size,
                    available: u64::from(res.memory_bytes).saturating_sub(at),
                });
            }
            phys.buffers[i].address = at as u32;
            phys.buffers[i].bank = None;
            at += size;
        }
    }
    Ok(())
}
