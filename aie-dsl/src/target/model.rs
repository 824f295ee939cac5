//! [`TargetModel`]: the facts of one device family as a value that passes and writers are
//! handed ([`crate::target::Device::model`]), so a second family (npu2 / Strix, 8 columns and
//! other BD rules) is one more value of this type rather than an edit across the passes. The
//! npu1 value, [`NPU1`], is made of the constants in [`crate::target::npu1`].

use super::{npu1, TileKind, TileResources};

/// A bit field of a register: `width` bits at `shift`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Position of the lowest bit.
    pub shift: u32,
    /// Number of bits.
    pub width: u32,
}

impl Field {
    /// A field of `width` bits at `shift`.
    pub const fn new(shift: u32, width: u32) -> Self {
        Field { shift, width }
    }

    /// The field's bits in place.
    pub const fn mask(self) -> u32 {
        let ones = if self.width >= 32 {
            u32::MAX
        } else {
            (1u32 << self.width) - 1
        };
        ones << self.shift
    }

    /// `value` truncated to the field and moved into place.
    pub const fn place(self, value: u32) -> u32 {
        (value << self.shift) & self.mask()
    }

    /// The field's value in `word`.
    pub const fn get(self, word: u32) -> u32 {
        (word & self.mask()) >> self.shift
    }
}

/// Limits of a shim DMA transfer as the runtime sequence states it (mlir-aie's
/// `verifyStridesWraps` for `aiex.npu.dma_memcpy_nd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShimTransferLimits {
    /// Largest size of dimensions 0 and 1.
    pub max_wrap: i64,
    /// Largest stride of a dimension.
    pub max_stride: i64,
    /// Largest size of dimension 3 (the repeat count).
    pub max_repeat: i64,
}

/// Where a tile's registers are in the array's address space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressLayout {
    /// Bit position of the column.
    pub column_shift: u32,
    /// Bit position of the row.
    pub row_shift: u32,
    /// Mask of the tile-local part.
    pub tile_mask: u32,
}

/// The shim DMA's registers and the layout of its buffer descriptors (aie-rt
/// `XAie_DmaWriteBd` for AIE2 shim tiles; the fields the runtime sequence writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShimDmaLayout {
    /// First BD register; BD `i` at `bd_base + bd_stride * i`.
    pub bd_base: u32,
    /// Distance between BDs.
    pub bd_stride: u32,
    /// Words of a BD.
    pub bd_words: usize,
    /// Offset of the (patched) address word within a BD.
    pub bd_address_offset: u32,
    /// Control register of S2MM channel 0; channel `c` at `ctrl_base + ctrl_stride * c`.
    pub ctrl_base: u32,
    /// Distance between channels' control registers.
    pub ctrl_stride: u32,
    /// Offset of the MM2S control registers from the S2MM ones.
    pub ctrl_mm2s_offset: u32,
    /// Offset of the task-queue register from the control register.
    pub queue_offset: u32,
    /// Controller id of a completion token, in the control register.
    pub ctrl_token_id: Field,
    /// Word 3: dimension 0 size (in words) and stride − 1.
    pub d0_size: Field,
    /// Word 3: dimension 0 stride − 1.
    pub d0_stride: Field,
    /// Word 4: burst length encoding.
    pub burst: Field,
    /// Word 4: dimension 1 size.
    pub d1_size: Field,
    /// Word 4: dimension 1 stride − 1.
    pub d1_stride: Field,
    /// Word 5: AXI cache attribute.
    pub axcache: Field,
    /// Word 5: dimension 2 stride − 1.
    pub d2_stride: Field,
    /// Word 6: iteration (dimension 3) size − 1.
    pub iteration_size: Field,
    /// Word 6: iteration stride − 1.
    pub iteration_stride: Field,
    /// Word 7: the BD-valid bit.
    pub valid: Field,
    /// Task-queue word: the BD to start.
    pub queue_bd: Field,
    /// Task-queue word: repeat count.
    pub queue_repeat: Field,
    /// Task-queue word: issue a completion token.
    pub queue_token: Field,
    /// Burst length encoding used when none is given.
    pub default_burst: u32,
    /// AXI cache attribute written into every BD.
    pub default_axcache: u32,
}

/// The header of the instruction stream (TXN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxnHeader {
    /// Format version: major, minor.
    pub version: (u8, u8),
    /// Device generation.
    pub device_generation: u8,
    /// Rows of mem tiles.
    pub mem_tile_rows: u8,
}

/// Every fact about a device family that validation, the passes and the writers use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetModel {
    /// The family's name.
    pub name: &'static str,
    /// Rows of the array.
    pub rows: u32,
    /// The shim row.
    pub shim_row: u32,
    /// The mem-tile row.
    pub mem_row: u32,
    /// The first compute row.
    pub first_compute_row: u32,
    /// A compute tile's resources.
    pub compute: TileResources,
    /// A mem tile's resources.
    pub mem: TileResources,
    /// A shim tile's resources.
    pub shim: TileResources,
    /// Default core stack size in bytes.
    pub default_stack_bytes: u32,
    /// Largest value a lock holds.
    pub max_lock_value: u32,
    /// Bytes the DMA address generator moves at a time.
    pub dma_granularity_bytes: u32,
    /// Mem-tile DMA channels that reach the neighbour mem tiles' memory and locks.
    pub mem_tile_neighbour_channels: u32,
    /// Widest element a shim DMA transfer may use, in bits.
    pub max_dma_element_bits: u32,
    /// Limits of runtime-sequence transfers.
    pub shim_transfer: ShimTransferLimits,
    /// Register addresses.
    pub address: AddressLayout,
    /// The shim DMA's registers and BD layout.
    pub shim_dma: ShimDmaLayout,
    /// Packet id of each row's tile controller.
    pub controller_packet_ids: &'static [u8],
    /// The instruction-stream header.
    pub txn: TxnHeader,
}

