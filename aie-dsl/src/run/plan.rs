//! The XRT call a design needs, worked out from the design and its built files before XRT is
//! touched: the kernel to open, the instruction words, and one buffer per runtime-sequence
//! argument with its size, kernel argument index and role.
//!
//! The call is the one mlir-aie's host harness makes (`runtime_lib/test_lib/test_utils.cpp`,
//! `xrt_test_wrapper.h` at 5ff2ab97d): `kernel(3, instr_bo, ninstr, bo0, bo1, …)` with the
//! instructions in a cacheable buffer on `group_id(1)`, `ninstr` counted in 32-bit words, and
//! runtime-sequence argument `i` in a host-only buffer on `group_id(3 + i)`.

use std::path::Path;

use crate::back::xclbin::format::{self as f, kind};
use crate::back::xclbin::parse;
use crate::ir::{RuntimeOp, TransferDir};
use crate::types::{bf16, ElemType, MemRefType};
use crate::valid::Validated;

use super::error::{Role, RunError};

/// The first command argument: the operation code every mlir-aie host passes (3).
pub const OPCODE: u64 = 3;
/// Kernel argument index of the instruction buffer (its memory group is `group_id(1)`).
pub const INSTR_ARG: u32 = 1;
/// Kernel argument index of the instruction count (in 32-bit words).
pub const NINSTR_ARG: u32 = 2;
/// Kernel argument index of runtime-sequence argument 0; argument `i` is at `3 + i`.
pub const FIRST_BUFFER_ARG: u32 = 3;
/// Words in the TXN header of `insts.bin` (see [`crate::back::insts`]).
const TXN_HEADER_WORDS: usize = 4;
/// Index of the header word holding the stream's size in bytes.
const TXN_SIZE_WORD: usize = 3;

/// One runtime-sequence argument's buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgPlan {
    /// Index in the runtime sequence.
    pub index: usize,
    /// Kernel argument index (`3 + index`); its memory group is `kernel.group_id(this)`.
    pub kernel_arg: u32,
    /// The argument's type.
    pub ty: MemRefType,
    /// Its size in bytes (the buffer object's size).
    pub bytes: usize,
    /// How the runtime sequence uses it.
    pub role: Role,
}

/// Everything the XRT call needs, checked against the design and the xclbin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The design's name (for messages).
    pub design: String,
    /// The DPU kernel to open, as the xclbin names it (`MLIR_AIE` for mlir-aie's).
    pub kernel: String,
    /// The instruction stream (`insts.bin` as little-endian words); `ninstr` is its length.
    pub instructions: Vec<u32>,
    /// The AIE partition's width in columns.
    pub column_width: u16,
    /// The columns the partition may start at.
    pub start_columns: Vec<u16>,
    /// One buffer per runtime-sequence argument, in argument order.
    pub args: Vec<ArgPlan>,
}

/// A host element type a typed buffer may hold; sealed to plain types without padding, so that
/// their slices can be viewed as bytes.
pub trait Element: sealed::Sealed + Copy + 'static {
    /// The matching memref element type.
    const ELEM: ElemType;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! element {
    ($($t:ty => $e:ident),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const ELEM: ElemType = ElemType::$e;
        }
    )*};
}
element!(i8 => I8, u8 => U8, i16 => I16, i32 => I32, bf16 => Bf16, f32 => F32);

fn as_bytes<T: Element>(data: &[T]) -> &[u8] {
    // SAFETY: `Element` is sealed to integer, f32 and bf16 (a `repr(transparent)` u16) types:
    // no padding, every byte initialised, and u8 has alignment 1; the length is the slice's
    // size in bytes, which `size_of_val` gives without overflow.
    unsafe { std::slice::from_raw_parts(data.as_ptr().cast::<u8>(), std::mem::size_of_val(data)) }
}

fn as_bytes_mut<T: Element>(data: &mut [T]) -> &mut [u8] {
    // SAFETY: as in `as_bytes`; additionally every byte pattern is a valid value of these types
    // (bf16 is any u16, f32 any bit pattern), so writes through the byte view keep them valid.
    unsafe {
        std::slice::from_raw_parts_mut(data.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(data))
    }
}

