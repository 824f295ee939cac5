//! The `aie` command line, run as a process the way a user runs it.

mod mlir;
use std::process::Command;

fn aie(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aie"))
        .args(args)
        .output()
        .expect("the aie binary runs")
}

#[test]
fn list_names_every_registered_design() {
    let out = aie(&["list"]);
    assert!(out.status.success());
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let registered: Vec<String> = designs::all().iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(listed, registered);
}

#[test]
fn build_writes_what_the_library_writes() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-cli-{}", std::process::id()));
    let out = aie(&["build", "vector_add_4core", "--out", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lib_dir = dir.join("library");
    let design = designs::vector_add_4core().unwrap();
    let built = aie_dsl::build(&design, &aie_dsl::BuildOptions::new(&lib_dir)).unwrap();
    for (artifact, path) in &built.files {
        let name = path.file_name().unwrap();
        let from_cli = std::fs::read(dir.join("vector_add_4core").join(name))
            .unwrap_or_else(|e| panic!("the command line did not write {artifact}: {e}"));
        assert_eq!(from_cli, std::fs::read(path).unwrap(), "{artifact}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unknown_design_is_named_with_the_known_ones() {
    let out = aie(&["build", "layernrom"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no design called `layernrom`"), "{err}");
    assert!(err.contains("layernorm"), "{err}");
}

#[test]
fn report_prints_the_lowered_buffers() {
    let out = aie(&["report", "layernorm"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The lowered summary lists the consumer buffers the ObjectFIFO transform placed.
    assert!(text.contains("of_in_cons_buff_0"), "{text}");
}

/// `--verify-mlir` has MLIR's verifier check both modules (the physical one built through MLIR,
/// not written directly): the files are the same as without it, for every registered design.
#[test]
fn verify_mlir_checks_and_writes_the_same_files() {
    if mlir::missing("verify_mlir_checks_and_writes_the_same_files") {
        return;
    }
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("aie-cli-verify-{}", std::process::id()));
    for (name, _) in designs::all() {
        if ["every_form", "out_of_range"].contains(&name) {
            continue;
        }
        let plain = base.join("plain");
        let checked = base.join("checked");
        for (dir, extra) in [(&plain, None), (&checked, Some("--verify-mlir"))] {
            let mut args = vec!["build", name, "--out", dir.to_str().unwrap()];
            args.extend(extra);
            let out = aie(&args);
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for entry in std::fs::read_dir(plain.join(name)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let other = checked.join(name).join(path.file_name().unwrap());
                assert_eq!(
                    std::fs::read(&path).unwrap(),
                    std::fs::read(&other).unwrap(),
                    "{name}: {}",
                    path.display()
                );
            }
        }
    }
    std::fs::remove_dir_all(&base).unwrap();
}