impl TargetModel {
    /// Resources of a tile of `kind`.
    pub fn resources(&self, kind: TileKind) -> TileResources {
        match kind {
            TileKind::Shim => self.shim,
            TileKind::Mem => self.mem,
            TileKind::Compute => self.compute,
        }
    }

    /// BDs a mem-tile channel may use: even channels take the lower half of the BDs, odd
    /// channels the upper half (AIE2 mem tiles).
    pub fn mem_tile_bds_per_parity(&self) -> u32 {
        self.mem.bds / 2
    }
}

/// AIE2 NPU1 (Phoenix / Hawk Point), as mlir-aie's `BaseNPU1TargetModel` and aie-rt's AIE-ML
/// register map describe it.
pub static NPU1: TargetModel = TargetModel {
    name: "npu1",
    rows: npu1::ROWS,
    shim_row: npu1::SHIM_ROW,
    mem_row: npu1::MEM_ROW,
    first_compute_row: npu1::FIRST_COMPUTE_ROW,
    compute: npu1::COMPUTE,
    mem: npu1::MEM,
    shim: npu1::SHIM,
    default_stack_bytes: npu1::DEFAULT_STACK_BYTES,
    max_lock_value: npu1::MAX_LOCK_VALUE,
    dma_granularity_bytes: npu1::DMA_GRANULARITY_BYTES,
    mem_tile_neighbour_channels: npu1::MEM_TILE_NEIGHBOUR_CHANNELS,
    max_dma_element_bits: npu1::MAX_DMA_ELEMENT_BITS,
    shim_transfer: ShimTransferLimits {
        max_wrap: npu1::SHIM_MAX_WRAP,
        max_stride: npu1::SHIM_MAX_STRIDE,
        max_repeat: npu1::SHIM_MAX_REPEAT,
    },
    address: AddressLayout {
        column_shift: npu1::COLUMN_SHIFT,
        row_shift: npu1::ROW_SHIFT,
        tile_mask: npu1::TILE_ADDRESS_MASK,
    },
    shim_dma: ShimDmaLayout {
        bd_base: npu1::SHIM_BD_BASE,
        bd_stride: npu1::SHIM_BD_STRIDE,
        bd_words: npu1::SHIM_BD_WORDS,
        bd_address_offset: npu1::SHIM_BD_ADDRESS_OFFSET,
        ctrl_base: npu1::SHIM_DMA_CTRL_BASE,
        ctrl_stride: npu1::SHIM_DMA_CTRL_STRIDE,
        ctrl_mm2s_offset: npu1::SHIM_DMA_CTRL_MM2S_OFFSET,
        queue_offset: npu1::SHIM_DMA_QUEUE_OFFSET,
        ctrl_token_id: Field::new(
            npu1::SHIM_DMA_CTRL_TOKEN_ID_SHIFT,
            npu1::SHIM_DMA_CTRL_TOKEN_ID_MASK.count_ones(),
        ),
        d0_size: Field::new(20, 10),
        d0_stride: Field::new(0, 20),
        burst: Field::new(30, 2),
        d1_size: Field::new(20, 10),
        d1_stride: Field::new(0, 20),
        axcache: Field::new(24, 4),
        d2_stride: Field::new(0, 20),
        iteration_size: Field::new(20, 6),
        iteration_stride: Field::new(0, 20),
        valid: Field::new(25, 1),
        queue_bd: Field::new(0, 4),
        queue_repeat: Field::new(16, 8),
        queue_token: Field::new(31, 1),
        default_burst: npu1::SHIM_DEFAULT_BURST_ENCODING,
        default_axcache: npu1::SHIM_BD_AXCACHE,
    },
    controller_packet_ids: &npu1::CONTROLLER_PACKET_IDS,
    txn: TxnHeader {
        version: npu1::TXN_VERSION,
        device_generation: npu1::TXN_DEVICE_GENERATION,
        mem_tile_rows: npu1::MEM_TILE_ROWS,
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_place_and_read_back() {
        let f = Field::new(20, 10);
        assert_eq!(f.mask(), 0x3FF0_0000);
        assert_eq!(f.place(0x7FF), 0x3FF0_0000, "truncated to the field");
        assert_eq!(f.get(f.place(5) | 0xFFFF), 5);
        assert_eq!(Field::new(0, 32).mask(), u32::MAX);
    }

    #[test]
    fn the_npu1_token_field_is_the_documented_mask() {
        assert_eq!(
            NPU1.shim_dma.ctrl_token_id.mask(),
            npu1::SHIM_DMA_CTRL_TOKEN_ID_MASK
        );
    }
}
