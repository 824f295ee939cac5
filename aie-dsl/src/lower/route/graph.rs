//! The switch-port graph of a device, as mlir-aie's `Pathfinder::initialize` lays it out
//! (lib/Dialect/AIE/Transforms/AIEPathFinder.cpp at 5ff2ab97d), built once per device and
//! process.
//!
//! A node is a port `(bundle, channel)` of the switch of one tile, whichever way the stream
//! runs through it (mlir-aie's `PathEndPoint` does not say either). The graph covers the
//! device's columns and rows and one more of each, as mlir-aie's loops `0..=columns` and
//! `0..=rows` do. Edges:
//! - inside a switch, slave port → master port where the target model allows the connection
//!   (on a shim tile also every pair with a DMA, NOC or PLIO end: mlir-aie's stand-in for the
//!   shim mux);
//! - between neighbouring switches, master `North`/`South`/`East`/`West` channel `c` → the
//!   neighbour's opposite bundle, channel `c`, for every master channel of that bundle.
//!
//! Nodes and edges are dense indices; each node's successors are stored in mlir-aie's order
//! (sorted by tile, then port), so Dijkstra visits them exactly as mlir-aie does.

use std::sync::Mutex;

use super::{Coord, Port};
use crate::target::connection_rule;
use crate::target::{Device, TileKind, WireBundle};

/// A node of the graph (a switch port of one tile), or past [`Graph::nodes`] a port the graph
/// does not have (see [`super::pathfinder`]).
pub(super) type NodeId = u32;
/// An edge of the graph.
pub(super) type EdgeId = u32;

/// The switch-port graph of one device.
pub(super) struct Graph {
    /// Tiles per row of the graph (the device's columns + 1).
    width: i32,
    /// Rows of the graph (the device's rows + 1).
    height: i32,
    /// Node slots per bundle: one more than the highest channel of any port.
    channels: u32,
    /// Node count.
    pub(super) nodes: usize,
    /// Edge count.
    pub(super) edges: usize,
    /// Successors of node `n`: `succ[succ_at[n]..succ_at[n + 1]]`, each with its edge.
    succ_at: Vec<u32>,
    succ: Vec<(NodeId, EdgeId)>,
    /// Per edge: the two lines it belongs to, the edges of its switch that share its slave port
    /// and those that share its master port (a link between switches is a line of its own).
    /// mlir-aie marks a switch's whole row and column with a packet group; only the edges that
    /// exist can ever be read back.
    edge_lines: Vec<(u32, u32)>,
    /// Members of line `l`: `members[member_at[l]..member_at[l + 1]]`, in edge order.
    member_at: Vec<u32>,
    members: Vec<EdgeId>,
}

/// Start offsets of `count` flat lists (plus the end) from the list index of each item.
fn offsets(count: usize, items: impl Iterator<Item = usize>) -> Vec<u32> {
    let mut at = vec![0u32; count + 1];
    for i in items {
        at[i + 1] += 1;
    }
    for i in 0..count {
        at[i + 1] += at[i];
    }
    at
}

/// Bundles whose ports on a shim tile's switch stand for the shim mux in the graph.
fn mux_bundle(b: WireBundle) -> bool {
    matches!(b, WireBundle::Dma | WireBundle::Noc | WireBundle::Plio)
}

/// The bundle a stream arrives on after leaving through `b`.
pub(super) fn connecting(b: WireBundle) -> WireBundle {
    use WireBundle::*;
    match b {
        North => South,
        South => North,
        East => West,
        West => East,
        other => other,
    }
}

/// What decides a switch's connections: its tile's kind and its slave and master ports, each
/// with whether the switch itself has it (else it stands for the shim mux).
#[derive(PartialEq, Eq)]
struct Signature {
    kind: Option<TileKind>,
    src: Vec<(Port, bool)>,
    dst: Vec<(Port, bool)>,
}

