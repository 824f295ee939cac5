//! The init and enable files: what mlir-aie's `AIERTControl::addInitConfig` and
//! `addCoreEnable` ask of aie-rt, in their order, as register writes.

use super::stream::CdoStream;
use super::CdoError;
use crate::ir::{Design, TileId};
use crate::lower::physical::{Bd, Channel, PBuffer, Physical};
use crate::lower::route::{Port, SwitchOp};
use crate::target::regs::{self, DmaRegs, PortType, SwitchRegs};
use crate::target::{npu1, Device, DmaDir, TileKind, WireBundle};
use crate::types::ElemType;

/// A tile as the writer needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Loc {
    pub col: u32,
    pub row: u32,
    pub kind: TileKind,
}

impl Loc {
    pub fn base(self) -> u64 {
        regs::tile_base(self.col, self.row)
    }

    pub fn reg(self, off: u32) -> u64 {
        self.base() + u64::from(off)
    }

    fn too_large(self, what: impl Into<String>, value: u64, max: u64) -> CdoError {
        CdoError::TooLarge {
            col: self.col,
            row: self.row,
            what: what.into(),
            value,
            max,
        }
    }
}

/// The design, its lowering, and the tiles with cores in IR order.
pub(super) struct Ctx<'a> {
    pub design: &'a Design,
    pub phys: &'a Physical,
    /// Non-shim tiles with a core, in the order mlir-aie's IR holds their `aie.tile` ops.
    pub cores: Vec<Loc>,
}

