//! Peano (llvm-aie), the compiler that turns a core's LLVM IR and the C++ kernels into AIE2 ELFs:
//! finding it at run time and driving it the way mlir-aie's C++ driver does
//! (tools/aiecc/aiecc.cpp at 5ff2ab97d, `discoverPeanoInstallDir` and `compileCore`).
//!
//! Peano is looked for, in order, where `--peano` says, in `PEANO_INSTALL_DIR`, and where pip
//! puts the `llvm-aie` wheel: `$VIRTUAL_ENV/lib/python3.*/site-packages/llvm-aie`, then the
//! site-packages folders pip installs into (the user's, `/usr/local`, `/usr`, pyenv's versions,
//! and the prefix of the `python3` on `PATH`), looked at on the file system. aiecc asks
//! `python3` for its `sysconfig` platlib instead; starting Python (through a pyenv shim, dozens
//! of processes) cost more than the rest of a build, so that is only done when
//! [`Lookup::ask_python`] says so. A missing Peano is one sentence that names the variable to
//! set and how to install it ([`PeanoError::NotFound`]).
//!
//! Every tool runs without a shell. Each step writes its output next to a stamp holding a hash
//! of its inputs and of Peano's version: a step whose stamp matches is not run again.
//!
//! This file finds Peano and names its errors; `commands` holds the command lines, `build` runs
//! the steps, `stamp` the hash that lets a step be skipped, and `elf_check` checks a linked ELF
//! against the core's memories.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::target::Device;

mod build;
mod commands;
mod elf_check;
mod stamp;

pub use elf_check::{check_elf, ElfFit};

/// The variable that names Peano's install directory.
pub const PEANO_ENV: &str = "PEANO_INSTALL_DIR";

/// The command that installs Peano, as mlir-aie's README gives it.
pub const INSTALL_HINT: &str =
    "python3 -m pip install llvm-aie -f https://github.com/Xilinx/llvm-aie/releases/expanded_assets/nightly";

/// Optimisation level of every step (aiecc's default `-O2`).
pub const OPT_LEVEL: u32 = 2;

/// How long the `python3` asked for its site-packages folder may take.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(5);

/// Why Peano could not be found or a step failed.
#[derive(Debug, Error)]
pub enum PeanoError {
    /// No Peano anywhere it was looked for.
    #[error(
        "Peano (llvm-aie) was not found in {looked}: set {PEANO_ENV} to its install directory \
         (the one holding bin/clang) or install it with `{INSTALL_HINT}`."
    )]
    NotFound {
        /// Where it was looked for, in order.
        looked: String,
    },
    /// A directory named explicitly holds no Peano.
    #[error(
        "{from} names {path}, which holds no Peano (no executable bin/clang, bin/opt, bin/llc); \
         point it at the llvm-aie install directory"
    )]
    NotPeano {
        /// `--peano` or the variable.
        from: String,
        /// The directory.
        path: PathBuf,
    },
    /// A tool could not be started.
    #[error("could not run {tool}: {source}")]
    Spawn {
        /// The tool.
        tool: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A tool ran and failed.
    #[error("{tool} failed on {file} ({status}):\n{stderr}")]
    Failed {
        /// The tool.
        tool: PathBuf,
        /// The input it was working on.
        file: PathBuf,
        /// Its exit status.
        status: String,
        /// What it printed on stderr.
        stderr: String,
    },
    /// A linked core does not fit its tile's memories.
    #[error(
        "core ({col}, {row}): {elf} puts {what} at {start:#x}..{end:#x}, outside the core's \
         {what} memory {base:#x}..{limit:#x}; make the kernel or the core's stack and buffers \
         smaller"
    )]
    DoesNotFit {
        /// Column.
        col: u32,
        /// Row.
        row: u32,
        /// The ELF.
        elf: PathBuf,
        /// `program` or `data`.
        what: &'static str,
        /// Start address of the segment.
        start: u64,
        /// End address of the segment.
        end: u64,
        /// Start of the memory it must lie in.
        base: u64,
        /// End of that memory.
        limit: u64,
    },
    /// A file that should be an AIE ELF is not one.
    #[error("{path} is not an AIE2 ELF: {why}")]
    BadElf {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A file of the build could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Where Peano is looked for: the process environment by default; tests give their own.
pub struct Lookup<'a> {
    /// The `--peano` directory, if given.
    pub explicit: Option<&'a Path>,
    /// Reads an environment variable.
    pub env: &'a dyn Fn(&str) -> Option<OsString>,
    /// Whether to look in the usual site-packages folders on the file system.
    pub scan_site_packages: bool,
    /// Whether to ask `python3` for its site-packages folder (slow: starts Python).
    pub ask_python: bool,
}

impl Default for Lookup<'_> {
    fn default() -> Self {
        Lookup {
            explicit: None,
            env: &|name| std::env::var_os(name),
            scan_site_packages: true,
            ask_python: false,
        }
    }
}

/// One core to compile: its tile, LLVM IR, linker script and the kernel object its script's
/// `INPUT()` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreJob {
    /// Column and row.
    pub tile: (u32, u32),
    /// The LLVM IR ([`crate::lower::core_llvm::core_ir`]).
    pub ll: String,
    /// The linker script ([`crate::back::ldscript::write`]).
    pub ld_script: String,
    /// The kernel object, copied next to the script.
    pub kernel_object: Option<PathBuf>,
}

/// A Peano installation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peano {
    /// The install directory (holding `bin/`).
    pub dir: PathBuf,
}

