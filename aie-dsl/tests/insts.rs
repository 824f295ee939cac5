//! The NPU instruction stream, word for word against what mlir-aie's tools at 5ff2ab97d write.
//!
//! Expected words are facts copied from mlir-aie's output for the reference designs (aie-opt with
//! aiecc's pass order, then `aie-translate --aie-npu-to-binary`) and from mlir-aie's
//! test/Targets/NPU/npu_dma_memcpy.mlir.

mod common;

use aie_dsl::prelude::*;
use common::i32s;

/// mlir-aie's insts for passthrough_{kernel,dmas}: `in` (MM2S 0, BD 1, arg 0)
/// then `out` (S2MM 0, BD 0, arg 1, token), 4096 × i32 each, then a sync on `out`.
const PASSTHROUGH: [u32; 75] = [
    0x06030100, 0x00000101, 0x00000008, 0x0000012C, //
    0x00000001, 0x00000000, 0x0001D020, 0x00000030, 0x00001000, 0x00000000, 0x00000000, 0x00000000,
    0x80000000, 0x02000000, 0x00000000, 0x02000000, //
    0x00000081, 0x00000030, 0, 0, 0, 0, 0x0001D024, 0, 0x00000000, 0, 0x00000000, 0, //
    0x00000000, 0x00000000, 0x0001D214, 0x00000000, 0x00000001, 0x00000018, //
    0x00000001, 0x00000000, 0x0001D000, 0x00000030, 0x00001000, 0x00000000, 0x00000000, 0x00000000,
    0x80000000, 0x02000000, 0x00000000, 0x02000000, //
    0x00000081, 0x00000030, 0, 0, 0, 0, 0x0001D004, 0, 0x00000001, 0, 0x00000000, 0, //
    0x00000003, 0x00000000, 0x0001D200, 0x00000000, 0x00000F00, 0x00001F00, 0x0000001C, //
    0x00000000, 0x00000000, 0x0001D204, 0x00000000, 0x80000000, 0x00000018, //
    0x00000080, 0x00000010, 0x00000000, 0x00010100,
];

#[test]
fn passthrough_kernel_matches_mlir_aie() {
    let words = aie_dsl::instructions(&common::passthrough_kernel(true)).unwrap();
    assert_eq!(words, PASSTHROUGH);
}

