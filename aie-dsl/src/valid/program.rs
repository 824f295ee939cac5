//! Checks of core programs: placement, FIFO use, kernel calls.

use std::collections::{BTreeSet, HashMap};

use super::{ValidationError, Validator};
use crate::ir::{AcquireId, CallArg, Core, CoreStmt, Depth, FifoId, FifoPort};
use crate::target::TileKind;
use crate::types::ArgType;

pub(super) fn check(v: &mut Validator<'_>) {
    let d = v.d;
    let mut seen = BTreeSet::new();
    for (_, core) in d.cores.iter() {
        let Some((col, row, kind)) = v.tile(core.tile, || "a core program".to_string()) else {
            continue;
        };
        let actual = d.device.kind_of_row(row).unwrap_or(kind);
        if kind != TileKind::Compute || actual != TileKind::Compute {
            v.push(ValidationError::CoreOnNonComputeTile {
                col,
                row,
                kind: if actual != TileKind::Compute {
                    actual
                } else {
                    kind
                },
            });
            continue;
        }
        if !seen.insert((col, row)) {
            v.push(ValidationError::DuplicateCore { col, row });
        }
        let mut c = CoreCheck {
            v,
            core,
            col,
            row,
            scopes: vec![HashMap::new()],
            objects: BTreeSet::new(),
        };
        c.block(&core.body);
        let objects = std::mem::take(&mut c.objects);
        let objects: Vec<&str> = objects.into_iter().collect();
        if objects.len() > 1 && core.link_with.is_none() {
            v.push(ValidationError::CoreProgram {
                col,
                row,
                problem: format!(
                    "it calls kernels from several object files ({}); mlir-aie at 5ff2ab97d links one object per core: build the kernels into one object and name it in every kernel declaration",
                    objects.join(", ")
                ),
            });
        }
        if core.stack_size == 0 {
            v.push(ValidationError::CoreProgram {
                col,
                row,
                problem: "the stack size is 0; give the core a stack (1024 bytes is the default)"
                    .into(),
            });
        }
    }
}

struct CoreCheck<'a, 'v> {
    v: &'a mut Validator<'v>,
    core: &'a Core,
    col: u32,
    row: u32,
    /// Acquires visible at this point, with their size.
    scopes: Vec<HashMap<AcquireId, u32>>,
    objects: BTreeSet<&'v str>,
}

