//! AIE2 (AIE-ML) register map: the addresses and field layouts that configuring an npu1 array
//! writes. These are the facts aie-rt holds in `driver/src/global/xaiemlgbl_params.h` and
//! `xaiemlgbl_reginit.c` (Xilinx/aie-rt, the `XAIE_DEV_GEN_AIE2IPU` device mlir-aie's CDO
//! back end configures); the writers in `back::cdo` read them from here and write no register
//! offset or field position of their own.
//!
//! Offsets are tile-local; [`tile_base`] gives a tile's base address in the partition.

use super::{npu1, TileKind, WireBundle};

/// A bit field of a 32-bit register: the value goes to `(v << lsb) & mask`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Lowest bit.
    pub lsb: u32,
    /// The field's bits in place.
    pub mask: u32,
}

impl Field {
    /// A field at `lsb` covering `mask`.
    pub const fn new(lsb: u32, mask: u32) -> Field {
        Field { lsb, mask }
    }

    /// `v` placed in the field, as aie-rt's `XAie_SetField` does: the shifted value is cut to
    /// the field (so a negative lock value lands as its two's complement in the field's width).
    pub fn set(self, v: u32) -> u32 {
        v.checked_shl(self.lsb).unwrap_or(0) & self.mask
    }

    /// The largest value the field holds.
    pub fn max(self) -> u32 {
        self.mask >> self.lsb
    }
}

/// Base address of tile `(col, row)` in the partition's address space (aie-rt
/// `_XAie_GetTileAddr` with the column and row shifts of npu1; the CDO addresses are
/// partition-relative, column = MLIR column).
pub fn tile_base(col: u32, row: u32) -> u64 {
    (u64::from(col) << npu1::COLUMN_SHIFT) | (u64::from(row) << npu1::ROW_SHIFT)
}

// ---------------------------------------------------------------------------------------------
// Core module (compute tiles only).

/// Core control register (`CORE_MODULE_CORE_CONTROL`).
pub const CORE_CONTROL: u32 = 0x0003_2000;
/// Core control: enable bit.
pub const CORE_CONTROL_ENABLE: Field = Field::new(0, 0x1);
/// Core control: reset bit.
pub const CORE_CONTROL_RESET: Field = Field::new(1, 0x2);

/// Program memory as the host sees it (`CORE_MODULE_PROGRAM_MEMORY`).
pub const PROGRAM_MEMORY: u32 = 0x0002_0000;
/// Program memory size in bytes (16 KiB).
pub const PROGRAM_MEMORY_BYTES: u32 = 16 * 1024;
/// Where the core's view of data memory starts (aie-rt `CoreMod.DataMemAddr`): addresses from
/// here are `direction * DATA_MEMORY_BYTES + offset`.
pub const CORE_DATA_MEMORY_ADDR: u32 = 0x4_0000;
/// One tile's data memory (64 KiB), also the size of each direction's window in the core view.
pub const DATA_MEMORY_BYTES: u32 = 64 * 1024;
/// Directions of the core's data-memory windows (`address / DATA_MEMORY_BYTES`, aie-rt
/// `_XAie_GetTargetTileLoc`, AIE-ML without checkerboard): 4 = south, 5 = west, 6 = north,
/// 7 = the tile's own memory (what AIE1 called east).
pub const CORE_WINDOW_SOUTH: u32 = 4;
/// See [`CORE_WINDOW_SOUTH`].
pub const CORE_WINDOW_WEST: u32 = 5;
/// See [`CORE_WINDOW_SOUTH`].
pub const CORE_WINDOW_NORTH: u32 = 6;
/// See [`CORE_WINDOW_SOUTH`].
pub const CORE_WINDOW_OWN: u32 = 7;

/// ELF `e_machine` of AIE2 core programs (`EM_AIE2`, as Peano and aiecc produce them).
pub const ELF_MACHINE_AIE2: u16 = 264;

// ---------------------------------------------------------------------------------------------
// Data memory as the host writes it (aie-rt `MemMod`: base 0 in the tile).

