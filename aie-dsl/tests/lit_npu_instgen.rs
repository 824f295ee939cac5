//! mlir-aie's `test/Targets/NPU/npu_instgen.mlir` and `test/Targets/NPU/npu_blockwrite_instgen.mlir`
//! lit tests at commit 5ff2ab97d, ported: the NPU operations built as our [`NpuOp`]s, written
//! by [`aie_dsl::back::insts::words`], every word compared with the tests' CHECK lines
//! (`aie-translate --aie-npu-to-binary -aie-output-binary=false`).
//!
//! Ops addressed by `column`/`row` get the absolute address our target model computes
//! ([`Device::register`]); the CHECK words show that address, so the model's shifts and mask
//! are checked too.
//!
//! Not expressible, so left out (the header's op count and byte size below are the CHECK
//! values less those ops): `aiex.npu.load_pdi` (npu_instgen.mlir; we never load a PDI from
//! the instruction stream); the `aiex.npu.blockwrite` with `column`/`row` (npu_instgen.mlir:
//! mlir-aie's AIETargetNPU.cpp `appendBlockWrite` puts `col | row << 8` into its second word;
//! [`NpuOp::BlockWrite`] has only the absolute address, as every block write that
//! `aie-dma-to-npu` makes, whose second word is 0); and `aiex.npu.writebd` on a mem tile
//! (npu_blockwrite_instgen.mlir;
//! our runtime sequences write shim BDs only, through `aie-dma-to-npu`'s lowering, which
//! tests/insts.rs checks). Not ported: `npu2_instgen.mlir`, `npu2_1col_header.mlir`,
//! `npu2_instgen_multiple_devices.mlir` (npu2, which our target model does not have);
//! `npu_dma_memcpy.mlir` is ported in tests/insts.rs.

use aie_dsl::back::insts::{to_text, words};
use aie_dsl::lower::npu::NpuOp;
use aie_dsl::prelude::*;

/// The CHECK lines as words.
fn check(s: &str) -> Vec<u32> {
    s.split_whitespace()
        .map(|w| u32::from_str_radix(w, 16).unwrap())
        .collect()
}

fn sync() -> NpuOp {
    // aiex.npu.sync { column = 3, row = 4, direction = 1, channel = 5, column_num = 1,
    // row_num = 2 }
    NpuOp::Sync {
        col: 3,
        row: 4,
        dir: DmaDir::Mm2s,
        channel: 5,
        col_num: 1,
        row_num: 2,
    }
}

#[test]
fn npu_instgen() {
    let d = Device::Npu1;
    let data: Vec<u32> = (100..108).collect();
    let ops = [
        NpuOp::Write32 {
            addr: d.register(3, 4, 0xabc0_0def),
            value: 0x42,
        },
        NpuOp::Write32 {
            addr: 0xabc0_0def,
            value: 0x314,
        },
        NpuOp::BlockWrite {
            addr: 0x1234_5679,
            data,
        },
        NpuOp::MaskWrite32 {
            addr: d.register(2, 3, 0x567A),
            value: 0x1001,
            mask: 0xf00f_f00f,
        },
        sync(),
    ];
    let got = words(d, &ops);
    // The TXN header: 7 ops and 0xDC bytes with load_pdi's 4 words and the column/row block
    // write's 12; 5 and 0x9C without.
    let mut want = check("06030100 00000104");
    want.extend([7 - 2, 0xDC - 16 - 48]);
    want.extend(check(
        "00000000 00000000 06400DEF 00000000 00000042 00000018
         00000000 00000000 ABC00DEF 00000000 00000314 00000018
         00000001 00000000 12345679 00000030
         00000064 00000065 00000066 00000067 00000068 00000069 0000006A 0000006B
         00000003 00000000 0430567A 00000000 00001001 F00FF00F 0000001C
         00000080 00000010 00030401 05010200",
    ));
    assert_eq!(to_text(&got), to_text(&want));
}

#[test]
fn npu_blockwrite_instgen_without_writebd() {
    let d = Device::Npu1;
    let ops = [
        NpuOp::Write32 {
            addr: d.register(3, 4, 0xabc0_0def),
            value: 0x42,
        },
        sync(),
    ];
    let got = words(d, &ops);
    // Header: 3 ops and 0x68 bytes with the writebd's 12-word block write; 2 and 0x38 without.
    let mut want = check("06030100 00000104");
    want.extend([3 - 1, 0x68 - 48]);
    want.extend(check(
        "00000000 00000000 06400DEF 00000000 00000042 00000018
         00000080 00000010 00030401 05010200",
    ));
    assert_eq!(to_text(&got), to_text(&want));
}
