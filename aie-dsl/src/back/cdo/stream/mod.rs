//! The CDO (configuration data object) format, version 2: the one place that encodes and
//! decodes it. The CDO writer builds its files with [`CdoStream`], the PDI writer decodes
//! those files and re-encodes them the way bootgen does ([`reencode`]), and `inspect` and the
//! tests read files back with [`parse`] and [`decode`].
//!
//! A file (Xilinx bootgen `cdo-driver/cdo_driver.c`) is little-endian 32-bit words: a header
//! `{4, "CDO\0", version, body words, checksum}` ([`header`]), then commands. A command header
//! is `(payload words << 16) | (handler << 8) | api id`; a payload of [`LONG_FORM`] words or
//! more uses the long form `0x00FF____, words`. Addresses of the 64-bit commands are two
//! words, high word first.
//!
//! Two encoders share the command encoding (`encode.rs`) and differ in policy:
//! * [`CdoStream`], aie-rt's CDO I/O back end through bootgen's `cdo_driver.c`, as mlir-aie's
//!   `aie-translate --aie-generate-cdo` drives it: only 64-bit commands, and a NOP before each
//!   block write so that its payload starts on a [`PAYLOAD_ALIGN`]-byte boundary of the file;
//! * [`reencode`], bootgen's `encode_v2_cmd` (`cdo-binary.c`, auto-align on) when it packs
//!   CDOs into a PDI: 32-bit forms where the address fits, a one-word block write as a single
//!   write, and NOPs that put each block's payload at a word index congruent to its
//!   destination word address modulo 4.

mod decode;
mod encode;
mod reencode;

use std::fmt;

use thiserror::Error;

pub use decode::{decode, first_difference, parse, ParsedCdo, RawCommand};
pub use encode::{BlockTooLong, CdoStream};
pub use reencode::reencode;

/// Bytes in a word of the file.
pub const WORD_BYTES: usize = 4;
/// Words in a CDO header (`remaining words` = 4, identification, version, length, checksum).
pub const HEADER_WORDS: usize = 5;
/// Value of the header's first word: the header words that follow it, before the checksum.
pub const HEADER_REMAINING_WORDS: u32 = 4;
/// Identification word of a CDO version 2 file ("CDO\0").
pub const IDENT_CDO: u32 = 0x004F_4443;
/// The version bootgen and aie-rt write (2.0).
pub const VERSION_2_00: u32 = 0x0000_0200;
/// Lowest version decoded with the version-2 command set (1.50).
pub const VERSION_1_50: u32 = 0x0000_0132;
/// First version that is not version 2 (3.00).
pub const VERSION_3_00: u32 = 0x0000_0300;
/// Payload length field value that announces the long command form (the length follows in
/// the next word).
pub const LONG_FORM: u32 = 255;
/// Bit position of a command header's 8-bit payload length field; the bits below it are
/// `(handler << 8) | api id`.
pub const LENGTH_SHIFT: u32 = 16;
/// The payload length field, shifted down.
pub const LENGTH_MASK: u32 = 0xFF;
/// The end-of-stream word.
pub const END_WORD: u32 = 0xFFFF_FFFF;
/// [`CdoStream`]: block-write payloads start on multiples of this many bytes of the file.
pub const PAYLOAD_ALIGN: usize = 16;
/// [`reencode`]: destination range that bootgen splits into 16-byte aligned pieces (the NPI
/// register space; bootgen `encode_v2_cmd`, EDT-983251).
pub const NPI_RANGE: std::ops::Range<u64> = 0xF600_0000..0xF800_0000;

