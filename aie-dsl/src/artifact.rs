//! Output files, written atomically: a reader sees the old file or the new one, never half.

use std::io::Write;
use std::path::Path;

use crate::Error;

/// Permissions of an output file on Unix: read and write for its owner, read for everyone
/// (what a compiler's outputs get under the usual umask 022).
#[cfg(unix)]
const OUTPUT_MODE: u32 = 0o644;

/// Writes `contents` to `path` through a uniquely named temporary file in the same folder
/// (safe with several threads or processes writing at once), renamed over `path`. Creates the
/// folder if needed.
///
/// Atomic, not synced: a reader, or a crash of this process, never leaves a half-written file,
/// but the data reaches the disk when the system writes it back, as with compilers' outputs.
/// Syncing each file and its folder cost more than the rest of a small design's build (about
/// 0.3 ms per file here); an output lost to a power cut is rebuilt by running the build again.
///
/// # Errors
/// [`Error::Write`] naming the file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".aie-dsl-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    // A temporary file is private to its owner (0600); an output is an ordinary file that
    // other users and tools (XRT's loader among them) may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(OUTPUT_MODE))
            .map_err(fail)?;
    }
    // On failure the temporary file is removed when `tmp` drops.
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_by_everyone() {
        use std::os::unix::fs::PermissionsExt;
        let dir =
            std::env::temp_dir().join(format!("aie-dsl-artifact-mode-{}", std::process::id()));
        let path = dir.join("insts.bin");
        write_atomic(&path, b"x").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = std::env::temp_dir().join(format!("aie-dsl-artifact-{}", std::process::id()));
        let path = dir.join("sub").join("a.mlir");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let entries: Vec<_> = std::fs::read_dir(dir.join("sub")).unwrap().collect();
        assert_eq!(entries.len(), 1, "no temporary file is left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn concurrent_writers_never_leave_a_mixed_file() {
        let dir = std::env::temp_dir().join(format!("aie-dsl-artifact-mt-{}", std::process::id()));
        let path = dir.join("x.bin");
        let contents: Vec<Vec<u8>> = (0..8u8).map(|i| vec![i; 64 * 1024]).collect();
        std::thread::scope(|s| {
            for c in &contents {
                let path = &path;
                s.spawn(move || {
                    for _ in 0..10 {
                        write_atomic(path, c).unwrap();
                    }
                });
            }
        });
        let got = std::fs::read(&path).unwrap();
        assert!(
            contents.contains(&got),
            "the file is one writer's whole contents"
        );
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file is left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reports_the_path_it_could_not_write() {
        let err = write_atomic(Path::new("/proc/aie-dsl-cannot-write/x"), b"x").unwrap_err();
        assert!(
            err.to_string().contains("/proc/aie-dsl-cannot-write/x"),
            "{err}"
        );
    }
}
