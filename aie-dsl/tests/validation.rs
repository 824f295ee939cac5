//! One test per validation error: each bad design is rejected with a message that names the
//! object and says what to change.

use aie_dsl::prelude::*;
use aie_dsl::valid::ValidationError;

fn i32s(n: u32) -> MemRefType {
    MemRefType::vector(n, ElemType::I32)
}

/// The messages of every problem `d` has; panics if it has none.
fn problems(d: DesignBuilder) -> Vec<String> {
    match d.finish() {
        Ok(_) => panic!("the design was accepted"),
        Err(Error::Invalid(e)) => e.errors.iter().map(|e| e.to_string()).collect(),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

fn the_problem(d: DesignBuilder) -> String {
    let p = problems(d);
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p.into_iter().next().unwrap_or_default()
}

/// A valid shim → core → shim design with a kernel; `tweak` may break it.
fn copy_design(tweak: impl FnOnce(&mut DesignBuilder, Parts)) -> DesignBuilder {
    let mut d = DesignBuilder::new("copy", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let k = d.kernel(Kernel::new(
        "copy",
        [i32s(256).into(), i32s(256).into()],
        "copy.o",
    ));
    let inp = d.fifo("in", shim, [core], 2, i32s(256));
    let out = d.fifo("out", core, [shim], 2, i32s(256));
    tweak(
        &mut d,
        Parts {
            shim,
            core,
            k,
            inp,
            out,
        },
    );
    d
}

#[derive(Clone, Copy)]
struct Parts {
    shim: ShimTile,
    core: ComputeTile,
    k: KernelId,
    inp: FifoId,
    out: FifoId,
}

fn copy_core(d: &mut DesignBuilder, p: Parts) {
    d.core(p.core, |c| {
        c.forever(|c| {
            let o = c.produce(p.out, 1);
            let i = c.consume(p.inp, 1);
            c.call(p.k, [i.get(0), o.get(0)]);
            c.release(i);
            c.release(o);
        });
    });
}

fn copy_runtime(d: &mut DesignBuilder, p: Parts, len: u32) {
    d.runtime(|rt| {
        let a = rt.arg(i32s(1024));
        let b = rt.arg(i32s(1024));
        rt.fill(p.inp, a, Transfer::linear(len));
        rt.drain(p.out, b, Transfer::linear(len));
        rt.wait(p.out);
    });
}

#[test]
fn the_base_design_is_valid() {
    let d = copy_design(|d, p| {
        copy_core(d, p);
        copy_runtime(d, p, 1024);
    });
    assert!(d.finish().is_ok());
}

#[test]
fn tile_outside_the_device() {
    let mut d = DesignBuilder::new("t", Device::Npu1_2Col);
    d.compute_tile(2, 3);
    let m = the_problem(d);
    assert!(m.contains("tile (2,3) is outside npu1_2col"), "{m}");
    assert!(m.contains("use a column below 2"), "{m}");
}

#[test]
fn tile_declared_as_the_wrong_kind() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    d.compute_tile(1, 1);
    let m = the_problem(d);
    assert!(
        m.contains("tile (1,1) was declared as a compute tile"),
        "{m}"
    );
    assert!(m.contains("row 1 of npu1 holds mem tiles"), "{m}");
    assert!(m.contains("compute tiles are in rows 2-5"), "{m}");
}

#[test]
fn core_on_a_shim_tile() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let wrong = d.compute_tile(0, 0);
    d.core(wrong, |_| {});
    let p = problems(d);
    assert!(
        p.iter().any(|m| m.contains(
            "a core program is placed on tile (0,0), which is a shim tile; only compute tiles"
        )),
        "{p:#?}"
    );
}

#[test]
fn two_cores_on_one_tile() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let t = d.compute_tile(0, 2);
    d.core(t, |_| {});
    d.core(t, |_| {});
    let m = the_problem(d);
    assert!(
        m.contains("compute tile (0,2) has more than one core program"),
        "{m}"
    );
}

#[test]
fn fifo_without_consumer() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    d.fifo("lonely", s, Vec::<ShimTile>::new(), 2, i32s(16));
    let m = the_problem(d);
    assert!(m.contains("ObjectFIFO `lonely` has no consumer"), "{m}");
}

