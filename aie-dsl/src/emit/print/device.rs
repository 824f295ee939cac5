//! Printing the device-level ops: `aie.device`, tiles, kernel declarations, ObjectFIFOs and
//! links, buffers, locks, flows and shim DMA allocations.

use super::attrs::*;
use super::*;

impl Printer {
    pub(super) fn print_device(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let dev = int(op, "device").and_then(|v| {
            Device::ALL
                .into_iter()
                .find(|d| i64::from(d.enum_value()) == v)
        });
        self.device = dev;
        let kw = dev.map_or("?", |d| d.keyword());
        let sym = string(op, "sym_name").filter(|s| s != "main");
        let head = match sym {
            Some(s) => format!("aie.device({kw}) @{s} {{"),
            None => format!("aie.device({kw}) {{"),
        };
        self.line(l, &head);
        self.body(op, l + 1)?;
        self.line(l, "}");
        Ok(())
    }

    pub(super) fn print_tile(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let (c, r) = (int(op, "col").unwrap_or(0), int(op, "row").unwrap_or(0));
        let base = self.tile_name(c, r);
        let res = self.result(op, Some(base));
        let ctrl = attr(op, "controller_id")
            .map(|a| format!(" {{controller_id = {a}}}"))
            .unwrap_or_default();
        self.line(l, &format!("{res} = aie.tile({c}, {r}){ctrl}"));
        Ok(())
    }

    pub(super) fn print_func_func(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let sym = string(op, "sym_name").unwrap_or_default();
        let ty = attr(op, "function_type")
            .and_then(|a| TypeAttribute::try_from(a).ok())
            .and_then(|t| FunctionType::try_from(t.value()).ok());
        let inputs: Vec<String> = ty
            .map(|f| {
                (0..f.input_count())
                    .filter_map(|i| f.input(i).ok())
                    .map(|t| t.to_string())
                    .collect()
            })
            .unwrap_or_default();
        self.line(
            l,
            &format!("func.func private @{sym}({})", inputs.join(", ")),
        );
        Ok(())
    }

    pub(super) fn print_objectfifo(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        self.objectfifo(op, l);
        Ok(())
    }

