//! A core's LLVM IR written directly as text, for the programs whose result is known without
//! running MLIR: what [`super::PIPELINE`] and the translation make of the `standard` module,
//! without building it.
//!
//! A lowered core program is loops, lock operations and kernel calls, so its LLVM IR has a fixed
//! shape:
//! - `convert-scf-to-cf` turns each `scf.for` into a header block (a `phi` of the induction
//!   variable, `icmp slt` against the upper bound, a conditional branch), the body blocks ending
//!   in the latch (`add` of the step, a branch back) and an exit block holding what follows the
//!   loop; blocks are laid out header, body, exit;
//! - `canonicalize` moves every constant to the entry block, so a block that held only the
//!   constants of the next loop and the branch into it becomes a pass-through: the conditional
//!   branch that led to it goes straight to the next loop's header (`simplifyPassThroughCondBranch`
//!   in mlir/lib/Dialect/ControlFlow/IR/ControlFlowOps.cpp) and the block disappears;
//! - the translation and LLVM's printer number blocks and values in layout order and list a
//!   header's two predecessors, and its `phi`'s two incoming values, latch first.
//!
//! Every buffer is a global of the design's (external, or with its initial values on the core's
//! own tile), names are spelled as LLVM spells them, constants as LLVM prints them (`text.rs`).
//! Tests compare this text with MLIR's passes on every design and on random core programs.
//! [`write`] returns `None` only for what no valid design holds (an empty name, a loop bound
//! above `i64::MAX`, a lock value or index beyond `i32`, initial values that do not fill their
//! buffer or that its element type does not hold), and the core then goes through MLIR.

use std::fmt::Write as _;

use super::CoreLlvmError;
use crate::ir::{Design, LockAction};
use crate::lower::core::{LArg, LStmt, PCore};
use crate::lower::physical::Physical;
use crate::types::{ArgType, ScalarType};

use super::intrinsics::{intrinsic_declarations, local_lock_index, ACQUIRE, RELEASE};

mod text;
use text::{global_name, initializer, memref_type, scalar_value};

/// Where LLVM's printer puts the `; preds = …` comment of a block label.
const PREDS_COLUMN: usize = 50;

/// One instruction of a block, before numbering.
enum Inst {
    /// A call that returns nothing: the callee and its typed arguments, already printed.
    Call(String),
    /// The latch's `add` of a loop's induction variable and its step.
    Next(usize, u64),
}

/// How a block ends.
enum Term {
    /// `br` to a block, giving a loop header its induction variable's first value.
    Enter { header: usize },
    /// The latch's branch back to a loop's header.
    Back { header: usize },
    /// `br i1` of a loop's condition.
    Cond {
        loop_: usize,
        body: usize,
        exit: usize,
    },
    /// `ret void`.
    Ret,
}

/// A loop: its bounds and step.
struct Loop {
    lower: u64,
    upper: u64,
}

#[derive(Default)]
struct Block {
    /// The loop whose header this is.
    header_of: Option<usize>,
    insts: Vec<Inst>,
    term: Option<Term>,
}

struct Cfg {
    blocks: Vec<Block>,
    loops: Vec<Loop>,
}

/// What every core's module of a design holds before its function: the header, every buffer
/// as an external global, the intrinsic declarations and the kernel declarations. `None` for an
/// empty name (the cores then go through MLIR). [`write`] makes its own for a core whose tile
/// holds a buffer with initial values.
pub(super) fn prelude(design: &Design, phys: &Physical) -> Option<String> {
    prelude_of(design, phys, None)
}

