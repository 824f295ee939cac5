//! The CDO writer: the three configuration files mlir-aie's `aie-translate --aie-generate-cdo`
//! makes of a physical design (mlir-aie `lib/Targets/AIETargetCDODirect.cpp` and
//! `lib/Targets/AIERT.cpp`, driving aie-rt's CDO back end), byte for byte:
//!
//! * `<dev>_aie_cdo_elfs.bin`: for each core given an ELF, core disable, DMA channel reset,
//!   the ELF's program and data segments, channel unreset;
//! * `<dev>_aie_cdo_init.bin`: core reset/unreset and lock reset of core tiles, lock initial
//!   values, buffer initial values, every BD of the compute- and mem-tile DMAs, the channels'
//!   start queues, stream switches (circuit and packet), shim muxes;
//! * `<dev>_aie_cdo_enable.bin`: core enable.
//!
//! The input is the lowered design ([`Physical`]) with the [`Design`] it came from; the writer
//! never lowers. Register addresses and field layouts come from [`crate::target::regs`].

mod config;
mod elf;
pub mod stream;

use std::path::Path;

use crate::ir::Design;
use crate::lower::physical::Physical;
use crate::target::{DmaDir, WireBundle};

/// A core's program: the ELF bytes for the compute tile at `tile`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreElf {
    /// The compute tile `(col, row)`.
    pub tile: (u32, u32),
    /// The file's name, for messages (mlir-aie's `elf_file`).
    pub name: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

impl CoreElf {
    /// Reads the ELF for `tile` from `path`.
    ///
    /// # Errors
    /// [`CdoError::ElfRead`] naming the file.
    pub fn read(tile: (u32, u32), path: &Path) -> Result<CoreElf, CdoError> {
        let bytes = std::fs::read(path).map_err(|e| CdoError::ElfRead {
            file: path.display().to_string(),
            tile,
            reason: e.to_string(),
        })?;
        Ok(CoreElf {
            tile,
            name: path.display().to_string(),
            bytes,
        })
    }
}

/// What to write besides the design.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CdoOptions {
    /// Core programs. A core without one gets no ELF loading (as mlir-aie does for a core
    /// without `elf_file`); an ELF for a tile without a core is an error.
    pub elfs: Vec<CoreElf>,
}

/// The three CDO files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CdoFiles {
    /// `<dev>_aie_cdo_elfs.bin`.
    pub elfs: Vec<u8>,
    /// `<dev>_aie_cdo_init.bin`.
    pub init: Vec<u8>,
    /// `<dev>_aie_cdo_enable.bin`.
    pub enable: Vec<u8>,
}

impl CdoFiles {
    /// The files with the names aiecc gives them for a device symbol `dev` (our physical
    /// MLIR's device is `main`).
    pub fn named(&self, dev: &str) -> [(String, &[u8]); 3] {
        [
            (format!("{dev}_aie_cdo_elfs.bin"), &self.elfs),
            (format!("{dev}_aie_cdo_init.bin"), &self.init),
            (format!("{dev}_aie_cdo_enable.bin"), &self.enable),
        ]
    }

    /// Writes the three files into `dir`, each atomically.
    ///
    /// # Errors
    /// [`crate::Error::Write`] naming the file.
    pub fn write_to(&self, dir: &Path, dev: &str) -> Result<(), crate::Error> {
        for (name, bytes) in self.named(dev) {
            crate::artifact::write_atomic(&dir.join(name), bytes)?;
        }
        Ok(())
    }
}

