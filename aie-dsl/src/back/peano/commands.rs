//! The command lines of Peano's tools, as mlir-aie's drivers write them.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use super::{is_executable, target_triple, Peano, OPT_LEVEL};
use crate::target::Device;

impl Peano {
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
}
