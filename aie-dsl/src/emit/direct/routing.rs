//! The router's result: switchboxes and shim muxes with their connections, arbiters, master
//! sets and packet rules, and the wires between them (`emit/physical/routing.rs` builds them,
//! `emit/print/routing.rs` prints them).

use rustc_hash::FxHashMap as HashMap;

use super::{coords_suffix, Tiles, Writer};
use crate::lower::route::{Routing, Switch, SwitchOp, WireEnd};

impl Writer<'_> {
    /// Switchboxes, shim muxes and wires.
    pub(super) fn routing(&mut self, r: &Routing, tiles: &Tiles, l: usize) -> Option<()> {
        let mut sbs: HashMap<(u32, u32), String> = HashMap::default();
        let mut muxes: HashMap<(u32, u32), String> = HashMap::default();
        for sw in &r.switches {
            let tile = tiles.at(sw.tile)?;
            let (op, base) = if sw.mux {
                ("aie.shim_mux", "shim_mux")
            } else {
                ("aie.switchbox", "switchbox")
            };
            let res = self.named(format!("{base}_{}", coords_suffix(tile)));
            self.line(l, format_args!("{res} = {op}({tile}) {{"));
            self.scoped(|w| w.switch_body(sw, l + 1))?;
            self.line_str(l, "}");
            if sw.mux {
                muxes.insert(sw.tile, res);
            } else {
                sbs.insert(sw.tile, res);
            }
        }
        for w in &r.wires {
            let end = |e: ((u32, u32), WireEnd, _)| -> Option<&str> {
                match e.1 {
                    WireEnd::Tile => tiles.at(e.0),
                    WireEnd::Switchbox => sbs.get(&e.0).map(String::as_str),
                    WireEnd::ShimMux => muxes.get(&e.0).map(String::as_str),
                }
            };
            let (a, b) = (end(w.a)?, end(w.b)?);
            let (ba, bb) = (w.a.2.keyword(), w.b.2.keyword());
            self.line(l, format_args!("aie.wire({a} : {ba}, {b} : {bb})"));
        }
        Some(())
    }

    fn switch_body(&mut self, sw: &Switch, l: usize) -> Option<()> {
        let mut amsels: Vec<String> = Vec::new();
        for o in &sw.ops {
            match o {
                SwitchOp::Connect(s, d) => {
                    self.line(
                        l,
                        format_args!(
                            "aie.connect<{} : {}, {} : {}>",
                            s.0.keyword(),
                            s.1,
                            d.0.keyword(),
                            d.1
                        ),
                    );
                }
                SwitchOp::Amsel { arbiter, msel } => {
                    let res = self.fresh();
                    // i8 attributes: MLIR prints them signed.
                    self.line(
                        l,
                        format_args!("{res} = aie.amsel<{}> ({})", *arbiter as i8, *msel as i8),
                    );
                    amsels.push(res);
                }
                SwitchOp::Masterset {
                    port,
                    amsels: which,
                    keep_pkt_header,
                } => {
                    let ops: Vec<&str> = which
                        .iter()
                        .filter_map(|i| amsels.get(*i).map(String::as_str))
                        .collect();
                    let keep = keep_pkt_header
                        .map(|k| format!(" {{keep_pkt_header = {k}}}"))
                        .unwrap_or_default();
                    let res = self.fresh();
                    self.line(
                        l,
                        format_args!(
                            "{res} = aie.masterset({} : {}, {}){keep}",
                            port.0.keyword(),
                            port.1,
                            ops.join(", ")
                        ),
                    );
                }
                SwitchOp::PacketRules { port, rules } => {
                    self.line(
                        l,
                        format_args!("aie.packet_rules({} : {}) {{", port.0.keyword(), port.1),
                    );
                    for (mask, value, a) in rules {
                        let am = amsels.get(*a)?;
                        self.line(
                            l + 1,
                            format_args!("aie.rule({}, {}, {am})", *mask as i8, *value as i8),
                        );
                    }
                    self.line_str(l, "}");
                }
            }
        }
        Some(())
    }
}
