//! The physical MLIR written directly as text from the lowered design, without building an MLIR
//! module: the same bytes as building the module (`emit::physical`), running MLIR's
//! `convert-scf-to-cf` on it and printing it with our custom-assembly printer (`emit::print`).
//!
//! The order of the ops follows `emit/physical/mod.rs` (tiles, locks, buffers, kept flows,
//! packet flows and the design's shim allocations, the column control overlay, cores, the
//! runtime sequence, the lowering's shim allocations, DMA programs, routing); their text follows
//! `emit/print/` (value names made unique the way its `Printer::unique` does, names of unnamed
//! values and block arguments numbered per region, attributes in the order it prints them). The
//! cores are written in the control-flow form `convert-scf-to-cf` makes of their loops (see
//! `core.rs`).
//!
//! What this writer does not know exactly — an initial value its element type does not hold
//! (validation refuses it), two tiles at one place, a reference to something missing (neither
//! in a validated, lowered design) — makes [`physical`] return `None`, and the caller goes
//! through MLIR instead. Tests compare both ways on every design and on random ones
//! (`aie-dsl/tests/physical_direct.rs`).
//!
//! `design.rs` and `generic.rs` write the design's MLIR before lowering (both texts of
//! `emit::emit`: custom assembly and MLIR's generic form) the same way, from the design alone.

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;

use crate::ir::Design;
use crate::lower::physical::Physical;

mod core;
mod dense;
mod design;
mod device;
mod dma;
pub(crate) mod float;
mod generic;
mod routing;
mod runtime;

pub(crate) use design::design;
pub(crate) use generic::generic;

/// The physical MLIR text of `design`, or `None` when it holds something this writer leaves to
/// MLIR.
pub(crate) fn physical(design: &Design, phys: &Physical) -> Option<String> {
    let mut w = Writer::new(design);
    w.out.push_str("module {\n");
    w.line(
        1,
        format_args!("aie.device({}) {{", design.device.keyword()),
    );
    w.kernel_decls(2);
    let tiles = w.tiles(phys, 2)?;
    w.locks(phys, &tiles, 2)?;
    w.buffers(phys, &tiles, 2)?;
    w.kept_flows(phys, &tiles, 2)?;
    w.hand_placed(&tiles, 2)?;
    w.control_overlay(&tiles, 2)?;
    w.cores(phys, &tiles, 2)?;
    if let Some(seq) = &design.runtime {
        w.runtime_sequence(seq, 2)?;
    }
    for a in &phys.shim_allocs {
        let t = tiles.of(design, a.tile)?;
        w.shim_alloc(&a.name, t, a.dir, i64::from(a.channel), 2);
    }
    w.dma_programs(phys, &tiles, 2)?;
    w.routing(&phys.routing, &tiles, 2)?;
    w.line_str(1, "}");
    w.out.push_str("}\n");
    Some(w.out)
}

/// The printed names of the tiles, by (column, row).
pub(super) struct Tiles(HashMap<(u32, u32), String>);

impl Tiles {
    /// The name of the design's tile `t`.
    fn of(&self, d: &Design, t: crate::ir::TileId) -> Option<&str> {
        self.at(d.coords(t)?)
    }

    /// The name of the tile at `c`.
    fn at(&self, c: (u32, u32)) -> Option<&str> {
        self.0.get(&c).map(String::as_str)
    }
}

/// The text being written and the names taken so far, as `emit::print`'s printer keeps them.
struct Writer<'d> {
    design: &'d Design,
    out: String,
    /// Names taken, each with the next suffix to try (`Printer::taken`).
    taken: HashMap<String, u32>,
    /// What to undo at the end of each open scope: a key and its value before.
    undo: Vec<Vec<(String, Option<u32>)>>,
    /// Next number of an unnamed value (`%0`, `%1`, …).
    next_value: u32,
    /// Next number of a named block argument (`%arg0`, …).
    next_arg: u32,
    /// The locks' value names, indexed like `Physical::locks`.
    lock_names: std::rc::Rc<[String]>,
    /// The buffers' value names, indexed like `Physical::buffers`.
    buffer_names: std::rc::Rc<[String]>,
}

