//! The design's MLIR (before lowering) written directly as text from the [`Design`]: the same
//! bytes as building its module (`emit/build/`) and printing it in custom assembly
//! (`emit/print/`), without an MLIR context.
//!
//! The ops come in the builder's order (`ModuleBuilder::build`: kernel declarations, tiles,
//! ObjectFIFOs, links, buffers, locks, hand-placed flows, packet flows, shim DMA allocations,
//! cores, hand-written DMA programs, the runtime sequence); their text is what the printer makes of them, value names made
//! unique the same way (`Writer::unique`). Cores keep their `scf.for` loops here (no
//! `convert-scf-to-cf` on the design's module): the loop's index constants go right before it,
//! and its induction variable and the values inside share the core's scope.
//!
//! What this writer does not know exactly makes [`design`] return `None` and the caller builds
//! the module instead: an initial value its element type does not hold (validation refuses
//! it; see `dense.rs`), a reference to something the design does not hold (none in a validated
//! design). Attributes above `i32::MAX` print negative, NaNs quiet, as MLIR prints them. Tests
//! compare both ways on every design and on random ones (`aie-dsl/tests/design_direct.rs`,
//! `designs/tests/design_direct.rs`).

use rustc_hash::FxHashMap as HashMap;

use super::dense::dense;
use super::float::{bf16_text, f32_text};
use super::{as_i32, coords_suffix, Writer};
use crate::ir::{
    AcquireId, CallArg, CoreStmt, Depth, Design, DmaTarget, FifoId, FifoPort, LockAction,
    RuntimeOp, RuntimeSequence, TileId,
};
use crate::target::TileKind;
use crate::types::Scalar;

/// The design's MLIR in mlir-aie's custom assembly, or `None` when it holds something this
/// writer leaves to MLIR.
pub(crate) fn design(design: &Design) -> Option<String> {
    let mut w = Writer::new(design);
    w.out.push_str("module {\n");
    w.line(
        1,
        format_args!("aie.device({}) {{", design.device.keyword()),
    );
    w.kernel_decls(2);
    let tiles = w.design_tiles(2)?;
    let mut d = DesignWriter { w, tiles };
    d.fifos(2)?;
    d.links(2)?;
    let buffers = d.buffers(2)?;
    let locks = d.locks(2)?;
    d.routing(2)?;
    d.cores(&buffers, &locks, 2)?;
    d.dma_programs(&buffers, &locks, 2)?;
    if let Some(seq) = &design.runtime {
        d.w.scoped(|w| sequence(w, seq, 2))?;
    }
    d.w.line_str(1, "}");
    d.w.out.push_str("}\n");
    Some(d.w.out)
}

/// Whether MLIR prints `s` as a bare symbol or keyword (`isBareIdentifier` in
/// mlir/lib/IR/AsmPrinter.cpp): a letter or `_`, then letters, digits, `_`, `$` and `.`.
fn bare(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'))
}

/// The writer with the names of the design's tiles.
struct DesignWriter<'d> {
    w: Writer<'d>,
    tiles: HashMap<TileId, String>,
}

/// The name of a FIFO as a symbol reference, `None` for a missing FIFO.
fn fifo_name(d: &Design, f: FifoId) -> Option<&str> {
    d.fifos.get(f).map(|f| f.name.as_str())
}

/// A FIFO's value of `port` in acquire and release: 0 produce, 1 consume.
fn port_keyword(p: FifoPort) -> &'static str {
    match p {
        FifoPort::Produce => "Produce",
        FifoPort::Consume => "Consume",
    }
}

impl Writer<'_> {
    /// One `aie.tile` per tile of the design (no controller ids before lowering).
    fn design_tiles(&mut self, l: usize) -> Option<HashMap<TileId, String>> {
        let d = self.design;
        let mut names = HashMap::default();
        for (id, t) in d.tiles.iter() {
            let base = match d.device.kind_of_row(t.row) {
                Some(TileKind::Shim) => format!("shim_noc_tile_{}_{}", t.col, t.row),
                Some(TileKind::Mem) => format!("mem_tile_{}_{}", t.col, t.row),
                _ => format!("tile_{}_{}", t.col, t.row),
            };
            let (col, row) = (as_i32(t.col)?, as_i32(t.row)?);
            let name = self.named(base);
            self.line(l, format_args!("{name} = aie.tile({col}, {row})"));
            names.insert(id, name);
        }
        Some(names)
    }
}

