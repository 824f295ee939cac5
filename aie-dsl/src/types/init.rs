//! Initial values of placed buffers and ObjectFIFO objects (`buffer_init`, `init_values`).
//!
//! A value keeps the type it was written in ([`InitValue`]): an integer, an `f32`, a `bf16` or
//! an `f64` literal. It becomes the bit pattern of the element type it initialises only when it
//! is exactly representable there ([`InitValue::bits`]); nothing is rounded or wrapped silently.
//! Validation reports a value that does not fit, and every writer (the MLIR texts, the MLIR
//! module built through melior, the CDO's initial bytes) takes its bits from this one function.
//!
//! The rules, per element type:
//! * `i8`, `ui8`, `i16`, `i32`: integers within the type's range (`i8` is signed: -128..=127;
//!   use `ui8` for 0..=255). Floating-point values are refused.
//! * `f32`: integers that an `f32` holds exactly (every one up to 2^24 in magnitude, larger ones
//!   when they are multiples of a power of two), any `f32` and `bf16` value (a `bf16` widens
//!   exactly), and `f64` values that are exactly an `f32`.
//! * `bf16`: integers and `f32`/`f64` values that a `bf16` holds exactly (an `f32` whose lower
//!   16 bits are zero), any `bf16` value.
//!
//! NaNs, infinities, -0.0 and subnormals are values like any other: a `dense<…>` of floats holds
//! them (MLIR prints NaNs and infinities as their bits in hexadecimal), and their bits are kept
//! exactly, NaN payloads included. An `f64` NaN fits when its payload survives the narrowing
//! (e.g. `f64::NAN`, the quiet NaN with an empty payload, is the `f32` NaN `0x7FC00000`).

use std::fmt;

use super::{bf16, ElemType, Scalar};

/// One initial value of a buffer or FIFO object element, in the type it was written in.
///
/// Integer and float literals convert with `into()`: `FifoSpec::init_values(vec![vec![1, 2]])`,
/// `vec![vec![0.5, -1.25]]` (`f64`, exact), `vec![vec![0.1f32]]`, `vec![vec![bf16::from_f32(0.1)]]`.
/// Equality compares bit patterns, so a NaN equals itself and `0.0 != -0.0`.
#[derive(Clone, Copy, Debug)]
pub enum InitValue {
    /// An integer (fits an integer type by range, a float type when it is exactly a value of it).
    Int(i64),
    /// An `f32` value.
    F32(f32),
    /// A `bf16` value.
    Bf16(bf16),
    /// An `f64` value (e.g. an unsuffixed float literal); must be exactly a value of the element
    /// type.
    F64(f64),
}

impl PartialEq for InitValue {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (InitValue::Int(a), InitValue::Int(b)) => a == b,
            (InitValue::F32(a), InitValue::F32(b)) => a.to_bits() == b.to_bits(),
            (InitValue::Bf16(a), InitValue::Bf16(b)) => a.to_bits() == b.to_bits(),
            (InitValue::F64(a), InitValue::F64(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl Eq for InitValue {}

impl std::hash::Hash for InitValue {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            InitValue::Int(v) => v.hash(state),
            InitValue::F32(v) => v.to_bits().hash(state),
            InitValue::Bf16(v) => v.to_bits().hash(state),
            InitValue::F64(v) => v.to_bits().hash(state),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for InitValue {
            fn from(v: $t) -> Self {
                InitValue::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, u8, i16, u16, i32, u32, i64);

impl From<f32> for InitValue {
    fn from(v: f32) -> Self {
        InitValue::F32(v)
    }
}

impl From<bf16> for InitValue {
    fn from(v: bf16) -> Self {
        InitValue::Bf16(v)
    }
}

impl From<f64> for InitValue {
    fn from(v: f64) -> Self {
        InitValue::F64(v)
    }
}

impl From<Scalar> for InitValue {
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::I8(v) => InitValue::Int(i64::from(v)),
            Scalar::I16(v) => InitValue::Int(i64::from(v)),
            Scalar::I32(v) => InitValue::Int(i64::from(v)),
            Scalar::F32(v) => InitValue::F32(v),
            Scalar::Bf16(b) => InitValue::Bf16(bf16::from_bits(b)),
        }
    }
}

impl fmt::Display for InitValue {
    /// The value as written, with its type where that matters: `3`, `0.1f32`, `bf16 1.5`,
    /// `0.1` (f64); NaNs with their bits (`f32 NaN 0x7FC00001`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InitValue::Int(v) => write!(f, "{v}"),
            InitValue::F32(v) if v.is_nan() => write!(f, "f32 NaN 0x{:08X}", v.to_bits()),
            InitValue::F32(v) => write!(f, "{v:?}f32"),
            InitValue::Bf16(v) if v.is_nan() => write!(f, "bf16 NaN 0x{:04X}", v.to_bits()),
            InitValue::Bf16(v) => write!(f, "bf16 {:?}", v.to_f32()),
            InitValue::F64(v) if v.is_nan() => write!(f, "f64 NaN 0x{:016X}", v.to_bits()),
            InitValue::F64(v) => write!(f, "{v:?}"),
        }
    }
}

/// Why an initial value does not fit its element type; the message says what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InitValueError {
    /// An integer outside the range of an integer element type.
    #[error("{value} is outside the range of {elem} ({min}..={max}); {hint}")]
    OutOfRange {
        /// The value.
        value: i64,
        /// The element type.
        elem: ElemType,
        /// Smallest value of the type.
        min: i64,
        /// Largest value of the type.
        max: i64,
        /// What to change.
        hint: &'static str,
    },
    /// A floating-point value for an integer element type.
    #[error("{value} is a floating-point value but the elements are {elem}; give integers, or make the element type f32 or bf16")]
    FloatForInteger {
        /// The value as written.
        value: InitValue,
        /// The element type.
        elem: ElemType,
    },
    /// A value the float element type does not hold exactly.
    #[error("{value} is not exactly representable in {elem} (the nearest {elem} value is {nearest}); write {suggestion}")]
    Inexact {
        /// The value as written.
        value: InitValue,
        /// The element type.
        elem: ElemType,
        /// The nearest value of the element type (rounded to nearest even), as written.
        nearest: String,
        /// How to write it.
        suggestion: String,
    },
}