impl<'a> Ctx<'a> {
    pub fn new(design: &'a Design, phys: &'a Physical) -> Result<Ctx<'a>, CdoError> {
        let mut ctx = Ctx {
            design,
            phys,
            cores: Vec::new(),
        };
        // mlir-aie walks `aie.tile` ops: the design's tiles come first (the shims added for the
        // column overlay and the router's tiles come after and carry no core).
        for (id, _) in design.tiles.iter() {
            let loc = ctx.loc(id)?;
            if loc.kind != TileKind::Shim && phys.cores.iter().any(|c| c.tile == id) {
                ctx.cores.push(loc);
            }
        }
        Ok(ctx)
    }

    fn device(&self) -> Device {
        self.design.device
    }

    pub fn at(&self, col: u32, row: u32) -> Result<Loc, CdoError> {
        let kind = self
            .device()
            .contains(col, row)
            .then(|| self.device().kind_of_row(row))
            .flatten()
            .ok_or(CdoError::OffDevice { col, row })?;
        Ok(Loc { col, row, kind })
    }

    pub fn loc(&self, id: TileId) -> Result<Loc, CdoError> {
        let (col, row) = self
            .design
            .coords(id)
            .ok_or_else(|| CdoError::UnknownTile(format!("{id:?}")))?;
        self.at(col, row)
    }

    fn buffer(&self, ix: usize) -> Result<&'a PBuffer, CdoError> {
        self.phys
            .buffers
            .get(ix)
            .ok_or_else(|| CdoError::UnknownTile(format!("buffer #{ix}")))
    }

    /// `<dev>_aie_cdo_init.bin`.
    pub fn init(&self) -> Result<Vec<u8>, CdoError> {
        let mut s = CdoStream::new();
        self.init_locks(&mut s)?;
        self.init_buffers(&mut s)?;
        self.dmas(&mut s)?;
        self.switches(&mut s)?;
        Ok(s.finish())
    }

    /// `<dev>_aie_cdo_enable.bin`: every core enabled.
    pub fn enable(&self) -> Vec<u8> {
        let mut s = CdoStream::new();
        for &t in &self.cores {
            core_control(&mut s, t, regs::CORE_CONTROL_ENABLE, 1);
        }
        s.finish()
    }

    // -- Locks and buffers ------------------------------------------------------------------

    fn init_locks(&self, s: &mut CdoStream) -> Result<(), CdoError> {
        for &t in &self.cores {
            core_control(s, t, regs::CORE_CONTROL_RESET, 1);
            core_control(s, t, regs::CORE_CONTROL_RESET, 0);
            for id in 0..regs::CORE_TILE_RESET_LOCKS {
                lock_set(s, t, id, 0)?;
            }
        }
        for l in &self.phys.locks {
            let t = self.loc(l.tile)?;
            lock_set(s, t, l.id, l.init)?;
        }
        Ok(())
    }

    fn init_buffers(&self, s: &mut CdoStream) -> Result<(), CdoError> {
        for b in &self.phys.buffers {
            let Some(values) = &b.init else { continue };
            let bytes = init_bytes(b, values)?;
            let t = self.loc(b.tile)?;
            data_mem_write(s, t, u64::from(b.address), &bytes)?;
        }
        Ok(())
    }

    // -- DMAs -------------------------------------------------------------------------------

    fn dmas(&self, s: &mut CdoStream) -> Result<(), CdoError> {
        // mlir-aie visits every `aie.mem` (compute tiles), then every `aie.memtile_dma`.
        let mut progs = Vec::new();
        for (&id, chans) in &self.phys.dmas {
            let t = self.loc(id)?;
            let order = match t.kind {
                TileKind::Compute => 0,
                TileKind::Mem => 1,
                TileKind::Shim => {
                    return Err(CdoError::DmaProgram {
                        col: t.col,
                        row: t.row,
                        kind: t.kind.to_string(),
                    })
                }
            };
            progs.push((order, t, chans));
        }
        progs.sort_by_key(|p| p.0);
        for (_, t, chans) in progs {
            let regs = regs::dma(t.kind).ok_or(CdoError::DmaProgram {
                col: t.col,
                row: t.row,
                kind: t.kind.to_string(),
            })?;
            let blocks = block_order(chans);
            for b in &blocks {
                if let Block::Bd(k, j) = *b {
                    let bd = &chans[k].bds[j];
                    self.write_bd(s, t, regs, bd)?;
                }
            }
            for b in &blocks {
                if let Block::Start(k) = *b {
                    let ch = &chans[k];
                    let first = ch.bds.first().ok_or(CdoError::EmptyChannel {
                        col: t.col,
                        row: t.row,
                        dir: ch.dir,
                        channel: ch.index,
                    })?;
                    start_queue(s, t, regs, ch, first.bd_id)?;
                }
            }
        }
        Ok(())
    }

    /// One BD: mlir-aie `configureLocksAndBd`, aie-rt `_XAieMl_TileDmaWriteBd` /
    /// `_XAieMl_MemTileDmaWriteBd`.
    fn write_bd(&self, s: &mut CdoStream, t: Loc, regs: &DmaRegs, bd: &Bd) -> Result<(), CdoError> {
        let l = &regs.bd;
        let mut w = vec![0u32; regs.bd_words];
        let put = |w: &mut [u32], f: regs::BdField, v: u32, what: &str| -> Result<(), CdoError> {
            if v > f.field.max() {
                return Err(t.too_large(
                    format!("{what} of BD {}", bd.bd_id),
                    u64::from(v),
                    u64::from(f.field.max()),
                ));
            }
            w[f.word] |= f.field.set(v);
            Ok(())
        };

        // Locks: both or neither.
        match (bd.acquire, bd.release) {
            (None, None) => {}
            (Some((acq, acq_n)), Some((rel, rel_n))) => {
                let lock = |ix: usize| {
                    self.phys
                        .locks
                        .get(ix)
                        .ok_or_else(|| CdoError::UnknownTile(format!("lock #{ix}")))
                };
                let (acq, rel) = (lock(acq)?, lock(rel)?);
                // mlir-aie offsets both ids by where the block's last lock (the release) sits.
                let offset = if t.kind == TileKind::Mem {
                    let lt = self.loc(rel.tile)?;
                    let w = mem_window(t, lt).ok_or_else(|| CdoError::Unreachable {
                        col: t.col,
                        row: t.row,
                        what: format!("lock `{}`", rel.name),
                        ocol: lt.col,
                        orow: lt.row,
                    })?;
                    regs::MEM_TILE_LOCK_WINDOWS[w]
                } else {
                    0
                };
                for (n, what) in [(acq_n, "acquire value"), (rel_n, "release value")] {
                    if n > npu1::MAX_LOCK_VALUE {
                        return Err(t.too_large(
                            format!("lock {what} of BD {}", bd.bd_id),
                            u64::from(n),
                            u64::from(npu1::MAX_LOCK_VALUE),
                        ));
                    }
                }
                let id = |x: u32| {
                    x.checked_add(offset)
                        .ok_or_else(|| t.too_large("lock id", u64::from(x), u64::from(u32::MAX)))
                };
                put(&mut w, l.acq_id, id(acq.id)?, "acquire lock id")?;
                put(&mut w, l.rel_id, id(rel.id)?, "release lock id")?;
                // AcquireGreaterEqual is encoded as a negative acquire value.
                w[l.acq_value.word] |= l.acq_value.field.set(acq_n.wrapping_neg());
                put(&mut w, l.rel_value, rel_n, "lock release value")?;
                put(&mut w, l.acq_enable, 1, "acquire enable")?;
            }
            _ => {
                return Err(CdoError::HalfLocked {
                    col: t.col,
                    row: t.row,
                    bd: bd.bd_id,
                })
            }
        }

        // Address and length (mlir-aie `configureBdInBlock`).
        let buf = self.buffer(bd.buffer)?;
        let eb = u64::from(buf.ty.elem().bytes());
        let mut base = u64::from(buf.address);
        if t.kind == TileKind::Mem {
            let bt = self.loc(buf.tile)?;
            let w = mem_window(t, bt).ok_or_else(|| CdoError::Unreachable {
                col: t.col,
                row: t.row,
                what: format!("buffer `{}`", buf.name),
                ocol: bt.col,
                orow: bt.row,
            })?;
            base += u64::from(regs::MEM_TILE_ADDRESS_WINDOWS[w]);
        }
        let len = u64::from(bd.len) * eb;
        let addr = base + u64::from(bd.offset) * eb;
        let bad_addr = || CdoError::BdAddress {
            col: t.col,
            row: t.row,
            bd: bd.bd_id,
            addr,
            len,
            max: regs.addr_max,
        };
        let align = (1u64 << regs.addr_shift) - 1;
        if addr & align != 0 || (bd.dims.is_empty() && addr + len > regs.addr_max) {
            return Err(bad_addr());
        }
        let word_addr = u32::try_from(addr >> regs.addr_shift).map_err(|_| bad_addr())?;
        let word_len = u32::try_from(len >> 2).map_err(|_| bad_addr())?;
        put(&mut w, l.base, word_addr, "buffer address (words)")?;
        put(&mut w, l.length, word_len, "buffer length (words)")?;

        if !bd.dims.is_empty() {
            self.write_dims(t, regs, bd, eb, &mut w)?;
        }

        if let Some(n) = bd.next_bd_id {
            if n >= regs.bds {
                return Err(t.too_large("next BD id", u64::from(n), u64::from(regs.bds - 1)));
            }
            put(&mut w, l.next_bd, n, "next BD id")?;
            put(&mut w, l.use_next_bd, 1, "use next BD")?;
        }
        put(&mut w, l.valid, 1, "valid")?;

        if bd.bd_id >= regs.bds {
            return Err(t.too_large("BD id", u64::from(bd.bd_id), u64::from(regs.bds - 1)));
        }
        let at = t.reg(regs.bd_base) + u64::from(bd.bd_id) * u64::from(regs.bd_stride);
        s.block_write32(at, &w)?;
        Ok(())
    }

    /// N-d addressing: mlir-aie passes the dims innermost first, scales strides of the outer
    /// dims and the size of the innermost to 32-bit words, and aie-rt stores `stride − 1` and
    /// the wrap.
    fn write_dims(
        &self,
        t: Loc,
        regs: &DmaRegs,
        bd: &Bd,
        elem_bytes: u64,
        w: &mut [u32],
    ) -> Result<(), CdoError> {
        let n = bd.dims.len();
        if n > regs.dims {
            return Err(t.too_large(
                format!("dimensions of BD {}", bd.bd_id),
                n as u64,
                regs.dims as u64,
            ));
        }
        for (i, d) in bd.dims.iter().enumerate() {
            let j = n - i - 1;
            let (stride, size) = if j > 0 {
                (u64::from(d.stride) * elem_bytes / 4, u64::from(d.size))
            } else {
                // mlir-aie narrows the scaled innermost size to 16 bits.
                (
                    u64::from(d.stride),
                    (u64::from(d.size) * elem_bytes / 4) & 0xFFFF,
                )
            };
            let stride = stride.max(1);
            if stride > u64::from(regs.step_max) || size > u64::from(regs.wrap_max) {
                return Err(t.too_large(
                    format!("stride or size of dimension {j} of BD {}", bd.bd_id),
                    stride.max(size),
                    u64::from(regs.step_max.min(regs.wrap_max)),
                ));
            }
            // Both fit in u32 by the checks above.
            if let Some(f) = regs.bd.step.get(j).copied().flatten() {
                w[f.word] |= f.field.set(stride as u32 - 1);
            }
            if let Some(f) = regs.bd.wrap.get(j).copied().flatten() {
                w[f.word] |= f.field.set(size as u32);
            }
        }
        Ok(())
    }

    // -- Stream switches --------------------------------------------------------------------

    fn switches(&self, s: &mut CdoStream) -> Result<(), CdoError> {
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

/// The blocks of a DMA region as mlir-aie's IR holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// The `dma_start` block of channel k.
    Start(usize),
    /// BD j of channel k.
    Bd(usize, usize),
    /// The `aie.end` block.
    End,
}

