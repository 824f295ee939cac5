//! How LLVM's printer (llvm/lib/IR/AsmWriter.cpp, LLVM 22) spells the names and constants of a
//! core's module: global names (`@name` or `@"…"`), `float` and `bfloat` constants, and the
//! initializer of a buffer with initial values (arrays, nested arrays, `zeroinitializer`, `i8`
//! arrays as `c"…"` strings), as MLIR's translation of the lowered `memref.global` makes them.

use std::fmt::Write as _;

use crate::emit::direct::float::scientific;
use crate::types::{init_bits, ElemType, InitValue, MemRefType, Scalar};

/// `@name` as LLVM prints a global's name (`PrintLLVMName` / `printLLVMNameWithoutPrefix`):
/// bare when it does not start with a digit and holds only ASCII letters, digits and `-._`,
/// otherwise in quotes with [`escaped`] characters. `None` for the empty name, which no symbol
/// has.
pub(super) fn global_name(name: &str) -> Option<String> {
    let first = *name.as_bytes().first()?;
    let bare = !first.is_ascii_digit()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    Some(if bare {
        format!("@{name}")
    } else {
        let mut s = String::with_capacity(name.len() + 3);
        s.push_str("@\"");
        escaped(&mut s, name.as_bytes());
        s.push('"');
        s
    })
}

/// `llvm::printEscapedString`: a backslash doubled, printable ASCII but `"` as it is, every
/// other byte as `\XX` (two uppercase hexadecimal digits).
fn escaped(out: &mut String, bytes: &[u8]) {
    for &c in bytes {
        if c == b'\\' {
            out.push_str("\\\\");
        } else if (0x20..0x7F).contains(&c) && c != b'"' {
            out.push(char::from(c));
        } else {
            let _ = write!(out, "\\{c:02X}");
        }
    }
}

/// The text of a `float` constant (`WriteAPFloatInternal`): APFloat's six-digit scientific form
/// (`toString(Str, 6, 0, false)`) when it parses back, as a double, to the same value; otherwise
/// the bits of the value converted to a double, in hexadecimal (infinities and NaNs always; a
/// NaN's payload moves up with the conversion, signalling or not).
pub(super) fn float_text(v: f32) -> String {
    let bits = v.to_bits();
    let negative = bits >> 31 == 1;
    let e = (bits >> 23) & 0xFF;
    let m = u64::from(bits & 0x7F_FFFF);
    let finite = match (e, m) {
        (0xFF, _) => None,
        (0, 0) => Some(String::from(if negative {
            "-0.000000e+00"
        } else {
            "0.000000e+00"
        })),
        (0, _) => Some(scientific(m, -126 - 23)),
        _ => Some(scientific(m | 1 << 23, e as i32 - 127 - 23)),
    };
    if let Some(text) = finite {
        let text = if negative && !text.starts_with('-') {
            format!("-{text}")
        } else {
            text
        };
        if text.parse::<f64>().ok() == Some(f64::from(v)) {
            return text;
        }
    }
    // As a double: the exponent rebiased (a subnormal float is a normal double), the
    // significand moved up 29 bits; NaNs and infinities keep the all-ones exponent.
    let sign = u64::from(bits >> 31) << 63;
    let double = if e == 0xFF {
        sign | 0x7FF << 52 | m << 29
    } else {
        f64::from(v).to_bits()
    };
    format!("0x{double:X}")
}

/// A `bfloat` constant: always its bits, `0xR` and four uppercase hexadecimal digits.
fn bfloat_text(bits: u16) -> String {
    format!("0xR{bits:04X}")
}

/// A kernel's scalar argument as LLVM prints it after MLIR's lowering (`i32 7`, `bfloat
/// 0xR3F80`, `float 1.000000e+00`). A NaN reaches LLVM quiet: the attribute is made from the
/// value as a double, and that conversion sets the quiet bit and keeps the payload.
pub(super) fn scalar_value(s: Scalar) -> String {
    match s {
        Scalar::I8(v) => format!("i8 {v}"),
        Scalar::I16(v) => format!("i16 {v}"),
        Scalar::I32(v) => format!("i32 {v}"),
        Scalar::Bf16(bits) => format!("bfloat {}", bfloat_text(quiet_bf16(bits))),
        Scalar::F32(v) => format!("float {}", float_text(quiet_f32(v))),
    }
}

/// `v` with the quiet bit set when it is a NaN (what converting it to a double and back does).
fn quiet_f32(v: f32) -> f32 {
    if v.is_nan() {
        f32::from_bits(v.to_bits() | 0x0040_0000)
    } else {
        v
    }
}

/// The bf16 of bits `b` with the quiet bit set when it is a NaN.
fn quiet_bf16(b: u16) -> u16 {
    if b & 0x7FFF > 0x7F80 {
        b | 0x0040
    } else {
        b
    }
}

/// The LLVM type of an element.
pub(super) fn elem_type(e: ElemType) -> &'static str {
    match e {
        ElemType::I8 | ElemType::U8 => "i8",
        ElemType::I16 => "i16",
        ElemType::I32 => "i32",
        ElemType::Bf16 => "bfloat",
        ElemType::F32 => "float",
    }
}

