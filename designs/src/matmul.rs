//! Matrix multiplication `C = A · B` on the whole npu1 array (issue 12): bf16 × bf16 with f32
//! accumulation, written out as bf16 (what Whisper's next operator reads) or f32.
//!
//! # The pattern (mlir-aie's `programming_examples/basic/matrix_multiplication/whole_array`)
//!
//! Sixteen cores, columns 0–3 × rows 2–5, each computing `tile.m × tile.n` tiles of C with
//! `kernels/matmul.cc`. A is cut into stripes of `tile.m` rows: shim and mem tile of column
//! `i` carry the stripes of core row `i`, and the mem tile *broadcasts* each `tile.m × tile.k`
//! tile of A along that row to all four columns. B is cut into `tile.k × tile.n` tiles: shim
//! and mem tile of column `c` carry the n-tiles `c, c + 4, c + 8, …` and *broadcast* them up
//! column `c`. Each core's C tiles are *joined* at its column's mem tile (four cores' tiles
//! stacked into `4·tile.m × tile.n`) and drained by the shim.
//!
//! The mem tiles' output DMAs reorder the data (`dims_to_stream`) so the core sees its tiles
//! in blocks of the AIE2 bf16 matrix-multiply shape 4 × 8 × 4 ([`a_dims`], [`b_dims`]), and
//! the C drain turns the core's blocked tiles back into row-major rows ([`c_dims`]). The host
//! sees plain row-major matrices: A `m × k`, B `k × n`, C `m × n`.
//!
//! Each core runs, forever: for each of its C tiles, zero the f32 accumulator, then for each
//! of the `k / tile.k` tiles of A's stripe and B's column `acc += a · b`; then (bf16 output)
//! round the accumulator into the C object, or (f32 output) release the accumulator itself,
//! which is the C object.
//!
//! # Padding of m
//!
//! The array computes `4·tile.m` rows of C at a time (256 with the default tile), and
//! Whisper's 1500 frames are not a multiple of that: the design works on
//! [`Plan::padded_m`] rows (1536 for 1500). **The host pads A with zero rows to `padded_m × k`
//! and gives a C buffer of `padded_m × n`; C's extra rows come out zero (for finite B) and are
//! ignored.** The
//! hardware cannot do this exactly without padding: a shorter last transfer of A would leave
//! the mem tile's object incomplete (its receiving BD waits for the whole `tile.m × tile.k`
//! object), and a shorter C drain would leave the rest of a C object in the stream. AIE2 mem
//! tiles can insert zeros in their output DMAs, but aie-dsl does not lower BD padding yet.
//! `k` and `n` are not padded: they must be multiples of `tile.k` and `4·tile.n` (pad B's
//! columns and A's columns / B's rows with zeros on the host if needed).
//!
//! # Runtime sequence
//!
//! As mlir-aie's example: per column, the C drain of two block rows (`4·tile.m` rows each) is
//! issued, then for each of them the A stripe of that column's core row (sent `n / (4·tile.n)`
//! times, once per C tile of the core, with the shim BD's repeat dimension) and that column's
//! n-tiles of all of B. After the first four block rows and after every two block rows
//! thereafter, the host waits for the C drains. Unlike mlir-aie (which frees the input BDs
//! without waiting, `dma_free_task`), it then also waits on the A and B channels, which have
//! finished by then, so their buffer descriptors can be reused: aie-dsl frees a BD id only
//! after a wait on its FIFO. At most 10 of a shim tile's 16 BDs are in flight.
//!
//! # Shapes
//!
//! [`Matmul::check`] rejects, naming the parameter, shapes the kernel and the design cannot
//! handle; [`matmul_with`] builds and validates any accepted shape. Whisper-base's three are
//! registered designs: [`matmul_1500x512x512`] (Q, K, V and output projections),
//! [`matmul_1500x512x2048`] (fc1) and [`matmul_1500x2048x512`] (fc2), with bf16 output.
//! Whisper's linear layers also add a bias (all but the K projection); the design computes
//! `A · B` only, so the bias add stays with the host or an elementwise design.

use std::fmt;

use aie_dsl::design;
use aie_dsl::ir::CallArg;
use aie_dsl::prelude::*;
use aie_dsl::target::npu1;