/// The order mlir-aie's `getOrderedChainOfBlocks` visits the region's blocks in: from the
/// entry, successors are recorded when first seen and explored last-found first.
fn block_order(chans: &[Channel]) -> Vec<Block> {
    let succ = |b: Block| -> Vec<Block> {
        match b {
            Block::Start(k) => {
                let first = if chans[k].bds.is_empty() {
                    Block::End
                } else {
                    Block::Bd(k, 0)
                };
                let next = if k + 1 < chans.len() {
                    Block::Start(k + 1)
                } else {
                    Block::End
                };
                vec![first, next]
            }
            Block::Bd(k, j) => {
                let n = chans[k].bds.len();
                vec![if j + 1 < n {
                    Block::Bd(k, j + 1)
                } else if chans[k].finite {
                    Block::End
                } else {
                    Block::Bd(k, 0)
                }]
            }
            Block::End => vec![],
        }
    };
    let entry = if chans.is_empty() {
        Block::End
    } else {
        Block::Start(0)
    };
    let mut seen = vec![entry];
    let mut work = vec![entry];
    while let Some(b) = work.pop() {
        for s in succ(b) {
            if !seen.contains(&s) {
                seen.push(s);
                work.push(s);
            }
        }
    }
    seen
}

/// Which window of a mem tile's DMA another tile's memory or locks are in: 0 west, 1 own,
/// 2 east.
fn mem_window(t: Loc, other: Loc) -> Option<usize> {
    if other.row != t.row {
        return None;
    }
    if other.col == t.col {
        Some(1)
    } else if other.col + 1 == t.col {
        Some(0)
    } else if other.col == t.col + 1 {
        Some(2)
    } else {
        None
    }
}

