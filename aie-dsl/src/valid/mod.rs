//! Validation: checks a design against the target model and mlir-aie's rules before anything is
//! emitted, and reports every problem at once.
//!
//! [`validate`] takes a [`Design`] and returns a [`Validated`] design: the proof that every later
//! stage ([`crate::lower`], [`crate::emit`], [`crate::build`]) requires, so none of them needs to
//! check again or can be handed a design that was never checked. Validation reads the ObjectFIFO
//! rules from [`crate::ir::fifo_rules`], the same place the lowering reads them; it never runs the
//! lowering. What only the exact lowering can see (e.g. a mem tile's BDs per channel parity) is
//! reported by the lowering as a [`crate::lower::LowerError`].

mod error;
mod links;
mod locks;
mod program;
pub mod resources;
mod runtime;
mod transfer;

pub use error::{ValidationError, ValidationErrors};

use std::collections::HashMap;

use crate::ir::{Design, FifoId, Misuse, TileId};
use crate::target::{TileKind, WireBundle};

/// A design that passed validation. Later stages take it as their input; it reads as the
/// [`Design`] it holds (`Deref`), and cannot be changed without validating again.
#[derive(Clone, Debug, PartialEq)]
pub struct Validated {
    design: Design,
}

impl Validated {
    /// The design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Gives the design back, e.g. to change it and validate it again.
    pub fn into_design(self) -> Design {
        self.design
    }
}

impl std::ops::Deref for Validated {
    type Target = Design;

    fn deref(&self) -> &Design {
        &self.design
    }
}

/// Checks `design` and returns it as [`Validated`] when nothing is wrong.
///
/// # Errors
/// Every problem found, in the order of the design's objects.
pub fn validate(design: Design) -> Result<Validated, ValidationErrors> {
    check(&design)?;
    Ok(Validated { design })
}

/// Checks `design` without taking it; `Ok(())` when nothing is wrong.
///
/// # Errors
/// Every problem found, in the order of the design's objects.
pub fn check(design: &Design) -> Result<(), ValidationErrors> {
    let mut v = Validator {
        d: design,
        errors: Vec::new(),
    };
    v.tiles();
    v.names();
    v.kernels();
    v.fifos();
    v.links();
    links::check(&mut v);
    v.placed();
    program::check(&mut v);
    locks::check(&mut v);
    runtime::check(&mut v);
    // Resource figures are only meaningful once the objects themselves are sound.
    if v.errors.is_empty() {
        v.resources();
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors {
            design: design.name.clone(),
            errors: v.errors,
        })
    }
}

pub(crate) struct Validator<'d> {
    pub(crate) d: &'d Design,
    pub(crate) errors: Vec<ValidationError>,
}

