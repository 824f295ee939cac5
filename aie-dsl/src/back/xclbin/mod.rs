//! The xclbin (AXLF container) that XRT loads: what `xclbinutil --add-replace-section
//! MEM_TOPOLOGY:JSON:… --add-kernel … --add-replace-section AIE_PARTITION:JSON:…` makes from
//! the JSON files mlir-aie's aiecc writes (XRT `src/runtime_src/tools/xclbinutil/`:
//! `XclBinClass.cxx`, `KernelUtilities.cxx`, `SectionAIEPartition.cxx`).
//!
//! Seven sections, in xclbinutil's order: MEM_TOPOLOGY, AIE_PARTITION (with the PDI
//! embedded), EMBEDDED_METADATA, IP_LAYOUT, CONNECTIVITY, GROUP_CONNECTIVITY, GROUP_TOPOLOGY;
//! then the "mirror data", a JSON copy of the header and of the sections xclbinutil can print
//! as JSON.
//!
//! Unlike xclbinutil, the result is reproducible: the xclbin UUID is the first 16 bytes of
//! the SHA-256 of the section payloads (kinds, names and bytes, in order), and the two time
//! fields (`m_uniqueId`, `m_timeStamp`) are 0. The PDI's UUID is chosen by [`PdiUuid`].

pub mod format;
pub mod parse;
mod sections;
mod writer;

use thiserror::Error;

use crate::ir::Design;
use crate::target::Device;

pub use parse::{parse, Section, Xclbin};
pub use writer::write;

/// Where a kernel argument lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A value passed in the command (`address-qualifier` SCALAR).
    Scalar,
    /// A buffer in the memory bank with this tag (`address-qualifier` GLOBAL,
    /// `memory-connection` = the tag).
    Global(&'static str),
}

/// One argument of the DPU kernel, as in aiecc's `<dev>_kernels.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelArg {
    /// Name (`opcode`, `instr`, `bo0`…).
    pub name: String,
    /// Scalar or buffer.
    pub kind: ArgKind,
    /// C type (`uint64_t`, `char *`, `void*`…); its size follows xclbinutil's table.
    pub ty: String,
    /// Offset in the command, spelled as aiecc spells it (`"0x08"`).
    pub offset: String,
}

/// The DPU kernel the xclbin declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpuKernel {
    /// Kernel name (`MLIR_AIE`).
    pub name: String,
    /// Its one instance (`MLIRAIE`).
    pub instance: String,
    /// `dpu_kernel_id` (12 bits; 0x901).
    pub kernel_id: u16,
    /// `functional` (0 = DPU).
    pub functional: u8,
    /// Arguments in order.
    pub args: Vec<KernelArg>,
}

impl DpuKernel {
    /// The kernel aiecc declares for every design: `MLIR_AIE` with `opcode`, `instr`,
    /// `ninstr` and five buffer arguments `bo0`…`bo4` (mlir-aie aiecc `generateKernelsJson`,
    /// C++ offset spelling).
    pub fn mlir_aie() -> DpuKernel {
        let arg = |name: &str, kind, ty: &str, offset: &str| KernelArg {
            name: name.into(),
            kind,
            ty: ty.into(),
            offset: offset.into(),
        };
        let mut args = vec![
            arg("opcode", ArgKind::Scalar, "uint64_t", "0x00"),
            arg("instr", ArgKind::Global(SRAM), "char *", "0x08"),
            arg("ninstr", ArgKind::Scalar, "uint32_t", "0x10"),
        ];
        for (i, off) in ["0x14", "0x1c", "0x24", "0x2c", "0x34"].iter().enumerate() {
            args.push(arg(&format!("bo{i}"), ArgKind::Global(HOST), "void*", off));
        }
        DpuKernel {
            name: "MLIR_AIE".into(),
            instance: "MLIRAIE".into(),
            kernel_id: 0x901,
            functional: 0,
            args,
        }
    }
}

/// Tag of the host memory bank.
pub const HOST: &str = "HOST";
/// Tag of the instruction memory bank.
pub const SRAM: &str = "SRAM";

/// A memory bank of MEM_TOPOLOGY.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemBank {
    /// Tag (at most 15 bytes).
    pub tag: String,
    /// Size in KiB.
    pub size_kb: u64,
    /// Base address.
    pub base: u64,
}

/// The two banks aiecc declares (`<dev>_mem_topology.json`).
pub fn npu_mem_banks() -> Vec<MemBank> {
    vec![
        MemBank {
            tag: HOST.into(),
            size_kb: 0x10000,
            base: 0x400_0000,
        },
        MemBank {
            tag: SRAM.into(),
            size_kb: 0xC000,
            base: 0x400_0000,
        },
    ]
}

