//! Stream switches (circuit and packet connections) and the shim's muxes, as aie-rt's
//! `XAie_StrmConnCctEnable`, packet-switch and `XAie_EnableShimDmaTo…` calls write them.

use super::*;

impl Ctx<'_> {
    // -- Stream switches --------------------------------------------------------------------

    pub(super) fn switches(&self, s: &mut CdoStream) -> Result<(), CdoError> {
        let r = &self.phys.routing;
        for sw in r.switches.iter().filter(|sw| !sw.mux) {
            let t = self.at(sw.tile.0, sw.tile.1)?;
            let sr = SwitchRegs::of(t.kind);
            let amsels: Vec<(u8, u8)> = sw
                .ops
                .iter()
                .filter_map(|o| match o {
                    SwitchOp::Amsel { arbiter, msel } => Some((*arbiter, *msel)),
                    _ => None,
                })
                .collect();
            for o in &sw.ops {
                if let SwitchOp::Connect(src, dst) = o {
                    let slave = slave_index(t, sr, *src)?;
                    let master = master_index(t, sr, *dst)?;
                    s.write32(
                        t.reg(sr.master_base + master * regs::SWITCH_PORT_STRIDE),
                        regs::MASTER_ENABLE.set(1) | regs::MASTER_CONFIG.set(slave),
                    );
                    s.write32(
                        t.reg(sr.slave_base + slave * regs::SWITCH_PORT_STRIDE),
                        regs::SLAVE_ENABLE.set(1),
                    );
                }
            }
            for o in &sw.ops {
                if let SwitchOp::Masterset {
                    port,
                    amsels: which,
                    keep_pkt_header,
                } = o
                {
                    let mut mask = 0u32;
                    let mut arbiter = None;
                    for &a in which {
                        let (arb, msel) = *amsels
                            .get(a)
                            .ok_or_else(|| CdoError::UnknownTile(format!("amsel #{a}")))?;
                        arbiter = Some(arb);
                        mask |= 1u32.checked_shl(u32::from(msel)).unwrap_or(0);
                    }
                    let arbiter = arbiter.ok_or(CdoError::NoArbiter {
                        col: t.col,
                        row: t.row,
                        bundle: port.0,
                        channel: port.1,
                    })?;
                    // The header is kept, except towards a DMA or from row 0 to the south (the
                    // shim mux); the attribute overrides both.
                    let mut keep = !(port.0 == WireBundle::Dma
                        || (t.row == npu1::SHIM_ROW && port.0 == WireBundle::South));
                    if let Some(k) = keep_pkt_header {
                        keep = *k;
                    }
                    if u32::from(arbiter) > regs::MASTER_ARBITER.max()
                        || mask > regs::MASTER_MSEL_ENABLE.max()
                    {
                        return Err(t.too_large(
                            format!("arbiter or msel of master {:?} {}", port.0, port.1),
                            u64::from(arbiter).max(u64::from(mask)),
                            u64::from(regs::MASTER_ARBITER.max()),
                        ));
                    }
                    let master = master_index(t, sr, *port)?;
                    s.write32(
                        t.reg(sr.master_base + master * regs::SWITCH_PORT_STRIDE),
                        regs::MASTER_ENABLE.set(1)
                            | regs::MASTER_PACKET_ENABLE.set(1)
                            | regs::MASTER_DROP_HEADER.set(u32::from(!keep))
                            | regs::MASTER_ARBITER.set(u32::from(arbiter))
                            | regs::MASTER_MSEL_ENABLE.set(mask),
                    );
                }
            }
            for o in &sw.ops {
                if let SwitchOp::PacketRules { port, rules } = o {
                    let slave = slave_index(t, sr, *port)?;
                    for (slot, &(mask, value, a)) in rules.iter().enumerate() {
                        let (arbiter, msel) = *amsels
                            .get(a)
                            .ok_or_else(|| CdoError::UnknownTile(format!("amsel #{a}")))?;
                        s.write32(
                            t.reg(sr.slave_base + slave * regs::SWITCH_PORT_STRIDE),
                            regs::SLAVE_ENABLE.set(1) | regs::SLAVE_PACKET_ENABLE.set(1),
                        );
                        let slot = slot as u32;
                        if slot >= regs::SWITCH_SLOTS
                            || u32::from(mask) > regs::SLOT_MASK.max()
                            || u32::from(value) > regs::SLOT_ID.max()
                            || u32::from(msel) > regs::SLOT_MSEL.max()
                            || u32::from(arbiter) > regs::SLOT_ARBITER.max()
                        {
                            return Err(t.too_large(
                                format!("packet rule {slot} of slave {:?} {}", port.0, port.1),
                                u64::from(slot),
                                u64::from(regs::SWITCH_SLOTS - 1),
                            ));
                        }
                        s.write32(
                            t.reg(
                                sr.slot_base
                                    + slave * regs::SWITCH_SLOT_PORT_STRIDE
                                    + slot * regs::SWITCH_SLOT_STRIDE,
                            ),
                            regs::SLOT_ID.set(u32::from(value))
                                | regs::SLOT_MASK.set(u32::from(mask))
                                | regs::SLOT_ENABLE.set(1)
                                | regs::SLOT_MSEL.set(u32::from(msel))
                                | regs::SLOT_ARBITER.set(u32::from(arbiter)),
                        );
                    }
                }
            }
        }

        // Shim muxes: a connection from North feeds the shim DMA (demux); one to North comes
        // from it (mux).
        for sw in r.switches.iter().filter(|sw| sw.mux) {
            let t = self.at(sw.tile.0, sw.tile.1)?;
            for o in &sw.ops {
                let SwitchOp::Connect(src, dst) = o else {
                    continue;
                };
                if src.0 == WireBundle::North {
                    shim_mux(s, t, src.1, false)?;
                }
                if dst.0 == WireBundle::North {
                    shim_mux(s, t, dst.1, true)?;
                }
            }
        }
        Ok(())
    }
}

