//! Shim → core → shim without ObjectFIFOs: placed buffers and locks on the core's tile, a
//! hand-written DMA program on each of its channels, placed flows and shim DMA allocations.

use aie_dsl::design;
use aie_dsl::prelude::*;

use crate::kernels::passThroughLine;

/// 4096 `i32` go through the core in lines of 1024, double-buffered on both sides: the core's
/// S2MM 0 fills `in_ping`/`in_pong` in turn, the core copies each into `out_ping`/`out_pong`
/// (`passThroughLine`, kernels/passthrough.cc), and its MM2S 0 sends those back. Each pair of
/// buffers has an `empty` lock (starting at 2, the free buffers) and a `full` lock (starting
/// at 0), used as AIE2 semaphores by the DMA and the core alike.
#[design(device = npu1_1col)]
pub fn placed_dma(d: &mut DesignBuilder) {
    let line = MemRefType::vector(1024, ElemType::I32);
    let copy = d.kernel(passThroughLine::kernel());
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let in_ping = d.buffer(core, "in_ping", line.clone());
    let in_pong = d.buffer(core, "in_pong", line.clone());
    let out_ping = d.buffer(core, "out_ping", line.clone());
    let out_pong = d.buffer(core, "out_pong", line);
    let in_empty = d.lock(core, "in_empty", None, 2);
    let in_full = d.lock(core, "in_full", None, 0);
    let out_empty = d.lock(core, "out_empty", None, 2);
    let out_full = d.lock(core, "out_full", None, 0);
    let fill = |b| DmaBd::new(b).acquire(in_empty, 1).release(in_full, 1);
    let send = |b| DmaBd::new(b).acquire(out_full, 1).release(out_empty, 1);
    d.dma(
        DmaChain::new(core, DmaDir::S2mm, 0)
            .bd(fill(in_ping))
            .bd(fill(in_pong)),
    );
    d.dma(
        DmaChain::new(core, DmaDir::Mm2s, 0)
            .bd(send(out_ping))
            .bd(send(out_pong)),
    );
    d.flow(shim, WireBundle::Dma, 0, core, WireBundle::Dma, 0);
    d.flow(core, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let to_core = d.shim_dma_allocation("to_core", shim, DmaDir::Mm2s, 0);
    let from_core = d.shim_dma_allocation("from_core", shim, DmaDir::S2mm, 0);
    d.core(core, |c| {
        c.forever(|c| {
            for (i, o) in [(in_ping, out_ping), (in_pong, out_pong)] {
                c.use_lock(in_full, LockAction::AcquireGreaterEqual, 1);
                c.use_lock(out_empty, LockAction::AcquireGreaterEqual, 1);
                c.call(
                    copy,
                    [
                        aie_dsl::ir::CallArg::Buffer(i),
                        aie_dsl::ir::CallArg::Buffer(o),
                        Scalar::I32(1024).into(),
                    ],
                );
                c.use_lock(in_empty, LockAction::Release, 1);
                c.use_lock(out_full, LockAction::Release, 1);
            }
        });
    });
    d.runtime(|rt| {
        let host = MemRefType::vector(4096, ElemType::I32);
        let a = rt.arg(host.clone());
        let b = rt.arg(host);
        rt.transfer(to_core, a, Transfer::linear(4096));
        rt.transfer(from_core, b, Transfer::linear(4096));
        rt.wait_alloc(from_core);
    });
}