/// Data memory size of a tile kind that has one, in bytes.
pub fn data_memory_bytes(kind: TileKind) -> Option<u32> {
    match kind {
        TileKind::Compute => Some(npu1::COMPUTE.memory_bytes),
        TileKind::Mem => Some(npu1::MEM.memory_bytes),
        TileKind::Shim => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Locks.

/// Lock 0's value register of a compute tile.
pub const COMPUTE_LOCK_BASE: u32 = 0x0001_F000;
/// Lock 0's value register of a mem tile.
pub const MEM_LOCK_BASE: u32 = 0x000C_0000;
/// Lock 0's value register of a shim tile.
pub const SHIM_LOCK_BASE: u32 = 0x0001_4000;

/// Lock value registers of a tile kind: base of lock 0 and the distance between locks.
pub fn lock_value_register(kind: TileKind, id: u32) -> Option<u32> {
    let base = match kind {
        TileKind::Compute => COMPUTE_LOCK_BASE,
        TileKind::Mem => MEM_LOCK_BASE,
        TileKind::Shim => SHIM_LOCK_BASE,
    };
    id.checked_mul(LOCK_STRIDE)?.checked_add(base)
}
/// Distance between two lock value registers.
pub const LOCK_STRIDE: u32 = 0x10;
/// The lock value field.
pub const LOCK_VALUE: Field = Field::new(0, 0x3F);
/// Locks a core's tile resets to 0 before configuration (mlir-aie `NUM_LOCKS`).
pub const CORE_TILE_RESET_LOCKS: u32 = 16;

/// Offset added to lock ids a mem-tile BD uses, by where the lock sits relative to the mem tile
/// (mlir-aie `getLockLocalBaseIndex`): west neighbour 0, its own `locks`, east `2 * locks`.
pub const MEM_TILE_LOCK_WINDOWS: [u32; 3] = [0, npu1::MEM.locks, 2 * npu1::MEM.locks];
/// Offset added to buffer addresses a mem-tile BD uses, by where the buffer sits (mlir-aie
/// `getMemLocalBaseAddress`): west neighbour 0, its own memory, east.
pub const MEM_TILE_ADDRESS_WINDOWS: [u32; 3] =
    [0, npu1::MEM.memory_bytes, 2 * npu1::MEM.memory_bytes];

// ---------------------------------------------------------------------------------------------
// DMA.

/// A DMA module's registers (aie-rt `XAie_DmaMod`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmaRegs {
    /// BD 0, word 0.
    pub bd_base: u32,
    /// Distance between BDs.
    pub bd_stride: u32,
    /// Words of one BD.
    pub bd_words: usize,
    /// Number of BDs.
    pub bds: u32,
    /// Control register of S2MM channel 0.
    pub ctrl_base: u32,
    /// Start-queue register of S2MM channel 0.
    pub queue_base: u32,
    /// Distance between channels; MM2S channels follow the S2MM ones.
    pub channel_stride: u32,
    /// Channels per direction.
    pub channels: u32,
    /// Byte address alignment of a BD's buffer, as a shift (addresses are in 32-bit words).
    pub addr_shift: u32,
    /// Highest address + length a BD reaches, in bytes.
    pub addr_max: u64,
    /// Largest stride of one dimension (in words).
    pub step_max: u32,
    /// Largest wrap of one dimension.
    pub wrap_max: u32,
    /// Address dimensions.
    pub dims: usize,
    /// The BD field layout.
    pub bd: BdLayout,
}

/// Where a field of a BD lives: word index and field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BdField {
    /// Word of the BD.
    pub word: usize,
    /// Field in that word.
    pub field: Field,
}

const fn bf(word: usize, lsb: u32, mask: u32) -> BdField {
    BdField {
        word,
        field: Field::new(lsb, mask),
    }
}

