//! The target model: every fact about an NPU device that the rest of the crate needs.
//!
//! Passes, validation and emission ask this module; no other module writes a memory size, a
//! lock count or a channel count as a literal. Figures follow mlir-aie's `AIETargetModel`
//! (`BaseNPU1TargetModel` / `VirtualizedNPU1TargetModel`) at commit 5ff2ab97d.

use std::fmt;

pub mod model;

pub use model::{Field, TargetModel, NPU1};
pub mod regmap;
pub mod regs;

/// A device the design is built for.
///
/// All `npu1` variants are AIE2 (Phoenix / Hawk Point) arrays of 6 rows: a shim (NOC) row 0,
/// a mem-tile row 1 and compute rows 2 to 5; they differ in how many columns the design owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Device {
    /// The whole 4-column array.
    Npu1,
    /// One column.
    Npu1_1Col,
    /// Two columns.
    Npu1_2Col,
    /// Three columns.
    Npu1_3Col,
}

/// What kind of tile stands at a coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// Row 0: the interface to host memory (shim DMA, NOC).
    Shim,
    /// Row 1: 512 KiB of memory and 6+6 DMA channels, no core.
    Mem,
    /// Rows 2-5: an AIE2 core with 64 KiB of data memory.
    Compute,
}

impl fmt::Display for TileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TileKind::Shim => "shim tile",
            TileKind::Mem => "mem tile",
            TileKind::Compute => "compute tile",
        })
    }
}

/// A DMA channel direction: `S2MM` writes a stream into memory, `MM2S` reads memory out to a
/// stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DmaDir {
    /// Stream to memory (the tile receives).
    S2mm,
    /// Memory to stream (the tile sends).
    Mm2s,
}

impl DmaDir {
    /// The keyword mlir-aie uses.
    pub fn keyword(self) -> &'static str {
        match self {
            DmaDir::S2mm => "S2MM",
            DmaDir::Mm2s => "MM2S",
        }
    }

    /// The value of mlir-aie's `DMAChannelDir` enum.
    pub fn enum_value(self) -> i32 {
        match self {
            DmaDir::S2mm => 0,
            DmaDir::Mm2s => 1,
        }
    }
}

/// Stream-switch bundles (mlir-aie's `WireBundle`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WireBundle {
    /// The core's own stream port.
    Core,
    /// The tile's DMA.
    Dma,
    /// The stream FIFO.
    Fifo,
    /// Towards row − 1.
    South,
    /// Towards column − 1.
    West,
    /// Towards row + 1.
    North,
    /// Towards column + 1.
    East,
    /// Programmable-logic interface (shim mux).
    Plio,
    /// NOC interface (shim mux).
    Noc,
    /// Trace unit.
    Trace,
    /// Tile control (control packets).
    TileControl,
}

impl WireBundle {
    /// Every bundle, in enum order.
    pub const ALL: [WireBundle; 11] = [
        WireBundle::Core,
        WireBundle::Dma,
        WireBundle::Fifo,
        WireBundle::South,
        WireBundle::West,
        WireBundle::North,
        WireBundle::East,
        WireBundle::Plio,
        WireBundle::Noc,
        WireBundle::Trace,
        WireBundle::TileControl,
    ];

    /// The keyword in mlir-aie's custom assembly.
    pub fn keyword(self) -> &'static str {
        match self {
            WireBundle::Core => "Core",
            WireBundle::Dma => "DMA",
            WireBundle::Fifo => "FIFO",
            WireBundle::South => "South",
            WireBundle::West => "West",
            WireBundle::North => "North",
            WireBundle::East => "East",
            WireBundle::Plio => "PLIO",
            WireBundle::Noc => "NOC",
            WireBundle::Trace => "Trace",
            WireBundle::TileControl => "TileControl",
        }
    }

    /// The value of mlir-aie's `WireBundle` enum.
    pub fn enum_value(self) -> i32 {
        match self {
            WireBundle::Core => 0,
            WireBundle::Dma => 1,
            WireBundle::Fifo => 2,
            WireBundle::South => 3,
            WireBundle::West => 4,
            WireBundle::North => 5,
            WireBundle::East => 6,
            WireBundle::Plio => 7,
            WireBundle::Noc => 8,
            WireBundle::Trace => 9,
            WireBundle::TileControl => 10,
        }
    }
}

