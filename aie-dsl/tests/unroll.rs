//! Core-loop unrolling against mlir-aie's lit tests at 5ff2ab97d
//! (`test/objectFifo-stateful-transform/loop_unrolling/*.mlir`) and, for the case no lit test
//! covers, against the source of `unrollForLoops`
//! (`lib/Dialect/AIE/Transforms/AIEObjectFifoStatefulTransform.cpp`).
//!
//! The lit tests run on an AIE1 device with FIFOs between two neighbouring compute tiles
//! (shared memory, so the declared depths stay). We state the same programs on npu1 with
//! tiles (0,2) and (0,3), which share memory too, and compare the loop structure and the
//! buffers each call gets; the lock operations differ between AIE1 and AIE2 and are left out.

use aie_dsl::lower::core::{LArg, LStmt};
use aie_dsl::lower::objectfifo::lower;
use aie_dsl::lower::physical::Physical;
use aie_dsl::prelude::*;

mod common;
use common::i32s;

fn render(d: &Design, p: &Physical, body: &[LStmt], indent: usize, out: &mut Vec<String>) {
    let pad = "  ".repeat(indent);
    for s in body {
        match s {
            LStmt::For {
                lower,
                upper,
                step,
                body,
            } => {
                out.push(format!("{pad}for {lower}..{upper} step {step}"));
                render(d, p, body, indent + 1, out);
            }
            LStmt::UseLock { .. } => {}
            LStmt::Call { kernel, args } => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        LArg::Buffer(b) => p.buffers[*b].name.clone(),
                        LArg::Scalar(s) => format!("{s:?}"),
                    })
                    .collect();
                out.push(format!(
                    "{pad}call {}({})",
                    d.kernels.get(*kernel).unwrap().symbol,
                    args.join(", ")
                ));
            }
        }
    }
}

/// `of_1` (0,3) → (0,2) of depth `d1`, `of_2` (0,2) → (0,3) of depth `d2`, and a core on
/// (0,2) that runs `n` iterations of: consume one of `of_1`, produce one of `of_2`, call.
fn two_fifo_loop(d1: u32, d2: u32, n: u64) -> Vec<String> {
    let mut d = DesignBuilder::new("unroll", Device::Npu1_1Col);
    let t = i32s(16);
    let k = d.kernel(Kernel::new(
        "some_work",
        [t.clone().into(), t.clone().into()],
        "work.o",
    ));
    let shim = d.shim_tile(0);
    let t12 = d.compute_tile(0, 2);
    let t13 = d.compute_tile(0, 3);
    let of1 = d.fifo("of_1", t13, [t12], d1, t.clone());
    let of2 = d.fifo("of_2", t12, [t13], d2, t.clone());
    let _ = shim;
    d.core(t12, |c| {
        c.repeat(n, |c| {
            let i = c.consume(of1, 1);
            let o = c.produce(of2, 1);
            c.call(k, [i.get(0), o.get(0)]);
            c.release(i);
            c.release(o);
        })
    });
    let design = d.finish().unwrap();
    let phys = lower(&design).unwrap();
    let mut got = Vec::new();
    render(&design, &phys, &phys.cores[0].body, 0, &mut got);
    got
}

fn call(a: u32, b: u32, pad: &str) -> String {
    format!("{pad}call some_work(of_1_buff_{a}, of_2_buff_{b})")
}

#[test]
fn remainder_iterations_are_peeled_with_rotating_buffers() {
    // loop_unroll_with_remainder.mlir: 10 iterations, depths 2 and 4: a loop 0..8 step 4 with
    // four copies, then the two leftover iterations peeled on of_1_buff_0/of_2_buff_0 and
    // of_1_buff_1/of_2_buff_1.
    let got = two_fifo_loop(2, 4, 10);
    let want = vec![
        "for 0..8 step 4".to_string(),
        call(0, 0, "  "),
        call(1, 1, "  "),
        call(0, 2, "  "),
        call(1, 3, "  "),
        call(0, 0, ""),
        call(1, 1, ""),
    ];
    assert_eq!(got, want);
}

