//! Where the AIE2 (npu1) tile registers lie, for reading CDOs back: which block a
//! tile-local offset falls in (aie-rt `driver/src/global/xaiemlgbl_params.h`, the AIE-ML
//! register database: `*_DMA_BD0_0`, `*_DMA_S2MM_0_CTRL`, `*_LOCK0_VALUE`,
//! `*_STREAM_SWITCH_MASTER_CONFIG_*`, `CORE_CONTROL`, `NOC_MODULE_MUX_CONFIG`…).

use super::regs::{self, COMPUTE_DMA, COMPUTE_SWITCH, MEM_DMA, MEM_SWITCH, SHIM_SWITCH};
use super::{npu1, TileKind};

/// A run of equal register groups (BDs, locks, channels…) or one memory range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// What it is ("DMA BD", "lock"…).
    pub name: &'static str,
    /// First tile-local byte offset.
    pub start: u32,
    /// Bytes per element (the whole size for a memory or a single register).
    pub stride: u32,
    /// Number of elements.
    pub count: u32,
}

impl Block {
    const fn new(name: &'static str, start: u32, stride: u32, count: u32) -> Block {
        Block {
            name,
            start,
            stride,
            count,
        }
    }
    /// Bytes covered.
    pub const fn len(&self) -> u32 {
        self.stride * self.count
    }
    /// Whether the block covers no bytes.
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Bytes of one word.
const W: u32 = 4;
/// Bytes per BD (eight word slots; a compute tile's BD uses six of them).
pub const BD_STRIDE: u32 = npu1::SHIM_BD_STRIDE;
/// Bytes per DMA channel's control and start-queue pair.
pub const DMA_CHANNEL_STRIDE: u32 = npu1::SHIM_DMA_CTRL_STRIDE;
/// Bytes per lock (its value register).
pub const LOCK_STRIDE: u32 = regs::LOCK_STRIDE;
/// Bytes per stream-switch slave port's four slot registers.
pub const SLOT_PORT_STRIDE: u32 = regs::SWITCH_SLOT_PORT_STRIDE;
/// Stream-switch ports per direction covered by the configuration arrays.
pub const SWITCH_PORTS: u32 = 64;

/// Register blocks of a compute tile.
pub const COMPUTE: &[Block] = &[
    Block::new("data memory", 0, npu1::COMPUTE.memory_bytes, 1),
    Block::new("DMA BD", COMPUTE_DMA.bd_base, BD_STRIDE, npu1::COMPUTE.bds),
    Block::new(
        "DMA channel",
        COMPUTE_DMA.ctrl_base,
        DMA_CHANNEL_STRIDE,
        2 * npu1::COMPUTE.dma_channels,
    ),
    Block::new(
        "lock",
        regs::COMPUTE_LOCK_BASE,
        LOCK_STRIDE,
        npu1::COMPUTE.locks,
    ),
    Block::new(
        "program memory",
        regs::PROGRAM_MEMORY,
        regs::PROGRAM_MEMORY_BYTES,
        1,
    ),
    Block::new("core PC", 0x3_1100, W, 1),
    Block::new("core control", regs::CORE_CONTROL, W, 1),
    Block::new("core status", 0x3_2004, W, 1),
    Block::new(
        "stream switch master config",
        COMPUTE_SWITCH.master_base,
        W,
        SWITCH_PORTS,
    ),
    Block::new(
        "stream switch slave config",
        COMPUTE_SWITCH.slave_base,
        W,
        SWITCH_PORTS,
    ),
    Block::new(
        "stream switch slave slots",
        COMPUTE_SWITCH.slot_base,
        SLOT_PORT_STRIDE,
        SWITCH_PORTS,
    ),
];

/// Register blocks of a mem tile.
pub const MEM: &[Block] = &[
    Block::new("data memory", 0, npu1::MEM.memory_bytes, 1),
    Block::new("DMA BD", MEM_DMA.bd_base, BD_STRIDE, npu1::MEM.bds),
    Block::new(
        "DMA channel",
        MEM_DMA.ctrl_base,
        DMA_CHANNEL_STRIDE,
        2 * npu1::MEM.dma_channels,
    ),
    Block::new(
        "stream switch master config",
        MEM_SWITCH.master_base,
        W,
        SWITCH_PORTS,
    ),
    Block::new(
        "stream switch slave config",
        MEM_SWITCH.slave_base,
        W,
        SWITCH_PORTS,
    ),
    Block::new(
        "stream switch slave slots",
        MEM_SWITCH.slot_base,
        SLOT_PORT_STRIDE,
        SWITCH_PORTS,
    ),
    Block::new("lock", regs::MEM_LOCK_BASE, LOCK_STRIDE, npu1::MEM.locks),
];

/// Register blocks of a shim (NOC) tile.
pub const SHIM: &[Block] = &[
    Block::new("lock", regs::SHIM_LOCK_BASE, LOCK_STRIDE, npu1::SHIM.locks),
    Block::new("DMA BD", npu1::SHIM_BD_BASE, BD_STRIDE, npu1::SHIM.bds),
    Block::new(
        "DMA channel",
        npu1::SHIM_DMA_CTRL_BASE,
        DMA_CHANNEL_STRIDE,
        2 * npu1::SHIM.dma_channels,
    ),
    Block::new("shim mux config", regs::SHIM_MUX_CONFIG, W, 1),
    Block::new("shim demux config", regs::SHIM_DEMUX_CONFIG, W, 1),
    Block::new(
        "stream switch master config",
        SHIM_SWITCH.master_base,
        W,
        SWITCH_PORTS,
    ),
    Block::new(
        "stream switch slave config",
        SHIM_SWITCH.slave_base,
        W,
        SWITCH_PORTS,
    ),
    Block::new(
        "stream switch slave slots",
        SHIM_SWITCH.slot_base,
        SLOT_PORT_STRIDE,
        SWITCH_PORTS,
    ),
];

/// Stream-switch ports of one bundle, in register order.
type Ports = &'static [(&'static str, u32)];

