//! The CDO (configuration data object) container as bootgen's `cdo-driver/cdo_driver.c`
//! writes it for aie-rt's CDO I/O back end: little-endian 32-bit words, a five-word header,
//! then commands `(length << 16) | (handler << 8) | api id` with 64-bit addresses (high word
//! first). Block writes are preceded by a NOP that puts their payload on a 16-byte boundary of
//! the file.

use std::fmt;

/// Header word 0: words of the header after this one.
pub const HEADER_REMAINING_WORDS: u32 = 4;
/// Header word 1: `"CDO\0"`.
pub const HEADER_IDENT: u32 = 0x004F_4443;
/// Header word 2: format version 2.0.
pub const HEADER_VERSION: u32 = 0x0000_0200;
/// Words in the header.
pub const HEADER_WORDS: usize = 5;

/// `CDO_CMD_DMA_WRITE`: a block of words to consecutive addresses.
pub const CMD_DMA_WRITE: u32 = 0x105;
/// `CDO_CMD_MASK_POLL64`.
pub const CMD_MASK_POLL64: u32 = 0x106;
/// `CDO_CMD_MASK_WRITE64`.
pub const CMD_MASK_WRITE64: u32 = 0x107;
/// `CDO_CMD_WRITE64`.
pub const CMD_WRITE64: u32 = 0x108;
/// `CDO_CMD_NO_OPERATION`.
pub const CMD_NOP: u32 = 0x111;
/// A command length field this large means the real length follows in the next word.
pub const LONG_LENGTH: u32 = 255;
/// Block-write payloads start on multiples of this many bytes.
pub const PAYLOAD_ALIGN: usize = 16;

const WORD: usize = 4;

/// A CDO file being written.
#[derive(Clone, Debug)]
pub struct CdoStream {
    words: Vec<u32>,
}

impl Default for CdoStream {
    fn default() -> Self {
        Self::new()
    }
}

impl CdoStream {
    /// A file with its header (length and checksum filled in by [`CdoStream::finish`]) and
    /// the one-word NOP mlir-aie puts first so that no file is empty.
    pub fn new() -> CdoStream {
        let mut s = CdoStream {
            words: vec![HEADER_REMAINING_WORDS, HEADER_IDENT, HEADER_VERSION, 0, 0],
        };
        s.nop_bytes(WORD);
        s
    }

    /// A NOP of `bytes` bytes in all (bootgen `insertNoOpCommand`); nothing below one word.
    fn nop_bytes(&mut self, bytes: usize) {
        if bytes < WORD {
            return;
        }
        let payload = (bytes - WORD) / WORD;
        // payload < 4 here (alignment pads are below 16 bytes), so the cast cannot truncate.
        self.words.push(((payload as u32) << 16) | CMD_NOP);
        self.words.extend(std::iter::repeat_n(0, payload));
    }

    fn addr(&mut self, a: u64) {
        self.words.push((a >> 32) as u32);
        self.words.push(a as u32);
    }

    /// `cdo_Write32`.
    pub fn write32(&mut self, addr: u64, value: u32) {
        self.words.push((3 << 16) | CMD_WRITE64);
        self.addr(addr);
        self.words.push(value);
    }

    /// `cdo_MaskWrite32`.
    pub fn mask_write32(&mut self, addr: u64, mask: u32, value: u32) {
        self.words.push((4 << 16) | CMD_MASK_WRITE64);
        self.addr(addr);
        self.words.push(mask);
        self.words.push(value);
    }

