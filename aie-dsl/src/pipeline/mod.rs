//! The one pipeline from a validated design to its files.
//!
//! [`build`] runs each stage once and hands its result to the next: the validated design →
//! MLIR (custom assembly and generic form) → the lowered design (placed, allocated, routed, with
//! its NPU operations; [`crate::lower::lower`]) → physical MLIR, `insts.bin`, the picture and
//! report page → per core its LLVM IR and linker script ([`cores`]) → with Peano, core ELFs →
//! CDO, PDI and xclbin ([`config`]). The files go into [`BuildOptions::out_dir`]`/<design name>/`,
//! each written atomically. What cannot be made here (core ELFs without Peano, and so the CDO,
//! PDI and xclbin of a design with cores) is listed in [`Built::missing`] with the reason; it is
//! never written half-made.
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

pub mod config;
pub mod cores;
mod parallel;

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
    /// `<name>.svg`: the picture of the array.
    Svg,
    /// `<name>.html`: the picture with the report tables.
    Html,
    /// `core_C_R.ld.script`, one per core.
    LdScript,
    /// `core_C_R.ll`, one per core.
    CoreLlvm,
    /// `core_C_R.elf`, one per core (needs Peano).
    Elf,
    /// `main_aie_cdo_{elfs,init,enable}.bin`.
    Cdo,
    /// `main.pdi`.
    Pdi,
    /// `final.xclbin`.
    Xclbin,
}

impl Artifact {
    /// Every artifact, in the order the pipeline makes them.
    pub const ALL: [Artifact; 12] = [
        Artifact::Mlir,
        Artifact::Generic,
        Artifact::Physical,
        Artifact::Insts,
        Artifact::Svg,
        Artifact::Html,
        Artifact::LdScript,
        Artifact::CoreLlvm,
        Artifact::Elf,
        Artifact::Cdo,
        Artifact::Pdi,
        Artifact::Xclbin,
    ];

    /// The file name of a one-file artifact for a design called `design`.
    fn file_name(self, design: &str) -> String {
        match self {
            Artifact::Mlir => format!("{design}.mlir"),
            Artifact::Generic => format!("{design}.generic.mlir"),
            Artifact::Physical => format!("{design}.physical.mlir"),
            Artifact::Insts => "insts.bin".to_string(),
            Artifact::Svg => format!("{design}.svg"),
            Artifact::Html => format!("{design}.html"),
            Artifact::Pdi => format!("{}.pdi", config::DEVICE_PREFIX),
            Artifact::Xclbin => "final.xclbin".to_string(),
            // Several files each; their writers name them.
            Artifact::LdScript | Artifact::CoreLlvm | Artifact::Elf | Artifact::Cdo => {
                String::new()
            }
        }
    }

    /// Whether making this artifact needs the lowered design.
    fn needs_lowering(self) -> bool {
        !matches!(self, Artifact::Mlir | Artifact::Generic)
    }
}

impl fmt::Display for Artifact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Artifact::Mlir => "MLIR",
            Artifact::Generic => "generic MLIR",
            Artifact::Physical => "physical MLIR",
            Artifact::Insts => "instruction stream",
            Artifact::Svg => "picture",
            Artifact::Html => "report page",
            Artifact::LdScript => "linker script",
            Artifact::CoreLlvm => "core LLVM IR",
            Artifact::Elf => "core ELF",
            Artifact::Cdo => "CDO",
            Artifact::Pdi => "PDI",
            Artifact::Xclbin => "xclbin",
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
    /// Where the kernels' C++ sources are (`kernels/` of the repository for its designs).
    pub kernels_dir: Option<PathBuf>,
    /// Where Peano is; `None` looks for it as [`crate::back::peano::Peano::locate`] does.
    pub peano: Option<PathBuf>,
    /// Whether MLIR's verifier also checks the two MLIR modules before they are printed (off by
    /// default: see [`crate::emit::Check`]).
    pub verify_mlir: bool,
}

impl BuildOptions {
    /// Every artifact, into `out_dir/<design name>/`.
    pub fn new(out_dir: impl Into<PathBuf>) -> Self {
        BuildOptions {
            out_dir: out_dir.into(),
            artifacts: Artifact::ALL.to_vec(),
            kernels_dir: None,
            peano: None,
            verify_mlir: false,
        }
    }

    /// Only these artifacts.
    pub fn only(mut self, artifacts: impl IntoIterator<Item = Artifact>) -> Self {
        self.artifacts = artifacts.into_iter().collect();
        self
    }

    /// Kernel sources are in `dir`.
    pub fn kernels_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.kernels_dir = Some(dir.into());
        self
    }

    /// Have MLIR's verifier check the design's and the physical MLIR modules too.
    pub fn verify_mlir(mut self, on: bool) -> Self {
        self.verify_mlir = on;
        self
    }

    /// Use the Peano installed in `dir`.
    pub fn peano(mut self, dir: impl Into<PathBuf>) -> Self {
        self.peano = Some(dir.into());
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
    /// Artifacts asked for that could not be made here, each with the reason in one sentence.
    pub missing: Vec<(Artifact, String)>,
    /// The summary: the design's resources per tile, then the lowered design's.
    pub summary: String,
}

impl Built {
    /// The first path of `artifact`, if it was written.
    pub fn path(&self, artifact: Artifact) -> Option<&Path> {
        self.files
            .iter()
            .find(|(a, _)| *a == artifact)
            .map(|(_, p)| p.as_path())
    }
}

/// Collects the files of one build.
struct Out {
    dir: PathBuf,
    files: Vec<(Artifact, PathBuf)>,
}