/// Per-kind resources of one tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileResources {
    /// Data memory in bytes (0 for a shim tile, which has none of its own).
    pub memory_bytes: u32,
    /// Number of memory banks.
    pub memory_banks: u32,
    /// Hardware locks.
    pub locks: u32,
    /// Buffer descriptors.
    pub bds: u32,
    /// DMA channels per direction (S2MM, and the same number of MM2S).
    pub dma_channels: u32,
}

/// Facts common to all npu1 devices.
pub mod npu1 {
    use super::TileResources;

    /// Rows of every npu1 device.
    pub const ROWS: u32 = 6;
    /// The row of the shim tiles.
    pub const SHIM_ROW: u32 = 0;
    /// The row of the mem tiles.
    pub const MEM_ROW: u32 = 1;
    /// The first compute row.
    pub const FIRST_COMPUTE_ROW: u32 = 2;

    /// A compute tile: 64 KiB in 4 banks, 16 locks, 16 BDs, 2+2 DMA channels.
    pub const COMPUTE: TileResources = TileResources {
        memory_bytes: 0x10000,
        memory_banks: 4,
        locks: 16,
        bds: 16,
        dma_channels: 2,
    };
    /// A mem tile: 512 KiB in 8 banks, 64 locks, 48 BDs, 6+6 DMA channels.
    pub const MEM: TileResources = TileResources {
        memory_bytes: 0x80000,
        memory_banks: 8,
        locks: 64,
        bds: 48,
        dma_channels: 6,
    };
    /// A shim NOC tile: no data memory, 16 locks, 16 BDs, 2+2 DMA channels (through the mux).
    pub const SHIM: TileResources = TileResources {
        memory_bytes: 0,
        memory_banks: 0,
        locks: 16,
        bds: 16,
        dma_channels: 2,
    };

    /// Default core stack size in bytes (`aie.core` `stack_size`).
    pub const DEFAULT_STACK_BYTES: u32 = 1024;
    /// Largest value an AIE2 semaphore lock holds.
    pub const MAX_LOCK_VALUE: u32 = 0x3F;
    /// Bits the DMA address generator moves at a time: transfers are in 32-bit words.
    pub const DMA_GRANULARITY_BYTES: u32 = 4;
    /// Widest element a shim DMA transfer may use, in bits.
    pub const MAX_DMA_ELEMENT_BITS: u32 = 32;
    /// Largest wrap (size) of shim BD dimensions 0 and 1 (10-bit field).
    pub const SHIM_MAX_WRAP: i64 = 1023;
    /// Largest step (stride) of a shim BD dimension (20-bit field, stores stride − 1).
    pub const SHIM_MAX_STRIDE: i64 = 1 << 20;
    /// Largest repeat count (size of dimension 3) of a shim transfer (6-bit field, stores size − 1).
    pub const SHIM_MAX_REPEAT: i64 = 64;

    /// Bit position of the column in an absolute register address.
    pub const COLUMN_SHIFT: u32 = 25;
    /// Bit position of the row in an absolute register address.
    pub const ROW_SHIFT: u32 = 20;
    /// Mask of the tile-local part of a register address.
    pub const TILE_ADDRESS_MASK: u32 = 0xF_FFFF;

