//! Layout constants of the AXLF (xclbin) container and of the sections written here (XRT
//! `src/runtime_src/core/include/xrt/detail/xclbin.h`, and
//! `src/runtime_src/tools/xclbinutil/XclBinClass.cxx` `writeXclBinBinary`).

/// `axlf::m_magic`.
pub const MAGIC: &[u8; 8] = b"xclbin2\0";
/// Offset of `m_signature_length` (i32, -1 when unsigned).
pub const SIGNATURE_LENGTH_OFFSET: usize = 0x08;
/// Offset and size of `reserved` (filled with 0xFF).
pub const RESERVED: (usize, usize) = (0x0C, 28);
/// Offset and size of `m_keyBlock` (filled with 0xFF).
pub const KEY_BLOCK: (usize, usize) = (0x28, 256);
/// Offset of `m_uniqueId` (u64).
pub const UNIQUE_ID_OFFSET: usize = 0x128;
/// Offset of `axlf_header`.
pub const HEADER_OFFSET: usize = 0x130;
/// Offsets inside `axlf_header`.
pub mod header {
    /// `m_length` (u64): the whole file, mirror data included.
    pub const LENGTH: usize = 0x00;
    /// `m_timeStamp` (u64).
    pub const TIME_STAMP: usize = 0x08;
    /// `m_featureRomTimeStamp` (u64).
    pub const FEATURE_ROM_TIME_STAMP: usize = 0x10;
    /// `m_versionPatch` (u16).
    pub const VERSION_PATCH: usize = 0x18;
    /// `m_versionMajor` (u8).
    pub const VERSION_MAJOR: usize = 0x1A;
    /// `m_versionMinor` (u8).
    pub const VERSION_MINOR: usize = 0x1B;
    /// `m_mode` (u16).
    pub const MODE: usize = 0x1C;
    /// `m_interface_uuid` (16 bytes).
    pub const INTERFACE_UUID: usize = 0x20;
    /// `m_platformVBNV` (64 bytes).
    pub const PLATFORM_VBNV: usize = 0x30;
    /// `uuid` (16 bytes): the xclbin's identity.
    pub const UUID: usize = 0x70;
    /// `m_debug_bin` (16 bytes).
    pub const DEBUG_BIN: usize = 0x80;
    /// `m_numSections` (u32).
    pub const NUM_SECTIONS: usize = 0x90;
}
/// Where the section header array starts.
pub const SECTION_HEADERS_OFFSET: usize = 0x1C8;
/// Size of one `axlf_section_header`: kind u32, name\[16\], pad, offset u64, size u64.
pub const SECTION_HEADER_BYTES: usize = 40;
/// Offset of the name inside a section header.
pub const SECTION_NAME_OFFSET: usize = 4;
/// Bytes of a section name (NUL included).
pub const SECTION_NAME_BYTES: usize = 16;
/// Offset of the payload offset (u64) inside a section header.
pub const SECTION_OFFSET_OFFSET: usize = 24;
/// Offset of the payload size (u64) inside a section header.
pub const SECTION_SIZE_OFFSET: usize = 32;
/// Section payloads start on multiples of this.
pub const SECTION_ALIGN: usize = 8;
/// The XRT release whose xclbinutil this writer follows (major, minor, patch).
pub const XRT_VERSION: (u8, u8, u16) = (2, 23, 0);
/// `m_mode` of a flat xclbin.
pub const MODE_FLAT: u16 = 0;
/// Mirror data markers around the JSON copy of the header.
pub const MIRROR_START: &str = "XCLBIN_MIRROR_DATA_START";
/// End marker of the mirror data.
pub const MIRROR_END: &str = "XCLBIN_MIRROR_DATA_END";

/// Section kinds (`axlf_section_kind`) used here.
pub mod kind {
    /// Embedded XML metadata (kernels and arguments).
    pub const EMBEDDED_METADATA: u32 = 2;
    /// Memory banks.
    pub const MEM_TOPOLOGY: u32 = 6;
    /// Kernel argument to memory bank connections.
    pub const CONNECTIVITY: u32 = 7;
    /// IPs (here the DPU PS kernel).
    pub const IP_LAYOUT: u32 = 8;
    /// Memory bank groups.
    pub const GROUP_TOPOLOGY: u32 = 26;
    /// Connections to memory bank groups.
    pub const GROUP_CONNECTIVITY: u32 = 27;
    /// AIE partition with its PDIs.
    pub const AIE_PARTITION: u32 = 32;

