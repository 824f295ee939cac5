//! The elfs file: mlir-aie's `AIERTControl::addAieElfs`, with aie-rt's ELF loader
//! (`driver/src/core/xaie_elfloader.c`): per core given an ELF, in tile order, core disable,
//! reset of every DMA channel, the ELF's loadable segments, channel unreset.
//!
//! A segment below the program-memory size goes to program memory as whole words read from
//! the file (`memsz` rounded up). Any other segment must lie in the core's data-memory view; it
//! is written to the memory of the tile its address window names (own, west, north, south),
//! split where it crosses a window, and zeros when it has no file bytes (bss). As aie-rt does,
//! a segment with some file bytes is written with `memsz` bytes from the file.

use object::elf::{FileHeader32, PT_LOAD};
use object::read::elf::{FileHeader, ProgramHeader};
use object::LittleEndian;

use super::config::{channel_offset, core_control, data_mem_write, Ctx, Loc};
use super::stream::CdoStream;
use super::{CdoError, CoreElf, ElfProblem};
use crate::target::regs::{self, DmaRegs};
use crate::target::{DmaDir, TileKind};

/// `<dev>_aie_cdo_elfs.bin`.
pub(super) fn write_elfs(ctx: &Ctx<'_>, elfs: &[CoreElf]) -> Result<Vec<u8>, CdoError> {
    for (i, e) in elfs.iter().enumerate() {
        if !ctx.cores.iter().any(|c| (c.col, c.row) == e.tile) {
            return Err(CdoError::ElfWithoutCore {
                file: e.name.clone(),
                tile: e.tile,
            });
        }
        if let Some(other) = elfs[..i].iter().find(|o| o.tile == e.tile) {
            return Err(CdoError::ElfTwice {
                tile: e.tile,
                first: other.name.clone(),
                second: e.name.clone(),
            });
        }
    }
    let mut s = CdoStream::new();
    for &t in &ctx.cores {
        let Some(e) = elfs.iter().find(|e| e.tile == (t.col, t.row)) else {
            continue;
        };
        let regs = regs::dma(t.kind).ok_or(CdoError::OffDevice {
            col: t.col,
            row: t.row,
        })?;
        // Parse and check the whole file before anything of it is written.
        let segments = segments(e)?;
        core_control(&mut s, t, regs::CORE_CONTROL_ENABLE, 0);
        reset_channels(&mut s, t, regs, true);
        for seg in &segments {
            load_segment(ctx, &mut s, t, e, seg)?;
        }
        reset_channels(&mut s, t, regs, false);
    }
    Ok(s.finish())
}

/// aie-rt `XAie_DmaChannelResetAll`: every MM2S channel, then every S2MM channel.
fn reset_channels(s: &mut CdoStream, t: Loc, regs: &DmaRegs, reset: bool) {
    for dir in [DmaDir::Mm2s, DmaDir::S2mm] {
        for ch in 0..regs.channels {
            s.mask_write32(
                t.reg(regs.ctrl_base + channel_offset(regs, dir, ch)),
                regs::DMA_CTRL_RESET.mask,
                regs::DMA_CTRL_RESET.set(u32::from(reset)),
            );
        }
    }
}

/// A loadable segment with the bytes it writes.
struct Segment {
    paddr: u32,
    program: bool,
    bytes: Vec<u8>,
}