/// What is wrong with an ELF.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ElfProblem {
    /// Not a 32-bit little-endian ELF.
    #[error("it is not a 32-bit little-endian ELF file ({0})")]
    Parse(String),
    /// Built for another machine.
    #[error("its e_machine is {found}, not {expected} (AIE2); build it for the AIE2 target (Peano `--target=aie2-none-unknown-elf`)")]
    Machine {
        /// Found.
        found: u16,
        /// Expected.
        expected: u16,
    },
    /// A loadable segment outside program and data memory.
    #[error("its segment at {paddr:#x} ({memsz} bytes) lies outside program memory (0..{prog:#x}) and the core's data memory ({data:#x}..{data_end:#x}); check the linker script")]
    Outside {
        /// Segment address.
        paddr: u32,
        /// Segment size.
        memsz: u32,
        /// Program memory size.
        prog: u32,
        /// Data memory start in the core's view.
        data: u32,
        /// Data memory end.
        data_end: u32,
    },
    /// A segment that is not word aligned.
    #[error("its program segment at {0:#x} is not 4-byte aligned")]
    Unaligned(u32),
    /// A segment reaches past the end of the file.
    #[error("its segment at {paddr:#x} reads {bytes} bytes from file offset {offset:#x}, past the end of the file")]
    Truncated {
        /// Segment address.
        paddr: u32,
        /// File offset.
        offset: u32,
        /// Bytes read.
        bytes: u32,
    },
    /// A data segment lands in the memory of a tile that is not a compute tile of the device.
    #[error("its data segment at {paddr:#x} lands in tile ({col}, {row}), which is not a compute tile of the device")]
    NoDataTile {
        /// Segment address (core view).
        paddr: u32,
        /// Target column (may be past the array).
        col: i64,
        /// Target row.
        row: i64,
    },
    /// A data segment overlaps a buffer the design placed.
    #[error("its data segment writes {start:#x}..{end:#x} of tile ({col}, {row}), over buffer `{buffer}`; relink the core with the design's linker script")]
    OverBuffer {
        /// Tile column.
        col: u32,
        /// Tile row.
        row: u32,
        /// First byte.
        start: u32,
        /// Past the last byte.
        end: u32,
        /// The buffer.
        buffer: String,
    },
}

