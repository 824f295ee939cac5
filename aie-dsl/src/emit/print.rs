//! Prints a module in the custom assembly of mlir-aie at 5ff2ab97d (what `aie-opt` prints and
//! what its tests and examples are written in).
//!
//! MLIR can only print unregistered operations in generic form, and the `aie` dialect is not
//! registered in-process. This printer walks the operations of the verified module and writes
//! each one in its custom syntax (`shared/reference/DIALECT.md` §4); types and attributes are
//! printed by MLIR. Value names follow MLIR's conventions (`%tile_0_2`, `%core_0_2`, `%c0`,
//! `%c1024_i32`, symbol names for buffers and locks).

use std::collections::HashMap;
use std::fmt::Write;

use melior::ir::attribute::{
    ArrayAttribute, DenseI64ArrayAttribute, FlatSymbolRefAttribute, IntegerAttribute,
    StringAttribute, TypeAttribute,
};
use melior::ir::operation::OperationLike;
use melior::ir::r#type::{FunctionType, TypeLike};
use melior::ir::{
    Attribute, AttributeLike, BlockLike, BlockRef, Module, OperationRef, RegionLike, Value,
    ValueLike,
};

use super::EmitError;
use crate::target::{Device, DmaDir, TileKind, WireBundle};

/// The custom-assembly text of `module`.
///
/// # Errors
/// [`EmitError::Unprintable`] for an operation this printer does not know.
pub fn custom(module: &Module<'_>) -> Result<String, EmitError> {
    let mut p = Printer::default();
    p.out.push_str("module {\n");
    p.block(&module.body(), 1)?;
    p.out.push_str("}\n");
    Ok(p.out)
}

#[derive(Default)]
struct Printer {
    out: String,
    names: HashMap<usize, String>,
    taken: HashMap<String, u32>,
    next_value: u32,
    next_arg: u32,
    device: Option<Device>,
    blocks: HashMap<usize, String>,
}

fn key(v: Value<'_, '_>) -> usize {
    v.to_raw().ptr as usize
}

fn attr<'c>(op: &OperationRef<'c, '_>, name: &str) -> Option<Attribute<'c>> {
    op.attribute(name).ok()
}

fn int(op: &OperationRef<'_, '_>, name: &str) -> Option<i64> {
    attr(op, name)
        .and_then(|a| IntegerAttribute::try_from(a).ok())
        .map(|i| i.value())
}

fn string(op: &OperationRef<'_, '_>, name: &str) -> Option<String> {
    attr(op, name)
        .and_then(|a| StringAttribute::try_from(a).ok())
        .map(|s| s.value().to_string())
}

fn symbol(op: &OperationRef<'_, '_>, name: &str) -> Option<String> {
    attr(op, name)
        .and_then(|a| FlatSymbolRefAttribute::try_from(a).ok())
        .map(|s| format!("@{}", s.value()))
}

fn flag(op: &OperationRef<'_, '_>, name: &str) -> bool {
    attr(op, name).is_some_and(|a| a.to_string() == "true")
}