/// Columns of the array the design uses (all of npu1).
pub const COLUMNS: u32 = 4;
/// Compute rows per column the design uses (rows 2–5).
pub const CORE_ROWS: u32 = 4;
/// The AIE2 bf16 matrix-multiply block `r × s · s × t` the core layouts are built from (as in
/// mlir-aie's whole_array example for bf16 on npu1).
pub const MAC: (u32, u32, u32) = (4, 8, 4);
/// Each core's stack, in bytes (mlir-aie's whole_array example uses the same).
pub const STACK_BYTES: u32 = 0xD00;
/// Depth of every ObjectFIFO (double buffering).
pub const DEPTH: u32 = 2;
/// The most rows of A the design takes in one run (256 block rows of the smallest tile). The
/// runtime sequence grows with the rows; longer activations are split into several runs.
pub const MAX_M: u32 = 32_768;
/// The C source of the kernels.
pub const KERNEL_SOURCE: &str = "matmul.cc";
/// The object file the kernels are compiled into.
pub const KERNEL_OBJECT: &str = "matmul.o";

/// The tile of one kernel call: `m × k` of A times `k × n` of B into `m × n` of C.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileShape {
    /// Rows of the A and C tiles.
    pub m: u32,
    /// Columns of the A tile, rows of the B tile.
    pub k: u32,
    /// Columns of the B and C tiles.
    pub n: u32,
}

impl TileShape {
    /// A tile shape.
    pub const fn new(m: u32, k: u32, n: u32) -> Self {
        TileShape { m, k, n }
    }

    /// The default: 64 × 64 · 64 × 32 (40 KiB of the core's 64 KiB with double buffering).
    pub const DEFAULT: TileShape = TileShape::new(64, 64, 32);

    /// The shapes `kernels/matmul.cc` has entry points for.
    pub const AVAILABLE: [TileShape; 3] = [
        TileShape::new(32, 32, 32),
        TileShape::new(64, 64, 32),
        TileShape::new(32, 64, 64),
    ];

    const fn same(self, other: TileShape) -> bool {
        self.m == other.m && self.k == other.k && self.n == other.n
    }

    const fn available(self) -> bool {
        let mut i = 0;
        while i < TileShape::AVAILABLE.len() {
            if self.same(TileShape::AVAILABLE[i]) {
                return true;
            }
            i += 1;
        }
        false
    }
}

impl fmt::Display for TileShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}x{}", self.m, self.k, self.n)
    }
}

/// The element type of C.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutElem {
    /// bf16, rounded to nearest even from the f32 accumulator once per element.
    Bf16,
    /// The f32 accumulator itself.
    F32,
}

impl OutElem {
    /// Bytes per element.
    pub const fn bytes(self) -> u32 {
        match self {
            OutElem::Bf16 => 2,
            OutElem::F32 => 4,
        }
    }

    /// The element type.
    pub fn elem(self) -> ElemType {
        match self {
            OutElem::Bf16 => ElemType::Bf16,
            OutElem::F32 => ElemType::F32,
        }
    }
}

impl fmt::Display for OutElem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutElem::Bf16 => "bf16",
            OutElem::F32 => "f32",
        })
    }
}

/// A matrix multiplication `C (m × n) = A (m × k) · B (k × n)` and how the design computes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Matmul {
    /// Rows of A and C (padded to a multiple of `4 · tile.m` by the host, see the module doc).
    pub m: u32,
    /// Columns of A, rows of B.
    pub k: u32,
    /// Columns of B and C.
    pub n: u32,
    /// One kernel call's tile.
    pub tile: TileShape,
    /// C's element type.
    pub out: OutElem,
}