    /// XRT's name for a section kind, when it is one of those above.
    pub fn name(kind: u32) -> Option<&'static str> {
        Some(match kind {
            EMBEDDED_METADATA => "EMBEDDED_METADATA",
            MEM_TOPOLOGY => "MEM_TOPOLOGY",
            CONNECTIVITY => "CONNECTIVITY",
            IP_LAYOUT => "IP_LAYOUT",
            GROUP_TOPOLOGY => "GROUP_TOPOLOGY",
            GROUP_CONNECTIVITY => "GROUP_CONNECTIVITY",
            AIE_PARTITION => "AIE_PARTITION",
            0 => "BITSTREAM",
            1 => "CLEARING_BITSTREAM",
            3 => "FIRMWARE",
            4 => "DEBUG_DATA",
            5 => "SCHED_FIRMWARE",
            9 => "DEBUG_IP_LAYOUT",
            10 => "DESIGN_CHECK_POINT",
            11 => "CLOCK_FREQ_TOPOLOGY",
            12 => "MCS",
            13 => "BMC",
            14 => "BUILD_METADATA",
            15 => "KEYVALUE_METADATA",
            16 => "USER_METADATA",
            17 => "DNA_CERTIFICATE",
            18 => "PDI",
            19 => "BITSTREAM_PARTIAL_PDI",
            20 => "PARTITION_METADATA",
            21 => "EMULATION_DATA",
            22 => "SYSTEM_METADATA",
            23 => "SOFT_KERNEL",
            24 => "ASK_FLASH",
            25 => "AIE_METADATA",
            28 => "ASK_GROUP_TOPOLOGY",
            29 => "ASK_GROUP_CONNECTIVITY",
            30 => "SMARTNIC",
            31 => "AIE_RESOURCES",
            33 => "IP_METADATA",
            34 => "AIE_RESOURCES_BIN",
            35 => "AIE_TRACE_METADATA",
            _ => return None,
        })
    }
}

/// `mem_data::m_type` of a DDR bank.
pub const MEM_DRAM: u8 = 2;
/// Size of `mem_data`.
pub const MEM_DATA_BYTES: usize = 40;
/// Bytes of `mem_data::m_tag`.
pub const MEM_TAG_BYTES: usize = 16;
/// Size of `connection`.
pub const CONNECTION_BYTES: usize = 12;
/// `ip_data::m_type` of a PS kernel.
pub const IP_PS_KERNEL: u32 = 7;
/// Size of `ip_data`.
pub const IP_DATA_BYTES: usize = 80;
/// Bytes of `ip_data::m_name`.
pub const IP_NAME_BYTES: usize = 64;
/// `ps_kernel.m_subtype` of a DPU kernel.
pub const PS_SUBTYPE_DPU: u32 = 1;
/// Bit position of `ps_kernel.m_functional`.
pub const PS_FUNCTIONAL_SHIFT: u32 = 4;
/// Bit position of `ps_kernel.m_kernel_id`.
pub const PS_KERNEL_ID_SHIFT: u32 = 16;
/// Largest `ps_kernel.m_kernel_id` (12 bits).
pub const PS_KERNEL_ID_MAX: u16 = 0xFFF;
/// `ip_data::m_base_address` of a PS kernel ("not used").
pub const IP_BASE_NOT_USED: u64 = u64::MAX;
/// Size of `aie_partition`.
pub const AIE_PARTITION_BYTES: usize = 184;
/// Size of `cdo_group`.
pub const CDO_GROUP_BYTES: usize = 96;
/// Size of `aie_pdi`.
pub const AIE_PDI_BYTES: usize = 96;
/// `cdo_group::cdo_type` of a primary group.
pub const CDO_TYPE_PRIMARY: u8 = 1;
/// Offsets inside `aie_partition`.
pub mod aie_partition {
    /// `mpo_name` (u32 offset of a string).
    pub const NAME: usize = 4;
    /// `operations_per_cycle` (u32).
    pub const OPERATIONS_PER_CYCLE: usize = 8;
    /// `inference_fingerprint` (u64).
    pub const INFERENCE_FINGERPRINT: usize = 16;
    /// `pre_post_fingerprint` (u64).
    pub const PRE_POST_FINGERPRINT: usize = 24;
    /// `info.column_width` (u16).
    pub const COLUMN_WIDTH: usize = 32;
    /// `info.start_columns` (array_offset of u16).
    pub const START_COLUMNS: usize = 40;
    /// `aie_pdi` (array_offset of `aie_pdi`).
    pub const AIE_PDI: usize = 120;
    /// `kernel_commit_id` (u32 offset of a string).
    pub const KERNEL_COMMIT_ID: usize = 128;
}
/// Offsets inside `cdo_group`.
pub mod cdo_group {
    /// `mpo_name`.
    pub const NAME: usize = 0;
    /// `cdo_type` (u8).
    pub const TYPE: usize = 4;
    /// `pdi_id` (u64).
    pub const PDI_ID: usize = 8;
    /// `dpu_kernel_ids` (array_offset of u64).
    pub const DPU_KERNEL_IDS: usize = 16;
    /// `pre_cdo_groups` (array_offset of u64).
    pub const PRE_CDO_GROUPS: usize = 24;
}
/// Offsets inside `aie_pdi`.
pub mod aie_pdi {
    /// `uuid` (16 bytes).
    pub const UUID: usize = 0;
    /// `pdi_image` (array_offset of bytes).
    pub const IMAGE: usize = 16;
    /// `cdo_groups` (array_offset of `cdo_group`).
    pub const CDO_GROUPS: usize = 24;
}
