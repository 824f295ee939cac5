//! The design's MLIR in MLIR's generic form written directly from the [`Design`]: the same
//! bytes as building its module (`emit/build/`) and printing it with
//! `OperationPrintingFlags::print_generic_operation_form` (`emit::generic`).
//!
//! Each op is `"name"(operands) <{properties}>? ({regions})? {attributes}? : (types) -> types`;
//! registered upstream ops (`func.func`, `arith.constant`, `func.call`) keep their inherent
//! attributes as properties, the unregistered `aie` ops keep all in the attribute dictionary,
//! sorted by name. Values are numbered the way MLIR's `SSANameState` does (mlir/lib/IR/
//! AsmPrinter.cpp): the results and block arguments of one region in op order, then its nested
//! regions, taken from a stack (so the last region pushed is numbered first), with one counter
//! for values (`%N`) and one for block arguments (`%argN`) over the whole module.
//!
//! What this writer does not know exactly makes [`generic`] return `None` (the caller then
//! builds and prints the module): what `design.rs` declines. Strings and symbols MLIR quotes or
//! escapes are written as it writes them.

use std::fmt::Write as _;

use rustc_hash::FxHashMap as HashMap;

use super::dense::dense;
use super::float::{bf16_text, f32_text};
use super::{as_i32, mlir_string as quoted};
use crate::emit::text::dims_text;
use crate::ir::{
    AcquireId, CallArg, CoreStmt, Depth, Design, DmaTarget, FifoId, FifoPort, LockAction,
    RuntimeOp, TileId,
};
use crate::types::{ArgType, Scalar};

/// Whether MLIR prints `s` bare as a symbol reference (`isBareIdentifier`).
fn bare(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'))
}

/// `@name` of a symbol: bare when MLIR prints it bare, quoted and escaped otherwise
/// (`printSymbolReference`, `printKeywordOrString`). Always `Some`.
fn sym(s: &str) -> Option<String> {
    Some(if bare(s) {
        format!("@{s}")
    } else {
        format!("@{}", quoted(s))
    })
}

/// `"s"` of a string attribute, escaped as MLIR prints it. Always `Some`.
fn string(s: &str) -> Option<String> {
    Some(quoted(s))
}

/// The values a core region holds at its own level, in op order (`u32::MAX` when more: the
/// numbering then declines).
fn own_values(stmts: &[CoreStmt]) -> u32 {
    let mut n: u32 = 0;
    for s in stmts {
        n = n.saturating_add(match s {
            CoreStmt::For { .. } | CoreStmt::Forever { .. } => 3,
            CoreStmt::Acquire { n, .. } => n.saturating_add(1),
            CoreStmt::Call { args, .. } => u32::try_from(
                args.iter()
                    .filter(|a| matches!(a, CallArg::Scalar(_)))
                    .count(),
            )
            .unwrap_or(u32::MAX),
            _ => 0,
        });
    }
    n
}

/// The loops directly inside `stmts`, in op order: each one's key and body.
fn loops(stmts: &[CoreStmt]) -> Vec<(Key, &[CoreStmt])> {
    stmts
        .iter()
        .filter_map(|s| match s {
            CoreStmt::For { body, .. } | CoreStmt::Forever { body } => {
                Some((stmt_key(s), body.as_slice()))
            }
            _ => None,
        })
        .collect()
}

/// The numbers MLIR gives a region: its first value and (for a loop) its induction variable.
#[derive(Clone, Copy, Default)]
struct Numbers {
    first_value: u32,
    arg: u32,
}

/// Numbering state: the two counters.
struct Counters {
    value: u32,
    arg: u32,
}

/// A region to number, by the address of what holds it: a core (its body, no argument) or a
/// loop statement (its body, one argument).
type Key = usize;

fn stmt_key(s: &CoreStmt) -> Key {
    s as *const CoreStmt as usize
}

fn core_key(c: &crate::ir::Core) -> Key {
    c as *const crate::ir::Core as usize
}

