//! The router's result in the physical module: switchboxes and shim muxes with their
//! connections, arbiters, master sets and packet rules, and the wires between them.

use std::collections::HashMap;

use melior::ir::{BlockLike, BlockRef, Value};

use super::device::Tiles;
use crate::emit::build::ModuleBuilder;
use crate::emit::EmitError;
use crate::target::WireBundle;

impl<'c> ModuleBuilder<'c, '_> {
    /// Switchboxes, shim muxes and wires.
    pub(super) fn routing<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        r: &crate::lower::route::Routing,
        tiles: &Tiles<'c, 'a>,
    ) -> Result<(), EmitError> {
        use crate::lower::route::{SwitchOp, WireEnd};
        let mut sbs: HashMap<(u32, u32), Value<'c, 'a>> = HashMap::new();
        let mut muxes: HashMap<(u32, u32), Value<'c, 'a>> = HashMap::new();
        for sw in &r.switches {
            let t = *tiles.get(&sw.tile).ok_or_else(|| {
                EmitError::Build(format!("no tile {:?} for a switchbox", sw.tile))
            })?;
            let name = if sw.mux {
                "aie.shim_mux"
            } else {
                "aie.switchbox"
            };
            let (op, body) = self.with_body(
                blk,
                name,
                self.op(name)
                    .add_operands(&[t])
                    .add_results(&[self.index()]),
                &[],
            )?;
            if sw.mux {
                muxes.insert(sw.tile, op.result(0)?.into());
            } else {
                sbs.insert(sw.tile, op.result(0)?.into());
            }
            let mut amsels: Vec<Value<'c, '_>> = Vec::new();
            for o in &sw.ops {
                match o {
                    SwitchOp::Connect(s, d) => {
                        body.append_operation(
                            self.op("aie.connect")
                                .add_attributes(&self.attrs(&[
                                    ("dest_bundle", self.i32(i64::from(d.0.enum_value()))),
                                    ("dest_channel", self.i32(i64::from(d.1))),
                                    ("source_bundle", self.i32(i64::from(s.0.enum_value()))),
                                    ("source_channel", self.i32(i64::from(s.1))),
                                ]))
                                .build()?,
                        );
                    }
                    SwitchOp::Amsel { arbiter, msel } => {
                        let a = body.append_operation(
                            self.op("aie.amsel")
                                .add_attributes(&self.attrs(&[
                                    ("arbiterID", self.i8(*arbiter)),
                                    ("msel", self.i8(*msel)),
                                ]))
                                .add_results(&[self.index()])
                                .build()?,
                        );
                        amsels.push(a.result(0)?.into());
                    }
                    SwitchOp::Masterset {
                        port,
                        amsels: which,
                        keep_pkt_header,
                    } => {
                        let ops: Vec<Value<'c, '_>> = which
                            .iter()
                            .filter_map(|i| amsels.get(*i).copied())
                            .collect();
                        let mut attrs = vec![
                            ("dest_bundle", self.i32(i64::from(port.0.enum_value()))),
                            ("dest_channel", self.i32(i64::from(port.1))),
                        ];
                        if let Some(k) = keep_pkt_header {
                            attrs.push(("keep_pkt_header", self.bool(*k)));
                        }
                        body.append_operation(
                            self.op("aie.masterset")
                                .add_operands(&ops)
                                .add_attributes(&self.attrs(&attrs))
                                .add_results(&[self.index()])
                                .build()?,
                        );
                    }
                    SwitchOp::PacketRules { port, rules } => {
                        let (_, rb) = self.with_body(
                            &body,
                            "aie.packet_rules",
                            self.op("aie.packet_rules").add_attributes(&self.attrs(&[
                                ("source_bundle", self.i32(i64::from(port.0.enum_value()))),
                                ("source_channel", self.i32(i64::from(port.1))),
                            ])),
                            &[],
                        )?;
                        for (mask, value, a) in rules {
                            let am = *amsels.get(*a).ok_or_else(|| {
                                EmitError::Build("packet rule without its amsel".into())
                            })?;
                            rb.append_operation(
                                self.op("aie.rule")
                                    .add_operands(&[am])
                                    .add_attributes(&self.attrs(&[
                                        ("mask", self.i8(*mask)),
                                        ("value", self.i8(*value)),
                                    ]))
                                    .build()?,
                            );
                        }
                        self.end(&rb)?;
                    }
                }
            }
            self.end(&body)?;
        }
        for w in &r.wires {
            let end = |e: ((u32, u32), WireEnd, WireBundle)| -> Result<Value<'c, 'a>, EmitError> {
                let map = match e.1 {
                    WireEnd::Tile => tiles,
                    WireEnd::Switchbox => &sbs,
                    WireEnd::ShimMux => &muxes,
                };
                map.get(&e.0)
                    .copied()
                    .ok_or_else(|| EmitError::Build(format!("wire end {:?} missing", e.0)))
            };
            blk.append_operation(
                self.op("aie.wire")
                    .add_operands(&[end(w.a)?, end(w.b)?])
                    .add_attributes(&self.attrs(&[
                        ("dest_bundle", self.i32(i64::from(w.b.2.enum_value()))),
                        ("source_bundle", self.i32(i64::from(w.a.2.enum_value()))),
                    ]))
                    .build()?,
            );
        }
        Ok(())
    }
}
