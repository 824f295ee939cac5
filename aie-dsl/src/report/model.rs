//! What the picture and the page show, read from the design and its lowered form in one place.
//!
//! This is the only module of the report that looks inside [`Physical`] (buffers, locks, DMA
//! programs, flows, shim allocations and the router's switchboxes); the SVG and HTML writers
//! work from the [`Model`] built here.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{CoreStmt, Depth, Design, FifoId, TileId};
use crate::lower::physical::Physical;
use crate::lower::route::{Port, SwitchOp};
use crate::target::{DmaDir, TileKind};
use crate::types::MemRefType;

/// Colours of FIFOs, in FIFO order (repeating past the end); chosen to stay apart from each
/// other and readable on a light background.
const PALETTE: [&str; 16] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
];

/// One ObjectFIFO as the report shows it.
#[derive(Clone, Debug)]
pub(crate) struct FifoInfo {
    /// The FIFO.
    pub id: FifoId,
    /// Its name.
    pub name: String,
    /// Producer tile `(col, row)`.
    pub producer: (u32, u32),
    /// Consumer tiles `(col, row)`, in order.
    pub consumers: Vec<(u32, u32)>,
    /// Depth.
    pub depth: Depth,
    /// Object type.
    pub elem: MemRefType,
    /// Colour (`#rrggbb`).
    pub color: &'static str,
    /// Indices into [`Physical::flows`] that carry it (empty: shared memory, no DMA).
    pub flows: Vec<usize>,
    /// The link it takes part in, as text (`split a_in -> a0, a1`).
    pub link: Option<String>,
}

impl FifoInfo {
    /// `2` or `[2, 3, 3]`.
    pub fn depth_text(&self) -> String {
        match &self.depth {
            Depth::Uniform(n) => n.to_string(),
            Depth::PerEndpoint(v) => {
                let v: Vec<String> = v.iter().map(u32::to_string).collect();
                format!("[{}]", v.join(", "))
            }
        }
    }

    /// `name: (0,0) -> (0,2), (0,3); depth 2; memref<1024xi32> (4 KiB)`.
    pub fn description(&self) -> String {
        let cons: Vec<String> = self.consumers.iter().map(|c| coord(*c)).collect();
        let mut s = format!(
            "ObjectFIFO {}: {} -> {}; depth {}; {} ({} per object)",
            self.name,
            coord(self.producer),
            cons.join(", "),
            self.depth_text(),
            self.elem,
            super::xml::bytes(self.elem.bytes())
        );
        if self.flows.is_empty() {
            s.push_str("; shared memory, no DMA");
        }
        if let Some(l) = &self.link {
            s.push_str("; ");
            s.push_str(l);
        }
        s
    }
}

/// A buffer placed in a tile's data memory.
#[derive(Clone, Debug)]
pub(crate) struct BufInfo {
    /// Symbol name.
    pub name: String,
    /// Byte address.
    pub address: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// The FIFO whose object it holds, as an index into [`Model::fifos`].
    pub fifo: Option<usize>,
}

/// One tile as the report shows it.
#[derive(Clone, Debug)]
pub(crate) struct TileInfo {
    /// Kind.
    pub kind: TileKind,
    /// Kernels its core calls, in first-call order.
    pub kernels: Vec<String>,
    /// Whether a core program runs on it.
    pub has_core: bool,
    /// Data memory it has, in bytes.
    pub memory_total: u64,
    /// Core stack reserved at address 0, in bytes.
    pub stack: u64,
    /// Buffers by address.
    pub buffers: Vec<BufInfo>,
    /// Locks used and available.
    pub locks: (usize, u32),
    /// Buffer descriptors used and available.
    pub bds: (usize, u32),
    /// S2MM channels used.
    pub s2mm: BTreeSet<u32>,
    /// MM2S channels used.
    pub mm2s: BTreeSet<u32>,
    /// DMA channels per direction it has.
    pub channels: u32,
    /// FIFOs it consumes (indices into [`Model::fifos`]).
    pub inputs: Vec<usize>,
    /// FIFOs it produces.
    pub outputs: Vec<usize>,
    /// Links through it, as text.
    pub links: Vec<String>,
    /// The same as parts: kind, input FIFOs, output FIFOs (indices into [`Model::fifos`]).
    pub link_parts: Vec<LinkParts>,
}