impl InitValue {
    /// The bit pattern this value has as an element of type `elem` (in the low
    /// `elem.bytes()` bytes; two's complement for integers, IEEE-754 binary32 or bfloat16 for
    /// floats).
    ///
    /// # Errors
    /// [`InitValueError`] when `elem` does not hold the value exactly.
    pub fn bits(self, elem: ElemType) -> Result<u32, InitValueError> {
        match elem {
            ElemType::I8 => int_bits(self, elem, i64::from(i8::MIN), i64::from(i8::MAX)),
            ElemType::U8 => int_bits(self, elem, 0, i64::from(u8::MAX)),
            ElemType::I16 => int_bits(self, elem, i64::from(i16::MIN), i64::from(i16::MAX)),
            ElemType::I32 => int_bits(self, elem, i64::from(i32::MIN), i64::from(i32::MAX)),
            ElemType::F32 => self.f32_bits().ok_or_else(|| self.inexact(elem)),
            ElemType::Bf16 => match self {
                InitValue::Bf16(b) => Ok(u32::from(b.to_bits())),
                _ => match self.f32_bits() {
                    Some(bits) if bits & 0xFFFF == 0 => Ok(bits >> 16),
                    _ => Err(self.inexact(elem)),
                },
            },
        }
    }

    /// The `f32` bit pattern when the value is exactly an `f32`.
    fn f32_bits(self) -> Option<u32> {
        match self {
            InitValue::Int(v) => {
                let f = v as f32;
                // `f as i128` is exact for every finite f32 of this magnitude (below 2^64).
                (f as i128 == i128::from(v)).then(|| f.to_bits())
            }
            InitValue::F32(f) => Some(f.to_bits()),
            InitValue::Bf16(b) => Some(u32::from(b.to_bits()) << 16),
            InitValue::F64(x) => f64_to_f32_bits(x),
        }
    }

    /// The error for a value `elem` (f32 or bf16) does not hold exactly, with the nearest value
    /// and how to write it.
    fn inexact(self, elem: ElemType) -> InitValueError {
        let wide = match self {
            InitValue::Int(v) => v as f64,
            InitValue::F32(f) => f64::from(f),
            InitValue::Bf16(b) => f64::from(b.to_f32()),
            InitValue::F64(x) => x,
        };
        let (nearest, suggestion) = if elem == ElemType::Bf16 {
            let n = bf16::from_f64(wide);
            let shown = if n.is_nan() {
                format!("NaN 0x{:04X}", n.to_bits())
            } else {
                format!("{:?}", f64::from(n.to_f32()))
            };
            (
                shown,
                format!("the bf16 value, e.g. bf16::from_f64({wide:?}) to round to nearest even"),
            )
        } else {
            // Rounded once (an integer straight to f32, not through f64).
            let n = match self {
                InitValue::Int(v) => v as f32,
                _ => wide as f32,
            };
            let shown = if n.is_nan() {
                format!("NaN 0x{:08X}", n.to_bits())
            } else {
                format!("{:?}", f64::from(n))
            };
            (
                shown,
                format!("the f32 value, e.g. {n:?}f32 to round to nearest even"),
            )
        };
        let suggestion = if wide.is_nan() {
            // A NaN whose payload the narrower type cannot hold.
            format!(
                "a NaN whose payload {elem} holds, e.g. {}",
                if elem == ElemType::Bf16 {
                    "bf16::NAN"
                } else {
                    "f32::NAN"
                }
            )
        } else {
            suggestion
        };
        InitValueError::Inexact {
            value: self,
            elem,
            nearest,
            suggestion,
        }
    }
}

