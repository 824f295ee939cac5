//! Running Xilinx's `bootgen` on a CDO set, to compare its PDI with ours (tests, and anyone
//! checking a design by hand). Nothing in the build calls this.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{bif, CdoSet, PdiOptions};

/// `bootgen` on the PATH, if there is one.
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("bootgen"))
        .find(|p| p.is_file())
}

/// Writes `set` and aiecc's BIF into `dir`, runs `bootgen -arch versal -image design.bif -o
/// design.pdi -w` there and returns the PDI it wrote.
///
/// # Errors
/// The I/O error of writing the files or running `bootgen`, or an error carrying bootgen's
/// own output when it fails.
pub fn run(
    bootgen: &Path,
    set: &CdoSet,
    options: &PdiOptions,
    dir: &Path,
) -> std::io::Result<Vec<u8>> {
    std::fs::create_dir_all(dir)?;
    for f in &set.files {
        std::fs::write(dir.join(&f.name), &f.bytes)?;
    }
    let bif_path = dir.join("design.bif");
    std::fs::write(&bif_path, bif(set, &dir.to_string_lossy(), options))?;
    let out = dir.join("design.pdi");
    let result = Command::new(bootgen)
        .args(["-arch", "versal", "-image"])
        .arg(&bif_path)
        .arg("-o")
        .arg(&out)
        .arg("-w")
        .output()?;
    if !result.status.success() {
        return Err(std::io::Error::other(format!(
            "bootgen failed ({}): {}{}",
            result.status,
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        )));
    }
    std::fs::read(out)
}