    /// First shim buffer descriptor register; BD `i` is at `SHIM_BD_BASE + SHIM_BD_STRIDE * i`.
    pub const SHIM_BD_BASE: u32 = 0x1D000;
    /// Distance between shim BDs.
    pub const SHIM_BD_STRIDE: u32 = 0x20;
    /// Words of a shim BD.
    pub const SHIM_BD_WORDS: usize = 8;
    /// Offset of the (patched) address word within a shim BD.
    pub const SHIM_BD_ADDRESS_OFFSET: u32 = 4;
    /// Shim DMA channel control registers: S2MM channel `c` at `BASE + 8c`, MM2S at
    /// `BASE + MM2S_OFFSET + 8c`; the task queue is the next word.
    pub const SHIM_DMA_CTRL_BASE: u32 = 0x1D200;
    /// Distance between channels' control registers.
    pub const SHIM_DMA_CTRL_STRIDE: u32 = 8;
    /// Offset of the MM2S control registers.
    pub const SHIM_DMA_CTRL_MM2S_OFFSET: u32 = 0x10;
    /// Offset of the task-queue register from the control register.
    pub const SHIM_DMA_QUEUE_OFFSET: u32 = 4;
    /// Field of the control register holding the controller id of the completion token.
    pub const SHIM_DMA_CTRL_TOKEN_ID_MASK: u32 = 0x1F00;
    /// Shift of the controller id in that field.
    pub const SHIM_DMA_CTRL_TOKEN_ID_SHIFT: u32 = 8;
    /// Shim burst length encoding used when none is given (256 bytes).
    pub const SHIM_DEFAULT_BURST_ENCODING: u32 = 2;
    /// AXI cache attribute written into every shim BD.
    pub const SHIM_BD_AXCACHE: u32 = 2;

    /// Packet id of each row's tile controller (column-wise unique ids, mlir-aie
    /// `aie-assign-tile-controller-ids`): rows 0-5.
    pub const CONTROLLER_PACKET_IDS: [u8; 6] = [15, 26, 27, 29, 30, 31];

    /// Packet-switch arbiters per stream switch.
    pub const ARBITERS: u8 = 6;
    /// Master selects per arbiter.
    pub const MSELS_PER_ARBITER: u8 = 4;
    /// Packet flows that may share one stream channel.
    pub const PACKET_FLOWS_PER_CHANNEL: u32 = 32;
    /// Bits of a packet id that packet rules match.
    pub const PACKET_ID_BITS: u32 = 5;
    /// Shim switch South (slave) channel fed by shim DMA MM2S channel 0 and 1 through the mux.
    pub const SHIM_MM2S_TO_SOUTH: [u32; 2] = [3, 7];
    /// Shim switch South (master) channel that feeds shim DMA S2MM channel 0 and 1.
    pub const SHIM_SOUTH_TO_S2MM: [u32; 2] = [2, 3];

    /// Instruction-stream (TXN) format version: major, minor.
    pub const TXN_VERSION: (u8, u8) = (0, 1);
    /// Device generation in the instruction-stream header (NPU1).
    pub const TXN_DEVICE_GENERATION: u8 = 3;
    /// Rows of mem tiles, for the instruction-stream header.
    pub const MEM_TILE_ROWS: u8 = 1;

    // The core's view of memory (see `CoreMemory`).
    /// Program memory of a compute core (128 KiB).
    pub const PROGRAM_MEMORY_BYTES: u32 = 0x2_0000;
    /// Data-address window of the South memory; West, North and East (own) follow.
    pub const CORE_MEMORY_WINDOW_BASE: u32 = 0x4_0000;
    /// Distance between the four windows.
    pub const CORE_MEMORY_WINDOW_STRIDE: u32 = 0x1_0000;
    /// Architecture name of the cores (LLVM target triple, intrinsic prefix).
    pub const CORE_ARCH: &str = "aie2";
    /// ELF `e_machine` of core executables (AIE).
    pub const CORE_ELF_MACHINE: u16 = 264;

    // --- Throughput figures for rough estimates (report/cost.rs); not used by any pass. ---

    /// Bytes one shim DMA channel moves per AIE clock cycle: its stream port is 32 bits wide
    /// (AMD AM020 "Versal Adaptive SoC AIE-ML Architecture Manual", array interface; UG1603
    /// "the DMA has two 32-bit incoming streams ... and two 32-bit streams to the AI Engine-ML").
    pub const SHIM_DMA_BYTES_PER_CYCLE: u64 = 4;
    /// AIE array clock assumed for estimates, in Hz: a nominal 1 GHz. The clock of a given
    /// Ryzen AI part varies with its power state, so times derived from this are estimates.
    pub const ESTIMATE_CLOCK_HZ: u64 = 1_000_000_000;
}