/// The bits of an integer element type's value.
fn int_bits(v: InitValue, elem: ElemType, min: i64, max: i64) -> Result<u32, InitValueError> {
    let InitValue::Int(v) = v else {
        return Err(InitValueError::FloatForInteger { value: v, elem });
    };
    if v < min || v > max {
        let hint = match elem {
            ElemType::I8 if (128..=255).contains(&v) => {
                "use ui8 for unsigned bytes, or write the value minus 256"
            }
            ElemType::U8 if (-128..0).contains(&v) => {
                "use i8 for signed bytes, or write the value plus 256"
            }
            _ => "give a value in range or a wider element type",
        };
        return Err(InitValueError::OutOfRange {
            value: v,
            elem,
            min,
            max,
            hint,
        });
    }
    // Two's complement, cut to the type's width (in range, so nothing is lost).
    let width = 8 * elem.bytes();
    Ok((v as u64 & ((1u64 << width) - 1)) as u32)
}

/// The `f32` bits of `x` when narrowing it to `f32` is exact: the same value, or a NaN whose
/// sign and payload fit (the payload's low 29 bits zero).
fn f64_to_f32_bits(x: f64) -> Option<u32> {
    if x.is_nan() {
        let b = x.to_bits();
        let mantissa = b & ((1u64 << 52) - 1);
        if mantissa & ((1u64 << 29) - 1) != 0 {
            return None;
        }
        let sign = ((b >> 63) as u32) << 31;
        return Some(sign | 0x7F80_0000 | (mantissa >> 29) as u32);
    }
    let f = x as f32;
    (f64::from(f).to_bits() == x.to_bits()).then(|| f.to_bits())
}

/// The bit patterns of `values` as elements of type `elem`, in order.
///
/// # Errors
/// The index of the first value that does not fit, and why.
pub fn init_bits(
    values: &[InitValue],
    elem: ElemType,
) -> Result<Vec<u32>, (usize, InitValueError)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| v.bits(elem).map_err(|e| (i, e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_by_range() {
        assert_eq!(InitValue::Int(-1).bits(ElemType::I8), Ok(0xFF));
        assert_eq!(InitValue::Int(255).bits(ElemType::U8), Ok(0xFF));
        assert!(InitValue::Int(128).bits(ElemType::I8).is_err());
        assert!(InitValue::Int(-1).bits(ElemType::U8).is_err());
        assert_eq!(InitValue::Int(-2).bits(ElemType::I16), Ok(0xFFFE));
        assert_eq!(
            InitValue::Int(i64::from(i32::MIN)).bits(ElemType::I32),
            Ok(0x8000_0000)
        );
        assert!(InitValue::Int(1 << 31).bits(ElemType::I32).is_err());
        assert!(InitValue::F32(1.0).bits(ElemType::I32).is_err());
    }

    #[test]
    fn floats_exactly_or_not_at_all() {
        assert_eq!(InitValue::Int(1 << 24).bits(ElemType::F32), Ok(0x4B80_0000));
        assert!(InitValue::Int((1 << 24) + 1).bits(ElemType::F32).is_err());
        assert!(InitValue::Int(i64::MAX).bits(ElemType::F32).is_err());
        assert_eq!(
            InitValue::Int(i64::MIN).bits(ElemType::F32),
            Ok(0xDF00_0000)
        );
        assert_eq!(InitValue::F64(0.5).bits(ElemType::Bf16), Ok(0x3F00));
        assert!(InitValue::F64(0.1).bits(ElemType::F32).is_err());
        assert_eq!(
            InitValue::F64(f64::NAN).bits(ElemType::F32),
            Ok(0x7FC0_0000)
        );
        assert_eq!(InitValue::F64(f64::NAN).bits(ElemType::Bf16), Ok(0x7FC0));
        assert_eq!(InitValue::F32(-0.0).bits(ElemType::Bf16), Ok(0x8000));
        assert!(InitValue::F32(f32::from_bits(0x7FC0_0001))
            .bits(ElemType::Bf16)
            .is_err());
        assert_eq!(
            InitValue::Bf16(bf16::from_bits(0x7F81)).bits(ElemType::F32),
            Ok(0x7F81_0000)
        );
    }
}