#[test]
fn fifo_from_shim_to_shim() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let (a, b) = (d.shim_tile(0), d.shim_tile(1));
    d.fifo("loop", a, [b], 2, i32s(16));
    let m = the_problem(d);
    assert!(
        m.contains("ObjectFIFO `loop` goes from shim tile (0,0) to shim tile (1,0)"),
        "{m}"
    );
}

#[test]
fn fifo_consumer_repeated() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let c = d.compute_tile(0, 2);
    d.fifo("twice", s, [c, c], 2, i32s(16));
    let m = the_problem(d);
    assert!(
        m.contains("ObjectFIFO `twice` lists tile (0,2) twice as consumer"),
        "{m}"
    );
}

#[test]
fn duplicate_names() {
    let d = copy_design(|d, p| {
        d.fifo("in", p.core, [p.shim], 2, i32s(16));
    });
    let p = problems(d);
    assert!(
        p.iter().any(
            |m| m.contains("the name `in` is used by both ObjectFIFO `in` and ObjectFIFO `in`")
        ),
        "{p:#?}"
    );
}

#[test]
fn names_mlir_would_have_to_quote() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    d.fifo("in-data", s, [m_], 2, i32s(16));
    let p = problems(d);
    assert!(
        p.iter()
            .any(|m| m.contains("ObjectFIFO `in-data` is not a valid symbol name")),
        "{p:#?}"
    );
}

#[test]
fn depth_zero_and_wrong_per_endpoint_list() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    d.fifo("zero", s, [m_], 0, i32s(16));
    d.fifo_with("short", FifoSpec::new(m_, [s], 2, i32s(16)).depths([2]));
    let p = problems(d);
    assert!(
        p.iter()
            .any(|m| m.contains("ObjectFIFO `zero`: depth is 0; use at least 1")),
        "{p:#?}"
    );
    assert!(
        p.iter().any(
            |m| m.contains("ObjectFIFO `short`: per-endpoint depths list 1 numbers")
                && m.contains("(2 numbers)")
        ),
        "{p:#?}"
    );
}

#[test]
fn objects_the_dma_cannot_move() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    d.fifo("odd", s, [m_], 2, MemRefType::vector(3, ElemType::I8));
    let m = the_problem(d);
    assert!(
        m.contains("ObjectFIFO `odd`: objects of type memref<3xi8> are 3 bytes"),
        "{m}"
    );
    assert!(m.contains("multiple of 4 bytes"), "{m}");
}

#[test]
fn layout_on_a_shim_end_and_dims_for_a_missing_consumer() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    d.fifo_with(
        "shaped",
        FifoSpec::new(s, [m_], 2, i32s(16))
            .dims_to_stream([Dim::new(4, 4), Dim::new(4, 1)])
            .dims_from_stream(3, [Dim::new(16, 1)]),
    );
    let p = problems(d);
    assert!(
        p.iter().any(|m| m.contains(
            "ObjectFIFO `shaped`: the producer (0,0) is a shim tile, which cannot reorder data"
        )),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|m| m
            .contains("dims_from_stream was given for consumer 3, but the FIFO has 1 consumer(s)")),
        "{p:#?}"
    );
}

#[test]
fn init_values_that_do_not_fit() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let m_ = d.mem_tile(0);
    let c = d.compute_tile(0, 2);
    d.fifo_with(
        "seeded",
        FifoSpec::new(m_, [c], 2, i32s(4)).init_values(vec![vec![1, 2, 3, 4]]),
    );
    let m = the_problem(d);
    assert!(
        m.contains("ObjectFIFO `seeded`: init_values has 1 objects but the producer depth is 2"),
        "{m}"
    );
}

#[test]
fn link_offsets_that_do_not_fit() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    let (c0, c1) = (d.compute_tile(0, 2), d.compute_tile(0, 3));
    let whole = d.fifo("whole", s, [m_], 2, i32s(64));
    let a = d.fifo("part_a", m_, [c0], 2, i32s(32));
    let b = d.fifo("part_b", m_, [c1], 2, i32s(32));
    d.split_at(whole, [a, b], [0, 40]);
    let p = problems(d);
    assert!(p.iter().any(|m| m.contains("link [whole] -> [part_a, part_b]: `part_a` gets elements 0..40 (40) of `whole`, but its objects hold 32")), "{p:#?}");
    assert!(
        p.iter()
            .any(|m| m.contains("`part_b` gets elements 40..64 (24)")),
        "{p:#?}"
    );
}

