//! A bias added to a vector on four cores: a mem-tile split of the input, a broadcast of the
//! bias, and a mem-tile join of the results.

use aie_dsl::design;
use aie_dsl::prelude::*;

/// Elements per core and object.
pub const PART: u32 = 1024;
/// Cores.
pub const CORES: u32 = 4;
/// Objects per run.
pub const REPEATS: u32 = 4;

/// `out = a + bias`: each object of `a` (4 × 1024 `i32`) is split over the cores of column 0 at
/// the mem tile, the 1024-element bias is broadcast from the mem tile to all four cores, and the
/// four results are joined back at the mem tile (kernels/vector_add.cc).
#[design(device = npu1_1col)]
pub fn vector_add_4core(d: &mut DesignBuilder) {
    let part = MemRefType::vector(PART, ElemType::I32);
    let whole = MemRefType::vector(PART * CORES, ElemType::I32);
    let add = d.kernel(
        Kernel::new(
            "vector_add_i32",
            [
                part.clone().into(),
                part.clone().into(),
                part.clone().into(),
                ScalarType::I32.into(),
            ],
            "vector_add.o",
        )
        .with_source("vector_add.cc"),
    );
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let cores: Vec<ComputeTile> = (2..2 + CORES).map(|r| d.compute_tile(0, r)).collect();

    let a_in = d.fifo("a_in", shim, [mem], 2, whole.clone());
    let a_parts: Vec<FifoId> = cores
        .iter()
        .enumerate()
        .map(|(i, &c)| d.fifo(format!("a{i}"), mem, [c], 2, part.clone()))
        .collect();
    d.split(a_in, a_parts.clone());

    let bias_in = d.fifo("bias_in", shim, [mem], 1, part.clone());
    let bias = d.fifo("bias", mem, cores.iter().copied(), 1, part.clone());
    d.forward(bias_in, bias);

    let c_parts: Vec<FifoId> = cores
        .iter()
        .enumerate()
        .map(|(i, &c)| d.fifo(format!("c{i}"), c, [mem], 2, part.clone()))
        .collect();
    let c_out = d.fifo("c_out", mem, [shim], 2, whole);
    d.join(c_parts.clone(), c_out);

    for (i, &core) in cores.iter().enumerate() {
        let (a, c) = (a_parts[i], c_parts[i]);
        d.core(core, |b| {
            b.forever(|b| {
                let bias_obj = b.consume(bias, 1);
                b.repeat(u64::from(REPEATS), |b| {
                    let o = b.produce(c, 1);
                    let x = b.consume(a, 1);
                    b.call(
                        add,
                        [
                            x.get(0),
                            bias_obj.get(0),
                            o.get(0),
                            Scalar::I32(PART as i32).into(),
                        ],
                    );
                    b.release(x);
                    b.release(o);
                });
                b.release(bias_obj);
            });
        });
    }
    d.runtime(|rt| {
        let n = PART * CORES * REPEATS;
        let a = rt.arg(MemRefType::vector(n, ElemType::I32));
        let b = rt.arg(MemRefType::vector(PART, ElemType::I32));
        let c = rt.arg(MemRefType::vector(n, ElemType::I32));
        rt.fill(a_in, a, Transfer::linear(n));
        rt.fill(bias_in, b, Transfer::linear(PART));
        rt.drain(c_out, c, Transfer::linear(n));
        rt.wait(c_out);
    });
}
