//! Checking a linked core ELF against the core's program and data memories.

use std::path::Path;

use super::PeanoError;
use crate::target::Device;

/// How much of a core's memories a linked ELF takes: the end of its program and of its data
/// (both from the start of their memory, in bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElfFit {
    /// End of the last executable segment, from address 0.
    pub program_end: u64,
    /// End of the last data segment (initialised data and bss), from the core's own data window.
    pub data_end: u64,
}

/// Program header type of a loadable segment.
const PT_LOAD: u32 = 1;
/// Program header flag of an executable segment.
const PF_X: u32 = 1;

/// Checks a linked core ELF against the core's memories by its loadable segments: executable
/// ones must lie in program memory, the others in the core's own data memory (its East window).
///
/// # Errors
/// [`PeanoError::BadElf`] if `bytes` is not a 32-bit little-endian AIE ELF with sound program
/// headers; [`PeanoError::DoesNotFit`] naming the core and the memory that overflows.
pub fn check_elf(
    device: Device,
    (col, row): (u32, u32),
    path: &Path,
    bytes: &[u8],
) -> Result<ElfFit, PeanoError> {
    let bad = |why: &str| PeanoError::BadElf {
        path: path.to_path_buf(),
        why: why.to_string(),
    };
    let u16_at = |o: usize| -> Result<u16, PeanoError> {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| bad("truncated"))
    };
    let u32_at = |o: usize| -> Result<u32, PeanoError> {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| bad("truncated"))
    };
    if bytes.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err(bad("no ELF magic"));
    }
    // ELFCLASS32, little-endian.
    if bytes.get(4..6) != Some([1u8, 1].as_slice()) {
        return Err(bad("not a 32-bit little-endian ELF"));
    }
    if u16_at(18)? != crate::target::npu1::CORE_ELF_MACHINE {
        return Err(bad("e_machine is not AIE"));
    }
    let phoff = u32_at(28)? as usize;
    let phentsize = usize::from(u16_at(42)?);
    let phnum = usize::from(u16_at(44)?);
    if phentsize < 32 {
        return Err(bad("program headers too small"));
    }
    let program_limit = u64::from(device.program_memory_bytes());
    let data_base = u64::from(crate::target::CoreMemory::East.base_address());
    let data_limit = data_base + u64::from(device.core_local_memory_bytes());
    let mut fit = ElfFit {
        program_end: 0,
        data_end: 0,
    };
    for i in 0..phnum {
        let h = i
            .checked_mul(phentsize)
            .and_then(|o| o.checked_add(phoff))
            .ok_or_else(|| bad("program header offset overflows"))?;
        if u32_at(h)? != PT_LOAD {
            continue;
        }
        let vaddr = u64::from(u32_at(h + 8)?);
        let memsz = u64::from(u32_at(h + 20)?);
        let flags = u32_at(h + 24)?;
        let end = vaddr + memsz;
        let fail = |what, base, limit| PeanoError::DoesNotFit {
            col,
            row,
            elf: path.to_path_buf(),
            what,
            start: vaddr,
            end,
            base,
            limit,
        };
        if flags & PF_X != 0 {
            if end > program_limit {
                return Err(fail("program", 0, program_limit));
            }
            fit.program_end = fit.program_end.max(end);
        } else {
            if vaddr < data_base || end > data_limit {
                return Err(fail("data", data_base, data_limit));
            }
            fit.data_end = fit.data_end.max(end - data_base);
        }
    }
    Ok(fit)
}
