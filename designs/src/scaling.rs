//! A design generator that grows with its arguments, for the scaling benchmark
//! (`designs/benches/scaling.rs`) and the tests that a full array lowers and routes.
//!
//! Not registered with `#[design]`: it is a family of designs, not one example.

use aie_dsl::prelude::*;

/// Elements (`i32`) per core and object.
pub const PART: u32 = 256;

/// The device with `cols` columns (more than the array has gives the whole array, and
/// validation then names the tiles that do not exist).
fn device(cols: u32) -> Device {
    match cols {
        0 | 1 => Device::Npu1_1Col,
        2 => Device::Npu1_2Col,
        3 => Device::Npu1_3Col,
        _ => Device::Npu1,
    }
}

/// `cores` compute cores spread over `cols` columns (core `i` in column `i % cols`, row
/// `2 + i / cols`), each adding a bias to its part of an input.
///
/// A column with one core gets its input straight from the shim and sends its result straight
/// back (2 FIFOs). A column with `k > 1` cores goes through its mem tile: the shim's input is
/// split over the cores, a bias is broadcast to all of them and their results are joined
/// (`2k + 4` FIFOs: 12 with four cores, so 48 on the full 16-core array).
///
/// # Errors
/// Validation errors when the cores do not fit (more than four per column, or more columns
/// than the device has).
pub fn grid(cores: u32, cols: u32) -> Result<Validated, Error> {
    let cols = cols.max(1);
    let mut d = DesignBuilder::new(format!("grid_{cores}c_{cols}col"), device(cols));
    let part = MemRefType::vector(PART, ElemType::I32);
    let add = d.kernel(Kernel::new(
        "vector_add_i32",
        [
            part.clone().into(),
            part.clone().into(),
            part.clone().into(),
            ScalarType::I32.into(),
        ],
        "vector_add.o",
    ));
    let copy = d.kernel(Kernel::new(
        "passthrough_i32",
        [
            part.clone().into(),
            part.clone().into(),
            ScalarType::I32.into(),
        ],
        "passthrough.o",
    ));
    // Per column: (input FIFO, optional bias FIFO, output FIFO, objects of the whole input).
    let mut columns: Vec<(FifoId, Option<FifoId>, FifoId, u32)> = Vec::new();
    for col in 0..cols {
        let rows: Vec<u32> = (0..cores)
            .filter(|i| i % cols == col)
            .map(|i| 2 + i / cols)
            .collect();
        let k = rows.len() as u32;
        if k == 0 {
            continue;
        }
        let shim = d.shim_tile(col);
        let tiles: Vec<ComputeTile> = rows.iter().map(|&r| d.compute_tile(col, r)).collect();
        if k == 1 {
            let core = tiles[0];
            let inp = d.fifo(format!("in{col}"), shim, [core], 2, part.clone());
            let out = d.fifo(format!("out{col}"), core, [shim], 2, part.clone());
            d.core(core, |b| {
                b.forever(|b| {
                    let o = b.produce(out, 1);
                    let x = b.consume(inp, 1);
                    b.call(copy, [x.get(0), o.get(0), Scalar::I32(PART as i32).into()]);
                    b.release(x);
                    b.release(o);
                });
            });
            columns.push((inp, None, out, 1));
            continue;
        }
        let mem = d.mem_tile(col);
        let whole = MemRefType::vector(PART * k, ElemType::I32);
        let a_in = d.fifo(format!("a_in{col}"), shim, [mem], 2, whole.clone());
        let parts: Vec<FifoId> = tiles
            .iter()
            .enumerate()
            .map(|(i, &c)| d.fifo(format!("a{col}_{i}"), mem, [c], 2, part.clone()))
            .collect();
        d.split(a_in, parts.clone());
        let bias_in = d.fifo(format!("bias_in{col}"), shim, [mem], 1, part.clone());
        let bias = d.fifo(
            format!("bias{col}"),
            mem,
            tiles.iter().copied(),
            1,
            part.clone(),
        );
        d.forward(bias_in, bias);
        let results: Vec<FifoId> = tiles
            .iter()
            .enumerate()
            .map(|(i, &c)| d.fifo(format!("c{col}_{i}"), c, [mem], 2, part.clone()))
            .collect();
        let c_out = d.fifo(format!("c_out{col}"), mem, [shim], 2, whole);
        d.join(results.clone(), c_out);
        for (i, &core) in tiles.iter().enumerate() {
            let (a, c) = (parts[i], results[i]);
            d.core(core, |b| {
                b.forever(|b| {
                    let bias_obj = b.consume(bias, 1);
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
                    b.release(bias_obj);
                });
            });
        }
        columns.push((a_in, Some(bias_in), c_out, k));
    }
    d.runtime(|rt| {
        for &(inp, bias, out, k) in &columns {
            let n = PART * k;
            let a = rt.arg(MemRefType::vector(n, ElemType::I32));
            rt.fill(inp, a, Transfer::linear(n));
            if let Some(bias) = bias {
                let b = rt.arg(MemRefType::vector(PART, ElemType::I32));
                rt.fill(bias, b, Transfer::linear(PART));
            }
            let c = rt.arg(MemRefType::vector(n, ElemType::I32));
            rt.drain(out, c, Transfer::linear(n));
        }
        for &(_, _, out, _) in &columns {
            rt.wait(out);
        }
    });
    d.finish()
}
