//! A vector times a scalar: input, scale-factor and output FIFOs, nested loops.

use aie_dsl::design;
use aie_dsl::prelude::*;

use crate::kernels::vector_scalar_mul_int16;

/// Elements in the host vectors.
pub const N: u32 = 4096;
/// Elements per object.
pub const TILE: u32 = 1024;

/// `out[i] = in[i] * factor` over `N` `i16`, `TILE` at a time (kernels/scale.cc). The core takes
/// the factor once per `N / TILE` tiles.
#[design(device = npu1_1col)]
pub fn vector_scalar_mul() {
    let shim = tile!(shim 0);
    let core = tile!(compute 0, 2);
    fifo!(of_in: shim -> core, depth 2, [i16; 1024]);
    fifo!(of_factor: shim -> core, depth 2, [i32; 1]);
    fifo!(of_out: core -> shim, depth 2, [i16; 1024]);
    core!(core, {
        loop {
            let factor = of_factor.acquire();
            for _ in 0..N / TILE {
                let y = of_out.acquire();
                let x = of_in.acquire();
                vector_scalar_mul_int16(&x, &mut y, &factor, 1024);
            }
        }
    });
    runtime! {
        let a: [i16; 4096];
        let f: [i32; 1];
        let c: [i16; 4096];
        dma into of_in from a[..];
        dma into of_factor from f[..];
        dma out of of_out into c[..];
        wait of_out;
    }
}

/// The same design written with the builder API (kept to test that both forms agree).
pub fn vector_scalar_mul_builder() -> Result<Validated, Error> {
    let mut d = DesignBuilder::new("vector_scalar_mul", Device::Npu1_1Col);
    let tile_ty = MemRefType::vector(TILE, ElemType::I16);
    let factor_ty = MemRefType::vector(1, ElemType::I32);
    let scale = d.kernel(vector_scalar_mul_int16::kernel());
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let inp = d.fifo("of_in", shim, [core], 2, tile_ty.clone());
    let factor = d.fifo("of_factor", shim, [core], 2, factor_ty);
    let out = d.fifo("of_out", core, [shim], 2, tile_ty);
    d.core(core, |c| {
        c.forever(|c| {
            let f = c.consume(factor, 1);
            c.repeat(u64::from(N / TILE), |c| {
                let o = c.produce(out, 1);
                let i = c.consume(inp, 1);
                c.call(
                    scale,
                    [
                        i.get(0),
                        o.get(0),
                        f.get(0),
                        Scalar::I32(TILE as i32).into(),
                    ],
                );
                c.release(i);
                c.release(o);
            });
            c.release(f);
        });
    });
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::vector(N, ElemType::I16));
        let f = rt.arg(MemRefType::vector(1, ElemType::I32));
        let c = rt.arg(MemRefType::vector(N, ElemType::I16));
        rt.fill(inp, a, Transfer::linear(N));
        rt.fill(factor, f, Transfer::linear(1));
        rt.drain(out, c, Transfer::linear(N));
        rt.wait(out);
    });
    d.finish()
}