#[test]
fn split_through_a_compute_tile() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let hub = d.compute_tile(0, 2);
    let (c0, c1) = (d.compute_tile(0, 3), d.compute_tile(0, 4));
    let whole = d.fifo("whole", s, [hub], 2, i32s(64));
    let a = d.fifo("a", hub, [c0], 2, i32s(32));
    let b = d.fifo("b", hub, [c1], 2, i32s(32));
    d.split(whole, [a, b]);
    let m = the_problem(d);
    assert!(
        m.contains("a split must go through a mem tile, but the link tile (0,2) is a compute tile"),
        "{m}"
    );
}

#[test]
fn fifo_in_two_links() {
    let mut d = DesignBuilder::new("t", Device::Npu1);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    let a = d.fifo("a", s, [m_], 2, i32s(16));
    let b = d.fifo("b", m_, [s], 2, i32s(16));
    d.forward(a, b);
    d.forward(a, b);
    let p = problems(d);
    assert!(
        p.iter()
            .any(|m| m.contains("FIFO `a` is already part of another link")),
        "{p:#?}"
    );
}

#[test]
fn kernel_called_with_another_element_type() {
    let d = copy_design(|d, p| {
        let k16 = d.kernel(Kernel::new(
            "copy16",
            [
                MemRefType::vector(256, ElemType::I16).into(),
                i32s(256).into(),
            ],
            "copy.o",
        ));
        d.core(p.core, |c| {
            let o = c.produce(p.out, 1);
            let i = c.consume(p.inp, 1);
            c.call(k16, [i.get(0), o.get(0)]);
            c.release(i);
            c.release(o);
        });
    });
    let m = the_problem(d);
    assert!(m.contains("core (0,2) calls kernel `copy16` with an object of ObjectFIFO `in` (memref<256xi32>) as argument 0, but the kernel expects memref<256xi16>"), "{m}");
}

#[test]
fn kernel_called_with_the_wrong_arity_or_scalar() {
    let d = copy_design(|d, p| {
        let scaled = d.kernel(Kernel::new(
            "scaled",
            [i32s(256).into(), ScalarType::I32.into()],
            "copy.o",
        ));
        d.core(p.core, |c| {
            let i = c.consume(p.inp, 1);
            c.call(p.k, [i.get(0)]);
            c.call(scaled, [i.get(0), Scalar::F32(2.0).into()]);
            c.release(i);
        });
    });
    let p = problems(d);
    assert!(
        p.iter()
            .any(|m| m.contains("calls kernel `copy` with 1 arguments, but it takes 2")),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|m| m.contains(
            "calls kernel `scaled` with a f32 constant as argument 1, but the kernel expects i32"
        )),
        "{p:#?}"
    );
}

#[test]
fn object_index_past_the_acquire_and_out_of_scope() {
    let d = copy_design(|d, p| {
        d.core(p.core, |c| {
            let mut kept = None;
            c.repeat(2, |c| {
                let i = c.consume(p.inp, 1);
                let o = c.produce(p.out, 1);
                c.call(p.k, [i.get(1), o.get(0)]);
                kept = Some(i);
                c.release(i);
                c.release(o);
            });
            if let Some(i) = kept {
                let o = c.produce(p.out, 1);
                c.call(p.k, [i.get(0), o.get(0)]);
                c.release(o);
            }
        });
    });
    let p = problems(d);
    assert!(
        p.iter().any(|m| m.contains(
            "with object 1 of ObjectFIFO `in` as argument 0, but only 1 object(s) were acquired"
        )),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("outside the loop body where it was acquired")),
        "{p:#?}"
    );
}

#[test]
fn acquiring_on_the_wrong_end() {
    let d = copy_design(|d, p| {
        d.core(p.core, |c| {
            let i = c.produce(p.inp, 1);
            c.release(i);
        });
    });
    let p = problems(d);
    assert!(p.iter().any(|m| m.contains("core (0,2): it uses ObjectFIFO `in` as Produce (acquire), but this tile is not its producer; its producer is (0,0)")), "{p:#?}");
}

