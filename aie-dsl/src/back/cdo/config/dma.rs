//! DMA programs: every BD of the compute- and mem-tile DMAs (aie-rt `XAie_DmaWriteBd`) and the
//! channels' start queues, in the order mlir-aie's `AIERTControl` visits them.

use super::*;

impl Ctx<'_> {
    // -- DMAs -------------------------------------------------------------------------------

    pub(super) fn dmas(&self, s: &mut CdoStream) -> Result<(), CdoError> {
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
    pub(super) fn write_bd(
        &self,
        s: &mut CdoStream,
        t: Loc,
        regs: &DmaRegs,
        bd: &Bd,
    ) -> Result<(), CdoError> {
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
    pub(super) fn write_dims(
        &self,
        t: Loc,
        regs: &DmaRegs,
        bd: &Bd,
        elem_bytes: u64,
        w: &mut [u32],
    ) -> Result<(), CdoError> {
        let n = bd.dims.len();
        // The address generator steps in words of the DMA's granularity.
        let word = u64::from(self.device().model().dma_granularity_bytes);
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
                (u64::from(d.stride) * elem_bytes / word, u64::from(d.size))
            } else {
                // mlir-aie narrows the scaled innermost size to 16 bits.
                (
                    u64::from(d.stride),
                    (u64::from(d.size) * elem_bytes / word) & 0xFFFF,
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
}

/// The blocks of a DMA region as mlir-aie's IR holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Block {
    /// The `dma_start` block of channel k.
    Start(usize),
    /// BD j of channel k.
    Bd(usize, usize),
    /// The `aie.end` block.
    End,
}

/// The order mlir-aie's `getOrderedChainOfBlocks` visits the region's blocks in: from the
/// entry, successors are recorded when first seen and explored last-found first.
pub(super) fn block_order(chans: &[Channel]) -> Vec<Block> {
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
                    Block::Bd(k, chans[k].loop_target())
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
pub(super) fn mem_window(t: Loc, other: Loc) -> Option<usize> {
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

pub(super) fn dir_index(d: DmaDir) -> u32 {
    match d {
        DmaDir::S2mm => 0,
        DmaDir::Mm2s => 1,
    }
}

/// Offset of a channel's control (or start-queue) register from channel S2MM 0's.
pub(in crate::back::cdo) fn channel_offset(regs: &DmaRegs, dir: DmaDir, ch: u32) -> u32 {
    ch * regs.channel_stride + dir_index(dir) * regs.channel_stride * regs.channels
}

/// aie-rt `XAie_DmaChannelSetStartQueue` + `XAie_DmaChannelEnable`.
pub(super) fn start_queue(
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
