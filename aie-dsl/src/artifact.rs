//! Output files, written atomically: a reader sees the old file or the new one, never half.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Error;

/// Writes `contents` to `path` through a temporary file in the same folder and a rename.
/// Creates the folder if needed.
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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp: PathBuf = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn reports_the_path_it_could_not_write() {
        let err = write_atomic(Path::new("/proc/aie-dsl-cannot-write/x"), b"x").unwrap_err();
        assert!(
            err.to_string().contains("/proc/aie-dsl-cannot-write/x"),
            "{err}"
        );
    }
}
