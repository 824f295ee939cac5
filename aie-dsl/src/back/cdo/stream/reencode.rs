//! Bootgen's re-encoding of a CDO it packs into a PDI (Xilinx/bootgen `cdo-binary.c`:
//! `encode_v2_cmd` with auto-align on): 64-bit commands whose address fits in 32 bits become
//! their 32-bit forms, a one-word block write becomes a single write, and every block write
//! gets a NOP in front of it when needed so that its payload's word index in the file is
//! congruent to its destination word address modulo 4.

use super::encode::Words;
use super::{op, Command, FormatError, HEADER_WORDS, LONG_FORM, NPI_RANGE};

/// A payload length as the 32-bit field that holds it.
fn len32(len: usize) -> Result<u32, FormatError> {
    u32::try_from(len).map_err(|_| FormatError::TooLarge)
}

/// The address words of a command with a 32-bit form (`short`) and a 64-bit one (`long`),
/// both followed by `rest` payload words: the 32-bit form when the address fits.
fn addressed(w: &mut Words, short: u16, long: u16, addr: u64, rest: u32) {
    let (hi, lo) = ((addr >> 32) as u32, addr as u32);
    if hi == 0 {
        w.command(short, 1 + rest);
        w.words.push(lo);
    } else {
        w.command(long, 2 + rest);
        w.words.extend([hi, lo]);
    }
}

fn single_write(w: &mut Words, addr: u64, value: u32) {
    addressed(w, op::WRITE, op::WRITE64, addr, 1);
    w.words.push(value);
}

/// A block write whose payload lands at a word index ≡ (addr / 4) mod 4, with a NOP of 1 to 3
/// words in front when needed (bootgen tries paddings 0, 1, 2, 3 in turn; this computes the
/// one it settles on).
fn aligned_block(w: &mut Words, addr: u64, data: &[u32]) -> Result<(), FormatError> {
    let len = len32(data.len())?
        .checked_add(2)
        .ok_or(FormatError::TooLarge)?;
    let want = ((addr >> 2) & 3) as usize;
    // Header word(s) plus the two address words.
    let head = if len < LONG_FORM { 3 } else { 4 };
    let padding = (want + 4 - (w.len() + head) % 4) % 4;
    if padding > 0 {
        w.nop(padding as u32 - 1);
    }
    w.command(op::DMA_WRITE, len);
    w.addr64(addr);
    w.words.extend_from_slice(data);
    Ok(())
}

fn command(w: &mut Words, cmd: &Command) -> Result<(), FormatError> {
    match cmd {
        Command::Nop(payload) => {
            w.command(op::NOP, len32(payload.len())?);
            w.words.extend_from_slice(payload);
        }
        Command::Write { addr, value } => single_write(w, *addr, *value),
        Command::Block { addr, data } if data.len() == 1 => single_write(w, *addr, data[0]),
        Command::Block { addr, data } if NPI_RANGE.contains(addr) => {
            // Leading words one by one up to a 16-byte boundary, a block of a multiple of
            // four words, trailing words one by one.
            let mut addr = *addr;
            let mut data = &data[..];
            while !data.is_empty() && (addr >> 2) & 3 != 0 {
                single_write(w, addr, data[0]);
                addr = addr.wrapping_add(4);
                data = &data[1..];
            }
            let body = data.len() - (data.len() & 3);
            aligned_block(w, addr, &data[..body])?;
            let mut addr = addr.wrapping_add(4 * body as u64);
            for v in &data[body..] {
                single_write(w, addr, *v);
                addr = addr.wrapping_add(4);
            }
        }
        Command::Block { addr, data } => aligned_block(w, *addr, data)?,
        Command::MaskWrite { addr, mask, value } => {
            addressed(w, op::MASK_WRITE, op::MASK_WRITE64, *addr, 2);
            w.words.extend([*mask, *value]);
        }
        Command::MaskPoll {
            addr,
            mask,
            value,
            count,
            flags,
            error_code,
        } => {
            let extra = if *error_code != 0 {
                2
            } else if *flags != 0 {
                1
            } else {
                0
            };
            addressed(w, op::MASK_POLL, op::MASK_POLL64, *addr, 3 + extra);
            w.words.extend([*mask, *value, *count]);
            if extra >= 1 {
                w.words.push(*flags);
            }
            if extra == 2 {
                w.words.push(*error_code);
            }
        }
        Command::Delay(v) => {
            w.command(op::DELAY, 1);
            w.words.push(*v);
        }
        Command::Set { addr, count, value } => {
            w.command(op::SET, 4);
            w.addr64(*addr);
            w.words.extend([*count, *value]);
        }
    }
    Ok(())
}

/// Encodes commands as a complete CDO file of `version` (header included) the way bootgen
/// re-encodes a CDO it puts into a PDI, returning the words.
///
/// # Errors
/// [`FormatError::TooLarge`] if a length does not fit its field.
pub fn reencode(version: u32, commands: &[Command]) -> Result<Vec<u32>, FormatError> {
    let mut w = Words::new(version);
    for c in commands {
        command(&mut w, c)?;
    }
    w.seal(len32(w.len() - HEADER_WORDS)?);
    Ok(w.words)
}
