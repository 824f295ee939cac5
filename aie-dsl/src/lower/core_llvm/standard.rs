//! One core's program as a module of upstream MLIR dialects (`func`, `scf`, `arith`, `memref`):
//! what mlir-aie's `aie-localize-locks`, `aie-standard-lowering{tilecol=C tilerow=R}` and
//! `aiex-standard-lowering` make of the physical design for that core (lib/Dialect/AIE/
//! Transforms/AIELocalizeLocks.cpp and AIECoreToStandard.cpp, lib/Dialect/AIEX/Transforms/
//! AIEXToStandard.cpp at 5ff2ab97d).
//!
//! The module holds, in this order:
//! - one `memref.global "public"` per buffer of the design, every tile's, in reverse IR order
//!   (the pass inserts each at the top of the module); only the core's own buffers keep their
//!   initial value, the others are external declarations;
//! - the AIE2 intrinsic declarations the pass always adds (`INTRINSICS` in `intrinsics.rs`);
//! - the kernel declarations, in design order;
//! - `func.func @core_C_R()`: the core body, with each `aie.use_lock` turned into a call of
//!   `llvm.aie2.acquire` / `llvm.aie2.release` on the lock's core-local index (its id plus the
//!   base of the memory window it is seen through), an acquire-greater-equal value negated, and
//!   each buffer operand read with `memref.get_global` (plus `memref.assume_alignment` 32, as the
//!   pass adds).
//!
//! Loops stay `scf.for` here: the pipeline that follows starts with `convert-scf-to-cf`, which is
//! what aiecc's resource-allocation pipeline ran on the core before mlir-aie's passes saw it.

use melior::ir::attribute::{
    FlatSymbolRefAttribute, IntegerAttribute, StringAttribute, TypeAttribute,
};
use melior::ir::operation::{OperationBuilder, OperationMutLike};
use melior::ir::r#type::{FunctionType, IntegerType, MemRefType as MlirMemRef};
use melior::ir::{
    Attribute, Block, BlockLike, BlockRef, Identifier, Location, Module, Region, RegionLike, Type,
    Value,
};
use melior::Context;

use super::intrinsics::{
    full_intrinsic_name, local_lock_index, IntrinsicType, ACQUIRE, INTRINSICS, RELEASE,
};
use super::CoreLlvmError;
use crate::ir::{Design, LockAction};
use crate::lower::core::{LArg, LStmt, PCore};
use crate::lower::physical::Physical;
use crate::types::{ArgType, ElemType, InitValue, MemRefType, Scalar, ScalarType};

/// Alignment `aie-standard-lowering` asserts for every buffer it reads.
const BUFFER_ALIGNMENT: i64 = 32;

/// Builds the standard-dialect module of one core.
pub(super) struct StdBuilder<'c, 'd> {
    ctx: &'c Context,
    loc: Location<'c>,
    design: &'d Design,
    phys: &'d Physical,
    core: &'d PCore,
    /// The core's coordinates.
    col: u32,
    row: u32,
}

impl<'c, 'd> StdBuilder<'c, 'd> {
    pub(super) fn new(
        ctx: &'c Context,
        design: &'d Design,
        phys: &'d Physical,
        core: &'d PCore,
        (col, row): (u32, u32),
    ) -> Self {
        StdBuilder {
            ctx,
            loc: Location::unknown(ctx),
            design,
            phys,
            core,
            col,
            row,
        }
    }

