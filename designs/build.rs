//! Link settings for the examples and the `aie` binary on Linux. Start-up time matters: a
//! build of a small design takes a few milliseconds, and the process used to spend as long
//! again in the dynamic loader on the statically linked LLVM/MLIR archives.
//!
//! - Non-PIE executables: the loader no longer applies ~180 000 relative relocations.
//! - libstdc++ linked statically: the ~11 000 relocations of LLVM's vtables against
//!   libstdc++'s type-info symbols are resolved at link time instead of looked up at every
//!   start. llvm-sys and mlir-sys ask for `-lstdc++`; a linker script named `libstdc++.so`
//!   in this crate's search path (searched before the system's) points that at `libstdc++.a`.
//!   Where the compiler has no `libstdc++.a`, or with the `xrt` feature (XRT's own libraries
//!   use the shared libstdc++, and one process should hold one copy), the shared library is
//!   used as before.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    for kind in ["bins", "examples"] {
        println!("cargo:rustc-link-arg-{kind}=-no-pie");
    }
    println!("cargo:rerun-if-env-changed=CC");
    if std::env::var_os("CARGO_FEATURE_XRT").is_some() {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let Ok(out) = Command::new(cc)
        .arg("-print-file-name=libstdc++.a")
        .output()
    else {
        return;
    };
    let archive = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !archive.is_absolute() || !archive.exists() {
        return;
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let dir = out_dir.join("static-libstdcxx");
    let script = format!("INPUT({})\n", archive.display());
    if std::fs::create_dir_all(&dir).is_ok()
        && std::fs::write(dir.join("libstdc++.so"), script).is_ok()
    {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}