    /// `cdo_BlockWrite32`: alignment NOP, then the DMA-write command.
    ///
    /// # Errors
    /// When the block has more words than a command can say (2³² − 3).
    pub fn block_write32(&mut self, addr: u64, data: &[u32]) -> Result<(), BlockTooLong> {
        let len = u32::try_from(data.len())
            .ok()
            .and_then(|n| n.checked_add(2))
            .ok_or(BlockTooLong(data.len()))?;
        // Bytes before the payload: header and two address words, one more in the long form.
        // bootgen decides this with `len > 255` but writes the long form for `len >= 255`; the
        // quirk at exactly 255 is kept.
        let before = if len > LONG_LENGTH {
            4 * WORD
        } else {
            3 * WORD
        };
        let at = (self.words.len() * WORD + before) % PAYLOAD_ALIGN;
        if at != 0 {
            self.nop_bytes(PAYLOAD_ALIGN - at);
        }
        if len < LONG_LENGTH {
            self.words.push((len << 16) | CMD_DMA_WRITE);
        } else {
            self.words.push((LONG_LENGTH << 16) | CMD_DMA_WRITE);
            self.words.push(len);
        }
        self.addr(addr);
        self.words.extend_from_slice(data);
        Ok(())
    }

    /// The finished file: header length and checksum filled in.
    pub fn finish(mut self) -> Vec<u8> {
        let len = (self.words.len() - HEADER_WORDS) as u32;
        self.words[3] = len;
        self.words[4] = !(self.words[..4].iter().fold(0u32, |a, &w| a.wrapping_add(w)));
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
}

/// A block write longer than the format can say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockTooLong(pub usize);

/// One decoded command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// NOP with this many payload words.
    Nop(u32),
    /// Write one word.
    Write {
        /// Address.
        addr: u64,
        /// Value.
        value: u32,
    },
    /// Masked write.
    MaskWrite {
        /// Address.
        addr: u64,
        /// Mask.
        mask: u32,
        /// Value.
        value: u32,
    },
    /// Poll until `(reg & mask) == value`.
    MaskPoll {
        /// Address.
        addr: u64,
        /// Mask.
        mask: u32,
        /// Expected value.
        value: u32,
        /// Timeout.
        timeout: u32,
    },
    /// Block write.
    Block {
        /// First address.
        addr: u64,
        /// The words.
        data: Vec<u32>,
    },
    /// A command this decoder does not know: header and payload.
    Other {
        /// Header word.
        header: u32,
        /// Payload words.
        payload: Vec<u32>,
    },
}

impl Command {
    /// The (first) address the command writes or polls, if it has one.
    pub fn addr(&self) -> Option<u64> {
        match self {
            Command::Write { addr, .. }
            | Command::MaskWrite { addr, .. }
            | Command::MaskPoll { addr, .. }
            | Command::Block { addr, .. } => Some(*addr),
            Command::Nop(_) | Command::Other { .. } => None,
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Nop(n) => write!(f, "nop ({n} words)"),
            Command::Write { addr, value } => write!(f, "write {addr:#010x} = {value:#010x}"),
            Command::MaskWrite { addr, mask, value } => {
                write!(
                    f,
                    "mask write {addr:#010x} mask {mask:#010x} = {value:#010x}"
                )
            }
            Command::MaskPoll {
                addr, mask, value, ..
            } => write!(
                f,
                "mask poll {addr:#010x} mask {mask:#010x} == {value:#010x}"
            ),
            Command::Block { addr, data } => {
                write!(f, "block write {addr:#010x}, {} words:", data.len())?;
                for w in data.iter().take(8) {
                    write!(f, " {w:08x}")?;
                }
                if data.len() > 8 {
                    write!(f, " …")?;
                }
                Ok(())
            }
            Command::Other { header, payload } => {
                write!(f, "command {header:#010x} with {} words", payload.len())
            }
        }
    }
}

/// Why a byte string is not a CDO file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not a whole number of words, or shorter than the header.
    #[error("{0} bytes is not a CDO file (a five-word header and whole words)")]
    Size(usize),
    /// The identification word is not "CDO".
    #[error("no CDO identification word (found {0:#010x})")]
    Ident(u32),
    /// A command runs past the end.
    #[error("the command at byte {0:#x} runs past the end of the file")]
    Truncated(usize),
}

