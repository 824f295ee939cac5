//! The access pattern of one runtime transfer, checked as mlir-aie checks
//! `aiex.npu.dma_memcpy_nd` on a shim tile (`NpuDmaMemcpyNdOp::verify`,
//! `getHardwareStridesWraps` and `verifyStridesWraps` in `lib/Dialect/AIEX/IR/AIEXDialect.cpp`
//! at 5ff2ab97d), in the hardware's units (32-bit words), with 128-bit arithmetic so no user
//! value can overflow.
//!
//! Beyond mlir-aie we also reject negative offsets and patterns that reach past the host
//! buffer (README, deliberate differences).

use crate::ir::DmaTransfer;
use crate::target::npu1;
use crate::types::MemRefType;

/// The problems of transfer `t` on host argument `arg` (number `arg_ix`), as messages that say
/// what to change.
pub(super) fn problems(t: &DmaTransfer, arg: &MemRefType, arg_ix: u32) -> Vec<String> {
    let mut out = Vec::new();
    let width = i128::from(arg.elem().bytes()) * 8;
    let gran = i128::from(npu1::DMA_GRANULARITY_BYTES) * 8;
    let eb = width / 8;
    // mlir-aie's order: innermost first.
    let size = |i: usize| i128::from(t.sizes[3 - i]);
    let stride = |i: usize| i128::from(t.strides[3 - i]);
    let dim = |i: usize| 3 - i;

    if t.sizes.iter().any(|&s| s < 1) {
        return vec![format!("sizes {:?} must all be at least 1", t.sizes)];
    }
    if t.offsets.iter().any(|&o| o < 0) {
        return vec!["offsets must not be negative".into()];
    }
    if i128::from(arg.elements()) * width < gran {
        return vec![format!("host argument {arg_ix} ({arg}) is smaller than {} bytes, the least a DMA moves (mlir-aie: \"Minimum data transfer size required is {gran}bits\"); declare a larger buffer", gran / 8)];
    }
    // The pattern must stay inside the host buffer (ours; mlir-aie does not check).
    // Each product fits in an i128; their sums saturate.
    let start: i128 = (0..4)
        .map(|k| i128::from(t.offsets[k]) * i128::from(t.strides[k]))
        .fold(0, i128::saturating_add);
    let span: i128 = (0..4)
        .map(|k| (i128::from(t.sizes[k]) - 1) * i128::from(t.strides[k]).max(0))
        .fold(0, i128::saturating_add);
    let extent = start.saturating_add(span).saturating_add(1);
    if extent > i128::from(arg.elements()) {
        out.push(format!("it reaches element {} of host argument {arg_ix} ({arg}, {} elements); shrink the sizes or offsets, or declare a larger buffer", extent - 1, arg.elements()));
    }
    let offset_bytes = start.saturating_mul(eb);
    if offset_bytes % 4 != 0 {
        out.push(format!("the start offset of {offset_bytes} bytes is not 4-byte aligned (mlir-aie: \"Offset must be 4-byte-aligned\"); move the offsets to a multiple of 4 bytes"));
    }
    if size(0) * width % gran != 0 {
        out.push(format!("the innermost size {} × {eb} bytes is not a multiple of {} bytes; DMAs move 32-bit words", size(0), gran / 8));
    }
    for i in 0..3 {
        if size(i) > 1 && stride(i) < 1 {
            out.push(format!(
                "dimension {} has size {} but stride {}; give it a stride of at least 1",
                dim(i),
                size(i),
                stride(i)
            ));
        }
    }
    if size(3) > 1 && stride(3) < 0 {
        out.push(format!("the outermost (repeat) stride {} is negative; use 0 to repeat the same data or a positive stride", stride(3)));
    }
    for i in 0..4 {
        if i == 0 && stride(i) == 1 {
            continue;
        }
        if stride(i) * width % gran != 0 {
            out.push(format!("the stride of dimension {} is {} elements × {eb} bytes = {} bytes, not a multiple of {} bytes (the DMA counts in 32-bit words); use a stride that is", dim(i), stride(i), stride(i) * eb, gran / 8));
        }
    }
    // The BD fields (getHardwareStridesWraps): sizes and strides in words, strides stored - 1.
    let words = |elems: i128| elems * width / gran;
    let hw_stride = |i: usize| -> i128 {
        match i {
            0 if stride(0) * width < gran || width > gran => 0,
            0 => words(stride(0)) - 1,
            3 if size(3) > 1 && stride(3) > 0 => words(stride(3)) - 1,
            3 => 0,
            _ if size(i) > 1 => words(stride(i)) - 1,
            _ => 0,
        }
    };
    let wrap = i128::from(npu1::SHIM_MAX_WRAP);
    let linear = size(1) == 1 && size(2) == 1 && stride(0) == 1 && stride(1) == 0 && stride(2) == 0;
    if !linear && words(size(0)) > wrap {
        out.push(format!("the innermost size {} is {} words, above the shim BD limit of {wrap} words; split the transfer or move a factor to an outer dimension", size(0), words(size(0))));
    }
    if size(1) > wrap {
        out.push(format!("the second size {} exceeds the shim BD limit {wrap}; split the transfer or move a factor to an outer dimension", size(1)));
    }
    let repeat = i128::from(npu1::SHIM_MAX_REPEAT);
    let hw_size3 = if size(3) > 1 { size(3) - 1 } else { 0 };
    if hw_size3 > repeat {
        out.push(format!(
            "the outermost (repeat) size {} exceeds {}; issue several transfers",
            size(3),
            repeat + 1
        ));
    }
    let max_stride = i128::from(npu1::SHIM_MAX_STRIDE);
    for i in 0..4 {
        if hw_stride(i) > max_stride && (i < 3 || hw_size3 > 0) {
            out.push(format!("the stride of dimension {} is {} words, above the shim BD limit of {} words; use a smaller stride", dim(i), hw_stride(i) + 1, max_stride + 1));
        }
    }
    out
}
