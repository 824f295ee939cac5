//! Running Peano: compiling kernels and cores step by step, skipping a step whose stamp matches
//! its inputs, and checking each core's ELF.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::stamp::Stamp;
use super::{check_elf, CoreJob, Peano, PeanoError};
use crate::target::Device;

impl Peano {
    /// Compiles one core: writes `core_C_R.ll` and `core_C_R.ld.script` into `work_dir`, copies
    /// the kernel object the script's `INPUT()` names there, runs [`Peano::core_commands`] in
    /// `work_dir` and checks the ELF against the core's memories ([`check_elf`]). Skips
    /// everything when the stamp next to the ELF matches the inputs.
    ///
    /// # Errors
    /// [`PeanoError`] naming the tool and file that failed, or the core that does not fit.
    pub fn compile_core(
        &self,
        device: Device,
        work_dir: &Path,
        (col, row): (u32, u32),
        ll: &str,
        ld_script: &str,
        kernel_object: Option<&Path>,
    ) -> Result<PathBuf, PeanoError> {
        let job = CoreJob {
            tile: (col, row),
            ll: ll.to_string(),
            ld_script: ld_script.to_string(),
            kernel_object: kernel_object.map(Path::to_path_buf),
        };
        self.core_job(device, work_dir, &job, &|_| {})
    }

    /// Compiles several cores, as many at a time as the machine has cores, reporting one line
    /// per step through `progress`. The ELFs come back in `jobs` order.
    ///
    /// # Errors
    /// The first [`PeanoError`] in `jobs` order.
    pub fn compile_cores(
        &self,
        device: Device,
        work_dir: &Path,
        jobs: &[CoreJob],
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Vec<PathBuf>, PeanoError> {
        let width = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .max(1);
        let mut out = Vec::with_capacity(jobs.len());
        for chunk in jobs.chunks(width) {
            let results: Vec<Result<PathBuf, PeanoError>> = std::thread::scope(|s| {
                let handles: Vec<_> = chunk
                    .iter()
                    .map(|job| s.spawn(move || self.core_job(device, work_dir, job, progress)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(PeanoError::Io {
                                path: work_dir.to_path_buf(),
                                source: std::io::Error::other("a core build thread panicked"),
                            })
                        })
                    })
                    .collect()
            });
            for r in results {
                out.push(r?);
            }
        }
        Ok(out)
    }

    fn core_job(
        &self,
        device: Device,
        work_dir: &Path,
        job: &CoreJob,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<PathBuf, PeanoError> {
        let (col, row) = job.tile;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| PeanoError::Io { path, source }
        };
        std::fs::create_dir_all(work_dir).map_err(io(work_dir))?;
        let work_dir = std::fs::canonicalize(work_dir).map_err(io(work_dir))?;
        let name = format!("core_{col}_{row}");
        let elf = work_dir.join(format!("{name}.elf"));
        let mut key = Stamp::new();
        key.add(self.version()?.as_bytes());
        key.add(job.ll.as_bytes());
        key.add(job.ld_script.as_bytes());
        if let Some(obj) = &job.kernel_object {
            key.add(&std::fs::read(obj).map_err(io(obj))?);
        }
        let stamp = work_dir.join(format!("{name}.elf.stamp"));
        if elf.exists() && key.matches(&stamp) {
            progress(&format!(
                "core ({col}, {row}): {} is up to date",
                elf.display()
            ));
            return Ok(elf);
        }
        let ll_path = work_dir.join(format!("{name}.ll"));
        let script_path = work_dir.join(format!("{name}.ld.script"));
        write(&ll_path, job.ll.as_bytes())?;
        write(&script_path, job.ld_script.as_bytes())?;
        if let Some(obj) = &job.kernel_object {
            if let Some(file) = obj.file_name() {
                let dest = work_dir.join(file);
                // Copying a file onto itself would empty it.
                let same = std::fs::canonicalize(obj).ok() == std::fs::canonicalize(&dest).ok();
                if !same {
                    std::fs::copy(obj, &dest).map_err(io(&dest))?;
                }
            }
        }
        for (step, mut cmd) in ["opt", "llc", "link"].into_iter().zip(self.core_commands(
            device,
            &ll_path,
            &script_path,
            &elf,
        )) {
            progress(&format!("core ({col}, {row}): {step}"));
            cmd.current_dir(&work_dir);
            run(cmd, &ll_path)?;
        }
        let bytes = std::fs::read(&elf).map_err(io(&elf))?;
        check_elf(device, (col, row), &elf, &bytes)?;
        key.write(&stamp)?;
        Ok(elf)
    }

    /// Compiles a kernel source into `object`, unless the stamp next to it matches.
    ///
    /// # Errors
    /// [`PeanoError`] with the compiler's message and the source file.
    pub fn compile_kernel(
        &self,
        device: Device,
        source: &Path,
        object: &Path,
    ) -> Result<(), PeanoError> {
        let mut key = Stamp::new();
        key.add(self.version()?.as_bytes());
        key.add(&std::fs::read(source).map_err(|e| PeanoError::Io {
            path: source.to_path_buf(),
            source: e,
        })?);
        let mut stamp_name = object.as_os_str().to_owned();
        stamp_name.push(".stamp");
        let stamp = PathBuf::from(stamp_name);
        if object.exists() && key.matches(&stamp) {
            return Ok(());
        }
        run(self.kernel_command(device, source, object), source)?;
        key.write(&stamp)
    }
}

/// Writes `bytes` to `path` atomically.
pub(super) fn write(path: &Path, bytes: &[u8]) -> Result<(), PeanoError> {
    crate::artifact::write_atomic(path, bytes).map_err(|e| PeanoError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Runs `cmd` (no shell); a failure names the tool and `file`.
fn run(mut cmd: Command, file: &Path) -> Result<(), PeanoError> {
    let tool = PathBuf::from(cmd.get_program());
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|source| PeanoError::Spawn {
            tool: tool.clone(),
            source,
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(PeanoError::Failed {
            tool,
            file: file.to_path_buf(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }
}
