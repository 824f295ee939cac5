//! The runtime sequence: `aie.runtime_sequence` with its host-side DMA transfers, waits and
//! syncs (`aiex.npu.*`).

use melior::ir::attribute::{DenseI32ArrayAttribute, DenseI64ArrayAttribute};
use melior::ir::{BlockLike, BlockRef, Type, Value};

use super::ModuleBuilder;
use crate::emit::EmitError;
use crate::ir::{DmaTarget, RuntimeOp, RuntimeSequence};

impl<'c> ModuleBuilder<'c, '_> {
    /// Appends the `aie.runtime_sequence` of `seq`; with `shim_allocs`, FIFOs are named by their
    /// shim allocation (`@F_shim_alloc`), as the ObjectFIFO transform rewrites them.
    pub(in crate::emit) fn runtime_sequence(
        &self,
        blk: &BlockRef<'c, '_>,
        seq: &RuntimeSequence,
        shim_allocs: bool,
    ) -> Result<(), EmitError> {
        let arg_types: Vec<Type<'c>> = seq.args.iter().map(|a| self.memref(a)).collect();
        let (_, body) = self.with_body(
            blk,
            "aie.runtime_sequence",
            self.op("aie.runtime_sequence")
                .add_attributes(&self.attrs(&[("sym_name", self.str("sequence"))])),
            &arg_types,
        )?;
        for op in &seq.ops {
            self.runtime_op(&body, op, shim_allocs)?;
        }
        Ok(())
    }

    /// A runtime operation; with `shim_allocs`, FIFOs are named by their shim allocation
    /// (`@F_shim_alloc`), as the ObjectFIFO transform rewrites them.
    fn runtime_op(
        &self,
        body: &BlockRef<'c, '_>,
        op: &RuntimeOp,
        shim_allocs: bool,
    ) -> Result<(), EmitError> {
        let d = self.design;
        let target_name = |t: &DmaTarget| match t {
            DmaTarget::Fifo(f) if shim_allocs => format!("{}_shim_alloc", d.fifo_label(*f)),
            DmaTarget::Fifo(f) => d.fifo_label(*f),
            DmaTarget::Alloc(a) => d
                .shim_allocs
                .get(*a)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        };
        match op {
            RuntimeOp::Dma(t) => {
                let arg: Value<'c, '_> = body.argument(t.arg.0 as usize)?.into();
                let mut attrs = vec![("id", self.i64(i64::from(t.bd_id.unwrap_or(0))))];
                if t.issue_token {
                    attrs.push(("issue_token", self.bool(true)));
                }
                attrs.push(("metadata", self.sym(&target_name(&t.target))));
                attrs.push((
                    "operandSegmentSizes",
                    DenseI32ArrayAttribute::new(self.ctx, &[1, 0, 0, 0]).into(),
                ));
                attrs.push((
                    "static_offsets",
                    DenseI64ArrayAttribute::new(self.ctx, &t.offsets).into(),
                ));
                attrs.push((
                    "static_sizes",
                    DenseI64ArrayAttribute::new(self.ctx, &t.sizes).into(),
                ));
                attrs.push((
                    "static_strides",
                    DenseI64ArrayAttribute::new(self.ctx, &t.strides).into(),
                ));
                body.append_operation(
                    self.op("aiex.npu.dma_memcpy_nd")
                        .add_operands(&[arg])
                        .add_attributes(&self.attrs(&attrs))
                        .build()?,
                );
            }
            RuntimeOp::Wait(t) => {
                body.append_operation(
                    self.op("aiex.npu.dma_wait")
                        .add_attributes(&self.attrs(&[("symbol", self.sym(&target_name(t)))]))
                        .build()?,
                );
            }
            RuntimeOp::Sync {
                column,
                row,
                dir,
                channel,
            } => {
                body.append_operation(
                    self.op("aiex.npu.sync")
                        .add_attributes(&self.attrs(&[
                            ("channel", self.i32(i64::from(*channel))),
                            ("column", self.i32(i64::from(*column))),
                            ("column_num", self.i32(1)),
                            ("direction", self.i32(i64::from(dir.enum_value()))),
                            ("row", self.i32(i64::from(*row))),
                            ("row_num", self.i32(1)),
                        ]))
                        .build()?,
                );
            }
        }
        Ok(())
    }
}
