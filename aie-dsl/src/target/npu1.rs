//! Facts common to all npu1 devices: rows, per-kind resources, limits, the shim DMA's register
//! and BD layout, packet switching, the instruction-stream header and the core's memory.
//! Figures follow mlir-aie's `BaseNPU1TargetModel` / `VirtualizedNPU1TargetModel`
//! (lib/Dialect/AIE/IR/AIETargetModel.cpp and include/aie/Dialect/AIE/IR/AIETargetModel.h at
//! 5ff2ab97d); register layouts are aie-rt's (at cc68248a).

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

/// Mem-tile DMA channels (per direction, from 0) whose BDs reach the west and east neighbour
/// mem tiles' memory and locks; the others reach only their own tile (mlir-aie
/// `AIE2TargetModel::getMaxChannelNumForAdjacentMemTile`, `MemTileDMAOp::verify`).
pub const MEM_TILE_NEIGHBOUR_CHANNELS: u32 = 4;

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