impl Device {
    /// The facts of this device's family.
    pub fn model(self) -> &'static TargetModel {
        &NPU1
    }

    /// Every device, in mlir-aie's enum order.
    pub const ALL: [Device; 4] = [
        Device::Npu1,
        Device::Npu1_1Col,
        Device::Npu1_2Col,
        Device::Npu1_3Col,
    ];

    /// The keyword mlir-aie uses in `aie.device(…)`.
    pub fn keyword(self) -> &'static str {
        match self {
            Device::Npu1 => "npu1",
            Device::Npu1_1Col => "npu1_1col",
            Device::Npu1_2Col => "npu1_2col",
            Device::Npu1_3Col => "npu1_3col",
        }
    }

    /// The value of mlir-aie's `AIEDevice` enum.
    pub fn enum_value(self) -> i32 {
        match self {
            Device::Npu1 => 4,
            Device::Npu1_1Col => 5,
            Device::Npu1_2Col => 6,
            Device::Npu1_3Col => 7,
        }
    }

    /// Columns the design owns (column indices start at 0).
    pub fn columns(self) -> u32 {
        match self {
            Device::Npu1 => 4,
            Device::Npu1_1Col => 1,
            Device::Npu1_2Col => 2,
            Device::Npu1_3Col => 3,
        }
    }

    /// Rows of the array.
    pub fn rows(self) -> u32 {
        npu1::ROWS
    }

    /// Whether `(col, row)` lies on the device.
    pub fn contains(self, col: u32, row: u32) -> bool {
        col < self.columns() && row < self.rows()
    }

    /// The kind of tile at `row` (the same in every column on npu1).
    pub fn kind_of_row(self, row: u32) -> Option<TileKind> {
        match row {
            npu1::SHIM_ROW => Some(TileKind::Shim),
            npu1::MEM_ROW => Some(TileKind::Mem),
            r if r >= npu1::FIRST_COMPUTE_ROW && r < self.rows() => Some(TileKind::Compute),
            _ => None,
        }
    }

    /// The rows holding tiles of `kind`, as an inclusive range.
    pub fn rows_of(self, kind: TileKind) -> (u32, u32) {
        match kind {
            TileKind::Shim => (npu1::SHIM_ROW, npu1::SHIM_ROW),
            TileKind::Mem => (npu1::MEM_ROW, npu1::MEM_ROW),
            TileKind::Compute => (npu1::FIRST_COMPUTE_ROW, self.rows() - 1),
        }
    }

    /// Resources of a tile of `kind`.
    pub fn resources(self, kind: TileKind) -> TileResources {
        match kind {
            TileKind::Shim => npu1::SHIM,
            TileKind::Mem => npu1::MEM,
            TileKind::Compute => npu1::COMPUTE,
        }
    }

    /// Whether a core at `(col, row)` can read and write the data memory of the tile at
    /// `(mcol, mrow)` directly: its own, its West neighbour's, the one above, and the one below
    /// unless that is a mem tile or shim (AIE2 `isLegalMemAffinity`).
    pub fn core_reaches_memory(self, col: u32, row: u32, mcol: u32, mrow: u32) -> bool {
        if self.kind_of_row(row) != Some(TileKind::Compute)
            || self.kind_of_row(mrow) != Some(TileKind::Compute)
        {
            return false;
        }
        let own = col == mcol && row == mrow;
        let west = col > 0 && mcol == col - 1 && mrow == row;
        let north = mcol == col && mrow == row + 1;
        let south = mcol == col && row > 0 && mrow == row - 1;
        own || west || north || south
    }

    /// Absolute address of a tile-local register.
    pub fn register(self, col: u32, row: u32, local: u32) -> u32 {
        let a = &self.model().address;
        (col << a.column_shift) | (row << a.row_shift) | (local & a.tile_mask)
    }

    /// Packet id of the tile controller in `row`.
    pub fn controller_packet_id(self, row: u32) -> Option<u8> {
        npu1::CONTROLLER_PACKET_IDS.get(row as usize).copied()
    }

    /// Whether two tiles can share buffers without a DMA (mlir-aie `isSharedMemory`): two
    /// compute tiles where either core reaches the other's memory.
    pub fn share_memory(self, a: (u32, u32), b: (u32, u32)) -> bool {
        self.core_reaches_memory(a.0, a.1, b.0, b.1) || self.core_reaches_memory(b.0, b.1, a.0, a.1)
    }
}

