//! The whole-array matmul design (designs/src/matmul.rs): shapes it rejects, by parameter; the
//! registered Whisper shapes and the other variants through the whole pipeline; and its
//! runtime sequence, which must move exactly the bytes of A, B and C and, followed through the
//! design's FIFOs, layouts and joins, compute A · B.

use aie_dsl::ir::{Dim, DmaTarget, RuntimeOp, TransferDir};
use aie_dsl::prelude::*;
use designs::matmul::{
    matmul_of, matmul_with, Matmul, MatmulError, OutElem, ShapeError, TileShape, MAX_M,
};

fn build_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-matmul-{name}-{}", std::process::id()))
}

#[test]
fn the_whisper_matmuls_build_through_the_pipeline_on_the_whole_array() {
    let designs: [(&str, designs::DesignFn); 3] = [
        ("matmul_1500x512x512", designs::matmul::matmul_1500x512x512),
        (
            "matmul_1500x512x2048",
            designs::matmul::matmul_1500x512x2048,
        ),
        (
            "matmul_1500x2048x512",
            designs::matmul::matmul_1500x2048x512,
        ),
    ];
    for (name, design) in designs {
        assert!(
            aie_dsl::registry::find(name).is_some(),
            "{name} is registered"
        );
        let d = design().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.device, Device::Npu1);
        assert_eq!(d.cores.len(), 16, "{name}: sixteen cores");
        let built = aie_dsl::build(&d, &designs::build_options(build_dir(name)))
            .unwrap_or_else(|e| panic!("{name}: build: {e}"));
        for a in [
            aie_dsl::Artifact::Insts,
            aie_dsl::Artifact::Physical,
            aie_dsl::Artifact::CoreLlvm,
            aie_dsl::Artifact::LdScript,
        ] {
            assert!(
                built.path(a).is_some(),
                "{name}: {a} not written:\n{}",
                designs::describe(&built)
            );
        }
        println!("{name}:\n{}{}", designs::describe(&built), built.summary);
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes the design rejects, each naming its parameter.

fn shape_err(shape: Matmul) -> ShapeError {
    match matmul_of(shape) {
        Err(MatmulError::Shape(e)) => e,
        Err(other) => panic!("{shape:?}: expected a shape error, got {other}"),
        Ok(_) => panic!("{shape:?}: accepted"),
    }
}

#[test]
fn bad_shapes_are_rejected_naming_the_parameter_and_what_to_change() {
    // k not a multiple of the tile's k (64): the message says which multiple to pad to.
    let e = shape_err(Matmul::new(1500, 500, 512));
    assert!(
        matches!(
            e,
            ShapeError::NotMultiple {
                param: "k",
                value: 500,
                multiple: 64,
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("k = 500") && msg.contains("to 512"), "{msg}");
    // n not a multiple of 4 columns × the tile's n (32).
    let e = shape_err(Matmul::new(1500, 512, 500));
    assert!(
        matches!(
            e,
            ShapeError::NotMultiple {
                param: "n",
                multiple: 128,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("to 512"), "{e}");
    // Empty dimensions.
    for (shape, param) in [
        (Matmul::new(0, 512, 512), "m"),
        (Matmul::new(1500, 0, 512), "k"),
        (Matmul::new(1500, 512, 0), "n"),
    ] {
        let e = shape_err(shape);
        assert_eq!(e, ShapeError::Empty { param }, "{shape:?}");
        assert!(e.to_string().contains(&format!("{param} is 0")), "{e}");
    }
    // Too many rows for one run.
    let e = shape_err(Matmul::new(MAX_M + 1, 512, 512));
    assert!(
        matches!(e, ShapeError::TooLarge { param: "m", max, .. } if max == u64::from(MAX_M)),
        "{e:?}"
    );
    // The A stripe repeats once per C tile of a core: at most 64 (shim BD repeat count),
    // so n <= 64 × 128 = 8192 with the default tile.
    assert!(matmul_with(256, 64, 8192, OutElem::Bf16).is_ok());
    let e = shape_err(Matmul::new(256, 64, 8192 + 128));
    assert!(
        matches!(e, ShapeError::TooLarge { param: "n", max: 8192, why, .. } if why.contains("repeat")),
        "{e:?}"
    );
    // f32 C: the drain steps over 4 × 64 rows of n f32, at most 2^20 words: n <= 4096.
    assert!(matmul_with(256, 64, 4096, OutElem::F32).is_ok());
    let e = shape_err(Matmul::new(256, 64, 4096 + 128).out(OutElem::F32));
    assert!(
        matches!(e, ShapeError::TooLarge { param: "n", max: 4096, why, .. } if why.contains("C's drain")),
        "{e:?}"
    );
    // A's rows of k bf16 are one stride: at most 2^20 words, k <= 2^21.
    let e = shape_err(Matmul::new(256, (1 << 21) + 64, 128));
    assert!(
        matches!(e, ShapeError::TooLarge { param: "k", max, .. } if max == 1 << 21),
        "{e:?}"
    );
    // The padded A must fit a host buffer (2^32 - 1 elements).
    let e = shape_err(Matmul::new(MAX_M, 1 << 17, 128));
    assert!(
        matches!(
            e,
            ShapeError::TooLarge {
                param: "m × k", ..
            }
        ),
        "{e:?}"
    );
    // Tiles: over the compute tile's 64 KiB, not made of 4×8×4 blocks, not in the kernel.
    let e = shape_err(Matmul::new(1536, 512, 512).tile(TileShape::new(64, 64, 64)));
    assert!(
        matches!(e, ShapeError::TileMemory { need, have: 65536, .. } if need > 65536),
        "{e:?}"
    );
    assert!(e.to_string().contains("64x64x64"), "{e}");
    let e = shape_err(Matmul::new(1536, 512, 512).tile(TileShape::new(30, 64, 32)));
    assert!(
        matches!(
            e,
            ShapeError::NotMultiple {
                param: "tile.m",
                multiple: 4,
                ..
            }
        ),
        "{e:?}"
    );
    let e = shape_err(Matmul::new(1536, 512, 512).tile(TileShape::new(16, 64, 32)));
    assert_eq!(
        e,
        ShapeError::NoKernel {
            tile: TileShape::new(16, 64, 32)
        }
    );
    assert!(e.to_string().contains("matmul.cc"), "{e}");
}

#[test]
fn the_other_tiles_and_f32_output_build_through_the_pipeline() {
    for shape in [
        Matmul::new(1500, 512, 512),
        Matmul::new(1500, 512, 512).out(OutElem::F32),
        Matmul::new(1500, 512, 512).tile(TileShape::new(32, 32, 32)),
        Matmul::new(1500, 512, 512)
            .tile(TileShape::new(32, 64, 64))
            .out(OutElem::F32),
    ] {
        let d = matmul_of(shape).unwrap_or_else(|e| panic!("{shape:?}: {e}"));
        let name = d.name.clone();
        // The memory the shape check counts is what the lowering allocates on every core.
        let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
        for (_, core) in d.cores.iter() {
            let buffers: u64 = phys
                .buffers
                .iter()
                .filter(|b| b.tile == core.tile)
                .map(|b| b.ty.bytes())
                .sum();
            assert_eq!(
                buffers + u64::from(core.stack_size),
                shape.core_bytes(),
                "{name}: core memory"
            );
        }
        let built = aie_dsl::build(&d, &designs::build_options(build_dir(&name)))
            .unwrap_or_else(|e| panic!("{name}: build: {e}"));
        assert!(
            built.path(aie_dsl::Artifact::Insts).is_some(),
            "{name}:\n{}",
            designs::describe(&built)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The runtime sequence, followed through the design.

/// Host-buffer element indices a transfer touches, in the order it moves them.
fn transfer_indices(offsets: [i64; 4], sizes: [i64; 4], strides: [i64; 4]) -> Vec<usize> {
    let start: i64 = (0..4).map(|k| offsets[k] * strides[k]).sum();
    let mut out = Vec::new();
    for i0 in 0..sizes[0] {
        for i1 in 0..sizes[1] {
            for i2 in 0..sizes[2] {
                for i3 in 0..sizes[3] {
                    let at = start
                        + i0 * strides[0]
                        + i1 * strides[1]
                        + i2 * strides[2]
                        + i3 * strides[3];
                    out.push(usize::try_from(at).expect("a non-negative index"));
                }
            }
        }
    }
    out
}

/// `obj` read with the access pattern `dims` (outermost first; empty: in order). The pattern
/// must cover the object exactly.
fn read_with<T: Copy>(dims: &[Dim], obj: &[T]) -> Vec<T> {
    if dims.is_empty() {
        return obj.to_vec();
    }
    let total: usize = dims.iter().map(|d| d.size as usize).product();
    assert_eq!(total, obj.len(), "the pattern covers the object");
    (0..total)
        .map(|mut i| {
            let mut at = 0;
            for d in dims.iter().rev() {
                at += (i % d.size as usize) * d.stride as usize;
                i /= d.size as usize;
            }
            obj[at]
        })
        .collect()
}

/// The element sizes of the shape under test, computed here from the shape alone.
struct Expect {
    m: usize,
    k: usize,
    n: usize,
    tm: usize,
    tk: usize,
    tn: usize,
    padded_m: usize,
    out_bytes: usize,
}

impl Expect {
    fn of(shape: Matmul) -> Expect {
        let t = shape.tile;
        let block = 4 * t.m as usize;
        Expect {
            m: shape.m as usize,
            k: shape.k as usize,
            n: shape.n as usize,
            tm: t.m as usize,
            tk: t.k as usize,
            tn: t.n as usize,
            padded_m: (shape.m as usize).div_ceil(block) * block,
            out_bytes: match shape.out {
                OutElem::Bf16 => 2,
                OutElem::F32 => 4,
            },
        }
    }

    /// C tiles per core in each block of 4 tile-rows: the n-tiles of one column.
    fn n_tiles(&self) -> usize {
        self.n / (4 * self.tn)
    }

    fn block_rows(&self) -> usize {
        self.padded_m / (4 * self.tm)
    }
}

/// Every transfer by host argument (0 A, 1 B, 2 C): checks the argument sizes, the bytes moved
/// per argument, and how often each element is moved: each element of A once per C tile of a
/// core row (n / (4 tile.n)), of B once per block row, of C exactly once.
fn check_traffic(d: &Design, e: &Expect) {
    let seq = d.runtime.as_ref().expect("a runtime sequence");
    let sizes: Vec<u64> = seq.args.iter().map(|a| a.elements()).collect();
    assert_eq!(
        sizes,
        [e.padded_m * e.k, e.k * e.n, e.padded_m * e.n].map(|x| x as u64),
        "host buffers: padded A, B, padded C"
    );
    let elem_bytes: Vec<usize> = seq.args.iter().map(|a| a.elem().bytes() as usize).collect();
    assert_eq!(elem_bytes, [2, 2, e.out_bytes]);
    let mut hits: Vec<Vec<u32>> = sizes.iter().map(|&s| vec![0; s as usize]).collect();
    let mut bytes = [0usize; 3];
    for op in &seq.ops {
        if let RuntimeOp::Dma(t) = op {
            let arg = t.arg.0 as usize;
            let want_dir = if arg == 2 {
                TransferDir::FromDevice
            } else {
                TransferDir::ToDevice
            };
            assert_eq!(t.dir, want_dir, "argument {arg}");
            for i in transfer_indices(t.offsets, t.sizes, t.strides) {
                hits[arg][i] += 1;
                bytes[arg] += elem_bytes[arg];
            }
        }
    }
    let a_times = e.n_tiles() as u32;
    let b_times = e.block_rows() as u32;
    assert!(
        hits[0].iter().all(|&h| h == a_times),
        "every element of A moved {a_times} times"
    );
    assert!(
        hits[1].iter().all(|&h| h == b_times),
        "every element of B moved {b_times} times"
    );
    assert!(
        hits[2].iter().all(|&h| h == 1),
        "every element of C moved once"
    );
    assert_eq!(
        bytes,
        [
            e.padded_m * e.k * 2 * e.n_tiles(),
            e.k * e.n * 2 * e.block_rows(),
            e.padded_m * e.n * e.out_bytes,
        ]
    );
}

/// Where a C tile's accumulation stands: the rows of A and columns of B it multiplies, and the
/// next k it expects.
#[derive(Clone, Debug, Default)]
struct Acc {
    origin: Option<(usize, usize)>,
    k_next: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Buffer(aie_dsl::ir::BufferId),
    Fifo(FifoId),
}

/// One core's program, interpreted on element tags: A and B elements carry their index in the
/// host buffer, C elements the host index they must land at (row of A × column of B).
struct Core<'a> {
    d: &'a Design,
    e: &'a Expect,
    inputs: std::collections::HashMap<FifoId, std::collections::VecDeque<Obj>>,
    held: std::collections::HashMap<FifoId, Obj>,
    acc: std::collections::HashMap<Key, Acc>,
    outputs: std::collections::HashMap<FifoId, Vec<Vec<u32>>>,
    busy: bool,
    calls: usize,
}

struct Starved;

/// An object on its way to the cores: its tags, and what it was found to be the first time a
/// kernel read it (a broadcast hands the same object to four cores).
struct Tagged {
    tags: Vec<u32>,
    as_a: std::cell::OnceCell<(usize, usize)>,
    as_b: std::cell::OnceCell<(usize, usize)>,
}

type Obj = std::rc::Rc<Tagged>;

impl Core<'_> {
    fn key(arg: &aie_dsl::ir::CallArg) -> Key {
        match arg {
            aie_dsl::ir::CallArg::Buffer(b) => Key::Buffer(*b),
            aie_dsl::ir::CallArg::Object { fifo, .. } => Key::Fifo(*fifo),
            other => panic!("unexpected argument {other:?}"),
        }
    }

    fn object(&self, arg: &aie_dsl::ir::CallArg) -> Obj {
        match arg {
            aie_dsl::ir::CallArg::Object { fifo, index: 0, .. } => self.held[fifo].clone(),
            other => panic!("unexpected argument {other:?}"),
        }
    }

    fn run(&mut self, body: &[aie_dsl::ir::CoreStmt]) -> Result<(), Starved> {
        use aie_dsl::ir::CoreStmt;
        for s in body {
            match s {
                CoreStmt::Forever { body } => loop {
                    self.busy = false;
                    if self.run(body).is_err() {
                        assert!(
                            !self.busy,
                            "a core ran out of input in the middle of its work"
                        );
                        return Ok(());
                    }
                },
                CoreStmt::For { count, body } => {
                    for _ in 0..*count {
                        self.run(body)?;
                    }
                }
                CoreStmt::Acquire { fifo, port, n, .. } => {
                    assert_eq!(*n, 1);
                    match port {
                        FifoPort::Consume => {
                            let obj = self
                                .inputs
                                .get_mut(fifo)
                                .and_then(|q| q.pop_front())
                                .ok_or(Starved)?;
                            self.held.insert(*fifo, obj);
                            self.busy = true;
                        }
                        FifoPort::Produce => {
                            self.acc.insert(Key::Fifo(*fifo), Acc::default());
                        }
                    }
                }
                CoreStmt::Release { fifo, port, .. } => {
                    if *port == FifoPort::Produce {
                        let acc = self.acc.remove(&Key::Fifo(*fifo)).expect("acquired");
                        let obj = self.finish(&acc);
                        self.outputs.entry(*fifo).or_default().push(obj);
                    }
                }
                CoreStmt::Call { kernel, args } => {
                    let symbol = &self.d.kernels.get(*kernel).unwrap().symbol;
                    if symbol.starts_with("zero_f32_") {
                        self.acc.insert(Self::key(&args[0]), Acc::default());
                    } else if symbol.starts_with("matmul_bf16_f32_") {
                        self.multiply(&args[0], &args[1], Self::key(&args[2]));
                    } else if symbol.starts_with("store_bf16_") {
                        let from = self.acc[&Self::key(&args[0])].clone();
                        self.acc.insert(Self::key(&args[1]), from);
                    } else {
                        panic!("unexpected kernel {symbol}");
                    }
                }
                other => panic!("unexpected statement {other:?}"),
            }
        }
        Ok(())
    }

    /// One kernel call: the A object must be the tile of A at some (rows, k-range) in the
    /// kernel's blocked layout [m/4][k/8][4][8], the B object the tile at (the same k-range,
    /// columns) in [k/8][n/4][8][4], and the k-range the next of the C tile's.
    fn multiply(&mut self, a: &aie_dsl::ir::CallArg, b: &aie_dsl::ir::CallArg, acc: Key) {
        let e = self.e;
        let (tm, tk, tn) = (e.tm, e.tk, e.tn);
        let a = self.object(a);
        let b = self.object(b);
        let &(row0, k0) = a.as_a.get_or_init(|| {
            let at = |i: usize, l: usize| {
                a.tags[((i / 4) * (tk / 8) + l / 8) * 32 + (i % 4) * 8 + l % 8] as usize
            };
            let (row0, k0) = (at(0, 0) / e.k, at(0, 0) % e.k);
            for i in 0..tm {
                for l in 0..tk {
                    assert_eq!(
                        at(i, l),
                        (row0 + i) * e.k + k0 + l,
                        "A tile element ({i}, {l})"
                    );
                }
            }
            (row0, k0)
        });
        let &(k0b, col0) = b.as_b.get_or_init(|| {
            let at = |l: usize, j: usize| {
                b.tags[((l / 8) * (tn / 4) + j / 4) * 32 + (l % 8) * 4 + j % 4] as usize
            };
            let (k0, col0) = (at(0, 0) / e.n, at(0, 0) % e.n);
            for l in 0..tk {
                for j in 0..tn {
                    assert_eq!(
                        at(l, j),
                        (k0 + l) * e.n + col0 + j,
                        "B tile element ({l}, {j})"
                    );
                }
            }
            (k0, col0)
        });
        assert_eq!(k0, k0b, "A's and B's tiles cover the same k");
        let state = self.acc.get_mut(&acc).expect("a zeroed accumulator");
        assert_eq!(k0, state.k_next, "k-tiles arrive in order, each once");
        match state.origin {
            None => state.origin = Some((row0, col0)),
            Some(o) => assert_eq!(o, (row0, col0), "one C tile's rows and columns"),
        }
        state.k_next += tk;
        self.calls += 1;
    }

    /// The C object of a finished tile, in the blocked layout [m/4][n/4][4][4]: each element
    /// tagged with the host index of C it holds.
    fn finish(&self, acc: &Acc) -> Vec<u32> {
        let e = self.e;
        assert_eq!(acc.k_next, e.k, "a C tile is released after all of k");
        let (row0, col0) = acc.origin.expect("a C tile with products");
        let mut obj = vec![0; e.tm * e.tn];
        for i in 0..e.tm {
            for j in 0..e.tn {
                obj[((i / 4) * (e.tn / 4) + j / 4) * 16 + (i % 4) * 4 + j % 4] =
                    ((row0 + i) * e.n + col0 + j) as u32;
            }
        }
        obj
    }
}

/// Follows every element through the design as it is built: the runtime sequence's fills
/// through the mem tiles' forwards (with their layouts) to every consumer, each core's program
/// (interpreted from the design, kernels by their contract), the joins and their output
/// layout, and the drains into the host's C. Asserts that every C element lands where the
/// product of its A row and B column belongs, and that every stream is used up exactly.
fn follow(d: &Design, e: &Expect) {
    use std::collections::{HashMap, VecDeque};
    let seq = d.runtime.as_ref().expect("a runtime sequence");
    let fifo_named = |name: &str| {
        d.fifos
            .iter()
            .find(|(_, f)| f.name == name)
            .map(|(id, _)| id)
            .unwrap_or_else(|| panic!("no FIFO {name}"))
    };
    // Fills: the host-index tags each shim FIFO carries, in order.
    let mut filled: HashMap<FifoId, Vec<u32>> = HashMap::new();
    let mut drains: HashMap<FifoId, Vec<Vec<usize>>> = HashMap::new();
    for op in &seq.ops {
        if let RuntimeOp::Dma(t) = op {
            let DmaTarget::Fifo(f) = t.target else {
                panic!("a transfer on a FIFO")
            };
            let idx = transfer_indices(t.offsets, t.sizes, t.strides);
            match t.dir {
                TransferDir::ToDevice => filled
                    .entry(f)
                    .or_default()
                    .extend(idx.into_iter().map(|i| i as u32)),
                TransferDir::FromDevice => drains.entry(f).or_default().push(idx),
            }
        }
    }
    // Forwards at the mem tiles: objects of the input, read with the output's layout, to every
    // consumer of the output (which writes them as they come).
    let mut to_core: HashMap<(FifoId, aie_dsl::ir::TileId), VecDeque<Obj>> = HashMap::new();
    for link in &d.links {
        if link.inputs.len() != 1 {
            continue;
        }
        let (fin, fout) = (link.inputs[0], link.outputs[0]);
        let out = d.fifos.get(fout).unwrap();
        let len = out.elem.elements() as usize;
        let stream = filled.remove(&fin).unwrap_or_default();
        assert_eq!(stream.len() % len, 0, "{}: whole objects", out.name);
        let objs: VecDeque<Obj> = stream
            .chunks(len)
            .map(|obj| {
                std::rc::Rc::new(Tagged {
                    tags: read_with(&out.dims_to_stream, obj),
                    as_a: Default::default(),
                    as_b: Default::default(),
                })
            })
            .collect();
        for c in &out.consumers {
            assert!(c.dims_from_stream.is_empty());
            to_core.insert((fout, c.tile), objs.clone());
        }
    }
    assert!(filled.is_empty(), "every filled FIFO is forwarded");
    // The cores.
    let mut produced: HashMap<FifoId, Vec<Vec<u32>>> = HashMap::new();
    let mut calls = 0;
    for (_, core) in d.cores.iter() {
        let inputs: HashMap<FifoId, VecDeque<Obj>> = to_core
            .iter()
            .filter(|((_, tile), _)| *tile == core.tile)
            .map(|((f, _), q)| (*f, q.clone()))
            .collect();
        let mut sim = Core {
            d,
            e,
            inputs,
            held: HashMap::new(),
            acc: HashMap::new(),
            outputs: HashMap::new(),
            busy: false,
            calls: 0,
        };
        let _ = sim.run(&core.body);
        for (f, q) in &sim.inputs {
            assert!(
                q.is_empty(),
                "core {:?} left objects of {}",
                d.coords(core.tile),
                d.fifos.get(*f).unwrap().name
            );
        }
        calls += sim.calls;
        produced.extend(sim.outputs);
    }
    assert_eq!(
        calls,
        e.block_rows() * 4 * (e.n / e.tn) * (e.k / e.tk),
        "kernel calls: one per C tile and k-tile"
    );
    // Joins at the mem tiles, read part by part with the output's layout, drained to the host.
    let mut host_c: Vec<Option<u32>> = vec![None; e.padded_m * e.n];
    for link in &d.links {
        if link.inputs.len() == 1 {
            continue;
        }
        let out = d.fifos.get(link.outputs[0]).unwrap();
        let parts: Vec<&Vec<Vec<u32>>> = link.inputs.iter().map(|f| &produced[f]).collect();
        let objects = parts[0].len();
        assert!(
            parts.iter().all(|p| p.len() == objects),
            "{}: each core the same count",
            out.name
        );
        let mut stream = Vec::new();
        for o in 0..objects {
            for p in &parts {
                stream.extend(read_with(&out.dims_to_stream, &p[o]));
            }
        }
        let mut stream = stream.into_iter();
        for idx in drains.remove(&fifo_named(&out.name)).unwrap_or_default() {
            for i in idx {
                let tag = stream
                    .next()
                    .expect("the drain takes no more than the FIFO sends");
                assert!(host_c[i].is_none(), "C element {i} written twice");
                host_c[i] = Some(tag);
            }
        }
        assert!(
            stream.next().is_none(),
            "{}: everything the FIFO sends is drained",
            out.name
        );
    }
    assert!(drains.is_empty());
    for (i, got) in host_c.iter().enumerate() {
        assert_eq!(
            *got,
            Some(i as u32),
            "C element {i} (row {}, column {})",
            i / e.n,
            i % e.n
        );
    }
}

#[test]
fn the_whisper_runtime_sequences_move_exactly_a_b_and_c_and_compute_the_product() {
    for (shape, design) in [
        (
            Matmul::new(1500, 512, 512),
            designs::matmul::matmul_1500x512x512 as designs::DesignFn,
        ),
        (
            Matmul::new(1500, 512, 2048),
            designs::matmul::matmul_1500x512x2048,
        ),
        (
            Matmul::new(1500, 2048, 512),
            designs::matmul::matmul_1500x2048x512,
        ),
    ] {
        let d = design().unwrap();
        let e = Expect::of(shape);
        assert_eq!(e.padded_m, 1536, "1500 rows padded to 6 blocks of 256");
        check_traffic(&d, &e);
        follow(&d, &e);
        // The plan an encoder-block plan reads agrees.
        let traffic = shape.check().unwrap().traffic();
        assert_eq!(
            [traffic.a, traffic.b, traffic.c],
            [
                (e.padded_m * e.k * 2 * e.n_tiles()) as u64,
                (e.k * e.n * 2 * e.block_rows()) as u64,
                (e.padded_m * e.n * 2) as u64,
            ]
        );
    }
}

/// The projections' numbers by hand: A 1536 × 512 bf16 (1.5 MiB) sent 512 / 128 = 4 times,
/// B 512 × 512 bf16 (0.5 MiB) once per 256-row block, 6 times, C 1536 × 512 bf16 once.
#[test]
fn the_projection_moves_6_mib_of_a_3_mib_of_b_and_1_5_mib_of_c() {
    let t = designs::matmul::WHISPER_PROJ.traffic();
    assert_eq!([t.a, t.b, t.c], [6 << 20, 3 << 20, 3 << 19]);
}

#[test]
fn other_shapes_tiles_and_f32_output_follow_through_too() {
    for shape in [
        // One block row (a single drain, waited at the end), one n-tile, one k-tile.
        Matmul::new(10, 64, 128),
        // Three block rows (the last drain alone), odd k-tiles.
        Matmul::new(700, 192, 256).out(OutElem::F32),
        Matmul::new(200, 96, 384).tile(TileShape::new(32, 32, 32)),
        Matmul::new(130, 128, 512)
            .tile(TileShape::new(32, 64, 64))
            .out(OutElem::F32),
    ] {
        let d = matmul_of(shape).unwrap_or_else(|e| panic!("{shape:?}: {e}"));
        let e = Expect::of(shape);
        assert!(e.padded_m >= e.m);
        check_traffic(&d, &e);
        follow(&d, &e);
        aie_dsl::lower::lower(&d).unwrap_or_else(|err| panic!("{shape:?}: lower: {err}"));
    }
}

/// Edge values of every parameter: the check answers without panicking (its arithmetic
/// cannot overflow), and the accepted extremes build and validate.
#[test]
fn edge_values_never_panic_and_accepted_extremes_validate() {
    let sides = [
        0,
        1,
        3,
        4,
        8,
        32,
        64,
        127,
        128,
        1500,
        2048,
        8192,
        MAX_M,
        MAX_M + 1,
        u32::MAX,
    ];
    let tiles = [
        TileShape::DEFAULT,
        TileShape::new(0, 64, 32),
        TileShape::new(u32::MAX, 64, 32),
        TileShape::new(4, u32::MAX - 7, 4),
        TileShape::new(u32::MAX - 3, u32::MAX - 7, u32::MAX - 3),
        TileShape::new(4, 8, 4),
    ];
    let mut accepted = 0;
    for &m in &sides {
        for &k in &sides {
            for &n in &sides {
                for tile in tiles {
                    for out in [OutElem::Bf16, OutElem::F32] {
                        let shape = Matmul { m, k, n, tile, out };
                        if let Ok(plan) = shape.check() {
                            accepted += 1;
                            assert!(plan.padded_m() >= m && plan.padded_m() % (4 * tile.m) == 0);
                            assert!(shape.core_bytes() <= 65536);
                        }
                    }
                }
            }
        }
    }
    assert!(accepted > 0);
    for shape in [
        Matmul::new(MAX_M, 64, 128),
        Matmul::new(1, 64, 8192),
        Matmul::new(1, 8192, 128).out(OutElem::F32),
    ] {
        matmul_of(shape).unwrap_or_else(|e| panic!("{shape:?}: {e}"));
    }
}
