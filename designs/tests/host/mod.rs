//! Compiling a C++ kernel for the host with a test driver, and running it: how the kernel
//! tests check what the AIE kernels compute (on the NPU they are built with Peano).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Compiles `kernel` (under `kernels/`) with the driver `main` source `driver` into an
/// executable called `name` in a folder for `suite`, with the strict flags every kernel test
/// uses and `extra`; returns its path.
pub fn build(suite: &str, kernel: &str, driver: &str, name: &str, extra: &[&str]) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-dsl-{suite}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let main = dir.join(format!("{name}_main.cc"));
    std::fs::write(&main, driver).unwrap();
    let exe = dir.join(name);
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let out = Command::new(&cxx)
        .args(["-std=c++17", "-O2", "-Wall", "-Werror", "-fno-fast-math"])
        .args(extra)
        .arg("-o")
        .arg(&exe)
        .arg(designs::kernels_dir().join(kernel))
        .arg(&main)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run the host C++ compiler `{cxx}` ({e}); install g++ or set CXX")
        });
    assert!(
        out.status.success(),
        "{kernel} does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs `exe` with `input` on its standard input (fed from a thread, so a driver that writes
/// as it reads cannot fill its output pipe first); returns what it printed.
pub fn run(exe: &Path, input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(out.status.success());
    out.stdout
}
