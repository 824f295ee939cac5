//! Printing the runtime sequence and its `aiex.npu` operations.

use super::attrs::*;
use super::*;

impl Printer {
    pub(super) fn print_runtime_sequence(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        self.scoped(|p| p.runtime_sequence(op, l))?;
        Ok(())
    }

    pub(super) fn print_npu_dma_memcpy_nd(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let mem = self.operand(op, 0);
        let ty = op
            .operand(0)
            .map(|v| self.ty(v.r#type()))
            .unwrap_or_default();
        let mut attrs = vec![format!("id = {} : i64", int(op, "id").unwrap_or(0))];
        if flag(op, "issue_token") {
            attrs.push("issue_token = true".into());
        }
        attrs.push(format!(
            "metadata = {}",
            symbol(op, "metadata").unwrap_or_default()
        ));
        let text = format!(
            "aiex.npu.dma_memcpy_nd({mem}{}{}{}) {{{}}} : {ty}",
            i64_array(attr(op, "static_offsets")),
            i64_array(attr(op, "static_sizes")),
            i64_array(attr(op, "static_strides")),
            attrs.join(", ")
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_npu_dma_wait(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aiex.npu.dma_wait {{symbol = {}}}",
            symbol(op, "symbol").unwrap_or_default()
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_npu_sync(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let f = |n: &str| int(op, n).unwrap_or(0);
        let text = format!(
            "aiex.npu.sync {{channel = {} : i32, column = {} : i32, column_num = {} : i32, direction = {} : i32, row = {} : i32, row_num = {} : i32}}",
            f("channel"), f("column"), f("column_num"), f("direction"), f("row"), f("row_num")
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn runtime_sequence(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let body = op.region(0).ok().and_then(|r| r.first_block());
        let mut args = Vec::new();
        if let Some(b) = &body {
            for i in 0..b.argument_count() {
                if let Ok(a) = b.argument(i) {
                    let v: Value = a.into();
                    let n = self.define_arg(v);
                    args.push(format!("{n}: {}", self.ty(v.r#type())));
                }
            }
        }
        let sym = string(op, "sym_name").filter(|s| s != "sequence");
        let head = match sym {
            Some(s) => format!("aie.runtime_sequence @{s}({}) {{", args.join(", ")),
            None => format!("aie.runtime_sequence({}) {{", args.join(", ")),
        };
        self.line(l, &head);
        if let Some(b) = body {
            self.block(&b, l + 1)?;
        }
        self.line(l, "}");
        Ok(())
    }
}