#[test]
fn eleven_iterations_over_depth_four_peel_three() {
    // The case: 11 iterations, depth 4. Same rule as the lit test above: the epilogue
    // of 3 iterations is unrolled by 3 in the next pass, so the buffers keep rotating.
    let got = two_fifo_loop(4, 4, 11);
    let mut want = vec!["for 0..8 step 4".to_string()];
    for b in 0..4 {
        want.push(call(b, b, "  "));
    }
    for b in 0..3 {
        want.push(call(b, b, ""));
    }
    assert_eq!(got, want);
}

#[test]
fn trip_count_below_the_factor_unrolls_fully() {
    // fully_unroll_loop.mlir: 4 iterations, depths 2 and 3: factor min(6, 4) = 4, no loop left.
    let got = two_fifo_loop(2, 3, 4);
    assert_eq!(
        got,
        vec![
            call(0, 0, ""),
            call(1, 1, ""),
            call(0, 2, ""),
            call(1, 0, "")
        ]
    );
}

#[test]
fn factor_is_the_lcm_of_the_depths() {
    // unroll_factor_multiple_objectfifos.mlir: 12 iterations, depths 2 and 3: step 6.
    let got = two_fifo_loop(2, 3, 12);
    let mut want = vec!["for 0..12 step 6".to_string()];
    for i in 0..6 {
        want.push(call(i % 2, i % 3, "  "));
    }
    assert_eq!(got, want);
}

#[test]
fn single_unrolled_iteration_keeps_a_fixed_buffer_loop_like_mlir_aie() {
    // No lit test covers it; from unrollForLoops' source: 7 iterations by 4 make a main loop
    // of one iteration, which loopUnrollByFactor replaces by its body; the epilogue loop
    // (4..7) comes right after the loop the pass just unrolled, whose remainder (3) is above 1,
    // and it does not acquire itself (foundMap is false), so the next pass skips it and it
    // stays a loop with one copy of the body: every iteration of it names the same buffers.
    let got = two_fifo_loop(4, 4, 7);
    let mut want: Vec<String> = (0..4).map(|b| call(b, b, "")).collect();
    want.push("for 4..7 step 1".to_string());
    want.push(call(0, 0, "  "));
    assert_eq!(got, want);
}

#[test]
fn nested_loops_with_remainders_match_the_lit_test() {
    // nested_loop_unroll_with_remainder.mlir: of_1 (0,3) → (0,2) and of_2 (0,2) → (0,3), depth
    // 3 each; an outer loop of 9 produces of_2, an inner loop of 8 consumes of_1.
    let mut d = DesignBuilder::new("unroll", Device::Npu1_1Col);
    let t = i32s(16);
    let k = d.kernel(Kernel::new(
        "some_work",
        [t.clone().into(), t.clone().into()],
        "work.o",
    ));
    let t12 = d.compute_tile(0, 2);
    let t13 = d.compute_tile(0, 3);
    let of1 = d.fifo("of_1", t13, [t12], 3, t.clone());
    let of2 = d.fifo("of_2", t12, [t13], 3, t.clone());
    d.core(t12, |c| {
        c.repeat(9, |c| {
            let o = c.produce(of2, 1);
            c.repeat(8, |c| {
                let i = c.consume(of1, 1);
                c.call(k, [i.get(0), o.get(0)]);
                c.release(i);
            });
            c.release(o);
        })
    });
    let design = d.finish().unwrap();
    let phys = lower(&design).unwrap();
    let mut got = Vec::new();
    render(&design, &phys, &phys.cores[0].body, 0, &mut got);
    let mut want = vec!["for 0..9 step 3".to_string()];
    // Per outer copy: of_2's buffer, and where of_1's rotation starts.
    for (o, start) in [(0, 0), (1, 2), (2, 1)] {
        want.push("  for 0..6 step 3".to_string());
        for j in 0..3 {
            want.push(call((start + j) % 3, o, "    "));
        }
        for j in 0..2 {
            want.push(call((start + j) % 3, o, "  "));
        }
    }
    assert_eq!(got, want);
}