/// Stream-switch ports (AIE2 `getNumDestSwitchboxConnections` / `getNumSourceSwitchboxConnections`
/// and the shim mux counts) and legal intra-switch connections (`isLegalTileConnection`).
impl Device {
    /// Channels of `bundle` on the switch of tile `(col, row)`: master (outgoing) ports when
    /// `master`, else slave (incoming) ports.
    pub fn switch_ports(self, col: u32, row: u32, bundle: WireBundle, master: bool) -> u32 {
        use WireBundle::*;
        let last_col = col + 1 == self.columns();
        let top_row = row + 1 == self.rows();
        match (self.kind_of_row(row), master) {
            (Some(TileKind::Mem), true) => match bundle {
                Dma | North => 6,
                South => 4,
                TileControl => 1,
                _ => 0,
            },
            (Some(TileKind::Mem), false) => match bundle {
                Dma | South => 6,
                North => 4,
                Trace | TileControl => 1,
                _ => 0,
            },
            (Some(TileKind::Shim), m) => match bundle {
                Fifo | TileControl => 1,
                North => {
                    if m {
                        6
                    } else {
                        4
                    }
                }
                South => {
                    if m {
                        6
                    } else {
                        8
                    }
                }
                West => {
                    if col == 0 {
                        0
                    } else {
                        4
                    }
                }
                East => {
                    if last_col {
                        0
                    } else {
                        4
                    }
                }
                Trace => {
                    if m {
                        0
                    } else {
                        1
                    }
                }
                _ => 0,
            },
            (_, m) => match bundle {
                Core | Fifo | TileControl => 1,
                Dma => 2,
                North => {
                    if top_row {
                        0
                    } else if m {
                        6
                    } else {
                        4
                    }
                }
                South => {
                    if m {
                        4
                    } else {
                        6
                    }
                }
                West => {
                    if col == 0 {
                        0
                    } else {
                        4
                    }
                }
                East => {
                    if last_col {
                        0
                    } else {
                        4
                    }
                }
                Trace => {
                    if m {
                        0
                    } else {
                        2
                    }
                }
                _ => 0,
            },
        }
    }

    /// Channels of `bundle` on the shim mux of column `col` (shim tiles only).
    pub fn shim_mux_ports(self, row: u32, bundle: WireBundle, master: bool) -> u32 {
        use WireBundle::*;
        if self.kind_of_row(row) != Some(TileKind::Shim) {
            return 0;
        }
        match bundle {
            Dma => 2,
            Noc => 4,
            Plio => {
                if master {
                    6
                } else {
                    8
                }
            }
            South => {
                if master {
                    8
                } else {
                    6
                }
            }
            _ => 0,
        }
    }

