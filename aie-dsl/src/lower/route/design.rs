//! The flows of a lowered design as the router sees them (what `aie-create-pathfinder-flows`
//! finds in the IR after the ObjectFIFO transform and the column control overlay): hand-placed
//! packet flows, the overlay's packet flows, the ObjectFIFO flows and the hand-placed circuit
//! flows, in that order.

use crate::ir::{Design, TileId};
use crate::lower::overlay;
use crate::lower::physical::Physical;
use crate::target::WireBundle;

use super::{route, Endpoint, RouteError, RouteFlow, Routing};

/// Routes the physical design's flows: the ObjectFIFO flows and hand-placed flows (circuit),
/// the hand-placed packet flows and the column control overlay's.
///
/// # Errors
/// [`RouteError`] when the flows cannot be routed.
pub fn route_design(d: &Design, phys: &Physical) -> Result<Routing, RouteError> {
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
    flows.extend(overlay::packet_flows(d));
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
    for col in overlay::overlay_columns(d) {
        if !tiles.contains(&(col, 0)) {
            tiles.push((col, 0));
        }
    }
    route(d.device, &tiles, &flows)
}
