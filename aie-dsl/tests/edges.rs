//! Every builder argument at its edges (0, 1, lock and BD limits, type maxima, negative
//! offsets and strides): the whole pipeline (validation, then for accepted designs lowering,
//! instruction stream, report and MLIR emission) returns — a design or a typed error — without
//! panicking and within a time bound. Property-based (proptest) so that edge values are
//! combined with each other and failures shrink to the smallest case.

use std::sync::mpsc;
use std::time::Duration;

use aie_dsl::prelude::*;
use proptest::prelude::*;

/// Edge values for a `u32` argument.
fn u32_edge() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(2),
        Just(3),
        Just(4),
        Just(63),
        Just(64),
        Just(1023),
        Just(1024),
        Just(1 << 20),
        Just(i32::MAX as u32),
        Just(u32::MAX - 1),
        Just(u32::MAX),
        0u32..5000,
    ]
}

/// Small or edge values: most designs should stay plausible.
fn small_u32() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..6, 1 => u32_edge()]
}

fn i64_edge() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(-1i64),
        Just(0),
        Just(1),
        Just(2),
        Just(3),
        Just(1 << 20),
        Just((1 << 20) + 1),
        Just(i64::from(u32::MAX)),
        Just(i64::MAX),
        -5i64..2000,
    ]
}

/// Edge values for an initial value: integer edges, and float ones of every kind written as
/// f32, bf16 or f64 (NaNs with payloads, infinities, -0.0, subnormals, extremes, fractions).
fn init_edge() -> impl Strategy<Value = InitValue> {
    let f32s = prop_oneof![
        Just(f32::NAN),
        Just(f32::from_bits(0xFF80_0001)),
        Just(f32::INFINITY),
        Just(f32::NEG_INFINITY),
        Just(-0.0f32),
        Just(f32::from_bits(1)),
        Just(f32::MIN_POSITIVE),
        Just(f32::MAX),
        Just(0.1f32),
        any::<u32>().prop_map(f32::from_bits),
    ];
    prop_oneof![
        i64_edge().prop_map(InitValue::Int),
        f32s.prop_map(InitValue::F32),
        any::<u16>().prop_map(|b| InitValue::Bf16(bf16::from_bits(b))),
        prop_oneof![
            Just(f64::NAN),
            Just(0.1f64),
            Just(0.5),
            Just(1e300),
            Just(-0.0),
            any::<u64>().prop_map(f64::from_bits),
        ]
        .prop_map(InitValue::F64),
    ]
}

fn u64_edge() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(3),
        Just(7),
        Just(11),
        Just(i64::MAX as u64),
        Just(i64::MAX as u64 + 1),
        Just(u64::MAX),
    ]
}

fn elem() -> impl Strategy<Value = ElemType> {
    prop_oneof![
        Just(ElemType::I8),
        Just(ElemType::I16),
        Just(ElemType::I32),
        Just(ElemType::Bf16),
        Just(ElemType::F32),
    ]
}

fn memref() -> impl Strategy<Value = MemRefType> {
    prop_oneof![
        4 => (1u32..=64).prop_map(|n| MemRefType::vector(n * 4, ElemType::I32)),
        1 => (prop::collection::vec(small_u32(), 0..4), elem())
            .prop_map(|(shape, e)| MemRefType::new(shape, e)),
    ]
}

/// Mostly `plausible`, sometimes `edge`.
fn mostly<T: std::fmt::Debug + Clone + 'static>(
    plausible: impl Strategy<Value = T> + 'static,
    edge: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![6 => plausible, 1 => edge].boxed()
}

/// Flow (source channel, destination channel, bundle pick), packet flow (id, channel), shim
/// allocation channel.
type Placed = ((u32, u32, u8), (u8, u32), u32);

#[derive(Debug, Clone)]
struct Params {
    ty: MemRefType,
    depth: u32,
    per_end: Option<Vec<u32>>,
    acquire: u32,
    release: u32,
    count: u64,
    repeat: Option<u32>,
    dims: Vec<(u32, u32)>,
    from_dims: Vec<(u32, u32)>,
    init: Option<Vec<Vec<InitValue>>>,
    buffer: Option<(MemRefType, Option<Vec<InitValue>>)>,
    lock: Option<(Option<u32>, u32, u32)>,
    arg_len: u32,
    transfer: ([i64; 4], [i64; 4], [i64; 4]),
    split: Option<u32>,
    runtime: bool,
    /// A hand-placed flow (source channel, destination channel, bundle pick), a packet flow
    /// (id, channel) and a shim DMA allocation (channel).
    placed: Option<Placed>,
}

