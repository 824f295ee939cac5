//! Core programs after the ObjectFIFO rewrite (AIEObjectFifoStatefulTransform.cpp's `unrollForLoops` and the
//! acquire/release replacement of `aie-objectFifo-stateful-transform`).
//!
//! 1. Unrolling: every loop that directly acquires from FIFOs is unrolled by the least common
//!    multiple of those FIFO ends' depths (by its trip count when that is smaller), replaying
//!    mlir-aie's `unrollForLoops` step by step ([`crate::lower::unroll`]): leftover iterations
//!    are peeled, except when the unrolled loop runs once (then they stay a loop, as there).
//! 2. Releases, in program order: `use_lock(Release, n × repeat)` on the end's consumer lock
//!    (producing) or producer lock (consuming).
//! 3. Acquires, in program order: objects still held from the previous acquire of the same end
//!    are kept, minus those released before this acquire in a block both share; only the
//!    missing ones are acquired (`use_lock(AcquireGreaterEqual, k × repeat)`) and they take the
//!    next buffers in rotation. Kernel calls get the acquired buffers.

use std::collections::HashMap;

use crate::ir::{
    AcquireId, CallArg, CoreStmt, Design, FifoId, FifoPort, KernelId, LockAction, TileId,
};
use crate::lower::physical::{BufferIx, LockIx, Physical};
use crate::lower::unroll::{self, Kind, Node, UnrollError};
use crate::types::Scalar;

/// The trip count mlir-aie's IRON gives an endless core loop.
const FOREVER: u64 = i64::MAX as u64;

/// A statement of a lowered core program.
#[derive(Clone, Debug, PartialEq)]
pub enum LStmt {
    /// `scf.for %i = lower to upper step step`.
    For {
        /// Lower bound.
        lower: u64,
        /// Upper bound.
        upper: u64,
        /// Step.
        step: u64,
        /// Body.
        body: Vec<LStmt>,
    },
    /// `aie.use_lock`.
    UseLock {
        /// The lock.
        lock: LockIx,
        /// What to do.
        action: LockAction,
        /// By how much.
        value: u32,
    },
    /// `func.call` of a kernel.
    Call {
        /// The kernel.
        kernel: KernelId,
        /// Its arguments.
        args: Vec<LArg>,
    },
}

/// A kernel argument of a lowered core program.
#[derive(Clone, Debug, PartialEq)]
pub enum LArg {
    /// A buffer.
    Buffer(BufferIx),
    /// A constant.
    Scalar(Scalar),
}

/// A lowered core program.
#[derive(Clone, Debug, PartialEq)]
pub struct PCore {
    /// The compute tile.
    pub tile: TileId,
    /// Stack size in bytes.
    pub stack_size: u32,
    /// Object file it links with.
    pub link_with: Option<String>,
    /// The program.
    pub body: Vec<LStmt>,
}

/// The unrolled program, still with acquires and releases.
#[derive(Clone, Debug)]
enum UStmt {
    For {
        lower: u64,
        upper: u64,
        step: u64,
        body: Vec<UStmt>,
    },
    Acquire {
        id: AcquireId,
        fifo: FifoId,
        end: String,
        port: FifoPort,
        n: u32,
    },
    Release {
        end: String,
        port: FifoPort,
        n: u32,
    },
    Call {
        kernel: KernelId,
        args: Vec<CallArg>,
    },
    UseLock {
        lock: crate::ir::LockId,
        action: LockAction,
        value: u32,
    },
}

