//! Shape parameters for the Whisper designs `gelu`, `softmax` and `residual_add`
//! (designs/src/whisper.rs): the same designs for other row lengths and core counts (e.g.
//! Whisper-tiny's MLP width 1536 or d_model 384), with every shape their kernels, the cores'
//! data memory or the mem tile's channels cannot handle rejected as a [`ShapeError`] that
//! names the parameter. With Whisper-base's shape each builds exactly the registered design
//! (tested).

use aie_dsl::prelude::*;

use crate::shape::{self, ShapeError};
use crate::whisper::{residual_add_into, rows_on_cores, TILE_ROWS};
use crate::whisper_layernorm::MAX_CORES;

const DEVICE: Device = Device::Npu1_1Col;

/// Rows of `residual_add`'s objects, per core (`whisper::ADD_PART` / d_model).
pub const ADD_ROWS_PER_OBJECT: u32 = 3;

/// The longest row a core can hold with `buffers` bf16 buffers of `elems_per_row × row`
/// elements and the default stack, from the target model's data memory.
fn max_row(buffers: u32, elems_per_row: u32) -> u32 {
    let m = DEVICE.model();
    let free = m.compute.memory_bytes.saturating_sub(m.default_stack_bytes);
    free / (buffers * elems_per_row * 2)
}

/// The longest `gelu`/`softmax` row: two depth-2 FIFOs of one row each in a core's memory.
pub fn rows_on_cores_max_row() -> u32 {
    max_row(4, 1)
}

/// The widest `residual_add` row: three depth-2 FIFOs of [`ADD_ROWS_PER_OBJECT`] rows each.
pub fn residual_add_max_row() -> u32 {
    max_row(6, ADD_ROWS_PER_OBJECT)
}

/// The most cores `residual_add` can use: its two splits and its join need 2·cores + 1 of the
/// mem tile's output channels.
pub fn residual_add_max_cores() -> u32 {
    (DEVICE.model().mem.dma_channels - 1) / 2
}

fn check_rows_on_cores(design: &'static str, row: u32, cores: u32) -> Result<(), ShapeError> {
    shape::in_range(
        design,
        "row",
        row.into(),
        (1, rows_on_cores_max_row().into()),
        "two depth-2 FIFOs of one row each (input and output) must fit a core's data memory \
         beside its stack",
    )?;
    shape::in_range(
        design,
        "cores",
        cores.into(),
        (1, MAX_CORES.into()),
        "the compute tiles of column 0, rows 2 to 5, that the mem tile's split and join reach",
    )?;
    shape::divides(
        design,
        ("cores", cores.into()),
        ("TILE_ROWS", TILE_ROWS.into()),
        "the runtime sequence moves tiles of TILE_ROWS rows, each a whole number of objects of \
         `cores` rows",
    )
}

fn row_kernel(symbol: &str, source: &str, row: u32) -> Kernel {
    let t = MemRefType::vector(row, ElemType::Bf16);
    Kernel::new(
        symbol,
        [
            ArgType::MemRef(t.clone()),
            ArgType::MemRef(t),
            ArgType::Scalar(ScalarType::I32),
        ],
        format!("{symbol}.o"),
    )
    .with_source(source)
}

fn build_rows_on_cores(
    design: &'static str,
    kernel: Kernel,
    row: u32,
    cores: u32,
) -> Result<Validated, ShapeError> {
    let mut d = DesignBuilder::new(design, DEVICE);
    let k = d.kernel(kernel);
    rows_on_cores(&mut d, k, row, cores);
    Ok(d.finish()?)
}

/// `gelu` over a 1500 × `row` bf16 activation (fc1's output: 2048 for Whisper-base, 1536 for
/// tiny) on `cores` cores of column 0.
///
/// # Errors
/// [`ShapeError`] naming `row` (0, or longer than a core's memory holds) or `cores` (outside
/// 1..=4, or not dividing the 300-row tiles the runtime sequence moves).
pub fn gelu_with(row: u32, cores: u32) -> Result<Validated, ShapeError> {
    check_rows_on_cores("gelu", row, cores)?;
    build_rows_on_cores("gelu", row_kernel("gelu_bf16", "gelu.cc", row), row, cores)
}

/// `softmax` over a 1500 × `row` matrix of bf16 scores (`row` keys per query: 1500 in Whisper's
/// encoder) on `cores` cores of column 0.
///
/// # Errors
/// As [`gelu_with`].
pub fn softmax_with(row: u32, cores: u32) -> Result<Validated, ShapeError> {
    check_rows_on_cores("softmax", row, cores)?;
    build_rows_on_cores(
        "softmax",
        row_kernel("softmax_bf16", "softmax.cc", row),
        row,
        cores,
    )
}

/// `residual_add` over two 1500 × `d` bf16 activations (d_model: 512 for Whisper-base, 384
/// for tiny) on `cores` cores of column 0, [`ADD_ROWS_PER_OBJECT`] rows per core and object.
///
/// # Errors
/// [`ShapeError`] naming `d` (0, or wider than a core's memory holds) or `cores` (outside
/// 1..=2: the mem tile's output channels).
pub fn residual_add_with(d: u32, cores: u32) -> Result<Validated, ShapeError> {
    const NAME: &str = "residual_add";
    shape::in_range(
        NAME,
        "d",
        d.into(),
        (1, residual_add_max_row().into()),
        "three depth-2 FIFOs of 3 rows each (a, b, c) must fit a core's data memory beside its \
         stack",
    )?;
    shape::in_range(
        NAME,
        "cores",
        cores.into(),
        (1, residual_add_max_cores().into()),
        "two splits of `cores` outputs and one join need 2·cores + 1 of the mem tile's output \
         channels",
    )?;
    // 1500 rows are a whole number of objects of 3·cores rows for cores 1 and 2.
    let part = MemRefType::vector(ADD_ROWS_PER_OBJECT * d, ElemType::Bf16);
    let kernel = Kernel::new(
        "residual_add_bf16",
        [
            ArgType::MemRef(part.clone()),
            ArgType::MemRef(part.clone()),
            ArgType::MemRef(part),
            ArgType::Scalar(ScalarType::I32),
        ],
        "residual_add_bf16.o",
    )
    .with_source("residual_add.cc");
    let mut b = DesignBuilder::new(NAME, DEVICE);
    let k = b.kernel(kernel);
    residual_add_into(&mut b, k, ADD_ROWS_PER_OBJECT, d, cores);
    Ok(b.finish()?)
}
