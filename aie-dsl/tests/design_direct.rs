//! The design's MLIR written directly (`aie-dsl/src/emit/direct/design.rs`) against the MLIR
//! path: for random valid designs — any device, shim, mem and compute tiles anywhere, FIFOs of
//! every element type with depths, access patterns, repeat counts, initial values, links
//! (forward, split, join), core programs with nested and consecutive loops, lock operations and
//! kernel calls with constants of every scalar type, user buffers with initial values, locks,
//! hand-placed flows, packet flows and shim allocations, runtime sequences — the direct text
//! must equal, byte for byte, what building the design's MLIR module, MLIR's verifier and our
//! printer make of it (`emit::emit`), and the direct generic form (`emit/direct/generic.rs`)
//! what MLIR's generic printer makes of the module, or the direct writers must decline (`None`,
//! the build then prints the module). Most designs must be written directly.
//!
//! The generators are those of `physical_direct.rs` (which took them from `no_panic.rs` and
//! `core_llvm_direct.rs`), copied so each test binary stands alone.

use aie_dsl::ir::{BufferId, CallArg, FifoPort, LockId, TileId};
use aie_dsl::prelude::*;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> Option<T> {
        if v.is_empty() {
            None
        } else {
            Some(v[self.below(v.len() as u64) as usize])
        }
    }
}

const ELEMS: [ElemType; 6] = [
    ElemType::I8,
    ElemType::U8,
    ElemType::I16,
    ElemType::I32,
    ElemType::Bf16,
    ElemType::F32,
];

fn random_design(r: &mut Rng) -> DesignBuilder {
    let device = Device::ALL[r.below(4) as usize];
    let mut d = DesignBuilder::new("random", device);
    let mut tiles: Vec<aie_dsl::ir::TileId> = Vec::new();
    let mut computes = Vec::new();
    for _ in 0..1 + r.below(6) {
        let col = r.below(5) as u32;
        match r.below(3) {
            0 => tiles.push(d.shim_tile(col).into()),
            1 => tiles.push(d.mem_tile(col).into()),
            _ => {
                let t = d.compute_tile(col, r.below(8) as u32);
                computes.push(t);
                tiles.push(t.into());
            }
        }
    }
    let ty = |r: &mut Rng| {
        let dims: Vec<u32> = (0..1 + r.below(2)).map(|_| r.below(600) as u32).collect();
        MemRefType::new(dims, ELEMS[r.below(6) as usize])
    };
    let mut fifos = Vec::new();
    for i in 0..r.below(6) {
        let (Some(p), Some(c)) = (r.pick(&tiles), r.pick(&tiles)) else {
            break;
        };
        let mut consumers = vec![c];
        if r.below(4) == 0 {
            if let Some(c2) = r.pick(&tiles) {
                consumers.push(c2);
            }
        }
        let t = ty(r);
        let mut spec = FifoSpec::new(p, consumers, r.below(4) as u32, t);
        if r.below(5) == 0 {
            spec = spec.depths(vec![r.below(3) as u32; 1 + r.below(3) as usize]);
        }
        if r.below(6) == 0 {
            spec = spec.dims_to_stream([Dim::new(r.below(9) as u32, r.below(9) as u32)]);
        }
        if r.below(6) == 0 {
            spec = spec.dims_from_stream(r.below(3) as usize, [Dim::new(2, 1)]);
        }
        if r.below(8) == 0 {
            spec = spec.repeat_count(r.below(3) as u32);
        }
        if r.below(8) == 0 {
            spec = spec.via_dma();
        }
        if r.below(10) == 0 {
            spec = spec.init_values(vec![vec![1, 2, 3]; r.below(3) as usize]);
        }
        fifos.push(d.fifo_with(format!("f{i}"), spec));
    }
    if fifos.len() >= 2 && r.below(3) == 0 {
        let (a, b) = (fifos[0], fifos[1]);
        match r.below(3) {
            0 => d.forward(a, b),
            1 => d.split(a, fifos[1..].to_vec()),
            _ => d.join(fifos[..fifos.len() - 1].to_vec(), fifos[fifos.len() - 1]),
        }
    }
    let kt = ty(r);
    let k = d.kernel(Kernel::new("k", [kt.into(), ScalarType::I32.into()], "k.o"));
    for &c in computes.iter().take(1 + r.below(3) as usize) {
        let fifos = fifos.clone();
        let depth = r.below(3);
        let seed = r.next();
        d.core(c, |b| {
            let mut r = Rng(seed | 1);
            let body = |b: &mut CoreBuilder<'_>, r: &mut Rng| {
                if let Some(f) = r.pick(&fifos) {
                    let port = if r.below(2) == 0 {
                        FifoPort::Produce
                    } else {
                        FifoPort::Consume
                    };
                    let a = b.acquire(f, port, r.below(4) as u32);
                    b.call(k, [a.get(r.below(3) as u32), Scalar::I32(1).into()]);
                    b.release_n(f, port, r.below(4) as u32);
                }
            };
            match depth {
                0 => body(b, &mut r),
                1 => b.forever(|b| body(b, &mut r)),
                _ => b.repeat(r.below(5), |b| body(b, &mut r)),
            }
        });
    }
    if r.below(2) == 0 {
        let fifos = fifos.clone();
        let seed = r.next();
        d.runtime(|rt| {
            let mut r = Rng(seed | 1);
            let a = rt.arg(MemRefType::vector(
                r.below(5000) as u32,
                ELEMS[r.below(6) as usize],
            ));
            for _ in 0..r.below(5) {
                let Some(f) = r.pick(&fifos) else { break };
                let t = Transfer::nd(
                    [0, 0, 0, r.below(10) as i64],
                    [
                        1 + r.below(3) as i64,
                        1 + r.below(3) as i64,
                        1 + r.below(4) as i64,
                        r.below(2000) as i64,
                    ],
                    [
                        r.below(100) as i64,
                        r.below(100) as i64,
                        r.below(100) as i64,
                        r.below(3) as i64,
                    ],
                );
                match r.below(3) {
                    0 => rt.fill(f, a, t),
                    1 => rt.drain(f, a, t),
                    _ => rt.wait(f),
                }
            }
        });
    }
    d
}

