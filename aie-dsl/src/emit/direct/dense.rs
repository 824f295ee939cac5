//! A buffer's initial values as MLIR prints the dense elements attribute the physical module
//! gives it (`dense<…>`; `printDenseElementsAttr` in mlir/lib/IR/AsmPrinter.cpp): one value when
//! all are equal, the raw little-endian bytes in hexadecimal when there are more than a hundred,
//! nested lists by the shape otherwise.

use std::fmt::Write as _;

use super::float::{bf16_text, f32_text};
use crate::types::{ElemType, MemRefType};

/// More elements than this print as hexadecimal bytes.
const HEX_ABOVE: usize = 100;

/// One element: its bits and bytes as stored, and its text. An integer is cut to the element's
/// width, as MLIR's integer attribute keeps it (printed signed, `ui8` unsigned); `None` when a
/// float type does not hold the value exactly (the MLIR path then decides what it becomes).
fn element(e: ElemType, v: i64) -> Option<(u64, usize, String)> {
    Some(match e {
        ElemType::I8 => (u64::from(v as u8), 1, (v as i8).to_string()),
        ElemType::U8 => (u64::from(v as u8), 1, (v as u8).to_string()),
        ElemType::I16 => (u64::from(v as u16), 2, (v as i16).to_string()),
        ElemType::I32 => (u64::from(v as u32), 4, (v as i32).to_string()),
        ElemType::F32 => {
            let f = v as f32;
            if f as i64 != v {
                return None;
            }
            (u64::from(f.to_bits()), 4, f32_text(f)?)
        }
        ElemType::Bf16 => {
            let f = v as f32;
            let bits = f.to_bits();
            if f as i64 != v || bits & 0xFFFF != 0 {
                return None;
            }
            let b = (bits >> 16) as u16;
            (u64::from(b), 2, bf16_text(b)?)
        }
    })
}

/// `dense<…>` of `values` for a buffer of type `ty`, or `None` where this file leaves it to
/// MLIR.
pub(super) fn dense(ty: &MemRefType, values: &[i64]) -> Option<String> {
    let n = usize::try_from(ty.elements()).ok()?;
    if values.len() != n {
        return None;
    }
    if n == 0 {
        // MLIR prints nothing between the brackets of a dense attribute without elements.
        return Some("dense<>".into());
    }
    let elems: Vec<(u64, usize, String)> = values
        .iter()
        .map(|&v| element(ty.elem(), v))
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