/// Command ids (handler 1, the PLM's generic module) of the version-2 command set.
pub mod op {
    /// End of the command list.
    pub const END_MARK: u16 = 0x100;
    /// Poll a 32-bit address until `(value & mask) == expected`.
    pub const MASK_POLL: u16 = 0x101;
    /// Read-modify-write of a 32-bit address.
    pub const MASK_WRITE: u16 = 0x102;
    /// Write one word to a 32-bit address.
    pub const WRITE: u16 = 0x103;
    /// Wait.
    pub const DELAY: u16 = 0x104;
    /// Block write to a 64-bit address ("DMA write").
    pub const DMA_WRITE: u16 = 0x105;
    /// [`MASK_POLL`] with a 64-bit address.
    pub const MASK_POLL64: u16 = 0x106;
    /// [`MASK_WRITE`] with a 64-bit address.
    pub const MASK_WRITE64: u16 = 0x107;
    /// [`WRITE`] with a 64-bit address.
    pub const WRITE64: u16 = 0x108;
    /// Fill `count` words at a 64-bit address with one value.
    pub const SET: u16 = 0x10C;
    /// No operation; its payload is ignored (used for alignment).
    pub const NOP: u16 = 0x111;

    /// The name bootgen's documentation gives a command id, if it is one of the above.
    pub fn name(id: u16) -> Option<&'static str> {
        Some(match id {
            END_MARK => "END_MARK",
            MASK_POLL => "MASK_POLL",
            MASK_WRITE => "MASK_WRITE",
            WRITE => "WRITE",
            DELAY => "DELAY",
            DMA_WRITE => "DMA_WRITE",
            MASK_POLL64 => "MASK_POLL64",
            MASK_WRITE64 => "MASK_WRITE64",
            WRITE64 => "WRITE64",
            SET => "SET",
            NOP => "NOP",
            _ => return None,
        })
    }
}

/// A command header word for `id` with `len` (at most [`LENGTH_MASK`]) in its length field.
fn command_word(id: u16, len: u32) -> u32 {
    (len << LENGTH_SHIFT) | u32::from(id)
}

/// The id and the length field of a command header word.
fn split_command_word(word: u32) -> (u16, u32) {
    (word as u16, (word >> LENGTH_SHIFT) & LENGTH_MASK)
}

/// `~(sum of words)`: the checksum of a CDO header, and of bootgen's PDI headers.
pub fn checksum(words: &[u32]) -> u32 {
    !words.iter().fold(0u32, |a, w| a.wrapping_add(*w))
}

/// The header of a CDO file of `version` whose commands take `body` words, checksum included.
pub fn header(version: u32, body: u32) -> [u32; HEADER_WORDS] {
    let mut h = [HEADER_REMAINING_WORDS, IDENT_CDO, version, body, 0];
    h[HEADER_WORDS - 1] = checksum(&h[..HEADER_WORDS - 1]);
    h
}

/// One command, as decoded from a file or given to [`reencode`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A NOP with its (ignored) payload.
    Nop(Vec<u32>),
    /// Write one word (WRITE, WRITE64).
    Write {
        /// Destination byte address.
        addr: u64,
        /// The word.
        value: u32,
    },
    /// Write words to consecutive addresses from `addr` on (DMA_WRITE).
    Block {
        /// First destination byte address.
        addr: u64,
        /// The words.
        data: Vec<u32>,
    },
    /// `*addr = (*addr & !mask) | value` (MASK_WRITE, MASK_WRITE64).
    MaskWrite {
        /// Destination byte address.
        addr: u64,
        /// Bits to change.
        mask: u32,
        /// New bits.
        value: u32,
    },
    /// Poll until `(*addr & mask) == value`, at most `count` times (MASK_POLL, MASK_POLL64).
    MaskPoll {
        /// Polled byte address.
        addr: u64,
        /// Bits compared.
        mask: u32,
        /// Expected bits.
        value: u32,
        /// Poll count (or time-out).
        count: u32,
        /// Flags word (0 when absent).
        flags: u32,
        /// Error code word (0 when absent).
        error_code: u32,
    },
    /// Wait this many units (DELAY).
    Delay(u32),
    /// `count` words at `addr` set to `value` (SET).
    Set {
        /// Destination byte address.
        addr: u64,
        /// Words.
        count: u32,
        /// Value.
        value: u32,
    },
}

