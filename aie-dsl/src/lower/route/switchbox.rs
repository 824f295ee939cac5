//! Materialising routes: the switchboxes, shim muxes and wires mlir-aie's
//! `AIECreatePathFindFlows.cpp` (5ff2ab97d) creates from the pathfinder's settings.
//!
//! Circuit flows are visited in IR order; the first flow of each source makes the connects of
//! its whole route (it covers the source's other flows, which stay in the IR as written). A
//! shim DMA or NOC end goes through the tile's shim mux, on the channel the target model maps
//! it to. Wires join every switchbox to its tile and to its neighbours' switchboxes.

use rustc_hash::{FxHashMap, FxHashSet};

use super::pathfinder::{Node, Settings};
use super::{coord, node, RouteFlow, Routing, Switch, SwitchOp, Wire, WireEnd};
use crate::target::{Device, TileKind, WireBundle};

/// The routed design under construction: switches by tile, tiles the design has.
pub(super) struct Switches {
    device: Device,
    pub(super) out: Routing,
    /// Tiles the design has, those it had first.
    pub(super) have_tiles: Vec<(u32, u32)>,
    have: FxHashSet<(u32, u32)>,
    sb_index: FxHashMap<(u32, u32), usize>,
    mux_index: FxHashMap<(u32, u32), usize>,
}

impl Switches {
    /// Nothing routed yet on `device`, whose design has `tiles`.
    pub(super) fn new(device: Device, tiles: &[(u32, u32)], iterations: u32) -> Self {
        Switches {
            device,
            out: Routing {
                iterations,
                ..Routing::default()
            },
            have_tiles: tiles.to_vec(),
            have: tiles.iter().copied().collect(),
            sb_index: FxHashMap::default(),
            mux_index: FxHashMap::default(),
        }
    }

    /// Adds tile `t` to the design unless it has it (mlir-aie's `getTile`).
    pub(super) fn ensure_tile(&mut self, t: (u32, u32)) {
        if self.have.insert(t) {
            self.have_tiles.push(t);
            self.out.new_tiles.push(t);
        }
    }

    /// The switchbox (or, with `mux`, the shim mux) of tile `t`, made if missing.
    pub(super) fn switch(&mut self, t: (u32, u32), mux: bool) -> usize {
        let (idx, out) = if mux {
            (&mut self.mux_index, &mut self.out)
        } else {
            (&mut self.sb_index, &mut self.out)
        };
        *idx.entry(t).or_insert_with(|| {
            out.switches.push(Switch {
                tile: t,
                mux,
                ops: Vec::new(),
            });
            out.switches.len() - 1
        })
    }

    fn shim(&self, t: (u32, u32)) -> bool {
        self.device.kind_of_row(t.1) == Some(TileKind::Shim)
    }

    /// The connects of every circuit flow's route, in IR order; returns the sources done.
    pub(super) fn circuits(
        &mut self,
        flows: &[RouteFlow],
        sol: &FxHashMap<Node, Settings>,
    ) -> FxHashSet<Node> {
        use WireBundle::*;
        let mut processed: FxHashSet<Node> = FxHashSet::default();
        let empty = Settings::new();
        for f in flows {
            let RouteFlow::Circuit { source, dest } = f else {
                continue;
            };
            let src = node(source);
            if processed.contains(&src) {
                self.out.kept_flows.push((*source, *dest));
                continue;
            }
            let settings = sol.get(&src).unwrap_or(&empty);
            for (tid, (ins, outs)) in settings {
                let t = coord(*tid);
                self.ensure_tile(t);
                let sw = self.switch(t, false);
                let mut shim_ch = src.1 .1;
                let at_src = self.shim(t) && *tid == src.0;
                if at_src {
                    shim_ch = self.device.shim_mux_to_switch(src.1 .0, src.1 .1);
                    let m = self.switch(t, true);
                    self.out.switches[m]
                        .ops
                        .push(SwitchOp::Connect(src.1, (North, shim_ch)));
                }
                for (s, d) in ins.iter().zip(outs) {
                    let op = if at_src {
                        SwitchOp::Connect((South, shim_ch), *d)
                    } else if self.shim(t) && matches!(d.0, Dma | Plio | Noc) {
                        shim_ch = self.device.switch_to_shim_mux(d.0, d.1);
                        let m = self.switch(t, true);
                        self.out.switches[m]
                            .ops
                            .push(SwitchOp::Connect((North, shim_ch), *d));
                        SwitchOp::Connect(*s, (South, shim_ch))
                    } else {
                        SwitchOp::Connect(*s, *d)
                    };
                    self.out.switches[sw].ops.push(op);
                }
            }
            processed.insert(src);
        }
        processed
    }

    /// Adds the wires between neighbouring switchboxes, tiles and shim muxes and returns the
    /// routed design.
    pub(super) fn finish(mut self) -> Routing {
        use WireBundle::*;
        let out = &mut self.out.wires;
        for col in 0..=self.device.columns() {
            for row in 0..=self.device.rows() {
                let t = (col, row);
                if !self.have.contains(&t) || !self.sb_index.contains_key(&t) {
                    continue;
                }
                if col > 0 && self.sb_index.contains_key(&(col - 1, row)) {
                    out.push(Wire {
                        a: ((col - 1, row), WireEnd::Switchbox, East),
                        b: (t, WireEnd::Switchbox, West),
                    });
                }
                if row > 0 {
                    out.push(Wire {
                        a: (t, WireEnd::Tile, Core),
                        b: (t, WireEnd::Switchbox, Core),
                    });
                    out.push(Wire {
                        a: (t, WireEnd::Tile, Dma),
                        b: (t, WireEnd::Switchbox, Dma),
                    });
                    if self.sb_index.contains_key(&(col, row - 1)) {
                        out.push(Wire {
                            a: ((col, row - 1), WireEnd::Switchbox, North),
                            b: (t, WireEnd::Switchbox, South),
                        });
                    }
                } else if self.mux_index.contains_key(&(col, 0)) {
                    out.push(Wire {
                        a: (t, WireEnd::ShimMux, North),
                        b: (t, WireEnd::Switchbox, South),
                    });
                    out.push(Wire {
                        a: (t, WireEnd::Tile, Dma),
                        b: (t, WireEnd::ShimMux, Dma),
                    });
                }
            }
        }
        self.out
    }
}
