//! Finding Peano and the command lines it is driven with. Nothing here runs Peano (it cannot be
//! installed on this machine or in CI); `designs/tests/peano.rs` compiles every core when it is
//! installed and is reported as ignored otherwise.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use aie_dsl::back::peano::{Lookup, Peano, PeanoError, PEANO_ENV};
use aie_dsl::target::Device;

fn args(cmd: &std::process::Command) -> Vec<String> {
    cmd.get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_missing_peano_is_one_sentence_naming_the_variable_and_the_install() {
    let lookup = Lookup {
        explicit: None,
        env: &|_| None,
        scan_site_packages: false,
        ask_python: false,
    };
    let err = Peano::locate(&lookup).unwrap_err();
    assert!(matches!(err, PeanoError::NotFound { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("set PEANO_INSTALL_DIR"), "{msg}");
    assert!(msg.contains("pip install llvm-aie"), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(msg.ends_with('.'), "{msg}");
    assert!(!msg[..msg.len() - 1].contains(". "), "one sentence: {msg}");
}

#[test]
fn a_named_directory_without_peano_is_reported_with_where_it_came_from() {
    let nowhere = Path::new("/nonexistent/peano-for-aie-dsl");
    let lookup = Lookup {
        explicit: Some(nowhere),
        env: &|_| None,
        scan_site_packages: false,
        ask_python: false,
    };
    let msg = Peano::locate(&lookup).unwrap_err().to_string();
    assert!(
        msg.contains("--peano") && msg.contains("/nonexistent/peano-for-aie-dsl"),
        "{msg}"
    );

    let env = |name: &str| (name == PEANO_ENV).then(|| OsString::from("/nonexistent/env-peano"));
    let lookup = Lookup {
        explicit: None,
        env: &env,
        scan_site_packages: false,
        ask_python: false,
    };
    let msg = Peano::locate(&lookup).unwrap_err().to_string();
    assert!(
        msg.contains(PEANO_ENV) && msg.contains("/nonexistent/env-peano"),
        "{msg}"
    );
}

/// The command lines of mlir-aie's tools/aiecc/aiecc.cpp `compileCore` at 5ff2ab97d (opt, llc,
/// then clang as linker driver with `-B<peano>/bin -fuse-ld=lld` when `ld.lld` is not there to
/// be named directly), and makefile-common's kernel flags.
#[test]
fn command_lines_follow_aiecc() {
    let peano = Peano {
        dir: PathBuf::from("/nonexistent/peano"),
    };
    let w = Path::new("/w");
    let [opt, llc, link] = peano.core_commands(
        Device::Npu1_1Col,
        &w.join("core_0_2.ll"),
        &w.join("core_0_2.ld.script"),
        &w.join("core_0_2.elf"),
    );
    assert_eq!(opt.get_program(), "/nonexistent/peano/bin/opt");
    assert_eq!(
        args(&opt),
        [
            "--passes=default<O2>,strip",
            "-inline-threshold=10",
            "-S",
            "/w/core_0_2.ll",
            "-o",
            "/w/core_0_2.opt.ll"
        ]
    );
    assert_eq!(llc.get_program(), "/nonexistent/peano/bin/llc");
    assert_eq!(
        args(&llc),
        [
            "/w/core_0_2.opt.ll",
            "-O2",
            "--march=aie2",
            "--function-sections",
            "--filetype=obj",
            "-o",
            "/w/core_0_2.o"
        ]
    );
    assert_eq!(link.get_program(), "/nonexistent/peano/bin/clang");
    assert_eq!(
        args(&link),
        [
            "-O2",
            "--target=aie2-none-unknown-elf",
            "-B/nonexistent/peano/bin",
            "-fuse-ld=lld",
            "/w/core_0_2.o",
            "-Wl,--gc-sections",
            "-Wl,--orphan-handling=error",
            "-Wl,-T,/w/core_0_2.ld.script",
            "-o",
            "/w/core_0_2.elf"
        ]
    );
    let k = peano.kernel_command(Device::Npu1_1Col, Path::new("k.cc"), Path::new("k.o"));
    assert_eq!(k.get_program(), "/nonexistent/peano/bin/clang++");
    assert_eq!(
        args(&k),
        [
            "-O2",
            "-std=c++20",
            "--target=aie2-none-unknown-elf",
            "-DNDEBUG",
            "-c",
            "k.cc",
            "-o",
            "k.o"
        ]
    );
}

const ELF: &[u8] = include_bytes!("data/elf/core_0_2.elf");

/// Offset of program header `i`'s `p_memsz` in the test ELF.
fn memsz_offset(i: usize) -> usize {
    let phoff = u32::from_le_bytes(ELF[28..32].try_into().unwrap()) as usize;
    phoff + 32 * i + 20
}

#[test]
fn a_linked_core_is_checked_against_its_memories_by_its_segments() {
    use aie_dsl::back::peano::{check_elf, ElfFit};
    let path = Path::new("core_0_2.elf");
    // 96 bytes of program from 0; data to 0x7F100 + 0x40, i.e. 0xF140 into the own window.
    assert_eq!(
        check_elf(Device::Npu1_1Col, (0, 2), path, ELF).unwrap(),
        ElfFit {
            program_end: 0x60,
            data_end: 0xF140
        }
    );

    // The bss grown past the end of the tile's data memory (0x80000).
    let mut big_bss = ELF.to_vec();
    big_bss[memsz_offset(2)..memsz_offset(2) + 4].copy_from_slice(&0x1000u32.to_le_bytes());
    let err = check_elf(Device::Npu1_1Col, (0, 2), path, &big_bss).unwrap_err();
    assert!(
        matches!(err, PeanoError::DoesNotFit { what: "data", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("core (0, 2)"), "{err}");

    // The program grown past 128 KiB.
    let mut big_text = ELF.to_vec();
    big_text[memsz_offset(0)..memsz_offset(0) + 4].copy_from_slice(&0x20001u32.to_le_bytes());
    let err = check_elf(Device::Npu1_1Col, (0, 2), path, &big_text).unwrap_err();
    assert!(
        matches!(
            err,
            PeanoError::DoesNotFit {
                what: "program",
                ..
            }
        ),
        "{err}"
    );

    // Not an ELF, and a truncated one.
    assert!(matches!(
        check_elf(Device::Npu1_1Col, (0, 2), path, b"text"),
        Err(PeanoError::BadElf { .. })
    ));
    assert!(matches!(
        check_elf(Device::Npu1_1Col, (0, 2), path, &ELF[..60]),
        Err(PeanoError::BadElf { .. })
    ));
}