fn dir_index(d: DmaDir) -> u32 {
    match d {
        DmaDir::S2mm => 0,
        DmaDir::Mm2s => 1,
    }
}

/// Offset of a channel's control (or start-queue) register from channel S2MM 0's.
pub(super) fn channel_offset(regs: &DmaRegs, dir: DmaDir, ch: u32) -> u32 {
    ch * regs.channel_stride + dir_index(dir) * regs.channel_stride * regs.channels
}

/// aie-rt `XAie_DmaChannelSetStartQueue` + `XAie_DmaChannelEnable`.
fn start_queue(
    s: &mut CdoStream,
    t: Loc,
    regs: &DmaRegs,
    ch: &Channel,
    bd: u32,
) -> Result<(), CdoError> {
    if ch.index >= regs.channels {
        return Err(t.too_large(
            format!("{:?} channel", ch.dir),
            u64::from(ch.index),
            u64::from(regs.channels - 1),
        ));
    }
    // `repeat_count` 0 means once; aie-rt counts from 1 and takes at most 256.
    let repeat = ch.repeat_count.saturating_add(1);
    if repeat > regs::DMA_MAX_REPEAT {
        return Err(t.too_large(
            format!("repeat count of {:?} channel {}", ch.dir, ch.index),
            u64::from(ch.repeat_count),
            u64::from(regs::DMA_MAX_REPEAT - 1),
        ));
    }
    if bd > regs::DMA_QUEUE_START_BD.max() || bd >= regs.bds {
        return Err(t.too_large("start BD", u64::from(bd), u64::from(regs.bds - 1)));
    }
    if t.kind == TileKind::Mem
        && (bd < regs::MEM_TILE_ODD_CHANNEL_FIRST_BD) != ch.index.is_multiple_of(2)
    {
        return Err(CdoError::BdParity {
            col: t.col,
            row: t.row,
            dir: ch.dir,
            channel: ch.index,
            bd,
        });
    }
    let token = t.row == npu1::SHIM_ROW && ch.dir == DmaDir::S2mm;
    let off = channel_offset(regs, ch.dir, ch.index);
    s.write32(
        t.reg(regs.queue_base + off),
        regs::DMA_QUEUE_START_BD.set(bd)
            | regs::DMA_QUEUE_REPEAT.set(repeat - 1)
            | regs::DMA_QUEUE_TOKEN.set(u32::from(token)),
    );
    s.mask_write32(
        t.reg(regs.ctrl_base + off),
        regs::DMA_CTRL_ENABLE_MASK,
        regs::DMA_CTRL_ENABLE_VALUE,
    );
    Ok(())
}

