//! Attributes and types: integers, strings, symbols, element and memref types, dense initial
//! values, and the `aie` dialect's attributes and types, which MLIR holds as opaque ones.

use melior::ir::attribute::{
    BoolAttribute, FlatSymbolRefAttribute, IntegerAttribute, StringAttribute,
};
use melior::ir::r#type::{IntegerType, MemRefType as MlirMemRef};
use melior::ir::{Attribute, Identifier, Type, TypeLike};
use melior::{Context, StringRef};

use super::ModuleBuilder;
use crate::emit::EmitError;
use crate::types::{init_bits, ArgType, ElemType, InitValue, MemRefType, ScalarType};

/// An opaque attribute of the `aie` dialect, e.g. `#aie<bd_dim_layout_array[]>`.
pub(in crate::emit) fn aie_attr<'c>(ctx: &'c Context, data: &str) -> Attribute<'c> {
    let ns = StringRef::new("aie");
    // SAFETY: the context outlives the returned attribute; MLIR copies the data.
    unsafe {
        Attribute::from_raw(mlir_sys::mlirOpaqueAttrGet(
            ctx.to_raw(),
            ns.to_raw(),
            data.len() as isize,
            data.as_ptr().cast(),
            mlir_sys::mlirNoneTypeGet(ctx.to_raw()),
        ))
    }
}

/// An opaque type of the `aie` dialect, e.g. `!aie.objectfifo<memref<16xi32>>`.
pub(in crate::emit) fn aie_type<'c>(ctx: &'c Context, data: &str) -> Type<'c> {
    let ns = StringRef::new("aie");
    let data = StringRef::new(data);
    // SAFETY: as above.
    unsafe {
        Type::from_raw(mlir_sys::mlirOpaqueTypeGet(
            ctx.to_raw(),
            ns.to_raw(),
            data.to_raw(),
        ))
    }
}

impl<'c> ModuleBuilder<'c, '_> {
    pub(in crate::emit) fn id(&self, name: &str) -> Identifier<'c> {
        Identifier::new(self.ctx, name)
    }

    pub(in crate::emit) fn i8(&self, v: u8) -> Attribute<'c> {
        IntegerAttribute::new(IntegerType::new(self.ctx, 8).into(), i64::from(v)).into()
    }

    pub(in crate::emit) fn i32(&self, v: i64) -> Attribute<'c> {
        IntegerAttribute::new(IntegerType::new(self.ctx, 32).into(), v).into()
    }

    pub(in crate::emit) fn i64(&self, v: i64) -> Attribute<'c> {
        IntegerAttribute::new(IntegerType::new(self.ctx, 64).into(), v).into()
    }

    pub(in crate::emit) fn str(&self, s: &str) -> Attribute<'c> {
        StringAttribute::new(self.ctx, s).into()
    }

    pub(in crate::emit) fn sym(&self, s: &str) -> Attribute<'c> {
        FlatSymbolRefAttribute::new(self.ctx, s).into()
    }

    pub(in crate::emit) fn bool(&self, b: bool) -> Attribute<'c> {
        BoolAttribute::new(self.ctx, b).into()
    }

    pub(in crate::emit) fn index(&self) -> Type<'c> {
        Type::index(self.ctx)
    }

    pub(in crate::emit) fn elem(&self, e: ElemType) -> Type<'c> {
        match e {
            ElemType::I8 => IntegerType::new(self.ctx, 8).into(),
            ElemType::U8 => IntegerType::unsigned(self.ctx, 8).into(),
            ElemType::I16 => IntegerType::new(self.ctx, 16).into(),
            ElemType::I32 => IntegerType::new(self.ctx, 32).into(),
            ElemType::Bf16 => Type::bfloat16(self.ctx),
            ElemType::F32 => Type::float32(self.ctx),
        }
    }

    pub(in crate::emit) fn scalar(&self, s: ScalarType) -> Type<'c> {
        match s {
            ScalarType::I8 => IntegerType::new(self.ctx, 8).into(),
            ScalarType::I16 => IntegerType::new(self.ctx, 16).into(),
            ScalarType::I32 => IntegerType::new(self.ctx, 32).into(),
            ScalarType::F32 => Type::float32(self.ctx),
            ScalarType::Bf16 => Type::bfloat16(self.ctx),
        }
    }

    pub(in crate::emit) fn memref(&self, m: &MemRefType) -> Type<'c> {
        let shape: Vec<i64> = m.shape().iter().map(|&d| i64::from(d)).collect();
        MlirMemRef::new(self.elem(m.elem()), &shape, None, None).into()
    }

    pub(in crate::emit) fn arg_type(&self, a: &ArgType) -> Type<'c> {
        match a {
            ArgType::MemRef(m) => self.memref(m),
            ArgType::Scalar(s) => self.scalar(*s),
        }
    }

    /// `dense<[…]> : memref<…>` for initial values.
    pub(in crate::emit) fn dense(
        &self,
        ty: &MemRefType,
        values: &[InitValue],
    ) -> Result<Attribute<'c>, EmitError> {
        dense_attr(self.memref(ty), ty, values)
            .map_err(|e| EmitError::Build(format!("initial value of type {ty}: {e}")))
    }
}