/// [`prelude`], with the buffers with initial values on the tile at `own` (the core's) holding
/// those values instead of being declared. `None` also for initial values that do not fill their
/// buffer or do not fit its element type.
fn prelude_of(design: &Design, phys: &Physical, own: Option<(u32, u32)>) -> Option<String> {
    let arch = design.device.core_arch();
    let mut out = String::new();
    out.push_str("; ModuleID = 'LLVMDialectModule'\nsource_filename = \"LLVMDialectModule\"\n");
    let _ = writeln!(out, "target triple = \"{arch}\"");

    // Buffers, last first, every tile's.
    if !phys.buffers.is_empty() {
        out.push('\n');
    }
    for b in phys.buffers.iter().rev() {
        let name = global_name(&b.name)?;
        match &b.init {
            Some(init) if own.is_some() && design.coords(b.tile) == own => {
                let _ = writeln!(out, "{name} = global {}", initializer(&b.ty, init)?);
            }
            _ => {
                let _ = writeln!(out, "{name} = external global {}", memref_type(&b.ty));
            }
        }
    }

    for (name, args, results) in intrinsic_declarations(arch) {
        out.push('\n');
        if name.starts_with("llvm.") {
            out.push_str("; Unknown intrinsic\n");
        }
        let ret = match results.as_slice() {
            [] => "void".to_string(),
            [one] => one.to_string(),
            many => format!("{{ {} }}", many.join(", ")),
        };
        let _ = writeln!(out, "declare {ret} @{name}({})", args.join(", "));
    }
    for (_, k) in design.kernels.iter() {
        let name = global_name(&k.symbol)?;
        let args: Vec<&str> = k
            .args
            .iter()
            .map(|a| match a {
                ArgType::MemRef(_) => "ptr",
                ArgType::Scalar(s) => scalar_type(*s),
            })
            .collect();
        let _ = writeln!(out, "\ndeclare void {name}({})", args.join(", "));
    }
    Some(out)
}

/// The LLVM IR of `core` after the design's [`prelude`], or `None` when the program holds
/// something this writer leaves to MLIR.
///
/// # Errors
/// [`CoreLlvmError`] when the core uses a lock it cannot reach or names a missing buffer, lock or
/// kernel, as the MLIR path reports them.
pub(super) fn write(
    design: &Design,
    phys: &Physical,
    prelude: &str,
    core: &PCore,
    (col, row): (u32, u32),
) -> Result<Option<String>, CoreLlvmError> {
    let arch = design.device.core_arch();
    let own_init = phys
        .buffers
        .iter()
        .any(|b| b.init.is_some() && design.coords(b.tile) == Some((col, row)));
    let own_prelude;
    let prelude = if own_init {
        match prelude_of(design, phys, Some((col, row))) {
            Some(p) => {
                own_prelude = p;
                own_prelude.as_str()
            }
            None => return Ok(None),
        }
    } else {
        prelude
    };
    let mut out = String::with_capacity(prelude.len() + 1024);
    out.push_str(prelude);

    let mut cfg = Cfg {
        blocks: vec![Block::default()],
        loops: Vec::new(),
    };
    let mut ctx = Lowering {
        design,
        phys,
        col,
        row,
        arch,
    };
    let last = match ctx.stmts(&mut cfg, 0, &core.body)? {
        Some(b) => b,
        None => return Ok(None),
    };
    cfg.blocks[last].term = Some(Term::Ret);
    cfg.pass_through();

    let _ = write!(out, "\ndefine void @core_{col}_{row}() {{\n");
    cfg.print(&mut out);
    out.push_str(
        "}\n\n!llvm.module.flags = !{!0}\n\n!0 = !{i32 2, !\"Debug Info Version\", i32 3}\n",
    );
    Ok(Some(out))
}

fn scalar_type(s: ScalarType) -> &'static str {
    match s {
        ScalarType::I8 => "i8",
        ScalarType::I16 => "i16",
        ScalarType::I32 => "i32",
        ScalarType::F32 => "float",
        ScalarType::Bf16 => "bfloat",
    }
}

struct Lowering<'a> {
    design: &'a Design,
    phys: &'a Physical,
    col: u32,
    row: u32,
    arch: &'static str,
}

