//! mlir-aie's negotiated-congestion pathfinder (`Pathfinder::addFlow`, `sortFlows`,
//! `dijkstraShortestPaths` and `findPaths` in lib/Dialect/AIE/Transforms/AIEPathFinder.cpp at
//! 5ff2ab97d), reproduced with its exact tie behaviour over the dense graph of [`super::graph`].
//!
//! Dijkstra runs over a 4-ary heap without decrease-key whose keys are read live (a node whose
//! distance drops stays where it is until the heap next moves it), visiting successors in
//! mlir-aie's order. Per iteration every edge's demand is `(1 + 0.1·over) × (1 + 0.02·used)`,
//! multiplied by 1.1 (by `i32::MAX` on a priority packet flow's edges) whenever it is used;
//! flows of one packet group share channels, up to the target's packet flows per channel.
//! Iterations go on until no edge carries two circuits.

use std::collections::BTreeMap;

use super::graph::{EdgeId, Graph, NodeId};
use super::{Coord, Port, RouteError};
use crate::target::Device;

/// A node as the router's callers name it: tile and port.
pub(super) type Node = (Coord, Port);

/// Per tile, the (slave, master) port pairs a route uses there.
pub(super) type Settings = BTreeMap<Coord, (Vec<Port>, Vec<Port>)>;

/// mlir-aie's `maxIterations`.
const MAX_ITERATIONS: u32 = 1000;

/// One source and every destination routed from it.
struct Flow {
    /// Packet group (-1 for a circuit flow).
    gid: i64,
    prio: bool,
    src: Node,
    dsts: Vec<Node>,
}

/// What one edge carries in the current negotiation.
#[derive(Clone, Copy)]
struct EdgeState {
    over: u32,
    used: u32,
    pcount: u32,
    pgid: i64,
    prio: bool,
    /// Whether it was used in this iteration (it is then in `Pathfinder::touched`).
    touched: bool,
}

impl EdgeState {
    /// mlir-aie's `bumpDemand` of this edge's `demand`.
    fn bump(&self, demand: &mut f64) {
        if self.used >= 1 {
            *demand *= if self.prio { f64::from(i32::MAX) } else { 1.1 };
        }
    }
}

/// The flows to route on one device and the state of their negotiation.
pub(super) struct Pathfinder {
    graph: &'static Graph,
    device: Device,
    flows: Vec<Flow>,
    /// Ports of flows that the graph has no node for (a channel a tile does not have): each
    /// gets a node of its own past the graph's, with no edges.
    extra: Vec<Node>,
    edges: Vec<EdgeState>,
    /// Each edge's demand (apart from the rest of its state: Dijkstra reads only this).
    demand: Vec<f64>,
    /// Edges used in the current iteration (the only ones whose `used` is not 0).
    touched: Vec<EdgeId>,
}

/// mlir-aie's `d_ary_heap_indirect` with arity 4: no decrease-key, distances read live.
struct Heap4 {
    d: Vec<NodeId>,
}

