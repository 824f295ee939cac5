//! The runtime sequence: `aie.runtime_sequence` with its `aiex.npu` transfers, waits and syncs,
//! FIFOs named by their shim allocation as the ObjectFIFO transform rewrites them
//! (`emit/build/runtime.rs` builds it, `emit/print/runtime.rs` prints it).

use super::{as_i32, Writer};
use crate::ir::{DmaTarget, RuntimeOp, RuntimeSequence};

/// `[a, b, c, d]`.
fn list(v: &[i64; 4]) -> String {
    format!("[{}, {}, {}, {}]", v[0], v[1], v[2], v[3])
}

impl Writer<'_> {
    /// The runtime sequence, in a scope of its own.
    pub(super) fn runtime_sequence(&mut self, seq: &RuntimeSequence, l: usize) -> Option<()> {
        self.scoped(|w| w.sequence(seq, l))
    }

    fn target(&self, t: &DmaTarget) -> Option<String> {
        let d = self.design;
        Some(match t {
            DmaTarget::Fifo(f) => format!("{}_shim_alloc", d.fifos.get(*f)?.name),
            DmaTarget::Alloc(a) => d.shim_allocs.get(*a)?.name.clone(),
        })
    }

    /// `aie.runtime_sequence(%arg0: …, …) {` at level `l`, its arguments named in order; returns
    /// their names.
    pub(super) fn sequence_head(&mut self, seq: &RuntimeSequence, l: usize) -> Vec<String> {
        let mut args = Vec::with_capacity(seq.args.len());
        let mut heads = Vec::with_capacity(seq.args.len());
        for ty in &seq.args {
            let n = self.arg();
            heads.push(format!("{n}: {ty}"));
            args.push(n);
        }
        self.line(
            l,
            format_args!("aie.runtime_sequence({}) {{", heads.join(", ")),
        );
        args
    }

    fn sequence(&mut self, seq: &RuntimeSequence, l: usize) -> Option<()> {
        let args = self.sequence_head(seq, l);
        for op in &seq.ops {
            match op {
                RuntimeOp::Dma(t) => {
                    let k = t.arg.0 as usize;
                    let (arg, ty) = (args.get(k)?, seq.args.get(k)?);
                    let token = if t.issue_token {
                        "issue_token = true, "
                    } else {
                        ""
                    };
                    self.line(l + 1, format_args!(
                        "aiex.npu.dma_memcpy_nd({arg}{}{}{}) {{id = {} : i64, {token}metadata = @{}}} : {ty}",
                        list(&t.offsets),
                        list(&t.sizes),
                        list(&t.strides),
                        t.bd_id.unwrap_or(0),
                        self.target(&t.target)?
                    ));
                }
                RuntimeOp::Wait(t) => {
                    self.line(
                        l + 1,
                        format_args!("aiex.npu.dma_wait {{symbol = @{}}}", self.target(t)?),
                    );
                }
                RuntimeOp::Sync {
                    column,
                    row,
                    dir,
                    channel,
                } => {
                    let (channel, column, row) =
                        (as_i32(*channel)?, as_i32(*column)?, as_i32(*row)?);
                    self.line(l + 1, format_args!(
                        "aiex.npu.sync {{channel = {channel} : i32, column = {column} : i32, column_num = 1 : i32, direction = {} : i32, row = {row} : i32, row_num = 1 : i32}}",
                        dir.enum_value()
                    ));
                }
            }
        }
        self.line_str(l, "}");
        Some(())
    }
}
