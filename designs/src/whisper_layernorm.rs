//! Whisper's LayerNorm with its learned scale γ and shift β (issue 12): rows of d bf16 values
//! from a `rows` × d activation on several cores of column 0, γ and β delivered once per run.
//! Kernel: `kernels/layernorm_affine.cc` (numerics tested on the host in
//! designs/tests/kernels_whisper.rs).
//!
//! Data movement: the activation goes host → shim → mem tile, where each object of `cores`
//! rows is split, a row per core; the normalised rows are joined back at the mem tile and go
//! to the host. γ and β travel as one object of 2·d values (γ then β) in a FIFO from the shim
//! that is broadcast to every core; each core acquires it once per run, outside its loop over
//! its `rows / cores` rows, and releases it after the last row. The runtime sequence moves
//! γβ once, then the activation in one transfer each way.

use aie_dsl::design;
use aie_dsl::prelude::*;

use crate::shape::{self, ShapeError};
use crate::whisper::{D_MODEL, FRAMES};

/// The design's name (also for the shapes built by [`layernorm_affine_with`]).
pub const NAME: &str = "layernorm_affine";
/// The kernel's C symbol.
pub const KERNEL: &str = "layernorm_affine_bf16";
/// The longest row the kernel takes (`kMaxRow` in kernels/layernorm_affine.cc).
pub const KERNEL_MAX_ROW: u32 = 2048;
/// The kernel's vector width (`kLanes`): row lengths are multiples of it.
pub const KERNEL_LANES: u32 = 16;
/// The compute tiles of column 0 (rows 2 to 5) the rows can be spread over.
pub const MAX_CORES: u32 = 4;
/// Whisper-tiny's model width.
pub const D_MODEL_TINY: u32 = 384;

/// A checked shape of the `layernorm_affine` design: `rows` rows of `d` values on `cores`
/// cores. Only [`LayerNormShape::new`] makes one, so every shape a design is built from has
/// passed the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerNormShape {
    rows: u32,
    d: u32,
    cores: u32,
}

/// Whisper-base's shape on four cores: 1500 frames of d_model 512 (the registered design).
/// `LayerNormShape::new(1500, 512, 4)` gives the same value (tested).
pub const WHISPER_BASE: LayerNormShape = LayerNormShape {
    rows: FRAMES,
    d: D_MODEL,
    cores: MAX_CORES,
};

impl LayerNormShape {
    /// Checks a shape against what the kernel and the data movement handle.
    ///
    /// # Errors
    /// A [`ShapeError`] naming the parameter: `d` outside 16..=2048 or not a multiple of 16
    /// (the kernel's buffer and vector width), `cores` outside 1..=4, `rows` zero, not a
    /// multiple of `cores` (every core takes one row of each split object), or so large that
    /// `rows × d` does not fit a 32-bit transfer length.
    pub fn new(rows: u32, d: u32, cores: u32) -> Result<Self, ShapeError> {
        shape::in_range(
            NAME,
            "d",
            d.into(),
            (KERNEL_LANES.into(), KERNEL_MAX_ROW.into()),
            "the row lengths kernel `layernorm_affine_bf16` takes (kMaxRow in \
             kernels/layernorm_affine.cc)",
        )?;
        shape::multiple_of(NAME, "d", d.into(), KERNEL_LANES.into(), KERNEL)?;
        shape::in_range(
            NAME,
            "cores",
            cores.into(),
            (1, MAX_CORES.into()),
            "the compute tiles of column 0, rows 2 to 5, that the mem tile's split and join \
             reach",
        )?;
        shape::in_range(
            NAME,
            "rows",
            rows.into(),
            (1, (u32::MAX / d).into()),
            "rows × d elements must fit one host transfer's 32-bit length",
        )?;
        shape::divides(
            NAME,
            ("cores", cores.into()),
            ("rows", rows.into()),
            "the mem tile splits objects of `cores` rows, one row per core, so the runtime \
             sequence moves whole objects",
        )?;
        Ok(LayerNormShape { rows, d, cores })
    }

    /// Rows of the activation.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Row length (the model width).
    pub fn d(&self) -> u32 {
        self.d
    }

