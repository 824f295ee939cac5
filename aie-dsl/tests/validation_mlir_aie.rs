//! Validation at mlir-aie's boundaries: for each rule, the smallest design on both sides, the
//! rule taken from mlir-aie at 5ff2ab97d (a lit test's expected error or a verifier's source,
//! cited per test), and our message checked for the object it names and what it says to change.

use aie_dsl::prelude::*;

fn i32s(n: u32) -> MemRefType {
    MemRefType::vector(n, ElemType::I32)
}

/// The messages of every problem `d` has; panics if it has none. A design is rejected by
/// validation, or — for what only the exact lowering sees (layouts of generated BDs, buffer
/// addresses, generated names) — by the lowering, the first stage of every build, before any
/// file is written.
fn problems(d: DesignBuilder) -> Vec<String> {
    match d.finish() {
        Ok(design) => match aie_dsl::lower::lower(&design) {
            Ok(_) => panic!("the design was accepted"),
            Err(e) => vec![e.to_string()],
        },
        Err(Error::Invalid(e)) => e.errors.iter().map(|e| e.to_string()).collect(),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn the_problem(d: DesignBuilder) -> String {
    let p = problems(d);
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p.into_iter().next().unwrap_or_default()
}

fn accepted(d: DesignBuilder) {
    match d.finish() {
        Err(e) => panic!("the design was rejected: {e}"),
        Ok(design) => {
            if let Err(e) = aie_dsl::lower::lower(&design) {
                panic!("the design was rejected by the lowering: {e}");
            }
        }
    }
}

/// `check_errors.mlir`: `fifo_in` shim (0,0) → core (0,2), depth 2, 32×32 i32; in an endless
/// loop the core acquires 1 and releases `releases` times 1.
fn release_design(releases: u32) -> DesignBuilder {
    let mut d = DesignBuilder::new("rel", Device::Npu1_1Col);
    let t = MemRefType::new([32, 32], ElemType::I32);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new("k", [t.clone().into()], "k.o"));
    let f = d.fifo("fifo_in", shim, [core], 2, t.clone());
    d.core(core, |c| {
        c.forever(|c| {
            let x = c.consume(f, 1);
            c.call(k, [x.get(0)]);
            for _ in 0..releases {
                c.release_n(f, FifoPort::Consume, 1);
            }
        })
    });
    d.runtime(|rt| {
        let a = rt.arg(t.clone());
        rt.fill(f, a, Transfer::linear(1024));
        rt.wait(f);
    });
    d
}

#[test]
fn releasing_more_than_acquired_is_rejected() {
    // test/objectFifo-stateful-transform/check_errors.mlir: "cannot release more elements than
    // are already acquired" (raised at the acquire after the second release, once unrolled).
    let p = the_problem(release_design(2));
    assert!(
        p.contains("cannot release more elements than are already acquired"),
        "{p}"
    );
    assert!(p.contains("`fifo_in`") && p.contains("core (0,2)"), "{p}");
    assert!(p.contains("release at most what the core acquired"), "{p}");
    accepted(release_design(1));
}

/// `of`: compute (0,2) → compute (0,3) through shared memory (no DMA: the declared depth
/// stays), i32×4; the producer core acquires `n` at a time.
fn shared_design(depth: u32, n: u32) -> DesignBuilder {
    let mut d = DesignBuilder::new("locks", Device::Npu1_1Col);
    let t = i32s(4);
    let _shim = d.shim_tile(0);
    let a = d.compute_tile(0, 2);
    let b = d.compute_tile(0, 3);
    let k = d.kernel(Kernel::new("k", [t.clone().into()], "k.o"));
    let f = d.fifo("of", a, [b], depth, t);
    d.core(a, |c| {
        c.forever(|c| {
            let x = c.produce(f, n);
            c.call(k, [x.get(0)]);
            c.release(x);
        })
    });
    d.core(b, |c| {
        c.forever(|c| {
            let x = c.consume(f, 1);
            c.call(k, [x.get(0)]);
            c.release(x);
        })
    });
    d
}

#[test]
fn lock_initial_value_above_the_maximum_is_rejected() {
    // AIE2 lock values are 0..=63 (aie-rt LockValUpperBound); a shared-memory FIFO of depth 64
    // would initialise its producer lock to 64, which XAie_LockSetValue does not check.
    let p = the_problem(shared_design(64, 1));
    assert!(
        p.contains("lock `of_prod_lock_0` on tile (0,2) starts at 64"),
        "{p}"
    );
    assert!(p.contains("make that at most 63"), "{p}");
    accepted(shared_design(63, 1));
}

#[test]
fn acquire_value_above_the_lock_maximum_is_rejected() {
    let p = the_problem(shared_design(63, 64));
    assert!(p.contains("with value 64"), "{p}");
    assert!(p.contains("`of`"), "{p}");
}

/// `in`: shim (0,0) → core (0,2) of 64 × `elem`; the host fills it from an argument of
/// `arg_len` × `elem` with `t`.
fn transfer_design(elem: ElemType, arg_len: u32, t: Transfer) -> DesignBuilder {
    let mut d = DesignBuilder::new("xfer", Device::Npu1_1Col);
    let ty = MemRefType::vector(64, elem);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new("k", [ty.clone().into()], "k.o"));
    let f = d.fifo("in", shim, [core], 2, ty);
    d.core(core, |c| {
        c.forever(|c| {
            let x = c.consume(f, 1);
            c.call(k, [x.get(0)]);
            c.release(x);
        })
    });
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::vector(arg_len, elem));
        rt.fill(f, a, t);
        rt.wait(f);
    });
    d
}