/// A design shaped like the project's: per column a shim, optionally a mem tile that splits,
/// broadcasts or joins, and one to three cores with random programs; random element types,
/// sizes, depths, access patterns, repeat counts, user locks and buffers, hand-placed flows,
/// packet flows and shim allocations, and a runtime sequence that fills, drains, waits and
/// syncs.
fn pipeline_design(seed: u64) -> DesignBuilder {
    let mut r = Rng(seed | 1);
    let cols = 1 + r.below(4) as u32;
    let device = match (cols, r.below(2)) {
        (1, 0) => Device::Npu1_1Col,
        (1 | 2, _) => Device::Npu1_2Col,
        (3, 0) => Device::Npu1_3Col,
        _ => Device::Npu1,
    };
    let mut d = DesignBuilder::new(format!("pipeline_{seed:x}"), device);
    let elem = ELEMS[r.below(6) as usize];
    let part_len = 16 * (1 + r.below(16) as u32);
    let part = MemRefType::vector(part_len, elem);
    let k2 = d.kernel(Kernel::new(
        "k2",
        [
            part.clone().into(),
            part.clone().into(),
            ScalarType::I32.into(),
        ],
        "k.o",
    ));
    let k1 = d.kernel(Kernel::new(
        "k1",
        [
            part.clone().into(),
            ScalarType::I8.into(),
            ScalarType::I16.into(),
        ],
        "k.o",
    ));
    // (input FIFO, output FIFO, length of one transfer)
    let mut ends = Vec::new();
    let mut allocs = Vec::new();
    for col in 0..cols {
        let shim = d.shim_tile(col);
        let k = 1 + r.below(3) as u32;
        let cores: Vec<ComputeTile> = (0..k).map(|i| d.compute_tile(col, 2 + i)).collect();
        let depth = |r: &mut Rng| 1 + r.below(3) as u32;
        let (ins, outs, inp, out, whole) = if k == 1 && r.below(2) == 0 {
            let mut spec = FifoSpec::new(
                shim,
                [aie_dsl::ir::TileId::from(cores[0])],
                depth(&mut r),
                part.clone(),
            );
            if r.below(3) == 0 {
                spec = spec.dims_from_stream(0, [Dim::new(part_len / 8, 8), Dim::new(8, 1)]);
            }
            let inp = d.fifo_with(format!("in{col}"), spec);
            let mut spec = FifoSpec::new(
                cores[0],
                [aie_dsl::ir::TileId::from(shim)],
                depth(&mut r),
                part.clone(),
            );
            if r.below(3) == 0 {
                spec = spec.dims_to_stream([Dim::new(8, 1), Dim::new(part_len / 8, 8)]);
            }
            let out = d.fifo_with(format!("out{col}"), spec);
            (vec![inp], vec![out], inp, out, part_len)
        } else {
            let mem = d.mem_tile(col);
            let whole = MemRefType::vector(part_len * k, elem);
            let mut ins = Vec::new();
            let inp;
            if r.below(2) == 0 {
                inp = d.fifo(
                    format!("a_in{col}"),
                    shim,
                    [mem],
                    depth(&mut r),
                    whole.clone(),
                );
                for (i, &c) in cores.iter().enumerate() {
                    let mut spec = FifoSpec::new(
                        mem,
                        [aie_dsl::ir::TileId::from(c)],
                        depth(&mut r),
                        part.clone(),
                    );
                    if r.below(4) == 0 {
                        spec = spec.dims_to_stream([Dim::new(part_len / 4, 4), Dim::new(4, 1)]);
                    }
                    ins.push(d.fifo_with(format!("a{col}_{i}"), spec));
                }
                d.split(inp, ins.clone());
            } else {
                inp = d.fifo(
                    format!("b_in{col}"),
                    shim,
                    [mem],
                    depth(&mut r),
                    part.clone(),
                );
                let targets: Vec<aie_dsl::ir::TileId> = cores.iter().map(|&c| c.into()).collect();
                let mut spec = FifoSpec::new(mem, targets, depth(&mut r), part.clone());
                if r.below(4) == 0 {
                    spec = spec.repeat_count(1 + r.below(3) as u32);
                }
                let b = d.fifo_with(format!("b{col}"), spec);
                d.forward(inp, b);
                ins = vec![b; cores.len()];
            }
            let outs: Vec<FifoId> = cores
                .iter()
                .enumerate()
                .map(|(i, &c)| d.fifo(format!("c{col}_{i}"), c, [mem], depth(&mut r), part.clone()))
                .collect();
            let out = d.fifo(format!("c_out{col}"), mem, [shim], depth(&mut r), whole);
            d.join(outs.clone(), out);
            (ins, outs, inp, out, part_len * k)
        };
        let ins = if ins.len() == cores.len() {
            ins
        } else {
            vec![ins[0]; cores.len()]
        };
        for (i, &c) in cores.iter().enumerate() {
            let (x, y) = (ins[i], outs[i]);
            let lock = (r.below(3) == 0).then(|| d.lock(c, format!("user_lock{col}_{i}"), None, 1));
            let buf =
                (r.below(3) == 0).then(|| d.buffer(c, format!("scratch{col}_{i}"), part.clone()));
            let seed = r.next();
            d.core(c, |b| {
                let mut r = Rng(seed | 1);
                if r.below(4) == 0 {
                    b.stack_size(2048);
                }
                let step = |b: &mut CoreBuilder<'_>, r: &mut Rng| {
                    let o = b.produce(y, 1);
                    let a = b.consume(x, 1);
                    b.call(
                        k2,
                        [a.get(0), o.get(0), Scalar::I32(part_len as i32).into()],
                    );
                    if let Some(l) = lock {
                        b.use_lock(l, LockAction::AcquireGreaterEqual, 1);
                        b.use_lock(l, LockAction::Release, 1);
                    }
                    if r.below(2) == 0 {
                        let arg = match buf {
                            Some(buf) => buf.into(),
                            None => o.get(0),
                        };
                        b.call(
                            k1,
                            [
                                arg,
                                Scalar::I8(r.next() as i8).into(),
                                Scalar::I16(r.next() as i16).into(),
                            ],
                        );
                    }
                    b.release(a);
                    b.release(o);
                };
                match r.below(3) {
                    0 => b.forever(|b| step(b, &mut r)),
                    1 => b.repeat(1 + r.below(6), |b| {
                        b.repeat(1 + r.below(3), |b| step(b, &mut r));
                        step(b, &mut r);
                    }),
                    _ => {
                        step(b, &mut r);
                        b.repeat(1 + r.below(8), |b| step(b, &mut r));
                    }
                }
            });
        }
        if r.below(4) == 0 {
            let a = d.shim_dma_allocation(format!("extra{col}"), shim, DmaDir::Mm2s, 1);
            allocs.push(a);
        }
        if r.below(5) == 0 {
            d.packet_flow(
                (3 + col) as u8,
                aie_dsl::ir::StreamPort {
                    tile: cores[0].into(),
                    bundle: WireBundle::Trace,
                    channel: 0,
                },
                [aie_dsl::ir::StreamPort {
                    tile: shim.into(),
                    bundle: WireBundle::South,
                    channel: 1,
                }],
                r.below(2) == 0,
            );
        }
        ends.push((inp, out, whole));
    }
    let sync = r.below(4) == 0;
    d.runtime(|rt| {
        for &(inp, out, n) in &ends {
            let a = rt.arg(MemRefType::vector(n, elem));
            let c = rt.arg(MemRefType::vector(n, elem));
            let t = if r.below(3) == 0 && n % 4 == 0 {
                Transfer::nd(
                    [0, 0, 0, 0],
                    [1, 1, 4, i64::from(n / 4)],
                    [0, 0, i64::from(n / 4), 1],
                )
            } else {
                Transfer::linear(n)
            };
            rt.fill(inp, a, t);
            let t = Transfer::linear(n);
            rt.drain(out, c, if r.below(4) == 0 { t.issue_token() } else { t });
        }
        for &(_, out, _) in &ends {
            rt.wait(out);
        }
        if sync {
            rt.sync(0, 0, DmaDir::S2mm, 0);
        }
    });
    d
}