/// A shape the design cannot handle, named by its parameter, with what to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// A dimension is 0.
    #[error("matmul: {param} is 0; every dimension must be at least 1")]
    Empty {
        /// The parameter: `m`, `k` or `n`.
        param: &'static str,
    },
    /// A dimension is not a multiple of what the tiling needs.
    #[error("matmul: {param} = {value} is not a multiple of {multiple} ({why}); pad it with zeros on the host to {}, or choose a tile that divides it", value.div_ceil(*multiple) * multiple)]
    NotMultiple {
        /// The parameter.
        param: &'static str,
        /// Its value.
        value: u32,
        /// What it must be a multiple of.
        multiple: u32,
        /// Why.
        why: &'static str,
    },
    /// A dimension is over a limit of the hardware or the design.
    #[error("matmul: {param} = {value} is above {max} ({why})")]
    TooLarge {
        /// The parameter.
        param: &'static str,
        /// Its value.
        value: u64,
        /// The largest value accepted.
        max: u64,
        /// Which limit, and what to do.
        why: &'static str,
    },
    /// The tile's buffers do not fit a compute tile's data memory.
    #[error("matmul: tile {tile} with {out} output needs {need} bytes of a compute tile's {have} (A, B and C objects double-buffered, the f32 accumulator for bf16 output, and a {STACK_BYTES}-byte stack); choose a smaller tile, e.g. 64x64x32")]
    TileMemory {
        /// The tile.
        tile: TileShape,
        /// C's element type.
        out: OutElem,
        /// Bytes needed.
        need: u64,
        /// Bytes a compute tile has.
        have: u64,
    },
    /// A tile the kernel has no entry point for.
    #[error("matmul: kernels/matmul.cc has no entry point for tile {tile}; use 32x32x32, 64x64x32 or 32x64x64, or add an instantiation to the kernel and to TileShape::AVAILABLE")]
    NoKernel {
        /// The tile.
        tile: TileShape,
    },
}

/// What [`matmul_with`] can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MatmulError {
    /// The shape was rejected before anything was built.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// The built design did not validate (a bug in this module: please report the shape).
    #[error(transparent)]
    Design(#[from] Error),
}

/// Bytes one run moves between host memory and the array, per host buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traffic {
    /// A read from the host: the padded A, once per C tile column of a core.
    pub a: u64,
    /// B read from the host: once per block of `4·tile.m` rows.
    pub b: u64,
    /// C written to the host: the padded C, once.
    pub c: u64,
}

/// An accepted [`Matmul`] with the numbers the design is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    shape: Matmul,
    padded_m: u32,
}

/// 32-bit words of `elems` elements of `bytes` bytes.
const fn words(elems: u64, bytes: u64) -> u64 {
    elems * bytes / npu1::DMA_GRANULARITY_BYTES as u64
}

impl Matmul {
    /// `m × k · k × n` with the default tile and bf16 output.
    pub const fn new(m: u32, k: u32, n: u32) -> Self {
        Matmul {
            m,
            k,
            n,
            tile: TileShape::DEFAULT,
            out: OutElem::Bf16,
        }
    }

    /// The same with another tile.
    pub const fn tile(self, tile: TileShape) -> Self {
        Matmul { tile, ..self }
    }

    /// The same with another output type.
    pub const fn out(self, out: OutElem) -> Self {
        Matmul { out, ..self }
    }

    /// Bytes of a compute tile's data memory the design uses per core.
    pub const fn core_bytes(&self) -> u64 {
        let t = self.tile;
        let (m, k, n) = (t.m as u64, t.k as u64, t.n as u64);
        let depth = DEPTH as u64;
        // Tile sides are 32-bit, so each product of two fits; the rest saturates.
        let a = (m * k).saturating_mul(2 * depth);
        let b = (k * n).saturating_mul(2 * depth);
        let c = (m * n).saturating_mul(depth * self.out.bytes() as u64);
        let acc = match self.out {
            OutElem::Bf16 => (m * n).saturating_mul(4),
            OutElem::F32 => 0,
        };
        a.saturating_add(b)
            .saturating_add(c)
            .saturating_add(acc)
            .saturating_add(STACK_BYTES as u64)
    }

