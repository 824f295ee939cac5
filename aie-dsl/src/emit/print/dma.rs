//! Printing DMA programs: `aie.mem` / `aie.memtile_dma`, `aie.dma_start`, `aie.dma_bd`,
//! `aie.next_bd`.

use super::attrs::*;
use super::*;

impl Printer {
    pub(super) fn print_mem(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
        name: &str,
    ) -> Result<(), EmitError> {
        let base = if name == "aie.mem" {
            "mem"
        } else {
            "memtile_dma"
        };
        self.tile_region(op, l, name, base)
    }

    pub(super) fn print_dma_start(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let dir = if int(op, "channel_dir") == Some(i64::from(DmaDir::S2mm.enum_value())) {
            DmaDir::S2mm
        } else {
            DmaDir::Mm2s
        };
        let repeat = int(op, "repeat_count")
            .filter(|&r| r != 0)
            .map(|r| format!(", repeat_count = {r}"))
            .unwrap_or_default();
        let text = format!(
            "{} = aie.dma_start({}, {}, {}, {}{repeat})",
            self.result(op, None),
            dir.keyword(),
            int(op, "channel_index").unwrap_or(0),
            self.successor(op, 0),
            self.successor(op, 1)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_dma_bd(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let buf = self.operand(op, 0);
        let ty = op
            .operand(0)
            .map(|v| self.ty(v.r#type()))
            .unwrap_or_default();
        let dims = attr(op, "dimensions")
            .map(opaque_data)
            .and_then(|s| {
                s.strip_prefix("bd_dim_layout_array")
                    .map(|d| format!(", {d}"))
            })
            .unwrap_or_default();
        let mut attrs = Vec::new();
        if let Some(b) = int(op, "bd_id") {
            attrs.push(format!("bd_id = {b} : i32"));
        }
        if let Some(n) = int(op, "next_bd_id") {
            attrs.push(format!("next_bd_id = {n} : i32"));
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", attrs.join(", "))
        };
        let text = format!(
            "aie.dma_bd({buf} : {ty}, {}, {}{dims}){attrs}",
            int(op, "offset").unwrap_or(0),
            int(op, "len").unwrap_or(0)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_next_bd(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!("aie.next_bd {}", self.successor(op, 0));
        self.line(l, &text);
        Ok(())
    }
}
