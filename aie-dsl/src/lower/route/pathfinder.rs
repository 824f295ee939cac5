//! Routing: flows become stream-switch settings (mlir-aie `aie-create-pathfinder-flows` at
//! 5ff2ab97d, PIPELINE.md §5).
//!
//! The router is mlir-aie's negotiated-congestion pathfinder, reproduced with its exact tie
//! behaviour: a graph of switch ports (intra-switch edges where the target model allows the
//! connection, inter-switch edges channel to channel), Dijkstra over a 4-ary heap whose keys are
//! read live, per-iteration demand `(1 + 0.1·over) × (1 + 0.02·used)` raised by 1.1 on used
//! edges (priority packet flows keep theirs), until no edge carries two circuits. Packet flows
//! come first (priority ones sorted by source), then circuit flows in IR order; flows from one
//! source merge. The result becomes `aie.switchbox` connects, shim-mux connects for shim DMA
//! ends, arbiter/msel/masterset/packet-rule ops for packet flows, and `aie.wire`s.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::target::{npu1, Device, TileKind, WireBundle};

const ARB: u8 = npu1::ARBITERS;
const AMSELS: u8 = npu1::ARBITERS * npu1::MSELS_PER_ARBITER;

/// A port of a stream switch: bundle and channel.
pub type Port = (WireBundle, u32);
/// A tile coordinate as the router sees it (it also visits one column and row past the array).
pub type Coord = (i32, i32);
type Node = (Coord, Port);

/// One endpoint of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Tile.
    pub tile: (u32, u32),
    /// Port.
    pub port: Port,
}

/// What the router is asked to route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteFlow {
    /// A circuit-switched flow (`aie.flow`).
    Circuit {
        /// Source.
        source: Endpoint,
        /// Destination.
        dest: Endpoint,
    },
    /// A packet flow (`aie.packet_flow`).
    Packet {
        /// Packet id.
        id: u8,
        /// Sources (the last one counts, as in mlir-aie).
        sources: Vec<Endpoint>,
        /// Destinations.
        dests: Vec<Endpoint>,
        /// `keep_pkt_header`, if given.
        keep_pkt_header: Option<bool>,
        /// `priority_route`.
        priority: bool,
    },
}

/// An operation inside a switchbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwitchOp {
    /// `aie.connect<src, dst>`.
    Connect(Port, Port),
    /// `aie.amsel<arbiter> (msel)`; referred to by its position among the amsels.
    Amsel {
        /// Arbiter.
        arbiter: u8,
        /// Master select.
        msel: u8,
    },
    /// `aie.masterset(dst, amsels…)`: indices into the switchbox's amsels.
    Masterset {
        /// The master port.
        port: Port,
        /// The amsels (indices among this switchbox's `Amsel` ops).
        amsels: Vec<usize>,
        /// `keep_pkt_header`.
        keep_pkt_header: Option<bool>,
    },
    /// `aie.packet_rules(src) { aie.rule(mask, value, amsel)… }`.
    PacketRules {
        /// The slave port.
        port: Port,
        /// `(mask, value, amsel index)`.
        rules: Vec<(u8, u8, usize)>,
    },
}

/// A switchbox or shim mux with its operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switch {
    /// Tile.
    pub tile: (u32, u32),
    /// Whether this is the shim mux of the tile rather than its switchbox.
    pub mux: bool,
    /// Operations in order.
    pub ops: Vec<SwitchOp>,
}

/// `aie.wire(a : bundle, b : bundle)` between tiles, switchboxes and shim muxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wire {
    /// First end: tile, which object, bundle.
    pub a: ((u32, u32), WireEnd, WireBundle),
    /// Second end.
    pub b: ((u32, u32), WireEnd, WireBundle),
}

/// What a wire end is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireEnd {
    /// The tile itself.
    Tile,
    /// Its switchbox.
    Switchbox,
    /// Its shim mux.
    ShimMux,
}

/// The routed design.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routing {
    /// Tiles the router added (e.g. a mem tile a route passes).
    pub new_tiles: Vec<(u32, u32)>,
    /// Switchboxes and shim muxes, in creation order.
    pub switches: Vec<Switch>,
    /// Wires.
    pub wires: Vec<Wire>,
    /// Circuit flows left in the IR: mlir-aie erases only the first `aie.flow` of each source
    /// (its route covers the others, which stay as written).
    pub kept_flows: Vec<(Endpoint, Endpoint)>,
    /// Negotiation iterations it took.
    pub iterations: u32,
}

/// Routing failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// No legal routing within the iteration limit; the flows still competing for a channel.
    #[error("the flows cannot all be routed: {flows} still compete for the same stream channels after {iterations} iterations; spread them over more columns or DMA channels")]
    Unroutable {
        /// The competing flows, by source.
        flows: String,
        /// Iterations tried.
        iterations: u32,
    },
    /// Two circuit flows end at the same port.
    #[error("the flows from ({0},{1}) {2}:{3} and from ({4},{5}) {6}:{7} both end at ({8},{9}) {10}:{11}; a circuit-switched port takes one stream: use another channel, or a packet flow")]
    SharedDestination(
        u32,
        u32,
        &'static str,
        u32,
        u32,
        u32,
        &'static str,
        u32,
        u32,
        u32,
        &'static str,
        u32,
    ),
    /// A flow's endpoint is not a switch port.
    #[error("flow from ({0},{1}) {2}:{3} has no route to ({4},{5}) {6}:{7}; check that both ports exist on those tiles")]
    NoPath(u32, u32, &'static str, u32, u32, u32, &'static str, u32),
    /// Packet routing ran out of arbiters or masks.
    #[error("packet routing at tile ({0},{1}): {2}")]
    Packet(u32, u32, &'static str),
}