/// A buffer the NPU reads: typed (its element type is checked) or raw bytes (only its size is).
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    elem: Option<ElemType>,
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    /// Raw bytes: only the size is checked against the argument.
    pub fn bytes(bytes: &'a [u8]) -> Self {
        Input { elem: None, bytes }
    }

    /// The bytes to copy to the NPU.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<'a, T: Element> From<&'a [T]> for Input<'a> {
    fn from(data: &'a [T]) -> Self {
        Input {
            elem: Some(T::ELEM),
            bytes: as_bytes(data),
        }
    }
}

impl<'a, T: Element> From<&'a Vec<T>> for Input<'a> {
    fn from(data: &'a Vec<T>) -> Self {
        Input::from(data.as_slice())
    }
}

/// A buffer the NPU writes (its contents are also copied to the NPU first): typed or raw bytes.
#[derive(Debug)]
pub struct Output<'a> {
    elem: Option<ElemType>,
    bytes: &'a mut [u8],
}

impl<'a> Output<'a> {
    /// Raw bytes: only the size is checked against the argument.
    pub fn bytes(bytes: &'a mut [u8]) -> Self {
        Output { elem: None, bytes }
    }

    /// The bytes the NPU's result is copied into.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.bytes
    }
}

impl<'a, T: Element> From<&'a mut [T]> for Output<'a> {
    fn from(data: &'a mut [T]) -> Self {
        Output {
            elem: Some(T::ELEM),
            bytes: as_bytes_mut(data),
        }
    }
}

impl<'a, T: Element> From<&'a mut Vec<T>> for Output<'a> {
    fn from(data: &'a mut Vec<T>) -> Self {
        Output::from(data.as_mut_slice())
    }
}

/// The roles of the runtime-sequence arguments: read by a host→NPU transfer only, written by
/// an NPU→host transfer, or neither.
pub fn roles(design: &Validated) -> Vec<Role> {
    let Some(rt) = &design.runtime else {
        return Vec::new();
    };
    let mut read = vec![false; rt.args.len()];
    let mut written = vec![false; rt.args.len()];
    for op in &rt.ops {
        if let RuntimeOp::Dma(t) = op {
            let Ok(i) = usize::try_from(t.arg.0) else {
                continue;
            };
            let slot = match t.dir {
                TransferDir::ToDevice => read.get_mut(i),
                TransferDir::FromDevice => written.get_mut(i),
            };
            if let Some(s) = slot {
                *s = true;
            }
        }
    }
    read.iter()
        .zip(&written)
        .map(|(&r, &w)| match (r, w) {
            (_, true) => Role::Output,
            (true, false) => Role::Input,
            (false, false) => Role::Unused,
        })
        .collect()
}

/// The instruction words of `insts.bin`, checked: whole words, a TXN header, and the header's
/// byte size equal to the file's.
///
/// # Errors
/// [`RunError::BadInstructions`] naming `path` and what is wrong.
pub fn instruction_words(path: &Path, bytes: &[u8]) -> Result<Vec<u32>, RunError> {
    let bad = |why: String| RunError::BadInstructions {
        path: path.to_path_buf(),
        why,
    };
    if !bytes.len().is_multiple_of(4) {
        return Err(bad(format!(
            "{} bytes is not a whole number of 32-bit words",
            bytes.len()
        )));
    }
    let words: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if words.len() < TXN_HEADER_WORDS {
        return Err(bad(format!(
            "{} words is shorter than the {TXN_HEADER_WORDS}-word TXN header",
            words.len()
        )));
    }
    let declared = u64::from(words[TXN_SIZE_WORD]);
    if declared != bytes.len() as u64 {
        return Err(bad(format!(
            "the TXN header says the stream is {declared} bytes, the file has {}",
            bytes.len()
        )));
    }
    if u32::try_from(words.len()).is_err() {
        return Err(bad("more words than a u32 ninstr can count".into()));
    }
    Ok(words)
}

