//! The random designs the differential and no-panic tests share: shapes with edge values
//! (`random_design`), mem-tile pipelines (`pipeline_design`), core programs (`random_core_design`)
//! and float constants (`float_value`), all from the seeded [`super::Rng`].

use aie_dsl::ir::{BufferId, CallArg, FifoPort, LockId};
use aie_dsl::prelude::*;

use super::Rng;

pub const ELEMS: [ElemType; 6] = [
    ElemType::I8,
    ElemType::U8,
    ElemType::I16,
    ElemType::I32,
    ElemType::Bf16,
    ElemType::F32,
];

pub fn random_design(r: &mut Rng) -> DesignBuilder {
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
        // Rank 0 to 2 (rank 0 one time in three).
        let dims: Vec<u32> = (0..r.below(3)).map(|_| r.below(600) as u32).collect();
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
        let (elem, n) = (t.elem(), t.elements());
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
            let objects = r.below(3) as usize;
            if n <= 64 && r.below(2) == 0 {
                // The right count of values of every kind, most of which the type holds.
                let values = (0..objects)
                    .map(|_| {
                        (0..n)
                            .map(|_| match r.below(4) {
                                0 => any_init_value(r, elem),
                                _ => init_value(r, elem),
                            })
                            .collect()
                    })
                    .collect();
                spec = spec.init_values::<InitValue>(values);
            } else {
                spec = spec.init_values(vec![vec![1, 2, 3]; objects]);
            }
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
pub fn pipeline_design(seed: u64) -> DesignBuilder {
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
pub struct Parts {
    pub fifo_in: Option<FifoId>,
    pub fifo_out: Option<FifoId>,
    pub lock: LockId,
    pub buffer: BufferId,
    pub k_obj: KernelId,
    pub k_scalars: KernelId,
    pub k_ints: KernelId,
    pub k_buf: KernelId,
}

pub fn scalar(r: &mut Rng, ty: ScalarType) -> Scalar {
    const FLOATS: [f32; 20] = [
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
        1_234_567.0,
        16_777_216.0,
        f32::MIN_POSITIVE,
        f32::NAN,
        // A negative NaN, a NaN with a payload, a signalling NaN, the smallest subnormal.
        f32::from_bits(0xFFC0_0000),
        f32::from_bits(0x7FC1_2345),
        f32::from_bits(0x7F80_0001),
        f32::from_bits(1),
    ];
    const BF16S: [u16; 10] = [
        0x0000, 0x8000, 0x3F80, 0x7F80, 0xFF80, 0x7FC0, 0xFFC1, 0x7F81, 0x0001, 0x4B80,
    ];
    match ty {
        ScalarType::I8 => Scalar::I8(r.next() as i8),
        ScalarType::I16 => Scalar::I16(r.next() as i16),
        ScalarType::I32 => Scalar::I32(match r.below(3) {
            0 => r.next() as i32,
            1 => i32::MIN,
            _ => r.below(100) as i32,
        }),
        ScalarType::F32 => Scalar::F32(match r.below(3) {
            0 => FLOATS[r.below(FLOATS.len() as u64) as usize],
            1 => f32::from_bits(r.next() as u32 & 0x7F7F_FFFF),
            // Any bits: NaNs with any payload, infinities, subnormals.
            _ => f32::from_bits(r.next() as u32),
        }),
        ScalarType::Bf16 => Scalar::Bf16(match r.below(3) {
            0 => BF16S[r.below(BF16S.len() as u64) as usize],
            1 => r.next() as u16 & 0x7F7F,
            _ => r.next() as u16,
        }),
    }
}

/// A memref type of rank 0 to 3 (small dimensions) and any element type.
pub fn small_memref(r: &mut Rng) -> MemRefType {
    let rank = r.below(4) as usize;
    let dims: Vec<u32> = (0..rank).map(|_| 1 + r.below(5) as u32).collect();
    MemRefType::new(dims, ELEMS[r.below(6) as usize])
}

/// Initial values for a buffer of type `ty` that its element type holds exactly: all zero, one
/// value repeated, zeros with a few others, or any values of the type (bytes of every kind for
/// 8-bit elements: quotes, backslashes, control and non-ASCII bytes; for floats integers and
/// [`init_value`]'s fractions, NaNs, infinities, -0.0 and subnormals).
pub fn fitting_values(r: &mut Rng, ty: &MemRefType) -> Vec<InitValue> {
    let n = ty.elements() as usize;
    let elem = ty.elem();
    let any = |r: &mut Rng| -> InitValue {
        InitValue::Int(match elem {
            ElemType::I8 => i64::from(r.next() as i8),
            ElemType::U8 => i64::from(r.next() as u8),
            ElemType::I16 => i64::from(r.next() as i16),
            ElemType::I32 => i64::from(r.next() as i32),
            // Integers a bf16 or an f32 holds exactly, or a value of any kind.
            _ if r.below(2) == 0 => return init_value(r, elem),
            ElemType::Bf16 => (r.below(256) as i64 - 128) << r.below(20),
            ElemType::F32 => (r.below(1 << 24) as i64 - (1 << 23)) << r.below(30),
        })
    };
    let zero = InitValue::Int(0);
    match r.below(5) {
        0 => vec![zero; n],
        1 => vec![any(r); n],
        2 => (0..n)
            .map(|_| if r.below(3) == 0 { any(r) } else { zero })
            .collect(),
        3 => (0..n)
            .map(|_| InitValue::Int([0, 34, 92, 1, 127, 10][r.below(6) as usize]))
            .collect(),
        _ => (0..n).map(|_| any(r)).collect(),
    }
}

pub fn program(r: &mut Rng, c: &mut CoreBuilder, p: &Parts, depth: u32) {
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
                // Floating-point constants one time in four, integers otherwise.
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

/// Two cores joined by a FIFO of random depth, each with a lock, a buffer (of rank 0 to 3 and
/// with initial values one time in two, or 4×8) and a random program (ending in a `forever` loop
/// one time in three).
pub fn random_core_design(seed: u64) -> Option<Validated> {
    let mut r = Rng(seed | 1);
    let mut d = DesignBuilder::new(format!("direct_{seed}"), Device::Npu1_1Col);
    let obj = MemRefType::vector(16, ElemType::I32);
    let buf_ty = if r.below(2) == 0 {
        MemRefType::new([4, 8], [ElemType::I16, ElemType::Bf16][r.below(2) as usize])
    } else {
        small_memref(&mut r)
    };
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
            buffer: if r.below(2) == 0 {
                let values = fitting_values(&mut r, &buf_ty);
                d.buffer_init(tile, format!("buf{i}"), buf_ty.clone(), values)
            } else {
                d.buffer(tile, format!("buf{i}"), buf_ty.clone())
            },
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
pub fn float_value(r: &mut Rng) -> f32 {
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

/// An initial value that an element of type `elem` holds exactly, written the ways designs
/// write them: integers over the type's range (edges included); for `f32` and `bf16` fractional
/// values, NaNs with payloads and either sign, infinities, -0.0, subnormals and extremes, given
/// as `f32`, `bf16`, exact `f64` or integer values.
pub fn init_value(r: &mut Rng, elem: ElemType) -> InitValue {
    let int = |r: &mut Rng, min: i64, max: i64| -> i64 {
        match r.below(4) {
            0 => min,
            1 => max,
            2 => (r.below(17) as i64 - 8).clamp(min, max),
            _ => min + (r.next() % (max - min + 1) as u64) as i64,
        }
    };
    match elem {
        ElemType::I8 => InitValue::Int(int(r, -128, 127)),
        ElemType::U8 => InitValue::Int(int(r, 0, 255)),
        ElemType::I16 => InitValue::Int(int(r, -32768, 32767)),
        ElemType::I32 => InitValue::Int(int(r, i32::MIN.into(), i32::MAX.into())),
        ElemType::F32 => match r.below(8) {
            0 | 1 => InitValue::F32(float_value(r)),
            2 => InitValue::F32(f32::from_bits(
                0x7F80_0000 | (r.next() as u32 & 0x807F_FFFF) | 1 << r.below(23),
            )),
            3 => InitValue::F64(f64::from(float_value(r))),
            4 => InitValue::Bf16(bf16::from_bits(r.next() as u16)),
            5 => InitValue::Int(r.below(1 << 25) as i64 - (1 << 24)),
            6 => InitValue::F32(f32::from_bits(r.next() as u32)),
            _ => InitValue::F32(
                [
                    0.1,
                    -0.0,
                    1.0e-45,
                    f32::MIN_POSITIVE,
                    f32::MAX,
                    f32::NEG_INFINITY,
                    0.3,
                ][r.below(7) as usize],
            ),
        },
        ElemType::Bf16 => match r.below(7) {
            0 | 1 => InitValue::Bf16(bf16::from_f32(float_value(r))),
            2 => InitValue::Bf16(bf16::from_bits(r.next() as u16)),
            3 => InitValue::F32(f32::from_bits((r.next() as u32) << 16)),
            4 => InitValue::F64(f64::from(
                bf16::from_bits(r.next() as u16 & 0x7F7F).to_f32(),
            )),
            5 => InitValue::Int(r.below(513) as i64 - 256),
            _ => InitValue::Bf16(
                [
                    bf16::NAN,
                    bf16::NEG_INFINITY,
                    bf16::from_bits(1),
                    bf16::from_bits(0x8000),
                ][r.below(4) as usize],
            ),
        },
    }
}

/// Any initial value, fitting `elem` or not (for the no-panic and validation properties).
pub fn any_init_value(r: &mut Rng, elem: ElemType) -> InitValue {
    match r.below(5) {
        0 => init_value(r, elem),
        1 => InitValue::Int(r.next() as i64 >> r.below(64)),
        2 => InitValue::F64(f64::from_bits(r.next())),
        3 => InitValue::F32(f32::from_bits(r.next() as u32)),
        _ => InitValue::Bf16(bf16::from_bits(r.next() as u16)),
    }
}

/// `n` initial values for elements of type `elem`: all equal, small or counting integers, or
/// typed values of every kind ([`init_value`]); integers may not fit the type (validation then
/// refuses the design).
pub fn init_values(r: &mut Rng, elem: ElemType, n: usize) -> Vec<InitValue> {
    match r.below(6) {
        0 => vec![init_value(r, elem); n],
        1 => (0..n)
            .map(|_| InitValue::Int(r.below(600) as i64 - 300))
            .collect(),
        2 => (0..n).map(|k| InitValue::Int(k as i64)).collect(),
        5 => (0..n)
            .map(|_| InitValue::Int(r.below(256) as i64))
            .collect(),
        _ => (0..n).map(|_| init_value(r, elem)).collect(),
    }
}

/// Which kinds of float value `values` hold as elements of `elem`: [fraction, NaN, infinity,
/// -0.0, subnormal, bf16 element].
pub fn specials(values: &[InitValue], elem: ElemType) -> [bool; 6] {
    let mut s = [false; 6];
    for v in values {
        let Ok(bits) = v.bits(elem) else { continue };
        let f = match elem {
            ElemType::F32 => f32::from_bits(bits),
            ElemType::Bf16 => f32::from_bits(bits << 16),
            _ => continue,
        };
        s[0] |= f.is_finite() && f.fract() != 0.0;
        s[1] |= f.is_nan();
        s[2] |= f.is_infinite();
        s[3] |= f == 0.0 && f.is_sign_negative();
        s[4] |= f.is_subnormal();
        s[5] |= elem == ElemType::Bf16;
    }
    s
}

/// Counts each kind `special` has.
pub fn note_specials(count: &mut [usize; 6], special: [bool; 6]) {
    for (c, s) in count.iter_mut().zip(special) {
        *c += usize::from(s);
    }
}