/// The text inside an opaque `#aie<…>` attribute.
fn opaque_data(a: Attribute<'_>) -> String {
    // SAFETY: reads the data of a live attribute; non-opaque attributes are filtered by the
    // caller (they are only read from properties we built as opaque).
    unsafe {
        if !mlir_sys::mlirAttributeIsAOpaque(a.to_raw()) {
            return String::new();
        }
        let s = mlir_sys::mlirOpaqueAttrGetData(a.to_raw());
        let bytes = std::slice::from_raw_parts(s.data.cast::<u8>(), s.length);
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Splits `a, [b, c], d` at the commas outside brackets.
fn split_top(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for ch in s.chars() {
        match ch {
            '[' | '<' | '(' => depth += 1,
            ']' | '>' | ')' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            parts.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(ch);
        }
    }
    if !cur.trim().is_empty() {
        parts.push(cur.trim().to_string());
    }
    parts
}

fn bundle_name(v: i64) -> String {
    const ALL: [WireBundle; 11] = [
        WireBundle::Core,
        WireBundle::Dma,
        WireBundle::Fifo,
        WireBundle::South,
        WireBundle::West,
        WireBundle::North,
        WireBundle::East,
        WireBundle::Plio,
        WireBundle::Noc,
        WireBundle::Trace,
        WireBundle::TileControl,
    ];
    ALL.iter()
        .find(|b| i64::from(b.enum_value()) == v)
        .map_or_else(|| v.to_string(), |b| b.keyword().to_string())
}

fn i64_array(a: Option<Attribute<'_>>) -> String {
    let Some(arr) = a.and_then(|a| DenseI64ArrayAttribute::try_from(a).ok()) else {
        return "[]".into();
    };
    let items: Vec<String> = (0..arr.len())
        .filter_map(|i| arr.element(i).ok())
        .map(|v| v.to_string())
        .collect();
    format!("[{}]", items.join(", "))
}

/// `[a, b]` of an array attribute of integers or symbols, without types.
fn plain_array(a: Option<Attribute<'_>>) -> String {
    let Some(arr) = a.and_then(|a| ArrayAttribute::try_from(a).ok()) else {
        return "[]".into();
    };
    let items: Vec<String> = (0..arr.len())
        .filter_map(|i| arr.element(i).ok())
        .map(|e| {
            IntegerAttribute::try_from(e)
                .map(|i| i.value().to_string())
                .unwrap_or_else(|_| e.to_string())
        })
        .collect();
    format!("[{}]", items.join(", "))
}

impl Printer {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    fn line(&mut self, level: usize, text: &str) {
        self.indent(level);
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn unique(&mut self, base: String) -> String {
        if !self.taken.contains_key(&base) {
            self.taken.insert(base.clone(), 0);
            return base;
        }
        loop {
            let n = self.taken.get(&base).copied().unwrap_or(0);
            self.taken.insert(base.clone(), n + 1);
            let candidate = format!("{base}_{n}");
            if !self.taken.contains_key(&candidate) {
                self.taken.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }

    fn define(&mut self, v: Value<'_, '_>, base: Option<String>) -> String {
        let base = base.unwrap_or_else(|| {
            let n = self.next_value;
            self.next_value += 1;
            n.to_string()
        });
        let name = format!("%{}", self.unique(base));
        self.names.insert(key(v), name.clone());
        name
    }

    fn define_arg(&mut self, v: Value<'_, '_>) -> String {
        let n = self.next_arg;
        self.next_arg += 1;
        self.define(v, Some(format!("arg{n}")))
    }

    fn name(&self, v: Value<'_, '_>) -> String {
        self.names
            .get(&key(v))
            .cloned()
            .unwrap_or_else(|| "%<unnamed>".into())
    }

    fn operand(&self, op: &OperationRef<'_, '_>, i: usize) -> String {
        op.operand(i)
            .map_or_else(|_| "%<missing>".into(), |v| self.name(v))
    }

    fn result(&mut self, op: &OperationRef<'_, '_>, base: Option<String>) -> String {
        match op.result(0) {
            Ok(r) => self.define(r.into(), base),
            Err(_) => "%<missing>".into(),
        }
    }

    fn block(&mut self, block: &BlockRef<'_, '_>, level: usize) -> Result<(), EmitError> {
        let mut op = block.first_operation();
        while let Some(o) = op {
            self.op(&o, level)?;
            op = o.next_in_block();
        }
        Ok(())
    }

    /// Runs `f` with a fresh numbering of unnamed values and block arguments: names defined
    /// inside a region are not visible outside it, so sibling regions may reuse them.
    fn scoped(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<(), EmitError>,
    ) -> Result<(), EmitError> {
        let saved = (self.taken.clone(), self.next_value, self.next_arg);
        self.next_value = 0;
        self.next_arg = 0;
        let r = f(self);
        (self.taken, self.next_value, self.next_arg) = saved;
        r
    }

    /// Prints every block of `op`'s first region; blocks after the entry get a `^bbN` label
    /// (with their arguments) one level out.
    fn body(&mut self, op: &OperationRef<'_, '_>, level: usize) -> Result<(), EmitError> {
        let Some(region) = op.region(0).ok() else {
            return Ok(());
        };
        let mut blocks = Vec::new();
        let mut b = region.first_block();
        while let Some(block) = b {
            b = block.next_in_region();
            blocks.push(block);
        }
        for (k, block) in blocks.iter().enumerate() {
            self.blocks
                .insert(block.to_raw().ptr as usize, format!("^bb{k}"));
        }
        for (k, block) in blocks.iter().enumerate() {
            if k > 0 {
                let mut args = Vec::new();
                for i in 0..block.argument_count() {
                    if let Ok(a) = block.argument(i) {
                        let v: Value = a.into();
                        let n = self.define(v, None);
                        args.push(format!("{n}: {}", v.r#type()));
                    }
                }
                let label = if args.is_empty() {
                    format!("^bb{k}:")
                } else {
                    format!("^bb{k}({}):", args.join(", "))
                };
                self.line(level.saturating_sub(1), &label);
            }
            self.block(block, level)?;
        }
        Ok(())
    }

    fn successor(&self, op: &OperationRef<'_, '_>, i: usize) -> String {
        op.successor(i)
            .ok()
            .and_then(|b| self.blocks.get(&(b.to_raw().ptr as usize)).cloned())
            .unwrap_or_else(|| "^<missing>".into())
    }

    fn tile_name(&self, col: i64, row: i64) -> String {
        let kind = self
            .device
            .and_then(|d| u32::try_from(row).ok().and_then(|r| d.kind_of_row(r)));
        match kind {
            Some(TileKind::Shim) => format!("shim_noc_tile_{col}_{row}"),
            Some(TileKind::Mem) => format!("mem_tile_{col}_{row}"),
            _ => format!("tile_{col}_{row}"),
        }
    }

    fn op(&mut self, op: &OperationRef<'_, '_>, l: usize) -> Result<(), EmitError> {
        let name = op.name().as_string_ref().as_str().unwrap_or("").to_string();
        match name.as_str() {
            "scf.yield" => {}
            "aie.end" => {
                // Implicit in single-block regions; a later block must show its terminator.
                let in_entry = op.block().is_some_and(|b| {
                    b.parent_region()
                        .and_then(|r| r.first_block())
                        .is_some_and(|first| first.to_raw().ptr == b.to_raw().ptr)
                });
                if !in_entry {
                    self.line(l, "aie.end");
                }
            }
            "aie.device" => {
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
            }
            "aie.tile" => {
                let (c, r) = (int(op, "col").unwrap_or(0), int(op, "row").unwrap_or(0));
                let base = self.tile_name(c, r);
                let res = self.result(op, Some(base));
                let ctrl = attr(op, "controller_id")
                    .map(|a| format!(" {{controller_id = {a}}}"))
                    .unwrap_or_default();
                self.line(l, &format!("{res} = aie.tile({c}, {r}){ctrl}"));
            }
            "func.func" => {
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
            }
            "aie.objectfifo" => self.objectfifo(op, l),
            "aie.objectfifo.link" => {
                let text = format!(
                    "aie.objectfifo.link {} -> {} ({} {})",
                    plain_array(attr(op, "fifoIns")),
                    plain_array(attr(op, "fifoOuts")),
                    plain_array(attr(op, "src_offsets")),
                    plain_array(attr(op, "dst_offsets")),
                );
                self.line(l, &text);
            }
            "aie.buffer" => {
                let sym = string(op, "sym_name");
                let tile = self.operand(op, 0);
                let ty = op
                    .result(0)
                    .map(|r| r.r#type().to_string())
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
                let mut text =
                    format!("{res} = aie.buffer({tile}) {{{}}} : {ty}", attrs.join(", "));
                if let Some(init) = attr(op, "initial_value") {
                    let full = init.to_string();
                    let value = full.rsplit_once(" : ").map_or(full.as_str(), |(v, _)| v);
                    let _ = write!(text, " = {value}");
                }
                self.line(l, &text);
            }
            "aie.lock" => {
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
            }
            "aie.flow" => {
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
            }
            "aie.packet_flow" => {
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
            }
            "aie.packet_source" | "aie.packet_dest" => {
                let text = format!(
                    "{name}<{}, {} : {}>",
                    self.operand(op, 0),
                    bundle_name(int(op, "bundle").unwrap_or(-1)),
                    int(op, "channel").unwrap_or(0)
                );
                self.line(l, &text);
            }
            "aie.shim_dma_allocation" => {
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
            }
            "aie.core" => {
                let tile = self.operand(op, 0);
                let coords = tile
                    .rsplit('_')
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("_");
                let res = self.result(op, Some(format!("core_{coords}")));
                self.line(l, &format!("{res} = aie.core({tile}) {{"));
                self.scoped(|p| p.body(op, l + 1))?;
                let single_block = op
                    .region(0)
                    .ok()
                    .and_then(|r| r.first_block())
                    .is_some_and(|b| b.next_in_region().is_none());
                if single_block {
                    self.line(l + 1, "aie.end");
                }
                let mut attrs = Vec::new();
                if let Some(o) = string(op, "link_with") {
                    attrs.push(format!("link_with = \"{o}\""));
                }
                if let Some(s) = int(op, "stack_size")
                    .filter(|&s| s != i64::from(crate::target::NPU1.default_stack_bytes))
                {
                    attrs.push(format!("stack_size = {s} : i32"));
                }
                if attrs.is_empty() {
                    self.line(l, "}");
                } else {
                    self.line(l, &format!("}} {{{}}}", attrs.join(", ")));
                }
            }
            "arith.constant" => {
                let value = attr(op, "value");
                let ty = op.result(0).map(|r| r.r#type()).ok();
                let base = match (value, ty) {
                    (Some(v), Some(t)) => match IntegerAttribute::try_from(v) {
                        Ok(i) if t.is_index() => format!("c{}", i.value()),
                        Ok(i) => format!("c{}_{t}", i.value()),
                        Err(_) => "cst".to_string(),
                    },
                    _ => "cst".to_string(),
                };
                let res = self.result(op, Some(base));
                let v = value.map(|v| v.to_string()).unwrap_or_default();
                self.line(l, &format!("{res} = arith.constant {v}"));
            }
            "scf.for" => {
                let (lb, ub, step) = (
                    self.operand(op, 0),
                    self.operand(op, 1),
                    self.operand(op, 2),
                );
                let body = op.region(0).ok().and_then(|r| r.first_block());
                let iv = match body.as_ref().and_then(|b| b.argument(0).ok()) {
                    Some(a) => self.define_arg(a.into()),
                    None => "%<iv>".into(),
                };
                self.line(l, &format!("scf.for {iv} = {lb} to {ub} step {step} {{"));
                if let Some(b) = body {
                    self.block(&b, l + 1)?;
                }
                self.line(l, "}");
            }
            "aie.objectfifo.acquire" | "aie.objectfifo.release" => {
                let port = if int(op, "port") == Some(0) {
                    "Produce"
                } else {
                    "Consume"
                };
                let head = format!(
                    "{name} {}({port}, {})",
                    symbol(op, "objFifo_name").unwrap_or_default(),
                    int(op, "size").unwrap_or(1)
                );
                if name.ends_with("acquire") {
                    let ty = op
                        .result(0)
                        .map(|r| r.r#type().to_string())
                        .unwrap_or_default();
                    let res = self.result(op, None);
                    self.line(l, &format!("{res} = {head} : {ty}"));
                } else {
                    self.line(l, &head);
                }
            }
            "aie.objectfifo.subview.access" => {
                let sv = self.operand(op, 0);
                let from = op
                    .operand(0)
                    .map(|v| v.r#type().to_string())
                    .unwrap_or_default();
                let to = op
                    .result(0)
                    .map(|r| r.r#type().to_string())
                    .unwrap_or_default();
                let res = self.result(op, None);
                let i = int(op, "index").unwrap_or(0);
                self.line(l, &format!("{res} = {name} {sv}[{i}] : {from} -> {to}"));
            }
            "func.call" => {
                let args: Vec<String> = op.operands().map(|v| self.name(v)).collect();
                let types: Vec<String> = op.operands().map(|v| v.r#type().to_string()).collect();
                let text = format!(
                    "func.call {}({}) : ({}) -> ()",
                    symbol(op, "callee").unwrap_or_default(),
                    args.join(", "),
                    types.join(", ")
                );
                self.line(l, &text);
            }
            "aie.use_lock" => {
                let action = match int(op, "action") {
                    Some(0) => "Acquire",
                    Some(1) => "Release",
                    _ => "AcquireGreaterEqual",
                };
                let text = format!(
                    "aie.use_lock({}, {action}, {})",
                    self.operand(op, 0),
                    int(op, "value").unwrap_or(1)
                );
                self.line(l, &text);
            }
            "aie.runtime_sequence" => self.scoped(|p| p.runtime_sequence(op, l))?,
            "aiex.npu.dma_memcpy_nd" => {
                let mem = self.operand(op, 0);
                let ty = op
                    .operand(0)
                    .map(|v| v.r#type().to_string())
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
            }
            "aiex.npu.dma_wait" => {
                let text = format!(
                    "aiex.npu.dma_wait {{symbol = {}}}",
                    symbol(op, "symbol").unwrap_or_default()
                );
                self.line(l, &text);
            }
            "aiex.npu.sync" => {
                let f = |n: &str| int(op, n).unwrap_or(0);
                let text = format!(
                    "aiex.npu.sync {{channel = {} : i32, column = {} : i32, column_num = {} : i32, direction = {} : i32, row = {} : i32, row_num = {} : i32}}",
                    f("channel"), f("column"), f("column_num"), f("direction"), f("row"), f("row_num")
                );
                self.line(l, &text);
            }
            "aie.mem" | "aie.memtile_dma" => {
                let tile = self.operand(op, 0);
                let coords = tile
                    .rsplit('_')
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("_");
                let base = if name == "aie.mem" {
                    "mem"
                } else {
                    "memtile_dma"
                };
                let res = self.result(op, Some(format!("{base}_{coords}")));
                self.line(l, &format!("{res} = {name}({tile}) {{"));
                self.scoped(|p| p.body(op, l + 1))?;
                self.line(l, "}");
            }
            "aie.dma_start" => {
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
            }
            "aie.dma_bd" => {
                let buf = self.operand(op, 0);
                let ty = op
                    .operand(0)
                    .map(|v| v.r#type().to_string())
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
            }
            "aie.next_bd" => {
                let text = format!("aie.next_bd {}", self.successor(op, 0));
                self.line(l, &text);
            }
            "cf.br" => {
                let args: Vec<String> = op.operands().map(|v| self.name(v)).collect();
                let types: Vec<String> = op.operands().map(|v| v.r#type().to_string()).collect();
                let dest = self.successor(op, 0);
                let text = if args.is_empty() {
                    format!("cf.br {dest}")
                } else {
                    format!("cf.br {dest}({} : {})", args.join(", "), types.join(", "))
                };
                self.line(l, &text);
            }
            "cf.cond_br" => {
                let cond = self.operand(op, 0);
                let text = format!(
                    "cf.cond_br {cond}, {}, {}",
                    self.successor(op, 0),
                    self.successor(op, 1)
                );
                self.line(l, &text);
            }
            "arith.cmpi" => {
                const PREDICATES: [&str; 10] = [
                    "eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge",
                ];
                let p = int(op, "predicate")
                    .and_then(|p| PREDICATES.get(p as usize))
                    .copied()
                    .unwrap_or("eq");
                let (a, b) = (self.operand(op, 0), self.operand(op, 1));
                let ty = op
                    .operand(0)
                    .map(|v| v.r#type().to_string())
                    .unwrap_or_default();
                let res = self.result(op, None);
                self.line(l, &format!("{res} = arith.cmpi {p}, {a}, {b} : {ty}"));
            }
            "arith.addi" => {
                let (a, b) = (self.operand(op, 0), self.operand(op, 1));
                let ty = op
                    .operand(0)
                    .map(|v| v.r#type().to_string())
                    .unwrap_or_default();
                let res = self.result(op, None);
                self.line(l, &format!("{res} = arith.addi {a}, {b} : {ty}"));
            }
            "aie.switchbox" | "aie.shim_mux" => {
                let tile = self.operand(op, 0);
                let coords = tile
                    .rsplit('_')
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("_");
                let base = if name == "aie.switchbox" {
                    "switchbox"
                } else {
                    "shim_mux"
                };
                let res = self.result(op, Some(format!("{base}_{coords}")));
                self.line(l, &format!("{res} = {name}({tile}) {{"));
                self.scoped(|p| p.body(op, l + 1))?;
                self.line(l, "}");
            }
            "aie.connect" => {
                let text = format!(
                    "aie.connect<{} : {}, {} : {}>",
                    bundle_name(int(op, "source_bundle").unwrap_or(-1)),
                    int(op, "source_channel").unwrap_or(0),
                    bundle_name(int(op, "dest_bundle").unwrap_or(-1)),
                    int(op, "dest_channel").unwrap_or(0)
                );
                self.line(l, &text);
            }
            "aie.amsel" => {
                let res = self.result(op, None);
                let text = format!(
                    "{res} = aie.amsel<{}> ({})",
                    int(op, "arbiterID").unwrap_or(0),
                    int(op, "msel").unwrap_or(0)
                );
                self.line(l, &text);
            }
            "aie.masterset" => {
                let amsels: Vec<String> = op.operands().map(|v| self.name(v)).collect();
                let keep = attr(op, "keep_pkt_header")
                    .map(|a| format!(" {{keep_pkt_header = {a}}}"))
                    .unwrap_or_default();
                let res = self.result(op, None);
                let text = format!(
                    "{res} = aie.masterset({} : {}, {}){keep}",
                    bundle_name(int(op, "dest_bundle").unwrap_or(-1)),
                    int(op, "dest_channel").unwrap_or(0),
                    amsels.join(", ")
                );
                self.line(l, &text);
            }
            "aie.packet_rules" => {
                let text = format!(
                    "aie.packet_rules({} : {}) {{",
                    bundle_name(int(op, "source_bundle").unwrap_or(-1)),
                    int(op, "source_channel").unwrap_or(0)
                );
                self.line(l, &text);
                self.body(op, l + 1)?;
                self.line(l, "}");
            }
            "aie.rule" => {
                let text = format!(
                    "aie.rule({}, {}, {})",
                    int(op, "mask").unwrap_or(0),
                    int(op, "value").unwrap_or(0),
                    self.operand(op, 0)
                );
                self.line(l, &text);
            }
            "aie.wire" => {
                let text = format!(
                    "aie.wire({} : {}, {} : {})",
                    self.operand(op, 0),
                    bundle_name(int(op, "source_bundle").unwrap_or(-1)),
                    self.operand(op, 1),
                    bundle_name(int(op, "dest_bundle").unwrap_or(-1))
                );
                self.line(l, &text);
            }
            other => return Err(EmitError::Unprintable(other.to_string())),
        }
        Ok(())
    }

    fn runtime_sequence(&mut self, op: &OperationRef<'_, '_>, l: usize) -> Result<(), EmitError> {
        let body = op.region(0).ok().and_then(|r| r.first_block());
        let mut args = Vec::new();
        if let Some(b) = &body {
            for i in 0..b.argument_count() {
                if let Ok(a) = b.argument(i) {
                    let v: Value = a.into();
                    let n = self.define_arg(v);
                    args.push(format!("{n}: {}", v.r#type()));
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

    fn objectfifo(&mut self, op: &OperationRef<'_, '_>, l: usize) {
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

#[cfg(test)]
mod tests {
    use super::split_top;

    #[test]
    fn split_top_respects_brackets() {
        assert_eq!(
            split_top("[], [<size = 2, stride = 1>]"),
            vec!["[]", "[<size = 2, stride = 1>]"]
        );
        assert_eq!(split_top("[]"), vec!["[]"]);
        assert!(split_top("").is_empty());
    }
}
