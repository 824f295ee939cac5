//! bf16 LayerNorm over rows of 512 elements on one compute tile.

use aie_dsl::design;
use aie_dsl::prelude::*;

use crate::kernels::layernorm_512;

/// Elements per row (the normalised dimension).
pub const ROW: u32 = 512;
/// Rows per run.
pub const ROWS: u32 = 64;

/// Each row of `ROWS` × `ROW` bf16 values is normalised to zero mean and unit variance by
/// `layernorm_512` (kernels/layernorm_512.cc), one row per object, double-buffered.
#[design(device = npu1_1col)]
pub fn layernorm() {
    let shim = tile!(shim 0);
    let core = tile!(compute 0, 2);
    fifo!(of_in: shim -> core, depth 2, [bf16; 512]);
    fifo!(of_out: core -> shim, depth 2, [bf16; 512]);
    core!(core, {
        loop {
            let y = of_out.acquire();
            let x = of_in.acquire();
            layernorm_512(&x, &mut y);
        }
    });
    runtime! {
        let input: [bf16; 32768];
        let output: [bf16; 32768];
        dma into of_in from input[..];
        dma out of of_out into output[..];
        wait of_out;
    }
}

/// The same design written with the builder API (kept to test that both forms agree).
pub fn layernorm_builder() -> Result<Validated, Error> {
    let mut d = DesignBuilder::new("layernorm", Device::Npu1_1Col);
    let row = MemRefType::vector(ROW, ElemType::Bf16);
    let norm = d.kernel(layernorm_512::kernel());
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("of_in", shim, [core], 2, row.clone());
    let out = d.fifo("of_out", core, [shim], 2, row);
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