/// The commands of a CDO file, each with its byte offset.
///
/// # Errors
/// [`DecodeError`] when `bytes` is not a CDO file.
pub fn decode(bytes: &[u8]) -> Result<Vec<(usize, Command)>, DecodeError> {
    if !bytes.len().is_multiple_of(WORD) || bytes.len() < HEADER_WORDS * WORD {
        return Err(DecodeError::Size(bytes.len()));
    }
    let w: Vec<u32> = bytes
        .chunks_exact(WORD)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if w[1] != HEADER_IDENT {
        return Err(DecodeError::Ident(w[1]));
    }
    let mut out = Vec::new();
    let mut i = HEADER_WORDS;
    while i < w.len() {
        let at = i * WORD;
        let h = w[i];
        let mut len = (h >> 16) as usize & 0xFF;
        let mut body = i + 1;
        if len == LONG_LENGTH as usize {
            len = *w.get(i + 1).ok_or(DecodeError::Truncated(at))? as usize;
            body = i + 2;
        }
        let end = body.checked_add(len).ok_or(DecodeError::Truncated(at))?;
        let p = w.get(body..end).ok_or(DecodeError::Truncated(at))?;
        let addr = |p: &[u32]| (u64::from(p[0]) << 32) | u64::from(p[1]);
        let cmd = match (h & 0xFFFF, len) {
            (CMD_NOP, _) => Command::Nop(len as u32),
            (CMD_WRITE64, 3) => Command::Write {
                addr: addr(p),
                value: p[2],
            },
            (CMD_MASK_WRITE64, 4) => Command::MaskWrite {
                addr: addr(p),
                mask: p[2],
                value: p[3],
            },
            (CMD_MASK_POLL64, 5) => Command::MaskPoll {
                addr: addr(p),
                mask: p[2],
                value: p[3],
                timeout: p[4],
            },
            (CMD_DMA_WRITE, n) if n >= 2 => Command::Block {
                addr: addr(p),
                data: p[2..].to_vec(),
            },
            _ => Command::Other {
                header: h,
                payload: p.to_vec(),
            },
        };
        out.push((at, cmd));
        i = end;
    }
    Ok(out)
}

/// Where two CDO files first differ, said readably: the first differing command of each, with
/// its byte offset, or the header difference. `None` when they are equal.
pub fn first_difference(ours: &[u8], theirs: &[u8]) -> Option<String> {
    if ours == theirs {
        return None;
    }
    let (a, b) = match (decode(ours), decode(theirs)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            return Some(format!(
                "files differ and do not both decode: ours {:?}, theirs {:?}",
                a.err(),
                b.err()
            ))
        }
    };
    for k in 0..a.len().max(b.len()) {
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) if x == y => continue,
            (x, y) => {
                let show = |c: Option<&(usize, Command)>| match c {
                    Some((at, c)) => match c.addr() {
                        Some(a) => format!(
                            "at byte {at:#x}: {c}  [{}]",
                            crate::inspect::describe_address(a)
                        ),
                        None => format!("at byte {at:#x}: {c}"),
                    },
                    None => "nothing (file ended)".to_string(),
                };
                return Some(format!(
                    "command {k} differs\n  ours:   {}\n  theirs: {}",
                    show(x),
                    show(y)
                ));
            }
        }
    }
    Some(format!(
        "same commands but different bytes (header?): ours {} bytes, theirs {} bytes",
        ours.len(),
        theirs.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_header_and_nop() {
        let b = CdoStream::new().finish();
        let w: Vec<u32> = b
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        // The words bootgen's cdo_driver writes for a file with one NOP (bootgen's cdo-driver/cdo_driver.c).
        assert_eq!(w, [4, 0x004F_4443, 0x200, 1, 0xFFB0_B9B7, 0x111]);
    }

    #[test]
    fn block_payloads_are_aligned() {
        let mut s = CdoStream::new();
        s.write32(0x0203_2000, 0);
        s.block_write32(0x0202_0000, &[0; 10]).unwrap();
        let b = s.finish();
        // A NOP puts the payload at byte 0x40.
        let cmds = decode(&b).unwrap();
        assert_eq!(cmds[2], (0x28, Command::Nop(2)));
        assert_eq!(cmds[3].0, 0x34);
        assert_eq!(b.len(), 0x40 + 40);
    }
}