impl DesignWriter<'_> {
    fn tile(&self, t: TileId) -> Option<&str> {
        self.tiles.get(&t).map(String::as_str)
    }

    /// The hand-written DMA programs, one `aie.mem` / `aie.memtile_dma` per tile, as the user
    /// wrote them (the same regions as the physical design's, without BD ids).
    fn dma_programs(
        &mut self,
        buffers: &HashMap<crate::ir::BufferId, String>,
        locks: &HashMap<crate::ir::LockId, String>,
        l: usize,
    ) -> Option<()> {
        let d = self.w.design;
        if d.dma_programs.is_empty() {
            return Some(());
        }
        let buffer_names: Vec<String> = d
            .buffers
            .iter()
            .map(|(id, _)| buffers.get(&id).cloned())
            .collect::<Option<_>>()?;
        let types: Vec<&crate::types::MemRefType> = d.buffers.iter().map(|(_, b)| &b.ty).collect();
        let lock_names: Vec<String> = d
            .locks
            .iter()
            .map(|(id, _)| locks.get(&id).cloned())
            .collect::<Option<_>>()?;
        let refs = super::dma::BdRefs {
            buffers: &buffer_names,
            types: &types,
            locks: &lock_names,
            with_ids: false,
        };
        let dmas = crate::lower::placed_dma::design_channels(d);
        let tiles = &self.tiles;
        self.w
            .dma_regions(&dmas, |t| tiles.get(&t).cloned(), &refs, l)
    }

    /// `aie.objectfifo @name(producer dims, {consumers dims}, depth) {flags} : type = [init]`.
    fn fifos(&mut self, l: usize) -> Option<()> {
        let d = self.w.design;
        for (_, f) in d.fifos.iter() {
            let mut text = format!("aie.objectfifo @{}({}", f.name, self.tile(f.producer)?);
            if !f.dims_to_stream.is_empty() {
                text.push_str(" dimensionsToStream ");
                text.push_str(&crate::emit::text::dims_text(&f.dims_to_stream));
            }
            text.push_str(", {");
            for (k, c) in f.consumers.iter().enumerate() {
                if k > 0 {
                    text.push_str(", ");
                }
                text.push_str(self.tile(c.tile)?);
                if !c.dims_from_stream.is_empty() {
                    text.push_str(" dimensionsFromStream ");
                    text.push_str(&crate::emit::text::dims_text(&c.dims_from_stream));
                }
            }
            text.push_str("}, ");
            match &f.depth {
                Depth::Uniform(n) => {
                    text.push_str(&format!("{} : i32", as_i32(*n)?));
                }
                Depth::PerEndpoint(v) => {
                    let items = v
                        .iter()
                        .map(|&n| as_i32(n).map(|n| n.to_string()))
                        .collect::<Option<Vec<_>>>()?;
                    text.push_str(&format!("[{}]", items.join(", ")));
                }
            }
            text.push(')');
            let mut extra = Vec::new();
            if let Some(r) = f.repeat_count {
                extra.push(format!("repeat_count = {} : i32", as_i32(r)?));
            }
            if f.via_dma {
                extra.push("via_DMA = true".to_string());
            }
            if !extra.is_empty() {
                text.push_str(&format!(" {{{}}}", extra.join(", ")));
            }
            text.push_str(&format!(" : !aie.objectfifo<{}>", f.elem));
            if let Some(init) = &f.init_values {
                let items = init
                    .iter()
                    .map(|v| dense(&f.elem, v).map(|s| format!("{s} : {}", f.elem)))
                    .collect::<Option<Vec<_>>>()?;
                text.push_str(&format!(" = [{}]", items.join(", ")));
            }
            self.w.line_str(l, &text);
        }
        Some(())
    }

    /// `aie.objectfifo.link [@in…] -> [@out…] ([src offsets] [dst offsets])`.
    fn links(&mut self, l: usize) -> Option<()> {
        let d = self.w.design;
        for link in &d.links {
            let syms = |ids: &[FifoId]| -> Option<String> {
                let v = ids
                    .iter()
                    .map(|f| {
                        let n = fifo_name(d, *f)?;
                        bare(n).then(|| format!("@{n}"))
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(format!("[{}]", v.join(", ")))
            };
            let offs = crate::emit::text::offsets_text;
            let text = format!(
                "aie.objectfifo.link {} -> {} ({} {})",
                syms(&link.inputs)?,
                syms(&link.outputs)?,
                offs(&link.src_offsets),
                offs(&link.dst_offsets),
            );
            self.w.line_str(l, &text);
        }
        Some(())
    }

    /// `%name = aie.buffer(tile) {sym_name = "name"} : type = dense<…>`; returns the names.
    fn buffers(&mut self, l: usize) -> Option<HashMap<crate::ir::BufferId, String>> {
        let d = self.w.design;
        let mut names = HashMap::default();
        for (id, b) in d.buffers.iter() {
            let init = match &b.init {
                Some(values) => format!(" = {}", dense(&b.ty, values)?),
                None => String::new(),
            };
            let tile = self.tile(b.tile)?.to_string();
            let name = self.w.named(b.name.clone());
            self.w.line(
                l,
                format_args!(
                    "{name} = aie.buffer({tile}) {{sym_name = \"{}\"}} : {}{init}",
                    b.name, b.ty
                ),
            );
            names.insert(id, name);
        }
        Some(names)
    }

    /// `%name = aie.lock(tile, id) {init = n : i32, sym_name = "name"}`; returns the names.
    fn locks(&mut self, l: usize) -> Option<HashMap<crate::ir::LockId, String>> {
        let d = self.w.design;
        let mut names = HashMap::default();
        for (id, lk) in d.locks.iter() {
            let tile = self.tile(lk.tile)?.to_string();
            let lock_id = match lk.id {
                Some(n) => format!(", {}", as_i32(n)?),
                None => String::new(),
            };
            let init = as_i32(lk.init)?;
            let name = self.w.named(lk.name.clone());
            self.w.line(
                l,
                format_args!(
                    "{name} = aie.lock({tile}{lock_id}) {{init = {init} : i32, sym_name = \"{}\"}}",
                    lk.name
                ),
            );
            names.insert(id, name);
        }
        Some(names)
    }

    /// The hand-placed flows, packet flows and shim DMA allocations.
    fn routing(&mut self, l: usize) -> Option<()> {
        let d = self.w.design;
        for f in d.flows.iter() {
            let text = format!(
                "aie.flow({}, {} : {}, {}, {} : {})",
                self.tile(f.source.tile)?,
                f.source.bundle.keyword(),
                as_i32(f.source.channel)?,
                self.tile(f.dest.tile)?,
                f.dest.bundle.keyword(),
                as_i32(f.dest.channel)?,
            );
            self.w.line_str(l, &text);
        }
        for p in &d.packet_flows {
            let mut lines = Vec::with_capacity(1 + p.dests.len());
            lines.push(format!(
                "aie.packet_source<{}, {} : {}>",
                self.tile(p.source.tile)?,
                p.source.bundle.keyword(),
                as_i32(p.source.channel)?
            ));
            for dst in &p.dests {
                lines.push(format!(
                    "aie.packet_dest<{}, {} : {}>",
                    self.tile(dst.tile)?,
                    dst.bundle.keyword(),
                    as_i32(dst.channel)?
                ));
            }
            self.w
                .line(l, format_args!("aie.packet_flow({}) {{", p.id as i8));
            for t in &lines {
                self.w.line_str(l + 1, t);
            }
            if p.keep_pkt_header {
                self.w.line_str(l, "} {keep_pkt_header = true}");
            } else {
                self.w.line_str(l, "}");
            }
        }
        for (_, a) in d.shim_allocs.iter() {
            let tile = self.tile(a.tile)?.to_string();
            self.w
                .shim_alloc(&a.name, &tile, a.dir, i64::from(a.channel), l);
        }
        Some(())
    }

    /// One `aie.core` per core, with its program.
    fn cores(
        &mut self,
        buffers: &HashMap<crate::ir::BufferId, String>,
        locks: &HashMap<crate::ir::LockId, String>,
        l: usize,
    ) -> Option<()> {
        let d = self.w.design;
        for (_, core) in d.cores.iter() {
            let object = d.core_object(core);
            let tile = self.tile(core.tile)?.to_string();
            let res = self.w.named(format!("core_{}", coords_suffix(&tile)));
            self.w.line(l, format_args!("{res} = aie.core({tile}) {{"));
            let env = Env { buffers, locks };
            self.w.scoped(|w| {
                let mut objects = HashMap::default();
                stmts(w, &env, &core.body, &mut objects, l + 1)?;
                w.line_str(l + 1, "aie.end");
                Some(())
            })?;
            let mut attrs = Vec::new();
            if let Some(o) = &object {
                attrs.push(format!("link_with = {}", super::mlir_string(o)));
            }
            if core.stack_size != crate::target::NPU1.default_stack_bytes {
                attrs.push(format!("stack_size = {} : i32", as_i32(core.stack_size)?));
            }
            if attrs.is_empty() {
                self.w.line_str(l, "}");
            } else {
                self.w.line(l, format_args!("}} {{{}}}", attrs.join(", ")));
            }
        }
        Some(())
    }
}

/// The names of the design's buffers and locks, for the cores' statements.
struct Env<'m> {
    buffers: &'m HashMap<crate::ir::BufferId, String>,
    locks: &'m HashMap<crate::ir::LockId, String>,
}