/// Field layout of a BD (aie-rt `XAie_DmaBdProp` and the `_XAieMl_*DmaWriteBd` word packing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BdLayout {
    /// Buffer length in words.
    pub length: BdField,
    /// Base address in words.
    pub base: BdField,
    /// Packet enable, type, id.
    pub packet_enable: BdField,
    /// Packet type.
    pub packet_type: BdField,
    /// Packet id.
    pub packet_id: BdField,
    /// Next BD id.
    pub next_bd: BdField,
    /// Use next BD.
    pub use_next_bd: BdField,
    /// BD valid.
    pub valid: BdField,
    /// Lock release value.
    pub rel_value: BdField,
    /// Lock release id.
    pub rel_id: BdField,
    /// Lock acquire enable.
    pub acq_enable: BdField,
    /// Lock acquire value.
    pub acq_value: BdField,
    /// Lock acquire id.
    pub acq_id: BdField,
    /// Steps (stride − 1) of dimensions 0, 1, 2, 3 (`None` where the tile has no such dim).
    pub step: [Option<BdField>; 4],
    /// Wraps of dimensions 0, 1, 2 (`None` where the BD has none).
    pub wrap: [Option<BdField>; 3],
    /// Iteration step − 1, iteration wrap − 1 (written as 0 when unused).
    pub iter_step: BdField,
    /// See `iter_step`.
    pub iter_wrap: BdField,
    /// Zero padding before dims 0, 1, 2 (mem tiles only).
    pub pad_before: [Option<BdField>; 3],
    /// Zero padding after dims 0, 1, 2 (mem tiles only).
    pub pad_after: [Option<BdField>; 3],
}

/// Compute-tile DMA (`AieMlTileDmaMod`, memory module).
pub const COMPUTE_DMA: DmaRegs = DmaRegs {
    bd_base: 0x0001_D000,
    bd_stride: 0x20,
    bd_words: 6,
    bds: npu1::COMPUTE.bds,
    ctrl_base: 0x0001_DE00,
    queue_base: 0x0001_DE04,
    channel_stride: 0x8,
    channels: npu1::COMPUTE.dma_channels,
    addr_shift: 2,
    addr_max: 0x2_0000,
    step_max: (1 << 13) - 1,
    wrap_max: (1 << 8) - 1,
    dims: 3,
    bd: BdLayout {
        length: bf(0, 0, 0x0000_3FFF),
        base: bf(0, 14, 0x0FFF_C000),
        packet_enable: bf(1, 30, 0x4000_0000),
        packet_type: bf(1, 16, 0x0007_0000),
        packet_id: bf(1, 19, 0x00F8_0000),
        next_bd: bf(5, 27, 0x7800_0000),
        use_next_bd: bf(5, 26, 0x0400_0000),
        valid: bf(5, 25, 0x0200_0000),
        rel_value: bf(5, 18, 0x01FC_0000),
        rel_id: bf(5, 13, 0x0001_E000),
        acq_enable: bf(5, 12, 0x0000_1000),
        acq_value: bf(5, 5, 0x0000_0FE0),
        acq_id: bf(5, 0, 0x0000_000F),
        step: [
            Some(bf(2, 0, 0x0000_1FFF)),
            Some(bf(2, 13, 0x03FF_E000)),
            Some(bf(3, 0, 0x0000_1FFF)),
            None,
        ],
        wrap: [
            Some(bf(3, 13, 0x001F_E000)),
            Some(bf(3, 21, 0x1FE0_0000)),
            None,
        ],
        iter_step: bf(4, 0, 0x0000_1FFF),
        iter_wrap: bf(4, 13, 0x0007_E000),
        pad_before: [None, None, None],
        pad_after: [None, None, None],
    },
};