#[test]
fn inner_then_outer_matches_the_lit_test_structure() {
    // nested_loop_unroll_inner_then_outer.mlir: `loop_of` (0,2) → (0,3), depth 2; an outer loop
    // of 0xFFFFFFFF iterations: produce; an inner loop of 20 produces; produce. The inner loop
    // is unrolled by 2 first; the outer one by 2 then, and its clones of the inner loop (step
    // 2, not below the factor) stay as they are; the odd last outer iteration is peeled.
    let mut d = DesignBuilder::new("unroll", Device::Npu1_1Col);
    let t = i32s(16);
    let k = d.kernel(Kernel::new("some_work", [t.clone().into()], "work.o"));
    let t12 = d.compute_tile(0, 2);
    let t13 = d.compute_tile(0, 3);
    let f = d.fifo("loop_of", t12, [t13], 2, t.clone());
    let one = |c: &mut CoreBuilder<'_>| {
        let o = c.produce(f, 1);
        c.call(k, [o.get(0)]);
        c.release(o);
    };
    d.core(t12, |c| {
        c.repeat(0xFFFF_FFFF, |c| {
            one(c);
            c.repeat(20, |c| one(c));
            one(c);
        })
    });
    let design = d.finish().unwrap();
    let phys = lower(&design).unwrap();
    let mut got = Vec::new();
    render(&design, &phys, &phys.cores[0].body, 0, &mut got);
    let shape: Vec<String> = got
        .iter()
        .map(|l| {
            if l.trim_start().starts_with("call") {
                format!("{}call", &l[..l.len() - l.trim_start().len()])
            } else {
                l.clone()
            }
        })
        .collect();
    let body = |pad: &str| {
        vec![
            format!("{pad}call"),
            format!("{pad}for 0..20 step 2"),
            format!("{pad}  call"),
            format!("{pad}  call"),
            format!("{pad}call"),
        ]
    };
    let mut want = vec!["for 0..4294967294 step 2".to_string()];
    want.extend(body("  "));
    want.extend(body("  "));
    want.extend(body(""));
    assert_eq!(shape, want);
}

#[test]
fn an_acquire_before_the_loop_shifts_the_rotation() {
    // acquire_before_loop.mlir: `loop_of` (0,2) → (0,3), depth 4; one object produced before a
    // loop of 8: the loop is unrolled by 4 and its copies take buffers 1, 2, 3, 0.
    let mut d = DesignBuilder::new("unroll", Device::Npu1_1Col);
    let t = i32s(16);
    let k = d.kernel(Kernel::new("some_work", [t.clone().into()], "work.o"));
    let t12 = d.compute_tile(0, 2);
    let t13 = d.compute_tile(0, 3);
    let f = d.fifo("loop_of", t12, [t13], 4, t.clone());
    let one = |c: &mut CoreBuilder<'_>| {
        let o = c.produce(f, 1);
        c.call(k, [o.get(0)]);
        c.release(o);
    };
    d.core(t12, |c| {
        one(c);
        c.repeat(8, |c| one(c));
    });
    let design = d.finish().unwrap();
    let phys = lower(&design).unwrap();
    let mut got = Vec::new();
    render(&design, &phys, &phys.cores[0].body, 0, &mut got);
    let mut want = vec![
        "call some_work(loop_of_buff_0)".to_string(),
        "for 0..8 step 4".to_string(),
    ];
    for b in [1, 2, 3, 0] {
        want.push(format!("  call some_work(loop_of_buff_{b})"));
    }
    assert_eq!(got, want);
}