/// Master ports of a compute tile, in configuration-register order (aie-rt
/// `AieMlTileStrmSwMasterPortMap`).
pub const COMPUTE_MASTERS: Ports = &[
    ("Core", 1),
    ("DMA", 2),
    ("TileControl", 1),
    ("FIFO", 1),
    ("South", 4),
    ("West", 4),
    ("North", 6),
    ("East", 4),
];
/// Slave ports of a compute tile (`AieMlTileStrmSwSlavePortMap`).
pub const COMPUTE_SLAVES: Ports = &[
    ("Core", 1),
    ("DMA", 2),
    ("TileControl", 1),
    ("FIFO", 1),
    ("South", 6),
    ("West", 4),
    ("North", 4),
    ("East", 4),
    ("Trace", 2),
];
/// Master ports of a shim tile (`AieMlShimStrmSwMasterPortMap`).
pub const SHIM_MASTERS: Ports = &[
    ("TileControl", 1),
    ("FIFO", 1),
    ("South", 6),
    ("West", 4),
    ("North", 6),
    ("East", 4),
];
/// Slave ports of a shim tile (`AieMlShimStrmSwSlavePortMap`).
pub const SHIM_SLAVES: Ports = &[
    ("TileControl", 1),
    ("FIFO", 1),
    ("South", 8),
    ("West", 4),
    ("North", 4),
    ("East", 4),
    ("Trace", 1),
];
/// Master ports of a mem tile (`AieMlMemTileStrmSwMasterPortMap`).
pub const MEM_MASTERS: Ports = &[("DMA", 6), ("TileControl", 1), ("South", 4), ("North", 6)];
/// Slave ports of a mem tile (`AieMlMemTileStrmSwSlavePortMap`).
pub const MEM_SLAVES: Ports = &[
    ("DMA", 6),
    ("TileControl", 1),
    ("South", 6),
    ("North", 4),
    ("Trace", 1),
];

/// The bundle and channel of stream-switch port `index` (register order) of a `kind` tile,
/// e.g. `DMA 0`, `South 3`.
pub fn switch_port_name(kind: TileKind, master: bool, index: u32) -> Option<String> {
    let ports = match (kind, master) {
        (TileKind::Compute, true) => COMPUTE_MASTERS,
        (TileKind::Compute, false) => COMPUTE_SLAVES,
        (TileKind::Shim, true) => SHIM_MASTERS,
        (TileKind::Shim, false) => SHIM_SLAVES,
        (TileKind::Mem, true) => MEM_MASTERS,
        (TileKind::Mem, false) => MEM_SLAVES,
    };
    let mut i = index;
    for (name, n) in ports {
        if i < *n {
            return Some(format!("{name} {i}"));
        }
        i -= n;
    }
    None
}

/// The blocks of a tile kind.
pub fn blocks(kind: TileKind) -> &'static [Block] {
    match kind {
        TileKind::Shim => SHIM,
        TileKind::Mem => MEM,
        TileKind::Compute => COMPUTE,
    }
}

