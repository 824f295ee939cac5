//! Partition placement and address decoding (used by `back::xclbin` and `inspect`): where an
//! npu1 partition may start, and how a partition-relative register address splits into tile
//! and offset.

use super::{npu1, Device};

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
