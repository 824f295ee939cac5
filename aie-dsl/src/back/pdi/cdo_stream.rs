//! CDO version-2 command streams: reading them and re-encoding them the way bootgen does.
//!
//! A CDO file (Xilinx bootgen `cdo-driver/cdo_driver.c`) is a header of
//! little-endian 32-bit words `{4, "CDO\0", version, body words, checksum}` followed by
//! commands. A command header is `(payload words << 16) | (handler << 8) | api id`; a payload
//! of 255 words or more uses the long form `0x00FF____, words`.
//!
//! When bootgen puts CDOs into a PDI it decodes each one into commands and encodes them again
//! (Xilinx/bootgen `cdo-binary.c`: `decode_v2_cmd`, `encode_v2_cmd` with auto-align on):
//! 64-bit commands whose address fits in 32 bits become their 32-bit forms, a one-word block
//! write becomes a single write, and every block write gets a NOP in front of it when needed so
//! that its payload's word index in the file is congruent to its destination word address
//! modulo 4. [`encode`] does exactly that.

use thiserror::Error;

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
/// Payload length field value that announces the long command form.
pub const LONG_FORM: u32 = 255;
/// The end-of-stream word.
pub const END_WORD: u32 = 0xFFFF_FFFF;

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

/// Destination range that bootgen splits into 16-byte aligned pieces (the NPI register space;
/// bootgen `encode_v2_cmd`, EDT-983251).
pub const NPI_RANGE: std::ops::Range<u64> = 0xF600_0000..0xF800_0000;

/// A malformed or unsupported CDO stream.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CdoError {
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
    /// A command this crate does not re-encode (bootgen knows many PLM commands; the AIE CDO
    /// back end uses only writes, block writes, masked writes and polls, and NOPs).
    #[error("command id {id:#06x} at word {word} is not supported (only NOP, WRITE, WRITE64, DMA_WRITE, MASK_WRITE, MASK_WRITE64, MASK_POLL, MASK_POLL64, DELAY and SET)")]
    Unsupported {
        /// Word index of the command header.
        word: usize,
        /// `header & 0xFFFF`.
        id: u16,
    },
    /// A command or file too large for the 32-bit length fields.
    #[error("CDO stream is too large for its 32-bit length fields")]
    TooLarge,
}

/// One command as it stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommand {
    /// Word index of its header from the start of the file.
    pub word: usize,
    /// The first header word.
    pub header: u32,
    /// Command id (`header & 0xFFFF`).
    pub id: u16,
    /// Whether it used the long (`0x00FF____, len`) form.
    pub long_form: bool,
    /// Payload words.
    pub payload: Vec<u32>,
}

/// A parsed CDO file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdoStream {
    /// The header's version word.
    pub version: u32,
    /// The header words before the checksum (normally 4).
    pub header_words: u32,
    /// The commands in file order.
    pub commands: Vec<RawCommand>,
}

/// What a command does, independent of how it was encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A NOP with its (ignored) payload.
    Nop(Vec<u32>),
    /// One or more words written from `addr` on (WRITE, WRITE64, DMA_WRITE).
    Write {
        /// Destination byte address.
        addr: u64,
        /// The words.
        data: Vec<u32>,
    },
    /// `*addr = (*addr & !mask) | value`.
    MaskWrite {
        /// Destination byte address.
        addr: u64,
        /// Bits to change.
        mask: u32,
        /// New bits.
        value: u32,
    },
    /// Poll until `(*addr & mask) == value`, at most `count` times.
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
    /// Wait `0` units.
    Delay(u32),
    /// `count` words at `addr` set to `value`.
    Set {
        /// Destination byte address.
        addr: u64,
        /// Words.
        count: u32,
        /// Value.
        value: u32,
    },
}