impl<'v> CoreCheck<'_, 'v> {
    fn err(&mut self, problem: String) {
        let (col, row) = (self.col, self.row);
        self.v
            .push(ValidationError::CoreProgram { col, row, problem });
    }

    fn visible(&self, id: AcquireId) -> Option<u32> {
        self.scopes.iter().rev().find_map(|s| s.get(&id).copied())
    }

    fn block(&mut self, body: &[CoreStmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn nested(&mut self, body: &[CoreStmt]) {
        self.scopes.push(HashMap::new());
        self.block(body);
        self.scopes.pop();
    }

    /// Checks that this core is the right end of `fifo` for `port`.
    fn endpoint(&mut self, fifo: FifoId, port: FifoPort, verb: &str) -> bool {
        let d = self.v.d;
        if !self.v.fifo_ok(fifo, || {
            format!("an {verb} in core ({},{})", self.col, self.row)
        }) {
            return false;
        }
        let Some(f) = d.fifos.get(fifo) else {
            return false;
        };
        let tile = self.core.tile;
        let ok = match port {
            FifoPort::Produce => f.producer == tile,
            FifoPort::Consume => f.consumers.iter().any(|c| c.tile == tile),
        };
        if !ok {
            let (is, should) = match port {
                FifoPort::Produce => (
                    "producer",
                    format!("its producer is {}", d.tile_label(f.producer)),
                ),
                FifoPort::Consume => (
                    "consumer",
                    format!(
                        "its consumers are {}",
                        f.consumers
                            .iter()
                            .map(|c| d.tile_label(c.tile))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            };
            self.err(format!(
                "it uses ObjectFIFO `{}` as {} ({}), but this tile is not its {is}; {should}",
                f.name,
                port.keyword(),
                verb
            ));
            return false;
        }
        if let Some(link) = d.link_of(fifo) {
            let at_link = link
                .outputs
                .first()
                .and_then(|o| d.fifos.get(*o))
                .is_some_and(|o| o.producer == tile);
            if at_link {
                self.err(format!("it {verb}s ObjectFIFO `{}`, which is linked at this tile; the link's DMA owns those objects, so use another FIFO", f.name));
                return false;
            }
        }
        true
    }

    fn stmt(&mut self, s: &CoreStmt) {
        let d = self.v.d;
        match s {
            CoreStmt::For { count, body } => {
                if *count == 0 {
                    self.err("a loop runs 0 times; remove it or give it a positive count".into());
                } else if i64::try_from(*count).is_err() {
                    self.err(format!(
                        "a loop runs {count} times, more than an MLIR index bound holds ({}); use `loop` for a core that runs forever, or a smaller count",
                        i64::MAX
                    ));
                }
                self.nested(body);
            }
            CoreStmt::Forever { body } => self.nested(body),
            CoreStmt::Acquire { id, fifo, port, n } => {
                if let Some(scope) = self.scopes.last_mut() {
                    scope.insert(*id, *n);
                }
                if !self.endpoint(*fifo, *port, "acquire") {
                    return;
                }
                let Some(f) = d.fifos.get(*fifo) else { return };
                if *n == 0 {
                    self.err(format!(
                        "it acquires 0 objects of ObjectFIFO `{}`; acquire at least 1",
                        f.name
                    ));
                }
                if let Depth::PerEndpoint(_) = f.depth {
                    let depth = match port {
                        FifoPort::Produce => f.depth.producer(),
                        FifoPort::Consume => f
                            .consumers
                            .iter()
                            .position(|c| c.tile == self.core.tile)
                            .map_or(0, |i| f.depth.consumer(i)),
                    };
                    if *n > depth {
                        self.err(format!("it acquires {n} objects of ObjectFIFO `{}` at once, but its depth here is {depth}; raise the depth to at least {n}", f.name));
                    }
                }
            }
            CoreStmt::Release { fifo, port, n } => {
                if self.endpoint(*fifo, *port, "release") && *n == 0 {
                    let name = d.fifo_label(*fifo);
                    self.err(format!(
                        "it releases 0 objects of ObjectFIFO `{name}`; release at least 1"
                    ));
                }
            }
            CoreStmt::Call { kernel, args } => self.call(*kernel, args),
            CoreStmt::UseLock { lock, value, .. } => {
                let Some(l) = d.locks.get(*lock) else {
                    self.v.push(ValidationError::ForeignHandle {
                        what: format!("a use_lock in core ({},{})", self.col, self.row),
                        object: format!("lock handle {lock:?}"),
                        design: d.name.clone(),
                    });
                    return;
                };
                let reach = d.coords(l.tile).is_some_and(|(lc, lr)| {
                    d.device.core_reaches_memory(self.col, self.row, lc, lr)
                });
                if !reach {
                    self.err(format!("it uses lock `{}` on tile {}, which this core cannot reach; use a lock on this tile or its West, North or South (compute) neighbour", l.name, d.tile_label(l.tile)));
                }
                if *value == 0 || *value > d.device.model().max_lock_value {
                    self.err(format!(
                        "it uses lock `{}` with value {value}; use 1..={}",
                        l.name,
                        d.device.model().max_lock_value
                    ));
                }
            }
        }
    }

    fn call(&mut self, kernel: crate::ir::KernelId, args: &[CallArg]) {
        let d = self.v.d;
        let Some(k) = d.kernels.get(kernel) else {
            self.v.push(ValidationError::ForeignHandle {
                what: format!("a kernel call in core ({},{})", self.col, self.row),
                object: format!("kernel handle {kernel:?}"),
                design: d.name.clone(),
            });
            return;
        };
        self.objects.insert(k.object.as_str());
        let (col, row) = (self.col, self.row);
        let err = |v: &mut Validator<'_>, problem: String| {
            v.push(ValidationError::KernelCall {
                col,
                row,
                kernel: k.symbol.clone(),
                problem,
            })
        };
        if args.len() != k.args.len() {
            err(
                self.v,
                format!(
                    "with {} arguments, but it takes {} ({}); pass one argument per parameter",
                    args.len(),
                    k.args.len(),
                    k.args
                        .iter()
                        .map(|a| a.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return;
        }
        for (i, (a, want)) in args.iter().zip(&k.args).enumerate() {
            match a {
                CallArg::Object {
                    acquire,
                    fifo,
                    index,
                } => {
                    let Some(f) = d.fifos.get(*fifo) else {
                        continue;
                    };
                    match self.visible(*acquire) {
                        None => err(self.v, format!("with an object of ObjectFIFO `{}` as argument {i} outside the loop body where it was acquired; call the kernel in the same block as the acquire, or inside a loop nested in it", f.name)),
                        Some(n) if *index >= n => err(self.v, format!("with object {index} of ObjectFIFO `{}` as argument {i}, but only {n} object(s) were acquired; acquire more or use an index below {n}", f.name)),
                        Some(_) => {}
                    }
                    if ArgType::MemRef(f.elem.clone()) != *want {
                        err(self.v, format!("with an object of ObjectFIFO `{}` ({}) as argument {i}, but the kernel expects {want}; make the FIFO's element type {want} or fix the kernel signature", f.name, f.elem));
                    }
                }
                CallArg::Buffer(b) => {
                    let Some(buf) = d.buffers.get(*b) else {
                        self.v.push(ValidationError::ForeignHandle {
                            what: format!("argument {i} of a call to `{}`", k.symbol),
                            object: format!("buffer handle {b:?}"),
                            design: d.name.clone(),
                        });
                        continue;
                    };
                    if ArgType::MemRef(buf.ty.clone()) != *want {
                        err(self.v, format!("with buffer `{}` ({}) as argument {i}, but the kernel expects {want}", buf.name, buf.ty));
                    }
                    let reach = d
                        .coords(buf.tile)
                        .is_some_and(|(bc, br)| d.device.core_reaches_memory(col, row, bc, br));
                    if !reach {
                        err(self.v, format!("with buffer `{}` on tile {}, which this core cannot reach; place it on this tile or a West, North or South compute neighbour", buf.name, d.tile_label(buf.tile)));
                    }
                }
                CallArg::Scalar(s) => {
                    if ArgType::Scalar(s.ty()) != *want {
                        err(
                            self.v,
                            format!(
                                "with a {} constant as argument {i}, but the kernel expects {want}",
                                s.ty()
                            ),
                        );
                    }
                }
            }
        }
    }
}