#[test]
fn transfer_strides_must_be_whole_words() {
    // verifyStridesWraps: "Stride i is … bytes, which is not divisible by 4".
    let bad = Transfer::nd([0, 0, 0, 0], [1, 1, 2, 8], [0, 0, 9, 1]);
    let p = the_problem(transfer_design(ElemType::I16, 1024, bad));
    assert!(
        p.contains("transfer #1 (fill of `in`)")
            && p.contains("the stride of dimension 2 is 9 elements × 2 bytes = 18 bytes, not a multiple of 4 bytes"),
        "{p}"
    );
    let good = Transfer::nd([0, 0, 0, 0], [1, 1, 2, 8], [0, 0, 10, 1]);
    accepted(transfer_design(ElemType::I16, 1024, good));
}

#[test]
fn a_repeat_of_65_with_stride_0_is_accepted() {
    // The iteration size field stores size - 1 in 6 bits: "Size 3 exceeds the [1:64] range"
    // is about size - 1, so 65 repeats fit and 66 do not.
    let t = |n| Transfer::nd([0, 0, 0, 0], [n, 1, 1, 64], [0, 0, 0, 1]);
    accepted(transfer_design(ElemType::I32, 1024, t(65)));
    let p = the_problem(transfer_design(ElemType::I32, 1024, t(66)));
    assert!(
        p.contains("the outermost (repeat) size 66 exceeds 65"),
        "{p}"
    );
}

#[test]
fn innermost_size_limit_counts_words() {
    // Size 0 is checked in 32-bit words ("Size 0 exceeds the [0:1023] range"): 4092 × i8 is
    // 1023 words, 4096 × i8 is 1024.
    let t = |n| Transfer::nd([0, 0, 0, 0], [1, 1, 2, n], [0, 0, 8192, 1]);
    accepted(transfer_design(ElemType::I8, 16384, t(4092)));
    let p = the_problem(transfer_design(ElemType::I8, 16384, t(4096)));
    assert!(
        p.contains("the innermost size 4096 is 1024 words, above the shim BD limit of 1023 words"),
        "{p}"
    );
}