/// A masked write of one core-control field.
pub(super) fn core_control(s: &mut CdoStream, t: Loc, f: regs::Field, v: u32) {
    s.mask_write32(t.reg(regs::CORE_CONTROL), f.mask, f.set(v));
}

/// aie-rt `XAie_LockSetValue`.
fn lock_set(s: &mut CdoStream, t: Loc, id: u32, value: u32) -> Result<(), CdoError> {
    let locks = match t.kind {
        TileKind::Compute => npu1::COMPUTE.locks,
        TileKind::Mem => npu1::MEM.locks,
        TileKind::Shim => npu1::SHIM.locks,
    };
    if id >= locks {
        return Err(t.too_large("lock id", u64::from(id), u64::from(locks - 1)));
    }
    if value > regs::LOCK_VALUE.max() {
        return Err(t.too_large(
            format!("initial value of lock {id}"),
            u64::from(value),
            u64::from(regs::LOCK_VALUE.max()),
        ));
    }
    let reg = regs::lock_value_register(t.kind, id)
        .ok_or_else(|| t.too_large("lock id", u64::from(id), u64::from(locks - 1)))?;
    s.write32(t.reg(reg), regs::LOCK_VALUE.set(value));
    Ok(())
}

/// aie-rt `XAie_DataMemBlockWrite`: a masked write for leading bytes before a word boundary,
/// a block write of the whole words, a masked write for the trailing bytes.
pub(super) fn data_mem_write(
    s: &mut CdoStream,
    t: Loc,
    addr: u64,
    bytes: &[u8],
) -> Result<(), CdoError> {
    let size = regs::data_memory_bytes(t.kind).unwrap_or(0);
    let len = bytes.len() as u64;
    if addr + len > u64::from(size) {
        return Err(CdoError::DataMemory {
            col: t.col,
            row: t.row,
            addr,
            len,
            size,
        });
    }
    let mut rest = bytes;
    let first = (addr % 4) as usize;
    let word_down = addr & !3;
    let word_up = (addr + 3) & !3;
    if first != 0 {
        let (mut v, mut m) = (0u32, 0u32);
        let mut k = first;
        while k < 4 && !rest.is_empty() {
            v |= u32::from(rest[0]) << (8 * k);
            m |= 0xFF << (8 * k);
            rest = &rest[1..];
            k += 1;
        }
        s.mask_write32(t.base() + word_down, m, v);
    }
    let whole = rest.len() / 4;
    if whole > 0 {
        let words: Vec<u32> = rest[..whole * 4]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        s.block_write32(t.base() + word_up, &words)?;
    }
    let tail = &rest[whole * 4..];
    if !tail.is_empty() {
        let (mut v, mut m) = (0u32, 0u32);
        for (k, b) in tail.iter().enumerate() {
            v |= u32::from(*b) << (8 * k);
            m |= 0xFF << (8 * k);
        }
        s.mask_write32(t.base() + word_up + 4 * whole as u64, m, v);
    }
    Ok(())
}