pub(super) fn port_error(t: Loc, p: Port, master: bool) -> CdoError {
    CdoError::Port {
        col: t.col,
        row: t.row,
        bundle: p.0,
        channel: p.1,
        master,
    }
}

pub(super) fn master_index(t: Loc, sr: &SwitchRegs, p: Port) -> Result<u32, CdoError> {
    PortType::of(p.0)
        .and_then(|pt| sr.master_index(pt, p.1))
        .ok_or_else(|| port_error(t, p, true))
}

pub(super) fn slave_index(t: Loc, sr: &SwitchRegs, p: Port) -> Result<u32, CdoError> {
    PortType::of(p.0)
        .and_then(|pt| sr.slave_index(pt, p.1))
        .ok_or_else(|| port_error(t, p, false))
}

/// aie-rt `XAie_EnableShimDmaToAieStrmPort` (`mux`) / `XAie_EnableAieToShimDmaStrmPort`.
pub(super) fn shim_mux(s: &mut CdoStream, t: Loc, port: u32, mux: bool) -> Result<(), CdoError> {
    let (allowed, field, reg) = if mux {
        (
            &regs::SHIM_DMA_MUX_PORTS,
            regs::shim_mux_field(port),
            regs::SHIM_MUX_CONFIG,
        )
    } else {
        (
            &regs::SHIM_DMA_DEMUX_PORTS,
            regs::shim_demux_field(port),
            regs::SHIM_DEMUX_CONFIG,
        )
    };
    let field = field.filter(|_| allowed.contains(&port) && t.kind == TileKind::Shim);
    let Some(f) = field else {
        return Err(CdoError::ShimMux {
            col: t.col,
            row: t.row,
            port,
            allowed: allowed.to_vec(),
        });
    };
    s.mask_write32(t.reg(reg), f.mask, f.set(regs::SHIM_MUX_DMA));
    Ok(())
}