/// What a core's program may use.
struct Parts {
    fifo_in: Option<FifoId>,
    fifo_out: Option<FifoId>,
    lock: LockId,
    buffer: BufferId,
    k_obj: KernelId,
    k_scalars: KernelId,
    k_ints: KernelId,
    k_buf: KernelId,
}

fn scalar(r: &mut Rng, ty: ScalarType) -> Scalar {
    const FLOATS: [f32; 12] = [
        0.0,
        -0.0,
        1.0,
        -2.5,
        0.1,
        1.0e-40,
        3.4e38,
        1024.0,
        0.333_333_34,
        f32::INFINITY,
        f32::NEG_INFINITY,
        123_456.79,
    ];
    match ty {
        ScalarType::I8 => Scalar::I8(r.next() as i8),
        ScalarType::I16 => Scalar::I16(r.next() as i16),
        ScalarType::I32 => Scalar::I32(match r.below(3) {
            0 => r.next() as i32,
            1 => i32::MIN,
            _ => r.below(100) as i32,
        }),
        ScalarType::F32 => Scalar::F32(if r.below(2) == 0 {
            FLOATS[r.below(FLOATS.len() as u64) as usize]
        } else {
            f32::from_bits(r.next() as u32 & 0x7F7F_FFFF)
        }),
        ScalarType::Bf16 => Scalar::Bf16(r.next() as u16 & 0x7F7F),
    }
}