/// Mem-tile DMA (`AieMlMemTileDmaMod`).
pub const MEM_DMA: DmaRegs = DmaRegs {
    bd_base: 0x000A_0000,
    bd_stride: 0x20,
    bd_words: 8,
    bds: npu1::MEM.bds,
    ctrl_base: 0x000A_0600,
    queue_base: 0x000A_0604,
    channel_stride: 0x8,
    channels: npu1::MEM.dma_channels,
    addr_shift: 2,
    addr_max: 0x18_0000,
    step_max: (1 << 17) - 1,
    wrap_max: (1 << 10) - 1,
    dims: 4,
    bd: BdLayout {
        length: bf(0, 0, 0x0001_FFFF),
        base: bf(1, 0, 0x0007_FFFF),
        packet_enable: bf(0, 31, 0x8000_0000),
        packet_type: bf(0, 28, 0x7000_0000),
        packet_id: bf(0, 23, 0x0F80_0000),
        next_bd: bf(1, 20, 0x03F0_0000),
        use_next_bd: bf(1, 19, 0x0008_0000),
        valid: bf(7, 31, 0x8000_0000),
        rel_value: bf(7, 24, 0x7F00_0000),
        rel_id: bf(7, 16, 0x00FF_0000),
        acq_enable: bf(7, 15, 0x0000_8000),
        acq_value: bf(7, 8, 0x0000_7F00),
        acq_id: bf(7, 0, 0x0000_00FF),
        step: [
            Some(bf(2, 0, 0x0001_FFFF)),
            Some(bf(3, 0, 0x0001_FFFF)),
            Some(bf(4, 0, 0x0001_FFFF)),
            Some(bf(5, 0, 0x0001_FFFF)),
        ],
        wrap: [
            Some(bf(2, 17, 0x07FE_0000)),
            Some(bf(3, 17, 0x07FE_0000)),
            Some(bf(4, 17, 0x07FE_0000)),
        ],
        iter_step: bf(6, 0, 0x0001_FFFF),
        iter_wrap: bf(6, 17, 0x007E_0000),
        pad_before: [
            Some(bf(1, 26, 0xFC00_0000)),
            Some(bf(3, 27, 0xF800_0000)),
            Some(bf(4, 27, 0x7800_0000)),
        ],
        pad_after: [
            Some(bf(5, 17, 0x007E_0000)),
            Some(bf(5, 23, 0x0F80_0000)),
            Some(bf(5, 28, 0xF000_0000)),
        ],
    },
};

/// The DMA registers of a tile kind (shim BDs are written by the host's runtime sequence and
/// have no entry here).
pub fn dma(kind: TileKind) -> Option<&'static DmaRegs> {
    match kind {
        TileKind::Compute => Some(&COMPUTE_DMA),
        TileKind::Mem => Some(&MEM_DMA),
        TileKind::Shim => None,
    }
}

/// Channel control: the reset bit.
pub const DMA_CTRL_RESET: Field = Field::new(1, 0x2);
/// Channel enable as aie-rt writes it for AIE-ML: a masked write of 1 with an empty mask to the
/// control register (`ChProp.Enable = {0}`: the hardware starts a channel from its queue), kept
/// because the CDO carries it.
pub const DMA_CTRL_ENABLE_MASK: u32 = 0;
/// See [`DMA_CTRL_ENABLE_MASK`].
pub const DMA_CTRL_ENABLE_VALUE: u32 = 1;
/// Start queue: first BD.
pub const DMA_QUEUE_START_BD: Field = Field::new(0, 0x3F);
/// Start queue: repeat count − 1.
pub const DMA_QUEUE_REPEAT: Field = Field::new(16, 0x00FF_0000);
/// Start queue: issue a task-complete token.
pub const DMA_QUEUE_TOKEN: Field = Field::new(31, 0x8000_0000);
/// Largest repeat count a start queue takes (aie-rt `MaxRepeatCount`).
pub const DMA_MAX_REPEAT: u32 = 256;
/// Mem-tile BDs below this id serve even channels, the others odd ones (aie-rt
/// `_XAieMl_MemTileDmaCheckBdChValidity`).
pub const MEM_TILE_ODD_CHANNEL_FIRST_BD: u32 = 24;

// ---------------------------------------------------------------------------------------------
// Stream switch.

/// aie-rt's stream-switch port types (`StrmSwPortType`), in the order their registers follow
/// each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortType {
    /// Core.
    Core,
    /// DMA.
    Dma,
    /// Tile control.
    Ctrl,
    /// FIFO.
    Fifo,
    /// South.
    South,
    /// West.
    West,
    /// North.
    North,
    /// East.
    East,
    /// Trace.
    Trace,
}

impl PortType {
    /// The order of the registers.
    pub const ORDER: [PortType; 9] = [
        PortType::Core,
        PortType::Dma,
        PortType::Ctrl,
        PortType::Fifo,
        PortType::South,
        PortType::West,
        PortType::North,
        PortType::East,
        PortType::Trace,
    ];