/// Whether `name` prints as a bare MLIR symbol (`@name`).
fn is_symbol_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl<'d> Validator<'d> {
    pub(crate) fn push(&mut self, e: ValidationError) {
        self.errors.push(e);
    }

    /// The tile behind a handle, or an error naming where the handle was used.
    pub(crate) fn tile(
        &mut self,
        t: TileId,
        what: impl FnOnce() -> String,
    ) -> Option<(u32, u32, TileKind)> {
        match self.d.tiles.get(t) {
            Some(tile) => Some((tile.col, tile.row, tile.kind)),
            None => {
                self.push(ValidationError::ForeignHandle {
                    what: what(),
                    object: format!("tile handle {t:?}"),
                    design: self.d.name.clone(),
                });
                None
            }
        }
    }

    pub(crate) fn fifo_ok(&mut self, f: FifoId, what: impl FnOnce() -> String) -> bool {
        if self.d.fifos.get(f).is_some() {
            return true;
        }
        self.push(ValidationError::ForeignHandle {
            what: what(),
            object: format!("FIFO handle {f:?}"),
            design: self.d.name.clone(),
        });
        false
    }

    fn tiles(&mut self) {
        let dev = self.d.device;
        for (_, t) in self.d.tiles.iter() {
            if !dev.contains(t.col, t.row) {
                self.push(ValidationError::TileOutsideDevice {
                    col: t.col,
                    row: t.row,
                    device: dev,
                    columns: dev.columns(),
                    max_col: dev.columns() - 1,
                    max_row: dev.rows() - 1,
                });
                continue;
            }
            if let Some(actual) = dev.kind_of_row(t.row) {
                if actual != t.kind {
                    let (lo, hi) = dev.rows_of(t.kind);
                    let hint = if lo == hi {
                        format!("{}s are in row {lo}", t.kind)
                    } else {
                        format!("{}s are in rows {lo}-{hi}", t.kind)
                    };
                    self.push(ValidationError::TileKindMismatch {
                        col: t.col,
                        row: t.row,
                        device: dev,
                        declared: t.kind,
                        actual,
                        hint,
                    });
                }
            }
        }
    }

    fn names(&mut self) {
        let d = self.d;
        let mut named: Vec<(String, &'static str, String)> = Vec::new();
        for (_, f) in d.fifos.iter() {
            named.push((
                f.name.clone(),
                "ObjectFIFO",
                format!("ObjectFIFO `{}`", f.name),
            ));
        }
        for (_, k) in d.kernels.iter() {
            named.push((k.symbol.clone(), "kernel", format!("kernel `{}`", k.symbol)));
        }
        for (_, b) in d.buffers.iter() {
            named.push((b.name.clone(), "buffer", format!("buffer `{}`", b.name)));
        }
        for (_, l) in d.locks.iter() {
            named.push((l.name.clone(), "lock", format!("lock `{}`", l.name)));
        }
        for (_, a) in d.shim_allocs.iter() {
            named.push((
                a.name.clone(),
                "shim DMA allocation",
                format!("shim DMA allocation `{}`", a.name),
            ));
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (name, what, label) in &named {
            if !is_symbol_name(name) {
                self.push(ValidationError::BadName {
                    what,
                    name: name.clone(),
                });
                continue;
            }
            if let Some(first) = seen.get(name.as_str()) {
                self.push(ValidationError::DuplicateName {
                    name: name.clone(),
                    first: first.to_string(),
                    second: label.clone(),
                });
            } else {
                seen.insert(name, label);
            }
        }
    }

    fn kernels(&mut self) {
        for (_, k) in self.d.kernels.iter() {
            if k.object.is_empty() || k.object.contains('/') || k.object.contains('\\') {
                self.push(ValidationError::Kernel {
                    kernel: k.symbol.clone(),
                    problem: format!(
                        "object file `{}` must be a plain file name such as `{}.o` (the build puts objects next to the design)",
                        k.object, k.symbol
                    ),
                });
            }
            for (i, a) in k.args.iter().enumerate() {
                if let crate::types::ArgType::MemRef(m) = a {
                    if m.elements() == 0 {
                        self.push(ValidationError::Kernel {
                            kernel: k.symbol.clone(),
                            problem: format!("argument {i} is {m}, which has no elements; give every dimension a size of at least 1"),
                        });
                    }
                }
            }
        }
    }

    fn fifos(&mut self) {
        let d = self.d;
        for (id, f) in d.fifos.iter() {
            let name = &f.name;
            let prod = self.tile(f.producer, || {
                format!("the producer of ObjectFIFO `{name}`")
            });
            let mut cons = Vec::new();
            for (i, c) in f.consumers.iter().enumerate() {
                cons.push(self.tile(c.tile, || format!("consumer {i} of ObjectFIFO `{name}`")));
            }
            if f.consumers.is_empty() {
                self.push(ValidationError::FifoWithoutConsumer { fifo: name.clone() });
            }
            for (i, c) in f.consumers.iter().enumerate() {
                if c.tile == f.producer {
                    self.push(ValidationError::FifoEndpointRepeated {
                        fifo: name.clone(),
                        tile: d.tile_label(c.tile),
                        how: "as producer and consumer",
                    });
                } else if f.consumers[..i].iter().any(|p| p.tile == c.tile) {
                    self.push(ValidationError::FifoEndpointRepeated {
                        fifo: name.clone(),
                        tile: d.tile_label(c.tile),
                        how: "twice as consumer",
                    });
                }
            }
            let shim = |t: &Option<(u32, u32, TileKind)>| matches!(t, Some((_, _, TileKind::Shim)));
            for (c, t) in f.consumers.iter().zip(&cons) {
                if shim(&prod) && shim(t) {
                    self.push(ValidationError::FifoShimToShim {
                        fifo: name.clone(),
                        from: d.tile_label(f.producer),
                        to: d.tile_label(c.tile),
                    });
                }
            }
            self.fifo_depth(f);
            if f.elem.elements() == 0 {
                self.push(ValidationError::FifoElement {
                    fifo: name.clone(),
                    problem: format!("objects of type {} have no elements; give every dimension a size of at least 1", f.elem),
                });
            } else if f.elem.bytes() % u64::from(d.device.model().dma_granularity_bytes) != 0
                && crate::ir::fifo_rules::requires_dma(d, id)
            {
                self.push(ValidationError::FifoElement {
                    fifo: name.clone(),
                    problem: format!(
                        "objects of type {} are {} bytes, but DMAs move whole {}-byte words; make the object size a multiple of {} bytes",
                        f.elem,
                        f.elem.bytes(),
                        d.device.model().dma_granularity_bytes,
                        d.device.model().dma_granularity_bytes
                    ),
                });
            }
            let opt = |problem: String| ValidationError::FifoOption {
                fifo: name.clone(),
                problem,
            };
            if shim(&prod) && !f.dims_to_stream.is_empty() {
                self.push(opt(format!("the producer {} is a shim tile, which cannot reorder data (dims_to_stream); describe the access pattern in the runtime transfer instead", d.tile_label(f.producer))));
            }
            for (c, t) in f.consumers.iter().zip(&cons) {
                if shim(t) && !c.dims_from_stream.is_empty() {
                    self.push(opt(format!("the consumer {} is a shim tile, which cannot reorder data (dims_from_stream); describe the access pattern in the runtime transfer instead", d.tile_label(c.tile))));
                }
            }
            for dims in std::iter::once(&f.dims_to_stream)
                .chain(f.consumers.iter().map(|c| &c.dims_from_stream))
            {
                if dims.iter().any(|x| x.size == 0) {
                    self.push(opt(
                        "a data layout dimension has size 0; every size must be at least 1".into(),
                    ));
                }
                if dims.len() > 4 {
                    self.push(opt(format!(
                        "a data layout has {} dimensions; AIE2 DMAs take at most 4",
                        dims.len()
                    )));
                }
            }
            if let Some(r) = f.repeat_count {
                if r == 0 {
                    self.push(opt(
                        "repeat_count is 0; use at least 1 (1 sends each object once)".into(),
                    ));
                }
                if shim(&prod) {
                    self.push(opt("repeat_count is not allowed on a FIFO whose producer is a shim tile; repeat the runtime transfer instead".into()));
                }
            }
            if let Some(init) = &f.init_values {
                if shim(&prod) {
                    self.push(opt("init_values are not allowed on a FIFO whose producer is a shim tile (it has no buffers)".into()));
                }
                if init.len() as u32 != f.depth.producer() {
                    self.push(opt(format!("init_values has {} objects but the producer depth is {}; give one list per object", init.len(), f.depth.producer())));
                }
                for (i, obj) in init.iter().enumerate() {
                    if obj.len() as u64 != f.elem.elements() {
                        self.push(opt(format!(
                            "init_values object {i} has {} values but {} holds {}",
                            obj.len(),
                            f.elem,
                            f.elem.elements()
                        )));
                    }
                }
            }
        }
        for m in &d.misuse {
            match m {
                Misuse::DimsForMissingConsumer {
                    fifo,
                    position,
                    consumers,
                } => self.push(ValidationError::FifoOption {
                    fifo: d.fifo_label(*fifo),
                    problem: format!("dims_from_stream was given for consumer {position}, but the FIFO has {consumers} consumer(s) (positions start at 0)"),
                }),
            }
        }
    }

    fn fifo_depth(&mut self, f: &crate::ir::ObjectFifo) {
        let problem = match &f.depth {
            crate::ir::Depth::Uniform(0) => Some("depth is 0; use at least 1 (2 lets the producer fill one object while the consumer reads the other)".to_string()),
            crate::ir::Depth::Uniform(_) => None,
            crate::ir::Depth::PerEndpoint(v) => {
                if v.len() != f.consumers.len() + 1 {
                    Some(format!(
                        "per-endpoint depths list {} numbers, but the FIFO has 1 producer and {} consumer(s); give [producer, consumer 0, …] ({} numbers)",
                        v.len(),
                        f.consumers.len(),
                        f.consumers.len() + 1
                    ))
                } else if v.contains(&0) {
                    Some("a per-endpoint depth is 0; use at least 1".to_string())
                } else {
                    None
                }
            }
        };
        if let Some(problem) = problem {
            self.push(ValidationError::FifoDepth {
                fifo: f.name.clone(),
                problem,
            });
        }
    }

    fn links(&mut self) {
        let d = self.d;
        let mut used: HashMap<FifoId, usize> = HashMap::new();
        for (li, link) in d.links.iter().enumerate() {
            let names = |ids: &[FifoId]| {
                ids.iter()
                    .map(|f| d.fifo_label(*f))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let label = format!("[{}] -> [{}]", names(&link.inputs), names(&link.outputs));
            let err = |problem: String| ValidationError::Link {
                link: label.clone(),
                problem,
            };
            let mut errs = Vec::new();
            if link.inputs.is_empty() || link.outputs.is_empty() {
                errs.push(err(
                    "a link needs at least one input and one output FIFO".into()
                ));
                self.errors.extend(errs);
                continue;
            }
            if link.inputs.len() > 1 && link.outputs.len() > 1 {
                errs.push(err(
                    "a link cannot both join and split; use two links through two FIFOs".into(),
                ));
            }
            let mut all_known = true;
            for &f in link.inputs.iter().chain(&link.outputs) {
                if d.fifos.get(f).is_none() {
                    all_known = false;
                    errs.push(err(format!("FIFO handle {f:?} is not part of this design")));
                } else if let Some(prev) = used.insert(f, li) {
                    if prev != li {
                        errs.push(err(format!("FIFO `{}` is already part of another link; a FIFO may take part in one link only", d.fifo_label(f))));
                    }
                }
            }
            if !all_known {
                self.errors.extend(errs);
                continue;
            }
            let fifo = |f: FifoId| d.fifos.get(f);
            // The link tile: producer of the outputs, consumer of the inputs.
            let tile = fifo(link.outputs[0]).map(|f| f.producer);
            for &o in &link.outputs {
                if fifo(o).map(|f| f.producer) != tile {
                    errs.push(err(format!("output `{}` does not start at the link tile {}; every output must be produced by the tile where the inputs end", d.fifo_label(o), tile.map(|t| d.tile_label(t)).unwrap_or_default())));
                }
            }
            for &i in &link.inputs {
                let ends_here =
                    fifo(i).is_some_and(|f| f.consumers.iter().any(|c| Some(c.tile) == tile));
                if !ends_here {
                    errs.push(err(format!("input `{}` has no consumer at the link tile {}; make that tile a consumer of it", d.fifo_label(i), tile.map(|t| d.tile_label(t)).unwrap_or_default())));
                }
            }
            let kind = tile.and_then(|t| d.tiles.get(t)).map(|t| t.kind);
            let join = link.inputs.len() > 1;
            let split = link.outputs.len() > 1;
            if (join || split) && kind != Some(TileKind::Mem) {
                errs.push(err(format!(
                    "a {} must go through a mem tile, but the link tile {} is a {}",
                    if join { "join" } else { "split" },
                    tile.map(|t| d.tile_label(t)).unwrap_or_default(),
                    kind.map(|k| k.to_string()).unwrap_or_default()
                )));
            }
            if kind == Some(TileKind::Shim) {
                errs.push(err(
                    "a link cannot go through a shim tile; route it through a mem tile".into(),
                ));
            }
            let elems = |f: FifoId| fifo(f).map_or(0, |f| f.elem.elements());
            let bytes = |f: FifoId| fifo(f).map_or(0, |f| f.elem.bytes());
            if !join && !split {
                // mlir-aie's ObjectFifoLinkOp::verify: "all offsets should be empty if there is
                // no join or distribute" fires only when both lists are given; a split with a
                // single output (offset 0) is a forward link. A non-zero offset would be
                // ignored there, so we reject it (README).
                let both = !link.src_offsets.is_empty() && !link.dst_offsets.is_empty();
                if both
                    || link
                        .src_offsets
                        .iter()
                        .chain(&link.dst_offsets)
                        .any(|&o| o != 0)
                {
                    errs.push(err("a forward link (one input, one output) moves whole objects and takes no offsets other than a single 0".into()));
                }
                if bytes(link.inputs[0]) != bytes(link.outputs[0]) {
                    errs.push(err(format!("input objects are {} bytes but output objects are {}; a forward link moves whole objects, make the sizes equal", bytes(link.inputs[0]), bytes(link.outputs[0]))));
                }
            }
            let mut check_parts = |whole: FifoId,
                                   parts: &[FifoId],
                                   offsets: &[u64],
                                   other: &[u64],
                                   what: &str| {
                if !other.is_empty() {
                    errs.push(err(format!(
                        "a {what} takes offsets for its {} only",
                        if what == "split" { "outputs" } else { "inputs" }
                    )));
                }
                if offsets.len() != parts.len() {
                    errs.push(err(format!(
                        "{} offsets for {} FIFOs; give one offset per FIFO",
                        offsets.len(),
                        parts.len()
                    )));
                    return;
                }
                let total = elems(whole);
                for (k, (&p, &off)) in parts.iter().zip(offsets).enumerate() {
                    let end = offsets.get(k + 1).copied().unwrap_or(total);
                    if end <= off || off >= total {
                        errs.push(err(format!("offset {off} of `{}` does not fit: offsets must increase and stay below the {total} elements of `{}`", d.fifo_label(p), d.fifo_label(whole))));
                        continue;
                    }
                    // mlir-aie accepts gaps between parts but still moves `next offset -
                    // offset` elements (getDistributeTransferLengths), more than the part's
                    // objects hold; we keep parts packed (README).
                    if elems(p) != end - off {
                        errs.push(err(format!("`{}` gets elements {off}..{end} ({}) of `{}`, but its objects hold {}; change its type or the offsets", d.fifo_label(p), end - off, d.fifo_label(whole), elems(p))));
                    }
                }
                for &p in parts {
                    let (a, b) = (
                        fifo(p).map(|f| f.elem.elem()),
                        fifo(whole).map(|f| f.elem.elem()),
                    );
                    if a != b {
                        errs.push(err(format!("`{}` has elements of another type than `{}`; use one element type on both sides", d.fifo_label(p), d.fifo_label(whole))));
                    }
                }
            };
            if split {
                check_parts(
                    link.inputs[0],
                    &link.outputs,
                    &link.dst_offsets,
                    &link.src_offsets,
                    "split",
                );
                let repeats: Vec<_> = link
                    .outputs
                    .iter()
                    .map(|&o| fifo(o).and_then(|f| f.repeat_count))
                    .collect();
                if repeats.windows(2).any(|w| w[0] != w[1]) {
                    errs.push(err(
                        "all outputs of a split must have the same repeat_count".into(),
                    ));
                }
            } else if join {
                check_parts(
                    link.outputs[0],
                    &link.inputs,
                    &link.src_offsets,
                    &link.dst_offsets,
                    "join",
                );
            }
            self.errors.extend(errs);
        }
    }

    fn placed(&mut self) {
        let d = self.d;
        for (_, b) in d.buffers.iter() {
            let label = format!("buffer `{}`", b.name);
            if let Some((col, row, kind)) = self.tile(b.tile, || label.clone()) {
                if kind == TileKind::Shim {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("it is placed on shim tile ({col},{row}), which has no data memory; place it on a mem or compute tile"),
                    });
                }
            }
            if let Some(init) = &b.init {
                if init.len() as u64 != b.ty.elements() {
                    self.push(ValidationError::Placed {
                        object: label,
                        problem: format!(
                            "the initial value has {} elements but {} holds {}",
                            init.len(),
                            b.ty,
                            b.ty.elements()
                        ),
                    });
                }
            }
        }
        let mut ids: HashMap<(TileId, u32), &str> = HashMap::new();
        for (_, l) in d.locks.iter() {
            let label = format!("lock `{}`", l.name);
            let Some((col, row, kind)) = self.tile(l.tile, || label.clone()) else {
                continue;
            };
            let available = d.device.resources(kind).locks;
            if let Some(id) = l.id {
                if id >= available {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("lock id {id} does not exist on {kind} ({col},{row}), which has ids 0..={}", available - 1),
                    });
                } else if let Some(other) = ids.insert((l.tile, id), &l.name) {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("lock id {id} on ({col},{row}) is already taken by lock `{other}`; choose another id or leave it to assignment"),
                    });
                }
            }
            if l.init > d.device.model().max_lock_value {
                self.push(ValidationError::Placed {
                    object: label,
                    problem: format!(
                        "initial value {} is above the largest lock value {}",
                        l.init,
                        d.device.model().max_lock_value
                    ),
                });
            }
        }
        let flows: Vec<_> = d
            .flows
            .iter()
            .map(|f| (f.source, vec![f.dest], "flow"))
            .chain(
                d.packet_flows
                    .iter()
                    .map(|p| (p.source, p.dests.clone(), "packet flow")),
            )
            .collect();
        for (src, dests, what) in flows {
            for p in std::iter::once(src).chain(dests) {
                let label = format!("{what} at {}:{}", p.bundle.keyword(), p.channel);
                let Some((col, row, kind)) = self.tile(p.tile, || label.clone()) else {
                    continue;
                };
                if p.bundle == WireBundle::Dma {
                    let n = d.device.resources(kind).dma_channels;
                    if p.channel >= n {
                        self.push(ValidationError::Placed {
                            object: format!("{what} at ({col},{row}) DMA:{}", p.channel),
                            problem: format!("a {kind} has DMA channels 0..={}", n - 1),
                        });
                    }
                }
            }
        }
        for p in &d.packet_flows {
            if p.id >= 32 {
                self.push(ValidationError::Placed {
                    object: format!("packet flow {}", p.id),
                    problem: "packet ids are 5 bits; use 0..=31".into(),
                });
            }
            if p.dests.is_empty() {
                self.push(ValidationError::Placed {
                    object: format!("packet flow {}", p.id),
                    problem: "it has no destination; add at least one".into(),
                });
            }
        }
        for (_, a) in d.shim_allocs.iter() {
            let label = format!("shim DMA allocation `{}`", a.name);
            if let Some((col, row, kind)) = self.tile(a.tile, || label.clone()) {
                let n = d.device.model().shim.dma_channels;
                if kind != TileKind::Shim {
                    self.push(ValidationError::Placed {
                        object: label.clone(),
                        problem: format!("tile ({col},{row}) is a {kind}; shim DMA allocations belong on shim tiles"),
                    });
                } else if a.channel >= n {
                    self.push(ValidationError::Placed {
                        object: label,
                        problem: format!(
                            "channel {} does not exist; shim tiles have {} channels 0..={}",
                            a.channel,
                            a.dir.keyword(),
                            n - 1
                        ),
                    });
                }
            }
        }
    }

    fn resources(&mut self) {
        let d = self.d;
        for (tile, u) in resources::estimate(d) {
            let Some(t) = d.tiles.get(tile) else { continue };
            let res = d.device.resources(t.kind);
            let used = u.memory_bytes();
            if t.kind != TileKind::Shim && used > u64::from(res.memory_bytes) {
                let breakdown = u
                    .memory
                    .iter()
                    .map(|(w, _)| w.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                self.push(ValidationError::MemoryOverflow {
                    kind: t.kind,
                    col: t.col,
                    row: t.row,
                    used,
                    available: u64::from(res.memory_bytes),
                    breakdown,
                });
            }
            let mut over =
                |resource: String, used: u32, available: u32, users: String, hint: &'static str| {
                    if used > available {
                        self.errors.push(ValidationError::ResourceOverflow {
                            kind: t.kind,
                            col: t.col,
                            row: t.row,
                            resource,
                            used,
                            available,
                            users,
                            hint,
                        });
                    }
                };
            over(
                "locks".into(),
                u.locks.len() as u32,
                res.locks,
                u.locks.join(", "),
                "each FIFO end takes two locks: move FIFO endpoints to other tiles",
            );
            over(
                "buffer descriptors".into(),
                u.bd_count(),
                res.bds,
                u.bds.iter().map(|(w, n)| format!("{w}: {n}")).collect::<Vec<_>>().join(", "),
                "each FIFO end takes one BD per object: use shallower FIFOs or fewer endpoints here",
            );
            for dir in [crate::target::DmaDir::S2mm, crate::target::DmaDir::Mm2s] {
                let users = u.channels(dir);
                over(
                    format!("{} DMA channels", dir.keyword()),
                    users.len() as u32,
                    res.dma_channels,
                    users.join(", "),
                    "each FIFO end that is not shared memory takes a channel: spread the FIFOs over more tiles, or join/split them through a mem tile",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_symbol_name;

    #[test]
    fn symbol_names_are_identifiers() {
        assert!(is_symbol_name("of_in"));
        assert!(is_symbol_name("_x9"));
        assert!(!is_symbol_name("9x"));
        assert!(!is_symbol_name("a-b"));
        assert!(!is_symbol_name(""));
    }
}