fn program(r: &mut Rng, c: &mut CoreBuilder, p: &Parts, depth: u32) {
    let n = r.below(4);
    for _ in 0..n {
        match r.below(if depth >= 3 { 4 } else { 6 }) {
            0 => {
                if let Some(f) = p.fifo_in {
                    let a = c.consume(f, 1);
                    c.call(p.k_obj, [a.get(0)]);
                    c.release(a);
                } else if let Some(f) = p.fifo_out {
                    let a = c.produce(f, 1);
                    c.call(p.k_obj, [a.get(0)]);
                    c.release(a);
                }
            }
            1 => {
                let v = 1 + r.below(2) as u32;
                c.use_lock(p.lock, LockAction::AcquireGreaterEqual, v);
                c.use_lock(p.lock, LockAction::Release, v);
            }
            2 => {
                // Floating-point constants one time in four (left to MLIR), integers otherwise.
                let (kernel, types): (KernelId, &[ScalarType]) = if r.below(4) == 0 {
                    (
                        p.k_scalars,
                        &[
                            ScalarType::I8,
                            ScalarType::I16,
                            ScalarType::I32,
                            ScalarType::F32,
                            ScalarType::Bf16,
                        ],
                    )
                } else {
                    (
                        p.k_ints,
                        &[ScalarType::I8, ScalarType::I16, ScalarType::I32],
                    )
                };
                let args: Vec<CallArg> = types.iter().map(|t| scalar(r, *t).into()).collect();
                c.call(kernel, args);
            }
            3 => c.call(
                p.k_buf,
                [p.buffer.into(), Scalar::I32(r.below(9) as i32).into()],
            ),
            _ => {
                let count = [0, 1, 2, 3, 4, 5, 7, 11][r.below(8) as usize];
                c.repeat(count, |c| program(r, c, p, depth + 1));
            }
        }
    }
}