#[test]
fn stride_limit_counts_words() {
    // "Stride 1 exceeds the [1:1048576] range", on the stored stride (words - 1): an i8
    // stride of 2^20 + 4 elements is 2^18 + 1 words; an i32 stride of 2^20 + 1 words fits,
    // 2^20 + 2 does not.
    let t = |s: i64| Transfer::nd([0, 0, 0, 0], [1, 1, 2, 64], [0, 0, s, 1]);
    accepted(transfer_design(ElemType::I8, 3 << 20, t((1 << 20) + 4)));
    accepted(transfer_design(ElemType::I32, 3 << 20, t((1 << 20) + 1)));
    let p = the_problem(transfer_design(ElemType::I32, 3 << 20, t((1 << 20) + 2)));
    assert!(
        p.contains(
            "the stride of dimension 2 is 1048578 words, above the shim BD limit of 1048577 words"
        ),
        "{p}"
    );
}

/// `in`: shim (0,0) → core (0,2) of `n` × `elem`, laid out on the core by `dims`
/// (dims_from_stream).
fn layout_design(elem: ElemType, n: u32, dims: Vec<Dim>) -> DesignBuilder {
    let mut d = DesignBuilder::new("layout", Device::Npu1_1Col);
    let ty = MemRefType::vector(n, elem);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new("k", [ty.clone().into()], "k.o"));
    let f = d.fifo_with(
        "in",
        FifoSpec::new(shim, [core], 2, ty.clone()).dims_from_stream(0, dims),
    );
    d.core(core, |c| {
        c.forever(|c| {
            let x = c.consume(f, 1);
            c.call(k, [x.get(0)]);
            c.release(x);
        })
    });
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::vector(n, elem));
        rt.fill(f, a, Transfer::linear(n));
        rt.wait(f);
    });
    d
}

fn dims(v: &[(u32, u32)]) -> Vec<Dim> {
    v.iter().map(|&(s, t)| Dim::new(s, t)).collect()
}

// The rules below are DMABDOp::verify's (lib/Dialect/AIE/IR/AIEDialect.cpp at 5ff2ab97d),
// applied to the BDs the transform makes from the FIFO's layout.

#[test]
fn a_compute_tile_layout_has_at_most_three_dimensions() {
    let three = dims(&[(2, 128), (8, 16), (16, 1)]);
    accepted(layout_design(ElemType::I32, 256, three));
    let four = dims(&[(1, 256), (2, 128), (8, 16), (16, 1)]);
    let p = the_problem(layout_design(ElemType::I32, 256, four));
    assert!(
        p.contains("FIFO end `in_cons` on tile (0,2) (dims_from_stream)")
            && p.contains("the layout has 4 dimensions, but this tile's DMA takes at most 3"),
        "{p}"
    );
}

#[test]
fn a_layout_may_not_read_past_the_object() {
    accepted(layout_design(
        ElemType::I32,
        256,
        dims(&[(16, 16), (16, 1)]),
    ));
    let p = the_problem(layout_design(
        ElemType::I32,
        256,
        dims(&[(16, 16), (17, 1)]),
    ));
    assert!(
        p.contains("the layout reaches element 256 of a 256-element object"),
        "{p}"
    );
}

#[test]
fn layout_sizes_stay_below_513() {
    // DMABDOp::verify rejects `size >= (1 << 9) + 1` (its message says 1023).
    accepted(layout_design(
        ElemType::I32,
        1024,
        dims(&[(2, 512), (512, 1)]),
    ));
    let p = the_problem(layout_design(
        ElemType::I32,
        1026,
        dims(&[(2, 513), (513, 1)]),
    ));
    assert!(p.contains("the layout size 513 is above 512"), "{p}");
}

#[test]
fn narrow_elements_need_an_innermost_stride_of_one() {
    accepted(layout_design(
        ElemType::I16,
        256,
        dims(&[(2, 128), (128, 1)]),
    ));
    let p = the_problem(layout_design(ElemType::I16, 256, dims(&[(2, 1), (128, 2)])));
    assert!(
        p.contains("the innermost layout stride is 2, but for 2-byte elements it must be 1"),
        "{p}"
    );
}

