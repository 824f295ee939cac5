//! The target model: every fact about an NPU device that the rest of the crate needs.
//!
//! Passes, validation and emission ask this module; no other module writes a memory size, a
//! lock count or a channel count as a literal. Figures follow mlir-aie's `AIETargetModel`
//! (`BaseNPU1TargetModel` / `VirtualizedNPU1TargetModel`, lib/Dialect/AIE/IR/AIETargetModel.cpp)
//! at commit 5ff2ab97d.
//!
//! This file holds the device, tile kinds, DMA directions, wire bundles and the device's basic
//! geometry; the rest lives one topic per file:
//! - [`npu1`]: the constants of the npu1 family, and [`model`]: the same facts as a
//!   [`TargetModel`] value that passes are handed;
//! - `switch`: stream-switch and shim-mux ports and the legal connections inside a switch;
//! - `routing`: packet-switch figures and the shim mux's channel maps the router needs;
//! - `core_memory`: the memory windows and lock ranges a core reaches ([`CoreMemory`]);
//! - `partition`: where a partition may start and how register addresses split
//!   ([`npu1_partition`]);
//! - [`regs`] and [`regmap`]: register addresses and field layouts, for writing and for reading
//!   configurations back.

use std::fmt;

mod core_memory;
pub mod model;
pub mod npu1;
mod partition;
pub mod regmap;
pub mod regs;
mod routing;
mod switch;

pub use core_memory::CoreMemory;
pub use model::{Field, TargetModel, NPU1};
pub use partition::npu1_partition;
pub(crate) use switch::connection_rule;

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