const MAX_ITERATIONS: u32 = 1000;

fn connecting(b: WireBundle) -> WireBundle {
    use WireBundle::*;
    match b {
        North => South,
        South => North,
        East => West,
        West => East,
        other => other,
    }
}

/// One switch (intra) or one inter-switch link of the routing graph.
struct Edges {
    src: Vec<Port>,
    dst: Vec<Port>,
    conn: Vec<bool>,
    demand: Vec<f64>,
    over: Vec<u32>,
    used: Vec<u32>,
    pcount: Vec<u32>,
    pgid: Vec<i64>,
    prio: Vec<bool>,
}

impl Edges {
    fn new(src: Vec<Port>, dst: Vec<Port>) -> Self {
        let n = src.len() * dst.len();
        Edges {
            src,
            dst,
            conn: vec![false; n],
            demand: vec![0.0; n],
            over: vec![0; n],
            used: vec![0; n],
            pcount: vec![0; n],
            pgid: vec![-1; n],
            prio: vec![false; n],
        }
    }

    fn at(&self, i: usize, j: usize) -> usize {
        i * self.dst.len() + j
    }

    fn bump(&mut self, k: usize) {
        if self.used[k] >= 1 {
            self.demand[k] *= if self.prio[k] {
                f64::from(i32::MAX)
            } else {
                1.1
            };
        }
    }
}

struct Flow {
    gid: i64,
    prio: bool,
    src: Node,
    dsts: Vec<Node>,
}

/// Per source, per tile: the (in, out) port pairs the route uses there.
type Settings = BTreeMap<Coord, (Vec<Port>, Vec<Port>)>;

struct Pathfinder {
    graph: HashMap<(Coord, Coord), Edges>,
    order: Vec<(Coord, Coord)>,
    channels: HashMap<Node, Vec<Node>>,
    flows: Vec<Flow>,
}

/// mlir-aie's `d_ary_heap_indirect` with arity 4, no decrease-key, distances read live.
struct Heap4 {
    d: Vec<Node>,
}

impl Heap4 {
    fn push(&mut self, v: Node, dist: &HashMap<Node, f64>) {
        let key = |n: &Node| dist.get(n).copied().unwrap_or(f64::MAX);
        self.d.push(v);
        let idx = self.d.len() - 1;
        if idx == 0 {
            return;
        }
        let md = key(&v);
        let mut levels = 0;
        let mut k = idx;
        while k != 0 {
            let p = (k - 1) / 4;
            if md < key(&self.d[p]) {
                levels += 1;
                k = p;
            } else {
                break;
            }
        }
        let mut k = idx;
        for _ in 0..levels {
            let p = (k - 1) / 4;
            self.d[k] = self.d[p];
            k = p;
        }
        self.d[k] = v;
    }

    fn pop(&mut self, dist: &HashMap<Node, f64>) -> Option<Node> {
        let key = |n: &Node| dist.get(n).copied().unwrap_or(f64::MAX);
        if self.d.is_empty() {
            return None;
        }
        let top = self.d[0];
        let last = self.d.pop()?;
        if self.d.is_empty() {
            return Some(top);
        }
        self.d[0] = last;
        let n = self.d.len();
        let mut idx = 0;
        let md = key(&self.d[0]);
        loop {
            let fc = idx * 4 + 1;
            if fc >= n {
                break;
            }
            let mut sidx = 0;
            let mut sd = key(&self.d[fc]);
            let cnt = if fc + 4 <= n { 4 } else { n - fc };
            for i in 1..cnt {
                let di = key(&self.d[fc + i]);
                if di < sd {
                    sidx = i;
                    sd = di;
                }
            }
            if sd < md {
                self.d.swap(fc + sidx, idx);
                idx = fc + sidx;
            } else {
                break;
            }
        }
        Some(top)
    }
}

