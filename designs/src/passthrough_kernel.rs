//! Shim → core → shim, the core copying each line with a C++ kernel.

use aie_dsl::design;
use aie_dsl::prelude::*;

/// Lines of 1024 `i32` are copied by `passThroughLine` (kernels/passthrough.cc).
#[design(device = npu1_1col)]
pub fn passthrough_kernel(d: &mut DesignBuilder) {
    let line = MemRefType::vector(1024, ElemType::I32);
    let copy = d.kernel(
        Kernel::new(
            "passThroughLine",
            [
                line.clone().into(),
                line.clone().into(),
                ScalarType::I32.into(),
            ],
            "passThrough.cc.o",
        )
        .with_source("passthrough.cc"),
    );
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.call(copy, [i.get(0), o.get(0), Scalar::I32(1024).into()]);
            c.release(i);
            c.release(o);
        });
    });
    d.runtime(|rt| {
        let host = MemRefType::vector(4096, ElemType::I32);
        let a = rt.arg(host.clone());
        let b = rt.arg(host);
        rt.fill(inp, a, Transfer::linear(4096));
        rt.drain(out, b, Transfer::linear(4096));
        rt.wait(out);
    });
}
