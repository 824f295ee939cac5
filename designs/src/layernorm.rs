//! bf16 LayerNorm over rows of 512 elements on one compute tile.

use aie_dsl::prelude::*;

/// Elements per row (the normalised dimension).
pub const ROW: u32 = 512;
/// Rows per run.
pub const ROWS: u32 = 64;

/// Each row of `ROWS` × `ROW` bf16 values is normalised to zero mean and unit variance by
/// `layernorm_512` (kernels/layernorm_512.cc), one row per object, double-buffered.
pub fn layernorm() -> Result<Design, Error> {
    let mut d = DesignBuilder::new("layernorm", Device::Npu1_1Col);
    let row = MemRefType::vector(ROW, ElemType::Bf16);
    let norm = d.kernel(
        Kernel::new(
            "layernorm_512",
            [row.clone().into(), row.clone().into()],
            "layernorm_512.o",
        )
        .with_source("layernorm_512.cc"),
    );
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("in", shim, [core], 2, row.clone());
    let out = d.fifo("out", core, [shim], 2, row);
    d.core(core, |c| {
        c.forever(|c| {
            let o = c.produce(out, 1);
            let i = c.consume(inp, 1);
            c.call(norm, [i.get(0), o.get(0)]);
            c.release(i);
            c.release(o);
        });
    });
    d.runtime(|rt| {
        let host = MemRefType::vector(ROWS * ROW, ElemType::Bf16);
        let a = rt.arg(host.clone());
        let b = rt.arg(host);
        rt.fill(inp, a, Transfer::linear(ROWS * ROW));
        rt.drain(out, b, Transfer::linear(ROWS * ROW));
        rt.wait(out);
    });
    d.finish()
}