impl TileInfo {
    /// Bytes of data memory in use: buffers and the stack.
    pub fn memory_used(&self) -> u64 {
        self.buffers
            .iter()
            .map(|b| b.bytes)
            .fold(self.stack, u64::saturating_add)
    }

    /// What the tile does, in a few words: kernel names for a core, the link kinds for a
    /// mem tile, the host interface for a shim.
    pub fn role(&self) -> String {
        match self.kind {
            TileKind::Compute if !self.kernels.is_empty() => self.kernels.join(", "),
            TileKind::Compute if self.has_core => "core (no kernel calls)".into(),
            TileKind::Compute => "buffers only".into(),
            TileKind::Mem if !self.links.is_empty() => {
                let mut kinds: Vec<&str> = Vec::new();
                for l in &self.links {
                    let k = l.split(' ').next().unwrap_or("");
                    if !kinds.contains(&k) {
                        kinds.push(k);
                    }
                }
                kinds.join(" + ")
            }
            TileKind::Mem => "mem tile".into(),
            TileKind::Shim => "shim: host DMA".into(),
        }
    }
}

/// The switch connections of one stream switch or shim mux.
#[derive(Clone, Debug, Default)]
pub(crate) struct SwitchInfo {
    /// Circuit connections `(slave, master)`, in the router's order.
    pub connects: Vec<(Port, Port)>,
    /// Packet-switched operations (arbiters, rules), counted.
    pub packet_ops: usize,
}

/// A flow end: the tile `(col, row)` and its DMA channel.
pub(crate) type DmaEnd = ((u32, u32), u32);

/// A link as the report shows it.
struct LinkText {
    /// The tile it runs through.
    tile: Option<(u32, u32)>,
    /// Full text.
    text: String,
    /// Short text for the tile box.
    parts: LinkParts,
    /// Its FIFOs, as indices.
    members: Vec<usize>,
}

/// Everything the picture and the page show.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    /// FIFOs in design order.
    pub fifos: Vec<FifoInfo>,
    /// The design's tiles by `(col, row)`.
    pub tiles: BTreeMap<(u32, u32), TileInfo>,
    /// Tiles the router added (a route passes their switch).
    pub route_tiles: BTreeSet<(u32, u32)>,
    /// Stream switches `(col, row, is_shim_mux)`.
    pub switches: BTreeMap<(u32, u32, bool), SwitchInfo>,
    /// Flow endpoints `(source, dest)` as `((col,row), bundle-channel)`, by flow index.
    pub flows: Vec<(DmaEnd, DmaEnd)>,
}

/// A link in parts, for drawing.
#[derive(Clone, Debug)]
pub(crate) struct LinkParts {
    /// `forward`, `split` or `join`.
    pub kind: &'static str,
    /// Input FIFOs.
    pub inputs: Vec<usize>,
    /// Output FIFOs.
    pub outputs: Vec<usize>,
}

/// `(c,r)`.
pub(crate) fn coord(c: (u32, u32)) -> String {
    format!("({},{})", c.0, c.1)
}