    /// The port type of a wire bundle (mlir-aie `WIRE_BUNDLE_TO_STRM_SW_PORT_TYPE`); PLIO and
    /// NOC have none.
    pub fn of(b: WireBundle) -> Option<PortType> {
        Some(match b {
            WireBundle::Core => PortType::Core,
            WireBundle::Dma => PortType::Dma,
            WireBundle::TileControl => PortType::Ctrl,
            WireBundle::Fifo => PortType::Fifo,
            WireBundle::South => PortType::South,
            WireBundle::West => PortType::West,
            WireBundle::North => PortType::North,
            WireBundle::East => PortType::East,
            WireBundle::Trace => PortType::Trace,
            WireBundle::Plio | WireBundle::Noc => return None,
        })
    }
}

/// A stream switch's registers (aie-rt `XAie_StrmMod`): master and slave configuration
/// registers one word per port, in [`PortType::ORDER`] with the counts below; slave slots four
/// words per slave port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwitchRegs {
    /// Master configuration of the first port.
    pub master_base: u32,
    /// Slave configuration of the first port.
    pub slave_base: u32,
    /// Slot 0 of the first slave port.
    pub slot_base: u32,
    /// Master ports per type, in [`PortType::ORDER`].
    pub masters: [u32; 9],
    /// Slave ports per type, in [`PortType::ORDER`].
    pub slaves: [u32; 9],
}

/// Distance between two port registers.
pub const SWITCH_PORT_STRIDE: u32 = 4;
/// Slots per slave port.
pub const SWITCH_SLOTS: u32 = 4;
/// Distance between the slot groups of two slave ports.
pub const SWITCH_SLOT_PORT_STRIDE: u32 = 0x10;
/// Distance between two slots of a port.
pub const SWITCH_SLOT_STRIDE: u32 = 4;

/// Master port: enable.
pub const MASTER_ENABLE: Field = Field::new(31, 0x8000_0000);
/// Master port: packet switching.
pub const MASTER_PACKET_ENABLE: Field = Field::new(30, 0x4000_0000);
/// Master port: drop the packet header.
pub const MASTER_DROP_HEADER: Field = Field::new(7, 0x80);
/// Master port, circuit: the slave port index it listens to.
pub const MASTER_CONFIG: Field = Field::new(0, 0x7F);
/// Master port, packet: arbiter.
pub const MASTER_ARBITER: Field = Field::new(0, 0x7);
/// Master port, packet: master-select enable mask.
pub const MASTER_MSEL_ENABLE: Field = Field::new(3, 0x78);
/// Slave port: enable.
pub const SLAVE_ENABLE: Field = Field::new(31, 0x8000_0000);
/// Slave port: packet switching.
pub const SLAVE_PACKET_ENABLE: Field = Field::new(30, 0x4000_0000);
/// Slot: packet id.
pub const SLOT_ID: Field = Field::new(24, 0x1F00_0000);
/// Slot: id mask.
pub const SLOT_MASK: Field = Field::new(16, 0x001F_0000);
/// Slot: enable.
pub const SLOT_ENABLE: Field = Field::new(8, 0x100);
/// Slot: master select.
pub const SLOT_MSEL: Field = Field::new(4, 0x30);
/// Slot: arbiter.
pub const SLOT_ARBITER: Field = Field::new(0, 0x7);

/// Compute-tile stream switch (`AieMlTileStrmSw`).
pub const COMPUTE_SWITCH: SwitchRegs = SwitchRegs {
    master_base: 0x0003_F000,
    slave_base: 0x0003_F100,
    slot_base: 0x0003_F200,
    masters: [1, 2, 1, 1, 4, 4, 6, 4, 0],
    slaves: [1, 2, 1, 1, 6, 4, 4, 4, 2],
};
/// Mem-tile stream switch (`AieMlMemTileStrmSw`).
pub const MEM_SWITCH: SwitchRegs = SwitchRegs {
    master_base: 0x000B_0000,
    slave_base: 0x000B_0100,
    slot_base: 0x000B_0200,
    masters: [0, 6, 1, 0, 4, 0, 6, 0, 0],
    slaves: [0, 6, 1, 0, 6, 0, 4, 0, 1],
};
/// Shim-tile stream switch (`AieMlShimStrmSw`).
pub const SHIM_SWITCH: SwitchRegs = SwitchRegs {
    master_base: 0x0003_F000,
    slave_base: 0x0003_F100,
    slot_base: 0x0003_F200,
    masters: [0, 0, 1, 1, 6, 4, 6, 4, 0],
    slaves: [0, 0, 1, 1, 8, 4, 4, 4, 2],
};