/// What the xclbin says about running it: the DPU kernel's name, the buffer arguments its
/// CONNECTIVITY connects, and the AIE partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XclbinFacts {
    /// The first DPU kernel of IP_LAYOUT (the name before `:` in `kernel:instance`).
    pub kernel: String,
    /// Kernel argument indices CONNECTIVITY connects to a memory bank, sorted.
    pub connected_args: Vec<u32>,
    /// The AIE partition's width in columns.
    pub column_width: u16,
    /// Its possible start columns.
    pub start_columns: Vec<u16>,
}

/// Reads what [`Plan`] needs from an xclbin.
///
/// # Errors
/// [`RunError::Xclbin`] if it cannot be parsed, [`RunError::MissingSection`] without
/// IP_LAYOUT, CONNECTIVITY or AIE_PARTITION, [`RunError::NoKernel`] without a DPU kernel,
/// [`RunError::NoPdi`] if the partition has no PDI.
pub fn xclbin_facts(path: &Path, bytes: &[u8]) -> Result<XclbinFacts, RunError> {
    let parse_err = |source| RunError::Xclbin {
        path: path.to_path_buf(),
        source,
    };
    let x = parse::parse(bytes).map_err(parse_err)?;
    let section = |k: u32, section: &'static str, what: &'static str| {
        x.section(k).ok_or_else(|| RunError::MissingSection {
            path: path.to_path_buf(),
            section,
            what,
        })
    };
    let ips =
        parse::ip_layout(&section(kind::IP_LAYOUT, "IP_LAYOUT", "the kernel XRT opens")?.payload)
            .map_err(parse_err)?;
    let kernel = ips
        .iter()
        .find(|ip| ip.ty == f::IP_PS_KERNEL && ip.properties & 3 == f::PS_SUBTYPE_DPU)
        .map(|ip| ip.name.split(':').next().unwrap_or_default().to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| RunError::NoKernel {
            path: path.to_path_buf(),
        })?;
    let conn = parse::connectivity(
        &section(
            kind::CONNECTIVITY,
            "CONNECTIVITY",
            "which memory group each kernel argument's buffer is in",
        )?
        .payload,
    )
    .map_err(parse_err)?;
    let mut connected_args: Vec<u32> = conn
        .iter()
        .filter_map(|&(arg, _, _)| u32::try_from(arg).ok())
        .collect();
    connected_args.sort_unstable();
    connected_args.dedup();
    let part = parse::aie_partition(
        &section(
            kind::AIE_PARTITION,
            "AIE_PARTITION",
            "the columns and the PDI the firmware loads",
        )?
        .payload,
    )
    .map_err(parse_err)?;
    if part.pdis.is_empty() {
        return Err(RunError::NoPdi {
            path: path.to_path_buf(),
        });
    }
    Ok(XclbinFacts {
        kernel,
        connected_args,
        column_width: part.column_width,
        start_columns: part.start_columns,
    })
}