    /// Checks the shape against the kernel, the compute tile's memory, the shim BD limits and
    /// the design's own limits; a `const fn`, so a shape fixed in the source is checked when
    /// it compiles.
    ///
    /// # Errors
    /// The first problem found, as a [`ShapeError`] naming the parameter.
    pub const fn check(&self) -> Result<Plan, ShapeError> {
        let t = self.tile;
        if t.m == 0 || t.k == 0 || t.n == 0 {
            return Err(ShapeError::Empty { param: "tile" });
        }
        if !t.m.is_multiple_of(MAC.0) {
            return Err(not_multiple(
                "tile.m",
                t.m,
                MAC.0,
                "the core layout is built from 4x8x4 blocks",
            ));
        }
        if !t.k.is_multiple_of(MAC.1) {
            return Err(not_multiple(
                "tile.k",
                t.k,
                MAC.1,
                "the core layout is built from 4x8x4 blocks",
            ));
        }
        if !t.n.is_multiple_of(MAC.2) {
            return Err(not_multiple(
                "tile.n",
                t.n,
                MAC.2,
                "the core layout is built from 4x8x4 blocks",
            ));
        }
        let have = npu1::COMPUTE.memory_bytes as u64;
        let need = self.core_bytes();
        if need > have {
            return Err(ShapeError::TileMemory {
                tile: t,
                out: self.out,
                need,
                have,
            });
        }
        if !t.available() {
            return Err(ShapeError::NoKernel { tile: t });
        }
        if self.m == 0 {
            return Err(ShapeError::Empty { param: "m" });
        }
        if self.k == 0 {
            return Err(ShapeError::Empty { param: "k" });
        }
        if self.n == 0 {
            return Err(ShapeError::Empty { param: "n" });
        }
        if !self.k.is_multiple_of(t.k) {
            return Err(not_multiple(
                "k",
                self.k,
                t.k,
                "A and B move in k-tiles of tile.k and the kernel has no partial tile",
            ));
        }
        let n_step = COLUMNS * t.n;
        if !self.n.is_multiple_of(n_step) {
            return Err(not_multiple(
                "n",
                self.n,
                n_step,
                "the 4 columns take n-tiles of tile.n in turn",
            ));
        }
        if self.m > MAX_M {
            return Err(ShapeError::TooLarge {
                param: "m",
                value: self.m as u64,
                max: MAX_M as u64,
                why: "the design's limit on one run's runtime sequence; split the rows into several runs",
            });
        }
        let block = (CORE_ROWS * t.m) as u64;
        let padded_m = (self.m as u64).div_ceil(block) * block;
        let (k, n) = (self.k as u64, self.n as u64);
        let max_stride = npu1::SHIM_MAX_STRIDE as u64;
        // The shim BD repeats the A stripe once per C tile of a core: n / (4 tile.n) times.
        let repeat = npu1::SHIM_MAX_REPEAT as u64;
        if n / n_step as u64 > repeat {
            return Err(ShapeError::TooLarge {
                param: "n",
                value: n,
                max: repeat * n_step as u64,
                why: "A's stripe is sent once per C tile of a core with the shim BD's repeat count, at most 64; use a tile with a larger n or split B's columns into several runs",
            });
        }
        // The C drain steps from one block row to the next: 4 tile.m rows of n elements.
        if words(block * n, self.out.bytes() as u64) > max_stride {
            return Err(ShapeError::TooLarge {
                param: "n",
                value: n,
                max: max_stride * npu1::DMA_GRANULARITY_BYTES as u64
                    / (block * self.out.bytes() as u64),
                why: "C's drain steps over 4 tile.m rows of n elements, above the shim BD's largest stride of 2^20 words; use a tile with a smaller m or split B's columns into several runs",
            });
        }
        // B's transfer steps over tile.k rows of n bf16.
        if words(t.k as u64 * n, 2) > max_stride {
            return Err(ShapeError::TooLarge {
                param: "n",
                value: n,
                max: max_stride * npu1::DMA_GRANULARITY_BYTES as u64 / (t.k as u64 * 2),
                why: "B's transfer steps over tile.k rows of n elements, above the shim BD's largest stride of 2^20 words; split B's columns into several runs",
            });
        }
        // A's transfer steps over rows of k bf16.
        if words(k, 2) > max_stride {
            return Err(ShapeError::TooLarge {
                param: "k",
                value: k,
                max: max_stride * npu1::DMA_GRANULARITY_BYTES as u64 / 2,
                why: "A's transfer steps over rows of k elements, above the shim BD's largest stride of 2^20 words; split the k dimension into several runs and add the partial products",
            });
        }
        // Host buffers are declared by their element count, a 32-bit number.
        let max_elems = u32::MAX as u64;
        if padded_m * k > max_elems {
            return Err(ShapeError::TooLarge {
                param: "m × k",
                value: padded_m * k,
                max: max_elems,
                why: "elements of the padded A, a host buffer's size limit; split the rows into several runs",
            });
        }
        if k * n > max_elems {
            return Err(ShapeError::TooLarge {
                param: "k × n",
                value: k * n,
                max: max_elems,
                why:
                    "elements of B, a host buffer's size limit; split B's columns into several runs",
            });
        }
        if padded_m * n > max_elems {
            return Err(ShapeError::TooLarge {
                param: "m × n",
                value: padded_m * n,
                max: max_elems,
                why: "elements of the padded C, a host buffer's size limit; split the rows into several runs",
            });
        }
        Ok(Plan {
            shape: *self,
            padded_m: padded_m as u32,
        })
    }
}

