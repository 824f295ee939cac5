//! Emission of every construct the builder offers, verified by MLIR and snapshot-tested.

use aie_dsl::prelude::*;

fn i32s(n: u32) -> MemRefType {
    MemRefType::vector(n, ElemType::I32)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Uses every builder feature once, on the 2-column device.
fn everything() -> Design {
    let mut d = DesignBuilder::new("everything", Device::Npu1_2Col);
    let shim = d.shim_tile(0);
    let shim1 = d.shim_tile(1);
    let mem = d.mem_tile(0);
    let c02 = d.compute_tile(0, 2);
    let c03 = d.compute_tile(0, 3);
    let c12 = d.compute_tile(1, 2);
    let tile = MemRefType::new([8, 16], ElemType::Bf16);
    let k = d.kernel(
        Kernel::new(
            "mix",
            [
                tile.clone().into(),
                i32s(4).into(),
                ScalarType::Bf16.into(),
                ScalarType::I16.into(),
                ScalarType::F32.into(),
            ],
            "mix.o",
        )
        .with_source("mix.cc"),
    );
    let apply = d.kernel(Kernel::new("apply", [i32s(4).into()], "mix.o"));
    let inp = d.fifo_with("inp", FifoSpec::new(shim, [mem], 2, tile.clone()));
    let fan = d.fifo_with(
        "fan",
        FifoSpec::new(mem, [c02, c03], 2, tile.clone())
            .depths([2, 2, 3])
            .dims_to_stream([Dim::new(8, 16), Dim::new(16, 1)])
            .dims_from_stream(1, [Dim::new(2, 64), Dim::new(64, 1)])
            .repeat_count(2),
    );
    d.forward(inp, fan);
    let seeded = d.fifo_with(
        "seeded",
        FifoSpec::new(c02, [c03], 2, i32s(4))
            .via_dma()
            .init_values(vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7]]),
    );
    let buf = d.buffer_init(c12, "coeffs", i32s(4), vec![1, -1, 2, -2]);
    let _scratch = d.buffer(mem, "scratch", i32s(256));
    let lock = d.lock(c12, "ready", Some(0), 1);
    let _auto = d.lock(c12, "spare", None, 0);
    d.flow(c12, WireBundle::Dma, 0, shim1, WireBundle::Dma, 0);
    d.packet_flow(
        3,
        StreamPort {
            tile: c12.into(),
            bundle: WireBundle::Trace,
            channel: 0,
        },
        [StreamPort {
            tile: shim1.into(),
            bundle: WireBundle::Dma,
            channel: 1,
        }],
        true,
    );
    let alloc = d.shim_dma_allocation("trace_out", shim1, DmaDir::S2mm, 0);
    d.core(c02, |c| {
        c.stack_size(2048);
        c.forever(|c| {
            let o = c.produce(seeded, 1);
            let f = c.consume(fan, 1);
            c.call(
                k,
                [
                    f.get(0),
                    o.get(0),
                    Scalar::bf16(0.5).into(),
                    Scalar::I16(-3).into(),
                    Scalar::F32(1.25).into(),
                ],
            );
            c.release(f);
            c.release(o);
        });
    });
    d.core(c03, |c| {
        c.repeat(10, |c| {
            let f = c.consume(fan, 2);
            let s = c.consume(seeded, 1);
            c.call(
                k,
                [
                    f.get(1),
                    s.get(0),
                    Scalar::bf16(1.0).into(),
                    Scalar::I16(7).into(),
                    Scalar::F32(0.0).into(),
                ],
            );
            c.release_n(fan, FifoPort::Consume, 2);
            c.release(s);
        });
    });
    d.core(c12, |c| {
        c.link_with("mix.o");
        c.use_lock(lock, LockAction::AcquireGreaterEqual, 1);
        c.call(apply, [buf.into()]);
        c.use_lock(lock, LockAction::Release, 1);
    });
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::new([64, 16], ElemType::Bf16));
        let t = rt.arg(i32s(1024));
        rt.fill(
            inp,
            a,
            Transfer::nd([0, 0, 0, 0], [2, 4, 8, 16], [0, 256, 16, 1]).bd_id(5),
        );
        rt.transfer(alloc, t, Transfer::slice(16, 256));
        rt.wait_alloc(alloc);
        rt.sync(1, 0, DmaDir::S2mm, 1);
    });
    d.finish_unchecked()
}

#[test]
fn every_construct_emits_verified_mlir() {
    let design = aie_dsl::valid::validate(everything()).unwrap_or_else(|e| panic!("{e}"));
    let emitted = aie_dsl::emit::emit(&design).unwrap_or_else(|e| panic!("{e}"));
    settings().bind(|| insta::assert_snapshot!("everything", emitted.mlir));
}
