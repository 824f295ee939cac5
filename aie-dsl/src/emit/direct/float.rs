//! MLIR's text of a floating-point constant (`1.000000e+00 : f32`), for the kernel constants of
//! the cores.
//!
//! MLIR prints a float attribute (`printFloatValue` in mlir/lib/IR/AsmPrinter.cpp) in
//! scientific notation with six digits after the point when that text reads back as the same
//! value, in APFloat's default notation when not, and infinities and NaNs as their bits in
//! hexadecimal. The scientific text is APFloat's `toString(Str, 6, 0, false)`
//! (llvm/lib/Support/APFloat.cpp): the exact decimal value of the number, first cut to the
//! number of digits its bit length allows for six digits (truncating), then rounded half up to
//! six significant digits, then written `d.dddddde±XX` with zeros filling the six places. The
//! default notation (`toString(Str)`) keeps the number's natural precision (nine digits for
//! f32, four for bf16) and writes it plainly when that needs at most three padding zeros
//! (`0.333333343`), in scientific form otherwise (`1.17549435E-38`); MLIR prints the bits in
//! hexadecimal instead when that text has no decimal point (`16777216` → `0x4B800000`). This
//! file does all of that exactly, with a small multi-word integer for the exact decimal value;
//! a NaN constant prints as its bits with the quiet bit set (the attribute is made from the
//! value as a double, which quiets it and keeps its payload). No bf16 value's read-back is a
//! rounding tie (tests/init_values.rs writes all 65 536 directly). Initial values print NaNs
//! themselves (emit/direct/dense.rs: their bits, exactly as given).

/// Digits of precision MLIR asks APFloat for.
const PRECISION: u32 = 6;

