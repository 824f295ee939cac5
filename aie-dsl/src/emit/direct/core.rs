//! The cores, in the control-flow form MLIR's `convert-scf-to-cf` makes of their loops.
//!
//! `emit/physical/core.rs` builds each core's entry block with its constants (kernel scalars,
//! last met first, then loop bounds in first-use order) followed by the program as `scf.for`
//! loops. The conversion (`ForLowering` in mlir/lib/Conversion/SCFToControlFlow) splits the
//! block holding a loop at the loop: what precedes it ends in `cf.br` to a condition block
//! taking the induction variable (`arith.cmpi slt` against the upper bound, `cf.cond_br` to the
//! body or on), the loop's blocks follow, its last block ends in the latch (`arith.addi` of the
//! step, `cf.br` back), and what follows the loop goes into a new block after them. So the
//! blocks are laid out in the order they are created here, each new block right after the one
//! being filled.

use super::float::{bf16_text, f32_text};
use super::{as_i32, coords_suffix, Tiles, Writer};
use crate::emit::text::{collect_bounds, collect_scalars};
use crate::ir::LockAction;
use crate::lower::core::{LArg, LStmt, PCore};
use crate::lower::physical::Physical;
use crate::types::Scalar;

/// One op of a block other than its terminator.
enum Inst<'a> {
    UseLock(usize, LockAction, u32),
    Call(crate::ir::KernelId, &'a [LArg]),
    /// The condition of a loop.
    Cmp(usize),
    /// The latch's step of a loop.
    Add(usize),
}

/// How a block ends.
enum Term {
    /// `cf.br` to a loop's condition block with its lower bound.
    Enter(usize),
    /// `cf.br` back to a loop's condition block with the stepped induction variable.
    Back(usize),
    /// `cf.cond_br` of a loop's condition.
    Cond(usize),
    /// `aie.end`.
    End,
}

#[derive(Default)]
struct Block<'a> {
    /// The loop whose condition block this is (it takes the induction variable).
    cond_of: Option<usize>,
    insts: Vec<Inst<'a>>,
    term: Option<Term>,
}

/// A loop: its bounds and step as the hoisted constants they use, and its blocks.
struct Loop {
    lower: i64,
    upper: i64,
    step: i64,
    cond: usize,
    body: usize,
    exit: usize,
}

struct Cfg<'a> {
    blocks: Vec<Block<'a>>,
    loops: Vec<Loop>,
}

impl<'a> Cfg<'a> {
    fn new_block(&mut self) -> usize {
        self.blocks.push(Block::default());
        self.blocks.len() - 1
    }

    /// Appends `stmts` to block `at`; returns the block where what follows goes.
    fn stmts(&mut self, mut at: usize, stmts: &'a [LStmt]) -> usize {
        for s in stmts {
            match s {
                LStmt::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    let l = self.loops.len();
                    let cond = self.new_block();
                    let first = self.new_block();
                    self.loops.push(Loop {
                        lower: bound(*lower, i64::MAX),
                        upper: bound(*upper, i64::MAX),
                        step: bound(*step, 1),
                        cond,
                        body: first,
                        exit: 0,
                    });
                    self.blocks[at].term = Some(Term::Enter(l));
                    self.blocks[cond].cond_of = Some(l);
                    self.blocks[cond].insts.push(Inst::Cmp(l));
                    self.blocks[cond].term = Some(Term::Cond(l));
                    let last = self.stmts(first, body);
                    self.blocks[last].insts.push(Inst::Add(l));
                    self.blocks[last].term = Some(Term::Back(l));
                    let exit = self.new_block();
                    self.loops[l].exit = exit;
                    at = exit;
                }
                LStmt::UseLock {
                    lock,
                    action,
                    value,
                } => self.blocks[at]
                    .insts
                    .push(Inst::UseLock(*lock, *action, *value)),
                LStmt::Call { kernel, args } => {
                    self.blocks[at].insts.push(Inst::Call(*kernel, args));
                }
            }
        }
        at
    }
}

/// A loop bound as the physical module's constants hold it.
fn bound(v: u64, otherwise: i64) -> i64 {
    i64::try_from(v).unwrap_or(otherwise)
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

/// The `action` keyword of `aie.use_lock` as our printer writes it.
fn action_keyword(a: LockAction) -> &'static str {
    match a {
        LockAction::Release => "Release",
        LockAction::AcquireGreaterEqual => "AcquireGreaterEqual",
    }
}

