//! Writing commands: the command encoding both encoders share ([`Words`]), and [`CdoStream`],
//! the file aie-rt's CDO back end writes through bootgen's `cdo-driver/cdo_driver.c`.

use super::{
    command_word, header, op, HEADER_WORDS, LONG_FORM, PAYLOAD_ALIGN, VERSION_2_00, WORD_BYTES,
};

/// The words of a CDO file being encoded, its header first (filled in by [`Words::seal`]).
#[derive(Clone, Debug)]
pub(super) struct Words {
    /// The file so far.
    pub(super) words: Vec<u32>,
    /// The header's version.
    version: u32,
}

impl Words {
    /// A file of `version` with room for its header.
    pub(super) fn new(version: u32) -> Words {
        Words {
            words: header(version, 0).to_vec(),
            version,
        }
    }

    /// Words so far, header included.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// A command header for `id` with `len` payload words: the short form below
    /// [`LONG_FORM`], else the long form with the length in a second word.
    pub(super) fn command(&mut self, id: u16, len: u32) {
        if len < LONG_FORM {
            self.words.push(command_word(id, len));
        } else {
            self.words.push(command_word(id, LONG_FORM));
            self.words.push(len);
        }
    }

    /// A 64-bit address, high word first.
    pub(super) fn addr64(&mut self, addr: u64) {
        self.words.extend([(addr >> 32) as u32, addr as u32]);
    }

    /// A NOP with `payload` zero words.
    pub(super) fn nop(&mut self, payload: u32) {
        self.command(op::NOP, payload);
        self.words.extend(std::iter::repeat_n(0, payload as usize));
    }

    /// Fills in the header's length (`body` words of commands) and checksum.
    pub(super) fn seal(&mut self, body: u32) {
        self.words[..HEADER_WORDS].copy_from_slice(&header(self.version, body));
    }
}

/// A CDO file being written the way aie-rt's CDO back end writes it (`cdo_Write32`,
/// `cdo_MaskWrite32`, `cdo_BlockWrite32`): 64-bit commands only, block-write payloads on
/// [`PAYLOAD_ALIGN`]-byte boundaries of the file.
#[derive(Clone, Debug)]
pub struct CdoStream {
    words: Words,
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
        let mut words = Words::new(VERSION_2_00);
        words.nop(0);
        CdoStream { words }
    }

    /// `cdo_Write32`.
    pub fn write32(&mut self, addr: u64, value: u32) {
        self.words.command(op::WRITE64, 3);
        self.words.addr64(addr);
        self.words.words.push(value);
    }

    /// `cdo_MaskWrite32`.
    pub fn mask_write32(&mut self, addr: u64, mask: u32, value: u32) {
        self.words.command(op::MASK_WRITE64, 4);
        self.words.addr64(addr);
        self.words.words.extend([mask, value]);
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
        // Words before the payload: header and two address words, one more in the long form.
        // bootgen decides this with `len > 255` but writes the long form for `len >= 255`; the
        // quirk at exactly 255 is kept.
        let before = if len > LONG_FORM { 4 } else { 3 };
        let at = ((self.words.len() + before) * WORD_BYTES) % PAYLOAD_ALIGN;
        if at != 0 {
            // A NOP of the bytes up to the boundary, its header included (bootgen
            // `insertNoOpCommand`); `at` is a multiple of a word, so this is 0 to 2 words.
            self.words
                .nop(((PAYLOAD_ALIGN - at) / WORD_BYTES - 1) as u32);
        }
        self.words.command(op::DMA_WRITE, len);
        self.words.addr64(addr);
        self.words.words.extend_from_slice(data);
        Ok(())
    }

    /// The finished file: header length and checksum filled in.
    pub fn finish(mut self) -> Vec<u8> {
        // A file of 2³² words (16 GiB) is not built in memory; the length field holds the rest.
        let body = (self.words.len() - HEADER_WORDS) as u32;
        self.words.seal(body);
        self.words
            .words
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect()
    }
}

/// A block write longer than the format can say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockTooLong(pub usize);

#[cfg(test)]
mod tests {
    use super::super::{decode, Command};
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
        assert_eq!(cmds[2], (0x28, Command::Nop(vec![0, 0])));
        assert_eq!(cmds[3].0, 0x34);
        assert_eq!(b.len(), 0x40 + 40);
    }
}
