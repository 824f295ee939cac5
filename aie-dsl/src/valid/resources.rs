//! What each tile will need once the ObjectFIFOs are lowered: data memory, locks, buffer
//! descriptors and DMA channels.
//!
//! The figures follow the ObjectFIFO rules of [`crate::ir::fifo_rules`] (which FIFOs need DMAs,
//! the depth each end really gets) and how mlir-aie's `aie-objectFifo-stateful-transform`
//! (lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp at 5ff2ab97d) places buffers
//! and locks, shares them across links and builds channels and BD chains. Validation compares the
//! figures with the target model before anything is emitted; the summary prints them.

use indexmap::IndexMap;

use crate::ir::fifo_rules::{end_depth, end_name, requires_dma};
use crate::ir::{Design, FifoId, Link, TileId};
use crate::target::{DmaDir, TileKind};

use super::{ValidationError, Validator};

/// Resource use of one tile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TileUsage {
    /// Data memory: `(what, bytes)`.
    pub memory: Vec<(String, u64)>,
    /// Locks, by name.
    pub locks: Vec<String>,
    /// Buffer descriptors: `(who, count)`.
    pub bds: Vec<(String, u32)>,
    /// S2MM channels, by user.
    pub s2mm: Vec<String>,
    /// MM2S channels, by user.
    pub mm2s: Vec<String>,
}

impl TileUsage {
    /// Bytes of data memory used.
    pub fn memory_bytes(&self) -> u64 {
        self.memory
            .iter()
            .fold(0u64, |a, (_, b)| a.saturating_add(*b))
    }

    /// Buffer descriptors used.
    pub fn bd_count(&self) -> u32 {
        self.bds.iter().fold(0u32, |a, (_, n)| a.saturating_add(*n))
    }

    /// Channels used in `dir`.
    pub fn channels(&self, dir: DmaDir) -> &[String] {
        match dir {
            DmaDir::S2mm => &self.s2mm,
            DmaDir::Mm2s => &self.mm2s,
        }
    }
}

struct Tally<'a> {
    design: &'a Design,
    usage: IndexMap<TileId, TileUsage>,
}

