//! Reading back what the toolchain made: an xclbin, a PDI, a CDO file or an `insts.bin` —
//! ours or anyone's —
//! described as text: sections, kernels and their arguments, the AIE partition, the PDIs
//! inside, and every CDO command with its address split into tile (column, row) and the
//! register it hits where the target model knows it ([`crate::target::regmap`]).
//!
//! ```no_run
//! # fn main() -> Result<(), aie_dsl::inspect::InspectError> {
//! print!("{}", aie_dsl::inspect::inspect_file("build/layernorm/final.xclbin".as_ref())?);
//! # Ok(()) }
//! ```

mod cdo;

pub use cdo::where_is as describe_address;
mod insts;
mod pdi;
mod xclbin;

use std::path::{Path, PathBuf};

use thiserror::Error;

pub use cdo::describe_cdo;
pub use insts::describe_insts;
pub use pdi::{describe_pdi, read_pdi, PdiImage, PdiPartition, PdiRead};
pub use xclbin::{checks as xclbin_checks, describe_xclbin};

use crate::back::cdo::stream::{self, FormatError};
use crate::back::pdi::format as pdi_format;
use crate::back::xclbin::format as xclbin_format;
use crate::back::xclbin::parse::ParseError;

/// What kind of file a byte string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An AXLF container ("xclbin2").
    Xclbin,
    /// A PDI opening with the SMAP header.
    Pdi,
    /// A CDO ("CDO\0" header).
    Cdo,
    /// An NPU instruction stream (`insts.bin`, TXN 0.1 for npu1).
    Insts,
}

/// Why a file could not be described.
#[derive(Debug, Error)]
pub enum InspectError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not an xclbin, PDI or CDO.
    #[error("{name}: not an xclbin (\"xclbin2\"), a PDI (SMAP header 0xDD, 0x11223344…), a CDO (\"CDO\\0\" header) or an npu1 insts.bin (TXN 0.1); aie inspect reads only those")]
    Unknown {
        /// The file.
        name: String,
    },
    /// A malformed xclbin.
    #[error("{name}: malformed xclbin: {source}")]
    Xclbin {
        /// The file.
        name: String,
        /// What is wrong.
        source: ParseError,
    },
    /// A malformed PDI.
    #[error("{name}: malformed PDI: {what}")]
    Pdi {
        /// The file.
        name: String,
        /// What is wrong.
        what: String,
    },
    /// A malformed instruction stream.
    #[error("{name}: malformed NPU instruction stream: {what}")]
    Insts {
        /// The file.
        name: String,
        /// What is wrong.
        what: String,
    },
    /// A malformed CDO.
    #[error("{name}: malformed CDO: {source}")]
    Cdo {
        /// The file (or the PDI partition holding it).
        name: String,
        /// What is wrong.
        source: FormatError,
    },
}

/// Recognizes a file from its first bytes.
pub fn file_kind(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(xclbin_format::MAGIC) {
        return Some(FileKind::Xclbin);
    }
    let smap: Vec<u8> = pdi_format::SMAP_WORDS
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    if bytes.starts_with(&smap) {
        return Some(FileKind::Pdi);
    }
    if bytes.len() >= 8 && bytes[4..8] == stream::IDENT_CDO.to_le_bytes() {
        return Some(FileKind::Cdo);
    }
    if insts::looks_like(bytes) {
        return Some(FileKind::Insts);
    }
    None
}

/// Describes `bytes`, read from a file called `name`.
///
/// # Errors
/// [`InspectError::Unknown`] for another kind of file, or the malformed-file error of its
/// kind, naming `name`.
pub fn inspect_bytes(name: &str, bytes: &[u8]) -> Result<String, InspectError> {
    match file_kind(bytes) {
        Some(FileKind::Xclbin) => describe_xclbin(name, bytes),
        Some(FileKind::Pdi) => describe_pdi(name, bytes),
        Some(FileKind::Cdo) => describe_cdo(name, bytes),
        Some(FileKind::Insts) => describe_insts(name, bytes),
        None => Err(InspectError::Unknown { name: name.into() }),
    }
}

/// Reads `path` and describes it (what `aie inspect FILE` prints).
///
/// # Errors
/// [`InspectError::Read`] if the file cannot be read, else as [`inspect_bytes`].
pub fn inspect_file(path: &Path) -> Result<String, InspectError> {
    let bytes = std::fs::read(path).map_err(|source| InspectError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    inspect_bytes(&path.display().to_string(), &bytes)
}

/// `indent` spaces in front of every line of `text`.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

fn uuid_string(u: &[u8; 16]) -> String {
    let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