#[test]
fn compute_tile_memory_overflow() {
    let mut d = DesignBuilder::new("big", Device::Npu1_1Col);
    let s = d.shim_tile(0);
    let c = d.compute_tile(0, 2);
    d.fifo("in", s, [c], 2, i32s(4096)); // 2 x 16 KiB
    d.fifo("out", c, [s], 2, i32s(4096)); // 2 x 16 KiB
    d.core(c, |_| {}); // and the core's 1 KiB stack
    let m = the_problem(d);
    assert!(
        m.contains("compute tile (0,2) needs 66560 bytes of data memory but has 65536"),
        "{m}"
    );
    assert!(m.contains("in_cons_buff_0..1 (2 x 16384 B)"), "{m}");
    assert!(m.contains("out_buff_0..1 (2 x 16384 B)"), "{m}");
    assert!(m.contains("use shallower FIFOs"), "{m}");
}

#[test]
fn mem_tile_memory_overflow() {
    let mut d = DesignBuilder::new("big", Device::Npu1_1Col);
    let s = d.shim_tile(0);
    let m_ = d.mem_tile(0);
    let a = d.fifo("a", s, [m_], 3, i32s(48 * 1024));
    let b = d.fifo("b", m_, [s], 3, i32s(48 * 1024));
    d.forward(a, b);
    let m = the_problem(d);
    assert!(
        m.contains("mem tile (0,1) needs 589824 bytes of data memory but has 524288"),
        "{m}"
    );
}

#[test]
fn too_many_dma_channels() {
    let mut d = DesignBuilder::new("fan", Device::Npu1);
    let c = d.compute_tile(1, 2);
    for col in 0..3 {
        let s = d.shim_tile(col);
        d.fifo(format!("in{col}"), s, [c], 1, i32s(16));
    }
    let m = the_problem(d);
    assert!(
        m.contains(
            "compute tile (1,2) needs 3 S2MM DMA channels but has 2 (in0_cons, in1_cons, in2_cons)"
        ),
        "{m}"
    );
}

#[test]
fn too_many_locks_and_bds() {
    let mut d = DesignBuilder::new("deep", Device::Npu1);
    let m_ = d.mem_tile(0);
    let c = d.compute_tile(0, 2);
    let c2 = d.compute_tile(0, 3);
    // Two deep FIFOs into one core: 2 x 9 BDs > 16.
    d.fifo_with("a", FifoSpec::new(m_, [c], 2, i32s(16)).depths([2, 9]));
    d.fifo_with(
        "b",
        FifoSpec::new(c2, [c], 2, i32s(16)).via_dma().depths([2, 9]),
    );
    let p = problems(d);
    assert!(
        p.iter().any(|m| m.contains(
            "compute tile (0,2) needs 18 buffer descriptors but has 16 (a_cons: 9, b_cons: 9)"
        )),
        "{p:#?}"
    );
}

#[test]
fn placed_objects() {
    let mut d = DesignBuilder::new("placed", Device::Npu1);
    let s = d.shim_tile(0);
    let c = d.compute_tile(0, 2);
    d.buffer(s, "nowhere", i32s(4));
    d.lock(c, "l0", Some(3), 1);
    d.lock(c, "l1", Some(3), 70);
    d.lock(c, "l2", Some(16), 0);
    d.flow(s, WireBundle::Dma, 2, c, WireBundle::Dma, 0);
    let p = problems(d);
    assert!(
        p.iter().any(|m| m.contains(
            "buffer `nowhere`: it is placed on shim tile (0,0), which has no data memory"
        )),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("lock `l1`: lock id 3 on (0,2) is already taken by lock `l0`")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("lock `l1`: initial value 70 is above the largest lock value 63")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("lock `l2`: lock id 16 does not exist on compute tile (0,2)")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("flow at (0,0) DMA:2: a shim tile has DMA channels 0..=1")),
        "{p:#?}"
    );
}

#[test]
fn transfer_larger_than_its_host_buffer() {
    let d = copy_design(|d, p| {
        copy_core(d, p);
        copy_runtime(d, p, 2048);
    });
    let p = problems(d);
    assert!(p.iter().any(|m| m.contains("runtime sequence, transfer #1 (fill of `in`): it reaches element 2047 of host argument 0 (memref<1024xi32>, 1024 elements)")), "{p:#?}");
}