const fn not_multiple(
    param: &'static str,
    value: u32,
    multiple: u32,
    why: &'static str,
) -> ShapeError {
    ShapeError::NotMultiple {
        param,
        value,
        multiple,
        why,
    }
}

impl Plan {
    /// The accepted shape.
    pub fn shape(&self) -> Matmul {
        self.shape
    }

    /// Rows of the host's A and C buffers: `m` rounded up to a multiple of `4 · tile.m`.
    pub fn padded_m(&self) -> u32 {
        self.padded_m
    }

    /// Blocks of `4 · tile.m` rows (one tile row per core row).
    pub fn block_rows(&self) -> u32 {
        self.padded_m / (CORE_ROWS * self.shape.tile.m)
    }

    /// C tiles per block row and column: `n / (4 · tile.n)`.
    pub fn n_tiles_per_column(&self) -> u32 {
        self.shape.n / (COLUMNS * self.shape.tile.n)
    }

    /// C tiles each core computes.
    pub fn tiles_per_core(&self) -> u32 {
        self.block_rows() * self.n_tiles_per_column()
    }

    /// Kernel calls per C tile: `k / tile.k`.
    pub fn k_tiles(&self) -> u32 {
        self.shape.k / self.shape.tile.k
    }

    /// The design's name: `matmul_MxKxN`, then `_f32` for f32 output and `_tMxKxN` for a tile
    /// other than the default.
    pub fn name(&self) -> String {
        let s = self.shape;
        let mut name = format!("matmul_{}x{}x{}", s.m, s.k, s.n);
        if s.out == OutElem::F32 {
            name.push_str("_f32");
        }
        if s.tile != TileShape::DEFAULT {
            name.push_str(&format!("_t{}", s.tile));
        }
        name
    }

    /// Bytes the runtime sequence moves per host buffer.
    pub fn traffic(&self) -> Traffic {
        let s = self.shape;
        let (pm, k, n) = (u64::from(self.padded_m), u64::from(s.k), u64::from(s.n));
        Traffic {
            a: pm * k * 2 * u64::from(self.n_tiles_per_column()),
            b: k * n * 2 * u64::from(self.block_rows()),
            c: pm * n * u64::from(s.out.bytes()),
        }
    }
}

/// The layout in which the mem tile sends A's `tile.m × tile.k` tiles (row-major in the mem
/// tile) to the cores: blocks of 4 × 8, `[m/4][k/8][4][8]`.
pub fn a_dims(t: TileShape) -> Vec<Dim> {
    let (r, s, _) = MAC;
    vec![
        Dim::new(t.m / r, r * t.k),
        Dim::new(t.k / s, s),
        Dim::new(r, t.k),
        Dim::new(s, 1),
    ]
}

/// The layout in which the mem tile sends B's `tile.k × tile.n` tiles to the cores: blocks of
/// 8 × 4, `[k/8][n/4][8][4]`.
pub fn b_dims(t: TileShape) -> Vec<Dim> {
    let (_, s, u) = MAC;
    vec![
        Dim::new(t.k / s, s * t.n),
        Dim::new(t.n / u, u),
        Dim::new(s, t.n),
        Dim::new(u, 1),
    ]
}