/// `%c… = arith.constant v : index`.
fn index_const(w: &mut Writer<'_>, v: i64, l: usize) -> String {
    let name = w.named(format!("c{v}"));
    w.line(l, format_args!("{name} = arith.constant {v} : index"));
    name
}

/// The name base and the text of a kernel constant (`c7_i32` / `7 : i32`, `cst` /
/// `1.000000e+00 : f32`); `None` for a float MLIR would print in another notation.
fn constant(s: Scalar) -> Option<(String, String)> {
    let (v, ty) = match s {
        Scalar::I8(v) => (i64::from(v), "i8"),
        Scalar::I16(v) => (i64::from(v), "i16"),
        Scalar::I32(v) => (i64::from(v), "i32"),
        Scalar::F32(v) => return Some(("cst".into(), format!("{} : f32", f32_text(v)?))),
        Scalar::Bf16(b) => return Some(("cst".into(), format!("{} : bf16", bf16_text(b)?))),
    };
    Some((format!("c{v}_{ty}"), format!("{v} : {ty}")))
}

/// A core's statements at `l`; `objects` names the acquired objects in scope.
fn stmts(
    w: &mut Writer<'_>,
    env: &Env<'_>,
    body: &[CoreStmt],
    objects: &mut HashMap<(AcquireId, u32), (String, String)>,
    l: usize,
) -> Option<()> {
    let d = w.design;
    for s in body {
        match s {
            CoreStmt::For { body, .. } | CoreStmt::Forever { body } => {
                let upper = match s {
                    CoreStmt::For { count, .. } => i64::try_from(*count).unwrap_or(i64::MAX),
                    _ => i64::MAX,
                };
                let lb = index_const(w, 0, l);
                let ub = index_const(w, upper, l);
                let step = index_const(w, 1, l);
                let iv = w.arg();
                w.line(
                    l,
                    format_args!("scf.for {iv} = {lb} to {ub} step {step} {{"),
                );
                let mut inner = objects.clone();
                stmts(w, env, body, &mut inner, l + 1)?;
                w.line_str(l, "}");
            }
            CoreStmt::Acquire { id, fifo, port, n } => {
                let f = d.fifos.get(*fifo)?;
                let sv = w.fresh();
                w.line(
                    l,
                    format_args!(
                        "{sv} = aie.objectfifo.acquire @{}({}, {}) : !aie.objectfifosubview<{}>",
                        f.name,
                        port_keyword(*port),
                        as_i32(*n)?,
                        f.elem
                    ),
                );
                for i in 0..*n {
                    let o = w.fresh();
                    w.line(
                        l,
                        format_args!(
                            "{o} = aie.objectfifo.subview.access {sv}[{i}] : !aie.objectfifosubview<{}> -> {}",
                            f.elem, f.elem
                        ),
                    );
                    objects.insert((*id, i), (o, f.elem.to_string()));
                }
            }
            CoreStmt::Release { fifo, port, n } => {
                let name = fifo_name(d, *fifo)?;
                w.line(
                    l,
                    format_args!(
                        "aie.objectfifo.release @{name}({}, {})",
                        port_keyword(*port),
                        as_i32(*n)?
                    ),
                );
            }
            CoreStmt::Call { kernel, args } => {
                let k = d.kernels.get(*kernel)?;
                let mut names = Vec::with_capacity(args.len());
                let mut types = Vec::with_capacity(args.len());
                for a in args {
                    match a {
                        CallArg::Object { acquire, index, .. } => {
                            let (n, t) = objects.get(&(*acquire, *index))?;
                            names.push(n.clone());
                            types.push(t.clone());
                        }
                        CallArg::Buffer(b) => {
                            names.push(env.buffers.get(b)?.clone());
                            types.push(d.buffers.get(*b)?.ty.to_string());
                        }
                        CallArg::Scalar(s) => {
                            let (base, text) = constant(*s)?;
                            let n = w.named(base);
                            w.line(l, format_args!("{n} = arith.constant {text}"));
                            names.push(n);
                            types.push(s.ty().to_string());
                        }
                    }
                }
                w.line(
                    l,
                    format_args!(
                        "func.call @{}({}) : ({}) -> ()",
                        k.symbol,
                        names.join(", "),
                        types.join(", ")
                    ),
                );
            }
            CoreStmt::UseLock {
                lock,
                action,
                value,
            } => {
                let name = env.locks.get(lock)?;
                let action = match action {
                    LockAction::Release => "Release",
                    LockAction::AcquireGreaterEqual => "AcquireGreaterEqual",
                };
                w.line(
                    l,
                    format_args!("aie.use_lock({name}, {action}, {})", as_i32(*value)?),
                );
            }
        }
    }
    Some(())
}