impl Model {
    /// Reads `design` and its lowered form.
    pub fn new(design: &Design, phys: &Physical) -> Model {
        let d = design;
        let at = |t: TileId| d.coords(t).unwrap_or((u32::MAX, u32::MAX));

        // FIFOs, their links and the flows that carry them.
        let mut fifos: Vec<FifoInfo> = d
            .fifos
            .iter()
            .enumerate()
            .map(|(i, (id, f))| FifoInfo {
                id,
                name: f.name.clone(),
                producer: at(f.producer),
                consumers: f.consumers.iter().map(|c| at(c.tile)).collect(),
                depth: f.depth.clone(),
                elem: f.elem.clone(),
                color: PALETTE[i % PALETTE.len()],
                flows: Vec::new(),
                link: None,
            })
            .collect();
        let index_of = |id: FifoId| fifos.iter().position(|f| f.id == id);
        let mut link_texts: Vec<LinkText> = Vec::new();
        for l in &d.links {
            let names =
                |v: &[FifoId]| -> Vec<String> { v.iter().map(|f| d.fifo_label(*f)).collect() };
            let kind = match (l.inputs.len(), l.outputs.len()) {
                (1, 1) => "forward",
                (1, _) => "split",
                _ => "join",
            };
            let text = format!(
                "{kind} {} -> {}",
                names(&l.inputs).join(", "),
                names(&l.outputs).join(", ")
            );
            let parts = LinkParts {
                kind,
                inputs: l.inputs.iter().filter_map(|f| index_of(*f)).collect(),
                outputs: l.outputs.iter().filter_map(|f| index_of(*f)).collect(),
            };
            let tile = l
                .outputs
                .first()
                .and_then(|f| d.fifos.get(*f))
                .map(|f| at(f.producer));
            let members: Vec<usize> = l
                .inputs
                .iter()
                .chain(&l.outputs)
                .filter_map(|f| index_of(*f))
                .collect();
            link_texts.push(LinkText {
                tile,
                text,
                parts,
                members,
            });
        }
        for l in &link_texts {
            for &m in &l.members {
                fifos[m].link.get_or_insert_with(|| l.text.clone());
            }
        }
        attribute_flows(&mut fifos, d, phys);

        // Tiles.
        let mut tiles = BTreeMap::new();
        for (id, t) in d.tiles.iter() {
            let res = d.device.resources(t.kind);
            let core = d.core_on(id);
            let mut kernels: Vec<String> = Vec::new();
            if let Some(c) = core {
                visit(&c.body, &mut |s| {
                    if let CoreStmt::Call { kernel, .. } = s {
                        if let Some(k) = d.kernels.get(*kernel) {
                            if !kernels.contains(&k.symbol) {
                                kernels.push(k.symbol.clone());
                            }
                        }
                    }
                });
            }
            let mut buffers: Vec<BufInfo> = phys
                .buffers
                .iter()
                .filter(|b| b.tile == id)
                .map(|b| BufInfo {
                    name: b.name.clone(),
                    address: u64::from(b.address),
                    bytes: b.ty.bytes(),
                    fifo: fifo_of_buffer(&fifos, d, &b.name),
                })
                .collect();
            buffers.sort_by(|a, b| (a.address, &a.name).cmp(&(b.address, &b.name)));
            let chans = phys.dmas.get(&id).map(|c| c.as_slice()).unwrap_or(&[]);
            let mut s2mm = BTreeSet::new();
            let mut mm2s = BTreeSet::new();
            for c in chans {
                match c.dir {
                    DmaDir::S2mm => s2mm.insert(c.index),
                    DmaDir::Mm2s => mm2s.insert(c.index),
                };
            }
            for a in phys.shim_allocs.iter().filter(|a| a.tile == id) {
                match a.dir {
                    DmaDir::S2mm => s2mm.insert(a.channel),
                    DmaDir::Mm2s => mm2s.insert(a.channel),
                };
            }
            let here = (t.col, t.row);
            let inputs = (0..fifos.len())
                .filter(|&i| fifos[i].consumers.contains(&here))
                .collect();
            let outputs = (0..fifos.len())
                .filter(|&i| fifos[i].producer == here)
                .collect();
            let links = link_texts
                .iter()
                .filter(|l| l.tile == Some(here))
                .map(|l| l.text.clone())
                .collect();
            let link_parts = link_texts
                .iter()
                .filter(|l| l.tile == Some(here))
                .map(|l| l.parts.clone())
                .collect();
            tiles.insert(
                here,
                TileInfo {
                    kind: t.kind,
                    kernels,
                    has_core: core.is_some(),
                    memory_total: u64::from(res.memory_bytes),
                    stack: core.map_or(0, |c| u64::from(c.stack_size)),
                    buffers,
                    locks: (
                        phys.locks.iter().filter(|l| l.tile == id).count(),
                        res.locks,
                    ),
                    bds: (chans.iter().map(|c| c.bds.len()).sum(), res.bds),
                    s2mm,
                    mm2s,
                    channels: res.dma_channels,
                    inputs,
                    outputs,
                    links,
                    link_parts,
                },
            );
        }

        // Switches.
        let mut switches: BTreeMap<(u32, u32, bool), SwitchInfo> = BTreeMap::new();
        for sw in &phys.routing.switches {
            let e = switches.entry((sw.tile.0, sw.tile.1, sw.mux)).or_default();
            for op in &sw.ops {
                match op {
                    SwitchOp::Connect(a, b) => e.connects.push((*a, *b)),
                    _ => e.packet_ops += 1,
                }
            }
        }
        let route_tiles = phys
            .routing
            .new_tiles
            .iter()
            .copied()
            .filter(|t| !tiles.contains_key(t))
            .collect();
        let flows = phys
            .flows
            .iter()
            .map(|f| ((at(f.source.0), f.source.2), (at(f.dest.0), f.dest.2)))
            .collect();
        Model {
            fifos,
            tiles,
            route_tiles,
            switches,
            flows,
        }
    }
}