    /// Whether the switch of `(col, row)` can connect slave `(sb, sc)` to master `(db, dc)`.
    pub fn legal_connection(
        self,
        col: u32,
        row: u32,
        sb: WireBundle,
        sc: u32,
        db: WireBundle,
        dc: u32,
    ) -> bool {
        use WireBundle::*;
        if sc >= self.switch_ports(col, row, sb, false)
            || dc >= self.switch_ports(col, row, db, true)
        {
            return false;
        }
        let nsew = |b: WireBundle| matches!(b, South | West | North | East);
        match self.kind_of_row(row) {
            Some(TileKind::Mem) => match sb {
                Dma => match db {
                    Dma => sc == dc,
                    TileControl | South | North => true,
                    _ => false,
                },
                TileControl => match db {
                    Dma => dc == 5,
                    South | North => true,
                    _ => false,
                },
                South | North => match db {
                    Dma | TileControl => true,
                    South | North => sc == dc,
                    _ => false,
                },
                Trace => match db {
                    Dma => dc == 5,
                    South => true,
                    _ => false,
                },
                _ => false,
            },
            Some(TileKind::Shim) => match sb {
                TileControl => db != TileControl,
                Fifo | South => matches!(db, TileControl | Fifo) || nsew(db),
                West | North | East => {
                    if sb == db {
                        sc == dc
                    } else {
                        matches!(db, TileControl | Fifo) || nsew(db)
                    }
                }
                Trace => match db {
                    Fifo | South => true,
                    West | East => dc == 0,
                    _ => false,
                },
                _ => false,
            },
            _ => match sb {
                Dma | Fifo | South | West | North | East
                    if matches!(db, Core | Dma | TileControl | Fifo) || nsew(db) =>
                {
                    sb != db || sc == dc
                }
                Dma | Fifo | South | West | North | East => false,
                Core => db != Core,
                TileControl => db != TileControl && db != Dma,
                Trace => match db {
                    Dma => dc == 0,
                    Fifo | South => true,
                    _ => false,
                },
                _ => false,
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The core's view of memory (linker scripts and core lowering, issue 10).
//
// A compute core addresses the data memory of up to four tiles through fixed windows of its own
// address space, and their locks through fixed ranges of lock indices (mlir-aie
// `AIE2TargetModel::getMemSouth/West/North/East`, `getMem*BaseAddress`,
// `AIETargetModel::getLockLocalBaseIndex` at 5ff2ab97d). "East" is the core's own memory.
// ---------------------------------------------------------------------------------------------

/// One of the four data memories a compute core reaches, named as AIE2 names them: East is the
/// core's own tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoreMemory {
    /// The compute tile below (row − 1), unless that is a mem tile or the shim.
    South,
    /// The tile to the left (column − 1).
    West,
    /// The tile above (row + 1).
    North,
    /// The core's own tile.
    East,
}

impl CoreMemory {
    /// The order mlir-aie's linker script lists the windows in (and the order of the lock-index
    /// ranges).
    pub const ALL: [CoreMemory; 4] = [
        CoreMemory::South,
        CoreMemory::West,
        CoreMemory::North,
        CoreMemory::East,
    ];

    /// The lower-case direction word (`south`, …).
    pub fn word(self) -> &'static str {
        match self {
            CoreMemory::South => "south",
            CoreMemory::West => "west",
            CoreMemory::North => "north",
            CoreMemory::East => "east",
        }
    }

    /// Position in [`CoreMemory::ALL`].
    fn index(self) -> u32 {
        match self {
            CoreMemory::South => 0,
            CoreMemory::West => 1,
            CoreMemory::North => 2,
            CoreMemory::East => 3,
        }
    }

    /// Base of this memory's window in the core's data address space.
    pub fn base_address(self) -> u32 {
        npu1::CORE_MEMORY_WINDOW_BASE + self.index() * npu1::CORE_MEMORY_WINDOW_STRIDE
    }

    /// First lock index under which the core sees this memory's locks: a lock with id `i` of
    /// that tile is local lock `lock_base_index() + i`.
    pub fn lock_base_index(self) -> u32 {
        self.index() * npu1::COMPUTE.locks
    }
}

impl Device {
    /// The core architecture's name as LLVM and the intrinsics spell it (`aie2`: the target
    /// triple of a core's LLVM module and the `llvm.aie2.*` intrinsic prefix).
    pub fn core_arch(self) -> &'static str {
        npu1::CORE_ARCH
    }

    /// Program memory of a compute core, in bytes.
    pub fn program_memory_bytes(self) -> u32 {
        npu1::PROGRAM_MEMORY_BYTES
    }

    /// Data memory of one compute tile as a core's address map sizes it, in bytes.
    pub fn core_local_memory_bytes(self) -> u32 {
        npu1::COMPUTE.memory_bytes
    }

    /// The tile whose memory the core at `(col, row)` sees as `which`, if that tile is on the
    /// device and has memory the core reaches (AIE2 `getMemSouth` and friends).
    pub fn core_memory_tile(self, col: u32, row: u32, which: CoreMemory) -> Option<(u32, u32)> {
        let (c, r) = match which {
            CoreMemory::South => (col, row.checked_sub(1)?),
            CoreMemory::West => (col.checked_sub(1)?, row),
            CoreMemory::North => (col, row.checked_add(1)?),
            CoreMemory::East => (col, row),
        };
        if !self.contains(c, r) {
            return None;
        }
        if which == CoreMemory::South
            && (r == npu1::SHIM_ROW || self.kind_of_row(r) == Some(TileKind::Mem))
        {
            return None;
        }
        Some((c, r))
    }

    /// How the core at `(col, row)` sees the memory (and locks) of tile `(mcol, mrow)`, if it
    /// reaches them at all (AIE2 `isLegalMemAffinity`, then the first of South, West, North,
    /// East that matches, as `getLockLocalBaseIndex` tests them).
    pub fn core_memory_of(self, col: u32, row: u32, mcol: u32, mrow: u32) -> Option<CoreMemory> {
        if !self.core_reaches_memory(col, row, mcol, mrow) {
            return None;
        }
        CoreMemory::ALL
            .into_iter()
            .find(|&m| self.core_memory_tile(col, row, m) == Some((mcol, mrow)))
    }
}

#[cfg(test)]
mod core_memory_tests {
    use super::*;