impl Pathfinder {
    fn new(device: Device) -> Self {
        let max_col = device.columns() as i32;
        let max_row = device.rows() as i32;
        let mut graph = HashMap::new();
        let mut order = Vec::new();
        for row in 0..=max_row {
            for col in 0..=max_col {
                let (c, r) = (col as u32, row as u32);
                let shim = device.kind_of_row(r) == Some(TileKind::Shim);
                let mut src = Vec::new();
                let mut dst = Vec::new();
                let mut max_ch: HashMap<WireBundle, u32> = HashMap::new();
                for b in WireBundle::ALL {
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
                    max_ch.insert(b, m);
                }
                let mut e = Edges::new(src, dst);
                for i in 0..e.src.len() {
                    for j in 0..e.dst.len() {
                        let (p, q) = (e.src[i], e.dst[j]);
                        let mux = |b: WireBundle| {
                            matches!(b, WireBundle::Dma | WireBundle::Noc | WireBundle::Plio)
                        };
                        let ok = device.legal_connection(c, r, p.0, p.1, q.0, q.1)
                            || (shim && (mux(p.0) || mux(q.0)));
                        let k = e.at(i, j);
                        e.conn[k] = ok;
                    }
                }
                graph.insert(((col, row), (col, row)), e);
                order.push(((col, row), (col, row)));
                let mut inter = |tc: i32, tr: i32, sb: WireBundle, db: WireBundle| {
                    let n = max_ch.get(&sb).copied().unwrap_or(0);
                    let mut e = Edges::new(
                        (0..n).map(|ch| (sb, ch)).collect(),
                        (0..n).map(|ch| (db, ch)).collect(),
                    );
                    for i in 0..n as usize {
                        let k = e.at(i, i);
                        e.conn[k] = true;
                    }
                    graph.insert(((col, row), (tc, tr)), e);
                    order.push(((col, row), (tc, tr)));
                };
                if row > 0 {
                    inter(col, row - 1, WireBundle::South, WireBundle::North);
                }
                if row < max_row {
                    inter(col, row + 1, WireBundle::North, WireBundle::South);
                }
                if col > 0 {
                    inter(col - 1, row, WireBundle::West, WireBundle::East);
                }
                if col < max_col {
                    inter(col + 1, row, WireBundle::East, WireBundle::West);
                }
            }
        }
        Pathfinder {
            graph,
            order,
            channels: HashMap::new(),
            flows: Vec::new(),
        }
    }

    fn add_flow(&mut self, src: Node, dst: Node, packet: bool, prio: bool) {
        for f in &mut self.flows {
            if f.src == src {
                if prio {
                    f.prio = true;
                    f.dsts.insert(0, dst);
                } else {
                    f.dsts.push(dst);
                }
                return;
            }
        }
        let mut gid = -1;
        if packet {
            let mut found = false;
            for f in &self.flows {
                if f.src == src {
                    gid = f.gid;
                    found = true;
                    break;
                }
                if f.dsts.contains(&dst) {
                    gid = f.gid;
                    found = true;
                    break;
                }
                gid = gid.max(f.gid);
            }
            if !found {
                gid += 1;
            }
        }
        self.flows.push(Flow {
            gid,
            prio,
            src,
            dsts: vec![dst],
        });
    }

    fn sort_flows(&mut self) {
        let flows = std::mem::take(&mut self.flows);
        let (mut prio, rest): (Vec<Flow>, Vec<Flow>) = flows.into_iter().partition(|f| f.prio);
        prio.sort_by_key(|f| f.src);
        prio.extend(rest);
        self.flows = prio;
    }

    fn neighbours(&mut self, node: Node) -> Vec<Node> {
        if let Some(v) = self.channels.get(&node) {
            return v.clone();
        }
        let ((col, row), port) = node;
        let mut list = Vec::new();
        if let Some(sb) = self.graph.get(&((col, row), (col, row))) {
            for (i, p) in sb.src.iter().enumerate() {
                if *p != port {
                    continue;
                }
                for (j, q) in sb.dst.iter().enumerate() {
                    if sb.conn[sb.at(i, j)] {
                        list.push(((col, row), *q));
                    }
                }
            }
        }
        let around = [
            ((col, row - 1), (WireBundle::North, port.1)),
            ((col - 1, row), (WireBundle::East, port.1)),
            ((col, row + 1), (WireBundle::South, port.1)),
            ((col + 1, row), (WireBundle::West, port.1)),
        ];
        for (nc, np) in around {
            if let Some(e) = self.graph.get(&((col, row), nc)) {
                if port.0 == connecting(np.0) && e.dst.contains(&np) {
                    list.push((nc, np));
                }
            }
        }
        list.sort();
        self.channels.insert(node, list.clone());
        list
    }

    fn dijkstra(&mut self, src: Node) -> HashMap<Node, Node> {
        let mut dist: HashMap<Node, f64> = HashMap::new();
        let mut preds = HashMap::new();
        let mut colors: HashMap<Node, bool> = HashMap::new(); // false grey, true black
        let mut q = Heap4 { d: Vec::new() };
        dist.insert(src, 0.0);
        q.push(src, &dist);
        while let Some(u) = q.pop(&dist) {
            for v in self.neighbours(u) {
                let du = dist.get(&u).copied().unwrap_or(f64::MAX);
                let dv = *dist.entry(v).or_insert(f64::MAX);
                let Some(e) = self.graph.get(&(u.0, v.0)) else {
                    continue;
                };
                let (Some(i), Some(j)) = (
                    e.src.iter().position(|p| *p == u.1),
                    e.dst.iter().position(|p| *p == v.1),
                ) else {
                    continue;
                };
                let nd = du + e.demand[e.at(i, j)];
                let relax = nd < dv;
                match colors.get(&v) {
                    None => {
                        if relax {
                            dist.insert(v, nd);
                            preds.insert(v, u);
                            colors.insert(v, false);
                        }
                        q.push(v, &dist);
                    }
                    Some(false) if relax => {
                        dist.insert(v, nd);
                        preds.insert(v, u);
                    }
                    _ => {}
                }
            }
            colors.insert(u, true);
        }
        preds
    }