/// The dense elements attribute of `values` as elements of `ty` (its element type and count),
/// with the shaped type `shaped` (a memref or tensor of `ty`'s shape and element type).
///
/// MLIR gets each element's bit pattern ([`crate::types::init_bits`]) through its typed C API
/// (`mlirDenseElementsAttrFloatGet`, `…BFloat16Get`, `…Int8Get`…), which copies the bits as
/// they are: nothing is rounded on the way, NaN payloads included.
///
/// # Errors
/// A sentence saying which value does not fit, or that the count or shape is wrong.
pub(crate) fn dense_attr<'c>(
    shaped: Type<'c>,
    ty: &MemRefType,
    values: &[InitValue],
) -> Result<Attribute<'c>, String> {
    if u64::try_from(values.len()).ok() != Some(ty.elements()) {
        return Err(format!(
            "{} values for {} elements",
            values.len(),
            ty.elements()
        ));
    }
    let bits = init_bits(values, ty.elem()).map_err(|(i, e)| format!("element {i}: {e}"))?;
    let n = isize::try_from(bits.len()).map_err(|_| "too many elements".to_string())?;
    let raw = shaped.to_raw();
    // SAFETY: `shaped` is a static shaped type of `n` elements of `ty.elem()` (checked above and
    // by the callers, which build it from `ty`), the element vectors below have `n` entries of
    // the C type MLIR reads for that element type, and MLIR copies them before returning.
    let attr = unsafe {
        match ty.elem() {
            ElemType::I8 => {
                let v: Vec<i8> = bits.iter().map(|&b| b as u8 as i8).collect();
                mlir_sys::mlirDenseElementsAttrInt8Get(raw, n, v.as_ptr())
            }
            ElemType::U8 => {
                let v: Vec<u8> = bits.iter().map(|&b| b as u8).collect();
                mlir_sys::mlirDenseElementsAttrUInt8Get(raw, n, v.as_ptr())
            }
            ElemType::I16 => {
                let v: Vec<i16> = bits.iter().map(|&b| b as u16 as i16).collect();
                mlir_sys::mlirDenseElementsAttrInt16Get(raw, n, v.as_ptr())
            }
            ElemType::I32 => {
                let v: Vec<i32> = bits.iter().map(|&b| b as i32).collect();
                mlir_sys::mlirDenseElementsAttrInt32Get(raw, n, v.as_ptr())
            }
            ElemType::F32 => {
                let v: Vec<f32> = bits.iter().map(|&b| f32::from_bits(b)).collect();
                mlir_sys::mlirDenseElementsAttrFloatGet(raw, n, v.as_ptr())
            }
            ElemType::Bf16 => {
                let v: Vec<u16> = bits.iter().map(|&b| b as u16).collect();
                mlir_sys::mlirDenseElementsAttrBFloat16Get(raw, n, v.as_ptr())
            }
        }
    };
    if attr.ptr.is_null() {
        return Err("MLIR made no attribute".into());
    }
    // SAFETY: a non-null attribute owned by the context `shaped` lives in.
    Ok(unsafe { Attribute::from_raw(attr) })
}