impl<'d> Writer<'d> {
    fn new(design: &'d Design) -> Self {
        Writer {
            design,
            out: String::with_capacity(16 * 1024),
            taken: HashMap::default(),
            undo: Vec::new(),
            next_value: 0,
            next_arg: 0,
            lock_names: std::rc::Rc::from([]),
            buffer_names: std::rc::Rc::from([]),
        }
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    /// Writes one line at `level`, formatted straight into the text.
    fn line(&mut self, level: usize, args: std::fmt::Arguments<'_>) {
        self.indent(level);
        let _ = self.out.write_fmt(args);
        self.out.push('\n');
    }

    /// Writes one line of plain text at `level`.
    fn line_str(&mut self, level: usize, text: &str) {
        self.indent(level);
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn set_taken(&mut self, key: &str, v: u32) {
        let before = self.taken.insert(key.to_string(), v);
        if let Some(log) = self.undo.last_mut() {
            log.push((key.to_string(), before));
        }
    }

    /// `base`, or `base_N` with the first free `N`: `Printer::unique`.
    fn unique(&mut self, base: String) -> String {
        if !self.taken.contains_key(&base) {
            self.set_taken(&base, 0);
            return base;
        }
        loop {
            let n = self.taken.get(&base).copied().unwrap_or(0);
            self.set_taken(&base, n + 1);
            let candidate = format!("{base}_{n}");
            if !self.taken.contains_key(&candidate) {
                self.set_taken(&candidate, 0);
                return candidate;
            }
        }
    }

    /// Defines a value named after `base`: `%base` made unique.
    fn named(&mut self, base: String) -> String {
        format!("%{}", self.unique(base))
    }

    /// Defines an unnamed value: `%N`.
    fn fresh(&mut self) -> String {
        let n = self.next_value;
        self.next_value += 1;
        self.named(n.to_string())
    }

    /// Defines a named block argument: `%argN`.
    fn arg(&mut self) -> String {
        let n = self.next_arg;
        self.next_arg += 1;
        self.named(format!("arg{n}"))
    }

    /// Runs `f` in a fresh scope, as `Printer::scoped`: names taken inside are released and the
    /// numbering of unnamed values and arguments restarts, then both are restored.
    fn scoped<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let saved = (self.next_value, self.next_arg);
        self.next_value = 0;
        self.next_arg = 0;
        self.undo.push(Vec::new());
        let r = f(self);
        if let Some(log) = self.undo.pop() {
            for (k, before) in log.into_iter().rev() {
                match before {
                    Some(v) => {
                        self.taken.insert(k, v);
                    }
                    None => {
                        self.taken.remove(&k);
                    }
                }
            }
        }
        (self.next_value, self.next_arg) = saved;
        r
    }
}

/// `v` as the `i32` attribute the module gives it prints: MLIR keeps the 32 bits and prints
/// them signed, so a value above `i32::MAX` prints negative. Always `Some`.
fn as_i32(v: u32) -> Option<i32> {
    Some(v as i32)
}

/// `"s"` with `llvm::printEscapedString`'s escapes, as MLIR prints a string: a backslash
/// doubled, printable ASCII but `"` as it is, every other byte as `\XX` (uppercase hexadecimal).
pub(crate) fn mlir_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &c in s.as_bytes() {
        if c == b'\\' {
            out.push_str("\\\\");
        } else if (0x20..0x7F).contains(&c) && c != b'"' {
            out.push(char::from(c));
        } else {
            let _ = write!(out, "\\{c:02X}");
        }
    }
    out.push('"');
    out
}

/// The `C_R` suffix of a tile's value name (`%mem_tile_0_1` → `0_1`): `Printer::tile_operand`.
fn coords_suffix(tile: &str) -> String {
    let mut parts: Vec<&str> = tile.rsplit('_').take(2).collect();
    parts.reverse();
    parts.join("_")
}
