//! Whisper encoder operators (issue 12, first slice): exact-erf GELU over fc1's output,
//! softmax over rows of 1500 attention scores, and the residual add, each on several cores of
//! column 0 with a mem-tile split and join. Kernels: kernels/gelu.cc, softmax.cc,
//! residual_add.cc (numerics tested on the host in designs/tests/kernels_whisper.rs).

use aie_dsl::design;
use aie_dsl::prelude::*;

use crate::kernels::{gelu_bf16, residual_add_bf16, softmax_bf16};

/// Whisper-base's audio frames after the convolutional front end (rows of every activation).
pub const FRAMES: u32 = 1500;
/// Whisper-base's MLP width (the row length of fc1's output, GELU's input).
pub const MLP: u32 = 2048;
/// Whisper-base's model width.
pub const D_MODEL: u32 = 512;
/// Rows per host transfer (a tile of the activation); `FRAMES` is a multiple of it.
pub const TILE_ROWS: u32 = 300;

/// The shim and mem tiles of column 0 and its first `cores` compute tiles (rows 2…).
pub(crate) fn column_0(d: &mut DesignBuilder, cores: u32) -> (ShimTile, MemTile, Vec<ComputeTile>) {
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let tiles = (2..2 + cores).map(|r| d.compute_tile(0, r)).collect();
    (shim, mem, tiles)
}

/// The FIFOs of [`split_join_rows`].
pub(crate) struct RowsIo {
    /// Host → mem tile: one object of a row per core.
    pub x_in: FifoId,
    /// Mem tile → each core: its row.
    pub x_parts: Vec<FifoId>,
    /// Each core → mem tile: its result row.
    pub y_parts: Vec<FifoId>,
    /// Mem tile → host: the joined result rows.
    pub y_out: FifoId,
}

/// Rows of `row` bf16 values in and out of `tiles` through the mem tile: `x_in` (one row per
/// core) split into `x0…`, the cores' `y0…` joined into `y_out`, all of depth 2.
pub(crate) fn split_join_rows(
    d: &mut DesignBuilder,
    shim: ShimTile,
    mem: MemTile,
    tiles: &[ComputeTile],
    row: u32,
) -> RowsIo {
    let cores = tiles.len() as u32;
    let part = MemRefType::vector(row, ElemType::Bf16);
    let whole = MemRefType::vector(row * cores, ElemType::Bf16);
    let x_in = d.fifo("x_in", shim, [mem], 2, whole.clone());
    let x_parts: Vec<FifoId> = tiles
        .iter()
        .enumerate()
        .map(|(i, &c)| d.fifo(format!("x{i}"), mem, [c], 2, part.clone()))
        .collect();
    d.split(x_in, x_parts.clone());
    let y_parts: Vec<FifoId> = tiles
        .iter()
        .enumerate()
        .map(|(i, &c)| d.fifo(format!("y{i}"), c, [mem], 2, part.clone()))
        .collect();
    let y_out = d.fifo("y_out", mem, [shim], 2, whole);
    d.join(y_parts.clone(), y_out);
    RowsIo {
        x_in,
        x_parts,
        y_parts,
        y_out,
    }
}

/// One row per core and object, `cores` cores of column 0 fed through the mem tile: the
/// object of `cores` rows is split at the mem tile, each core runs `kernel(in, out, row)` on
/// its row, the results are joined back. The runtime sequence moves a `FRAMES` × `row`
/// activation in tiles of `TILE_ROWS` rows.
pub(crate) fn rows_on_cores(d: &mut DesignBuilder, kernel: KernelId, row: u32, cores: u32) {
    let (shim, mem, tiles) = column_0(d, cores);
    let RowsIo {
        x_in,
        x_parts,
        y_parts,
        y_out,
    } = split_join_rows(d, shim, mem, &tiles, row);
    for (i, &core) in tiles.iter().enumerate() {
        let (x, y) = (x_parts[i], y_parts[i]);
        d.core(core, |b| {
            b.forever(|b| {
                let o = b.produce(y, 1);
                let v = b.consume(x, 1);
                b.call(kernel, [v.get(0), o.get(0), Scalar::I32(row as i32).into()]);
                b.release(v);
                b.release(o);
            });
        });
    }
    d.runtime(|rt| {
        let n = FRAMES * row;
        let a = rt.arg(MemRefType::vector(n, ElemType::Bf16));
        let c = rt.arg(MemRefType::vector(n, ElemType::Bf16));
        let tile = TILE_ROWS * row;
        for t in 0..FRAMES / TILE_ROWS {
            rt.fill(x_in, a, Transfer::slice(t * tile, tile));
            rt.drain(y_out, c, Transfer::slice(t * tile, tile));
        }
        rt.wait(y_out);
    });
}