impl Plan {
    /// Plans the run of `design` from the bytes of its `insts.bin` and `final.xclbin` (the
    /// paths only name them in errors).
    ///
    /// # Errors
    /// [`RunError::NoRuntimeSequence`], the errors of [`instruction_words`] and
    /// [`xclbin_facts`], [`RunError::PartitionColumns`] if the partition is narrower than the
    /// design's device, [`RunError::TooManyArgs`] if the kernel connects fewer buffer arguments
    /// than the runtime sequence has, [`RunError::ArgTooLarge`].
    pub fn new(
        design: &Validated,
        insts_path: &Path,
        insts: &[u8],
        xclbin_path: &Path,
        xclbin: &[u8],
    ) -> Result<Plan, RunError> {
        let Some(rt) = &design.runtime else {
            return Err(RunError::NoRuntimeSequence {
                design: design.name.clone(),
            });
        };
        let instructions = instruction_words(insts_path, insts)?;
        let facts = xclbin_facts(xclbin_path, xclbin)?;
        let columns = design.device.columns();
        if u32::from(facts.column_width) < columns {
            return Err(RunError::PartitionColumns {
                path: xclbin_path.to_path_buf(),
                design: design.name.clone(),
                device: format!("{:?}", design.device),
                columns,
                width: facts.column_width,
            });
        }
        // Buffer slots: connected kernel arguments from FIRST_BUFFER_ARG on, without gaps.
        let slots = (0u32..)
            .take_while(|i| {
                facts
                    .connected_args
                    .binary_search(&(FIRST_BUFFER_ARG + i))
                    .is_ok()
            })
            .count();
        if rt.args.len() > slots {
            return Err(RunError::TooManyArgs {
                design: design.name.clone(),
                kernel: facts.kernel,
                args: rt.args.len(),
                slots,
            });
        }
        let roles = roles(design);
        let args = rt
            .args
            .iter()
            .zip(roles)
            .enumerate()
            .map(|(index, (ty, role))| {
                let bytes = ty
                    .checked_bytes()
                    .and_then(|b| usize::try_from(b).ok())
                    .filter(|&b| b > 0)
                    .ok_or_else(|| RunError::ArgTooLarge {
                        design: design.name.clone(),
                        index,
                        ty: ty.clone(),
                    })?;
                Ok(ArgPlan {
                    index,
                    // `index < slots`, which came from u32 kernel argument indices.
                    kernel_arg: FIRST_BUFFER_ARG + index as u32,
                    ty: ty.clone(),
                    bytes,
                    role,
                })
            })
            .collect::<Result<Vec<_>, RunError>>()?;
        Ok(Plan {
            design: design.name.clone(),
            kernel: facts.kernel,
            instructions,
            column_width: facts.column_width,
            start_columns: facts.start_columns,
            args,
        })
    }

    /// `ninstr`: the instruction count in 32-bit words (checked to fit when planned).
    pub fn ninstr(&self) -> u32 {
        u32::try_from(self.instructions.len()).unwrap_or(u32::MAX)
    }

    /// The arguments of one role, in argument order.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &ArgPlan> {
        self.args.iter().filter(move |a| a.role == role)
    }

    /// Checks the user's buffers against the plan: one input per [`Role::Input`] argument and
    /// one output per [`Role::Output`] argument, in argument order, each of the argument's byte
    /// size and (when typed) element type.
    ///
    /// # Errors
    /// [`RunError::BufferCount`], [`RunError::BufferSize`] or [`RunError::BufferType`], naming
    /// the argument and what to pass instead.
    pub fn check(&self, inputs: &[Input<'_>], outputs: &[Output<'_>]) -> Result<(), RunError> {
        let given_in: Vec<(Option<ElemType>, usize)> =
            inputs.iter().map(|b| (b.elem, b.bytes.len())).collect();
        let given_out: Vec<(Option<ElemType>, usize)> =
            outputs.iter().map(|b| (b.elem, b.bytes.len())).collect();
        for (role, given) in [(Role::Input, given_in), (Role::Output, given_out)] {
            let want: Vec<&ArgPlan> = self.with_role(role).collect();
            if want.len() != given.len() {
                return Err(RunError::BufferCount {
                    design: self.design.clone(),
                    role,
                    expected: want.len(),
                    got: given.len(),
                    args: want
                        .iter()
                        .map(|a| a.index.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            for (a, (elem, len)) in want.into_iter().zip(given) {
                if let Some(got) = elem.filter(|&e| e != a.ty.elem()) {
                    return Err(RunError::BufferType {
                        design: self.design.clone(),
                        role,
                        index: a.index,
                        ty: a.ty.clone(),
                        expected: a.ty.elem(),
                        got,
                    });
                }
                if len != a.bytes {
                    return Err(RunError::BufferSize {
                        design: self.design.clone(),
                        role,
                        index: a.index,
                        ty: a.ty.clone(),
                        expected: a.bytes as u64,
                        got: len as u64,
                        elements: a.ty.elements(),
                        elem: a.ty.elem(),
                    });
                }
            }
        }
        Ok(())
    }
}