/// `a`: shim → mem tile, 256 × i32; split at the mem tile into `b` (mem tile → core (0,2)) with
/// `offsets`.
fn single_split(offsets: Option<Vec<u64>>) -> DesignBuilder {
    let mut d = DesignBuilder::new("split1", Device::Npu1_1Col);
    let t = i32s(256);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new("k", [t.clone().into()], "k.o"));
    let a = d.fifo("a", shim, [mem], 2, t.clone());
    let b = d.fifo("b", mem, [core], 2, t.clone());
    match offsets {
        None => d.split(a, [b]),
        Some(o) => d.split_at(a, [b], o),
    }
    d.core(core, |c| {
        c.forever(|c| {
            let x = c.consume(b, 1);
            c.call(k, [x.get(0)]);
            c.release(x);
        })
    });
    d.runtime(|rt| {
        let h = rt.arg(i32s(1024));
        rt.fill(a, h, Transfer::linear(1024));
        rt.wait(a);
    });
    d
}

#[test]
fn a_split_with_one_output_is_a_forward_link() {
    // ObjectFifoLinkOp::verify objects to offsets in a 1-to-1 link only when both src and dst
    // offsets are given ("all offsets should be empty if there is no join or distribute"), so
    // our builder's one-output split (dst offset 0) is accepted, as aie-opt accepts it.
    accepted(single_split(None));
    // A non-zero offset would be ignored by mlir-aie's forward link: we reject it.
    let p = the_problem(single_split(Some(vec![16])));
    assert!(
        p.contains("link [a] -> [b]") && p.contains("takes no offsets other than a single 0"),
        "{p}"
    );
}

/// Cores (0,2) and (0,3) produce `p0`, `p1` (128 × i32) into mem tile (0,1), joined into `out`
/// (256 × i32) to the shim with `dims` as `out`'s dims_to_stream.
fn join_design(dims: Vec<Dim>) -> DesignBuilder {
    let mut d = DesignBuilder::new("join", Device::Npu1_1Col);
    let half = i32s(128);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let k = d.kernel(Kernel::new("k", [half.clone().into()], "k.o"));
    let mut parts = Vec::new();
    for row in [2, 3] {
        let core = d.compute_tile(0, row);
        let p = d.fifo(format!("p{}", row - 2), core, [mem], 2, half.clone());
        d.core(core, |c| {
            c.forever(|c| {
                let x = c.produce(p, 1);
                c.call(k, [x.get(0)]);
                c.release(x);
            })
        });
        parts.push(p);
    }
    let out = d.fifo_with(
        "out",
        FifoSpec::new(mem, [shim], 2, i32s(256)).dims_to_stream(dims),
    );
    d.join(parts, out);
    d.runtime(|rt| {
        let h = rt.arg(i32s(1024));
        rt.drain(out, h, Transfer::linear(1024));
        rt.wait(out);
    });
    d
}

#[test]
fn a_join_output_layout_must_fit_the_smallest_input() {
    // ObjectFifoLinkOp::verify: "specified output stride(s) and size(s) result in out of bounds
    // access in join input".
    accepted(join_design(dims(&[(2, 64), (64, 1)])));
    let p = the_problem(join_design(dims(&[(2, 128), (128, 1)])));
    assert!(
        p.contains("link [p0, p1] -> [out]")
            && p.contains("the dims_to_stream of `out` reaches element 255, but the smallest input part is 128 elements"),
        "{p}"
    );
}

#[test]
fn a_design_without_runtime_sequence_has_no_instruction_stream() {
    // aie-translate --aie-npu-to-binary fails without a runtime sequence
    // (RuntimeSequenceOp::getForSymbolInDeviceOrError); the design itself stays valid.
    let mut d = release_design(1);
    d.runtime(|_| {});
    let with_empty = d.finish().unwrap();
    assert!(aie_dsl::instructions(&with_empty).is_ok());
    let mut design = with_empty.into_design();
    design.runtime = None;
    let design = aie_dsl::valid::validate(design).expect("still a valid design");
    let e = aie_dsl::instructions(&design).unwrap_err();
    assert!(
        e.to_string()
            .contains("has no runtime sequence, so it has no instruction stream"),
        "{e}"
    );
}

