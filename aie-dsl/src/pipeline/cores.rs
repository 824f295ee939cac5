//! The cores' stage: per core its linker script and LLVM IR, then — where Peano is installed —
//! the kernels' objects and the core ELFs, as aiecc's `compileCore` makes them.

use crate::back::cdo::CoreElf;
use crate::back::peano::{CoreJob, Lookup, Peano};
use crate::lower::physical::Physical;
use crate::valid::Validated;
use crate::Error;

use super::{Artifact, BuildOptions, Out};

/// The folder, inside the design's output folder, where Peano's intermediate files go.
const WORK_DIR: &str = "peano";

/// One core's texts: its tile, linker script and (when asked for) LLVM IR.
pub(super) struct CoreText {
    col: u32,
    row: u32,
    link_with: Option<String>,
    ld_script: String,
    ll: Option<String>,
}

/// Whether `options` asks for a file made from the core ELFs.
fn needs_elfs(options: &BuildOptions) -> bool {
    [
        Artifact::Elf,
        Artifact::Cdo,
        Artifact::Pdi,
        Artifact::Xclbin,
    ]
    .iter()
    .any(|a| options.wants(*a))
}

/// Every core's linker script and, where a file needs it, LLVM IR: made before any file of the
/// build is written, so a core that cannot be lowered stops the build first.
pub(super) fn texts(
    design: &Validated,
    phys: &Physical,
    options: &BuildOptions,
) -> Result<Vec<CoreText>, Error> {
    let wants_ir = options.wants(Artifact::CoreLlvm) || needs_elfs(options);
    let mut irs = if wants_ir {
        crate::lower::core_llvm::core_irs(design, phys)?
    } else {
        Vec::new()
    };
    let mut texts = Vec::with_capacity(phys.cores.len());
    for core in &phys.cores {
        let Some((col, row)) = design.coords(core.tile) else {
            continue;
        };
        let ll = irs
            .iter_mut()
            .find(|(t, _)| *t == core.tile)
            .map(|(_, ll)| std::mem::take(ll));
        texts.push(CoreText {
            col,
            row,
            link_with: core.link_with.clone(),
            ld_script: crate::back::ldscript::write(design, phys, core.tile)?,
            ll: ll.filter(|_| wants_ir),
        });
    }
    Ok(texts)
}

/// Writes the linker scripts and LLVM IR asked for (from [`texts`]) and returns every core's
/// ELF, or `None` (with the reason in `missing`) when they cannot be made here. A design without
/// cores has no ELFs to make and gets `Some(vec![])`. The Peano used is named in `summary`.
pub(super) fn build(
    design: &Validated,
    texts: Vec<CoreText>,
    options: &BuildOptions,
    out: &mut Out,
    missing: &mut Vec<(Artifact, String)>,
    summary: &mut String,
) -> Result<Option<Vec<CoreElf>>, Error> {
    let needs_elfs = needs_elfs(options);
    let mut jobs = Vec::new();
    for CoreText {
        col,
        row,
        link_with,
        ld_script,
        ll,
    } in texts
    {
        let base = format!("core_{col}_{row}");
        if options.wants(Artifact::LdScript) {
            out.write_named(
                Artifact::LdScript,
                &format!("{base}.ld.script"),
                ld_script.as_bytes(),
            )?;
        }
        let Some(ll) = ll else {
            continue;
        };
        if options.wants(Artifact::CoreLlvm) {
            out.write_named(Artifact::CoreLlvm, &format!("{base}.ll"), ll.as_bytes())?;
        }
        jobs.push((link_with, (col, row), ll, ld_script));
    }
    if jobs.is_empty() {
        return Ok(Some(Vec::new()));
    }
    if !needs_elfs {
        return Ok(None);
    }
    let lookup = Lookup {
        explicit: options.peano.as_deref(),
        ..Lookup::default()
    };
    let peano = match Peano::locate(&lookup) {
        Ok(p) => p,
        Err(e) => {
            missing.push((Artifact::Elf, e.to_string()));
            return Ok(None);
        }
    };
    summary.push_str(&format!(
        "Peano {} at {}\n",
        peano.version()?,
        peano.dir.display()
    ));
    let work = out.dir.join(WORK_DIR);
    let mut core_jobs = Vec::new();
    let mut compiled = std::collections::HashSet::new();
    for (link_with, tile, ll, ld_script) in jobs {
        let kernel_object = match link_with {
            Some(object) => {
                let kernel = design
                    .kernels
                    .iter()
                    .map(|(_, k)| k)
                    .find(|k| k.object == object);
                let source = kernel.and_then(|k| k.source.as_ref());
                let (Some(source), Some(dir)) = (source, options.kernels_dir.as_ref()) else {
                    missing.push((
                        Artifact::Elf,
                        format!(
                            "core ({}, {}) links with `{object}`, but no kernel names its C++ source or no kernels folder was given (BuildOptions::kernels_dir)",
                            tile.0, tile.1
                        ),
                    ));
                    return Ok(None);
                };
                let path = work.join(&object);
                // Cores that link the same object share one compilation of its kernel.
                if compiled.insert(object.clone()) {
                    peano.compile_kernel(design.device, &dir.join(source), &path)?;
                }
                Some(path)
            }
            None => None,
        };
        core_jobs.push(CoreJob {
            tile,
            ll,
            ld_script,
            kernel_object,
        });
    }
    let progress = |line: &str| eprintln!("peano: {line}");
    let paths = peano.compile_cores(design.device, &work, &core_jobs, &progress)?;
    let mut elfs = Vec::with_capacity(paths.len());
    for (job, path) in core_jobs.iter().zip(paths) {
        let elf = CoreElf::read(job.tile, &path)?;
        let (col, row) = job.tile;
        let name = format!("core_{col}_{row}.elf");
        if options.wants(Artifact::Elf) {
            out.write_named(Artifact::Elf, &name, &elf.bytes)?;
        }
        elfs.push(CoreElf { name, ..elf });
    }
    Ok(Some(elfs))
}