/// The layout in which the mem tile reads the joined C object into the stream to the shim:
/// the object holds the four cores' tiles one after the other, each in the blocked layout
/// `[m/4][n/4][4][4]`; the join's output DMA reads it part by part (one BD per core's tile,
/// as mlir-aie lowers a join), each with this pattern, which makes row-major rows.
pub fn c_dims(t: TileShape) -> Vec<Dim> {
    let (r, _, u) = MAC;
    vec![
        Dim::new(t.m / r, r * t.n),
        Dim::new(r, u),
        Dim::new(t.n / u, r * u),
        Dim::new(u, 1),
    ]
}

fn kernel(symbol: String, args: Vec<MemRefType>) -> Kernel {
    Kernel::new(symbol, args.into_iter().map(ArgType::from), KERNEL_OBJECT)
        .with_source(KERNEL_SOURCE)
}

/// The design of an accepted plan, into `d` (a builder for [`Device::Npu1`]).
pub fn build(d: &mut DesignBuilder, plan: &Plan) {
    let s = plan.shape;
    let t = s.tile;
    let a_ty = MemRefType::vector(t.m * t.k, ElemType::Bf16);
    let b_ty = MemRefType::vector(t.k * t.n, ElemType::Bf16);
    let acc_ty = MemRefType::vector(t.m * t.n, ElemType::F32);
    let c_ty = MemRefType::vector(t.m * t.n, s.out.elem());
    let c_join_ty = MemRefType::vector(CORE_ROWS * t.m * t.n, s.out.elem());

    let mm = d.kernel(kernel(
        format!("matmul_bf16_f32_{t}"),
        vec![a_ty.clone(), b_ty.clone(), acc_ty.clone()],
    ));
    let zero = d.kernel(kernel(
        format!("zero_f32_{}x{}", t.m, t.n),
        vec![acc_ty.clone()],
    ));
    let store = match s.out {
        OutElem::Bf16 => Some(d.kernel(kernel(
            format!("store_bf16_{}x{}", t.m, t.n),
            vec![acc_ty.clone(), c_ty.clone()],
        ))),
        OutElem::F32 => None,
    };

    let shims: Vec<ShimTile> = (0..COLUMNS).map(|c| d.shim_tile(c)).collect();
    let mems: Vec<MemTile> = (0..COLUMNS).map(|c| d.mem_tile(c)).collect();
    let first_row = d.device().rows_of(TileKind::Compute).0;
    // cores[row][col]
    let cores: Vec<Vec<ComputeTile>> = (0..CORE_ROWS)
        .map(|r| {
            (0..COLUMNS)
                .map(|c| d.compute_tile(c, first_row + r))
                .collect()
        })
        .collect();

    // A: shim i -> mem i, broadcast along core row i.
    let mut a_in = Vec::new();
    let mut a_cores = Vec::new();
    for i in 0..CORE_ROWS as usize {
        let l3 = d.fifo(
            format!("A_L3L2_{i}"),
            shims[i],
            [mems[i]],
            DEPTH,
            a_ty.clone(),
        );
        let l1 = d.fifo_with(
            format!("A_L2L1_{i}"),
            FifoSpec::new(mems[i], cores[i].clone(), DEPTH, a_ty.clone()).dims_to_stream(a_dims(t)),
        );
        d.forward(l3, l1);
        a_in.push(l3);
        a_cores.push(l1);
    }
    // B: shim c -> mem c, broadcast up column c.
    let mut b_in = Vec::new();
    let mut b_cores = Vec::new();
    for c in 0..COLUMNS as usize {
        let column: Vec<ComputeTile> = cores.iter().map(|row| row[c]).collect();
        let l3 = d.fifo(
            format!("B_L3L2_{c}"),
            shims[c],
            [mems[c]],
            DEPTH,
            b_ty.clone(),
        );
        let l1 = d.fifo_with(
            format!("B_L2L1_{c}"),
            FifoSpec::new(mems[c], column, DEPTH, b_ty.clone()).dims_to_stream(b_dims(t)),
        );
        d.forward(l3, l1);
        b_in.push(l3);
        b_cores.push(l1);
    }
    // C: the four cores of column c -> mem c (joined) -> shim c, in row-major rows.
    let mut c_out = Vec::new();
    let mut c_cores: Vec<Vec<FifoId>> = Vec::new();
    for c in 0..COLUMNS as usize {
        let parts: Vec<FifoId> = (0..CORE_ROWS as usize)
            .map(|r| {
                d.fifo(
                    format!("C_L1L2_{c}_{r}"),
                    cores[r][c],
                    [mems[c]],
                    DEPTH,
                    c_ty.clone(),
                )
            })
            .collect();
        let l3 = d.fifo_with(
            format!("C_L2L3_{c}"),
            FifoSpec::new(mems[c], [shims[c]], DEPTH, c_join_ty.clone()).dims_to_stream(c_dims(t)),
        );
        d.join(parts.clone(), l3);
        c_out.push(l3);
        c_cores.push(parts);
    }

    let tiles = u64::from(plan.tiles_per_core());
    let k_tiles = u64::from(plan.k_tiles());
    for (r, row) in cores.iter().enumerate() {
        for (c, &core) in row.iter().enumerate() {
            let (a, b, cf) = (a_cores[r], b_cores[c], c_cores[c][r]);
            let acc = store.map(|_| d.buffer(core, format!("acc_{c}_{r}"), acc_ty.clone()));
            d.core(core, |p| {
                p.stack_size(STACK_BYTES);
                p.forever(|p| {
                    let one_tile = |p: &mut CoreBuilder<'_>| {
                        let k_loop = |p: &mut CoreBuilder<'_>, target: CallArg| {
                            let body = |p: &mut CoreBuilder<'_>| {
                                let x = p.consume(a, 1);
                                let y = p.consume(b, 1);
                                p.call(mm, [x.get(0), y.get(0), target.clone()]);
                                p.release(x);
                                p.release(y);
                            };
                            if k_tiles > 1 {
                                p.repeat(k_tiles, body);
                            } else {
                                body(p);
                            }
                        };
                        match (acc, store) {
                            (Some(acc), Some(store)) => {
                                p.call(zero, [acc.into()]);
                                k_loop(p, acc.into());
                                let o = p.produce(cf, 1);
                                p.call(store, [acc.into(), o.get(0)]);
                                p.release(o);
                            }
                            _ => {
                                let o = p.produce(cf, 1);
                                p.call(zero, [o.get(0)]);
                                k_loop(p, o.get(0));
                                p.release(o);
                            }
                        }
                    };
                    if tiles > 1 {
                        p.repeat(tiles, one_tile);
                    } else {
                        one_tile(p);
                    }
                });
            });
        }
    }

    runtime(d, plan, &a_in, &b_in, &c_out);
}