#[test]
fn generated_names_may_not_collide_with_user_names() {
    // The transform creates `in_cons_buff_0`/`_1` for the core end of `in`; a second
    // definition of a symbol is a verifier error in mlir-aie.
    let with_buffer = |name: &str| {
        let mut d = release_design(1);
        let core = d.compute_tile(0, 2);
        d.buffer(core, name, i32s(4));
        d
    };
    accepted(with_buffer("fifo_in_cons_buff_2"));
    let p = the_problem(with_buffer("fifo_in_cons_buff_0"));
    assert!(
        p.contains("the name `fifo_in_cons_buff_0` would be defined twice, as a buffer on tile (0,2) and as a buffer on tile (0,2)"),
        "{p}"
    );
    assert!(
        p.contains("rename the FIFO, buffer, lock or allocation"),
        "{p}"
    );
}

#[test]
fn a_fifo_named_like_another_fifos_consumer_end_is_rejected() {
    let design = |second: &str| {
        let mut d = release_design(1);
        let shim = d.shim_tile(0);
        let core = d.compute_tile(0, 3);
        let t = i32s(16);
        let k = d.kernel(Kernel::new("k2", [t.clone().into()], "k.o"));
        let f = d.fifo(second, shim, [core], 2, t);
        d.core(core, |c| {
            c.forever(|c| {
                let x = c.consume(f, 1);
                c.call(k, [x.get(0)]);
                c.release(x);
            })
        });
        d
    };
    accepted(design("other"));
    let p = the_problem(design("fifo_in_cons"));
    // Both FIFOs have an end called `fifo_in_cons`; the first name found twice is one of
    // their locks.
    assert!(
        p.contains("the name `fifo_in_cons_") && p.contains("would be defined twice"),
        "{p}"
    );
}

#[test]
fn a_fifo_broadcast_to_two_shim_tiles_needs_two_allocation_names() {
    // Both shim ends would get `out_shim_alloc`.
    let mut d = DesignBuilder::new("bcast", Device::Npu1_2Col);
    let t = i32s(64);
    let s0 = d.shim_tile(0);
    let s1 = d.shim_tile(1);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new("k", [t.clone().into()], "k.o"));
    let out = d.fifo("out", core, [s0, s1], 2, t);
    d.core(core, |c| {
        c.forever(|c| {
            let x = c.produce(out, 1);
            c.call(k, [x.get(0)]);
            c.release(x);
        })
    });
    let p = the_problem(d);
    assert!(
        p.contains("the name `out_shim_alloc` would be defined twice, as a shim DMA allocation on tile (0,0) and as a shim DMA allocation on tile (1,0)"),
        "{p}"
    );
}

#[test]
fn a_32_bit_buffer_may_not_land_at_an_unaligned_address() {
    // Four i8 buffers of `n` bytes fill the four banks of (0,2) (largest first, one per bank);
    // the i32 buffer then follows the first of them in bank 0.
    let design = |n: u32| {
        let mut d = DesignBuilder::new("align", Device::Npu1_1Col);
        let _shim = d.shim_tile(0);
        let core = d.compute_tile(0, 2);
        for i in 0..4 {
            d.buffer(
                core,
                format!("bytes{i}"),
                MemRefType::vector(n, ElemType::I8),
            );
        }
        d.buffer(core, "words", i32s(16));
        d
    };
    accepted(design(1024));
    let p = the_problem(design(1025));
    assert!(
        p.contains("buffer `words` on tile (0,2) lands at address 1025, not a multiple of 4"),
        "{p}"
    );
    assert!(
        p.contains("make `bytes0` (1025 B), `bytes1` (1025 B), `bytes2` (1025 B), `bytes3` (1025 B) a multiple of 4 bytes"),
        "{p}"
    );
}