fn segments(e: &CoreElf) -> Result<Vec<Segment>, CdoError> {
    let fail = |problem| CdoError::Elf {
        file: e.name.clone(),
        tile: e.tile,
        problem,
    };
    let data = e.bytes.as_slice();
    let hdr = FileHeader32::<LittleEndian>::parse(data)
        .map_err(|err| fail(ElfProblem::Parse(err.to_string())))?;
    let endian = hdr
        .endian()
        .map_err(|err| fail(ElfProblem::Parse(err.to_string())))?;
    let machine = hdr.e_machine(endian);
    if machine != regs::ELF_MACHINE_AIE2 {
        return Err(fail(ElfProblem::Machine {
            found: machine,
            expected: regs::ELF_MACHINE_AIE2,
        }));
    }
    let phdrs = hdr
        .program_headers(endian, data)
        .map_err(|err| fail(ElfProblem::Parse(err.to_string())))?;
    let data_end = regs::CORE_DATA_MEMORY_ADDR + 4 * regs::DATA_MEMORY_BYTES;
    let mut out = Vec::new();
    for ph in phdrs {
        if ph.p_type(endian) != PT_LOAD {
            continue;
        }
        let paddr = ph.p_paddr(endian);
        let memsz = ph.p_memsz(endian);
        let offset = ph.p_offset(endian);
        let filesz = ph.p_filesz(endian);
        let end = u64::from(paddr) + u64::from(memsz);
        let outside = ElfProblem::Outside {
            paddr,
            memsz,
            prog: regs::PROGRAM_MEMORY_BYTES,
            data: regs::CORE_DATA_MEMORY_ADDR,
            data_end,
        };
        let file_bytes = |n: u32| -> Result<Vec<u8>, CdoError> {
            let from = offset as usize;
            from.checked_add(n as usize)
                .and_then(|to| data.get(from..to))
                .map(<[u8]>::to_vec)
                .ok_or(fail(ElfProblem::Truncated {
                    paddr,
                    offset,
                    bytes: n,
                }))
        };
        if paddr < regs::PROGRAM_MEMORY_BYTES {
            if end > u64::from(regs::PROGRAM_MEMORY_BYTES) {
                return Err(fail(outside));
            }
            if !paddr.is_multiple_of(4) {
                return Err(fail(ElfProblem::Unaligned(paddr)));
            }
            // aie-rt writes memsz rounded up to words, read from the file.
            let n = memsz.div_ceil(4) * 4;
            out.push(Segment {
                paddr,
                program: true,
                bytes: file_bytes(n)?,
            });
        } else {
            if paddr < regs::CORE_DATA_MEMORY_ADDR || end > u64::from(data_end) {
                return Err(fail(outside));
            }
            let bytes = if filesz == 0 {
                vec![0; memsz as usize]
            } else {
                file_bytes(memsz)?
            };
            out.push(Segment {
                paddr,
                program: false,
                bytes,
            });
        }
    }
    Ok(out)
}

fn load_segment(
    ctx: &Ctx<'_>,
    s: &mut CdoStream,
    t: Loc,
    e: &CoreElf,
    seg: &Segment,
) -> Result<(), CdoError> {
    let fail = |problem| CdoError::Elf {
        file: e.name.clone(),
        tile: e.tile,
        problem,
    };
    if seg.program {
        let words: Vec<u32> = seg
            .bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        s.block_write32(t.reg(regs::PROGRAM_MEMORY + seg.paddr), &words)?;
        return Ok(());
    }
    let window = regs::DATA_MEMORY_BYTES;
    let mut addr = seg.paddr;
    let mut rest = seg.bytes.as_slice();
    while !rest.is_empty() {
        let (col, row) = (i64::from(t.col), i64::from(t.row));
        let (tcol, trow) = match addr / window {
            regs::CORE_WINDOW_SOUTH => (col, row - 1),
            regs::CORE_WINDOW_WEST => (col - 1, row),
            regs::CORE_WINDOW_NORTH => (col, row + 1),
            regs::CORE_WINDOW_OWN => (col, row),
            _ => (-1, -1),
        };
        let target = u32::try_from(tcol)
            .ok()
            .zip(u32::try_from(trow).ok())
            .and_then(|(c, r)| ctx.at(c, r).ok())
            .filter(|l| l.kind == TileKind::Compute)
            .ok_or(fail(ElfProblem::NoDataTile {
                paddr: addr,
                col: tcol,
                row: trow,
            }))?;
        let local = addr % window;
        let n = rest.len().min((window - local) as usize);
        let (now, later) = rest.split_at(n);
        // Nothing of the design may be overwritten.
        let end = local + n as u32;
        for b in &ctx.phys.buffers {
            let bt = ctx.loc(b.tile)?;
            if (bt.col, bt.row) != (target.col, target.row) {
                continue;
            }
            let bend = u64::from(b.address) + b.ty.bytes();
            if u64::from(local) < bend && u64::from(b.address) < u64::from(end) {
                return Err(fail(ElfProblem::OverBuffer {
                    col: target.col,
                    row: target.row,
                    start: local,
                    end,
                    buffer: b.name.clone(),
                }));
            }
        }
        data_mem_write(s, target, u64::from(local), now)?;
        addr += n as u32;
        rest = later;
    }
    Ok(())
}
