//! Listing an NPU instruction stream (`insts.bin`, TXN 0.1 as `aie-translate
//! --aie-npu-to-binary` writes it; the op layouts of [`crate::back::insts`]).

use std::fmt::Write as _;

use super::{cdo::where_is, InspectError};
use crate::back::insts::{OP_BLOCKWRITE, OP_DDR_PATCH, OP_MASKWRITE, OP_SYNC, OP_WRITE};
use crate::target::npu1;

/// Words of the stream header.
const HEADER_WORDS: usize = 4;
/// Words of a WRITE op.
const WRITE_WORDS: usize = 6;
/// Words of a MASKWRITE op.
const MASKWRITE_WORDS: usize = 7;

/// Whether `bytes` look like an instruction stream: the TXN version and device generation of
/// npu1 in the first word and the byte size in the fourth equal to the length.
pub(super) fn looks_like(bytes: &[u8]) -> bool {
    let (major, minor) = npu1::TXN_VERSION;
    bytes.len() >= HEADER_WORDS * 4
        && bytes[0] == major
        && bytes[1] == minor
        && bytes[2] == npu1::TXN_DEVICE_GENERATION
        && u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize == bytes.len()
}

/// Describes an instruction stream: header, then one line per op.
///
/// # Errors
/// [`InspectError::Insts`] naming `name` when an op runs past the end or is unknown.
pub fn describe_insts(name: &str, bytes: &[u8]) -> Result<String, InspectError> {
    let fail = |what: String| InspectError::Insts {
        name: name.into(),
        what,
    };
    if !bytes.len().is_multiple_of(4) || bytes.len() < HEADER_WORDS * 4 {
        return Err(fail(format!(
            "{} bytes is not a whole number of words with a header",
            bytes.len()
        )));
    }
    let w: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "NPU instructions {name}: TXN {}.{}, device generation {}, {} rows, {} column(s), {} mem tile row(s), {} op(s), {} bytes",
        w[0] & 0xFF,
        (w[0] >> 8) & 0xFF,
        (w[0] >> 16) & 0xFF,
        w[0] >> 24,
        w[1] & 0xFF,
        (w[1] >> 8) & 0xFF,
        w[2],
        w[3]
    );
    let mut i = HEADER_WORDS;
    let mut count = 0u32;
    while i < w.len() {
        let need = |n: usize| {
            if w.len() - i < n {
                Err(fail(format!(
                    "op {:#x} at byte {:#x} needs {n} words, {} are left",
                    w[i],
                    i * 4,
                    w.len() - i
                )))
            } else {
                Ok(())
            }
        };
        let at = i * 4;
        let (len, text) = match w[i] {
            OP_WRITE => {
                need(WRITE_WORDS)?;
                let (addr, v) = (w[i + 2], w[i + 4]);
                (
                    WRITE_WORDS,
                    format!(
                        "WRITE      {addr:#010x} = {v:#010x}  {}",
                        where_is(addr.into())
                    ),
                )
            }
            OP_BLOCKWRITE => {
                need(4)?;
                let n = (w[i + 3] / 4) as usize;
                if n < 4 {
                    return Err(fail(format!(
                        "block write at byte {at:#x} declares {} bytes",
                        w[i + 3]
                    )));
                }
                need(n)?;
                let addr = w[i + 2];
                let data: Vec<String> =
                    w[i + 4..i + n].iter().map(|d| format!("{d:08x}")).collect();
                (
                    n,
                    format!(
                        "BLOCKWRITE {addr:#010x} {} word(s) [{}]  {}",
                        n - 4,
                        data.join(" "),
                        where_is(addr.into())
                    ),
                )
            }
            OP_MASKWRITE => {
                need(MASKWRITE_WORDS)?;
                let (addr, v, m) = (w[i + 2], w[i + 4], w[i + 5]);
                (
                    MASKWRITE_WORDS,
                    format!(
                        "MASKWRITE  {addr:#010x} mask {m:#010x} value {v:#010x}  {}",
                        where_is(addr.into())
                    ),
                )
            }
            OP_SYNC | OP_DDR_PATCH => {
                need(2)?;
                let n = (w[i + 1] / 4) as usize;
                if n < 2 {
                    return Err(fail(format!(
                        "op at byte {at:#x} declares {} bytes",
                        w[i + 1]
                    )));
                }
                need(n)?;
                let text = if w[i] == OP_SYNC && n >= 4 {
                    let (a, b) = (w[i + 2], w[i + 3]);
                    format!(
                        "SYNC       wait for {} channel {} of tile ({},{}) ({} column(s), {} row(s))",
                        if a & 0xFF == 0 { "S2MM" } else { "MM2S" },
                        b >> 24,
                        (a >> 16) & 0xFF,
                        (a >> 8) & 0xFF,
                        (b >> 16) & 0xFF,
                        (b >> 8) & 0xFF
                    )
                } else if w[i] == OP_DDR_PATCH && n >= 11 {
                    let addr = w[i + 6];
                    format!(
                        "DDR_PATCH  {addr:#010x} += address of argument {} + {:#x}  {}",
                        w[i + 8],
                        w[i + 10],
                        where_is(addr.into())
                    )
                } else {
                    format!("op {:#x}, {n} words", w[i])
                };
                (n, text)
            }
            op => return Err(fail(format!("unknown op {op:#x} at byte {at:#x}"))),
        };
        let _ = writeln!(s, "  {at:#06x}  {}", text.trim_end());
        i += len;
        count += 1;
    }
    if count != w[2] {
        let _ = writeln!(
            s,
            "  (the header announces {} op(s), the stream holds {count})",
            w[2]
        );
    }
    Ok(s)
}
