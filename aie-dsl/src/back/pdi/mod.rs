//! The PDI (programmable device image) that carries a design's CDOs to the NPU, written
//! exactly as `bootgen -arch versal -image design.bif -o design.pdi -w` writes it for the BIF
//! that mlir-aie's aiecc makes (mlir-aie `generateCdoArtifacts`; Xilinx/bootgen v2023.2 sources
//! `bootimage-versal.cpp`, `imageheadertable-versal.cpp`, `partition-versal.cpp`,
//! `cdo-binary.c`).
//!
//! The image is: a 16-byte SMAP header, the image header table, one image header, one
//! partition header, and one partition of type "configuration data object" holding every
//! input CDO re-encoded by bootgen's rules ([`crate::back::cdo::stream::reencode`]), their
//! bodies concatenated in BIF order behind one new CDO header.
//!
//! ```no_run
//! # fn main() -> Result<(), aie_dsl::back::pdi::PdiError> {
//! use aie_dsl::back::pdi::{write, CdoSet};
//! let set = CdoSet::aiecc("main", vec![/* elfs */], vec![/* init */], vec![/* enable */]);
//! let pdi: Vec<u8> = write(&set)?;
//! # Ok(()) }
//! ```

pub mod bootgen;
pub mod format;
mod writer;

use thiserror::Error;

pub use writer::write_with;

use crate::back::cdo::stream::FormatError;

/// One CDO file going into the PDI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdoFile {
    /// The file name (used in errors and in the BIF).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// The CDO files of one PDI partition, in the order the BIF lists them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CdoSet {
    /// The files, in BIF order.
    pub files: Vec<CdoFile>,
}

impl CdoSet {
    /// The three files aiecc lists for a device whose files are named `<prefix>_aie_cdo_*.bin`
    /// (`main` for a device without a symbol name), in its order: ELFs, init, enable.
    pub fn aiecc(prefix: &str, elfs: Vec<u8>, init: Vec<u8>, enable: Vec<u8>) -> CdoSet {
        let file = |part: &str, bytes| CdoFile {
            name: format!("{prefix}_aie_cdo_{part}.bin"),
            bytes,
        };
        CdoSet {
            files: vec![
                file("elfs", elfs),
                file("init", init),
                file("enable", enable),
            ],
        }
    }
}

/// The BIF-level choices of the image (what aiecc's BIF says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdiOptions {
    /// `id_code` (the device's JTAG id code).
    pub id_code: u32,
    /// `extended_id_code`.
    pub extended_id_code: u32,
    /// The image's `name=` (at most [`format::IMAGE_NAME_BYTES`] bytes).
    pub image_name: String,
    /// The image's `id=`.
    pub image_id: u32,
}

impl Default for PdiOptions {
    /// The values in the BIF aiecc writes for every npu1 device (mlir-aie
    /// `generateCdoArtifacts` / `emit_design_bif`).
    fn default() -> Self {
        PdiOptions {
            id_code: 0x14CA_8093,
            extended_id_code: 0x01,
            image_name: "aie_image".into(),
            image_id: 0x1C00_0000,
        }
    }
}

/// Why a PDI could not be written.
#[derive(Debug, Error)]
pub enum PdiError {
    /// No CDO file was given.
    #[error("a PDI needs at least one CDO file; the set is empty")]
    NoCdo,
    /// A CDO file is malformed or uses a command bootgen's re-encoding is not reproduced for.
    #[error(
        "CDO file `{file}`: {source}; regenerate it with the CDO writer or aie-rt's CDO back end"
    )]
    Cdo {
        /// The file.
        file: String,
        /// What is wrong.
        source: FormatError,
    },
    /// A CDO file holds no commands at all (bootgen refuses it: "Incorrect cdo length").
    #[error("CDO file `{file}` holds no commands; every CDO needs at least one (aie-rt starts each with a NOP)")]
    EmptyCdo {
        /// The file.
        file: String,
    },
    /// The image name does not fit the image header.
    #[error("image name `{name}` is {len} bytes; the image header holds at most {max}")]
    ImageNameTooLong {
        /// The name.
        name: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The partition is too large for the 32-bit word counts of the headers.
    #[error("the CDO partition is too large for a PDI ({bytes} bytes)")]
    TooLarge {
        /// Partition size in bytes.
        bytes: usize,
    },
}

/// Writes the PDI for `set` with aiecc's BIF values ([`PdiOptions::default`]).
///
/// # Errors
/// [`PdiError`] naming the CDO file that is malformed or empty.
pub fn write(set: &CdoSet) -> Result<Vec<u8>, PdiError> {
    write_with(set, &PdiOptions::default())
}

/// The BIF text aiecc writes for `set` (two-space indent), with each file named
/// `<dir>/<name>`: the input `bootgen -arch versal -image <bif> -o <pdi> -w` takes to make
/// the same PDI as [`write_with`].
pub fn bif(set: &CdoSet, dir: &str, options: &PdiOptions) -> String {
    let files: Vec<String> = set
        .files
        .iter()
        .map(|f| format!("file={dir}/{}", f.name))
        .collect();
    format!(
        "all:\n{{\n  id_code = {:#010x}\n  extended_id_code = {:#04x}\n  image\n  {{\n    name={}, id={:#010x}\n    {{ type=cdo {} }}\n  }}\n}}\n",
        options.id_code,
        options.extended_id_code,
        options.image_name,
        options.image_id,
        files.join(" ")
    )
}
