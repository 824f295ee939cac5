//! The router's result: switchboxes and shim muxes with their connections, arbiters, master
//! sets and packet rules, and the wires between them (`emit/physical/routing.rs` builds them,
//! `emit/print/routing.rs` prints them).

use std::collections::HashMap;

use super::{coords_suffix, Tiles, Writer};
use crate::lower::route::{Routing, Switch, SwitchOp, WireEnd};

impl Writer<'_> {
    /// Switchboxes, shim muxes and wires.
    pub(super) fn routing(&mut self, r: &Routing, tiles: &Tiles, l: usize) -> Option<()> {
        let mut sbs: HashMap<(u32, u32), String> = HashMap::new();
        let mut muxes: HashMap<(u32, u32), String> = HashMap::new();
        for sw in &r.switches {
            let tile = tiles.at(sw.tile)?;
            let (op, base) = if sw.mux {
                ("aie.shim_mux", "shim_mux")
            } else {
                ("aie.switchbox", "switchbox")
            };
            let res = self.named(format!("{base}_{}", coords_suffix(&tile)));
            self.line(l, &format!("{res} = {op}({tile}) {{"));
            self.scoped(|w| w.switch_body(sw, l + 1))?;
            self.line(l, "}");
            if sw.mux {
                muxes.insert(sw.tile, res);
            } else {
                sbs.insert(sw.tile, res);
            }
        }
        for w in &r.wires {
            let end = |e: ((u32, u32), WireEnd, _)| -> Option<String> {
                match e.1 {
                    WireEnd::Tile => tiles.at(e.0),
                    WireEnd::Switchbox => sbs.get(&e.0).cloned(),
                    WireEnd::ShimMux => muxes.get(&e.0).cloned(),
                }
            };
            let text = format!(
                "aie.wire({} : {}, {} : {})",
                end(w.a)?,
                w.a.2.keyword(),
                end(w.b)?,
                w.b.2.keyword()
            );
            self.line(l, &text);
        }
        Some(())
    }

    fn switch_body(&mut self, sw: &Switch, l: usize) -> Option<()> {
        let mut amsels: Vec<String> = Vec::new();
        for o in &sw.ops {
            match o {
                SwitchOp::Connect(s, d) => {
                    let text = format!(
                        "aie.connect<{} : {}, {} : {}>",
                        s.0.keyword(),
                        s.1,
                        d.0.keyword(),
                        d.1
                    );
                    self.line(l, &text);
                }
                SwitchOp::Amsel { arbiter, msel } => {
                    let res = self.fresh();
                    // i8 attributes: MLIR prints them signed.
                    let text = format!("{res} = aie.amsel<{}> ({})", *arbiter as i8, *msel as i8);
                    self.line(l, &text);
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
                    let text = format!(
                        "aie.masterset({} : {}, {}){keep}",
                        port.0.keyword(),
                        port.1,
                        ops.join(", ")
                    );
                    let res = self.fresh();
                    self.line(l, &format!("{res} = {text}"));
                }
                SwitchOp::PacketRules { port, rules } => {
                    self.line(
                        l,
                        &format!("aie.packet_rules({} : {}) {{", port.0.keyword(), port.1),
                    );
                    for (mask, value, a) in rules {
                        let am = amsels.get(*a)?;
                        let text = format!("aie.rule({}, {}, {am})", *mask as i8, *value as i8);
                        self.line(l + 1, &text);
                    }
                    self.line(l, "}");
                }
            }
        }
        Some(())
    }
}