impl Signature {
    /// The (slave, master) index pairs the switch connects, slave-major.
    fn connections(&self, shim: bool) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for (i, (p, p_own)) in self.src.iter().enumerate() {
            for (j, (q, q_own)) in self.dst.iter().enumerate() {
                let ok = (shim && (mux_bundle(p.0) || mux_bundle(q.0)))
                    || (*p_own && *q_own && connection_rule(self.kind, p.0, p.1, q.0, q.1));
                if ok {
                    pairs.push((i, j));
                }
            }
        }
        pairs
    }
}

impl Graph {
    /// The graph of `device`, built on first use and kept for the process.
    pub(super) fn of(device: Device) -> &'static Graph {
        static CACHE: Mutex<Vec<(Device, &'static Graph)>> = Mutex::new(Vec::new());
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, g)) = cache.iter().find(|(d, _)| *d == device) {
            return g;
        }
        // One graph per device for the life of the process: leaking it is the point.
        let g: &'static Graph = Box::leak(Box::new(Graph::build(device)));
        cache.push((device, g));
        g
    }

    fn build(device: Device) -> Graph {
        let width = device.columns() as i32 + 1;
        let height = device.rows() as i32 + 1;
        // Per tile (row-major over the graph): slave ports, master ports, and the master
        // channel count per bundle (which sizes the links to the neighbours).
        let mut tiles: Vec<(Vec<Port>, Vec<Port>, [u32; 11])> = Vec::new();
        let mut channels = 1;
        for row in 0..height {
            for col in 0..width {
                let (c, r) = (col as u32, row as u32);
                let shim = device.kind_of_row(r) == Some(TileKind::Shim);
                let (mut src, mut dst, mut max_ch) = (Vec::new(), Vec::new(), [0u32; 11]);
                for (bi, b) in WireBundle::ALL.into_iter().enumerate() {
                    let mut n = device.switch_ports(c, r, b, false);
                    if n == 0 && shim {
                        n = device.shim_mux_ports(r, b, false);
                    }
                    src.extend((0..n).map(|ch| (b, ch)));
                    let mut m = device.switch_ports(c, r, b, true);
                    if m == 0 && shim {
                        m = device.shim_mux_ports(r, b, true);
                    }
                    dst.extend((0..m).map(|ch| (b, ch)));
                    max_ch[bi] = m;
                    channels = channels.max(n).max(m);
                }
                tiles.push((src, dst, max_ch));
            }
        }
        let mut g = Graph {
            width,
            height,
            channels,
            nodes: tiles.len() * WireBundle::ALL.len() * channels as usize,
            edges: 0,
            succ_at: Vec::new(),
            succ: Vec::new(),
            edge_lines: Vec::new(),
            member_at: Vec::new(),
            members: Vec::new(),
        };
        // Edges, each with the two lines (same slave, same master) it belongs to.
        let mut ends: Vec<(NodeId, NodeId)> = Vec::with_capacity(8 * 1024);
        let mut edge_lines: Vec<(usize, usize)> = Vec::with_capacity(8 * 1024);
        let mut line_count = 0usize;
        let mut switches: Vec<(Signature, Vec<(usize, usize)>)> = Vec::new();
        for row in 0..height {
            for col in 0..width {
                let (c, r) = (col as u32, row as u32);
                let shim = device.kind_of_row(r) == Some(TileKind::Shim);
                let (src, dst, max_ch) = &tiles[(row * width + col) as usize];
                let kind = device.kind_of_row(r);
                // Per port: its node, and whether the switch itself has it (the shim mux's
                // stand-in ports are listed too); then the connection rule needs no more checks.
                let src_ids: Vec<(Option<NodeId>, bool)> = src
                    .iter()
                    .map(|p| {
                        let own = p.1 < device.switch_ports(c, r, p.0, false);
                        (g.node((col, row), *p), own)
                    })
                    .collect();
                let dst_ids: Vec<(Option<NodeId>, bool)> = dst
                    .iter()
                    .map(|q| {
                        let own = q.1 < device.switch_ports(c, r, q.0, true);
                        (g.node((col, row), *q), own)
                    })
                    .collect();
                // The switch's connections depend only on the tile's kind and ports: tiles
                // alike (most of a row) share one list of (slave, master) index pairs.
                let sig = Signature {
                    kind,
                    src: src
                        .iter()
                        .zip(&src_ids)
                        .map(|(p, (_, own))| (*p, *own))
                        .collect(),
                    dst: dst
                        .iter()
                        .zip(&dst_ids)
                        .map(|(q, (_, own))| (*q, *own))
                        .collect(),
                };
                let at = match switches.iter().position(|(s, _)| *s == sig) {
                    Some(at) => at,
                    None => {
                        let pairs = sig.connections(shim);
                        switches.push((sig, pairs));
                        switches.len() - 1
                    }
                };
                for &(i, j) in &switches[at].1 {
                    if let (Some((Some(a), _)), Some((Some(b), _))) =
                        (src_ids.get(i), dst_ids.get(j))
                    {
                        ends.push((*a, *b));
                        edge_lines.push((line_count + i, line_count + src.len() + j));
                    }
                }
                line_count += src.len() + dst.len();
                let links = [
                    (row > 0, (col, row - 1), WireBundle::South),
                    (row + 1 < height, (col, row + 1), WireBundle::North),
                    (col > 0, (col - 1, row), WireBundle::West),
                    (col + 1 < width, (col + 1, row), WireBundle::East),
                ];
                for (exists, to, b) in links {
                    if !exists {
                        continue;
                    }
                    for ch in 0..max_ch[b.enum_value() as usize] {
                        let from = g.node((col, row), (b, ch));
                        let into = g.node(to, (connecting(b), ch));
                        if let (Some(a), Some(z)) = (from, into) {
                            ends.push((a, z));
                            edge_lines.push((line_count, line_count));
                            line_count += 1;
                        }
                    }
                }
            }
        }
        g.edges = ends.len();
        // Successor lists in mlir-aie's order: sorted by (tile column, row, bundle, channel),
        // laid out flat (counted first, then filled) rather than as a list per node.
        g.succ_at = offsets(g.nodes, ends.iter().map(|(a, _)| *a as usize));
        g.succ = vec![(0, 0); ends.len()];
        let mut fill: Vec<u32> = g.succ_at[..g.nodes].to_vec();
        for (e, (a, b)) in ends.iter().enumerate() {
            let at = &mut fill[*a as usize];
            g.succ[*at as usize] = (*b, e as EdgeId);
            *at += 1;
        }
        // The order of (column, row, bundle, channel), packed into one number.
        let key = |n: NodeId| {
            let ((c, r), (b, ch)) = g.key(n);
            (u64::from(c as u32) << 48)
                | (u64::from(r as u32) << 32)
                | (u64::from(b as u32) << 24)
                | u64::from(ch)
        };
        let mut list: Vec<(u64, NodeId, EdgeId)> = Vec::new();
        let mut sorted = Vec::with_capacity(g.succ.len());
        for n in 0..g.nodes {
            let (lo, hi) = (g.succ_at[n] as usize, g.succ_at[n + 1] as usize);
            let succ = g.succ.get(lo..hi).unwrap_or(&[]);
            if succ.len() > 1 {
                list.clear();
                list.extend(succ.iter().map(|&(n, e)| (key(n), n, e)));
                if !list.is_sorted_by_key(|t| t.0) {
                    list.sort_unstable_by_key(|t| t.0);
                }
                sorted.extend(list.iter().map(|&(_, n, e)| (n, e)));
            } else {
                sorted.extend_from_slice(succ);
            }
        }
        g.succ = sorted;
        // Members of each line, in edge order, flat as well.
        let line_edges = edge_lines
            .iter()
            .flat_map(|&(l1, l2)| std::iter::once(l1).chain((l2 != l1).then_some(l2)));
        let member_at = offsets(line_count, line_edges);
        let mut members: Vec<EdgeId> = vec![0; member_at[line_count] as usize];
        let mut fill: Vec<u32> = member_at[..line_count].to_vec();
        for (e, (l1, l2)) in edge_lines.iter().enumerate() {
            for l in std::iter::once(*l1).chain((l2 != l1).then_some(*l2)) {
                members[fill[l] as usize] = e as EdgeId;
                fill[l] += 1;
            }
        }
        g.edge_lines = edge_lines
            .iter()
            .map(|&(l1, l2)| (l1 as u32, l2 as u32))
            .collect();
        g.member_at = member_at;
        g.members = members;
        g
    }

    /// The node of port `p` at tile `t`, if the graph has a slot for it.
    pub(super) fn node(&self, t: Coord, p: Port) -> Option<NodeId> {
        if t.0 < 0 || t.0 >= self.width || t.1 < 0 || t.1 >= self.height || p.1 >= self.channels {
            return None;
        }
        let tile = (t.1 * self.width + t.0) as u32;
        let per_tile = WireBundle::ALL.len() as u32 * self.channels;
        let slot = p.0.enum_value() as u32 * self.channels + p.1;
        Some(tile * per_tile + slot)
    }

    /// Tile and port of node `n` (which must be below [`Graph::nodes`]).
    pub(super) fn key(&self, n: NodeId) -> (Coord, Port) {
        let per_tile = WireBundle::ALL.len() as u32 * self.channels;
        let (tile, slot) = (n / per_tile, n % per_tile);
        let t = (tile as i32 % self.width, tile as i32 / self.width);
        let b = WireBundle::ALL[(slot / self.channels) as usize];
        (t, (b, slot % self.channels))
    }

    /// Successors of node `n`, each with the edge to it, in mlir-aie's visiting order.
    pub(super) fn successors(&self, n: NodeId) -> &[(NodeId, EdgeId)] {
        let n = n as usize;
        match (self.succ_at.get(n), self.succ_at.get(n + 1)) {
            (Some(a), Some(b)) => &self.succ[*a as usize..*b as usize],
            _ => &[],
        }
    }

    /// The edges sharing a slave or master port with edge `e` in its switch (itself included).
    pub(super) fn lines_of(&self, e: EdgeId) -> impl Iterator<Item = EdgeId> + '_ {
        let line = |l: u32| {
            let l = l as usize;
            match (self.member_at.get(l), self.member_at.get(l + 1)) {
                (Some(a), Some(b)) => &self.members[*a as usize..*b as usize],
                _ => &[],
            }
        };
        let (l1, l2) = self.edge_lines.get(e as usize).copied().unwrap_or((0, 0));
        let second = if l2 != l1 { line(l2) } else { &[] };
        line(l1).iter().chain(second).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_once_per_device() {
        let a = Graph::of(Device::Npu1) as *const Graph;
        let b = Graph::of(Device::Npu1) as *const Graph;
        let c = Graph::of(Device::Npu1_1Col) as *const Graph;
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn nodes_name_their_ports_and_successors_are_sorted() {
        let g = Graph::of(Device::Npu1_2Col);
        for n in 0..g.nodes as NodeId {
            let (t, p) = g.key(n);
            assert_eq!(g.node(t, p), Some(n));
            let keys: Vec<_> = g.successors(n).iter().map(|(m, _)| g.key(*m)).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{t:?} {p:?}");
        }
        assert_eq!(g.node((3, 0), (WireBundle::Dma, 0)), None);
        assert_eq!(g.node((0, 0), (WireBundle::Dma, g.channels)), None);
    }

    #[test]
    fn a_compute_dma_reaches_its_switch_and_the_switch_its_neighbours() {
        use WireBundle::*;
        let g = Graph::of(Device::Npu1_1Col);
        let succ = |t: Coord, p: Port| -> Vec<(Coord, Port)> {
            let n = g.node(t, p).expect("a node");
            g.successors(n).iter().map(|(m, _)| g.key(*m)).collect()
        };
        // DMA:0 of tile (0,2) as a slave reaches North:0 of its own switch (a legal connection).
        assert!(succ((0, 2), (Dma, 0)).contains(&((0, 2), (North, 0))));
        // North:0 as a master leads into the tile above, on South:0.
        assert!(succ((0, 2), (North, 0)).contains(&((0, 3), (South, 0))));
        // A mem tile's DMA:0 cannot go West (no such connection on a mem tile).
        assert!(!succ((0, 1), (Dma, 0)).iter().any(|(_, p)| p.0 == West));
    }
}