/// The LLVM type of a memref: `[a x [b x T]]` of shape `a×b`, the element type itself for rank 0
/// (what `finalize-memref-to-llvm` makes a `memref.global` of).
pub(super) fn memref_type(m: &MemRefType) -> String {
    let mut t = elem_type(m.elem()).to_string();
    for d in m.shape().iter().rev() {
        t = format!("[{d} x {t}]");
    }
    t
}

/// One initial value, of bit pattern `bits` ([`init_bits`]: exactly what the standard module's
/// dense attribute holds), as LLVM prints it after the type: integers signed, a `float` by
/// [`float_text`] (a NaN's bits as they are, not quieted: no conversion through a double makes
/// the attribute), a `bfloat` by its bits.
fn init_element(e: ElemType, bits: u32) -> String {
    match e {
        ElemType::I8 | ElemType::U8 => (bits as u8 as i8).to_string(),
        ElemType::I16 => (bits as u16 as i16).to_string(),
        ElemType::I32 => (bits as i32).to_string(),
        ElemType::F32 => float_text(f32::from_bits(bits)),
        ElemType::Bf16 => bfloat_text(bits as u16),
    }
}

/// `T init` of a global holding `values` as a memref of type `ty` (row-major), as LLVM prints
/// MLIR's translation of it: a scalar for rank 0; for arrays, `zeroinitializer` where every
/// element is zero, an array of `i8` as `c"…"`, nested arrays by the shape. `None` when the
/// values do not fill the type or one does not fit it (neither passes validation).
pub(super) fn initializer(ty: &MemRefType, values: &[InitValue]) -> Option<String> {
    let n = usize::try_from(ty.elements()).ok()?;
    if values.len() != n {
        return None;
    }
    let e = ty.elem();
    let elems: Vec<(u64, String)> = init_bits(values, e)
        .ok()?
        .into_iter()
        .map(|b| (u64::from(b), init_element(e, b)))
        .collect();
    let mut out = String::with_capacity(16 + 16 * n);
    let shape = ty.shape();
    if shape.is_empty() {
        let (_, text) = elems.first()?;
        let _ = write!(out, "{} {text}", elem_type(e));
        return Some(out);
    }
    aggregate(&mut out, e, shape, &elems);
    Some(out)
}

/// `[n x T] […]` of `elems` by `shape` (outermost first), with its type.
fn aggregate(out: &mut String, e: ElemType, shape: &[u32], elems: &[(u64, String)]) {
    let ty = memref_type(&MemRefType::new(shape.to_vec(), e));
    out.push_str(&ty);
    out.push(' ');
    if elems.is_empty() || elems.iter().all(|(bits, _)| *bits == 0) {
        out.push_str("zeroinitializer");
        return;
    }
    let (&outer, inner) = match shape.split_first() {
        Some(s) => s,
        None => return,
    };
    if inner.is_empty() {
        if matches!(e, ElemType::I8 | ElemType::U8) {
            let bytes: Vec<u8> = elems.iter().map(|(bits, _)| *bits as u8).collect();
            out.push_str("c\"");
            escaped(out, &bytes);
            out.push('"');
            return;
        }
        out.push('[');
        for (k, (_, text)) in elems.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(elem_type(e));
            out.push(' ');
            out.push_str(text);
        }
        out.push(']');
        return;
    }
    let step = elems.len() / (outer.max(1) as usize);
    out.push('[');
    for k in 0..outer as usize {
        if k > 0 {
            out.push_str(", ");
        }
        aggregate(out, e, inner, &elems[k * step..(k + 1) * step]);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_llvm_quotes() {
        // As AsmWriter.cpp's printLLVMNameWithoutPrefix writes them.
        assert_eq!(global_name("of_in_buff_0").unwrap(), "@of_in_buff_0");
        assert_eq!(global_name("a.b-c").unwrap(), "@a.b-c");
        assert_eq!(global_name("0x").unwrap(), "@\"0x\"");
        assert_eq!(global_name("a b").unwrap(), "@\"a b\"");
        assert_eq!(global_name("q\"\\").unwrap(), "@\"q\\22\\\\\"");
        assert_eq!(global_name("é").unwrap(), "@\"\\C3\\A9\"");
        assert_eq!(global_name(""), None);
    }

    #[test]
    fn floats_llvm_prints() {
        assert_eq!(float_text(1.0), "1.000000e+00");
        assert_eq!(float_text(-0.0), "-0.000000e+00");
        assert_eq!(float_text(0.1), "0x3FB99999A0000000");
        // Seven digits: exact, but APFloat keeps six, so the text does not read back.
        assert_eq!(float_text(1_234_567.0), "0x4132D68700000000");
        assert_eq!(float_text(123_456.0), "1.234560e+05");
        assert_eq!(float_text(f32::INFINITY), "0x7FF0000000000000");
        assert_eq!(float_text(f32::NAN), "0x7FF8000000000000");
    }
}