fn params() -> impl Strategy<Value = Params> {
    let dims = || {
        mostly(
            Just(Vec::new()),
            prop::collection::vec((small_u32(), small_u32()), 0..5),
        )
    };
    (
        (
            memref(),
            mostly(1u32..=4, small_u32()),
            mostly(
                Just(None),
                prop::option::of(prop::collection::vec(small_u32(), 0..4)),
            ),
            mostly(1u32..=2, small_u32()),
            mostly(Just(0u32), small_u32()),
            mostly(prop_oneof![1u64..=12, Just(i64::MAX as u64)], u64_edge()),
            mostly(Just(None), prop::option::of(small_u32())),
        ),
        (
            dims(),
            dims(),
            mostly(
                Just(None),
                prop::option::of(prop::collection::vec(
                    prop::collection::vec(init_edge(), 0..4),
                    0..3,
                )),
            ),
            mostly(
                Just(None),
                prop::option::of((
                    memref(),
                    prop::option::of(prop::collection::vec(init_edge(), 0..4)),
                )),
            ),
            mostly(
                Just(None),
                prop::option::of((prop::option::of(small_u32()), small_u32(), small_u32())),
            ),
        ),
        (
            mostly(Just(4096u32), u32_edge()),
            mostly(
                (1i64..=4).prop_map(|n| ([0, 0, 0, 0], [1, 1, 1, n * 256], [0, 0, 0, 1])),
                (
                    prop::array::uniform4(i64_edge()),
                    prop::array::uniform4(i64_edge()),
                    prop::array::uniform4(i64_edge()),
                ),
            ),
            mostly(Just(None), prop::option::of(small_u32())),
            mostly(Just(true), any::<bool>()),
        ),
        mostly(
            Just(None),
            prop::option::of((
                (small_u32(), small_u32(), any::<u8>()),
                (any::<u8>(), small_u32()),
                small_u32(),
            )),
        ),
    )
        .prop_map(
            |(
                (ty, depth, per_end, acquire, release_extra, count, repeat),
                (dims, from_dims, init, buffer, lock),
                (arg_len, transfer, split, runtime),
                placed,
            )| Params {
                ty,
                depth,
                per_end,
                acquire,
                // Usually release what was acquired.
                release: if release_extra == 0 {
                    acquire
                } else {
                    release_extra
                },
                count,
                repeat,
                dims,
                from_dims,
                init,
                buffer,
                lock,
                arg_len,
                transfer,
                split,
                runtime,
                placed,
            },
        )
}

/// shim (0,0) → [mem tile (0,1) → link →] core (0,2) → shim, with every argument from `p`.
fn build(p: &Params) -> DesignBuilder {
    let mut d = DesignBuilder::new("edges", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new(
        "k",
        [p.ty.clone().into(), ScalarType::I32.into()],
        "k.o",
    ));
    let dims = |v: &[(u32, u32)]| v.iter().map(|&(s, t)| Dim::new(s, t)).collect::<Vec<_>>();
    let mut spec = FifoSpec::new(shim, [core], p.depth, p.ty.clone())
        .dims_to_stream(dims(&p.dims))
        .dims_from_stream(0, dims(&p.from_dims));
    if let Some(v) = &p.per_end {
        spec = spec.depths(v.clone());
    }
    let inp = match p.split {
        None => d.fifo_with("in", spec),
        Some(parts) => {
            let whole = d.fifo("whole", shim, [mem], 2, p.ty.clone());
            let outs: Vec<FifoId> = (0..parts.min(4))
                .map(|i| d.fifo(format!("part{i}"), mem, [core], p.depth, p.ty.clone()))
                .collect();
            d.split(whole, outs.clone());
            outs.first().copied().unwrap_or(whole)
        }
    };
    let mut out_spec = FifoSpec::new(core, [shim], p.depth, p.ty.clone());
    if let Some(r) = p.repeat {
        out_spec = out_spec.repeat_count(r);
    }
    if let Some(v) = &p.init {
        out_spec = out_spec.init_values(v.clone());
    }
    let out = d.fifo_with("out", out_spec);
    if let Some(((sc, dc, pick), (id, pc), ac)) = p.placed {
        let bundles = [
            WireBundle::Dma,
            WireBundle::Core,
            WireBundle::North,
            WireBundle::South,
            WireBundle::East,
            WireBundle::West,
            WireBundle::Fifo,
            WireBundle::Plio,
        ];
        let b = bundles[usize::from(pick) % bundles.len()];
        d.flow(mem, b, sc, core, WireBundle::Dma, dc);
        d.packet_flow(
            id,
            StreamPort {
                tile: core.into(),
                bundle: b,
                channel: pc,
            },
            [StreamPort {
                tile: mem.into(),
                bundle: WireBundle::Dma,
                channel: pc,
            }],
            pick % 2 == 0,
        );
        d.shim_dma_allocation("alloc", shim, DmaDir::Mm2s, ac);
    }
    if let Some((ty, init)) = &p.buffer {
        match init {
            Some(v) => d.buffer_init(core, "buf", ty.clone(), v.clone()),
            None => d.buffer(core, "buf", ty.clone()),
        };
    }
    let lock = p.lock.map(|(id, init, _)| d.lock(core, "lk", id, init));
    d.core(core, |c| {
        c.repeat(p.count, |c| {
            let o = c.produce(out, p.acquire);
            let i = c.consume(inp, p.acquire);
            c.call(k, [i.get(0), Scalar::I32(1).into()]);
            c.call(
                k,
                [o.get(p.acquire.saturating_sub(1)), Scalar::I32(1).into()],
            );
            if let (Some(l), Some((_, _, v))) = (lock, p.lock) {
                c.use_lock(l, LockAction::AcquireGreaterEqual, v);
            }
            c.release_n(inp, FifoPort::Consume, p.release);
            c.release_n(out, FifoPort::Produce, p.release);
        })
    });
    if p.runtime {
        let (offsets, sizes, strides) = p.transfer;
        d.runtime(|rt| {
            let a = rt.arg(MemRefType::vector(p.arg_len, p.ty.elem()));
            let b = rt.arg(MemRefType::vector(p.arg_len, p.ty.elem()));
            rt.fill(inp, a, Transfer::nd(offsets, sizes, strides));
            rt.drain(out, b, Transfer::linear(p.arg_len));
            rt.wait(out);
        });
    }
    d
}

