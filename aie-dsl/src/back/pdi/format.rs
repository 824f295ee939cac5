//! Layout constants of a Versal PDI as bootgen writes it for one image with one CDO partition
//! and no boot loader (Xilinx/bootgen v2023.2: `bootheader-versal.cpp`,
//! `imageheadertable-versal.h`, `partition-versal.cpp`). All offsets are in
//! bytes from the start of the PDI unless the name says words; the headers themselves store
//! word offsets (byte offset / 4).

/// The SMAP bus-width detection words that open a PDI without a boot header (bus width 32).
pub const SMAP_WORDS: [u32; 4] = [0x0000_00DD, 0x1122_3344, 0x5566_7788, 0x99AA_BBCC];
/// Where the image header table starts.
pub const IHT_OFFSET: usize = 0x10;
/// Size of the image header table.
pub const IHT_BYTES: usize = 0x80;
/// Where the (only) image header starts.
pub const IH_OFFSET: usize = 0x90;
/// Size of an image header.
pub const IH_BYTES: usize = 0x40;
/// Where the (only) partition header starts.
pub const PH_OFFSET: usize = 0xD0;
/// Size of a partition header.
pub const PH_BYTES: usize = 0x80;
/// Where the partition data starts.
pub const DATA_OFFSET: usize = 0x150;
/// Sections of the image are aligned to this many bytes (bootgen's default alignment); the
/// partition is zero-padded to it.
pub const ALIGN: usize = 16;

/// Image header table version word.
pub const IHT_VERSION: u32 = 0x0004_0000;
/// Image header table identification "PPDI" (a partial PDI).
pub const IHT_IDENT_PPDI: u32 = 0x5050_4449;
/// Header sizes in words: IHT (bits 7:0), image header (15:8), partition header (23:16).
pub const IHT_HEADER_SIZES: u32 =
    (IHT_BYTES / 4) as u32 | (((IH_BYTES / 4) as u32) << 8) | (((PH_BYTES / 4) as u32) << 16);

/// Word indices inside the image header table.
pub mod iht {
    /// Version.
    pub const VERSION: usize = 0;
    /// Number of images.
    pub const IMAGE_COUNT: usize = 1;
    /// Word offset of the first image header.
    pub const FIRST_IH: usize = 2;
    /// Number of partitions.
    pub const PARTITION_COUNT: usize = 3;
    /// Word offset of the first partition header.
    pub const FIRST_PH: usize = 4;
    /// JTAG id code.
    pub const ID_CODE: usize = 6;
    /// Identification word.
    pub const IDENT: usize = 10;
    /// Header sizes.
    pub const HEADER_SIZES: usize = 11;
    /// Words of all image and partition headers.
    pub const META_HEADER_WORDS: usize = 12;
    /// Extended id code.
    pub const EXTENDED_ID_CODE: usize = 17;
    /// Checksum (last word).
    pub const CHECKSUM: usize = 31;
}

/// Word indices inside an image header.
pub mod ih {
    /// Word offset of its first partition header.
    pub const FIRST_PH: usize = 0;
    /// Number of partitions.
    pub const PARTITION_COUNT: usize = 1;
    /// First word of the 16-byte name.
    pub const NAME: usize = 4;
    /// Image id.
    pub const IMAGE_ID: usize = 8;
    /// Checksum (last word).
    pub const CHECKSUM: usize = 15;
}

/// Word indices inside a partition header.
pub mod ph {
    /// Encrypted length in words (the padded length when not encrypted).
    pub const ENCRYPTED_WORDS: usize = 0;
    /// Unencrypted length in words (the data's own length, rounded up to a word).
    pub const UNENCRYPTED_WORDS: usize = 1;
    /// Total length in words (padded).
    pub const TOTAL_WORDS: usize = 2;
    /// Load address, low and high words.
    pub const LOAD_ADDRESS: [usize; 2] = [6, 7];
    /// Word offset of the partition data.
    pub const DATA_OFFSET: usize = 8;
    /// Attributes.
    pub const ATTRIBUTES: usize = 9;
    /// Number of sections.
    pub const SECTION_COUNT: usize = 10;
    /// Checksum (last word).
    pub const CHECKSUM: usize = 31;
}

/// Bytes available for an image name in the image header.
pub const IMAGE_NAME_BYTES: usize = 16;
/// Partition type "configuration data object" (bits 26:24 of the attributes).
pub const PARTITION_TYPE_CDO: u32 = 2;
/// Bit position of the partition type in the attributes.
pub const PARTITION_TYPE_SHIFT: u32 = 24;
/// Exception level field (bits 2:1) of the attributes: EL3, bootgen's default.
pub const PARTITION_EXCEPTION_LEVEL_EL3: u32 = 3;
/// Bit position of the exception level in the attributes.
pub const PARTITION_EXCEPTION_LEVEL_SHIFT: u32 = 1;
/// Load address bootgen forces for a CDO partition.
pub const CDO_LOAD_ADDRESS: u32 = 0xFFFF_FFFF;
