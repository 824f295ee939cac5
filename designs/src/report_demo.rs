//! A large design for looking at reports: [`vector_add_4x4`], the `vector_add_4core` pattern
//! repeated over all four columns of `npu1` (16 cores, 56 ObjectFIFOs).
//!
//! It is not registered with `#[design]`, so the MLIR snapshot tests do not cover it; the
//! report tests and `cargo run --example report -- vector_add_4x4` use it.

use aie_dsl::prelude::*;

use crate::vector_add_4core::{CORES, PART, REPEATS};

/// Columns used.
pub const COLUMNS: u32 = 4;

/// `out = a + bias` on 16 cores: in each column, the shim sends `a` to the mem tile, which
/// splits it over the four cores of the column, broadcasts a bias to them, and joins their
/// results back to the shim (kernels/vector_add.cc).
///
/// # Errors
/// Validation errors (none expected).
pub fn vector_add_4x4() -> Result<Validated, Error> {
    let mut d = DesignBuilder::new("vector_add_4x4", Device::Npu1);
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
    let mut ends = Vec::new();
    for col in 0..COLUMNS {
        let shim = d.shim_tile(col);
        let mem = d.mem_tile(col);
        let cores: Vec<ComputeTile> = (2..2 + CORES).map(|r| d.compute_tile(col, r)).collect();
        let a_in = d.fifo(format!("a_in{col}"), shim, [mem], 2, whole.clone());
        let a_parts: Vec<FifoId> = cores
            .iter()
            .enumerate()
            .map(|(i, &c)| d.fifo(format!("a{col}_{i}"), mem, [c], 2, part.clone()))
            .collect();
        d.split(a_in, a_parts.clone());
        let bias_in = d.fifo(format!("bias_in{col}"), shim, [mem], 1, part.clone());
        let bias = d.fifo(
            format!("bias{col}"),
            mem,
            cores.iter().copied(),
            1,
            part.clone(),
        );
        d.forward(bias_in, bias);
        let c_parts: Vec<FifoId> = cores
            .iter()
            .enumerate()
            .map(|(i, &c)| d.fifo(format!("c{col}_{i}"), c, [mem], 2, part.clone()))
            .collect();
        let c_out = d.fifo(format!("c_out{col}"), mem, [shim], 2, whole.clone());
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
        ends.push((a_in, bias_in, c_out));
    }
    d.runtime(|rt| {
        let n = PART * CORES * REPEATS;
        for &(a_in, bias_in, c_out) in &ends {
            let a = rt.arg(MemRefType::vector(n, ElemType::I32));
            let b = rt.arg(MemRefType::vector(PART, ElemType::I32));
            let c = rt.arg(MemRefType::vector(n, ElemType::I32));
            rt.fill(a_in, a, Transfer::linear(n));
            rt.fill(bias_in, b, Transfer::linear(PART));
            rt.drain(c_out, c, Transfer::linear(n));
        }
        for &(_, _, c_out) in &ends {
            rt.wait(c_out);
        }
    });
    d.finish()
}
