//! What validation reports.

use std::fmt;

use crate::target::{Device, DmaDir, TileKind};
use crate::types::InitValueError;

/// One problem in a design. Each message names the object and says what to change.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// A tile coordinate beyond the device.
    #[error("tile ({col},{row}) is outside {device}, which has columns 0..={max_col} and rows 0..={max_row}; use a column below {columns} or target a device with more columns")]
    TileOutsideDevice {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The device.
        device: Device,
        /// Its column count.
        columns: u32,
        /// Largest column.
        max_col: u32,
        /// Largest row.
        max_row: u32,
    },
    /// A tile declared as one kind where the device has another.
    #[error("tile ({col},{row}) was declared as a {declared}, but row {row} of {device} holds {actual}s; {hint}")]
    TileKindMismatch {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The device.
        device: Device,
        /// What the design said.
        declared: TileKind,
        /// What the device has.
        actual: TileKind,
        /// Where tiles of the declared kind are.
        hint: String,
    },
    /// A handle that does not belong to this design.
    #[error("{what} refers to {object}, which is not part of design `{design}`; use handles returned by this design's builder")]
    ForeignHandle {
        /// Where the handle was used.
        what: String,
        /// The handle.
        object: String,
        /// The design.
        design: String,
    },
    /// One kernel symbol declared twice with different declarations (identical declarations
    /// are merged by the builder).
    #[error("kernel `{symbol}` is declared twice with different {differences}; declare it once and use its KernelId everywhere (identical declarations are merged)")]
    KernelRedeclared {
        /// The C symbol.
        symbol: String,
        /// What differs, with both values.
        differences: String,
    },
    /// Two objects share a symbol name.
    #[error("the name `{name}` is used by both {first} and {second}; symbol names must be unique in a design, rename one")]
    DuplicateName {
        /// The name.
        name: String,
        /// The first user.
        first: String,
        /// The second user.
        second: String,
    },
    /// A name MLIR would have to quote.
    #[error("{what} `{name}` is not a valid symbol name; use letters, digits and `_` (not starting with a digit)")]
    BadName {
        /// What is named.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// Two cores on one tile.
    #[error("compute tile ({col},{row}) has more than one core program; merge them into one `core` call")]
    DuplicateCore {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
    },
    /// A core on a tile that has no core.
    #[error("a core program is placed on tile ({col},{row}), which is a {kind}; only compute tiles (rows 2-5) have cores")]
    CoreOnNonComputeTile {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// What the tile is.
        kind: TileKind,
    },
    /// A FIFO without consumers.
    #[error("ObjectFIFO `{fifo}` has no consumer; give it at least one consumer tile")]
    FifoWithoutConsumer {
        /// The FIFO.
        fifo: String,
    },
    /// A FIFO that consumes from itself or lists a consumer twice.
    #[error("ObjectFIFO `{fifo}` lists tile {tile} {how}; each tile may appear once, and not as both producer and consumer")]
    FifoEndpointRepeated {
        /// The FIFO.
        fifo: String,
        /// The tile.
        tile: String,
        /// How it is repeated.
        how: &'static str,
    },
    /// A FIFO from a shim tile straight to a shim tile.
    #[error("ObjectFIFO `{fifo}` goes from shim tile {from} to shim tile {to}; data between host buffers needs a mem or compute tile in between")]
    FifoShimToShim {
        /// The FIFO.
        fifo: String,
        /// Producer.
        from: String,
        /// Consumer.
        to: String,
    },
    /// A depth of zero, or a per-endpoint list of the wrong length.
    #[error("ObjectFIFO `{fifo}`: {problem}")]
    FifoDepth {
        /// The FIFO.
        fifo: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// An element type or shape the DMA cannot move.
    #[error("ObjectFIFO `{fifo}`: {problem}")]
    FifoElement {
        /// The FIFO.
        fifo: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// Data layout transformations or other options where mlir-aie forbids them.
    #[error("ObjectFIFO `{fifo}`: {problem}")]
    FifoOption {
        /// The FIFO.
        fifo: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// A bad link.
    #[error("link {link}: {problem}")]
    Link {
        /// The link, as `[inputs] -> [outputs]`.
        link: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// Data memory overflow.
    #[error("{kind} ({col},{row}) needs {used} bytes of data memory but has {available}: {breakdown}; use shallower FIFOs, smaller objects or a smaller stack, or move a FIFO endpoint to another tile")]
    MemoryOverflow {
        /// What the tile is.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Bytes needed.
        used: u64,
        /// Bytes available.
        available: u64,
        /// What uses it.
        breakdown: String,
    },
    /// More locks, BDs or channels than the tile has.
    #[error("{kind} ({col},{row}) needs {used} {resource} but has {available} ({users}); {hint}")]
    ResourceOverflow {
        /// What the tile is.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Which resource.
        resource: String,
        /// How many are needed.
        used: u32,
        /// How many there are.
        available: u32,
        /// Who needs them.
        users: String,
        /// What to change.
        hint: &'static str,
    },
    /// A lock that gets no id because its tile's locks are used up (mlir-aie's
    /// `aie-assign-lock-ids`: "not allocated a lock").
    #[error("lock `{lock}` on {kind} ({col},{row}) is not allocated a lock: the tile has {available} locks and needs {used} ({users}); {hint}")]
    LockOverflow {
        /// What the tile is.
        kind: TileKind,
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The first lock, in the order ids are given, that gets none.
        lock: String,
        /// Locks the tile needs.
        used: u32,
        /// Locks it has.
        available: u32,
        /// All its locks.
        users: String,
        /// What to change.
        hint: String,
    },
    /// A kernel call whose arguments do not match the kernel.
    #[error("core ({col},{row}) calls kernel `{kernel}` {problem}")]
    KernelCall {
        /// Core column.
        col: u32,
        /// Core row.
        row: u32,
        /// The kernel.
        kernel: String,
        /// What differs and what to change.
        problem: String,
    },
    /// A core program that uses a FIFO wrongly.
    #[error("core ({col},{row}): {problem}")]
    CoreProgram {
        /// Core column.
        col: u32,
        /// Core row.
        row: u32,
        /// What is wrong and what to change.
        problem: String,
    },
    /// A kernel declaration that cannot be emitted or linked.
    #[error("kernel `{kernel}`: {problem}")]
    Kernel {
        /// The kernel.
        kernel: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// A bad hand-placed buffer, lock, flow or allocation.
    #[error("{object}: {problem}")]
    Placed {
        /// The object.
        object: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// A bad runtime-sequence operation.
    #[error("runtime sequence, {op}: {problem}")]
    Runtime {
        /// The operation (e.g. `transfer #2 (fill of `in`)`).
        op: String,
        /// What is wrong and what to change.
        problem: String,
    },
    /// A shim DMA direction that the design does not have.
    #[error("shim tile ({col},0) {dir}: {problem}")]
    ShimChannel {
        /// Column.
        col: u32,
        /// Direction.
        dir: DmaDirLabel,
        /// What is wrong.
        problem: String,
    },
    /// An initial value (`init_values` of a FIFO, `buffer_init` of a buffer) that its element
    /// type does not hold exactly.
    #[error("{owner}: {}element {element}: {problem}{}",
        .object.map(|o| format!("init_values object {o}, ")).unwrap_or_default(),
        more_misfits(*.more, .object.is_some()))]
    InitValue {
        /// The FIFO or buffer, e.g. ``ObjectFIFO `of0` `` or ``buffer `table` ``.
        owner: String,
        /// The object's index (FIFOs; `None` for a buffer).
        object: Option<usize>,
        /// The first element (row-major index) that does not fit.
        element: usize,
        /// Why, and what to write instead.
        problem: InitValueError,
        /// How many further values of the same object or buffer do not fit.
        more: usize,
    },
}

/// ` (N more values of this object do not fit)`, or nothing when `more` is 0.
fn more_misfits(more: usize, object: bool) -> String {
    let of = if object { "object" } else { "buffer" };
    match more {
        0 => String::new(),
        1 => format!(" (1 more value of this {of} does not fit)"),
        n => format!(" ({n} more values of this {of} do not fit)"),
    }
}

/// A DMA direction in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmaDirLabel(pub DmaDir);

impl fmt::Display for DmaDirLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.keyword())
    }
}

/// Every problem validation found, in the order of the design's objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors {
    /// The design.
    pub design: String,
    /// The problems (never empty).
    pub errors: Vec<ValidationError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "design `{}` has {} problem{}:",
            self.design,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.errors {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
