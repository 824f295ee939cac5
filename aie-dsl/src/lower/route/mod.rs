//! Routing: flows become stream-switch settings (mlir-aie `aie-create-pathfinder-flows` at
//! 5ff2ab97d, lib/Dialect/AIE/Transforms/AIECreatePathFindFlows.cpp and AIEPathFinder.cpp).
//!
//! - `graph`: the switch-port graph of a device, built once per process;
//! - `pathfinder`: mlir-aie's negotiated-congestion router with its exact tie behaviour;
//!   packet flows come first (priority ones sorted by source), then circuit flows in IR order,
//!   and flows from one source merge;
//! - `switchbox`: circuit routes become `aie.switchbox` connects, shim-mux connects for shim
//!   DMA and NOC ends, and `aie.wire`s;
//! - `packet`: packet routes become arbiter/msel/masterset/packet-rule ops;
//! - `design`: the flows of a lowered design, handed to the router ([`route_design`]).

mod design;
mod graph;
mod packet;
mod pathfinder;
mod switchbox;

pub use design::route_design;

/// Builds the switch-port graph of `device` now, if this process has not yet (the router builds
/// it on first use otherwise): lets a build make it on another thread while the design is
/// lowered.
pub fn prepare(device: Device) {
    graph::Graph::of(device);
}

use crate::target::{Device, WireBundle};
use pathfinder::{Node, Pathfinder};

/// A port of a stream switch: bundle and channel.
pub type Port = (WireBundle, u32);
/// A tile coordinate as the router sees it (it also visits one column and row past the array).
pub type Coord = (i32, i32);

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
        /// Sources: exactly one (mlir-aie's `PacketFlowOp::verify` rejects any other count;
        /// [`route`] reports it as [`RouteError::PacketSources`]).
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
    /// A packet flow without exactly one source (mlir-aie lib/Dialect/AIE/IR/AIEDialect.cpp,
    /// `PacketFlowOp::verify`: "must have exactly one aie.packet_source").
    #[error("packet flow {id} must have exactly one packet source (got {got}); a packet id names one stream: give each source its own packet flow with its own id")]
    PacketSources {
        /// The flow's packet id.
        id: u8,
        /// How many sources it has.
        got: usize,
    },
    /// A packet flow without a destination (`PacketFlowOp::verify`: "must have at least one
    /// aie.packet_dest").
    #[error("packet flow {id} (from {from}) must have at least one packet destination; add one or remove the flow")]
    PacketNoDest {
        /// The flow's packet id.
        id: u8,
        /// Its source, as `(col,row) Bundle:channel`.
        from: String,
    },
    /// A packet rule at a switch port would also match a packet id that must not pass there
    /// (mlir-aie lib/Dialect/AIE/Transforms/AIECreatePathFindFlows.cpp: "can lead to false
    /// packet id match for id …; please consider changing all uses of packet id … to avoid
    /// deadlock").
    #[error("packet id {id} would be falsely matched at tile ({col},{row}) {port}: the rule (mask {mask:#04x}, value {value:#04x}) made for {rule_flows} also matches {flow}, which is not supposed to pass through this port; change packet id {id} in all its packet flows to one that differs from {value:#04x} in the bits of mask {mask:#04x}, or the two routes deadlock")]
    FalsePacketMatch {
        /// The packet id that would be matched by mistake.
        id: u8,
        /// Column of the switch.
        col: u32,
        /// Row of the switch.
        row: u32,
        /// The slave port, as `Bundle:channel`.
        port: String,
        /// The existing rule's mask.
        mask: u8,
        /// The existing rule's value.
        value: u8,
        /// The packet flows the existing rule was made for.
        rule_flows: String,
        /// The packet flow(s) with id `id`.
        flow: String,
    },
}

/// `(col,row) Bundle:channel`.
fn endpoint_label(e: &Endpoint) -> String {
    format!(
        "({},{}) {}:{}",
        e.tile.0,
        e.tile.1,
        e.port.0.keyword(),
        e.port.1
    )
}

/// The packet flows with one of `ids`, as `packet flow 28 from (0,0) DMA:0` joined by `and`.
pub(crate) fn packet_flow_labels(flows: &[RouteFlow], ids: &[u8]) -> String {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        for f in flows {
            if let RouteFlow::Packet {
                id: fid, sources, ..
            } = f
            {
                if fid == id {
                    let from = sources.first().map(endpoint_label).unwrap_or_default();
                    let l = format!("packet flow {id} from {from}");
                    if !out.contains(&l) {
                        out.push(l);
                    }
                }
            }
        }
    }
    if out.is_empty() {
        return ids
            .iter()
            .map(|i| format!("packet id {i}"))
            .collect::<Vec<_>>()
            .join(" and ");
    }
    out.join(" and ")
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
    for f in flows {
        if let RouteFlow::Packet {
            id, sources, dests, ..
        } = f
        {
            if sources.len() != 1 {
                return Err(RouteError::PacketSources {
                    id: *id,
                    got: sources.len(),
                });
            }
            if dests.is_empty() {
                return Err(RouteError::PacketNoDest {
                    id: *id,
                    from: sources.first().map(endpoint_label).unwrap_or_default(),
                });
            }
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
    let sol: rustc_hash::FxHashMap<Node, pathfinder::Settings> = sol.into_iter().collect();

    let mut sw = switchbox::Switches::new(device, tiles, iterations);
    let processed = sw.circuits(flows, &sol);
    packet::packets(device, flows, &sol, &processed, &mut sw)?;
    Ok(sw.finish())
}
