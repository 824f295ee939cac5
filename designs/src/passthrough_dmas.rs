//! Host → shim → mem tile → shim → host through a linked FIFO; no core.

use aie_dsl::design;
use aie_dsl::prelude::*;

/// 4096 `i32` go to the mem tile in objects of 1024 and straight back.
#[design(device = npu1_1col)]
pub fn passthrough_dmas(d: &mut DesignBuilder) {
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let obj = MemRefType::vector(1024, ElemType::I32);
    let inp = d.fifo("in", shim, [mem], 2, obj.clone());
    let out = d.fifo("out", mem, [shim], 2, obj);
    d.forward(inp, out);
    d.runtime(|rt| {
        let host = MemRefType::vector(4096, ElemType::I32);
        let a = rt.arg(host.clone());
        let b = rt.arg(host);
        rt.fill(inp, a, Transfer::linear(4096));
        rt.drain(out, b, Transfer::linear(4096));
        rt.wait(out);
    });
}