    fn find_paths(&mut self) -> Result<(HashMap<Node, Settings>, u32), RouteError> {
        for e in self.graph.values_mut() {
            e.used.iter_mut().for_each(|x| *x = 0);
            e.over.iter_mut().for_each(|x| *x = 0);
            e.prio.iter_mut().for_each(|x| *x = false);
        }
        let mut group_order: Vec<i64> = Vec::new();
        for f in &self.flows {
            if !group_order.contains(&f.gid) {
                group_order.push(f.gid);
            }
        }
        for it in 0..MAX_ITERATIONS {
            for e in self.graph.values_mut() {
                for k in 0..e.demand.len() {
                    e.demand[k] =
                        (1.0 + 0.1 * f64::from(e.over[k])) * (1.0 + 0.02 * f64::from(e.used[k]));
                }
                e.used.iter_mut().for_each(|x| *x = 0);
                e.pcount.iter_mut().for_each(|x| *x = 0);
                e.pgid.iter_mut().for_each(|x| *x = -1);
            }
            let mut sol: HashMap<Node, Settings> = HashMap::new();
            let mut users: HashMap<((Coord, Coord), usize), Vec<Node>> = HashMap::new();
            for &gid in &group_order {
                let members: Vec<usize> = (0..self.flows.len())
                    .filter(|&k| self.flows[k].gid == gid)
                    .collect();
                for k in members {
                    let (src, dsts, fgid, fprio) = {
                        let f = &self.flows[k];
                        (f.src, f.dsts.clone(), f.gid, f.prio)
                    };
                    let preds = self.dijkstra(src);
                    let mut settings: Settings = BTreeMap::new();
                    let mut processed: HashSet<Node> = HashSet::from([src]);
                    for ep in dsts {
                        if ep == src {
                            let s = settings.entry(src.0).or_default();
                            s.0.push(src.1);
                            s.1.push(src.1);
                        }
                        let mut curr = ep;
                        while !processed.contains(&curr) {
                            let Some(&pr) = preds.get(&curr) else {
                                let t = |n: Node| (n.0 .0.max(0) as u32, n.0 .1.max(0) as u32);
                                return Err(RouteError::NoPath(
                                    t(src).0,
                                    t(src).1,
                                    src.1 .0.keyword(),
                                    src.1 .1,
                                    t(ep).0,
                                    t(ep).1,
                                    ep.1 .0.keyword(),
                                    ep.1 .1,
                                ));
                            };
                            if let Some(e) = self.graph.get_mut(&(pr.0, curr.0)) {
                                let i = e.src.iter().position(|p| *p == pr.1).unwrap_or(0);
                                let j = e.dst.iter().position(|p| *p == curr.1).unwrap_or(0);
                                let kk = e.at(i, j);
                                let list = users.entry(((pr.0, curr.0), kk)).or_default();
                                if !list.contains(&src) {
                                    list.push(src);
                                }
                                e.prio[kk] = fprio;
                                if fgid >= 0 && (e.pgid[kk] == -1 || e.pgid[kk] == fgid) {
                                    for a in 0..e.src.len() {
                                        for b in 0..e.dst.len() {
                                            if a == i || b == j {
                                                let idx = e.at(a, b);
                                                e.pgid[idx] = fgid;
                                            }
                                        }
                                    }
                                    e.pcount[kk] += 1;
                                    if e.pcount[kk] >= npu1::PACKET_FLOWS_PER_CHANNEL {
                                        e.pcount[kk] = 0;
                                        e.used[kk] += 1;
                                    }
                                } else {
                                    e.used[kk] += 1;
                                }
                                e.bump(kk);
                            }
                            if pr.0 == curr.0 {
                                let s = settings.entry(pr.0).or_default();
                                s.0.push(pr.1);
                                s.1.push(curr.1);
                            }
                            processed.insert(curr);
                            curr = pr;
                        }
                    }
                    sol.insert(src, settings);
                }
                for key in &self.order {
                    if let Some(e) = self.graph.get_mut(key) {
                        for kk in 0..e.used.len() {
                            if e.pcount[kk] > 0 {
                                e.pcount[kk] = 0;
                                e.used[kk] += 1;
                            }
                            e.bump(kk);
                        }
                    }
                }
            }
            let mut illegal = 0;
            let mut competing: Vec<Node> = Vec::new();
            for key in &self.order {
                if let Some(e) = self.graph.get_mut(key) {
                    for kk in 0..e.used.len() {
                        if e.used[kk] > 1 {
                            e.over[kk] += 1;
                            illegal += 1;
                            for n in users.get(&(*key, kk)).into_iter().flatten() {
                                if !competing.contains(n) {
                                    competing.push(*n);
                                }
                            }
                        }
                    }
                }
            }
            if illegal == 0 {
                return Ok((sol, it + 1));
            }
            if it + 1 == MAX_ITERATIONS {
                competing.sort();
                let flows = competing
                    .iter()
                    .map(|n| {
                        format!(
                            "the flow from ({},{}) {}:{}",
                            n.0 .0,
                            n.0 .1,
                            n.1 .0.keyword(),
                            n.1 .1
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(RouteError::Unroutable {
                    flows,
                    iterations: MAX_ITERATIONS,
                });
            }
        }
        Err(RouteError::Unroutable {
            flows: String::new(),
            iterations: MAX_ITERATIONS,
        })
    }
}

fn node(e: &Endpoint) -> Node {
    ((e.tile.0 as i32, e.tile.1 as i32), e.port)
}

fn coord(c: Coord) -> (u32, u32) {
    (c.0.max(0) as u32, c.1.max(0) as u32)
}

/// Routes `flows` on `device`; `tiles` are the tiles the design already has.
///
/// # Errors
/// [`RouteError`] when the flows cannot be routed.
pub fn route(
    device: Device,
    tiles: &[(u32, u32)],
    flows: &[RouteFlow],
) -> Result<Routing, RouteError> {
    use WireBundle::*;
    // Two circuits into one port can never be routed; say so at once, naming both.
    let mut ends: Vec<(Endpoint, Endpoint)> = Vec::new();
    for f in flows {
        if let RouteFlow::Circuit { source, dest } = f {
            if let Some((other, _)) = ends.iter().find(|(s, d)| d == dest && s != source) {
                return Err(RouteError::SharedDestination(
                    other.tile.0,
                    other.tile.1,
                    other.port.0.keyword(),
                    other.port.1,
                    source.tile.0,
                    source.tile.1,
                    source.port.0.keyword(),
                    source.port.1,
                    dest.tile.0,
                    dest.tile.1,
                    dest.port.0.keyword(),
                    dest.port.1,
                ));
            }
            ends.push((*source, *dest));
        }
    }
    let mut pf = Pathfinder::new(device);
    for f in flows {
        if let RouteFlow::Packet {
            sources,
            dests,
            priority,
            ..
        } = f
        {
            if let Some(src) = sources.last() {
                for d in dests {
                    pf.add_flow(node(src), node(d), true, *priority);
                }
            }
        }
    }
    pf.sort_flows();
    for f in flows {
        if let RouteFlow::Circuit { source, dest } = f {
            pf.add_flow(node(source), node(dest), false, false);
        }
    }
    let (sol, iterations) = pf.find_paths()?;

    let mut out = Routing {
        iterations,
        ..Routing::default()
    };
    let mut have_tiles: Vec<(u32, u32)> = tiles.to_vec();
    let mut sb_index: HashMap<(u32, u32), usize> = HashMap::new();
    let mut mux_index: HashMap<(u32, u32), usize> = HashMap::new();
    let ensure_tile = |t: (u32, u32), out: &mut Routing, have: &mut Vec<(u32, u32)>| {
        if !have.contains(&t) {
            have.push(t);
            out.new_tiles.push(t);
        }
    };
    fn switch(
        out: &mut Routing,
        idx: &mut HashMap<(u32, u32), usize>,
        t: (u32, u32),
        mux: bool,
    ) -> usize {
        *idx.entry(t).or_insert_with(|| {
            out.switches.push(Switch {
                tile: t,
                mux,
                ops: Vec::new(),
            });
            out.switches.len() - 1
        })
    }
    let shim = |t: (u32, u32)| device.kind_of_row(t.1) == Some(TileKind::Shim);
    let mut processed: HashSet<Node> = HashSet::new();

    // Circuit flows, in IR order.
    for f in flows {
        let RouteFlow::Circuit { source, dest } = f else {
            continue;
        };
        let src = node(source);
        if processed.contains(&src) {
            out.kept_flows.push((*source, *dest));
            continue;
        }
        let settings = sol.get(&src).cloned().unwrap_or_default();
        for (tid, (ins, outs)) in &settings {
            let t = coord(*tid);
            ensure_tile(t, &mut out, &mut have_tiles);
            let sw = switch(&mut out, &mut sb_index, t, false);
            let mut shim_ch = src.1 .1;
            let at_src = shim(t) && *tid == src.0;
            if at_src {
                shim_ch = match src.1 .0 {
                    Dma => npu1::SHIM_MM2S_TO_SOUTH[usize::from(src.1 .1 != 0)],
                    Noc => {
                        if src.1 .1 >= 2 {
                            src.1 .1 + 4
                        } else {
                            src.1 .1 + 2
                        }
                    }
                    _ => src.1 .1,
                };
                let m = switch(&mut out, &mut mux_index, t, true);
                out.switches[m]
                    .ops
                    .push(SwitchOp::Connect(src.1, (North, shim_ch)));
            }
            for (s, d) in ins.iter().zip(outs) {
                if at_src {
                    out.switches[sw]
                        .ops
                        .push(SwitchOp::Connect((South, shim_ch), *d));
                } else if shim(t) && matches!(d.0, Dma | Plio | Noc) {
                    shim_ch = match d.0 {
                        Dma => npu1::SHIM_SOUTH_TO_S2MM[usize::from(d.1 != 0)],
                        Noc => d.1 + 2,
                        _ => d.1,
                    };
                    let m = switch(&mut out, &mut mux_index, t, true);
                    out.switches[m]
                        .ops
                        .push(SwitchOp::Connect((North, shim_ch), *d));
                    out.switches[sw]
                        .ops
                        .push(SwitchOp::Connect(*s, (South, shim_ch)));
                } else {
                    out.switches[sw].ops.push(SwitchOp::Connect(*s, *d));
                }
            }
        }
        processed.insert(src);
    }

    packets(
        device,
        flows,
        &sol,
        &mut processed,
        &mut out,
        &mut have_tiles,
        &mut sb_index,
        &mut mux_index,
    )?;

    // Wires between neighbouring switchboxes, tiles and shim muxes.
    for col in 0..=device.columns() {
        for row in 0..=device.rows() {
            let t = (col, row);
            if !have_tiles.contains(&t) || !sb_index.contains_key(&t) {
                continue;
            }
            if col > 0 && sb_index.contains_key(&(col - 1, row)) {
                out.wires.push(Wire {
                    a: ((col - 1, row), WireEnd::Switchbox, East),
                    b: (t, WireEnd::Switchbox, West),
                });
            }
            if row > 0 {
                out.wires.push(Wire {
                    a: (t, WireEnd::Tile, Core),
                    b: (t, WireEnd::Switchbox, Core),
                });
                out.wires.push(Wire {
                    a: (t, WireEnd::Tile, Dma),
                    b: (t, WireEnd::Switchbox, Dma),
                });
                if sb_index.contains_key(&(col, row - 1)) {
                    out.wires.push(Wire {
                        a: ((col, row - 1), WireEnd::Switchbox, North),
                        b: (t, WireEnd::Switchbox, South),
                    });
                }
            } else if mux_index.contains_key(&(col, 0)) {
                out.wires.push(Wire {
                    a: (t, WireEnd::ShimMux, North),
                    b: (t, WireEnd::Switchbox, South),
                });
                out.wires.push(Wire {
                    a: (t, WireEnd::Tile, Dma),
                    b: (t, WireEnd::ShimMux, Dma),
                });
            }
        }
    }
    Ok(out)
}

/// Whether the route of `settings` from `cur`'s output `(db, dc)` reaches `(ft, fb, fc)`.
fn reaches(
    settings: &Settings,
    cur: Coord,
    db: WireBundle,
    dc: u32,
    ft: Coord,
    fb: WireBundle,
    fc: u32,
) -> bool {
    use WireBundle::*;
    if cur == ft && db == fb && dc == fc {
        return true;
    }
    let (nb, nt) = match db {
        East => (West, (cur.0 + 1, cur.1)),
        West => (East, (cur.0 - 1, cur.1)),
        North => (South, (cur.0, cur.1 + 1)),
        South => (North, (cur.0, cur.1 - 1)),
        _ => return false,
    };
    if let Some((ins, outs)) = settings.get(&nt) {
        for (s, d) in ins.iter().zip(outs) {
            if s.0 == nb && s.1 == dc && reaches(settings, nt, d.0, d.1, ft, fb, fc) {
                return true;
            }
        }
    }
    false
}

type Key = ((Coord, Port), u8);
/// Per tile, the (slave, master) port pairs each packet id passes.
type PacketHops = BTreeMap<Coord, Vec<((Port, Port), u8)>>;

#[allow(clippy::too_many_arguments)]
fn packets(
    device: Device,
    flows: &[RouteFlow],
    sol: &HashMap<Node, Settings>,
    processed: &mut HashSet<Node>,
    out: &mut Routing,
    have_tiles: &mut Vec<(u32, u32)>,
    sb_index: &mut HashMap<(u32, u32), usize>,
    mux_index: &mut HashMap<(u32, u32), usize>,
) -> Result<(), RouteError> {
    use WireBundle::*;
    let mut switchboxes: PacketHops = BTreeMap::new();
    let mut keep_attr: HashMap<Node, Option<bool>> = HashMap::new();
    let mut ctrl: HashMap<((Coord, Port), u8), bool> = HashMap::new();
    for f in flows {
        let RouteFlow::Packet {
            id,
            sources,
            dests,
            keep_pkt_header,
            priority,
        } = f
        else {
            continue;
        };
        let Some(src) = sources.last().map(node) else {
            continue;
        };
        for d in dests {
            let dn = node(d);
            keep_attr.insert(dn, *keep_pkt_header);
            if processed.contains(&src) {
                continue;
            }
            let settings = sol.get(&src).cloned().unwrap_or_default();
            for (cur, (ins, outs)) in &settings {
                for (s, o) in ins.iter().zip(outs) {
                    if !reaches(&settings, *cur, o.0, o.1, dn.0, dn.1 .0, dn.1 .1) {
                        continue;
                    }
                    let list = switchboxes.entry(*cur).or_default();
                    if !list.contains(&((*s, *o), *id)) {
                        list.push(((*s, *o), *id));
                    }
                    ctrl.insert(((*cur, *o), *id), *priority);
                }
            }
        }
    }
    let mut packet_flows: BTreeMap<Key, Vec<(Coord, Port)>> = BTreeMap::new();
    let mut ctrl_flows: BTreeMap<Key, Vec<(Coord, Port)>> = BTreeMap::new();
    let mut slave_ports: Vec<Key> = Vec::new();
    for (tid, list) in &switchboxes {
        for ((s, d), fid) in list {
            let key = ((*tid, *s), *fid);
            if ctrl.get(&((*tid, *d), *fid)).copied().unwrap_or(false) {
                ctrl_flows.entry(key).or_default().push((*tid, *d));
            } else {
                packet_flows.entry(key).or_default().push((*tid, *d));
            }
            slave_ports.push(key);
        }
    }
    let sorted: Vec<(Key, Vec<(Coord, Port)>)> = ctrl_flows
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .chain(packet_flows.iter().map(|(k, v)| (*k, v.clone())))
        .collect();
    for (k, v) in &ctrl_flows {
        packet_flows.entry(*k).or_insert_with(|| v.clone());
    }
    let mut master_amsels: BTreeMap<(Coord, u8), Vec<Port>> = BTreeMap::new();
    let mut port_arb: HashMap<(Coord, Port), u8> = HashMap::new();
    let mut slave_amsels: HashMap<Key, u8> = HashMap::new();
    let fail = |t: Coord, m: &'static str| RouteError::Packet(coord(t).0, coord(t).1, m);
    for (key, dests) in &sorted {
        let tid = key.0 .0;
        if !have_tiles.contains(&coord(tid)) {
            have_tiles.push(coord(tid));
            out.new_tiles.push(coord(tid));
        }
        let existing = dests
            .iter()
            .find_map(|(_, p)| port_arb.get(&(tid, *p)).copied());
        let (mut matched, mut partial, mut amsel) = (false, None, 0u8);
        for ((t, a), ex) in &master_amsels {
            if *t != tid {
                continue;
            }
            amsel = *a;
            if existing.is_some_and(|e| e != a % ARB) {
                continue;
            }
            let ov = dests.iter().any(|(_, p)| ex.contains(p));
            let nov = dests.iter().any(|(_, p)| !ex.contains(p));
            if ov {
                matched = true;
                if nov || ex.len() != dests.len() {
                    partial = Some(a % ARB);
                }
                break;
            }
        }
        let new_on_arb =
            |arb: u8, m: &BTreeMap<(Coord, u8), Vec<Port>>| -> Result<u8, RouteError> {
                (0..4)
                    .map(|i| arb + ARB * i)
                    .find(|a| !m.contains_key(&(tid, *a)))
                    .ok_or_else(|| fail(tid, "an arbiter has used up all its msels"))
            };
        let assign = |a: u8,
                      m: &mut BTreeMap<(Coord, u8), Vec<Port>>,
                      pa: &mut HashMap<(Coord, Port), u8>| {
            let arb = a % ARB;
            for (_, p) in dests {
                if pa.get(&(tid, *p)).is_some_and(|x| *x != arb) {
                    continue;
                }
                m.entry((tid, a)).or_default().push(*p);
                pa.insert((tid, *p), arb);
            }
        };
        if !matched {
            amsel = match existing {
                None => {
                    let is_ctrl = dests
                        .iter()
                        .any(|(_, p)| ctrl.get(&((tid, *p), key.1)).copied().unwrap_or(false));
                    let range: Vec<u8> = if is_ctrl {
                        (0..AMSELS).rev().collect()
                    } else {
                        (0..AMSELS).collect()
                    };
                    range
                        .into_iter()
                        .find(|a| !master_amsels.contains_key(&(tid, *a)))
                        .ok_or_else(|| fail(tid, "all arbiter/msel combinations are used"))?
                }
                Some(arb) => new_on_arb(arb, &master_amsels)?,
            };
            assign(amsel, &mut master_amsels, &mut port_arb);
        } else if let Some(arb) = partial {
            amsel = new_on_arb(arb, &master_amsels)?;
            assign(amsel, &mut master_amsels, &mut port_arb);
        } else {
            for (_, p) in dests {
                port_arb.entry((tid, *p)).or_insert(amsel % ARB);
            }
        }
        slave_amsels.insert(*key, amsel);
    }
    let mut mastersets: BTreeMap<(Coord, Port), Vec<u8>> = BTreeMap::new();
    for ((t, a), ports) in &master_amsels {
        for p in ports {
            mastersets.entry((*t, *p)).or_default().push(*a);
        }
    }
    // Slave ports with the same destinations share a rule; the mask clears differing id bits.
    let mut groups: Vec<Vec<Key>> = Vec::new();
    let mut work = slave_ports.clone();
    while let Some(s1) = work.pop() {
        let d1 = packet_flows.get(&s1).cloned().unwrap_or_default();
        let mut found = false;
        for g in &mut groups {
            let s2 = g[0];
            if s1.0 .1 != s2.0 .1 {
                continue;
            }
            let d2 = packet_flows.get(&s2).cloned().unwrap_or_default();
            if d1.len() == d2.len() && d1.iter().all(|x| d2.contains(x)) {
                g.push(s1);
                found = true;
                break;
            }
        }
        if !found {
            groups.push(vec![s1]);
        }
    }
    let mut masks: HashMap<Key, u8> = HashMap::new();
    for g in &groups {
        let mut mask = [-1i8; npu1::PACKET_ID_BITS as usize];
        for s in g {
            for (i, m) in mask.iter_mut().enumerate() {
                let bit = ((s.1 >> i) & 1) as i8;
                if *m == -1 {
                    *m = bit;
                } else if *m != bit {
                    *m = 2;
                }
            }
        }
        let mut mv = 0u8;
        for i in (0..npu1::PACKET_ID_BITS as usize).rev() {
            mv = (mv << 1) + u8::from(mask[i] != 2);
        }
        for s in g {
            masks.insert(*s, mv);
        }
    }
    let mut tiles_sorted: Vec<(u32, u32)> = have_tiles.clone();
    for (t, _) in mastersets.keys() {
        if !tiles_sorted.contains(&coord(*t)) {
            tiles_sorted.push(coord(*t));
        }
    }
    tiles_sorted.sort();
    for t in tiles_sorted {
        let tid = (t.0 as i32, t.1 as i32);
        let needed: std::collections::BTreeSet<u8> = mastersets
            .iter()
            .filter(|((c, _), _)| *c == tid)
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        // mlir-aie visits every tile here and creates its switchbox if it has none yet.
        let sw = {
            let idx = *sb_index.entry(t).or_insert_with(|| {
                out.switches.push(Switch {
                    tile: t,
                    mux: false,
                    ops: Vec::new(),
                });
                out.switches.len() - 1
            });
            idx
        };
        let mut amsel_pos: HashMap<u8, usize> = HashMap::new();
        let mut count = 0;
        for a in 0..AMSELS {
            if needed.contains(&a) {
                out.switches[sw].ops.push(SwitchOp::Amsel {
                    arbiter: a % ARB,
                    msel: a / ARB,
                });
                amsel_pos.insert(a, count);
                count += 1;
            }
        }
        let mut masters: Vec<Port> = mastersets
            .keys()
            .filter(|(c, _)| *c == tid)
            .map(|(_, p)| *p)
            .collect();
        masters.sort();
        for p in masters {
            let amsels = mastersets[&(tid, p)]
                .iter()
                .filter_map(|a| amsel_pos.get(a).copied())
                .collect();
            out.switches[sw].ops.push(SwitchOp::Masterset {
                port: p,
                amsels,
                keep_pkt_header: keep_attr.get(&(tid, p)).copied().flatten(),
            });
        }
        let mut rules_at: HashMap<Port, usize> = HashMap::new();
        for g in &groups {
            let ((gt, slave), gid) = g[0];
            if gt != tid {
                continue;
            }
            let mask = masks[&g[0]];
            let value = gid & mask;
            let amsel = slave_amsels
                .get(&g[0])
                .and_then(|a| amsel_pos.get(a).copied())
                .unwrap_or(0);
            let at = *rules_at.entry(slave).or_insert_with(|| {
                out.switches[sw].ops.push(SwitchOp::PacketRules {
                    port: slave,
                    rules: Vec::new(),
                });
                out.switches[sw].ops.len() - 1
            });
            if let SwitchOp::PacketRules { rules, .. } = &mut out.switches[sw].ops[at] {
                if rules.iter().any(|r| gid & r.0 == r.1) {
                    return Err(fail(tid, "two packet rules would match the same packet id"));
                }
                rules.push((mask, value, amsel));
            }
        }
    }
    // Shim DMA ends of packet flows go through the shim mux.
    let shim_sbs: Vec<usize> = (0..out.switches.len())
        .filter(|&i| {
            !out.switches[i].mux
                && device.kind_of_row(out.switches[i].tile.1) == Some(TileKind::Shim)
                && !out.switches[i].ops.is_empty()
        })
        .collect();
    for i in shim_sbs {
        let t = out.switches[i].tile;
        let mut mux_ops = Vec::new();
        for op in &mut out.switches[i].ops {
            match op {
                SwitchOp::PacketRules { port, .. } if port.0 == Dma => {
                    let ch = port.1;
                    *port = (South, ch);
                    if ch == 0 {
                        let c = npu1::SHIM_MM2S_TO_SOUTH[0];
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((Dma, 0), (North, c)));
                    }
                    if port.1 == 1 {
                        let c = npu1::SHIM_MM2S_TO_SOUTH[1];
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((Dma, 1), (North, c)));
                    }
                }
                SwitchOp::Masterset { port, .. } if port.0 == Dma => {
                    let ch = port.1;
                    *port = (South, ch);
                    if ch == 0 {
                        let c = npu1::SHIM_SOUTH_TO_S2MM[0];
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((North, c), (Dma, 0)));
                    }
                    if port.1 == 1 {
                        let c = npu1::SHIM_SOUTH_TO_S2MM[1];
                        *port = (South, c);
                        mux_ops.push(SwitchOp::Connect((North, c), (Dma, 1)));
                    }
                }
                _ => {}
            }
        }
        if !mux_ops.is_empty() {
            let m = *mux_index.entry(t).or_insert_with(|| {
                out.switches.push(Switch {
                    tile: t,
                    mux: true,
                    ops: Vec::new(),
                });
                out.switches.len() - 1
            });
            for op in mux_ops {
                out.switches[m].ops.insert(0, op);
            }
        }
    }
    Ok(())
}