/// Exact-erf GELU (`kernels/gelu.cc`) over Whisper-base's fc1 output, 1500 × 2048 bf16: rows
/// of 2048 on the 4 cores of column 0 (a mem-tile split of 4 rows and a join of the results),
/// moved in 5 tiles of 300 rows.
#[design(device = npu1_1col)]
pub fn gelu(d: &mut DesignBuilder) {
    let k = d.kernel(gelu_bf16::kernel());
    rows_on_cores(d, k, MLP, 4);
}

/// Softmax (`kernels/softmax.cc`, max subtracted, f32 sums) over rows of 1500 bf16 attention
/// scores: one head's 1500 × 1500 score matrix, a row per core on the 4 cores of column 0,
/// moved in 5 tiles of 300 rows.
#[design(device = npu1_1col)]
pub fn softmax(d: &mut DesignBuilder) {
    let k = d.kernel(softmax_bf16::kernel());
    rows_on_cores(d, k, FRAMES, 4);
}

/// Elements per core and object of `residual_add`: 3 rows of d_model.
pub const ADD_PART: u32 = 3 * D_MODEL;

/// `c = a + b` in bf16 (`kernels/residual_add.cc`) over a 1500 × 512 activation: both inputs
/// are split at the mem tile over 2 cores of column 0 (3 rows of 512 each per object; two
/// splits of 2 need 4 of the mem tile's 6 output channels), the sums are joined back.
#[design(device = npu1_1col)]
pub fn residual_add(d: &mut DesignBuilder) {
    let add = d.kernel(residual_add_bf16::kernel());
    residual_add_into(d, add, ADD_PART / D_MODEL, D_MODEL, 2);
}

/// `c = a + b` over a `FRAMES` × `row` activation with `kernel`: each object holds
/// `rows_per_object` rows per core, both inputs are split at the mem tile over `cores` cores
/// of column 0 and the sums joined back.
pub(crate) fn residual_add_into(
    d: &mut DesignBuilder,
    add: KernelId,
    rows_per_object: u32,
    row: u32,
    cores: u32,
) {
    let part_len = rows_per_object * row;
    let part = MemRefType::vector(part_len, ElemType::Bf16);
    let whole = MemRefType::vector(part_len * cores, ElemType::Bf16);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let tiles: Vec<ComputeTile> = (2..2 + cores).map(|r| d.compute_tile(0, r)).collect();
    let split = |d: &mut DesignBuilder, name: &str| {
        let whole_in = d.fifo(format!("{name}_in"), shim, [mem], 2, whole.clone());
        let parts: Vec<FifoId> = tiles
            .iter()
            .enumerate()
            .map(|(i, &c)| d.fifo(format!("{name}{i}"), mem, [c], 2, part.clone()))
            .collect();
        d.split(whole_in, parts.clone());
        (whole_in, parts)
    };
    let (a_in, a_parts) = split(d, "a");
    let (b_in, b_parts) = split(d, "b");
    let c_parts: Vec<FifoId> = tiles
        .iter()
        .enumerate()
        .map(|(i, &c)| d.fifo(format!("c{i}"), c, [mem], 2, part.clone()))
        .collect();
    let c_out = d.fifo("c_out", mem, [shim], 2, whole);
    d.join(c_parts.clone(), c_out);
    for (i, &core) in tiles.iter().enumerate() {
        let (a, b, c) = (a_parts[i], b_parts[i], c_parts[i]);
        d.core(core, |k| {
            k.forever(|k| {
                let o = k.produce(c, 1);
                let x = k.consume(a, 1);
                let y = k.consume(b, 1);
                k.call(
                    add,
                    [
                        x.get(0),
                        y.get(0),
                        o.get(0),
                        Scalar::I32(part_len as i32).into(),
                    ],
                );
                k.release(x);
                k.release(y);
                k.release(o);
            });
        });
    }
    d.runtime(|rt| {
        let n = FRAMES * row;
        let ty = MemRefType::vector(n, ElemType::Bf16);
        let a = rt.arg(ty.clone());
        let b = rt.arg(ty.clone());
        let c = rt.arg(ty);
        rt.fill(a_in, a, Transfer::linear(n));
        rt.fill(b_in, b, Transfer::linear(n));
        rt.drain(c_out, c, Transfer::linear(n));
        rt.wait(c_out);
    });
}