impl Tally<'_> {
    fn at(&mut self, tile: TileId) -> &mut TileUsage {
        self.usage.entry(tile).or_default()
    }

    fn kind(&self, tile: TileId) -> Option<TileKind> {
        self.design.tiles.get(tile).map(|t| t.kind)
    }

    fn buffers(&mut self, tile: TileId, name: &str, depth: u32, bytes: u64) {
        if self.kind(tile) == Some(TileKind::Shim) || depth == 0 {
            return;
        }
        let label = if depth == 1 {
            format!("{name}_buff_0 ({bytes} B)")
        } else {
            format!("{name}_buff_0..{} ({depth} x {bytes} B)", depth - 1)
        };
        self.at(tile)
            .memory
            .push((label, u64::from(depth).saturating_mul(bytes)));
    }

    fn locks(&mut self, tile: TileId, name: &str, pairs: u32) {
        for j in 0..pairs {
            let u = self.at(tile);
            u.locks.push(format!("{name}_prod_lock_{j}"));
            u.locks.push(format!("{name}_cons_lock_{j}"));
        }
    }

    fn channel(&mut self, tile: TileId, dir: DmaDir, user: String) {
        let u = self.at(tile);
        let list = match dir {
            DmaDir::S2mm => &mut u.s2mm,
            DmaDir::Mm2s => &mut u.mm2s,
        };
        // Hand-placed flows and allocations name a channel; two of them on one channel share it.
        if !list.contains(&user) {
            list.push(user);
        }
    }

    fn bds(&mut self, tile: TileId, user: String, n: u32) {
        if self.kind(tile) == Some(TileKind::Shim) || n == 0 {
            return;
        }
        self.at(tile).bds.push((user, n));
    }

    /// One end of a DMA FIFO that is not at a link tile.
    fn plain_end(&mut self, id: FifoId, end: Option<usize>) {
        let Some(f) = self.design.fifos.get(id) else {
            return;
        };
        let (tile, dir) = match end {
            None => (f.producer, DmaDir::Mm2s),
            Some(i) => match f.consumers.get(i) {
                Some(c) => (c.tile, DmaDir::S2mm),
                None => return,
            },
        };
        let name = end_name(f, end);
        let depth = end_depth(self.design, id, end);
        self.buffers(tile, &name, depth, f.elem.bytes());
        self.locks(tile, &name, 1);
        self.channel(tile, dir, name.clone());
        // The producer end's chain holds each object `repeat_count` times (the lowering's BD
        // chain, AIEObjectFifoStatefulTransform.cpp `createBdBlock` per repeat).
        let repeat = if end.is_none() {
            f.repeat_count.unwrap_or(1)
        } else {
            1
        };
        self.bds(tile, name, depth.saturating_mul(repeat));
    }

    /// The buffers, locks, channels and BDs a link places on its tile (`createObjectFifoElements` and the link handling of AIEObjectFifoStatefulTransform.cpp).
    fn link(&mut self, link: &Link) {
        let d = self.design;
        let (Some(&first_in), Some(&first_out)) = (link.inputs.first(), link.outputs.first())
        else {
            return;
        };
        let Some(tile) = d.fifos.get(first_out).map(|f| f.producer) else {
            return;
        };
        let input_end = |fid: FifoId| {
            d.fifos.get(fid).and_then(|f| {
                f.consumers
                    .iter()
                    .position(|c| c.tile == tile)
                    .map(|i| (f, Some(i)))
            })
        };
        // The link target owns the shared buffers: join → the output, distribute → the input,
        // forward → the larger (the input on ties).
        let (target, target_end, pairs) = if link.inputs.len() > 1 {
            (first_out, None, link.inputs.len() as u32)
        } else if link.outputs.len() > 1 {
            let end = input_end(first_in).and_then(|(_, e)| e);
            (first_in, end, link.outputs.len() as u32)
        } else {
            let in_elems = d.fifos.get(first_in).map_or(0, |f| f.elem.elements());
            let out_elems = d.fifos.get(first_out).map_or(0, |f| f.elem.elements());
            let out_has_init = d
                .fifos
                .get(first_out)
                .is_some_and(|f| f.init_values.is_some());
            if out_has_init || out_elems > in_elems {
                (first_out, None, 1)
            } else {
                (first_in, input_end(first_in).and_then(|(_, e)| e), 1)
            }
        };
        let Some(tf) = d.fifos.get(target) else {
            return;
        };
        let name = end_name(tf, target_end);
        let depth = end_depth(d, target, target_end);
        self.buffers(tile, &name, depth, tf.elem.bytes());
        self.locks(tile, &name, pairs);
        for &fid in &link.inputs {
            if let Some((f, end)) = input_end(fid) {
                let end_label = end_name(f, end);
                self.channel(tile, DmaDir::S2mm, end_label.clone());
                let per = if link.outputs.len() > 1 { pairs } else { 1 };
                self.bds(tile, end_label, depth.saturating_mul(per));
            }
        }
        for &fid in &link.outputs {
            if let Some(f) = d.fifos.get(fid) {
                self.channel(tile, DmaDir::Mm2s, f.name.clone());
                let per = if link.inputs.len() > 1 { pairs } else { 1 };
                // An output's chain repeats each object `repeat_count` times, as at a plain
                // producer end.
                let repeat = f.repeat_count.unwrap_or(1);
                self.bds(
                    tile,
                    f.name.clone(),
                    depth.saturating_mul(per).saturating_mul(repeat),
                );
            }
        }
    }
}

