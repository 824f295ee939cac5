//! The CDO writer on small designs: buffer initial values against mlir-aie's lit tests
//! (`test/Targets/AIETargetCDODirect/initbuffer*.mlir` at 5ff2ab97d, their CHECK lines), and
//! ELFs it must refuse, each with an error naming the file and the core.

mod common;
use common::cdo::blocks;

use aie_dsl::back::cdo::{self, CdoError, CdoOptions, CoreElf, ElfProblem};
use aie_dsl::prelude::*;

fn init_of(elem: ElemType, values: Vec<i64>) -> Vec<u8> {
    let mut d = DesignBuilder::new("initbuffer", Device::Npu1_1Col);
    let mem = d.mem_tile(0);
    d.buffer_init(mem, "mem_buff_0", MemRefType::vector(8, elem), values);
    let d = d.finish().unwrap();
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    assert_eq!(
        phys.buffer("mem_buff_0").unwrap().address,
        0,
        "the lit test's address"
    );
    cdo::write(&d, &phys, &CdoOptions::default()).unwrap().init
}

#[test]
fn initial_values_i32_as_in_mlir_aie_initbuffer() {
    // CHECK: (BlockWrite-DMAWriteCmd): Start Address: 0x0000000000100000  Size: 8, then
    // 0x000000EA, 0x00000001 … 0x00000007.
    let init = init_of(ElemType::I32, vec![234, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(
        blocks(&init),
        [(0x0010_0000, vec![0xEA, 1, 2, 3, 4, 5, 6, 7])]
    );
}

#[test]
fn initial_values_i8_as_in_mlir_aie_initbuffer_int8() {
    // CHECK: Start Address: 0x0000000000100000  Size: 2; 0xFD020100, 0x07060504.
    let init = init_of(ElemType::I8, vec![0, 1, 2, -3, 4, 5, 6, 7]);
    assert_eq!(
        blocks(&init),
        [(0x0010_0000, vec![0xFD02_0100, 0x0706_0504])]
    );
}

// ---- ELFs -----------------------------------------------------------------------------------

fn elf_bytes() -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cdo/layernorm_elf/core_0_2.elf");
    std::fs::read(p).unwrap()
}

/// Byte offset of field `at` of program header `k` (ELF32: e_phoff at 28, 32-byte headers).
fn phdr_field(elf: &[u8], k: usize, at: usize) -> usize {
    let phoff = u32::from_le_bytes(elf[28..32].try_into().unwrap()) as usize;
    phoff + 32 * k + at
}
const P_PADDR: usize = 12;
const P_MEMSZ: usize = 20;

fn set_u32(elf: &mut [u8], at: usize, v: u32) {
    elf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn write_with(bytes: Vec<u8>, tile: (u32, u32)) -> Result<cdo::CdoFiles, CdoError> {
    let d = common::passthrough_kernel(true);
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let opts = CdoOptions {
        elfs: vec![CoreElf {
            tile,
            name: "core_0_2.elf".into(),
            bytes,
        }],
    };
    cdo::write(&d, &phys, &opts)
}

fn problem(bytes: Vec<u8>) -> ElfProblem {
    match write_with(bytes, (0, 2)) {
        Err(CdoError::Elf {
            file,
            tile,
            problem,
        }) => {
            assert_eq!((file.as_str(), tile), ("core_0_2.elf", (0, 2)));
            problem
        }
        other => panic!("expected an ELF error, got {other:?}"),
    }
}

#[test]
fn a_good_elf_loads_into_the_core_tile() {
    let files = write_with(elf_bytes(), (0, 2)).unwrap();
    let b = blocks(&files.elfs);
    // Program memory of (0,2), then data and bss in its own memory (the 0x70000 window).
    let at: Vec<u64> = b.iter().map(|(a, _)| *a).collect();
    assert_eq!(at, [0x0022_0000, 0x0020_F000, 0x0020_F100]);
    assert!(b[2].1.iter().all(|&w| w == 0), "bss is zeroed");
}

#[test]
fn wrong_machine_is_refused() {
    let mut e = elf_bytes();
    e[18..20].copy_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    let p = problem(e);
    assert_eq!(
        p,
        ElfProblem::Machine {
            found: 62,
            expected: 264
        }
    );
    assert!(p.to_string().contains("AIE2"));
}

#[test]
fn not_an_elf_is_refused() {
    assert!(matches!(
        problem(b"definitely not an ELF file".to_vec()),
        ElfProblem::Parse(_)
    ));
}

#[test]
fn truncated_elf_is_refused() {
    let mut e = elf_bytes();
    e.truncate(120);
    assert!(matches!(
        problem(e),
        ElfProblem::Parse(_) | ElfProblem::Truncated { .. }
    ));
}

#[test]
fn program_past_program_memory_is_refused() {
    let mut e = elf_bytes();
    let at = phdr_field(&e, 0, P_PADDR);
    set_u32(&mut e, at, 0x3FF0); // 96 bytes from here run past 16 KiB
    assert!(matches!(
        problem(e),
        ElfProblem::Outside { paddr: 0x3FF0, .. }
    ));
}

#[test]
fn data_outside_the_core_view_is_refused() {
    let mut e = elf_bytes();
    let at = phdr_field(&e, 1, P_PADDR);
    set_u32(&mut e, at, 0x9_0000);
    assert!(matches!(problem(e), ElfProblem::Outside { .. }));
}

#[test]
fn data_in_a_missing_neighbour_is_refused() {
    // The west window (0x50000) of a core in column 0 has no tile behind it.
    let mut e = elf_bytes();
    let at = phdr_field(&e, 1, P_PADDR);
    set_u32(&mut e, at, 0x5_0000);
    assert!(matches!(
        problem(e),
        ElfProblem::NoDataTile {
            col: -1,
            row: 2,
            ..
        }
    ));
}

#[test]
fn data_over_a_buffer_is_refused() {
    let d = common::passthrough_kernel(true);
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let buf = phys.buffer("in_cons_buff_0").unwrap();
    let mut e = elf_bytes();
    let at = phdr_field(&e, 2, P_PADDR);
    set_u32(&mut e, at, 0x7_0000 + buf.address + 16);
    match problem(e) {
        ElfProblem::OverBuffer {
            buffer, col, row, ..
        } => {
            assert_eq!((buffer.as_str(), col, row), ("in_cons_buff_0", 0, 2));
        }
        p => panic!("{p:?}"),
    }
}

#[test]
fn huge_bss_is_refused_not_allocated() {
    let mut e = elf_bytes();
    let at = phdr_field(&e, 2, P_MEMSZ);
    set_u32(&mut e, at, u32::MAX);
    assert!(matches!(problem(e), ElfProblem::Outside { .. }));
}

#[test]
fn elf_for_a_tile_without_core_is_refused() {
    let err = write_with(elf_bytes(), (0, 3)).unwrap_err();
    assert!(matches!(err, CdoError::ElfWithoutCore { tile: (0, 3), .. }));
    assert!(err.to_string().contains("core_0_2.elf"));
}

#[test]
fn two_elfs_for_one_core_are_refused() {
    let d = common::passthrough_kernel(true);
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let one = CoreElf {
        tile: (0, 2),
        name: "a.elf".into(),
        bytes: elf_bytes(),
    };
    let two = CoreElf {
        name: "b.elf".into(),
        ..one.clone()
    };
    let err = cdo::write(
        &d,
        &phys,
        &CdoOptions {
            elfs: vec![one, two],
        },
    )
    .unwrap_err();
    assert!(matches!(err, CdoError::ElfTwice { .. }), "{err}");
}

#[test]
fn a_missing_elf_file_names_the_file() {
    let err = CoreElf::read((0, 2), std::path::Path::new("/nonexistent/core_0_2.elf")).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/core_0_2.elf"),
        "{err}"
    );
}

// ---- N-d addressing --------------------------------------------------------------------------

#[test]
fn nd_dims_as_in_mlir_aie_aie2_nd_dma() {
    // mlir-aie test/Targets/AIEGenerateXAIE/aie2_nd_DMA.mlir: a mem-tile BD over i32 with
    // dims [<2, 1>, <3, 2>, <2, 4>, <1, 1>] (size, stride; outermost first) becomes
    //   Dim[3] = {stride 1, size 2}, Dim[2] = {2, 3}, Dim[1] = {4, 2}, Dim[0] = {1, 1};
    // aie-rt's mem-tile BD stores `stride - 1` and the wrap of dims 0-2 (word 2: D0, 3: D1,
    // 4: D2; the wrap at bit 17) and only the step of dim 3 (word 5).
    let mut d = DesignBuilder::new("nd", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let inp = d.fifo("in", shim, [mem], 2, common::i32s(16));
    let out = d.fifo("out", mem, [shim], 2, common::i32s(16));
    d.forward(inp, out);
    let d = d.finish().unwrap();
    let mut phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let bd = phys
        .dmas
        .values_mut()
        .flatten()
        .flat_map(|c| c.bds.iter_mut())
        .find(|b| b.bd_id == 0)
        .unwrap();
    bd.dims = vec![
        Dim::new(2, 1),
        Dim::new(3, 2),
        Dim::new(2, 4),
        Dim::new(1, 1),
    ];
    let init = cdo::write(&d, &phys, &CdoOptions::default()).unwrap().init;
    let (_, words) = blocks(&init)
        .into_iter()
        .find(|(a, _)| *a == 0x001A_0000)
        .expect("BD 0 of mem tile (0,1)");
    let wrap = |w: u32| w << 17;
    assert_eq!(words[2], wrap(1)); // D0: stride 1, size 1
    assert_eq!(words[3], wrap(2) | (4 - 1)); // D1: stride 4, size 2
    assert_eq!(words[4], wrap(3) | (2 - 1)); // D2: stride 2, size 3
    assert_eq!(words[5], 0); // D3: stride 1
}

#[test]
fn too_many_dims_for_a_tile_are_refused() {
    let d = common::passthrough_kernel(true);
    let mut phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let bd = phys
        .dmas
        .values_mut()
        .flatten()
        .flat_map(|c| c.bds.iter_mut())
        .next()
        .unwrap();
    bd.dims = vec![Dim::new(2, 1); 4]; // compute-tile BDs have three
    let err = cdo::write(&d, &phys, &CdoOptions::default()).unwrap_err();
    assert!(
        matches!(err, CdoError::TooLarge { col: 0, row: 2, .. }),
        "{err}"
    );
}

#[test]
fn mutated_elfs_never_panic() {
    // Thousands of ELFs with a few bytes changed (headers included): each load returns, as
    // files or a typed error.
    let good = elf_bytes();
    let d = common::passthrough_kernel(true);
    let phys = aie_dsl::lower::objectfifo::lower(&d).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let (mut ok, mut err) = (0, 0);
    for _ in 0..3000 {
        let mut e = good.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % e.len() as u64) as usize;
            e[at] = next() as u8;
        }
        if next() % 8 == 0 {
            e.truncate((next() % e.len() as u64) as usize);
        }
        let opts = CdoOptions {
            elfs: vec![CoreElf {
                tile: (0, 2),
                name: "m.elf".into(),
                bytes: e,
            }],
        };
        match cdo::write(&d, &phys, &opts) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(e.to_string().contains("m.elf"), "{e}");
                err += 1;
            }
        }
    }
    assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
}