impl Command {
    /// The (first) address the command writes or polls, if it has one.
    pub fn addr(&self) -> Option<u64> {
        match self {
            Command::Write { addr, .. }
            | Command::Block { addr, .. }
            | Command::MaskWrite { addr, .. }
            | Command::MaskPoll { addr, .. }
            | Command::Set { addr, .. } => Some(*addr),
            Command::Nop(_) | Command::Delay(_) => None,
        }
    }
}

/// Data words [`Command`]'s `Display` shows of a block write.
const SHOWN_WORDS: usize = 8;

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Nop(p) => write!(f, "nop ({} words)", p.len()),
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
                for w in data.iter().take(SHOWN_WORDS) {
                    write!(f, " {w:08x}")?;
                }
                if data.len() > SHOWN_WORDS {
                    write!(f, " …")?;
                }
                Ok(())
            }
            Command::Delay(v) => write!(f, "delay {v}"),
            Command::Set { addr, count, value } => {
                write!(f, "set {addr:#010x}, {count} words = {value:#010x}")
            }
        }
    }
}

/// A malformed or unsupported CDO stream.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// Fewer bytes than a header, or a size that is not a whole number of words.
    #[error("{len} bytes is not a CDO file: it needs a header of {HEADER_WORDS} 32-bit words and a whole number of words")]
    BadSize {
        /// File length in bytes.
        len: usize,
    },
    /// The header's first word is not a plausible header length.
    #[error("invalid CDO header length {0} (expected 4..length of the file in words)")]
    BadHeaderLength(u32),
    /// The header checksum does not match.
    #[error("CDO header checksum is {found:#010x}, expected {expected:#010x}")]
    BadHeaderChecksum {
        /// Stored value.
        found: u32,
        /// `~(sum of the header words)`.
        expected: u32,
    },
    /// Not a "CDO\0" file.
    #[error("identification word {0:#010x} is not \"CDO\\0\" ({IDENT_CDO:#010x})")]
    BadIdentification(u32),
    /// A version other than 1.50..3.00 (version 1 files and version 3 are not supported).
    #[error("CDO version {0:#x} is not supported (only version 2 files, 0x132..0x300)")]
    UnsupportedVersion(u32),
    /// The header's length field disagrees with the file size.
    #[error("CDO header says {declared} body words, the file holds {actual}")]
    LengthMismatch {
        /// Words after the header according to the header.
        declared: usize,
        /// Words after the header in the file.
        actual: usize,
    },
    /// A command's payload runs past the end of the file.
    #[error("command {header:#010x} at word {word} needs {needed} payload words, {left} are left")]
    Truncated {
        /// Word index of the command header in the file.
        word: usize,
        /// The command header.
        header: u32,
        /// Payload words announced.
        needed: usize,
        /// Words left in the file.
        left: usize,
    },
    /// A known command with a payload of the wrong size.
    #[error(
        "command {name} at word {word} has {len} payload words, which is not a valid size for it"
    )]
    BadPayload {
        /// Word index of the command header.
        word: usize,
        /// Command name.
        name: &'static str,
        /// Payload words.
        len: usize,
    },
    /// A command this crate does not decode (bootgen knows many PLM commands; the AIE CDO
    /// back end uses only writes, block writes, masked writes and polls, and NOPs).
    #[error("command id {id:#06x} at word {word} is not supported (only NOP, WRITE, WRITE64, DMA_WRITE, MASK_WRITE, MASK_WRITE64, MASK_POLL, MASK_POLL64, DELAY and SET)")]
    Unsupported {
        /// Word index of the command header.
        word: usize,
        /// The header's low 16 bits.
        id: u16,
    },
    /// A command or file too large for the 32-bit length fields.
    #[error("CDO stream is too large for its 32-bit length fields")]
    TooLarge,
}
