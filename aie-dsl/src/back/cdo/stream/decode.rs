//! Reading a CDO file: the header checked, the commands split out ([`parse`]) and decoded as
//! bootgen's `decode_v2_cmd` reads them ([`RawCommand::decode`], [`decode`]).

use super::{
    checksum, op, split_command_word, Command, FormatError, END_WORD, HEADER_REMAINING_WORDS,
    HEADER_WORDS, IDENT_CDO, LONG_FORM, VERSION_1_50, VERSION_3_00, WORD_BYTES,
};

/// One command as it stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommand {
    /// Word index of its header from the start of the file.
    pub word: usize,
    /// The first header word.
    pub header: u32,
    /// Command id (the header's low 16 bits).
    pub id: u16,
    /// Whether it used the long (`0x00FF____, len`) form.
    pub long_form: bool,
    /// Payload words.
    pub payload: Vec<u32>,
}

/// A parsed CDO file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCdo {
    /// The header's version word.
    pub version: u32,
    /// The header words before the checksum (normally 4).
    pub header_words: u32,
    /// The commands in file order.
    pub commands: Vec<RawCommand>,
}

/// Word `i` of `bytes`; the caller has checked that it is there.
fn word(bytes: &[u8], i: usize) -> u32 {
    let b = &bytes[i * WORD_BYTES..(i + 1) * WORD_BYTES];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn pair(hi: u32, lo: u32) -> u64 {
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Parses a CDO file into its header facts and raw commands.
///
/// # Errors
/// A [`FormatError`] saying what is wrong; never panics on any input.
pub fn parse(bytes: &[u8]) -> Result<ParsedCdo, FormatError> {
    if bytes.len() < HEADER_WORDS * WORD_BYTES || !bytes.len().is_multiple_of(WORD_BYTES) {
        return Err(FormatError::BadSize { len: bytes.len() });
    }
    let n = bytes.len() / WORD_BYTES;
    let hdrlen = word(bytes, 0);
    if hdrlen < HEADER_REMAINING_WORDS || hdrlen as usize >= n {
        return Err(FormatError::BadHeaderLength(hdrlen));
    }
    let hdrlen = hdrlen as usize;
    let head: Vec<u32> = (0..hdrlen).map(|i| word(bytes, i)).collect();
    let expected = checksum(&head);
    let found = word(bytes, hdrlen);
    if found != expected {
        return Err(FormatError::BadHeaderChecksum { found, expected });
    }
    let ident = head[1];
    let version = head[2];
    if !(VERSION_1_50..VERSION_3_00).contains(&version) {
        return Err(FormatError::UnsupportedVersion(version));
    }
    if ident != IDENT_CDO {
        return Err(FormatError::BadIdentification(ident));
    }
    let declared = head[3] as usize;
    let actual = n - hdrlen - 1;
    if declared != actual {
        return Err(FormatError::LengthMismatch { declared, actual });
    }
    let mut commands = Vec::new();
    let mut i = hdrlen + 1;
    while i < n {
        let start = i;
        let header = word(bytes, i);
        i += 1;
        let (id, len) = split_command_word(header);
        let mut len = len as usize;
        let long_form = len == LONG_FORM as usize;
        if long_form {
            if header == END_WORD {
                return Err(FormatError::Unsupported {
                    word: start,
                    id: op::END_MARK,
                });
            }
            if i >= n {
                return Err(FormatError::Truncated {
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
            return Err(FormatError::Truncated {
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
            id,
            long_form,
            payload,
        });
    }
    Ok(ParsedCdo {
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
    /// [`FormatError::Unsupported`] for ids other than those in [`op`] (except END_MARK),
    /// [`FormatError::BadPayload`] for a known id with a payload size bootgen rejects.
    pub fn decode(&self) -> Result<Command, FormatError> {
        let p = &self.payload;
        let bad = |name| FormatError::BadPayload {
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
                value: p[1],
            },
            op::WRITE => return Err(bad("WRITE")),
            op::WRITE64 if p.len() == 3 => Command::Write {
                addr: pair(p[0], p[1]),
                value: p[2],
            },
            op::WRITE64 => return Err(bad("WRITE64")),
            op::DMA_WRITE if p.len() >= 2 => Command::Block {
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
                return Err(FormatError::Unsupported {
                    word: self.word,
                    id,
                })
            }
        })
    }
}

impl ParsedCdo {
    /// Every command decoded, in file order.
    ///
    /// # Errors
    /// As [`RawCommand::decode`], for the first command that does not decode.
    pub fn decode_commands(&self) -> Result<Vec<Command>, FormatError> {
        self.commands.iter().map(RawCommand::decode).collect()
    }
}

/// The commands of a CDO file, each with its byte offset in the file.
///
/// # Errors
/// As [`parse`] and [`RawCommand::decode`].
pub fn decode(bytes: &[u8]) -> Result<Vec<(usize, Command)>, FormatError> {
    parse(bytes)?
        .commands
        .iter()
        .map(|c| Ok((c.word * WORD_BYTES, c.decode()?)))
        .collect()
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
    use super::super::{reencode, CdoStream, VERSION_2_00};
    use super::*;

    /// What `CdoStream` wrote, less the alignment NOPs.
    fn without_nops(cmds: Vec<(usize, Command)>) -> Vec<Command> {
        cmds.into_iter()
            .map(|(_, c)| c)
            .filter(|c| !matches!(c, Command::Nop(_)))
            .collect()
    }

    #[test]
    fn decoding_gives_back_what_was_written() {
        let mut want = vec![
            Command::Write {
                addr: 0x0203_2000,
                value: 7,
            },
            Command::MaskWrite {
                addr: 0x1_0000_0010,
                mask: 0xFF00,
                value: 0x1200,
            },
        ];
        // Payload lengths on both sides of the long form (data + two address words).
        for n in [1, 252, 253, 254, 255] {
            want.push(Command::Block {
                addr: 0x0022_0000 + 4 * n as u64,
                data: (0..n as u32).collect(),
            });
        }
        let mut s = CdoStream::new();
        for c in &want {
            match c {
                Command::Write { addr, value } => s.write32(*addr, *value),
                Command::MaskWrite { addr, mask, value } => s.mask_write32(*addr, *mask, *value),
                Command::Block { addr, data } => s.block_write32(*addr, data).unwrap(),
                _ => unreachable!(),
            }
        }
        let bytes = s.finish();
        assert_eq!(without_nops(decode(&bytes).unwrap()), want);
        let parsed = parse(&bytes).unwrap();
        let long: Vec<usize> = parsed
            .commands
            .iter()
            .filter(|c| c.long_form)
            .map(|c| c.payload.len())
            .collect();
        assert_eq!(long, [255, 256, 257]);

        // Re-encoded the way bootgen does, the file says the same, the one-word block as a
        // write.
        let commands = parsed.decode_commands().unwrap();
        let words = reencode(VERSION_2_00, &commands).unwrap();
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        want[2] = Command::Write {
            addr: 0x0022_0004,
            value: 0,
        };
        assert_eq!(without_nops(decode(&bytes).unwrap()), want);
    }

    #[test]
    fn a_wrong_checksum_is_a_typed_error() {
        let mut bytes = CdoStream::new().finish();
        bytes[16] ^= 1;
        assert!(matches!(
            decode(&bytes),
            Err(FormatError::BadHeaderChecksum { .. })
        ));
    }
}