/// Two cores joined by a FIFO of random depth, each with a lock, a buffer and a random program
/// (ending in a `forever` loop one time in three).
fn random_core_design(seed: u64) -> Option<Validated> {
    let mut r = Rng(seed | 1);
    let mut d = DesignBuilder::new(format!("direct_{seed}"), Device::Npu1_1Col);
    let obj = MemRefType::vector(16, ElemType::I32);
    let buf_ty = MemRefType::new([4, 8], [ElemType::I16, ElemType::Bf16][r.below(2) as usize]);
    let k_obj = d.kernel(Kernel::new("use_obj", [obj.clone().into()], "k.o"));
    let k_scalars = d.kernel(Kernel::new(
        "use_scalars",
        [
            ArgType::Scalar(ScalarType::I8),
            ArgType::Scalar(ScalarType::I16),
            ArgType::Scalar(ScalarType::I32),
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
        ],
        "k.o",
    ));
    let k_ints = d.kernel(Kernel::new(
        "use_ints",
        [
            ArgType::Scalar(ScalarType::I8),
            ArgType::Scalar(ScalarType::I16),
            ArgType::Scalar(ScalarType::I32),
        ],
        "k.o",
    ));
    let k_buf = d.kernel(Kernel::new(
        "use_buf",
        [buf_ty.clone().into(), ArgType::Scalar(ScalarType::I32)],
        "k.o",
    ));
    let a = d.compute_tile(0, 2);
    let b = d.compute_tile(0, 3);
    let depth = 1 + r.below(3) as u32;
    let f = d.fifo("f", a, [b], depth, obj);
    for (i, (tile, fifo_in, fifo_out)) in [(a, None, Some(f)), (b, Some(f), None)]
        .into_iter()
        .enumerate()
    {
        let parts = Parts {
            fifo_in,
            fifo_out,
            lock: d.lock(tile, format!("l{i}"), Some(3 + i as u32), 1),
            buffer: d.buffer(tile, format!("buf{i}"), buf_ty.clone()),
            k_obj,
            k_scalars,
            k_ints,
            k_buf,
        };
        let forever = r.below(3) == 0;
        d.core(tile, |c| {
            program(&mut r, c, &parts, 0);
            if forever {
                c.forever(|c| program(&mut r, c, &parts, 1));
            }
        });
    }
    d.finish().ok()
}

/// A float the way designs write them: short decimals, integers, powers of two, extremes, or
/// any finite bits.
fn float_value(r: &mut Rng) -> f32 {
    match r.below(6) {
        0 => {
            let digits = 1 + r.below(999_999) as i32;
            let exp = r.below(80) as i32 - 45;
            format!("{digits}e{exp}").parse().unwrap_or(1.0)
        }
        1 => (r.below(4096) as f32) - 2048.0,
        2 => 2f32.powi(r.below(250) as i32 - 140),
        3 => [
            0.0,
            -0.0,
            f32::MAX,
            f32::MIN_POSITIVE,
            1.0e-45,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.5,
            -1.5,
        ][r.below(9) as usize],
        4 => {
            f32::from_bits(r.next() as u32 & 0x7FFF_FFFF) * if r.below(2) == 0 { 1.0 } else { -1.0 }
        }
        _ => f32::from_bits(r.next() as u32 & 0x007F_FFFF),
    }
}

/// Constructs whose text the random designs must exercise, written directly, for the comparison
/// to mean something.
const MARKERS: [&str; 18] = [
    "scf.for",
    "_i8 = arith.constant",
    "arith.constant 9223372036854775807 : index",
    "dimensionsToStream",
    "dimensionsFromStream",
    "repeat_count = ",
    "via_DMA = true",
    "aie.objectfifo.link",
    "stack_size = 2048",
    "aie.packet_flow(",
    "aie.runtime_sequence",
    "aiex.npu.dma_memcpy_nd",
    "aiex.npu.dma_wait",
    "aiex.npu.sync",
    "aie.flow(",
    "aie.use_lock",
    "npu1_2col",
    " = dense<",
];

/// How often each of [`MARKERS`] appeared in a directly written text.
#[derive(Default)]
struct Seen([usize; MARKERS.len()]);

impl Seen {
    fn note(&mut self, text: &str) {
        for (k, m) in MARKERS.iter().enumerate() {
            self.0[k] += usize::from(text.contains(m));
        }
    }
}

/// The first line where `a` and `b` differ, with both lines, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n += 1,
            (x, y) => return format!("line {n}:\n  direct: {x:?}\n  MLIR:   {y:?}"),
        }
    }
}