/// What happened to one design.
#[derive(Debug, PartialEq)]
enum Outcome {
    Rejected,
    Accepted,
}

/// Runs the pipeline on another thread; fails if it panics or takes longer than `limit`.
fn run_bounded(p: Params, limit: Duration) -> Result<Outcome, String> {
    let (tx, rx) = mpsc::channel();
    let shown = format!("{p:?}");
    if std::env::var_os("EDGES_TRACE").is_some() {
        eprintln!("case: {shown}");
    }
    std::thread::spawn(move || {
        let d = build(&p);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match d.finish() {
            Ok(design) => {
                let lowered = aie_dsl::lower::objectfifo::lower(&design);
                let insts = aie_dsl::instructions(&design);
                let _ = aie_dsl::report::summary(&design);
                let no_runtime = matches!(insts, Err(aie_dsl::Error::NoRuntimeSequence { .. }));
                if lowered.is_ok() && (insts.is_ok() || no_runtime) {
                    let _ = aie_dsl::emit::emit(&design);
                }
                Outcome::Accepted
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                Outcome::Rejected
            }
        }));
        let _ = tx.send(result.ok());
    });
    match rx.recv_timeout(limit) {
        Ok(Some(o)) => Ok(o),
        Ok(None) => Err(format!("panicked on {shown}")),
        Err(_) => Err(format!("took longer than {limit:?} on {shown}")),
    }
}

#[test]
fn edge_arguments_give_a_result_fast() {
    use proptest::test_runner::{Config, TestRunner};
    // EDGES_CASES=n runs more cases (e.g. before a release).
    let cases = std::env::var("EDGES_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(400u32);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let accepted = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&params(), |p| {
        // Debug build on a shared 2-core machine: generous, but far below a hang.
        match run_bounded(p, Duration::from_secs(10)) {
            Ok(Outcome::Accepted) => {
                accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(())
            }
            Ok(Outcome::Rejected) => Ok(()),
            Err(e) => Err(TestCaseError::fail(e)),
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The generator must reach the lowering and emission too for the test to mean something.
    let accepted = accepted.into_inner();
    eprintln!("edge designs accepted: {accepted} of {cases}");
    assert!(
        accepted as u32 >= cases / 40,
        "only {accepted} of {cases} designs were accepted"
    );
}

/// `in`: shim → core, `out`: core → shim, i32×`len`, depth 2; the core acquires `n` of each
/// in a loop of `count` iterations.
fn simple(len: u32, n: u32, count: u64) -> DesignBuilder {
    let p = Params {
        ty: MemRefType::vector(len, ElemType::I32),
        depth: 2,
        per_end: None,
        acquire: n,
        release: n,
        count,
        repeat: None,
        dims: Vec::new(),
        from_dims: Vec::new(),
        init: None,
        buffer: None,
        lock: None,
        arg_len: len,
        transfer: ([0, 0, 0, 0], [1, 1, 1, i64::from(len)], [0, 0, 0, 1]),
        split: None,
        runtime: true,
        placed: None,
    };
    build(&p)
}

fn rejected_with(d: DesignBuilder) -> String {
    match d.finish() {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_plain_design_is_accepted() {
    simple(256, 1, 10).finish().unwrap();
}

#[test]
fn acquiring_u32_max_objects_is_a_typed_error() {
    // The depth rule makes that 2^32 - 1 objects per end (max acquire + 1, saturated), which
    // the memory and BD checks reject, naming the FIFO ends.
    let e = rejected_with(simple(256, u32::MAX, 10));
    assert!(e.contains("in_cons_buff_0..4294967294"), "{e}");
}

#[test]
fn a_type_too_large_to_count_is_rejected_as_too_large() {
    let mut d = DesignBuilder::new("big", Device::Npu1_1Col);
    let core = d.compute_tile(0, 2);
    let huge = MemRefType::new([u32::MAX, u32::MAX, u32::MAX], ElemType::I32);
    assert_eq!(huge.checked_bytes(), None);
    assert_eq!(huge.bytes(), u64::MAX);
    d.buffer(core, "b", huge);
    let e = rejected_with(d);
    assert!(e.contains("`b`") || e.contains("buffer b"), "{e}");
}

#[test]
fn a_loop_count_beyond_i64_is_a_typed_error() {
    let e = rejected_with(simple(256, 1, u64::MAX));
    assert!(e.contains("loop"), "{e}");
}
