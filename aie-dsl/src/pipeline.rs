//! The one pipeline from a validated design to its files.
//!
//! [`build`] runs each stage once and hands its result to the next: the validated design →
//! MLIR (custom assembly and generic form) → the lowered design (placed, allocated, routed, with
//! its NPU operations; [`crate::lower::lower`]) → physical MLIR and `insts.bin`. The files go
//! into [`BuildOptions::out_dir`]`/<design name>/`, each written atomically.
//!
//! ```no_run
//! use aie_dsl::{build, BuildOptions};
//! # fn design() -> Result<aie_dsl::valid::Validated, aie_dsl::Error> { unimplemented!() }
//! let built = build(&design()?, &BuildOptions::new("build"))?;
//! for (artifact, path) in &built.files {
//!     println!("{artifact}: {}", path.display());
//! }
//! # Ok::<(), aie_dsl::Error>(())
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crate::artifact::write_atomic;
use crate::valid::Validated;
use crate::Error;

/// One kind of output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Artifact {
    /// `<name>.mlir`: the design in mlir-aie's custom assembly.
    Mlir,
    /// `<name>.generic.mlir`: MLIR's generic form of the same module.
    Generic,
    /// `<name>.physical.mlir`: after the ObjectFIFO transform, allocation and routing.
    Physical,
    /// `insts.bin`: the host's NPU instruction stream.
    Insts,
}

impl Artifact {
    /// Every artifact, in the order the pipeline makes them.
    pub const ALL: [Artifact; 4] = [
        Artifact::Mlir,
        Artifact::Generic,
        Artifact::Physical,
        Artifact::Insts,
    ];

    /// The file name for a design called `design`.
    pub fn file_name(self, design: &str) -> String {
        match self {
            Artifact::Mlir => format!("{design}.mlir"),
            Artifact::Generic => format!("{design}.generic.mlir"),
            Artifact::Physical => format!("{design}.physical.mlir"),
            Artifact::Insts => "insts.bin".to_string(),
        }
    }

    /// Whether making this artifact needs the lowered design.
    fn needs_lowering(self) -> bool {
        matches!(self, Artifact::Physical | Artifact::Insts)
    }
}

impl fmt::Display for Artifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Artifact::Mlir => "MLIR",
            Artifact::Generic => "generic MLIR",
            Artifact::Physical => "physical MLIR",
            Artifact::Insts => "instruction stream",
        })
    }
}

/// What to build and where.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The output folder; files go into `out_dir/<design name>/`.
    pub out_dir: PathBuf,
    /// The artifacts to write (all by default).
    pub artifacts: Vec<Artifact>,
}

impl BuildOptions {
    /// Every artifact, into `out_dir/<design name>/`.
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        BuildOptions {
            out_dir: out_dir.into(),
            artifacts: Artifact::ALL.to_vec(),
        }
    }

    /// Only these artifacts.
    pub fn only(mut self, artifacts: impl IntoIterator<Item = Artifact>) -> Self {
        self.artifacts = artifacts.into_iter().collect();
        self
    }

    fn wants(&self, a: Artifact) -> bool {
        self.artifacts.contains(&a)
    }
}

/// What [`build`] made.
#[derive(Debug)]
pub struct Built {
    /// The folder the files went into.
    pub dir: PathBuf,
    /// Every file written, in the order they were made.
    pub files: Vec<(Artifact, PathBuf)>,
    /// The summary: the design's resources per tile, then the lowered design's.
    pub summary: String,
}

impl Built {
    /// The path of `artifact`, if it was written.
    pub fn path(&self, artifact: Artifact) -> Option<&Path> {
        self.files
            .iter()
            .find(|(a, _)| *a == artifact)
            .map(|(_, p)| p.as_path())
    }
}

/// Builds the artifacts `options` asks for from `design`, each stage once.
///
/// # Errors
/// [`Error::Lower`] when a tile runs out of a resource or a flow cannot be routed,
/// [`Error::Emit`] when MLIR rejects a module (a bug: please report it), [`Error::Write`] when a
/// file cannot be written.
pub fn build(design: &Validated, options: &BuildOptions) -> Result<Built, Error> {
    let dir = options.out_dir.join(&design.name);
    let mut files = Vec::new();
    let mut write = |a: Artifact, bytes: &[u8]| -> Result<(), Error> {
        let path = dir.join(a.file_name(&design.name));
        write_atomic(&path, bytes)?;
        files.push((a, path));
        Ok(())
    };
    if options.wants(Artifact::Mlir) || options.wants(Artifact::Generic) {
        let emitted = crate::emit::emit(design)?;
        if options.wants(Artifact::Mlir) {
            write(Artifact::Mlir, emitted.mlir.as_bytes())?;
        }
        if options.wants(Artifact::Generic) {
            write(Artifact::Generic, emitted.generic.as_bytes())?;
        }
    }
    let mut summary = crate::report::summary(design);
    if options.artifacts.iter().any(|a| a.needs_lowering()) {
        let lowered = crate::lower::lower(design)?;
        if options.wants(Artifact::Physical) {
            let text = crate::emit::emit_physical(design, &lowered.physical)?.mlir;
            write(Artifact::Physical, text.as_bytes())?;
        }
        if options.wants(Artifact::Insts) {
            let words = crate::back::insts::words(design.device, &lowered.npu);
            write(Artifact::Insts, &crate::back::insts::to_bytes(&words))?;
        }
        summary.push_str(&crate::report::lowered_summary(design, &lowered.physical));
    }
    Ok(Built {
        dir,
        files,
        summary,
    })
}