impl Lowering<'_> {
    /// Appends `stmts` at the end of block `at`; returns the block where what follows goes, or
    /// `None` for something left to MLIR.
    fn stmts(
        &mut self,
        cfg: &mut Cfg,
        mut at: usize,
        stmts: &[LStmt],
    ) -> Result<Option<usize>, CoreLlvmError> {
        for s in stmts {
            match s {
                LStmt::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    if i64::try_from(*upper).is_err()
                        || i64::try_from(*lower).is_err()
                        || i64::try_from(*step).is_err()
                    {
                        return Ok(None);
                    }
                    let header = cfg.new_block();
                    let loop_ = cfg.loops.len();
                    cfg.loops.push(Loop {
                        lower: *lower,
                        upper: *upper,
                    });
                    cfg.blocks[header].header_of = Some(loop_);
                    cfg.blocks[at].term = Some(Term::Enter { header });
                    let first = cfg.new_block();
                    let Some(end) = self.stmts(cfg, first, body)? else {
                        return Ok(None);
                    };
                    cfg.blocks[end].insts.push(Inst::Next(loop_, *step));
                    cfg.blocks[end].term = Some(Term::Back { header });
                    let exit = cfg.new_block();
                    cfg.blocks[header].term = Some(Term::Cond {
                        loop_,
                        body: first,
                        exit,
                    });
                    at = exit;
                }
                LStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    let index =
                        local_lock_index(self.design, self.phys, *lock, self.col, self.row)?;
                    let (name, v) = match action {
                        LockAction::AcquireGreaterEqual => (ACQUIRE, -i64::from(*value)),
                        LockAction::Release => (RELEASE, i64::from(*value)),
                    };
                    // The value is an `i32` constant: one that does not fit is MLIR's to print.
                    let Ok(v) = i32::try_from(v) else {
                        return Ok(None);
                    };
                    let Ok(index) = i32::try_from(index) else {
                        return Ok(None);
                    };
                    cfg.blocks[at].insts.push(Inst::Call(format!(
                        "void @llvm.{}.{name}(i32 {index}, i32 {v})",
                        self.arch
                    )));
                }
                LStmt::Call { kernel, args } => {
                    let k = self.design.kernels.get(*kernel).ok_or_else(|| {
                        CoreLlvmError::Build("a call names a kernel the design lacks".into())
                    })?;
                    let mut printed = Vec::with_capacity(args.len());
                    for a in args {
                        printed.push(match a {
                            LArg::Buffer(b) => {
                                let buf = self.phys.buffers.get(*b).ok_or_else(|| {
                                    CoreLlvmError::Build(format!(
                                        "buffer #{b} is not in the lowered design"
                                    ))
                                })?;
                                let Some(name) = global_name(&buf.name) else {
                                    return Ok(None);
                                };
                                format!("ptr {name}")
                            }
                            LArg::Scalar(s) => scalar_value(*s),
                        });
                    }
                    let Some(callee) = global_name(&k.symbol) else {
                        return Ok(None);
                    };
                    cfg.blocks[at]
                        .insts
                        .push(Inst::Call(format!("void {callee}({})", printed.join(", "))));
                }
            }
        }
        Ok(Some(at))
    }
}

impl Cfg {
    fn new_block(&mut self) -> usize {
        self.blocks.push(Block::default());
        self.blocks.len() - 1
    }

    /// Whether block `b` holds nothing but the branch into a loop (after `canonicalize` moved
    /// the loop's constants to the entry block): the header it enters.
    fn pass_through_target(&self, b: usize) -> Option<usize> {
        let block = &self.blocks[b];
        match (&block.term, block.insts.is_empty(), block.header_of) {
            (Some(Term::Enter { header }), true, None) if b != 0 => Some(*header),
            _ => None,
        }
    }

    /// `simplifyPassThroughCondBranch`: a loop condition whose successor only enters another
    /// loop branches to that loop's header instead; the skipped block is unreachable and goes.
    fn pass_through(&mut self) {
        for b in 0..self.blocks.len() {
            if let Some(Term::Cond { loop_, body, exit }) = self.blocks[b].term {
                let body = self.follow(body);
                let exit = self.follow(exit);
                self.blocks[b].term = Some(Term::Cond { loop_, body, exit });
            }
        }
    }

    /// Where a branch to `b` ends up after pass-through blocks are skipped.
    fn follow(&self, mut b: usize) -> usize {
        let mut steps = 0;
        while let Some(next) = self.pass_through_target(b) {
            if next == b || steps > self.blocks.len() {
                break;
            }
            b = next;
            steps += 1;
        }
        b
    }