    pub(super) fn print_objectfifo_link(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aie.objectfifo.link {} -> {} ({} {})",
            plain_array(attr(op, "fifoIns")),
            plain_array(attr(op, "fifoOuts")),
            plain_array(attr(op, "src_offsets")),
            plain_array(attr(op, "dst_offsets")),
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_buffer(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let sym = string(op, "sym_name");
        let tile = self.operand(op, 0);
        let ty = op
            .result(0)
            .map(|r| self.ty(r.r#type()))
            .unwrap_or_default();
        let res = self.result(op, sym.clone());
        let mut attrs = Vec::new();
        if let Some(a) = int(op, "address") {
            attrs.push(format!("address = {a} : i32"));
        }
        if let Some(b) = int(op, "mem_bank") {
            attrs.push(format!("mem_bank = {b} : i32"));
        }
        attrs.push(format!("sym_name = \"{}\"", sym.unwrap_or_default()));
        let mut text = format!("{res} = aie.buffer({tile}) {{{}}} : {ty}", attrs.join(", "));
        if let Some(init) = attr(op, "initial_value") {
            let full = init.to_string();
            let value = full.rsplit_once(" : ").map_or(full.as_str(), |(v, _)| v);
            let _ = write!(text, " = {value}");
        }
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_lock(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let sym = string(op, "sym_name");
        let tile = self.operand(op, 0);
        let res = self.result(op, sym.clone());
        let id = int(op, "lockID")
            .map(|i| format!(", {i}"))
            .unwrap_or_default();
        let mut attrs = Vec::new();
        if let Some(i) = int(op, "init") {
            attrs.push(format!("init = {i} : i32"));
        }
        if let Some(s) = sym {
            attrs.push(format!("sym_name = \"{s}\""));
        }
        self.line(
            l,
            &format!("{res} = aie.lock({tile}{id}) {{{}}}", attrs.join(", ")),
        );
        Ok(())
    }

    pub(super) fn print_flow(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let text = format!(
            "aie.flow({}, {} : {}, {}, {} : {})",
            self.operand(op, 0),
            bundle_name(int(op, "source_bundle").unwrap_or(-1)),
            int(op, "source_channel").unwrap_or(0),
            self.operand(op, 1),
            bundle_name(int(op, "dest_bundle").unwrap_or(-1)),
            int(op, "dest_channel").unwrap_or(0),
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_packet_flow(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        self.line(
            l,
            &format!("aie.packet_flow({}) {{", int(op, "ID").unwrap_or(0)),
        );
        self.body(op, l + 1)?;
        let mut extra = Vec::new();
        if flag(op, "keep_pkt_header") {
            extra.push("keep_pkt_header = true");
        }
        if flag(op, "priority_route") {
            extra.push("priority_route = true");
        }
        if extra.is_empty() {
            self.line(l, "}");
        } else {
            self.line(l, &format!("}} {{{}}}", extra.join(", ")));
        }
        Ok(())
    }

    pub(super) fn print_packet_source(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
        name: &str,
    ) -> Result<(), EmitError> {
        let text = format!(
            "{name}<{}, {} : {}>",
            self.operand(op, 0),
            bundle_name(int(op, "bundle").unwrap_or(-1)),
            int(op, "channel").unwrap_or(0)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn print_shim_dma_allocation(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
    ) -> Result<(), EmitError> {
        let dir = if int(op, "channel_dir") == Some(i64::from(DmaDir::S2mm.enum_value())) {
            DmaDir::S2mm
        } else {
            DmaDir::Mm2s
        };
        let text = format!(
            "aie.shim_dma_allocation @{}({}, {}, {})",
            string(op, "sym_name").unwrap_or_default(),
            self.operand(op, 0),
            dir.keyword(),
            int(op, "channel_index").unwrap_or(0)
        );
        self.line(l, &text);
        Ok(())
    }

    pub(super) fn objectfifo(&mut self, op: &OperationRef<'_, '_>, l: usize) {
        let sym = string(op, "sym_name").unwrap_or_default();
        let to_stream = attr(op, "dimensionsToStream")
            .map(opaque_data)
            .and_then(|s| s.strip_prefix("bd_dim_layout_array").map(str::to_string))
            .unwrap_or_else(|| "[]".into());
        let from_stream = attr(op, "dimensionsFromStreamPerConsumer")
            .map(opaque_data)
            .and_then(|s| {
                s.strip_prefix("bd_dim_layout_array_array[")
                    .and_then(|s| s.strip_suffix(']'))
                    .map(split_top)
            })
            .unwrap_or_default();
        let mut producer = self.operand(op, 0);
        if to_stream != "[]" {
            let _ = write!(producer, " dimensionsToStream {to_stream}");
        }
        let consumers: Vec<String> = (1..op.operand_count())
            .map(|i| {
                let mut c = self.operand(op, i);
                if let Some(d) = from_stream.get(i - 1).filter(|d| d.as_str() != "[]") {
                    let _ = write!(c, " dimensionsFromStream {d}");
                }
                c
            })
            .collect();
        let depth = match attr(op, "elemNumber") {
            Some(a) if ArrayAttribute::try_from(a).is_ok() => plain_array(Some(a)),
            Some(a) => a.to_string(),
            None => String::new(),
        };
        let mut extra = Vec::new();
        if flag(op, "disable_synchronization") {
            extra.push("disable_synchronization = true".to_string());
        }
        if flag(op, "plio") {
            extra.push("plio = true".to_string());
        }
        if let Some(r) = int(op, "repeat_count") {
            extra.push(format!("repeat_count = {r} : i32"));
        }
        if flag(op, "via_DMA") {
            extra.push("via_DMA = true".to_string());
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", extra.join(", "))
        };
        let ty = attr(op, "elemType")
            .and_then(|a| TypeAttribute::try_from(a).ok())
            .map(|t| t.value().to_string())
            .unwrap_or_default();
        let init = attr(op, "initValues")
            .and_then(|a| ArrayAttribute::try_from(a).ok())
            .map(|arr| {
                let items: Vec<String> = (0..arr.len())
                    .filter_map(|i| arr.element(i).ok())
                    .map(|e| e.to_string())
                    .collect();
                format!(" = [{}]", items.join(", "))
            })
            .unwrap_or_default();
        let text = format!(
            "aie.objectfifo @{sym}({producer}, {{{}}}, {depth}){extra} : {ty}{init}",
            consumers.join(", ")
        );
        self.line(l, &text);
    }
}