impl SwitchRegs {
    /// The switch of a tile kind.
    pub fn of(kind: TileKind) -> &'static SwitchRegs {
        match kind {
            TileKind::Compute => &COMPUTE_SWITCH,
            TileKind::Mem => &MEM_SWITCH,
            TileKind::Shim => &SHIM_SWITCH,
        }
    }

    fn index(counts: &[u32; 9], t: PortType, channel: u32) -> Option<u32> {
        let pos = PortType::ORDER.iter().position(|&p| p == t)?;
        let n = *counts.get(pos)?;
        if channel >= n {
            return None;
        }
        let before: u32 = counts.iter().take(pos).sum();
        before.checked_add(channel)
    }

    /// Index of a master port among the switch's master registers, if the switch has it.
    pub fn master_index(&self, t: PortType, channel: u32) -> Option<u32> {
        Self::index(&self.masters, t, channel)
    }

    /// Index of a slave port among the switch's slave registers, if the switch has it.
    pub fn slave_index(&self, t: PortType, channel: u32) -> Option<u32> {
        Self::index(&self.slaves, t, channel)
    }
}

/// Shim mux configuration register (stream into the array from the shim DMA).
pub const SHIM_MUX_CONFIG: u32 = 0x0001_F000;
/// Shim demux configuration register (stream out of the array to the shim DMA).
pub const SHIM_DEMUX_CONFIG: u32 = 0x0001_F004;
/// Mux/demux field value selecting the DMA.
pub const SHIM_MUX_DMA: u32 = 1;

/// The mux field of a South port the shim DMA can feed (ports 3 and 7 for the DMA; 2 and 6
/// exist for PL/NOC).
pub fn shim_mux_field(south_port: u32) -> Option<Field> {
    match south_port {
        2 => Some(Field::new(8, 0x300)),
        3 => Some(Field::new(10, 0xC00)),
        6 => Some(Field::new(12, 0x3000)),
        7 => Some(Field::new(14, 0xC000)),
        _ => None,
    }
}
/// South ports a shim DMA MM2S channel may drive (aie-rt `XAie_EnableShimDmaToAieStrmPort`).
pub const SHIM_DMA_MUX_PORTS: [u32; 2] = [3, 7];

/// The demux field of a South port that can reach the shim DMA.
pub fn shim_demux_field(south_port: u32) -> Option<Field> {
    match south_port {
        2 => Some(Field::new(4, 0x30)),
        3 => Some(Field::new(6, 0xC0)),
        4 => Some(Field::new(8, 0x300)),
        5 => Some(Field::new(10, 0xC00)),
        _ => None,
    }
}
/// South ports a shim DMA S2MM channel may read (aie-rt `XAie_EnableAieToShimDmaStrmPort`).
pub const SHIM_DMA_DEMUX_PORTS: [u32; 2] = [2, 3];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_indices_follow_the_register_order() {
        // Shim: South 3 is slave 5 (ctrl, fifo, south 0..), North 4 is master 16.
        assert_eq!(SHIM_SWITCH.slave_index(PortType::South, 3), Some(5));
        assert_eq!(SHIM_SWITCH.master_index(PortType::North, 4), Some(16));
        assert_eq!(MEM_SWITCH.slave_index(PortType::South, 4), Some(11));
        assert_eq!(MEM_SWITCH.master_index(PortType::Dma, 6), None);
        assert_eq!(COMPUTE_SWITCH.master_index(PortType::Trace, 0), None);
    }

    #[test]
    fn negative_lock_values_fill_the_field() {
        assert_eq!(MEM_DMA.bd.acq_value.field.set((-1i32) as u32), 0x7F00);
        assert_eq!(COMPUTE_DMA.bd.acq_value.field.set((-1i32) as u32), 0xFE0);
    }
}