impl Heap4 {
    fn push(&mut self, v: NodeId, slots: &[Slot]) {
        let key = |n: NodeId| slots[n as usize].dist;
        self.d.push(v);
        let idx = self.d.len() - 1;
        if idx == 0 {
            return;
        }
        let md = key(v);
        let mut levels = 0;
        let mut k = idx;
        while k != 0 {
            let p = (k - 1) / 4;
            if md < key(self.d[p]) {
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

    fn pop(&mut self, slots: &[Slot]) -> Option<NodeId> {
        let key = |n: NodeId| slots[n as usize].dist;
        let top = *self.d.first()?;
        let last = self.d.pop()?;
        if self.d.is_empty() {
            return Some(top);
        }
        self.d[0] = last;
        let n = self.d.len();
        let mut idx = 0;
        let md = key(self.d[0]);
        loop {
            let fc = idx * 4 + 1;
            if fc >= n {
                break;
            }
            let mut sidx = 0;
            let mut sd = key(self.d[fc]);
            let cnt = if fc + 4 <= n { 4 } else { n - fc };
            for i in 1..cnt {
                let di = key(self.d[fc + i]);
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

/// One node's state in a search: valid for the current search only when its stamp is the
/// search's (the slots are reused from flow to flow). Kept together so a relaxation reads one
/// place.
#[derive(Clone, Copy)]
struct Slot {
    dist: f64,
    /// Predecessor and the edge from it, `NONE` if none.
    pred: (NodeId, EdgeId),
    stamp: u32,
    /// 0 white, 1 grey, 2 black.
    color: u8,
}

impl Slot {
    /// A slot as a search first sees it: white, at infinite distance, no predecessor.
    const FRESH: Slot = Slot {
        dist: f64::MAX,
        pred: (NONE, NONE),
        stamp: 0,
        color: 0,
    };
}

/// Dijkstra's working arrays, one slot per node, reused from flow to flow.
struct Search {
    slots: Vec<Slot>,
    search: u32,
    /// Destinations still to reach: `goal[n] == search` for each.
    goal: Vec<u32>,
    /// Nodes already on this flow's route: `processed[n] == search`.
    processed: Vec<u32>,
    heap: Heap4,
}

impl Search {
    fn new(nodes: usize) -> Self {
        Search {
            slots: vec![Slot::FRESH; nodes],
            search: 0,
            goal: vec![0; nodes],
            processed: vec![0; nodes],
            heap: Heap4 { d: Vec::new() },
        }
    }

    /// Node `v`'s slot, made valid for this search first.
    fn visit(&mut self, v: usize) -> &mut Slot {
        let search = self.search;
        let slot = &mut self.slots[v];
        if slot.stamp != search {
            *slot = Slot {
                stamp: search,
                ..Slot::FRESH
            };
        }
        slot
    }

    fn pred(&self, v: NodeId) -> (NodeId, EdgeId) {
        match self.slots.get(v as usize) {
            Some(slot) if slot.stamp == self.search => slot.pred,
            _ => (NONE, NONE),
        }
    }
}

const NONE: u32 = u32::MAX;

impl Pathfinder {
    /// An empty router for `device`, on the device's graph.
    pub(super) fn new(device: Device) -> Self {
        let graph = Graph::of(device);
        Pathfinder {
            graph,
            device,
            flows: Vec::new(),
            extra: Vec::new(),
            edges: Vec::new(),
            demand: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// mlir-aie's `addFlow`: a destination for `src`, merged into the flow of the same source.
    pub(super) fn add_flow(&mut self, src: Node, dst: Node, packet: bool, prio: bool) {
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

    /// mlir-aie's `sortFlows`: priority flows first, sorted by source; the others as added.
    pub(super) fn sort_flows(&mut self) {
        let flows = std::mem::take(&mut self.flows);
        let (mut prio, rest): (Vec<Flow>, Vec<Flow>) = flows.into_iter().partition(|f| f.prio);
        prio.sort_by_key(|f| f.src);
        prio.extend(rest);
        self.flows = prio;
    }

    /// The node of `n`, giving a port the graph lacks a node of its own.
    fn id(&mut self, n: Node) -> NodeId {
        if let Some(id) = self.graph.node(n.0, n.1) {
            return id;
        }
        let at = match self.extra.iter().position(|x| *x == n) {
            Some(i) => i,
            None => {
                self.extra.push(n);
                self.extra.len() - 1
            }
        };
        (self.graph.nodes + at) as NodeId
    }

    /// Tile and port of node `id`.
    fn key(&self, id: NodeId) -> Node {
        match (id as usize).checked_sub(self.graph.nodes) {
            Some(i) => self.extra[i],
            None => self.graph.key(id),
        }
    }

    /// mlir-aie's `dijkstraShortestPaths` from `src` toward `dsts`: fills `s.pred`.
    ///
    /// mlir-aie settles the whole graph; this stops once every destination is settled (popped
    /// grey, so its predecessor chain is made of settled nodes, which no later step changes),
    /// which leaves the predecessors on every route exactly as mlir-aie's.
    fn dijkstra(&self, src: NodeId, dsts: &[NodeId], s: &mut Search) {
        s.search += 1;
        s.heap.d.clear();
        let mut left = 0;
        for &d in dsts {
            if s.goal[d as usize] != s.search {
                s.goal[d as usize] = s.search;
                left += 1;
            }
        }
        s.visit(src as usize).dist = 0.0;
        s.heap.push(src, &s.slots);
        while let Some(u) = s.heap.pop(&s.slots) {
            let ui = u as usize;
            let (du, grey) = {
                let slot = &s.slots[ui];
                (slot.dist, slot.color == 1)
            };
            if s.goal[ui] == s.search && (u == src || grey) {
                s.goal[ui] = 0;
                left -= 1;
                if left == 0 {
                    break;
                }
            }
            for &(v, e) in self.graph.successors(u) {
                let nd = du + self.demand[e as usize];
                let slot = s.visit(v as usize);
                let relax = nd < slot.dist;
                match slot.color {
                    0 => {
                        if relax {
                            slot.dist = nd;
                            slot.pred = (u, e);
                            slot.color = 1;
                        }
                        s.heap.push(v, &s.slots);
                    }
                    1 if relax => {
                        slot.dist = nd;
                        slot.pred = (u, e);
                    }
                    _ => {}
                }
            }
            s.slots[ui].color = 2;
        }
    }

    /// Marks edge `e` used by a flow of group `gid` (mlir-aie's bookkeeping while it traces a
    /// path back).
    fn take(&mut self, e: EdgeId, gid: i64, prio: bool) {
        let st = &mut self.edges[e as usize];
        if !st.touched {
            st.touched = true;
            self.touched.push(e);
        }
        st.prio = prio;
        if gid >= 0 && (st.pgid == -1 || st.pgid == gid) {
            for l in self.graph.lines_of(e) {
                self.edges[l as usize].pgid = gid;
            }
            let per_channel = self.device.packet_flows_per_channel();
            let st = &mut self.edges[e as usize];
            st.pcount += 1;
            if st.pcount >= per_channel {
                st.pcount = 0;
                st.used += 1;
            }
        } else {
            st.used += 1;
        }
        self.edges[e as usize].bump(&mut self.demand[e as usize]);
    }

    /// mlir-aie's `findPaths`: routes every flow, negotiating until no edge is over-used.
    /// Returns each source's settings and the iterations it took.
    pub(super) fn find_paths(&mut self) -> Result<(Vec<(Node, Settings)>, u32), RouteError> {
        // Per flow: group, priority, source and destinations as nodes.
        let plan: Vec<(i64, bool, NodeId, Vec<NodeId>)> = (0..self.flows.len())
            .map(|k| {
                let f = &self.flows[k];
                let (gid, prio, src, dsts) = (f.gid, f.prio, f.src, f.dsts.clone());
                (
                    gid,
                    prio,
                    self.id(src),
                    dsts.into_iter().map(|d| self.id(d)).collect(),
                )
            })
            .collect();
        let nodes = self.graph.nodes + self.extra.len();
        let mut s = Search::new(nodes);
        self.edges = vec![
            EdgeState {
                over: 0,
                used: 0,
                pcount: 0,
                pgid: -1,
                prio: false,
                touched: false,
            };
            self.graph.edges
        ];
        self.demand = vec![0.0; self.graph.edges];
        let mut group_order: Vec<i64> = Vec::new();
        for f in &self.flows {
            if !group_order.contains(&f.gid) {
                group_order.push(f.gid);
            }
        }
        for it in 0..MAX_ITERATIONS {
            for (st, demand) in self.edges.iter_mut().zip(&mut self.demand) {
                *demand = (1.0 + 0.1 * f64::from(st.over)) * (1.0 + 0.02 * f64::from(st.used));
                st.used = 0;
                st.pcount = 0;
                st.pgid = -1;
                st.touched = false;
            }
            self.touched.clear();
            // Who used each edge, only needed to name the flows when giving up.
            let last = it + 1 == MAX_ITERATIONS;
            let mut users: Vec<(EdgeId, NodeId)> = Vec::new();
            let mut sol: Vec<(Node, Settings)> = Vec::with_capacity(plan.len());
            for &gid in &group_order {
                for (fgid, fprio, src, dsts) in &plan {
                    let (fgid, fprio, src) = (*fgid, *fprio, *src);
                    if fgid != gid {
                        continue;
                    }
                    self.dijkstra(src, dsts, &mut s);
                    let mut settings: Settings = BTreeMap::new();
                    s.processed[src as usize] = s.search;
                    for &ep in dsts.iter() {
                        if ep == src {
                            let (t, p) = self.key(src);
                            let st = settings.entry(t).or_default();
                            st.0.push(p);
                            st.1.push(p);
                        }
                        let mut curr = ep;
                        while s.processed[curr as usize] != s.search {
                            let (pr, e) = s.pred(curr);
                            if pr == NONE {
                                return Err(no_path(self.key(src), self.key(ep)));
                            }
                            if last {
                                users.push((e, src));
                            }
                            self.take(e, fgid, fprio);
                            let ((pt, pp), (ct, cp)) = (self.key(pr), self.key(curr));
                            if pt == ct {
                                let st = settings.entry(pt).or_default();
                                st.0.push(pp);
                                st.1.push(cp);
                            }
                            s.processed[curr as usize] = s.search;
                            curr = pr;
                        }
                    }
                    sol.push((self.key(src), settings));
                }
                for &e in &self.touched {
                    let st = &mut self.edges[e as usize];
                    if st.pcount > 0 {
                        st.pcount = 0;
                        st.used += 1;
                    }
                    st.bump(&mut self.demand[e as usize]);
                }
            }
            let mut illegal = 0;
            let mut competing: Vec<Node> = Vec::new();
            for &e in &self.touched {
                let st = &mut self.edges[e as usize];
                if st.used > 1 {
                    st.over += 1;
                    illegal += 1;
                    for (_, n) in users.iter().filter(|(ue, _)| *ue == e) {
                        let n = self.key(*n);
                        if !competing.contains(&n) {
                            competing.push(n);
                        }
                    }
                }
            }
            if illegal == 0 {
                return Ok((sol, it + 1));
            }
            if last {
                competing.sort();
                return Err(unroutable(&competing));
            }
        }
        Err(unroutable(&[]))
    }
}

fn no_path(src: Node, dst: Node) -> RouteError {
    let t = |n: Node| (n.0 .0.max(0) as u32, n.0 .1.max(0) as u32);
    RouteError::NoPath(
        t(src).0,
        t(src).1,
        src.1 .0.keyword(),
        src.1 .1,
        t(dst).0,
        t(dst).1,
        dst.1 .0.keyword(),
        dst.1 .1,
    )
}

fn unroutable(competing: &[Node]) -> RouteError {
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
    RouteError::Unroutable {
        flows,
        iterations: MAX_ITERATIONS,
    }
}