/// Whether `dir` holds the tools the build runs.
fn holds_peano(dir: &Path) -> bool {
    ["clang", "opt", "llc"]
        .iter()
        .all(|t| is_executable(&dir.join("bin").join(t)))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The `python3*` folders under `lib`, newest first.
fn python_dirs(lib: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(lib)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("python3"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v.reverse();
    v
}

/// The site-packages folders pip installs wheels into on this machine, as far as the file
/// system shows them: the user's, `/usr/local`'s and `/usr`'s, pyenv's versions, and the
/// prefix of the `python3` on `PATH` (symlinks followed).
fn site_packages(env: &dyn Fn(&str) -> Option<OsString>) -> Vec<PathBuf> {
    let mut libs: Vec<PathBuf> = Vec::new();
    let home = env("HOME").map(PathBuf::from);
    if let Some(h) = &home {
        libs.push(h.join(".local/lib"));
    }
    if let Some(path) = env("PATH") {
        for dir in std::env::split_paths(&path) {
            if let Ok(real) = std::fs::canonicalize(dir.join("python3")) {
                if let Some(prefix) = real.parent().and_then(Path::parent) {
                    libs.push(prefix.join("lib"));
                }
                break;
            }
        }
    }
    let pyenv = env("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".pyenv")));
    if let Some(root) = pyenv {
        let mut versions: Vec<PathBuf> = std::fs::read_dir(root.join("versions"))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path().join("lib"))
                    .collect()
            })
            .unwrap_or_default();
        versions.sort();
        versions.reverse();
        libs.extend(versions);
    }
    libs.push(PathBuf::from("/usr/local/lib"));
    libs.push(PathBuf::from("/usr/lib"));
    let mut out = Vec::new();
    for lib in libs {
        for py in python_dirs(&lib) {
            for sub in ["site-packages", "dist-packages"] {
                let d = py.join(sub);
                if d.is_dir() && !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// `python3 -c "import sysconfig; print(sysconfig.get_path('platlib'))"`, within a time limit.
fn python_platlib() -> Option<PathBuf> {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('platlib'))",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) if start.elapsed() > PYTHON_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut out).ok()?;
    let line = out.lines().next()?.trim();
    (!line.is_empty()).then(|| PathBuf::from(line))
}

impl Peano {
    /// Finds Peano as described in the module documentation.
    ///
    /// # Errors
    /// [`PeanoError::NotPeano`] if `--peano` or `PEANO_INSTALL_DIR` names a directory without
    /// Peano; [`PeanoError::NotFound`] if none of the places holds it.
    pub fn locate(lookup: &Lookup<'_>) -> Result<Peano, PeanoError> {
        let found = |dir: PathBuf| Peano { dir };
        if let Some(dir) = lookup.explicit {
            return if holds_peano(dir) {
                Ok(found(dir.to_path_buf()))
            } else {
                Err(PeanoError::NotPeano {
                    from: "--peano".into(),
                    path: dir.to_path_buf(),
                })
            };
        }
        if let Some(dir) = (lookup.env)(PEANO_ENV).filter(|d| !d.is_empty()) {
            let dir = PathBuf::from(dir);
            return if holds_peano(&dir) {
                Ok(found(dir))
            } else {
                Err(PeanoError::NotPeano {
                    from: PEANO_ENV.into(),
                    path: dir,
                })
            };
        }
        let mut looked = vec![format!("{PEANO_ENV} (not set)")];
        if let Some(venv) = (lookup.env)("VIRTUAL_ENV").filter(|d| !d.is_empty()) {
            let lib = PathBuf::from(venv).join("lib");
            looked.push(format!(
                "{}/python3.*/site-packages/llvm-aie",
                lib.display()
            ));
            let mut versions: Vec<PathBuf> = std::fs::read_dir(&lib)
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|p| {
                            p.file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with("python3"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            // Newest Python first, as aiecc tries 3.12 before 3.11.
            versions.sort();
            versions.reverse();
            for v in versions {
                let dir = v.join("site-packages").join("llvm-aie");
                if holds_peano(&dir) {
                    return Ok(found(dir));
                }
            }
        }
        if lookup.scan_site_packages {
            let dirs = site_packages(lookup.env);
            for sp in &dirs {
                let dir = sp.join("llvm-aie");
                if holds_peano(&dir) {
                    return Ok(found(dir));
                }
            }
            looked.push(if dirs.is_empty() {
                "the usual site-packages folders (none found)".to_string()
            } else {
                format!("llvm-aie under {} site-packages folders", dirs.len())
            });
        }
        if lookup.ask_python {
            match python_platlib() {
                Some(platlib) => {
                    let dir = platlib.join("llvm-aie");
                    if holds_peano(&dir) {
                        return Ok(found(dir));
                    }
                    looked.push(dir.display().to_string());
                }
                None => looked.push("python3's site-packages (python3 did not answer)".into()),
            }
        }
        Err(PeanoError::NotFound {
            looked: looked.join(", "),
        })
    }

    /// The path of one of Peano's tools.
    pub fn tool(&self, name: &str) -> PathBuf {
        self.dir.join("bin").join(name)
    }

    /// The first line `clang --version` prints.
    ///
    /// # Errors
    /// [`PeanoError`] if clang cannot be run.
    pub fn version(&self) -> Result<String, PeanoError> {
        let clang = self.tool("clang");
        let out = Command::new(&clang)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|source| PeanoError::Spawn {
                tool: clang.clone(),
                source,
            })?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string())
    }
}

/// Peano's target triple for the cores of `device` (`aie2-none-unknown-elf`).
pub fn target_triple(device: Device) -> String {
    format!("{}-none-unknown-elf", device.core_arch())
}