/// Why the CDO files cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CdoError {
    /// A physical object names a tile the design does not have.
    #[error("the lowered design refers to tile {0} that the design does not have")]
    UnknownTile(String),
    /// A tile coordinate that is not on the device.
    #[error("tile ({col}, {row}) is not on the device")]
    OffDevice {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
    },
    /// A DMA program on a tile kind whose BDs the CDO does not carry.
    #[error("tile ({col}, {row}) has a DMA program, but {kind} tile DMAs are programmed by the runtime sequence, not the CDO; remove the static DMA program")]
    DmaProgram {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Tile kind.
        kind: String,
    },
    /// A BD with only one of its two locks.
    #[error("BD {bd} of tile ({col}, {row}) has an acquire without a release or the reverse; mlir-aie's CDO writer needs both")]
    HalfLocked {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// BD id.
        bd: u32,
    },
    /// A `dma_start` whose chain has no BD.
    #[error("{dir:?} channel {channel} of tile ({col}, {row}) starts no BD")]
    EmptyChannel {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Direction.
        dir: DmaDir,
        /// Channel.
        channel: u32,
    },
    /// A value that does not fit its register field.
    #[error("{what} of tile ({col}, {row}) is {value}, more than the hardware takes ({max})")]
    TooLarge {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// What it is.
        what: String,
        /// The value.
        value: u64,
        /// The largest allowed.
        max: u64,
    },
    /// A BD whose buffer the tile's DMA cannot reach, or not word aligned.
    #[error("BD {bd} of tile ({col}, {row}) addresses {addr:#x}+{len} bytes, which its DMA cannot use (4-byte aligned, below {max:#x})")]
    BdAddress {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// BD id.
        bd: u32,
        /// Byte address in the DMA's view.
        addr: u64,
        /// Length in bytes.
        len: u64,
        /// Limit.
        max: u64,
    },
    /// A mem-tile BD or lock on a tile the mem tile cannot reach.
    #[error("{what} used by the DMA of mem tile ({col}, {row}) sits on tile ({ocol}, {orow}), which is neither it nor its west or east neighbour")]
    Unreachable {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The buffer or lock.
        what: String,
        /// Its tile column.
        ocol: u32,
        /// Its tile row.
        orow: u32,
    },
    /// A start BD a mem-tile channel cannot start (BDs 0-23 serve even channels, 24-47 odd).
    #[error("{dir:?} channel {channel} of mem tile ({col}, {row}) starts BD {bd}, which that channel cannot use (BDs 0-23 serve even channels, 24-47 odd ones)")]
    BdParity {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Direction.
        dir: DmaDir,
        /// Channel.
        channel: u32,
        /// BD id.
        bd: u32,
    },
    /// A stream-switch port the tile's switch does not have.
    #[error("the stream switch of tile ({col}, {row}) has no {} port {bundle:?} {channel}", if *.master { "master" } else { "slave" })]
    Port {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Bundle.
        bundle: WireBundle,
        /// Channel.
        channel: u32,
        /// Master (outgoing) or slave.
        master: bool,
    },
    /// A packet master port without an arbiter.
    #[error("packet master port {bundle:?} {channel} of tile ({col}, {row}) has no amsel")]
    NoArbiter {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Bundle.
        bundle: WireBundle,
        /// Channel.
        channel: u32,
    },
    /// A shim-mux connection the shim DMA cannot make.
    #[error("the shim mux of tile ({col}, {row}) connects South {port} to the DMA, but the shim DMA reaches only South {allowed:?} in that direction")]
    ShimMux {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// South port.
        port: u32,
        /// Ports allowed.
        allowed: Vec<u32>,
    },
    /// Buffer initial values the writer cannot encode exactly.
    #[error("initial value of buffer `{buffer}` cannot be written: {reason}")]
    InitValue {
        /// The buffer.
        buffer: String,
        /// Why.
        reason: String,
    },
    /// A data-memory write past the tile's memory.
    #[error("writing {len} bytes at {addr:#x} of tile ({col}, {row}) runs past its {size:#x} bytes of data memory")]
    DataMemory {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// Address.
        addr: u64,
        /// Length.
        len: u64,
        /// Memory size.
        size: u32,
    },
    /// An ELF that cannot be read.
    #[error("cannot read ELF `{file}` for core ({}, {}): {reason}", .tile.0, .tile.1)]
    ElfRead {
        /// File.
        file: String,
        /// Core tile.
        tile: (u32, u32),
        /// Why.
        reason: String,
    },
    /// An ELF for a tile that has no core.
    #[error("ELF `{file}` is given for tile ({}, {}), which has no core; give it for a tile with a core", .tile.0, .tile.1)]
    ElfWithoutCore {
        /// File.
        file: String,
        /// Tile.
        tile: (u32, u32),
    },
    /// Two ELFs for one core.
    #[error("two ELFs are given for core ({}, {}): `{first}` and `{second}`", .tile.0, .tile.1)]
    ElfTwice {
        /// Tile.
        tile: (u32, u32),
        /// First file.
        first: String,
        /// Second file.
        second: String,
    },
    /// A malformed ELF.
    #[error("ELF `{file}` for core ({}, {}) cannot be loaded: {problem}", .tile.0, .tile.1)]
    Elf {
        /// File.
        file: String,
        /// Core tile.
        tile: (u32, u32),
        /// What is wrong.
        problem: ElfProblem,
    },
    /// A block write longer than the CDO format holds.
    #[error("a block write of {0} words is longer than a CDO command holds")]
    BlockTooLong(usize),
}

impl From<stream::BlockTooLong> for CdoError {
    fn from(e: stream::BlockTooLong) -> Self {
        CdoError::BlockTooLong(e.0)
    }
}

/// Writes the three CDO files of the lowered design `phys` of `design`.
///
/// # Errors
/// [`CdoError`] naming the tile, BD, port, buffer or file and what to change.
pub fn write(design: &Design, phys: &Physical, opts: &CdoOptions) -> Result<CdoFiles, CdoError> {
    let ctx = config::Ctx::new(design, phys)?;
    let elfs = elf::write_elfs(&ctx, &opts.elfs)?;
    let init = ctx.init()?;
    let enable = ctx.enable();
    Ok(CdoFiles { elfs, init, enable })
}