/// Block rows per C drain, and per half of mlir-aie's "transfer block".
const ROWS_PER_DRAIN: u32 = 2;

fn runtime(d: &mut DesignBuilder, plan: &Plan, a_in: &[FifoId], b_in: &[FifoId], c_out: &[FifoId]) {
    let s = plan.shape;
    let t = s.tile;
    let (k, n) = (i64::from(s.k), i64::from(s.n));
    let (tm, tk, tn) = (i64::from(t.m), i64::from(t.k), i64::from(t.n));
    let cols = i64::from(COLUMNS);
    let block = i64::from(CORE_ROWS) * tm;
    let n_tiles = i64::from(plan.n_tiles_per_column());
    let rows = plan.block_rows();
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::vector(plan.padded_m * s.k, ElemType::Bf16));
        let b = rt.arg(MemRefType::vector(s.k * s.n, ElemType::Bf16));
        let c = rt.arg(MemRefType::vector(plan.padded_m * s.n, s.out.elem()));
        let mut pending = false;
        let mut drains = 0u32;
        let mut row_base = 0u32;
        while row_base < rows {
            let here = ROWS_PER_DRAIN.min(rows - row_base);
            for col in 0..COLUMNS as usize {
                let ci = col as i64;
                rt.drain(
                    c_out[col],
                    c,
                    Transfer::nd(
                        [0, 0, 0, i64::from(row_base) * block * n + ci * tn],
                        [i64::from(here), n_tiles, block, tn],
                        [block * n, cols * tn, n, 1],
                    ),
                );
                for r in row_base..row_base + here {
                    // The stripe of core row `col` in block row `r`, once per C tile.
                    let stripe = i64::from(r) * i64::from(CORE_ROWS) + ci;
                    rt.fill(
                        a_in[col],
                        a,
                        Transfer::nd(
                            [0, 0, 0, stripe * tm * k],
                            [n_tiles, k / tk, tm, tk],
                            [0, tk, k, 1],
                        ),
                    );
                    // Column `col`'s n-tiles of B, each as k/tile.k tiles.
                    rt.fill(
                        b_in[col],
                        b,
                        Transfer::nd(
                            [0, 0, 0, ci * tn],
                            [n_tiles, k / tk, tk, tn],
                            [cols * tn, tk * n, n, 1],
                        ),
                    );
                }
            }
            pending = true;
            drains += 1;
            row_base += here;
            // mlir-aie waits after the first two drains, then after each one.
            if drains >= 2 {
                wait_all(rt, a_in, b_in, c_out);
                pending = false;
            }
        }
        if pending {
            wait_all(rt, a_in, b_in, c_out);
        }
    });
}