/// Unrolls `program` as mlir-aie does (see [`crate::lower::unroll`]).
fn unroll_program(
    program: &[UStmt],
    depth_of: &dyn Fn(&str) -> u32,
) -> Result<Vec<UStmt>, UnrollError> {
    fn to_nodes(stmts: &[UStmt], id: &mut u64) -> Result<Vec<Node<UStmt>>, UnrollError> {
        stmts
            .iter()
            .map(|s| {
                Ok(match s {
                    UStmt::For {
                        lower,
                        upper,
                        step,
                        body,
                    } => {
                        let body = to_nodes(body, id)?;
                        let b = |v: u64| i64::try_from(v).map_err(|_| UnrollError::Overflow);
                        unroll::node(
                            id,
                            Kind::For {
                                lower: b(*lower)?,
                                upper: b(*upper)?,
                                step: b(*step)?,
                                body,
                            },
                        )
                    }
                    other => unroll::node(id, Kind::Leaf(other.clone())),
                })
            })
            .collect()
    }
    fn from_nodes(nodes: Vec<Node<UStmt>>) -> Vec<UStmt> {
        nodes
            .into_iter()
            .map(|n| match n.kind {
                Kind::For {
                    lower,
                    upper,
                    step,
                    body,
                } => UStmt::For {
                    lower: lower.unsigned_abs(),
                    upper: upper.unsigned_abs(),
                    step: step.unsigned_abs(),
                    body: from_nodes(body),
                },
                Kind::Leaf(l) => l,
            })
            .collect()
    }
    let nodes = to_nodes(program, &mut 0)?;
    let depth = |l: &UStmt| match l {
        UStmt::Acquire { end, .. } => Some(depth_of(end)),
        _ => None,
    };
    Ok(from_nodes(unroll::unroll(nodes, &depth)?))
}

/// Position of a statement: the blocks from the core body down, and its index in each.
type Path = Vec<(usize, usize)>;

struct Rewriter<'p> {
    phys: &'p Physical,
    next_block: usize,
    /// Pass 1 result: releases not yet accounted for, per (end, port).
    releases: HashMap<(String, FifoPort), Vec<(Path, u32)>>,
    acq_next: HashMap<(String, FifoPort), u32>,
    held: HashMap<(String, FifoPort), Vec<u32>>,
    subviews: HashMap<AcquireId, Vec<BufferIx>>,
    placed_locks: &'p HashMap<crate::ir::LockId, LockIx>,
    placed_buffers: &'p HashMap<crate::ir::BufferId, BufferIx>,
    /// The first acquire preceded by more releases than objects held: (FIFO, port, released,
    /// held).
    error: Option<(FifoId, FifoPort, u32, usize)>,
}

/// Whether `rel` comes before `acq` in the deepest block the two share.
fn released_before(rel: &Path, acq: &Path) -> bool {
    for (r, a) in rel.iter().zip(acq.iter()) {
        if r.0 != a.0 {
            return false;
        }
        if r.1 != a.1 {
            return r.1 < a.1;
        }
    }
    false
}