/// A non-negative integer in 32-bit words, least significant first.
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Self {
        Big(vec![v as u32, (v >> 32) as u32])
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    fn bits(&self) -> u32 {
        for (i, &w) in self.0.iter().enumerate().rev() {
            if w != 0 {
                return 32 * i as u32 + (32 - w.leading_zeros());
            }
        }
        0
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for w in &mut self.0 {
            let v = u64::from(*w) * u64::from(m) + carry;
            *w = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    fn shl(&mut self, n: u32) {
        for _ in 0..n / 32 {
            self.0.insert(0, 0);
        }
        let r = n % 32;
        if r != 0 {
            let mut carry = 0u32;
            for w in &mut self.0 {
                let v = (*w << r) | carry;
                carry = *w >> (32 - r);
                *w = v;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
    }

    /// Divides by `d` in place; returns the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for w in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*w);
            *w = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        rem as u32
    }
}

/// The decimal digits (least significant first, no trailing zeros) and decimal exponent APFloat
/// keeps of the finite non-zero number `significand × 2^exp` for `precision` digits: the exact
/// value cut to the digits the precision needs (truncating), then rounded half up.
fn digits(significand: u64, mut exp: i32, precision: u32) -> (Vec<u8>, i32) {
    let tz = significand.trailing_zeros();
    let significand = significand >> tz;
    exp += tz as i32;
    let mut big = Big::from_u64(significand);
    if exp > 0 {
        big.shl(exp as u32);
        exp = 0;
    } else {
        for _ in 0..exp.unsigned_abs() {
            big.mul_small(5);
        }
    }
    // Cut to the digits the precision needs (APFloat's `AdjustToPrecision` on the integer).
    let bits = big.bits();
    let required = (precision * 196).div_ceil(59);
    if bits > required {
        let tens = (bits - required) * 59 / 196;
        exp += tens as i32;
        for _ in 0..tens {
            big.div_small(10);
        }
    }
    // Decimal digits, least significant first, trailing zeros dropped into the exponent.
    let mut digits: Vec<u8> = Vec::new();
    while !big.is_zero() {
        let d = big.div_small(10) as u8;
        if digits.is_empty() && d == 0 {
            exp += 1;
        } else {
            digits.push(d);
        }
    }
    // Round half up to the precision (APFloat's `AdjustToPrecision` on the digits).
    let n = digits.len();
    let p = precision as usize;
    if n > p {
        let mut first = n - p;
        if digits[first - 1] < 5 {
            while first < n && digits[first] == 0 {
                first += 1;
            }
            exp += first as i32;
            digits.drain(..first);
        } else {
            // Add one with carry; the nines carried through become dropped zeros.
            let mut nines = 0;
            for d in &mut digits[first..] {
                if *d == 9 {
                    nines += 1;
                } else {
                    *d += 1;
                    break;
                }
            }
            first += nines;
            exp += first as i32;
            if first == n {
                digits = vec![1];
            } else {
                digits.drain(..first);
            }
        }
    }
    (digits, exp)
}

/// Appends the exponent of the scientific form: `e+05` (at least two digits) or `E5`.
fn push_exponent(s: &mut String, exp: i32, lower: bool) {
    s.push(if lower { 'e' } else { 'E' });
    s.push(if exp >= 0 { '+' } else { '-' });
    if lower {
        s.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else {
        s.push_str(&exp.unsigned_abs().to_string());
    }
}

/// APFloat's `toString(Str, 6, 0, false)` of the finite non-zero number `significand ×
/// 2^exp`, without the sign: `d.dddddde±XX`.
pub(crate) fn scientific(significand: u64, exp: i32) -> String {
    let (digits, mut exp) = digits(significand, exp, PRECISION);
    let n = digits.len();
    exp += n as i32 - 1;
    let mut s = String::with_capacity(16);
    s.push(char::from(b'0' + digits[n - 1]));
    s.push('.');
    for i in 1..n {
        s.push(char::from(b'0' + digits[n - 1 - i]));
    }
    for _ in 0..(PRECISION as usize + 1).saturating_sub(n) {
        s.push('0');
    }
    push_exponent(&mut s, exp, true);
    s
}

/// APFloat's default `toString(Str)` (the number's natural precision, up to three padding
/// zeros, trailing zeros dropped) of the finite non-zero number `significand × 2^exp` of a
/// format with `bits` bits of precision, without the sign.
fn natural(significand: u64, exp: i32, bits: u32) -> String {
    let precision = 2 + bits * 59 / 196;
    let (digits, mut exp) = digits(significand, exp, precision);
    let n = digits.len();
    const PADDING: i32 = 3;
    let scientific = if exp >= 0 {
        exp > PADDING || n as i32 + exp > precision as i32
    } else {
        let msd = exp + n as i32 - 1;
        msd < 0 && -msd > PADDING
    };
    let digit = |i: usize| char::from(b'0' + digits[n - 1 - i]);
    let mut s = String::with_capacity(24);
    if scientific {
        exp += n as i32 - 1;
        s.push(digit(0));
        s.push('.');
        if n == 1 {
            s.push('0');
        }
        for i in 1..n {
            s.push(digit(i));
        }
        push_exponent(&mut s, exp, false);
    } else if exp >= 0 {
        for i in 0..n {
            s.push(digit(i));
        }
        for _ in 0..exp {
            s.push('0');
        }
    } else {
        let whole = exp + n as i32;
        let mut i = 0;
        if whole > 0 {
            while i < whole as usize {
                s.push(digit(i));
                i += 1;
            }
            s.push('.');
        } else {
            s.push_str("0.");
            for _ in 0..-whole {
                s.push('0');
            }
        }
        while i < n {
            s.push(digit(i));
            i += 1;
        }
    }
    s
}

/// What MLIR prints when the scientific form does not read back: APFloat's default form when it
/// has a decimal point, the bits in hexadecimal otherwise.
fn other_form(sign: &str, significand: u64, exp: i32, bits: u32, raw: u32) -> String {
    let text = natural(significand, exp, bits);
    if text.contains('.') {
        format!("{sign}{text}")
    } else {
        format!("0x{raw:X}")
    }
}

/// MLIR's text of the `f32` constant `v` (always `Some`). A NaN prints as its bits with the
/// quiet bit set: the attribute is made from the value converted to a double, which quiets it
/// and keeps its payload.
pub(super) fn f32_text(v: f32) -> Option<String> {
    let bits = v.to_bits();
    let sign = if bits >> 31 == 1 { "-" } else { "" };
    let e = (bits >> 23) & 0xFF;
    let m = u64::from(bits & 0x7F_FFFF);
    let (significand, exp) = match (e, m) {
        (0xFF, 0) => return Some(format!("0x{bits:X}")),
        (0xFF, _) => return Some(format!("0x{:X}", bits | 0x0040_0000)),
        (0, 0) => return Some(format!("{sign}0.000000e+00")),
        (0, _) => (m, -126 - 23),
        _ => (m | 1 << 23, e as i32 - 127 - 23),
    };
    let text = format!("{sign}{}", scientific(significand, exp));
    if text.parse::<f32>().ok()?.to_bits() == bits {
        Some(text)
    } else {
        Some(other_form(sign, significand, exp, 24, bits))
    }
}

/// MLIR's text of the `bf16` constant of bits `bits` (a NaN quiet, as for `f32`). `None` where
/// the read-back would be a rounding tie, which cannot happen: six digits are within 5e-6 of
/// the value, a bf16's rounding interval at least 2e-3 of it (a unit test checks every bf16).
pub(super) fn bf16_text(bits: u16) -> Option<String> {
    let sign = if bits >> 15 == 1 { "-" } else { "" };
    let e = (bits >> 7) & 0xFF;
    let m = u64::from(bits & 0x7F);
    let (significand, exp) = match (e, m) {
        (0xFF, 0) => return Some(format!("0x{bits:X}")),
        (0xFF, _) => return Some(format!("0x{:X}", bits | 0x0040)),
        (0, 0) => return Some(format!("{sign}0.000000e+00")),
        (0, _) => (m, -126 - 7),
        _ => (m | 1 << 7, i32::from(e) - 127 - 7),
    };
    let text = format!("{sign}{}", scientific(significand, exp));
    // Reads back as the same bf16 when the text's value lies strictly inside the interval of
    // values that round to it; the value parsed as f64 (rounded correctly, monotonic) tells,
    // unless it falls on an end of the interval.
    let v = text.parse::<f64>().ok()?.abs();
    let mag = bits & 0x7FFF;
    let at = |b: u16| f64::from(f32::from_bits(u32::from(b) << 16));
    let x = at(mag);
    let below = at(mag - 1);
    let above = if mag + 1 >= 0x7F80 {
        x + (x - below)
    } else {
        at(mag + 1)
    };
    let (lo, hi) = ((below + x) / 2.0, (x + above) / 2.0);
    if v > lo && v < hi {
        Some(text)
    } else if v < lo || v > hi {
        Some(other_form(sign, significand, exp, 8, u32::from(bits)))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{bf16_text, f32_text};

    #[test]
    fn texts_mlir_prints() {
        // As MLIR prints them (mlir/test/IR/attribute.mlir and everyday output).
        assert_eq!(f32_text(1.0).as_deref(), Some("1.000000e+00"));
        assert_eq!(f32_text(0.0).as_deref(), Some("0.000000e+00"));
        assert_eq!(f32_text(-0.0).as_deref(), Some("-0.000000e+00"));
        assert_eq!(f32_text(-2.5).as_deref(), Some("-2.500000e+00"));
        assert_eq!(f32_text(0.1).as_deref(), Some("1.000000e-01"));
        assert_eq!(f32_text(1024.0).as_deref(), Some("1.024000e+03"));
        assert_eq!(f32_text(f32::INFINITY).as_deref(), Some("0x7F800000"));
        assert_eq!(f32_text(f32::NEG_INFINITY).as_deref(), Some("0xFF800000"));
        // Needs more than six digits: APFloat's default notation, or hex for an integer.
        assert_eq!(f32_text(0.333_333_34).as_deref(), Some("0.333333343"));
        assert_eq!(f32_text(16_777_216.0).as_deref(), Some("0x4B800000"));
        assert_eq!(bf16_text(0x3F80).as_deref(), Some("1.000000e+00"));
        assert_eq!(bf16_text(0xBFC0).as_deref(), Some("-1.500000e+00"));
        // NaNs come out quiet, payload and sign kept.
        assert_eq!(f32_text(f32::NAN).as_deref(), Some("0x7FC00000"));
        assert_eq!(
            f32_text(f32::from_bits(0xFF80_0001)).as_deref(),
            Some("0xFFC00001")
        );
        assert_eq!(bf16_text(0x7F81).as_deref(), Some("0x7FC1"));
    }

    #[test]
    fn every_bf16_has_a_text() {
        for bits in 0..=u16::MAX {
            assert!(bf16_text(bits).is_some(), "{bits:#06x}");
        }
    }
}