/// Compares both ways on `v`, both texts (custom and generic form); returns whether both were
/// written directly.
fn compare(v: &Validated, what: &str, seen: &mut Seen) -> bool {
    let expected =
        aie_dsl::emit::emit(v).unwrap_or_else(|e| panic!("{what}: the MLIR path fails: {e}"));
    let direct = aie_dsl::emit::design_direct(v);
    if let Some(text) = &direct {
        assert!(
            *text == expected.mlir,
            "{what}: direct text differs from the MLIR path at {}",
            first_difference(text, &expected.mlir)
        );
        seen.note(text);
    }
    let generic = aie_dsl::emit::generic_direct(v);
    if let Some(text) = &generic {
        assert!(
            *text == expected.generic,
            "{what}: direct generic text differs from MLIR's at {}",
            first_difference(text, &expected.generic)
        );
    }
    // The build path gives the MLIR path's texts either way.
    let built = aie_dsl::emit::emit_checked(v, aie_dsl::emit::Check::Skip)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(built, expected, "{what}");
    direct.is_some() && generic.is_some()
}

fn report(what: &str, compared: usize, direct: usize, seen: &Seen) {
    eprintln!("{compared} {what} compared, {direct} written directly");
    for (k, m) in MARKERS.iter().enumerate() {
        eprintln!("{m:?}: {}", seen.0[k]);
    }
}

fn assert_seen(seen: &Seen, markers: &[&str]) {
    for m in markers {
        let k = MARKERS
            .iter()
            .position(|x| x == m)
            .unwrap_or_else(|| panic!("{m:?} is not a marker"));
        assert!(seen.0[k] > 0, "no directly written design has {m:?}");
    }
}

#[test]
fn random_design_shapes_are_written_directly_and_exactly() {
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::default();
    let mut tries = 0;
    while compared < 300 && tries < 60_000 {
        tries += 1;
        let Ok(v) = random_design(&mut r).finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("random design #{tries}"), &mut seen));
    }
    report("designs", compared, direct, &seen);
    assert!(compared >= 300, "only {compared} random designs validate");
    assert!(
        direct * 10 >= compared * 9,
        "only {direct} of {compared} written directly"
    );
    assert_seen(
        &seen,
        &[
            "scf.for",
            "arith.constant 9223372036854775807 : index",
            "aie.runtime_sequence",
            "npu1_2col",
        ],
    );
}

#[test]
fn random_pipelines_are_written_directly_and_exactly() {
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::default();
    let mut seed = 0xD1B5_4A32_D192_ED03u64;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Ok(v) = pipeline_design(seed).finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("pipeline seed {seed:#x}"), &mut seen));
    }
    report("pipelines", compared, direct, &seen);
    assert!(compared >= 150, "only {compared} pipelines validate");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(
        &seen,
        &[
            "dimensionsToStream",
            "dimensionsFromStream",
            "repeat_count = ",
            "aie.objectfifo.link",
            "stack_size = 2048",
            "aie.packet_flow(",
            "aiex.npu.sync",
            "aie.use_lock",
            "aiex.npu.dma_memcpy_nd",
            "aiex.npu.dma_wait",
        ],
    );
}

#[test]
fn random_core_programs_are_written_directly_and_exactly() {
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::default();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let Some(v) = random_core_design(seed) else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("seed {seed:#x}"), &mut seen));
    }
    report("core programs", compared, direct, &seen);
    assert!(compared >= 200, "only {compared} designs validate");
    assert!(
        direct * 10 >= compared * 9,
        "only {direct} of {compared} written directly"
    );
    assert_seen(&seen, &["scf.for", "_i8 = arith.constant", "aie.use_lock"]);
}

#[test]
fn float_constants_are_written_directly_and_exactly() {
    let mut r = Rng(0x6A09_E667_F3BC_C909);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::default();
    for i in 0..300 {
        let mut d = DesignBuilder::new(format!("floats_{i}"), Device::Npu1_1Col);
        let args = vec![
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
        ];
        let k = d.kernel(Kernel::new("use_floats", args, "k.o"));
        let t = d.compute_tile(0, 2);
        let calls: Vec<Vec<CallArg>> = (0..1 + r.below(3))
            .map(|_| {
                let f = float_value(&mut r);
                let bits = (float_value(&mut r).to_bits() >> 16) as u16;
                // No NaNs: their payloads are MLIR's to keep or quiet.
                let bits = if bits & 0x7F80 == 0x7F80 && bits & 0x7F != 0 {
                    0x7F80
                } else {
                    bits
                };
                vec![Scalar::F32(f).into(), Scalar::Bf16(bits).into()]
            })
            .collect();
        d.core(t, |c| {
            for a in calls {
                c.call(k, a);
            }
        });
        let Ok(v) = d.finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("floats #{i}"), &mut seen));
    }
    report("designs of float constants", compared, direct, &seen);
    assert!(compared >= 290, "only {compared} designs validate");
    assert!(
        direct * 10 >= compared * 8,
        "only {direct} of {compared} written directly"
    );
}