/// The bytes of a buffer's initial value as MLIR's dense attribute holds them (little endian,
/// element width of the type).
fn init_bytes(b: &PBuffer, values: &[i64]) -> Result<Vec<u8>, CdoError> {
    let elem = b.ty.elem();
    let mut out = Vec::with_capacity(values.len() * elem.bytes() as usize);
    for &v in values {
        match elem {
            ElemType::I8 | ElemType::U8 => out.push(v as u8),
            ElemType::I16 => out.extend_from_slice(&(v as u16).to_le_bytes()),
            ElemType::I32 => out.extend_from_slice(&(v as u32).to_le_bytes()),
            ElemType::F32 | ElemType::Bf16 => {
                // The emitter writes `v as f64` into the float type; integers below 2^24 are
                // exact in f32, and f32 -> bf16 rounds to nearest even as MLIR's APFloat does.
                if v.unsigned_abs() >= 1 << 24 {
                    return Err(CdoError::InitValue {
                        buffer: b.name.clone(),
                        reason: format!("{v} is not exactly representable as {elem:?} here; use values below 2^24"),
                    });
                }
                let f = v as f32;
                if elem == ElemType::F32 {
                    out.extend_from_slice(&f.to_bits().to_le_bytes());
                } else {
                    let bits = f.to_bits();
                    let round = 0x7FFF + ((bits >> 16) & 1);
                    let h = (bits.wrapping_add(round) >> 16) as u16;
                    out.extend_from_slice(&h.to_le_bytes());
                }
            }
        }
    }
    Ok(out)
}

fn port_error(t: Loc, p: Port, master: bool) -> CdoError {
    CdoError::Port {
        col: t.col,
        row: t.row,
        bundle: p.0,
        channel: p.1,
        master,
    }
}

fn master_index(t: Loc, sr: &SwitchRegs, p: Port) -> Result<u32, CdoError> {
    PortType::of(p.0)
        .and_then(|pt| sr.master_index(pt, p.1))
        .ok_or_else(|| port_error(t, p, true))
}

fn slave_index(t: Loc, sr: &SwitchRegs, p: Port) -> Result<u32, CdoError> {
    PortType::of(p.0)
        .and_then(|pt| sr.slave_index(pt, p.1))
        .ok_or_else(|| port_error(t, p, false))
}

/// aie-rt `XAie_EnableShimDmaToAieStrmPort` (`mux`) / `XAie_EnableAieToShimDmaStrmPort`.
fn shim_mux(s: &mut CdoStream, t: Loc, port: u32, mux: bool) -> Result<(), CdoError> {
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