/// Numbers a core's regions (its body and loops) depth first from a stack, as `SSANameState`.
/// `None` when a counter would overflow.
fn number_core(
    core: &crate::ir::Core,
    c: &mut Counters,
    out: &mut HashMap<Key, Numbers>,
) -> Option<()> {
    let mut stack: Vec<(Key, &[CoreStmt], bool)> = vec![(core_key(core), &core.body, false)];
    while let Some((k, stmts, is_loop)) = stack.pop() {
        let mut n = Numbers::default();
        if is_loop {
            n.arg = c.arg;
            c.arg = c.arg.checked_add(1)?;
        }
        n.first_value = c.value;
        c.value = c.value.checked_add(own_values(stmts))?;
        out.insert(k, n);
        for (lk, l) in loops(stmts) {
            stack.push((lk, l, true));
        }
    }
    Some(())
}

struct G<'d> {
    d: &'d Design,
    out: String,
    tiles: HashMap<TileId, u32>,
    buffers: HashMap<crate::ir::BufferId, u32>,
    locks: HashMap<crate::ir::LockId, u32>,
    regions: HashMap<Key, Numbers>,
}

/// The design's MLIR in generic form, or `None` when it holds something this writer leaves to
/// MLIR.
pub(crate) fn generic(d: &Design) -> Option<String> {
    // Device-level values in op order: tiles, buffers, locks, cores.
    let mut c = Counters { value: 0, arg: 0 };
    let mut g = G {
        d,
        out: String::with_capacity(32 * 1024),
        tiles: HashMap::default(),
        buffers: HashMap::default(),
        locks: HashMap::default(),
        regions: HashMap::default(),
    };
    for (id, _) in d.tiles.iter() {
        g.tiles.insert(id, c.value);
        c.value = c.value.checked_add(1)?;
    }
    for (id, _) in d.buffers.iter() {
        g.buffers.insert(id, c.value);
        c.value = c.value.checked_add(1)?;
    }
    for (id, _) in d.locks.iter() {
        g.locks.insert(id, c.value);
        c.value = c.value.checked_add(1)?;
    }
    let mut core_values = Vec::new();
    for _ in d.cores.iter() {
        core_values.push(c.value);
        c.value = c.value.checked_add(1)?;
    }
    // The hand-written DMA programs: one region op per tile after the cores.
    let dmas = crate::lower::placed_dma::design_channels(d);
    let mut mem_values = Vec::new();
    for _ in &dmas {
        mem_values.push(c.value);
        c.value = c.value.checked_add(1)?;
    }
    // Then the regions, the last first: the runtime sequence's arguments, the DMA programs
    // backwards (one value per `dma_start`), the cores backwards.
    let seq_args = c.arg;
    if let Some(seq) = &d.runtime {
        c.arg = c.arg.checked_add(u32::try_from(seq.args.len()).ok()?)?;
    }
    let mut mem_first = vec![0u32; dmas.len()];
    for (k, chans) in dmas.values().enumerate().rev() {
        mem_first[k] = c.value;
        c.value = c.value.checked_add(u32::try_from(chans.len()).ok()?)?;
    }
    let cores: Vec<_> = d.cores.iter().map(|(_, k)| k).collect();
    for core in cores.iter().rev() {
        number_core(core, &mut c, &mut g.regions)?;
    }

    g.out.push_str("\"builtin.module\"() ({\n");
    g.out.push_str("  \"aie.device\"() ({\n");
    g.kernels()?;
    g.device_ops()?;
    for (k, core) in cores.iter().enumerate() {
        g.core(core, core_values[k])?;
    }
    for (k, (tile, chans)) in dmas.iter().enumerate() {
        g.dma_region(*tile, chans, mem_values[k], mem_first[k])?;
    }
    if let Some(seq) = &d.runtime {
        g.sequence(seq, seq_args)?;
    }
    g.out.push_str("    \"aie.end\"() : () -> ()\n");
    let _ = writeln!(
        g.out,
        "  }}) {{device = {} : i32, sym_name = \"main\"}} : () -> ()",
        d.device.enum_value()
    );
    g.out.push_str("}) : () -> ()\n");
    Some(g.out)
}

/// The text of an argument type.
fn arg_type(a: &ArgType) -> String {
    match a {
        ArgType::MemRef(m) => m.to_string(),
        ArgType::Scalar(s) => s.to_string(),
    }
}