fn wait_all(rt: &mut RuntimeBuilder<'_>, a_in: &[FifoId], b_in: &[FifoId], c_out: &[FifoId]) {
    for &f in c_out {
        rt.wait(f);
    }
    for (&a, &b) in a_in.iter().zip(b_in) {
        rt.wait(a);
        rt.wait(b);
    }
}

/// Builds and validates the matmul design for `m × k · k × n` with the default tile
/// (64 × 64 · 64 × 32) and output type `out`.
///
/// # Errors
/// [`MatmulError::Shape`] naming the parameter the design cannot take (see [`Matmul::check`]).
pub fn matmul_with(m: u32, k: u32, n: u32, out: OutElem) -> Result<Validated, MatmulError> {
    matmul_of(Matmul::new(m, k, n).out(out))
}

/// Builds and validates the matmul design for `shape`.
///
/// # Errors
/// [`MatmulError::Shape`] naming the parameter the design cannot take (see [`Matmul::check`]).
pub fn matmul_of(shape: Matmul) -> Result<Validated, MatmulError> {
    let plan = shape.check()?;
    let mut d = DesignBuilder::new(plan.name(), Device::Npu1);
    build(&mut d, &plan);
    Ok(d.finish()?)
}

const fn accepted(shape: Matmul) -> Plan {
    match shape.check() {
        Ok(p) => p,
        Err(_) => panic!("a registered matmul shape is rejected by Matmul::check"),
    }
}

/// Whisper-base's Q, K, V and output projections: 1500 × 512 · 512 × 512.
pub const WHISPER_PROJ: Plan = accepted(Matmul::new(1500, 512, 512));
/// Whisper-base's fc1: 1500 × 512 · 512 × 2048.
pub const WHISPER_FC1: Plan = accepted(Matmul::new(1500, 512, 2048));
/// Whisper-base's fc2: 1500 × 2048 · 2048 × 512.
pub const WHISPER_FC2: Plan = accepted(Matmul::new(1500, 2048, 512));

/// `C = A · B` for Whisper-base's attention projections (Q, K, V, output): A 1500 × 512 bf16
/// (padded by the host to 1536 rows), B 512 × 512 bf16, C 1536 × 512 bf16 (rows past 1500
/// ignored); 64 × 64 · 64 × 32 tiles on 16 cores.
#[design(device = npu1)]
pub fn matmul_1500x512x512(d: &mut DesignBuilder) {
    build(d, &WHISPER_PROJ);
}

/// `C = A · B` for Whisper-base's fc1: A 1500 × 512 bf16 (padded to 1536 rows), B 512 × 2048
/// bf16, C 1536 × 2048 bf16; 64 × 64 · 64 × 32 tiles on 16 cores.
#[design(device = npu1)]
pub fn matmul_1500x512x2048(d: &mut DesignBuilder) {
    build(d, &WHISPER_FC1);
}

/// `C = A · B` for Whisper-base's fc2: A 1500 × 2048 bf16 (padded to 1536 rows), B 2048 × 512
/// bf16, C 1536 × 512 bf16; 64 × 64 · 64 × 32 tiles on 16 cores.
#[design(device = npu1)]
pub fn matmul_1500x2048x512(d: &mut DesignBuilder) {
    build(d, &WHISPER_FC2);
}