fn word(bytes: &[u8], i: usize) -> u32 {
    let b = &bytes[i * 4..i * 4 + 4];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// `~(sum of words)`, bootgen's header checksum.
pub fn checksum(words: &[u32]) -> u32 {
    !words.iter().fold(0u32, |a, w| a.wrapping_add(*w))
}

fn pair(hi: u32, lo: u32) -> u64 {
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Parses a CDO file into its header facts and raw commands.
///
/// # Errors
/// A [`CdoError`] saying what is wrong; never panics on any input.
pub fn parse(bytes: &[u8]) -> Result<CdoStream, CdoError> {
    if bytes.len() < HEADER_WORDS * 4 || !bytes.len().is_multiple_of(4) {
        return Err(CdoError::BadSize { len: bytes.len() });
    }
    let n = bytes.len() / 4;
    let hdrlen = word(bytes, 0);
    if hdrlen < HEADER_REMAINING_WORDS || hdrlen as usize >= n {
        return Err(CdoError::BadHeaderLength(hdrlen));
    }
    let hdrlen = hdrlen as usize;
    let head: Vec<u32> = (0..hdrlen).map(|i| word(bytes, i)).collect();
    let expected = checksum(&head);
    let found = word(bytes, hdrlen);
    if found != expected {
        return Err(CdoError::BadHeaderChecksum { found, expected });
    }
    let ident = head[1];
    let version = head[2];
    if !(VERSION_1_50..VERSION_3_00).contains(&version) {
        return Err(CdoError::UnsupportedVersion(version));
    }
    if ident != IDENT_CDO {
        return Err(CdoError::BadIdentification(ident));
    }
    let declared = head[3] as usize;
    let actual = n - hdrlen - 1;
    if declared != actual {
        return Err(CdoError::LengthMismatch { declared, actual });
    }
    let mut commands = Vec::new();
    let mut i = hdrlen + 1;
    while i < n {
        let start = i;
        let header = word(bytes, i);
        i += 1;
        let mut len = ((header >> 16) & 0xFF) as usize;
        let long_form = len == LONG_FORM as usize;
        if long_form {
            if header == END_WORD {
                return Err(CdoError::Unsupported {
                    word: start,
                    id: op::END_MARK,
                });
            }
            if i >= n {
                return Err(CdoError::Truncated {
                    word: start,
                    header,
                    needed: 1,
                    left: 0,
                });
            }
            len = word(bytes, i) as usize;
            i += 1;
        }
        if n - i < len {
            return Err(CdoError::Truncated {
                word: start,
                header,
                needed: len,
                left: n - i,
            });
        }
        let payload: Vec<u32> = (i..i + len).map(|k| word(bytes, k)).collect();
        i += len;
        commands.push(RawCommand {
            word: start,
            header,
            id: (header & 0xFFFF) as u16,
            long_form,
            payload,
        });
    }
    Ok(CdoStream {
        version,
        header_words: hdrlen as u32,
        commands,
    })
}

impl RawCommand {
    /// The command's name, if known.
    pub fn name(&self) -> Option<&'static str> {
        op::name(self.id)
    }

    /// What the command does, as bootgen decodes it.
    ///
    /// # Errors
    /// [`CdoError::Unsupported`] for ids other than those in [`op`] (except END_MARK),
    /// [`CdoError::BadPayload`] for a known id with a payload size bootgen rejects.
    pub fn decode(&self) -> Result<Command, CdoError> {
        let p = &self.payload;
        let bad = |name| CdoError::BadPayload {
            word: self.word,
            name,
            len: p.len(),
        };
        let poll = |addr: u64, rest: &[u32]| Command::MaskPoll {
            addr,
            mask: rest[0],
            value: rest[1],
            count: rest[2],
            flags: rest.get(3).copied().unwrap_or(0),
            error_code: rest.get(4).copied().unwrap_or(0),
        };
        Ok(match self.id {
            op::NOP => Command::Nop(p.clone()),
            op::WRITE if p.len() == 2 => Command::Write {
                addr: u64::from(p[0]),
                data: vec![p[1]],
            },
            op::WRITE => return Err(bad("WRITE")),
            op::WRITE64 if p.len() == 3 => Command::Write {
                addr: pair(p[0], p[1]),
                data: vec![p[2]],
            },
            op::WRITE64 => return Err(bad("WRITE64")),
            op::DMA_WRITE if p.len() >= 2 => Command::Write {
                addr: pair(p[0], p[1]),
                data: p[2..].to_vec(),
            },
            op::DMA_WRITE => return Err(bad("DMA_WRITE")),
            op::MASK_WRITE if p.len() == 3 => Command::MaskWrite {
                addr: u64::from(p[0]),
                mask: p[1],
                value: p[2],
            },
            op::MASK_WRITE => return Err(bad("MASK_WRITE")),
            op::MASK_WRITE64 if p.len() == 4 => Command::MaskWrite {
                addr: pair(p[0], p[1]),
                mask: p[2],
                value: p[3],
            },
            op::MASK_WRITE64 => return Err(bad("MASK_WRITE64")),
            op::MASK_POLL if (4..=6).contains(&p.len()) => poll(u64::from(p[0]), &p[1..]),
            op::MASK_POLL => return Err(bad("MASK_POLL")),
            op::MASK_POLL64 if (5..=7).contains(&p.len()) => poll(pair(p[0], p[1]), &p[2..]),
            op::MASK_POLL64 => return Err(bad("MASK_POLL64")),
            op::DELAY if p.len() == 1 => Command::Delay(p[0]),
            op::DELAY => return Err(bad("DELAY")),
            op::SET if p.len() == 4 => Command::Set {
                addr: pair(p[0], p[1]),
                count: p[2],
                value: p[3],
            },
            op::SET => return Err(bad("SET")),
            id => {
                return Err(CdoError::Unsupported {
                    word: self.word,
                    id,
                })
            }
        })
    }
}

/// Parses a CDO file and decodes every command.
///
/// # Errors
/// As [`parse`] and [`RawCommand::decode`].
pub fn decode(bytes: &[u8]) -> Result<(CdoStream, Vec<Command>), CdoError> {
    let stream = parse(bytes)?;
    let commands = stream
        .commands
        .iter()
        .map(RawCommand::decode)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((stream, commands))
}

/// An encoder that follows bootgen's `encode_v2_cmd` with auto-align on.
struct Encoder {
    out: Vec<u32>,
}

impl Encoder {
    fn header(&mut self, id: u16, len: usize) -> Result<(), CdoError> {
        let id = u32::from(id);
        if len < LONG_FORM as usize {
            self.out.push(((len as u32) << 16) | id);
        } else {
            let len = u32::try_from(len).map_err(|_| CdoError::TooLarge)?;
            self.out.push((LONG_FORM << 16) | id);
            self.out.push(len);
        }
        Ok(())
    }

    fn single_write(&mut self, addr: u64, value: u32) -> Result<(), CdoError> {
        let (hi, lo) = ((addr >> 32) as u32, addr as u32);
        if hi == 0 {
            self.header(op::WRITE, 2)?;
            self.out.push(lo);
        } else {
            self.header(op::WRITE64, 3)?;
            self.out.extend([hi, lo]);
        }
        self.out.push(value);
        Ok(())
    }

    /// A block write whose payload lands at a word index ≡ (addr / 4) mod 4, with a NOP of
    /// 1 to 3 words in front when needed (bootgen tries paddings 0, 1, 2, 3 in turn; this
    /// computes the one it settles on).
    fn aligned_block(&mut self, addr: u64, data: &[u32]) -> Result<(), CdoError> {
        let want = ((addr >> 2) & 3) as usize;
        // Header word(s) plus the two address words.
        let head = if data.len() + 2 < LONG_FORM as usize {
            3
        } else {
            4
        };
        let padding = (want + 4 - (self.out.len() + head) % 4) % 4;
        if padding > 0 {
            self.header(op::NOP, padding - 1)?;
            self.out.extend(std::iter::repeat_n(0, padding - 1));
        }
        self.header(op::DMA_WRITE, data.len() + 2)?;
        self.out.extend([(addr >> 32) as u32, addr as u32]);
        self.out.extend_from_slice(data);
        Ok(())
    }

    fn command(&mut self, cmd: &Command) -> Result<(), CdoError> {
        match cmd {
            Command::Nop(payload) => {
                self.header(op::NOP, payload.len())?;
                self.out.extend_from_slice(payload);
            }
            Command::Write { addr, data } if data.len() == 1 => {
                self.single_write(*addr, data[0])?
            }
            Command::Write { addr, data } => {
                if NPI_RANGE.contains(addr) {
                    // Leading words one by one up to a 16-byte boundary, a block of a multiple
                    // of four words, trailing words one by one.
                    let mut addr = *addr;
                    let mut data = &data[..];
                    while !data.is_empty() && (addr >> 2) & 3 != 0 {
                        self.single_write(addr, data[0])?;
                        addr = addr.wrapping_add(4);
                        data = &data[1..];
                    }
                    let body = data.len() - (data.len() & 3);
                    self.aligned_block(addr, &data[..body])?;
                    let mut addr = addr.wrapping_add(4 * body as u64);
                    for w in &data[body..] {
                        self.single_write(addr, *w)?;
                        addr = addr.wrapping_add(4);
                    }
                } else {
                    self.aligned_block(*addr, data)?;
                }
            }
            Command::MaskWrite { addr, mask, value } => {
                let (hi, lo) = ((*addr >> 32) as u32, *addr as u32);
                if hi == 0 {
                    self.header(op::MASK_WRITE, 3)?;
                    self.out.push(lo);
                } else {
                    self.header(op::MASK_WRITE64, 4)?;
                    self.out.extend([hi, lo]);
                }
                self.out.extend([*mask, *value]);
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
                let (hi, lo) = ((*addr >> 32) as u32, *addr as u32);
                if hi == 0 {
                    self.header(op::MASK_POLL, 4 + extra)?;
                    self.out.push(lo);
                } else {
                    self.header(op::MASK_POLL64, 5 + extra)?;
                    self.out.extend([hi, lo]);
                }
                self.out.extend([*mask, *value, *count]);
                if extra >= 1 {
                    self.out.push(*flags);
                }
                if extra == 2 {
                    self.out.push(*error_code);
                }
            }
            Command::Delay(v) => {
                self.header(op::DELAY, 1)?;
                self.out.push(*v);
            }
            Command::Set { addr, count, value } => {
                self.header(op::SET, 4)?;
                self.out
                    .extend([(*addr >> 32) as u32, *addr as u32, *count, *value]);
            }
        }
        Ok(())
    }
}

/// Encodes commands as a complete CDO file (header included) the way bootgen re-encodes a CDO
/// it puts into a PDI, returning the words.
///
/// # Errors
/// [`CdoError::TooLarge`] if a length does not fit its field.
pub fn encode(version: u32, commands: &[Command]) -> Result<Vec<u32>, CdoError> {
    let mut e = Encoder {
        out: vec![HEADER_REMAINING_WORDS, IDENT_CDO, version, 0, 0],
    };
    for c in commands {
        e.command(c)?;
    }
    let body = u32::try_from(e.out.len() - HEADER_WORDS).map_err(|_| CdoError::TooLarge)?;
    e.out[3] = body;
    e.out[4] = checksum(&e.out[..4]);
    Ok(e.out)
}