    /// The blocks still reached, in layout order.
    fn reached(&self) -> Vec<bool> {
        let mut reached = vec![false; self.blocks.len()];
        let mut work = vec![0];
        while let Some(b) = work.pop() {
            if std::mem::replace(&mut reached[b], true) {
                continue;
            }
            match self.blocks[b].term {
                Some(Term::Enter { header }) | Some(Term::Back { header }) => work.push(header),
                Some(Term::Cond { body, exit, .. }) => {
                    work.push(body);
                    work.push(exit);
                }
                Some(Term::Ret) | None => {}
            }
        }
        reached
    }

    /// Prints the function body: numbers blocks and values in layout order, as LLVM does.
    fn print(&self, out: &mut String) {
        let reached = self.reached();
        // Numbers: block labels, then per header its phi and icmp, per latch its add.
        let mut next = 0usize;
        let mut label = vec![0usize; self.blocks.len()];
        let mut phi = vec![0usize; self.loops.len()];
        let mut cmp = vec![0usize; self.loops.len()];
        let mut add = vec![0usize; self.loops.len()];
        for (b, block) in self.blocks.iter().enumerate() {
            if !reached[b] {
                continue;
            }
            label[b] = next;
            next += 1;
            if let Some(l) = block.header_of {
                phi[l] = next;
                cmp[l] = next + 1;
                next += 2;
            }
            for i in &block.insts {
                if let Inst::Next(l, _) = i {
                    add[*l] = next;
                    next += 1;
                }
            }
        }
        // Predecessors of each block, in layout order.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); self.blocks.len()];
        for (b, block) in self.blocks.iter().enumerate() {
            if !reached[b] {
                continue;
            }
            match block.term {
                Some(Term::Enter { header }) | Some(Term::Back { header }) => preds[header].push(b),
                Some(Term::Cond { body, exit, .. }) => {
                    preds[body].push(b);
                    preds[exit].push(b);
                }
                Some(Term::Ret) | None => {}
            }
        }
        for (b, block) in self.blocks.iter().enumerate() {
            if !reached[b] {
                continue;
            }
            if b != 0 {
                let head = format!("{}:", label[b]);
                let list: Vec<String> = preds[b]
                    .iter()
                    .rev()
                    .map(|p| format!("%{}", label[*p]))
                    .collect();
                let pad = PREDS_COLUMN.saturating_sub(head.len()).max(1);
                let _ = writeln!(
                    out,
                    "\n{head}{:pad$}; preds = {}",
                    "",
                    list.join(", "),
                    pad = pad
                );
            }
            if let Some(l) = block.header_of {
                let lp = &self.loops[l];
                // Incoming values, latch first: the latch passes the add, the entry edge the
                // lower bound.
                let incoming: Vec<String> = preds[b]
                    .iter()
                    .rev()
                    .map(|p| match self.blocks[*p].term {
                        Some(Term::Back { .. }) => format!("[ %{}, %{} ]", add[l], label[*p]),
                        _ => format!("[ {}, %{} ]", lp.lower, label[*p]),
                    })
                    .collect();
                let _ = writeln!(out, "  %{} = phi i64 {}", phi[l], incoming.join(", "));
                let _ = writeln!(
                    out,
                    "  %{} = icmp slt i64 %{}, {}",
                    cmp[l], phi[l], lp.upper
                );
            }
            for i in &block.insts {
                match i {
                    Inst::Call(text) => {
                        let _ = writeln!(out, "  call {text}");
                    }
                    Inst::Next(l, step) => {
                        let _ = writeln!(out, "  %{} = add i64 %{}, {step}", add[*l], phi[*l]);
                    }
                }
            }
            match block.term {
                Some(Term::Enter { header }) | Some(Term::Back { header }) => {
                    let _ = writeln!(out, "  br label %{}", label[header]);
                }
                Some(Term::Cond { loop_, body, exit }) => {
                    let _ = writeln!(
                        out,
                        "  br i1 %{}, label %{}, label %{}",
                        cmp[loop_], label[body], label[exit]
                    );
                }
                Some(Term::Ret) | None => out.push_str("  ret void\n"),
            }
        }
    }
}