impl Rewriter<'_> {
    fn lock(&self, end: &str, index: usize) -> Option<LockIx> {
        self.phys
            .ends
            .get(end)
            .and_then(|e| e.locks.get(index).copied())
    }

    fn repeat(&self, end: &str) -> u32 {
        self.phys.ends.get(end).map_or(1, |e| e.repeat)
    }

    /// Pass 1: registers every release with its position.
    fn collect_releases(&mut self, stmts: &[UStmt], path: &mut Path) {
        let block = self.next_block;
        self.next_block += 1;
        for (i, s) in stmts.iter().enumerate() {
            path.push((block, i));
            match s {
                UStmt::For { body, .. } => self.collect_releases(body, path),
                UStmt::Release { end, port, n } => self
                    .releases
                    .entry((end.clone(), *port))
                    .or_default()
                    .push((path.clone(), *n)),
                _ => {}
            }
            path.pop();
        }
    }

    /// Pass 2: rewrites acquires and releases; block numbering repeats pass 1's.
    fn rewrite(&mut self, stmts: &[UStmt], path: &mut Path) -> Vec<LStmt> {
        let block = self.next_block;
        self.next_block += 1;
        let mut out = Vec::new();
        for (i, s) in stmts.iter().enumerate() {
            path.push((block, i));
            match s {
                UStmt::For {
                    lower,
                    upper,
                    step,
                    body,
                } => {
                    let body = self.rewrite(body, path);
                    out.push(LStmt::For {
                        lower: *lower,
                        upper: *upper,
                        step: *step,
                        body,
                    });
                }
                UStmt::Release { end, port, n } => {
                    let index = match port {
                        FifoPort::Produce => 1,
                        FifoPort::Consume => 0,
                    };
                    if let Some(lock) = self.lock(end, index) {
                        out.push(LStmt::UseLock {
                            lock,
                            action: LockAction::Release,
                            value: n.saturating_mul(self.repeat(end)),
                        });
                    }
                }
                UStmt::Acquire {
                    id,
                    fifo,
                    end,
                    port,
                    n,
                } => {
                    let key = (end.clone(), *port);
                    let mut released: u32 = 0;
                    if let Some(list) = self.releases.get_mut(&key) {
                        list.retain(|(p, k)| {
                            if released_before(p, path) {
                                released = released.saturating_add(*k);
                                false
                            } else {
                                true
                            }
                        });
                    }
                    let mut held = self.held.get(&key).cloned().unwrap_or_default();
                    // mlir-aie checks this at every acquire that follows an earlier one of the
                    // same end ("cannot release more elements than are already acquired").
                    if !held.is_empty() && released as usize > held.len() && self.error.is_none() {
                        self.error = Some((*fifo, *port, released, held.len()));
                    }
                    let drop = (released as usize).min(held.len());
                    held.drain(..drop);
                    let held_n = u32::try_from(held.len()).unwrap_or(u32::MAX);
                    let create = n.saturating_sub(held_n).saturating_mul(self.repeat(end));
                    let depth = self.phys.ends.get(end).map_or(1, |e| e.depth.max(1));
                    let index = match port {
                        FifoPort::Produce => 0,
                        FifoPort::Consume => 1,
                    };
                    if create > 0 {
                        if let Some(lock) = self.lock(end, index) {
                            out.push(LStmt::UseLock {
                                lock,
                                action: LockAction::AcquireGreaterEqual,
                                value: create,
                            });
                        }
                    }
                    let next = self.acq_next.entry(key.clone()).or_insert(0);
                    // A value above the lock maximum is reported by `lower::check`; rotating
                    // further than that would only spend memory on a rejected program.
                    for _ in 0..create.min(crate::target::npu1::MAX_LOCK_VALUE + 1) {
                        held.push(*next);
                        *next = (*next + 1) % depth;
                    }
                    let buffers = self
                        .phys
                        .ends
                        .get(end)
                        .map(|e| e.buffers.clone())
                        .unwrap_or_default();
                    self.subviews.insert(
                        *id,
                        held.iter()
                            .filter_map(|&k| buffers.get(k as usize).copied())
                            .collect(),
                    );
                    self.held.insert(key, held);
                }
                UStmt::Call { kernel, args } => {
                    let args = args
                        .iter()
                        .filter_map(|a| match a {
                            CallArg::Object { acquire, index, .. } => self
                                .subviews
                                .get(acquire)
                                .and_then(|v| v.get(*index as usize))
                                .map(|&b| LArg::Buffer(b)),
                            CallArg::Buffer(b) => {
                                self.placed_buffers.get(b).map(|&b| LArg::Buffer(b))
                            }
                            CallArg::Scalar(s) => Some(LArg::Scalar(*s)),
                        })
                        .collect();
                    out.push(LStmt::Call {
                        kernel: *kernel,
                        args,
                    });
                }
                UStmt::UseLock {
                    lock,
                    action,
                    value,
                } => {
                    if let Some(&l) = self.placed_locks.get(lock) {
                        out.push(LStmt::UseLock {
                            lock: l,
                            action: *action,
                            value: *value,
                        });
                    }
                }
            }
            path.pop();
        }
        out
    }
}

