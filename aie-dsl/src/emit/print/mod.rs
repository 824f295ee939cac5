//! Prints a module in the custom assembly of mlir-aie at 5ff2ab97d (what `aie-opt` prints and
//! what its tests and examples are written in).
//!
//! MLIR can only print unregistered operations in generic form, and the `aie` dialect is not
//! registered in-process. This printer walks the operations of the verified module and writes
//! each one in its custom syntax (the ops' `assemblyFormat` in mlir-aie's include/aie/Dialect/AIE/IR/AIEOps.td); types and attributes are
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

mod attrs;
mod core;
mod device;
mod dma;
mod routing;
mod runtime;

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
    /// What `unique` changed in `taken` (key, earlier value), so a scope can undo it.
    taken_log: Vec<(String, Option<u32>)>,
    /// Types as MLIR prints them, by their (uniqued) pointer: printing a type through MLIR
    /// costs thousands of instructions, and a module repeats a few types many times.
    types: std::cell::RefCell<HashMap<usize, String>>,
    next_value: u32,
    next_arg: u32,
    device: Option<Device>,
    blocks: HashMap<usize, String>,
}

fn key(v: Value<'_, '_>) -> usize {
    v.to_raw().ptr as usize
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

    /// The text of type `t`.
    fn ty(&self, t: melior::ir::Type<'_>) -> String {
        let key = t.to_raw().ptr as usize;
        self.types
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| t.to_string())
            .clone()
    }

    /// Sets `taken[key]`, remembering the earlier value for [`Printer::scoped`].
    fn take(&mut self, key: String, value: u32) {
        let before = self.taken.insert(key.clone(), value);
        self.taken_log.push((key, before));
    }

    fn unique(&mut self, base: String) -> String {
        if !self.taken.contains_key(&base) {
            self.take(base.clone(), 0);
            return base;
        }
        loop {
            let n = self.taken.get(&base).copied().unwrap_or(0);
            self.take(base.clone(), n + 1);
            let candidate = format!("{base}_{n}");
            if !self.taken.contains_key(&candidate) {
                self.take(candidate.clone(), 0);
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
        let saved = (self.taken_log.len(), self.next_value, self.next_arg);
        self.next_value = 0;
        self.next_arg = 0;
        let r = f(self);
        // Undo the names taken inside, newest first.
        while self.taken_log.len() > saved.0 {
            if let Some((key, before)) = self.taken_log.pop() {
                match before {
                    Some(v) => self.taken.insert(key, v),
                    None => self.taken.remove(&key),
                };
            }
        }
        (self.next_value, self.next_arg) = (saved.1, saved.2);
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
                        args.push(format!("{n}: {}", self.ty(v.r#type())));
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

    /// The tile operand of `op` and its `C_R` suffix (`%mem_tile_0_1` → `0_1`).
    fn tile_operand(&self, op: &OperationRef<'_, '_>) -> (String, String) {
        let tile = self.operand(op, 0);
        let mut parts: Vec<&str> = tile.rsplit('_').take(2).collect();
        parts.reverse();
        let coords = parts.join("_");
        (tile, coords)
    }

    /// `%<base>_<C>_<R> = <name>(%tile) { … }`: an op on a tile whose region holds its body.
    fn tile_region(
        &mut self,
        op: &OperationRef<'_, '_>,
        l: usize,
        name: &str,
        base: &str,
    ) -> Result<(), EmitError> {
        let (tile, coords) = self.tile_operand(op);
        let res = self.result(op, Some(format!("{base}_{coords}")));
        self.line(l, &format!("{res} = {name}({tile}) {{"));
        self.scoped(|p| p.body(op, l + 1))?;
        self.line(l, "}");
        Ok(())
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
            "aie.device" => self.print_device(op, l)?,
            "aie.tile" => self.print_tile(op, l)?,
            "func.func" => self.print_func_func(op, l)?,
            "aie.objectfifo" => self.print_objectfifo(op, l)?,
            "aie.objectfifo.link" => self.print_objectfifo_link(op, l)?,
            "aie.buffer" => self.print_buffer(op, l)?,
            "aie.lock" => self.print_lock(op, l)?,
            "aie.flow" => self.print_flow(op, l)?,
            "aie.packet_flow" => self.print_packet_flow(op, l)?,
            "aie.packet_source" | "aie.packet_dest" => self.print_packet_source(op, l, &name)?,
            "aie.shim_dma_allocation" => self.print_shim_dma_allocation(op, l)?,
            "aie.core" => self.print_core(op, l)?,
            "arith.constant" => self.print_arith_constant(op, l)?,
            "scf.for" => self.print_scf_for(op, l)?,
            "aie.objectfifo.acquire" | "aie.objectfifo.release" => {
                self.print_objectfifo_acquire(op, l, &name)?
            }
            "aie.objectfifo.subview.access" => {
                self.print_objectfifo_subview_access(op, l, &name)?
            }
            "func.call" => self.print_func_call(op, l)?,
            "aie.use_lock" => self.print_use_lock(op, l)?,
            "aie.runtime_sequence" => self.print_runtime_sequence(op, l)?,
            "aiex.npu.dma_memcpy_nd" => self.print_npu_dma_memcpy_nd(op, l)?,
            "aiex.npu.dma_wait" => self.print_npu_dma_wait(op, l)?,
            "aiex.npu.sync" => self.print_npu_sync(op, l)?,
            "aie.mem" | "aie.memtile_dma" => self.print_mem(op, l, &name)?,
            "aie.dma_start" => self.print_dma_start(op, l)?,
            "aie.dma_bd" => self.print_dma_bd(op, l)?,
            "aie.next_bd" => self.print_next_bd(op, l)?,
            "cf.br" => self.print_cf_br(op, l)?,
            "cf.cond_br" => self.print_cf_cond_br(op, l)?,
            "arith.cmpi" => self.print_arith_cmpi(op, l)?,
            "arith.addi" => self.print_arith_addi(op, l)?,
            "aie.switchbox" | "aie.shim_mux" => self.print_switchbox(op, l, &name)?,
            "aie.connect" => self.print_connect(op, l)?,
            "aie.amsel" => self.print_amsel(op, l)?,
            "aie.masterset" => self.print_masterset(op, l)?,
            "aie.packet_rules" => self.print_packet_rules(op, l)?,
            "aie.rule" => self.print_rule(op, l)?,
            "aie.wire" => self.print_wire(op, l)?,
            other => return Err(EmitError::Unprintable(other.to_string())),
        }
        Ok(())
    }
}