/// Resource use per tile, in tile declaration order (tiles with nothing on them included).
pub fn estimate(design: &Design) -> IndexMap<TileId, TileUsage> {
    let mut t = Tally {
        design,
        usage: design
            .tiles
            .iter()
            .map(|(id, _)| (id, TileUsage::default()))
            .collect(),
    };
    for (_, core) in design.cores.iter() {
        t.at(core.tile)
            .memory
            .push(("stack".to_string(), u64::from(core.stack_size)));
    }
    for (_, b) in design.buffers.iter() {
        t.at(b.tile).memory.push((
            format!("buffer {} ({} B)", b.name, b.ty.bytes()),
            b.ty.bytes(),
        ));
    }
    for (_, l) in design.locks.iter() {
        t.at(l.tile).locks.push(l.name.clone());
    }
    for (id, f) in design.fifos.iter() {
        let link = design.link_of(id);
        let at_link_tile = |tile: TileId| {
            link.is_some_and(|l| {
                l.outputs
                    .first()
                    .and_then(|o| design.fifos.get(*o))
                    .is_some_and(|o| o.producer == tile)
            })
        };
        if !requires_dma(design, id) {
            // One shared set of buffers on the producer's tile (or the consumer's, when only
            // the consumer's core reaches it), no DMA.
            let Some(c) = f.consumers.first() else {
                continue;
            };
            let (pc, cc) = (design.coords(f.producer), design.coords(c.tile));
            let tile = match (pc, cc) {
                (Some(p), Some(q)) if !design.device.core_reaches_memory(q.0, q.1, p.0, p.1) => {
                    c.tile
                }
                _ => f.producer,
            };
            if at_link_tile(f.producer) || at_link_tile(c.tile) {
                continue;
            }
            t.buffers(tile, &f.name, f.depth.producer(), f.elem.bytes());
            t.locks(tile, &f.name, 1);
            continue;
        }
        if !at_link_tile(f.producer) {
            t.plain_end(id, None);
        }
        for (i, c) in f.consumers.iter().enumerate() {
            if !at_link_tile(c.tile) {
                t.plain_end(id, Some(i));
            }
        }
    }
    for link in &design.links {
        t.link(link);
    }
    for flow in &design.flows {
        use crate::target::WireBundle::Dma;
        if flow.source.bundle == Dma {
            t.channel(
                flow.source.tile,
                DmaDir::Mm2s,
                format!("hand-placed channel {}", flow.source.channel),
            );
        }
        if flow.dest.bundle == Dma {
            t.channel(
                flow.dest.tile,
                DmaDir::S2mm,
                format!("hand-placed channel {}", flow.dest.channel),
            );
        }
    }
    for (_, a) in design.shim_allocs.iter() {
        t.channel(a.tile, a.dir, format!("hand-placed channel {}", a.channel));
    }
    t.usage
}