    #[test]
    fn windows_and_lock_ranges_follow_aie2() {
        // AIE2TargetModel: South 0x40000, West 0x50000, North 0x60000, East 0x70000; lock
        // ranges of 16 in the same order.
        let bases: Vec<u32> = CoreMemory::ALL.iter().map(|m| m.base_address()).collect();
        assert_eq!(bases, [0x40000, 0x50000, 0x60000, 0x70000]);
        let locks: Vec<u32> = CoreMemory::ALL
            .iter()
            .map(|m| m.lock_base_index())
            .collect();
        assert_eq!(locks, [0, 16, 32, 48]);
    }

    #[test]
    fn neighbours_exist_only_on_the_device_and_never_below_row_2() {
        let d = Device::Npu1_1Col;
        assert_eq!(
            d.core_memory_tile(0, 2, CoreMemory::South),
            None,
            "mem tile below"
        );
        assert_eq!(d.core_memory_tile(0, 3, CoreMemory::South), Some((0, 2)));
        assert_eq!(d.core_memory_tile(0, 2, CoreMemory::West), None);
        assert_eq!(d.core_memory_tile(0, 5, CoreMemory::North), None);
        assert_eq!(d.core_memory_tile(0, 4, CoreMemory::East), Some((0, 4)));
        assert_eq!(
            Device::Npu1.core_memory_tile(1, 4, CoreMemory::West),
            Some((0, 4))
        );
        assert_eq!(d.core_memory_of(0, 3, 0, 3), Some(CoreMemory::East));
        assert_eq!(d.core_memory_of(0, 3, 0, 4), Some(CoreMemory::North));
        assert_eq!(d.core_memory_of(0, 2, 0, 1), None);
    }
}

// --- Partition placement and address decoding (used by back::xclbin and inspect) ---------

/// Facts about where an npu1 partition may be placed and how CDO addresses split into tiles.
pub mod npu1_partition {
    /// Physical columns of the Phoenix array (column 0 has no shim DMA and is not handed out).
    pub const PHYSICAL_COLUMNS: u32 = 5;
    /// First column a partition of fewer than all columns may start at.
    pub const FIRST_PARTITION_COLUMN: u32 = 1;
}

impl Device {
    /// The columns an xclbin's AIE partition may start at, as mlir-aie's Python aiecc
    /// (`emit_partition`) writes them: `[0]` for the whole-array `npu1`, else every start
    /// from column 1 that leaves room for the design's columns (`npu1_1col` → 1..=4).
    pub fn partition_start_columns(self) -> Vec<u16> {
        match self {
            Device::Npu1 => vec![0],
            _ => (npu1_partition::FIRST_PARTITION_COLUMN
                ..=npu1_partition::PHYSICAL_COLUMNS - self.columns())
                .map(|c| c as u16)
                .collect(),
        }
    }