#[test]
fn passthrough_dmas_matches_mlir_aie() {
    let mut d = DesignBuilder::new("passthrough_dmas", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let inp = d.fifo("in", shim, [mem], 2, i32s(1024));
    let out = d.fifo("out", mem, [shim], 2, i32s(1024));
    d.forward(inp, out);
    common::reference_runtime(&mut d, inp, out);
    let words = aie_dsl::instructions(&d.finish().unwrap()).unwrap();
    assert_eq!(words, PASSTHROUGH);
}

#[test]
fn s2mm_transfers_always_issue_a_token() {
    // The words aie-opt + aie-translate print for this design.
    let mut d = DesignBuilder::new("dialect_example", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let t = i32s(1024);
    let of_in = d.fifo("of_in", shim, [core], 2, t.clone());
    let of_out = d.fifo("of_out", core, [shim], 2, t.clone());
    d.runtime(|rt| {
        let a = rt.arg(t.clone());
        let b = rt.arg(t.clone());
        rt.drain(of_out, b, Transfer::linear(1024).bd_id(1));
        rt.fill(of_in, a, Transfer::linear(1024).bd_id(0).issue_token());
        rt.wait(of_out);
    });
    let design = d.finish().unwrap();
    let ops = aie_dsl::lower::npu::lower(&design, Default::default());
    let words = aie_dsl::back::insts::words(design.device, &ops);
    let bd = [0x00000400, 0, 0, 0, 0x80000000, 0x02000000, 0, 0x02000000];
    let mut want = vec![0x06030100, 0x00000101, 9, 0x148];
    want.extend([1, 0, 0x1D020, 0x30]);
    want.extend(bd);
    want.extend([0x81, 0x30, 0, 0, 0, 0, 0x1D024, 0, 1, 0, 0, 0]);
    want.extend([3, 0, 0x1D200, 0, 0xF00, 0x1F00, 0x1C]);
    want.extend([0, 0, 0x1D204, 0, 0x80000001, 0x18]);
    want.extend([1, 0, 0x1D000, 0x30]);
    want.extend(bd);
    want.extend([0x81, 0x30, 0, 0, 0, 0, 0x1D004, 0, 0, 0, 0, 0]);
    want.extend([3, 0, 0x1D210, 0, 0xF00, 0x1F00, 0x1C]);
    want.extend([0, 0, 0x1D214, 0, 0x80000000, 0x18]);
    want.extend([0x80, 0x10, 0, 0x00010100]);
    assert_eq!(words, want);
}

#[test]
fn strided_transfer_matches_the_npu_dma_memcpy_test() {
    // mlir-aie test/Targets/NPU/npu_dma_memcpy.mlir, lowered by aie-dma-to-npu alone (no
    // controller ids): %arg0[1, 0, 0, 0][1, 2, 32, 32][4096, 2048, 64, 1] of memref<2x64x64xi32>.
    let mut d = DesignBuilder::new("npu_dma_memcpy", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let f = d.fifo("of", shim, [mem], 2, i32s(2048));
    d.runtime(|rt| {
        let a = rt.arg(MemRefType::new([2, 64, 64], ElemType::I32));
        rt.fill(
            f,
            a,
            Transfer::nd([1, 0, 0, 0], [1, 2, 32, 32], [4096, 2048, 64, 1]).bd_id(0),
        );
    });
    let design = d.finish().unwrap();
    let ops = aie_dsl::lower::npu::lower(
        &design,
        aie_dsl::lower::npu::NpuOptions {
            controller_ids: false,
        },
    );
    let words = aie_dsl::back::insts::words(design.device, &ops);
    let want: Vec<u32> = vec![
        0x06030100, 0x00000101, 0x00000003, 0x00000088, //
        0x00000001, 0x00000000, 0x0001D000, 0x00000030, //
        2048, 0, 0, 0x02000000, 0x8200003F, 0x020007FF, 0, 0x02000000, //
        0x00000081, 0x00000030, 0, 0, 0, 0, 0x0001D004, 0, 0x00000000, 0, 0x00004000, 0, //
        0x00000000, 0x00000000, 0x0001D214, 0x00000000, 0x00000000, 0x00000018,
    ];
    assert_eq!(words, want);
}

#[test]
fn shim_channels_follow_fifo_order_per_direction() {
    let design = designs_like_vector_scalar_mul();
    let ch = aie_dsl::lower::shim_channels(&design);
    let got: Vec<(String, DmaDir, u32)> = design
        .fifos
        .iter()
        .filter_map(|(id, f)| {
            ch.get(&aie_dsl::ir::DmaTarget::Fifo(id))
                .map(|c| (f.name.clone(), c.dir, c.channel))
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("in".to_string(), DmaDir::Mm2s, 0),
            ("factor".to_string(), DmaDir::Mm2s, 1),
            ("out".to_string(), DmaDir::S2mm, 0)
        ]
    );
}

fn designs_like_vector_scalar_mul() -> Validated {
    let mut d = DesignBuilder::new("t", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    d.fifo("in", shim, [core], 2, i32s(16));
    d.fifo("factor", shim, [core], 2, i32s(1));
    d.fifo("out", core, [shim], 2, i32s(16));
    d.finish().unwrap()
}

#[test]
fn the_binary_is_little_endian_words_and_the_text_one_word_per_line() {
    let words = [0x06030100u32, 0x101];
    assert_eq!(
        aie_dsl::back::insts::to_bytes(&words),
        vec![0x00, 0x01, 0x03, 0x06, 0x01, 0x01, 0, 0]
    );
    assert_eq!(
        aie_dsl::back::insts::to_text(&words),
        "06030100\n00000101\n"
    );
}