impl Validator<'_> {
    pub(super) fn resources(&mut self) {
        let d = self.d;
        for (tile, u) in estimate(d) {
            let Some(t) = d.tiles.get(tile) else { continue };
            let res = d.device.resources(t.kind);
            let used = u.memory_bytes();
            if t.kind != TileKind::Shim && used > u64::from(res.memory_bytes) {
                let breakdown = u
                    .memory
                    .iter()
                    .map(|(w, _)| w.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.push(ValidationError::MemoryOverflow {
                    kind: t.kind,
                    col: t.col,
                    row: t.row,
                    used,
                    available: u64::from(res.memory_bytes),
                    breakdown,
                });
            }
            // Too many locks: name the one that gets no id, as mlir-aie does.
            let named = (u.locks.len() as u32 > res.locks)
                .then(|| super::lock_ids::overflow(d, tile, &u, res.locks))
                .flatten();
            let lock_named = named.is_some();
            self.errors.extend(named);
            let mut over =
                |resource: String, used: u32, available: u32, users: String, hint: &'static str| {
                    if used > available {
                        self.errors.push(ValidationError::ResourceOverflow {
                            kind: t.kind,
                            col: t.col,
                            row: t.row,
                            resource,
                            used,
                            available,
                            users,
                            hint,
                        });
                    }
                };
            if !lock_named {
                over(
                    "locks".into(),
                    u.locks.len() as u32,
                    res.locks,
                    u.locks.join(", "),
                    "each FIFO end takes two locks: move FIFO endpoints to other tiles",
                );
            }
            over(
                "buffer descriptors".into(),
                u.bd_count(),
                res.bds,
                u.bds.iter().map(|(w, n)| format!("{w}: {n}")).collect::<Vec<_>>().join(", "),
                "each FIFO end takes one BD per object (per object and repeat at a producer with repeat_count): use shallower FIFOs, a smaller repeat_count or fewer endpoints here",
            );
            if t.kind == TileKind::Mem && u.bd_count() <= res.bds {
                // A mem tile's even channels draw on BDs 0..24 and its odd ones on 24..48
                // (`aie-assign-bd-ids`); the total can fit while one half does not.
                let half = d.device.model().mem_tile_bds_per_parity();
                let chans = mem_tile_channels(d, tile);
                for (parity, label) in [(0, "even"), (1, "odd")] {
                    let mine: Vec<&(String, u32)> = u
                        .bds
                        .iter()
                        .filter(|(w, _)| chans.get(w).is_some_and(|(_, c)| c % 2 == parity))
                        .collect();
                    let used = mine.iter().fold(0u32, |a, (_, n)| a.saturating_add(*n));
                    over(
                        format!("buffer descriptors of its {label} DMA channels"),
                        used,
                        half,
                        mine.iter()
                            .map(|(w, n)| {
                                let (dir, c) = chans[w];
                                format!("{w} ({} {c}): {n}", dir.keyword())
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                        "a mem tile's even channels share BDs 0..=23 and its odd channels 24..=47: use shallower FIFOs or a smaller repeat_count, or move an end to a channel of the other parity",
                    );
                }
            }
            for dir in [crate::target::DmaDir::S2mm, crate::target::DmaDir::Mm2s] {
                let users = u.channels(dir);
                over(
                    format!("{} DMA channels", dir.keyword()),
                    users.len() as u32,
                    res.dma_channels,
                    users.join(", "),
                    "each FIFO end that is not shared memory takes a channel: spread the FIFOs over more tiles, or join/split them through a mem tile",
                );
            }
        }
    }
}

/// The DMA channel each FIFO end on mem tile `tile` will get, by end name: as the lowering
/// assigns them (`lower::objectfifo`'s channel step), hand-placed flows' and shim allocations'
/// channels taken first, then over the FIFOs that need DMAs in order, the producer end and then
/// each consumer end takes the lowest free channel of its direction.
fn mem_tile_channels(d: &Design, tile: TileId) -> std::collections::HashMap<String, (DmaDir, u32)> {
    use crate::target::WireBundle::Dma;
    let mut taken: Vec<(DmaDir, u32)> = Vec::new();
    for f in &d.flows {
        if f.source.bundle == Dma && f.source.tile == tile {
            taken.push((DmaDir::Mm2s, f.source.channel));
        }
        if f.dest.bundle == Dma && f.dest.tile == tile {
            taken.push((DmaDir::S2mm, f.dest.channel));
        }
    }
    for (_, a) in d.shim_allocs.iter() {
        if a.tile == tile {
            taken.push((a.dir, a.channel));
        }
    }
    let mut out = std::collections::HashMap::new();
    for (id, f) in d.fifos.iter() {
        if !requires_dma(d, id) {
            continue;
        }
        let ends = std::iter::once((f.producer, DmaDir::Mm2s, None)).chain(
            f.consumers
                .iter()
                .enumerate()
                .map(|(i, c)| (c.tile, DmaDir::S2mm, Some(i))),
        );
        for (t, dir, end) in ends {
            if t != tile {
                continue;
            }
            let Some(c) = (0..u32::MAX).find(|c| !taken.contains(&(dir, *c))) else {
                continue;
            };
            taken.push((dir, c));
            out.insert(end_name(f, end), (dir, c));
        }
    }
    out
}