#[test]
fn filling_a_fifo_the_host_cannot_reach_and_waiting_before_any_transfer() {
    let d = copy_design(|d, p| {
        copy_core(d, p);
        d.runtime(|rt| {
            let a = rt.arg(i32s(1024));
            rt.wait(p.out);
            rt.fill(p.out, a, Transfer::linear(1024));
        });
    });
    let p = problems(d);
    assert!(
        p.iter()
            .any(|m| m.contains("wait on `out`: no transfer on it comes before the wait")),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|m| m
            .contains("transfer #1 (fill of `out`): `out` starts at (0,2), not at a shim tile")),
        "{p:#?}"
    );
}

#[test]
fn transfer_patterns_the_shim_bd_cannot_express() {
    let d = copy_design(|d, p| {
        copy_core(d, p);
        d.runtime(|rt| {
            let a = rt.arg(MemRefType::vector(4096, ElemType::I16));
            rt.fill(
                p.inp,
                a,
                Transfer::nd([0, 0, 0, 1], [1, 1, 2, 3], [0, 0, 4, 1]),
            );
            rt.fill(p.inp, a, Transfer::linear(8).bd_id(16));
        });
    });
    let p = problems(d);
    assert!(
        p.iter()
            .any(|m| m.contains("the innermost size 3 × 2 bytes is not a multiple of 4 bytes")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("the start offset of 2 bytes is not 4-byte aligned")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("buffer descriptor 16 does not exist (shim tiles have 0..=15)")),
        "{p:#?}"
    );
}

#[test]
fn handles_from_another_design_are_named_not_followed() {
    let mut other = DesignBuilder::new("other", Device::Npu1);
    let _ = other.shim_tile(0);
    let _ = other.shim_tile(1);
    let _ = other.shim_tile(2);
    let foreign = other.compute_tile(0, 2);
    let mut d = DesignBuilder::new("mine", Device::Npu1);
    let s = d.shim_tile(0);
    d.fifo("x", s, [foreign], 2, i32s(16));
    let p = problems(d);
    assert!(p.iter().any(|m| m.contains("consumer 0 of ObjectFIFO `x` refers to tile handle #3, which is not part of design `mine`")), "{p:#?}");
}

#[test]
fn every_problem_is_reported_at_once_with_the_design_name() {
    let mut d = DesignBuilder::new("many", Device::Npu1_1Col);
    d.compute_tile(3, 2);
    d.mem_tile(0);
    let s = d.shim_tile(0);
    d.fifo("none", s, Vec::<ShimTile>::new(), 2, i32s(4));
    let Err(Error::Invalid(e)) = d.finish() else {
        panic!("expected validation errors")
    };
    assert_eq!(e.errors.len(), 2);
    let text = e.to_string();
    assert!(
        text.starts_with("design `many` has 2 problems:\n  - "),
        "{text}"
    );
    assert!(matches!(
        e.errors[0],
        ValidationError::TileOutsideDevice { col: 3, row: 2, .. }
    ));
}

#[test]
fn mem_tile_bds_per_channel_parity() {
    // 27 BDs fit the mem tile's 48, but the even channels 0 and 2 need 13 each of the 24 they
    // share (aie-assign-bd-ids: even channels 0..=23, odd 24..=47). Validation's estimate
    // assigns channels as the lowering does and reports it, naming both ends.
    let build = |last: u32| {
        let mut d = DesignBuilder::new("parity", Device::Npu1_1Col);
        let m_ = d.mem_tile(0);
        for (i, row) in [2u32, 3, 4].into_iter().enumerate() {
            let c = d.compute_tile(0, row);
            let depth = [13, 1, last][i];
            d.fifo_with(
                format!("f{i}"),
                FifoSpec::new(c, [m_], 2, i32s(4)).depths([2, depth]),
            );
        }
        d.finish()
    };
    let m = build(13).unwrap_err().to_string();
    assert!(
        m.contains("mem tile (0,1)")
            && m.contains("buffer descriptors of its even DMA channels")
            && m.contains("f0_cons (S2MM 0): 13, f2_cons (S2MM 2): 13"),
        "{m}"
    );
    // 13 + 11 = 24 fit, and the lowering agrees.
    let design = build(11).unwrap();
    assert!(aie_dsl::lower::lower(&design).is_ok());
}