#[test]
fn initial_values_are_written_directly_and_exactly() {
    let mut r = Rng(0xBB67_AE85_84CA_A73B);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::default();
    for i in 0..200 {
        let mut d = DesignBuilder::new(format!("init_{i}"), Device::Npu1_1Col);
        let elem = ELEMS[r.below(6) as usize];
        let shape: Vec<u32> = match r.below(4) {
            0 => vec![1 + r.below(8) as u32, 1 + r.below(5) as u32],
            1 => vec![95 + r.below(10) as u32],
            2 => vec![2, 3, 1 + r.below(3) as u32],
            _ => vec![1 + r.below(40) as u32],
        };
        let ty = MemRefType::new(shape, elem);
        let n = ty.elements() as usize;
        let values = |r: &mut Rng| -> Vec<i64> {
            match r.below(5) {
                0 => vec![r.below(9) as i64 - 4; n],
                1 => (0..n).map(|_| r.below(600) as i64 - 300).collect(),
                2 => (0..n).map(|k| k as i64).collect(),
                3 => (0..n).map(|_| (r.next() as i64) >> r.below(64)).collect(),
                _ => (0..n).map(|_| r.below(256) as i64).collect(),
            }
        };
        let table_values = values(&mut r);
        let fifo_values: Vec<Vec<i64>> = (0..1 + r.below(2)).map(|_| values(&mut r)).collect();
        let k = d.kernel(Kernel::new("use_table", [ty.clone().into()], "k.o"));
        let t = d.compute_tile(0, 2);
        let m = d.mem_tile(0);
        let table = d.buffer_init(t, "table", ty.clone(), table_values);
        let spec = FifoSpec::new(m, [t], 2u32, ty).init_values(fifo_values);
        let f = d.fifo_with("consts", spec);
        d.core(t, |c| {
            c.call(k, [table.into()]);
            let a = c.acquire(f, FifoPort::Consume, 1);
            c.call(k, [a.get(0)]);
            c.release_n(f, FifoPort::Consume, 1);
        });
        let Ok(v) = d.finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("initial values #{i}"), &mut seen));
    }
    report("designs of initial values", compared, direct, &seen);
    // Random 64-bit values rarely fit their element type: those are left to MLIR.
    assert!(compared >= 20, "only {compared} designs validate");
    assert!(
        direct * 3 >= compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(&seen, &[" = dense<"]);
}

#[test]
fn what_the_direct_writer_declines_goes_through_mlir() {
    // A NaN constant (whose payload the attribute may change) and an initial value that does
    // not fit its element type are left to MLIR; the build's text is then the MLIR path's.
    for case in 0..2 {
        let mut d = DesignBuilder::new(format!("declined_{case}"), Device::Npu1_1Col);
        let ty = MemRefType::vector(4, ElemType::I8);
        let k = d.kernel(Kernel::new(
            "use",
            [ty.clone().into(), ArgType::Scalar(ScalarType::F32)],
            "k.o",
        ));
        let t = d.compute_tile(0, 2);
        let (init, value) = if case == 0 {
            (vec![1, 2, 3, 4], f32::NAN)
        } else {
            (vec![1, 2, 3, 400], 1.0)
        };
        let table = d.buffer_init(t, "table", ty, init);
        d.core(t, |c| c.call(k, [table.into(), Scalar::F32(value).into()]));
        let v = d.finish().expect("valid");
        assert_eq!(aie_dsl::emit::design_direct(&v), None, "case {case}");
        assert_eq!(aie_dsl::emit::generic_direct(&v), None, "case {case}");
        let expected = aie_dsl::emit::emit(&v).expect("emits");
        let built = aie_dsl::emit::emit_checked(&v, aie_dsl::emit::Check::Skip).expect("emits");
        assert_eq!(built, expected, "case {case}");
    }
}

