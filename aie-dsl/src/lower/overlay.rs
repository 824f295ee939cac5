//! The column control overlay (mlir-aie `aie-assign-tile-controller-ids` and
//! `aie-generate-column-control-overlay`,
//! lib/Dialect/AIE/Transforms/AIEGenerateColumnControlOverlay.cpp at 5ff2ab97d): every column
//! the design occupies gets its shim tile, and the shim's tile controller a packet route to the
//! host (shim TileControl 0 to South 0) with the controller's packet id.

use crate::ir::Design;
use crate::lower::route::{Endpoint, RouteFlow};
use crate::target::WireBundle;

/// Columns the column control overlay covers: every column the design occupies.
pub fn overlay_columns(d: &Design) -> Vec<u32> {
    let cols: std::collections::BTreeSet<u32> = d.tiles.iter().map(|(_, t)| t.col).collect();
    cols.into_iter().collect()
}

/// The overlay's packet flows: one per covered column, from the shim's tile controller to the
/// host, with priority and the packet header kept.
pub(crate) fn packet_flows(d: &Design) -> Vec<RouteFlow> {
    let mut flows = Vec::new();
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
    flows
}
