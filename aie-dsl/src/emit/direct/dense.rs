//! A buffer's initial values as MLIR prints the dense elements attribute the physical module
//! gives it (`dense<…>`; `printDenseElementsAttr` in mlir/lib/IR/AsmPrinter.cpp): one value when
//! all are equal, the raw little-endian bytes in hexadecimal when there are more than a hundred,
//! nested lists by the shape otherwise.

use std::fmt::Write as _;

use super::float::{bf16_text, f32_text};
use crate::types::{init_bits, ElemType, InitValue, MemRefType};

/// More elements than this print as hexadecimal bytes.
const HEX_ABOVE: usize = 100;

/// One element of bit pattern `bits` (from [`init_bits`]): its bits and bytes as stored, and
/// its text (`printFloatValue` for floats: NaNs and infinities as their bits in hexadecimal);
/// `None` where this file leaves the text to MLIR.
fn element(e: ElemType, bits: u32) -> Option<(u64, usize, String)> {
    Some(match e {
        ElemType::I8 => (u64::from(bits), 1, (bits as u8 as i8).to_string()),
        ElemType::U8 => (u64::from(bits), 1, (bits as u8).to_string()),
        ElemType::I16 => (u64::from(bits), 2, (bits as u16 as i16).to_string()),
        ElemType::I32 => (u64::from(bits), 4, (bits as i32).to_string()),
        ElemType::F32 => {
            let f = f32::from_bits(bits);
            let text = if f.is_nan() {
                format!("0x{bits:X}")
            } else {
                f32_text(f)?
            };
            (u64::from(bits), 4, text)
        }
        ElemType::Bf16 => {
            let b = bits as u16;
            let text = if b & 0x7F80 == 0x7F80 && b & 0x7F != 0 {
                format!("0x{b:X}")
            } else {
                bf16_text(b)?
            };
            (u64::from(b), 2, text)
        }
    })
}

/// `dense<…>` of `values` for a buffer of type `ty`, or `None` where this file leaves it to
/// MLIR.
pub(super) fn dense(ty: &MemRefType, values: &[InitValue]) -> Option<String> {
    let n = usize::try_from(ty.elements()).ok()?;
    if values.len() != n {
        return None;
    }
    if n == 0 {
        // MLIR prints nothing between the brackets of a dense attribute without elements.
        return Some("dense<>".into());
    }
    let elems: Vec<(u64, usize, String)> = init_bits(values, ty.elem())
        .ok()?
        .into_iter()
        .map(|b| element(ty.elem(), b))
        .collect::<Option<_>>()?;
    if elems.iter().all(|e| e.0 == elems[0].0) {
        return Some(format!("dense<{}>", elems[0].2));
    }
    if n > HEX_ABOVE {
        let mut s = String::with_capacity(10 + 2 * n * elems[0].1);
        s.push_str("dense<\"0x");
        for (bits, bytes, _) in &elems {
            for k in 0..*bytes {
                let _ = write!(s, "{:02X}", (bits >> (8 * k)) & 0xFF);
            }
        }
        s.push_str("\">");
        return Some(s);
    }
    let mut s = String::from("dense<");
    nested(&mut s, ty.shape(), &elems);
    s.push('>');
    Some(s)
}

/// `[a, b, …]` of `elems` by `shape`, outermost first.
fn nested(s: &mut String, shape: &[u32], elems: &[(u64, usize, String)]) {
    let Some((&outer, inner)) = shape.split_first() else {
        if let Some(e) = elems.first() {
            s.push_str(&e.2);
        }
        return;
    };
    let step = elems.len() / (outer.max(1) as usize);
    s.push('[');
    for k in 0..outer as usize {
        if k > 0 {
            s.push_str(", ");
        }
        nested(s, inner, &elems[k * step..(k + 1) * step]);
    }
    s.push(']');
}