    fn op(&self, name: &str) -> OperationBuilder<'c> {
        OperationBuilder::new(name, self.loc)
    }

    fn attrs(&self, list: &[(&str, Attribute<'c>)]) -> Vec<(Identifier<'c>, Attribute<'c>)> {
        list.iter()
            .map(|(n, a)| (Identifier::new(self.ctx, n), *a))
            .collect()
    }

    fn str(&self, s: &str) -> Attribute<'c> {
        StringAttribute::new(self.ctx, s).into()
    }

    fn i32_type(&self) -> Type<'c> {
        IntegerType::new(self.ctx, 32).into()
    }

    fn elem(&self, e: ElemType) -> Type<'c> {
        match e {
            ElemType::I8 => IntegerType::new(self.ctx, 8).into(),
            ElemType::U8 => IntegerType::unsigned(self.ctx, 8).into(),
            ElemType::I16 => IntegerType::new(self.ctx, 16).into(),
            ElemType::I32 => IntegerType::new(self.ctx, 32).into(),
            ElemType::Bf16 => Type::bfloat16(self.ctx),
            ElemType::F32 => Type::float32(self.ctx),
        }
    }

    fn scalar(&self, s: ScalarType) -> Type<'c> {
        match s {
            ScalarType::I8 => IntegerType::new(self.ctx, 8).into(),
            ScalarType::I16 => IntegerType::new(self.ctx, 16).into(),
            ScalarType::I32 => IntegerType::new(self.ctx, 32).into(),
            ScalarType::F32 => Type::float32(self.ctx),
            ScalarType::Bf16 => Type::bfloat16(self.ctx),
        }
    }

    fn memref(&self, m: &MemRefType) -> MlirMemRef<'c> {
        let shape: Vec<i64> = m.shape().iter().map(|&d| i64::from(d)).collect();
        MlirMemRef::new(self.elem(m.elem()), &shape, None, None)
    }

    fn intrinsic_type(&self, t: IntrinsicType) -> Type<'c> {
        match t {
            IntrinsicType::I32 => self.i32_type(),
            IntrinsicType::Acc => Type::vector(&[16], self.i32_type()),
        }
    }

    /// The full name of an intrinsic (`llvm.aie2.acquire` when `prefixed`).
    fn intrinsic_name(&self, prefixed: bool, name: &str) -> String {
        full_intrinsic_name(self.design.device.core_arch(), prefixed, name)
    }

    /// A `func.func private` declaration.
    fn declare(
        &self,
        block: &BlockRef<'c, '_>,
        name: &str,
        inputs: &[Type<'c>],
        results: &[Type<'c>],
    ) -> Result<(), CoreLlvmError> {
        let fty = FunctionType::new(self.ctx, inputs, results);
        block.append_operation(
            self.op("func.func")
                .add_attributes(&self.attrs(&[
                    ("function_type", TypeAttribute::new(fty.into()).into()),
                    ("sym_name", self.str(name)),
                    ("sym_visibility", self.str("private")),
                ]))
                .add_regions([Region::new()])
                .build()?,
        );
        Ok(())
    }

    /// `dense<[…]>` of a buffer's initial values, read as the physical module writes them.
    fn dense(&self, ty: &MemRefType, values: &[InitValue]) -> Result<Attribute<'c>, CoreLlvmError> {
        let shaped: Type<'c> = melior::ir::r#type::RankedTensorType::new(
            &ty.shape().iter().map(|&d| u64::from(d)).collect::<Vec<_>>(),
            self.elem(ty.elem()),
            None,
        )
        .into();
        crate::emit::dense_attr(shaped, ty, values)
            .map_err(|e| CoreLlvmError::Build(format!("initial value of type {ty}: {e}")))
    }

    /// Builds the module.
    pub(super) fn build(&self) -> Result<Module<'c>, CoreLlvmError> {
        let mut module = Module::new(self.loc);
        module.as_operation_mut().set_attribute(
            "llvm.target_triple",
            self.str(self.design.device.core_arch()),
        );
        let top = module.body();

        // Buffers: each is put at the top of the module as the pass meets it, so the last one
        // comes first.
        for b in self.phys.buffers.iter().rev() {
            let mut attrs = vec![
                ("sym_name", self.str(&b.name)),
                ("sym_visibility", self.str("public")),
                ("type", TypeAttribute::new(self.memref(&b.ty).into()).into()),
            ];
            let own = self.design.coords(b.tile) == Some((self.col, self.row));
            if let (true, Some(init)) = (own, &b.init) {
                attrs.push(("initial_value", self.dense(&b.ty, init)?));
            }
            top.append_operation(
                self.op("memref.global")
                    .add_attributes(&self.attrs(&attrs))
                    .build()?,
            );
        }

        for i in &INTRINSICS {
            let args: Vec<Type<'c>> = i.args.iter().map(|&t| self.intrinsic_type(t)).collect();
            let results: Vec<Type<'c>> =
                i.results.iter().map(|&t| self.intrinsic_type(t)).collect();
            self.declare(
                &top,
                &self.intrinsic_name(i.prefixed, i.name),
                &args,
                &results,
            )?;
        }

        for (_, k) in self.design.kernels.iter() {
            let inputs: Vec<Type<'c>> = k
                .args
                .iter()
                .map(|a| match a {
                    ArgType::MemRef(m) => self.memref(m).into(),
                    ArgType::Scalar(s) => self.scalar(*s),
                })
                .collect();
            self.declare(&top, &k.symbol, &inputs, &[])?;
        }

        // The core function.
        let region = Region::new();
        let entry = region.append_block(Block::new(&[]));
        self.stmts(&entry, &self.core.body)?;
        entry.append_operation(self.op("func.return").build()?);
        let fty = FunctionType::new(self.ctx, &[], &[]);
        top.append_operation(
            self.op("func.func")
                .add_attributes(&self.attrs(&[
                    ("function_type", TypeAttribute::new(fty.into()).into()),
                    (
                        "sym_name",
                        self.str(&format!("core_{}_{}", self.col, self.row)),
                    ),
                ]))
                .add_regions([region])
                .build()?,
        );
        Ok(module)
    }

    fn constant<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        value: Attribute<'c>,
        ty: Type<'c>,
    ) -> Result<Value<'c, 'a>, CoreLlvmError> {
        let op = block.append_operation(
            self.op("arith.constant")
                .add_attributes(&self.attrs(&[("value", value)]))
                .add_results(&[ty])
                .build()?,
        );
        Ok(op.result(0)?.into())
    }

    fn index_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        v: u64,
    ) -> Result<Value<'c, 'a>, CoreLlvmError> {
        let v = i64::try_from(v)
            .map_err(|_| CoreLlvmError::Build(format!("loop bound {v} does not fit an index")))?;
        let index = Type::index(self.ctx);
        self.constant(block, IntegerAttribute::new(index, v).into(), index)
    }

    fn i32_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        v: i64,
    ) -> Result<Value<'c, 'a>, CoreLlvmError> {
        let t = self.i32_type();
        self.constant(block, IntegerAttribute::new(t, v).into(), t)
    }

    fn scalar_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        s: Scalar,
    ) -> Result<Value<'c, 'a>, CoreLlvmError> {
        let ty = self.scalar(s.ty());
        let attr = crate::emit::scalar_attribute(self.ctx, ty, s);
        self.constant(block, attr, ty)
    }

    fn call<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        callee: &str,
        args: &[Value<'c, 'a>],
    ) -> Result<(), CoreLlvmError> {
        block.append_operation(
            self.op("func.call")
                .add_attributes(&self.attrs(&[(
                    "callee",
                    FlatSymbolRefAttribute::new(self.ctx, callee).into(),
                )]))
                .add_operands(args)
                .build()?,
        );
        Ok(())
    }

    /// The core-local index of lock `lock` (aie-localize-locks).
    fn local_lock(&self, lock: usize) -> Result<i64, CoreLlvmError> {
        local_lock_index(self.design, self.phys, lock, self.col, self.row)
    }

    fn stmts(&self, block: &BlockRef<'c, '_>, stmts: &[LStmt]) -> Result<(), CoreLlvmError> {
        for s in stmts {
            match s {
                LStmt::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    let lb = self.index_const(block, *lower)?;
                    let ub = self.index_const(block, *upper)?;
                    let st = self.index_const(block, *step)?;
                    let region = Region::new();
                    let inner =
                        region.append_block(Block::new(&[(Type::index(self.ctx), self.loc)]));
                    self.stmts(&inner, body)?;
                    inner.append_operation(self.op("scf.yield").build()?);
                    block.append_operation(
                        self.op("scf.for")
                            .add_operands(&[lb, ub, st])
                            .add_regions([region])
                            .build()?,
                    );
                }
                LStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    let index = self.local_lock(*lock)?;
                    let (name, v) = match action {
                        LockAction::AcquireGreaterEqual => (ACQUIRE, -i64::from(*value)),
                        LockAction::Release => (RELEASE, i64::from(*value)),
                    };
                    let id = self.i32_const(block, index)?;
                    let v = self.i32_const(block, v)?;
                    self.call(block, &self.intrinsic_name(true, name), &[id, v])?;
                }
                LStmt::Call { kernel, args } => {
                    let k = self.design.kernels.get(*kernel).ok_or_else(|| {
                        CoreLlvmError::Build("a call names a kernel the design lacks".into())
                    })?;
                    let mut values = Vec::new();
                    for a in args {
                        values.push(match a {
                            LArg::Buffer(b) => {
                                let buf = self.phys.buffers.get(*b).ok_or_else(|| {
                                    CoreLlvmError::Build(format!(
                                        "buffer #{b} is not in the lowered design"
                                    ))
                                })?;
                                let ty = self.memref(&buf.ty);
                                let g = block.append_operation(
                                    self.op("memref.get_global")
                                        .add_attributes(&self.attrs(&[(
                                            "name",
                                            FlatSymbolRefAttribute::new(self.ctx, &buf.name).into(),
                                        )]))
                                        .add_results(&[ty.into()])
                                        .build()?,
                                );
                                let v: Value<'c, '_> = g.result(0)?.into();
                                block.append_operation(
                                    self.op("memref.assume_alignment")
                                        .add_operands(&[v])
                                        .add_attributes(
                                            &self.attrs(&[(
                                                "alignment",
                                                IntegerAttribute::new(
                                                    self.i32_type(),
                                                    BUFFER_ALIGNMENT,
                                                )
                                                .into(),
                                            )]),
                                        )
                                        .add_results(&[ty.into()])
                                        .build()?,
                                );
                                v
                            }
                            LArg::Scalar(s) => self.scalar_const(block, *s)?,
                        });
                    }
                    self.call(block, &k.symbol, &values)?;
                }
            }
        }
        Ok(())
    }
}