    /// Splits a partition-relative register address into (column, row, tile-local offset),
    /// the inverse of [`Device::register`].
    pub fn split_address(self, addr: u64) -> (u64, u64, u32) {
        let col = addr >> npu1::COLUMN_SHIFT;
        let row = (addr >> npu1::ROW_SHIFT) & ((1 << (npu1::COLUMN_SHIFT - npu1::ROW_SHIFT)) - 1);
        (col, row, (addr as u32) & npu1::TILE_ADDRESS_MASK)
    }
}

// ---- Stream routing: packet switching and the shim mux's channel maps ----------------------
// (used by lower/route; mlir-aie AIECreatePathFindFlows.cpp and AIEPathFinder.h at 5ff2ab97d)

impl Device {
    /// Packet-switch arbiters per stream switch.
    pub fn packet_arbiters(self) -> u8 {
        npu1::ARBITERS
    }

    /// Master selects per arbiter.
    pub fn msels_per_arbiter(self) -> u8 {
        npu1::MSELS_PER_ARBITER
    }

    /// Packet flows that may share one stream channel before it counts as used.
    pub fn packet_flows_per_channel(self) -> u32 {
        npu1::PACKET_FLOWS_PER_CHANNEL
    }

    /// Bits of a packet id that packet rules match.
    pub fn packet_id_bits(self) -> u32 {
        npu1::PACKET_ID_BITS
    }

    /// The shim switch's South slave channel that the shim mux drives from its input
    /// `(bundle, channel)`: shim DMA MM2S 0/1 → 3/7, NOC 0/1 → 2/3 and NOC 2/3 → 6/7, anything
    /// else (PLIO) on its own channel.
    pub fn shim_mux_to_switch(self, bundle: WireBundle, channel: u32) -> u32 {
        match bundle {
            WireBundle::Dma => npu1::SHIM_MM2S_TO_SOUTH[usize::from(channel != 0)],
            WireBundle::Noc => {
                if channel >= 2 {
                    channel + 4
                } else {
                    channel + 2
                }
            }
            _ => channel,
        }
    }

    /// The shim switch's South master channel that the shim mux takes to its output
    /// `(bundle, channel)`: shim DMA S2MM 0/1 ← 2/3, NOC `c` ← `c + 2`, anything else (PLIO)
    /// on its own channel.
    pub fn switch_to_shim_mux(self, bundle: WireBundle, channel: u32) -> u32 {
        match bundle {
            WireBundle::Dma => npu1::SHIM_SOUTH_TO_S2MM[usize::from(channel != 0)],
            WireBundle::Noc => channel + 2,
            _ => channel,
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_the_npu1_layout() {
        let d = Device::Npu1;
        assert_eq!(d.kind_of_row(0), Some(TileKind::Shim));
        assert_eq!(d.kind_of_row(1), Some(TileKind::Mem));
        for r in 2..6 {
            assert_eq!(d.kind_of_row(r), Some(TileKind::Compute));
        }
        assert_eq!(d.kind_of_row(6), None);
    }

    #[test]
    fn column_counts_follow_the_device_name() {
        assert_eq!(Device::Npu1.columns(), 4);
        assert_eq!(Device::Npu1_1Col.columns(), 1);
        assert!(Device::Npu1_2Col.contains(1, 5));
        assert!(!Device::Npu1_2Col.contains(2, 0));
    }

    #[test]
    fn memory_affinity_is_own_west_north_and_compute_south() {
        let d = Device::Npu1;
        assert!(d.core_reaches_memory(1, 3, 1, 3));
        assert!(d.core_reaches_memory(1, 3, 0, 3));
        assert!(!d.core_reaches_memory(1, 3, 2, 3), "east is not reachable");
        assert!(d.core_reaches_memory(1, 3, 1, 4));
        assert!(d.core_reaches_memory(1, 3, 1, 2));
        assert!(
            !d.core_reaches_memory(1, 2, 1, 1),
            "the mem tile below is not shared"
        );
        assert!(
            d.share_memory((1, 3), (2, 3)),
            "east core reaches west memory"
        );
        assert!(!d.share_memory((0, 2), (2, 2)));
    }
}
