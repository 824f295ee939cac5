//! The cores' programs: one `aie.core` per core, its statements as `scf.for` loops, ObjectFIFO
//! acquires and releases, lock uses and kernel calls, and the constants they need.

use std::collections::HashMap;

use melior::ir::attribute::IntegerAttribute;
use melior::ir::{Attribute, BlockLike, BlockRef, Type, Value};

use super::attrs::aie_type;
use super::device::TileLookup;
use super::ModuleBuilder;
use crate::emit::EmitError;
use crate::ir::{AcquireId, BufferId, CallArg, CoreStmt, FifoPort, LockAction, LockId};
use crate::types::Scalar;

/// Largest trip count mlir-aie's IRON uses for an endless core loop.
const FOREVER: i64 = i64::MAX;

/// The values a core's statements refer to besides their own: the design's buffers and locks.
pub(super) struct CoreEnv<'c, 'a, 'm> {
    pub(super) buffers: &'m HashMap<BufferId, Value<'c, 'a>>,
    pub(super) locks: &'m HashMap<LockId, Value<'c, 'a>>,
}

impl<'c> ModuleBuilder<'c, '_> {
    /// One `aie.core` per core of the design, with its program.
    pub(super) fn cores(
        &self,
        blk: &BlockRef<'c, '_>,
        tile: TileLookup<'_, 'c, '_>,
        env: &CoreEnv<'c, '_, '_>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for (_, core) in d.cores.iter() {
            let object = d.core_object(core);
            let body = self.core_op(blk, tile(core.tile)?, object.as_deref(), core.stack_size)?;
            let mut objects = HashMap::new();
            self.stmts(&body, &core.body, env, &mut objects)?;
            self.end(&body)?;
        }
        Ok(())
    }

    /// Appends an empty `aie.core` on `tile` and returns its body.
    pub(in crate::emit) fn core_op<'a>(
        &self,
        blk: &BlockRef<'c, 'a>,
        tile: Value<'c, '_>,
        link_with: Option<&str>,
        stack_size: u32,
    ) -> Result<BlockRef<'c, 'a>, EmitError> {
        let mut attrs = Vec::new();
        if let Some(o) = link_with {
            attrs.push(("link_with", self.str(o)));
        }
        attrs.push(("stack_size", self.i32(i64::from(stack_size))));
        let (_, body) = self.with_body(
            blk,
            "aie.core",
            self.op("aie.core")
                .add_operands(&[tile])
                .add_attributes(&self.attrs(&attrs))
                .add_results(&[self.index()]),
            &[],
        )?;
        Ok(body)
    }

    pub(in crate::emit) fn constant<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        value: Attribute<'c>,
        ty: Type<'c>,
    ) -> Result<Value<'c, 'a>, EmitError> {
        let op = block.append_operation(
            self.op("arith.constant")
                .add_attributes(&self.attrs(&[("value", value)]))
                .add_results(&[ty])
                .build()?,
        );
        Ok(op.result(0)?.into())
    }

    pub(in crate::emit) fn index_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        v: i64,
    ) -> Result<Value<'c, 'a>, EmitError> {
        self.constant(
            block,
            IntegerAttribute::new(self.index(), v).into(),
            self.index(),
        )
    }

    pub(in crate::emit) fn scalar_const<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        s: Scalar,
    ) -> Result<Value<'c, 'a>, EmitError> {
        let ty = self.scalar(s.ty());
        let attr = crate::emit::scalar_attribute(self.ctx, ty, s);
        self.constant(block, attr, ty)
    }

    fn stmts<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        stmts: &[CoreStmt],
        env: &CoreEnv<'c, '_, '_>,
        objects: &mut HashMap<(AcquireId, u32), Value<'c, 'a>>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for s in stmts {
            match s {
                CoreStmt::For { body, .. } | CoreStmt::Forever { body } => {
                    let upper = match s {
                        CoreStmt::For { count, .. } => i64::try_from(*count).unwrap_or(FOREVER),
                        _ => FOREVER,
                    };
                    let lb = self.index_const(block, 0)?;
                    let ub = self.index_const(block, upper)?;
                    let step = self.index_const(block, 1)?;
                    let (_, inner) = self.with_body(
                        block,
                        "scf.for",
                        self.op("scf.for").add_operands(&[lb, ub, step]),
                        &[self.index()],
                    )?;
                    let mut inner_objects: HashMap<(AcquireId, u32), Value<'c, '_>> =
                        objects.iter().map(|(k, v)| (*k, *v)).collect();
                    self.stmts(&inner, body, env, &mut inner_objects)?;
                    inner.append_operation(self.op("scf.yield").build()?);
                }
                CoreStmt::Acquire { id, fifo, port, n } => {
                    let f = d
                        .fifos
                        .get(*fifo)
                        .ok_or_else(|| EmitError::Build(format!("FIFO {fifo:?} missing")))?;
                    let sub = aie_type(self.ctx, &format!("objectfifosubview<{}>", f.elem));
                    let acq = block.append_operation(
                        self.op("aie.objectfifo.acquire")
                            .add_attributes(&self.attrs(&[
                                ("objFifo_name", self.sym(&f.name)),
                                ("port", self.i32(port_value(*port))),
                                ("size", self.i32(i64::from(*n))),
                            ]))
                            .add_results(&[sub])
                            .build()?,
                    );
                    let sv: Value<'c, 'a> = acq.result(0)?.into();
                    for i in 0..*n {
                        let access = block.append_operation(
                            self.op("aie.objectfifo.subview.access")
                                .add_operands(&[sv])
                                .add_attributes(&self.attrs(&[("index", self.i32(i64::from(i)))]))
                                .add_results(&[self.memref(&f.elem)])
                                .build()?,
                        );
                        objects.insert((*id, i), access.result(0)?.into());
                    }
                }
                CoreStmt::Release { fifo, port, n } => {
                    block.append_operation(
                        self.op("aie.objectfifo.release")
                            .add_attributes(&self.attrs(&[
                                ("objFifo_name", self.sym(&d.fifo_label(*fifo))),
                                ("port", self.i32(port_value(*port))),
                                ("size", self.i32(i64::from(*n))),
                            ]))
                            .build()?,
                    );
                }
                CoreStmt::Call { kernel, args } => {
                    let k = d
                        .kernels
                        .get(*kernel)
                        .ok_or_else(|| EmitError::Build(format!("kernel {kernel:?} missing")))?;
                    let mut operands = Vec::new();
                    for a in args {
                        let v = match a {
                            CallArg::Object { acquire, index, .. } => {
                                *objects.get(&(*acquire, *index)).ok_or_else(|| {
                                    EmitError::Build("object used out of scope".into())
                                })?
                            }
                            CallArg::Buffer(b) => *env
                                .buffers
                                .get(b)
                                .ok_or_else(|| EmitError::Build(format!("buffer {b:?} missing")))?,
                            CallArg::Scalar(s) => self.scalar_const(block, *s)?,
                        };
                        operands.push(v);
                    }
                    block.append_operation(
                        self.op("func.call")
                            .add_attributes(&self.attrs(&[("callee", self.sym(&k.symbol))]))
                            .add_operands(&operands)
                            .build()?,
                    );
                }
                CoreStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    let l = *env
                        .locks
                        .get(lock)
                        .ok_or_else(|| EmitError::Build(format!("lock {lock:?} missing")))?;
                    let action = match action {
                        LockAction::Release => 1,
                        LockAction::AcquireGreaterEqual => 2,
                    };
                    block.append_operation(
                        self.op("aie.use_lock")
                            .add_operands(&[l])
                            .add_attributes(&self.attrs(&[
                                ("action", self.i32(action)),
                                ("value", self.i32(i64::from(*value))),
                            ]))
                            .build()?,
                    );
                }
            }
        }
        Ok(())
    }
}

/// The `port` attribute of an ObjectFIFO acquire or release: 0 produce, 1 consume.
fn port_value(p: FifoPort) -> i64 {
    match p {
        FifoPort::Produce => 0,
        FifoPort::Consume => 1,
    }
}