/// The runtime sequence as the design writes it: FIFOs named by themselves (the ObjectFIFO
/// transform has not renamed them to their shim allocations yet).
fn sequence(w: &mut Writer<'_>, seq: &RuntimeSequence, l: usize) -> Option<()> {
    let d = w.design;
    let target = |t: &DmaTarget| -> Option<&str> {
        match t {
            DmaTarget::Fifo(f) => fifo_name(d, *f),
            DmaTarget::Alloc(a) => d.shim_allocs.get(*a).map(|a| a.name.as_str()),
        }
    };
    let args = w.sequence_head(seq, l);
    let list = |v: &[i64; 4]| format!("[{}, {}, {}, {}]", v[0], v[1], v[2], v[3]);
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
                w.line(
                    l + 1,
                    format_args!(
                        "aiex.npu.dma_memcpy_nd({arg}{}{}{}) {{id = {} : i64, {token}metadata = @{}}} : {ty}",
                        list(&t.offsets),
                        list(&t.sizes),
                        list(&t.strides),
                        t.bd_id.unwrap_or(0),
                        target(&t.target)?
                    ),
                );
            }
            RuntimeOp::Wait(t) => {
                w.line(
                    l + 1,
                    format_args!("aiex.npu.dma_wait {{symbol = @{}}}", target(t)?),
                );
            }
            RuntimeOp::Sync {
                column,
                row,
                dir,
                channel,
            } => {
                let (channel, column, row) = (as_i32(*channel)?, as_i32(*column)?, as_i32(*row)?);
                w.line(l + 1, format_args!(
                    "aiex.npu.sync {{channel = {channel} : i32, column = {column} : i32, column_num = 1 : i32, direction = {} : i32, row = {row} : i32, row_num = 1 : i32}}",
                    dir.enum_value()
                ));
            }
        }
    }
    w.line_str(l, "}");
    Some(())
}