#[test]
fn hand_placed_routing_and_fifo_options_are_written_directly_and_exactly() {
    // Circuit flows, packet flows (ids above 127 too, with and without the header kept), locks
    // with and without an id, FIFOs by DMA with a depth per endpoint: what the other generators
    // leave out.
    let mut r = Rng(0x3C6E_F372_FE94_F82B);
    let (mut compared, mut direct) = (0, 0);
    let mut seen = Seen::default();
    let bundles = [
        WireBundle::Dma,
        WireBundle::North,
        WireBundle::South,
        WireBundle::Core,
    ];
    for i in 0..200 {
        let mut d = DesignBuilder::new(format!("routing_{i}"), Device::Npu1);
        let col = r.below(4) as u32;
        let shim = d.shim_tile(col);
        let mem = d.mem_tile(col);
        let t = d.compute_tile(col, 2 + r.below(4) as u32);
        let ty = MemRefType::vector(1 + r.below(64) as u32, ELEMS[r.below(6) as usize]);
        let mut spec = FifoSpec::new(shim, [t], 1 + r.below(3) as u32, ty.clone());
        if r.below(2) == 0 {
            spec = spec.via_dma();
        }
        if r.below(2) == 0 {
            spec = spec.depths(vec![1 + r.below(3) as u32, 1 + r.below(3) as u32]);
        }
        let f = d.fifo_with("in", spec);
        for _ in 0..r.below(3) {
            let (a, b) = if r.below(2) == 0 {
                (TileId::from(mem), TileId::from(t))
            } else {
                (TileId::from(t), TileId::from(shim))
            };
            d.flow(
                a,
                bundles[r.below(4) as usize],
                r.below(2) as u32,
                b,
                bundles[r.below(4) as usize],
                r.below(2) as u32,
            );
        }
        if r.below(2) == 0 {
            d.packet_flow(
                r.below(256) as u8,
                aie_dsl::ir::StreamPort {
                    tile: t.into(),
                    bundle: WireBundle::Trace,
                    channel: 0,
                },
                [aie_dsl::ir::StreamPort {
                    tile: shim.into(),
                    bundle: WireBundle::South,
                    channel: 1,
                }],
                r.below(2) == 0,
            );
        }
        let id = if r.below(2) == 0 {
            Some(r.below(8) as u32)
        } else {
            None
        };
        let lock = d.lock(t, "l", id, r.below(3) as u32);
        let k = d.kernel(Kernel::new("k", [ty.into()], "k.o"));
        d.core(t, |c| {
            c.use_lock(lock, LockAction::AcquireGreaterEqual, 1);
            let a = c.acquire(f, FifoPort::Consume, 1);
            c.call(k, [a.get(0)]);
            c.release_n(f, FifoPort::Consume, 1);
            c.use_lock(lock, LockAction::Release, 1);
        });
        let Ok(v) = d.finish() else {
            continue;
        };
        compared += 1;
        direct += usize::from(compare(&v, &format!("routing #{i}"), &mut seen));
    }
    report(
        "designs of routing and FIFO options",
        compared,
        direct,
        &seen,
    );
    assert!(compared >= 50, "only {compared} designs validate");
    assert!(
        direct == compared,
        "only {direct} of {compared} written directly"
    );
    assert_seen(&seen, &["aie.flow(", "aie.packet_flow(", "via_DMA = true"]);
}

#[test]
fn a_runtime_sequence_without_arguments_is_written_directly_and_exactly() {
    // Its entry block has no arguments, which MLIR's generic form prints without a label.
    let mut d = DesignBuilder::new("no_args", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let t = d.compute_tile(0, 2);
    let ty = MemRefType::vector(16, ElemType::I32);
    let f = d.fifo("in", shim, [t], 2u32, ty.clone());
    let k = d.kernel(Kernel::new("k", [ty.into()], "k.o"));
    d.core(t, |c| {
        let a = c.acquire(f, FifoPort::Consume, 1);
        c.call(k, [a.get(0)]);
        c.release_n(f, FifoPort::Consume, 1);
    });
    d.runtime(|rt| rt.sync(0, 0, DmaDir::S2mm, 0));
    let v = d.finish().expect("valid");
    let expected = aie_dsl::emit::emit(&v).expect("emits");
    assert!(expected
        .generic
        .contains("\"aie.runtime_sequence\"() ({\n      \"aiex.npu.sync\""));
    assert_eq!(
        aie_dsl::emit::design_direct(&v).as_deref(),
        Some(expected.mlir.as_str())
    );
    assert_eq!(
        aie_dsl::emit::generic_direct(&v).as_deref(),
        Some(expected.generic.as_str())
    );
    let built = aie_dsl::emit::emit_checked(&v, aie_dsl::emit::Check::Skip).expect("emits");
    assert_eq!(built, expected);
}
