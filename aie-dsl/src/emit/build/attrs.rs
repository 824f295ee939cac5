//! Attributes and types: integers, strings, symbols, element and memref types, dense initial
//! values, and the `aie` dialect's attributes and types, which MLIR holds as opaque ones.

use melior::ir::attribute::{
    BoolAttribute, DenseElementsAttribute, FlatSymbolRefAttribute, FloatAttribute,
    IntegerAttribute, StringAttribute,
};
use melior::ir::r#type::{IntegerType, MemRefType as MlirMemRef};
use melior::ir::{Attribute, Identifier, Type};
use melior::{Context, StringRef};

use super::ModuleBuilder;
use crate::emit::EmitError;
use crate::types::{ArgType, ElemType, MemRefType, ScalarType};

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
        values: &[i64],
    ) -> Result<Attribute<'c>, EmitError> {
        let et = self.elem(ty.elem());
        let elems: Vec<Attribute<'c>> = values
            .iter()
            .map(|&v| match ty.elem() {
                ElemType::F32 | ElemType::Bf16 => {
                    FloatAttribute::new(self.ctx, et, v as f64).into()
                }
                _ => IntegerAttribute::new(et, v).into(),
            })
            .collect();
        DenseElementsAttribute::new(self.memref(ty), &elems)
            .map(Into::into)
            .map_err(|e| EmitError::Build(format!("initial value of type {ty}: {e}")))
    }
}
