//! Register names for CDO addresses, from the target model: "tile (0,1) BD 2 word 0",
//! "tile (0,2) lock 3", "tile (0,0) stream switch master North 4"… Used to make a differing
//! command readable, and by anything that shows a CDO to a person.

use crate::target::regs::{self, DmaRegs, PortType, SwitchRegs};
use crate::target::{npu1, Device, DmaDir, TileKind};

/// The register at partition address `addr` of an npu1 device, as far as the target model
/// knows it: always the tile and offset, and the register's name when known.
pub fn describe(addr: u64) -> String {
    let col = addr >> npu1::COLUMN_SHIFT;
    let row = (addr >> npu1::ROW_SHIFT) & ((1 << (npu1::COLUMN_SHIFT - npu1::ROW_SHIFT)) - 1);
    let off = (addr & u64::from(npu1::TILE_ADDRESS_MASK)) as u32;
    let kind = u32::try_from(row)
        .ok()
        .and_then(|r| Device::Npu1.kind_of_row(r));
    let tile = format!("tile ({col},{row}) +{off:#07x}");
    match kind.and_then(|k| name(k, off)) {
        Some(n) => format!("{tile} {n}"),
        None => tile,
    }
}

fn name(kind: TileKind, off: u32) -> Option<String> {
    if kind == TileKind::Compute {
        if off == regs::CORE_CONTROL {
            return Some("core control".into());
        }
        if (regs::PROGRAM_MEMORY..regs::PROGRAM_MEMORY + regs::PROGRAM_MEMORY_BYTES).contains(&off)
        {
            return Some(format!("program memory {:#x}", off - regs::PROGRAM_MEMORY));
        }
    }
    if let Some(n) = lock_name(kind, off) {
        return Some(n);
    }
    if let Some(d) = regs::dma(kind) {
        if let Some(n) = dma_name(d, off) {
            return Some(n);
        }
    }
    if kind == TileKind::Shim {
        if off == regs::SHIM_MUX_CONFIG {
            return Some("shim mux".into());
        }
        if off == regs::SHIM_DEMUX_CONFIG {
            return Some("shim demux".into());
        }
    }
    if let Some(n) = switch_name(SwitchRegs::of(kind), off) {
        return Some(n);
    }
    match regs::data_memory_bytes(kind) {
        Some(size) if off < size => Some("data memory".into()),
        _ => None,
    }
}

fn lock_name(kind: TileKind, off: u32) -> Option<String> {
    let base = regs::lock_value_register(kind, 0)?;
    let locks = match kind {
        TileKind::Compute => npu1::COMPUTE.locks,
        TileKind::Mem => npu1::MEM.locks,
        TileKind::Shim => npu1::SHIM.locks,
    };
    let rel = off.checked_sub(base)?;
    let id = rel / regs::LOCK_STRIDE;
    (rel.is_multiple_of(regs::LOCK_STRIDE) && id < locks).then(|| format!("lock {id} value"))
}

fn dma_name(d: &DmaRegs, off: u32) -> Option<String> {
    let bd_end = d.bd_base + d.bds * d.bd_stride;
    if (d.bd_base..bd_end).contains(&off) {
        let rel = off - d.bd_base;
        let word = (rel % d.bd_stride) / 4;
        if (word as usize) < d.bd_words {
            return Some(format!("BD {} word {word}", rel / d.bd_stride));
        }
    }
    for dir in [DmaDir::S2mm, DmaDir::Mm2s] {
        for ch in 0..d.channels {
            let o = super::config::channel_offset(d, dir, ch);
            let label = format!("DMA {} channel {ch}", dir.keyword());
            if off == d.ctrl_base + o {
                return Some(format!("{label} control"));
            }
            if off == d.queue_base + o {
                return Some(format!("{label} start queue"));
            }
        }
    }
    None
}

fn port_of(counts: &[u32; 9], index: u32) -> Option<(PortType, u32)> {
    let mut first = 0;
    for (t, &n) in PortType::ORDER.iter().zip(counts) {
        if index < first + n {
            return Some((*t, index - first));
        }
        first += n;
    }
    None
}

fn switch_name(s: &SwitchRegs, off: u32) -> Option<String> {
    let stride = regs::SWITCH_PORT_STRIDE;
    let port = |base: u32, counts: &[u32; 9]| {
        let rel = off.checked_sub(base)?;
        if !rel.is_multiple_of(stride) {
            return None;
        }
        port_of(counts, rel / stride)
    };
    if let Some((t, ch)) = port(s.master_base, &s.masters) {
        return Some(format!("stream switch master {t:?} {ch}"));
    }
    if let Some((t, ch)) = port(s.slave_base, &s.slaves) {
        return Some(format!("stream switch slave {t:?} {ch}"));
    }
    let rel = off.checked_sub(s.slot_base)?;
    let (slave, slot) = (
        rel / regs::SWITCH_SLOT_PORT_STRIDE,
        (rel % regs::SWITCH_SLOT_PORT_STRIDE) / regs::SWITCH_SLOT_STRIDE,
    );
    let (t, ch) = port_of(&s.slaves, slave)?;
    Some(format!("stream switch slave {t:?} {ch} slot {slot}"))
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn names_follow_the_register_map() {
        assert_eq!(describe(0x001A_0040), "tile (0,1) +0xa0040 BD 2 word 0");
        assert_eq!(describe(0x0023_2000), "tile (0,2) +0x32000 core control");
        assert_eq!(describe(0x0021_F030), "tile (0,2) +0x1f030 lock 3 value");
        assert_eq!(
            describe(0x0003_F040),
            "tile (0,0) +0x3f040 stream switch master North 4"
        );
        assert_eq!(
            describe(0x0003_F200),
            "tile (0,0) +0x3f200 stream switch slave Ctrl 0 slot 0"
        );
        assert_eq!(
            describe(0x001A_0634),
            "tile (0,1) +0xa0634 DMA MM2S channel 0 start queue"
        );
        assert_eq!(describe(0x0001_F004), "tile (0,0) +0x1f004 shim demux");
    }
}