/// The UUID stored with the PDI in AIE_PARTITION.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdiUuid {
    /// All zeros, as mlir-aie's C++ aiecc writes it at 5ff2ab97d.
    Zero,
    /// The first 16 bytes of the SHA-256 of the PDI: the same PDI always gets the same UUID,
    /// different PDIs (almost surely) different ones. (The Python aiecc draws a random one.)
    FromContent,
    /// This value.
    Fixed([u8; 16]),
}

/// Everything the xclbin holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XclbinInput {
    /// Prefix of the JSON file names xclbinutil was given (`main` for a device without a
    /// symbol name); it names the MEM_TOPOLOGY and AIE_PARTITION sections
    /// (`<prefix>_mem_topology`, `<prefix>_aie_partition`, cut to 15 bytes).
    pub file_prefix: String,
    /// The PDI.
    pub pdi: Vec<u8>,
    /// The PDI's UUID.
    pub pdi_uuid: PdiUuid,
    /// Partition width in columns.
    pub column_width: u16,
    /// Columns the partition may start at.
    pub start_columns: Vec<u16>,
    /// Memory banks.
    pub mem_banks: Vec<MemBank>,
    /// The DPU kernel.
    pub kernel: DpuKernel,
    /// `operations_per_cycle` (2048).
    pub operations_per_cycle: u32,
    /// `inference_fingerprint` (23423).
    pub inference_fingerprint: u64,
    /// `pre_post_fingerprint` (12345).
    pub pre_post_fingerprint: u64,
    /// CDO group name (`DPU`).
    pub cdo_group_name: String,
    /// `pdi_id` of the CDO group (1).
    pub pdi_id: u64,
    /// `pre_cdo_groups` of the CDO group (\[0xC1\]).
    pub pre_cdo_groups: Vec<u64>,
}

impl XclbinInput {
    /// What aiecc writes for `device`, with `pdi`: the JSON values of mlir-aie's aiecc, and
    /// `column_width`/`start_columns` as its Python driver computes them
    /// ([`Device::partition_start_columns`]).
    pub fn for_device(device: Device, pdi: Vec<u8>) -> XclbinInput {
        XclbinInput {
            file_prefix: "main".into(),
            pdi,
            pdi_uuid: PdiUuid::FromContent,
            column_width: device.columns() as u16,
            start_columns: device.partition_start_columns(),
            mem_banks: npu_mem_banks(),
            kernel: DpuKernel::mlir_aie(),
            operations_per_cycle: 2048,
            inference_fingerprint: 23423,
            pre_post_fingerprint: 12345,
            cdo_group_name: "DPU".into(),
            pdi_id: 1,
            pre_cdo_groups: vec![0xC1],
        }
    }

    /// [`XclbinInput::for_device`] for the design's device. Our MLIR gives the device no
    /// symbol name, so the files are `main_*` as with aiecc.
    pub fn from_design(design: &Design, pdi: Vec<u8>) -> XclbinInput {
        XclbinInput::for_device(design.device, pdi)
    }
}

/// Why an xclbin could not be written.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum XclbinError {
    /// A kernel argument's C type is not in xclbinutil's table.
    #[error("kernel `{kernel}` argument `{arg}` has type `{ty}`, which xclbinutil does not know; use a pointer or one of char, float, (u)int8/16/32/64_t, int")]
    UnknownArgType {
        /// Kernel.
        kernel: String,
        /// Argument.
        arg: String,
        /// Its type.
        ty: String,
    },
    /// A buffer argument names a memory bank that is not declared.
    #[error("kernel `{kernel}` argument `{arg}` is connected to memory `{tag}`, which MEM_TOPOLOGY does not declare")]
    UnknownMemory {
        /// Kernel.
        kernel: String,
        /// Argument.
        arg: String,
        /// The tag.
        tag: String,
    },
    /// A name longer than its fixed-size field.
    #[error("{what} `{name}` is longer than {max} bytes")]
    NameTooLong {
        /// Which field.
        what: &'static str,
        /// The name.
        name: String,
        /// The limit (without the terminating NUL).
        max: usize,
    },
    /// The kernel id does not fit 12 bits.
    #[error("DPU kernel id {0:#x} does not fit 12 bits")]
    KernelIdTooLarge(u16),
    /// Partition without columns.
    #[error("the AIE partition needs a column width above 0 and at least one start column")]
    EmptyPartition,
    /// No PDI bytes.
    #[error("the PDI is empty")]
    EmptyPdi,
    /// A section too large for the 32-bit offsets inside AIE_PARTITION.
    #[error("the AIE_PARTITION section would exceed 4 GiB")]
    TooLarge,
}