/// Calls `f` on every statement of `body`, nested ones included.
pub(crate) fn visit(body: &[CoreStmt], f: &mut impl FnMut(&CoreStmt)) {
    for s in body {
        f(s);
        match s {
            CoreStmt::For { body, .. } | CoreStmt::Forever { body } => visit(body, f),
            _ => {}
        }
    }
}

/// The FIFO a lowered buffer belongs to: the ObjectFIFO transform names FIFO buffers
/// `<fifo>_buff_<k>`, `<fifo>_cons_buff_<k>` or `<fifo>_<i>_cons_buff_<k>`; the longest FIFO
/// name that prefixes the buffer name wins. Hand-placed buffers belong to none.
fn fifo_of_buffer(fifos: &[FifoInfo], d: &Design, name: &str) -> Option<usize> {
    if d.buffers.iter().any(|(_, b)| b.name == name) {
        return None;
    }
    fifos
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            name.len() > f.name.len()
                && name.starts_with(f.name.as_str())
                && name[f.name.len()..].starts_with('_')
                && name.contains("_buff_")
        })
        .max_by_key(|(_, f)| f.name.len())
        .map(|(i, _)| i)
}

/// Which flows of the lowered design carry which FIFO.
///
/// The ObjectFIFO transform emits one flow per consumer of each FIFO that needs a DMA
/// ([`crate::ir::fifo_rules::requires_dma`]), FIFO by FIFO in declaration order. Walking
/// both lists together, such a FIFO takes the next run of flows whose source is its producer
/// and whose destinations are its consumers (one per consumer); a FIFO between tiles that
/// share memory takes none. Flows no FIFO claims (hand-placed ones) stay unattributed and are
/// drawn in grey.
fn attribute_flows(fifos: &mut [FifoInfo], d: &Design, phys: &Physical) {
    let at = |t: TileId| d.coords(t);
    let mut next = 0usize;
    for f in fifos.iter_mut() {
        if !crate::ir::fifo_rules::requires_dma(d, f.id) {
            continue;
        }
        let fits = |i: usize, taken: &[(u32, u32)]| {
            phys.flows.get(i).is_some_and(|fl| {
                at(fl.source.0) == Some(f.producer)
                    && at(fl.dest.0)
                        .is_some_and(|t| f.consumers.contains(&t) && !taken.contains(&t))
            })
        };
        let Some(first) = (next..phys.flows.len()).find(|&i| fits(i, &[])) else {
            continue;
        };
        let mut taken: Vec<(u32, u32)> = Vec::new();
        let mut i = first;
        while taken.len() < f.consumers.len() && fits(i, &taken) {
            if let Some(t) = at(phys.flows[i].dest.0) {
                taken.push(t);
            }
            f.flows.push(i);
            i += 1;
        }
        next = i;
    }
}