impl Writer<'_> {
    /// One `aie.core` per core.
    pub(super) fn cores(&mut self, phys: &Physical, tiles: &Tiles, l: usize) -> Option<()> {
        for core in &phys.cores {
            self.core(phys, core, tiles, l)?;
        }
        Some(())
    }

    fn core(&mut self, phys: &Physical, core: &PCore, tiles: &Tiles, l: usize) -> Option<()> {
        let tile = tiles.of(self.design, core.tile)?;
        let res = self.named(format!("core_{}", coords_suffix(tile)));
        self.line(l, format_args!("{res} = aie.core({tile}) {{"));
        self.scoped(|w| w.core_body(phys, core, l + 1))?;
        let mut attrs = Vec::new();
        if let Some(o) = &core.link_with {
            attrs.push(format!("link_with = {}", super::mlir_string(o)));
        }
        if core.stack_size != crate::target::NPU1.default_stack_bytes {
            attrs.push(format!("stack_size = {} : i32", as_i32(core.stack_size)?));
        }
        if attrs.is_empty() {
            self.line_str(l, "}");
        } else {
            self.line(l, format_args!("}} {{{}}}", attrs.join(", ")));
        }
        Some(())
    }

    fn core_body(&mut self, phys: &Physical, core: &PCore, l: usize) -> Option<()> {
        // Constants: kernel scalars, last met first, then loop bounds.
        let mut scalars = Vec::new();
        collect_scalars(&core.body, &mut scalars);
        scalars.reverse();
        let mut consts: Vec<(Scalar, String)> = Vec::with_capacity(scalars.len());
        for s in scalars {
            let (base, text) = constant(s)?;
            let name = self.named(base);
            self.line(l, format_args!("{name} = arith.constant {text}"));
            consts.push((s, name));
        }
        let mut bounds = Vec::new();
        collect_bounds(&core.body, &mut bounds);
        let mut index: Vec<(i64, String)> = Vec::with_capacity(bounds.len());
        for b in bounds {
            let name = self.named(format!("c{b}"));
            self.line(l, format_args!("{name} = arith.constant {b} : index"));
            index.push((b, name));
        }
        let index_name = |v: i64| -> Option<String> {
            index.iter().find(|(c, _)| *c == v).map(|(_, n)| n.clone())
        };

        let (lock_names, buffer_names) = (self.lock_names.clone(), self.buffer_names.clone());
        let mut cfg = Cfg {
            blocks: vec![Block::default()],
            loops: Vec::new(),
        };
        let last = cfg.stmts(0, &core.body);
        cfg.blocks[last].term = Some(Term::End);

        // Values named as they are printed, in layout order.
        let mut iv: Vec<String> = vec![String::new(); cfg.loops.len()];
        let mut next: Vec<String> = vec![String::new(); cfg.loops.len()];
        let mut cmp: Vec<String> = vec![String::new(); cfg.loops.len()];
        for (k, block) in cfg.blocks.iter().enumerate() {
            if k > 0 {
                match block.cond_of {
                    Some(lp) => {
                        iv[lp] = self.fresh();
                        self.line(l - 1, format_args!("^bb{k}({}: index):", iv[lp]));
                    }
                    None => self.line(l - 1, format_args!("^bb{k}:")),
                }
            }
            for inst in &block.insts {
                match inst {
                    Inst::UseLock(lock, action, value) => {
                        let name = lock_names.get(*lock)?;
                        self.line(
                            l,
                            format_args!(
                                "aie.use_lock({name}, {}, {value})",
                                action_keyword(*action)
                            ),
                        );
                    }
                    Inst::Call(kernel, args) => {
                        let k = self.design.kernels.get(*kernel)?;
                        let mut names = Vec::with_capacity(args.len());
                        let mut types = Vec::with_capacity(args.len());
                        for a in args.iter() {
                            match a {
                                LArg::Buffer(b) => {
                                    names.push(buffer_names.get(*b)?.clone());
                                    types.push(phys.buffers.get(*b)?.ty.to_string());
                                }
                                LArg::Scalar(s) => {
                                    match consts.iter().find(|(c, _)| c == s) {
                                        Some((_, n)) => names.push(n.clone()),
                                        None => {
                                            // Every scalar was hoisted (constants compare by
                                            // their bits, NaNs included); as the module does
                                            // (`emit/physical/core.rs`), one that was not
                                            // would be made before the call.
                                            let (base, text) = constant(*s)?;
                                            let name = self.named(base);
                                            self.line(
                                                l,
                                                format_args!("{name} = arith.constant {text}"),
                                            );
                                            names.push(name);
                                        }
                                    }
                                    types.push(s.ty().to_string());
                                }
                            }
                        }
                        self.line(
                            l,
                            format_args!(
                                "func.call @{}({}) : ({}) -> ()",
                                k.symbol,
                                names.join(", "),
                                types.join(", ")
                            ),
                        );
                    }
                    Inst::Cmp(lp) => {
                        cmp[*lp] = self.fresh();
                        let ub = index_name(cfg.loops[*lp].upper)?;
                        self.line(
                            l,
                            format_args!(
                                "{} = arith.cmpi slt, {}, {ub} : index",
                                cmp[*lp], iv[*lp]
                            ),
                        );
                    }
                    Inst::Add(lp) => {
                        next[*lp] = self.fresh();
                        let st = index_name(cfg.loops[*lp].step)?;
                        self.line(
                            l,
                            format_args!("{} = arith.addi {}, {st} : index", next[*lp], iv[*lp]),
                        );
                    }
                }
            }
            match block.term.as_ref()? {
                Term::Enter(lp) => {
                    let lb = index_name(cfg.loops[*lp].lower)?;
                    let c = cfg.loops[*lp].cond;
                    self.line(l, format_args!("cf.br ^bb{c}({lb} : index)"));
                }
                Term::Back(lp) => {
                    let c = cfg.loops[*lp].cond;
                    self.line(l, format_args!("cf.br ^bb{c}({} : index)", next[*lp]));
                }
                Term::Cond(lp) => {
                    let lp = &cfg.loops[*lp];
                    self.line(
                        l,
                        format_args!(
                            "cf.cond_br {}, ^bb{}, ^bb{}",
                            cmp[cfg.blocks[lp.cond].cond_of?], lp.body, lp.exit
                        ),
                    );
                }
                Term::End => self.line_str(l, "aie.end"),
            }
        }
        Some(())
    }
}