impl G<'_> {
    fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn tile(&self, t: TileId) -> Option<u32> {
        self.tiles.get(&t).copied()
    }

    fn fifo(&self, f: FifoId) -> Option<&crate::ir::ObjectFifo> {
        self.d.fifos.get(f)
    }

    fn kernels(&mut self) -> Option<()> {
        let d = self.d;
        for (_, k) in d.kernels.iter() {
            let inputs: Vec<String> = k.args.iter().map(arg_type).collect();
            let text = format!(
                "\"func.func\"() <{{function_type = ({}) -> (), sym_name = {}, sym_visibility = \"private\"}}> ({{",
                inputs.join(", "),
                string(&k.symbol)?
            );
            self.line(2, &text);
            self.line(2, "}) : () -> ()");
        }
        Some(())
    }

    fn device_ops(&mut self) -> Option<()> {
        let d = self.d;
        for (id, t) in d.tiles.iter() {
            let text = format!(
                "%{} = \"aie.tile\"() {{col = {} : i32, row = {} : i32}} : () -> index",
                self.tile(id)?,
                as_i32(t.col)?,
                as_i32(t.row)?
            );
            self.line(2, &text);
        }
        for (_, f) in d.fifos.iter() {
            let mut operands = vec![format!("%{}", self.tile(f.producer)?)];
            for c in &f.consumers {
                operands.push(format!("%{}", self.tile(c.tile)?));
            }
            // The `aie` attributes are opaque in MLIR, printed `#aie<data>` with their data as
            // built (`emit/build/device.rs`).
            let per_consumer: Vec<String> = f
                .consumers
                .iter()
                .map(|c| dims_text(&c.dims_from_stream))
                .collect();
            let depth = match &f.depth {
                Depth::Uniform(n) => format!("{} : i32", as_i32(*n)?),
                Depth::PerEndpoint(v) => {
                    let items = v
                        .iter()
                        .map(|&n| as_i32(n).map(|n| format!("{n} : i32")))
                        .collect::<Option<Vec<_>>>()?;
                    format!("[{}]", items.join(", "))
                }
            };
            let mut attrs = format!(
                "dimensionsFromStreamPerConsumer = #aie<bd_dim_layout_array_array[{}]>, dimensionsToStream = #aie<bd_dim_layout_array{}>, disable_synchronization = false, elemNumber = {depth}, elemType = !aie.objectfifo<{}>",
                per_consumer.join(", "),
                dims_text(&f.dims_to_stream),
                f.elem
            );
            if let Some(init) = &f.init_values {
                let items = init
                    .iter()
                    .map(|v| dense(&f.elem, v).map(|s| format!("{s} : {}", f.elem)))
                    .collect::<Option<Vec<_>>>()?;
                let _ = write!(attrs, ", initValues = [{}]", items.join(", "));
            }
            attrs.push_str(", plio = false");
            if let Some(r) = f.repeat_count {
                let _ = write!(attrs, ", repeat_count = {} : i32", as_i32(r)?);
            }
            let _ = write!(
                attrs,
                ", sym_name = {}, via_DMA = {}",
                string(&f.name)?,
                f.via_dma
            );
            let types = vec!["index"; operands.len()].join(", ");
            let text = format!(
                "\"aie.objectfifo\"({}) {{{attrs}}} : ({types}) -> ()",
                operands.join(", ")
            );
            self.line(2, &text);
        }
        for link in &d.links {
            let syms = |ids: &[FifoId]| -> Option<String> {
                let v = ids
                    .iter()
                    .map(|f| sym(&self.fifo(*f)?.name))
                    .collect::<Option<Vec<_>>>()?;
                Some(format!("[{}]", v.join(", ")))
            };
            let offs = crate::emit::text::offsets_text;
            let text = format!(
                "\"aie.objectfifo.link\"() {{dst_offsets = {}, fifoIns = {}, fifoOuts = {}, src_offsets = {}}} : () -> ()",
                offs(&link.dst_offsets),
                syms(&link.inputs)?,
                syms(&link.outputs)?,
                offs(&link.src_offsets),
            );
            self.line(2, &text);
        }
        for (id, b) in d.buffers.iter() {
            let init = match &b.init {
                Some(values) => format!("initial_value = {} : {}, ", dense(&b.ty, values)?, b.ty),
                None => String::new(),
            };
            let text = format!(
                "%{} = \"aie.buffer\"(%{}) {{{init}sym_name = {}}} : (index) -> {}",
                self.buffers.get(&id)?,
                self.tile(b.tile)?,
                string(&b.name)?,
                b.ty
            );
            self.line(2, &text);
        }
        for (id, l) in d.locks.iter() {
            let lock_id = match l.id {
                Some(n) => format!("lockID = {} : i32, ", as_i32(n)?),
                None => String::new(),
            };
            let text = format!(
                "%{} = \"aie.lock\"(%{}) {{init = {} : i32, {lock_id}sym_name = {}}} : (index) -> index",
                self.locks.get(&id)?,
                self.tile(l.tile)?,
                as_i32(l.init)?,
                string(&l.name)?
            );
            self.line(2, &text);
        }
        for f in d.flows.iter() {
            let text = format!(
                "\"aie.flow\"(%{}, %{}) {{dest_bundle = {} : i32, dest_channel = {} : i32, source_bundle = {} : i32, source_channel = {} : i32}} : (index, index) -> ()",
                self.tile(f.source.tile)?,
                self.tile(f.dest.tile)?,
                f.dest.bundle.enum_value(),
                as_i32(f.dest.channel)?,
                f.source.bundle.enum_value(),
                as_i32(f.source.channel)?,
            );
            self.line(2, &text);
        }
        for p in &d.packet_flows {
            self.line(2, "\"aie.packet_flow\"() ({");
            let ends = std::iter::once(("aie.packet_source", &p.source))
                .chain(p.dests.iter().map(|e| ("aie.packet_dest", e)));
            let mut lines = Vec::new();
            for (name, e) in ends {
                lines.push(format!(
                    "\"{name}\"(%{}) {{bundle = {} : i32, channel = {} : i32}} : (index) -> ()",
                    self.tile(e.tile)?,
                    e.bundle.enum_value(),
                    as_i32(e.channel)?
                ));
            }
            for l in &lines {
                self.line(3, l);
            }
            self.line(3, "\"aie.end\"() : () -> ()");
            let flags = if p.keep_pkt_header {
                ", keep_pkt_header = true"
            } else {
                ""
            };
            let text = format!("}}) {{ID = {} : i8{flags}}} : () -> ()", p.id as i8);
            self.line(2, &text);
        }
        for (_, a) in d.shim_allocs.iter() {
            let text = format!(
                "\"aie.shim_dma_allocation\"(%{}) {{channel_dir = {} : i32, channel_index = {} : i64, plio = false, sym_name = {}}} : (index) -> ()",
                self.tile(a.tile)?,
                a.dir.enum_value(),
                a.channel,
                string(&a.name)?
            );
            self.line(2, &text);
        }
        Some(())
    }

    /// One tile's hand-written DMA programs as `aie.mem` / `aie.memtile_dma` with its blocks:
    /// per channel a `dma_start` block and the BD blocks, then the end block; each block after
    /// the entry labelled `^bbN` with MLIR's comment naming its predecessors in block order.
    fn dma_region(
        &mut self,
        tile: TileId,
        chans: &[crate::lower::physical::Channel],
        value: u32,
        first_value: u32,
    ) -> Option<()> {
        let d = self.d;
        let op = if d.tiles.get(tile).map(|t| t.kind) == Some(crate::target::TileKind::Mem) {
            "aie.memtile_dma"
        } else {
            "aie.mem"
        };
        let text = format!("%{value} = \"{op}\"(%{}) ({{", self.tile(tile)?);
        self.line(2, &text);
        // The BDs hold arena positions of the design's buffers and locks.
        let lock_values: Vec<u32> = d
            .locks
            .iter()
            .map(|(id, _)| self.locks.get(&id).copied())
            .collect::<Option<_>>()?;
        let buffer_values: Vec<(u32, String)> = d
            .buffers
            .iter()
            .map(|(id, b)| Some((self.buffers.get(&id).copied()?, b.ty.to_string())))
            .collect::<Option<_>>()?;
        // Block numbers: channel k's start block, its BDs after it, the end block last.
        let mut start = Vec::with_capacity(chans.len());
        let mut n = 0usize;
        for ch in chans {
            start.push(n);
            n = n.checked_add(1)?.checked_add(ch.bds.len())?;
        }
        let end = n;
        // Each block's successors, to list predecessors.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); end + 1];
        for (k, ch) in chans.iter().enumerate() {
            let s = start[k];
            let first = if ch.bds.is_empty() { end } else { s + 1 };
            let next = start.get(k + 1).copied().unwrap_or(end);
            preds[first].push(s);
            preds[next].push(s);
            for j in 0..ch.bds.len() {
                let succ = if j + 1 < ch.bds.len() {
                    s + 2 + j
                } else if ch.finite {
                    end
                } else {
                    s + 1 + ch.loop_target()
                };
                preds[succ].push(s + 1 + j);
            }
        }
        let label = |g: &mut Self, b: usize| {
            let mut p = preds[b].clone();
            p.sort_unstable();
            let names: Vec<String> = p.iter().map(|x| format!("^bb{x}")).collect();
            let comment = match names.len() {
                0 => "  // no predecessors".to_string(),
                1 => format!("  // pred: {}", names[0]),
                n => format!("  // {n} preds: {}", names.join(", ")),
            };
            g.line(2, &format!("^bb{b}:{comment}"));
        };
        for (k, ch) in chans.iter().enumerate() {
            let s = start[k];
            if s > 0 {
                label(self, s);
            }
            let first = if ch.bds.is_empty() { end } else { s + 1 };
            let next = start.get(k + 1).copied().unwrap_or(end);
            let v = first_value.checked_add(u32::try_from(k).ok()?)?;
            let text = format!(
                "%{v} = \"aie.dma_start\"()[^bb{first}, ^bb{next}] {{channel_dir = {} : i32, channel_index = {} : i32, repeat_count = {} : i32}} : () -> i1",
                ch.dir.enum_value(),
                as_i32(ch.index)?,
                as_i32(ch.repeat_count)?
            );
            self.line(3, &text);
            for (j, bd) in ch.bds.iter().enumerate() {
                label(self, s + 1 + j);
                if let Some((lock, n)) = bd.acquire {
                    let lock = *lock_values.get(lock)?;
                    let text = format!(
                        "\"aie.use_lock\"(%{lock}) {{action = 2 : i32, value = {} : i32}} : (index) -> ()",
                        as_i32(n)?
                    );
                    self.line(3, &text);
                }
                let (buf, ty) = buffer_values.get(bd.buffer)?;
                let dims = if bd.dims.is_empty() {
                    String::new()
                } else {
                    format!(
                        "dimensions = #aie<bd_dim_layout_array{}>, ",
                        dims_text(&bd.dims)
                    )
                };
                let id = if bd.fixed_id {
                    format!("bd_id = {} : i32, ", as_i32(bd.bd_id)?)
                } else {
                    String::new()
                };
                let text = format!(
                    "\"aie.dma_bd\"(%{buf}) {{{id}{dims}len = {} : i32, offset = {} : i32}} : ({ty}) -> ()",
                    as_i32(bd.len)?,
                    as_i32(bd.offset)?
                );
                self.line(3, &text);
                if let Some((lock, n)) = bd.release {
                    let lock = *lock_values.get(lock)?;
                    let text = format!(
                        "\"aie.use_lock\"(%{lock}) {{action = 1 : i32, value = {} : i32}} : (index) -> ()",
                        as_i32(n)?
                    );
                    self.line(3, &text);
                }
                let succ = if j + 1 < ch.bds.len() {
                    s + 2 + j
                } else if ch.finite {
                    end
                } else {
                    s + 1 + ch.loop_target()
                };
                self.line(3, &format!("\"aie.next_bd\"()[^bb{succ}] : () -> ()"));
            }
        }
        if end > 0 {
            label(self, end);
        }
        self.line(3, "\"aie.end\"() : () -> ()");
        self.line(2, "}) : (index) -> index");
        Some(())
    }

    fn core(&mut self, core: &crate::ir::Core, value: u32) -> Option<()> {
        let d = self.d;
        let object = d.core_object(core);
        let text = format!("%{value} = \"aie.core\"(%{}) ({{", self.tile(core.tile)?);
        self.line(2, &text);
        let mut objects = HashMap::default();
        self.stmts(&core.body, core_key(core), &mut objects, 3)?;
        self.line(3, "\"aie.end\"() : () -> ()");
        let link = match &object {
            Some(o) => format!("link_with = {}, ", string(o)?),
            None => String::new(),
        };
        let text = format!(
            "}}) {{{link}stack_size = {} : i32}} : (index) -> index",
            as_i32(core.stack_size)?
        );
        self.line(2, &text);
        Some(())
    }

    fn stmts(
        &mut self,
        body: &[CoreStmt],
        region: Key,
        objects: &mut HashMap<(AcquireId, u32), (u32, String)>,
        l: usize,
    ) -> Option<()> {
        let d = self.d;
        let numbers = *self.regions.get(&region)?;
        let mut next = numbers.first_value;
        let mut fresh = || {
            let v = next;
            next += 1;
            v
        };
        for s in body {
            match s {
                CoreStmt::For { body: inner, .. } | CoreStmt::Forever { body: inner } => {
                    let upper = match s {
                        CoreStmt::For { count, .. } => i64::try_from(*count).unwrap_or(i64::MAX),
                        _ => i64::MAX,
                    };
                    let mut bounds = [0u32; 3];
                    for (k, v) in [0, upper, 1].into_iter().enumerate() {
                        bounds[k] = fresh();
                        let text = format!(
                            "%{} = \"arith.constant\"() <{{value = {v} : index}}> : () -> index",
                            bounds[k]
                        );
                        self.line(l, &text);
                    }
                    let text = format!(
                        "\"scf.for\"(%{}, %{}, %{}) ({{",
                        bounds[0], bounds[1], bounds[2]
                    );
                    self.line(l, &text);
                    let iv = self.regions.get(&stmt_key(s))?.arg;
                    self.line(l, &format!("^bb0(%arg{iv}: index):"));
                    let mut inner_objects = objects.clone();
                    self.stmts(inner, stmt_key(s), &mut inner_objects, l + 1)?;
                    self.line(l + 1, "\"scf.yield\"() : () -> ()");
                    self.line(l, "}) : (index, index, index) -> ()");
                }
                CoreStmt::Acquire { id, fifo, port, n } => {
                    let f = self.fifo(*fifo)?;
                    let (name, elem) = (sym(&f.name)?, f.elem.to_string());
                    let sv = fresh();
                    let text = format!(
                        "%{sv} = \"aie.objectfifo.acquire\"() {{objFifo_name = {name}, port = {} : i32, size = {} : i32}} : () -> !aie.objectfifosubview<{elem}>",
                        port_value(*port),
                        as_i32(*n)?
                    );
                    self.line(l, &text);
                    for i in 0..*n {
                        let o = fresh();
                        let text = format!(
                            "%{o} = \"aie.objectfifo.subview.access\"(%{sv}) {{index = {i} : i32}} : (!aie.objectfifosubview<{elem}>) -> {elem}"
                        );
                        self.line(l, &text);
                        objects.insert((*id, i), (o, elem.clone()));
                    }
                }
                CoreStmt::Release { fifo, port, n } => {
                    let name = sym(&self.fifo(*fifo)?.name)?;
                    let text = format!(
                        "\"aie.objectfifo.release\"() {{objFifo_name = {name}, port = {} : i32, size = {} : i32}} : () -> ()",
                        port_value(*port),
                        as_i32(*n)?
                    );
                    self.line(l, &text);
                }
                CoreStmt::Call { kernel, args } => {
                    let k = d.kernels.get(*kernel)?;
                    let mut names = Vec::with_capacity(args.len());
                    let mut types = Vec::with_capacity(args.len());
                    for a in args {
                        match a {
                            CallArg::Object { acquire, index, .. } => {
                                let (v, t) = objects.get(&(*acquire, *index))?;
                                names.push(format!("%{v}"));
                                types.push(t.clone());
                            }
                            CallArg::Buffer(b) => {
                                names.push(format!("%{}", self.buffers.get(b)?));
                                types.push(d.buffers.get(*b)?.ty.to_string());
                            }
                            CallArg::Scalar(s) => {
                                let (text, ty) = constant(*s)?;
                                let v = fresh();
                                self.line(
                                    l,
                                    &format!(
                                        "%{v} = \"arith.constant\"() <{{value = {text}}}> : () -> {ty}"
                                    ),
                                );
                                names.push(format!("%{v}"));
                                types.push(ty.to_string());
                            }
                        }
                    }
                    let text = format!(
                        "\"func.call\"({}) <{{callee = {}}}> : ({}) -> ()",
                        names.join(", "),
                        sym(&k.symbol)?,
                        types.join(", ")
                    );
                    self.line(l, &text);
                }
                CoreStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    let action = match action {
                        LockAction::Release => 1,
                        LockAction::AcquireGreaterEqual => 2,
                    };
                    let text = format!(
                        "\"aie.use_lock\"(%{}) {{action = {action} : i32, value = {} : i32}} : (index) -> ()",
                        self.locks.get(lock)?,
                        as_i32(*value)?
                    );
                    self.line(l, &text);
                }
            }
        }
        Some(())
    }

    fn sequence(&mut self, seq: &crate::ir::RuntimeSequence, first_arg: u32) -> Option<()> {
        let d = self.d;
        self.line(2, "\"aie.runtime_sequence\"() ({");
        let heads: Vec<String> = seq
            .args
            .iter()
            .enumerate()
            .map(|(k, ty)| format!("%arg{}: {ty}", first_arg + k as u32))
            .collect();
        // An entry block without arguments gets no label.
        if !heads.is_empty() {
            self.line(2, &format!("^bb0({}):", heads.join(", ")));
        }
        let target = |t: &DmaTarget| -> Option<String> {
            match t {
                DmaTarget::Fifo(f) => sym(&d.fifos.get(*f)?.name),
                DmaTarget::Alloc(a) => sym(&d.shim_allocs.get(*a)?.name),
            }
        };
        let list = |v: &[i64; 4]| format!("{}, {}, {}, {}", v[0], v[1], v[2], v[3]);
        for op in &seq.ops {
            let text = match op {
                RuntimeOp::Dma(t) => {
                    let k = t.arg.0 as usize;
                    let ty = seq.args.get(k)?;
                    let token = if t.issue_token {
                        "issue_token = true, "
                    } else {
                        ""
                    };
                    format!(
                        "\"aiex.npu.dma_memcpy_nd\"(%arg{}) {{id = {} : i64, {token}metadata = {}, operandSegmentSizes = array<i32: 1, 0, 0, 0>, static_offsets = array<i64: {}>, static_sizes = array<i64: {}>, static_strides = array<i64: {}>}} : ({ty}) -> ()",
                        first_arg + k as u32,
                        t.bd_id.unwrap_or(0),
                        target(&t.target)?,
                        list(&t.offsets),
                        list(&t.sizes),
                        list(&t.strides),
                    )
                }
                RuntimeOp::Wait(t) => {
                    format!("\"aiex.npu.dma_wait\"() {{symbol = {}}} : () -> ()", target(t)?)
                }
                RuntimeOp::Sync {
                    column,
                    row,
                    dir,
                    channel,
                } => format!(
                    "\"aiex.npu.sync\"() {{channel = {} : i32, column = {} : i32, column_num = 1 : i32, direction = {} : i32, row = {} : i32, row_num = 1 : i32}} : () -> ()",
                    as_i32(*channel)?,
                    as_i32(*column)?,
                    dir.enum_value(),
                    as_i32(*row)?
                ),
            };
            self.line(3, &text);
        }
        self.line(2, "}) {sym_name = \"sequence\"} : () -> ()");
        Some(())
    }
}

/// The `port` attribute: 0 produce, 1 consume.
fn port_value(p: FifoPort) -> u32 {
    match p {
        FifoPort::Produce => 0,
        FifoPort::Consume => 1,
    }
}

/// The text of a kernel constant's value attribute and its type; `None` for a float MLIR would
/// print in another notation.
fn constant(s: Scalar) -> Option<(String, &'static str)> {
    Some(match s {
        Scalar::I8(v) => (format!("{v} : i8"), "i8"),
        Scalar::I16(v) => (format!("{v} : i16"), "i16"),
        Scalar::I32(v) => (format!("{v} : i32"), "i32"),
        Scalar::F32(v) => (format!("{} : f32", f32_text(v)?), "f32"),
        Scalar::Bf16(b) => (format!("{} : bf16", bf16_text(b)?), "bf16"),
    })
}