impl Out {
    /// Writes `bytes` as `name` in the design's folder.
    fn write_named(&mut self, a: Artifact, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        let path = self.dir.join(name);
        write_atomic(&path, bytes)?;
        self.files.push((a, path.clone()));
        Ok(path)
    }
}

/// Builds the artifacts `options` asks for from `design`, each stage once.
///
/// # Errors
/// [`Error::Lower`] when a tile runs out of a resource or a flow cannot be routed,
/// [`Error::Emit`] / [`Error::CoreLlvm`] when MLIR rejects a module (a bug: please report it),
/// [`Error::Peano`] when Peano fails on a kernel or core, [`Error::Cdo`] when a core ELF does not
/// fit its tile, [`Error::Write`] when a file cannot be written.
pub fn build(design: &Validated, options: &BuildOptions) -> Result<Built, Error> {
    let name = design.name.clone();
    let mut out = Out {
        dir: options.out_dir.join(&name),
        files: Vec::new(),
    };
    let mut missing = Vec::new();
    let check = if options.verify_mlir {
        crate::emit::Check::Verify
    } else {
        crate::emit::Check::Skip
    };
    // Every stage that can reject the design runs before the first file is written. The design's
    // MLIR, its summary and the device's switch-port graph are made on a second thread while
    // this one lowers the design (routing waits for the graph if it is not done yet); errors
    // are reported in the order the stages had when they ran one after another.
    let wants_lowering = options.artifacts.iter().any(|a| a.needs_lowering());
    let ((emitted, summary), lowered) = parallel::both(
        || {
            if wants_lowering {
                crate::lower::route::prepare(design.device);
            }
            let emitted = if options.wants(Artifact::Mlir) || options.wants(Artifact::Generic) {
                Some(crate::emit::emit_checked(design, check))
            } else {
                None
            };
            (emitted, crate::report::summary(design))
        },
        || wants_lowering.then(|| crate::lower::lower(design)),
    );
    let emitted = emitted.transpose()?;
    let lowered = lowered.transpose()?;
    let mut summary = summary;
    // What is made from the lowered design: the physical MLIR, the instruction stream and the
    // cores' texts on this thread while a second one draws the picture and the report page.
    // All of it is made before the first file is written, so a core that cannot be lowered
    // stops the build with no file half-done.
    let made = match &lowered {
        Some(lowered) => Some(made_from_lowering(design, lowered, options, check)?),
        None => None,
    };
    if let Some(emitted) = emitted {
        if options.wants(Artifact::Mlir) {
            out.write_named(
                Artifact::Mlir,
                &Artifact::Mlir.file_name(&name),
                emitted.mlir.as_bytes(),
            )?;
        }
        if options.wants(Artifact::Generic) {
            out.write_named(
                Artifact::Generic,
                &Artifact::Generic.file_name(&name),
                emitted.generic.as_bytes(),
            )?;
        }
    }
    if let (Some(lowered), Some(made)) = (lowered, made) {
        let phys = &lowered.physical;
        for (a, bytes) in made.single {
            match bytes {
                Some(bytes) => {
                    out.write_named(a, &a.file_name(&name), &bytes)?;
                }
                None if a == Artifact::Insts && options.wants(a) => missing.push((
                    a,
                    Error::NoRuntimeSequence {
                        design: name.clone(),
                    }
                    .to_string(),
                )),
                None => {}
            }
        }
        let elfs = cores::build(
            design,
            made.cores,
            options,
            &mut out,
            &mut missing,
            &mut summary,
        )?;
        config::build(design, phys, elfs, options, &mut out, &mut missing)?;
        summary.push_str(&crate::report::lowered_summary(design, phys));
    }
    Ok(Built {
        dir: out.dir,
        files: out.files,
        missing,
        summary,
    })
}

/// The files made from the lowered design, in the order they are written, and the cores' texts.
struct Made {
    /// Physical MLIR, instruction stream, picture, report page: the bytes of each one asked for
    /// (`None` for one not asked for, or the instruction stream of a design without a runtime
    /// sequence).
    single: Vec<(Artifact, Option<Vec<u8>>)>,
    cores: Vec<cores::CoreText>,
}

/// Makes [`Made`]: the picture and the report page on a second thread, the rest on this one.
fn made_from_lowering(
    design: &Validated,
    lowered: &crate::lower::Lowered<'_>,
    options: &BuildOptions,
    check: crate::emit::Check,
) -> Result<Made, Error> {
    let phys = &lowered.physical;
    let insts =
        crate::back::insts::to_bytes(&crate::back::insts::words(design.device, &lowered.npu));
    let (wants_svg, wants_html) = (options.wants(Artifact::Svg), options.wants(Artifact::Html));
    let insts_len = insts.len();
    // The picture goes into its own file and into the report page: drawn once.
    let report = || {
        let picture = (wants_svg || wants_html).then(|| crate::report::svg(design, phys));
        let html = match (&picture, wants_html) {
            (Some(p), true) => Some(crate::report::html_with_picture(design, phys, insts_len, p)),
            _ => None,
        };
        (picture.filter(|_| wants_svg), html)
    };
    let ((svg, html), (physical, insts, cores)) = parallel::both(report, || {
        let physical = options
            .wants(Artifact::Physical)
            .then(|| crate::emit::physical_mlir(design, phys, check).map(String::into_bytes));
        let insts = (options.wants(Artifact::Insts) && design.runtime.is_some()).then_some(insts);
        (physical, insts, cores::texts(design, phys, options))
    });
    Ok(Made {
        single: vec![
            (Artifact::Physical, physical.transpose()?),
            (Artifact::Insts, insts),
            (Artifact::Svg, svg.map(String::into_bytes)),
            (Artifact::Html, html.map(String::into_bytes)),
        ],
        cores: cores?,
    })
}
