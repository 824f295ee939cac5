//! The cores of the physical module: their lowered programs (`scf.for` loops, lock uses and
//! kernel calls on placed buffers and locks), with constants hoisted to the entry block.

use melior::ir::{BlockLike, BlockRef, Value};

use crate::emit::build::{ModuleBuilder, TileLookup};
use crate::emit::text::{collect_bounds, collect_scalars};
use crate::emit::EmitError;
use crate::lower::core::{LArg, LStmt};
use crate::lower::physical::Physical;

impl<'c> ModuleBuilder<'c, '_> {
    /// One `aie.core` per core, with its lowered program.
    pub(super) fn lowered_cores(
        &self,
        blk: &BlockRef<'c, '_>,
        phys: &Physical,
        tile: TileLookup<'_, 'c, '_>,
        buffers: &[Value<'c, '_>],
        locks: &[Value<'c, '_>],
    ) -> Result<(), EmitError> {
        for core in &phys.cores {
            let body = self.core_op(
                blk,
                tile(core.tile)?,
                core.link_with.as_deref(),
                core.stack_size,
            )?;
            // Kernel constants first, once each (as mlir-aie's output has them hoisted).
            let mut scalars: Vec<crate::types::Scalar> = Vec::new();
            collect_scalars(&core.body, &mut scalars);
            // MLIR's folder hoists each constant to the front of the entry block as it meets it,
            // so the last one met comes first.
            scalars.reverse();
            let mut consts = Vec::new();
            for sc in &scalars {
                consts.push((*sc, self.scalar_const(&body, *sc)?));
            }
            // Loop bounds too, once each.
            let mut bounds: Vec<i64> = Vec::new();
            collect_bounds(&core.body, &mut bounds);
            let mut index_consts = Vec::new();
            for b in &bounds {
                index_consts.push((*b, self.index_const(&body, *b)?));
            }
            let env = Consts {
                scalars: &consts,
                index: &index_consts,
            };
            self.lowered(&body, &core.body, buffers, locks, &env)?;
            self.end(&body)?;
        }
        Ok(())
    }

    fn lowered<'a>(
        &self,
        block: &BlockRef<'c, 'a>,
        stmts: &[LStmt],
        buffers: &[Value<'c, '_>],
        locks: &[Value<'c, '_>],
        consts: &Consts<'c, 'a, '_>,
    ) -> Result<(), EmitError> {
        let d = self.design;
        for s in stmts {
            match s {
                LStmt::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    let get = |v: i64| -> Result<Value<'c, 'a>, EmitError> {
                        consts
                            .index
                            .iter()
                            .find(|(c, _)| *c == v)
                            .map(|(_, x)| *x)
                            .ok_or_else(|| EmitError::Build(format!("loop bound {v} not hoisted")))
                    };
                    let lb = get(i64::try_from(*lower).unwrap_or(i64::MAX))?;
                    let ub = get(i64::try_from(*upper).unwrap_or(i64::MAX))?;
                    let st = get(i64::try_from(*step).unwrap_or(1))?;
                    let (_, inner) = self.with_body(
                        block,
                        "scf.for",
                        self.op("scf.for").add_operands(&[lb, ub, st]),
                        &[self.index()],
                    )?;
                    self.lowered(&inner, body, buffers, locks, consts)?;
                    inner.append_operation(self.op("scf.yield").build()?);
                }
                LStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    self.use_lock(block, locks[*lock], *action, *value)?;
                }
                LStmt::Call { kernel, args } => {
                    let k = d
                        .kernels
                        .get(*kernel)
                        .ok_or_else(|| EmitError::Build(format!("kernel {kernel:?} missing")))?;
                    let mut operands = Vec::new();
                    for a in args {
                        operands.push(match a {
                            LArg::Buffer(b) => buffers[*b],
                            LArg::Scalar(s) => match consts.scalars.iter().find(|(c, _)| c == s) {
                                Some((_, v)) => *v,
                                None => self.scalar_const(block, *s)?,
                            },
                        });
                    }
                    block.append_operation(
                        self.op("func.call")
                            .add_attributes(&self.attrs(&[("callee", self.sym(&k.symbol))]))
                            .add_operands(&operands)
                            .build()?,
                    );
                }
            }
        }
        Ok(())
    }
}

/// Constants hoisted to a core's entry block.
struct Consts<'c, 'a, 'x> {
    scalars: &'x [(crate::types::Scalar, Value<'c, 'a>)],
    index: &'x [(i64, Value<'c, 'a>)],
}
