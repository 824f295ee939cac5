//! Peano (llvm-aie), the compiler that turns a core's LLVM IR and the C++ kernels into AIE2 ELFs:
//! finding it at run time and driving it the way mlir-aie's C++ driver does
//! (tools/aiecc/aiecc.cpp at 5ff2ab97d, `discoverPeanoInstallDir` and `compileCore`).
//!
//! Peano is looked for, in order, where `--peano` says, in `PEANO_INSTALL_DIR`, and where pip
//! puts the `llvm-aie` wheel: `$VIRTUAL_ENV/lib/python3.*/site-packages/llvm-aie`, then the
//! `llvm-aie` folder of `python3`'s `sysconfig` platlib. A missing Peano is one sentence that
//! names the variable to set and how to install it ([`PeanoError::NotFound`]).
//!
//! Every tool runs without a shell. Each step writes its output next to a stamp holding a hash
//! of its inputs and of Peano's version: a step whose stamp matches is not run again.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::target::Device;

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
    /// Whether to ask `python3` for its site-packages folder.
    pub ask_python: bool,
}

impl Default for Lookup<'_> {
    fn default() -> Self {
        Lookup {
            explicit: None,
            env: &|name| std::env::var_os(name),
            ask_python: true,
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

    /// The command that compiles a kernel source into an object (mlir-aie's
    /// programming_examples/makefile-common flags, without its warning set).
    pub fn kernel_command(&self, device: Device, source: &Path, object: &Path) -> Command {
        let mut c = Command::new(self.tool("clang++"));
        c.arg(format!("-O{OPT_LEVEL}"))
            .arg("-std=c++20")
            .arg(format!("--target={}", target_triple(device)))
            .arg("-DNDEBUG")
            .arg("-c")
            .arg(source)
            .arg("-o")
            .arg(object);
        c
    }

    /// The three commands that make a core's ELF from its LLVM IR and linker script, as
    /// aiecc.cpp's `compileCore` runs them: `opt`, `llc`, and `clang` as the linker driver.
    /// `ld_script` should be absolute (aiecc makes it so).
    pub fn core_commands(
        &self,
        device: Device,
        ll: &Path,
        ld_script: &Path,
        elf: &Path,
    ) -> [Command; 3] {
        let opt_ll = ll.with_extension("opt.ll");
        let obj = ll.with_extension("o");
        let arch = device.core_arch();
        let mut opt = Command::new(self.tool("opt"));
        opt.arg(format!("--passes=default<O{OPT_LEVEL}>,strip"))
            .arg("-inline-threshold=10")
            .arg("-S")
            .arg(ll)
            .arg("-o")
            .arg(&opt_ll);
        let mut llc = Command::new(self.tool("llc"));
        llc.arg(&opt_ll)
            .arg(format!("-O{OPT_LEVEL}"))
            .arg(format!("--march={arch}"))
            .arg("--function-sections")
            .arg("--filetype=obj")
            .arg("-o")
            .arg(&obj);
        let mut link = Command::new(self.tool("clang"));
        link.arg(format!("-O{OPT_LEVEL}"))
            .arg(format!("--target={}", target_triple(device)));
        let lld = self.tool("ld.lld");
        if is_executable(&lld) {
            let mut flag = OsString::from("-fuse-ld=");
            flag.push(&lld);
            link.arg(flag);
        } else {
            let mut flag = OsString::from("-B");
            flag.push(self.dir.join("bin"));
            link.arg(flag).arg("-fuse-ld=lld");
        }
        let mut script = OsString::from("-Wl,-T,");
        script.push(ld_script);
        link.arg(&obj)
            .arg("-Wl,--gc-sections")
            .arg("-Wl,--orphan-handling=error")
            .arg(script)
            .arg("-o")
            .arg(elf);
        [opt, llc, link]
    }

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

/// Peano's target triple for the cores of `device` (`aie2-none-unknown-elf`).
pub fn target_triple(device: Device) -> String {
    format!("{}-none-unknown-elf", device.core_arch())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), PeanoError> {
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

/// A 64-bit FNV-1a hash of a step's inputs, stable across runs and Rust versions.
struct Stamp(u64);

impl Stamp {
    fn new() -> Self {
        Stamp(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, bytes: &[u8]) {
        // Length first, so that inputs cannot run into each other.
        for b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn text(&self) -> String {
        format!("{:016x}\n", self.0)
    }

    fn matches(&self, stamp: &Path) -> bool {
        std::fs::read_to_string(stamp).is_ok_and(|s| s == self.text())
    }

    fn write(&self, stamp: &Path) -> Result<(), PeanoError> {
        write(stamp, self.text().as_bytes())
    }
}

/// How much of a core's memories a linked ELF takes: the end of its program and of its data
/// (both from the start of their memory, in bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElfFit {
    /// End of the last executable segment, from address 0.
    pub program_end: u64,
    /// End of the last data segment (initialised data and bss), from the core's own data window.
    pub data_end: u64,
}

/// Program header type of a loadable segment.
const PT_LOAD: u32 = 1;
/// Program header flag of an executable segment.
const PF_X: u32 = 1;

/// Checks a linked core ELF against the core's memories by its loadable segments: executable
/// ones must lie in program memory, the others in the core's own data memory (its East window).
///
/// # Errors
/// [`PeanoError::BadElf`] if `bytes` is not a 32-bit little-endian AIE ELF with sound program
/// headers; [`PeanoError::DoesNotFit`] naming the core and the memory that overflows.
pub fn check_elf(
    device: Device,
    (col, row): (u32, u32),
    path: &Path,
    bytes: &[u8],
) -> Result<ElfFit, PeanoError> {
    let bad = |why: &str| PeanoError::BadElf {
        path: path.to_path_buf(),
        why: why.to_string(),
    };
    let u16_at = |o: usize| -> Result<u16, PeanoError> {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| bad("truncated"))
    };
    let u32_at = |o: usize| -> Result<u32, PeanoError> {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| bad("truncated"))
    };
    if bytes.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err(bad("no ELF magic"));
    }
    // ELFCLASS32, little-endian.
    if bytes.get(4..6) != Some([1u8, 1].as_slice()) {
        return Err(bad("not a 32-bit little-endian ELF"));
    }
    if u16_at(18)? != crate::target::npu1::CORE_ELF_MACHINE {
        return Err(bad("e_machine is not AIE"));
    }
    let phoff = u32_at(28)? as usize;
    let phentsize = usize::from(u16_at(42)?);
    let phnum = usize::from(u16_at(44)?);
    if phentsize < 32 {
        return Err(bad("program headers too small"));
    }
    let program_limit = u64::from(device.program_memory_bytes());
    let data_base = u64::from(crate::target::CoreMemory::East.base_address());
    let data_limit = data_base + u64::from(device.core_local_memory_bytes());
    let mut fit = ElfFit {
        program_end: 0,
        data_end: 0,
    };
    for i in 0..phnum {
        let h = i
            .checked_mul(phentsize)
            .and_then(|o| o.checked_add(phoff))
            .ok_or_else(|| bad("program header offset overflows"))?;
        if u32_at(h)? != PT_LOAD {
            continue;
        }
        let vaddr = u64::from(u32_at(h + 8)?);
        let memsz = u64::from(u32_at(h + 20)?);
        let flags = u32_at(h + 24)?;
        let end = vaddr + memsz;
        let fail = |what, base, limit| PeanoError::DoesNotFit {
            col,
            row,
            elf: path.to_path_buf(),
            what,
            start: vaddr,
            end,
            base,
            limit,
        };
        if flags & PF_X != 0 {
            if end > program_limit {
                return Err(fail("program", 0, program_limit));
            }
            fit.program_end = fit.program_end.max(end);
        } else {
            if vaddr < data_base || end > data_limit {
                return Err(fail("data", data_base, data_limit));
            }
            fit.data_end = fit.data_end.max(end - data_base);
        }
    }
    Ok(fit)
}