/// Lowers every core program of `design` against the transform's result.
/// `end_of(fifo, tile, produce)` names the FIFO end a core on `tile` uses.
pub fn lower_cores(
    design: &Design,
    phys: &Physical,
    end_of: &dyn Fn(FifoId, TileId, bool) -> Option<String>,
) -> Result<Vec<PCore>, crate::lower::objectfifo::LowerError> {
    let d = design;
    let placed_locks: HashMap<_, _> = d
        .locks
        .iter()
        .filter_map(|(id, l)| {
            phys.locks
                .iter()
                .position(|p| p.name == l.name)
                .map(|i| (id, i))
        })
        .collect();
    let placed_buffers: HashMap<_, _> = d
        .buffers
        .iter()
        .filter_map(|(id, b)| {
            phys.buffers
                .iter()
                .position(|p| p.name == b.name)
                .map(|i| (id, i))
        })
        .collect();
    let mut cores = Vec::new();
    for (_, core) in d.cores.iter() {
        let tile = core.tile;
        let convert = |stmts: &[CoreStmt]| -> Vec<UStmt> {
            fn go(
                stmts: &[CoreStmt],
                tile: TileId,
                end_of: &dyn Fn(FifoId, TileId, bool) -> Option<String>,
            ) -> Vec<UStmt> {
                stmts
                    .iter()
                    .filter_map(|s| match s {
                        CoreStmt::For { count, body } => Some(UStmt::For {
                            lower: 0,
                            upper: *count,
                            step: 1,
                            body: go(body, tile, end_of),
                        }),
                        CoreStmt::Forever { body } => Some(UStmt::For {
                            lower: 0,
                            upper: FOREVER,
                            step: 1,
                            body: go(body, tile, end_of),
                        }),
                        CoreStmt::Acquire { id, fifo, port, n } => {
                            end_of(*fifo, tile, *port == FifoPort::Produce).map(|end| {
                                UStmt::Acquire {
                                    id: *id,
                                    fifo: *fifo,
                                    end,
                                    port: *port,
                                    n: *n,
                                }
                            })
                        }
                        CoreStmt::Release { fifo, port, n } => {
                            end_of(*fifo, tile, *port == FifoPort::Produce).map(|end| {
                                UStmt::Release {
                                    end,
                                    port: *port,
                                    n: *n,
                                }
                            })
                        }
                        CoreStmt::Call { kernel, args } => Some(UStmt::Call {
                            kernel: *kernel,
                            args: args.clone(),
                        }),
                        CoreStmt::UseLock {
                            lock,
                            action,
                            value,
                        } => Some(UStmt::UseLock {
                            lock: *lock,
                            action: *action,
                            value: *value,
                        }),
                    })
                    .collect()
            }
            go(stmts, tile, end_of)
        };
        let program = convert(&core.body);
        let depth_of = |end: &str| phys.ends.get(end).map_or(1, |e| e.depth);
        let unrolled = unroll_program(&program, &depth_of).map_err(|source| {
            let (col, row) = d.coords(tile).unwrap_or((0, 0));
            crate::lower::objectfifo::LowerError::Unroll { col, row, source }
        })?;
        let mut rw = Rewriter {
            phys,
            next_block: 0,
            releases: HashMap::new(),
            acq_next: HashMap::new(),
            held: HashMap::new(),
            subviews: HashMap::new(),
            placed_locks: &placed_locks,
            placed_buffers: &placed_buffers,
            error: None,
        };
        rw.collect_releases(&unrolled, &mut Vec::new());
        rw.next_block = 0;
        let body = rw.rewrite(&unrolled, &mut Vec::new());
        if let Some((fifo, port, released, held)) = rw.error {
            let (col, row) = d.coords(tile).unwrap_or((0, 0));
            return Err(crate::lower::objectfifo::LowerError::OverRelease {
                col,
                row,
                fifo: d.fifo_label(fifo),
                port: port.keyword(),
                released,
                held,
            });
        }
        cores.push(PCore {
            tile,
            stack_size: core.stack_size,
            link_with: d.core_object(core),
            body,
        });
    }
    Ok(cores)
}
