//! Value types a design talks about: FIFO elements, kernel arguments, host buffers.

use std::fmt;

mod init;
pub use init::{init_bits, InitValue, InitValueError};

/// An element type of a memref (FIFO objects, buffers, host buffers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemType {
    /// Signed 8-bit integer (`i8`).
    I8,
    /// Unsigned 8-bit integer (`ui8`).
    U8,
    /// 16-bit integer (`i16`).
    I16,
    /// 32-bit integer (`i32`).
    I32,
    /// bfloat16 (`bf16`).
    Bf16,
    /// IEEE single (`f32`).
    F32,
}

impl ElemType {
    /// Size in bytes.
    pub fn bytes(self) -> u32 {
        match self {
            ElemType::I8 | ElemType::U8 => 1,
            ElemType::I16 | ElemType::Bf16 => 2,
            ElemType::I32 | ElemType::F32 => 4,
        }
    }

    /// Spelling in MLIR.
    pub fn mlir(self) -> &'static str {
        match self {
            ElemType::I8 => "i8",
            ElemType::U8 => "ui8",
            ElemType::I16 => "i16",
            ElemType::I32 => "i32",
            ElemType::Bf16 => "bf16",
            ElemType::F32 => "f32",
        }
    }
}

impl fmt::Display for ElemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mlir())
    }
}

/// A statically shaped memref: `memref<16x64xbf16>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MemRefType {
    shape: Vec<u32>,
    elem: ElemType,
}

impl MemRefType {
    /// A memref of `shape` (outermost first) and element type `elem`.
    ///
    /// ```
    /// use aie_dsl::types::{ElemType, MemRefType};
    /// let t = MemRefType::new([16, 64], ElemType::Bf16);
    /// assert_eq!(t.to_string(), "memref<16x64xbf16>");
    /// assert_eq!(t.bytes(), 2048);
    /// ```
    pub fn new(shape: impl Into<Vec<u32>>, elem: ElemType) -> Self {
        MemRefType {
            shape: shape.into(),
            elem,
        }
    }

    /// A one-dimensional memref of `len` elements.
    pub fn vector(len: u32, elem: ElemType) -> Self {
        MemRefType::new([len], elem)
    }

    /// The shape, outermost dimension first.
    pub fn shape(&self) -> &[u32] {
        &self.shape
    }

    /// The element type.
    pub fn elem(&self) -> ElemType {
        self.elem
    }

    /// Number of elements (1 for a rank-0 memref), saturating at `u64::MAX` (see
    /// [`MemRefType::checked_bytes`]).
    pub fn elements(&self) -> u64 {
        self.shape
            .iter()
            .fold(1u64, |n, &d| n.saturating_mul(u64::from(d)))
    }

    /// Size in bytes, saturating at `u64::MAX`: a type too large to count is larger than any
    /// memory, so size checks reject it rather than see a wrapped-around small size.
    pub fn bytes(&self) -> u64 {
        self.checked_bytes().unwrap_or(u64::MAX)
    }

    /// Size in bytes, or `None` if it does not fit in a `u64`.
    pub fn checked_bytes(&self) -> Option<u64> {
        self.shape
            .iter()
            .try_fold(u64::from(self.elem.bytes()), |n, &d| {
                n.checked_mul(u64::from(d))
            })
    }
}

impl fmt::Display for MemRefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("memref<")?;
        for d in &self.shape {
            write!(f, "{d}x")?;
        }
        write!(f, "{}>", self.elem)
    }
}

/// A scalar kernel argument type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `f32`
    F32,
    /// `bf16`
    Bf16,
}

impl ScalarType {
    /// Spelling in MLIR.
    pub fn mlir(self) -> &'static str {
        match self {
            ScalarType::I8 => "i8",
            ScalarType::I16 => "i16",
            ScalarType::I32 => "i32",
            ScalarType::F32 => "f32",
            ScalarType::Bf16 => "bf16",
        }
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mlir())
    }
}

/// The type of one kernel argument.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// A memref (passed to C++ as a bare pointer).
    MemRef(MemRefType),
    /// A scalar passed by value.
    Scalar(ScalarType),
}

impl From<MemRefType> for ArgType {
    fn from(t: MemRefType) -> Self {
        ArgType::MemRef(t)
    }
}

impl From<&MemRefType> for ArgType {
    fn from(t: &MemRefType) -> Self {
        ArgType::MemRef(t.clone())
    }
}

impl From<ScalarType> for ArgType {
    fn from(t: ScalarType) -> Self {
        ArgType::Scalar(t)
    }
}

impl fmt::Display for ArgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgType::MemRef(m) => m.fmt(f),
            ArgType::Scalar(s) => s.fmt(f),
        }
    }
}

/// A bfloat16 value (the `half` crate's): the element type of typed FIFOs and kernel signatures
/// (`[bf16; 512]`) and the type of bf16 kernel constants.
pub use half::bf16;

/// A scalar constant passed to a kernel. Two constants are equal when they are the same value of
/// the same type bit for bit (so a NaN equals itself and -0.0 differs from 0.0), as MLIR uniques
/// constant attributes.
#[derive(Clone, Copy, Debug)]
pub enum Scalar {
    /// An `i8` constant.
    I8(i8),
    /// An `i16` constant.
    I16(i16),
    /// An `i32` constant.
    I32(i32),
    /// An `f32` constant.
    F32(f32),
    /// A `bf16` constant, given by its bit pattern (the upper half of the f32 pattern).
    Bf16(u16),
}

impl PartialEq for Scalar {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Scalar::I8(a), Scalar::I8(b)) => a == b,
            (Scalar::I16(a), Scalar::I16(b)) => a == b,
            (Scalar::I32(a), Scalar::I32(b)) => a == b,
            (Scalar::F32(a), Scalar::F32(b)) => a.to_bits() == b.to_bits(),
            (Scalar::Bf16(a), Scalar::Bf16(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Scalar {}

impl Scalar {
    /// A bf16 constant rounded (to nearest even) from an `f32`.
    pub fn bf16(v: f32) -> Self {
        Scalar::Bf16(bf16::from_f32(v).to_bits())
    }

    /// The type of this constant.
    pub fn ty(self) -> ScalarType {
        match self {
            Scalar::I8(_) => ScalarType::I8,
            Scalar::I16(_) => ScalarType::I16,
            Scalar::I32(_) => ScalarType::I32,
            Scalar::F32(_) => ScalarType::F32,
            Scalar::Bf16(_) => ScalarType::Bf16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memref_spelling_and_size() {
        let t = MemRefType::new([4, 8], ElemType::I16);
        assert_eq!(t.to_string(), "memref<4x8xi16>");
        assert_eq!(t.elements(), 32);
        assert_eq!(t.bytes(), 64);
        assert_eq!(
            MemRefType::vector(3, ElemType::U8).to_string(),
            "memref<3xui8>"
        );
    }

    #[test]
    fn bf16_rounds_to_nearest_even() {
        assert_eq!(Scalar::bf16(1.0), Scalar::Bf16(0x3F80));
        // 1 + 2^-8 lies exactly between two bf16 values; the even one (1.0) wins.
        assert_eq!(Scalar::bf16(1.0 + 1.0 / 256.0), Scalar::Bf16(0x3F80));
        assert_eq!(Scalar::bf16(-2.5), Scalar::Bf16(0xC020));
    }
}