/// DMA channels per direction of a tile kind (S2MM channels come first in the channel block,
/// then MM2S).
pub fn dma_channels(kind: TileKind) -> u32 {
    match kind {
        TileKind::Mem => 6,
        _ => 2,
    }
}

/// Names the register at tile-local `offset` of a `kind` tile: "DMA BD 3 word 2",
/// "lock 5", "MM2S 0 start queue", "stream switch master config port 7", "data memory +0x400"…
pub fn describe(kind: TileKind, offset: u32) -> Option<String> {
    let b = blocks(kind)
        .iter()
        .find(|b| offset >= b.start && offset - b.start < b.len())?;
    let rel = offset - b.start;
    let (index, within) = (rel / b.stride, rel % b.stride);
    Some(match b.name {
        "data memory" | "program memory" => format!("{} +{rel:#x}", b.name),
        "DMA BD" => format!("DMA BD {index} word {}", within / W),
        "DMA channel" => {
            let n = dma_channels(kind);
            let (dir, ch) = if index < n {
                ("S2MM", index)
            } else {
                ("MM2S", index - n)
            };
            // aie-rt calls the shim's queue register TASK_QUEUE, the others START_QUEUE.
            let reg = match (within < W, kind) {
                (true, _) => "control",
                (false, TileKind::Shim) => "task queue",
                (false, _) => "start queue",
            };
            format!("{dir} {ch} {reg}")
        }
        "lock" => format!("lock {index} value"),
        "stream switch slave slots" => {
            let port = switch_port_name(kind, false, index).unwrap_or(format!("port {index}"));
            format!("stream switch slave {port} slot {}", within / W)
        }
        "stream switch master config" | "stream switch slave config" => {
            let master = b.name.contains("master");
            let port = switch_port_name(kind, master, index).unwrap_or(format!("port {index}"));
            format!("{} {port}", b.name)
        }
        name if b.count > 1 => format!("{name} port {index}"),
        name => name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_do_not_overlap() {
        for kind in [TileKind::Shim, TileKind::Mem, TileKind::Compute] {
            let mut bs: Vec<_> = blocks(kind).to_vec();
            bs.sort_by_key(|b| b.start);
            for w in bs.windows(2) {
                assert!(w[0].start + w[0].len() <= w[1].start, "{kind}: {w:?}");
            }
        }
    }

    #[test]
    fn aie_rt_register_names() {
        // Offsets from aie-rt's xaiemlgbl_params.h.
        assert_eq!(
            describe(TileKind::Compute, 0x1D1F4).unwrap(),
            "DMA BD 15 word 5"
        );
        assert_eq!(
            describe(TileKind::Compute, 0x1DE1C).unwrap(),
            "MM2S 1 start queue"
        );
        assert_eq!(
            describe(TileKind::Compute, 0x1F0F0).unwrap(),
            "lock 15 value"
        );
        assert_eq!(
            describe(TileKind::Mem, 0xA05FC).unwrap(),
            "DMA BD 47 word 7"
        );
        assert_eq!(
            describe(TileKind::Mem, 0xA065C).unwrap(),
            "MM2S 5 start queue"
        );
        assert_eq!(describe(TileKind::Mem, 0xC03F0).unwrap(), "lock 63 value");
        assert_eq!(
            describe(TileKind::Shim, 0x1D21C).unwrap(),
            "MM2S 1 task queue"
        );
        assert_eq!(
            describe(TileKind::Shim, 0x1F004).unwrap(),
            "shim demux config"
        );
        assert_eq!(
            describe(TileKind::Compute, 0x32000).unwrap(),
            "core control"
        );
        assert_eq!(describe(TileKind::Compute, 0x40000), None);
        // Port maps: the last entries of aie-rt's tables.
        assert_eq!(
            switch_port_name(TileKind::Compute, true, 22).unwrap(),
            "East 3"
        );
        assert_eq!(
            switch_port_name(TileKind::Compute, false, 24).unwrap(),
            "Trace 1"
        );
        assert_eq!(
            switch_port_name(TileKind::Shim, true, 21).unwrap(),
            "East 3"
        );
        assert_eq!(
            switch_port_name(TileKind::Shim, false, 22).unwrap(),
            "Trace 0"
        );
        assert_eq!(
            switch_port_name(TileKind::Mem, true, 16).unwrap(),
            "North 5"
        );
        assert_eq!(
            switch_port_name(TileKind::Mem, false, 17).unwrap(),
            "Trace 0"
        );
        assert_eq!(switch_port_name(TileKind::Mem, false, 18), None);
        assert_eq!(
            describe(TileKind::Compute, 0x3F004).unwrap(),
            "stream switch master config DMA 0"
        );
    }
}