    /// Cores the rows are spread over.
    pub fn cores(&self) -> u32 {
        self.cores
    }
}

/// The kernel's declaration for rows of `d`: `layernorm_affine_bf16(in: memref<d×bf16>,
/// gb: memref<2d×bf16>, out: memref<d×bf16>, n: i32)`.
pub fn kernel(d: u32) -> Kernel {
    let row = MemRefType::vector(d, ElemType::Bf16);
    Kernel::new(
        KERNEL,
        [
            ArgType::MemRef(row.clone()),
            ArgType::MemRef(MemRefType::vector(2 * d, ElemType::Bf16)),
            ArgType::MemRef(row),
            ArgType::Scalar(ScalarType::I32),
        ],
        "layernorm_affine.o",
    )
    .with_source("layernorm_affine.cc")
}

/// Places the design of a checked shape into `d`.
fn place(d: &mut DesignBuilder, s: LayerNormShape) {
    let k = d.kernel(kernel(s.d));
    let affine = MemRefType::vector(2 * s.d, ElemType::Bf16);
    let (shim, mem, tiles) = crate::whisper::column_0(d, s.cores);
    let gb = d.fifo("gb", shim, tiles.iter().copied(), 1, affine);
    let crate::whisper::RowsIo {
        x_in,
        x_parts,
        y_parts,
        y_out,
    } = crate::whisper::split_join_rows(d, shim, mem, &tiles, s.d);
    let per_core = s.rows / s.cores;
    for (i, &core) in tiles.iter().enumerate() {
        let (x, y) = (x_parts[i], y_parts[i]);
        d.core(core, |b| {
            b.forever(|b| {
                let g = b.consume(gb, 1);
                b.repeat(u64::from(per_core), |b| {
                    let o = b.produce(y, 1);
                    let v = b.consume(x, 1);
                    b.call(
                        k,
                        [v.get(0), g.get(0), o.get(0), Scalar::I32(s.d as i32).into()],
                    );
                    b.release(v);
                    b.release(o);
                });
                b.release(g);
            });
        });
    }
    d.runtime(|rt| {
        let n = s.rows * s.d;
        let x = rt.arg(MemRefType::vector(n, ElemType::Bf16));
        let g = rt.arg(MemRefType::vector(2 * s.d, ElemType::Bf16));
        let y = rt.arg(MemRefType::vector(n, ElemType::Bf16));
        rt.fill(gb, g, Transfer::linear(2 * s.d));
        rt.fill(x_in, x, Transfer::linear(n));
        rt.drain(y_out, y, Transfer::linear(n));
        rt.wait(y_out);
    });
}

/// LayerNorm with γ and β (`kernels/layernorm_affine.cc`, f32 statistics, eps 1e-5) over
/// Whisper-base's 1500 × 512 bf16 activation: a row per core on the 4 cores of column 0
/// (mem-tile split and join), γβ (1024 bf16) broadcast from the shim and acquired once per
/// run. Other shapes: [`layernorm_affine_with`].
#[design(device = npu1_1col)]
pub fn layernorm_affine(d: &mut DesignBuilder) {
    place(d, WHISPER_BASE);
}

/// The `layernorm_affine` design for Whisper's 1500 frames with model width `d` (512 for
/// Whisper-base, 384 for tiny) on `cores` cores.
///
/// # Errors
/// [`ShapeError`] for a shape the kernel or the data movement cannot handle (see
/// [`LayerNormShape::new`]), or if the design does not validate.
pub fn layernorm_affine_with(d: u32, cores: u32) -> Result<Validated, ShapeError> {
    layernorm_affine_shape(LayerNormShape::new(FRAMES, d, cores)?)
}

/// The `layernorm_affine` design of a checked shape.
///
/// # Errors
/// [`ShapeError::Design`] if the design does not validate.
pub fn layernorm_affine_shape(s: LayerNormShape) -> Result<Validated, ShapeError> {
    let mut b = DesignBuilder::new(NAME, Device::Npu1_1Col);
    place(&mut b, s);
    Ok(b.finish()?)
}
